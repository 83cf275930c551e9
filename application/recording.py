"""Recording devices and coverage per kecamatan (issue 14): use cases and read models.

The use cases are audited like every other (``application.actions.perform``); the read
models join the recording side (devices, the regency's targets and recording reports)
with what Cetak already knows from the PRR on (records, cards, collections), so one
table answers "recorded, PRR, printed, collected" per kecamatan.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session

from application.actions import Who, perform, signature
from cetak.access import Action
from cetak.clock import day_start_utc, local_date
from cetak.installation import ServedRegency, load_installation, require_kecamatan
from cetak.lifecycle import RecordState
from cetak.models import Record
from printers.cards import CardState
from printers.models import Card
from recording import service
from recording.errors import (
    BadChoice,
    BadCount,
    BadDate,
    BadYear,
    ImportRefused,
    RecordingError,
    UnknownPlace,
    UnreadableFile,
)
from recording.models import FlashDiskDelivery, RecordingDevice
from recording.rules import (
    DISDUKCAPIL,
    DISTANCE_HEADER,
    DOWN,
    FIRST_YEAR,
    RECORDING_HEADER,
    TARGET_HEADER,
    Alternative,
    Cause,
    DeviceState,
    Funnel,
    LeadTime,
    Parsed,
    PlaceKind,
    Ranked,
    RepairBy,
    Report,
    alternative,
    check_year,
    find_kecamatan,
    lead_time,
    parse_date,
    parse_distances,
    parse_place,
    parse_recordings,
    parse_semester,
    parse_targets,
    rank_jemput_bola,
    recorded_until,
    waiting_for_prr,
)

#: Recordings older than this many days without a PRR are called waiting (a setting:
#: ``CETAK_RECORDING_WAIT_DAYS``).
DEFAULT_WAIT_DAYS = 30


def _choice(kind: type[Cause] | type[RepairBy], what: str, given: str) -> Any:
    word = given.strip().lower().replace("-", "_").replace(" ", "_")
    try:
        return kind(word)
    except ValueError:
        raise BadChoice(what, given, [m.value for m in kind]) from None


def cause_of(given: str) -> Cause:
    return _choice(Cause, "penyebab", given)  # type: ignore[no-any-return]


def repairer_of(given: str) -> RepairBy:
    return _choice(RepairBy, "perbaikan oleh", given)  # type: ignore[no-any-return]


def _served(session: Session) -> ServedRegency:
    return load_installation(session.get_bind())  # type: ignore[arg-type]


# --- devices -------------------------------------------------------------------------------


def add_device(
    engine: Engine, actor: Who, kode: str, place: str, year: int | None = None
) -> RecordingDevice:
    def work(session: Session) -> RecordingDevice:
        served = _served(session)
        where = parse_place(place, served.kecamatan)
        if where is None:
            raise UnknownPlace(place, served.kabupaten)
        if year is not None and not check_year(year, served.today()):
            raise BadYear(year, FIRST_YEAR, served.today().year)
        return service.add_device(
            session, kode=kode, place=where, year=year, actor=signature(actor)
        )

    return perform(
        engine,
        actor,
        Action.RECORDING,
        "device_add",
        work,
        target=kode.strip(),
        detail={"place": place.strip(), "year": year},
    )


def _move(
    engine: Engine,
    actor: Who,
    name: str,
    kode: str,
    wanted: DeviceState,
    detail: dict[str, Any],
    **facts: Any,
) -> RecordingDevice:
    return perform(
        engine,
        actor,
        Action.RECORDING,
        name,
        lambda session: service.move_device(session, kode, wanted, actor=signature(actor), **facts),
        target=kode.strip(),
        detail={k: v for k, v in detail.items() if v is not None},
    )


def device_broken(
    engine: Engine, actor: Who, kode: str, cause: str, note: str | None = None
) -> RecordingDevice:
    why = cause_of(cause)
    return _move(
        engine,
        actor,
        "device_broken",
        kode,
        DeviceState.RUSAK,
        {"cause": why.value, "note": note},
        cause=why,
        note=note,
    )


def device_repairing(
    engine: Engine,
    actor: Who,
    kode: str,
    by: str,
    reported_on: date | None = None,
    note: str | None = None,
) -> RecordingDevice:
    who = repairer_of(by)
    _check_day(engine, "tanggal lapor ke pusat", reported_on)
    return _move(
        engine,
        actor,
        "device_repairing",
        kode,
        DeviceState.DALAM_PERBAIKAN,
        {"by": who.value, "reported_on": reported_on and reported_on.isoformat()},
        repair_by=who,
        reported_on=reported_on,
        note=note,
    )


def device_repaired(
    engine: Engine, actor: Who, kode: str, by: str | None = None, note: str | None = None
) -> RecordingDevice:
    who = repairer_of(by) if by else None
    return _move(
        engine,
        actor,
        "device_repaired",
        kode,
        DeviceState.BERFUNGSI,
        {"by": who and who.value, "note": note},
        repair_by=who,
        note=note,
    )


def device_removed(
    engine: Engine, actor: Who, kode: str, note: str | None = None
) -> RecordingDevice:
    return _move(
        engine, actor, "device_removed", kode, DeviceState.DIHAPUS, {"note": note}, note=note
    )


def device_replaced(
    engine: Engine,
    actor: Who,
    kode: str,
    new_kode: str,
    year: int | None = None,
    note: str | None = None,
) -> RecordingDevice:
    def work(session: Session) -> RecordingDevice:
        served = _served(session)
        if year is not None and not check_year(year, served.today()):
            raise BadYear(year, FIRST_YEAR, served.today().year)
        return service.replace_device(
            session, kode, new_kode, year=year, actor=signature(actor), note=note
        )

    return perform(
        engine,
        actor,
        Action.RECORDING,
        "device_replaced",
        work,
        target=kode.strip(),
        detail={"new": new_kode.strip(), "year": year},
    )


def _check_day(engine: Engine, what: str, day: date | None) -> None:
    if day is None:
        return
    today = load_installation(engine).today()
    if day > today or day.year < FIRST_YEAR:
        raise BadDate(what, day.isoformat())


# --- imports -------------------------------------------------------------------------------


def _read(path: Path) -> str:
    try:
        return path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise UnreadableFile(path.name, "not_found") from None
    except IsADirectoryError:
        raise UnreadableFile(path.name, "directory") from None
    except UnicodeDecodeError:
        raise UnreadableFile(path.name, "not_utf8") from None
    except OSError as exc:
        raise UnreadableFile(path.name, type(exc).__name__) from None


def _refuse(name: str, parsed: Parsed[Any], expected: tuple[str, ...]) -> None:
    if parsed.header is not None:
        raise ImportRefused(name, header=parsed.header, expected=expected)
    if parsed.problems:
        raise ImportRefused(
            name,
            problems=[(p.line, p.column, p.value, p.problem) for p in parsed.problems],
        )


@dataclass(frozen=True, slots=True)
class Imported:
    file: str
    rows: int


def _import(
    engine: Engine,
    actor: Who,
    path: Path,
    name: str,
    parse: Callable[[str, ServedRegency], Parsed[Any]],
    header: tuple[str, ...],
    store: Callable[[Session, list[Any]], int],
    *,
    allow_empty: bool = False,
    detail: dict[str, Any] | None = None,
) -> Imported:
    """One of the regency's files: read (never changed), every row checked, then stored
    whole in one audited unit, or refused whole naming the rows."""
    text = _read(path)
    parsed = parse(text, load_installation(engine))
    _refuse(path.name, parsed, header)
    if not parsed.rows and not allow_empty:
        raise ImportRefused(path.name, problems=[(1, "", "", "empty")])
    return perform(
        engine,
        actor,
        Action.RECORDING,
        name,
        lambda session: Imported(path.name, store(session, parsed.rows)),
        target=path.name,
        detail=detail,
        result_detail=lambda r: {"rows": r.rows},
    )


def import_targets(engine: Engine, actor: Who, path: Path) -> Imported:
    """Wajib KTP per kecamatan and semester from the regency's CSV."""
    return _import(
        engine,
        actor,
        path,
        "coverage_targets_import",
        lambda text, served: parse_targets(text, served.kecamatan, served.today()),
        TARGET_HEADER,
        lambda session, rows: service.store_targets(session, rows, actor=signature(actor)),
    )


