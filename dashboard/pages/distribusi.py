"""Distribusi: per kecamatan from printed to collected, shipments and their manifests,
open discrepancies, uncollected cards by age, lead times and the jemput bola list."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import streamlit as st

from application import actions
from cetak import labels
from cetak.access import Action
from dashboard import charts, ui
from dashboard.data import document_bytes

ctx = ui.context()
ui.header(ctx, "Distribusi")

RESOLUTIONS = labels.RESOLUTION


def _refs(text: str) -> list[str]:
    return [r for r in re.split(r"[\s,;]+", text.strip()) if r]


def _iso_when(value: str | None) -> str:
    from datetime import datetime

    return "-" if not value else ui.when(ctx, datetime.fromisoformat(value))


@st.fragment(run_every=ui.REFRESH_SECONDS)
def figures() -> None:
    ui.still_logged_in()
    status = ui.query(ctx, "distribution_status", today=ctx.today, tz=ctx.tz)
    totals = {k: sum(int(r.get(k) or 0) for r in status) for k, _ in charts.FUNNEL}
    c = st.columns(len(charts.FUNNEL))
    for col, (key, label) in zip(c, charts.FUNNEL, strict=True):
        col.metric(label, ui.num(totals[key]))

    if status:
        st.altair_chart(charts.distribution_funnel(status), width="stretch")
        ui.table(
            ctx,
            [
                {
                    "Kode": r["kode_kecamatan"],
                    "Kecamatan": r["kecamatan"],
                    "Dikemas": r["packed"],
                    "Dalam pengiriman": r["in_transit"],
                    "Di kecamatan": r["received"],
                    "Diambil": r["collected"],
                    "Hilang": r["lost"],
                    "Rusak saat diterima": r.get("damaged", 0),
                    "Selisih terbuka": r["open_discrepancies"],
                    "Terlama (hari)": r.get("oldest_uncollected_days"),
                }
                for r in status
            ],
            key="distribusi_kecamatan",
            name="Distribusi per kecamatan",
        )
    else:
        st.info("Belum ada kartu yang dikirim ke kecamatan.")

    st.subheader("KTP-el belum diambil menurut lama menunggu")
    ages = ui.query(ctx, "uncollected_ages", today=ctx.today, tz=ctx.tz)
    if ages:
        ui.table(
            ctx,
            [
                {
                    "Kecamatan": r["kecamatan"],
                    "Menunggu": r["waiting"],
                    "> 30 hari": r["over_30"],
                    "> 60 hari": r["over_60"],
                    "> 90 hari": r["over_90"],
                }
                for r in ages
            ],
            key="belum_diambil",
            name="KTP-el belum diambil",
        )
    else:
        st.caption("Tidak ada KTP-el yang menunggu di kecamatan.")

    st.subheader("Selisih kiriman terbuka")
    cases = ui.query(ctx, "open_discrepancies")
    if cases:
        ui.table(
            ctx,
            [
                {
                    "No.": r["id"],
                    "Kiriman": r["shipment"],
                    "Kecamatan": r["kecamatan"],
                    "Kartu": r["card_ref"],
                    "Jenis": r["kind_label"],
                    "Umur (hari)": r["age_days"],
                    "Dibuka oleh": r["opened_by"],
                }
                for r in cases
            ],
            key="selisih",
            name="Selisih kiriman terbuka",
        )
    else:
        st.caption("Tidak ada selisih yang terbuka.")

    st.subheader("Waktu tunggu (90 hari terakhir)")
    leads = ui.query(ctx, "lead_times", today=ctx.today, days=90, tz=ctx.tz)
    st.altair_chart(charts.lead_times(leads), width="stretch")
    ui.table(
        ctx,
        [
            {
                "Tahap": r["tahap"],
                "Jumlah": r["jumlah"],
                "Median (hari)": r["median"],
                "Persentil ke-90 (hari)": r["p90"],
            }
            for r in leads
        ],
        key="waktu_tunggu",
        name="Waktu tunggu",
    )
    ui.refreshed(ctx)


@st.fragment(run_every=ui.REFRESH_SECONDS)
def shipments() -> None:
    st.subheader("Pengiriman")
    c = st.columns(2)
    with c[0]:
        kec = ui.kecamatan_choice(ctx, "Kecamatan", key="ship_kec")
    state = c[1].selectbox(
        "Status",
        [None, *ui.SHIPMENT_STATES],
        format_func=lambda s: "Semua status" if s is None else ui.SHIPMENT_STATES[s],
        key="ship_state",
    )
    rows = ui.query(ctx, "shipments", limit=100, kecamatan=kec, state=state)
    home = str(ctx.settings.resolved_home)
    manifests = set(
        ui.query(
            ctx,
            "available_documents",
            paths=tuple(r["manifest_path"] for r in rows if r["manifest_path"]),
            home=home,
        )
    )
    if not rows:
        st.caption("Tidak ada pengiriman.")
    for r in rows:
        cols = st.columns([3, 2, 2, 2])
        cols[0].markdown(f"**{r['number']}** — {r['kecamatan']}")
        cols[1].markdown(
            f"{ui.SHIPMENT_STATES.get(r['state'], r['state'])}, {ui.num(r['cards'])} kartu"
            + (f", {ui.num(r['open_discrepancies'])} selisih" if r["open_discrepancies"] else "")
        )
        cols[2].markdown(
            f"dikemas {_iso_when(r['packed_at'])}"
            + (f"  \nditerima {_iso_when(r['received_at'])}" if r["received_at"] else "")
        )
        path = r["manifest_path"]
        with cols[3]:
            # Kept in the database: served here whichever machine wrote it.
            if path and path in manifests:
                ui.private_download(
                    "Unduh manifes",
                    lambda p=path: ui.read(ctx, document_bytes, path=p, home=home),
                    file_name=Path(path).name,
                    mime="application/pdf",
                    key=f"manifest_{r['number']}",
                )
            else:
                st.caption("manifes belum tersedia")


@st.fragment(run_every=ui.REFRESH_SECONDS)
def jemput_bola() -> None:
    st.subheader("Daftar jemput bola")
    st.caption("Warga lanjut usia yang KTP-el-nya menunggu di kecamatan: kunjungi mereka.")
    c = st.columns(2)
    with c[0]:
        kec = ui.kecamatan_choice(ctx, "Kecamatan", key="jb_kec")
    min_age = c[1].number_input(
        "Umur paling rendah",
        min_value=17,
        max_value=120,
        value=min(max(ctx.settings.jemput_bola_age, 17), 120),  # CETAK_JEMPUT_BOLA_AGE
        key="jb_age",
    )
    rows = ui.query(
        ctx,
        "jemput_bola",
        today=ctx.today,
        tz=ctx.tz,
        full_nik=ctx.sees_full_nik,
        min_age=int(min_age),
        kecamatan=kec,
        limit=500,
    )

    def report() -> bytes:
        from application.recording import jemput_bola_lines
        from distribution.paper import uncollected_report

        ranked = jemput_bola_lines(ctx.engine, wait_days=ctx.settings.recording_wait_days)
        return uncollected_report(ctx.engine, ctx.settings, ctx.served, ranked).read_bytes()

    ui.private_download(
        "Unduh laporan KTP-el belum diambil (PDF, untuk ditandatangani)",
        report,
        file_name=f"ktp-el-belum-diambil-{ctx.today:%Y%m%d}.pdf",
        mime="application/pdf",
        key="uncollected_report",
    )
    if not rows:
        st.caption("Tidak ada warga dalam daftar.")
        return
    ui.table(
        ctx,
        [
            {
                "Kartu": r["card_ref"],
                "Nama": r["nama"],
                "NIK": ctx.nik(r["nik"])
                if len(r["nik"]) == 16 and r["nik"].isdigit()
                else r["nik"],
                "Umur": r["umur"],
                "Alamat": r["alamat"],
                "Kel/Desa": r["kel_desa"],
                "Kecamatan": r["kecamatan"],
                "Menunggu (hari)": r["days"],
            }
            for r in rows
        ],
        key="jemput_bola",
        name="Daftar jemput bola",
    )


def receive_form() -> None:
    waiting = ui.query(ctx, "shipments", limit=200, kecamatan=None, state="dispatched")
    if not waiting:
        return
    labels = {
        r["number"]: f"{r['number']} — {r['kecamatan']} ({ui.num(r['cards'])} kartu)"
        for r in waiting
    }
    with st.form("shipment_receive", clear_on_submit=True):
        st.markdown("**Konfirmasi penerimaan kiriman di kecamatan**")
        number = st.selectbox("Kiriman", list(labels), format_func=labels.get, key="recv_number")
        officer = st.text_input("Petugas kecamatan yang menerima", key="recv_officer")
        st.caption("Semua kartu di manifes dianggap diterima kecuali yang disebut di bawah.")
        c = st.columns(3)
        missing = c[0].text_area("Kartu tidak ada", key="recv_missing")
        damaged = c[1].text_area("Kartu rusak", key="recv_damaged")
        extra = c[2].text_area("Kartu lebih (tidak di manifes)", key="recv_extra")
        if not st.form_submit_button("Simpan penerimaan kiriman"):
            return
    if not officer.strip():
        st.error("Gagal: isi nama petugas kecamatan yang menerima.")
        return

    def receive() -> actions.ShipmentReceived:
        # The use case prints the receipt after its commit, as from the CLI.
        return actions.receive_shipment(
            ctx.engine,
            ctx.actor,
            number,
            received=None,
            missing=_refs(missing),
            damaged=_refs(damaged),
            extra=_refs(extra),
            officer=officer.strip(),
            settings=ctx.settings,
        )

    ui.run_action(
        receive,
        lambda done: (
            f"Kiriman {number} diterima: {ui.num(done.received)} kartu"
            + (f", {len(done.cases)} selisih dibuka." if done.cases else ".")
            + _printed(done.receipts)
        ),
    )


def _printed(results: Sequence[Any]) -> str:
    """What became of a receipt printed at once, for the success message."""
    if not results:
        return ""
    if all(r.ok for r in results):
        return " Struk tercetak."
    return (
        " Struk belum tercetak ("
        + "; ".join(r.message or "printer gagal" for r in results if not r.ok)
        + "); dicetak ulang otomatis pukul 14.00 atau dengan: cetak receipts print."
    )


def resolve_form() -> None:
    cases = ui.query(ctx, "open_discrepancies")
    if not cases:
        return
    labels = {
        r[
            "id"
        ]: f"No. {r['id']}: {r['card_ref']} ({r['kind_label']}) — {r['shipment']}, {r['kecamatan']}"
        for r in cases
    }
    with st.form("discrepancy_resolve", clear_on_submit=True):
        st.markdown("**Selesaikan selisih kiriman**")
        case_id = st.selectbox("Selisih", list(labels), format_func=labels.get, key="case_id")
        resolution = st.radio(
            "Penyelesaian",
            list(RESOLUTIONS),
            format_func=RESOLUTIONS.get,
            horizontal=True,
            key="case_res",
        )
        note = st.text_input("Catatan", key="case_note")
        if not st.form_submit_button("Simpan penyelesaian"):
            return
    ui.run_action(
        lambda: actions.resolve_discrepancy(
            ctx.engine, ctx.actor, int(case_id), resolution, note.strip() or None
        ),
        f"Selisih No. {case_id} diselesaikan: {RESOLUTIONS[resolution]}.",
    )


def collection_form() -> None:
    with st.form("collection", clear_on_submit=True):
        st.markdown("**Catat pengambilan KTP-el**")
        c = st.columns(2)
        nik = c[0].text_input("NIK pemohon", max_chars=16, key="col_nik")
        by = c[1].text_input("Diambil oleh (nama pemohon atau wakilnya)", key="col_by")
        c = st.columns(2)
        place = c[0].radio(
            "Tempat",
            ["kecamatan", "disdukcapil"],
            format_func={"kecamatan": "Kantor kecamatan", "disdukcapil": "Disdukcapil"}.get,
            horizontal=True,
            key="col_place",
        )
        with c[1]:
            kec = ui.kecamatan_choice(ctx, "Kecamatan (bila di kantor kecamatan)", key="col_kec")
        if not st.form_submit_button("Simpan pengambilan"):
            return
    if not nik.strip() or not by.strip():
        st.error("Gagal: isi NIK dan nama yang mengambil.")
        return

    def collect() -> actions.Collected:
        # The use case prints the resident's receipt after its commit, as from the CLI.
        return actions.record_collection(
            ctx.engine,
            ctx.actor,
            nik.strip(),
            by=by.strip(),
            place=place,
            kecamatan=kec if place == "kecamatan" else None,
            settings=ctx.settings,
        )

    ui.run_action(
        collect,
        lambda done: (
            f"Pengambilan KTP-el NIK {ctx.nik(nik.strip())} dicatat." + _printed(done.receipts)
        ),
    )


figures()
shipments()
jemput_bola()
mays = [
    ctx.may(a) for a in (Action.SHIPMENT_RECEIVE, Action.DISCREPANCY_RESOLVE, Action.COLLECTION)
]
if any(mays):
    st.divider()
    st.subheader("Tindakan")
    if ctx.may(Action.SHIPMENT_RECEIVE):
        receive_form()
    if ctx.may(Action.DISCREPANCY_RESOLVE):
        resolve_form()
    if ctx.may(Action.COLLECTION):
        collection_form()
