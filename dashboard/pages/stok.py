"""Stok Blangko: lots, the ledger, stock over time and its projection, reorder requests
and their letters, spoiled blanks awaiting destruction, reports to download."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import streamlit as st

from application import actions
from cetak import bahasa, labels
from cetak.access import Action
from dashboard import charts, scarcity, ui
from dashboard.data import document_bytes
from inventory.rules import CAUSE_LABELS, Kind

ctx = ui.context()
ui.header(ctx, "Stok Blangko")

KIND_LABELS = labels.MOVEMENT_KIND


def available(paths: list[str | None]) -> set[str]:
    """Which of these recorded documents can be downloaded on this machine."""
    home = str(ctx.settings.resolved_home)
    found = ui.query(ctx, "available_documents", paths=tuple(p for p in paths if p), home=home)
    return set(found)


def file_download(label: str, path: str | None, *, key: str, ready: set[str]) -> None:
    """A download button for a document kept in the database (made on any machine) or,
    from before the document store, on this machine's disk; read only when clicked."""
    if not path or path not in ready:
        st.caption(f"{label}: berkas belum tersedia.")
        return
    home = str(ctx.settings.resolved_home)
    ui.private_download(
        label,
        lambda p=path: ui.read(ctx, document_bytes, path=p, home=home),
        file_name=Path(path).name,
        mime="application/pdf",
        key=key,
    )


@st.fragment(run_every=ui.REFRESH_SECONDS)
def figures() -> None:
    ui.still_logged_in()
    stock = ui.query(ctx, "stock_figures", today=ctx.today)
    c = st.columns(5)
    c[0].metric("Blangko di tangan", ui.num(stock["on_hand"]))
    cover = stock["days_of_cover"]
    c[1].metric("Cukup untuk", "-" if cover is None else f"{ui.num(cover, 1)} hari")
    c[2].metric("Titik pesan ulang", ui.num(stock["reorder_point"]))
    c[3].metric("Dalam perjalanan dari pusat", ui.num(stock["in_transit"]))
    c[4].metric("Rusak menunggu dimusnahkan", ui.num(stock["awaiting_destruction"]))
    if stock["usage_days"]:
        usage = (
            f"Pemakaian rata-rata {ui.num(stock['daily_consumption'], 1)} blangko/hari "
            f"({stock['usage_basis']})"
        )
    else:  # no day of data: no average to state
        usage = "Pemakaian rata-rata belum dapat dihitung (belum ada data pemakaian)"
    st.caption(
        f"{usage}, "
        f"PRR baru {ui.num(stock['new_prr_per_day'], 1)}/hari, tingkat rusak "
        f"{ui.pct(stock['spoilage_rate'])}, waktu tunggu kiriman pusat "
        f"{ui.num(stock['lead_time_days'])} hari, antrean PRR {ui.num(stock['prr_backlog'])}."
    )
    if stock["escalate"]:
        st.error("Stok habis sebelum kiriman pusat tiba: eskalasi ke Kepala seksi.")
    elif stock["reorder_due"]:
        st.warning("Stok sudah di bawah titik pesan ulang.")

    history = ui.query(ctx, "on_hand_history", today=ctx.today, days=60, tz=ctx.tz)
    lots = ui.query(ctx, "lots")
    first_lot = min((date.fromisoformat(r["received_on"]) for r in lots), default=None)
    st.altair_chart(
        charts.stock_outlook(
            history,
            on_hand=stock["on_hand"],
            daily_use=stock["daily_consumption"],
            reorder_point=stock["reorder_point"],
            lead_time_days=stock["lead_time_days"],
            today=ctx.today,
            since=first_lot,
        ),
        width="stretch",
    )

    st.subheader("Lot blangko")
    ui.table(
        ctx,
        [
            {
                "Lokasi": r["site"],
                "Lot": r["lot"],
                "Diterima": ui.day(r["received_on"]),
                "Jumlah diterima": r["received"],
                "Surat pengantar": r["reference"] or "",
                "Di tangan": r["on_hand"],
                "Rusak menunggu": r["awaiting_destruction"],
            }
            for r in lots
        ],
        key="lot",
        name="Lot blangko",
    )

    st.subheader("Permintaan blangko ke pusat")
    requests = ui.query(ctx, "reorder_requests")
    letters = available([r["letter_path"] for r in requests])
    if not requests:
        st.caption("Belum ada permintaan.")
    for r in requests:
        cols = st.columns([3, 2, 2, 2])
        cols[0].markdown(f"**{r['number']}** — {ui.REQUEST_STATES.get(r['state'], r['state'])}")
        cols[1].markdown(f"{ui.num(r['quantity'])} keping")
        confirmed = r["confirmed_quantity"]
        cols[2].markdown("dikonfirmasi " + ("-" if confirmed is None else ui.num(confirmed)))
        with cols[3]:
            file_download(
                "Unduh surat", r["letter_path"], key=f"letter_{r['number']}", ready=letters
            )

    st.subheader("Blangko rusak menunggu pemusnahan")
    waiting = ui.query(ctx, "awaiting_destruction", limit=200)
    if waiting["total"]:
        ui.table(
            ctx,
            [
                {
                    "Lot": g["lot"],
                    "Sebab": CAUSE_LABELS.get(g["cause"], g["cause"]),
                    "Jumlah": g["jumlah"],
                }
                for g in waiting["groups"]
            ],
            key="rusak_lot",
            name="Blangko rusak per lot",
        )
        with st.expander(f"Daftar kartu rusak ({ui.num(waiting['total'])})"):
            ui.table(
                ctx,
                [
                    {
                        "Waktu": ui.when(ctx, r["at"]),
                        "Lot": r["lot"],
                        "Sebab": CAUSE_LABELS.get(r["cause"] or "", r["cause"] or ""),
                        "Kartu": r["card_ref"] or "",
                    }
                    for r in waiting["rows"]
                ],
                key="rusak_kartu",
                name="Kartu rusak menunggu pemusnahan",
            )
    else:
        st.caption("Tidak ada blangko rusak yang menunggu.")

    st.subheader("Berita acara pemusnahan")
    reports = ui.query(ctx, "destruction_reports")
    pdfs = available([r["pdf_path"] for r in reports])
    if not reports:
        st.caption("Belum ada berita acara.")
    for r in reports:
        cols = st.columns([3, 2, 2])
        cols[0].markdown(f"**{r['number']}** — {ui.day(r['held_on'])}, {r['place']}")
        cols[1].markdown(f"{ui.num(r['quantity'])} blangko")
        with cols[2]:
            file_download("Unduh berita acara", r["pdf_path"], key=f"ba_{r['number']}", ready=pdfs)
    ui.refreshed(ctx)


