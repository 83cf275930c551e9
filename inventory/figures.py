"""The stock read model: one answer to "how are the blanks?", for every front end.

``cetak stock status``, the ``"stock"`` object of ``cetak status --json`` and the
dashboard's Stok and Ringkasan pages all read ``stock_figures``; each front end only
chooses which figures to show and how to format them.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlmodel import Session

from cetak.installation import ServedRegency
from cetak.settings import Settings


def stock_figures(
    session: Session, *, today: date, settings: Settings, served: ServedRegency
) -> dict[str, Any]:
    """Blanks on hand, days of cover, reorder point, the open request (``inventory.reorder``).

    Figures are unrounded; rounding belongs to the presentation.
    """
    from inventory import queries, reorder
    from inventory.policy import SHORT_HISTORY_DAYS, usage_basis

    facts, pos = reorder.position(session, settings=settings, served=served, today=today)
    request = reorder.open_request(session)
    _, awaiting = queries.totals(session)
    return {
        "on_hand": facts.on_hand,
        "in_transit": facts.in_transit,
        "awaiting_destruction": awaiting,
        "prr_backlog": facts.prr_backlog,
        "daily_consumption": facts.daily_consumption,
        "usage_days": facts.usage_days,  # days of data daily_consumption rests on
        "usage_basis": usage_basis(facts.usage_days),
        "short_history": facts.usage_days < SHORT_HISTORY_DAYS,
        "new_prr_per_day": facts.new_prr_per_day,
        "spoilage_rate": facts.spoilage_rate,
        "lead_time_days": facts.lead_time_days,
        "reorder_point": pos.reorder_point,
        "safety_stock": pos.safety_stock,
        "order_quantity": pos.order_quantity,
        "reorder_due": pos.reorder_due,
        "days_of_cover": pos.days_of_cover,
        "escalate": pos.escalate,
        "open_request": None
        if request is None
        else {"number": request.number, "state": request.state, "quantity": request.quantity},
    }
