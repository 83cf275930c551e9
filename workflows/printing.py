"""The ``print_run`` flow: release held records, plan, print each printer's jobs as one task.

At most one job runs at a time per printer: a job is claimed in the database
with the printer row locked (``printers.jobs.claim``), so two workers, or
two runs, never drive the same printer at once. When blanks run out the run
stops cleanly, the records stay queued, and the reorder check runs at once.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE

from application import actions
from cetak.db import LOCK_PLANNING, engine_from_settings, write_session
from cetak.installation import load_installation
from cetak.models import utcnow
from cetak.notify import deliver_pending, notifier_from_settings
from cetak.records import release_held
from cetak.redact import redacted_errors
from cetak.settings import Settings
from printers import jobs, planning
from printers.models import Printer, PrintJob
from printers.registry import make_driver
from printers.states import PrinterState
from workflows import print_worker
from workflows.common import preflight, run_name

_IO_RETRY = {"retries": 2, "retry_delay_seconds": [2, 10]}

#: The actor of what a print run does, in ledger, event and audit rows.
FLOW = "flow:print_run"


@task(name="release-held", cache_policy=NO_CACHE, **_IO_RETRY)
@redacted_errors
def release_held_records(settings: Settings) -> int:
    engine = engine_from_settings(settings)
    served = load_installation(engine)
    with write_session(engine) as session:
        return release_held(session, today=served.today(), actor="flow:print_run")


@task(name="probe-printers", cache_policy=NO_CACHE)
@redacted_errors
def probe_printers(settings: Settings, site: str | None = None) -> dict[str, str]:
    """Offline printers whose back-off has passed are asked once; ready ones come back."""
    engine = engine_from_settings(settings)
    probed = actions.probe_printers(
        engine, FLOW, state_root=settings.resolved_home, site=site, make_driver=make_driver
    )
    return probed.states


@task(name="plan-jobs", cache_policy=NO_CACHE, **_IO_RETRY)
@redacted_errors
def plan_jobs(
    settings: Settings, max_cards: int | None, site: str | None = None
) -> dict[str, list[int]]:
    """Unfinished jobs of earlier runs first, then new jobs; grouped by printer.

    With ``site``, only that site's printers and jobs. ``max_cards`` bounds everything the
    run prints: the cards left in the unfinished jobs it takes over (the oldest first) and
    its new jobs together. A job beyond the bound stays planned for a later run; one cut
    by it leaves its other records on a new planned job (``planning.within_limit``).
    """
    engine = engine_from_settings(settings)
    served = load_installation(engine)
    now = utcnow()
    ready_states = (PrinterState.ONLINE, PrinterState.BUSY, PrinterState.RESTING)
    with write_session(engine, lock=LOCK_PLANNING) as session:
        idle: list[int] = []
        earlier: list[int] = []
        for job_id in planning.unfinished_jobs(session, site):
            job = session.get(PrintJob, job_id)
            printer = session.get(Printer, job.printer_name) if job else None
            if printer is not None and printer.state in ready_states:
                earlier.append(job_id)
            elif job is not None:
                idle.append(job_id)  # released below: it takes nothing of the bound
        earlier, max_cards = planning.within_limit(session, earlier, max_cards=max_cards, now=now)
        new = (
            planning.plan_run(
                session,
                today=served.today(now),
                now=now,
                max_cards=max_cards,
                actor="flow:print_run",
                site=site,
            )
            if max_cards is None or max_cards > 0
            else []
        )
        by_printer: dict[str, list[int]] = defaultdict(list)
        for job_id in earlier + new:
            job = session.get(PrintJob, job_id)
            printer = session.get(Printer, job.printer_name) if job else None
            if job and printer and printer.state in ready_states:
                by_printer[job.printer_name].append(job_id)
            elif job:
                idle.append(job_id)
    for job_id in idle:  # their printer is out of service: the work goes back to the pool
        jobs.release_job(engine, job_id, reason="printer tidak siap", actor="flow:print_run")
    return dict(by_printer)


@task(name="run-printer", cache_policy=NO_CACHE)
@redacted_errors
def run_printer(printer: str, job_ids: list[int], settings: Settings) -> list[dict[str, Any]]:
    """One printer's jobs, in order, in this process; stops at the first job that stops
    the printer (a small run: fewer cards than ``print_worker.PROCESS_MIN_CARDS``)."""
    return print_worker.drive_printer(engine_from_settings(settings), printer, job_ids, settings)


@task(
    name="run-printers",
    cache_policy=NO_CACHE,
    task_run_name="run-printers-{group[0][0]}",
)
@redacted_errors
def run_printer_group(
    group: list[tuple[str, list[int]]], settings: Settings
) -> list[dict[str, Any]]:
    """A group of printers in a worker process of its own, each printer's jobs as in
    ``run_printer``; a process killed mid-run leaves its jobs to the next run."""
    return print_worker.run_group(group, settings)


@task(name="after-run", cache_policy=NO_CACHE, **_IO_RETRY)
@redacted_errors
def after_run(settings: Settings, stock_out: bool) -> dict[str, Any]:
    """Auto-QC (demo only), stock-out alert and reorder check, then deliver alerts."""
    engine = engine_from_settings(settings)
    served = load_installation(engine)
    decided = actions.after_print_run(engine, FLOW, settings, stock_out=stock_out)
    from inventory.paperwork import produce_pending

    produce_pending(engine, settings, served)
    deliver_pending(engine, notifier_from_settings(settings.alerts_dir, settings.alert_webhook_url))
    return decided


@flow(name="print_run", flow_run_name=run_name("print-run", by="site"))
def print_run(max_cards: int | None = None, site: str | None = None) -> dict[str, Any]:
    """Print queued records on the fleet; return what was printed, spoiled and left.

    ``site`` limits the run to that site's printers (the worker of a site runs the site's
    deployment); without it every printer of the installation takes part.
    """
    settings, _, _ = preflight()
    site = site or settings.site  # a site's worker drives only that site's printers
    logger = get_run_logger()
    released = release_held_records(settings)
    probe_printers(settings, site)
    planned = plan_jobs(settings, max_cards, site)
    # Many cards on several printers: one worker process per group of printers, so the
    # cores work side by side; a small run prints here (``print_worker.deal``).
    groups = print_worker.deal(
        planned, print_worker.planned_cards(engine_from_settings(settings), planned)
    )
    if groups:
        futures = [run_printer_group.submit(group, settings) for group in groups]
    else:
        futures = [run_printer.submit(name, ids, settings) for name, ids in sorted(planned.items())]
    outcomes = sorted((o for f in futures for o in f.result()), key=lambda o: str(o["printer"]))
    stock_out = any(o["stopped"] == "stock" for o in outcomes)
    extra = after_run(settings, stock_out)
    stock_out = extra.pop("stock_out")
    summary = {
        "released_held": released,
        "printed": sum(o["printed"] for o in outcomes),
        "spoiled": sum(o["spoiled"] for o in outcomes),
        "needs_attention": sum(o["needs_attention"] for o in outcomes),
        "requeued": sum(o["released"] for o in outcomes),
        "stock_out": stock_out,
        "jobs": outcomes,
        **extra,
    }
    for o in outcomes:
        if o["stopped"]:
            logger.warning("printer %s stopped: %s", o["printer"], o["reason"])
    logger.info("print run: printed %s, spoiled %s", summary["printed"], summary["spoiled"])
    from workflows.common import audit_flow  # issue 11: one audit row per run

    audit_flow(
        engine_from_settings(settings),
        "print_run",
        "print_run",
        target=site,
        detail={k: summary[k] for k in ("printed", "spoiled", "requeued", "stock_out")},
    )
    return summary
