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
        _start_temporary_server()
        return flow(**params)
    except Exception as exc:  # the engine itself failed
        fail(f"{what} berhenti karena kesalahan sistem: {type(exc).__name__}: {exc}")


def _start_temporary_server() -> None:
    """Start Prefect's temporary server now, from this thread, bound to die with us.

    Without ``PREFECT_API_URL`` Prefect starts a temporary server (a uvicorn subprocess
    of ~200 MB, ``SubprocessASGIServer``) on first use and stops it at exit; a killed
    ``cetak`` never reaches that exit. Started here, on the main thread (which lives as
    long as the process), the server gets the kernel's parent-death signal (Linux
    ``PR_SET_PDEATHSIG``): whatever kills ``cetak``, the kernel kills its server too.
    Prefect's later ``SubprocessASGIServer()`` calls find this running instance.
    """
    if not sys.platform.startswith("linux"):
        return
    from prefect.settings import PREFECT_API_URL

    if PREFECT_API_URL.value():
        return  # a real server: nothing of ours to clean up
    import ctypes
    import signal
    import subprocess
    from unittest import mock

    from prefect.server.api import server as prefect_server

    temporary = prefect_server.SubprocessASGIServer()
    if temporary.running:
        return
    prctl = ctypes.CDLL(None, use_errno=True).prctl  # resolved before the fork
    parent = os.getpid()

    def die_with_parent() -> None:  # runs in the child between fork and exec
        prctl(1, signal.SIGKILL)  # 1 = PR_SET_PDEATHSIG
        if os.getppid() != parent:  # the parent died before the signal was armed
            os._exit(1)

    class _Subprocess:
        """Prefect's ``subprocess`` module with a ``Popen`` that arms the signal."""

        def __getattr__(self, name: str) -> Any:
            return getattr(subprocess, name)

        @staticmethod
        def Popen(*args: Any, **kwargs: Any) -> subprocess.Popen[Any]:  # noqa: N802
            kwargs.setdefault("preexec_fn", die_with_parent)
            return subprocess.Popen(*args, **kwargs)

    with mock.patch.object(prefect_server, "subprocess", _Subprocess()):
        temporary.start()
