"""Print scheduler: which queued records go to which printer in this run (a pure function).

Plain data in, plain data out: no I/O, no clock (``now`` is passed in), standard library only
(and ``printers.states`` and ``printers.rationing``, themselves standard library only).

Rules, in the order they are applied:

1. **Capacity** (:func:`capacity`). Only printers whose state is ``online`` or ``busy`` take
   work (``busy`` is finishing a job and can be given the next). A printer resting until a
   time after ``now`` takes nothing; once ``rest_until <= now`` the rest is over, the printer
   counts ``since_rest`` as 0 and a stale ``resting`` state no longer blocks it (so the caller
   must clear ``rest_until`` once the printer prints again). Capacity is the smallest of the
   cards left today (``daily_limit - printed_today``), the cards left before the next rest
   (``rest_after - since_rest``) and the ribbon left when known, never negative.
2. **Blanks.** A printer uses only its own site's blanks (``blanks_on_hand`` per site; a
   single int is one pool shared by every printer). When a site has fewer blanks than its
   printers' capacity, the blanks are shared between them in proportion to capacity. The
   plan never holds more cards than blanks.
3. **Selection.** ``N`` = min(queued records, usable capacity) cards are planned. Replacements
   (RUSAK, HILANG) are reserved ``ceil(replacement_share * N)`` of them (or all waiting
   replacements, if fewer): the oldest waiting replacements take these places whatever the
   age of the other records, so a flood of older BARU cannot starve them. The remaining
   places go strictly oldest first over all records left (``queued_at``, then ``record_id``).
   Hence every unplanned record is younger than every planned non-replacement.
   **Rationing** (issue 15): when the caller says blanks are short and passes the office's
   policy (``ration``), the ``N`` records are instead the first ``N`` in the policy's order
   (``printers.rationing``: priority class, lifted by waiting, then oldest first).
4. **Spreading.** The ``N`` cards are split between printers in proportion to their share of
   the usable capacity (largest remainder, ties to the first name), so all printers are
   filled to about the same fraction and none overheats while another idles.
5. **Batching.** Planned cards are grouped by kecamatan; kecamatan come in the order of their
   oldest planned card, cards within one oldest first. This sequence is poured into the
   printers in name order, each taking its share, so every printer gets a contiguous stretch
   and a kecamatan is split only where one printer's share ends (at most ``printers - 1``
   splits in all). Each printer's stretch is cut into single-kecamatan batches of at most
   ``max_batch`` cards. ``Plan.batches`` lists them printer by printer; a printer prints its
   batches in the listed order.

The result depends only on the input values, not on their order (ties break by
``record_id`` and printer name). ``attempts`` does not change the order: a record whose print
failed keeps its original ``queued_at`` and so returns at the front of the queue.
"""

from __future__ import annotations

import heapq
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction
from itertools import islice
from operator import attrgetter

from printers.rationing import RationPolicy, RationRecord, select
from printers.states import SCHEDULABLE, PrinterState

REPLACEMENTS = frozenset({"RUSAK", "HILANG"})
"""Kinds of application that replace a card a resident already had (protected from starving)."""

# Resting printers take work only once ``rest_until`` passed (rule 1).
_STATE_REASONS: dict[str, str] = {
    PrinterState.OFFLINE: "offline",
    PrinterState.MAINTENANCE: "dalam perawatan",
}
_by_age = attrgetter("queued_at", "record_id")


@dataclass(frozen=True, slots=True)
class QueuedRecord:
    """A print-ready record waiting for a card."""

    record_id: int
    kode_kecamatan: str
    jenis_permohonan: str  # BARU | PERUBAHAN_DATA | RUSAK | HILANG
    queued_at: datetime  # when it became printable (oldest first)
    attempts: int = 0  # failed print attempts so far
    urgent: bool = False  # an approved urgent flag (rationing, issue 15)
    age: int | None = None  # the resident's age in whole years when queued (rationing)


