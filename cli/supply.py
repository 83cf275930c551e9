"""``cetak stock outlook``: the PRR backlog for the next 30 days under what central really
delivers (issue 15), added to the ``stock`` group."""

from __future__ import annotations

from typing import Annotated

import typer

from cetak.bahasa import angka, desimal, persen, tanggal
from cli.common import context, out, print_json
from cli.stock import stock_app

JsonOpt = Annotated[bool, typer.Option("--json", help="Keluaran JSON (untuk alat lain).")]


@stock_app.command("outlook")
def outlook(
    days: Annotated[int, typer.Option("--days", min=7, max=90, help="Jumlah hari")] = 30,
    json_out: JsonOpt = False,
) -> None:
    """Perkiraan antrean PRR ke depan dengan pasokan pusat yang sebenarnya."""
    from application.supply import outlook as read

    with context() as (settings, engine, _served):
        view = read(engine, settings, days=days)
    if json_out:
        print_json(view.as_json())
        return
    learned = view.learned
    if learned.delivery_ratio is not None:
        out.print(
            f"Pusat memenuhi {persen(learned.delivery_ratio)} dari yang diminta "
            f"({learned.requests} permintaan terakhir)."
        )
    if learned.lead_days is not None:
        out.print(f"Kiriman tiba rata-rata {desimal(learned.lead_days, 0)} hari setelah surat.")
    out.print(
        f"Antrean PRR sekarang {angka(view.backlog)}; PRR baru {desimal(view.new_prr_per_day, 1)}"
        f"/hari; blangko {angka(view.on_hand)}; kapasitas cetak {angka(view.capacity_per_day)}/hari."
    )
    end = view.without[-1]
    out.print(
        f"Tanpa kiriman: antrean {angka(end.backlog)} pada {tanggal(end.day)} "
        f"({'+' if view.growth >= 0 else ''}{angka(view.growth)})."
    )
    if view.expected is not None:
        got = view.with_request[-1]
        out.print(
            f"Dengan permintaan {view.open_request} (perkiraan {angka(view.expected[1])} keping, "
            f"tiba {tanggal(view.expected[0])}): antrean {angka(got.backlog)} pada "
            f"{tanggal(got.day)}."
        )
