"""Perekaman & Cakupan: which kecamatan can record today, coverage against the target, the
wait from recording to PRR, flash disks still to send on, and where jemput bola should go
next (issue 14)."""

from __future__ import annotations

from datetime import date
from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from application import recording as rec
from cetak.access import Action
from cetak.bahasa import angka, desimal, tanggal
from cetak.labels import DEVICE_CAUSE, DEVICE_STATE, JEMPUT_BOLA_REASON, REPAIR_BY
from dashboard import ui

ctx = ui.context()
ui.header(
    ctx,
    "Perekaman & Cakupan",
    "Alat perekaman per kecamatan, cakupan perekaman terhadap wajib KTP, dan jalan sebuah "
    "rekaman sampai KTP-el di tangan warga.",
)


@st.cache_data(ttl=30, show_spinner=False)
def _figures(url: str, wait_days: int, _today: date) -> dict[str, Any]:
    rows = rec.coverage_rows(ctx.engine, wait_days=wait_days)
    return {
        "coverage": [r.as_json() for r in rows],
        "devices": [r.as_json() for r in rec.device_rows(ctx.engine)],
        "places": rec.kecamatan_devices(ctx.engine),
        "ranked": rec.rank_jemput_bola(r.funnel for r in rows),
        "flashdisk": [
            {
                "id": d.id,
                "kode": d.kode_kecamatan,
                "jumlah": d.jumlah_rekaman,
                "dibawa": d.carried_by,
                "diterima": d.received_by,
                "tanggal": d.received_at,
            }
            for d in rec.flashdisk_rows(ctx.engine, waiting_only=True)
        ],
    }


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{desimal(x * 100, 1)}%"


def _where(alt_: Any) -> str:
    if alt_ is None:
        return "-"
    name = (
        "Disdukcapil"
        if alt_.to == "DISDUKCAPIL"
        else f"Kec. {ctx.served.kecamatan.get(alt_.to, alt_.to)}"
    )
    return name + (f" ({desimal(alt_.km, 1)} km)" if alt_.km is not None else "")


f = _figures(ctx.settings.url, ctx.settings.recording_wait_days, ctx.today)
closed = [k for k in f["places"] if not k.can_record]
cov = f["coverage"]
wajib = sum(r["wajib_ktp"] or 0 for r in cov)
terekam = sum(r["terekam"] for r in cov if r["wajib_ktp"])

c = st.columns(4)
c[0].metric("Kecamatan tidak dapat merekam", angka(len(closed)))
c[1].metric("Alat rusak / dalam perbaikan", angka(sum(r["alat_rusak"] for r in cov)))
c[2].metric("Cakupan rekam kabupaten", _pct(terekam / wajib if wajib else None))
c[3].metric(
    f"Rekaman menunggu PRR > {ctx.settings.recording_wait_days} hari",
    angka(sum(r["menunggu_prr"] for r in cov)),
)

st.subheader("Papan alat perekaman")
if closed:
    st.error("Kecamatan berikut tidak dapat merekam hari ini; warganya diarahkan ke tempat lain.")
    ui.table(
        ctx,
        [
            {
                "Kecamatan": k.kecamatan,
                "Tidak merekam sejak": ui.day(k.down_since) if k.down_since else "-",
                "Lama (hari)": (ctx.today - k.down_since).days if k.down_since else None,
                "Penyebab": ", ".join(DEVICE_CAUSE.get(x, x) for x in k.causes) or "-",
                "Diperbaiki oleh": ", ".join(REPAIR_BY.get(x, x) for x in k.repair_by)
                or "belum ada",
                "Warga merekam di": _where(k.record_at),
            }
            for k in closed
        ],
        key="tidak_merekam",
        name="Kecamatan tidak dapat merekam",
    )
elif f["devices"]:
    st.success("Semua kecamatan yang memiliki alat dapat merekam hari ini.")
else:
    st.info("Belum ada alat perekaman terdaftar (cetak devices add ...).")

