"""A print room's history as numpy columns (pure: no database, no I/O).

``history`` decides when each record arrived, waited, was printed (and spoiled),
passed QC, was packed, shipped, received at its kecamatan and collected, and which blank
of which lot each card took. ``bench/dashboard_seed.py`` writes the result in bulk.

Times are int64 microseconds since the epoch (UTC). A "day" is an index of a local
calendar day in the regency's zone: day 0 is ``days - 1`` days before today, day
``days - 1`` is today. The length scales with the number of records at Klaten's rate
(``days_for``): 150,000 records are one year, 1,000,000 are about 6.7 years of the same
daily volume, not one year at 6.7 times the rate. Anything that would happen after
``now`` has not happened yet: that is how the backlog, the cards on the way and the
uncollected cards arise.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np

US = 1_000_000
MINUTE = 60 * US
HOUR = 60 * MINUTE
DAY = 24 * HOUR
#: Records a year at Klaten scale, and the days of history they fill.
KLATEN_PER_YEAR = 150_000
YEAR_DAYS = 365


def days_for(n: int) -> int:
    """Days of history that hold ``n`` records at Klaten's daily rate (150,000 → 365)."""
    return max(1, round(YEAR_DAYS * n / KLATEN_PER_YEAR))


STATES = (
    "queued",
    "held",
    "quarantined",
    "superseded",
    "scheduled",
    "printed",
    "ready",
    "packed",
    "dispatched",
    "received",
    "collected",
    "needs_attention",
    "cancelled",
)
ST = {name: i for i, name in enumerate(STATES)}

# Record categories, decided at arrival.
NORMAL, QUARANTINED, HELD, SUPERSEDED, NEEDS_ATTENTION, CANCELLED = range(6)
CATEGORY_SHARE = {
    QUARANTINED: 0.012,
    HELD: 0.02,
    SUPERSEDED: 0.004,
    NEEDS_ATTENTION: 0.0015,
    CANCELLED: 0.001,
}

CAUSES = ("GAGAL_CETAK", "GAGAL_ENCODE", "RUSAK_FISIK")
FAULTS = ("RIBBON_FAULT", "ENCODE_FAILED", None)  # printer fault behind each cause
CARD_STATES = (
    "submitted",
    "printed",
    "passed",
    "packed",
    "dispatched",
    "received",
    "collected",
    "spoiled",
)
CS = {name: i for i, name in enumerate(CARD_STATES)}

# Event actors and reasons, by index (the writer turns them into text).
ACTORS = ("ingest", "flow:print_run", "rina", "bayu", "dewi", "supervisor")
A_INGEST, A_FLOW = 0, 1
OPERATORS = np.array([2, 3, 4], dtype=np.int8)
REASONS = (
    None,
    "berusia 17 tahun",
    "dijadwalkan",
    "kartu dicetak",
    "kartu rusak (pita bermasalah)",
    "kartu rusak (chip gagal ditulis)",
    "ditolak QC (rusak fisik)",
    "lolos QC",
    "dikemas",
    "dikirim",
    "diterima kecamatan",
    "diambil pemohon",
    "diganti data baru (PERUBAHAN_DATA)",
    "dibatalkan: data tidak dapat diperbaiki",
    "gagal dicetak 3 kali",
)
R = {text: i for i, text in enumerate(REASONS)}
BATCH_REASON = 1000  # reason BATCH_REASON + b: "batch <batch id of b>"


@dataclass
class Columns:
    """Parallel arrays, one entry per row of one table."""

    cols: dict[str, np.ndarray] = field(default_factory=dict)

    def __getitem__(self, key: str) -> np.ndarray:
        return self.cols[key]

    def __setitem__(self, key: str, value: np.ndarray) -> None:
        self.cols[key] = value

    def __len__(self) -> int:
        return len(next(iter(self.cols.values()))) if self.cols else 0


@dataclass
class History:
    start: date  # local date of day 0
    days: int  # day ``days - 1`` is today
    base: int  # UTC microseconds of day 0's local midnight
    now: int
    batches: Columns
    records: Columns
    events: Columns
    cards: Columns
    jobs: Columns
    shipments: Columns
    lots: Columns
    movements: Columns
    destructions: Columns
    discrepancies: Columns
    printers: int


