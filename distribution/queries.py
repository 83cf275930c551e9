"""Read side of distribution: per-kecamatan status, open cases, uncollected cards, the
jemput bola and return lists, shipments, and one card's trace from PRR to hand.

Everything aggregates in the database (GROUP BY over indexed columns) and returns small
lists of plain dicts: the CLI prints them, ``--json`` emits them, the dashboard shows them.
NIKs come out full only where the caller asks (``full_nik``); masked otherwise.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any, cast
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlmodel import Session, col

from cetak.clock import day_start_utc
from cetak.installation import require_kecamatan
from cetak.lifecycle import STATE_LABELS, RecordState
from cetak.models import Kecamatan, Record, RecordEvent, utcnow
from cetak.privacy import mask_nik
from distribution import rules
from distribution.models import (
    Collection,
    Discrepancy,
    DiscrepancyState,
    Receipt,
    ReceiptState,
    Shipment,
    ShipmentCard,
)
from distribution.rules import DiscrepancyKind
from printers.cards import DISTRIBUTION_STATES, CardState
from printers.models import Card

_CARD = Card.__table__  # type: ignore[attr-defined]
_REC = Record.__table__  # type: ignore[attr-defined]


def _names(session: Session) -> dict[str, str]:
    return dict(session.execute(sa.select(col(Kecamatan.kode), col(Kecamatan.nama))).all())


def distribution_status(
    session: Session, *, today: date, tz: str = "Asia/Jakarta"
) -> list[dict[str, Any]]:
    """Per kecamatan: cards packed, in transit, received (waiting), collected, lost,
    returned; open discrepancy cases; the day the oldest waiting card arrived.

    A card reported missing at receipt is counted as lost (and under ``missing`` while its
    case is open), never as in transit: the courier's trip is over.
    """
    # Cards still on their way or waiting (few, through ix_card_state) ...
    live = [
        p.value for p in DISTRIBUTION_STATES if p not in (CardState.PASSED, CardState.COLLECTED)
    ]
    counts = cast(
        "list[Any]",
        session.execute(
            sa.select(
                _REC.c.kode_kecamatan,
                _CARD.c.state,
                sa.func.count(),
                sa.func.min(_CARD.c.received_at),
            )
            .join(_REC, _REC.c.id == _CARD.c.record_id)
            .where(_CARD.c.state.in_(live))
            .group_by(_REC.c.kode_kecamatan, _CARD.c.state)
        ).all(),
    )
    # ... and the hand-overs of all time, counted on the collection index alone.
    counts += [
        (kec, CardState.COLLECTED.value, n, None)
        for kec, n in session.execute(
            sa.select(col(Collection.kode_kecamatan), sa.func.count()).group_by(
                col(Collection.kode_kecamatan)
            )
        ).all()
    ]
    cases = dict(
        session.execute(
            sa.select(col(Shipment.kode_kecamatan), sa.func.count())
            .join(Discrepancy, col(Discrepancy.shipment_id) == col(Shipment.id))
            .where(col(Discrepancy.state) == DiscrepancyState.OPEN)
            .group_by(col(Shipment.kode_kecamatan))
        ).all()
    )
    names = _names(session)
    rows: dict[str, dict[str, Any]] = {}
    for kec, state, n, oldest in counts:
        row = rows.setdefault(kec, _empty(kec, names))
        key = {CardState.DISPATCHED: "in_transit"}.get(state, state)
        row[key] = row.get(key, 0) + n
        if state == CardState.RECEIVED and oldest is not None:
            day = oldest.astimezone(ZoneInfo(tz)).date()
            row["oldest_uncollected"] = day.isoformat()
            row["oldest_uncollected_days"] = (today - day).days
    # A card the kecamatan reported missing or damaged at receipt keeps the state
    # ``dispatched`` until its case is resolved, but it is no longer on its way: missing
    # counts as lost (Hilang) at once, damaged as damaged at the kecamatan.
    for kec, outcome, n in _reported_at_receipt(session):
        row = rows.setdefault(kec, _empty(kec, names))
        row["in_transit"] -= n
        row[outcome] += n
        if outcome == DiscrepancyKind.MISSING:
            row["lost"] += n
    for kec, n in cases.items():
        rows.setdefault(kec, _empty(kec, names))["open_discrepancies"] = n
    return [rows[k] for k in sorted(rows)]


def _reported_at_receipt(session: Session) -> list[tuple[str, str, int]]:
    """(kecamatan, outcome, cards) of dispatched cards whose shipment was received without
    them (``missing``) or with them damaged (``damaged``): their cases are still open."""
    return [
        (kec, outcome, int(n))
        for kec, outcome, n in session.execute(
            sa.select(col(Shipment.kode_kecamatan), col(ShipmentCard.outcome), sa.func.count())
            .select_from(_CARD)
            .join(
                ShipmentCard,
                sa.and_(
                    col(ShipmentCard.card_id) == _CARD.c.id,
                    col(ShipmentCard.shipment_id) == _CARD.c.shipment_id,
                ),
            )
            .join(Shipment, col(Shipment.id) == col(ShipmentCard.shipment_id))
            .where(
                _CARD.c.state == CardState.DISPATCHED,
                col(ShipmentCard.outcome).in_([DiscrepancyKind.MISSING, DiscrepancyKind.DAMAGED]),
            )
            .group_by(col(Shipment.kode_kecamatan), col(ShipmentCard.outcome))
        ).all()
    ]


def _empty(kec: str, names: dict[str, str]) -> dict[str, Any]:
    return {
        "kode_kecamatan": kec,
        "kecamatan": names.get(kec, kec),
        "packed": 0,
        "in_transit": 0,
        "received": 0,
        "collected": 0,
        "returned": 0,
        "lost": 0,  # declared lost, and reported missing at receipt (``missing``)
        "missing": 0,  # reported missing at receipt, case still open: part of ``lost``
        "damaged": 0,  # reported damaged at receipt, case still open
        "open_discrepancies": 0,
        "oldest_uncollected": None,
        "oldest_uncollected_days": None,
    }


def open_discrepancies(session: Session, *, now: datetime | None = None) -> list[dict[str, Any]]:
    now = now or utcnow()
    names = _names(session)
    rows = session.execute(
        sa.select(Discrepancy, col(Shipment.number), col(Shipment.kode_kecamatan))
        .join(Shipment, col(Shipment.id) == col(Discrepancy.shipment_id))
        .where(col(Discrepancy.state) == DiscrepancyState.OPEN)
        .order_by(col(Discrepancy.opened_at), col(Discrepancy.id))
    ).all()
    return [
        {
            "id": d.id,
            "shipment": number,
            "kode_kecamatan": kec,
            "kecamatan": names.get(kec, kec),
            "card_ref": d.card_ref,
            "kind": d.kind,
            "kind_label": rules.KIND_LABELS[d.kind],
            "opened_at": d.opened_at.isoformat(),
            "opened_by": d.opened_by,
            "age_days": (now - d.opened_at).days,
            "note": d.note,
        }
        for d, number, kec in rows
    ]


def uncollected_ages(
    session: Session, *, today: date, tz: str = "Asia/Jakarta", kecamatan: str | None = None
) -> list[dict[str, Any]]:
    """Per kecamatan: cards waiting at the office, and how many for over 30, 60, 90 days."""
    if kecamatan is not None:
        require_kecamatan(session, kecamatan)
    bounds = {b: day_start_utc(today - timedelta(days=b), tz) for b in rules.WAIT_BANDS}
    query = (
        sa.select(
            _REC.c.kode_kecamatan,
            sa.func.count(),
            *[
                sa.func.sum(sa.case((_CARD.c.received_at < bounds[b], 1), else_=0))
                for b in rules.WAIT_BANDS
            ],
        )
        .join(_REC, _REC.c.id == _CARD.c.record_id)
        .where(_CARD.c.state == CardState.RECEIVED)
        .group_by(_REC.c.kode_kecamatan)
        .order_by(_REC.c.kode_kecamatan)
    )
    if kecamatan:
        query = query.where(_REC.c.kode_kecamatan == kecamatan)
    names = _names(session)
    return [
        {
            "kode_kecamatan": kec,
            "kecamatan": names.get(kec, kec),
            "waiting": n,
            "over_30": int(a or 0),
            "over_60": int(b or 0),
            "over_90": int(c or 0),
        }
        for kec, n, a, b, c in session.execute(query).all()
    ]


def _waiting_cards(
    session: Session,
    *,
    today: date,
    tz: str,
    kecamatan: str | None,
    older_than_days: int | None = None,
    born_before: date | None = None,
    full_nik: bool = False,
    limit: int | None = None,
) -> list[dict[str, Any]]:
    query = (
        sa.select(
            _CARD.c.card_ref,
            _CARD.c.received_at,
            _REC.c.prr_id,
            _REC.c.nik,
            _REC.c.nama,
            _REC.c.alamat,
            _REC.c.rt,
            _REC.c.rw,
            _REC.c.kel_desa,
            _REC.c.kode_kecamatan,
            _REC.c.birth_date,
        )
        .join(_REC, _REC.c.id == _CARD.c.record_id)
        .where(_CARD.c.state == CardState.RECEIVED)
        .order_by(_REC.c.kode_kecamatan, _CARD.c.received_at, _CARD.c.id)
    )
    if kecamatan:
        query = query.where(_REC.c.kode_kecamatan == kecamatan)
    if older_than_days is not None:
        query = query.where(
            _CARD.c.received_at < day_start_utc(today - timedelta(days=older_than_days), tz)
        )
    if born_before is not None:
        query = query.where(_REC.c.birth_date <= born_before)
    if limit is not None:
        query = query.limit(limit)
    names = _names(session)
    zone = ZoneInfo(tz)
    out = []
    for r in session.execute(query).all():
        day = r.received_at.astimezone(zone).date() if r.received_at else today
        out.append(
            {
                "card_ref": r.card_ref,
                "prr_id": r.prr_id,
                "nik": r.nik if full_nik else mask_nik(r.nik),
                "nama": r.nama,
                "umur": rules.age_years(r.birth_date, today) if r.birth_date else None,
                "alamat": f"{r.alamat} RT {r.rt}/RW {r.rw}",
                "kel_desa": r.kel_desa,
                "kode_kecamatan": r.kode_kecamatan,
                "kecamatan": names.get(r.kode_kecamatan, r.kode_kecamatan),
                "waiting_since": day.isoformat(),
                "days": (today - day).days,
            }
        )
    return out


def jemput_bola(
    session: Session,
    *,
    today: date,
    tz: str = "Asia/Jakarta",
    min_age: int = 65,
    kecamatan: str | None = None,
    full_nik: bool = False,
    limit: int | None = None,
) -> list[dict[str, Any]]:
    """Residents aged ``min_age`` or more whose card waits at the kecamatan: visit them."""
    if kecamatan is not None:
        require_kecamatan(session, kecamatan)
    try:
        born_before = today.replace(year=today.year - min_age)
    except ValueError:  # 29 February
        born_before = today.replace(year=today.year - min_age, day=28)
    return _waiting_cards(
        session,
        today=today,
        tz=tz,
        kecamatan=kecamatan,
        born_before=born_before,
        full_nik=full_nik,
        limit=limit,
    )


def return_list(
    session: Session,
    *,
    today: date,
    tz: str = "Asia/Jakarta",
    days: int = 90,
    kecamatan: str | None = None,
    full_nik: bool = False,
    limit: int | None = None,
) -> list[dict[str, Any]]:
    """Cards waiting more than ``days`` at the kecamatan: to bring back to the Disdukcapil."""
    if kecamatan is not None:
        require_kecamatan(session, kecamatan)
    return _waiting_cards(
        session,
        today=today,
        tz=tz,
        kecamatan=kecamatan,
        older_than_days=days,
        full_nik=full_nik,
        limit=limit,
    )


def shipments(
    session: Session, *, limit: int = 200, kecamatan: str | None = None, state: str | None = None
) -> list[dict[str, Any]]:
    if kecamatan is not None:
        require_kecamatan(session, kecamatan)
    names = _names(session)
    cases = (
        sa.select(sa.func.count())
        .where(
            col(Discrepancy.shipment_id) == col(Shipment.id),
            col(Discrepancy.state) == DiscrepancyState.OPEN,
        )
        .scalar_subquery()
    )
    query = sa.select(Shipment, cases).order_by(col(Shipment.id).desc()).limit(limit)
    if kecamatan:
        query = query.where(col(Shipment.kode_kecamatan) == kecamatan)
    if state:
        query = query.where(col(Shipment.state) == state)
    return [
        {
            "number": s.number,
            "kode_kecamatan": s.kode_kecamatan,
            "kecamatan": names.get(s.kode_kecamatan, s.kode_kecamatan),
            "state": s.state,
            "cards": s.cards,
            "courier": s.courier,
            "packed_at": s.packed_at.isoformat(),
            "dispatched_at": s.dispatched_at.isoformat() if s.dispatched_at else None,
            "received_at": s.received_at.isoformat() if s.received_at else None,
            "received_by": s.received_by,
            "open_discrepancies": n,
            "manifest_path": s.manifest_path,
        }
        for s, n in session.execute(query).all()
    ]


def pending_receipts(session: Session) -> list[dict[str, Any]]:
    rows = session.execute(
        sa.select(Receipt)
        .where(col(Receipt.state) != ReceiptState.PRINTED)
        .order_by(col(Receipt.id))
    ).scalars()
    return [
        {
            "id": r.id,
            "kind": r.kind,
            "reference": r.reference,
            "place": r.place,
            "state": r.state,
            "attempts": r.attempts,
            "error": r.error,
        }
        for r in rows
    ]


def trace(session: Session, ref: str, *, full_nik: bool = False) -> dict[str, Any] | None:
    """Everything about one card's way from PRR to hand: by PRR id, card reference or NIK."""
    ref = ref.strip()
    record = (
        session.execute(
            sa.select(Record)
            .where(sa.or_(col(Record.prr_id) == ref, col(Record.nik) == ref))
            .order_by(col(Record.id).desc())
        )
        .scalars()
        .first()
    )
    if record is None:
        card = session.execute(sa.select(Card).where(col(Card.card_ref) == ref)).scalars().first()
        if card is None:
            return None
        record = session.get(Record, card.record_id)
        assert record is not None
    events = session.execute(
        sa.select(RecordEvent)
        .where(col(RecordEvent.record_id) == record.id)
        .order_by(col(RecordEvent.id))
    ).scalars()
    cards = session.execute(
        sa.select(Card, col(Shipment.number), col(ShipmentCard.outcome))
        .join(Shipment, col(Shipment.id) == col(Card.shipment_id), isouter=True)
        .join(
            ShipmentCard,
            sa.and_(
                col(ShipmentCard.card_id) == col(Card.id),
                col(ShipmentCard.shipment_id) == col(Card.shipment_id),
            ),
            isouter=True,
        )
        .where(col(Card.record_id) == record.id)
        .order_by(col(Card.id))
    ).all()
    collection = (
        session.execute(sa.select(Collection).where(col(Collection.record_id) == record.id))
        .scalars()
        .first()
    )
    return {
        "prr_id": record.prr_id,
        "nik": record.nik if full_nik else mask_nik(record.nik),
        "nama": record.nama,
        "kode_kecamatan": record.kode_kecamatan,
        "state": record.state,
        "state_label": STATE_LABELS[RecordState(record.state)],
        "batch_id": record.batch_id,
        "events": [
            {
                "at": e.at.isoformat(),
                "from": e.from_state,
                "to": e.to_state,
                "actor": e.actor,
                "reason": e.reason,
            }
            for e in events
        ],
        "cards": [
            {
                "card_ref": c.card_ref,
                "attempt": c.attempt,
                "state": c.state,
                "place": card_place(c.state, outcome),
                "printer": c.printer_name,
                "lot": c.lot_code,
                "printed_at": c.printed_at.isoformat() if c.printed_at else None,
                "shipment": number,
                "received_at": c.received_at.isoformat() if c.received_at else None,
            }
            for c, number, outcome in cards
        ],
        "collection": None
        if collection is None
        else {
            "at": collection.at.isoformat(),
            "by": collection.collected_by,
            "place": collection.place,
            "officer": collection.officer,
        },
    }


