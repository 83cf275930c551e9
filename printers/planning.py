"""Turning the queue into print jobs: the scheduler's plan, stored.

The plan itself is a pure function (``printers.scheduler``); this module reads
what it needs (queued records, the fleet, blanks per site), stores one
``PrintJob`` per batch and moves its records to ``scheduled``, in one transaction.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Session

from cetak.lifecycle import RecordState
from cetak.models import Record
from cetak.records import transition
from inventory.models import Balance
from printers.models import Card, Printer, PrintJob, PrintJobItem
from printers.registry import list_printers, roll_counters
from printers.scheduler import PrinterSlot, QueuedRecord, plan

_REC = Record.__table__  # type: ignore[attr-defined]
_BAL = Balance.__table__  # type: ignore[attr-defined]
_JOB = PrintJob.__table__  # type: ignore[attr-defined]
_ITEM = PrintJobItem.__table__  # type: ignore[attr-defined]
_CARD = Card.__table__  # type: ignore[attr-defined]

UNFINISHED = ("planned", "running")


def slots(
    session: Session, *, today: date, now: datetime, site: str | None = None
) -> list[PrinterSlot]:
    """The fleet's capacity now; with ``site``, only that site's printers."""
    out = []
    for printer in list_printers(session):
        if site is not None and printer.site_code != site:
            continue
        roll_counters(printer, today=today, now=now)
        session.add(printer)
        out.append(_slot(printer))
    session.flush()
    return out


def _slot(p: Printer) -> PrinterSlot:
    return PrinterSlot(
        name=p.name,
        state=p.state,
        daily_limit=p.daily_limit,
        printed_today=p.printed_today,
        rest_after=p.rest_after,
        since_rest=p.since_rest,
        rest_until=p.rest_until,
        ribbon_left=p.ribbon_left,
        site=p.site_code,
    )


def blanks_free(session: Session) -> dict[str, int]:
    """Blanks per site not yet promised to a planned or running job."""
    on_hand = dict(
        session.execute(
            sa.select(_BAL.c.site_code, sa.func.sum(_BAL.c.on_hand)).group_by(_BAL.c.site_code)
        ).all()
    )
    promised = dict(
        session.execute(
            sa.select(Printer.site_code, sa.func.count())
            .select_from(_ITEM)
            .join(_JOB, _JOB.c.id == _ITEM.c.job_id)
            .join(Printer, Printer.name == _JOB.c.printer_name)
            .join(_REC, _REC.c.id == _ITEM.c.record_id)
            .where(_JOB.c.state.in_(UNFINISHED), _REC.c.state == RecordState.SCHEDULED.value)
            .group_by(Printer.site_code)
        ).all()
    )
    return {site: max(0, int(n or 0) - int(promised.get(site, 0))) for site, n in on_hand.items()}


def queued(session: Session) -> list[QueuedRecord]:
    rows = session.execute(
        sa.select(
            _REC.c.id,
            _REC.c.kode_kecamatan,
            _REC.c.jenis_permohonan,
            _REC.c.created_at,  # the PRR's age: a requeued record keeps its place
            _REC.c.attempts,
        ).where(_REC.c.state == RecordState.QUEUED.value)
    )
    return [QueuedRecord(rid, kec, jenis, at, attempts) for rid, kec, jenis, at, attempts in rows]


def plan_run(
    session: Session,
    *,
    today: date,
    now: datetime,
    max_cards: int | None,
    actor: str,
    max_batch: int = 50,
    site: str | None = None,
) -> list[int]:
    """Plan the queued records onto the fleet (or one site's printers); the new jobs' ids.

    Callers hold the planning lock (``LOCK_PLANNING``) so that two runs, on two sites or
    the same one, never plan the same queued record.
    """
    printers = slots(session, today=today, now=now, site=site)
    blanks = blanks_free(session)
    if site is not None:
        blanks = {s: n for s, n in blanks.items() if s == site}
    if max_cards is not None:
        left = max_cards
        for site in sorted(blanks):
            blanks[site], left = min(blanks[site], left), max(0, left - blanks[site])
    result = plan(queued(session), printers, blanks_on_hand=blanks, now=now, max_batch=max_batch)
    job_ids: list[int] = []
    stamp = now.strftime("%Y%m%d%H%M%S")
    for batch in result.batches:
        job = PrintJob(
            batch_ref=f"~{uuid.uuid4().hex}",  # named below, once it has its id
            printer_name=batch.printer,
            kode_kecamatan=batch.kode_kecamatan,
            planned=len(batch.record_ids),
            created_at=now,
        )
        session.add(job)
        session.flush()
        assert job.id is not None
        # The job id keeps references unique, even for two runs in the same second.
        job.batch_ref = f"B{stamp}-{job.id:06d}-{batch.printer}"[:60]
        session.flush()
        session.execute(
            sa.insert(_ITEM),
            [
                {"job_id": job.id, "position": i, "record_id": rid}
                for i, rid in enumerate(batch.record_ids)
            ],
        )
        transition(
            session,
            list(batch.record_ids),
            RecordState.SCHEDULED,
            actor=actor,
            reason=f"dijadwalkan {job.batch_ref}",
            at=now,
        )
        job_ids.append(job.id)
    return job_ids


def out_of_blanks(session: Session) -> bool:
    """Records wait for a card and no blank is left for them."""
    waiting = session.execute(
        sa.select(_REC.c.id).where(_REC.c.state == RecordState.QUEUED.value).limit(1)
    ).first()
    return waiting is not None and sum(blanks_free(session).values()) == 0


def unfinished_jobs(session: Session, site: str | None = None) -> list[int]:
    """Jobs planned or running (of one site's printers, with ``site``), oldest first."""
    query = sa.select(_JOB.c.id).where(_JOB.c.state.in_(UNFINISHED))
    if site is not None:
        printers = sa.select(Printer.name).where(Printer.site_code == site)  # type: ignore[arg-type]
        query = query.where(_JOB.c.printer_name.in_(printers))
    return list(session.execute(query.order_by(_JOB.c.id)).scalars())