class _Calendar:
    def __init__(self, start: date, base: int, days: int) -> None:
        self.base = base
        span = days + 400  # far enough for anything that lands after today
        weekday = (start.weekday() + np.arange(span)) % 7
        self.work = _next_true(weekday < 5)  # Monday-Friday: intake, printing, shipping
        self.office = _next_true(weekday < 6)  # kecamatan offices open on Saturday too

    def day(self, t: np.ndarray) -> np.ndarray:
        return (t - self.base) // DAY

    def at(self, day: np.ndarray, hours: float | np.ndarray) -> np.ndarray:
        return self.base + day.astype(np.int64) * DAY + (np.asarray(hours) * HOUR).astype(np.int64)


def _next_true(ok: np.ndarray) -> np.ndarray:
    """For every index, the first index at or after it where ``ok`` holds."""
    out = np.empty(len(ok), dtype=np.int64)
    nxt = len(ok) - 1
    for i in range(len(ok) - 1, -1, -1):
        if ok[i]:
            nxt = i
        out[i] = nxt
    return out


def history(
    n: int,
    *,
    days: int,
    today: date,
    now: int,
    utc_offset_h: float,
    kec_weights: np.ndarray,
    seed: int,
) -> History:
    """``n`` records arriving over the ``days`` days ending ``today`` (see ``days_for``)."""
    rng = np.random.default_rng(seed)
    start = today - timedelta(days=days - 1)
    midnight = (start - date(1970, 1, 1)).days * DAY
    base = midnight - int(utc_offset_h * HOUR)
    cal = _Calendar(start, base, days)
    batches, rec = _arrivals(rng, cal, n, now, kec_weights, days)
    attempts, ship = _pipeline(rng, cal, rec, now)
    events = _events(rng, rec, attempts, ship, now)
    _final_states(rec, events, attempts, now)
    cards = _cards(rec, attempts, ship, now)
    lots, movements, destructions = _ledger(rng, cal, cards, now, days)
    jobs = _jobs(cards, rec, attempts, now)
    shipments, discrepancies = _shipments(ship, cards, rec, now)
    return History(
        start=start,
        days=days,
        base=base,
        now=now,
        batches=batches,
        records=rec,
        events=events,
        cards=cards,
        jobs=jobs,
        shipments=shipments,
        lots=lots,
        movements=movements,
        destructions=destructions,
        discrepancies=discrepancies,
        printers=PRINTERS,
    )


# --- arrivals -------------------------------------------------------------------------------


def _arrivals(
    rng: np.random.Generator,
    cal: _Calendar,
    n: int,
    now: int,
    kec_weights: np.ndarray,
    n_days: int,
) -> tuple[Columns, Columns]:
    """Batches from central on working days (two to four a day), their records' categories.

    The daily volume follows a yearly season, the same whatever the length of history."""
    days = np.arange(n_days)
    workdays = days[(cal.work[days] == days) & (cal.at(days, 8.0) < now)]
    season = 1 + 0.25 * np.sin(2 * np.pi * (workdays - 60) / YEAR_DAYS)
    weights = season * rng.lognormal(0, 0.2, len(workdays))
    per_day = rng.multinomial(n, weights / weights.sum())
    b_day, b_at, b_count = [], [], []
    for day, count in zip(workdays.tolist(), per_day.tolist(), strict=True):
        k = int(rng.integers(2, 5))
        sizes = rng.multinomial(count, np.full(k, 1 / k))
        for j, size in enumerate(sizes.tolist()):
            if size == 0:
                continue
            at = int(cal.at(np.array([day]), 8.0 + 2.0 * j + rng.uniform(0, 1.5))[0])
            b_day.append(day)
            b_at.append(min(at, now - int(rng.integers(1, 30)) * MINUTE))
            b_count.append(size)
    batches = Columns()
    order = np.argsort(np.array(b_at), kind="stable")
    batches["day"] = np.array(b_day)[order]
    batches["at"] = np.array(b_at, dtype=np.int64)[order]
    batches["count"] = np.array(b_count)[order]
    rec = Columns()
    rec["batch"] = np.repeat(np.arange(len(order)), batches["count"])
    rec["created"] = batches["at"][rec["batch"]]
    starts = np.cumsum(batches["count"]) - batches["count"]
    rec["row"] = np.arange(n) - starts[rec["batch"]] + 1
    rec["kec"] = rng.choice(len(kec_weights), size=n, p=kec_weights / kec_weights.sum())
    rec["cat"] = _categories(rng, n)
    rec["sup_by"] = _supersessions(rng, rec["cat"])
    rec["perubahan"] = np.zeros(n, dtype=bool)
    rec["perubahan"][rec["sup_by"][rec["sup_by"] >= 0]] = True
    return batches, rec


