"""Errors that may carry personal data, made safe to log, print and hand to Prefect.

A database error raised while rows are written carries the rows: SQLAlchemy renders its
bound parameters (``[parameters: ...]``) and the driver's own message may quote a value
(PostgreSQL's ``DETAIL: Key (nik)=(...)``). Prefect logs an exception that leaves a task
(console and its ``log`` table), puts its text into the run's state message (and so into
its events), and may pickle it into result storage. So a database error never leaves a
task that handles personal data as it is: ``redacted_errors`` turns it into
``DatabaseFailed``, whose message names the kind of failure, the driver's error code and
the statement's first words, never a value, and which is raised ``from None`` outside the
handler, so the original (with its parameters) is neither chained, logged nor pickled.
"""

from __future__ import annotations

import functools
import re
import sqlite3
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

import sqlalchemy as sa

from cetak.errors import CetakError

P = ParamSpec("P")
R = TypeVar("R")


def database_errors() -> tuple[type[BaseException], ...]:
    """Every exception class that may carry a row's values: SQLAlchemy's and the drivers'.

    psycopg's only once it is imported: a process that never loaded the PostgreSQL driver
    cannot get its errors, and importing it (about 0.25 s) would slow every command on
    SQLite."""
    errors: list[type[BaseException]] = [sa.exc.SQLAlchemyError, sqlite3.Error]
    psycopg = sys.modules.get("psycopg")
    if psycopg is not None:
        errors.append(psycopg.Error)
    return tuple(errors)


#: Words of a statement that are shown: SQL keywords and table names only.
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")

#: (error code, or exception class name) -> what it means, in Bahasa Indonesia.
_MEANING = {
    "SQLITE_FULL": "disk atau basis data penuh",
    "53100": "disk server basis data penuh",  # disk_full
    "53200": "memori server basis data habis",  # out_of_memory
    "SQLITE_BUSY": "basis data sedang dikunci proses lain",
    "SQLITE_LOCKED": "basis data sedang dikunci proses lain",
    "40P01": "kebuntuan (deadlock) dengan proses lain",
    "40001": "bentrok dengan transaksi lain",
    "55P03": "basis data sedang dikunci proses lain",
    "57014": "perintah dibatalkan (batas waktu)",
    "SQLITE_READONLY": "basis data hanya dapat dibaca",
    "SQLITE_IOERR": "galat baca/tulis disk",
    "SQLITE_CORRUPT": "berkas basis data rusak",
    "SQLITE_CANTOPEN": "berkas basis data tidak dapat dibuka",
    "IntegrityError": "data bertentangan dengan aturan basis data",
    "OperationalError": "basis data tidak dapat menjalankan perintah",
}


class DatabaseFailed(CetakError, RuntimeError):
    """A database error with every value of its rows left out.

    ``kind`` is the original exception's class name, ``driver_code`` the driver's error code
    (SQLite's ``SQLITE_FULL``, PostgreSQL's SQLSTATE) if any, ``statement`` the
    statement's first words (``INSERT INTO record``), ``transient`` whether running the
    step again may succeed (the database was busy, went away or ran out of room).
    """

    code = "database.failed"
    kind: str
    driver_code: str | None
    statement: str
    transient: bool

    def __init__(
        self,
        kind: str = "",
        code: str | None = None,
        statement: str = "",
        transient: bool = False,
    ) -> None:
        super().__init__(kind=kind, driver_code=code, statement=statement, transient=transient)

    def __reduce__(self) -> tuple[Any, ...]:
        return (
            type(self),
            (self.kind, self.driver_code, self.statement, self.transient),
        )


def meaning(kind: str, driver_code: str | None) -> str:
    """What a database error of class ``kind`` with ``driver_code`` means, for staff."""
    primary = "_".join((driver_code or "").split("_")[:2])  # SQLITE_IOERR_WRITE -> SQLITE_IOERR
    return (
        _MEANING.get(driver_code or "")
        or _MEANING.get(primary)
        or _MEANING.get(kind)
        or "galat basis data"
    )


def statement_words(statement: str | None, limit: int = 3) -> str:
    """The first words of a SQL statement, up to the first one that is no plain word.

    ``INSERT INTO record (prr_id, ...) VALUES (?, ...)`` gives ``INSERT INTO record``; a
    literal (``'...'``, a number) ends the words, so no value is ever shown.
    """
    words: list[str] = []
    for token in (statement or "").split()[:limit]:
        token = token.strip('"`')
        if not _WORD.match(token):
            break
        words.append(token)
    return " ".join(words)


def _orig(exc: BaseException) -> BaseException:
    orig = getattr(exc, "orig", None)
    return orig if isinstance(orig, BaseException) else exc


def _code(exc: BaseException) -> str | None:
    orig = _orig(exc)
    code = getattr(orig, "sqlite_errorname", None) or getattr(orig, "sqlstate", None)
    if code is None:
        code = getattr(orig, "pgcode", None)
    return str(code) if code else None


def _transient(exc: BaseException) -> bool:
    """Busy, gone away or out of room: SQLAlchemy's ``OperationalError``, or the driver's
    own (raised bare by the bulk paths, ``executemany`` and ``COPY``: psycopg's
    ``DiskFull`` is an ``OperationalError`` whose class has its own name)."""
    if isinstance(exc, sa.exc.OperationalError):
        return True
    orig = _orig(exc)
    psycopg = sys.modules.get("psycopg")
    if isinstance(orig, sqlite3.OperationalError) or (
        psycopg is not None and isinstance(orig, psycopg.OperationalError)
    ):
        return True
    return type(orig).__name__ == "OperationalError" or bool(
        getattr(exc, "connection_invalidated", False)
    )


def redact(exc: BaseException) -> DatabaseFailed:
    """A ``DatabaseFailed`` saying what ``exc`` was, without a single value of its rows."""
    return DatabaseFailed(
        kind=type(exc).__name__,
        code=_code(exc),
        statement=statement_words(getattr(exc, "statement", None)),
        transient=_transient(exc),
    )


def redacted_errors(fn: Callable[P, R]) -> Callable[P, R]:
    """Run ``fn``; a database error it raises leaves as ``DatabaseFailed``, unchained.

    The replacement is raised after the handler has ended, so it has neither a cause nor
    a context: the original exception, its parameters and its traceback's frames (whose
    locals hold rows) go with it.
    """

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return fn(*args, **kwargs)
        except database_errors() as exc:
            error = redact(exc)
        raise error from None

    return wrapper


def private_result_storage() -> None:
    """Make Prefect's local result storage (``$PREFECT_HOME/storage``) a 0700 folder.

    Prefect pickles the exception a flow run failed with into it whatever the flow's
    ``persist_result``; what it holds is redacted, and no other user reads it either.
    """
    from prefect.settings import get_current_settings

    from cetak.settings import private_dir

    path = Path(get_current_settings().results.local_storage_path)
    private_dir(path)
    try:
        path.chmod(0o700)
    except PermissionError:  # another user's folder: theirs to keep private
        pass
