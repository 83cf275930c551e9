"""Turning the queue into print jobs: the scheduler's plan, stored.

The plan itself is a pure function (``printers.scheduler``); this module reads
what it needs (queued records, the fleet, blanks per site), stores one
``PrintJob`` per batch and moves its records to ``scheduled``, in one transaction.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Session, col

from cetak.lifecycle import RecordState
from cetak.models import Record
from cetak.records import lock_records, transition
from inventory.models import Balance
from printers.cards import IN_FLIGHT
from printers.jobs import own_records
from printers.models import Card, Printer, PrintJob, PrintJobItem
from printers.rationing import RationPolicy
from printers.registry import list_printers, roll_counters
from printers.scheduler import PrinterSlot, QueuedRecord, plan
from printers.states import UNFINISHED, JobState

_REC = Record.__table__  # type: ignore[attr-defined]
_BAL = Balance.__table__  # type: ignore[attr-defined]
_JOB = PrintJob.__table__  # type: ignore[attr-defined]
_ITEM = PrintJobItem.__table__  # type: ignore[attr-defined]
_CARD = Card.__table__  # type: ignore[attr-defined]


def slots(
    session: Session, *, today: date, now: datetime, site: str | None = None
) -> list[PrinterSlot]:
    """The fleet's capacity now; with ``site``, only that site's printers. A printer with a
    roll recorded as loaded (``printers.consumables``) takes no more cards than the roll can
    still print."""
    from printers.consumables import printer_limits

    limits = printer_limits(session)
    out = []
    for printer in list_printers(session):
        if site is not None and printer.site_code != site:
            continue
        roll_counters(printer, today=today, now=now)
        session.add(printer)
        out.append(_slot(printer, limits.get(printer.name)))
    session.flush()
    return out


def _slot(p: Printer, roll_left: int | None = None) -> PrinterSlot:
    known = [n for n in (p.ribbon_left, roll_left) if n is not None]
    return PrinterSlot(
        name=p.name,
        state=p.state,
        daily_limit=p.daily_limit,
        printed_today=p.printed_today,
        rest_after=p.rest_after,
        since_rest=p.since_rest,
        rest_until=p.rest_until,
        ribbon_left=min(known) if known else None,
        site=p.site_code,
    )


def blanks_free(session: Session) -> dict[str, int]:
    """Blanks per site not yet promised to a planned or running job."""
    on_hand = dict(
        session.execute(
            sa.select(_BAL.c.site_code, sa.func.sum(_BAL.c.on_hand)).group_by(_BAL.c.site_code)
        ).all()
    )
    promised: dict[str, int] = dict(
        session.execute(
            # A record moved on to a newer job (``split_job``) is listed by both: counted once.
            sa.select(col(Printer.site_code), sa.func.count(sa.distinct(_ITEM.c.record_id)))
            .select_from(_ITEM)
            .join(_JOB, _JOB.c.id == _ITEM.c.job_id)
            .join(Printer, Printer.name == _JOB.c.printer_name)
            .join(_REC, _REC.c.id == _ITEM.c.record_id)
            .where(_JOB.c.state.in_(UNFINISHED), _REC.c.state == RecordState.SCHEDULED.value)
            .group_by(Printer.site_code)
        ).all()
    )
    return {site: max(0, int(n or 0) - int(promised.get(site, 0))) for site, n in on_hand.items()}


def queued(session: Session, *, tz: str | None = None) -> list[QueuedRecord]:
    """The queue as the scheduler sees it: with each record's approved urgent flag and the
    resident's age on the day it was queued (for rationing, issue 15)."""
    from cetak.clock import local_date
    from printers.ration_store import age_on, approved_flags

    rows = session.execute(
        sa.select(
            _REC.c.id,
            _REC.c.kode_kecamatan,
            _REC.c.jenis_permohonan,
            _REC.c.created_at,  # the PRR's age: a requeued record keeps its place
            _REC.c.attempts,
            _REC.c.birth_date,
        ).where(_REC.c.state == RecordState.QUEUED.value)
    ).all()
    urgent = approved_flags(session) if rows else set()
    return [
        QueuedRecord(
            rid,
            kec,
            jenis,
            at,
            attempts,
            urgent=rid in urgent,
            age=age_on(born, local_date(at, tz) if tz else at.date()),
        )
        for rid, kec, jenis, at, attempts, born in rows
    ]


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
    queue = queued(session)
    result = plan(
        queue,
        printers,
        blanks_on_hand=blanks,
        now=now,
        max_batch=max_batch,
        ration=rationing(session, blanks, len(queue)),
    )
    # Every record of the plan locked at once, in id order, before any batch moves them:
    # batch after batch alone would lock out of order and could deadlock with another
    # transaction moving records. One taken meanwhile (cancelled, superseded) is left out.
    states = lock_records(session, [rid for b in result.batches for rid in b.record_ids])
    job_ids: list[int] = []
    for batch in result.batches:
        ids = [rid for rid in batch.record_ids if states.get(rid) == RecordState.QUEUED.value]
        if not ids:
            continue
        job = _new_job(session, batch.printer, batch.kode_kecamatan, ids, now=now)
        transition(
            session,
            ids,
            RecordState.SCHEDULED,
            actor=actor,
            reason=f"dijadwalkan {job.batch_ref}",
            at=now,
        )
        assert job.id is not None
        job_ids.append(job.id)
    return job_ids


