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
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy.engine import Engine
from sqlmodel import Session, col

from cetak.access import Action, Actor, Forbidden, require
from cetak.db import LOCK_DISTRIBUTION
from cetak.installation import load_installation
from cetak.privacy import mask_nik
from cetak.uow import Effect, UnitOfWork, Units, unit_of_work
from cetak.users import note
from distribution import handover, service
from distribution.models import Collection, Discrepancy
from inventory import operations, reorder
from inventory.models import Lot, ReorderRequest, StockCountProposal
from inventory.rules import Cause
from printers import qc, registry
from printers.models import Card, Printer

if TYPE_CHECKING:
    from distribution.paper import Printed

T = TypeVar("T")

#: Who acts: a user (role-checked) or an actor string such as ``cli:root`` (not checked).
Who = Actor | str


def signature(actor: Who) -> str:
    """The actor written in ledger and event rows."""
    return actor.audit_name() if isinstance(actor, Actor) else actor


def _user_name(actor: Who) -> str:
    return actor.name if isinstance(actor, Actor) else actor


def perform(
    engine: Engine | None,
    actor: Who,
    permission: Action,
    name: str,
    call: Callable[[Session], T],
    *,
    target: str | None = None,
    detail: dict[str, Any] | None = None,
    result_detail: Callable[[T], dict[str, Any]] | None = None,
    lock: int | None = None,
    units: Units = unit_of_work,
) -> T:
    """Check ``permission``, run ``call`` and audit it as ``name``, in one transaction.

    ``result_detail`` adds facts known only after the call (e.g. the request a receipt
    closed) to the audit row's detail. A use case that owes after-commit effects uses
    ``perform_unit``, whose ``work`` receives the unit of work.
    """
    return perform_unit(
        engine,
        actor,
        permission,
        name,
        lambda uow: call(uow.session),
        target=target,
        detail=detail,
        result_detail=result_detail,
        lock=lock,
        units=units,
    )


def perform_unit(
    engine: Engine | None,
    actor: Who,
    permission: Action,
    name: str,
    work: Callable[[UnitOfWork], T],
    *,
    target: str | None = None,
    detail: dict[str, Any] | None = None,
    result_detail: Callable[[T], dict[str, Any]] | None = None,
    result_target: Callable[[T], str | None] | None = None,
    audited: Callable[[T], bool] | None = None,
    lock: int | None = None,
    units: Units = unit_of_work,
) -> T:
    """The shape of every use case: permission (a refusal is audited ``ok=False`` and
    raises ``Forbidden``), then ``work`` and its audit row ``name`` in one unit of work;
    the effects ``work`` queued (``uow.after_commit``) run after the commit.

    ``result_target`` names the audit row's target from the result (a number made inside);
    ``audited`` returning False leaves no row (nothing happened: a repeat already recorded).
    """
    allow(engine, actor, permission, name, target=target, detail=detail, units=units)
    with units(engine, lock) as uow:
        result = work(uow)
        if audited is None or audited(result):
            extra = result_detail(result) if result_detail is not None else {}
            note(
                uow.session,
                actor,
                name,
                target=result_target(result) if result_target is not None else target,
                detail={**(detail or {}), **extra},
            )
    return result


def allow(
    engine: Engine | None,
    actor: Who,
    permission: Action,
    name: str,
    *,
    target: str | None = None,
    detail: dict[str, Any] | None = None,
    units: Units = unit_of_work,
) -> None:
    """Refuse a user whose role may not do ``permission``: an ``ok=False`` audit row in a
    transaction of its own, then ``Forbidden``. An actor string (the OS account at the
    server's shell, a flow) is not checked."""
    if not isinstance(actor, Actor):
        return
    try:
        require(actor, permission)
    except Forbidden:
        with units(engine) as uow:
            note(
                uow.session,
                actor,
                name,
                target=target,
                detail={**(detail or {}), "refused": permission.value},
                ok=False,
            )
        raise


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


def add_printer(
    engine: Engine,
    actor: Who,
    *,
    name: str,
    driver: str,
    uri: str | None,
    site: str | None,
    daily_limit: int,
    rest_after: int,
    rest_minutes: int,
    state_root: Path,
) -> Printer:
    """Register a card printer (``cetak printers add``)."""
    return perform_unit(
        engine,
        actor,
        Action.PRINTER_STATE,
        "printer_add",
        lambda uow: registry.add_printer(
            uow.session,
            name=name,
            driver=driver,
            uri=uri,
            site=site,
            daily_limit=daily_limit,
            rest_after=rest_after,
            rest_minutes=rest_minutes,
            state_root=state_root,
        ),
        target=name,
        result_target=lambda p: p.name,
        result_detail=lambda p: {"driver": p.driver, "site": p.site_code},
    )


