"""Official documents of the stock: produced after the commit that justifies them.

A destruction report or a reorder request is committed first; its PDF is
written afterwards and its path recorded. A crash in between leaves the row
without a path, and the next run writes the same (deterministic) PDF: the
document appears once, never twice, and never for a change that rolled back.
Every PDF is also kept in the database (``cetak.storage``) before its path is
recorded, so any machine of the installation can serve it.
"""

from __future__ import annotations

import json
import os
import tempfile
from datetime import date, timedelta
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from cetak import storage
from cetak.clock import utc_bounds
from cetak.db import write_session
from cetak.installation import ServedRegency
from cetak.models import Record
from cetak.office import BLANK, OfficeProfile, Signer, file_name, load_profile
from cetak.privacy import mask_nik
from cetak.settings import Settings
from inventory.models import DestructionReport, Lot, Movement, ReorderRequest
from inventory.policy import SHORT_HISTORY_DAYS, usage_basis
from inventory.rules import Kind
from inventory.serials import lot_serials
from papers.documents import (
    DestructionReport as DestructionDoc,
)
from papers.documents import (
    JenisMonth,
    LotMonth,
    MonthlyReport,
    Office,
    Person,
    ReorderLetter,
    SpoiledCard,
    render_destruction_report,
    render_monthly_report,
    render_reorder_letter,
)

_MOV = Movement.__table__  # type: ignore[attr-defined]
_LOT = Lot.__table__  # type: ignore[attr-defined]


def office_profile(settings: Settings) -> OfficeProfile:
    """The office profile (``cetak office``) of the installation ``settings`` name; an
    empty profile where the database cannot say (not migrated yet)."""
    from cetak.db import engine_from_settings

    try:
        return load_profile(engine_from_settings(settings))
    except sa.exc.SQLAlchemyError:
        return OfficeProfile()


def office(
    served: ServedRegency, settings: Settings, profile: OfficeProfile | None = None
) -> Office:
    """The office as its papers show it: the profile's letterhead (issue 13); what is not
    set falls back to the settings, or shows a dotted line to fill by hand."""
    profile = profile if profile is not None else office_profile(settings)
    kop = profile.letterhead
    kota = kop["kota"] or served.kabupaten.removeprefix("Kabupaten ").removeprefix("Kota ")
    return Office(
        kabupaten=served.kabupaten,
        provinsi=served.provinsi,
        kode_wilayah=served.kode_wilayah,
        alamat=kop["alamat"] or settings.office_address or f"Alamat: {BLANK}",
        kota=kota,
        pemerintah=kop["pemerintah"],
        instansi=kop["dinas"] or "Dinas Kependudukan dan Pencatatan Sipil",
        telepon=kop["telepon"],
        email=kop["email"],
        laman=kop["laman"],
        logo=profile.logo,
    )


def _person(signer: Signer, settings: Settings) -> Person:
    """A signer of the profile; one not set there falls back to the settings' name and NIP
    (CETAK_KEPALA_SEKSI...), else dotted lines to fill by hand."""
    name, nip = signer.nama, signer.nip
    fallback = {
        "kepala_seksi": (settings.kepala_seksi, settings.kepala_seksi_nip),
        "kepala_dinas": (settings.kepala_dinas, settings.kepala_dinas_nip),
    }.get(signer.role)
    if fallback is not None:
        name = name or (fallback[0] if fallback[0].strip(". ") else "")
        nip = nip or fallback[1] or ""
    return Person(name=name, role=signer.title, nip=nip or None, pangkat=signer.pangkat)


def signer_of(document: str, settings: Settings, profile: OfficeProfile | None = None) -> Person:
    """Who signs ``document`` (``cetak.office.DOCUMENTS``), as the profile says."""
    profile = profile if profile is not None else office_profile(settings)
    return _person(profile.signs(document), settings)


def acknowledger_of(
    document: str, settings: Settings, profile: OfficeProfile | None = None
) -> Person | None:
    """Who acknowledges ``document`` ("Mengetahui,"), or None."""
    profile = profile if profile is not None else office_profile(settings)
    head = profile.knows(document)
    return _person(head, settings) if head is not None else None


def kepala_seksi(settings: Settings, profile: OfficeProfile | None = None) -> Person:
    """The section head, who prepares and signs the print room's documents."""
    profile = profile if profile is not None else office_profile(settings)
    return _person(profile.signer("kepala_seksi"), settings)


