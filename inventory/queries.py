"""Read-side service for stock: balances, usage history and known demand.

Everything aggregates in the database; the cost of a read depends on the number
of lots or the days in the window, not on the length of the ledger.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlmodel import Session

from cetak.clock import utc_bounds
from cetak.lifecycle import RecordState
from cetak.models import Alert, Record
from inventory.models import Balance, Lot, Movement
from inventory.policy import DayUsage
from inventory.rules import Kind

_MOV = Movement.__table__  # type: ignore[attr-defined]
_BAL = Balance.__table__  # type: ignore[attr-defined]
_REC = Record.__table__  # type: ignore[attr-defined]
_ALERT = Alert.__table__  # type: ignore[attr-defined]

STOCK_OUT = "STOCK_OUT"


def totals(session: Session, site: str | None = None) -> tuple[int, int]:
    """(blanks on hand, spoiled blanks awaiting destruction), from the balance cache."""
    query = sa.select(
        sa.func.coalesce(sa.func.sum(_BAL.c.on_hand), 0),
        sa.func.coalesce(sa.func.sum(_BAL.c.awaiting_destruction), 0),
    )
    if site is not None:
        query = query.where(_BAL.c.site_code == site)
    on_hand, awaiting = session.execute(query).one()
    return int(on_hand), int(awaiting)


def stock_by_lot(session: Session) -> list[dict[str, Any]]:
    lot = Lot.__table__  # type: ignore[attr-defined]
    rows = session.execute(
        sa.select(
            _BAL.c.site_code,
            _BAL.c.lot_code,
            lot.c.received_on,
            lot.c.quantity,
            lot.c.reference,
            _BAL.c.on_hand,
            _BAL.c.awaiting_destruction,
        )
        .join(lot, lot.c.code == _BAL.c.lot_code)
        .order_by(_BAL.c.site_code, _BAL.c.lot_received_on, _BAL.c.lot_code)
    )
    return [
        {
            "site": r.site_code,
            "lot": r.lot_code,
            "received_on": r.received_on.isoformat(),
            "received": r.quantity,
            "reference": r.reference,
            "on_hand": r.on_hand,
            "awaiting_destruction": r.awaiting_destruction,
        }
        for r in rows
    ]


def local_day(session: Session, column: Any, tz: str) -> Any:
    """SQL for the regency's calendar day of a UTC timestamp column."""
    if session.get_bind().dialect.name == "postgresql":
        return sa.func.date(sa.func.timezone(tz, column))
    # Indonesia keeps no daylight saving: a fixed offset is exact.
    offset = datetime.now(ZoneInfo(tz)).utcoffset()
    hours = int(offset.total_seconds() // 3600) if offset else 0
    return sa.func.date(column, f"{hours:+d} hours")


def _as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def usage_history(
    session: Session, *, today: date, window_days: int, tz: str
) -> tuple[list[DayUsage], int]:
    """One ``DayUsage`` per day of the window ending yesterday, and blanks spoiled in it.

    Blanks used on a day = cards printed + cards spoiled that day; a spoiled card
    first consumed, then reversed and spoiled, counts once, on the day it was taken.
    """
    first, last = today - timedelta(days=window_days), today - timedelta(days=1)
    start, end = utc_bounds(tz, first, last)
    day = local_day(session, _MOV.c.at, tz)
    used: dict[date, int] = {}
    spoiled = 0
    rows = session.execute(
        sa.select(day, sa.func.sum(_MOV.c.delta_on_hand), sa.func.sum(_MOV.c.delta_spoiled))
        .where(
            _MOV.c.kind.in_([Kind.CONSUMED.value, Kind.SPOILED.value]),
            _MOV.c.at >= start,
            _MOV.c.at < end,
        )
        .group_by(day)
    )
    for d, delta, spoil in rows:  # CONSUMED rows carry no delta_spoiled
        used[_as_date(d)] = -int(delta or 0)
        spoiled += int(spoil or 0)
    rday = local_day(session, _REC.c.created_at, tz)
    arrivals = {
        _as_date(d): int(n)
        for d, n in session.execute(
            sa.select(rday, sa.func.count())
            .where(_REC.c.reason.is_(None), _REC.c.created_at >= start, _REC.c.created_at < end)
            .group_by(rday)
        )
    }
    aday = local_day(session, _ALERT.c.created_at, tz)
    out_days = {
        _as_date(d)
        for (d,) in session.execute(
            sa.select(aday)
            .where(
                _ALERT.c.kind == STOCK_OUT, _ALERT.c.created_at >= start, _ALERT.c.created_at < end
            )
            .distinct()
        )
    }
    history = [
        DayUsage(
            day=d,
            used=max(used.get(d, 0), 0),
            new_prr=arrivals.get(d, 0),
            stocked_out=d in out_days,
        )
        for d in (first + timedelta(days=i) for i in range(window_days))
    ]
    return history, min(spoiled, sum(h.used for h in history))


def known_demand(session: Session, *, today: date, days: float) -> int:
    """Records that will need a blank within ``days``: queued, scheduled, held releasing."""
    horizon = today + timedelta(days=int(days))
    waiting = session.execute(
        sa.select(sa.func.count()).where(
            _REC.c.state.in_([RecordState.QUEUED.value, RecordState.SCHEDULED.value])
        )
    ).scalar()
    releasing = session.execute(
        sa.select(sa.func.count()).where(
            _REC.c.state == RecordState.HELD.value, _REC.c.release_on <= horizon
        )
    ).scalar()
    return int(waiting or 0) + int(releasing or 0)


def prr_backlog(session: Session) -> int:
    """PRRs waiting for a card: queued, scheduled and held."""
    states = [RecordState.QUEUED.value, RecordState.SCHEDULED.value, RecordState.HELD.value]
    return int(
        session.execute(sa.select(sa.func.count()).where(_REC.c.state.in_(states))).scalar() or 0
    )
