"""Karantina: quarantined records with their reasons, filterable, exportable to CSV
for central (NIKs as the user's role may see them)."""

from __future__ import annotations

import streamlit as st

from cetak.access import Action
from dashboard import ui

ctx = ui.context()
ui.header(ctx, "Karantina", "Record dari pusat yang tidak dapat dicetak dan alasannya.")

REASONS = {
    "BAD_NIK_FORMAT": "format NIK salah",
    "NIK_BIRTHDATE_MISMATCH": "NIK tidak cocok dengan tanggal lahir",
    "NIK_GENDER_MISMATCH": "NIK tidak cocok dengan jenis kelamin",
    "INVALID_FIELD": "isian tidak valid",
    "UNKNOWN_KECAMATAN": "kecamatan tidak dikenal",
    "MISSING_PHOTO": "foto tidak ada",
    "DUPLICATE_NIK_IN_BATCH": "NIK ganda dalam batch",
    "NIK_ALREADY_QUEUED": "NIK sudah dalam antrean",
    "NIK_ALREADY_PRINTED": "NIK sudah dicetak",
}


def _reason(code: str | None) -> str:
    if not code:
        return "-"
    return f"{code} ({REASONS[code]})" if code in REASONS else code


@st.fragment(run_every=ui.REFRESH_SECONDS)
def figures() -> None:
    ui.still_logged_in()
    reasons = ui.query(ctx, "quarantine_reasons")
    total = sum(r["jumlah"] for r in reasons)
    st.metric("Record karantina", ui.num(total))
    if reasons:
        st.dataframe(
            [{"Alasan": _reason(r["reason"]), "Jumlah": r["jumlah"]} for r in reasons],
            hide_index=True,
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
    st.dataframe(
        [
            {
                "PRR": r["prr_id"] or "-",
                "Batch": r["batch_id"],
                "Baris": r["row_number"],
                "NIK": ctx.nik(r["nik"]),
                "Kecamatan": r["kode_kecamatan"],
                "Alasan": _reason(r["reason"]),
                "Rincian": r["reason_detail"] or "",
            }
            for r in found["rows"]
        ],
        hide_index=True,
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