def _categories(rng: np.random.Generator, n: int) -> np.ndarray:
    u = rng.random(n)
    cat = np.full(n, NORMAL, dtype=np.int8)
    edge = 0.0
    for kind, share in CATEGORY_SHARE.items():
        cat[(u >= edge) & (u < edge + share)] = kind
        edge += share
    return cat


def _supersessions(rng: np.random.Generator, cat: np.ndarray) -> np.ndarray:
    """A superseded record is replaced by a later PERUBAHAN_DATA record of the same NIK."""
    n = len(cat)
    sup_by = np.full(n, -1, dtype=np.int64)
    old = np.flatnonzero(cat == SUPERSEDED)
    new = old + rng.integers(50, 2000, len(old))
    keep = new < n
    old, new = old[keep], new[keep]
    new, first = np.unique(new, return_index=True)
    old = old[first]
    cat[new] = NORMAL
    keep = cat[old] == SUPERSEDED  # a target may itself have been picked as an old one
    sup_by[old[keep]] = new[keep]
    cat[(cat == SUPERSEDED) & (sup_by < 0)] = NORMAL
    return sup_by


# --- printing, QC, distribution ---------------------------------------------------------------

MAX_ATTEMPTS = 3
PRINTERS = 5


def _uniform_us(rng: np.random.Generator, lo: float, hi: float, size: int) -> np.ndarray:
    return (rng.uniform(lo, hi, size) * US).astype(np.int64)


def _pipeline(
    rng: np.random.Generator, cal: _Calendar, rec: Columns, now: int
) -> tuple[Columns, Columns]:
    """Attempts (cards) per record and the shipments that carry the good ones."""
    n, cat, created = len(rec["cat"]), rec["cat"], rec["created"]
    release_day = cal.day(created) + rng.integers(30, 280, n)
    t_release = cal.at(release_day, 7.0 + rng.uniform(0, 0.5, n))
    rec["release_day"] = np.where(cat == HELD, release_day, -1)
    rec["t_release"] = np.where(cat == HELD, t_release, -1)
    queued_from = np.where(cat == HELD, t_release, created)
    printing = (cat == NORMAL) | (cat == NEEDS_ATTENTION) | ((cat == HELD) & (t_release <= now))
    rec["t_cancel"] = np.where(
        cat == CANCELLED, created + _uniform_us(rng, 2 * 86400, 20 * 86400, n), -1
    )
    spoils = rng.choice([0, 1, 2], size=n, p=[0.955, 0.04, 0.005])
    spoils[cat == NEEDS_ATTENTION] = MAX_ATTEMPTS
    spoils[~printing] = 0
    wait = np.floor(rng.gamma(2.0, 1.5, n)).astype(np.int64)
    day = cal.work[cal.day(queued_from) + 1 + wait]
    sched = cal.at(day, 7.5 + rng.uniform(0, 7.0, n))
    att = Columns()
    shape = (MAX_ATTEMPTS + 1, n)
    for key in ("sched", "card", "print", "qc", "spoil"):
        att[key] = np.full(shape, -1, dtype=np.int64)
    att["cause"] = np.full(shape, -1, dtype=np.int8)
    good = printing & (cat != NEEDS_ATTENTION)
    for a in range(MAX_ATTEMPTS + 1):
        live = printing & ((spoils > a) | ((spoils == a) & good))
        att["sched"][a] = np.where(live, sched, -1)
        card = sched + _uniform_us(rng, 60, 1800, n)
        printed = card + _uniform_us(rng, 40, 180, n)
        att["card"][a] = np.where(live, card, -1)
        spoiled = live & (spoils > a)
        cause = rng.choice(3, size=n, p=[0.5, 0.3, 0.2]).astype(np.int8)
        at_qc = cause == 2  # physical damage is found at QC, after printing
        att["cause"][a] = np.where(spoiled, cause, -1)
        att["print"][a] = np.where(live & (~spoiled | at_qc), printed, -1)
        qc = printed + _uniform_us(rng, 300, 3 * 3600, n)
        att["qc"][a] = np.where(live & ~spoiled, qc, -1)
        spoil_at = np.where(at_qc, qc, printed)
        att["spoil"][a] = np.where(spoiled, spoil_at, -1)
        sched = spoil_at + _uniform_us(rng, 600, 26 * 3600, n)
    last = np.where(good, spoils, -1)
    idx = np.arange(n)
    rec["good"] = good
    rec["last"] = last
    t_qc = np.where(good, att["qc"][np.maximum(last, 0), idx], -1)
    rec["t_qc"] = t_qc
    ship = _shipping(rng, cal, rec, t_qc, good)
    return att, ship


