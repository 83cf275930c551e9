"""Audit: who did what and when (logins, refusals and every dashboard action), filterable."""

from __future__ import annotations

import json
from datetime import timedelta

import streamlit as st

from dashboard import ui

ctx = ui.context()
ui.header(ctx, "Audit", "Siapa melakukan apa dan kapan.")

ACTIONS = ui.AUDIT_ACTION


def _action(code: str) -> str:
    return ACTIONS.get(code, code.replace("_", " "))


def _detail(text: str) -> str:
    """An audit row's detail in words (``alasan: kata sandi salah``), NIKs masked."""
    try:
        detail = json.loads(text or "{}")
    except ValueError:
        return ui.mask_text(ctx, text)
    if not isinstance(detail, dict):
        return ui.mask_text(ctx, str(detail))
    parts = [
        f"{ui.AUDIT_DETAIL_KEY.get(k, k.replace('_', ' '))}: {ui.coded(v)}"
        for k, v in detail.items()
        if v not in (None, "", [])
    ]
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
        "Pengguna",
        [None, *choices["actors"]],
        format_func=lambda x: "Semua" if x is None else ui.actor_label(x),
        key="a_actor",
    )
    what = c[3].selectbox(
        "Tindakan",
        [None, *choices["actions"]],
        format_func=lambda x: "Semua" if x is None else _action(x),
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
    ui.table(
        ctx,
        [
            {
                "Waktu": ui.when(ctx, r["at"]),
                "Pengguna": ui.actor_label(r["actor"]),
                "Peran": ui.role_label(r["role"]) if r["role"] else "-",
                "Tindakan": _action(r["action"]),
                "Sasaran": ui.mask_text(ctx, r["target"]),
                "Berhasil": "ya" if r["ok"] else "tidak",
                "Rincian": _detail(r["detail_json"]),
            }
            for r in rows
        ],
        key="audit",
        name="Audit",
        column_config={"Rincian": st.column_config.TextColumn(width="large")},
    )
    ui.refreshed(ctx)


trail()
