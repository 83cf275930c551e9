"""Lending blanks between regencies (issue 15): use cases, each with its berita acara serah
terima written after the commit."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session

from application.actions import Who, perform_unit, signature
from cetak.access import Action
from cetak.installation import ServedRegency, load_installation
from cetak.regions import shipped_regencies
from cetak.uow import UnitOfWork
from inventory import loans
from inventory.models import Loan


def counterpart_name(kode: str, given: str | None = None) -> str:
    """The other office as documents name it."""
    if given and given.strip():
        return given.strip()
    known = shipped_regencies().get(kode)
    base = known.nama if known else f"Kabupaten/Kota {kode}"
    return f"Dinas Kependudukan dan Pencatatan Sipil {base}"


def _person(text: str | None, role: str) -> Any:
    from papers.documents.common import Person

    if not text:
        return Person("........................", role)
    name, _, nip = text.partition("|")
    return Person(name.strip(), role, nip.strip() or None)


def _paper(
    engine: Engine,
    settings: Any,
    served: ServedRegency,
    loan: Loan,
    *,
    returning: bool,
    quantity: int,
    lot: str,
) -> Path:
    from inventory.paperwork import keep_pdf, kepala_dinas, office
    from papers.documents.loan import LoanHandover, render_loan_handover

    we_give = (loan.direction == loans.OUT) != returning
    number = loan.number if not returning else f"{loan.number}/KEMBALI-{loan.returned}"
    doc = LoanHandover(
        number=number,
        office=office(served, settings),
        dated=served.today(),
        lending=we_give,
        returning=returning,
        counterpart=loan.counterpart_name,
        quantity=quantity,
        lot=lot,
        serials=loan.serial_text if not returning else None,
        ours=kepala_dinas(settings),
        theirs=_person(loan.their_signer, "Kepala Dinas"),
    )
    safe = "".join(c if c.isalnum() or c in "-_." else "-" for c in number)
    path = settings.documents_dir / "berita-acara" / f"BAST-PINJAMAN-{safe}.pdf"
    return keep_pdf(engine, settings, path, render_loan_handover(doc), "berita-acara")


def _booked(
    engine: Engine,
    actor: Who,
    settings: Any,
    name: str,
    ref: str,
    detail: dict[str, Any],
    book: Callable[[Session, ServedRegency], Loan],
    *,
    returning: bool,
    quantity: int,
    lot: str | None = None,
) -> tuple[Loan, list[Path]]:
    """One loan movement as a use case: booked and audited in one unit, its berita acara
    written after the commit (the paths are returned)."""
    served = load_installation(engine)
    papers: list[Path] = []

    def work(uow: UnitOfWork) -> Loan:
        loan = book(uow.session, served)
        number, code = loan.number, lot or loan.lot_code
        uow.after_commit(
            lambda: papers.append(
                _paper(
                    engine,
                    settings,
                    served,
                    _reload(engine, number),
                    returning=returning,
                    quantity=quantity,
                    lot=code,
                )
            )
        )
        return loan

    loan = perform_unit(engine, actor, Action.LOAN, name, work, target=ref, detail=detail)
    return loan, papers


def lend(
    engine: Engine,
    actor: Who,
    settings: Any,
    *,
    to: str,
    quantity: int,
    ref: str,
    lot: str | None = None,
    to_name: str | None = None,
    their_signer: str | None = None,
) -> tuple[Loan, list[Path]]:
    """Lend blanks to another regency's Disdukcapil."""
    kode = to.strip()
    return _booked(
        engine,
        actor,
        settings,
        "stock_lend",
        ref.strip(),
        {"to": kode, "quantity": quantity},
        lambda session, served: loans.lend(
            session,
            to=kode,
            to_name=counterpart_name(kode, to_name),
            own=served.kode_wilayah,
            quantity=quantity,
            ref=ref.strip(),
            lot=lot,
            actor=signature(actor),
            their_signer=their_signer,
        ),
        returning=False,
        quantity=quantity,
    )


def borrow(
    engine: Engine,
    actor: Who,
    settings: Any,
    *,
    source: str,
    quantity: int,
    ref: str,
    lot: str,
    serial_start: str | None = None,
    received_on: date | None = None,
    source_name: str | None = None,
    their_signer: str | None = None,
) -> tuple[Loan, list[Path]]:
    """Borrow blanks from another regency: they arrive as lot ``lot``."""
    kode = source.strip()
    return _booked(
        engine,
        actor,
        settings,
        "stock_borrow",
        ref.strip(),
        {"from": kode, "quantity": quantity, "lot": lot},
        lambda session, served: loans.borrow(
            session,
            source=kode,
            source_name=counterpart_name(kode, source_name),
            own=served.kode_wilayah,
            quantity=quantity,
            ref=ref.strip(),
            lot=lot,
            actor=signature(actor),
            received_on=received_on or served.today(),
            serial_start=serial_start,
            their_signer=their_signer,
        ),
        returning=False,
        quantity=quantity,
    )


def settle(
    engine: Engine,
    actor: Who,
    settings: Any,
    *,
    ref: str,
    quantity: int,
    lot: str | None = None,
    serial_start: str | None = None,
) -> tuple[Loan, list[Path]]:
    """Blanks of a loan come back (from the borrower, or from us to the lender)."""
    return _booked(
        engine,
        actor,
        settings,
        "stock_loan_return",
        ref.strip(),
        {"quantity": quantity},
        lambda session, served: loans.settle(
            session,
            ref=ref.strip(),
            quantity=quantity,
            actor=signature(actor),
            received_on=served.today(),
            lot=lot,
            serial_start=serial_start,
        ),
        returning=True,
        quantity=quantity,
        lot=lot,
    )


def _reload(engine: Engine, number: str) -> Loan:
    from sqlmodel import select

    with Session(engine) as session:
        loan = session.exec(select(Loan).where(Loan.number == number)).one()
        session.expunge(loan)
        return loan


def all_loans(engine: Engine) -> list[Loan]:
    with Session(engine) as session:
        found = loans.loans(session)
        for loan in found:
            session.expunge(loan)
        return found


def owed(engine: Engine) -> tuple[int, int]:
    with Session(engine) as session:
        return loans.owed(session)
