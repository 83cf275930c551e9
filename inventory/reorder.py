"""Reorder requests to central and the daily reorder check.

A request moves DRAFT -> SENT -> CONFIRMED -> RECEIVED, or to CANCELLED. At most
one request is open at a time; the check creates one only when the stock
position is at or below the reorder point and none is open, and its alerts are
keyed by the request, so re-running the check never duplicates either.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Session, select

from cetak.installation import ServedRegency
from cetak.models import utcnow
from cetak.notify import raise_alert
from cetak.settings import Settings
from inventory import queries
from inventory.errors import RequestStateError, UnknownRequest
from inventory.models import ReorderRequest
from inventory.policy import ReorderInputs, ReorderPosition, reorder_position, round_up_to_box
from inventory.policy import usage_stats as compute_usage
from inventory.rules import ABSOLUTE_MAX_QUANTITY, check_quantity

OPEN_STATES = ("DRAFT", "SENT", "CONFIRMED")
STATES = (*OPEN_STATES, "RECEIVED", "CANCELLED")


@dataclass(frozen=True, slots=True)
class StockFacts:
    """What a reorder decision and its letter quote."""

    on_hand: int
    in_transit: int
    prr_backlog: int
    daily_consumption: float
    new_prr_per_day: float
    spoilage_rate: float
    lead_time_days: float
    review_period_days: float


@dataclass(frozen=True, slots=True)
class CheckResult:
    facts: StockFacts
    position: ReorderPosition
    request: ReorderRequest | None
    created: bool
    alerts: list[str]


def open_request(session: Session) -> ReorderRequest | None:
    return session.exec(
        select(ReorderRequest)
        .where(ReorderRequest.state.in_(OPEN_STATES))  # type: ignore[attr-defined]
        .order_by(ReorderRequest.id)  # type: ignore[arg-type]
    ).first()


def in_transit(session: Session) -> int:
    """Blanks central has confirmed and not yet delivered."""
    value = session.execute(
        sa.select(sa.func.coalesce(sa.func.sum(ReorderRequest.confirmed_quantity), 0)).where(
            ReorderRequest.state == "CONFIRMED"
        )
    ).scalar()
    return int(value or 0)


def position(
    session: Session, *, settings: Settings, served: ServedRegency, today: date
) -> tuple[StockFacts, ReorderPosition]:
    on_hand, _ = queries.totals(session)
    history, spoiled = queries.usage_history(
        session, today=today, window_days=settings.usage_window_days, tz=served.timezone
    )
    usage = compute_usage(history, spoiled=spoiled)
    lead, review = settings.lead_time_days, settings.review_period_days
    inputs = ReorderInputs(
        on_hand=on_hand,
        in_transit=in_transit(session),
        known_demand_lead=queries.known_demand(session, today=today, days=lead),
        known_demand_cycle=queries.known_demand(session, today=today, days=lead + review),
        usage=usage,
        lead_time_days=lead,
        review_period_days=review,
        service_level=settings.service_level,
    )
    facts = StockFacts(
        on_hand=on_hand,
        in_transit=inputs.in_transit,
        prr_backlog=queries.prr_backlog(session),
        daily_consumption=usage.mean,
        new_prr_per_day=usage.new_prr_per_day,
        spoilage_rate=usage.spoilage_rate,
        lead_time_days=lead,
        review_period_days=review,
    )
    return facts, reorder_position(inputs)


def _next_number(session: Session, served: ServedRegency, today: date) -> str:
    prefix = f"SPB-{served.kode_wilayah.replace('.', '')}-{today:%Y%m}-"
    count = session.execute(
        sa.select(sa.func.count()).where(ReorderRequest.number.startswith(prefix))  # type: ignore[attr-defined]
    ).scalar()
    return f"{prefix}{int(count or 0) + 1:03d}"


def check(
    session: Session, *, settings: Settings, served: ServedRegency, today: date, actor: str
) -> CheckResult:
    """The daily reorder decision (inside the caller's transaction)."""
    facts, pos = position(session, settings=settings, served=served, today=today)
    request = open_request(session)
    created = False
    alerts: list[str] = []
    # Due with nothing to order (no stock, no demand: 0 <= 0) is no reason to write to central.
    if pos.reorder_due and pos.order_quantity > 0 and request is None:
        request = ReorderRequest(
            number=_next_number(session, served, today),
            state="DRAFT",
            quantity=round_up_to_box(pos.order_quantity, settings.reorder_box),
            snapshot_json=json.dumps(
                {"facts": asdict(facts), "position": asdict(pos), "today": today.isoformat()}
            ),
            actor=actor,
        )
        session.add(request)
        session.flush()
        created = True
    cover = "belum dapat dihitung" if pos.days_of_cover is None else f"{pos.days_of_cover:.1f} hari"
    data = {
        "request": request.number if request else None,
        "on_hand": facts.on_hand,
        "reorder_point": pos.reorder_point,
        "days_of_cover": pos.days_of_cover,
    }
    if request is not None and pos.reorder_due:
        message = (
            f"Stok blangko menipis: {facts.on_hand} di tangan, titik pesan ulang "
            f"{pos.reorder_point}, cukup untuk {cover}. Permintaan {request.number} "
            f"({request.quantity} keping) perlu dikirim ke pusat; antrean PRR {facts.prr_backlog}."
        )
        key = f"reorder:{request.number}"
        if raise_alert(
            session, key=key, kind="REORDER", level="WARNING", message=message, data=data
        ):
            alerts.append(key)
    if pos.escalate:
        # Also while a confirmed delivery lifts the position: the shelf may empty before it comes.
        ref = request.number if request is not None else today.isoformat()
        key = f"escalate:{ref}"
        if raise_alert(
            session,
            key=key,
            kind="REORDER_ESCALATION",
            level="CRITICAL",
            data=data,
            message=(
                f"ESKALASI ke Kepala Seksi: blangko hanya cukup untuk {cover}, lebih pendek dari "
                f"waktu tunggu kiriman pusat ({facts.lead_time_days:g} hari)."
                + (f" Permintaan {request.number}." if request is not None else "")
            ),
        ):
            alerts.append(key)
    return CheckResult(facts, pos, request, created, alerts)


def find(session: Session, ref: str) -> ReorderRequest:
    request = None
    if ref.isdigit():
        request = session.get(ReorderRequest, int(ref))
    if request is None:
        request = session.exec(select(ReorderRequest).where(ReorderRequest.number == ref)).first()
    if request is None:
        raise UnknownRequest(ref)
    return request


def _move(request: ReorderRequest, allowed: tuple[str, ...], to: str, action: str) -> None:
    if request.state not in allowed:
        raise RequestStateError(request.number, request.state, action)
    request.state = to


def mark_sent(session: Session, ref: str, *, at: datetime | None = None) -> ReorderRequest:
    request = find(session, ref)
    if request.state == "SENT":
        return request
    _move(request, ("DRAFT",), "SENT", "ditandai terkirim")
    request.sent_at = at or utcnow()
    session.add(request)
    return request


def confirm(
    session: Session,
    ref: str,
    *,
    quantity: int | None = None,
    limit: int = ABSOLUTE_MAX_QUANTITY,
    at: datetime | None = None,
) -> ReorderRequest:
    """Central confirmed a request it was sent (a draft was never sent: it cannot be
    confirmed). ``limit``: the most blanks one confirmation may carry
    (``settings.max_request_quantity``)."""
    if quantity is not None:
        check_quantity(quantity, limit=limit, what="jumlah dikonfirmasi")
    request = find(session, ref)
    if request.state == "DRAFT":
        raise RequestStateError(
            request.number,
            request.state,
            "dikonfirmasi sebelum suratnya dikirim (cetak reorder send)",
        )
    _move(request, ("SENT", "CONFIRMED"), "CONFIRMED", "dikonfirmasi")
    request.confirmed_quantity = quantity if quantity is not None else request.quantity
    request.confirmed_at = at or utcnow()
    session.add(request)
    return request


def cancel(
    session: Session, ref: str, *, reason: str, at: datetime | None = None
) -> ReorderRequest:
    request = find(session, ref)
    _move(request, OPEN_STATES, "CANCELLED", "dibatalkan")
    request.closed_at = at or utcnow()
    request.note = reason
    session.add(request)
    return request


def close_on_receipt(
    session: Session, ref: str | None, *, at: datetime | None = None
) -> ReorderRequest | None:
    """Receiving stock against an open request closes it (the only open one by default)."""
    request = find(session, ref) if ref else open_request(session)
    if request is None or (ref is None and request.state == "DRAFT"):
        return None
    _move(request, ("SENT", "CONFIRMED"), "RECEIVED", "ditutup dengan penerimaan")
    request.closed_at = at or utcnow()
    session.add(request)
    return request
