"""cetak backup / cetak restore: consistent copies of the whole installation."""

from __future__ import annotations

import typer


def backup() -> None:
    """Buat cadangan basis data dan dokumen (aman saat sistem berjalan)."""
    raise typer.Exit(3)


def restore() -> None:
    """Pulihkan basis data dari berkas cadangan."""
    raise typer.Exit(3)
