"""The blank ledger service: every change of stock is a movement posted here.

Each function works inside the caller's transaction (``session``) and commits
nothing: the CLI, the flows and the dashboard wrap it in ``write_session``. A
movement is posted once per idempotency key: posting the same key again returns
the first movement and changes nothing, so a retried task never posts twice.
Balances are a cache updated in the same transaction; the database refuses a
negative balance, and on PostgreSQL the balance rows are locked in primary-key
order before they change, so concurrent workers queue instead of overselling.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import make_transient_to_detached
from sqlmodel import Session, col

from cetak.models import utcnow
from inventory.errors import (
    InsufficientStock,
    InvalidSerial,
    LotAlreadyReceived,
    SerialOverlap,
    UnknownCause,
    UnknownLot,
    UnknownSite,
)
from inventory.models import Balance, Lot, Movement, Site
from inventory.rules import (
    ABSOLUTE_MAX_QUANTITY,
    Cause,
    Kind,
    SerialRange,
    check_lot_code,
    check_quantity,
    serial_range,
)

_MOV = Movement.__table__  # type: ignore[attr-defined]
_BAL = Balance.__table__  # type: ignore[attr-defined]
_LOT = Lot.__table__  # type: ignore[attr-defined]

# The statements of taking a blank (every card), built once: building one costs SQLAlchemy
# more than running it, inside the card's write transaction. Bound parameters are "b_...".
_KEY_ID = sa.select(_MOV.c.id).where(_MOV.c.idempotency_key == sa.bindparam("b_key"))
_FIFO = (
    sa.select(_BAL.c.lot_code, _BAL.c.on_hand)
    .where(_BAL.c.site_code == sa.bindparam("b_site"), _BAL.c.on_hand > 0)
    .order_by(_BAL.c.lot_received_on, _BAL.c.lot_code)
)
_FIFO_LOCKED = _FIFO.with_for_update()
_LOT_SERIALS = sa.select(
    _LOT.c.serial_prefix,
    _LOT.c.serial_first,
    _LOT.c.serial_last,
    _LOT.c.serial_width,
    _LOT.c.serials_issued,
).where(_LOT.c.code == sa.bindparam("b_lot"))
_LOT_SERIALS_LOCKED = _LOT_SERIALS.with_for_update()
_SERIAL_STEP = (
    sa.update(_LOT)
    .where(_LOT.c.code == sa.bindparam("b_lot"))
    .values(serials_issued=_LOT.c.serials_issued + sa.bindparam("b_step"))
)
_BACK_ON_SHELF = (
    sa.select(_MOV.c.serial_no)
    .where(
        _MOV.c.lot_code == sa.bindparam("b_lot"),
        _MOV.c.serial_no.in_(
            sa.select(_MOV.c.serial_no)
            .where(
                _MOV.c.lot_code == sa.bindparam("b_lot"),
                _MOV.c.serial_no.is_not(None),
                _MOV.c.delta_on_hand > 0,
            )
            .scalar_subquery()
        ),
    )
    .group_by(_MOV.c.serial_no)
    .having(sa.func.sum(_MOV.c.delta_on_hand) == 0)
    .order_by(_MOV.c.serial_no)
    .limit(1)
)
#: One movement, or none when its key was posted already (per dialect: ON CONFLICT DO NOTHING).
_INSERT_MOVEMENT = {
    "sqlite": sqlite.insert(_MOV).on_conflict_do_nothing().returning(*_MOV.c),
    "postgresql": postgresql.insert(_MOV).on_conflict_do_nothing().returning(*_MOV.c),
}
_BALANCE_STEP = (
    sa.update(_BAL)
    .where(_BAL.c.site_code == sa.bindparam("b_site"), _BAL.c.lot_code == sa.bindparam("b_lot"))
    .values(
        on_hand=_BAL.c.on_hand + sa.bindparam("b_on_hand"),
        awaiting_destruction=_BAL.c.awaiting_destruction + sa.bindparam("b_spoiled"),
        updated_at=sa.bindparam("b_at"),
    )
)

DEFAULT_SITE = "DISDUKCAPIL"


@dataclass(frozen=True, slots=True)
class Posted:
    """A movement and whether this call created it (False: the key was posted before)."""

    movement: Movement
    created: bool


def _is_pg(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def _insert_ignore(session: Session, table: sa.Table, values: dict[str, Any]) -> int:
    """INSERT ... ON CONFLICT DO NOTHING; the number of rows inserted (0 or 1)."""
    dialect = postgresql if _is_pg(session) else sqlite
    stmt = dialect.insert(table).values(**values).on_conflict_do_nothing()
    # Count the rows RETURNING gives back: rowcount is -1 on PostgreSQL when SQLAlchemy adds
    # RETURNING for a generated key (Movement.id), which would read as "inserted".
    return len(session.execute(stmt.returning(*table.primary_key.columns)).all())


def _existing(session: Session, key: str) -> Movement | None:
    # The key's id first (a card's blank is almost never posted yet), the row only if found.
    found = session.execute(_KEY_ID, {"b_key": key}).scalar()
    return None if found is None else session.get(Movement, found)


def existing(session: Session, key: str) -> Movement | None:
    """The movement posted under ``key``, if any (a retried command finds its first run)."""
    return _existing(session, key)


def transfer_posted(session: Session, transfer_ref: str) -> bool:
    """Whether a transfer was posted under ``transfer_ref`` (its FIFO split may differ on a
    retry, so the per-lot keys alone cannot tell)."""
    found = session.execute(
        sa.select(_MOV.c.id).where(_MOV.c.transfer_ref == transfer_ref).limit(1)
    ).first()
    return found is not None


def reversal_of(session: Session, movement_id: int | None) -> Movement | None:
    """The movement that reversed ``movement_id``, if any."""
    if movement_id is None:
        return None
    found: Movement | None = (
        session.exec(  # type: ignore[call-overload]
            sa.select(Movement).where(col(Movement.reverses_id) == movement_id)
        )
        .scalars()
        .first()
    )
    return found


def resolve_site(session: Session, site: str | None) -> str:
    if site is None:
        default: str | None = (
            session.exec(  # type: ignore[call-overload]
                sa.select(col(Site.code)).where(col(Site.is_default).is_(True))
            )
            .scalars()
            .first()
        )
        if default is None:
            raise UnknownSite(DEFAULT_SITE)
        return default
    if session.get(Site, site) is None:
        raise UnknownSite(site)
    return site


def post(
    session: Session,
    *,
    key: str,
    kind: Kind,
    site: str,
    lot: str,
    delta_on_hand: int,
    delta_spoiled: int = 0,
    actor: str,
    at: datetime | None = None,
    **fields: Any,
) -> Posted:
    """Append one movement and apply it to the balance cache, once per ``key``.

    A movement that destroys a spoiled blank (``destroys_id``) carries that blank's serial.
    """
    found = _existing(session, key)
    if found is not None:
        return Posted(found, False)
    if fields.get("destroys_id") is not None and "serial_no" not in fields:
        destroyed = session.get(Movement, fields["destroys_id"])
        if destroyed is not None and destroyed.serial_no is not None:
            fields.update(serial=destroyed.serial, serial_no=destroyed.serial_no)
    at = at or utcnow()
    lot_row = session.get(Lot, lot)
    if lot_row is None:
        raise UnknownLot(lot)
    _ensure_balance(session, site, lot_row, at)
    # Lock the balance first and check it: nothing is written for a refused movement.
    on_hand, awaiting = _lock_balance(session, site, lot)
    if on_hand + delta_on_hand < 0:
        raise InsufficientStock(site, -delta_on_hand, on_hand, lot)
    if awaiting + delta_spoiled < 0:
        raise InsufficientStock(site, -delta_spoiled, awaiting, lot)
    return _append(
        session,
        key=key,
        kind=kind,
        site=site,
        lot=lot,
        delta_on_hand=delta_on_hand,
        delta_spoiled=delta_spoiled,
        actor=actor,
        at=at,
        **fields,
    )


def _ensure_balance(session: Session, site: str, lot_row: Lot, at: datetime) -> None:
    """The balance row of ``site`` and ``lot_row``, inserted empty if missing."""
    _insert_ignore(
        session,
        _BAL,
        {
            "site_code": site,
            "lot_code": lot_row.code,
            "lot_received_on": lot_row.received_on,
            "on_hand": 0,
            "awaiting_destruction": 0,
            "updated_at": at,
        },
    )


def _append(
    session: Session,
    *,
    key: str,
    kind: Kind,
    site: str,
    lot: str,
    delta_on_hand: int,
    delta_spoiled: int,
    actor: str,
    at: datetime,
    **fields: Any,
) -> Posted:
    """Insert the movement and update its balance row, which the caller has locked and
    checked. The movement comes back from the INSERT itself (RETURNING), not re-read."""
    values = {
        "idempotency_key": key,
        "kind": kind.value,
        "site_code": site,
        "lot_code": lot,
        "delta_on_hand": delta_on_hand,
        "delta_spoiled": delta_spoiled,
        "actor": actor,
        "at": at,
        **fields,
    }
    row = session.execute(_INSERT_MOVEMENT[session.get_bind().dialect.name], values).first()
    if row is None:
        # A concurrent worker posted the same key and committed first.
        found = _existing(session, key)
        assert found is not None
        return Posted(found, False)
    session.execute(
        _BALANCE_STEP,
        {
            "b_site": site,
            "b_lot": lot,
            "b_on_hand": delta_on_hand,
            "b_spoiled": delta_spoiled,
            "b_at": at,
        },
    )
    # Built from the returned row and put in the session as loaded (an ORM insert with
    # RETURNING costs about a millisecond more).
    movement = Movement(**row._mapping)
    make_transient_to_detached(movement)
    session.add(movement)
    return Posted(movement, True)


def lock_balance(session: Session, site: str, lot: str) -> tuple[int, int]:
    """(on hand, awaiting destruction) of a balance row, locked on PostgreSQL."""
    return _lock_balance(session, site, lot)


def _lock_balance(session: Session, site: str, lot: str) -> tuple[int, int]:
    query = sa.select(_BAL.c.on_hand, _BAL.c.awaiting_destruction).where(
        _BAL.c.site_code == site, _BAL.c.lot_code == lot
    )
    if _is_pg(session):
        query = query.with_for_update()
    on_hand, awaiting = session.execute(query).one()
    return on_hand, awaiting


def fifo_lots(session: Session, site: str, *, lock: bool = False) -> list[tuple[str, int]]:
    """(lot, on hand) at a site, oldest delivery first, lots with stock only."""
    query = _FIFO_LOCKED if lock and _is_pg(session) else _FIFO
    return [(lot, n) for lot, n in session.execute(query, {"b_site": site})]


def _check_quantity(quantity: int) -> None:
    """A whole number from 1 to the absolute cap (no figure that overflows a column gets
    near the database; the settings' tighter bounds are checked by the callers)."""
    check_quantity(quantity, limit=ABSOLUTE_MAX_QUANTITY)


# --- receiving ----------------------------------------------------------------------------


def receive_stock(
    session: Session,
    *,
    lot: str,
    quantity: int,
    actor: str,
    site: str | None = None,
    received_on: date,
    reference: str | None = None,
    serial_start: str | None = None,
    request_id: int | None = None,
    at: datetime | None = None,
    kind: Kind = Kind.RECEIVED,
) -> Lot:
    """Receive one lot from central. A lot code is received once; serial ranges never overlap.

    ``kind`` is ``LOAN_IN`` for a lot borrowed from another regency and ``LOAN_OUT_RETURN``
    for blanks another regency gives back (issue 15): they arrive whole, like a lot."""
    _check_quantity(quantity)
    lot = check_lot_code(lot)
    site_code = resolve_site(session, site)
    if session.get(Lot, lot) is not None:
        raise LotAlreadyReceived(lot)
    serials = None
    if serial_start:
        serials = serial_range(serial_start, quantity)
        if serials is None:
            raise InvalidSerial(serial_start)
        _check_serial_overlap(session, lot, serials)
    row = Lot(
        code=lot,
        site_code=site_code,
        received_on=received_on,
        quantity=quantity,
        reference=reference,
        serial_prefix=serials.prefix if serials else None,
        serial_first=serials.first if serials else None,
        serial_last=serials.last if serials else None,
        serial_width=serials.width if serials else None,
        request_id=request_id,
        actor=actor,
        received_at=at or utcnow(),
    )
    session.add(row)
    session.flush()
    post(
        session,
        key=f"receive:{lot}",
        kind=kind,
        site=site_code,
        lot=lot,
        delta_on_hand=quantity,
        actor=actor,
        at=at,
        note=reference,
    )
    return row


def _check_serial_overlap(session: Session, lot: str, serials: Any) -> None:
    others = (
        session.exec(  # type: ignore[call-overload]
            sa.select(Lot).where(
                Lot.serial_prefix == serials.prefix,
                Lot.serial_first <= serials.last,
                Lot.serial_last >= serials.first,
            )
        )
        .scalars()
        .first()
    )
    if others is not None:
        raise SerialOverlap(lot, others.code)


# --- serials (issue 11, item 16) ---------------------------------------------------------


def _lock_lot_serials(session: Session, lot: str) -> tuple[Any, ...] | None:
    """(prefix, first, last, width, issued) of a lot with a serial range, its row locked on
    PostgreSQL (SQLite serialises writers); None for a lot without a range."""
    query = _LOT_SERIALS_LOCKED if _is_pg(session) else _LOT_SERIALS
    row = session.execute(query, {"b_lot": lot}).one_or_none()
    if row is None or row.serial_first is None or row.serial_last is None:
        return None
    return tuple(row)


def _returned_serial(session: Session, lot: str) -> int | None:
    """The lowest serial of ``lot`` handed out before and back on the shelf since (its
    movements net to nothing on hand: a voided card, a reversed spoilage), if any.

    Only serials that went back at least once are looked at: a positive on-hand movement
    with a serial is rare, so this reads a handful of rows, not the lot's whole history.
    """
    found = session.execute(_BACK_ON_SHELF, {"b_lot": lot}).scalar()
    return None if found is None else int(found)


@dataclass(frozen=True, slots=True)
class _Taken:
    serial: str
    number: int
    new: bool  # True: from the lot's counter (undo it if the movement is not inserted)


def _take_serial(session: Session, lot: str) -> _Taken | None:
    """The serial of the next blank off the shelf of ``lot``, in the caller's transaction.

    A serial that came back on the shelf goes out first, then the lot's next new serial
    (its counter moves in this same transaction, so a rolled-back or killed step hands the
    same serial out again). None for a lot without a serial range, or when the range is
    used up (more blanks than serials, e.g. after a stock-take surplus).
    """
    locked = _lock_lot_serials(session, lot)
    if locked is None:
        return None
    prefix, first, last, width, issued = locked
    serials = SerialRange(prefix or "", int(first), int(last), int(width or 0))
    number = _returned_serial(session, lot)
    if number is not None:
        return _Taken(serials.format(number), number, False)
    number = serials.first + int(issued or 0)
    if number > serials.last:
        return None
    session.execute(_SERIAL_STEP, {"b_lot": lot, "b_step": 1})
    return _Taken(serials.format(number), number, True)


def _give_back(session: Session, lot: str, taken: _Taken | None) -> None:
    """Undo ``_take_serial``'s counter step (the movement it was for was not inserted)."""
    if taken is not None and taken.new:
        session.execute(_SERIAL_STEP, {"b_lot": lot, "b_step": -1})


def _serial_fields(taken: _Taken | None) -> dict[str, Any]:
    if taken is None:
        return {}
    return {"serial": taken.serial, "serial_no": taken.number}


# --- consumption and spoilage ------------------------------------------------------------


def consume_blank(
    session: Session,
    *,
    card_ref: str,
    actor: str,
    site: str | None = None,
    record_id: int | None = None,
    at: datetime | None = None,
) -> Movement:
    """Take one blank for one card, first lot in first out, once per ``card_ref``.

    For a lot with a serial range the blank takes the lot's next serial (``serial`` on the
    movement), in the same transaction: a retried consumption returns the first movement
    with its serial, and no serial is skipped or handed out twice.
    Raises ``InsufficientStock`` when the site holds no blank.
    """
    key = f"consume:{card_ref}"
    found = _existing(session, key)
    if found is not None:
        return found  # posted before: same lot, same serial, nothing more taken
    # A named site is checked only when it has no stock: a balance row implies the site.
    site_code = resolve_site(session, None) if site is None else site
    # The oldest lot with stock, its balance row locked (PostgreSQL) with its current count:
    # post()'s own balance insert, lock and check are not needed again.
    lots = fifo_lots(session, site_code, lock=True)
    if not lots:
        found = _existing(session, key)  # taken before the stock ran out: still this card's
        if found is not None:
            return found
        resolve_site(session, site_code)
        raise InsufficientStock(site_code, 1, 0)
    lot = lots[0][0]
    # A concurrent worker that posted this key committed before our balance lock was
    # granted: its movement is visible now, and no serial is taken for nothing.
    found = _existing(session, key)
    if found is not None:
        return found
    taken = _take_serial(session, lot)
    # Posted once per key: a blank taken before for this card comes back unchanged (the
    # INSERT ... ON CONFLICT DO NOTHING inserts nothing and the first movement is read).
    posted = _append(
        session,
        key=key,
        kind=Kind.CONSUMED,
        site=site_code,
        lot=lot,
        delta_on_hand=-1,
        delta_spoiled=0,
        actor=actor,
        at=at or utcnow(),
        card_ref=card_ref,
        record_id=record_id,
        **_serial_fields(taken),
    )
    if not posted.created:
        _give_back(session, lot, taken)
    return posted.movement


def spoil_blank(
    session: Session,
    *,
    cause: Cause | str,
    actor: str,
    card_ref: str | None = None,
    site: str | None = None,
    lot: str | None = None,
    key: str | None = None,
    note: str | None = None,
    record_id: int | None = None,
    at: datetime | None = None,
) -> Movement:
    """Record a spoiled blank with its cause; it then waits for destruction.

    For a card (``card_ref`` given and its blank consumed): the consumption is
    reversed and the same blank posted as spoiled, so a blank is counted once,
    as a good card or as a spoiled one. Without a consumption (a blank damaged
    on the shelf): one blank leaves the site's stock, from ``lot`` or FIFO.
    """
    try:
        cause = Cause(cause)
    except ValueError as exc:
        raise UnknownCause(str(cause), tuple(c.value for c in Cause)) from exc
    spoil_key = key or (f"spoil:{card_ref}" if card_ref else None)
    if spoil_key is None:
        raise ValueError("a blank spoiled on the shelf needs an idempotency key")
    found = _existing(session, spoil_key)
    if found is not None:
        return found
    consumed = _existing(session, f"consume:{card_ref}") if card_ref else None
    if consumed is not None and reversal_of(session, consumed.id) is not None:
        # The blank already went back on the shelf (a voided card): spoil it from there.
        site, lot, consumed = consumed.site_code, consumed.lot_code, None
    if consumed is not None:
        post(
            session,
            key=f"unconsume:{card_ref}",
            kind=Kind.CONSUMED,
            site=consumed.site_code,
            lot=consumed.lot_code,
            delta_on_hand=+1,
            actor=actor,
            at=at,
            card_ref=card_ref,
            record_id=consumed.record_id,
            reverses_id=consumed.id,
            note=f"kartu rusak: {cause.value}",
            serial=consumed.serial,
            serial_no=consumed.serial_no,
        )
        site_code, lot_code = consumed.site_code, consumed.lot_code
        record_id = record_id or consumed.record_id
        serial: dict[str, Any] = {"serial": consumed.serial, "serial_no": consumed.serial_no}
        taken = None
    else:
        site_code = resolve_site(session, site)
        if lot is None:
            lots = fifo_lots(session, site_code, lock=True)
            if not lots:
                raise InsufficientStock(site_code, 1, 0)
            lot_code = lots[0][0]
        else:
            lot_row = session.get(Lot, lot)
            if lot_row is None:
                raise UnknownLot(lot, site_code)
            lot_code = lot
            # The balance row before the lot row, as consume_blank locks them (no deadlock).
            _ensure_balance(session, site_code, lot_row, at or utcnow())
            _lock_balance(session, site_code, lot_code)
        # A blank damaged on the shelf is the next one off it: it takes the next serial.
        taken = _take_serial(session, lot_code)
        serial = _serial_fields(taken)
    try:
        posted = post(
            session,
            key=spoil_key,
            kind=Kind.SPOILED,
            site=site_code,
            lot=lot_code,
            delta_on_hand=-1,
            delta_spoiled=+1,
            actor=actor,
            at=at,
            cause=cause.value,
            card_ref=card_ref,
            record_id=record_id,
            note=note,
            **serial,
        )
    except InsufficientStock:
        _give_back(session, lot_code, taken)
        raise
    if not posted.created:
        _give_back(session, lot_code, taken)
    return posted.movement


def lose_card(
    session: Session, *, card_ref: str, actor: str, note: str, at: datetime | None = None
) -> Movement:
    """A printed card is lost on its way to the resident: its consumed blank is accounted
    for by a LOST row (no stock moves; the blank left the shelf when it was consumed)."""
    consumed = _existing(session, f"consume:{card_ref}")
    if consumed is None or reversal_of(session, consumed.id) is not None:
        raise LookupError(f"no consumed blank for card {card_ref}")
    return post(
        session,
        key=f"lost:{card_ref}",
        kind=Kind.LOST,
        site=consumed.site_code,
        lot=consumed.lot_code,
        delta_on_hand=0,
        actor=actor,
        at=at,
        card_ref=card_ref,
        record_id=consumed.record_id,
        note=note,
        serial=consumed.serial,
        serial_no=consumed.serial_no,
    ).movement


def reverse(
    session: Session, *, movement_id: int, actor: str, reason: str, at: datetime | None = None
) -> Movement:
    """Correct a movement by posting its opposite (never by editing it)."""
    original = session.get(Movement, movement_id)
    if original is None:
        raise LookupError(movement_id)
    earlier = reversal_of(session, movement_id)
    if earlier is not None:
        return earlier  # a movement is reversed once, whoever reversed it
    return post(
        session,
        key=f"reverse:{movement_id}",
        kind=Kind(original.kind),
        site=original.site_code,
        lot=original.lot_code,
        delta_on_hand=-original.delta_on_hand,
        delta_spoiled=-original.delta_spoiled,
        actor=actor,
        at=at,
        cause=original.cause,
        card_ref=original.card_ref,
        record_id=original.record_id,
        reverses_id=original.id,
        note=reason,
        serial=original.serial,
        serial_no=original.serial_no,
    ).movement