@st.fragment(run_every=ui.REFRESH_SECONDS)
def ledger() -> None:
    st.subheader("Buku besar blangko")
    c = st.columns(4)
    first = c[0].date_input(
        "Dari", ctx.today - timedelta(days=6), format="DD/MM/YYYY", key="ledger_from"
    )
    last = c[1].date_input("Sampai", ctx.today, format="DD/MM/YYYY", key="ledger_to")
    kind = c[2].selectbox(
        "Jenis",
        [None, *[k.value for k in Kind]],
        format_func=lambda k: "Semua jenis" if k is None else KIND_LABELS.get(k, k),
        key="ledger_kind",
    )
    lot_codes = [r["lot"] for r in ui.query(ctx, "lots")]
    lot = c[3].selectbox(
        "Lot",
        [None, *dict.fromkeys(lot_codes)],
        format_func=lambda x: x or "Semua lot",
        key="ledger_lot",
    )
    if first > last:
        st.error("Tanggal awal sesudah tanggal akhir.")
        return
    rows = ui.query(ctx, "ledger", first=first, last=last, tz=ctx.tz, kind=kind, lot=lot, limit=500)
    ui.table(
        ctx,
        [
            {
                "Waktu": ui.when(ctx, r["at"]),
                "Jenis": KIND_LABELS.get(r["kind"], r["kind"]),
                "Lokasi": r["site_code"],
                "Lot": r["lot_code"],
                "Masuk/keluar": r["delta_on_hand"],
                "Saldo di tangan": r["saldo"],
                "Rusak": r["delta_spoiled"],
                "Sebab": CAUSE_LABELS.get(r["cause"] or "", r["cause"] or ""),
                "Kartu": r["card_ref"] or "",
                "Oleh": ui.actor_label(r["actor"]),
                "Catatan": r["note"] or "",
            }
            for r in rows
        ],
        key="buku_besar",
        name="Buku besar blangko",
        signed=("Masuk/keluar", "Rusak"),
    )
    st.caption(
        "Saldo di tangan: blangko di tangan sesudah baris itu"
        + (f", lot {lot}." if lot else ", semua lot.")
    )
    if len(rows) == 500:
        st.caption("Menampilkan 500 baris terbaru; persempit tanggal atau saring jenis/lot.")


