"""IKD (Identitas Kependudukan Digital) activations beside the card (issue 15).

Since 2023 central pushes the digital ID instead of more blanks. The office records its
activations per day, at the counter or from a CSV ``tanggal,jumlah_aktivasi``, and reads
them per month against blanks received and cards printed, for the reorder letter and the
monthly report.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlmodel import Session, col, select

from cetak.clock import utc_bounds
from cetak.errors import CetakError
from cetak.models import utcnow
from inventory.models import IkdActivation, Lot, Movement
from inventory.rules import Kind

HEADER = ("tanggal", "jumlah_aktivasi")
MAX_PER_DAY = 20_000  # activations in one regency in one day: more is a typo
FIRST_DAY = date(2022, 1, 1)  # IKD began in 2022


class IkdError(CetakError):
    code = "ikd.error"


class IkdRefused(IkdError):
    """A figure or file refused: nothing stored."""

    code = "ikd.refused"

    def __init__(self, name: str, problems: list[tuple[int, str, str]]) -> None:
        super().__init__(name=name, problems=problems)


def _date(text: str) -> date | None:
    v = text.strip()
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", v):
            return date.fromisoformat(v)
        m = re.fullmatch(r"(\d{1,2})[-/](\d{1,2})[-/](\d{4})", v)
        if m:
            return date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
    except ValueError:
        return None
    return None


def check(day: date | None, count: int | None, today: date) -> list[str]:
    """What is wrong with one day's figure (problem codes; empty when fine)."""
    problems = []
    if day is None:
        problems.append("bad_date")
    elif day > today:
        problems.append("future_date")
    elif day < FIRST_DAY:
        problems.append("too_old")
    if count is None:
        problems.append("not_a_number")
    elif count < 0:
        problems.append("negative")
    elif count > MAX_PER_DAY:
        problems.append("too_large")
    return problems


def parse(text: str, today: date) -> tuple[list[tuple[date, int]], list[tuple[int, str, str]]]:
    """Rows of the CSV and the problems (line, value, problem) of the rest."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    rows = [(reader.line_num, r) for r in reader if any(c.strip() for c in r)]
    if not rows or tuple(c.strip().lower() for c in rows[0][1]) != HEADER:
        got = ",".join(rows[0][1]) if rows else ""
        return [], [(1, got, "bad_header")]
    good: list[tuple[date, int]] = []
    problems: list[tuple[int, str, str]] = []
    seen: set[date] = set()
    for line, raw in rows[1:]:
        if len(raw) != 2:
            problems.append((line, ",".join(raw), "bad_columns"))
            continue
        day = _date(raw[0])
        count = int(raw[1].strip()) if re.fullmatch(r"-?\d+", raw[1].strip()) else None
        found = check(day, count, today)
        if not found and day in seen:
            found = ["duplicate"]
        for problem in found:
            value = (
                raw[0] if problem in ("bad_date", "future_date", "too_old", "duplicate") else raw[1]
            )
            problems.append((line, value.strip(), problem))
        if not found and day is not None and count is not None:
            seen.add(day)
            good.append((day, count))
    if not good and not problems:
        problems.append((1, "", "empty"))
    return good, problems


def store(session: Session, rows: list[tuple[date, int]], *, actor: str) -> int:
    """Store the days' figures; a day already held is corrected."""
    now = utcnow()
    for day, count in rows:
        held = session.get(IkdActivation, day)
        if held is None:
            held = IkdActivation(tanggal=day, jumlah=count, actor=actor, at=now)
        else:
            held.jumlah, held.actor, held.at = count, actor, now
        session.add(held)
    session.flush()
    return len(rows)


@dataclass(frozen=True, slots=True)
class IkdMonth:
    year: int
    month: int
    aktivasi: int
    blangko_diterima: int
    kartu_dicetak: int


def _month_ends(year: int, month: int) -> tuple[date, date]:
    first = date(year, month, 1)
    nxt = date(year + (month == 12), month % 12 + 1, 1)
    return first, date.fromordinal(nxt.toordinal() - 1)


def months(session: Session, *, tz: str, last: date, count: int = 12) -> list[IkdMonth]:
    """The last ``count`` months up to ``last``'s month, oldest first."""
    result = []
    y, m = last.year, last.month
    spans = []
    for _ in range(count):
        spans.append((y, m))
        y, m = (y - 1, 12) if m == 1 else (y, m - 1)
    for y, m in reversed(spans):
        first, end = _month_ends(y, m)
        start_at, end_at = utc_bounds(tz, first, end)
        activations = session.execute(
            sa.select(sa.func.coalesce(sa.func.sum(IkdActivation.jumlah), 0)).where(
                col(IkdActivation.tanggal) >= first, col(IkdActivation.tanggal) <= end
            )
        ).scalar()
        received = session.execute(
            sa.select(sa.func.coalesce(sa.func.sum(Lot.quantity), 0)).where(
                col(Lot.received_on) >= first, col(Lot.received_on) <= end
            )
        ).scalar()
        printed = session.execute(
            sa.select(sa.func.coalesce(-sa.func.sum(Movement.delta_on_hand), 0)).where(
                col(Movement.kind) == Kind.CONSUMED.value,
                col(Movement.at) >= start_at,
                col(Movement.at) < end_at,
            )
        ).scalar()
        result.append(IkdMonth(y, m, int(activations or 0), int(received or 0), int(printed or 0)))
    return result


def total(session: Session, first: date, last: date) -> int:
    value = session.execute(
        sa.select(sa.func.coalesce(sa.func.sum(IkdActivation.jumlah), 0)).where(
            col(IkdActivation.tanggal) >= first, col(IkdActivation.tanggal) <= last
        )
    ).scalar()
    return int(value or 0)


def days(session: Session, *, limit: int = 60) -> list[IkdActivation]:
    return list(
        session.exec(select(IkdActivation).order_by(col(IkdActivation.tanggal).desc()).limit(limit))
    )
