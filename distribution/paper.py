"""Paper owed by distribution, produced after the commit that owes it.

A shipment's manifest PDF is written once its row is committed (a crash in between: the
next run writes the same PDF). A receipt is a row first; printing it is a separate step
that may fail (printer off, paper out) without touching the hand-over it documents, and
is tried again later (``cetak receipts --retry``).

Manifests, the uncollected report and receipt files (places without a receipt printer)
are also kept in the database (``cetak.storage``), so any machine can serve them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from cetak import storage
from cetak.db import write_session
from cetak.installation import ServedRegency
from cetak.models import Kecamatan, Record, utcnow
from cetak.privacy import mask_nik
from cetak.settings import Settings
from distribution.errors import UnknownPlace
from distribution.models import (
    Collection,
    Discrepancy,
    Receipt,
    ReceiptPrinter,
    ReceiptState,
    Shipment,
    ShipmentCard,
)
from distribution.rules import DiscrepancyKind
from inventory.ledger import DEFAULT_SITE as DISDUKCAPIL
from inventory.paperwork import keep_pdf, kepala_dinas, kepala_seksi, office
from papers.documents import Person
from papers.manifest import ManifestLine, ShipmentManifest, render_manifest
from papers.receipts import (
    HandoverSlip,
    PickupReceipt,
    ReceiptPrinterConfig,
    ReceiptPrinterUnavailable,
    receipt_text,
    send,
)
from printers.models import Card


def manifest_doc(
    session: Session, shipment: Shipment, served: ServedRegency, settings: Settings
) -> ShipmentManifest:
    rows = session.execute(
        sa.select(col(Card.card_ref), col(Record.nik), col(Record.nama), col(Record.kel_desa))
        .join(ShipmentCard, col(ShipmentCard.card_id) == col(Card.id))
        .join(Record, col(Record.id) == col(ShipmentCard.record_id))
        .where(col(ShipmentCard.shipment_id) == shipment.id)
        .order_by(col(Card.id))
    ).all()
    return ShipmentManifest(
        shipment_id=shipment.number,
        office=office(served, settings),
        kecamatan=served.kecamatan.get(shipment.kode_kecamatan, shipment.kode_kecamatan),
        kode_kecamatan=shipment.kode_kecamatan,
        packed_on=served.today(shipment.packed_at),
        lines=tuple(ManifestLine(ref, mask_nik(nik), nama, desa) for ref, nik, nama, desa in rows),
        handed_over_by=kepala_seksi(settings),
        courier=Person(name=shipment.courier, role="Kurir") if shipment.courier else None,
    )


def write_manifests(engine: Engine, settings: Settings, served: ServedRegency) -> list[Path]:
    """Write the manifest PDF of every shipment that has none recorded yet."""
    written = []
    with Session(engine) as session:
        pending = list(session.exec(select(Shipment).where(col(Shipment.manifest_path).is_(None))))
        jobs = [
            (s.id, s.number, render_manifest(manifest_doc(session, s, served, settings)))
            for s in pending
        ]
    for shipment_id, number, data in jobs:
        path = keep_pdf(
            engine, settings, settings.documents_dir / "manifes" / f"{number}.pdf", data, "manifes"
        )
        with write_session(engine) as session:
            session.execute(
                sa.update(Shipment)
                .where(col(Shipment.id) == shipment_id)
                .values(manifest_path=str(path))
            )
        written.append(path)
    return written


# --- receipts ----------------------------------------------------------------------------


def printer_for(session: Session, place: str, settings: Settings) -> ReceiptPrinterConfig:
    """The receipt printer of a place; without one, receipts go to files in receipts/."""
    row = session.get(ReceiptPrinter, place)
    if row is not None:
        return ReceiptPrinterConfig(kind=row.kind, target=row.target, profile=row.profile)
    settings.receipts_dir.mkdir(parents=True, exist_ok=True)
    return ReceiptPrinterConfig(kind="file", target=str(settings.receipts_dir))


def set_printer(
    session: Session, place: str, *, kind: str, target: str, profile: str, actor: str
) -> ReceiptPrinter:
    if place != DISDUKCAPIL and session.get(Kecamatan, place) is None:
        raise UnknownPlace(place)
    ReceiptPrinterConfig(kind=kind, target=target, profile=profile)  # validates
    row = session.get(ReceiptPrinter, place) or ReceiptPrinter(
        place=place, kind=kind, target=target, profile=profile, actor=actor
    )
    row.kind, row.target, row.profile, row.actor, row.updated_at = (
        kind,
        target,
        profile,
        actor,
        utcnow(),
    )
    session.add(row)
    return row


def handed_over(session: Session, shipment: Shipment) -> int:
    """Cards the courier handed over at the kecamatan: the manifest less the cards reported
    missing at receipt (a card found later was not handed over with the slip). A card
    reported damaged did arrive: it is counted, and followed by its own case."""
    missing = session.execute(
        sa.select(sa.func.count()).where(
            col(Discrepancy.shipment_id) == shipment.id,
            col(Discrepancy.kind) == DiscrepancyKind.MISSING,
        )
    ).scalar_one()
    return shipment.cards - int(missing)


def _officer_name(session: Session, actor: str) -> str:
    """The officer as the receipt prints them: a user's full name from the users table
    (``cli:kasi`` / ``dashboard:kasi``), else the OS login without its ``cli:`` prefix."""
    from cetak.users import officer_name

    return officer_name(session, actor)


def receipt_doc(
    session: Session, receipt: Receipt, served: ServedRegency, settings: Settings
) -> HandoverSlip | PickupReceipt:
    if receipt.kind == "serah_terima":
        shipment = session.get(Shipment, receipt.shipment_id)
        assert shipment is not None and shipment.received_at is not None
        return HandoverSlip(
            shipment_id=shipment.number,
            kabupaten=served.kabupaten,
            kecamatan=served.kecamatan.get(shipment.kode_kecamatan, shipment.kode_kecamatan),
            cards=handed_over(session, shipment),
            courier=shipment.courier or settings.courier,
            officer=shipment.received_by or "-",
            at=shipment.received_at,
            tz=served.timezone,
        )
    collection = session.get(Collection, receipt.collection_id)
    assert collection is not None
    record = session.get(Record, collection.record_id)
    assert record is not None
    return PickupReceipt(
        card_ref=receipt.reference,
        kabupaten=served.kabupaten,
        kecamatan=served.kecamatan.get(collection.kode_kecamatan, collection.kode_kecamatan),
        nik_masked=mask_nik(record.nik),
        nama=record.nama,
        collected_by=collection.collected_by,
        officer=_officer_name(session, collection.officer),
        at=collection.at,
        tz=served.timezone,
        place=collection.place,
    )


@dataclass(frozen=True, slots=True)
class Printed:
    receipt_id: int
    kind: str
    reference: str
    ok: bool
    target: str
    message: str | None = None


def print_receipts(
    engine: Engine,
    settings: Settings,
    served: ServedRegency,
    *,
    ids: list[int] | None = None,
    retry: bool = True,
    reprint: bool = False,
) -> list[Printed]:
    """Print owed receipts (``ids``, or every pending one, and failed ones if ``retry``).

    ``reprint`` prints receipts of ``ids`` again even if already printed. A printer that
    cannot be reached leaves the receipt ``failed`` with the reason, to be tried again.
    """
    with Session(engine) as session:
        query = select(Receipt).order_by(col(Receipt.id))
        if ids is not None:
            query = query.where(col(Receipt.id).in_(ids))
            if not reprint:
                query = query.where(Receipt.state != ReceiptState.PRINTED)
        else:
            states = (
                [ReceiptState.PENDING, ReceiptState.FAILED] if retry else [ReceiptState.PENDING]
            )
            query = query.where(col(Receipt.state).in_(states))
        jobs = [
            (
                r.id,
                r.kind,
                r.reference,
                receipt_doc(session, r, served, settings),
                printer_for(session, r.place, settings),
            )
            for r in session.exec(query)
        ]
    results = []
    for receipt_id, kind, ref, doc, config in jobs:
        assert receipt_id is not None
        error: str | None = None
        try:
            send(doc, config, timeout=settings.receipt_timeout_s)
        except ReceiptPrinterUnavailable as exc:
            error = exc.message
        else:  # kept before the receipt counts as printed
            _keep_receipt_file(engine, settings, doc, config)
        with write_session(engine) as session:
            session.execute(
                sa.update(Receipt)
                .where(col(Receipt.id) == receipt_id)
                .values(
                    state=ReceiptState.FAILED if error else ReceiptState.PRINTED,
                    attempts=Receipt.attempts + 1,
                    target=config.target,
                    error=error,
                    printed_at=None if error else utcnow(),
                )
            )
        results.append(Printed(receipt_id, kind, ref, error is None, config.target, error))
    return results


def _keep_receipt_file(
    engine: Engine,
    settings: Settings,
    doc: HandoverSlip | PickupReceipt,
    config: ReceiptPrinterConfig,
) -> None:
    """Keep a receipt printed to a file under ``$CETAK_HOME`` (``receipts/<ref>.bin``) in
    the document store; a device or a file elsewhere is a printer, not a document."""
    if config.kind != "file":
        return
    path = Path(config.target)
    if path.is_dir():  # the same file name as papers.receipts gives it
        ref = doc.shipment_id if isinstance(doc, HandoverSlip) else doc.card_ref
        path = path / (re.sub(r"[^A-Za-z0-9._-]", "_", ref) + ".bin")
    home = settings.resolved_home
    if not path.is_file() or not path.resolve().is_relative_to(home):
        return
    storage.keep(
        engine,
        path.resolve(),
        path.read_bytes(),
        kind="struk",
        media_type=storage.ESCPOS,
        home=home,
    )
    # A readable preview beside the ESC/POS bytes (``<ref>.txt``): the same lines, as text.
    path.with_suffix(".txt").write_text(receipt_text(doc, config.profile), "utf-8")


def receipt_for(
    session: Session, *, collection_id: int | None = None, shipment_id: int | None = None
) -> int | None:
    query = sa.select(col(Receipt.id))
    if collection_id is not None:
        query = query.where(col(Receipt.collection_id) == collection_id)
    else:
        query = query.where(col(Receipt.shipment_id) == shipment_id)
    return session.execute(query).scalar_one_or_none()


__all__ = [
    "Printed",
    "manifest_doc",
    "print_receipts",
    "printer_for",
    "receipt_doc",
    "receipt_for",
    "set_printer",
    "write_manifests",
]


def uncollected_report(
    engine: Engine,
    settings: Settings,
    served: ServedRegency,
    priorities: tuple[tuple[str, int, str], ...] = (),
) -> Path:
    """The signed report of cards waiting at the kecamatan, jemput bola and returns;
    ``priorities`` is the jemput bola ranking of kecamatan (issue 14), made above."""
    from distribution import queries
    from papers.uncollected import (
        Resident,
        UncollectedReport,
        WaitingRow,
        render_uncollected,
    )

    today, tz = served.today(), served.timezone

    def people(rows: list[dict[str, object]]) -> tuple[Resident, ...]:
        return tuple(
            Resident(
                **{
                    k: r[k]
                    for k in ("card_ref", "nama", "umur", "alamat", "kel_desa", "kecamatan", "days")
                },  # type: ignore[arg-type]
                nik_masked=str(r["nik"]),
            )
            for r in rows
        )

    with Session(engine) as session:
        rows = queries.uncollected_ages(session, today=today, tz=tz)
        visit = queries.jemput_bola(session, today=today, tz=tz, min_age=settings.jemput_bola_age)
        back = queries.return_list(session, today=today, tz=tz, days=settings.return_after_days)
    number = f"BDA-{served.kode_wilayah.replace('.', '')}-{today:%Y%m%d}"
    doc = UncollectedReport(
        number=number,
        office=office(served, settings),
        on=today,
        rows=tuple(
            WaitingRow(r["kecamatan"], r["waiting"], r["over_30"], r["over_60"], r["over_90"])
            for r in rows
        ),
        jemput_bola=people(visit),
        to_return=people(back),
        min_age=settings.jemput_bola_age,
        return_after_days=settings.return_after_days,
        prepared_by=kepala_seksi(settings),
        approved_by=kepala_dinas(settings),
        priorities=priorities,
    )
    return keep_pdf(
        engine,
        settings,
        settings.documents_dir / "belum-diambil" / f"{number}.pdf",
        render_uncollected(doc),
        "belum-diambil",
    )
