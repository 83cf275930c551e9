"""The dashboard's charts and Excel files read at a glance (issue 13, items 8 and 11):
Indonesian numbers and dates on the axes, whole counts on whole steps, colours that mean
the same everywhere, the stock chart's markers named on the chart, and workbooks whose text
is never a formula."""

from __future__ import annotations

import io
import json
from datetime import date, timedelta

from openpyxl import load_workbook

from dashboard import charts, ui

TODAY = date(2026, 12, 3)


def spec(chart) -> str:
    return json.dumps(chart.to_dict())


def layers(chart) -> list[dict]:
    d = chart.to_dict()
    return d.get("layer", [d])


def test_count_axes_show_indonesian_thousands_on_whole_steps():
    chart = charts.queue_ages(
        [{"kecamatan": "Cawas", "0-3 hari": 1200, "4-7 hari": 3}], ["0-3 hari", "4-7 hari"]
    )
    axis = chart.to_dict()["encoding"]["x"]["axis"]
    assert axis["tickMinStep"] == 1 and axis["format"] == ",d"
    assert axis["labelExpr"] == charts.COUNT_LABEL  # "," and "." swapped: 1.200
    tooltips = [t["field"] for t in chart.to_dict()["encoding"]["tooltip"]]
    assert "angka" in tooltips  # the tooltip reads "1.200", not "1,200"
    assert "1.200" in spec(chart)


def test_date_axes_use_indonesian_month_names():
    chart = charts.arrivals_vs_printed(
        [
            {"tanggal": TODAY - timedelta(days=i), "prr_masuk": i, "kartu_dicetak": i}
            for i in range(3)
        ]
    )
    axis = chart.to_dict()["encoding"]["x"]["axis"]
    assert "'Des'" in axis["labelExpr"] and "'Agu'" in axis["labelExpr"]
    assert "3 Des 2026" in spec(chart)  # tooltips


def test_lost_and_damaged_are_red_and_collected_green():
    chart = charts.distribution_funnel(
        [{"kecamatan": "Cawas", "packed": 1, "collected": 5, "lost": 1, "damaged": 1}]
    )
    scale = chart.to_dict()["encoding"]["color"]["scale"]
    colour = dict(zip(scale["domain"], scale["range"], strict=True))
    assert colour["Diambil pemohon"] == charts.GOOD == "#2ca02c"
    assert colour["Hilang"] == charts.BAD == "#d62728"
    assert colour["Rusak saat diterima"].startswith("#8")  # a dark red


def test_the_two_spoilage_charts_show_different_things():
    rows = [
        {"printer": "fargo-1", "cause": "GAGAL_CETAK", "jumlah": 2},
        {"printer": "fargo-1", "cause": "RUSAK_FISIK", "jumlah": 1},
        {"printer": "fargo-2", "cause": "GAGAL_CETAK", "jumlah": 4},
    ]
    by_printer = charts.spoilage_by_printer(rows).to_dict()
    by_cause = charts.spoilage_by_cause(rows).to_dict()
    assert "color" not in by_printer["encoding"]  # one bar per printer, all causes
    assert by_printer["encoding"]["x"]["field"] == "printer"
    assert by_cause["encoding"]["y"]["field"] == "sebab"
    printers = {r["printer"]: r["jumlah"] for r in by_printer["datasets"].popitem()[1]}
    causes = {r["sebab"]: r["jumlah"] for r in by_cause["datasets"].popitem()[1]}
    assert printers == {"fargo-1": 3, "fargo-2": 4}
    assert causes == {"Gagal cetak": 6, "Rusak fisik": 1}


def test_the_stock_chart_starts_at_the_first_lot_and_names_its_markers():
    history = [{"tanggal": TODAY - timedelta(days=i), "stok": 400} for i in range(60)]
    chart = charts.stock_outlook(
        history,
        on_hand=400,
        daily_use=20.0,
        reorder_point=300,
        lead_time_days=14,
        today=TODAY,
        since=TODAY - timedelta(days=10),
    )
    text = spec(chart)
    assert "Titik pesan ulang: 300" in text
    assert "Hari ini (3 Des 2026)" in text
    assert "Perkiraan stok habis (23 Des 2026)" in text
    assert "Kiriman tiba bila dipesan hari ini (17 Des 2026)" in text
    d = chart.to_dict()
    rows = [r for data in d["datasets"].values() for r in data if r.get("seri") == "Stok di tangan"]
    assert min(r["tanggal"] for r in rows).startswith(str(TODAY - timedelta(days=10)))
    assert sum(1 for layer in layers(chart) if layer["mark"]["type"] == "text") >= 2


def test_table_cells_are_shown_the_indonesian_way():
    assert ui.shown(1391) == "1.391"
    assert ui.shown(6.75) == "6,8"
    assert ui.shown("SPB-3310") == "SPB-3310"
    assert ui.num(None) == "-" and ui.num(1234567) == "1.234.567"
    assert ui.pct(0.123) == "12,3%"


def test_an_xlsx_keeps_numbers_and_never_runs_text_as_a_formula():
    rows = [
        {"Nama": '=HYPERLINK("http://x")', "Jumlah": 1391, "NIK": "3310********0001"},
        {"Nama": "Sri", "Jumlah": 2, "NIK": "-"},
    ]
    book = load_workbook(io.BytesIO(ui.xlsx(rows, sheet="Daftar: jemput/bola")))
    ws = book.active
    assert ws.title == "Daftar  jemput bola"
    assert [c.value for c in ws[1]] == ["Nama", "Jumlah", "NIK"]
    assert ws["A2"].data_type == "s" and ws["A2"].value.startswith("=HYPERLINK")
    assert ws["B2"].value == 1391 and ws["B2"].data_type == "n"
    assert ws["C2"].value == "3310********0001"


def test_audit_details_and_codes_read_as_words():
    assert ui.coded("wrong_password") == "kata sandi salah"
    assert ui.coded("supervisor") == "Kepala seksi"
    assert ui.coded("dispatched") == "dikirim"
    assert ui.coded("missing") == "tidak ada"
    assert ui.coded(["BAD_NIK_FORMAT"]) == "Format NIK salah"
    assert ui.role_label("stock_manager") == "Pengelola stok"
