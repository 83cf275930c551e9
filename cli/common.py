"""Shared pieces of the CLI: settings, the engine, output, error translation and who acts.

Who acts (issue 11): a command that changes something names its officer with
``--oleh NAME`` or ``CETAK_USER=NAME``; the name must be an active user (``cetak users
add``), else the command is refused before anything changes. With neither the actor is
the OS account, ``cli:<login>``, unless ``CETAK_REQUIRE_OFFICER=true`` makes a named
officer mandatory. See ``acting``.
"""

from __future__ import annotations

import getpass
import importlib
import json
import os
import sys
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

from cetak.access import Actor
from cetak.errors import CetakError

if TYPE_CHECKING:  # SQLAlchemy and pydantic-settings load when a command opens the database
    from rich.console import Console
    from sqlalchemy.engine import Engine

    from cetak.installation import ServedRegency
    from cetak.settings import Settings

#: ``cetak --verbose``: Prefect's own log lines and links are shown on the terminal too
#: (set by the global option in ``cli.app``).
VERBOSE = False


#: ``out`` and ``err``, the rich consoles every command prints to, are made on first use
#: (``__getattr__``): rich's console costs a tenth of a second to import, which a command
#: printing ``--json`` need not pay (issue 16).
_CONSOLES: dict[str, dict[str, Any]] = {
    # Piped output (files, other tools, tests) is not cut to 80 columns.
    "out": {
        "highlight": False,
        "soft_wrap": True,
        "width": None if sys.stdout.isatty() else 200,
    },
    "err": {"stderr": True, "highlight": False, "soft_wrap": True},
}

if TYPE_CHECKING:
    out: Console
    err: Console


def __getattr__(name: str) -> Any:
    if name in _CONSOLES:
        return _console(name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _console(name: str) -> Console:
    found: Console | None = globals().get(name)
    if found is None:
        from rich.console import Console

        found = globals()[name] = Console(**_CONSOLES[name])
    return found


def fail(message: str, code: int = 1) -> NoReturn:
    _console("err").print(f"[bold red]Gagal:[/] {message}")
    raise typer.Exit(code)


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str))
    sys.stdout.write("\n")


@contextmanager
def cetak_errors() -> Iterator[None]:
    """The CLI's one catch of ``CetakError``: the staff text from the catalogue plus the
    CLI's hint (``cli.messages``), exit 2 for refused input, else 1; never a traceback."""
    from cli.messages import cli_message, exit_code

    try:
        yield
    except CetakError as exc:
        fail(cli_message(exc), exit_code(exc))


@contextmanager
def context() -> Iterator[tuple[Settings, Engine, ServedRegency]]:
    from cetak.db import engine_from_settings
    from cetak.installation import load_installation
    from cetak.settings import get_settings

    settings = get_settings()
    engine = engine_from_settings(settings)
    with cetak_errors():
        served = load_installation(engine)  # NotInitialised: "... Jalankan dulu: cetak init"
    # A named officer whose role may not do this (Forbidden, audited) exits 2, like any
    # refused input; every other error raised on purpose is said in Bahasa, exit 1.
    with cetak_errors():
        yield settings, engine, served


# --- who acts (issue 11) ---------------------------------------------------------------------

OlehOpt = Annotated[
    str | None,
    typer.Option(
        "--oleh",
        help="Nama pengguna petugas yang melakukan ini (bawaan: CETAK_USER, lalu akun OS)",
        show_default=False,
    ),
]

#: The environment variable naming the officer of every command run from this shell.
USER_ENV = "CETAK_USER"


def os_actor() -> str:
    """The OS account running the command, as ledger and audit rows name it."""
    try:
        login = getpass.getuser()
    except Exception:  # noqa: BLE001 - no login name (a container without passwd entry)
        login = str(os.getuid()) if hasattr(os, "getuid") else "unknown"
    return f"cli:{login}"


