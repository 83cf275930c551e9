"""Altair charts of the dashboard: rows in, chart out (no database, no Streamlit).

Titles, axes and legends are in Bahasa Indonesia.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

import altair as alt
import pandas as pd

from inventory.rules import CAUSE_LABELS

Rows = Sequence[dict[str, Any]]


def _frame(rows: Rows, columns: Sequence[str]) -> pd.DataFrame:
    return pd.DataFrame(list(rows), columns=list(columns))


def arrivals_vs_printed(rows: Rows) -> alt.Chart:
    """PRRs that arrived and cards printed, per day (rows of ``data.daily_flow``)."""
    df = _frame(rows, ["tanggal", "prr_masuk", "kartu_dicetak"])
    df["tanggal"] = pd.to_datetime(df["tanggal"])
    long = df.melt("tanggal", var_name="seri", value_name="jumlah")
    long["seri"] = long["seri"].map({"prr_masuk": "PRR masuk", "kartu_dicetak": "Kartu dicetak"})
    return (
        alt.Chart(long, title="PRR masuk dan kartu dicetak per hari")
        .mark_line(point=True)
        .encode(
            x=alt.X("tanggal:T", title="Tanggal", axis=alt.Axis(format="%d-%m")),
            y=alt.Y("jumlah:Q", title="Jumlah"),
            color=alt.Color("seri:N", title="Seri"),
            tooltip=[
                alt.Tooltip("tanggal:T", title="Tanggal", format="%d-%m-%Y"),
                alt.Tooltip("seri:N", title="Seri"),
                alt.Tooltip("jumlah:Q", title="Jumlah"),
            ],
        )
    )


def projection(on_hand: int, daily_use: float, today: date, days: int) -> list[dict[str, Any]]:
    """Stock falling by the average daily use from today (pure, for the stock chart)."""
    out = []
    for i in range(days + 1):
        level = max(on_hand - daily_use * i, 0.0)
        out.append({"tanggal": today + timedelta(days=i), "stok": round(level, 1)})
        if level <= 0:
            break
    return out


def stockout_day(on_hand: int, daily_use: float, today: date) -> date | None:
    """The day the shelf empties at the average daily use (None when nothing is used)."""
    if daily_use <= 0:
        return None
    return today + timedelta(days=int(on_hand // daily_use))


def stock_outlook(
    history: Rows,
    *,
    on_hand: int,
    daily_use: float,
    reorder_point: int,
    lead_time_days: float,
    today: date,
    horizon_days: int = 60,
) -> alt.LayerChart:
    """Blanks on hand over time, the projection, the reorder point, the day stock runs
    out and the day a delivery asked for today would arrive."""
    past = _frame(history, ["tanggal", "stok"]).assign(seri="Stok di tangan")
    ahead = pd.DataFrame(projection(on_hand, daily_use, today, horizon_days)).assign(
        seri="Proyeksi pemakaian"
    )
    lines = pd.concat([past, ahead], ignore_index=True)
    lines["tanggal"] = pd.to_datetime(lines["tanggal"])
    base = alt.Chart(lines, title="Stok blangko, titik pesan ulang dan perkiraan habis")
    line = base.mark_line().encode(
        x=alt.X("tanggal:T", title="Tanggal", axis=alt.Axis(format="%d-%m")),
        y=alt.Y("stok:Q", title="Blangko"),
        color=alt.Color("seri:N", title="Keterangan"),
        strokeDash=alt.StrokeDash("seri:N", legend=None),
        tooltip=[
            alt.Tooltip("tanggal:T", title="Tanggal", format="%d-%m-%Y"),
            alt.Tooltip("stok:Q", title="Blangko"),
            alt.Tooltip("seri:N", title="Keterangan"),
        ],
    )
    rop = (
        alt.Chart(pd.DataFrame({"stok": [reorder_point], "label": ["Titik pesan ulang"]}))
        .mark_rule(color="#d62728", strokeDash=[6, 3])
        .encode(y="stok:Q", tooltip=[alt.Tooltip("label:N", title=""), alt.Tooltip("stok:Q")])
    )
    marks = [
        ("Kiriman tiba bila dipesan hari ini", today + timedelta(days=lead_time_days), "#2ca02c")
    ]
    empty = stockout_day(on_hand, daily_use, today)
    # A stock-out beyond the horizon would squash the chart; the page states days of cover.
    if empty is not None and (empty - today).days <= horizon_days:
        marks.append(("Perkiraan stok habis", empty, "#ff7f0e"))
    rules = pd.DataFrame(
        [{"tanggal": pd.Timestamp(d), "label": label, "warna": c} for label, d, c in marks]
    )
    days = (
        alt.Chart(rules)
        .mark_rule(strokeWidth=2)
        .encode(
            x="tanggal:T",
            color=alt.Color("warna:N", scale=None),
            tooltip=[
                alt.Tooltip("label:N", title="Penanda"),
                alt.Tooltip("tanggal:T", title="Tanggal", format="%d-%m-%Y"),
            ],
        )
    )
    return alt.layer(line, rop, days)


def spoilage_by_printer(rows: Rows) -> alt.Chart:
    """Spoiled cards per printer, stacked by cause (rows of ``data.spoilage``)."""
    df = _frame(rows, ["printer", "cause", "jumlah"])
    df["sebab"] = df["cause"].map(lambda c: CAUSE_LABELS.get(c, c))
    return (
        alt.Chart(df, title="Kartu rusak per printer dan sebab")
        .mark_bar()
        .encode(
            x=alt.X("printer:N", title="Printer"),
            y=alt.Y("sum(jumlah):Q", title="Kartu rusak"),
            color=alt.Color("sebab:N", title="Sebab"),
            tooltip=[
                alt.Tooltip("printer:N", title="Printer"),
                alt.Tooltip("sebab:N", title="Sebab"),
                alt.Tooltip("sum(jumlah):Q", title="Jumlah"),
            ],
        )
    )


def spoilage_by_cause(rows: Rows) -> alt.Chart:
    df = _frame(rows, ["printer", "cause", "jumlah"])
    df["sebab"] = df["cause"].map(lambda c: CAUSE_LABELS.get(c, c))
    return (
        alt.Chart(df, title="Kartu rusak per sebab")
        .mark_bar()
        .encode(
            y=alt.Y("sebab:N", title="Sebab", sort="-x"),
            x=alt.X("sum(jumlah):Q", title="Kartu rusak"),
            tooltip=[alt.Tooltip("sebab:N", title="Sebab"), alt.Tooltip("sum(jumlah):Q")],
        )
    )


#: Stages of the distribution funnel, in order, with their labels.
FUNNEL = (
    ("packed", "Dikemas"),
    ("in_transit", "Dalam pengiriman"),
    ("received", "Di kecamatan"),
    ("collected", "Diambil pemohon"),
    ("lost", "Hilang"),
)


def distribution_funnel(rows: Rows) -> alt.Chart:
    """Per kecamatan, where its cards are: packed ... collected (``distribution_status``)."""
    records = []
    order = {label: i for i, (_, label) in enumerate(FUNNEL)}
    for r in rows:
        for key, label in FUNNEL:
            records.append(
                {
                    "kecamatan": r.get("kecamatan") or r.get("kode_kecamatan"),
                    "tahap": label,
                    "urutan": order[label],
                    "jumlah": int(r.get(key) or 0),
                }
            )
    df = pd.DataFrame(records, columns=["kecamatan", "tahap", "urutan", "jumlah"])
    return (
        alt.Chart(df, title="Alur distribusi per kecamatan: dari cetak sampai diambil")
        .mark_bar()
        .encode(
            y=alt.Y("kecamatan:N", title="Kecamatan", sort="-x"),
            x=alt.X("sum(jumlah):Q", title="Kartu", stack="zero"),
            color=alt.Color("tahap:N", title="Tahap", sort=[label for _, label in FUNNEL]),
            order=alt.Order("urutan:Q"),
            tooltip=[
                alt.Tooltip("kecamatan:N", title="Kecamatan"),
                alt.Tooltip("tahap:N", title="Tahap"),
                alt.Tooltip("jumlah:Q", title="Kartu"),
            ],
        )
    )


def lead_times(rows: Rows) -> alt.Chart:
    """Median and 90th percentile of each stage, in days (rows of ``data.lead_times``)."""
    records = []
    for r in rows:
        for key, label in (("median", "Median"), ("p90", "Persentil ke-90")):
            if r.get(key) is not None:
                records.append({"tahap": r["tahap"], "ukuran": label, "hari": r[key]})
    df = pd.DataFrame(records, columns=["tahap", "ukuran", "hari"])
    stages = [r["tahap"] for r in rows]
    return (
        alt.Chart(df, title="Waktu tunggu per tahap (hari)")
        .mark_bar()
        .encode(
            x=alt.X("tahap:N", title="Tahap", sort=stages),
            xOffset=alt.XOffset("ukuran:N"),
            y=alt.Y("hari:Q", title="Hari"),
            color=alt.Color("ukuran:N", title="Ukuran"),
            tooltip=[
                alt.Tooltip("tahap:N", title="Tahap"),
                alt.Tooltip("ukuran:N", title="Ukuran"),
                alt.Tooltip("hari:Q", title="Hari"),
            ],
        )
    )


def queue_ages(rows: Rows, bands: Sequence[str]) -> alt.Chart:
    """Waiting PRRs per kecamatan, stacked by age band (``data.queue_by_kecamatan``)."""
    records = [
        {"kecamatan": r["kecamatan"], "umur": b, "urutan": i, "jumlah": int(r.get(b) or 0)}
        for r in rows
        for i, b in enumerate(bands)
    ]
    df = pd.DataFrame(records, columns=["kecamatan", "umur", "urutan", "jumlah"])
    return (
        alt.Chart(df, title="Antrean PRR per kecamatan menurut umur")
        .mark_bar()
        .encode(
            y=alt.Y("kecamatan:N", title="Kecamatan", sort="-x"),
            x=alt.X("sum(jumlah):Q", title="PRR menunggu"),
            color=alt.Color("umur:N", title="Umur PRR", sort=list(bands)),
            order=alt.Order("urutan:Q"),
            tooltip=[
                alt.Tooltip("kecamatan:N", title="Kecamatan"),
                alt.Tooltip("umur:N", title="Umur"),
                alt.Tooltip("jumlah:Q", title="PRR"),
            ],
        )
    )
