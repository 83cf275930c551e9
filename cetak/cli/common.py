"""Shared pieces of the CLI: settings, the engine, output and error translation."""

from __future__ import annotations

import importlib
import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, NoReturn

import typer
from rich.console import Console
from sqlalchemy.engine import Engine

from cetak.db import engine_from_settings
from cetak.installation import NotInitialised, ServedRegency, load_installation
from cetak.settings import Settings, get_settings

# Piped output (files, other tools, tests) is not cut to 80 columns.
out = Console(highlight=False, soft_wrap=True, width=None if sys.stdout.isatty() else 200)
err = Console(stderr=True, highlight=False, soft_wrap=True)


def fail(message: str, code: int = 1) -> NoReturn:
    err.print(f"[bold red]Gagal:[/] {message}")
    raise typer.Exit(code)


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str))
    sys.stdout.write("\n")


@contextmanager
def context() -> Iterator[tuple[Settings, Engine, ServedRegency]]:
    settings = get_settings()
    engine = engine_from_settings(settings)
    try:
        served = load_installation(engine)
    except NotInitialised:
        fail(
            "basis data belum disiapkan. Jalankan dulu: cetak init --regency KODE "
            "(contoh: cetak init --regency 33.10)"
        )
    yield settings, engine, served


def run_flow(target: str, what: str, **params: Any) -> Any:
    """Run a Prefect flow (``"module:flow"``) for a staff command.

    Prefect is imported only here, so commands that only read never start it. Its
    temporary local server logs a traceback when stopped while still recording events;
    staff should not read that as a failure of the run, so it is quieted unless the
    operator set a level. An engine failure is said in Indonesian and exits non-zero.
    """
    with context():
        pass  # refuses before Prefect starts when the database is not initialised
    os.environ.setdefault("PREFECT_SERVER_LOGGING_LEVEL", "CRITICAL")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    # A busy office PC starts the temporary server slowly; 20 s is Prefect's default.
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "90")
    module, name = target.split(":")
    flow = getattr(importlib.import_module(module), name)
    try:
        return flow(**params)
    except Exception as exc:  # the engine itself failed
        fail(f"{what} berhenti karena kesalahan sistem: {type(exc).__name__}: {exc}")
