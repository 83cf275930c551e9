"""Lending blanks between regencies (issue 15).

Provincial heads were told to lend blanks between regencies when central's deliveries fall
short. A loan is a stock movement with a berita acara serah terima: blanks lent go out of
one lot (``LOAN_OUT``); blanks borrowed arrive as a lot of their own (``LOAN_IN``, with the
lender's serial range); a return later is ``LOAN_OUT_RETURN`` (what the borrower gives back
arrives as a lot) or ``LOAN_IN_RETURN`` (what we give back leaves our stock). The loan row
counts what has come back; the reorder policy subtracts what the office still owes.
"""

from __future__ import annotations

import re
from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Session, col, select

from cetak.models import utcnow
from inventory.errors import StockError
from inventory.ledger import _check_quantity, post, receive_stock, resolve_site
from inventory.models import Loan, Lot
from inventory.rules import Kind, allocate_fifo

OUT, IN = "out", "in"
_REGENCY = re.compile(r"^\d{2}\.\d{2}$")
_REF = re.compile(r"^[^\x00-\x1f]{1,100}$")


class LoanError(StockError):
    code = "loan.error"


class LoanRefused(LoanError):
    code = "loan.refused"

    def __init__(self, problem: str, **fields: object) -> None:
        super().__init__(problem=problem, **fields)


def _check(ref: str, counterpart: str, own: str) -> None:
    if not _REF.match(ref) or not ref.strip():
        raise LoanRefused("bad_ref", ref=ref)
    if not _REGENCY.match(counterpart):
        raise LoanRefused("bad_regency", kode=counterpart)
    if counterpart == own:
        raise LoanRefused("same_regency", kode=counterpart)


def _unique(session: Session, ref: str) -> None:
    if session.exec(select(Loan).where(Loan.number == ref)).first() is not None:
        raise LoanRefused("ref_exists", ref=ref)


def _serial_text(lot: Lot, quantity: int, start: int | None) -> str | None:
    """The serials handed over: from ``start`` when given, else the top of the lot's range
    (the blanks a box is taken from last)."""
    if lot.serial_first is None or lot.serial_last is None:
        return None
    width = lot.serial_width or 0
    first = lot.serial_last - quantity + 1 if start is None else start
    last = first + quantity - 1
    if first < lot.serial_first + lot.serials_issued or last > lot.serial_last:
        raise LoanRefused("serials_not_on_shelf", lot=lot.code)
    prefix = lot.serial_prefix or ""
    return f"{prefix}{first:0{width}d}-{prefix}{last:0{width}d}"


def lend(
    session: Session,
    *,
    to: str,
    to_name: str,
    own: str,
    quantity: int,
    ref: str,
    actor: str,
    lot: str | None = None,
    site: str | None = None,
    serial_start: int | None = None,
    their_signer: str | None = None,
    at: datetime | None = None,
) -> Loan:
    """Lend ``quantity`` blanks of one lot (the oldest that holds them all, unless named)."""
    _check_quantity(quantity)
    _check(ref, to, own)
    _unique(session, ref)
    site_code = resolve_site(session, site)
    from inventory.ledger import fifo_lots

    lots = fifo_lots(session, site_code, lock=True)
    if lot is not None:
        lots = [(code, n) for code, n in lots if code == lot]
    whole = [(code, n) for code, n in lots if n >= quantity]
    if not whole:
        held = sum(n for _, n in lots)
        if allocate_fifo(lots, quantity):
            raise LoanRefused("spans_lots", quantity=quantity)
        raise LoanRefused("not_enough", quantity=quantity, held=held)
    code = whole[0][0]
    lot_row = session.get(Lot, code)
    assert lot_row is not None
    serials = _serial_text(lot_row, quantity, serial_start)
    post(
        session,
        key=f"loan:{ref}:out",
        kind=Kind.LOAN_OUT,
        site=site_code,
        lot=code,
        delta_on_hand=-quantity,
        actor=actor,
        at=at,
        transfer_ref=ref[:100],
        note=f"dipinjamkan ke {to_name}",
    )
    loan = Loan(
        number=ref,
        direction=OUT,
        counterpart=to,
        counterpart_name=to_name,
        lot_code=code,
        quantity=quantity,
        serial_text=serials,
        their_signer=their_signer,
        actor=actor,
        at=at or utcnow(),
    )
    session.add(loan)
    session.flush()
    return loan