def printer_stopped(engine: Engine, actor: Who, name: str, reason: str) -> Printer | None:
    """A print run stopped on ``name``'s fault: a printer the fault took out of service
    (``maintenance``: a jam, overheating, no ribbon) is marked down by the run through the
    same use case as an operator's ``printer_down``, so the audit says who took it down.
    A printer merely unreachable (``offline``) is left to the run's probe: None."""
    from printers.models import PrinterState

    with Session(engine) as session:
        printer = session.get(Printer, name)
        down = printer is not None and printer.state == PrinterState.MAINTENANCE
    return mark_printer_down(engine, actor, name, reason) if down else None


@dataclass(frozen=True)
class Probed:
    """What a probe of the fleet found: each printer's state, and those back in service."""

    states: dict[str, str]
    back: tuple[str, ...]


def probe_printers(
    engine: Engine,
    actor: Who,
    *,
    state_root: Path,
    site: str | None,
    make_driver: Callable[[Printer, Path], Any] | None = None,
) -> Probed:
    """Offline printers whose back-off has passed are asked once; ready ones come back
    (audited ``printer_probe`` only when one came back); a resting simulated printer whose
    rest is over cools down as the real one would. ``make_driver``: how a printer is
    reached (default ``printers.registry.make_driver``)."""
    driver_for = make_driver or registry.make_driver
    from sqlmodel import select

    from cetak.models import utcnow

    def work(uow: UnitOfWork) -> Probed:
        now = utcnow()
        states: dict[str, str] = {}
        back: list[str] = []
        query = select(Printer)
        if site is not None:
            query = query.where(Printer.site_code == site)
        for printer in uow.session.exec(query).all():
            if printer.state == "resting" and printer.rest_until and printer.rest_until <= now:
                driver = driver_for(printer, state_root)
                if hasattr(driver, "rested"):
                    driver.rested()  # a simulated printer cools as the real one did
            if printer.state == "offline" and (printer.retry_at is None or printer.retry_at <= now):
                try:
                    status = driver_for(printer, state_root).status()
                    ready = status.ready
                    if status.ribbon_percent is not None:
                        printer.ribbon_percent = status.ribbon_percent
                except Exception:  # noqa: BLE001 - unreachable: stay offline, back off further
                    ready = False
                if ready:
                    printer.state, printer.state_reason, printer.failures = "online", None, 0
                    printer.retry_at = None
                    back.append(printer.name)
                else:
                    registry.record_fault(
                        printer, reason=printer.state_reason or "offline", now=now, stopped=False
                    )
                uow.session.add(printer)
            states[printer.name] = printer.state
        return Probed(states=states, back=tuple(back))

    return perform_unit(
        engine,
        actor,
        Action.PRINTER_STATE,
        "printer_probe",
        work,
        target=site,
        audited=lambda r: bool(r.back),
        result_detail=lambda r: {"back": list(r.back)},
    )