def import_recordings(
    engine: Engine, actor: Who, path: Path, *, kumulatif: bool = False
) -> Imported:
    """The recording report: recordings per day, or (``kumulatif``) totals to a day."""
    return _import(
        engine,
        actor,
        path,
        "coverage_recordings_import",
        lambda text, served: parse_recordings(
            text, served.kecamatan, served.today(), kumulatif=kumulatif
        ),
        RECORDING_HEADER,
        lambda session, rows: service.store_recordings(
            session, rows, kumulatif=kumulatif, actor=signature(actor)
        ),
        detail={"kumulatif": kumulatif},
    )


def import_distances(engine: Engine, actor: Who, path: Path) -> Imported:
    """The regency's distance table (replaces the one held)."""
    return _import(
        engine,
        actor,
        path,
        "recording_distances_import",
        lambda text, served: parse_distances(text, served.kecamatan),
        DISTANCE_HEADER,
        lambda session, rows: service.store_distances(session, rows),
        allow_empty=True,
    )


# --- flash-disk deliveries ---------------------------------------------------------------

MAX_FLASHDISK_RECORDINGS = 50_000


def flashdisk_received(
    engine: Engine,
    actor: Who,
    *,
    kecamatan: str,
    jumlah: int,
    carried_by: str,
    received_by: str,
    recorded_from: date | None = None,
    recorded_to: date | None = None,
    note: str | None = None,
) -> FlashDiskDelivery:
    if jumlah <= 0 or jumlah > MAX_FLASHDISK_RECORDINGS:
        raise BadCount("jumlah rekaman", jumlah, MAX_FLASHDISK_RECORDINGS)
    _check_day(engine, "tanggal rekam awal", recorded_from)
    _check_day(engine, "tanggal rekam akhir", recorded_to)

    def work(session: Session) -> FlashDiskDelivery:
        served = _served(session)
        kode = find_kecamatan(kecamatan, served.kecamatan) or kecamatan.strip()
        require_kecamatan(session, kode)
        return service.receive_flashdisk(
            session,
            kode_kecamatan=kode,
            jumlah=jumlah,
            carried_by=carried_by.strip(),
            received_by=received_by.strip(),
            recorded_from=recorded_from,
            recorded_to=recorded_to,
            note=note,
            actor=signature(actor),
        )

    return perform(
        engine,
        actor,
        Action.RECORDING,
        "flashdisk_received",
        work,
        target=kecamatan.strip(),
        detail={"jumlah": jumlah},
        result_detail=lambda d: {"id": d.id},
    )


