"""Recording devices and coverage through the use cases, on SQLite and PostgreSQL
(issue 14): every change audited, bad files refused whole, and the funnel from recording to
collection joined with what Cetak knows from the PRR on."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import Session, select

from application import recording as rec
from cetak.access import Actor, Forbidden, Role
from cetak.errors import staff_message
from cetak.models import Record
from cetak.users import AuditEntry
from recording.errors import DeviceMoveRefused, ImportRefused, UnknownPlace
from recording.models import CoverageTarget, DeviceEvent, RecordingReport

from factory import BAYAT, CAWAS, WEDI

JUWIRING, TRUCUK = "33.10.14", "33.10.06"
OP = Actor("ani", Role.OPERATOR, via="cli")
VIEWER = Actor("tamu", Role.VIEWER)


def _audits(engine: sa.Engine) -> list[tuple[str, str | None, bool]]:
    with Session(engine) as s:
        return [(a.action, a.target, a.ok) for a in s.exec(select(AuditEntry))]


def test_a_device_breaks_is_repaired_and_replaced_with_events(engine, served) -> None:
    rec.add_device(engine, OP, "KLT-BYT-01", "Bayat", 2016)
    rec.add_device(engine, OP, "KLT-JWR-01", "juwiring", 2020)
    rec.device_broken(engine, OP, "KLT-JWR-01", "petir", "tersambar saat hujan")
    rec.device_broken(engine, OP, "KLT-BYT-01", "lupa kata sandi")
    rec.device_repairing(engine, OP, "KLT-BYT-01", "pusat", served.today() - timedelta(days=2))
    rec.device_repaired(engine, OP, "KLT-BYT-01")
    new = rec.device_replaced(engine, OP, "KLT-JWR-01", "KLT-JWR-02", 2026)
    assert new.kode_kecamatan == JUWIRING
    rows = {r.kode: r for r in rec.device_rows(engine, include_gone=True)}
    assert rows["KLT-JWR-01"].state == "diganti" and rows["KLT-JWR-02"].state == "berfungsi"
    assert rows["KLT-BYT-01"].state == "berfungsi" and rows["KLT-BYT-01"].cause is None
    with Session(engine) as s:
        events = [
            (e.from_state, e.to_state, e.cause, e.repair_by)
            for e in s.exec(select(DeviceEvent).where(DeviceEvent.device_kode == "KLT-BYT-01"))
        ]
    assert events == [
        (None, "berfungsi", None, None),
        ("berfungsi", "rusak", "lupa_kata_sandi", None),
        ("rusak", "dalam_perbaikan", "lupa_kata_sandi", "pusat"),
        ("dalam_perbaikan", "berfungsi", None, "pusat"),
    ]
    actions = [a for a, _t, ok in _audits(engine) if ok]
    assert actions.count("device_add") == 2 and "device_replaced" in actions
    # A replaced device is finished: nothing more happens to it, and nothing is written.
    with pytest.raises(DeviceMoveRefused) as info:
        rec.device_broken(engine, OP, "KLT-JWR-01", "petir")
    assert "sudah diganti" in staff_message(info.value)


def test_refusals_change_nothing(engine, served) -> None:
    with pytest.raises(UnknownPlace) as info:
        rec.add_device(engine, OP, "X-1", "Klaten Utara Raya")
    assert "Kabupaten Klaten" in staff_message(info.value)
    with pytest.raises(Forbidden):
        rec.add_device(engine, VIEWER, "X-1", "Bayat")
    assert rec.device_rows(engine) == []
    assert [ok for _a, _t, ok in _audits(engine)] == [False]  # the refused viewer, audited


def test_a_kecamatan_without_a_working_device_is_sent_to_the_nearest(
    engine, served, tmp_path: Path
) -> None:
    for kode, place in (("A1", "Bayat"), ("A2", "Trucuk"), ("A3", "Cawas"), ("D1", "disdukcapil")):
        rec.add_device(engine, OP, kode, place)
    rec.device_broken(engine, OP, "A1", "lupa_kata_sandi")
    rec.device_broken(engine, OP, "A3", "perangkat_keras")
    table = tmp_path / "jarak.csv"
    table.write_text(
        "dari,ke,km\nBayat,Trucuk,12\nBayat,Cawas,9\nBayat,DISDUKCAPIL,25\nCawas,DISDUKCAPIL,22\n"
    )
    rec.import_distances(engine, OP, table)
    status = {k.kode_kecamatan: k for k in rec.kecamatan_devices(engine)}
    assert status[TRUCUK].can_record and status[TRUCUK].record_at is None
    bayat = status[BAYAT]
    assert not bayat.can_record and bayat.causes == ("lupa_kata_sandi",)
    assert bayat.record_at is not None and (bayat.record_at.to, bayat.record_at.km) == (TRUCUK, 12)
    cawas = status[CAWAS]
    assert cawas.record_at is not None and cawas.record_at.to == "DISDUKCAPIL"


def test_a_bad_file_stores_nothing(engine, served, tmp_path: Path) -> None:
    good = tmp_path / "wajib.csv"
    good.write_text("kode_kecamatan,semester,wajib_ktp\n33.10.05,2026-1,40000\n")
    rec.import_targets(engine, OP, good)
    bad = tmp_path / "wajib2.csv"
    bad.write_text("kode_kecamatan,semester,wajib_ktp\n33.10.05,2026-1,41000\n33.10.99,2026-1,5\n")
    before = bad.read_bytes()
    with pytest.raises(ImportRefused) as info:
        rec.import_targets(engine, OP, bad)
    assert "baris 3 kolom kode_kecamatan '33.10.99': kecamatan tidak dikenal" in staff_message(
        info.value
    )
    assert bad.read_bytes() == before  # the regency's file is never changed
    with Session(engine) as s:
        assert [t.wajib_ktp for t in s.exec(select(CoverageTarget))] == [40_000]
    header = tmp_path / "rekam.csv"
    header.write_text("kecamatan;tanggal;jumlah\n")
    with pytest.raises(ImportRefused) as info:
        rec.import_recordings(engine, OP, header)
    assert "Baris judul harus 'kode_kecamatan,tanggal,jumlah_rekam'" in staff_message(info.value)
    with Session(engine) as s:
        assert s.exec(select(RecordingReport)).first() is None


def test_the_funnel_joins_recordings_prr_cards_and_collections(
    engine, served, home, printed, tmp_path: Path
) -> None:
    today = served.today()
    wajib = tmp_path / "wajib.csv"
    wajib.write_text(
        "kode_kecamatan,semester,wajib_ktp\n"
        f"{CAWAS},{today.year}-{1 if today.month <= 6 else 2},8\n"
        f"{BAYAT},{today.year}-1,4\n"
    )
    rec.import_targets(engine, OP, wajib)
    old = (today - timedelta(days=60)).isoformat()
    reports = tmp_path / "rekam.csv"
    reports.write_text(f"kode_kecamatan,tanggal,jumlah_rekam\n{CAWAS},{old},6\n")
    rec.import_recordings(engine, OP, reports, kumulatif=True)
    rec.add_device(engine, OP, "C1", "Cawas")
    # The feed's tanggal_rekam gives the lead time: make Cawas' three records 10, 20, 30
    # days old at arrival, recorded before the cut-off.
    with Session(engine) as s:
        cawas = s.exec(select(Record).where(Record.kode_kecamatan == CAWAS)).all()
        for r, days in zip(sorted(cawas, key=lambda r: r.id or 0), (10, 20, 30), strict=True):
            r.tanggal_rekam = (today - timedelta(days=days)).isoformat()
            s.add(r)
        s.commit()
    rows = {r.funnel.kode_kecamatan: r for r in rec.coverage_rows(engine, wait_days=15)}
    c = rows[CAWAS]
    assert (c.funnel.wajib_ktp, c.funnel.terekam, c.funnel.prr, c.funnel.dicetak) == (8, 6, 3, 3)
    assert c.funnel.cakupan_rekam == pytest.approx(0.75)
    assert c.funnel.alat_berfungsi == 1 and c.funnel.alat_rusak == 0
    # 6 recorded up to 60 days ago, 2 PRR recorded before the 15-day cut-off: 4 waiting.
    assert c.funnel.menunggu_prr == 4
    assert c.lead.count == 3 and c.lead.median == 20
    b = rows[BAYAT]
    assert (b.funnel.terekam, b.funnel.prr, b.funnel.dicetak) == (2, 2, 2)  # from the feed
    assert rows[WEDI].funnel.wajib_ktp is None and rows[WEDI].funnel.cakupan_rekam is None
    assert len(rows) == len(served.kecamatan)
    js = c.as_json()
    for key in (
        "kode_kecamatan",
        "kecamatan",
        "wajib_ktp",
        "terekam",
        "prr",
        "dicetak",
        "diambil",
        "cakupan_rekam",
        "alat_berfungsi",
        "alat_rusak",
    ):
        assert key in js
    ranked = rec.jemput_bola_ranking(engine, wait_days=15)
    assert ranked[0].kode_kecamatan == BAYAT  # half its wajib KTP not recorded yet


def test_flash_disks_are_tracked_until_sent_to_central(engine, served) -> None:
    d = rec.flashdisk_received(
        engine, OP, kecamatan="Cawas", jumlah=57, carried_by="Pak Joko", received_by="Sri"
    )
    rec.flashdisk_received(engine, OP, kecamatan=BAYAT, jumlah=3, carried_by="A", received_by="B")
    waiting = rec.flashdisk_rows(engine, kecamatan="cawas", waiting_only=True)
    assert [w.jumlah_rekaman for w in waiting] == [57]
    assert d.id is not None
    rec.flashdisk_sent(engine, OP, d.id)
    assert rec.flashdisk_rows(engine, kecamatan="Cawas", waiting_only=True) == []
    assert len(rec.flashdisk_rows(engine)) == 2
    with pytest.raises(Exception) as info:
        rec.flashdisk_sent(engine, OP, d.id)
    assert "sudah diteruskan ke pusat" in staff_message(info.value)


def _pdf_text(path: Path) -> str:
    from pypdf import PdfReader

    return " ".join(" ".join(page.extract_text() for page in PdfReader(path).pages).split())


def test_papers_name_the_broken_devices_and_where_to_record(
    engine, served, home, tmp_path: Path
) -> None:
    rec.add_device(engine, OP, "KLT-JWR-01", "Juwiring", 2016)
    rec.add_device(engine, OP, "KLT-TRC-01", "Trucuk", 2020)
    with pytest.raises(rec.NothingToReport):
        rec.device_letter(engine, home)
    rec.device_broken(engine, OP, "KLT-JWR-01", "petir")
    table = tmp_path / "jarak.csv"
    table.write_text('dari,ke,km\nJuwiring,Trucuk,"7,5"\n')
    rec.import_distances(engine, OP, table)
    letter = _pdf_text(rec.device_letter(engine, home))
    assert "Permohonan Perbaikan/Penggantian Alat Perekaman KTP-el" in letter
    assert "KLT-JWR-01" in letter and "tersambar petir" in letter and "Kec. Juwiring" in letter
    notice = _pdf_text(rec.recording_notice(engine, home))
    assert "PENGUMUMAN" in notice and "Kecamatan Juwiring" in notice
    assert "Kantor Kecamatan Trucuk" in notice and "7,5 km" in notice
    report_path = rec.coverage_report(engine, home, served.today().replace(day=1))
    report = _pdf_text(report_path)
    assert "Laporan Cakupan Perekaman dan Pencetakan KTP-el per Kecamatan" in report
    assert "SEMENTARA" in report and "Juwiring" in report and "Jumlah" in report
    from cetak import storage

    assert storage.info(engine, storage.name_for(report_path, home.resolved_home)) is not None
