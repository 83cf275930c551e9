"""Print jobs as units of work: claiming one for a printer, giving its work back, and
its carrier sheet.

At most one job runs per printer: a claim locks the printer row and holds a lease
that the running worker renews at every card; a worker that dies loses the job
when the lease runs out, and another resumes it.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from cetak.db import write_session
from cetak.installation import ServedRegency
from cetak.lifecycle import RecordState
from cetak.models import Record, utcnow
from cetak.records import transition
from printers.cards import IN_FLIGHT, CardState
from printers.models import Card, Printer, PrintJob, PrintJobItem
from printers.states import UNFINISHED, JobState

#: The default lease; runs take ``CETAK_PRINT_LEASE_S`` from the settings.
LEASE = timedelta(minutes=2)

_JOB = PrintJob.__table__  # type: ignore[attr-defined]
_ITEM = PrintJobItem.__table__  # type: ignore[attr-defined]

# Statements run at every card, built once: building one costs more than running it
# (SQLAlchemy's coercion and cache key), and the card's write transaction holds the lock.
_RENEW = (
    sa.update(_JOB)
    .where(
        _JOB.c.id == sa.bindparam("b_job"),
        _JOB.c.state == JobState.RUNNING,
        _JOB.c.worker == sa.bindparam("b_worker"),
    )
    .values(lease_until=sa.bindparam("b_until"))
)
_NEWEST_JOB = (
    sa.select(_ITEM.c.record_id, sa.func.max(_ITEM.c.job_id))
    .where(_ITEM.c.record_id.in_(sa.bindparam("b_ids", expanding=True)))
    .group_by(_ITEM.c.record_id)
)


def claim(
    engine: Engine,
    job_id: int,
    *,
    worker: str,
    now: datetime | None = None,
    lease: timedelta = LEASE,
) -> bool:
    """Take a job to run: at most one running job per printer (the printer row is locked)."""
    now = now or utcnow()
    with write_session(engine) as session:
        job = session.get(PrintJob, job_id)
        if job is None or job.state not in UNFINISHED:
            return False
        lock = select(Printer).where(Printer.name == job.printer_name)
        if session.get_bind().dialect.name == "postgresql":
            lock = lock.with_for_update()
        session.exec(lock).one()
        session.refresh(job)  # as committed by whoever held the printer before us
        if job.state not in UNFINISHED:
            return False
        if job.state == JobState.RUNNING and job.lease_until and job.lease_until > now:
            return False  # another worker holds it
        if _printer_held(session, job, now):
            return False
        job.state, job.worker, job.lease_until = JobState.RUNNING, worker, now + lease
        job.started_at = job.started_at or now
        session.add(job)
    return True


def renew_lease(
    engine: Engine,
    job_id: int,
    *,
    worker: str,
    lease: timedelta = LEASE,
    session: Session | None = None,
    now: datetime | None = None,
) -> bool:
    """Extend ``worker``'s claim on a running job by ``lease`` from now.

    False when the job is no longer this worker's to run (its lease ran out and another
    worker took it over, or it was closed): the worker must then leave it alone. With
    ``session``, the renewal is part of that transaction.
    """
    now = now or utcnow()
    params = {"b_job": job_id, "b_worker": worker, "b_until": now + lease}
    if session is not None:
        return int(session.execute(_RENEW, params).rowcount) == 1  # type: ignore[attr-defined]
    with write_session(engine) as own:
        return int(own.execute(_RENEW, params).rowcount) == 1  # type: ignore[attr-defined]


def waits_for_printer(engine: Engine, job_id: int, *, now: datetime | None = None) -> bool:
    """The job is still to run but another worker holds the printer (with another job,
    or with this one: a worker killed while running it holds it until its lease ends).

    A run that planned or found the job then waits for the printer instead of leaving
    the job (and its records ``scheduled``) for some later run: a printer whose worker
    was killed is idle no longer than the lease.
    """
    now = now or utcnow()
    with Session(engine) as session:
        job = session.get(PrintJob, job_id)
        if job is None or job.state not in UNFINISHED:
            return False
        if job.state == JobState.RUNNING:
            return job.lease_until is not None and job.lease_until > now
        return _printer_held(session, job, now)


def _printer_held(session: Session, job: PrintJob, now: datetime) -> bool:
    """Another job of ``job``'s printer runs under a live lease."""
    busy = session.exec(
        select(PrintJob.id).where(
            PrintJob.printer_name == job.printer_name,
            PrintJob.state == JobState.RUNNING,
            PrintJob.id != job.id,
            col(PrintJob.lease_until) > now,
        )
    ).first()
    return busy is not None


