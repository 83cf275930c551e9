"""cetak deploy and cetak worker: the Prefect work pool, deployments and workers."""

from __future__ import annotations

import typer


def deploy() -> None:
    """Daftarkan semua deployment Prefect (pool, antrean, jadwal)."""
    raise typer.Exit(3)


def worker() -> None:
    """Jalankan worker Prefect untuk PC atau lokasi ini."""
    raise typer.Exit(3)
