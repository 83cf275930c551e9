"""Planning under a cap (issue 15, item 5): what central actually delivers, and the
backlog it leaves.

Central rations blanks: offices report 500 received of 2,000 asked, deliveries cut from
6,000-10,000 to about 1,000 and then 600. The reorder policy therefore learns from the
office's own requests: the share of what was asked that central confirmed, and the days
from sending a request to receiving its lot. With those, :func:`project` draws the next
30 days of the PRR backlog under the supply central really gives, with and without the
open request, so the section head can argue the case with numbers.

:func:`learn` and :func:`project` are plain functions; :func:`history` reads the requests.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from sqlmodel import Session, col, select

from cetak.clock import local_date
from inventory.models import Lot, ReorderRequest

#: The last this many closed requests teach the policy.
LEARN_FROM = 6


@dataclass(frozen=True, slots=True)
class PastRequest:
    asked: int
    confirmed: int | None  # None: never confirmed (cancelled, or still open)
    sent_on: date | None
    received_on: date | None  # the day its lot arrived


@dataclass(frozen=True, slots=True)
class Learned:
    """What central's answers so far say."""

    delivery_ratio: float | None  # confirmed / asked over the requests answered; None: none
    lead_days: float | None  # median days from sending to receiving; None: none received
    requests: int  # how many requests it rests on


def learn(past: Sequence[PastRequest]) -> Learned:
    answered = [p for p in past if p.confirmed is not None and p.asked > 0][-LEARN_FROM:]
    ratio = (
        sum(p.confirmed or 0 for p in answered) / sum(p.asked for p in answered)
        if answered
        else None
    )
    leads = [
        float((p.received_on - p.sent_on).days)
        for p in past[-LEARN_FROM:]
        if p.sent_on is not None and p.received_on is not None and p.received_on >= p.sent_on
    ]
    return Learned(
        delivery_ratio=None if ratio is None else round(min(ratio, 1.0), 4),
        lead_days=statistics.median(leads) if leads else None,
        requests=len(answered),
    )


@dataclass(frozen=True, slots=True)
class Day:
    day: date
    backlog: int  # PRR waiting at the end of the day
    on_hand: int  # blanks left at the end of the day


def project(
    *,
    today: date,
    backlog: int,
    on_hand: int,
    new_prr_per_day: float,
    capacity_per_day: int,
    deliveries: Sequence[tuple[date, int]] = (),
    days: int = 30,
) -> list[Day]:
    """The backlog day by day: PRR arrive at their recent rate, the printers print what the
    blanks and their capacity allow, deliveries arrive on their day."""
    result = []
    queue = float(backlog)
    stock = on_hand
    arriving = dict[date, int]()
    for when, qty in deliveries:
        arriving[when] = arriving.get(when, 0) + max(0, qty)
    for i in range(1, days + 1):
        day = today + timedelta(days=i)
        stock += arriving.get(day, 0)
        queue += new_prr_per_day
        printed = min(int(queue), stock, max(0, capacity_per_day))
        queue -= printed
        stock -= printed
        result.append(Day(day, math.ceil(queue - 1e-9), stock))
    return result


def expected_delivery(
    asked: int, learned: Learned, *, sent_on: date, default_lead: float
) -> tuple[date, int]:
    """When and how much an open request will bring, by what central did before."""
    ratio = 1.0 if learned.delivery_ratio is None else learned.delivery_ratio
    lead = default_lead if learned.lead_days is None else learned.lead_days
    return sent_on + timedelta(days=math.ceil(lead)), int(asked * ratio)


def history(session: Session, tz: str) -> list[PastRequest]:
    """The office's requests, oldest first, with the day each one's lot arrived."""
    received = {
        rid: day
        for rid, day in session.execute(
            sa.select(col(Lot.request_id), sa.func.min(col(Lot.received_on)))
            .where(col(Lot.request_id).is_not(None))
            .group_by(col(Lot.request_id))
        )
    }
    out = []
    for r in session.exec(select(ReorderRequest).order_by(col(ReorderRequest.id))):
        confirmed = r.confirmed_quantity if r.state in ("CONFIRMED", "RECEIVED") else None
        if r.state == "RECEIVED" and confirmed is None:
            confirmed = r.quantity
        out.append(
            PastRequest(
                asked=r.quantity,
                confirmed=confirmed,
                sent_on=local_date(r.sent_at, tz) if r.sent_at else None,
                received_on=received.get(r.id),
            )
        )
    return out
