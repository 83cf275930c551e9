"""Altair charts of the dashboard: rows in, chart out (no database, no Streamlit).

Titles, axes and legends are in Bahasa Indonesia.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

import altair as alt
import pandas as pd

from cetak.bahasa import angka, tanggal
from inventory.rules import CAUSE_LABELS

Rows = Sequence[dict[str, Any]]

#: Vega expressions: a count with Indonesian thousands (``1.000``), a date as ``2 Des``.
COUNT_LABEL = "replace(replace(replace(format(datum.value, ',d'), ',', '_'), '.', ','), '_', '.')"
DATE_LABEL = (
    "timeFormat(datum.value, '%-d') + ' ' + "
    "['Jan','Feb','Mar','Apr','Mei','Jun','Jul','Agu','Sep','Okt','Nov','Des']"
    "[month(datum.value)]"
)

#: Colours that mean something, the same on every chart.
GOOD = "#2ca02c"  # collected, printed, a delivery arriving
BAD = "#d62728"  # lost, damaged, the reorder point
LATE = "#ff7f0e"  # stock running out, waiting long
NEUTRAL = "#7f7f7f"  # today
BLUE = "#1f77b4"


def count_axis(title: str, **kwargs: Any) -> alt.Axis:
    """A count axis: whole numbers on whole steps, Indonesian thousands."""
    return alt.Axis(title=title, labelExpr=COUNT_LABEL, tickMinStep=1, format=",d", **kwargs)


def date_axis(title: str = "Tanggal") -> alt.Axis:
    return alt.Axis(title=title, labelExpr=DATE_LABEL, labelOverlap=True)


def _angka(n: Any) -> str:
    return angka(int(n))


def _tgl(d: Any) -> str:
    return tanggal(pd.Timestamp(d).date(), short=True)


def _frame(rows: Rows, columns: Sequence[str]) -> pd.DataFrame:
    return pd.DataFrame(list(rows), columns=list(columns))


def arrivals_vs_printed(rows: Rows) -> alt.Chart:
    """PRRs that arrived and cards printed, per day (rows of ``data.daily_flow``)."""
    df = _frame(rows, ["tanggal", "prr_masuk", "kartu_dicetak"])
    df["tanggal"] = pd.to_datetime(df["tanggal"])
    long = df.melt("tanggal", var_name="seri", value_name="jumlah")
    long["seri"] = long["seri"].map({"prr_masuk": "PRR masuk", "kartu_dicetak": "Kartu dicetak"})
    long["hari"] = long["tanggal"].map(_tgl)
    long["angka"] = long["jumlah"].map(_angka)
    return (
        alt.Chart(long, title="PRR masuk dan kartu dicetak per hari")
        .mark_line(point=True)
        .encode(
            x=alt.X("tanggal:T", axis=date_axis()),
            y=alt.Y("jumlah:Q", axis=count_axis("Jumlah")),
            color=alt.Color(
                "seri:N",
                title="Seri",
                scale=alt.Scale(domain=["PRR masuk", "Kartu dicetak"], range=[BLUE, GOOD]),
            ),
            tooltip=[
                alt.Tooltip("hari:N", title="Tanggal"),
                alt.Tooltip("seri:N", title="Seri"),
                alt.Tooltip("angka:N", title="Jumlah"),
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
    since: date | None = None,
    horizon_days: int = 60,
) -> alt.LayerChart:
    """Blanks on hand over time (from ``since``, the first lot, on), the projection, the
    reorder point, today, the day stock runs out and the day a delivery asked for today
    would arrive; each marker says what it is on the chart itself."""
    past = _frame(history, ["tanggal", "stok"])
    if since is not None and not past.empty:
        past = past[pd.to_datetime(past["tanggal"]) >= pd.Timestamp(since)]
    past = past.assign(seri="Stok di tangan")
    ahead = pd.DataFrame(projection(on_hand, daily_use, today, horizon_days)).assign(
        seri="Proyeksi pemakaian"
    )
    lines = pd.concat([past, ahead], ignore_index=True)
    lines["tanggal"] = pd.to_datetime(lines["tanggal"])
    lines["hari"] = lines["tanggal"].map(_tgl)
    lines["angka"] = lines["stok"].map(_angka)
    base = alt.Chart(lines, title="Stok blangko, titik pesan ulang dan perkiraan habis")
    line = base.mark_line().encode(
        x=alt.X("tanggal:T", axis=date_axis()),
        y=alt.Y("stok:Q", axis=count_axis("Blangko"), scale=alt.Scale(zero=True)),
        color=alt.Color(
            "seri:N",
            title="Keterangan",
            scale=alt.Scale(domain=["Stok di tangan", "Proyeksi pemakaian"], range=[BLUE, LATE]),
            legend=alt.Legend(orient="bottom"),
        ),
        strokeDash=alt.StrokeDash(
            "seri:N",
            legend=None,
            scale=alt.Scale(
                domain=["Stok di tangan", "Proyeksi pemakaian"], range=[[1, 0], [6, 3]]
            ),
        ),
        tooltip=[
            alt.Tooltip("hari:N", title="Tanggal"),
            alt.Tooltip("angka:N", title="Blangko"),
            alt.Tooltip("seri:N", title="Keterangan"),
        ],
    )
    rop_frame = pd.DataFrame(
        {
            "stok": [reorder_point],
            "label": [f"Titik pesan ulang: {angka(reorder_point)}"],
            "tanggal": [lines["tanggal"].min()],
        }
    )
    rop = (
        alt.Chart(rop_frame)
        .mark_rule(color=BAD, strokeDash=[6, 3])
        .encode(y="stok:Q", tooltip=[alt.Tooltip("label:N", title="Penanda")])
    )
    rop_text = (
        alt.Chart(rop_frame)
        .mark_text(align="left", baseline="bottom", dx=4, dy=-3, color=BAD, fontWeight="bold")
        .encode(x="tanggal:T", y="stok:Q", text="label:N")
    )
    marks = [
        ("Hari ini", today, NEUTRAL),
        (
            "Kiriman tiba bila dipesan hari ini",
            today + timedelta(days=lead_time_days),
            GOOD,
        ),
    ]
    empty = stockout_day(on_hand, daily_use, today)
    # A stock-out beyond the horizon would squash the chart; the page states days of cover.
    if empty is not None and (empty - today).days <= horizon_days:
        marks.append(("Perkiraan stok habis", empty, BAD))
    top = max([on_hand, reorder_point, *[int(v) for v in past["stok"]]] or [0])
    rules = pd.DataFrame(
        [
            {
                "tanggal": pd.Timestamp(d),
                "label": f"{label} ({_tgl(d)})",
                "warna": c,
                "stok": top * (0.9 - 0.1 * i),
                # The marker furthest right is named on its left, inside the chart.
                "arah": "right" if d == max(m[1] for m in marks) and d != today else "left",
            }
            for i, (label, d, c) in enumerate(marks)
        ]
    )
    days = (
        alt.Chart(rules)
        .mark_rule(strokeWidth=2)
        .encode(
            x="tanggal:T",
            color=alt.Color("warna:N", scale=None),
            tooltip=[alt.Tooltip("label:N", title="Penanda")],
        )
    )
    day_text = [
        alt.Chart(rules[rules["arah"] == side])
        .mark_text(align=side, baseline="middle", dx=4 if side == "left" else -4, fontWeight="bold")
        .encode(
            x="tanggal:T",
            y="stok:Q",
            text="label:N",
            color=alt.Color("warna:N", scale=None),
        )
        for side in ("left", "right")
    ]
    return alt.layer(line, rop, rop_text, days, *day_text)


def spoilage_by_printer(rows: Rows) -> alt.Chart:
    """How many cards each printer spoiled (rows of ``data.spoilage``, all causes)."""
    df = _frame(rows, ["printer", "cause", "jumlah"])
    df = df.groupby("printer", as_index=False)["jumlah"].sum()
    df["angka"] = df["jumlah"].map(_angka)
    return (
        alt.Chart(df, title="Kartu rusak per printer (30 hari)")
        .mark_bar(color=BAD)
        .encode(
            x=alt.X("printer:N", title="Printer", sort="-y", axis=alt.Axis(labelAngle=0)),
            y=alt.Y("jumlah:Q", axis=count_axis("Kartu rusak")),
            tooltip=[
                alt.Tooltip("printer:N", title="Printer"),
                alt.Tooltip("angka:N", title="Kartu rusak"),
            ],
        )
    )


def spoilage_by_cause(rows: Rows) -> alt.Chart:
    """Why cards were spoiled, all printers together (rows of ``data.spoilage``)."""
    df = _frame(rows, ["printer", "cause", "jumlah"])
    df["sebab"] = df["cause"].map(lambda c: CAUSE_LABELS.get(c, c))
    df = df.groupby("sebab", as_index=False)["jumlah"].sum()
    df["angka"] = df["jumlah"].map(_angka)
    return (
        alt.Chart(df, title="Kartu rusak per sebab (30 hari, semua printer)")
        .mark_bar(color=LATE)
        .encode(
            y=alt.Y("sebab:N", title="Sebab", sort="-x"),
            x=alt.X("jumlah:Q", axis=count_axis("Kartu rusak")),
            tooltip=[
                alt.Tooltip("sebab:N", title="Sebab"),
                alt.Tooltip("angka:N", title="Kartu rusak"),
            ],
        )
    )


#: Stages of the distribution funnel, in order, with their labels and colours: on their way
#: in blues, waiting at the kecamatan in amber, collected green, lost and damaged red.
FUNNEL = (
    ("packed", "Dikemas"),
    ("in_transit", "Dalam pengiriman"),
    ("received", "Di kecamatan"),
    ("collected", "Diambil pemohon"),
    ("lost", "Hilang"),
    ("damaged", "Rusak saat diterima"),
)
FUNNEL_COLOURS = {
    "Dikemas": "#9ecae1",
    "Dalam pengiriman": BLUE,
    "Di kecamatan": "#f2b701",
    "Diambil pemohon": GOOD,
    "Hilang": BAD,
    "Rusak saat diterima": "#8c1c13",
}


def distribution_funnel(rows: Rows) -> alt.Chart:
    """Per kecamatan, where its cards are: packed ... collected (``distribution_status``)."""
    records = []
    order = {label: i for i, (_, label) in enumerate(FUNNEL)}
    for r in rows:
        for key, label in FUNNEL:
            n = int(r.get(key) or 0)
            records.append(
                {
                    "kecamatan": r.get("kecamatan") or r.get("kode_kecamatan"),
                    "tahap": label,
                    "urutan": order[label],
                    "jumlah": n,
                    "angka": angka(n),
                }
            )
    df = pd.DataFrame(records, columns=["kecamatan", "tahap", "urutan", "jumlah", "angka"])
    stages = [label for _, label in FUNNEL]
    return (
        alt.Chart(df, title="Alur distribusi per kecamatan: dari cetak sampai diambil")
        .mark_bar()
        .encode(
            y=alt.Y("kecamatan:N", title="Kecamatan", sort="-x"),
            x=alt.X("sum(jumlah):Q", axis=count_axis("Kartu"), stack="zero"),
            color=alt.Color(
                "tahap:N",
                title="Tahap",
                sort=stages,
                scale=alt.Scale(domain=stages, range=[FUNNEL_COLOURS[s] for s in stages]),
            ),
            order=alt.Order("urutan:Q"),
            tooltip=[
                alt.Tooltip("kecamatan:N", title="Kecamatan"),
                alt.Tooltip("tahap:N", title="Tahap"),
                alt.Tooltip("angka:N", title="Kartu"),
            ],
        )
    )


def lead_times(rows: Rows) -> alt.Chart:
    """Median and 90th percentile of each stage, in days (rows of ``data.lead_times``)."""
    records = []
    for r in rows:
        for key, label in (("median", "Median"), ("p90", "Persentil ke-90")):
            if r.get(key) is not None:
                records.append(
                    {"tahap": r["tahap"], "ukuran": label, "hari": r[key], "angka": angka(r[key])}
                )
    df = pd.DataFrame(records, columns=["tahap", "ukuran", "hari", "angka"])
    stages = [r["tahap"] for r in rows]
    return (
        alt.Chart(df, title="Waktu tunggu per tahap (hari)")
        .mark_bar()
        .encode(
            x=alt.X("tahap:N", title="Tahap", sort=stages, axis=alt.Axis(labelAngle=0)),
            xOffset=alt.XOffset("ukuran:N"),
            y=alt.Y("hari:Q", axis=count_axis("Hari")),
            color=alt.Color(
                "ukuran:N",
                title="Ukuran",
                scale=alt.Scale(domain=["Median", "Persentil ke-90"], range=[BLUE, LATE]),
            ),
            tooltip=[
                alt.Tooltip("tahap:N", title="Tahap"),
                alt.Tooltip("ukuran:N", title="Ukuran"),
                alt.Tooltip("angka:N", title="Hari"),
            ],
        )
    )


#: Age bands from young to old: the older the redder.
AGE_COLOURS = ("#9ecae1", "#4292c6", LATE, BAD)


def queue_ages(rows: Rows, bands: Sequence[str]) -> alt.Chart:
    """Waiting PRRs per kecamatan, stacked by age band (``data.queue_by_kecamatan``)."""
    records = [
        {
            "kecamatan": r["kecamatan"],
            "umur": b,
            "urutan": i,
            "jumlah": int(r.get(b) or 0),
            "angka": angka(int(r.get(b) or 0)),
        }
        for r in rows
        for i, b in enumerate(bands)
    ]
    df = pd.DataFrame(records, columns=["kecamatan", "umur", "urutan", "jumlah", "angka"])
    colours = list(AGE_COLOURS[-len(bands) :]) if len(bands) <= len(AGE_COLOURS) else None
    scale = alt.Scale(domain=list(bands), range=colours) if colours else alt.Undefined
    return (
        alt.Chart(df, title="Antrean PRR per kecamatan menurut umur")
        .mark_bar()
        .encode(
            y=alt.Y("kecamatan:N", title="Kecamatan", sort="-x"),
            x=alt.X("sum(jumlah):Q", axis=count_axis("PRR menunggu")),
            color=alt.Color("umur:N", title="Umur PRR", sort=list(bands), scale=scale),
            order=alt.Order("urutan:Q"),
            tooltip=[
                alt.Tooltip("kecamatan:N", title="Kecamatan"),
                alt.Tooltip("umur:N", title="Umur"),
                alt.Tooltip("angka:N", title="PRR"),
            ],
        )
    )
