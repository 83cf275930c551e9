"""cetak doctor: is this installation healthy, and what to do when it is not."""

from __future__ import annotations

import typer


def doctor() -> None:
    """Periksa kesehatan instalasi."""
    raise typer.Exit(3)
