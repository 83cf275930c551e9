"""Antrian & Printer: the queue by age and kecamatan, the printers, spoilage, and the
records and cards waiting for an operator (QC, printer down/up)."""

from __future__ import annotations

import streamlit as st

from application import actions
from cetak.access import Action
from dashboard import charts, data, scarcity, ui
from inventory.rules import CAUSE_LABELS, Cause
from printers.states import PrinterState

ctx = ui.context()
ui.header(ctx, "Antrian & Printer")
BANDS = [label for label, _ in data.AGE_BANDS]


def _printer_rows(printers: list[dict]) -> list[dict]:
    rows = []
    for p in printers:
        rest = f"{p['since_rest']}/{p['rest_after']} kartu"
        if p["state"] == PrinterState.RESTING and p["rest_until"] is not None:
            rest += f", istirahat sampai {ui.clock(ctx, p['rest_until'])}"
        ribbon = "-"
        if p["ribbon_percent"] is not None:
            ribbon = f"{p['ribbon_percent']}%"
        elif p["ribbon_left"] is not None:
            ribbon = f"{ui.num(p['ribbon_left'])} kartu"
        rows.append(
            {
                "Printer": p["name"],
                "Status": ui.PRINTER_STATES.get(p["state"], p["state"]),
                "Keterangan": p["reason"] or "",
                "Hari ini": f"{ui.num(p['printed_today'])} / {ui.num(p['daily_limit'])}",
                "Rusak hari ini": p["spoiled_today"],
                "Sejak istirahat": rest,
                "Pita": ribbon,
                "Rusak 30 hari": ui.pct(p["spoilage_rate"]),
            }
        )
    return rows


@st.fragment(run_every=ui.REFRESH_SECONDS)
def figures() -> None:
    ui.still_logged_in()
    waiting = ui.query(ctx, "waiting_prr", today=ctx.today, tz=ctx.tz)
    c = st.columns(4)
    for col, (label, _) in zip(c, data.AGE_BANDS, strict=True):
        col.metric(f"PRR menunggu {label}", ui.num(waiting["by_age"][label]))

    st.subheader("Antrean per kecamatan")
    queue = ui.query(
        ctx, "queue_by_kecamatan", today=ctx.today, tz=ctx.tz, kecamatan=ctx.served.kecamatan
    )
    if queue:
        st.altair_chart(charts.queue_ages(queue, BANDS), width="stretch")
        ui.table(
            ctx,
            [
                {"Kode": r["kode_kecamatan"], "Kecamatan": r["kecamatan"], "Jumlah": r["jumlah"]}
                | {b: r[b] for b in BANDS}
                for r in queue
            ],
            key="antrean_kecamatan",
            name="Antrean per kecamatan",
        )
    else:
        st.info("Tidak ada PRR yang menunggu.")

    st.subheader("Printer")
    printers = ui.query(ctx, "printers", today=ctx.today, tz=ctx.tz)
    if printers:
        ui.table(ctx, _printer_rows(printers), key="printer", name="Printer")
    else:
        st.info("Belum ada printer terdaftar.")

    spoiled = ui.query(ctx, "spoilage", today=ctx.today, tz=ctx.tz, days=30)
    if spoiled:
        left, right = st.columns(2)
        left.altair_chart(charts.spoilage_by_printer(spoiled), width="stretch")
        right.altair_chart(charts.spoilage_by_cause(spoiled), width="stretch")
    else:
        st.caption("Tidak ada kartu rusak dalam 30 hari terakhir.")

    st.subheader("Perlu perhatian operator")
    attention = ui.query(ctx, "needs_attention", limit=200)
    if attention:
        ui.table(
            ctx,
            [
                {
                    "PRR": r["prr_id"],
                    "Nama": r["nama"],
                    "NIK": ctx.nik(r["nik"]),
                    "Kecamatan": ui.kecamatan_name(ctx, r["kode_kecamatan"]),
                    "Percobaan": r["attempts"],
                    "Keterangan": r["reason_detail"] or "",
                    "Sejak": ui.when(ctx, r["updated_at"]),
                }
                for r in attention
            ],
            key="perlu_perhatian",
            name="Perlu perhatian operator",
            column_config={"Keterangan": st.column_config.TextColumn(width="large")},
        )
    else:
        st.caption("Tidak ada record yang perlu diperiksa.")

    st.subheader("Menunggu QC")
    qc_cards = ui.query(ctx, "awaiting_qc", limit=200)
    if qc_cards:
        ui.table(
            ctx,
            [
                {
                    "Kartu": r["card_ref"],
                    "PRR": r["prr_id"],
                    "Nama": r["nama"],
                    "NIK": ctx.nik(r["nik"]),
                    "Printer": r["printer"],
                    "Dicetak": ui.when(ctx, r["printed_at"]),
                }
                for r in qc_cards
            ],
            key="menunggu_qc",
            name="Menunggu QC",
        )
    else:
        st.caption("Tidak ada kartu yang menunggu QC.")
    ui.refreshed(ctx)


