"""Role-checked actions: what a logged-in member of staff may do, for the dashboard (and
any other caller that acts on behalf of a user).

Each action checks the actor's role (``cetak.access``), then calls the service layer and
appends one audit row in the same write transaction, so the change and its record of who
did it commit or roll back together. A refused action changes nothing and leaves an audit
row with ``ok=False`` in a transaction of its own, then raises ``Forbidden``. Service
errors (``StockError``, ``PrintError``) pass through unchanged for the caller to show.
Ledger and event rows written by the services carry ``actor.audit_name()``.

The CLI acts through these functions too (issue 11): a user named with ``--oleh`` /
``CETAK_USER`` is an ``Actor`` with ``via="cli"`` and is role-checked like a dashboard
user; without a name the actor is the OS account, the string ``cli:<login>`` (someone at
the server's shell), which is audited but not role-checked.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy.engine import Engine
from sqlmodel import Session

from cetak.access import Action, Actor, Forbidden, require
from cetak.db import LOCK_DISTRIBUTION, write_session
from cetak.installation import load_installation
from cetak.privacy import mask_nik
from cetak.users import audit
from distribution import handover, service
from distribution.models import Collection, Discrepancy
from inventory import operations, reorder
from inventory.models import Lot, ReorderRequest, StockCountProposal
from inventory.rules import Cause
from printers import qc, registry
from printers.models import Card, Printer

T = TypeVar("T")

#: Who acts: a user (role-checked) or an actor string such as ``cli:root`` (not checked).
Who = Actor | str


def signature(actor: Who) -> str:
    """The actor written in ledger and event rows."""
    return actor.audit_name() if isinstance(actor, Actor) else actor


def _user_name(actor: Who) -> str:
    return actor.name if isinstance(actor, Actor) else actor


def perform(
    engine: Engine,
    actor: Who,
    permission: Action,
    name: str,
    call: Callable[[Session], T],
    *,
    target: str | None = None,
    detail: dict[str, Any] | None = None,
    result_detail: Callable[[T], dict[str, Any]] | None = None,
    lock: int | None = None,
) -> T:
    """Check ``permission``, run ``call`` and audit it as ``name``, in one transaction.

    ``result_detail`` adds facts known only after the call (e.g. the request a receipt
    closed) to the audit row's detail.
    """
    allow(engine, actor, permission, name, target=target, detail=detail)
    with write_session(engine, lock=lock) as session:
        result = call(session)
        extra = result_detail(result) if result_detail is not None else {}
        note(session, actor, name, target=target, detail={**(detail or {}), **extra})
    return result


def allow(
    engine: Engine,
    actor: Who,
    permission: Action,
    name: str,
    *,
    target: str | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    """Refuse a user whose role may not do ``permission``: an ``ok=False`` audit row in a
    transaction of its own, then ``Forbidden``. An actor string (the OS account at the
    server's shell, a flow) is not checked."""
    if not isinstance(actor, Actor):
        return
    try:
        require(actor, permission)
    except Forbidden:
        with write_session(engine) as session:
            note(
                session,
                actor,
                name,
                target=target,
                detail={**(detail or {}), "refused": permission.value},
                ok=False,
            )
        raise


def note(
    session: Session,
    actor: Who,
    name: str,
    *,
    target: str | None = None,
    detail: dict[str, Any] | None = None,
    ok: bool = True,
) -> None:
    """One audit row in the caller's transaction, for a change made outside ``perform``
    (a CLI command the dashboard has no action for). A CLI user's row says ``via: cli``."""
    if isinstance(actor, Actor) and actor.via != "dashboard":
        detail = {**(detail or {}), "via": actor.via}
    audit(session, actor, name, target=target, detail=detail, ok=ok)


# --- printers --------------------------------------------------------------------------------


def mark_printer_down(engine: Engine, actor: Who, name: str, reason: str) -> Printer:
    return perform(
        engine,
        actor,
        Action.PRINTER_STATE,
        "printer_down",
        lambda s: registry.set_down(s, name, reason),
        target=name,
        detail={"reason": reason},
    )


def mark_printer_up(
    engine: Engine, actor: Who, name: str, reason: str, *, state_root: Path
) -> Printer:
    """``state_root`` is ``settings.resolved_home`` (where simulated printers keep state)."""
    return perform(
        engine,
        actor,
        Action.PRINTER_STATE,
        "printer_up",
        lambda s: registry.set_up(s, name, reason, state_root=state_root),
        target=name,
        detail={"reason": reason},
    )


# --- QC --------------------------------------------------------------------------------------


def pass_cards(engine: Engine, actor: Who, card_refs: list[str]) -> list[Card]:
    return perform(
        engine,
        actor,
        Action.QC,
        "qc_pass",
        lambda s: qc.pass_cards(s, list(card_refs), actor=signature(actor)),
        target=",".join(card_refs),
        detail={"cards": list(card_refs)},
    )


def reject_cards(
    engine: Engine,
    actor: Who,
    card_refs: list[str],
    *,
    cause: Cause | str = Cause.GAGAL_CETAK,
    note: str | None = None,
) -> list[Card]:
    return perform(
        engine,
        actor,
        Action.QC,
        "qc_reject",
        lambda s: qc.reject_cards(
            s, list(card_refs), actor=signature(actor), cause=cause, note=note
        ),
        target=",".join(card_refs),
        detail={"cards": list(card_refs), "cause": str(cause), "note": note},
    )


# --- stock -----------------------------------------------------------------------------------


def receive_lot(
    engine: Engine,
    actor: Who,
    *,
    lot: str,
    quantity: int,
    received_on: date,
    site: str | None = None,
    reference: str | None = None,
    serial_start: str | None = None,
    request: str | None = None,
) -> tuple[Lot, str | None]:
    """Receive a lot (``cetak stock receive``); returns the lot and the request it closed.

    Implausible input (a quantity above ``settings.max_lot_quantity``, a date after the
    regency's today, a malformed lot code) is refused before anything is written.
    """
    check_receipt(engine, lot=lot, quantity=quantity, received_on=received_on)
    return perform(
        engine,
        actor,
        Action.STOCK_RECEIPT,
        "stock_receipt",
        lambda s: operations.receive_lot(
            s,
            lot=lot,
            quantity=quantity,
            actor=signature(actor),
            received_on=received_on,
            site=site,
            reference=reference,
            serial_start=serial_start,
            request=request,
        ),
        target=lot,
        detail={
            "quantity": quantity,
            "received_on": received_on.isoformat(),
            "site": site,
            "reference": reference,
            "serial_start": serial_start,
        },
        result_detail=lambda r: {"site": r[0].site_code, "closed_request": r[1]},
    )


def check_receipt(engine: Engine, *, lot: str, quantity: int, received_on: date) -> None:
    """The plausibility of a receipt (issue 11), shared by the CLI and the dashboard."""
    from cetak.settings import get_settings
    from inventory.rules import check_lot_code, check_not_future, check_quantity

    check_lot_code(lot)
    check_quantity(quantity, limit=get_settings().max_lot_quantity, what="jumlah blangko lot")
    check_not_future(received_on, today=load_installation(engine).today(), what="tanggal terima")


def count_stock(
    engine: Engine,
    actor: Who,
    *,
    counted: int,
    reason: str,
    threshold: int,
    lot: str | None,
    site: str | None = None,
    ref: str | None = None,
) -> operations.CountResult:
    """A stock-take of one lot (``cetak stock count``); ``threshold`` is
    ``settings.stocktake_flag_threshold``. A larger difference is proposed, not posted:
    ``result.proposal`` waits for ``approve_stock_count``."""
    return perform(
        engine,
        actor,
        Action.STOCK_TAKE,
        "stock_take",
        lambda s: operations.count_stock(
            s,
            counted=counted,
            reason=reason,
            actor=signature(actor),
            threshold=threshold,
            site=site,
            lot=lot,
            ref=ref,
        ),
        target=lot or site,
        detail={"counted": counted, "reason": reason, "site": site, "lot": lot},
        result_detail=lambda r: {
            "expected": r.count.expected,
            "difference": r.count.difference,
            "flagged": r.count.flagged,
            "proposal": r.proposal.id if r.proposal else None,
            "created": r.created,
        },
    )


def named_supervisor(engine: Engine, name: str) -> Actor:
    """The active supervisor ``name`` of the users table, as an actor (the CLI has no
    login: ``cetak stock approve --oleh NAME`` names who approves). Raises
    ``NotSupervisor`` for anyone else."""
    from sqlmodel import select

    from cetak.access import Role
    from cetak.users import User, normalise_name
    from inventory.errors import NotSupervisor

    with Session(engine) as session:
        user = session.exec(select(User).where(User.name == normalise_name(name))).first()
    if user is None or not user.active or user.role != Role.SUPERVISOR.value:
        raise NotSupervisor(name)
    return Actor(name=user.name, role=Role.SUPERVISOR)


def approve_stock_count(
    engine: Engine, actor: Who, proposal_id: int, *, signed_as: str | None = None
) -> operations.Approval:
    """A supervisor approves a proposed stock-take difference: it is posted now.
    ``signed_as``: the ledger row's actor (default ``actor.audit_name()``)."""
    return perform(
        engine,
        actor,
        Action.STOCK_COUNT_APPROVE,
        "stock_count_approve",
        lambda s: operations.approve_count(
            s, proposal_id, approver=_user_name(actor), actor=signed_as or signature(actor)
        ),
        target=f"#{proposal_id}",
        result_detail=lambda r: {
            "lot": r.proposal.lot_code,
            "site": r.proposal.site_code,
            "difference": r.proposal.difference,
        },
    )


def reject_stock_count(
    engine: Engine, actor: Who, proposal_id: int, *, reason: str
) -> StockCountProposal:
    """A supervisor refuses a proposed stock-take difference (nothing is posted)."""
    return perform(
        engine,
        actor,
        Action.STOCK_COUNT_APPROVE,
        "stock_count_reject",
        lambda s: operations.reject_count(
            s, proposal_id, approver=_user_name(actor), reason=reason
        ),
        target=f"#{proposal_id}",
        detail={"reason": reason},
        result_detail=lambda p: {"lot": p.lot_code, "difference": p.difference},
    )


# --- reorder requests ------------------------------------------------------------------------


def _request_facts(r: ReorderRequest) -> dict[str, Any]:
    return {"number": r.number, "state": r.state, "confirmed_quantity": r.confirmed_quantity}


def _request_limit() -> int:
    from cetak.settings import get_settings

    return get_settings().max_request_quantity


def mark_request_sent(engine: Engine, actor: Who, ref: str) -> ReorderRequest:
    """The request letter went to central (``cetak reorder send``)."""
    return perform(
        engine,
        actor,
        Action.REORDER_UPDATE,
        "reorder_sent",
        lambda s: reorder.mark_sent(s, ref),
        target=ref,
        result_detail=_request_facts,
    )


def confirm_request(
    engine: Engine, actor: Who, ref: str, *, quantity: int | None = None
) -> ReorderRequest:
    """Central confirmed the request (``cetak reorder confirm``): the blanks are in transit."""
    return perform(
        engine,
        actor,
        Action.REORDER_UPDATE,
        "reorder_confirmed",
        lambda s: reorder.confirm(s, ref, quantity=quantity, limit=_request_limit()),
        target=ref,
        detail={"quantity": quantity},
        result_detail=_request_facts,
    )


def mark_request_received(engine: Engine, actor: Who, ref: str) -> ReorderRequest:
    """Close a sent or confirmed request as received without booking a lot.

    Receiving the lot itself (``receive_lot(..., request=ref)``) closes the request too
    and is the usual way; this is for a delivery booked before the request was linked.
    """

    def call(s: Session) -> ReorderRequest:
        closed = reorder.close_on_receipt(s, ref)
        assert closed is not None  # a named request is found or raises UnknownRequest
        return closed

    return perform(
        engine,
        actor,
        Action.REORDER_UPDATE,
        "reorder_received",
        call,
        target=ref,
        result_detail=_request_facts,
    )


# --- records ---------------------------------------------------------------------------------


def requeue_records(engine: Engine, actor: Who, prr_ids: list[str], reason: str) -> int:
    """Records an operator looked at go back to the print queue (``cetak requeue``)."""
    from cetak.records import requeue

    return perform(
        engine,
        actor,
        Action.REQUEUE,
        "requeue",
        lambda s: requeue(s, prr_ids, actor=signature(actor), reason=reason),
        target=", ".join(prr_ids),
        detail={"reason": reason},
    )


# --- distribution (added with issue 5) -------------------------------------------------------


def receive_shipment(
    engine: Engine,
    actor: Who,
    number: str,
    *,
    officer: str,
    received: list[str] | None = None,
    missing: list[str] | None = None,
    damaged: list[str] | None = None,
    extra: list[str] | None = None,
) -> service.Received:
    """A kecamatan's confirmation, card by card (``received=None``: all but those named)."""
    served = load_installation(engine)
    return perform(
        engine,
        actor,
        Action.SHIPMENT_RECEIVE,
        "shipment_receive",
        lambda s: service.receive(
            s,
            served,
            number,
            officer=officer,
            actor=signature(actor),
            received=received,
            missing=missing or [],
            damaged=damaged or [],
            extra=extra or [],
        ),
        target=number,
        detail={"officer": officer, "missing": missing or [], "damaged": damaged or []},
        result_detail=lambda r: {"received": r.received, "cases": list(r.cases)},
        lock=LOCK_DISTRIBUTION,
    )


def resolve_discrepancy(
    engine: Engine, actor: Who, case_id: int, resolution: str, note: str | None = None
) -> Discrepancy:
    return perform(
        engine,
        actor,
        Action.DISCREPANCY_RESOLVE,
        "discrepancy_resolve",
        lambda s: service.resolve(s, case_id, resolution, actor=signature(actor), note=note),
        target=f"#{case_id}",
        detail={"resolution": resolution, "note": note},
        lock=LOCK_DISTRIBUTION,
    )


def print_owed_receipts(
    engine: Engine,
    settings: Any,
    *,
    collection_id: int | None = None,
    shipment_id: int | None = None,
) -> list[Any]:
    """The after-commit effect of a hand-over or of a shipment received at a kecamatan: its
    receipt is printed at once, whichever front end recorded it (CLI or dashboard). A
    printer fault leaves the receipt owed: the 14:00 flow or ``cetak receipts print``
    prints it later; the results (``paper.Printed``) say which happened."""
    from distribution.paper import print_receipts, receipt_for

    with Session(engine) as session:
        rid = receipt_for(session, collection_id=collection_id, shipment_id=shipment_id)
    if rid is None:
        return []
    return print_receipts(engine, settings, load_installation(engine), ids=[rid])


def record_collection(
    engine: Engine,
    actor: Who,
    nik: str,
    *,
    by: str,
    place: str = "kecamatan",
    kecamatan: str | None = None,
) -> Collection:
    """Hand a card to its resident. The audit row names the card, never the full NIK;
    print the receipt afterwards with ``distribution.paper.print_receipts``."""
    served = load_installation(engine)
    return perform(
        engine,
        actor,
        Action.COLLECTION,
        "collection",
        lambda s: handover.collect(
            s,
            served,
            nik,
            by=by,
            officer=signature(actor),
            place=place,
            kecamatan=kecamatan,
        ),
        target=mask_nik(nik.strip()),
        detail={"by": by, "place": place},
        result_detail=lambda c: {"card_id": c.card_id, "kecamatan": c.kode_kecamatan},
        lock=LOCK_DISTRIBUTION,
    )
