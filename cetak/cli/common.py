"""Shared pieces of the CLI: settings, the engine, output and error translation."""

from __future__ import annotations

import json
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
