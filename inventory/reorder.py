"""Reorder requests to central and the daily reorder check.

A request moves DRAFT -> SENT -> CONFIRMED -> RECEIVED, or to CANCELLED. At most
one request is open at a time; the check creates one only when the stock
position is at or below the reorder point and none is open, and its alerts are
keyed by the request, so re-running the check never duplicates either.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlmodel import Session, col, select

from cetak import office
from cetak.installation import ServedRegency
from cetak.lifecycle import RecordState
from cetak.models import Record, utcnow
from cetak.notify import raise_alert
from cetak.settings import Settings
from inventory import queries
from inventory.errors import RequestStateError, UnknownRequest
from inventory.models import Movement, ReorderRequest
from inventory.policy import (
    ReorderInputs,
    ReorderPosition,
    UsageStats,
    reorder_position,
    round_up_to_box,
)
from inventory.policy import usage_stats as compute_usage
from inventory.rules import ABSOLUTE_MAX_QUANTITY, Kind, check_quantity

OPEN_STATES = ("DRAFT", "SENT", "CONFIRMED")
STATES = (*OPEN_STATES, "RECEIVED", "CANCELLED")


@dataclass(frozen=True, slots=True)
class StockFacts:
    """What a reorder decision and its letter quote."""

    on_hand: int
    in_transit: int
    prr_backlog: int
    daily_consumption: float
    new_prr_per_day: float
    spoilage_rate: float
    lead_time_days: float
    review_period_days: float
    usage_days: int = 0  # days of data daily_consumption rests on (0: no use seen yet)
    prr_days: int = 0  # days of data new_prr_per_day rests on
    owed: int = 0  # blanks borrowed from other regencies, still to give back (issue 15)
    ikd_30d: int = 0  # IKD activations over the last 30 days (issue 15)
    backlog_in_30d: int | None = None  # the PRR backlog in 30 days with no more blanks
    consumables: tuple[tuple[Any, ...], ...] = ()  # (label, rolls, cards, days) per kind


@dataclass(frozen=True, slots=True)
class CheckResult:
    facts: StockFacts
    position: ReorderPosition
    request: ReorderRequest | None
    created: bool
    alerts: list[str]


def open_request(session: Session) -> ReorderRequest | None:
    return session.exec(
        select(ReorderRequest)
        .where(col(ReorderRequest.state).in_(OPEN_STATES))
        .order_by(col(ReorderRequest.id))
    ).first()


def in_transit(session: Session) -> int:
    """Blanks central has confirmed and not yet delivered."""
    value = session.execute(
        sa.select(sa.func.coalesce(sa.func.sum(ReorderRequest.confirmed_quantity), 0)).where(
            col(ReorderRequest.state) == "CONFIRMED"
        )
    ).scalar()
    return int(value or 0)


def position(
    session: Session, *, settings: Settings, served: ServedRegency, today: date
) -> tuple[StockFacts, ReorderPosition]:
    from inventory.ikd import total as ikd_total
    from inventory.loans import owed

    on_hand, _ = queries.totals(session)
    we_owe, _ = owed(session)  # borrowed blanks are not the office's to plan with
    usage = recent_usage(session, settings=settings, served=served, today=today)
    lead, review = settings.lead_time_days, settings.review_period_days
    demand_lead, demand_cycle = known_demand(session, today=today, lead=lead, cycle=lead + review)
    inputs = ReorderInputs(
        on_hand=max(0, on_hand - we_owe),
        in_transit=in_transit(session),
        known_demand_lead=demand_lead,
        known_demand_cycle=demand_cycle,
        usage=usage,
        lead_time_days=lead,
        review_period_days=review,
        service_level=settings.service_level,
    )
    backlog = queries.prr_backlog(session)
    facts = StockFacts(
        on_hand=on_hand,
        in_transit=inputs.in_transit,
        prr_backlog=backlog,
        daily_consumption=usage.mean,
        new_prr_per_day=usage.new_prr_per_day,
        spoilage_rate=usage.spoilage_rate,
        lead_time_days=lead,
        review_period_days=review,
        usage_days=usage.days,
        prr_days=usage.prr_days,
        owed=we_owe,
        ikd_30d=ikd_total(session, today - timedelta(days=29), today),
        backlog_in_30d=_backlog_in(30, today, backlog, max(0, on_hand - we_owe), usage),
    )
    return facts, reorder_position(inputs)


def _backlog_in(
    days: int, today: date, backlog: int, on_hand: int, usage: UsageStats
) -> int | None:
    """The PRR backlog ``days`` from now if no blank arrives, at the recent rates of new PRR
    and of printing (None before there is a rate of new PRR to go by)."""
    from inventory.supply import project

    if not usage.prr_days:
        return None
    rate = math.ceil(usage.mean) if usage.mean > 0 else backlog + on_hand
    rows = project(
        today=today,
        backlog=backlog,
        on_hand=on_hand,
        new_prr_per_day=usage.new_prr_per_day,
        capacity_per_day=rate,
        days=days,
    )
    return rows[-1].backlog


def known_demand(session: Session, *, today: date, lead: float, cycle: float) -> tuple[int, int]:
    """Records that will need a blank within the lead time and within the cycle (lead time +
    review period): queued, scheduled, and held ones released by then.

    Both come from one statement, so one snapshot of the records (separate counts let a
    record printed or released between them make the cycle's demand less than the lead
    time's, which the policy refuses): see ``demand_within``.
    """
    waiting = (RecordState.QUEUED.value, RecordState.SCHEDULED.value)
    rec = Record.__table__  # type: ignore[attr-defined]
    horizon = today + timedelta(days=int(max(lead, cycle)))
    held_on = sa.case((rec.c.state == RecordState.HELD.value, rec.c.release_on), else_=None)
    rows = session.execute(
        sa.select(held_on, sa.func.count())
        .where(
            sa.or_(
                rec.c.state.in_(waiting),
                sa.and_(rec.c.state == RecordState.HELD.value, rec.c.release_on <= horizon),
            )
        )
        .group_by(held_on)
    ).all()
    return demand_within([(day, int(n)) for day, n in rows], today=today, lead=lead, cycle=cycle)


def demand_within(
    counts: Sequence[tuple[date | None, int]], *, today: date, lead: float, cycle: float
) -> tuple[int, int]:
    """(demand within ``lead`` days, demand within ``cycle`` days) from one set of counts:
    ``(None, n)`` records waiting now, ``(day, n)`` held records released on ``day``.

    The cycle's horizon is never before the lead time's, so the cycle's demand is never
    less than the lead time's, whatever the counts (a negative review period is the
    policy's to refuse, not a reason for a smaller count here).
    """
    lead_end = today + timedelta(days=int(lead))
    cycle_end = max(lead_end, today + timedelta(days=int(cycle)))
    within_lead = within_cycle = 0
    for day, n in counts:
        if day is None or day <= lead_end:
            within_lead += n
        if day is None or day <= cycle_end:
            within_cycle += n
    return within_lead, within_cycle


def recent_usage(
    session: Session, *, settings: Settings, served: ServedRegency, today: date
) -> UsageStats:
    """Daily use and new PRRs over the last ``usage_window_days`` whole days and today so far,
    averaged over the days that carry data (see ``policy.usage_stats``): today counts once
    something happened on it, and days before the first use / first PRR ever are not data."""
    # usage_history's window ends the day before its ``today``: one day more reaches today.
    history, spoiled = queries.usage_history(
        session,
        today=today + timedelta(days=1),
        window_days=settings.usage_window_days + 1,
        tz=served.timezone,
    )
    # One min per kind, each the first entry of ``ix_movement_kind_at`` (PostgreSQL would
    # read every entry of both kinds for a min over ``kind IN (...)``).
    firsts = [
        session.execute(
            sa.select(sa.func.min(Movement.at)).where(col(Movement.kind) == kind)
        ).scalar()
        for kind in (Kind.CONSUMED.value, Kind.SPOILED.value)
    ]
    first_use = min((at for at in firsts if at is not None), default=None)
    first_prr = session.execute(
        sa.select(col(Record.created_at))
        .where(col(Record.reason).is_(None))
        .order_by(col(Record.id))
        .limit(1)
    ).scalar()
    return compute_usage(
        history,
        spoiled=spoiled,
        today=today,
        usage_since=_local_day(first_use, served.timezone),
        prr_since=_local_day(first_prr, served.timezone),
    )


def _local_day(at: datetime | None, tz: str) -> date:
    """The regency's date of ``at``; ``date.max`` (no day is data) when there is none."""
    if at is None:
        return date.max
    if at.tzinfo is None:  # SQLite may hand back naive UTC
        at = at.replace(tzinfo=UTC)
    return at.astimezone(ZoneInfo(tz)).date()


#: The kind code of a surat permohonan blangko in the office's numbers (``470/SPB-001/XII/2026``).
LETTER_KIND = "SPB"


def _next_number(session: Session, served: ServedRegency, today: date) -> str:
    """The next letter number of ``today``'s year from the office's counter (issue 13):
    ``<klasifikasi>/SPB-<nnn>/<bulan romawi>/<tahun>``, never given twice once committed."""
    del served  # the number no longer carries the regency's code

    def taken(number: str) -> bool:
        found = session.execute(
            sa.select(col(ReorderRequest.id)).where(col(ReorderRequest.number) == number)
        ).first()
        return found is not None

    code = office.load_profile(session).klasifikasi(LETTER_KIND)
    return office.next_number(session, LETTER_KIND, today, klasifikasi=code, taken=taken)


def check(
    session: Session,
    *,
    settings: Settings,
    served: ServedRegency,
    today: date,
    actor: str,
    consumables: Sequence[tuple[str, int, int, float | None]] = (),
) -> CheckResult:
    """The daily reorder decision (inside the caller's transaction). ``consumables`` (the
    regency's own ribbons and film: label, rolls on the shelf, cards, days) is quoted in
    the letter, so central reads that printing is limited by blanks, not by ribbons."""
    facts, pos = position(session, settings=settings, served=served, today=today)
    if consumables:
        facts = replace(facts, consumables=tuple(tuple(c) for c in consumables))
    request = open_request(session)
    created = False
    alerts: list[str] = []
    # Due with nothing to order (no stock, no demand: 0 <= 0) is no reason to write to central.
    if pos.reorder_due and pos.order_quantity > 0 and request is None:
        request = ReorderRequest(
            number=_next_number(session, served, today),
            state="DRAFT",
            quantity=round_up_to_box(pos.order_quantity, settings.reorder_box),
            snapshot_json=json.dumps(
                {"facts": asdict(facts), "position": asdict(pos), "today": today.isoformat()}
            ),
            actor=actor,
        )
        session.add(request)
        session.flush()
        created = True
    cover = "belum dapat dihitung" if pos.days_of_cover is None else f"{pos.days_of_cover:.1f} hari"
    data = {
        "request": request.number if request else None,
        "on_hand": facts.on_hand,
        "reorder_point": pos.reorder_point,
        "days_of_cover": pos.days_of_cover,
    }
    if request is not None and pos.reorder_due:
        message = (
            f"Stok blangko menipis: {facts.on_hand} di tangan, titik pesan ulang "
            f"{pos.reorder_point}, cukup untuk {cover}. Permintaan {request.number} "
            f"({request.quantity} keping) perlu dikirim ke pusat; antrean PRR {facts.prr_backlog}."
        )
        key = f"reorder:{request.number}"
        if raise_alert(
            session, key=key, kind="REORDER", level="WARNING", message=message, data=data
        ):
            alerts.append(key)
    if pos.escalate:
        # Also while a confirmed delivery lifts the position: the shelf may empty before it comes.
        ref = request.number if request is not None else today.isoformat()
        key = f"escalate:{ref}"
        if raise_alert(
            session,
            key=key,
            kind="REORDER_ESCALATION",
            level="CRITICAL",
            data=data,
            message=(
                f"ESKALASI ke Kepala Seksi: blangko hanya cukup untuk {cover}, lebih pendek dari "
                f"waktu tunggu kiriman pusat ({facts.lead_time_days:g} hari)."
                + (f" Permintaan {request.number}." if request is not None else "")
            ),
        ):
            alerts.append(key)
    return CheckResult(facts, pos, request, created, alerts)


def find(session: Session, ref: str) -> ReorderRequest:
    request = None
    if ref.isdigit():
        request = session.get(ReorderRequest, int(ref))
    if request is None:
        request = session.exec(select(ReorderRequest).where(ReorderRequest.number == ref)).first()
    if request is None:
        raise UnknownRequest(ref)
    return request


def _move(request: ReorderRequest, allowed: tuple[str, ...], to: str, action: str) -> None:
    if request.state not in allowed:
        raise RequestStateError(request.number, request.state, action)
    request.state = to


def mark_sent(session: Session, ref: str, *, at: datetime | None = None) -> ReorderRequest:
    request = find(session, ref)
    if request.state == "SENT":
        return request
    _move(request, ("DRAFT",), "SENT", "ditandai terkirim")
    request.sent_at = at or utcnow()
    session.add(request)
    return request


def confirm(
    session: Session,
    ref: str,
    *,
    quantity: int | None = None,
    limit: int = ABSOLUTE_MAX_QUANTITY,
    at: datetime | None = None,
) -> ReorderRequest:
    """Central confirmed a request it was sent (a draft was never sent: it cannot be
    confirmed). ``limit``: the most blanks one confirmation may carry
    (``settings.max_request_quantity``)."""
    if quantity is not None:
        check_quantity(quantity, limit=limit, what="jumlah dikonfirmasi")
    request = find(session, ref)
    if request.state == "DRAFT":
        raise RequestStateError(
            request.number,
            request.state,
            "dikonfirmasi sebelum suratnya dikirim (cetak reorder send)",
        )
    _move(request, ("SENT", "CONFIRMED"), "CONFIRMED", "dikonfirmasi")
    request.confirmed_quantity = quantity if quantity is not None else request.quantity
    request.confirmed_at = at or utcnow()
    session.add(request)
    return request


def cancel(
    session: Session, ref: str, *, reason: str, at: datetime | None = None
) -> ReorderRequest:
    request = find(session, ref)
    _move(request, OPEN_STATES, "CANCELLED", "dibatalkan")
    request.closed_at = at or utcnow()
    request.note = reason
    session.add(request)
    return request


def close_on_receipt(
    session: Session, ref: str | None, *, at: datetime | None = None
) -> ReorderRequest | None:
    """Receiving stock against an open request closes it (the only open one by default)."""
    request = find(session, ref) if ref else open_request(session)
    if request is None or (ref is None and request.state == "DRAFT"):
        return None
    _move(request, ("SENT", "CONFIRMED"), "RECEIVED", "ditutup dengan penerimaan")
    request.closed_at = at or utcnow()
    session.add(request)
    return request