@dataclass(frozen=True, slots=True)
class PrinterSlot:
    """What the scheduler needs to know about one printer at ``now``."""

    name: str
    state: str  # a PrinterState: online | busy | resting | offline | maintenance
    daily_limit: int  # cards per day
    printed_today: int
    rest_after: int  # cards in a row before a rest
    since_rest: int  # cards printed since the last rest
    rest_until: datetime | None  # resting until (None when not resting)
    ribbon_left: int | None  # cards the ribbon can still print, None when unknown
    site: str = "DISDUKCAPIL"


@dataclass(frozen=True, slots=True)
class Batch:
    """One printer job: cards of one kecamatan, printed in this order."""

    printer: str
    kode_kecamatan: str
    record_ids: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Plan:
    """The run: batches in print order, what is left, and why idle printers got nothing."""

    batches: tuple[Batch, ...]
    unplanned: int  # queued records left for a later run
    blanks_left: int  # blanks on hand (all sites) once the planned cards are printed
    reasons: dict[str, str]  # printer name -> Indonesian reason it got no work


def capacity(printer: PrinterSlot, now: datetime) -> int:
    """Cards ``printer`` can take in this run (rule 1 of the module docstring)."""
    return _assess(printer, now)[0]


def _assess(p: PrinterSlot, now: datetime) -> tuple[int, str]:
    """Capacity, and the reason when it is 0."""
    if p.state not in SCHEDULABLE:
        return 0, _STATE_REASONS.get(p.state, f"status {p.state}")
    since_rest = p.since_rest
    if p.rest_until is not None:
        if p.rest_until > now:
            return 0, f"istirahat sampai {_clock(p.rest_until, now)}"
        since_rest = 0  # the rest is over
    elif p.state == PrinterState.RESTING:
        return 0, "istirahat"
    limits = [p.daily_limit - p.printed_today, p.rest_after - since_rest]
    if p.ribbon_left is not None:
        limits.append(p.ribbon_left)
    cap = max(0, min(limits))
    if cap:
        return cap, ""
    if p.printed_today >= p.daily_limit:
        return 0, f"batas harian {p.daily_limit} tercapai"
    if p.ribbon_left is not None and p.ribbon_left <= 0:
        return 0, "pita habis"
    return 0, f"harus istirahat setelah {p.rest_after} kartu"


def _clock(t: datetime, now: datetime) -> str:
    return f"{t:%H.%M}" if t.date() == now.date() else f"{t:%d-%m-%Y %H.%M}"