with st.expander(f"Semua alat ({angka(len(f['devices']))})"):
    ui.table(
        ctx,
        [
            {
                "Alat": d["kode"],
                "Tempat": d["kecamatan"]
                or ("Disdukcapil" if d["place"] == "DISDUKCAPIL" else d["place"]),
                "Pengadaan": str(d["year"] or "-"),
                "Status": DEVICE_STATE.get(d["state"], d["state"]),
                "Penyebab": DEVICE_CAUSE.get(d["cause"], d["cause"]) if d["cause"] else "-",
                "Sejak": tanggal(date.fromisoformat(d["since"]), short=True),
            }
            for d in f["devices"]
        ],
        key="semua_alat",
        name="Alat perekaman",
    )

st.subheader("Cakupan perekaman per kecamatan")
frame = pd.DataFrame(
    [
        {
            "Kecamatan": r["kecamatan"],
            "Cakupan": r["cakupan_rekam"],
            "Label": _pct(r["cakupan_rekam"]),
            "Warna": "di bawah 90%" if (r["cakupan_rekam"] or 0) < 0.9 else "90% atau lebih",
        }
        for r in cov
        if r["cakupan_rekam"] is not None
    ]
)
if frame.empty:
    st.info("Belum ada wajib KTP (cetak coverage import-targets BERKAS.csv).")
else:
    bars = (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            y=alt.Y("Kecamatan:N", sort="x", title=None),
            x=alt.X(
                "Cakupan:Q",
                title="Cakupan rekam",
                scale=alt.Scale(domain=[0, max(1.0, float(frame["Cakupan"].max()))]),
                axis=alt.Axis(
                    format="%",
                    labelExpr="replace(datum.label, '.', ',')",
                ),
            ),
            color=alt.Color(
                "Warna:N",
                title=None,
                scale=alt.Scale(
                    domain=["di bawah 90%", "90% atau lebih"], range=["#C00000", "#2E7D32"]
                ),
            ),
            tooltip=[alt.Tooltip("Kecamatan:N"), alt.Tooltip("Label:N", title="Cakupan")],
        )
    )
    target = alt.Chart(pd.DataFrame({"x": [1.0]})).mark_rule(color="#333").encode(x="x:Q")
    st.altair_chart((bars + target).properties(height=max(160, 18 * len(frame))), width="stretch")

ui.table(
    ctx,
    [
        {
            "Kecamatan": r["kecamatan"],
            "Wajib KTP": r["wajib_ktp"],
            "Terekam": r["terekam"],
            "Cakupan": _pct(r["cakupan_rekam"]),
            "PRR": r["prr"],
            "Dicetak": r["dicetak"],
            "Diambil": r["diambil"],
            "Menunggu PRR": r["menunggu_prr"],
            "Rekam s.d. PRR, median (hari)": r["lead_time_median_hari"],
            "Persentil 90 (hari)": r["lead_time_p90_hari"],
        }
        for r in cov
    ],
    key="cakupan",
    name="Cakupan perekaman per kecamatan",
)

lead = pd.DataFrame(
    [
        {"Kecamatan": r["kecamatan"], "Ukuran": label, "Hari": r[key]}
        for r in cov
        for key, label in (
            ("lead_time_median_hari", "median"),
            ("lead_time_p90_hari", "persentil 90"),
        )
        if r[key] is not None
    ]
)
if not lead.empty:
    st.subheader("Lama dari perekaman sampai PRR diterima")
    st.caption("Keterlambatan deduplikasi pusat terlihat di sini (hari, dari tanggal rekam).")
    st.altair_chart(
        alt.Chart(lead)
        .mark_bar()
        .encode(
            y=alt.Y("Kecamatan:N", title=None),
            x=alt.X("Hari:Q", title="Hari", axis=alt.Axis(tickMinStep=1, format="d")),
            yOffset="Ukuran:N",
            color=alt.Color("Ukuran:N", title=None),
        )
        .properties(height=max(160, 24 * lead["Kecamatan"].nunique())),
        width="stretch",
    )

