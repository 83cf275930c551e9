"""Printing in worker processes: a run's printers dealt into groups, one process per group.

The printer threads of one process share the GIL, so a run on zero-latency printers used
one core. Here each group of printers runs in its own process (a fresh interpreter,
``python -m workflows.print_worker``, that opens its own engine), its printers in threads
as before. Nothing about exactly-once changes: every card still goes through
``printers.production.run_job`` (the claim with its lease, the blank's idempotency key,
the card's state change), and a process killed anywhere is a worker killed anywhere: its
jobs stay claimed until their lease ends, and the next run resumes them without printing
or consuming twice.

A worker process also ends when the process that started it is gone (killed included):
it never prints on for a run nobody waits for.

This module imports no Prefect: a worker process starts with what printing needs only.
"""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, col

from cetak.db import engine_from_settings
from cetak.installation import load_installation
from cetak.redact import redacted_errors
from cetak.settings import Settings
from printers import jobs, production
from printers.models import PrintJobItem

#: A run with fewer cards than this prints in its own process (one thread per printer):
#: a worker process needs about a second to start (a fresh interpreter importing the
#: printing code and opening its engine), which a run of a few hundred cards does not win
#: back (about 10 ms of software per card, halved).
PROCESS_MIN_CARDS = 300

#: The actor of what a print run does, in ledger, event and audit rows.
FLOW = "flow:print_run"

#: Said in the outcome of the printers of a worker process that died (killed) mid-run.
WORKER_LOST = (
    "proses pencetak berhenti mendadak; pekerjaannya dilanjutkan run berikutnya "
    "setelah masa sewanya habis"
)

Group = list[tuple[str, list[int]]]


def worker_name() -> str:
    import socket

    return f"{socket.gethostname()}:{os.getpid()}"


def drive_printer(
    engine: Engine, printer: str, job_ids: list[int], settings: Settings
) -> list[dict[str, Any]]:
    """One printer's jobs, in order; stops at the first job that stops the printer."""
    served = load_installation(engine)
    outcomes: list[dict[str, Any]] = []
    for job_id in job_ids:

        def attempt(job_id: int = job_id) -> production.JobOutcome | None:
            return production.run_job(
                engine,
                job_id=job_id,
                served=served,
                state_root=settings.resolved_home,
                worker=worker_name(),
                poll_timeout=settings.print_poll_timeout_s,
                lease=timedelta(seconds=settings.print_lease_s),
            )

        outcome = attempt()
        # Another run is printing on this printer: wait for it rather than leave our job.
        while outcome is None and jobs.waits_for_printer(engine, job_id):
            time.sleep(1.0)
            outcome = attempt()
        if outcome is None:
            continue
        jobs.write_carrier_sheet(
            engine, job_id=job_id, served=served, directory=settings.documents_dir / "pengantar"
        )
        outcomes.append(asdict(outcome))
        if outcome.stopped == "printer":  # a fault that took it out of service: down
            from application import actions  # seldom: not imported by every worker process

            actions.printer_stopped(engine, FLOW, printer, outcome.reason or "")
        if outcome.stopped:
            # The printer failed or blanks ran out: its remaining jobs go back to the pool.
            for rest in job_ids[job_ids.index(job_id) + 1 :]:
                outcome.released += jobs.release_job(
                    engine, rest, reason=f"{printer}: {outcome.reason}", actor=FLOW
                )
            outcomes[-1] = asdict(outcome)
            break
    return outcomes


def planned_cards(engine: Engine, planned: dict[str, list[int]]) -> dict[str, int]:
    """How many cards each printer's planned jobs hold."""
    by_job = {job_id: name for name, ids in planned.items() for job_id in ids}
    counts = dict.fromkeys(planned, 0)
    if not by_job:
        return counts
    with Session(engine) as session:
        rows = session.execute(
            sa.select(col(PrintJobItem.job_id), sa.func.count())
            .where(col(PrintJobItem.job_id).in_(list(by_job)))
            .group_by(col(PrintJobItem.job_id))
        ).all()
    for job_id, n in rows:
        counts[by_job[job_id]] += int(n)
    return counts


def processes_available() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def deal(
    planned: dict[str, list[int]],
    cards: dict[str, int],
    *,
    processes: int | None = None,
    min_cards: int = PROCESS_MIN_CARDS,
) -> list[Group]:
    """The printers dealt into groups of about equal cards, one group per process; [] when
    the run stays in this process (fewer than ``min_cards`` cards, one printer, one core)."""
    processes = min(processes or processes_available(), len(planned))
    if processes < 2 or sum(cards.values()) < min_cards:
        return []
    groups: list[Group] = [[] for _ in range(processes)]
    load = [0] * processes
    for name in sorted(planned, key=lambda n: (-cards.get(n, 0), n)):  # largest first
        at = load.index(min(load))
        groups[at].append((name, planned[name]))
        load[at] += cards.get(name, 0)
    return [sorted(g) for g in groups if g]