def monthly_report() -> None:
    st.subheader("Laporan bulanan blangko")
    this_month = ctx.today.replace(day=1)
    months = []
    m = this_month
    for _ in range(12):
        months.append(m)
        m = (m - timedelta(days=1)).replace(day=1)
    month = st.selectbox(
        "Bulan",
        months,
        format_func=lambda d: f"{bahasa.BULAN[d.month]} {d.year}",
        key="report_month",
    )

    def build(month: date = month) -> bytes:
        from sqlmodel import Session

        from application.consumables import report_lines
        from inventory.paperwork import monthly_report as render
        from inventory.queries import totals

        with Session(ctx.engine) as session:
            _, awaiting = totals(session)
        lines = report_lines(ctx.engine, ctx.settings)
        path = render(ctx.engine, ctx.settings, ctx.served, month, awaiting, lines)
        return path.read_bytes()

    ui.private_download(
        "Unduh laporan bulanan (PDF)",
        build,
        file_name=f"laporan-blangko-{month:%Y-%m}.pdf",
        mime="application/pdf",
        key="monthly_report",
    )


def receipt_form() -> None:
    requests = [r for r in ui.query(ctx, "reorder_requests") if r["state"] in ("SENT", "CONFIRMED")]
    with st.form("stock_receipt", clear_on_submit=True):
        st.markdown("**Terima lot blangko dari pusat**")
        c = st.columns(3)
        lot = c[0].text_input("Kode lot", key="receipt_lot")
        quantity = c[1].number_input(
            "Jumlah blangko",
            min_value=1,
            max_value=ctx.settings.max_lot_quantity,
            step=100,
            value=1000,
            key="receipt_qty",
        )
        on = c[2].date_input(
            "Tanggal terima",
            ctx.today,
            max_value=ctx.today,
            format="DD/MM/YYYY",
            key="receipt_date",
        )
        c = st.columns(3)
        serial = c[0].text_input("Nomor seri pertama (bila ada)", key="receipt_serial")
        reference = c[1].text_input("Nomor surat pengantar", key="receipt_reference")
        request = c[2].selectbox(
            "Memenuhi permintaan",
            [None, *[r["number"] for r in requests]],
            format_func=lambda x: x or "(otomatis)",
            key="receipt_request",
        )
        if not st.form_submit_button("Simpan penerimaan"):
            return
    if not lot.strip():
        st.error("Gagal: isi kode lot.")
        return
    ui.run_action(
        lambda: actions.receive_lot(
            ctx.engine,
            ctx.actor,
            lot=lot.strip(),
            quantity=int(quantity),
            received_on=on,
            reference=reference.strip() or None,
            serial_start=serial.strip() or None,
            request=request,
        ),
        lambda r: (
            f"Lot {r[0].code} diterima: {ui.num(r[0].quantity)} blangko."
            + (f" Permintaan {r[1]} ditutup." if r[1] else "")
        ),
    )


