"""Sections of the pages for when blanks and ribbons are scarce (issue 15): the priority
classes and their policy (Antrian), consumables, IKD and the backlog under central's real
supply (Stok). Each section reads through the application layer and acts through its use
cases."""

from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from application import consumables, ikd, rationing, supply
from cetak.access import Action
from cetak.bahasa import BULAN
from cetak.labels import CONSUMABLE_KIND
from dashboard import ui


def rationing_section(ctx: ui.Context) -> None:
    """Per priority class: how many wait, the oldest wait, and when the class is served."""
    view = rationing.overview(ctx.engine)
    st.subheader("Prioritas cetak saat blangko kurang")
    if view.short:
        st.warning(
            f"Penjatahan BERLAKU: blangko tersedia {ui.num(view.on_hand)} dan dalam perjalanan "
            f"{ui.num(view.in_transit)} tidak cukup untuk {ui.num(view.waiting)} PRR; cetak "
            "mengikuti urutan prioritas di bawah."
        )
    else:
        st.caption(
            "Penjatahan tidak berlaku: blangko cukup, PRR dicetak dari yang tertua. "
            "Urutan di bawah berlaku bila blangko tidak cukup."
        )
    version = (
        f"versi {view.policy.version}" if view.policy.version else "bawaan (daftar Ditjen 2020)"
    )
    st.caption(
        f"Kebijakan {version}; tiap {view.policy.ageing_days} hari menunggu menaikkan satu "
        f"kelas. Pasokan rata-rata {ui.num(view.supply_per_day, 1)} blangko/hari."
    )
    ui.table(
        ctx,
        [
            {
                "Urutan": i,
                "Kelas": c.nama,
                "Menunggu": c.waiting,
                "Tertua (hari)": c.oldest_days,
                "Perkiraan dilayani": ui.day(c.served_by)
                if c.served_by
                else ("-" if not c.waiting else "belum dapat diperkirakan"),
            }
            for i, c in enumerate(view.classes, 1)
        ],
        key="ration_classes",
        name="Prioritas cetak",
    )
    if ctx.may(Action.RATION_POLICY):
        with st.expander("Ubah kebijakan prioritas (kepala seksi)"), st.form("ration_policy"):
            text = st.text_area("Kebijakan (TOML)", rationing.policy_text(view.policy), height=260)
            if st.form_submit_button("Simpan kebijakan"):
                ui.run_action(
                    lambda: rationing.set_policy_text(ctx.engine, ctx.actor, text),
                    lambda v: f"Kebijakan prioritas versi {v} berlaku.",
                )


def consumables_section(ctx: ui.Context) -> None:
    state = consumables.status(ctx.engine, ctx.settings)
    if not state.lots and not state.loaded:
        return
    st.subheader("Bahan habis pakai printer (pengadaan daerah)")
    for c in state.covers:
        label = CONSUMABLE_KIND.get(c.kind, c.kind)
        days = "-" if c.days is None else f"{ui.num(c.days)} hari"
        text = (
            f"{label}: {ui.num(c.shelf_rolls)} rol di rak, cukup untuk {ui.num(c.cards)} kartu "
            f"({days}); titik pesan {ui.num(c.reorder_point_days)} hari."
        )
        if c.reorder:
            st.error(
                f"{text} Perlu dipesan {ui.num(c.rolls_to_order)} rol, perkiraan "
                f"Rp{ui.num(c.estimated_cost)}."
            )
        else:
            st.caption(text)
    if state.loaded:
        ui.table(
            ctx,
            [
                {
                    "Printer": r.printer,
                    "Jenis": CONSUMABLE_KIND.get(r.kind, r.kind),
                    "Lot": r.lot,
                    "Kartu per rol": r.rated_yield,
                    "Sisa kartu": r.cards_left,
                }
                for r in state.loaded
            ],
            key="rol_terpasang",
            name="Rol terpasang",
        )
    if any(c.reorder for c in state.covers):
        ui.private_download(
            "Nota dinas pengadaan ke PPK (PDF)",
            lambda: consumables.procurement_memo(ctx.engine, ctx.settings).read_bytes(),
            file_name=f"nota-dinas-bhp-{ctx.today:%Y%m%d}.pdf",
            mime="application/pdf",
            key="nota_dinas",
        )