def flashdisk_sent(engine: Engine, actor: Who, delivery_id: int) -> FlashDiskDelivery:
    return perform(
        engine,
        actor,
        Action.RECORDING,
        "flashdisk_sent",
        lambda session: service.send_flashdisk(session, delivery_id, sent_by=signature(actor)),
        target=str(delivery_id),
    )


# --- read models ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DeviceRow:
    kode: str
    place: str  # the place as written: a kecamatan code, DISDUKCAPIL or JEMPUT_BOLA[:kode]
    place_kind: str
    kode_kecamatan: str | None
    kecamatan: str | None
    year: int | None
    state: str
    since: date  # the regency's date the current state began
    cause: str | None
    repair_by: str | None
    reported_on: date | None
    note: str | None
    days_in_state: int

    @property
    def place_label(self) -> str:
        """Where the device is, as staff read it: ``Kec. Juwiring``, ``Disdukcapil``."""
        if self.place_kind == PlaceKind.DISDUKCAPIL:
            return "Disdukcapil"
        if self.place_kind == PlaceKind.JEMPUT_BOLA:
            return "Jemput bola" + (f" (Kec. {self.kecamatan})" if self.kecamatan else "")
        return f"Kec. {self.kecamatan or self.kode_kecamatan}"

    def as_json(self) -> dict[str, Any]:
        row = asdict(self)
        for key in ("since", "reported_on"):
            row[key] = row[key].isoformat() if row[key] else None
        return row