def check_text(value: str, what: str) -> str:
    """``value`` as typed, refused (exit 2, in Bahasa) when it carries bytes that were not
    valid UTF-8 (Python leaves them as lone surrogates) or control characters: stored,
    they would break receipts, PDFs and PostgreSQL."""
    if any(unicodedata.category(ch) in ("Cs", "Cc") for ch in value):
        fail(
            f"{what} berisi karakter yang tidak sah (bukan teks UTF-8 atau karakter kendali); "
            "ketik ulang dengan huruf biasa. Tidak ada yang diubah.",
            2,
        )
    return value


def officer_named() -> str | None:
    """The officer named by ``CETAK_USER`` (None when unset or empty)."""
    value = os.environ.get(USER_ENV, "").strip()
    return value or None


def acting(
    engine: Engine, settings: Settings, oleh: str | None, *, bootstrap: bool = False
) -> Actor | str:
    """Who does what the command changes: the active user named by ``--oleh`` (else
    ``CETAK_USER``), as an ``Actor`` acting from the CLI, or the OS account ``cli:<login>``.

    An unknown or disabled name is refused (exit 2) before anything changes; so is no name
    at all when ``CETAK_REQUIRE_OFFICER`` is true, unless ``bootstrap`` (the first user of
    an installation that has none yet).
    """
    from sqlmodel import Session

    from cetak.users import officer

    name = oleh if oleh is not None else officer_named()
    if name is not None:
        check_text(name, "nama petugas (--oleh / CETAK_USER)")
        if not name.strip():
            fail("nama petugas (--oleh) kosong; tidak ada yang diubah", 2)
        with Session(engine) as session:
            with cetak_errors():  # UnknownOfficer: refused, exit 2
                return officer(session, name)
    if settings.require_officer and not bootstrap:
        fail(
            "petugas wajib disebut (CETAK_REQUIRE_OFFICER=true): tambahkan --oleh NAMA "
            f"atau atur {USER_ENV}=NAMA dengan nama pengguna aktif. Tidak ada yang diubah.",
            2,
        )
    return os_actor()


def signed(who: Actor | str) -> str:
    """The actor string written in ledger and event rows (``cli:kasi``, ``cli:root``)."""
    return who.audit_name() if isinstance(who, Actor) else who


def run_flow(
    target: str,
    what: str,
    *,
    audit_as: str | None = None,
    oleh: str | None = None,
    **params: Any,
) -> Any:
    """Run a Prefect flow (``"module:flow"``) for a staff command.

    Prefect is imported only here, so commands that only read never start it. Its
    temporary local server logs a traceback when stopped while still recording events;
    staff should not read that as a failure of the run, so it is quieted unless the
    operator set a level. An engine failure is said in Indonesian and exits non-zero.

    ``audit_as``: the command changes something, so who started it (``oleh``, see
    ``acting``) is resolved before the flow starts and one audit row ``audit_as`` is
    written when it ends (the flow audits its own steps as ``flow:<name>``).
    """
    who: Actor | str | None = None
    with context() as (settings, engine, _served):
        if audit_as is not None:  # refuses an unknown officer before Prefect starts
            who = acting(engine, settings, oleh)
    quiet_prefect(VERBOSE)
    os.environ.setdefault("PREFECT_SERVER_LOGGING_LEVEL", "CRITICAL")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    # A busy office PC starts the temporary server slowly; 20 s is Prefect's default.
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "90")
    from application.localprefect import LocalServerError, using_server

    module, name = target.split(":")
    try:
        # The Prefect server this PC keeps (started by the first such command, or by
        # cetak serve), named before Prefect is imported; see application.localprefect.
        with using_server():
            flow = getattr(importlib.import_module(module), name)
            _start_temporary_server()  # only with CETAK_PREFECT_LOCAL=temporary
            result = flow(**params)
    except LocalServerError as exc:
        fail(f"{what} tidak dapat dimulai: {exc}")
    except Exception as exc:  # the engine itself failed
        if who is not None and audit_as is not None:
            _audit_run(engine, who, audit_as, name, params, ok=False, error=type(exc).__name__)
        fail(f"{what} berhenti karena kesalahan sistem: {type(exc).__name__}: {exc}")
    if who is not None and audit_as is not None:
        _audit_run(engine, who, audit_as, name, params, ok=True)
    return result