def set_receipt_printer(
    engine: Engine, actor: Who, place: str, *, kind: str, target: str, profile: str
) -> Any:
    """The ESC/POS receipt printer of a place (``cetak receipts printer``); an invalid
    setting raises ``ValueError`` and changes nothing."""
    from distribution.paper import set_printer

    return perform(
        engine,
        actor,
        Action.PRINTER_STATE,
        "receipt_printer",
        lambda s: set_printer(
            s, place, kind=kind, target=target, profile=profile, actor=signature(actor)
        ),
        target=place,
        detail={"target": target, "profile": profile},
        lock=LOCK_DISTRIBUTION,
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
    lot = check_receipt(engine, lot=lot, quantity=quantity, received_on=received_on)
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


def check_receipt(engine: Engine, *, lot: str, quantity: int, received_on: date) -> str:
    """The plausibility of a receipt (issue 11), shared by the CLI and the dashboard;
    returns the lot code as it is booked (trimmed)."""
    from cetak.settings import get_settings
    from inventory.rules import check_lot_code, check_not_future, check_quantity

    code = check_lot_code(lot)
    check_quantity(quantity, limit=get_settings().max_lot_quantity, what="jumlah blangko lot")
    check_not_future(received_on, today=load_installation(engine).today(), what="tanggal terima")
    return code


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


def paperwork_effect(engine: Engine, settings: Any) -> Callable[[], list[str]]:
    """The after-commit effect a stock change owes: the documents it justifies
    (``inventory.paperwork.produce_pending``: a destruction report's PDF, a request
    letter) and the delivery of pending alerts. Returns the documents written."""

    def effect() -> list[str]:
        from cetak.notify import deliver_pending, notifier_from_settings
        from inventory.paperwork import produce_pending

        settings.ensure_dirs()
        served = load_installation(engine)
        written = [str(p) for p in produce_pending(engine, settings, served)]
        deliver_pending(
            engine, notifier_from_settings(settings.alerts_dir, settings.alert_webhook_url)
        )
        return written

    return effect


@dataclass(frozen=True)
class Destroyed:
    """A destruction: its report's number and quantity; ``already``: that report was
    recorded before (nothing done); ``documents``: the PDFs written after the commit."""

    number: str
    quantity: int
    already: bool
    documents: Effect[list[str]] | None = None

    @property
    def written(self) -> list[str]:
        return (self.documents.result or []) if self.documents is not None else []


def destroy_spoiled(
    engine: Engine,
    actor: Who,
    settings: Any,
    *,
    held_on: date,
    witnesses: list[str],
    officers: list[str] | None = None,
    place: str | None = None,
    ref: str | None = None,
    method: str = "dibakar",
) -> Destroyed:
    """Destroy every spoiled blank awaiting destruction, with its report (``cetak stock
    destroy``): the report's number is ``ref`` or the office's next (``470/BAP-001/XII/
    2026``, from the counter, in this transaction); the PDF is an after-commit effect. A
    report number already recorded destroys nothing.

    ``witnesses`` and ``officers`` are names, or ``"Nama|NIP|Jabatan"`` (NIP and jabatan
    optional); ``method`` is dibakar, dipotong or dihancurkan (issue 13). Without officers,
    the signer of the berita acara in the office profile (the kepala seksi) destroys."""
    from sqlmodel import select

    from cetak import office as office_profile
    from inventory import paperwork
    from inventory.models import DestructionReport

    method = office_profile.check_choice(method, office_profile.METHODS, "cara pemusnahan")
    witness_rows = [office_profile.parse_person(w) for w in witnesses if w.strip()]
    officer_rows = [office_profile.parse_person(o) for o in officers or [] if o.strip()]
    served = load_installation(engine)

    def work(uow: UnitOfWork) -> Destroyed:
        session = uow.session
        if ref is not None:
            done = session.exec(
                select(DestructionReport).where(DestructionReport.number == ref)
            ).first()
            if done is not None:
                return Destroyed(number=done.number, quantity=done.quantity, already=True)
        profile = office_profile.load_profile(session)
        signer = paperwork.signer_of("berita_acara_pemusnahan", settings, profile)
        doers = officer_rows or [
            {"nama": signer.name or settings.kepala_seksi, "nip": signer.nip or "", "jabatan": ""}
        ]
        number = ref or operations.next_destruction_number(
            session, held_on=held_on, klasifikasi=profile.klasifikasi("BAP")
        )
        report = operations.destroy_spoiled(
            session,
            number=number,
            held_on=held_on,
            place=place or f"Halaman kantor Disdukcapil {served.kabupaten}",
            officers=[o["nama"] for o in doers],
            witnesses=[w["nama"] for w in witness_rows],
            actor=signature(actor),
            method=method,
            people={"officers": doers, "witnesses": witness_rows},
        )
        documents = uow.after_commit(paperwork_effect(engine, settings), "documents")
        return Destroyed(report.number, report.quantity, already=False, documents=documents)

    return perform_unit(
        engine,
        actor,
        Action.STOCK_TAKE,
        "stock_destroy",
        work,
        target=ref,
        audited=lambda r: not r.already,
        result_target=lambda r: r.number,
        result_detail=lambda r: {
            "quantity": r.quantity,
            "held_on": held_on.isoformat(),
            "method": method,
        },
    )


@dataclass(frozen=True)
class Moved:
    """A transfer: the lots and quantities that arrived; ``already``: the same transfer was
    posted before (nothing moved)."""

    from_site: str
    parts: list[tuple[str, int]]
    already: bool


def transfer_stock(
    engine: Engine,
    actor: Who,
    *,
    to: str,
    quantity: int,
    today: date,
    source: str | None = None,
    lot: str | None = None,
    reference: str | None = None,
) -> Moved:
    """Move blanks between sites (``cetak stock transfer``). Its key is the reference, or
    (without one) the sites, lot and quantity of ``today``: a repeat moves nothing."""
    from inventory import ledger, transfers
    from inventory.rules import derived_key

    def work(uow: UnitOfWork) -> Moved:
        session = uow.session
        from_code = ledger.resolve_site(session, source)
        key = (
            f"transfer:{reference}"
            if reference
            else derived_key("transfer", from_code, to, lot, quantity, today)
        )
        if ledger.transfer_posted(session, key):
            return Moved(from_site=from_code, parts=[], already=True)
        moved = transfers.transfer(
            session,
            to_site=to,
            quantity=quantity,
            actor=signature(actor),
            key=key,
            from_site=source,
            lot=lot,
        )
        parts = [(m.lot_code, m.delta_on_hand) for m in moved if m.delta_on_hand > 0]
        return Moved(from_site=from_code, parts=parts, already=False)

    return perform_unit(
        engine,
        actor,
        Action.STOCK_RECEIPT,
        "stock_transfer",
        work,
        target=to,
        audited=lambda r: not r.already,
        result_detail=lambda r: {
            "from": r.from_site,
            "quantity": quantity,
            "reference": reference,
        },
    )


@dataclass(frozen=True)
class Spoiled:
    """Blanks spoiled on the shelf: ``new`` recorded now (0: all recorded before)."""

    site: str
    new: int


def spoil_blanks(
    engine: Engine,
    actor: Who,
    *,
    cause: str,
    reason: str,
    quantity: int,
    today: date,
    site: str | None = None,
    lot: str | None = None,
    ref: str | None = None,
) -> Spoiled:
    """Blanks damaged on the shelf, awaiting destruction (``cetak stock spoil``). Each
    blank has its key (``ref`` or the same facts on ``today``): a repeat records none."""
    from inventory import ledger
    from inventory.rules import derived_key

    def work(uow: UnitOfWork) -> Spoiled:
        session = uow.session
        site_code = ledger.resolve_site(session, site)
        batch = (
            f"shelf:{site_code}:ref:{ref}"
            if ref
            else derived_key("shelf", site_code, lot, cause, reason, quantity, today)
        )
        new = 0
        for i in range(quantity):
            key = f"{batch}:{i}"
            if ledger.existing(session, key) is not None:
                continue
            ledger.spoil_blank(
                session,
                cause=cause,
                actor=signature(actor),
                site=site_code,
                lot=lot,
                key=key,
                note=reason,
            )
            new += 1
        return Spoiled(site=site_code, new=new)

    return perform_unit(
        engine,
        actor,
        Action.STOCK_TAKE,
        "stock_spoil",
        work,
        target=lot or site,
        audited=lambda r: r.new > 0,
        result_target=lambda r: lot or r.site,
        result_detail=lambda r: {"cause": cause, "quantity": r.new, "reason": reason, "ref": ref},
    )


@dataclass(frozen=True)
class Returned:
    """Blanks returned to central; ``earlier``: the quantity of the same letter recorded
    before (None: recorded now)."""

    quantity: int
    earlier: int | None = None


def return_stock(
    engine: Engine,
    actor: Who,
    *,
    lot: str,
    quantity: int,
    reference: str,
    site: str | None = None,
) -> Returned:
    """Return blanks of a lot to central (``cetak stock return``); one letter per lot is
    recorded once."""
    from inventory import ledger, transfers

    key = f"return:{reference}:{lot}"

    def work(uow: UnitOfWork) -> Returned:
        earlier = ledger.existing(uow.session, key)
        if earlier is not None:
            return Returned(quantity=quantity, earlier=-earlier.delta_on_hand)
        transfers.return_stock(
            uow.session,
            lot=lot,
            quantity=quantity,
            actor=signature(actor),
            key=key,
            site=site,
            reference=reference,
        )
        return Returned(quantity=quantity)

    return perform_unit(
        engine,
        actor,
        Action.STOCK_RECEIPT,
        "stock_return",
        work,
        target=lot,
        audited=lambda r: r.earlier is None,
        detail={"quantity": quantity, "reference": reference},
    )


def add_site(
    engine: Engine, actor: Who, *, code: str, name: str, kecamatan: str | None = None
) -> Any:
    """A new stock site, e.g. a kecamatan office that prints (``cetak stock site-add``)."""
    from inventory.sites import add_site as add

    return perform_unit(
        engine,
        actor,
        Action.STOCK_RECEIPT,
        "site_add",
        lambda uow: add(uow.session, code=code, name=name, kode_kecamatan=kecamatan),
        target=code,
        result_target=lambda site: site.code,
        detail={"kecamatan": kecamatan},
    )


# --- reorder requests ------------------------------------------------------------------------


def _request_facts(r: ReorderRequest) -> dict[str, Any]:
    return {"number": r.number, "state": r.state, "confirmed_quantity": r.confirmed_quantity}


def _request_limit() -> int:
    from cetak.settings import get_settings

    return get_settings().max_request_quantity


def _request_update(
    engine: Engine,
    actor: Who,
    ref: str,
    name: str,
    change: Callable[[Session], ReorderRequest],
    detail: dict[str, Any] | None = None,
) -> ReorderRequest:
    """One state change of request ``ref`` (its number or id), audited as ``name`` with
    the request's number as target."""
    return perform_unit(
        engine,
        actor,
        Action.REORDER_UPDATE,
        name,
        lambda uow: change(uow.session),
        target=ref,
        detail=detail,
        result_target=lambda r: r.number,
        result_detail=_request_facts,
    )


def mark_request_sent(engine: Engine, actor: Who, ref: str) -> ReorderRequest:
    """The request letter went to central (``cetak reorder send``)."""
    return _request_update(engine, actor, ref, "reorder_sent", lambda s: reorder.mark_sent(s, ref))


def confirm_request(
    engine: Engine, actor: Who, ref: str, *, quantity: int | None = None
) -> ReorderRequest:
    """Central confirmed the request (``cetak reorder confirm``): the blanks are in transit."""
    return _request_update(
        engine,
        actor,
        ref,
        "reorder_confirmed",
        lambda s: reorder.confirm(s, ref, quantity=quantity, limit=_request_limit()),
        {"quantity": quantity},
    )


def cancel_request(
    engine: Engine, actor: Who, ref: str, *, reason: str = "dibatalkan operator"
) -> ReorderRequest:
    """An open request is cancelled (``cetak reorder cancel``)."""
    return _request_update(
        engine,
        actor,
        ref,
        "reorder_cancel",
        lambda s: reorder.cancel(s, ref, reason=reason),
        {"reason": reason},
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

    return _request_update(engine, actor, ref, "reorder_received", call)


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


def after_print_run(
    engine: Engine, actor: Who, settings: Any, *, stock_out: bool
) -> dict[str, Any]:
    """What a print run decides at its end, in one unit: auto-QC (demo only, audited
    ``qc_auto_pass`` when it passed cards), the stock-out alert when blanks ran out
    (while planning or printing) and the reorder check. Documents and alerts' delivery
    follow in the flow's retried task."""
    from cetak.notify import raise_alert
    from inventory.queries import STOCK_OUT
    from printers import planning

    served = load_installation(engine)

    def call(s: Session) -> dict[str, Any]:
        passed = qc.auto_pass(s) if settings.qc_auto_pass else 0
        out = stock_out or planning.out_of_blanks(s)
        if out:
            today = served.today()
            raise_alert(
                s,
                key=f"stockout:{today.isoformat()}",
                kind=STOCK_OUT,
                level="CRITICAL",
                message="Blangko habis: pencetakan berhenti, record tetap antre.",
                data={"date": today.isoformat()},
            )
        result = reorder.check(
            s, settings=settings, served=served, today=served.today(), actor=signature(actor)
        )
        request = result.request.number if result.request else None
        return {"auto_passed": passed, "reorder_request": request, "stock_out": out}

    return perform_unit(
        engine,
        actor,
        Action.QC,
        "qc_auto_pass",
        lambda uow: call(uow.session),
        audited=lambda r: r["auto_passed"] > 0,
        result_detail=lambda r: {"cards": r["auto_passed"]},
    )


# --- users -----------------------------------------------------------------------------------


def _manage_user(
    engine: Engine, actor: Who, name: str, target: str, change: Callable[[Session], T]
) -> T:
    """A change to a staff account: permission ``manage_users`` (a refusal is audited),
    then ``change``, which writes its own audit row (``cetak.users``) in the same unit."""
    allow(engine, actor, Action.MANAGE_USERS, name, target=target)
    with unit_of_work(engine) as uow:
        return change(uow.session)


def add_user(
    engine: Engine,
    actor: Who,
    name: str,
    role: str,
    password: str,
    *,
    full_name: str | None = None,
) -> Any:
    from cetak import users

    return _manage_user(
        engine,
        actor,
        "user_add",
        name,
        lambda s: users.add_user(s, name, role, password, actor=actor, full_name=full_name),
    )


def set_user_password(engine: Engine, actor: Who, name: str, password: str) -> Any:
    from cetak import users

    return _manage_user(
        engine,
        actor,
        "user_password",
        name,
        lambda s: users.set_password(s, name, password, actor=actor),
    )


def set_user_active(engine: Engine, actor: Who, name: str, active: bool) -> Any:
    from cetak import users

    return _manage_user(
        engine,
        actor,
        "user_enable" if active else "user_disable",
        name,
        lambda s: users.set_active(s, name, active, actor=actor),
    )


def set_user_full_name(engine: Engine, actor: Who, name: str, full_name: str | None) -> Any:
    from cetak import users

    return _manage_user(
        engine,
        actor,
        "user_full_name",
        name,
        lambda s: users.set_full_name(s, name, full_name, actor=actor),
    )


def unlock_user(engine: Engine, actor: Who, name: str) -> Any:
    from cetak import users

    return _manage_user(
        engine, actor, "user_unlock", name, lambda s: users.unlock_user(s, name, actor=actor)
    )


# --- scheduled decisions (the flows' use cases) ------------------------------------------------


def check_reorder(engine: Engine, actor: Who, settings: Any) -> dict[str, Any]:
    """The reorder check (flow ``reorder_check``): the stock position, and a request to
    central when it is time; audited ``reorder_check``. Documents and alerts follow in the
    flow's own retried tasks."""
    from dataclasses import asdict

    from application.consumables import report_lines

    served = load_installation(engine)
    consumables = report_lines(engine, settings)

    def call(s: Session) -> dict[str, Any]:
        result = reorder.check(
            s,
            settings=settings,
            served=served,
            today=served.today(),
            actor=signature(actor),
            consumables=consumables,
        )
        request = result.request
        return {
            "facts": asdict(result.facts),
            "position": asdict(result.position),
            "request": None
            if request is None
            else {"number": request.number, "state": request.state, "quantity": request.quantity},
            "created": result.created,
            "alerts": result.alerts,
        }

    return perform_unit(
        engine,
        actor,
        Action.REORDER_UPDATE,
        "reorder_check",
        lambda uow: call(uow.session),
        result_target=lambda r: None if r["request"] is None else r["request"]["number"],
        result_detail=lambda r: {
            "on_hand": r["facts"]["on_hand"],
            "reorder_due": r["position"]["reorder_due"],
            "created": r["created"],
        },
    )


def reconcile_ledger(engine: Engine, actor: Who) -> list[Any]:
    """The nightly reconciliation (flow ``reconcile``): every site and lot balances and the
    cache agrees; an alert for any lot off. Audited ``reconcile``."""
    from inventory import reconcile

    served = load_installation(engine)
    return perform(
        engine,
        actor,
        Action.STOCK_TAKE,
        "reconcile",
        lambda s: reconcile.reconcile(s, today=served.today()),
        result_detail=lambda problems: {"problems": len(problems)},
    )


# --- distribution (added with issue 5) -------------------------------------------------------


def _owed_receipt(
    uow: UnitOfWork,
    engine: Engine,
    settings: Any,
    served: Any,
    *,
    collection_id: int | None = None,
    shipment_id: int | None = None,
) -> Effect[list[Printed]] | None:
    """Queue the printing of the receipt a hand-over (or a shipment received at its
    kecamatan) owes, as an after-commit effect: printed at once, whichever front end
    recorded it. A printer fault leaves the receipt owed (``failed``; an effect that raises
    leaves it ``pending``): the 14:00 flow or ``cetak receipts print`` prints it later.
    ``settings`` None queues nothing: the receipt waits for them."""
    from distribution.paper import print_receipts, receipt_for

    if settings is None:
        return None
    # The row was added in this transaction; its id is known before the commit.
    rid = receipt_for(uow.session, collection_id=collection_id, shipment_id=shipment_id)
    if rid is None:
        return None
    return uow.after_commit(lambda: print_receipts(engine, settings, served, ids=[rid]), "receipt")


def _printed(effect: Effect[list[Printed]] | None) -> tuple[Printed, ...]:
    """What the receipt effect printed (or failed to print); none when it did not run."""
    return tuple(effect.result or ()) if effect is not None else ()


@dataclass(frozen=True, slots=True)
class ShipmentReceived(service.Received):
    """A shipment received at its kecamatan, with ``receipts``: what became of its
    serah terima receipt, printed after the commit (``distribution.paper.Printed``)."""

    receipts: tuple[Printed, ...] = ()


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
    settings: Any = None,
) -> ShipmentReceived:
    """A kecamatan's confirmation, card by card (``received=None``: all but those named),
    then its receipt printed after the commit (``settings``: the receipt printers)."""
    from dataclasses import fields

    served = load_installation(engine)
    receipt: list[Effect[list[Printed]] | None] = []

    def work(uow: UnitOfWork) -> service.Received:
        got = service.receive(
            uow.session,
            served,
            number,
            officer=officer,
            actor=signature(actor),
            received=received,
            missing=missing or [],
            damaged=damaged or [],
            extra=extra or [],
        )
        receipt.append(_owed_receipt(uow, engine, settings, served, shipment_id=got.shipment_id))
        return got

    got = perform_unit(
        engine,
        actor,
        Action.SHIPMENT_RECEIVE,
        "shipment_receive",
        work,
        target=number,
        detail={"officer": officer, "missing": missing or [], "damaged": damaged or []},
        result_detail=lambda r: {"received": r.received, "cases": list(r.cases)},
        lock=LOCK_DISTRIBUTION,
    )
    return ShipmentReceived(
        **{f.name: getattr(got, f.name) for f in fields(got)},
        receipts=_printed(receipt[0] if receipt else None),
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


@dataclass(frozen=True, slots=True)
class Collected:
    """A card handed to its resident (the ``Collection`` row's values), with ``receipts``:
    what became of its tanda terima, printed after the commit (``paper.Printed``)."""

    id: int
    card_id: int
    record_id: int
    place: str
    kode_kecamatan: str
    collected_by: str
    officer: str
    at: datetime
    receipts: tuple[Printed, ...] = ()


def record_collection(
    engine: Engine,
    actor: Who,
    nik: str,
    *,
    by: str,
    place: str = "kecamatan",
    kecamatan: str | None = None,
    settings: Any = None,
) -> Collected:
    """Hand a card to its resident, then print its receipt after the commit (``settings``:
    the receipt printers). The audit row names the card, never the full NIK."""
    served = load_installation(engine)
    receipt: list[Effect[list[Printed]] | None] = []

    def work(uow: UnitOfWork) -> Collection:
        c = handover.collect(
            uow.session,
            served,
            nik,
            by=by,
            officer=signature(actor),
            place=place,
            kecamatan=kecamatan,
        )
        receipt.append(_owed_receipt(uow, engine, settings, served, collection_id=c.id))
        return c

    c = perform_unit(
        engine,
        actor,
        Action.COLLECTION,
        "collection",
        work,
        target=mask_nik(nik.strip()),
        detail={"by": by, "place": place},
        result_detail=lambda c: {"card_id": c.card_id, "kecamatan": c.kode_kecamatan},
        lock=LOCK_DISTRIBUTION,
    )
    assert c.id is not None
    return Collected(
        id=c.id,
        card_id=c.card_id,
        record_id=c.record_id,
        place=c.place,
        kode_kecamatan=c.kode_kecamatan,
        collected_by=c.collected_by,
        officer=c.officer,
        at=c.at,
        receipts=_printed(receipt[0] if receipt else None),
    )


# --- distribution: dispatch, returns and the daily follow-ups (issue 12) ---------------------


def dispatch_shipments(
    engine: Engine,
    actor: Who,
    settings: Any,
    *,
    kecamatan: str | None = None,
    card_refs: list[str] | None = None,
    courier: str | None = None,
    pack_only: bool = False,
    send_packed: bool = True,
) -> service.Dispatched:
    """Pack QC-passed cards into one shipment per kecamatan and send them (``cetak
    dispatch``, the 14:00 flow): permission, one transaction with its audit row ("pack" or
    "dispatch"; none when nothing moved), then the manifests as an after-commit effect.

    New shipments carry ``courier`` or ``settings.courier``. ``send_packed``: shipments
    packed earlier (``--pack-only``) leave too, as from the CLI; the flow sends only what it
    packed itself (``service.pack_and_send``).
    """
    from dataclasses import replace

    from distribution import paper

    served = load_installation(engine)
    manifests: list[Effect[list[Path]]] = []

    def work(uow: UnitOfWork) -> service.Dispatched:
        done = service.pack_and_send(
            uow.session,
            served,
            actor=signature(actor),
            kecamatan=kecamatan,
            card_refs=card_refs,
            courier=courier,
            default_courier=settings.courier,
            pack_only=pack_only,
            send_packed=send_packed,
        )
        # Every manifest still owed, also when nothing left now (the catch-up of a failure).
        manifests.append(
            uow.after_commit(lambda: paper.write_manifests(engine, settings, served), "manifests")
        )
        return done

    done = perform_unit(
        engine,
        actor,
        Action.SHIPMENT_RECEIVE,
        "pack" if pack_only else "dispatch",
        work,
        target=kecamatan,
        result_target=lambda d: ", ".join(d.numbers),
        result_detail=lambda d: {
            "kecamatan": kecamatan,
            "shipments": list(d.numbers),
            "cards": d.cards,
        },
        audited=lambda d: bool(d.numbers),
        lock=LOCK_DISTRIBUTION,
    )
    written = manifests[0].result if manifests else None
    return replace(done, manifests=tuple(str(p) for p in written or ()))


def shipment_manifests(engine: Engine, settings: Any, numbers: list[str]) -> list[str]:
    """The manifests of shipments ``numbers``, writing any still owed first (every one, not
    only theirs: the catch-up of a dispatch whose after-commit effect failed)."""
    from sqlmodel import select

    from distribution import paper
    from distribution.models import Shipment

    written = [str(p) for p in paper.write_manifests(engine, settings, load_installation(engine))]
    with Session(engine) as session:
        ours = [
            s.manifest_path
            for s in session.exec(
                select(Shipment).where(col(Shipment.number).in_(numbers)).order_by(col(Shipment.id))
            )
            if s.manifest_path
        ]
    return list(dict.fromkeys([*ours, *written]))


def return_cards(engine: Engine, actor: Who, card_refs: list[str]) -> int:
    """Long-uncollected cards are back at the Disdukcapil (``cetak return``)."""
    return perform(
        engine,
        actor,
        Action.COLLECTION,
        "return_cards",
        lambda s: handover.return_cards(s, list(card_refs), actor=signature(actor)),
        target=", ".join(card_refs),
        result_detail=lambda n: {"returned": n},
        lock=LOCK_DISTRIBUTION,
    )


def print_pending_receipts(engine: Engine, settings: Any) -> list[Any]:
    """Print every receipt still owed (pending or failed): the 14:00 flow's catch-up and
    ``cetak receipts print``; ``paper.Printed`` results."""
    from distribution.paper import print_receipts

    return print_receipts(engine, settings, load_installation(engine))


def alert_uncollected(engine: Engine, settings: Any) -> int:
    """Raise one alert per kecamatan per week while cards wait there beyond
    ``settings.return_after_days`` (``distribution.rules.uncollected_alerts``), then deliver
    the pending alerts after the commit. Returns how many alerts this call raised."""
    from cetak.notify import deliver_pending, notifier_from_settings, raise_alert
    from distribution import queries, rules

    served = load_installation(engine)
    today = served.today()
    raised = 0
    with unit_of_work(engine) as uow:
        late = queries.return_list(
            uow.session, today=today, tz=served.timezone, days=settings.return_after_days
        )
        for alert in rules.uncollected_alerts(late, today=today, days=settings.return_after_days):
            raised += raise_alert(
                uow.session,
                key=alert.key,
                kind=alert.kind,
                level=alert.level,
                message=alert.message,
                data=alert.data,
            )
    # After the commit; a notifier that fails fails the caller (the flow task retries).
    deliver_pending(engine, notifier_from_settings(settings.alerts_dir, settings.alert_webhook_url))
    return raised