def count_form() -> None:
    lot_codes = [
        r["lot"] for r in ui.query(ctx, "lots") if r["on_hand"] or r["awaiting_destruction"]
    ]
    with st.form("stock_take", clear_on_submit=True):
        st.markdown("**Stok opname (per lot)**")
        c = st.columns(3)
        lot = c[0].selectbox(
            "Lot",
            [None, *dict.fromkeys(lot_codes)],
            format_func=lambda x: x or "Pilih lot",
            key="take_lot",
        )
        counted = c[1].number_input(
            "Jumlah terhitung", min_value=0, step=1, value=None, key="take_counted"
        )
        reason = c[2].text_input("Keterangan", key="take_reason")
        if not st.form_submit_button("Simpan stok opname"):
            return
    if lot is None or counted is None or not reason.strip():
        st.error("Gagal: pilih lot, isi jumlah terhitung dan keterangan stok opname.")
        return
    threshold = ctx.settings.stocktake_flag_threshold
    ui.run_action(
        lambda: actions.count_stock(
            ctx.engine,
            ctx.actor,
            counted=int(counted),
            reason=reason.strip(),
            threshold=threshold,
            lot=lot,
        ),
        lambda r: (
            f"Stok opname lot {r.count.lot_code} dicatat: buku {ui.num(r.count.expected)}, "
            f"terhitung {ui.num(r.count.counted)}, selisih {ui.num(r.count.difference)}"
            + (
                f". Selisih melebihi batas ({threshold} blangko): diusulkan sebagai usulan "
                f"#{r.proposal.id}, dibukukan setelah disetujui Kepala seksi."
                if r.proposal is not None
                else "."
            )
        ),
    )


def proposals() -> None:
    """Stock-take differences above the threshold, waiting for a supervisor."""
    from sqlmodel import Session

    from inventory.operations import pending_proposals

    with Session(ctx.engine) as session:
        rows = [
            {
                "id": p.id,
                "site": p.site_code,
                "lot": p.lot_code,
                "expected": c.expected,
                "counted": c.counted,
                "difference": p.difference,
                "reason": c.reason,
                "by": p.proposed_by,
                "at": p.proposed_at,
            }
            for p, c in pending_proposals(session)
        ]
    st.subheader("Usulan selisih stok opname")
    if not rows:
        st.caption("Tidak ada usulan selisih yang menunggu persetujuan.")
        return
    may_decide = ctx.may(Action.STOCK_COUNT_APPROVE)
    if not may_decide:
        st.caption("Selisih di atas batas dibukukan setelah disetujui Kepala seksi.")
    for r in rows:
        cols = st.columns([4, 3, 2, 2])
        cols[0].markdown(
            f"**#{r['id']}** lot {r['lot']} di {r['site']}: buku {ui.num(r['expected'])}, "
            f"terhitung {ui.num(r['counted'])}, selisih **{r['difference']:+d}**"
        )
        cols[1].markdown(f"{r['reason']} — {r['by']}, {ui.when(ctx, r['at'])}")
        if not may_decide:
            continue
        if cols[2].button("Setujui", key=f"approve_{r['id']}"):
            ui.run_action(
                lambda pid=r["id"]: actions.approve_stock_count(ctx.engine, ctx.actor, pid),
                lambda a: (
                    f"Usulan #{a.proposal.id} disetujui: selisih {a.proposal.difference:+d} "
                    f"lot {a.proposal.lot_code} dibukukan."
                ),
            )
        with cols[3].popover("Tolak"):
            why = st.text_input("Alasan penolakan", key=f"reject_reason_{r['id']}")
            if st.button("Tolak usulan", key=f"reject_{r['id']}"):
                ui.run_action(
                    lambda pid=r["id"], why=why: actions.reject_stock_count(
                        ctx.engine, ctx.actor, pid, reason=why
                    ),
                    lambda p: f"Usulan #{p.id} ditolak; tidak ada yang dibukukan.",
                )


def _names(text: str) -> list[str]:
    return [n.strip() for n in text.splitlines() if n.strip()]