def _shipping(
    rng: np.random.Generator, cal: _Calendar, rec: Columns, t_qc: np.ndarray, good: np.ndarray
) -> Columns:
    """One shipment per kecamatan per packing day; per-card receipt and collection times."""
    n = len(good)
    hour = ((t_qc - cal.base) % DAY) / HOUR
    late = (hour >= 12).astype(np.int64) + (rng.random(n) < 0.2)
    pack_day = np.where(good, cal.work[np.maximum(cal.day(t_qc), 0) + late], -1)
    key = pack_day * 100 + rec["kec"]
    keys, inverse = np.unique(np.where(good, key, -1), return_inverse=True)
    real = keys >= 0
    sid = inverse - (0 if real.all() else 1)  # index among real shipments, -1 for none
    keys = keys[real]
    s = len(keys)
    ship = Columns()
    ship["day"], ship["kec"] = keys // 100, keys % 100
    ship["packed"] = cal.at(ship["day"], 13.0 + rng.uniform(0, 2.0, s))
    ship["dispatched"] = cal.at(cal.work[ship["day"] + 1], 8.0 + rng.uniform(0, 2.0, s))
    ship["received"] = ship["dispatched"] + _uniform_us(rng, 3600, 5 * 3600, s)
    # Some kecamatan confirm the box only the next morning.
    late_confirm = rng.random(s) < 0.3
    next_day = cal.at(cal.office[cal.day(ship["dispatched"]) + 1], 8.0 + rng.uniform(0, 3.0, s))
    ship["received"] = np.where(late_confirm, next_day, ship["received"])
    rec["ship"] = np.where(good, sid, -1)
    at_kec = np.where(good, ship["received"][np.maximum(sid, 0)], -1)
    missing = good & (rng.random(n) < 0.0005)
    found = at_kec + _uniform_us(rng, 86400, 6 * 86400, n)
    rec["missing"] = missing
    rec["t_found"] = np.where(missing, found, -1)
    rec["t_at_kec"] = np.where(missing, found, at_kec)
    gap = np.where(rng.random(n) < 0.08, rng.exponential(60, n), rng.exponential(9, n))
    gap = np.minimum(gap, 300)
    c_day = cal.office[np.maximum(cal.day(rec["t_at_kec"] + (gap * DAY).astype(np.int64)), 0)]
    collected = cal.at(c_day, 8.0 + rng.uniform(0, 6.0, n))
    too_early = collected <= rec["t_at_kec"]
    collected[too_early] = rec["t_at_kec"][too_early] + _uniform_us(
        rng, 600, 3600, int(too_early.sum())
    )
    rec["t_collected"] = np.where(good, collected, -1)
    return ship


# --- events and final states -----------------------------------------------------------------