def device_rows(engine: Engine, *, include_gone: bool = False) -> list[DeviceRow]:
    served = load_installation(engine)
    today = served.today()
    with Session(engine) as session:
        found = service.devices(session, include_gone=include_gone)
    rows = []
    for d in found:
        since = local_date(d.since, served.timezone)
        place = (
            DISDUKCAPIL
            if d.place_kind == PlaceKind.DISDUKCAPIL
            else "JEMPUT_BOLA" + (f":{d.kode_kecamatan}" if d.kode_kecamatan else "")
            if d.place_kind == PlaceKind.JEMPUT_BOLA
            else d.kode_kecamatan or ""
        )
        rows.append(
            DeviceRow(
                kode=d.kode,
                place=place,
                place_kind=d.place_kind,
                kode_kecamatan=d.kode_kecamatan,
                kecamatan=served.kecamatan.get(d.kode_kecamatan or ""),
                year=d.year,
                state=d.state,
                since=since,
                cause=d.cause,
                repair_by=d.repair_by,
                reported_on=d.reported_on,
                note=d.note,
                days_in_state=max(0, (today - since).days),
            )
        )
    return rows


@dataclass(frozen=True, slots=True)
class KecamatanDevices:
    """Whether a kecamatan office can record today, and where its residents go if not."""

    kode_kecamatan: str
    kecamatan: str
    working: int
    down: int
    can_record: bool
    down_since: date | None  # since when none works (the latest breakdown of the last one)
    causes: tuple[str, ...]
    repair_by: tuple[str, ...]
    record_at: Alternative | None  # set when it cannot record


def kecamatan_devices(engine: Engine) -> list[KecamatanDevices]:
    """Each kecamatan of the regency with at least one device: working and down devices
    and, where none works, the nearest place to record instead."""
    served = load_installation(engine)
    rows = device_rows(engine)
    with Session(engine) as session:
        table = service.distances(session)
    per: dict[str, list[DeviceRow]] = defaultdict(list)
    disdukcapil_works = True
    disdukcapil_devices = [r for r in rows if r.place_kind == PlaceKind.DISDUKCAPIL]
    if disdukcapil_devices:
        disdukcapil_works = any(r.state == DeviceState.BERFUNGSI for r in disdukcapil_devices)
    for r in rows:
        if r.place_kind == PlaceKind.KECAMATAN and r.kode_kecamatan:
            per[r.kode_kecamatan].append(r)
    working_places = {
        kode for kode, devs in per.items() if any(d.state == DeviceState.BERFUNGSI for d in devs)
    }
    result = []
    for kode in sorted(per):
        devs = per[kode]
        working = sum(d.state == DeviceState.BERFUNGSI for d in devs)
        down_devs = [d for d in devs if d.state in DOWN]
        can = working > 0
        result.append(
            KecamatanDevices(
                kode_kecamatan=kode,
                kecamatan=served.kecamatan.get(kode, kode),
                working=working,
                down=len(down_devs),
                can_record=can,
                down_since=None if can else max((d.since for d in down_devs), default=None),
                causes=tuple(sorted({d.cause for d in down_devs if d.cause})),
                repair_by=tuple(sorted({d.repair_by for d in down_devs if d.repair_by})),
                record_at=None
                if can
                else alternative(kode, working_places, table, disdukcapil_works=disdukcapil_works),
            )
        )
    return result


