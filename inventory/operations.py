"""Stock-takes and destruction: composite services over the ledger."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Session, col, select

from cetak import labels, office
from cetak.models import utcnow
from inventory.errors import (
    LotRequired,
    NoOfficer,
    NotEnoughWitnesses,
    NothingToDestroy,
    ProposalPending,
    ProposalStateError,
    UnknownLot,
    UnknownProposal,
)
from inventory.ledger import existing, lock_balance, post, receive_stock, resolve_site
from inventory.models import (
    Balance,
    DestructionReport,
    Lot,
    Movement,
    StockCount,
    StockCountProposal,
)
from inventory.rules import Kind, check_counted, check_reason, derived_key, needs_approval

_MOV = Movement.__table__  # type: ignore[attr-defined]
_BAL = Balance.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True, slots=True)
class CountResult:
    """A stock-take: the count, what was posted for it now, and the proposal made instead
    when the difference needs a supervisor (then ``adjustments`` is empty). ``created`` is
    False when a retried count found its earlier result."""

    count: StockCount
    adjustments: list[tuple[str, int]]
    proposal: StockCountProposal | None = None
    created: bool = True


@dataclass(frozen=True, slots=True)
class Approval:
    proposal: StockCountProposal
    count: StockCount
    adjustments: list[tuple[str, int]]


PROPOSED, APPROVED, REJECTED = "PROPOSED", "APPROVED", "REJECTED"
PROPOSAL_LABELS = labels.PROPOSAL


def count_key(
    *, site: str, lot: str, counted: int, expected: int, day: date, ref: str | None = None
) -> str:
    """The idempotency key of a stock-take: its reference if given, else what it records
    (site, lot, the count, the books it was compared with, the day)."""
    if ref:
        return f"count:{site}:{lot}:ref:{ref}"
    return derived_key("count", site, lot, counted, expected, day.isoformat())


def _pending(session: Session, site: str, lot: str) -> StockCountProposal | None:
    return session.exec(
        select(StockCountProposal).where(
            StockCountProposal.site_code == site,
            StockCountProposal.lot_code == lot,
            StockCountProposal.state == PROPOSED,
        )
    ).first()


def count_stock(
    session: Session,
    *,
    counted: int,
    reason: str,
    actor: str,
    threshold: int,
    lot: str | None = None,
    site: str | None = None,
    ref: str | None = None,
    at: datetime | None = None,
) -> CountResult:
    """A stock-take of one lot at one site.

    A difference of at most ``threshold`` blanks is posted at once as an adjustment; a
    larger one is recorded (``flagged``) and proposed: it is posted only when a
    supervisor approves it (``approve_count``). Every count needs a reason; a count above
    what the lot ever held is refused. Retried (same reference, or the same figures on the
    same day), the earlier result comes back and nothing more is posted or proposed.
    """
    if lot is None or not str(lot).strip():
        raise LotRequired()
    reason = check_reason(reason)
    site_code = resolve_site(session, site)
    lot_row = session.get(Lot, lot)
    if lot_row is None:
        raise UnknownLot(lot, site_code)
    counted = check_counted(counted, lot_quantity=lot_row.quantity, lot=lot)
    at = at or utcnow()
    row = session.get(Balance, (site_code, lot))
    expected = lock_balance(session, site_code, lot)[0] if row else 0
    key = count_key(
        site=site_code, lot=lot, counted=counted, expected=expected, day=at.date(), ref=ref
    )
    earlier = _earlier_count(session, key)
    if earlier is not None:
        return earlier
    pending = _pending(session, site_code, lot)
    if pending is not None:
        raise ProposalPending(pending.id or 0, lot, site_code)
    difference = counted - expected
    flagged = needs_approval(difference, threshold=threshold)
    record = StockCount(
        site_code=site_code,
        lot_code=lot,
        expected=expected,
        counted=counted,
        difference=difference,
        reason=reason,
        flagged=flagged,
        actor=actor,
        at=at,
    )
    session.add(record)
    session.flush()
    if flagged:
        proposal = StockCountProposal(
            key=key,
            stock_count_id=record.id or 0,
            site_code=site_code,
            lot_code=lot,
            difference=difference,
            state=PROPOSED,
            proposed_by=actor,
            proposed_at=at,
        )
        session.add(proposal)
        session.flush()
        return CountResult(record, [], proposal)
    adjustments = [(lot, difference)] if difference else []
    if difference:
        post(
            session,
            key=key,
            kind=Kind.ADJUSTMENT,
            site=site_code,
            lot=lot,
            delta_on_hand=difference,
            actor=actor,
            at=at,
            stock_count_id=record.id,
            note=reason,
        )
    return CountResult(record, adjustments)


def _earlier_count(session: Session, key: str) -> CountResult | None:
    proposal = session.exec(select(StockCountProposal).where(StockCountProposal.key == key)).first()
    if proposal is not None:
        count = session.get(StockCount, proposal.stock_count_id)
        assert count is not None
        return CountResult(count, [], proposal, created=False)
    movement = existing(session, key)
    if movement is not None and movement.stock_count_id is not None:
        count = session.get(StockCount, movement.stock_count_id)
        assert count is not None
        return CountResult(
            count, [(movement.lot_code, movement.delta_on_hand)], None, created=False
        )
    return None


def pending_proposals(session: Session) -> list[tuple[StockCountProposal, StockCount]]:
    """Stock-take differences waiting for a supervisor, oldest first."""
    rows = session.exec(
        select(StockCountProposal, StockCount)
        .join(StockCount, col(StockCount.id) == col(StockCountProposal.stock_count_id))
        .where(StockCountProposal.state == PROPOSED)
        .order_by(col(StockCountProposal.id))
    )
    return [(p, c) for p, c in rows]


def _proposal(session: Session, proposal_id: int) -> tuple[StockCountProposal, StockCount]:
    proposal = session.get(StockCountProposal, proposal_id)
    if proposal is None:
        raise UnknownProposal(proposal_id)
    if proposal.state != PROPOSED:
        raise ProposalStateError(proposal_id, proposal.state)
    count = session.get(StockCount, proposal.stock_count_id)
    assert count is not None
    return proposal, count


def approve_count(
    session: Session,
    proposal_id: int,
    *,
    approver: str,
    actor: str,
    at: datetime | None = None,
) -> Approval:
    """Post a proposed stock-take difference (``approver``: the supervisor's user name;
    ``actor``: who the ledger row is signed by). Approved once; the adjustment's key is
    the proposal's, so a retried approval cannot post twice."""
    proposal, count = _proposal(session, proposal_id)
    at = at or utcnow()
    adjustments: list[tuple[str, int]] = []
    if proposal.difference:
        post(
            session,
            key=f"count:approved:{proposal.id}",
            kind=Kind.ADJUSTMENT,
            site=proposal.site_code,
            lot=proposal.lot_code,
            delta_on_hand=proposal.difference,
            actor=actor,
            at=at,
            stock_count_id=count.id,
            note=f"{count.reason} (disetujui {approver})",
        )
        adjustments.append((proposal.lot_code, proposal.difference))
    proposal.state = APPROVED
    proposal.decided_by = approver
    proposal.decided_at = at
    session.add(proposal)
    session.flush()
    return Approval(proposal, count, adjustments)


