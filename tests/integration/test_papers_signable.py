"""Papers a section head signs (issue 13, items 4 and 6): the carrier sheet wraps between
words and keeps its batch number whole, its PDF title reads "KTP-el"; the monthly report
counts a lot in the month it was received and marks a month not yet over as SEMENTARA."""

from __future__ import annotations

import io
import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from pypdf import PdfReader
from sqlalchemy.engine import Engine

from cetak.bahasa import tanggal
from cetak.db import write_session
from cetak.installation import ServedRegency
from cetak.privacy import mask_nik
from cetak.settings import Settings
from inventory import ledger, paperwork
from papers.carrier import CarrierLine, CarrierSheet, render_carrier_sheet

LONG_DESA = ("SIDOMULYO", "TAMBAKREJO", "PANDANSARI", "KEBONARUM SELATAN JAYA")
LONG_NAMA = "WIRYOSUDARMOHADIKUSUMO BUDI"
BATCH = "B-3310-20261124-07"


def lines(pdf: bytes) -> list[str]:
    """Every text line of every page, whitespace collapsed."""
    out: list[str] = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        out += [" ".join(line.split()) for line in page.extract_text().splitlines()]
    return [line for line in out if line]


def words(pdf: bytes) -> set[str]:
    return {word for line in lines(pdf) for word in line.split()}


def sheet(batch_id: str = BATCH, kecamatan: str = "TAMBAKREJO") -> CarrierSheet:
    cards = tuple(
        CarrierLine(
            card_ref=f"KTP-3310-20261124-{i:04d}",
            prr_id=f"PRR-3310-{20261000 + i}",
            nik_masked=mask_nik(f"3310{41705900000 + i:012d}"),
            nama=LONG_NAMA if i % 2 else "Raden Mas Muhammad Rizky Pratama Setiawan",
            kel_desa=LONG_DESA[i % len(LONG_DESA)],
        )
        for i in range(1, 9)
    )
    return CarrierSheet(
        batch_id=batch_id,
        printer="Fargo HDP5000 #2",
        kabupaten="Kabupaten Klaten",
        kecamatan=kecamatan,
        printed_on=date(2026, 11, 24),
        cards=cards,
    )


# --- the carrier sheet ---------------------------------------------------------------------


def test_carrier_sheet_wraps_between_words_never_inside_one() -> None:
    pdf = render_carrier_sheet(sheet())
    found = words(pdf)
    for name in (*LONG_DESA, *LONG_NAMA.split(), "TAMBAKREJO"):
        for word in name.split():
            assert word in found, f"{word} is broken"
    # No fragment of a long name stands on a line of its own ("TAMBAKREJ" / "O").
    for line in lines(pdf):
        assert line not in {"O", "RI", "M SELATAN", "UMO BUDI"}, line
        assert not re.fullmatch(r"(SIDOMULY|TAMBAKREJ|PANDANSA|KEBONARU)", line), line


def test_the_batch_number_stays_on_one_line_however_long() -> None:
    for batch in (BATCH, "B20261124T093000-001-FARGO-HDP5000-DISDUKCAPIL-KLATEN"):
        text = lines(render_carrier_sheet(sheet(batch)))
        assert sum(batch in line for line in text) >= 3  # heading, under the barcode, footer
        assert not any(line != batch and batch.startswith(line) for line in text)


def test_carrier_sheet_pdf_title_reads_ktp_el() -> None:
    meta = PdfReader(io.BytesIO(render_carrier_sheet(sheet()))).metadata
    assert meta is not None
    assert meta.title == f"Lembar Pengantar Cetak KTP-el {BATCH}"
    assert meta.subject == "Lembar Pengantar Cetak KTP-el"
    assert "Ktp-El" not in f"{meta.title} {meta.subject}"


# --- the monthly report --------------------------------------------------------------------


def pdf_text(path: Path) -> str:
    return " ".join(" ".join(line.split()) for line in lines(path.read_bytes()))


def lot_row(text: str, lot: str) -> list[str]:
    """The figures after ``lot`` in the lot table (Stok awal, Diterima, ...)."""
    match = re.search(rf"{re.escape(lot)} ((?:[\d.]+ ){{4}})", text)
    assert match, text
    return match.group(1).split()


def test_a_lot_counts_in_the_month_it_was_received(
    engine: Engine, served: ServedRegency, home: Settings
) -> None:
    lot = "LOT-2025-11-Z"
    booked = datetime(2025, 12, 2, 2, 0, tzinfo=UTC)  # 2 Desember, 09.00 WIB
    with write_session(engine) as s:
        ledger.receive_stock(
            s, lot=lot, quantity=100, actor="test", received_on=date(2025, 11, 30), at=booked
        )
    november = pdf_text(paperwork.monthly_report(engine, home, served, date(2025, 11, 1), 0))
    assert lot_row(november, lot)[:2] == ["0", "100"]  # stok awal 0, diterima 100
    december = pdf_text(paperwork.monthly_report(engine, home, served, date(2025, 12, 1), 0))
    assert lot_row(december, lot)[:2] == ["100", "0"]  # stok awal 100, nothing received
    assert "TIDAK SESUAI" not in november + december


def test_a_month_not_yet_over_is_dated_today_and_marked_sementara(
    engine: Engine, served: ServedRegency, home: Settings
) -> None:
    today = served.today()
    current = pdf_text(paperwork.monthly_report(engine, home, served, today, 0))
    assert "SEMENTARA" in current
    assert f"{tanggal(today)} Disiapkan oleh" in current
    meta = PdfReader(paperwork.monthly_report(engine, home, served, today, 0)).metadata
    assert meta is not None and (meta.title or "").endswith("(Sementara)")

    last_month_end = today.replace(day=1) - timedelta(days=1)
    finished = pdf_text(paperwork.monthly_report(engine, home, served, last_month_end, 0))
    assert "SEMENTARA" not in finished and "sementara" not in finished
    assert f"{tanggal(last_month_end)} Disiapkan oleh" in finished