@dataclass(frozen=True, slots=True)
class CoverageRow:
    funnel: Funnel
    semester: str | None  # the target's semester
    lead: LeadTime

    def as_json(self) -> dict[str, Any]:
        f = self.funnel
        return {
            "kode_kecamatan": f.kode_kecamatan,
            "kecamatan": f.kecamatan,
            "wajib_ktp": f.wajib_ktp,
            "terekam": f.terekam,
            "prr": f.prr,
            "dicetak": f.dicetak,
            "diambil": f.diambil,
            "cakupan_rekam": None if f.cakupan_rekam is None else round(f.cakupan_rekam, 4),
            "alat_berfungsi": f.alat_berfungsi,
            "alat_rusak": f.alat_rusak,
            "semester": self.semester,
            "menunggu_prr": f.menunggu_prr,
            "belum_diambil": f.belum_diambil,
            "lead_time_median_hari": self.lead.median,
            "lead_time_p90_hari": self.lead.p90,
        }


_PRINTED = [
    s.value
    for s in (
        CardState.PRINTED,
        CardState.PASSED,
        CardState.PACKED,
        CardState.DISPATCHED,
        CardState.RECEIVED,
        CardState.COLLECTED,
        CardState.RETURNED,
        CardState.LOST,
    )
]
_NOT_PRR = [RecordState.QUARANTINED.value, RecordState.SUPERSEDED.value]
LEAD_WINDOW_DAYS = 365  # lead times are counted over PRR that arrived in the last year
R: sa.Table = Record.__table__  # type: ignore[attr-defined]
C: sa.Table = Card.__table__  # type: ignore[attr-defined]


def _targets_now(session: Session, today: date) -> dict[str, tuple[str, int]]:
    """The latest wajib KTP figure per kecamatan whose semester has begun."""
    best: dict[str, tuple[tuple[int, int], str, int]] = {}
    for t in service.targets(session):
        sem = parse_semester(t.semester)
        if sem is None or sem > (today.year, 1 if today.month <= 6 else 2):
            continue
        held = best.get(t.kode_kecamatan)
        if held is None or sem > held[0]:
            best[t.kode_kecamatan] = (sem, t.semester, t.wajib_ktp)
    return {k: (v[1], v[2]) for k, v in best.items()}


def coverage_rows(
    engine: Engine, *, wait_days: int = DEFAULT_WAIT_DAYS, today: date | None = None
) -> list[CoverageRow]:
    """One row per kecamatan of the regency: target, recorded, PRR, printed, collected,
    devices, recordings waiting for a PRR longer than ``wait_days`` and the lead time."""
    served = load_installation(engine)
    today = today or served.today()
    cutoff = today - timedelta(days=wait_days)
    devices = {k.kode_kecamatan: k for k in kecamatan_devices(engine)}
    with Session(engine) as session:
        targets = _targets_now(session, today)
        reports: dict[str, list[Report]] = defaultdict(list)
        for r in service.reports(session):
            reports[r.kode_kecamatan].append(Report(r.tanggal, r.jumlah, r.kumulatif))
        not_prr = R.c.state.in_(_NOT_PRR)
        prr = dict(
            session.execute(
                sa.select(R.c.kode_kecamatan, sa.func.count())
                .where(sa.not_(not_prr))
                .group_by(R.c.kode_kecamatan)
            ).all()
        )
        prr_by_cutoff = dict(
            session.execute(
                sa.select(R.c.kode_kecamatan, sa.func.count())
                .where(sa.not_(not_prr), R.c.tanggal_rekam <= cutoff.isoformat())
                .group_by(R.c.kode_kecamatan)
            ).all()
        )

        def cards_in(states: list[str]) -> Any:
            return sa.func.count(sa.distinct(C.c.record_id)).filter(C.c.state.in_(states))

        card_rows = session.execute(
            sa.select(
                R.c.kode_kecamatan,
                cards_in(_PRINTED),
                cards_in([CardState.COLLECTED.value]),
                cards_in([CardState.RECEIVED.value]),
            )
            .select_from(C.join(R, C.c.record_id == R.c.id))
            .group_by(R.c.kode_kecamatan)
        ).all()
        cards = {k: (int(p), int(c), int(w)) for k, p, c, w in card_rows}
        since = day_start_utc(today - timedelta(days=LEAD_WINDOW_DAYS), served.timezone)
        leads: dict[str, list[float]] = defaultdict(list)
        for kode, rekam, arrived in session.execute(
            sa.select(R.c.kode_kecamatan, R.c.tanggal_rekam, R.c.created_at).where(
                sa.not_(not_prr), R.c.created_at >= since
            )
        ):
            recorded = parse_date(rekam or "")
            if recorded is None:
                continue
            leads[kode].append(max(0, (local_date(arrived, served.timezone) - recorded).days))
    rows = []
    for kode, name in sorted(served.kecamatan.items()):
        reported = recorded_until(reports.get(kode, []))
        received = int(prr.get(kode, 0))
        printed, collected, waiting = cards.get(kode, (0, 0, 0))
        dev = devices.get(kode)
        target = targets.get(kode)
        funnel = Funnel(
            kode_kecamatan=kode,
            kecamatan=name,
            wajib_ktp=target[1] if target else None,
            terekam=max(reported or 0, received),
            prr=received,
            dicetak=printed,
            diambil=collected,
            alat_berfungsi=dev.working if dev else 0,
            alat_rusak=dev.down if dev else 0,
            menunggu_prr=waiting_for_prr(
                recorded_until(reports.get(kode, []), cutoff), int(prr_by_cutoff.get(kode, 0))
            ),
            belum_diambil=waiting,
        )
        rows.append(
            CoverageRow(funnel, target[0] if target else None, lead_time(leads.get(kode, [])))
        )
    return rows