def _events(
    rng: np.random.Generator, rec: Columns, att: Columns, ship: Columns, now: int
) -> Columns:
    """Every change of state, creation included; only those that happened by ``now``."""
    parts: list[tuple[np.ndarray, ...]] = []
    n, cat = len(rec["cat"]), rec["cat"]
    rid = np.arange(n)

    def add(
        mask: np.ndarray,
        at: np.ndarray,
        frm: int,
        to: int | np.ndarray,
        actor: object,
        reason: int | np.ndarray,
    ) -> None:
        m = mask & (at >= 0) & (at <= now)
        k = int(m.sum())
        parts.append(
            (
                rid[m],
                at[m],
                np.full(k, frm, dtype=np.int8),
                np.broadcast_to(np.asarray(to, dtype=np.int8), (n,))[m],
                _actors(rng, actor, n)[m],
                np.broadcast_to(np.asarray(reason, dtype=np.int64), (n,))[m],
            )
        )

    born = np.where(
        (cat == QUARANTINED) | (cat == CANCELLED),
        ST["quarantined"],
        np.where(cat == HELD, ST["held"], ST["queued"]),
    )
    every = np.ones(n, dtype=bool)
    add(every, rec["created"], -1, born, A_INGEST, BATCH_REASON + rec["batch"])
    add(cat == HELD, rec["t_release"], ST["held"], ST["queued"], A_FLOW, R["berusia 17 tahun"])
    add(
        cat == CANCELLED,
        rec["t_cancel"],
        ST["quarantined"],
        ST["cancelled"],
        5,
        R["dibatalkan: data tidak dapat diperbaiki"],
    )
    sup = rec["sup_by"] >= 0
    t_sup = np.where(sup, rec["created"][np.maximum(rec["sup_by"], 0)], -1)
    add(
        sup,
        t_sup,
        ST["queued"],
        ST["superseded"],
        A_INGEST,
        R["diganti data baru (PERUBAHAN_DATA)"],
    )
    for a in range(MAX_ATTEMPTS + 1):
        live = att["sched"][a] >= 0
        add(live, att["sched"][a], ST["queued"], ST["scheduled"], A_FLOW, R["dijadwalkan"])
        cause = att["cause"][a]
        printed = att["print"][a] >= 0
        add(printed, att["print"][a], ST["scheduled"], ST["printed"], A_FLOW, R["kartu dicetak"])
        spoiled = cause >= 0
        back = np.where(a + 1 >= MAX_ATTEMPTS, ST["needs_attention"], ST["queued"])
        at_print = spoiled & (cause < 2)
        reason = np.where(
            cause == 0, R["kartu rusak (pita bermasalah)"], R["kartu rusak (chip gagal ditulis)"]
        )
        add(at_print, att["spoil"][a], ST["scheduled"], back, A_FLOW, reason)
        add(
            spoiled & (cause == 2),
            att["spoil"][a],
            ST["printed"],
            back,
            OPERATORS,
            R["ditolak QC (rusak fisik)"],
        )
        add(att["qc"][a] >= 0, att["qc"][a], ST["printed"], ST["ready"], OPERATORS, R["lolos QC"])
    good, s = rec["good"], np.maximum(rec["ship"], 0)
    add(good, ship["packed"][s], ST["ready"], ST["packed"], OPERATORS, R["dikemas"])
    add(good, ship["dispatched"][s], ST["packed"], ST["dispatched"], OPERATORS, R["dikirim"])
    add(good, rec["t_at_kec"], ST["dispatched"], ST["received"], OPERATORS, R["diterima kecamatan"])
    add(good, rec["t_collected"], ST["received"], ST["collected"], OPERATORS, R["diambil pemohon"])
    ev = Columns()
    for i, name in enumerate(("rid", "at", "frm", "to", "actor", "reason")):
        ev[name] = np.concatenate([p[i] for p in parts])
    order = np.lexsort((ev["rid"], ev["at"]))  # by time, then record: ids are chronological
    for name in list(ev.cols):
        ev[name] = ev[name][order]
    return ev


def _actors(rng: np.random.Generator, actor: object, n: int) -> np.ndarray:
    if isinstance(actor, np.ndarray):
        return rng.choice(actor, size=n)
    return np.full(n, actor, dtype=np.int8)