def _split(total: int, weights: Sequence[int]) -> list[int]:
    """Share ``min(total, sum(weights))`` in proportion to ``weights``; no part exceeds its
    weight (largest remainder, ties to the lower index)."""
    whole = sum(weights)
    if whole <= 0 or total <= 0:
        return [0] * len(weights)
    total = min(total, whole)
    parts = [total * w // whole for w in weights]
    order = sorted(range(len(weights)), key=lambda i: (-(total * weights[i] % whole), i))
    for i in order[: total - sum(parts)]:
        parts[i] += 1
    return parts


def _select(
    queue: Sequence[QueuedRecord],
    n: int,
    share: float,
    ration: RationPolicy | None = None,
    now: datetime | None = None,
) -> list[QueuedRecord]:
    """The ``n`` records of this run, oldest first (rule 3 of the module docstring)."""
    if n <= 0:
        return []
    if n >= len(queue):
        return sorted(queue, key=_by_age)
    if ration is not None and now is not None:
        by_id = {q.record_id: q for q in queue}
        chosen = select(
            [
                RationRecord(q.record_id, q.jenis_permohonan, q.queued_at, q.urgent, q.age)
                for q in queue
            ],
            n,
            ration,
            now,
        )
        return sorted((by_id[r.record_id] for r in chosen), key=_by_age)
    repl = sorted((q for q in queue if q.jenis_permohonan in REPLACEMENTS), key=_by_age)
    other = sorted((q for q in queue if q.jenis_permohonan not in REPLACEMENTS), key=_by_age)
    ratio = Fraction(share).limit_denominator(10_000)  # 0.1 is 1/10, not 0.1000...0555
    reserved = min(len(repl), -(-n * ratio.numerator // ratio.denominator))
    rest = islice(heapq.merge(repl[reserved:], other, key=_by_age), n - reserved)
    return sorted([*repl[:reserved], *rest], key=_by_age)


def plan(
    queue: Sequence[QueuedRecord],
    printers: Sequence[PrinterSlot],
    *,
    blanks_on_hand: dict[str, int] | int,
    now: datetime,
    replacement_share: float = 0.25,
    max_batch: int = 50,
    ration: RationPolicy | None = None,
) -> Plan:
    """Assign queued records to printers for one run (rules: see the module docstring)."""
    if not 0 <= replacement_share <= 1:
        raise ValueError(f"replacement_share must be within 0..1, got {replacement_share}")
    if max_batch < 1:
        raise ValueError(f"max_batch must be at least 1, got {max_batch}")
    ordered = sorted(printers, key=attrgetter("name"))
    if len({p.name for p in ordered}) != len(ordered):
        raise ValueError("two printers share a name")
    if len({q.record_id for q in queue}) != len(queue):
        raise ValueError("a record is queued twice")

    per_site = not isinstance(blanks_on_hand, int)
    if isinstance(blanks_on_hand, int):
        stock: dict[str | None, int] = {None: max(0, blanks_on_hand)}
    else:
        stock = {site: max(0, n) for site, n in blanks_on_hand.items()}
    reasons: dict[str, str] = {}
    caps = [0] * len(ordered)
    sites: dict[str | None, list[int]] = {}
    for i, p in enumerate(ordered):
        caps[i], reason = _assess(p, now)
        if caps[i]:
            sites.setdefault(p.site if per_site else None, []).append(i)
        else:
            reasons[p.name] = reason
    budgets = [0] * len(ordered)
    for site, members in sites.items():
        shares = _split(stock.get(site, 0), [caps[i] for i in members])
        for i, share in zip(members, shares, strict=True):
            budgets[i] = share

    n = min(len(queue), sum(budgets))
    groups: dict[str, list[int]] = {}
    for q in _select(queue, n, replacement_share, ration, now):
        groups.setdefault(q.kode_kecamatan, []).append(q.record_id)
    segments = list(groups.items())

    batches: list[Batch] = []
    seg = offset = 0
    for p, cap, budget, quota in zip(ordered, caps, budgets, _split(n, budgets), strict=True):
        if not quota:
            if cap and not budget:
                reasons[p.name] = "blangko habis" + (f" di {p.site}" if per_site else "")
            elif cap:
                reasons[p.name] = "tidak ada antrean tersisa"
            continue
        while quota:
            kecamatan, ids = segments[seg]
            end = offset + min(quota, len(ids) - offset)
            for start in range(offset, end, max_batch):
                chunk = tuple(ids[start : min(start + max_batch, end)])
                batches.append(Batch(p.name, kecamatan, chunk))
            quota -= end - offset
            seg, offset = (seg + 1, 0) if end == len(ids) else (seg, end)

    return Plan(
        batches=tuple(batches),
        unplanned=len(queue) - n,
        blanks_left=sum(stock.values()) - n,
        reasons=dict(sorted(reasons.items())),
    )


def release(plan: Plan, failed_printer: str, *, printed: Collection[int] = ()) -> list[int]:
    """Record ids of ``failed_printer``'s batches, in print order, back to the pool.

    ``printed`` names cards the printer finished before it failed: they are left out, so a
    card is never printed twice. The caller re-plans the returned records (with the printer
    marked offline); they keep their ``queued_at`` and so return at the front of the queue.
    """
    done = set(printed)
    return [
        rid
        for batch in plan.batches
        if batch.printer == failed_printer
        for rid in batch.record_ids
        if rid not in done
    ]
