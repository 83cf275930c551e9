"""Recording devices and coverage: the rules, as plain functions with no I/O (issue 14).

Before a card there is a recording (perekaman): a resident's photo, fingerprints and iris
taken on a recording device (alat perekaman) at a kecamatan office, at the Disdukcapil or
on a mobile jemput bola kit. Central de-duplicates the recordings and sends the survivors
as print-ready records (PRR). These functions say which device states may follow which,
where residents of a kecamatan without a working device record instead, how coverage and
the recording-to-PRR lead time are counted, which kecamatan need a jemput bola visit
first, and how the regency's CSV files are read.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Generic, TypeVar

T = TypeVar("T")


class DeviceState(StrEnum):
    """States of a recording device (``RecordingDevice.state``): a contract."""

    BERFUNGSI = "berfungsi"  # working
    RUSAK = "rusak"  # broken, nobody repairing yet
    DALAM_PERBAIKAN = "dalam_perbaikan"  # reported and being repaired
    DIGANTI = "diganti"  # replaced by another device (terminal)
    DIHAPUS = "dihapus"  # written off (terminal)


class Cause(StrEnum):
    """Why a device broke (the causes the regencies' reports name)."""

    PETIR = "petir"
    LUPA_KATA_SANDI = "lupa_kata_sandi"
    LISTRIK_LEMAH = "listrik_lemah"
    JARINGAN = "jaringan"
    PERANGKAT_KERAS = "perangkat_keras"
    PERANGKAT_LUNAK = "perangkat_lunak"
    LAINNYA = "lainnya"


class RepairBy(StrEnum):
    """Who repairs a device."""

    SENDIRI = "sendiri"  # the regency's own staff
    PUSAT = "pusat"  # central (Ditjen Dukcapil)
    VENDOR = "vendor"


class PlaceKind(StrEnum):
    """Where a device belongs."""

    KECAMATAN = "kecamatan"
    DISDUKCAPIL = "disdukcapil"
    JEMPUT_BOLA = "jemput_bola"  # a mobile kit


D = DeviceState

#: Every move a device may make; a state missing from the keys' values is terminal.
ALLOWED: Mapping[DeviceState, frozenset[DeviceState]] = {
    D.BERFUNGSI: frozenset({D.RUSAK, D.DIHAPUS}),
    D.RUSAK: frozenset({D.DALAM_PERBAIKAN, D.BERFUNGSI, D.DIGANTI, D.DIHAPUS}),
    D.DALAM_PERBAIKAN: frozenset({D.BERFUNGSI, D.RUSAK, D.DIGANTI, D.DIHAPUS}),
    D.DIGANTI: frozenset(),
    D.DIHAPUS: frozenset(),
}

#: States in which a device no longer counts for its place.
GONE: frozenset[DeviceState] = frozenset({D.DIGANTI, D.DIHAPUS})
#: States of a device that is out of order but still the place's own.
DOWN: frozenset[DeviceState] = frozenset({D.RUSAK, D.DALAM_PERBAIKAN})

DISDUKCAPIL = "DISDUKCAPIL"  # the Disdukcapil as a place in the distance table
FIRST_YEAR = 2011  # e-KTP recording began in 2011
MAX_WAJIB_KTP = 5_000_000  # people of recording age in one kecamatan: more is a typo
MAX_DAILY_RECORDINGS = 20_000  # recordings in one kecamatan in one day
MAX_KM = 1_000


def may_move(current: DeviceState, wanted: DeviceState) -> bool:
    return wanted in ALLOWED[current]


# --- places --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Place:
    kind: PlaceKind
    kode_kecamatan: str | None = None  # set for a kecamatan office (and a kit's home base)

    @property
    def key(self) -> str:
        """How the place is written in the distance table and the CLI."""
        if self.kind is PlaceKind.DISDUKCAPIL:
            return DISDUKCAPIL
        if self.kind is PlaceKind.JEMPUT_BOLA:
            return "JEMPUT_BOLA" + (f":{self.kode_kecamatan}" if self.kode_kecamatan else "")
        assert self.kode_kecamatan is not None
        return self.kode_kecamatan


_KODE = re.compile(r"^\d{2}\.\d{2}\.\d{2}$")


def parse_place(text: str, kecamatan: Mapping[str, str]) -> Place | None:
    """A place from what staff type: ``33.10.01`` or ``Juwiring`` (a kecamatan of the
    regency), ``disdukcapil``, ``jemput-bola`` or ``jemput-bola:33.10.01`` (a kit based
    at a kecamatan). None when it is none of these."""
    given = " ".join(text.split())
    lowered = given.lower().replace("_", "-").replace(" ", "-")
    if lowered in {"disdukcapil", "dinas"}:
        return Place(PlaceKind.DISDUKCAPIL)
    if lowered.startswith("jemput-bola"):
        rest = given[len("jemput-bola") :].lstrip(":").strip()
        if not rest:
            return Place(PlaceKind.JEMPUT_BOLA)
        base = find_kecamatan(rest, kecamatan)
        return None if base is None else Place(PlaceKind.JEMPUT_BOLA, base)
    kode = find_kecamatan(given, kecamatan)
    return None if kode is None else Place(PlaceKind.KECAMATAN, kode)


def find_kecamatan(text: str, kecamatan: Mapping[str, str]) -> str | None:
    """The code of a kecamatan given by code or by name (any case); None if unknown."""
    given = " ".join(text.split())
    if given in kecamatan:
        return given
    by_name = {name.casefold(): kode for kode, name in kecamatan.items()}
    return by_name.get(given.casefold())


def check_year(year: int, today: date) -> bool:
    """A plausible year of procurement: from 2011 to this year."""
    return FIRST_YEAR <= year <= today.year


# --- where residents record while their kecamatan cannot ---------------------------------


@dataclass(frozen=True, slots=True)
class Alternative:
    """Where residents of a kecamatan without a working device record instead."""

    kode_kecamatan: str
    to: str  # a kecamatan code, or DISDUKCAPIL
    km: float | None  # None when the distance table does not know it


def alternative(
    kode: str,
    working: Iterable[str],
    distances: Mapping[tuple[str, str], float],
    *,
    disdukcapil_works: bool = True,
) -> Alternative:
    """The nearest place with a working device for residents of ``kode``: a kecamatan in
    ``working`` or the Disdukcapil, by the regency's distance table (either direction).
    With no known distance, the Disdukcapil (the regency's own office is always open)."""

    def km(a: str, b: str) -> float | None:
        return distances.get((a, b), distances.get((b, a)))

    options: list[tuple[float, int, str]] = []
    for other in sorted(set(working) - {kode}):
        d = km(kode, other)
        if d is not None:
            options.append((d, 1, other))
    if disdukcapil_works:
        d = km(kode, DISDUKCAPIL)
        if d is not None:
            options.append((d, 0, DISDUKCAPIL))
    if not options:
        return Alternative(kode, DISDUKCAPIL, None)
    best = min(options)
    return Alternative(kode, best[2], best[0])


# --- coverage ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Report:
    """One figure of the recording report: recordings of one day, or the total to a day."""

    tanggal: date
    jumlah: int
    kumulatif: bool = False


def recorded_until(reports: Iterable[Report], until: date | None = None) -> int | None:
    """Recordings of a kecamatan up to ``until`` (all when None) from its reports: the
    latest cumulative figure, plus the daily figures after it. None with no report."""
    chosen = [r for r in reports if until is None or r.tanggal <= until]
    if not chosen:
        return None
    base_day: date | None = None
    base = 0
    for r in chosen:
        if r.kumulatif and (base_day is None or r.tanggal > base_day):
            base_day, base = r.tanggal, r.jumlah
    daily = sum(
        r.jumlah for r in chosen if not r.kumulatif and (base_day is None or r.tanggal > base_day)
    )
    return base + daily


def coverage(recorded: int, wajib_ktp: int | None) -> float | None:
    """Recording coverage, recorded / wajib KTP (0-1, may pass 1 when the target is stale);
    None without a target."""
    if not wajib_ktp:
        return None
    return recorded / wajib_ktp


def quantile(values: Sequence[float], q: float) -> float | None:
    """The ``q`` quantile (0-1) by linear interpolation between closest ranks; None if
    there are no values."""
    if not values:
        return None
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q
    low, high = math.floor(pos), math.ceil(pos)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


@dataclass(frozen=True, slots=True)
class LeadTime:
    """Days from recording to the PRR's arrival, for one kecamatan."""

    count: int
    median: float | None
    p90: float | None


def lead_time(days: Sequence[float]) -> LeadTime:
    return LeadTime(len(days), quantile(days, 0.5), quantile(days, 0.9))


@dataclass(frozen=True, slots=True)
class Funnel:
    """One kecamatan's way from recording to a card in the resident's hand."""

    kode_kecamatan: str
    kecamatan: str
    wajib_ktp: int | None
    terekam: int  # recorded (the report's figure, at least the PRR received)
    prr: int  # PRR received
    dicetak: int  # cards printed
    diambil: int  # cards collected
    alat_berfungsi: int
    alat_rusak: int
    menunggu_prr: int = 0  # recorded more than N days ago and no PRR yet
    belum_diambil: int = 0  # cards at the kecamatan waiting for their resident

    @property
    def cakupan_rekam(self) -> float | None:
        return coverage(self.terekam, self.wajib_ktp)


def waiting_for_prr(recorded_by_cutoff: int | None, prr_recorded_by_cutoff: int) -> int:
    """Recordings made up to the cut-off day that no PRR has answered yet."""
    if recorded_by_cutoff is None:
        return 0
    return max(0, recorded_by_cutoff - prr_recorded_by_cutoff)


# --- where to go next ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Ranked:
    kode_kecamatan: str
    kecamatan: str
    score: float  # 0-1, higher: go there first
    reasons: tuple[str, ...]  # reason codes: low_coverage, no_device, devices_down, uncollected


#: Weights of the jemput bola ranking: recording coverage first, then devices, then cards
#: waiting to be collected.
WEIGHTS = {"coverage": 0.5, "devices": 0.3, "uncollected": 0.2}
LOW_COVERAGE = 0.9  # below this a kecamatan's coverage is called low


def rank_jemput_bola(funnels: Iterable[Funnel]) -> list[Ranked]:
    """Kecamatan ranked for a jemput bola visit: low recording coverage, no working device
    (or part of its devices down) and cards uncollected, each scaled to 0-1 and weighted.
    Ties go by code; a kecamatan with nothing to fix scores 0 and comes last."""
    rows = list(funnels)
    most_uncollected = max((f.belum_diambil for f in rows), default=0)
    ranked: list[Ranked] = []
    for f in rows:
        reasons: list[str] = []
        cov = f.cakupan_rekam
        gap = 0.0 if cov is None else max(0.0, 1.0 - min(cov, 1.0))
        if cov is not None and cov < LOW_COVERAGE:
            reasons.append("low_coverage")
        total = f.alat_berfungsi + f.alat_rusak
        if total and f.alat_berfungsi == 0:
            down = 1.0
            reasons.append("no_device")
        elif f.alat_rusak:
            down = f.alat_rusak / total
            reasons.append("devices_down")
        else:
            down = 0.0
        waiting = f.belum_diambil / most_uncollected if most_uncollected else 0.0
        if f.belum_diambil:
            reasons.append("uncollected")
        score = (
            WEIGHTS["coverage"] * gap + WEIGHTS["devices"] * down + WEIGHTS["uncollected"] * waiting
        )
        ranked.append(Ranked(f.kode_kecamatan, f.kecamatan, round(score, 4), tuple(reasons)))
    ranked.sort(key=lambda r: (-r.score, r.kode_kecamatan))
    return ranked


# --- the regency's CSV files -------------------------------------------------------------

TARGET_HEADER = ("kode_kecamatan", "semester", "wajib_ktp")
RECORDING_HEADER = ("kode_kecamatan", "tanggal", "jumlah_rekam")
DISTANCE_HEADER = ("dari", "ke", "km")


@dataclass(frozen=True, slots=True)
class RowProblem:
    """What is wrong with one row of an imported file (``problem`` is a code the message
    catalogue says in words)."""

    line: int  # the file's line number (the header is line 1)
    column: str
    value: str
    problem: str  # unknown_kecamatan, not_a_number, negative, too_large, bad_semester,
    # future_semester, bad_date, future_date, too_old, duplicate, missing_value


@dataclass(frozen=True, slots=True)
class Target:
    kode_kecamatan: str
    semester: str  # "2026-2"
    wajib_ktp: int


@dataclass(frozen=True, slots=True)
class Recording:
    kode_kecamatan: str
    tanggal: date
    jumlah: int


@dataclass(frozen=True, slots=True)
class Distance:
    dari: str
    ke: str
    km: float


@dataclass(slots=True)
class Parsed(Generic[T]):
    rows: list[T] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    header: tuple[str, ...] | None = None  # set when the header is wrong: what it was


_SEMESTER = re.compile(r"^(\d{4})[-/ ]?(?:S|SEMESTER ?)?([12])$", re.IGNORECASE)


def parse_semester(text: str) -> tuple[int, int] | None:
    """``2026-1``, ``2026-2`` (also ``2026/1``, ``2026-S2``) as (year, half)."""
    m = _SEMESTER.match(text.strip())
    return None if m is None else (int(m.group(1)), int(m.group(2)))


def semester_of(day: date) -> str:
    return f"{day.year}-{1 if day.month <= 6 else 2}"


def semester_start(year: int, half: int) -> date:
    return date(year, 1 if half == 1 else 7, 1)


def _table(
    text: str, header: tuple[str, ...]
) -> tuple[list[tuple[int, list[str]]], tuple[str, ...] | None]:
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    rows = [(reader.line_num, row) for row in reader if any(cell.strip() for cell in row)]
    if not rows:
        return [], ()
    got = tuple(c.strip().lower() for c in rows[0][1])
    if got != header:
        return [], got
    return rows[1:], None


def _int(value: str) -> int | None:
    v = (
        value.strip().replace(".", "")
        if re.fullmatch(r"\d{1,3}(\.\d{3})+", value.strip())
        else value.strip()
    )
    return int(v) if re.fullmatch(r"-?\d+", v) else None


def parse_date(value: str) -> date | None:
    """``2026-12-02`` or ``02-12-2026`` (also with slashes)."""
    v = value.strip()
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", v)
    try:
        if m:
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        m = re.fullmatch(r"(\d{1,2})[-/](\d{1,2})[-/](\d{4})", v)
        if m:
            return date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
    except ValueError:
        return None
    return None


def _count(
    problems: list[RowProblem], line: int, column: str, value: str, limit: int
) -> int | None:
    n = _int(value)
    problem = (
        "missing_value"
        if not value.strip()
        else "not_a_number"
        if n is None
        else "negative"
        if n < 0
        else "too_large"
        if n > limit
        else None
    )
    if problem:
        problems.append(RowProblem(line, column, value.strip(), problem))
        return None
    return n


def _width(row: list[str], size: int) -> list[str]:
    return (row + [""] * size)[:size] if len(row) <= size else row


def parse_targets(text: str, kecamatan: Mapping[str, str], today: date) -> Parsed[Target]:
    """The regency's wajib KTP figures, ``kode_kecamatan,semester,wajib_ktp``. Every row is
    checked; the caller stores nothing when ``problems`` or ``header`` is set."""
    parsed: Parsed[Target] = Parsed()
    body, wrong = _table(text, TARGET_HEADER)
    if wrong is not None:
        parsed.header = wrong
        return parsed
    seen: dict[tuple[str, str], int] = {}
    for line, raw in body:
        if len(raw) > len(TARGET_HEADER):
            parsed.problems.append(RowProblem(line, "", ",".join(raw), "extra_columns"))
            continue
        kode_text, sem_text, n_text = _width(raw, 3)
        kode = find_kecamatan(kode_text, kecamatan)
        if kode is None:
            parsed.problems.append(
                RowProblem(line, "kode_kecamatan", kode_text.strip(), "unknown_kecamatan")
            )
        sem = parse_semester(sem_text)
        if sem is None:
            parsed.problems.append(RowProblem(line, "semester", sem_text.strip(), "bad_semester"))
        elif semester_start(*sem) > today:
            parsed.problems.append(
                RowProblem(line, "semester", sem_text.strip(), "future_semester")
            )
            sem = None
        elif sem[0] < FIRST_YEAR:
            parsed.problems.append(RowProblem(line, "semester", sem_text.strip(), "too_old"))
            sem = None
        n = _count(parsed.problems, line, "wajib_ktp", n_text, MAX_WAJIB_KTP)
        if kode is None or sem is None or n is None:
            continue
        key = (kode, f"{sem[0]}-{sem[1]}")
        if key in seen:
            parsed.problems.append(RowProblem(line, "kode_kecamatan", kode, "duplicate"))
            continue
        seen[key] = line
        parsed.rows.append(Target(kode, key[1], n))
    return parsed


def parse_recordings(
    text: str, kecamatan: Mapping[str, str], today: date, *, kumulatif: bool = False
) -> Parsed[Recording]:
    """The recording report, ``kode_kecamatan,tanggal,jumlah_rekam``: recordings of each
    day, or with ``kumulatif`` the total recorded up to that day."""
    parsed: Parsed[Recording] = Parsed()
    body, wrong = _table(text, RECORDING_HEADER)
    if wrong is not None:
        parsed.header = wrong
        return parsed
    limit = MAX_WAJIB_KTP if kumulatif else MAX_DAILY_RECORDINGS
    seen: set[tuple[str, date]] = set()
    for line, raw in body:
        if len(raw) > len(RECORDING_HEADER):
            parsed.problems.append(RowProblem(line, "", ",".join(raw), "extra_columns"))
            continue
        kode_text, day_text, n_text = _width(raw, 3)
        kode = find_kecamatan(kode_text, kecamatan)
        if kode is None:
            parsed.problems.append(
                RowProblem(line, "kode_kecamatan", kode_text.strip(), "unknown_kecamatan")
            )
        day = parse_date(day_text)
        if day is None:
            parsed.problems.append(RowProblem(line, "tanggal", day_text.strip(), "bad_date"))
        elif day > today:
            parsed.problems.append(RowProblem(line, "tanggal", day_text.strip(), "future_date"))
            day = None
        elif day.year < FIRST_YEAR:
            parsed.problems.append(RowProblem(line, "tanggal", day_text.strip(), "too_old"))
            day = None
        n = _count(parsed.problems, line, "jumlah_rekam", n_text, limit)
        if kode is None or day is None or n is None:
            continue
        if (kode, day) in seen:
            parsed.problems.append(RowProblem(line, "tanggal", day_text.strip(), "duplicate"))
            continue
        seen.add((kode, day))
        parsed.rows.append(Recording(kode, day, n))
    return parsed


def parse_distances(text: str, kecamatan: Mapping[str, str]) -> Parsed[Distance]:
    """The regency's distance table, ``dari,ke,km``: kecamatan codes or names, or
    ``DISDUKCAPIL``; km a positive number (``12,5`` or ``12.5``)."""
    parsed: Parsed[Distance] = Parsed()
    body, wrong = _table(text, DISTANCE_HEADER)
    if wrong is not None:
        parsed.header = wrong
        return parsed
    seen: set[frozenset[str]] = set()
    for line, raw in body:
        if len(raw) > len(DISTANCE_HEADER):
            parsed.problems.append(RowProblem(line, "", ",".join(raw), "extra_columns"))
            continue
        a_text, b_text, km_text = _width(raw, 3)
        ends: list[str] = []
        for column, value in (("dari", a_text), ("ke", b_text)):
            if value.strip().upper() == DISDUKCAPIL:
                ends.append(DISDUKCAPIL)
                continue
            kode = find_kecamatan(value, kecamatan)
            if kode is None:
                parsed.problems.append(RowProblem(line, column, value.strip(), "unknown_kecamatan"))
            else:
                ends.append(kode)
        try:
            km = float(km_text.strip().replace(",", "."))
        except ValueError:
            km = math.nan
        if not math.isfinite(km):
            parsed.problems.append(RowProblem(line, "km", km_text.strip(), "not_a_number"))
            continue
        if km <= 0 or km > MAX_KM:
            parsed.problems.append(
                RowProblem(line, "km", km_text.strip(), "not_positive" if km <= 0 else "too_large")
            )
            continue
        if len(ends) != 2:
            continue
        pair = frozenset(ends)
        if len(pair) != 2:
            parsed.problems.append(RowProblem(line, "ke", b_text.strip(), "same_place"))
            continue
        if pair in seen:
            parsed.problems.append(RowProblem(line, "ke", b_text.strip(), "duplicate"))
            continue
        seen.add(pair)
        parsed.rows.append(Distance(ends[0], ends[1], km))
    return parsed