def _run_outcome(summary: dict) -> str:
    """What a print run did, as ``cetak print`` says it."""
    text = (
        f"Pencetakan selesai: tercetak {ui.num(summary['printed'])} kartu, rusak "
        f"{ui.num(summary['spoiled'])}, kembali ke antrean {ui.num(summary['requeued'])}, "
        f"perlu perhatian {ui.num(summary['needs_attention'])}."
    )
    stopped = [f"{j['printer']} berhenti: {j['reason']}" for j in summary["jobs"] if j["stopped"]]
    if stopped:
        text += " " + "; ".join(stopped) + "."
    if summary.get("stock_out"):
        text += " Blangko habis: pencetakan dihentikan, sisa record tetap antre."
    if summary.get("reorder_request"):
        text += f" Permintaan blangko terbuka: {summary['reorder_request']}."
    return text


def print_run() -> None:
    """Start a print run (the same use case as ``cetak print``) and follow it. The page
    polls only while a run is going, then shows what it did."""
    from dashboard import printing

    st.markdown("**Jalankan pencetakan**")
    st.caption(
        "Menjadwalkan PRR yang antre ke printer yang siap dan mencetaknya, sama seperti "
        "perintah cetak print. Halaman ini tidak perlu ditunggu: hasilnya muncul di sini."
    )
    run = printing.current()
    if run is not None and run.running:
        _follow_run()
        return
    if run is not None:
        ended = ui.clock(ctx, run.finished_at) if run.finished_at else "-"
        if run.error is not None:
            message = ui.error_message(run.error) or (
                f"kesalahan sistem ({type(run.error).__name__})"
            )
            st.error(f"Pencetakan terakhir (pukul {ended}) gagal: {message}")
        elif run.summary is not None:
            st.success(f"Pukul {ended}. " + _run_outcome(run.summary))
    c = st.columns([1, 2])
    limit = c[0].number_input(
        "Paling banyak (kartu; kosong: seluruh antrean)",
        min_value=1,
        step=10,
        value=None,
        key="run_max",
    )
    if st.button("Mulai pencetakan", key="run_start", type="primary"):
        started = printing.start(ctx.engine, ctx.actor, max_cards=int(limit) if limit else None)
        if started is None:
            st.warning("Pencetakan lain masih berjalan; tunggu sampai selesai.")
        else:
            st.rerun()


@st.fragment(run_every=3)
def _follow_run() -> None:
    from dashboard import printing

    run = printing.current()
    if run is None or not run.running:
        st.cache_data.clear()  # the run changed the figures
        st.rerun()
    st.info(
        f"Pencetakan sedang berjalan (dimulai oleh {run.started_by} pukul "
        f"{ui.clock(ctx, run.started_at)}); hasilnya muncul di sini saat selesai.",
        icon=":material/hourglass_top:",
    )


