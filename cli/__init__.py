"""The ``cetak`` command line. Staff read Bahasa Indonesia; ``--json`` output is a contract.

Commands that only read never import Prefect, so they answer in about a second.
"""

from __future__ import annotations

from cli.app import app


def main() -> None:
    from cetak.settings import private_umask

    private_umask()  # databases, archives, receipts, documents, backups, logs: 0600 / 0700
    from cetak.errors import CetakError

    try:
        app()
    except CetakError as exc:  # one catch for every error raised on purpose: no traceback
        from cli.common import err
        from cli.messages import cli_message, exit_code

        err.print(f"[bold red]Gagal:[/] {cli_message(exc)}")
        raise SystemExit(exit_code(exc)) from None


__all__ = ["app", "main"]