def rationing(session: Session, blanks: dict[str, int], waiting: int) -> RationPolicy | None:
    """The policy in force when blanks (free, plus confirmed by central and on their way)
    cannot cover the queue; None with plenty (the ordinary plan)."""
    from inventory.reorder import in_transit
    from printers.ration_store import current_policy
    from printers.rationing import is_short

    if not is_short(sum(blanks.values()), in_transit(session), waiting):
        return None
    return current_policy(session)


def _new_job(
    session: Session,
    printer: str,
    kode_kecamatan: str,
    record_ids: list[int],
    *,
    now: datetime,
    note: str | None = None,
) -> PrintJob:
    """A planned job of ``record_ids``, in this order, with its batch reference."""
    job = PrintJob(
        batch_ref=f"~{uuid.uuid4().hex}",  # named below, once it has its id
        printer_name=printer,
        kode_kecamatan=kode_kecamatan,
        planned=len(record_ids),
        note=note,
        created_at=now,
    )
    session.add(job)
    session.flush()
    assert job.id is not None
    # The job id keeps references unique, even for two runs in the same second.
    job.batch_ref = f"B{now:%Y%m%d%H%M%S}-{job.id:06d}-{printer}"[:60]
    session.flush()
    session.execute(
        sa.insert(_ITEM),
        [{"job_id": job.id, "position": i, "record_id": rid} for i, rid in enumerate(record_ids)],
    )
    return job


@dataclass(frozen=True, slots=True)
class CardsLeft:
    """A job's records still to print, in print order: those with a card in flight (a blank
    taken, maybe at the printer) must stay with the job; the others may move on."""

    in_flight: tuple[int, ...]
    waiting: tuple[int, ...]

    @property
    def count(self) -> int:
        return len(self.in_flight) + len(self.waiting)


def cards_left(session: Session, job_id: int) -> CardsLeft:
    """The records a job would still print if run now (its own and still scheduled)."""
    items = list(
        session.execute(
            sa.select(_ITEM.c.record_id).where(_ITEM.c.job_id == job_id).order_by(_ITEM.c.position)
        ).scalars()
    )
    owned = set(own_records(session, job_id, items))
    scheduled = set(
        session.execute(
            sa.select(_REC.c.id).where(
                _REC.c.id.in_(list(owned)), _REC.c.state == RecordState.SCHEDULED.value
            )
        ).scalars()
    )
    flying = set(
        session.execute(
            sa.select(_CARD.c.record_id).where(
                _CARD.c.record_id.in_(list(scheduled)), _CARD.c.state.in_(IN_FLIGHT)
            )
        ).scalars()
    )
    left = [rid for rid in items if rid in scheduled]
    return CardsLeft(
        in_flight=tuple(r for r in left if r in flying),
        waiting=tuple(r for r in left if r not in flying),
    )


def within_limit(
    session: Session, job_ids: list[int], *, max_cards: int | None, now: datetime
) -> tuple[list[int], int | None]:
    """The unfinished jobs a run bounded by ``max_cards`` cards may drive (oldest first), and
    the cards left for new jobs (None: no bound).

    Every card a job still has counts, the cards in flight too. A job that does not fit
    whole is cut where the limit falls: the records beyond it move on to a new planned job
    on the same printer, left for a later run (the records stay scheduled; the old job's
    worker leaves them alone, ``jobs.own_records``). A job another worker holds (a live
    lease) is never cut: it is taken whole when it fits, or left to that worker.
    """
    if max_cards is None:
        return list(job_ids), None
    kept: list[int] = []
    budget = max_cards
    for job_id in job_ids:
        job = session.get(PrintJob, job_id)
        if job is None or job.state not in UNFINISHED:
            continue
        left = cards_left(session, job_id)
        if left.count <= budget:
            kept.append(job_id)
            budget -= left.count
            continue
        held = (
            job.state == JobState.RUNNING and job.lease_until is not None and job.lease_until > now
        )
        if held or budget == 0 or budget < len(left.in_flight):
            continue  # left as it is, for a later run
        take = budget - len(left.in_flight)
        split_job(session, job, list(left.waiting[take:]), now=now)
        kept.append(job_id)
        budget = 0
    return kept, budget


def split_job(session: Session, job: PrintJob, record_ids: list[int], *, now: datetime) -> int:
    """Move ``record_ids`` (scheduled, of ``job``) on to a new planned job on the same printer;
    the new job's id. The records stay scheduled and belong to the newer job from now on."""
    assert job.id is not None and record_ids
    new = _new_job(
        session,
        job.printer_name,
        job.kode_kecamatan,
        record_ids,
        now=now,
        note=f"sisa {job.batch_ref}: di luar batas kartu run sebelumnya",
    )
    job.planned = max(0, job.planned - len(record_ids))
    session.add(job)
    session.flush()
    assert new.id is not None
    return new.id


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
        printers = sa.select(col(Printer.name)).where(col(Printer.site_code) == site)
        query = query.where(_JOB.c.printer_name.in_(printers))
    return list(session.execute(query.order_by(_JOB.c.id)).scalars())
