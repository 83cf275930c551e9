"""cetak doctor: is this installation healthy, and what to do when it is not."""

from __future__ import annotations

from typing import Annotated

import typer

from cli.common import out, print_json

STATUS_WORDS = {
    "ok": "[green]OK[/]",
    "warning": "[yellow]PERINGATAN[/]",
    "failed": "[bold red]GAGAL[/]",
}
CHECK_LABELS = {
    "env_file": "Berkas pengaturan",
    "database": "Basis data",
    "regency": "Kabupaten",
    "prefect_api": "Server Prefect",
    "deployments": "Deployment",
    "worker": "Worker",
    "printers": "Printer",
    "disk": "Ruang disk",
    "backup": "Cadangan",
    "clock": "Jam",
}


def doctor(
    json_out: Annotated[
        bool, typer.Option("--json", help="Keluaran JSON (untuk alat lain).")
    ] = False,
) -> None:
    """Periksa kesehatan instalasi: pengaturan, basis data, Prefect, worker, printer, disk, cadangan, jam."""
    from rich.markup import escape
    from rich.table import Table

    from application.doctor import report, run_checks

    checks = run_checks()
    doc = report(checks)
    if json_out:
        print_json(doc)
    else:
        table = Table(title="Pemeriksaan kesehatan Cetak")
        table.add_column("Pemeriksaan", no_wrap=True)
        table.add_column("Status", no_wrap=True)
        table.add_column("Keterangan")
        table.add_column("Yang perlu dilakukan")
        for c in checks:
            table.add_row(
                CHECK_LABELS.get(c.key, c.key),
                STATUS_WORDS[c.status],
                escape(c.message),
                escape(c.hint or ""),
            )
        out.print(table)
        failed = [CHECK_LABELS.get(c.key, c.key) for c in checks if c.status == "failed"]
        warned = sum(c.status == "warning" for c in checks)
        if failed:
            out.print(
                f"[bold red]{len(failed)} pemeriksaan GAGAL[/] ({', '.join(failed)})"
                + (f", {warned} peringatan" if warned else "")
                + ". Perbaiki yang gagal lalu jalankan lagi: cetak doctor"
            )
        elif warned:
            out.print(
                f"[yellow]Tidak ada yang gagal, {warned} peringatan.[/] Cetak dapat berjalan."
            )
        else:
            out.print("[green]Semua pemeriksaan lolos.[/] Instalasi sehat.")
    if not doc["ok"]:
        raise typer.Exit(1)