def _final_states(rec: Columns, ev: Columns, att: Columns, now: int) -> None:
    n = len(rec["cat"])
    order = np.lexsort((ev["at"], ev["rid"]))
    rid_sorted = ev["rid"][order]
    last = order[np.r_[rid_sorted[1:] != rid_sorted[:-1], True]]
    rec["state"] = np.empty(n, dtype=np.int8)
    rec["state"][ev["rid"][last]] = ev["to"][last]
    rec["updated"] = np.empty(n, dtype=np.int64)
    rec["updated"][ev["rid"][last]] = ev["at"][last]
    spoiled = (att["spoil"] >= 0) & (att["spoil"] <= now)
    rec["attempts"] = spoiled.sum(axis=0)
    idx = np.arange(n)
    last_print = att["print"][np.maximum(rec["last"], 0), idx]
    rec["printed_at"] = np.where(
        rec["good"] & (last_print >= 0) & (last_print <= now), last_print, -1
    )


# --- cards ------------------------------------------------------------------------------------


def _cards(rec: Columns, att: Columns, ship: Columns, now: int) -> Columns:
    """One card per attempt whose blank was taken by ``now``, ids in order of taking."""
    a_idx, r_idx = np.nonzero((att["card"] >= 0) & (att["card"] <= now))
    created = att["card"][a_idx, r_idx]
    order = np.argsort(created, kind="stable")
    a_idx, r_idx, created = a_idx[order], r_idx[order], created[order]
    c = Columns()
    c["rid"], c["attempt"], c["created"] = r_idx, a_idx + 1, created

    def happened(t: np.ndarray) -> np.ndarray:
        return np.where((t >= 0) & (t <= now), t, -1)

    printed = happened(att["print"][a_idx, r_idx])
    qc = happened(att["qc"][a_idx, r_idx])
    spoil = happened(att["spoil"][a_idx, r_idx])
    cause = att["cause"][a_idx, r_idx]
    s = rec["ship"][r_idx]
    is_good = rec["good"][r_idx] & (rec["last"][r_idx] == a_idx)
    packed = happened(np.where(is_good, ship["packed"][np.maximum(s, 0)], -1))
    dispatched = happened(np.where(is_good, ship["dispatched"][np.maximum(s, 0)], -1))
    at_kec = happened(np.where(is_good, rec["t_at_kec"][r_idx], -1))
    collected = happened(np.where(is_good, rec["t_collected"][r_idx], -1))
    state = np.full(len(r_idx), CS["submitted"], dtype=np.int8)
    for t, name in (
        (printed, "printed"),
        (qc, "passed"),
        (packed, "packed"),
        (dispatched, "dispatched"),
        (at_kec, "received"),
        (collected, "collected"),
        (spoil, "spoiled"),
    ):
        state[t >= 0] = CS[name]
    c["state"], c["printed"], c["qc"], c["spoil"] = state, printed, qc, spoil
    c["cause"] = np.where(spoil >= 0, cause, -1)
    c["ship"] = np.where(packed >= 0, s, -1)
    c["received"], c["collected"] = at_kec, collected
    c["sched"] = att["sched"][a_idx, r_idx]
    return c


# --- the blank ledger -------------------------------------------------------------------------

LOT_EVERY_DAYS = 14
DESTROY_EVERY_DAYS = 91


