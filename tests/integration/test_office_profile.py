"""The office profile and official numbers on SQLite and PostgreSQL (issue 13): a number is
never given twice once committed, also to two writers at once; every change is audited and
checked; the berita acara pemusnahan carries the profile's signers, the method, the place,
the witnesses' NIP, "Mengetahui, Kepala Dinas" and a lampiran."""

from __future__ import annotations

import io
import json
import threading
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlmodel import Session, select

from application import office as office_uc
from application.actions import destroy_spoiled
from cetak import office
from cetak.access import Actor, Forbidden, Role
from cetak.bahasa import tanggal
from cetak.db import make_engine, write_session
from cetak.office import InvalidOfficeValue
from cetak.users import AuditEntry
from inventory import ledger, operations

SUPERVISOR = Actor("siti", Role.SUPERVISOR)
OPERATOR = Actor("budi", Role.OPERATOR)
KADIS_NIP = "19690214 199003 1 005"
KASI_NIP = "19750312 199803 2 004"


def audit_rows(engine) -> list[AuditEntry]:
    with Session(engine) as s:
        return list(s.exec(select(AuditEntry).order_by(AuditEntry.id)))


def roman(day) -> str:
    return office.roman_month(day.month)


# --- the counter ---------------------------------------------------------------------------


def test_a_committed_number_is_never_given_again_a_rolled_back_one_is(engine, served):
    day = served.today()
    with write_session(engine) as s:
        first = operations.next_destruction_number(s, held_on=day)
    assert first == f"470/BAP-001/{roman(day)}/{day.year}"
    with pytest.raises(RuntimeError), write_session(engine) as s:
        assert operations.next_destruction_number(s, held_on=day).startswith("470/BAP-002/")
        raise RuntimeError("crash before commit")
    # After a crash the database holds what was committed: number 1 is taken, 2 is free.
    fresh = make_engine(str(engine.url.render_as_string(hide_password=False)))
    try:
        with write_session(fresh) as s:
            assert operations.next_destruction_number(s, held_on=day).startswith("470/BAP-002/")
        assert office.last_number(fresh, "BAP", day.year) == 2
        assert office.last_number(fresh, "SPB", day.year) == 0  # per kind
    finally:
        fresh.dispose()


def test_a_number_given_by_hand_in_the_same_shape_is_skipped(engine, served):
    day = served.today()
    with write_session(engine) as s:
        ledger.receive_stock(s, lot="LOT-A", quantity=10, actor="t", received_on=day)
        ledger.spoil_blank(s, cause="RUSAK_FISIK", actor="t", key="rusak:1")
    taken = f"470/BAP-001/{roman(day)}/{day.year}"
    with write_session(engine) as s:
        operations.destroy_spoiled(
            s, number=taken, held_on=day, place="x", officers=["a"], witnesses=["b", "c"], actor="t"
        )
    with write_session(engine) as s:
        assert operations.next_destruction_number(s, held_on=day).startswith("470/BAP-002/")


def test_two_writers_at_once_never_get_the_same_number(engine, served):
    day = served.today()
    got: list[str] = []
    errors: list[BaseException] = []
    start = threading.Barrier(4)

    def writer() -> None:
        try:
            start.wait()
            for _ in range(5):
                with write_session(engine) as s:
                    number = office.next_number(s, "BAP", day, klasifikasi="470")
                got.append(number)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    seqs = sorted(int(n.split("/")[1].removeprefix("BAP-")) for n in got)
    assert seqs == list(range(1, 21))


# --- the use cases -------------------------------------------------------------------------


def test_a_signer_is_set_checked_and_audited(engine, served):
    done = office_uc.set_signer(
        engine,
        SUPERVISOR,
        "kepala_dinas",
        nama="Drs. Jaka Purnama, M.Si.",
        nip="196902141990031005",
        pangkat="Pembina Utama Muda, IV/c",
    )
    assert done.keys == [
        "penandatangan.kepala_dinas.nama",
        "penandatangan.kepala_dinas.nip",
        "penandatangan.kepala_dinas.pangkat",
    ]
    signer = office_uc.show(engine).signer("kepala_dinas")
    assert (signer.nama, signer.nip, signer.title) == (
        "Drs. Jaka Purnama, M.Si.",
        KADIS_NIP,
        "Kepala Dinas",
    )
    (row,) = audit_rows(engine)
    assert (row.action, row.actor, row.target, row.ok) == (
        "office_signer_set",
        "siti",
        "kepala_dinas",
        True,
    )
    assert "19690214" not in row.detail_json  # field names only
    assert json.loads(row.detail_json)["fields"] == done.keys

    with pytest.raises(InvalidOfficeValue):
        office_uc.set_signer(engine, SUPERVISOR, "kepala_dinas", nip="12345")
    with pytest.raises(Forbidden):
        office_uc.set_signer(engine, OPERATOR, "kepala_dinas", nama="Orang Lain")
    assert office_uc.show(engine).signer("kepala_dinas").nip == KADIS_NIP  # unchanged
    assert [(r.action, r.ok) for r in audit_rows(engine)] == [
        ("office_signer_set", True),
        ("office_signer_set", False),
    ]