left, right = st.columns(2)
with left:
    st.subheader("Prioritas jemput bola")
    top = [r for r in f["ranked"] if r.score > 0][:10]
    if top:
        ui.table(
            ctx,
            [
                {
                    "No.": i,
                    "Kecamatan": r.kecamatan,
                    "Skor": round(r.score * 100),
                    "Alasan": ", ".join(JEMPUT_BOLA_REASON.get(x, x) for x in r.reasons),
                }
                for i, r in enumerate(top, 1)
            ],
            key="jemput_bola",
            name="Prioritas jemput bola",
        )
    else:
        st.caption("Tidak ada kecamatan yang perlu didahulukan.")
with right:
    st.subheader("Flashdisk belum diteruskan ke pusat")
    if f["flashdisk"]:
        ui.table(
            ctx,
            [
                {
                    "No.": d["id"],
                    "Kecamatan": ctx.served.kecamatan.get(d["kode"], d["kode"]),
                    "Rekaman": d["jumlah"],
                    "Dibawa": d["dibawa"],
                    "Diterima": d["diterima"],
                    "Tanggal": ui.when(ctx, d["tanggal"]),
                }
                for d in f["flashdisk"]
            ],
            key="flashdisk",
            name="Flashdisk belum diteruskan",
        )
    else:
        st.caption("Tidak ada flashdisk yang menunggu.")

st.subheader("Dokumen")
d = st.columns(3)
with d[0]:
    ui.private_download(
        "Laporan cakupan bulan ini (PDF)",
        lambda: rec.coverage_report(
            ctx.engine, ctx.settings, ctx.today.replace(day=1)
        ).read_bytes(),
        file_name=f"laporan-cakupan-{ctx.today:%Y-%m}.pdf",
        mime="application/pdf",
        key="cakupan_pdf",
    )
if closed:
    with d[1]:
        ui.private_download(
            "Surat perbaikan alat ke pusat (PDF)",
            lambda: rec.device_letter(ctx.engine, ctx.settings).read_bytes(),
            file_name=f"surat-alat-{ctx.today:%Y%m%d}.pdf",
            mime="application/pdf",
            key="alat_pdf",
        )
    with d[2]:
        ui.private_download(
            "Pengumuman tempat perekaman (PDF)",
            lambda: rec.recording_notice(ctx.engine, ctx.settings).read_bytes(),
            file_name=f"pengumuman-{ctx.today:%Y%m%d}.pdf",
            mime="application/pdf",
            key="pengumuman_pdf",
        )

if ctx.may(Action.RECORDING):
    st.subheader("Catat alat")
    working = [x["kode"] for x in f["devices"] if x["state"] == "berfungsi"]
    down = [x["kode"] for x in f["devices"] if x["state"] in ("rusak", "dalam_perbaikan")]
    a, b = st.columns(2)
    with a, st.form("alat_rusak", clear_on_submit=True):
        st.markdown("**Alat rusak**")
        kode = st.selectbox("Alat", working, index=None, placeholder="Pilih alat")
        cause = st.selectbox("Penyebab", list(DEVICE_CAUSE), format_func=lambda x: DEVICE_CAUSE[x])
        note = st.text_input("Catatan")
        if st.form_submit_button("Catat rusak") and kode:
            ui.run_action(
                lambda: rec.device_broken(ctx.engine, ctx.actor, kode, cause, note or None),
                f"Alat {kode} dicatat rusak.",
            )
    with b, st.form("alat_baik", clear_on_submit=True):
        st.markdown("**Alat berfungsi lagi**")
        kode2 = st.selectbox("Alat", down, index=None, placeholder="Pilih alat", key="baik")
        by = st.selectbox("Diperbaiki oleh", list(REPAIR_BY), format_func=lambda x: REPAIR_BY[x])
        if st.form_submit_button("Catat sudah diperbaiki") and kode2:
            ui.run_action(
                lambda: rec.device_repaired(ctx.engine, ctx.actor, kode2, by),
                f"Alat {kode2} berfungsi lagi.",
            )