def _ledger(
    rng: np.random.Generator, cal: _Calendar, cards: Columns, now: int, days: int
) -> tuple[Columns, Columns, Columns]:
    """Lots received every two weeks, each topping up for its fortnight; FIFO blanks per card;
    spoiled blanks destroyed quarterly under a berita acara, every quarter of every year."""
    lot_days = np.arange(0, days, LOT_EVERY_DAYS)
    received = cal.at(cal.work[lot_days], 9.5 + rng.uniform(0, 1.0, len(lot_days)))
    lot_days, received = lot_days[received <= now], received[received <= now]
    received[0] = min(received[0], int(cards["created"][0]) - HOUR) if len(cards) else received[0]
    bounds = np.append(received[1:], now + 1)
    per_window = np.searchsorted(cards["created"], bounds) - np.searchsorted(
        cards["created"], received
    )
    # Each lot tops the stock up to the fortnight's use plus a margin (3 % and 100 blanks),
    # in hundreds: the spare does not pile up, so the stock on hand looks the same after
    # six years as after one. The fortnight under way is planned at the recent rate.
    plan = per_window.copy()
    if len(plan) > 1:
        plan[-1] = max(plan[-1], int(plan[-5:-1].mean()))
    need = np.cumsum(plan) + np.ceil(plan * 0.03 + 100).astype(np.int64)
    quantity = np.empty(len(per_window), dtype=np.int64)
    supplied = 0
    for k, target in enumerate(need.tolist()):
        quantity[k] = max(100, -(-(target - supplied) // 100) * 100)
        supplied += int(quantity[k])
    lots = Columns()
    lots["received"], lots["quantity"] = received, quantity
    lots["first_serial"] = 500_001 + np.cumsum(quantity) - quantity
    cum = np.cumsum(quantity)
    card_no = np.arange(len(cards))
    cards["lot"] = np.searchsorted(cum, card_no, side="right")
    cards["serial"] = lots["first_serial"][cards["lot"]] + card_no - (cum - quantity)[cards["lot"]]

    # Stock never runs out: each lot is received before its first blank is taken.
    if len(cards) and (received[cards["lot"]] > cards["created"]).any():
        raise AssertionError("a card took a blank from a lot not yet received")

    # Destruction days: the first working day of each quarter after the first (the last
    # day of history, today, is left for the next one).
    d_days = cal.work[np.arange(DESTROY_EVERY_DAYS, days - 1, DESTROY_EVERY_DAYS)]
    d_at = cal.at(d_days, 10.0)
    d_at = d_at[d_at <= now]
    destructions = Columns()
    destructions["at"] = d_at

    spoiled = np.flatnonzero(cards["spoil"] >= 0)
    n_cards, n_spoiled, n_lots = len(cards), len(spoiled), len(received)
    which = np.searchsorted(d_at, cards["spoil"][spoiled], side="right")
    destroyed = which < len(d_at)
    destructions["quantity"] = np.bincount(which[destroyed], minlength=len(d_at))
    # kinds: 0 RECEIVED, 1 CONSUMED, 2 unconsume (CONSUMED +1), 3 SPOILED, 4 DESTROYED
    m = Columns()
    m["kind"] = np.concatenate(
        [
            np.zeros(n_lots, np.int8),
            np.ones(n_cards, np.int8),
            np.full(n_spoiled, 2, np.int8),
            np.full(n_spoiled, 3, np.int8),
            np.full(int(destroyed.sum()), 4, np.int8),
        ]
    )
    spoil_at = cards["spoil"][spoiled]
    m["at"] = np.concatenate(
        [received, cards["created"], spoil_at, spoil_at + 1, d_at[which[destroyed]]]
    )
    m["card"] = np.concatenate([np.full(n_lots, -1), card_no, spoiled, spoiled, spoiled[destroyed]])
    m["lot"] = np.concatenate([np.arange(n_lots), cards["lot"][m["card"][n_lots:]]])
    m["destruction"] = np.concatenate(
        [np.full(len(m["kind"]) - int(destroyed.sum()), -1), which[destroyed]]
    )
    order = np.argsort(m["at"], kind="stable")
    for key in list(m.cols):
        m[key] = m[key][order]
    m["id"] = np.arange(1, len(order) + 1)
    consume_id = np.zeros(n_cards, np.int64)
    spoil_id = np.zeros(n_cards, np.int64)
    kind, card = m["kind"], m["card"]
    consume_id[card[kind == 1]] = m["id"][kind == 1]
    spoil_id[card[kind == 3]] = m["id"][kind == 3]
    m["refers"] = np.where(
        kind == 2,
        consume_id[np.maximum(card, 0)],
        np.where(kind == 4, spoil_id[np.maximum(card, 0)], -1),
    )
    delta = np.array([0, -1, 1, -1, 0])[kind]
    delta[kind == 0] = quantity[m["lot"][kind == 0]]
    m["delta_on_hand"] = delta
    m["delta_spoiled"] = np.array([0, 0, 0, 1, -1])[kind]
    lots["on_hand"] = np.bincount(m["lot"], weights=m["delta_on_hand"], minlength=n_lots)
    lots["awaiting"] = np.bincount(m["lot"], weights=m["delta_spoiled"], minlength=n_lots)
    return lots, m, destructions


# --- print jobs and shipments -----------------------------------------------------------------


def _jobs(cards: Columns, rec: Columns, att: Columns, now: int) -> Columns:
    """One job per kecamatan per printing day on one printer; its records as items."""
    a_idx, r_idx = np.nonzero((att["sched"] >= 0) & (att["sched"] <= now))
    sched = att["sched"][a_idx, r_idx]
    day = sched // DAY
    key = day * 100 + rec["kec"][r_idx]
    keys, inverse = np.unique(key, return_inverse=True)
    jobs = Columns()
    jobs["key"] = keys
    jobs["kec"] = keys % 100
    jobs["printer"] = (keys // 100 * 7 + keys % 100) % PRINTERS
    jobs["created"] = np.full(len(keys), np.iinfo(np.int64).max)
    np.minimum.at(jobs["created"], inverse, sched - 5 * MINUTE)
    finished = att["print"][a_idx, r_idx]
    finished = np.where(finished < 0, att["spoil"][a_idx, r_idx], finished)
    done = (finished >= 0) & (finished <= now)
    jobs["finished"] = np.full(len(keys), -1, dtype=np.int64)
    np.maximum.at(jobs["finished"], inverse, np.where(done, finished, -1))
    open_items = np.bincount(inverse, weights=~done, minlength=len(keys))
    jobs["running"] = open_items > 0
    # Items: a record once per job, in order of scheduling.
    pair = np.unique(inverse.astype(np.int64) * (len(rec["cat"]) + 1) + r_idx)
    jobs["item_job"] = pair // (len(rec["cat"]) + 1)
    jobs["item_rid"] = pair % (len(rec["cat"]) + 1)
    jobs["planned"] = np.bincount(jobs["item_job"], minlength=len(keys))
    card_key = (cards["sched"] // DAY) * 100 + rec["kec"][cards["rid"]]
    cards["job"] = np.searchsorted(keys, card_key)
    cards["printer"] = jobs["printer"][cards["job"]]
    printed = (cards["printed"] >= 0) & (cards["state"] != CS["spoiled"])
    jobs["printed"] = np.bincount(cards["job"], weights=printed, minlength=len(keys))
    jobs["spoiled"] = np.bincount(
        cards["job"], weights=cards["state"] == CS["spoiled"], minlength=len(keys)
    )
    return jobs


def _shipments(ship: Columns, cards: Columns, rec: Columns, now: int) -> tuple[Columns, Columns]:
    packed = ship["packed"] <= now
    keep = np.flatnonzero(packed)
    s = Columns()
    for key in ship.cols:
        s[key] = ship[key][keep]
    s["dispatched"] = np.where(s["dispatched"] <= now, s["dispatched"], -1)
    s["received"] = np.where(s["received"] <= now, s["received"], -1)
    s["old_index"] = keep
    new_index = np.full(len(ship["packed"]), -1)
    new_index[keep] = np.arange(len(keep))
    cards["ship"] = np.where(cards["ship"] >= 0, new_index[np.maximum(cards["ship"], 0)], -1)
    s["cards"] = np.bincount(cards["ship"][cards["ship"] >= 0], minlength=len(keep))
    d = Columns()
    on_card = np.flatnonzero((cards["ship"] >= 0) & rec["missing"][cards["rid"]])
    ship_of = cards["ship"][on_card]
    reported = s["received"][ship_of] >= 0
    on_card, ship_of = on_card[reported], ship_of[reported]
    d["card"], d["ship"] = on_card, ship_of
    d["opened"] = s["received"][ship_of]
    found = rec["t_found"][cards["rid"][on_card]]
    d["resolved"] = np.where(found <= now, found, -1)
    return s, d
