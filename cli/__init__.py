"""The ``cetak`` command line. Staff read Bahasa Indonesia; ``--json`` output is a contract.

Commands that only read import neither Prefect nor SQLAlchemy (``cli.reads``, ``cli.lean``)
and commands load their module only when they run (``cli.lazy``): they answer in 0.3 s.
"""

from __future__ import annotations

from cli.app import app


def main() -> None:
    from cetak.envsettings import private_umask

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
