"""The ``cetak`` command line. Staff read Bahasa Indonesia; ``--json`` output is a contract.

Commands that only read never import Prefect, so they answer in about a second.
"""

from __future__ import annotations

from cetak.cli.app import app


def main() -> None:
    from cetak.settings import private_umask

    private_umask()  # databases, archives, receipts, documents, backups, logs: 0600 / 0700
    app()


__all__ = ["app", "main"]
