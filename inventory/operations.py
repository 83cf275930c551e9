"""Stock-takes and destruction: composite services over the ledger."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Session

from cetak.models import utcnow
from inventory.errors import NoOfficer, NotEnoughWitnesses, NothingToDestroy, UnknownLot
from inventory.ledger import fifo_lots, lock_balance, post, receive_stock, resolve_site
from inventory.models import Balance, DestructionReport, Lot, Movement, StockCount
from inventory.rules import Kind, count_adjustments

_MOV = Movement.__table__  # type: ignore[attr-defined]
_BAL = Balance.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True, slots=True)
class CountResult:
    count: StockCount
    adjustments: list[tuple[str, int]]


def count_stock(
    session: Session,
    *,
    counted: int,
    reason: str,
    actor: str,
    threshold: int,
    site: str | None = None,
    lot: str | None = None,
    at: datetime | None = None,
) -> CountResult:
    """Post the difference between a physical count and the books as adjustments.

    A difference larger than ``threshold`` blanks is flagged for the section head.
    """
    if isinstance(counted, bool) or not isinstance(counted, int) or counted < 0:
        raise ValueError("counted must be a whole number, zero or more")
    site_code = resolve_site(session, site)
    at = at or utcnow()
    if lot is not None:
        if session.get(Lot, lot) is None:
            raise UnknownLot(lot, site_code)
        row = session.get(Balance, (site_code, lot))
        lots = [(lot, lock_balance(session, site_code, lot)[0] if row else 0)]
    else:
        lots = fifo_lots(session, site_code, lock=True)
        if not lots and counted > 0:
            newest = session.execute(
                sa.select(_BAL.c.lot_code)
                .where(_BAL.c.site_code == site_code)
                .order_by(_BAL.c.lot_received_on.desc())
                .limit(1)
            ).scalar()
            if newest is None:
                raise UnknownLot("(belum ada lot)", site_code)
            lots = [(newest, 0)]
    expected = sum(n for _, n in lots)
    difference = counted - expected
    record = StockCount(
        site_code=site_code,
        lot_code=lot,
        expected=expected,
        counted=counted,
        difference=difference,
        reason=reason,
        flagged=abs(difference) > threshold,
        actor=actor,
        at=at,
    )
    session.add(record)
    session.flush()
    adjustments = count_adjustments(lots, counted)
    for lot_code, delta in adjustments:
        post(
            session,
            key=f"count:{record.id}:{lot_code}",
            kind=Kind.ADJUSTMENT,
            site=site_code,
            lot=lot_code,
            delta_on_hand=delta,
            actor=actor,
            at=at,
            stock_count_id=record.id,
            note=reason,
        )
    return CountResult(record, adjustments)


def awaiting_destruction(session: Session) -> list[Movement]:
    """SPOILED movements not yet destroyed (and not themselves reversed), oldest first."""
    later = _MOV.alias("later")
    # NOT EXISTS probes the destroys_id / reverses_id indexes per spoiled row; NOT IN would
    # read every destruction and reversal of the whole ledger first.
    settled = sa.exists().where(
        sa.or_(later.c.destroys_id == _MOV.c.id, later.c.reverses_id == _MOV.c.id)
    )
    return list(
        session.exec(  # type: ignore[call-overload]
            sa.select(Movement)
            .where(
                Movement.kind == Kind.SPOILED.value,
                Movement.delta_spoiled > 0,
                ~settled,
            )
            .order_by(Movement.id)
        ).scalars()
    )


def destroy_spoiled(
    session: Session,
    *,
    number: str,
    held_on: date,
    place: str,
    officers: list[str],
    witnesses: list[str],
    actor: str,
    at: datetime | None = None,
) -> DestructionReport:
    """Post DESTROYED for every spoiled blank waiting, under one berita acara."""
    witnesses = [w.strip() for w in witnesses if w.strip()]
    officers = [o.strip() for o in officers if o.strip()]
    if len(witnesses) < 2:
        raise NotEnoughWitnesses()
    if not officers:
        raise NoOfficer()
    waiting = awaiting_destruction(session)
    if not waiting:
        raise NothingToDestroy()
    at = at or utcnow()
    report = DestructionReport(
        number=number,
        held_on=held_on,
        place=place,
        officers_json=json.dumps(officers),
        witnesses_json=json.dumps(witnesses),
        quantity=len(waiting),
        actor=actor,
        at=at,
    )
    session.add(report)
    session.flush()
    for spoiled in waiting:
        post(
            session,
            key=f"destroy:{spoiled.id}",
            kind=Kind.DESTROYED,
            site=spoiled.site_code,
            lot=spoiled.lot_code,
            delta_on_hand=0,
            delta_spoiled=-1,
            actor=actor,
            at=at,
            cause=spoiled.cause,
            card_ref=spoiled.card_ref,
            record_id=spoiled.record_id,
            destroys_id=spoiled.id,
            destruction_id=report.id,
        )
    return report


def receive_lot(
    session: Session,
    *,
    lot: str,
    quantity: int,
    actor: str,
    received_on: date,
    site: str | None = None,
    reference: str | None = None,
    serial_start: str | None = None,
    request: str | None = None,
) -> tuple[Lot, str | None]:
    """Receive a lot and close the request it answers (named, or the only one sent).

    Returns the lot and the number of the request closed, if any.
    """
    from inventory import reorder

    closed = reorder.close_on_receipt(session, request)
    row = receive_stock(
        session,
        lot=lot,
        quantity=quantity,
        actor=actor,
        site=site,
        received_on=received_on,
        reference=reference,
        serial_start=serial_start,
        request_id=closed.id if closed else None,
    )
    return row, closed.number if closed else None