def own_records(session: Session, job_id: int, record_ids: list[int]) -> list[int]:
    """Those of ``record_ids`` whose newest job is ``job_id``: a record released from a job
    and planned again belongs to the newer job, and the old one must leave it alone."""
    if not record_ids:
        return []
    newest: dict[int, int] = {}
    for start in range(0, len(record_ids), 500):
        chunk = record_ids[start : start + 500]
        rows = session.execute(_NEWEST_JOB, {"b_ids": chunk})
        newest.update((record_id, job) for record_id, job in rows)
    return [rid for rid in record_ids if newest.get(rid) == job_id]


def release_job(engine: Engine, job_id: int, *, reason: str, actor: str) -> int:
    """Give a job's unprinted records back to the queue (its printer failed or left service).

    A record whose card is in flight (taken or sent, fate unknown) stays with the job,
    which then resumes when its printer is back; otherwise the job is closed.
    """
    now = utcnow()
    with write_session(engine) as session:
        job = session.get(PrintJob, job_id)
        if job is None or job.state not in UNFINISHED:
            return 0
        if job.state == JobState.RUNNING and job.lease_until and job.lease_until > now:
            return 0  # a live worker holds it
        items = list(
            session.exec(select(PrintJobItem.record_id).where(PrintJobItem.job_id == job_id))
        )
        in_flight = set(
            session.exec(
                select(Card.record_id).where(
                    Card.job_id == job_id,
                    col(Card.state).in_(IN_FLIGHT),
                )
            )
        )
        ids = [
            rid
            for rid in own_records(session, job_id, items)
            if rid not in in_flight
            and (rec := session.get(Record, rid)) is not None
            and rec.state == RecordState.SCHEDULED.value
        ]
        moved = transition(session, ids, RecordState.QUEUED, actor=actor, reason=reason, at=now)
        if not in_flight:
            job.state, job.finished_at, job.note = JobState.RELEASED, now, reason
        job.lease_until = None
        session.add(job)
        return moved


def write_carrier_sheet(
    engine: Engine, *, job_id: int, served: ServedRegency, directory: Path
) -> Path | None:
    """The A4 carrier sheet of a finished job's good cards, after its commits (None: no card),
    written to ``directory`` and kept in the document store."""
    from cetak.privacy import mask_nik
    from papers.carrier import CarrierLine, CarrierSheet, render_carrier_sheet

    with Session(engine) as session:
        job = session.get(PrintJob, job_id)
        if job is None:
            return None
        rows = session.execute(
            sa.select(
                col(Card.card_ref),
                col(Record.prr_id),
                col(Record.nik),
                col(Record.nama),
                col(Record.kel_desa),
                col(Card.serial),
            )
            .join(Record, col(Record.id) == col(Card.record_id))
            .where(
                col(Card.job_id) == job_id,
                col(Card.state).in_((CardState.PRINTED, CardState.PASSED)),
            )
            .order_by(col(Card.id))
        ).all()
        if not rows:
            return None
        sheet = CarrierSheet(
            batch_id=job.batch_ref,
            printer=job.printer_name,
            kabupaten=served.kabupaten,
            kecamatan=served.kecamatan.get(job.kode_kecamatan, job.kode_kecamatan),
            printed_on=served.today(),
            cards=tuple(
                CarrierLine(ref, prr or "-", mask_nik(nik), nama, desa, serial)
                for ref, prr, nik, nama, desa, serial in rows
            ),
        )
    from cetak import storage
    from inventory.paperwork import write_pdf

    data = render_carrier_sheet(sheet)
    path = write_pdf(directory / f"{job.batch_ref}.pdf", data)
    # Kept in the database too: documents/pengantar/<batch>.pdf for any machine to serve.
    storage.keep(engine, path, data, kind="pengantar")
    return path
