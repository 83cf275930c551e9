"""cetak serve and cetak service: run Cetak as the service of one office PC."""

from __future__ import annotations

import typer

service_app = typer.Typer(help="Layanan systemd untuk PC kantor.", no_args_is_help=True)


def serve() -> None:
    """Jalankan server Prefect, worker dan dasbor bersama di PC ini."""
    raise typer.Exit(3)
