"""Rationing: who is printed first when blanks cannot cover the queue (issue 15, a pure
module: plain data in, plain data out, standard library only).

Since 2023 central sends fewer blanks than the queue needs. The office then prints by a
policy, a versioned setting the section head changes: an ordered list of priority
classes, each matching records by ``jenis_permohonan``, an approved urgent flag or the
resident's age (a first card at 17), and an ageing period. Ditjen's own list (2020) is the
default: urgent flags first, then first cards (``BARU``), then replacements (``RUSAK``,
``HILANG``), then changes of data (``PERUBAHAN_DATA``).

Order of service. A record's class is the first class it matches (its rank: 0 is served
first). Every ``ageing_days`` of waiting lifts it one rank, down to 0. Records are served by
effective rank, then oldest first (``queued_at``, then ``record_id``).

No starvation. A record of rank ``k`` reaches rank 0 after ``k * ageing_days`` days. From then
on only records that are older than it can be served before it (every record at rank 0 is
served oldest first, and a record at a higher rank never passes one at rank 0). So with a
supply of ``s`` blanks a day, a record waits at most ``k * ageing_days`` days plus the days to
serve the records queued before it: :func:`wait_bound` (the property test checks it).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

#: The kinds of application in the PRR feed (``jenis_permohonan``).
JENIS = ("BARU", "PERUBAHAN_DATA", "RUSAK", "HILANG")
#: Why an operator flags a record urgent (approved by a supervisor).
URGENT_REASONS = ("bencana", "lansia", "sakit", "pemilu", "pendidikan", "pekerjaan", "lainnya")
MAX_CLASSES = 12
MAX_AGEING_DAYS = 365


@dataclass(frozen=True, slots=True)
class RationClass:
    """One priority class: records matching every condition that is set."""

    kode: str  # "mendesak", "baru", ...: a short code, shown with ``nama``
    nama: str  # what staff read: "KTP-el pertama"
    jenis: frozenset[str] = frozenset()  # empty: any kind
    mendesak: bool | None = None  # True: only records with an approved urgent flag
    usia_maks: int | None = None  # only residents at most this old when queued (17: pemula)

    def matches(self, record: RationRecord) -> bool:
        if self.jenis and record.jenis_permohonan not in self.jenis:
            return False
        if self.mendesak is not None and record.urgent != self.mendesak:
            return False
        if self.usia_maks is not None and (record.age is None or record.age > self.usia_maks):
            return False
        return True

    @property
    def catch_all_for(self) -> frozenset[str]:
        """The kinds this class takes whatever the flag and the age (its unconditional part)."""
        if self.mendesak is not None or self.usia_maks is not None:
            return frozenset()
        return self.jenis or frozenset(JENIS)


@dataclass(frozen=True, slots=True)
class RationPolicy:
    classes: tuple[RationClass, ...]
    ageing_days: int  # each this many days of waiting lifts a record one class
    version: int = 0  # 0: not stored yet (the default)

    def rank(self, record: RationRecord) -> int:
        """The record's class index (records no class matches go last)."""
        for i, c in enumerate(self.classes):
            if c.matches(record):
                return i
        return len(self.classes)

    def effective_rank(self, record: RationRecord, now: datetime) -> int:
        waited = max(0, (now - record.queued_at).days)
        return max(0, self.rank(record) - waited // self.ageing_days)


@dataclass(frozen=True, slots=True)
class RationRecord:
    """What rationing needs to know of a queued record."""

    record_id: int
    jenis_permohonan: str
    queued_at: datetime
    urgent: bool = False  # an approved urgent flag
    age: int | None = None  # the resident's age in whole years when queued


DEFAULT_POLICY = RationPolicy(
    classes=(
        RationClass("mendesak", "Mendesak (disetujui kepala seksi)", mendesak=True),
        RationClass("baru", "KTP-el pertama", frozenset({"BARU"})),
        RationClass("pengganti", "Pengganti rusak atau hilang", frozenset({"RUSAK", "HILANG"})),
        RationClass("perubahan", "Perubahan data", frozenset({"PERUBAHAN_DATA"})),
    ),
    ageing_days=30,
)


def order(queue: Iterable[RationRecord], policy: RationPolicy, now: datetime) -> list[RationRecord]:
    """The queue in the order rationing serves it."""
    return sorted(queue, key=lambda r: (policy.effective_rank(r, now), r.queued_at, r.record_id))


def select(
    queue: Sequence[RationRecord], n: int, policy: RationPolicy, now: datetime
) -> list[RationRecord]:
    """The ``n`` records rationing prints now (never more than ``n``)."""
    if n <= 0:
        return []
    return order(queue, policy, now)[:n]


def is_short(blanks: int, in_transit: int, waiting: int) -> bool:
    """Blanks on hand plus those confirmed and due within the lead time cannot cover the
    waiting queue: rationing applies. With plenty the plan is the ordinary one."""
    return blanks + in_transit < waiting


def wait_bound(rank: int, ageing_days: int, older_waiting: int, supply_per_day: int) -> int:
    """The most days a record of class ``rank`` waits, with ``older_waiting`` records queued
    before it still waiting and ``supply_per_day`` blanks a day (see the module docstring)."""
    if supply_per_day <= 0:
        raise ValueError("no supply: no bound")
    return rank * ageing_days + -(-(older_waiting + 1) // supply_per_day)


# --- per class, for the page and ``cetak ration show`` ---------------------------------------


@dataclass(frozen=True, slots=True)
class ClassQueue:
    kode: str
    nama: str
    waiting: int
    oldest_days: int | None
    served_by: date | None  # projected date the last of the class is served, at this supply


def per_class(
    queue: Sequence[RationRecord],
    policy: RationPolicy,
    now: datetime,
    *,
    supply_per_day: float,
    on_hand: int = 0,
) -> list[ClassQueue]:
    """How many wait in each class, the oldest wait, and the day the whole class is served
    (None when it never is): the first ``on_hand`` records today, the rest at
    ``supply_per_day`` blanks a day, assuming no new arrivals."""
    ranked = order(queue, policy, now)
    last_position: dict[int, int] = {}
    counts: dict[int, int] = {}
    oldest: dict[int, int] = {}
    for position, r in enumerate(ranked, start=1):
        k = policy.rank(r)
        last_position[k] = position
        counts[k] = counts.get(k, 0) + 1
        waited = max(0, (now - r.queued_at).days)
        oldest[k] = max(oldest.get(k, 0), waited)
    result = []
    names = [(c.kode, c.nama) for c in policy.classes] + [("lainnya", "Lainnya")]
    for k, (kode, nama) in enumerate(names):
        if k == len(policy.classes) and not counts.get(k):
            continue
        served = None
        beyond = last_position.get(k, 0) - max(0, on_hand)
        if counts.get(k) and beyond <= 0:
            served = now.date()
        elif counts.get(k) and supply_per_day > 0:
            served = (now + timedelta(days=math.ceil(beyond / supply_per_day))).date()
        result.append(
            ClassQueue(
                kode, nama, counts.get(k, 0), oldest.get(k), served if counts.get(k) else None
            )
        )
    return result


# --- the policy file -----------------------------------------------------------------------


def parse_policy(data: dict[str, Any]) -> tuple[RationPolicy | None, list[tuple[str, Any]]]:
    """A policy from a TOML/YAML mapping::

        penuaan_hari = 30
        [[kelas]]
        kode = "mendesak"
        nama = "Mendesak"
        mendesak = true
        [[kelas]]
        kode = "baru"
        nama = "KTP-el pertama"
        jenis = ["BARU"]

    Returns the policy, or None and the problems: unknown keys or kinds, a class no record
    can reach (every record it matches is taken by an earlier class), a kind no class takes.
    """
    problems: list[tuple[str, Any]] = []
    allowed_top = {"penuaan_hari", "kelas"}
    for key in data:
        if key not in allowed_top:
            problems.append(("unknown_key", key))
    ageing = data.get("penuaan_hari")
    if (
        not isinstance(ageing, int)
        or isinstance(ageing, bool)
        or not 1 <= ageing <= MAX_AGEING_DAYS
    ):
        problems.append(("bad_ageing", ageing))
    raw = data.get("kelas")
    if not isinstance(raw, list) or not raw:
        problems.append(("no_classes", None))
        return None, problems
    if len(raw) > MAX_CLASSES:
        problems.append(("too_many_classes", len(raw)))
    classes: list[RationClass] = []
    seen: set[str] = set()
    for i, item in enumerate(raw, start=1):
        if not isinstance(item, dict):
            problems.append(("bad_class", i))
            continue
        for key in item:
            if key not in {"kode", "nama", "jenis", "mendesak", "usia_maks"}:
                problems.append(("unknown_class_key", (i, key)))
        kode = item.get("kode")
        if not isinstance(kode, str) or not kode.strip() or len(kode) > 30:
            problems.append(("bad_class_code", i))
            continue
        if kode in seen:
            problems.append(("duplicate_class", kode))
        seen.add(kode)
        nama = item.get("nama", kode)
        jenis = item.get("jenis", [])
        if isinstance(jenis, str):
            jenis = [jenis]
        if not isinstance(jenis, list) or any(j not in JENIS for j in jenis):
            problems.append(("unknown_jenis", (kode, jenis)))
            jenis = []
        mendesak = item.get("mendesak")
        if mendesak is not None and not isinstance(mendesak, bool):
            problems.append(("bad_flag", kode))
            mendesak = None
        usia = item.get("usia_maks")
        if usia is not None and (
            not isinstance(usia, int) or isinstance(usia, bool) or not 0 < usia < 130
        ):
            problems.append(("bad_age", (kode, usia)))
            usia = None
        classes.append(RationClass(kode, str(nama), frozenset(jenis), mendesak, usia))
    if problems:
        return None, problems
    policy = RationPolicy(tuple(classes), int(ageing))  # type: ignore[arg-type]
    problems += reachability(policy)
    return (None, problems) if problems else (policy, [])


def _probes() -> list[RationRecord]:
    """One record of every kind of resident a class can tell apart."""
    epoch = datetime(2000, 1, 1, tzinfo=UTC)
    return [
        RationRecord(0, jenis, epoch, urgent, age)
        for jenis in JENIS
        for urgent in (False, True)
        for age in (17, 40)
    ]


def reachability(policy: RationPolicy) -> list[tuple[str, Any]]:
    """A class that no resident reaches, and kinds of resident no class takes."""
    problems: list[tuple[str, Any]] = []
    reached = {policy.rank(r) for r in _probes()}
    for i, c in enumerate(policy.classes):
        if i not in reached:
            problems.append(("unreachable_class", c.kode))
    if len(policy.classes) in reached:
        left = sorted(
            {r.jenis_permohonan for r in _probes() if policy.rank(r) == len(policy.classes)}
        )
        problems.append(("unclassified", left))
    return problems
