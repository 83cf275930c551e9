"""Running the ``ingest`` flow from the CLI, with a progress bar for long batches."""

from __future__ import annotations

import os
from typing import Any

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from cetak.cli.common import err, fail
from intake import progress


def quiet_prefect_defaults() -> None:
    """Defaults for flows started from the CLI (an operator's own settings win).

    Prefect's temporary local server logs a traceback when it is stopped while it
    still records events; staff should not read that as a failure of the run.
    """
    os.environ.setdefault("PREFECT_SERVER_LOGGING_LEVEL", "CRITICAL")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")


def run_ingest(paths: list[str], *, show_progress: bool) -> list[dict[str, Any]]:
    quiet_prefect_defaults()
    from workflows.ingest import ingest

    bar = Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=err,
        transient=True,
        disable=not show_progress,
    )
    tasks: dict[str, Any] = {}

    def hook(batch_id: str, done: int, total: int) -> None:
        if batch_id not in tasks:
            tasks[batch_id] = bar.add_task(f"Menyimpan {batch_id}", total=total)
        bar.update(tasks[batch_id], completed=done)

    try:
        with bar, progress.reporting_to(hook):
            return ingest(paths)
    except Exception as exc:  # the engine itself failed: say so, exit non-zero
        fail(f"proses penerimaan berhenti karena kesalahan sistem: {type(exc).__name__}: {exc}")
