"""The unit of work: one write transaction and the effects it owes after its commit.

A use case (``application.actions``) runs in one unit of work: its changes and its audit
row commit or roll back together. What the committed change justifies outside the
database (a PDF, a receipt, an alert's delivery) is queued with ``after_commit`` and runs
only after the commit, in the order queued, never after a rollback. An effect that fails
is logged (its name and the exception type, never the rows: no NIK) and leaves the
committed change as it is; whoever owes the paper catches up later.

``unit_of_work(engine)`` is the real one (``cetak.db.write_session``); ``MemoryUnits``
is a database-free stand-in with the same commit/rollback/effect rules, for unit tests.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any, Generic, Protocol, TypeVar

from sqlalchemy.engine import Engine

from cetak.db import write_session

T = TypeVar("T")

log = logging.getLogger(__name__)


class Effect(Generic[T]):
    """An after-commit effect queued by a unit of work; after the commit, ``result`` holds
    what it returned (None when it failed: ``failed`` is then True, or never ran)."""

    def __init__(self, run: Callable[[], T], what: str) -> None:
        self.run, self.what = run, what
        self.ran = False
        self.failed = False
        self.result: T | None = None

    def __call__(self) -> None:
        self.ran = True
        try:
            self.result = self.run()
        except Exception as exc:  # noqa: BLE001 - the change is committed; the effect is owed
            self.failed = True
            # The type only: a message may quote the rows it was writing (NIKs, names).
            log.error("after-commit effect failed: %s (%s)", self.what, type(exc).__name__)


class UnitOfWork:
    """The session of one write transaction and the effects queued for after its commit."""

    def __init__(self, session: Any) -> None:
        self.session = session
        self.effects: list[Effect[Any]] = []

    def after_commit(self, effect: Callable[[], T], what: str = "effect") -> Effect[T]:
        """Queue ``effect`` to run after the commit (never after a rollback)."""
        queued = Effect(effect, what)
        self.effects.append(queued)
        return queued

    def run_effects(self) -> None:
        for effect in self.effects:
            effect()


class Units(Protocol):
    """What opens a unit of work: ``unit_of_work`` or a fake such as ``MemoryUnits``."""

    def __call__(
        self, engine: Engine | None, lock: int | None = None
    ) -> AbstractContextManager[UnitOfWork]: ...


@contextmanager
def within(transaction: AbstractContextManager[Any]) -> Iterator[UnitOfWork]:
    """A unit of work over ``transaction`` (a context manager yielding a session that
    commits on a clean exit and rolls back on an error): effects run after it commits."""
    with transaction as session:
        uow = UnitOfWork(session)
        yield uow
    uow.run_effects()


def unit_of_work(
    engine: Engine | None, lock: int | None = None
) -> AbstractContextManager[UnitOfWork]:
    """The real unit of work: ``write_session(engine, lock=lock)`` plus its effects."""
    if engine is None:
        raise ValueError("a unit of work needs an engine")
    return within(write_session(engine, lock=lock))


# --- a fake for tests without a database ------------------------------------------------------


class MemorySession:
    """The little of a ``Session`` a use case's audit needs: ``add`` (kept until commit)."""

    def __init__(self) -> None:
        self.pending: list[Any] = []

    def add(self, row: Any) -> None:
        self.pending.append(row)

    def flush(self) -> None:
        pass


class MemoryUnits:
    """A ``Units`` without a database: ``committed`` holds each committed unit's rows,
    ``rolled_back`` counts the units an error undid; effects follow the real rules."""

    def __init__(self) -> None:
        self.committed: list[list[Any]] = []
        self.rolled_back = 0

    @contextmanager
    def _transaction(self) -> Iterator[MemorySession]:
        session = MemorySession()
        try:
            yield session
        except BaseException:
            self.rolled_back += 1
            raise
        self.committed.append(session.pending)

    def __call__(
        self, engine: Engine | None = None, lock: int | None = None
    ) -> AbstractContextManager[UnitOfWork]:
        return within(self._transaction())

    @property
    def rows(self) -> list[Any]:
        """Every committed row, in order."""
        return [row for unit in self.committed for row in unit]