def test_the_logo_is_copied_into_cetak_home_and_kept_in_the_database(
    engine, served, home, tmp_path
):
    from PIL import Image

    source = tmp_path / "logo-klaten.png"
    Image.new("RGB", (40, 40), (0, 128, 0)).save(source)
    office_uc.set_letterhead(
        engine,
        SUPERVISOR,
        home,
        {"pemerintah": "Pemerintah Kabupaten Klaten", "email": "disdukcapil@klatenkab.go.id"},
        logo=source,
    )
    assert source.is_file()  # copied, never moved
    copy = Path(home.resolved_home) / "office" / "logo.png"
    assert copy.read_bytes() == source.read_bytes()
    profile = office_uc.show(engine)
    assert profile.logo == source.read_bytes()
    assert profile.get("pemerintah") == "Pemerintah Kabupaten Klaten"
    with pytest.raises(InvalidOfficeValue):
        office_uc.set_letterhead(engine, SUPERVISOR, home, {}, logo=tmp_path / "tidak-ada.png")
    text = tmp_path / "logo.png.txt"
    text.write_text("bukan gambar")
    with pytest.raises(InvalidOfficeValue):
        office_uc.set_letterhead(engine, SUPERVISOR, home, {}, logo=text)


# --- the berita acara pemusnahan -----------------------------------------------------------


def test_the_berita_acara_carries_the_profile_method_witnesses_and_a_lampiran(engine, served, home):
    office_uc.set_letterhead(
        engine,
        SUPERVISOR,
        home,
        {
            "pemerintah": "Pemerintah Kabupaten Klaten",
            "alamat": "Jl. Pemuda No. 294, Klaten 57424",
            "telepon": "(0272) 321046",
            "laman": "disdukcapil.klatenkab.go.id",
        },
    )
    office_uc.set_signer(
        engine, SUPERVISOR, "kepala_seksi", nama="Sri Hartati, S.Sos.", nip=KASI_NIP
    )
    office_uc.set_signer(
        engine, SUPERVISOR, "kepala_dinas", nama="Drs. Jaka Purnama, M.Si.", nip=KADIS_NIP
    )
    day = served.today()
    with write_session(engine) as s:
        ledger.receive_stock(
            s, lot="LOT-A", quantity=10, actor="t", received_on=day, serial_start="000101"
        )
        for i in range(3):
            ledger.spoil_blank(s, cause="RUSAK_FISIK", actor="t", key=f"rusak:{i}")
    done = destroy_spoiled(
        engine,
        SUPERVISOR,
        home,
        held_on=day,
        witnesses=["Dwi Lestari|198505052009012003|Inspektorat", "Heru Santoso"],
        place="Halaman belakang kantor Disdukcapil",
        method="dihancurkan",
    )
    assert done.number == f"470/BAP-001/{roman(day)}/{day.year}"
    (path,) = done.written
    assert Path(path).name == f"470-BAP-001-{roman(day)}-{day.year}.pdf"
    pages = PdfReader(io.BytesIO(Path(path).read_bytes())).pages
    text = " ".join(" ".join(p.extract_text().split()) for p in pages)
    assert f"Nomor: {done.number}" in text
    assert tanggal(day) in text
    assert "Telepon (0272) 321046, Laman disdukcapil.klatenkab.go.id" in text
    assert "bertempat di Halaman belakang kantor Disdukcapil" in text
    assert "dengan cara dihancurkan" in text
    dots = office.BLANK  # the pangkat not set: a dotted line to fill by hand
    assert f"Sri Hartati, S.Sos. {dots} NIP. {KASI_NIP}" in text
    assert "Nama : Dwi Lestari NIP : 19850505 200901 2 003 Jabatan : Inspektorat" in text
    assert f"Mengetahui, Kepala Dinas Kependudukan dan Pencatatan Sipil {served.kabupaten}" in text
    assert f"Drs. Jaka Purnama, M.Si. {dots} NIP. {KADIS_NIP}" in text
    assert "Nomor seri blangko yang dimusnahkan: lot LOT-A: 000101 s.d. 000103" in text
    assert "LAMPIRAN Berita Acara Pemusnahan" in text
    assert "NIP. -" not in text
    (row,) = [r for r in audit_rows(engine) if r.action == "stock_destroy"]
    assert row.target == done.number and json.loads(row.detail_json)["method"] == "dihancurkan"


def test_an_unknown_method_destroys_nothing(engine, served, home):
    from cetak.office import UnknownChoice

    with pytest.raises(UnknownChoice):
        destroy_spoiled(
            engine, SUPERVISOR, home, held_on=served.today(), witnesses=["a", "b"], method="dilebur"
        )
    assert audit_rows(engine) == []
