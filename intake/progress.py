"""A progress hook for long ingests: the CLI installs a bar, flows and tests need none.

A plain module global rather than a context variable: Prefect may run a task in
a copied context or another thread, and the hook must still be found there.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

#: Called as (batch_id, rows done, rows in batch).
ProgressHook = Callable[[str, int, int], None]

_hook: ProgressHook | None = None


@contextmanager
def reporting_to(hook: ProgressHook) -> Iterator[None]:
    global _hook
    previous, _hook = _hook, hook
    try:
        yield
    finally:
        _hook = previous


def report(batch_id: str, done: int, total: int) -> None:
    if _hook is not None:
        _hook(batch_id, done, total)
