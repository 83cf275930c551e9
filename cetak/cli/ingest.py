"""Running the ``ingest`` flow from the CLI, with a progress bar for long batches."""

from __future__ import annotations

from typing import Any

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from cetak.cli.common import err, run_flow
from intake import progress


def run_ingest(paths: list[str], *, show_progress: bool) -> list[dict[str, Any]]:
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

    with bar, progress.reporting_to(hook):
        return run_flow("workflows.ingest:ingest", "proses penerimaan", paths=paths)
