"""Moving blanks between sites (TRANSFER_OUT + TRANSFER_IN) and back to central (RETURNED)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from inventory.errors import InsufficientStock, SameSite, UnknownLot
from inventory.ledger import _check_quantity, fifo_lots, post, resolve_site
from inventory.models import Lot, Movement
from inventory.rules import Kind, allocate_fifo


def transfer(
    session: Session,
    *,
    to_site: str,
    quantity: int,
    actor: str,
    key: str,
    from_site: str | None = None,
    lot: str | None = None,
    at: datetime | None = None,
) -> list[Movement]:
    """Move blanks between sites (FIFO unless a lot is named): TRANSFER_OUT + TRANSFER_IN."""
    _check_quantity(quantity)
    source = resolve_site(session, from_site)
    target = resolve_site(session, to_site)
    if source == target:
        raise SameSite(source)
    parts = _take(session, source, quantity, lot)
    moved: list[Movement] = []
    for lot_code, n in parts:
        out = post(
            session,
            key=f"{key}:out:{lot_code}",
            kind=Kind.TRANSFER_OUT,
            site=source,
            lot=lot_code,
            delta_on_hand=-n,
            actor=actor,
            at=at,
            transfer_ref=key,
            note=f"ke {target}",
        )
        came = post(
            session,
            key=f"{key}:in:{lot_code}",
            kind=Kind.TRANSFER_IN,
            site=target,
            lot=lot_code,
            delta_on_hand=+n,
            actor=actor,
            at=at,
            transfer_ref=key,
            note=f"dari {source}",
        )
        moved += [out.movement, came.movement]
    return moved


def return_stock(
    session: Session,
    *,
    lot: str,
    quantity: int,
    actor: str,
    key: str,
    site: str | None = None,
    reference: str | None = None,
    at: datetime | None = None,
) -> Movement:
    """Return blanks of a lot to central (RETURNED)."""
    _check_quantity(quantity)
    site_code = resolve_site(session, site)
    ((lot_code, n),) = _take(session, site_code, quantity, lot)
    return post(
        session,
        key=key,
        kind=Kind.RETURNED,
        site=site_code,
        lot=lot_code,
        delta_on_hand=-n,
        actor=actor,
        at=at,
        note=reference,
    ).movement


def _take(session: Session, site: str, quantity: int, lot: str | None) -> list[tuple[str, int]]:
    lots = fifo_lots(session, site, lock=True)
    if lot is not None:
        if session.get(Lot, lot) is None:
            raise UnknownLot(lot, site)
        lots = [(code, n) for code, n in lots if code == lot]
    parts = allocate_fifo(lots, quantity)
    if not parts:
        raise InsufficientStock(site, quantity, sum(n for _, n in lots), lot)
    return parts
