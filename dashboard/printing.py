"""A print run started from the dashboard, in a background thread of the server.

``start`` runs ``application.orchestration.run_print`` (the use case behind ``cetak print``)
in a thread so the page never waits on it; the page polls ``current`` and shows progress,
then the outcome. One print run at a time per dashboard server: a second "Mulai" while one
runs is refused with a message, whoever pressed it.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cetak.models import utcnow


@dataclass
class Run:
    started_by: str
    started_at: datetime
    max_cards: int | None
    thread: threading.Thread | None = None
    summary: dict[str, Any] | None = None
    error: Exception | None = None
    finished_at: datetime | None = None

    @property
    def running(self) -> bool:
        return self.finished_at is None


_lock = threading.Lock()
_current: Run | None = None


def current() -> Run | None:
    return _current


def start(engine: Any, actor: Any, *, max_cards: int | None = None) -> Run | None:
    """Start a print run in the background; None when one is still running."""
    global _current
    from application import orchestration

    with _lock:
        if _current is not None and _current.running:
            return None
        run = Run(started_by=actor.name, started_at=utcnow(), max_cards=max_cards)

        def work() -> None:
            try:
                run.summary = orchestration.run_print(engine, actor, max_cards=max_cards)
            except Exception as exc:  # noqa: BLE001 - shown on the page, in Bahasa
                run.error = exc
            finally:
                run.finished_at = utcnow()

        run.thread = threading.Thread(target=work, name="cetak-print-run", daemon=True)
        _current = run
        run.thread.start()
        return run


def wait(timeout: float | None = None) -> None:
    """Wait for the current run to end (tests)."""
    run = _current
    if run is not None and run.thread is not None:
        run.thread.join(timeout)


def forget() -> None:
    """Drop a finished run (tests)."""
    global _current
    with _lock:
        if _current is not None and not _current.running:
            _current = None