def kepala_dinas(settings: Settings, profile: OfficeProfile | None = None) -> Person:
    """The head of office, who signs letters and acknowledges reports."""
    profile = profile if profile is not None else office_profile(settings)
    return _person(profile.signer("kepala_dinas"), settings)


def write_pdf(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".doc-", suffix=".tmp")
    with os.fdopen(fd, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
    return path


def keep_pdf(engine: Engine, settings: Settings, path: Path, data: bytes, kind: str) -> Path:
    """Write the PDF at ``path`` as ``write_pdf`` does and keep the same bytes in the
    document store, named by its path under ``$CETAK_HOME``."""
    write_pdf(path, data)
    storage.keep(engine, path, data, kind=kind, home=settings.resolved_home)
    return path


def _destruction_doc(
    session: Session, report: DestructionReport, served: ServedRegency, settings: Settings
) -> DestructionDoc:
    destroyed = list(
        session.exec(  # type: ignore[call-overload]
            sa.select(Movement)
            .where(col(Movement.destruction_id) == report.id)
            .order_by(col(Movement.id))
        ).scalars()
    )
    spoiled_ids = [m.destroys_id for m in destroyed]
    spoiled = {
        m.id: m
        for m in session.exec(  # type: ignore[call-overload]
            sa.select(Movement).where(col(Movement.id).in_(spoiled_ids))
        ).scalars()
    }
    record_ids = [m.record_id for m in destroyed if m.record_id]
    niks: dict[int | None, str] = dict(
        session.execute(
            sa.select(col(Record.id), col(Record.nik)).where(col(Record.id).in_(record_ids))
        ).all()
    )
    cards = tuple(
        SpoiledCard(
            lot=m.lot_code,
            serial=m.serial or spoiled[m.destroys_id].serial,
            card_ref=m.card_ref,
            nik_masked=mask_nik(niks[m.record_id]) if m.record_id in niks else None,
            cause=m.cause or "RUSAK_FISIK",
            spoiled_on=served.now(spoiled[m.destroys_id].at).date(),
        )
        for m in destroyed
    )
    profile = load_profile(session)
    details = json.loads(report.details_json) if report.details_json else {}
    signer = signer_of("berita_acara_pemusnahan", settings, profile)

    def people(key: str, names: list[str], role: str) -> tuple[Person, ...]:
        rows = details.get(key) or [{"nama": n} for n in names]
        out = []
        for row in rows:
            if signer.name and row["nama"] == signer.name:  # the signing officer: as profiled
                out.append(signer)
                continue
            nip = row.get("nip") or None
            out.append(Person(name=row["nama"], role=row.get("jabatan") or role, nip=nip))
        return tuple(out)

    return DestructionDoc(
        number=report.number,
        office=office(served, settings, profile),
        held_on=report.held_on,
        place=report.place,
        cards=cards,
        officers=people("officers", json.loads(report.officers_json), "Petugas"),
        witnesses=people("witnesses", json.loads(report.witnesses_json), "Saksi"),
        method=details.get("method") or "dibakar",
        acknowledged_by=acknowledger_of("berita_acara_pemusnahan", settings, profile),
    )


def _letter_doc(
    request: ReorderRequest, served: ServedRegency, settings: Settings
) -> ReorderLetter:
    snap = json.loads(request.snapshot_json)
    facts, pos = snap["facts"], snap["position"]
    roman = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"]
    dated = date.fromisoformat(snap["today"])
    number = request.number
    if number.startswith("SPB-"):  # a request numbered before issue 13: its letter's number
        number = f"470/SPB-{number.rsplit('-', 1)[-1]}/{roman[dated.month - 1]}/{dated.year}"
    days = facts.get("usage_days")
    profile = office_profile(settings)
    return ReorderLetter(
        number=number,
        office=office(served, settings, profile),
        dated=dated,
        quantity=request.quantity,
        prr_backlog=facts["prr_backlog"],
        on_hand=facts["on_hand"],
        daily_consumption=facts["daily_consumption"],
        days_of_cover=pos["days_of_cover"],
        lead_time_days=facts["lead_time_days"],
        signer=signer_of("surat_permohonan_blangko", settings, profile),
        usage_days=days,  # absent from snapshots taken before it existed
        usage_basis=usage_basis(days) if days else "",
        short_history=days is not None and days < SHORT_HISTORY_DAYS,
        ikd_30d=facts.get("ikd_30d"),  # absent from snapshots taken before issue 15
        backlog_in_30d=facts.get("backlog_in_30d"),
        consumables=tuple(
            (str(c[0]), int(c[1]), int(c[2]), None if c[3] is None else float(c[3]))
            for c in facts.get("consumables", [])
        ),
    )


def produce_pending(engine: Engine, settings: Settings, served: ServedRegency) -> list[Path]:
    """Write every document whose row is committed but whose PDF is not recorded yet."""
    written: list[Path] = []
    with Session(engine) as session:
        reports = session.exec(
            select(DestructionReport).where(col(DestructionReport.pdf_path).is_(None))
        ).all()
        jobs: list[
            tuple[type[DestructionReport] | type[ReorderRequest], int | None, Path, bytes]
        ] = [
            (
                DestructionReport,
                r.id,
                settings.documents_dir / "berita-acara" / f"{file_name(r.number)}.pdf",
                render_destruction_report(_destruction_doc(session, r, served, settings)),
            )
            for r in reports
        ]
        requests = session.exec(
            select(ReorderRequest).where(
                col(ReorderRequest.letter_path).is_(None),
                ReorderRequest.state != "CANCELLED",
            )
        ).all()
        jobs += [
            (
                ReorderRequest,
                r.id,
                settings.documents_dir / "surat" / f"{file_name(r.number)}.pdf",
                render_reorder_letter(_letter_doc(r, served, settings)),
            )
            for r in requests
        ]
    for model, row_id, path, data in jobs:
        keep_pdf(
            engine, settings, path, data, "berita-acara" if model is DestructionReport else "surat"
        )
        column = "pdf_path" if model is DestructionReport else "letter_path"
        with write_session(engine) as session:
            session.execute(
                sa.update(model).where(col(model.id) == row_id).values({column: str(path)})
            )
        written.append(path)
    return written


def month_bounds(month: date) -> tuple[date, date]:
    first = month.replace(day=1)
    nxt = (first + timedelta(days=32)).replace(day=1)
    return first, nxt - timedelta(days=1)


def monthly_lots(session: Session, served: ServedRegency, month: date) -> list[LotMonth]:
    """Per lot: opening balance, the month's movements by kind and cause, closing balance.

    A lot's receipt counts in the month of its ``received_on`` date, not of the moment it
    was booked: a lot received on 30 November and booked on 2 December is November's.
    Every other movement counts in the month of its own time.
    """
    first, last = month_bounds(month)
    start, end = utc_bounds(served.timezone, first, last)
    receipt = sa.and_(_MOV.c.kind == Kind.RECEIVED.value, _LOT.c.received_on.is_not(None))
    ledger = _MOV.outerjoin(_LOT, _LOT.c.code == _MOV.c.lot_code)
    before = sa.or_(
        sa.and_(receipt, _LOT.c.received_on < first),
        sa.and_(sa.not_(receipt), _MOV.c.at < start),
    )
    within = sa.or_(
        sa.and_(receipt, _LOT.c.received_on >= first, _LOT.c.received_on <= last),
        sa.and_(sa.not_(receipt), _MOV.c.at >= start, _MOV.c.at < end),
    )
    opening = dict(
        session.execute(
            sa.select(_MOV.c.lot_code, sa.func.sum(_MOV.c.delta_on_hand))
            .select_from(ledger)
            .where(before)
            .group_by(_MOV.c.lot_code)
        ).all()
    )
    month_rows = session.execute(
        sa.select(
            _MOV.c.lot_code,
            _MOV.c.kind,
            _MOV.c.cause,
            sa.func.sum(_MOV.c.delta_on_hand),
            sa.func.sum(_MOV.c.delta_spoiled),
            sa.func.count(),
        )
        .select_from(ledger)
        .where(within)
        .group_by(_MOV.c.lot_code, _MOV.c.kind, _MOV.c.cause)
    ).all()
    lots = sorted({code for code in opening} | {r[0] for r in month_rows})
    received_on: dict[str, date] = dict(
        session.execute(sa.select(col(Lot.code), col(Lot.received_on))).all()
    )
    lots.sort(key=lambda c: (received_on.get(c, first), c))
    out = []
    for code in lots:
        by: dict[str, int] = {}
        spoiled: dict[str, int] = {}
        destroyed = lost = 0
        for lot_code, kind, cause, delta, spoil, rows in month_rows:
            if lot_code != code:
                continue
            by[kind] = by.get(kind, 0) + int(delta or 0)
            if kind == Kind.SPOILED:
                spoiled[cause or "RUSAK_FISIK"] = spoiled.get(cause or "RUSAK_FISIK", 0) + int(
                    spoil or 0
                )
            if kind == Kind.DESTROYED:
                destroyed += -int(spoil or 0)
            if kind == Kind.LOST:
                lost += int(rows)
        open_n = int(opening.get(code, 0) or 0)
        out.append(
            LotMonth(
                lot=code,
                opening=open_n,
                received=by.get(Kind.RECEIVED, 0),
                printed=-by.get(Kind.CONSUMED, 0),
                spoiled=spoiled,
                destroyed=destroyed,
                transferred_in=by.get(Kind.TRANSFER_IN, 0),
                transferred_out=-by.get(Kind.TRANSFER_OUT, 0),
                adjusted=by.get(Kind.ADJUSTMENT, 0),
                returned=-by.get(Kind.RETURNED, 0),
                closing=open_n + sum(by.values()),
                lost=lost,
            )
        )
    return out


def monthly_report(
    engine: Engine,
    settings: Settings,
    served: ServedRegency,
    month: date,
    awaiting: int,
    consumables: tuple[tuple[str, int, int, float | None], ...] = (),
) -> Path:
    """The monthly report of ``month``. A month not yet over is dated today and marked
    provisional (sementara); a finished month is dated its last day."""
    from inventory.ikd import total as ikd_total
    from inventory.loans import owed

    first, last = month_bounds(month)
    today = served.today()
    _, end = utc_bounds(served.timezone, first, last)
    with Session(engine) as session:
        lots = monthly_lots(session, served, month)
        # Where every serial of each lot with a range stood at the month's end.
        ranges = lot_serials(session, before=end)
        by_jenis = monthly_by_jenis(session, served, month)
        ikd = ikd_total(session, first, last)
        loans_owed = owed(session)  # now: loans are few and settled by hand
    number = f"LBB-{served.kode_wilayah.replace('.', '')}-{first:%Y-%m}"
    doc = MonthlyReport(
        number=number,
        office=office(served, settings),
        month=first,
        dated=min(today, last),
        provisional=today <= last,
        lots=tuple(lots),
        awaiting_destruction=awaiting,
        serials=tuple(ranges),
        by_jenis=tuple(by_jenis),
        ikd=ikd,
        loans_owed=loans_owed,
        consumables=consumables,
        prepared_by=signer_of("laporan_bulanan", settings),
        approved_by=acknowledger_of("laporan_bulanan", settings) or kepala_dinas(settings),
    )
    path = settings.documents_dir / "laporan-bulanan" / f"{number}.pdf"
    return keep_pdf(engine, settings, path, render_monthly_report(doc), "laporan-bulanan")


def monthly_by_jenis(session: Session, served: ServedRegency, month: date) -> list[JenisMonth]:
    """The month's blanks per jenis permohonan of the record they were used for: good cards
    (consumptions less their reversals) and spoiled blanks (``""``: damaged on the shelf,
    for no record). Counted from the ledger like the per-lot table, so the sums agree."""
    first, last = month_bounds(month)
    start, end = utc_bounds(served.timezone, first, last)
    rec = Record.__table__  # type: ignore[attr-defined]
    jenis = sa.func.coalesce(rec.c.jenis_permohonan, "")
    rows = session.execute(
        sa.select(
            jenis, _MOV.c.kind, sa.func.sum(_MOV.c.delta_on_hand), sa.func.sum(_MOV.c.delta_spoiled)
        )
        .select_from(_MOV.outerjoin(rec, rec.c.id == _MOV.c.record_id))
        .where(
            _MOV.c.kind.in_([Kind.CONSUMED.value, Kind.SPOILED.value]),
            _MOV.c.at >= start,
            _MOV.c.at < end,
        )
        .group_by(jenis, _MOV.c.kind)
    ).all()
    printed: dict[str, int] = {}
    spoiled: dict[str, int] = {}
    for name, kind, delta, spoil in rows:
        if kind == Kind.CONSUMED:
            printed[name] = printed.get(name, 0) - int(delta or 0)
        else:
            spoiled[name] = spoiled.get(name, 0) + int(spoil or 0)
    return [
        JenisMonth(jenis=name, printed=printed.get(name, 0), spoiled=spoiled.get(name, 0))
        for name in sorted(set(printed) | set(spoiled))
    ]