def ikd_section(ctx: ui.Context) -> None:
    months = ikd.monthly(ctx.engine, count=6)
    if not any(m.aktivasi for m in months):
        return
    st.subheader("IKD di samping KTP-el")
    rows: list[dict[str, Any]] = []
    for m in months:
        label = f"{BULAN[m.month][:3]} {m.year}"
        rows += [
            {"Bulan": label, "Ukuran": "Aktivasi IKD", "Jumlah": m.aktivasi},
            {"Bulan": label, "Ukuran": "Blangko diterima", "Jumlah": m.blangko_diterima},
            {"Bulan": label, "Ukuran": "KTP-el dicetak", "Jumlah": m.kartu_dicetak},
        ]
    order = [f"{BULAN[m.month][:3]} {m.year}" for m in months]
    st.altair_chart(
        alt.Chart(pd.DataFrame(rows))
        .mark_bar()
        .encode(
            x=alt.X("Bulan:N", sort=order, title=None),
            xOffset="Ukuran:N",
            y=alt.Y(
                "Jumlah:Q",
                title="Jumlah",
                axis=alt.Axis(
                    tickMinStep=1,
                    format=",d",
                    labelExpr="replace(datum.label, ',', '.')",
                ),
            ),
            color=alt.Color("Ukuran:N", title=None),
            tooltip=["Bulan:N", "Ukuran:N", alt.Tooltip("Jumlah:Q", format=",d")],
        )
        .properties(height=260),
        width="stretch",
    )


def outlook_section(ctx: ui.Context) -> None:
    """The backlog for the next 30 days under what central really delivers."""
    view = supply.outlook(ctx.engine, ctx.settings)
    if not view.backlog and not view.new_prr_per_day:
        return
    st.subheader("Antrean PRR 30 hari ke depan")
    learned = view.learned
    said = []
    if learned.delivery_ratio is not None:
        said.append(
            f"pusat memenuhi {ui.pct(learned.delivery_ratio)} dari yang diminta "
            f"({learned.requests} permintaan terakhir)"
        )
    if learned.lead_days is not None:
        said.append(f"kiriman tiba rata-rata {ui.num(learned.lead_days)} hari setelah surat")
    if said:
        st.caption("Menurut riwayat: " + "; ".join(said) + ".")
    rows = [
        {"Tanggal": d.day.isoformat(), "Keadaan": "tanpa kiriman", "Antrean": d.backlog}
        for d in view.without
    ]
    if view.expected is not None:
        rows += [
            {
                "Tanggal": d.day.isoformat(),
                "Keadaan": "dengan permintaan terbuka",
                "Antrean": d.backlog,
            }
            for d in view.with_request
        ]
        st.caption(
            f"Permintaan {view.open_request}: perkiraan {ui.num(view.expected[1])} keping "
            f"tiba {ui.day(view.expected[0])}."
        )
    st.altair_chart(
        alt.Chart(pd.DataFrame(rows))
        .mark_line(point=False)
        .encode(
            x=alt.X(
                "Tanggal:T",
                title=None,
                axis=alt.Axis(
                    format="%d/%m",
                ),
            ),
            y=alt.Y(
                "Antrean:Q",
                title="PRR menunggu",
                axis=alt.Axis(
                    tickMinStep=1, format=",d", labelExpr="replace(datum.label, ',', '.')"
                ),
            ),
            color=alt.Color(
                "Keadaan:N",
                title=None,
                scale=alt.Scale(
                    domain=["tanpa kiriman", "dengan permintaan terbuka"],
                    range=["#C00000", "#2E7D32"],
                ),
            ),
        )
        .properties(height=240),
        width="stretch",
    )
    st.caption(
        f"Tanpa tambahan blangko antrean menjadi {ui.num(view.without[-1].backlog)} PRR "
        f"dalam 30 hari ({'+' if view.growth >= 0 else ''}{ui.num(view.growth)})."
    )