def destruction_form() -> None:
    """The berita acara pemusnahan: every spoiled blank awaiting destruction is destroyed
    through the same use case as ``cetak stock destroy``; its PDF is then in the list of
    berita acara above, to download and sign."""
    import inspect

    waiting = ui.query(ctx, "awaiting_destruction", limit=1)
    if not waiting["total"]:
        st.caption("Berita acara pemusnahan: tidak ada blangko rusak yang menunggu.")
        return
    params = inspect.signature(actions.destroy_spoiled).parameters
    with st.form("stock_destroy", clear_on_submit=True):
        st.markdown(
            f"**Buat berita acara pemusnahan** ({ui.num(waiting['total'])} blangko rusak menunggu)"
        )
        c = st.columns(2)
        held_on = c[0].date_input(
            "Tanggal pemusnahan",
            ctx.today,
            max_value=ctx.today,
            format="DD/MM/YYYY",
            key="bap_date",
        )
        place = c[1].text_input(
            "Tempat",
            placeholder=f"Halaman kantor Disdukcapil {ctx.served.kabupaten}",
            key="bap_place",
        )
        method = None
        if "method" in params:
            from cetak import office

            methods = list(getattr(office, "METHODS", ("dibakar",)))
            default = params["method"].default
            method = st.radio(
                "Cara pemusnahan",
                methods,
                index=methods.index(default) if default in methods else 0,
                horizontal=True,
                key="bap_method",
            )
        c = st.columns(2)
        officers = c[0].text_area(
            "Petugas pemusnah (satu per baris: Nama|NIP|Jabatan, NIP dan jabatan boleh kosong; "
            "kosong: Kepala seksi)",
            key="bap_officers",
        )
        witnesses = c[1].text_area(
            "Saksi (satu per baris: Nama|NIP|Jabatan, minimal dua)", key="bap_witnesses"
        )
        if not st.form_submit_button("Buat berita acara pemusnahan"):
            return
    if len(_names(witnesses)) < 2:
        st.error("Gagal: tulis minimal dua saksi, satu nama per baris.")
        return
    extra = {"method": method.strip()} if method and method.strip() else {}
    ui.run_action(
        lambda: actions.destroy_spoiled(
            ctx.engine,
            ctx.actor,
            ctx.settings,
            held_on=held_on,
            witnesses=_names(witnesses),
            officers=_names(officers) or None,
            place=place.strip() or None,
            **extra,
        ),
        lambda d: (
            f"{ui.num(d.quantity)} blangko rusak dimusnahkan; berita acara {d.number}. "
            "Unduh PDF-nya di bagian Berita acara pemusnahan untuk ditandatangani."
        ),
    )


def reorder_form() -> None:
    open_requests = [
        r for r in ui.query(ctx, "reorder_requests") if r["state"] in ("DRAFT", "SENT", "CONFIRMED")
    ]
    if not open_requests:
        return
    with st.form("reorder_update"):
        st.markdown("**Perbarui permintaan blangko**")
        c = st.columns(3)
        number = c[0].selectbox(
            "Permintaan", [r["number"] for r in open_requests], key="reorder_number"
        )
        step = c[1].radio(
            "Tindakan",
            ["sent", "confirmed", "received"],
            format_func={
                "sent": "Surat sudah dikirim",
                "confirmed": "Dikonfirmasi pusat",
                "received": "Sudah diterima",
            }.get,
            key="reorder_step",
        )
        quantity = c[2].number_input(
            "Jumlah dikonfirmasi (bila beda)", min_value=0, step=100, value=0, key="reorder_qty"
        )
        if not st.form_submit_button("Simpan permintaan"):
            return
    if step == "sent":
        call = lambda: actions.mark_request_sent(ctx.engine, ctx.actor, number)  # noqa: E731
    elif step == "confirmed":
        call = lambda: actions.confirm_request(  # noqa: E731
            ctx.engine, ctx.actor, number, quantity=int(quantity) or None
        )
    else:
        call = lambda: actions.mark_request_received(ctx.engine, ctx.actor, number)  # noqa: E731
    ui.run_action(
        call, lambda r: f"Permintaan {r.number}: {ui.REQUEST_STATES.get(r.state, r.state)}."
    )


figures()
scarcity.outlook_section(ctx)
ledger()
monthly_report()
scarcity.consumables_section(ctx)
scarcity.ikd_section(ctx)
if ctx.may(Action.STOCK_TAKE) or ctx.may(Action.STOCK_COUNT_APPROVE):
    st.divider()
    proposals()
if ctx.may(Action.STOCK_RECEIPT) or ctx.may(Action.STOCK_TAKE) or ctx.may(Action.REORDER_UPDATE):
    st.divider()
    st.subheader("Tindakan")
    if ctx.may(Action.STOCK_RECEIPT):
        receipt_form()
    if ctx.may(Action.STOCK_TAKE):
        count_form()
        destruction_form()
    if ctx.may(Action.REORDER_UPDATE):
        reorder_form()