def borrow(
    session: Session,
    *,
    source: str,
    source_name: str,
    own: str,
    quantity: int,
    ref: str,
    lot: str,
    actor: str,
    received_on: date,
    serial_start: str | None = None,
    site: str | None = None,
    their_signer: str | None = None,
) -> Loan:
    """Borrow blanks from another regency: they arrive as the lot ``lot``."""
    _check(ref, source, own)
    _unique(session, ref)
    row = receive_stock(
        session,
        lot=lot,
        quantity=quantity,
        actor=actor,
        site=site,
        received_on=received_on,
        reference=f"pinjaman {ref} dari {source_name}"[:200],
        serial_start=serial_start,
        kind=Kind.LOAN_IN,
    )
    serials = None
    if row.serial_first is not None and row.serial_last is not None:
        w = row.serial_width or 0
        p = row.serial_prefix or ""
        serials = f"{p}{row.serial_first:0{w}d}-{p}{row.serial_last:0{w}d}"
    loan = Loan(
        number=ref,
        direction=IN,
        counterpart=source,
        counterpart_name=source_name,
        lot_code=row.code,
        quantity=quantity,
        serial_text=serials,
        their_signer=their_signer,
        actor=actor,
    )
    session.add(loan)
    session.flush()
    return loan


def _locked(session: Session, ref: str) -> Loan:
    loan = session.exec(select(Loan).where(Loan.number == ref).with_for_update()).first()
    if loan is None:
        raise LoanRefused("unknown_loan", ref=ref)
    return loan


def settle(
    session: Session,
    *,
    ref: str,
    quantity: int,
    actor: str,
    received_on: date,
    lot: str | None = None,
    serial_start: str | None = None,
    site: str | None = None,
) -> Loan:
    """Blanks of loan ``ref`` come back: for a loan we made, the borrower's blanks arrive as
    lot ``lot``; for a loan we took, we give blanks back (the borrowed lot first, then the
    oldest). Never more than is still owed."""
    _check_quantity(quantity)
    loan = _locked(session, ref)
    owed = loan.quantity - loan.returned
    if quantity > owed:
        raise LoanRefused("more_than_owed", ref=ref, quantity=quantity, owed=owed)
    step = loan.returned
    if loan.direction == OUT:
        if not lot:
            raise LoanRefused("lot_needed", ref=ref)
        receive_stock(
            session,
            lot=lot,
            quantity=quantity,
            actor=actor,
            site=site,
            received_on=received_on,
            reference=f"pengembalian pinjaman {ref} dari {loan.counterpart_name}"[:200],
            serial_start=serial_start,
            kind=Kind.LOAN_OUT_RETURN,
        )
    else:
        from inventory.ledger import fifo_lots

        site_code = resolve_site(session, site)
        lots = fifo_lots(session, site_code, lock=True)
        lots.sort(key=lambda item: item[0] != loan.lot_code)  # the borrowed lot first
        parts = allocate_fifo(lots, quantity)
        if not parts:
            raise LoanRefused("not_enough", quantity=quantity, held=sum(n for _, n in lots))
        for code, n in parts:
            post(
                session,
                key=f"loan:{ref}:back:{step}:{code}",
                kind=Kind.LOAN_IN_RETURN,
                site=site_code,
                lot=code,
                delta_on_hand=-n,
                actor=actor,
                transfer_ref=ref[:100],
                note=f"dikembalikan ke {loan.counterpart_name}",
            )
    loan.returned += quantity
    if loan.returned == loan.quantity:
        loan.settled_at = utcnow()
    session.add(loan)
    session.flush()
    return loan


def owed(session: Session) -> tuple[int, int]:
    """(blanks the office owes other regencies, blanks other regencies owe it)."""
    rows = dict(
        session.execute(
            sa.select(
                col(Loan.direction), sa.func.sum(col(Loan.quantity) - col(Loan.returned))
            ).group_by(col(Loan.direction))
        ).all()
    )
    return int(rows.get(IN) or 0), int(rows.get(OUT) or 0)


def loans(session: Session) -> list[Loan]:
    return list(session.exec(select(Loan).order_by(col(Loan.id).desc())))
