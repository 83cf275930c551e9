"""The regency's calendar against stored UTC: the one place a local day becomes an instant.

Timestamps are stored in UTC; "today", a report's month or a chart's window are the
regency's own days (WIB, WITA or WIT). These plain functions turn one into the other.

``now_utc`` is the installation's clock (``cetak.models.utcnow`` reads it). ``simulate``
moves it, for the demo's history (``scripts/demo_history.py``) and tests only: the clock
then reads as if the wall clock had shown the given moment when it was called, and keeps
ticking from there. Nothing in the product calls it; it lives in one process only.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

_shift = timedelta(0)  # simulated minus real time; zero outside a simulation


def now_utc() -> datetime:
    """Now, in UTC: the wall clock, or the simulated one while ``simulate`` has moved it."""
    return datetime.now(UTC) + _shift


def simulate(moment: datetime | None) -> None:
    """Demo and tests only: from now on ``now_utc`` reads ``moment`` (aware), ticking on
    from there; ``None`` goes back to the wall clock."""
    global _shift
    if moment is not None and (moment.tzinfo is None or moment.utcoffset() is None):
        raise ValueError("simulate needs an aware datetime")
    _shift = timedelta(0) if moment is None else moment - datetime.now(UTC)


def day_start_utc(day: date, tz: str) -> datetime:
    """The UTC instant at which the regency's ``day`` begins (local midnight)."""
    return datetime.combine(day, time.min, ZoneInfo(tz)).astimezone(UTC)


def utc_bounds(tz: str, first: date, last: date) -> tuple[datetime, datetime]:
    """``[start, end)`` in UTC covering the local days ``first`` to ``last`` inclusive."""
    return day_start_utc(first, tz), day_start_utc(last + timedelta(days=1), tz)


def local_date(moment: datetime, tz: str) -> date:
    """The regency's date at ``moment`` (a naive value is taken as UTC, as SQLite returns it)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(ZoneInfo(tz)).date()
