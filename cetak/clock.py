"""The regency's calendar against stored UTC: the one place a local day becomes an instant.

Timestamps are stored in UTC; "today", a report's month or a chart's window are the
regency's own days (WIB, WITA or WIT). These plain functions turn one into the other.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo


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
