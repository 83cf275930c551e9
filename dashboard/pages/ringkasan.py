"""Ringkasan: the figures that matter today and what needs attention now."""

from __future__ import annotations

from datetime import timedelta

import streamlit as st

from cetak.lifecycle import RecordState
from cetak.models import utcnow
from dashboard import charts, data, ui
from printers.cards import CardState
from printers.states import PrinterState

ctx = ui.context()
ui.header(ctx, "Ringkasan", f"{ctx.served.kabupaten} ({ctx.served.kode_wilayah})")


def summary_figures() -> dict:
    today, tz = ctx.today, ctx.tz
    printers = ui.query(ctx, "printers", today=today, tz=tz)
    ages = ui.query(ctx, "uncollected_ages", today=today, tz=tz)
    return {
        "waiting": ui.query(ctx, "waiting_prr", today=today, tz=tz),
        "today": ui.query(ctx, "printed_today", today=today, tz=tz),
        "stock": ui.query(ctx, "stock_figures", today=today),
        "printers": printers,
        "needs_attention": ui.query(ctx, "count_in_state", state=RecordState.NEEDS_ATTENTION.value),
        "awaiting_qc": ui.query(ctx, "card_count", state=CardState.PRINTED.value),
        "awaiting_collection": ui.query(ctx, "card_count", state=CardState.RECEIVED.value),
        "open_discrepancies": ui.query(ctx, "open_discrepancy_count"),
        "over_90": sum(int(r.get("over_90") or 0) for r in ages),
    }


@st.fragment(run_every=ui.REFRESH_SECONDS)
def figures() -> None:
    ui.still_logged_in()
    f = summary_figures()
    waiting, stock, today = f["waiting"], f["stock"], f["today"]
    capacity = sum(p["daily_limit"] for p in f["printers"])
    working = sum(
        p["daily_limit"]
        for p in f["printers"]
        if p["state"] not in (PrinterState.OFFLINE, PrinterState.MAINTENANCE)
    )

    c = st.columns(4)
    oldest = waiting["oldest_days"]
    c[0].metric(
        "PRR menunggu cetak",
        ui.num(waiting["total"]),
        help="Record antre, ditahan (belum 17 tahun) dan terjadwal.",
    )
    c[0].caption("PRR tertua: " + ("-" if oldest is None else f"{oldest} hari"))
    c[1].metric("Dicetak hari ini", ui.num(today["printed"]))
    c[1].caption(
        f"Kapasitas {ui.num(capacity)} kartu/hari ({ui.num(working)} dari printer yang siap); "
        f"rusak hari ini {ui.num(today['spoiled'])}"
    )
    cover = stock["days_of_cover"]
    c[2].metric("Blangko di tangan", ui.num(stock["on_hand"]))
    c[2].caption(
        "Cukup untuk "
        + ("- (belum ada pemakaian)" if cover is None else f"{ui.num(cover, 1)} hari")
        + f"; titik pesan ulang {ui.num(stock['reorder_point'])}"
    )
    request = stock["open_request"]
    c[3].metric(
        "Permintaan blangko terbuka",
        "-" if request is None else request["number"],
    )
    if request is not None:
        c[3].caption(
            f"{ui.REQUEST_STATES.get(request['state'], request['state'])}, "
            f"{ui.num(request['quantity'])} keping"
        )

    c = st.columns(4)
    c[0].metric("KTP-el menunggu diambil", ui.num(f["awaiting_collection"]))
    c[1].metric("Selisih kiriman terbuka", ui.num(f["open_discrepancies"]))
    c[2].metric("Kartu menunggu QC", ui.num(f["awaiting_qc"]))
    c[3].metric("Perlu perhatian operator", ui.num(f["needs_attention"]))

    st.subheader("Perlu ditangani sekarang")
    items = data.attention(f)
    if not items:
        st.success("Tidak ada yang mendesak.")
    for level, message in items:
        getattr(st, level)(message)

    st.subheader("Umur PRR yang menunggu")
    ui.table(
        ctx,
        [{"Umur": k, "PRR": v} for k, v in waiting["by_age"].items()],
        key="umur_prr",
        name="Umur PRR menunggu",
    )

    flow = ui.query(ctx, "daily_flow", today=ctx.today, days=30, tz=ctx.tz)
    st.altair_chart(charts.arrivals_vs_printed(flow), width="stretch")

    alerts = ui.query(ctx, "recent_alerts", since=_since_yesterday())
    if alerts:
        st.subheader("Peringatan 24 jam terakhir")
        for a in alerts:  # whole sentences, never cut off in a table cell
            level = ui.ALERT_LEVEL.get(a["level"], a["level"])
            show = st.error if a["level"] in ("CRITICAL", "ERROR") else st.warning
            show(f"**{level}** — {ui.when(ctx, a['created_at'])}  \n{a['message']}")
        with st.expander("Peringatan dalam tabel"):
            ui.table(
                ctx,
                [
                    {
                        "Waktu": ui.when(ctx, a["created_at"]),
                        "Tingkat": ui.ALERT_LEVEL.get(a["level"], a["level"]),
                        "Pesan": a["message"],
                    }
                    for a in alerts
                ],
                key="peringatan",
                name="Peringatan",
                column_config={"Pesan": st.column_config.TextColumn(width="large")},
            )
    ui.refreshed(ctx)


def daily_report() -> None:
    """The laporan harian of a day, as a PDF built when asked (``application.reports``)."""
    st.subheader("Laporan harian")
    c = st.columns([2, 3])
    day = c[0].date_input(
        "Tanggal laporan",
        ctx.today,
        max_value=ctx.today,
        format="DD/MM/YYYY",
        key="daily_day",
    )

    def build(day=day) -> bytes:
        from application.reports import daily_report_pdf

        return daily_report_pdf(ctx.engine, ctx.settings, day)

    with c[1]:
        ui.private_download(
            "Unduh laporan harian (PDF)",
            build,
            file_name=f"laporan-harian-{day:%Y%m%d}.pdf",
            mime="application/pdf",
            key="daily_report",
        )


def _since_yesterday():
    # Rounded to the minute so the cached answer is reused between refreshes.
    return (utcnow() - timedelta(days=1)).replace(second=0, microsecond=0)


figures()
daily_report()
