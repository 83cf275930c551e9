"""Printer consumables the regency buys itself (issue 15): ribbons, retransfer film,
cleaning kits and laminate.

Central sends blanks; the regency's own budget buys the rest, and printing stops when a
ribbon runs out (Tangerang Selatan 2024, Kulon Progo 2018). Rolls arrive in lots with a
unit price and a rated yield (cards per roll); a roll is loaded into one printer, and what
is left of it is the rated yield less the cards printed since it was loaded, or what the
printer reports (percent left) when that is less. The office's cover is the rolls on the
shelf plus what is left in the printers, in cards and in days at the recent rate of
printing; below the reorder point (the regency's procurement lead time plus a review
period) the office asks its procurement officer (PPK) for more.

The rules (:func:`cards_left`, :func:`cover`) are plain functions; the rest reads and
writes in the caller's transaction.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Session, col, select

from cetak.errors import CetakError
from cetak.models import utcnow
from printers.models import Card, ConsumableLoad, ConsumableLot, Printer

MAX_ROLLS = 1_000  # rolls in one delivery: more is a typo
MAX_YIELD = 10_000  # cards one roll prints
MAX_PRICE = 100_000_000  # rupiah per roll


class ConsumableKind(StrEnum):
    RIBBON = "ribbon"
    FILM = "film"  # retransfer film
    CLEANING_KIT = "cleaning_kit"
    LAMINATE = "laminate"


#: Kinds whose loaded roll limits how many cards a printer can print.
LIMITING = frozenset({ConsumableKind.RIBBON, ConsumableKind.FILM, ConsumableKind.LAMINATE})


class ConsumableError(CetakError):
    code = "consumables.error"


class ConsumableRefused(ConsumableError):
    code = "consumables.refused"

    def __init__(self, problem: str, **fields: object) -> None:
        super().__init__(problem=problem, **fields)


# --- rules ---------------------------------------------------------------------------------


def cards_left(rated_yield: int, printed_since_load: int, reported_percent: int | None) -> int:
    """Cards a loaded roll can still print: the rated yield less what was printed since it
    was loaded, or less when the printer reports less left."""
    by_count = max(0, rated_yield - printed_since_load)
    if reported_percent is None:
        return by_count
    by_report = math.floor(rated_yield * max(0, min(100, reported_percent)) / 100)
    return min(by_count, by_report)


@dataclass(frozen=True, slots=True)
class Cover:
    kind: str
    shelf_rolls: int
    cards: int  # shelf rolls' yield plus what is left in the printers
    days: float | None  # at the recent rate; None without a rate
    reorder_point_days: float
    reorder: bool
    rolls_to_order: int
    estimated_cost: int  # rupiah, at the last unit price


def cover(
    kind: str,
    *,
    shelf: list[tuple[int, int]],  # (rolls, rated yield) per lot on the shelf
    loaded_left: int,
    cards_per_day: float,
    lead_days: float,
    review_days: float,
    unit_price: int,
) -> Cover:
    """The office's cover of one kind, and the rolls to ask for to last the lead time and a
    review period beyond it."""
    cards = sum(r * y for r, y in shelf) + loaded_left
    rolls = sum(r for r, _ in shelf)
    days = cards / cards_per_day if cards_per_day > 0 else None
    point = lead_days + review_days
    reorder = days is not None and days < point
    need = 0
    if reorder and cards_per_day > 0:
        per_roll = max((y for _, y in shelf), default=0) or 500
        need = math.ceil(max(0.0, point * cards_per_day - cards) / per_roll)
    return Cover(kind, rolls, cards, days, point, reorder, need, need * unit_price)


# --- reading and writing -------------------------------------------------------------------

_LOT_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9./_-]{0,59}$")


def receive(
    session: Session,
    *,
    lot: str,
    kind: ConsumableKind,
    rolls: int,
    rated_yield: int,
    unit_price: int,
    received_on: date,
    actor: str,
    reference: str | None = None,
) -> ConsumableLot:
    if not _LOT_CODE.match(lot):
        raise ConsumableRefused("bad_lot", lot=lot)
    if not 0 < rolls <= MAX_ROLLS:
        raise ConsumableRefused("bad_rolls", given=rolls, limit=MAX_ROLLS)
    if not 0 < rated_yield <= MAX_YIELD:
        raise ConsumableRefused("bad_yield", given=rated_yield, limit=MAX_YIELD)
    if not 0 <= unit_price <= MAX_PRICE:
        raise ConsumableRefused("bad_price", given=unit_price, limit=MAX_PRICE)
    if session.get(ConsumableLot, lot) is not None:
        raise ConsumableRefused("lot_exists", lot=lot)
    row = ConsumableLot(
        code=lot,
        kind=kind.value,
        rolls=rolls,
        rated_yield=rated_yield,
        unit_price=unit_price,
        received_on=received_on,
        reference=reference,
        actor=actor,
    )
    session.add(row)
    session.flush()
    return row


def _loaded(session: Session, printer: str, kind: str) -> ConsumableLoad | None:
    return session.exec(
        select(ConsumableLoad).where(
            ConsumableLoad.printer_name == printer,
            ConsumableLoad.kind == kind,
            col(ConsumableLoad.removed_at).is_(None),
        )
    ).first()


def shelf_rolls(session: Session, lot: str) -> int:
    row = session.get(ConsumableLot, lot)
    if row is None:
        return 0
    loaded = session.execute(
        sa.select(sa.func.count())
        .select_from(ConsumableLoad)
        .where(col(ConsumableLoad.lot_code) == lot)
    ).scalar()
    return row.rolls - int(loaded or 0)


def load(
    session: Session, *, printer: str, lot: str, actor: str, at: datetime | None = None
) -> ConsumableLoad:
    """Load one roll of ``lot`` into ``printer``: refused when the printer already holds a
    roll of that kind (unload it first) or the lot has no roll left on the shelf."""
    row = session.exec(
        select(ConsumableLot).where(ConsumableLot.code == lot).with_for_update()
    ).first()
    if row is None:
        raise ConsumableRefused("unknown_lot", lot=lot)
    if session.get(Printer, printer) is None:
        raise ConsumableRefused("unknown_printer", printer=printer)
    if _loaded(session, printer, row.kind) is not None:
        raise ConsumableRefused("already_loaded", printer=printer, kind=row.kind)
    if shelf_rolls(session, lot) <= 0:
        raise ConsumableRefused("none_left", lot=lot)
    loaded = ConsumableLoad(
        printer_name=printer,
        lot_code=lot,
        kind=row.kind,
        rated_yield=row.rated_yield,
        loaded_at=at or utcnow(),
        actor=actor,
    )
    session.add(loaded)
    session.flush()
    return loaded


def unload(session: Session, *, printer: str, kind: ConsumableKind, actor: str) -> ConsumableLoad:
    held = _loaded(session, printer, kind.value)
    if held is None:
        raise ConsumableRefused("not_loaded", printer=printer, kind=kind.value)
    held.removed_at, held.removed_by = utcnow(), actor
    session.add(held)
    session.flush()
    return held


def printed_since(session: Session, printer: str, since: datetime) -> int:
    value = session.execute(
        sa.select(sa.func.count())
        .select_from(Card)
        .where(col(Card.printer_name) == printer, col(Card.printed_at) >= since)
    ).scalar()
    return int(value or 0)


@dataclass(frozen=True, slots=True)
class Loaded:
    printer: str
    kind: str
    lot: str
    rated_yield: int
    loaded_at: datetime
    cards_left: int


def loaded_rolls(session: Session) -> list[Loaded]:
    out = []
    rows = session.exec(
        select(ConsumableLoad)
        .where(col(ConsumableLoad.removed_at).is_(None))
        .order_by(col(ConsumableLoad.printer_name), col(ConsumableLoad.kind))
    )
    for r in rows:
        printer = session.get(Printer, r.printer_name)
        reported = printer.ribbon_percent if printer and r.kind == ConsumableKind.RIBBON else None
        left = cards_left(
            r.rated_yield, printed_since(session, r.printer_name, r.loaded_at), reported
        )
        out.append(Loaded(r.printer_name, r.kind, r.lot_code, r.rated_yield, r.loaded_at, left))
    return out


def printer_limits(session: Session) -> dict[str, int]:
    """Per printer, the fewest cards its loaded limiting rolls can still print (printers
    with no roll recorded are not limited here)."""
    limits: dict[str, int] = {}
    for r in loaded_rolls(session):
        if r.kind in LIMITING:
            limits[r.printer] = min(limits.get(r.printer, r.cards_left), r.cards_left)
    return limits


def lots(session: Session) -> list[tuple[ConsumableLot, int]]:
    """Every lot with its rolls still on the shelf."""
    return [
        (row, shelf_rolls(session, row.code))
        for row in session.exec(select(ConsumableLot).order_by(col(ConsumableLot.received_on)))
    ]
