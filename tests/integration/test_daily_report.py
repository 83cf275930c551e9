"""Reports that go up the chain (issue 13, items 4 and 5): the daily production report per
kecamatan with the stock's days of cover, and the monthly report's use of blanks by jenis
permohonan and by cause of spoilage, read from a print room built through the services."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from pypdf import PdfReader
from sqlmodel import Session, select

from application import reports
from cetak import storage
from cetak.db import write_session
from distribution import handover, service
from inventory import ledger, paperwork
from inventory.queries import totals
from printers import qc
from printers.models import Card

from factory import BAYAT, CAWAS, WEDI, ingest, make_row, pack_and_dispatch, receive, sim_printer, w


def text(pdf: bytes) -> str:
    """The PDF's words, whitespace collapsed (a phrase wrapped over lines still matches)."""
    return " ".join(
        " ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages
    )


def _spoil_wedi_and_a_shelf_blank(engine, printed) -> None:
    with write_session(engine) as s:
        qc.reject_cards(s, [printed["cards"][5]], actor="qc", cause="GAGAL_ENCODE")
        ledger.spoil_blank(s, cause="RUSAK_FISIK", actor="op", key="rak-1", note="jatuh")


def _collect_one_in_cawas(engine, served, printed) -> None:
    packed = pack_and_dispatch(engine, served)
    with w(engine) as s:
        for p in packed:
            service.receive(s, served, p.number, officer="Sri", actor="op")
    with w(engine) as s:
        handover.collect(
            s, served, printed["rows"][0]["nik"], by="Budi", officer="op", kecamatan=CAWAS
        )


def test_the_daily_report_counts_each_kecamatan_and_the_shelf(engine, served, home, printed):
    _spoil_wedi_and_a_shelf_blank(engine, printed)
    _collect_one_in_cawas(engine, served, printed)
    doc = reports.daily_report(engine, home, served)
    assert doc.day == served.today() and doc.as_of is not None  # today: not over yet
    rows = {r.kecamatan: r for r in doc.rows}
    # Every kecamatan of the regency has its row, by name, zero where nothing happened.
    assert {served.kecamatan[k] for k in served.kecamatan} <= set(rows)
    cawas, bayat, wedi = (rows[served.kecamatan[k]] for k in (CAWAS, BAYAT, WEDI))
    assert (cawas.received, cawas.printed, cawas.spoiled_total, cawas.collected) == (3, 3, 0, 1)
    assert (bayat.received, bayat.printed, bayat.spoiled_total, bayat.collected) == (2, 2, 0, 0)
    assert (wedi.received, wedi.printed, dict(wedi.spoiled), wedi.collected) == (
        1,
        0,
        {"GAGAL_ENCODE": 1},
        0,
    )
    shelf = rows[reports.SHELF_ROW]
    assert shelf.shelf and dict(shelf.spoiled) == {"RUSAK_FISIK": 1}
    assert sum(r.printed + r.spoiled_total for r in doc.rows) == 7  # blanks used today
    with Session(engine) as s:
        on_hand, awaiting = totals(s)
    assert (doc.on_hand, doc.awaiting_destruction) == (on_hand, awaiting) == (13, 2)
    # 7 blanks used today, the only day of use: 13 / 7 days of cover.
    assert doc.daily_use == 7 and doc.days_of_cover == pytest.approx(13 / 7)
    assert doc.short_cover  # shorter than the lead time: said in red on the paper
    assert "1 hari data" in doc.usage_basis


def test_a_past_day_stands_at_its_end_and_a_future_day_is_refused(engine, served, home, printed):
    yesterday = served.today() - timedelta(days=1)
    doc = reports.daily_report(engine, home, served, yesterday)
    assert doc.as_of is None and doc.on_hand == 0  # the blanks were received today
    assert sum(r.received + r.printed + r.collected for r in doc.rows) == 0
    with pytest.raises(reports.FutureDay):
        reports.daily_report(engine, home, served, served.today() + timedelta(days=1))


def test_the_daily_report_pdf_is_written_and_kept_once_a_day(engine, served, home, printed):
    _spoil_wedi_and_a_shelf_blank(engine, printed)
    path = reports.write_daily_report(engine, home)
    assert path == reports.daily_path(home, served, served.today())
    assert path.read_bytes()[:5] == b"%PDF-"
    words = text(path.read_bytes())
    number = reports.daily_number(served, served.today())
    for expected in (
        "LAPORAN HARIAN PRODUKSI KTP-EL",
        number,
        "Cawas",
        "Bayat",
        "Gagal tulis chip",
        reports.SHELF_ROW,
        "Cukup untuk",
        "Kepala Seksi",
    ):
        assert expected in words, expected
    assert "33.10.05" not in words  # kecamatan by name, not by code
    kept = storage.list_documents(engine, kind=reports.DAILY_KIND, limit=10)
    assert [d.name for d in kept] == [storage.name_for(path, home.resolved_home)]
    reports.write_daily_report(engine, home)  # written again: replaced, not added
    assert len(storage.list_documents(engine, kind=reports.DAILY_KIND, limit=10)) == 1
    assert reports.daily_report_pdf(engine, home)[:5] == b"%PDF-"


def test_the_monthly_report_shows_use_by_jenis_permohonan_and_by_cause(
    engine, served, home, tmp_path, run
):
    kinds = ["BARU", "BARU", "HILANG", "HILANG", "RUSAK", "PERUBAHAN_DATA"]
    ids = ingest(engine, served, home, tmp_path, [make_row(jenis_permohonan=k) for k in kinds])
    receive(engine, served, 20)
    sim_printer(engine, home, "p1")
    run()
    with write_session(engine) as s:
        cards = {c.record_id: c.card_ref for c in s.exec(select(Card))}
        qc.reject_cards(s, [cards[ids[2]]], actor="qc", cause="GAGAL_CETAK")
        ledger.spoil_blank(s, cause="RUSAK_FISIK", actor="op", key="rak-1")
    with Session(engine) as s:
        by_jenis = {
            j.jenis: (j.printed, j.spoiled)
            for j in paperwork.monthly_by_jenis(s, served, served.today())
        }
        lots = paperwork.monthly_lots(s, served, served.today())
    assert by_jenis == {
        "BARU": (2, 0),
        "HILANG": (1, 1),
        "RUSAK": (1, 0),
        "PERUBAHAN_DATA": (1, 0),
        "": (0, 1),
    }
    assert sum(p for p, _ in by_jenis.values()) == sum(lot.printed for lot in lots)
    assert sum(x for _, x in by_jenis.values()) == sum(lot.spoiled_total for lot in lots)
    path = paperwork.monthly_report(engine, home, served, served.today(), awaiting=2)
    words = text(path.read_bytes())
    for expected in (
        "Pemakaian blangko menurut jenis permohonan",
        "Baru (perekaman pertama)",
        "Penggantian karena hilang",
        "Penggantian karena rusak",
        "Perubahan data",
        "Rusak di rak",
        "Jumlahnya sama dengan kolom Dicetak dan Rusak pada tabel per lot: sesuai",
        "Blangko rusak menurut penyebab",
        "Gagal cetak",
    ):
        assert expected in words, expected