# -- in the worker process -------------------------------------------------------------------


def _watch_parent(parent: int) -> None:
    """End this process as soon as the one that started it is gone (like a killed worker:
    whatever was in flight is resumed by the next run)."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.05)
        os._exit(70)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def _drive_group(group: Group, settings: Settings) -> list[dict[str, Any]]:
    """A worker process's work: each printer of the group in its own thread."""
    engine = engine_from_settings(settings)
    with ThreadPoolExecutor(max_workers=len(group), thread_name_prefix="printer") as pool:
        futures = [pool.submit(drive_printer, engine, n, ids, settings) for n, ids in group]
        return [o for f in futures for o in f.result()]


def main() -> int:
    """``python -m workflows.print_worker``: the group and settings come pickled on stdin
    (from ``run_group``), the outcomes leave as one JSON line on stdout, or an error's
    redacted text (no row values: ``cetak.redact``)."""
    group, settings, parent = pickle.loads(sys.stdin.buffer.read())
    _watch_parent(parent)
    try:
        result: dict[str, Any] = {"outcomes": redacted_errors(_drive_group)(group, settings)}
    except Exception as exc:  # noqa: BLE001 - handed to the run's process, which raises it
        result = {"error": f"{type(exc).__name__}: {exc}"}
    sys.stdout.write(json.dumps(result, default=str) + "\n")
    sys.stdout.flush()
    return 0 if "outcomes" in result else 1


# -- in the run's process --------------------------------------------------------------------


class PrintWorkerFailed(RuntimeError):
    """A worker process raised (its message already redacted) or could not start."""


def lost(group: Group) -> list[dict[str, Any]]:
    """The outcome of a group whose process died: its printers stopped, nothing counted
    (what it printed is in the database; its unfinished jobs resume in the next run)."""
    return [
        asdict(production.JobOutcome(ids[0], name, stopped="worker", reason=WORKER_LOST))
        for name, ids in group
        if ids
    ]


def run_group(group: Group, settings: Settings) -> list[dict[str, Any]]:
    """Print one group's jobs in a worker process of its own and return its outcomes.

    The process is a fresh interpreter (``python -m workflows.print_worker``), whatever
    the main module of this one. One killed by a signal gives ``lost`` outcomes (its work
    resumes in the next run); an error it raised is raised here.
    """
    proc = subprocess.Popen(
        [sys.executable, "-m", "workflows.print_worker"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    out, _ = proc.communicate(pickle.dumps((group, settings, os.getpid())))
    if proc.returncode < 0:
        return lost(group)
    lines = out.decode("utf-8", "replace").strip().splitlines()
    try:
        result = json.loads(lines[-1]) if lines else {}
    except ValueError:
        result = {}
    if "outcomes" in result:
        return list(result["outcomes"])
    raise PrintWorkerFailed(
        result.get("error") or f"proses pencetak gagal (kode keluar {proc.returncode})"
    )


def print_planned(
    planned: dict[str, list[int]],
    settings: Settings,
    *,
    engine: Engine | None = None,
    processes: int | None = None,
    min_cards: int = PROCESS_MIN_CARDS,
    in_process: Callable[[str, list[int]], list[dict[str, Any]]] | None = None,
) -> list[dict[str, Any]]:
    """Every printer's planned jobs, in worker processes (``deal``) or, for a small run,
    in this process with a thread per printer; the outcomes in printer order. (The flow
    runs the same groups as Prefect tasks; this is the path of scripts and tests.)"""
    engine = engine or engine_from_settings(settings)
    groups = deal(planned, planned_cards(engine, planned), processes=processes, min_cards=min_cards)
    if not groups:
        drive = in_process or (lambda n, ids: drive_printer(engine, n, ids, settings))
        with ThreadPoolExecutor(max_workers=max(1, len(planned))) as pool:
            futures = [pool.submit(drive, n, ids) for n, ids in sorted(planned.items())]
            return [o for f in futures for o in f.result()]
    with ThreadPoolExecutor(max_workers=len(groups)) as pool:
        done = [pool.submit(run_group, g, settings) for g in groups]
        outcomes = [o for f in done for o in f.result()]
    return sorted(outcomes, key=lambda o: str(o["printer"]))


if __name__ == "__main__":
    sys.exit(main())
