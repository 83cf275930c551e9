"""Karantina: quarantined records with their reasons, filterable, exportable to CSV
for central (NIKs as the user's role may see them)."""

from __future__ import annotations

import re

import streamlit as st

from cetak.access import Action
from dashboard import ui

ctx = ui.context()
ui.header(ctx, "Karantina", "Record dari pusat yang tidak dapat dicetak dan alasannya.")


def _reason(code: str | None) -> str:
    """A reason as staff read it; the code itself goes to central in the CSV."""
    if not code or code == "-":
        return "-"
    return ui.QUARANTINE_REASON.get(code, code.replace("_", " ").capitalize())


_FIELD = re.compile(r"\b([a-z]+(?:_[a-z]+)+)\b")


def _detail(text: str | None) -> str:
    """The feed's detail with its field names as words (``jenis_kelamin`` -> ``jenis
    kelamin``)."""
    return _FIELD.sub(lambda m: m.group(1).replace("_", " "), text or "")


@st.fragment(run_every=ui.REFRESH_SECONDS)
def figures() -> None:
    ui.still_logged_in()
    reasons = ui.query(ctx, "quarantine_reasons")
    total = sum(r["jumlah"] for r in reasons)
    st.metric("Record karantina", ui.num(total))
    if reasons:
        ui.table(
            ctx,
            [{"Alasan": _reason(r["reason"]), "Jumlah": r["jumlah"]} for r in reasons],
            key="karantina_alasan",
            name="Alasan karantina",
        )
    c = st.columns(3)
    reason = c[0].selectbox(
        "Alasan",
        [None, *[r["reason"] for r in reasons]],
        format_func=lambda x: "Semua alasan" if x is None else _reason(x),
        key="q_reason",
    )
    batch = c[1].selectbox(
        "Batch",
        [None, *ui.query(ctx, "quarantine_batches")],
        format_func=lambda x: x or "Semua batch",
        key="q_batch",
    )
    with c[2]:
        kec = ui.kecamatan_choice(ctx, "Kecamatan", key="q_kec")
    found = ui.query(ctx, "quarantine", reason=reason, batch=batch, kecamatan=kec, limit=500)
    st.caption(
        f"{ui.num(found['total'])} record cocok"
        + ("; menampilkan 500 pertama." if found["total"] > 500 else ".")
    )
    ui.table(
        ctx,
        [
            {
                "PRR": r["prr_id"] or "-",
                "Nama": r["nama"] or "-",
                "NIK": ctx.nik(r["nik"]),
                "Kecamatan": ui.kecamatan_name(ctx, r["kode_kecamatan"]),
                "Batch": r["batch_id"],
                "Baris": r["row_number"],
                "Alasan": _reason(r["reason"]),
                "Rincian": _detail(r["reason_detail"]),
            }
            for r in found["rows"]
        ],
        key="karantina",
        name="Record karantina",
        excel_only=("Batch", "Baris"),  # filtered above; in the workbook for central
        wrap=25,  # the reason's detail is read whole, never cut off
    )
    if ctx.may(Action.EXPORT_QUARANTINE) and found["total"]:
        filters = {"reason": reason, "batch": batch, "kecamatan": kec}
        ui.private_download(  # full NIKs: never at a URL (no st.download_button)
            "Unduh CSV untuk pusat",
            lambda f=filters: ui.export_quarantine(ctx, f),
            file_name=f"karantina-{ctx.served.kode_wilayah.replace('.', '')}"
            f"-{ctx.today:%Y%m%d}.csv",
            mime="text/csv",
            key="q_csv",
        )
    ui.refreshed(ctx)


figures()
