"""``cetak ikd ...``: IKD (digital ID) activations beside the card (issue 15)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from cetak.bahasa import BULAN, angka, tanggal_tabel
from cli.common import OlehOpt, acting, context, fail, out, print_json

JsonOpt = Annotated[bool, typer.Option("--json", help="Keluaran JSON (untuk alat lain).")]

ikd_app = typer.Typer(help="Aktivasi IKD (Identitas Kependudukan Digital).", no_args_is_help=True)


@ikd_app.command("add")
def add(
    day: Annotated[str, typer.Option("--date", help="Tanggal aktivasi (TTTT-BB-HH)")],
    count: Annotated[int, typer.Option("--count", help="Jumlah aktivasi hari itu")],
    oleh: OlehOpt = None,
) -> None:
    """Catat jumlah aktivasi IKD satu hari (hari yang sama dicatat lagi: dikoreksi)."""
    from application.ikd import add_day

    try:
        when = date.fromisoformat(day)
    except ValueError:
        fail(f"tanggal '{day}' tidak valid; gunakan format TTTT-BB-HH", 2)
    with context() as (settings, engine, _served):
        add_day(engine, acting(engine, settings, oleh), when, count)
    out.print(f"Aktivasi IKD {tanggal_tabel(when)}: {angka(count)} dicatat.")


@ikd_app.command("import")
def import_(
    file: Annotated[Path, typer.Argument(help="CSV tanggal,jumlah_aktivasi")],
    oleh: OlehOpt = None,
) -> None:
    """Muat aktivasi IKD per hari dari CSV (seluruh berkas, atau tidak sama sekali)."""
    from application.ikd import import_file

    with context() as (settings, engine, _served):
        n = import_file(engine, acting(engine, settings, oleh), file)
    out.print(f"Aktivasi IKD dimuat dari {file.name}: {angka(n)} hari.")


@ikd_app.command("show")
def show(
    months: Annotated[int, typer.Option("--months", min=1, max=36, help="Jumlah bulan")] = 12,
    json_out: JsonOpt = False,
) -> None:
    """Aktivasi IKD per bulan, beside blangko diterima dan KTP-el dicetak."""
    from application.ikd import monthly

    with context() as (_s, engine, _served):
        rows = monthly(engine, count=months)
    if json_out:
        print_json(
            [
                {
                    "bulan": f"{r.year}-{r.month:02d}",
                    "aktivasi_ikd": r.aktivasi,
                    "blangko_diterima": r.blangko_diterima,
                    "kartu_dicetak": r.kartu_dicetak,
                }
                for r in rows
            ]
        )
        return
    table = Table(title="Aktivasi IKD dan KTP-el per bulan")
    for column in ("Bulan", "Aktivasi IKD", "Blangko diterima", "KTP-el dicetak"):
        table.add_column(column, justify="left" if column == "Bulan" else "right")
    for r in rows:
        table.add_row(
            f"{BULAN[r.month]} {r.year}",
            angka(r.aktivasi),
            angka(r.blangko_diterima),
            angka(r.kartu_dicetak),
        )
    out.print(table)