def jemput_bola_ranking(engine: Engine, *, wait_days: int = DEFAULT_WAIT_DAYS) -> list[Ranked]:
    return rank_jemput_bola(r.funnel for r in coverage_rows(engine, wait_days=wait_days))


def jemput_bola_lines(
    engine: Engine, *, wait_days: int = DEFAULT_WAIT_DAYS, limit: int = 10
) -> tuple[tuple[str, int, str], ...]:
    """The ranking as the uncollected report prints it: name, score 0-100, reasons."""
    from cetak.labels import JEMPUT_BOLA_REASON

    return tuple(
        (r.kecamatan, round(r.score * 100), ", ".join(JEMPUT_BOLA_REASON[x] for x in r.reasons))
        for r in jemput_bola_ranking(engine, wait_days=wait_days)[:limit]
        if r.score > 0
    )


def flashdisk_rows(
    engine: Engine, *, kecamatan: str | None = None, waiting_only: bool = False
) -> list[FlashDiskDelivery]:
    with Session(engine) as session:
        kode = None
        if kecamatan:
            served = _served(session)
            kode = find_kecamatan(kecamatan, served.kecamatan) or kecamatan.strip()
            require_kecamatan(session, kode)
        return service.flashdisk_deliveries(session, kode_kecamatan=kode, waiting_only=waiting_only)


def coverage_totals(rows: list[CoverageRow]) -> Mapping[str, int]:
    return {
        "wajib_ktp": sum(r.funnel.wajib_ktp or 0 for r in rows),
        "terekam": sum(r.funnel.terekam for r in rows),
        "prr": sum(r.funnel.prr for r in rows),
        "dicetak": sum(r.funnel.dicetak for r in rows),
        "diambil": sum(r.funnel.diambil for r in rows),
    }


# --- papers --------------------------------------------------------------------------------


class NothingToReport(RecordingError):
    """No kecamatan lacks a working device (no letter or notice to make)."""

    code = "recording.nothing_broken"


def _papers(engine: Engine, settings: Any) -> tuple[ServedRegency, Any, Any, Any]:
    from inventory.paperwork import kepala_dinas, kepala_seksi, office

    served = load_installation(engine)
    return served, office(served, settings), kepala_seksi(settings), kepala_dinas(settings)


