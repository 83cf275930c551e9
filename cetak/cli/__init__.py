"""The ``cetak`` command line. Staff read Bahasa Indonesia; ``--json`` output is a contract.

Commands that only read never import Prefect, so they answer in about a second.
"""

from __future__ import annotations

from cetak.cli.app import app


def main() -> None:
    app()


__all__ = ["app", "main"]
