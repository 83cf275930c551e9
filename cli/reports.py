"""``cetak report ...``: reports for the head of office (issue 13, item 5).

``cetak report daily`` writes the daily production report (laporan harian) as a PDF, keeps
it in the document store like every generated document, and copies it to ``--out`` when
asked. The monthly stock report stays ``cetak stock report``."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from cli.common import context, fail, out, print_json

report_app = typer.Typer(
    help="Laporan untuk pimpinan: laporan harian produksi KTP-el.",
    no_args_is_help=True,
)


@report_app.command("daily")
def daily(
    day: Annotated[
        str | None,
        typer.Option("--date", help="Tanggal laporan TTTT-BB-HH (bawaan: hari ini)."),
    ] = None,
    out_path: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="Salin PDF-nya juga ke berkas atau folder ini."),
    ] = None,
    json_out: Annotated[
        bool, typer.Option("--json", help="Keluaran JSON (untuk alat lain).")
    ] = False,
) -> None:
    """Laporan harian produksi KTP-el (PDF): PRR diterima, dicetak, rusak menurut sebab,
    diserahkan per kecamatan, dan persediaan blangko."""
    from application.reports import FutureDay, write_daily_report
    from cetak.bahasa import tanggal

    try:
        wanted = date.fromisoformat(day) if day else None
    except ValueError:
        fail(f"tanggal '{day}' tidak valid; gunakan TTTT-BB-HH, mis. 2026-12-03", 2)
    with context() as (settings, engine, served):
        settings.ensure_dirs()
        try:
            path = write_daily_report(engine, settings, wanted)
        except FutureDay as exc:
            fail(
                f"tanggal {tanggal(exc.day)} belum tiba (hari ini {tanggal(exc.today)}); "
                "laporan harian hanya untuk hari ini atau sebelumnya",
                2,
            )
        reported = wanted or served.today()
    target = None
    if out_path is not None:
        target = out_path / path.name if out_path.is_dir() else out_path
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(path.read_bytes())
        except OSError as exc:
            fail(
                f"tidak dapat menulis {target}: {exc.strerror or exc}. Periksa folder dan izinnya."
            )
    if json_out:
        print_json(
            {
                "date": reported.isoformat(),
                "number": path.stem,
                "path": str(path),
                "out": str(target) if target else None,
            }
        )
        return
    out.print(f"Laporan harian {tanggal(reported)} ditulis: {path}")
    if target is not None:
        out.print(f"Salinannya disimpan ke {target}.")
