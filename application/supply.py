"""The backlog under the supply central really gives (issue 15, item 5): a read model for
the stock page, ``cetak stock outlook`` and the reorder letter."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, col

from cetak.installation import load_installation
from inventory import queries, supply
from inventory.reorder import open_request, recent_usage
from inventory.supply import Day, Learned
from printers.models import Printer
from printers.states import PrinterState


@dataclass(frozen=True, slots=True)
class Outlook:
    today: date
    learned: Learned
    backlog: int
    on_hand: int
    new_prr_per_day: float
    capacity_per_day: int
    open_request: str | None  # its number
    expected: tuple[date, int] | None  # when and how much the open request will bring
    without: list[Day]  # no more blanks
    with_request: list[Day]  # the open request arriving as central's record suggests

    @property
    def growth(self) -> int:
        """How much the backlog grows over the horizon without more blanks."""
        return (self.without[-1].backlog - self.backlog) if self.without else 0

    def as_json(self) -> dict[str, Any]:
        def days(rows: list[Day]) -> list[dict[str, Any]]:
            return [
                {"tanggal": d.day.isoformat(), "antrean": d.backlog, "blangko": d.on_hand}
                for d in rows
            ]

        return {
            "rasio_dipenuhi_pusat": self.learned.delivery_ratio,
            "waktu_kirim_hari": self.learned.lead_days,
            "permintaan_dipelajari": self.learned.requests,
            "antrean_prr": self.backlog,
            "blangko_tersedia": self.on_hand,
            "prr_baru_per_hari": round(self.new_prr_per_day, 2),
            "kapasitas_per_hari": self.capacity_per_day,
            "permintaan_terbuka": self.open_request,
            "perkiraan_kiriman": None
            if self.expected is None
            else {"tanggal": self.expected[0].isoformat(), "jumlah": self.expected[1]},
            "tanpa_kiriman": days(self.without),
            "dengan_permintaan": days(self.with_request),
            "pertumbuhan_antrean": self.growth,
        }


def outlook(engine: Engine, settings: Any, *, days: int = 30) -> Outlook:
    served = load_installation(engine)
    today = served.today()
    with Session(engine) as session:
        learned = supply.learn(supply.history(session, served.timezone))
        backlog = queries.prr_backlog(session)
        on_hand, _ = queries.totals(session)
        usage = recent_usage(session, settings=settings, served=served, today=today)
        capacity = session.execute(
            sa.select(sa.func.coalesce(sa.func.sum(col(Printer.daily_limit)), 0)).where(
                col(Printer.state).not_in([PrinterState.OFFLINE, PrinterState.MAINTENANCE])
            )
        ).scalar()
        request = open_request(session)
    expected = None
    if request is not None:
        sent = request.sent_at or request.created_at
        asked = request.confirmed_quantity or request.quantity
        expected = supply.expected_delivery(
            asked,
            learned if request.confirmed_quantity is None else Learned(1.0, learned.lead_days, 0),
            sent_on=sent.astimezone(served.zone).date(),
            default_lead=settings.lead_time_days,
        )
        if expected[0] <= today:
            expected = (today + timedelta(days=1), expected[1])

    def run(deliveries: list[tuple[date, int]]) -> list[Day]:
        return supply.project(
            today=today,
            backlog=backlog,
            on_hand=on_hand,
            new_prr_per_day=usage.new_prr_per_day,
            capacity_per_day=int(capacity or 0),
            deliveries=deliveries,
            days=days,
        )

    return Outlook(
        today=today,
        learned=learned,
        backlog=backlog,
        on_hand=on_hand,
        new_prr_per_day=usage.new_prr_per_day,
        capacity_per_day=int(capacity or 0),
        open_request=None if request is None else request.number,
        expected=expected,
        without=run([]),
        with_request=run([expected] if expected else []),
    )