def quiet_prefect(verbose: bool) -> None:
    """Keep Prefect's own log lines and links ("Flow run ... Finished in state Completed()",
    "Starting temporary server on http://...") off the terminal, unless ``--verbose``.

    Only Prefect's console handler is raised (``PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL``,
    read when Prefect sets up logging at import): the runs' logs still reach the Prefect
    server (its ``api`` handler), and what the command says to staff is its own output.
    An operator who set the variable keeps their level. Call before importing Prefect.
    """
    if verbose:
        os.environ.setdefault("PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL", "INFO")
        os.environ["PREFECT_SERVER_LOGGING_LEVEL"] = os.environ.get(
            "PREFECT_SERVER_LOGGING_LEVEL", "WARNING"
        )
    else:
        os.environ.setdefault("PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL", "CRITICAL")


def _audit_run(
    engine: Engine,
    who: Actor | str,
    action: str,
    flow: str,
    params: dict[str, Any],
    *,
    ok: bool,
    error: str | None = None,
) -> None:
    from cetak.db import write_session
    from cetak.users import note

    detail: dict[str, Any] = {"flow": flow, **{k: v for k, v in params.items() if v is not None}}
    if error is not None:
        detail["error"] = error
    with write_session(engine) as session:
        note(session, who, action, detail=detail, ok=ok)


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
    import subprocess
    from unittest import mock

    from prefect.server.api import server as prefect_server

    from application.localprefect import die_with_parent

    temporary = prefect_server.SubprocessASGIServer()
    if temporary.running:
        return
    arm = die_with_parent()  # application.localprefect: the kept server's child uses it too

    class _Subprocess:
        """Prefect's ``subprocess`` module with a ``Popen`` that arms the signal."""

        def __getattr__(self, name: str) -> Any:
            return getattr(subprocess, name)

        @staticmethod
        def Popen(*args: Any, **kwargs: Any) -> subprocess.Popen[Any]:  # noqa: N802
            kwargs.setdefault("preexec_fn", arm)
            return subprocess.Popen(*args, **kwargs)

    with mock.patch.object(prefect_server, "subprocess", _Subprocess()):
        temporary.start()


# --- NIKs on the terminal (issue 13 item 10) ---------------------------------------------


def reader_role(engine: Engine, oleh: str | None) -> str | None:
    """The role whose eyes a read command's screen is for: the officer named by ``--oleh``
    (refused, exit 2, when unknown) or ``CETAK_USER``, else none: NIKs then read masked, as
    ``cetak.privacy.nik_for_role`` rules for an unknown role."""
    from sqlmodel import Session

    from cetak.users import officer

    if oleh is None:  # CETAK_USER of the shell: an unknown name only leaves NIKs masked
        name = officer_named()
        if name is None:
            return None
        with Session(engine) as session:
            try:
                return str(officer(session, name).role)
            except CetakError:
                return None
    check_text(oleh, "nama petugas (--oleh)")
    with Session(engine) as session, cetak_errors():  # named on purpose: unknown is refused
        return str(officer(session, oleh).role)


def shown_nik(
    nik: str, role: str | None, *, ref: str | None = None, name: str | None = None
) -> str:
    """A NIK on a human screen, by the one policy (``cetak.privacy``), with the card
    reference and the name beside it so masked NIKs stay apart."""
    from cetak.privacy import nik_with_ref

    return nik_with_ref(nik, role or "", ref=ref, name=name)


ReaderOpt = Annotated[
    str | None,
    typer.Option(
        "--oleh",
        help="Nama pengguna petugas yang membaca; NIK tampil lengkap hanya untuk peran yang "
        "boleh melihatnya (bawaan: CETAK_USER, selain itu disamarkan)",
        show_default=False,
    ),
]
