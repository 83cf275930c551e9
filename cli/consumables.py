"""``cetak consumables ...``: ribbons, film, cleaning kits and laminate the regency buys
(issue 15)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer
from rich.table import Table

from cetak.bahasa import angka, desimal, tanggal_tabel
from cetak.labels import CONSUMABLE_KIND
from cli.common import OlehOpt, acting, context, fail, out, print_json

JsonOpt = Annotated[bool, typer.Option("--json", help="Keluaran JSON (untuk alat lain).")]

consumables_app = typer.Typer(
    help="Bahan habis pakai printer yang dibeli daerah: pita, film, pembersih, laminasi.",
    no_args_is_help=True,
)


@consumables_app.command("receive")
def receive(
    lot: Annotated[str, typer.Option("--lot", help="Kode lot")],
    kind: Annotated[
        str, typer.Option("--kind", help="Jenis: ribbon, film, cleaning_kit, laminate")
    ],
    rolls: Annotated[int, typer.Option("--rolls", help="Jumlah rol")],
    rated_yield: Annotated[int, typer.Option("--yield", help="Kartu per rol (menurut pabrik)")],
    price: Annotated[int, typer.Option("--price", help="Harga satuan per rol (Rp)")],
    received_on: Annotated[
        str | None, typer.Option("--date", help="Tanggal terima (TTTT-BB-HH)")
    ] = None,
    reference: Annotated[str | None, typer.Option("--reference", help="Nomor BAST/faktur")] = None,
    oleh: OlehOpt = None,
) -> None:
    """Catat penerimaan bahan habis pakai dari pengadaan daerah."""
    from application.consumables import receive as run

    day = None
    if received_on is not None:
        try:
            day = date.fromisoformat(received_on)
        except ValueError:
            fail(f"tanggal '{received_on}' tidak valid; gunakan format TTTT-BB-HH", 2)
    with context() as (settings, engine, _served):
        row = run(
            engine,
            acting(engine, settings, oleh),
            lot=lot,
            kind=kind,
            rolls=rolls,
            rated_yield=rated_yield,
            unit_price=price,
            received_on=day,
            reference=reference,
        )
    out.print(
        f"Lot {row.code}: {angka(row.rolls)} rol {CONSUMABLE_KIND.get(row.kind, row.kind)} "
        f"diterima ({angka(row.rated_yield)} kartu per rol, Rp{angka(row.unit_price)} per rol)."
    )


@consumables_app.command("load")
def load(
    printer: Annotated[str, typer.Argument(help="Nama printer")],
    lot: Annotated[str, typer.Option("--lot", help="Lot rol yang dipasang")],
    oleh: OlehOpt = None,
) -> None:
    """Pasang satu rol dari lot ke printer."""
    from application.consumables import load as run

    with context() as (settings, engine, _served):
        row = run(engine, acting(engine, settings, oleh), printer, lot)
    out.print(
        f"{CONSUMABLE_KIND.get(row.kind, row.kind)} lot {row.lot_code} dipasang di {printer} "
        f"({angka(row.rated_yield)} kartu)."
    )


@consumables_app.command("unload")
def unload(
    printer: Annotated[str, typer.Argument(help="Nama printer")],
    kind: Annotated[str, typer.Option("--kind", help="Jenis yang dilepas")],
    oleh: OlehOpt = None,
) -> None:
    """Lepas rol yang habis atau diganti dari printer."""
    from application.consumables import unload as run

    with context() as (settings, engine, _served):
        row = run(engine, acting(engine, settings, oleh), printer, kind)
    out.print(f"{CONSUMABLE_KIND.get(row.kind, row.kind)} dilepas dari {printer}.")


@consumables_app.command("list")
def list_(json_out: JsonOpt = False) -> None:
    """Lot bahan habis pakai dan rol yang tersisa di rak."""
    from application.consumables import status

    with context() as (settings, engine, _served):
        lots = status(engine, settings).lots
    if json_out:
        print_json(
            [
                {
                    "lot": row.code,
                    "jenis": row.kind,
                    "rol": row.rolls,
                    "rol_di_rak": left,
                    "hasil_per_rol": row.rated_yield,
                    "harga_satuan": row.unit_price,
                    "diterima": row.received_on.isoformat(),
                }
                for row, left in lots
            ]
        )
        return
    table = Table(title="Lot bahan habis pakai")
    for column in ("Lot", "Jenis", "Rol", "Di rak", "Kartu/rol", "Harga satuan", "Diterima"):
        table.add_column(column)
    for row, left in lots:
        table.add_row(
            row.code,
            CONSUMABLE_KIND.get(row.kind, row.kind),
            angka(row.rolls),
            angka(left),
            angka(row.rated_yield),
            f"Rp{angka(row.unit_price)}",
            tanggal_tabel(row.received_on),
        )
    out.print(table)


@consumables_app.command("status")
def status_(json_out: JsonOpt = False) -> None:
    """Sisa kartu per printer dan persediaan kantor (hari), dengan titik pesan."""
    from application.consumables import status

    with context() as (settings, engine, _served):
        state = status(engine, settings)
    if json_out:
        print_json(state.as_json())
        return
    table = Table(title="Rol terpasang di printer")
    for column in ("Printer", "Jenis", "Lot", "Sisa kartu"):
        table.add_column(column)
    for r in state.loaded:
        table.add_row(r.printer, CONSUMABLE_KIND.get(r.kind, r.kind), r.lot, angka(r.cards_left))
    out.print(table)
    for c in state.covers:
        days = "-" if c.days is None else f"{desimal(c.days, 0)} hari"
        line = (
            f"{CONSUMABLE_KIND.get(c.kind, c.kind)}: {angka(c.shelf_rolls)} rol di rak, "
            f"cukup untuk {angka(c.cards)} kartu ({days}; titik pesan {desimal(c.reorder_point_days, 0)} hari)."
        )
        if c.reorder:
            line += (
                f" [bold red]PERLU DIPESAN[/]: {angka(c.rolls_to_order)} rol, "
                f"perkiraan Rp{angka(c.estimated_cost)}."
            )
        out.print(line)


@consumables_app.command("memo")
def memo() -> None:
    """Buat nota dinas ke PPK untuk bahan yang perlu dipesan (PDF)."""
    from application.consumables import procurement_memo

    with context() as (settings, engine, _served):
        path = procurement_memo(engine, settings)
    out.print(f"Nota dinas pengadaan: {path}")
