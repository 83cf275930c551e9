"""Audit: who did what and when (logins, refusals and every dashboard action), filterable."""

from __future__ import annotations

import json
from datetime import timedelta

import streamlit as st

from cetak.access import ROLE_LABELS, Role
from dashboard import ui

ctx = ui.context()
ui.header(ctx, "Audit", "Siapa melakukan apa dan kapan.")

ACTIONS = {
    "login": "masuk",
    "login_failed": "gagal masuk",
    "printer_down": "printer dihentikan",
    "printer_up": "printer siap lagi",
    "qc_pass": "QC lolos",
    "qc_reject": "QC ditolak",
    "stock_receipt": "terima lot blangko",
    "stock_take": "stok opname",
    "reorder_sent": "permintaan dikirim",
    "reorder_confirmed": "permintaan dikonfirmasi",
    "reorder_received": "permintaan diterima",
    "shipment_receive": "kiriman diterima kecamatan",
    "discrepancy_resolve": "selisih diselesaikan",
    "collection": "KTP-el diambil",
    "user_add": "pengguna ditambah",
    "user_password": "kata sandi diganti",
    "user_role": "peran diganti",
    "user_enable": "pengguna diaktifkan",
    "user_disable": "pengguna dinonaktifkan",
}


def _role(code: str | None) -> str:
    try:
        return ROLE_LABELS[Role(code)]
    except ValueError:
        return code or "-"


def _detail(text: str) -> str:
    try:
        detail = json.loads(text or "{}")
    except ValueError:
        return ui.mask_text(ctx, text)
    parts = [f"{k}: {v}" for k, v in detail.items() if v not in (None, "", [])]
    return ui.mask_text(ctx, "; ".join(parts))


@st.fragment(run_every=ui.REFRESH_SECONDS)
def trail() -> None:
    ui.still_logged_in()
    choices = ui.query(ctx, "audit_choices")
    c = st.columns(5)
    first = c[0].date_input(
        "Dari", ctx.today - timedelta(days=6), format="DD/MM/YYYY", key="a_from"
    )
    last = c[1].date_input("Sampai", ctx.today, format="DD/MM/YYYY", key="a_to")
    who = c[2].selectbox(
        "Pengguna", [None, *choices["actors"]], format_func=lambda x: x or "Semua", key="a_actor"
    )
    what = c[3].selectbox(
        "Tindakan",
        [None, *choices["actions"]],
        format_func=lambda x: "Semua" if x is None else ACTIONS.get(x, x),
        key="a_action",
    )
    failed = c[4].checkbox("Hanya yang ditolak/gagal", key="a_failed")
    if first > last:
        st.error("Tanggal awal sesudah tanggal akhir.")
        return
    rows = ui.query(
        ctx,
        "audit",
        first=first,
        last=last,
        tz=ctx.tz,
        actor=who,
        action=what,
        failed_only=failed,
        limit=500,
    )
    st.caption(f"{ui.num(len(rows))} baris" + (" (500 terbaru)" if len(rows) == 500 else ""))
    st.dataframe(
        [
            {
                "Waktu": ui.when(ctx, r["at"]),
                "Pengguna": r["actor"],
                "Peran": _role(r["role"]),
                "Tindakan": ACTIONS.get(r["action"], r["action"]),
                "Sasaran": ui.mask_text(ctx, r["target"]),
                "Rincian": _detail(r["detail_json"]),
                "Berhasil": "ya" if r["ok"] else "tidak",
            }
            for r in rows
        ],
        hide_index=True,
    )
    ui.refreshed(ctx)


trail()
