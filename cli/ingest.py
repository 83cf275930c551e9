"""Running the ``ingest`` flow from the CLI, with a progress bar for long batches.

Paths are checked here first, before Prefect starts: a path that is no batch folder,
no batch ``.zip`` and no inbox holding them is refused (exit 2) and left untouched.
What the flow reports besides the ACKs (inbox entries skipped, a delivery being
processed by another run) goes to stderr; stdout keeps one ACK per batch.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from cetak.settings import get_settings
from cli.common import err, fail, run_flow
from intake import progress
from intake.delivery import expand_paths, reporting_notices_to
from intake.errors import NotADelivery


def run_ingest(
    paths: list[str], *, show_progress: bool, oleh: str | None = None
) -> list[dict[str, Any]]:
    try:
        expand_paths([Path(p) for p in paths], inbox=get_settings().inbox_dir)
    except NotADelivery as exc:
        fail(escape(exc.message), 2)
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

    def notice(message: str) -> None:
        err.print(f"[yellow]Perhatian:[/] {escape(message)}")

    with bar, progress.reporting_to(hook), reporting_notices_to(notice):
        return run_flow(
            "workflows.ingest:ingest",
            "proses penerimaan",
            audit_as="ingest",
            oleh=oleh,
            paths=paths,
        )