def coverage_report(engine: Engine, settings: Any, month: date) -> Path:
    """The monthly coverage report (laporan cakupan perekaman dan pencetakan KTP-el per
    kecamatan) of ``month``: figures as they stand now; a month not yet over is dated
    today and marked SEMENTARA."""
    from inventory.paperwork import keep_pdf, month_bounds
    from papers.documents.recording import CoverageLine, CoverageReport, render_coverage_report

    served, office, seksi, dinas = _papers(engine, settings)
    first, last = month_bounds(month)
    today = served.today()
    rows = coverage_rows(engine, wait_days=settings.recording_wait_days, today=min(today, last))
    number = f"LCP-{served.kode_wilayah.replace('.', '')}-{first:%Y-%m}"
    doc = CoverageReport(
        number=number,
        office=office,
        year=first.year,
        month=first.month,
        dated=min(today, last),
        provisional=today <= last,
        lines=tuple(
            CoverageLine(
                kecamatan=r.funnel.kecamatan,
                wajib_ktp=r.funnel.wajib_ktp,
                terekam=r.funnel.terekam,
                prr=r.funnel.prr,
                dicetak=r.funnel.dicetak,
                diambil=r.funnel.diambil,
                belum_diambil=r.funnel.belum_diambil,
                alat_berfungsi=r.funnel.alat_berfungsi,
                alat_rusak=r.funnel.alat_rusak,
                lead_median=r.lead.median,
            )
            for r in rows
        ),
        prepared_by=seksi,
        approved_by=dinas,
    )
    path = settings.documents_dir / "laporan-cakupan" / f"{number}.pdf"
    return keep_pdf(engine, settings, path, render_coverage_report(doc), "laporan-cakupan")


def device_letter(engine: Engine, settings: Any) -> Path:
    """The letter to central asking to repair or replace every device out of order, with
    its cause and how long it has been down."""
    from inventory.paperwork import keep_pdf
    from papers.documents.recording import BrokenDevice, DeviceLetter, render_device_letter

    served, office, _seksi, dinas = _papers(engine, settings)
    down = [r for r in device_rows(engine) if r.state in DOWN]
    if not down:
        raise NothingToReport()
    today = served.today()
    number = f"ALAT-{served.kode_wilayah.replace('.', '')}-{today:%Y%m%d}"
    doc = DeviceLetter(
        number=number,
        office=office,
        dated=today,
        devices=tuple(
            BrokenDevice(
                kode=r.kode,
                place=r.place_label,
                year=r.year,
                since=r.since,
                days_down=r.days_in_state,
                cause=r.cause,
                repair_by=r.repair_by,
                reported_on=r.reported_on,
                note=r.note,
            )
            for r in sorted(down, key=lambda r: (r.since, r.kode))
        ),
        signer=dinas,
    )
    path = settings.documents_dir / "surat-alat" / f"{number}.pdf"
    return keep_pdf(engine, settings, path, render_device_letter(doc), "surat-alat")


def recording_notice(engine: Engine, settings: Any) -> Path:
    """The notice (pengumuman) of where residents of each kecamatan that cannot record go
    instead."""
    from inventory.paperwork import keep_pdf
    from papers.documents.recording import Closed, RecordingNotice, render_recording_notice

    served, office, _seksi, dinas = _papers(engine, settings)
    closed = [k for k in kecamatan_devices(engine) if not k.can_record]
    if not closed:
        raise NothingToReport()
    today = served.today()
    number = f"PENG-{served.kode_wilayah.replace('.', '')}-{today:%Y%m%d}"

    def where(alt: Alternative | None) -> str:
        if alt is None or alt.to == DISDUKCAPIL:
            return str(office.dinas)
        return f"Kantor Kecamatan {served.kecamatan.get(alt.to, alt.to)}"

    doc = RecordingNotice(
        number=number,
        office=office,
        dated=today,
        closed=tuple(
            Closed(
                kecamatan=k.kecamatan,
                since=k.down_since or today,
                causes=k.causes,
                record_at=where(k.record_at),
                km=k.record_at.km if k.record_at else None,
            )
            for k in closed
        ),
        signer=dinas,
    )
    path = settings.documents_dir / "pengumuman" / f"{number}.pdf"
    return keep_pdf(engine, settings, path, render_recording_notice(doc), "pengumuman")
