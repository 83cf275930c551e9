"""The papers of the reports that go up the chain (issue 13, items 4 and 5), on plain data:
the monthly report's use by jenis permohonan and by cause, and the daily report."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from papers.documents import (
    DailyReport,
    JenisMonth,
    KecamatanDay,
    render_daily_report,
    render_monthly_report,
)
from papers.documents.monthly import SHELF_LABEL, jenis_rows

from paper_samples import BALANCED_LOTS, KASI, KLATEN, RED, monthly_report, read_pdf


def test_jenis_rows_keep_the_four_kinds_in_order_then_others_then_the_shelf():
    rows = jenis_rows((JenisMonth("", 0, 2), JenisMonth("HILANG", 5, 1), JenisMonth("LAIN", 1, 0)))
    assert [r.jenis for r in rows] == ["BARU", "PERUBAHAN_DATA", "RUSAK", "HILANG", "LAIN", ""]
    assert (rows[0].printed, rows[0].spoiled) == (0, 0)
    # A shelf with nothing spoiled gets no row.
    assert [r.jenis for r in jenis_rows((JenisMonth("", 0, 0),))][-1] == "HILANG"


def test_the_monthly_report_breaks_use_down_by_jenis_and_by_cause():
    printed = sum(lot.printed for lot in BALANCED_LOTS)  # 4.760
    spoiled = sum(lot.spoiled_total for lot in BALANCED_LOTS)  # 89
    doc = replace(
        monthly_report(BALANCED_LOTS),
        by_jenis=(
            JenisMonth("BARU", printed - 1_000, spoiled - 9),
            JenisMonth("HILANG", 1_000, 5),
            JenisMonth("", 0, 4),
        ),
    )
    text = read_pdf(render_monthly_report(doc)).words()
    for expected in (
        "Pemakaian blangko menurut jenis permohonan",
        "Baru (perekaman pertama) 3.760 80 3.840",
        "Penggantian karena hilang 1.000 5 1.005",
        f"{SHELF_LABEL} 0 4 4",
        "Jumlah 4.760 89 4.849 100%",
        "Jumlahnya sama dengan kolom Dicetak dan Rusak pada tabel per lot: sesuai",
        "Blangko rusak menurut penyebab",
        "Gagal cetak 59 66,3% 1,2%",  # share of the spoilage, share of blanks used
        "Blangko terpakai bulan ini: 4.849 keping (4.760 menjadi KTP-el, 89 rusak)",
    ):
        assert expected in text, expected


def test_a_breakdown_that_disagrees_with_the_lots_says_so_in_red():
    doc = replace(monthly_report(BALANCED_LOTS), by_jenis=(JenisMonth("BARU", 10, 0),))
    pdf = read_pdf(render_monthly_report(doc))
    assert "Tabel per lot mencatat 4.760 dicetak dan 89 rusak" in pdf.words()
    red = [s.text for page in pdf.pages for s in page if s.fill == RED]
    assert "TIDAK SESUAI" in red


def test_a_monthly_report_without_the_breakdown_has_no_such_section():
    text = read_pdf(render_monthly_report(monthly_report(BALANCED_LOTS))).words()
    assert "jenis permohonan" not in text
    assert "Blangko rusak menurut penyebab" in text  # from the lots themselves


def daily(days_of_cover: float | None) -> DailyReport:
    return DailyReport(
        number="LH-3310-2026-11-24",
        office=KLATEN,
        day=date(2026, 11, 24),
        rows=(
            KecamatanDay("Cawas", 40, 30, {"GAGAL_CETAK": 2}, 25),
            KecamatanDay("Bayat", 10, 8, {}, 0),
            KecamatanDay("Rusak di rak", 0, 0, {"RUSAK_FISIK": 1}, shelf=True),
        ),
        on_hand=400,
        daily_use=41.0,
        usage_basis="berdasarkan 3 hari data; riwayat masih pendek",
        days_of_cover=days_of_cover,
        lead_time_days=14,
        prepared_by=KASI,
    )


def test_the_daily_report_totals_the_kecamatan_and_warns_of_short_cover_in_red():
    pdf = read_pdf(render_daily_report(daily(9.76)))
    text = pdf.words()
    for expected in (
        "LAPORAN HARIAN PRODUKSI KTP-EL",
        "SELASA, 24 NOVEMBER 2026",
        "Nomor: LH-3310-2026-11-24",
        "Cawas 40 30 2 0 0 0 2 25",
        "Jumlah 50 38 2 0 1 0 3 25",
        "Blangko terpakai hari ini: 41 keping (38 menjadi KTP-el, 3 rusak",
        "400 keping",
        "41 keping/hari (berdasarkan 3 hari data; riwayat masih pendek)",
        "Cukup untuk 9,8 hari",
        "keadaan akhir hari",
        KASI.name,
    ):
        assert expected in text, expected
    red = " ".join(s.text for page in pdf.pages for s in page if s.fill == RED)
    assert "9,8 hari" in red and "Perhatian" in red


def test_enough_cover_is_not_red_and_no_use_yet_says_so():
    pdf = read_pdf(render_daily_report(daily(20.0)))
    assert not [s for page in pdf.pages for s in page if s.fill == RED and s.text.strip()]
    text = read_pdf(render_daily_report(daily(None))).words()
    assert "belum dapat dihitung (belum ada pemakaian)" in text
