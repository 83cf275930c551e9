"""When to ask central for blank cards (blangko), and how many to ask for.

This module only does arithmetic on numbers it is given: it reads no database and sends
nothing. The stock screens and the reorder alert call it.

Blanks are used by printing, and a spoiled card uses up a blank too. Central sends blanks
some days after we ask (the lead time, L), and we look at the stock at fixed intervals (the
review period, R). So we must ask while the blanks we hold, plus those central has already
confirmed and are on their way, still cover every card we will print before the next
delivery can arrive.

The reorder point is the stock level at which we ask. It adds up three things:

1. Known demand in the lead time: print-ready records (PRR) already waiting for a card
   (queued and scheduled records, plus held records released within L), divided by
   (1 - r), where r is the share of blanks that end up spoiled. Each spoiled card costs a
   second blank, so 1,000 cards at 5% spoilage need 1,000 / 0.95 = 1,053 blanks.
2. New PRRs expected during the lead time: the recent average of new PRRs per day times L.
3. Safety stock, z x sd x sqrt(L): a cushion for days busier than average. sd is how much
   daily use varies; z comes from the service level (1.645 for a 95% chance of not running
   out before the delivery arrives); sqrt(L) because good and bad days partly cancel out.

When stock on hand plus stock in transit is at or below the reorder point, we ask for
enough to reach the order-up-to level: the same three terms worked out over L + R instead
of L, so the delivery lasts until the next review. Requests go out in whole boxes.

Days of cover is stock on hand divided by average daily use. If it is shorter than the lead
time, a delivery asked for today would arrive after the shelf is empty, so the alert is
raised to the head of section (escalation). Central allocates blanks by PRR backlog, so
the request quotes the known demand, not only the quantity.

Example (Klaten, 2016): 4,000 blanks at 600 a day is 4,000 / 600 = 6.67 days of cover,
shorter than a 7-day lead time: reorder now and escalate.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

__all__ = [
    "SHORT_HISTORY_DAYS",
    "DayUsage",
    "ReorderInputs",
    "ReorderPosition",
    "UsageStats",
    "reorder_position",
    "round_up_to_box",
    "usage_basis",
    "usage_stats",
]

# Float noise such as 2000.0000000000002 must not round up to a whole extra blank.
_CEIL_DIGITS = 6

#: An average resting on fewer days of data than this is quoted with a warning: a week
#: holds quiet and busy weekdays, fewer days may catch only one kind.
SHORT_HISTORY_DAYS = 7


@dataclass(frozen=True, slots=True)
class DayUsage:
    """One calendar day of the usage history."""

    day: date
    used: int  # blanks used that day: cards printed + cards spoiled
    new_prr: int  # print-ready records that arrived that day (queued or held at intake)
    stocked_out: bool  # the site had no blank on hand at some point that day (demand unseen)


@dataclass(frozen=True, slots=True)
class UsageStats:
    """What the recent history says about daily use; see `usage_stats`."""

    mean: float  # average daily use over the days that were not stocked out
    sd: float  # standard deviation of daily use over those days (0 with fewer than 2 days)
    new_prr_per_day: float  # average new PRRs per day over the whole window
    spoilage_rate: float  # (spoiled / used) over the window, 0 when nothing used
    days: int  # days counted for mean/sd
    prr_days: int = 0  # days counted for new_prr_per_day

    @property
    def short_history(self) -> bool:
        """The mean rests on too few days to be more than a first estimate."""
        return self.days < SHORT_HISTORY_DAYS


@dataclass(frozen=True, slots=True)
class ReorderInputs:
    """Everything the reorder policy needs, as plain numbers."""

    on_hand: int
    in_transit: int  # confirmed by central, not yet received
    known_demand_lead: int  # queued + scheduled + held releasing within the lead time
    known_demand_cycle: int  # same, within lead time + review period (>= known_demand_lead)
    usage: UsageStats
    lead_time_days: float  # L
    review_period_days: float  # R
    service_level: float = 0.95  # probability of not running out during L, 0.5 <= x < 1


@dataclass(frozen=True, slots=True)
class ReorderPosition:
    """The outcome of `reorder_position`."""

    position: int  # on_hand + in_transit
    reorder_point: int  # ceil(known_demand_lead / (1 - r) + new_prr_per_day * L + z*sd*sqrt(L))
    order_up_to: int  # the same three terms over L + R (known_demand_cycle, sqrt(L + R))
    safety_stock: int  # ceil(z*sd*sqrt(L))
    order_quantity: int  # max(0, order_up_to - position) when reorder is due, else 0
    reorder_due: bool  # position <= reorder_point
    days_of_cover: float | None  # on_hand / usage.mean; None when mean is 0 (no use seen)
    escalate: bool  # days_of_cover is not None and days_of_cover < L
    z: float


def usage_stats(
    history: Sequence[DayUsage],
    *,
    spoiled: int,
    today: date | None = None,
    usage_since: date | None = None,
    prr_since: date | None = None,
) -> UsageStats:
    """Summarise recent daily use for the reorder policy.

    `history` holds one entry per calendar day of the window (days without printing
    included, with `used=0`), so that averages are per calendar day like the lead time.
    `spoiled` is the number of blanks spoiled over the same window; they are part of `used`.

    Only days that carry data are averaged, so a young installation is not made to look
    idle by the empty days before it started:

    - `usage_since`: the first day blanks were ever used (printed or spoiled). Earlier days
      of the window are not data about demand and are left out of mean and sd; `date.max`
      when nothing was ever used (no day counts). None: every day of the window counts.
    - `prr_since`: likewise the first day a PRR ever arrived, for new PRRs per day.
    - `today`: the window may end with today, which is not over. Today counts as one whole
      day when something already happened on it (blanks used, or PRRs arrived, for the
      respective average), and not at all otherwise. A partly elapsed day counted whole
      gives a floor, never an inflated figure: we do not extrapolate the hours left
      (no working-hours calendar is known), and a short history is flagged instead
      (`UsageStats.short_history`, `usage_basis`).

    Further:

    - mean and sd of daily use leave out stocked-out days: on those days use was limited by
      the stock on the shelf, not by demand, so counting them would make demand look
      smaller and steadier than it is.
    - new PRRs per day is averaged over every data day of the window, stocked out or not:
      PRRs keep arriving from central whether or not we have blanks.
    - the spoilage rate is spoiled / used over every day of the window; 0 when no blank
      went into a good card (nothing used, or everything used was spoiled).
    - `days` and `prr_days` say how many days each average rests on.
    """
    seen: set[date] = set()
    for entry in history:
        if entry.day in seen:
            raise ValueError(f"history: day {entry.day.isoformat()} appears twice")
        seen.add(entry.day)
        if entry.used < 0:
            raise ValueError(f"history: used on {entry.day.isoformat()} is negative")
        if entry.new_prr < 0:
            raise ValueError(f"history: new_prr on {entry.day.isoformat()} is negative")
        if today is not None and entry.day > today:
            raise ValueError(f"history: day {entry.day.isoformat()} is after today")
    total_used = sum(entry.used for entry in history)
    if spoiled < 0:
        raise ValueError(f"spoiled must not be negative (got {spoiled})")
    if spoiled > total_used:
        raise ValueError(f"spoiled ({spoiled}) exceeds blanks used over the window ({total_used})")

    def counts(entry: DayUsage, since: date | None, happened: bool) -> bool:
        if since is not None and entry.day < since:
            return False
        return entry.day != today or happened

    demand_days = [
        float(entry.used)
        for entry in history
        if not entry.stocked_out and counts(entry, usage_since, entry.used > 0)
    ]
    prr_days = [
        float(entry.new_prr) for entry in history if counts(entry, prr_since, entry.new_prr > 0)
    ]
    mean = statistics.fmean(demand_days) if demand_days else 0.0
    sd = statistics.stdev(demand_days) if len(demand_days) >= 2 else 0.0
    new_prr_per_day = statistics.fmean(prr_days) if prr_days else 0.0
    # Nothing but spoilage (say a few blanks damaged on the shelf, no card printed) says
    # nothing about how many prints fail, and r = 1 would mean no card can ever be made.
    spoilage_rate = spoiled / total_used if spoiled < total_used else 0.0
    return UsageStats(
        mean=mean,
        sd=sd,
        new_prr_per_day=new_prr_per_day,
        spoilage_rate=spoilage_rate,
        days=len(demand_days),
        prr_days=len(prr_days),
    )


def usage_basis(days: int) -> str:
    """What an average of daily use rests on, for people (letters, the Stok page).

    ``days`` is ``UsageStats.days``. With no day of data there is no average to state.
    """
    if days < 0:
        raise ValueError(f"days must not be negative (got {days})")
    if days == 0:
        return "belum ada data pemakaian"
    basis = f"berdasarkan {days} hari data"
    return f"{basis}; riwayat masih pendek" if days < SHORT_HISTORY_DAYS else basis


def reorder_position(inputs: ReorderInputs) -> ReorderPosition:
    """Decide whether to ask central for blanks now, how many, and whether to escalate.

    With r the spoilage rate, L the lead time, R the review period, sd the standard
    deviation of daily use and z the normal quantile of the service level:

        position      = on_hand + in_transit
        reorder_point = ceil(known_demand_lead / (1 - r)
                             + new_prr_per_day * L
                             + z * sd * sqrt(L))
        order_up_to   = ceil(known_demand_cycle / (1 - r)
                             + new_prr_per_day * (L + R)
                             + z * sd * sqrt(L + R))
        safety_stock  = ceil(z * sd * sqrt(L))
        reorder_due   = position <= reorder_point
        order_quantity = max(0, order_up_to - position) if reorder_due else 0
        days_of_cover = on_hand / mean  (None when mean is 0)
        escalate      = days_of_cover < L

    The terms:

    - position counts blanks in transit (confirmed by central, not yet received) as well as
      blanks on hand, so the same shortage is not requested twice while a delivery is on
      its way.
    - known_demand / (1 - r): records that already have a PRR and will need a card within
      the horizon. Every spoiled card needs another blank, and that one may spoil too, so
      one good card costs 1 + r + r^2 + ... = 1 / (1 - r) blanks on average.
    - new_prr_per_day * horizon: PRRs that will arrive from central during the horizon
      and have not been seen yet.
    - z * sd * sqrt(horizon): safety stock against days busier than average. Daily
      deviations add up like independent random steps, so their spread grows with the
      square root of the number of days. sd comes from days that were not stocked out:
      on stocked-out days use was limited by stock, not by demand. A service level of
      0.5 gives z = 0 (no safety stock); 0.95 gives z = 1.645.
    - order_up_to uses L + R because the next chance to order is one review period away,
      and that order again takes L days to arrive.
    - days_of_cover uses stock on hand only: blanks in transit cannot be printed on until
      they arrive. When it is shorter than L, asking now is already too late to avoid a
      gap, so the request is escalated.

    Raises ValueError naming the input when a count is negative, r is outside [0, 1),
    L <= 0, R < 0, the service level is outside [0.5, 1), or known_demand_cycle is less
    than known_demand_lead.
    """
    _validate(inputs)
    usage = inputs.usage
    lead = inputs.lead_time_days
    cycle = lead + inputs.review_period_days
    blanks_per_card = 1.0 / (1.0 - usage.spoilage_rate)
    z = statistics.NormalDist().inv_cdf(inputs.service_level)

    safety_lead = z * usage.sd * math.sqrt(lead)
    safety_cycle = z * usage.sd * math.sqrt(cycle)
    reorder_point = _ceil(
        inputs.known_demand_lead * blanks_per_card + usage.new_prr_per_day * lead + safety_lead
    )
    order_up_to = _ceil(
        inputs.known_demand_cycle * blanks_per_card + usage.new_prr_per_day * cycle + safety_cycle
    )

    position = inputs.on_hand + inputs.in_transit
    reorder_due = position <= reorder_point
    order_quantity = max(0, order_up_to - position) if reorder_due else 0
    days_of_cover = inputs.on_hand / usage.mean if usage.mean > 0 else None
    escalate = days_of_cover is not None and days_of_cover < lead
    return ReorderPosition(
        position=position,
        reorder_point=reorder_point,
        order_up_to=order_up_to,
        safety_stock=_ceil(safety_lead),
        order_quantity=order_quantity,
        reorder_due=reorder_due,
        days_of_cover=days_of_cover,
        escalate=escalate,
        z=z,
    )


def round_up_to_box(quantity: int, box: int = 100) -> int:
    """Round a request up to whole boxes of `box` blanks; 0 stays 0."""
    if quantity < 0:
        raise ValueError(f"quantity must not be negative (got {quantity})")
    if box <= 0:
        raise ValueError(f"box must be positive (got {box})")
    return -(-quantity // box) * box


def _ceil(value: float) -> int:
    return math.ceil(round(value, _CEIL_DIGITS))


def _validate(inputs: ReorderInputs) -> None:
    for name in ("on_hand", "in_transit", "known_demand_lead", "known_demand_cycle"):
        value = getattr(inputs, name)
        if value < 0:
            raise ValueError(f"{name} must not be negative (got {value})")
    if inputs.known_demand_cycle < inputs.known_demand_lead:
        raise ValueError(
            f"known_demand_cycle ({inputs.known_demand_cycle}) must be at least "
            f"known_demand_lead ({inputs.known_demand_lead}): it covers L + R, which "
            "includes L"
        )
    usage = inputs.usage
    for name in ("mean", "sd", "new_prr_per_day"):
        value = getattr(usage, name)
        if not (math.isfinite(value) and value >= 0):
            raise ValueError(f"usage.{name} must be a finite number >= 0 (got {value})")
    r = usage.spoilage_rate
    if not 0 <= r < 1:
        raise ValueError(f"usage.spoilage_rate (r) must be in [0, 1) (got {r})")
    lead = inputs.lead_time_days
    if not (math.isfinite(lead) and lead > 0):
        raise ValueError(f"lead_time_days (L) must be a finite number > 0 (got {lead})")
    review = inputs.review_period_days
    if not (math.isfinite(review) and review >= 0):
        raise ValueError(f"review_period_days (R) must be a finite number >= 0 (got {review})")
    level = inputs.service_level
    if not 0.5 <= level < 1:
        raise ValueError(f"service_level must be in [0.5, 1) (got {level})")