def card_place(state: str, outcome: str | None) -> str:
    """Where a card is, for people; a dispatched card the kecamatan did not receive (or
    received damaged) is not on its way any more."""
    if state == CardState.DISPATCHED and outcome in REPORTED_AT_RECEIPT:
        return REPORTED_AT_RECEIPT[outcome]
    return rules.PLACE_LABELS.get(state, state)


#: Place of a dispatched card by what the kecamatan reported of it, case still open.
REPORTED_AT_RECEIPT: dict[str, str] = {
    DiscrepancyKind.MISSING: "hilang (dilaporkan tidak ada saat diterima kecamatan)",
    DiscrepancyKind.DAMAGED: "rusak saat diterima kecamatan (kasus belum selesai)",
}


def shipment_cards(
    session: Session, number: str, *, full_nik: bool = False
) -> list[dict[str, Any]]:
    """The cards of one shipment with what the kecamatan said of each."""
    rows = session.execute(
        sa.select(
            _CARD.c.card_ref,
            _CARD.c.state,
            col(ShipmentCard.outcome),
            _REC.c.prr_id,
            _REC.c.nik,
            _REC.c.nama,
            _REC.c.kel_desa,
        )
        .join(ShipmentCard, col(ShipmentCard.card_id) == _CARD.c.id)
        .join(Shipment, col(Shipment.id) == col(ShipmentCard.shipment_id))
        .join(_REC, _REC.c.id == col(ShipmentCard.record_id))
        .where(col(Shipment.number) == number.strip().upper())
        .order_by(_CARD.c.id)
    ).all()
    return [
        {
            "card_ref": r.card_ref,
            "prr_id": r.prr_id,
            "nik": r.nik if full_nik else mask_nik(r.nik),
            "nama": r.nama,
            "kel_desa": r.kel_desa,
            "state": r.state,
            "outcome": r.outcome,
            "place": card_place(r.state, r.outcome),
        }
        for r in rows
    ]
