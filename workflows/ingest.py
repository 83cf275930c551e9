"""The ``ingest`` flow: PRR batches from central, one task per batch step.

The flow is thin: each task wraps one I/O step of ``intake.service``. Steps are
safe to retry: storing is one transaction that recognises an already accepted
batch id, the ACK is written atomically and filing skips a delivery already
moved.

Only deliveries are taken: a path that is no batch folder, no batch ``.zip`` and no
inbox holding them fails the run before anything is touched, and anything else in an
inbox is reported and left. Deliveries of ``$CETAK_HOME/inbox`` are moved when filed,
others copied. Each delivery is claimed from its check to its filing: a run that
finds it claimed (or already filed) by another run reports so and leaves it.
"""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE

from application.orchestration import inbox_here
from cetak.db import engine_from_settings
from cetak.installation import load_installation
from cetak.redact import DatabaseFailed, redacted_errors
from cetak.settings import Settings
from intake import service
from intake.delivery import expand_paths, notify
from workflows.common import InboxElsewhere, audit_flow, preflight, run_name

_IO_RETRY = {"retries": 2, "retry_delay_seconds": [1, 5]}


#: Tasks that hold personal data (records, their rows' errors) keep nothing with Prefect: no
#: cache, no persisted result (a pickled value or exception in $PREFECT_HOME/storage), and
#: a database error leaves them redacted (``cetak.redact``): no row in a log or a state.
_PRIVATE: dict[str, Any] = {"cache_policy": NO_CACHE, "persist_result": False}


def _db_retry(task: Any, task_run: Any, state: Any) -> bool:
    """Retry storing only when the database was busy or went away, not on bad data."""
    try:
        state.result()
    except DatabaseFailed as exc:
        return exc.transient
    except Exception:  # noqa: BLE001
        return False
    return False


@task(name="read-and-check-batch", **_PRIVATE)
@redacted_errors
def check_batch(path: Path, settings: Settings) -> service.CheckedDelivery:
    engine = engine_from_settings(settings)
    return service.check_delivery(engine=engine, path=path, served=load_installation(engine))


@task(
    name="store-records",
    retries=2,
    retry_delay_seconds=[2, 10],
    retry_condition_fn=_db_retry,
    **_PRIVATE,
)
@redacted_errors
def store_records(checked: service.CheckedDelivery, settings: Settings) -> service.IngestResult:
    engine = engine_from_settings(settings)
    served = load_installation(engine)
    result = service.settle(
        engine=engine,
        checked=checked,
        served=served,
        archive_dir=settings.archive_dir,
        rejected_dir=settings.rejected_dir,
        today=served.today(),
        actor="flow:ingest",
    )
    ack = result.ack  # counts only: no NIK or name in the audit trail
    audit_flow(
        engine,
        "ingest",
        "ingest_batch",
        target=ack.get("batch_id"),
        detail={k: ack.get(k) for k in ("status", "queued", "held", "duplicate", "superseded")},
        ok=ack.get("status") == "ACCEPTED",
    )
    return result


@task(name="write-ack", **_PRIVATE, **_IO_RETRY)
def write_ack(ack: dict[str, Any], settings: Settings) -> str:
    return str(service.write_ack(ack, settings.outbox_dir))


@task(name="file-delivery", **_PRIVATE, **_IO_RETRY)
def file_delivery(source: Path, dest: Path | None, move: bool = True) -> str | None:
    filed = service.file_delivery(source, dest, move)
    return None if filed is None else str(filed)


@flow(name="ingest", log_prints=False, persist_result=False, flow_run_name=run_name("ingest"))
def ingest(paths: list[str] | None = None) -> list[dict[str, Any]]:
    """Ingest batch folders, batch zips or inbox folders; return one ACK per batch.

    Without ``paths`` (the scheduled deployment) it takes the inbox ``$CETAK_HOME/inbox``.
    """
    settings, _, _ = preflight()  # also makes Prefect's result storage private
    if not paths and settings.inbox_host and not inbox_here(settings):
        raise InboxElsewhere(settings.inbox_host, socket.gethostname())
    paths = paths or [str(settings.inbox_dir)]
    logger = get_run_logger()
    logger.info("reading %s", ", ".join(paths))
    # Refuses (NotADelivery, in Bahasa) a path that is no delivery, before touching anything.
    plan = expand_paths([Path(p) for p in paths], inbox=settings.inbox_dir)
    for entry in plan.skipped:
        message = f"'{entry.path}' dilewati dan dibiarkan di tempatnya: {entry.reason}."
        logger.warning(message)
        notify(message)
    steps = service.DeliverySteps(
        check=lambda path: check_batch(path, settings),
        settle=lambda checked: store_records(checked, settings),
        write_ack=lambda ack: write_ack(ack, settings),
        file=lambda source, dest, move: file_delivery(source, dest, move),
    )
    acks: list[dict[str, Any]] = []
    for item in plan.deliveries:
        outcome = service.ingest_delivery(item, inbox=settings.inbox_dir, steps=steps)
        ack = outcome.ack
        if ack is None:
            logger.warning(outcome.left)
            notify(outcome.left or "")
            continue
        # Counts only: no NIK or name ever reaches the log.
        logger.info(
            "batch %s: %s, queued=%s held=%s duplicate=%s superseded=%s quarantined=%s",
            ack["batch_id"],
            ack["status"],
            ack["queued"],
            ack["held"],
            ack["duplicate"],
            ack["superseded"],
            sum(ack["quarantined"].values()),
        )
        acks.append(ack)
    if not acks:
        logger.info("no delivery waiting in %s", ", ".join(paths))
    return acks