def printer_form() -> None:
    printers = ui.query(ctx, "printers", today=ctx.today, tz=ctx.tz)
    if not printers:
        return
    with st.form("printer_state"):
        st.markdown("**Ubah status printer**")
        name = st.selectbox("Printer", [p["name"] for p in printers], key="printer_name")
        move = st.radio(
            "Tindakan",
            ["down", "up"],
            format_func={"down": "Hentikan (perawatan)", "up": "Siap mencetak lagi"}.get,
            horizontal=True,
            key="printer_move",
        )
        reason = st.text_input("Alasan", key="printer_reason")
        if not st.form_submit_button("Simpan status printer"):
            return
    if not reason.strip():
        st.error("Gagal: tulis alasannya (mis. ribbon diganti, kartu macet).")
        return
    if move == "down":
        ui.run_action(
            lambda: actions.mark_printer_down(ctx.engine, ctx.actor, name, reason.strip()),
            f"Printer {name} dihentikan untuk perawatan.",
        )
    else:
        ui.run_action(
            lambda: actions.mark_printer_up(
                ctx.engine, ctx.actor, name, reason.strip(), state_root=ctx.settings.resolved_home
            ),
            f"Printer {name} siap mencetak lagi.",
        )


def qc_form() -> None:
    cards = ui.query(ctx, "awaiting_qc", limit=200)
    if not cards:
        return
    labels = {c["card_ref"]: f"{c['card_ref']} — {c['nama']} ({ctx.nik(c['nik'])})" for c in cards}
    with st.form("qc"):
        st.markdown("**Pemeriksaan mutu (QC)**")
        refs = st.multiselect("Kartu", list(labels), format_func=labels.get, key="qc_cards")
        verdict = st.radio(
            "Hasil",
            ["pass", "reject"],
            format_func={"pass": "Lolos QC", "reject": "Tolak (blangko rusak)"}.get,
            horizontal=True,
            key="qc_verdict",
        )
        cause = st.selectbox(
            "Sebab (bila ditolak)",
            list(Cause),
            format_func=lambda c: CAUSE_LABELS[c],
            key="qc_cause",
        )
        note = st.text_input("Catatan (bila ditolak)", key="qc_note")
        if not st.form_submit_button("Simpan hasil QC"):
            return
    if not refs:
        st.error("Gagal: pilih kartu yang diperiksa.")
        return
    if verdict == "pass":
        ui.run_action(
            lambda: actions.pass_cards(ctx.engine, ctx.actor, refs),
            f"{len(refs)} kartu lolos QC.",
        )
    else:
        ui.run_action(
            lambda: actions.reject_cards(
                ctx.engine, ctx.actor, refs, cause=cause, note=note.strip() or None
            ),
            f"{len(refs)} kartu ditolak; blangko dicatat rusak dan record kembali ke antrean.",
        )


def requeue_form() -> None:
    records = ui.query(ctx, "needs_attention", limit=200)
    if not records:
        return
    labels = {r["prr_id"]: f"{r['prr_id']} — {r['nama']} ({ctx.nik(r['nik'])})" for r in records}
    with st.form("requeue"):
        st.markdown("**Antrekan ulang record yang sudah diperiksa**")
        ids = st.multiselect("Record", list(labels), format_func=labels.get, key="requeue_ids")
        reason = st.text_input("Apa yang sudah diperiksa/diperbaiki", key="requeue_reason")
        if not st.form_submit_button("Antrekan ulang"):
            return
    if not ids or not reason.strip():
        st.error("Gagal: pilih record dan tulis apa yang sudah diperiksa.")
        return
    ui.run_action(
        lambda: actions.requeue_records(ctx.engine, ctx.actor, ids, reason.strip()),
        lambda n: f"{n} record kembali ke antrean cetak.",
    )


figures()
scarcity.rationing_section(ctx)
if ctx.may(Action.PRINTER_STATE) or ctx.may(Action.QC) or ctx.may(Action.REQUEUE):
    st.divider()
    st.subheader("Tindakan")
    if ctx.may(Action.PRINTER_STATE):  # who may stop and start printers may start a run
        print_run()
        printer_form()
    if ctx.may(Action.QC):
        qc_form()
    if ctx.may(Action.REQUEUE):
        requeue_form()
