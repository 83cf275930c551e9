"""Distribution services: pack and dispatch shipments, confirm receipt card by card and
resolve discrepancy cases (the hand-over to residents is in ``handover``).

Every function works inside the caller's write transaction (``write_session(engine,
lock=LOCK_DISTRIBUTION)``): a refused request raises before anything is written, or the
transaction rolls back whole. Card and record states move together, each record state
change with its event row (``cetak.records.transition``). Receipts and manifests are
owed as rows here and produced after the commit (``distribution.paper``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, col, select

from cetak.installation import ServedRegency
from cetak.lifecycle import STATE_LABELS, RecordState
from cetak.models import Kecamatan, Record, utcnow
from cetak.records import lock_records, transition
from distribution import rules
from distribution.errors import (
    CardInOtherShipment,
    CardMovedMeanwhile,
    CardNotDispatchable,
    CaseCardMoved,
    CaseClosed,
    ConflictingReceipt,
    NothingToDispatch,
    ReceiverRequired,
    ResolutionRefused,
    ShipmentAlreadyReceived,
    ShipmentNotDispatched,
    UnknownCardRef,
    UnknownCase,
    UnknownKecamatan,
    UnknownShipment,
)
from distribution.models import (
    Discrepancy,
    DiscrepancyState,
    Receipt,
    Shipment,
    ShipmentCard,
    ShipmentState,
)
from distribution.rules import CardPlace, Resolution
from inventory import ledger
from inventory.rules import Cause
from printers.cards import CardState, IllegalCardMove, move_card
from printers.models import Card

_CARD = Card.__table__  # type: ignore[attr-defined]
_SC = ShipmentCard.__table__  # type: ignore[attr-defined]

#: Why a card in this state may not be packed (``Card.state``), for staff.
_NOT_PACKABLE = {
    "taken": "belum selesai dicetak",
    "submitted": "belum selesai dicetak",
    "printed": "belum melalui QC",
    "spoiled": "rusak / ditolak QC",
    "void": "dibatalkan",
    "collected": "sudah diambil pemohon",
    "lost": "dinyatakan hilang",
    "returned": "sudah dikembalikan ke Disdukcapil (serahkan di loket Disdukcapil)",
}


def local_time(served: ServedRegency, at: datetime | None) -> str:
    return "-" if at is None else f"{served.now(at):%d-%m-%Y %H:%M}"


def move_cards(
    session: Session,
    ids: Sequence[int],
    expect: Sequence[str],
    *,
    state: CardState | str,
    actor: str,
    reason: str | None = None,
    at: datetime | None = None,
    shipment_id: int | None = None,
    **values: object,
) -> None:
    """Move cards from ``expect`` to ``state`` (``printers.cards.move_card``, one card event
    each); a card that changed under us stops the whole change."""
    try:
        move_card(
            session,
            ids,
            state,
            actor=actor,
            reason=reason,
            at=at,
            shipment_id=shipment_id,
            expect=expect,
            extra=values,
        )
    except IllegalCardMove as exc:
        raise CardMovedMeanwhile() from exc


# --- packing and dispatch ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Packed:
    number: str
    kode_kecamatan: str
    cards: int


def _next_numbers(session: Session, served: ServedRegency, now: datetime, n: int) -> list[str]:
    day = served.today(now)
    prefix = rules.shipment_number(served.kode_wilayah, day, 1)[:-4]
    taken = session.execute(
        sa.select(sa.func.count()).where(col(Shipment.number).like(f"{prefix}%"))
    ).scalar_one()
    return [rules.shipment_number(served.kode_wilayah, day, taken + i + 1) for i in range(n)]


def pack(
    session: Session,
    served: ServedRegency,
    *,
    actor: str,
    kecamatan: str | None = None,
    card_refs: Sequence[str] | None = None,
    courier: str | None = None,
    now: datetime | None = None,
) -> list[Packed]:
    """Pack QC-passed cards into shipments, one per kecamatan (of ``kecamatan`` only if given).

    ``card_refs`` packs exactly those cards and refuses any that did not pass QC or already
    left. Raises ``NothingToDispatch`` when no card waits.
    """
    now = now or utcnow()
    if kecamatan is not None and session.get(Kecamatan, kecamatan) is None:
        raise UnknownKecamatan(kecamatan)
    query = sa.select(
        _CARD.c.id,
        col(Record.kode_kecamatan),
        _CARD.c.card_ref,
        _CARD.c.state,
        col(Record.state),
        _CARD.c.record_id,
    ).join(Record, col(Record.id) == _CARD.c.record_id)
    if card_refs is not None:
        refs = list(dict.fromkeys(card_refs))
        rows = session.execute(query.where(_CARD.c.card_ref.in_(refs))).all()
        known = {r.card_ref for r in rows}
        if len(known) != len(refs):
            raise UnknownCardRef(sorted(set(refs) - known))
        problems = []
        for _, kec, ref, state, rec_state, _ in rows:
            if state in (CardPlace.PACKED, CardPlace.DISPATCHED, CardPlace.RECEIVED):
                problems.append((ref, f"sudah {rules.PLACE_LABELS[state]}"))
            elif state != CardPlace.PASSED:
                problems.append((ref, _NOT_PACKABLE.get(state, f"berstatus {state}")))
            elif rec_state != RecordState.READY:
                problems.append((ref, f"PRR-nya berstatus {STATE_LABELS[RecordState(rec_state)]}"))
            elif kecamatan is not None and kec != kecamatan:
                problems.append((ref, f"milik Kecamatan {served.kecamatan.get(kec, kec)}"))
        if problems:
            raise CardNotDispatchable(sorted(problems))
    else:
        query = query.where(
            _CARD.c.state == CardPlace.PASSED, col(Record.state) == RecordState.READY
        )
        if kecamatan is not None:
            query = query.where(col(Record.kode_kecamatan) == kecamatan)
        rows = session.execute(query).all()
    groups = rules.pack((r[0], r[1]) for r in rows)
    if not groups:
        raise NothingToDispatch(served.kecamatan.get(kecamatan, kecamatan) if kecamatan else None)
    record_ids = {r[0]: r[5] for r in rows}
    # Every record of this packing locked first, in id order (one transition per kecamatan
    # would otherwise lock them kecamatan by kecamatan and could deadlock with planning).
    lock_records(session, list(record_ids.values()))
    packed = []
    for number, (kec, card_ids) in zip(
        _next_numbers(session, served, now, len(groups)), groups.items(), strict=True
    ):
        shipment = Shipment(
            number=number,
            kode_kecamatan=kec,
            state=ShipmentState.PACKED,
            cards=len(card_ids),
            courier=courier,
            packed_by=actor,
            packed_at=now,
        )
        session.add(shipment)
        session.flush()
        assert shipment.id is not None
        move_cards(
            session,
            card_ids,
            [CardPlace.PASSED],
            state=CardPlace.PACKED,
            shipment_id=shipment.id,
            actor=actor,
            reason=f"dikemas dalam {number}",
            at=now,
        )
        session.execute(
            sa.insert(_SC),
            [
                {"shipment_id": shipment.id, "card_id": cid, "record_id": record_ids[cid]}
                for cid in card_ids
            ],
        )
        transition(
            session,
            [record_ids[cid] for cid in card_ids],
            RecordState.PACKED,
            actor=actor,
            reason=f"dikemas dalam {number}",
            at=now,
        )
        packed.append(Packed(number, kec, len(card_ids)))
    return packed


def _shipment(session: Session, number: str, *, lock: bool = False) -> Shipment:
    query = select(Shipment).where(Shipment.number == number.strip().upper())
    if lock and session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update()
    shipment = session.exec(query).first()
    if shipment is None:
        raise UnknownShipment(number)
    return shipment


def _manifest(session: Session, shipment_id: int) -> list[tuple[int, str, int, str]]:
    """(card id, reference, record id, card state) of each card of a shipment, in order."""
    return [
        tuple(r)
        for r in session.execute(
            sa.select(_CARD.c.id, _CARD.c.card_ref, _SC.c.record_id, _CARD.c.state)
            .join(_SC, _SC.c.card_id == _CARD.c.id)
            .where(_SC.c.shipment_id == shipment_id)
            .order_by(_CARD.c.id)
        ).all()
    ]


def dispatch(
    session: Session,
    *,
    actor: str,
    numbers: Sequence[str] | None = None,
    courier: str | None = None,
    now: datetime | None = None,
) -> list[Shipment]:
    """The courier leaves with packed shipments (``numbers``, or every packed one)."""
    now = now or utcnow()
    if numbers is None:
        shipments = list(
            session.exec(
                select(Shipment).where(col(Shipment.state) == "packed").order_by(col(Shipment.id))
            )
        )
    else:
        shipments = [_shipment(session, n, lock=True) for n in numbers]
    for shipment in shipments:
        if shipment.state != ShipmentState.PACKED:
            continue  # dispatching twice changes nothing
        assert shipment.id is not None
        cards = _manifest(session, shipment.id)
        move_cards(
            session,
            [c[0] for c in cards],
            [CardPlace.PACKED],
            state=CardPlace.DISPATCHED,
            actor=actor,
            reason=f"dikirim dalam {shipment.number}",
            at=now,
        )
        transition(
            session,
            [c[2] for c in cards],
            RecordState.DISPATCHED,
            actor=actor,
            reason=f"dikirim dalam {shipment.number}",
            at=now,
        )
        shipment.state, shipment.dispatched_by, shipment.dispatched_at = (
            ShipmentState.DISPATCHED,
            actor,
            now,
        )
        shipment.courier = courier or shipment.courier
        session.add(shipment)
    return shipments


@dataclass(frozen=True, slots=True)
class Dispatched:
    """What one dispatch did: the shipments it packed, every shipment it packed or sent
    (``numbers``, with their ``cards``), why nothing new was packed (``nothing``, staff
    text), and the manifests written after the commit (filled in by the use case)."""

    packed: tuple[Packed, ...]
    numbers: tuple[str, ...]
    cards: int
    nothing: str | None
    manifests: tuple[str, ...] = ()


def pack_and_send(
    session: Session,
    served: ServedRegency,
    *,
    actor: str,
    kecamatan: str | None = None,
    card_refs: Sequence[str] | None = None,
    courier: str | None = None,
    default_courier: str | None = None,
    pack_only: bool = False,
    send_packed: bool = True,
    now: datetime | None = None,
) -> Dispatched:
    """Pack what waits (``pack``) and send it, in the caller's transaction.

    Nothing to pack is no error here: shipments packed earlier still leave when
    ``send_packed`` (``cetak dispatch``); without it only the shipments packed now leave
    (the daily flow). ``pack_only`` sends nothing. New shipments carry ``courier`` or
    ``default_courier``; shipments sent keep theirs unless ``courier`` is given.
    """
    nothing: str | None = None
    try:
        packed = pack(
            session,
            served,
            actor=actor,
            kecamatan=kecamatan,
            card_refs=card_refs,
            courier=courier or default_courier,
            now=now,
        )
    except NothingToDispatch as exc:
        packed, nothing = [], exc.message
    cards = {p.number: p.cards for p in packed}
    if not pack_only and (packed or send_packed):
        left = dispatch(
            session,
            actor=actor,
            numbers=None if send_packed else list(cards),
            courier=courier,
            now=now,
        )
        for shipment in left:
            cards.setdefault(shipment.number, shipment.cards)
    return Dispatched(tuple(packed), tuple(cards), sum(cards.values()), nothing)


# --- receipt at the kecamatan ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Received:
    number: str
    shipment_id: int
    received: int
    missing: tuple[str, ...]
    damaged: tuple[str, ...]
    extra: tuple[str, ...]
    unconfirmed: tuple[str, ...]
    cases: tuple[int, ...]


def receive(
    session: Session,
    served: ServedRegency,
    number: str,
    *,
    officer: str,
    actor: str,
    received: Sequence[str] | None = None,
    missing: Sequence[str] = (),
    damaged: Sequence[str] = (),
    extra: Sequence[str] = (),
    now: datetime | None = None,
) -> Received:
    """The kecamatan confirms card by card what arrived (``received=None``: all but those
    named missing or damaged). Each missing, damaged or extra card opens a case."""
    now = now or utcnow()
    if not officer.strip():
        raise ReceiverRequired()
    shipment = _shipment(session, number, lock=True)
    if shipment.state == ShipmentState.RECEIVED:
        raise ShipmentAlreadyReceived(
            shipment.number, local_time(served, shipment.received_at), shipment.received_by or "-"
        )
    if shipment.state != ShipmentState.DISPATCHED:
        raise ShipmentNotDispatched(shipment.number, shipment.state)
    assert shipment.id is not None
    cards = _manifest(session, shipment.id)
    on_manifest = {c[1] for c in cards}
    named = [*(received or ()), *missing, *damaged]
    strangers = sorted({r for r in named if r not in on_manifest})
    if strangers:
        where: dict[str, str | None] = dict(
            session.execute(
                sa.select(_CARD.c.card_ref, col(Shipment.number))
                .join(Shipment, col(Shipment.id) == _CARD.c.shipment_id, isouter=True)
                .where(_CARD.c.card_ref.in_(strangers))
            ).all()
        )
        raise CardInOtherShipment(shipment.number, [(r, where.get(r)) for r in strangers])
    try:
        plan = rules.plan_receipt(
            [c[1] for c in cards], received=received, missing=missing, damaged=damaged, extra=extra
        )
    except rules.ReceiptConflict as exc:
        raise ConflictingReceipt(exc.refs, exc.named_twice) from exc
    by_ref = {c[1]: c for c in cards}
    got = [by_ref[r] for r in plan.received]
    move_cards(
        session,
        [c[0] for c in got],
        [CardPlace.DISPATCHED],
        state=CardPlace.RECEIVED,
        received_at=now,
        actor=actor,
        reason=f"diterima kecamatan dari {shipment.number} ({officer})",
        at=now,
    )
    transition(
        session,
        [c[2] for c in got],
        RecordState.RECEIVED,
        actor=actor,
        reason=f"diterima kecamatan dari {shipment.number} ({officer})",
        at=now,
    )
    outcomes = [(r, "received") for r in plan.received]
    outcomes += [(r, "missing") for r in plan.missing] + [(r, "damaged") for r in plan.damaged]
    for ref, outcome in outcomes:
        session.execute(
            sa.update(_SC)
            .where(_SC.c.shipment_id == shipment.id, _SC.c.card_id == by_ref[ref][0])
            .values(outcome=outcome)
        )
    extra_ids = dict(
        session.execute(
            sa.select(_CARD.c.card_ref, _CARD.c.id).where(_CARD.c.card_ref.in_(list(plan.extra)))
        ).all()
    )
    cases = []
    for kind, refs in (("missing", plan.missing), ("damaged", plan.damaged), ("extra", plan.extra)):
        for ref in refs:
            case = Discrepancy(
                shipment_id=shipment.id,
                card_id=by_ref[ref][0] if ref in by_ref else extra_ids.get(ref),
                card_ref=ref,
                kind=kind,
                note="tidak dikonfirmasi diterima" if ref in plan.unconfirmed else None,
                opened_by=actor,
                opened_at=now,
            )
            session.add(case)
            session.flush()
            assert case.id is not None
            cases.append(case.id)
    shipment.state, shipment.received_by = "received", officer.strip()
    shipment.received_actor, shipment.received_at = actor, now
    session.add(shipment)
    if len(plan.missing) < len(cards):  # a slip counts the cards handed over: none, no slip
        session.add(
            Receipt(
                kind="serah_terima",
                reference=shipment.number,
                shipment_id=shipment.id,
                place=shipment.kode_kecamatan,
                created_at=now,
            )
        )
    return Received(
        shipment.number,
        shipment.id,
        len(plan.received),
        plan.missing,
        plan.damaged,
        plan.extra,
        plan.unconfirmed,
        tuple(cases),
    )


# --- discrepancy cases -------------------------------------------------------------------


def resolve(
    session: Session,
    case_id: int,
    resolution: Resolution | str,
    *,
    actor: str,
    note: str | None = None,
    now: datetime | None = None,
) -> Discrepancy:
    """Close a case: the card was found, is declared lost, or is damaged.

    Lost: the card is cancelled, a LOST ledger row accounts for its blank, and its record
    is queued for a reprint. Damaged: the blank is spoiled (RUSAK_FISIK, awaiting
    destruction) and the record queued for a reprint. Found: the card is at the kecamatan.
    """
    now = now or utcnow()
    query = select(Discrepancy).where(Discrepancy.id == case_id)
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update()
    case = session.exec(query).first()
    if case is None:
        raise UnknownCase(case_id)
    if case.state != DiscrepancyState.OPEN:
        raise CaseClosed(
            case_id, rules.RESOLUTION_LABELS.get(case.resolution or ""), case.resolved_at
        )
    try:
        resolution = Resolution(resolution)
    except ValueError as exc:
        raise ResolutionRefused(case_id, case.kind, str(resolution)) from exc
    outcome = rules.resolution_outcome(case.kind, resolution)
    if outcome is None:
        raise ResolutionRefused(case_id, rules.KIND_LABELS[case.kind], resolution.value)
    shipment = session.get(Shipment, case.shipment_id)
    assert shipment is not None
    why = f"kasus selisih #{case_id} {shipment.number}: {rules.RESOLUTION_LABELS[resolution]}"
    if note:
        why += f" ({note})"
    card = session.get(Card, case.card_id) if case.card_id is not None else None
    if outcome != "unchanged":
        assert card is not None
        if card.state != CardPlace.DISPATCHED:
            raise CaseCardMoved(card.card_ref, card.state)
        _resolve_card(session, card, outcome, why=why, actor=actor, now=now)
        session.execute(
            sa.update(_SC)
            .where(_SC.c.shipment_id == case.shipment_id, _SC.c.card_id == card.id)
            .values(outcome={"received": "received", "lost": "lost", "spoiled": "damaged"}[outcome])
        )
    case.state, case.resolution, case.resolved_by, case.resolved_at = (
        "resolved",
        resolution.value,
        actor,
        now,
    )
    if note:
        case.note = f"{case.note}; {note}" if case.note else note
    session.add(case)
    return case


def _resolve_card(
    session: Session, card: Card, outcome: str, *, why: str, actor: str, now: datetime
) -> None:
    assert card.id is not None
    if outcome == "received":
        move_cards(
            session,
            [card.id],
            [CardPlace.DISPATCHED],
            state=CardPlace.RECEIVED,
            received_at=now,
            actor=actor,
            reason=why,
            at=now,
        )
        transition(session, [card.record_id], RecordState.RECEIVED, actor=actor, reason=why, at=now)
        return
    if outcome == "lost":
        ledger.lose_card(session, card_ref=card.card_ref, actor=actor, at=now, note=why)
        move_cards(
            session,
            [card.id],
            [CardPlace.DISPATCHED],
            state=CardPlace.LOST,
            note=why,
            actor=actor,
            reason=why,
            at=now,
        )
    else:
        ledger.spoil_blank(
            session, card_ref=card.card_ref, cause=Cause.RUSAK_FISIK, actor=actor, at=now, note=why
        )
        move_cards(
            session,
            [card.id],
            [CardPlace.DISPATCHED],
            state=CardState.SPOILED,
            spoil_cause=Cause.RUSAK_FISIK.value,
            note=why,
            actor=actor,
            reason=why,
            at=now,
        )
    transition(
        session,
        [card.record_id],
        RecordState.QUEUED,
        actor=actor,
        reason=f"cetak ulang: {why}",
        at=now,
    )