def reject_count(
    session: Session,
    proposal_id: int,
    *,
    approver: str,
    reason: str,
    at: datetime | None = None,
) -> StockCountProposal:
    """Refuse a proposed difference (nothing is posted); the reason is kept."""
    reason = check_reason(reason, what="alasan penolakan")
    proposal, _ = _proposal(session, proposal_id)
    proposal.state = REJECTED
    proposal.decided_by = approver
    proposal.decided_at = at or utcnow()
    proposal.decision_note = reason
    session.add(proposal)
    session.flush()
    return proposal


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
                col(Movement.kind) == Kind.SPOILED.value,
                col(Movement.delta_spoiled) > 0,
                ~settled,
            )
            .order_by(col(Movement.id))
        ).scalars()
    )


#: The kind code of a berita acara pemusnahan in the office's numbers (``470/BAP-001/XII/2026``).
DESTRUCTION_KIND = "BAP"


def destruction_number(klasifikasi: str, held_on: date, seq: int) -> str:
    """Berita acara pemusnahan number ``seq`` of ``held_on``'s year:
    ``<klasifikasi>/BAP-<nnn>/<bulan romawi>/<tahun>`` (issue 13)."""
    return office.format_number(klasifikasi, DESTRUCTION_KIND, seq, held_on)


def next_destruction_number(
    session: Session, *, held_on: date, klasifikasi: str | None = None
) -> str:
    """The next berita acara pemusnahan number of ``held_on``'s year, from the office's
    counter, in the caller's transaction (the one that books the report): a committed
    number is never given again. A number already recorded (given by hand with ``--ref``
    in the same shape) is skipped. ``klasifikasi`` defaults to the office's setting."""
    code = klasifikasi or office.load_profile(session).klasifikasi(DESTRUCTION_KIND)

    def taken(number: str) -> bool:
        found = session.execute(
            sa.select(col(DestructionReport.id)).where(col(DestructionReport.number) == number)
        ).first()
        return found is not None

    return office.next_number(session, DESTRUCTION_KIND, held_on, klasifikasi=code, taken=taken)


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
    method: str = "dibakar",
    people: dict[str, list[dict[str, str]]] | None = None,
) -> DestructionReport:
    """Post DESTROYED for every spoiled blank waiting, under one berita acara.

    ``method`` is how they are destroyed (dibakar, dipotong, dihancurkan); ``people`` the
    officers and witnesses with NIP and jabatan (``{"officers": [{"nama", "nip",
    "jabatan"}...], "witnesses": [...]}``), kept with the method for the report's PDF."""
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
        details_json=json.dumps({"method": method, **(people or {})}),
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
