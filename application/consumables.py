"""Printer consumables the regency buys (issue 15): use cases, the office's cover, and the
nota dinas to the procurement officer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session

from application.actions import Who, perform, signature
from cetak.access import Action
from cetak.installation import load_installation
from inventory.reorder import recent_usage
from printers import consumables as cons
from printers.consumables import ConsumableKind, ConsumableRefused, Cover, Loaded
from printers.models import ConsumableLoad, ConsumableLot


def kind_of(given: str) -> ConsumableKind:
    word = given.strip().lower().replace("-", "_").replace(" ", "_")
    try:
        return ConsumableKind(word)
    except ValueError:
        raise ConsumableRefused(
            "unknown_kind", given=given, choices=[k.value for k in ConsumableKind]
        ) from None


def receive(
    engine: Engine,
    actor: Who,
    *,
    lot: str,
    kind: str,
    rolls: int,
    rated_yield: int,
    unit_price: int,
    received_on: date | None = None,
    reference: str | None = None,
) -> ConsumableLot:
    chosen = kind_of(kind)
    today = load_installation(engine).today()
    day = received_on or today
    if day > today:
        raise ConsumableRefused("future_date", given=day.isoformat())
    return perform(
        engine,
        actor,
        Action.STOCK_RECEIPT,
        "consumable_receive",
        lambda session: cons.receive(
            session,
            lot=lot.strip(),
            kind=chosen,
            rolls=rolls,
            rated_yield=rated_yield,
            unit_price=unit_price,
            received_on=day,
            actor=signature(actor),
            reference=reference,
        ),
        target=lot.strip(),
        detail={"kind": chosen.value, "rolls": rolls, "unit_price": unit_price},
    )


def load(engine: Engine, actor: Who, printer: str, lot: str) -> ConsumableLoad:
    return perform(
        engine,
        actor,
        Action.PRINTER_STATE,
        "consumable_load",
        lambda session: cons.load(
            session, printer=printer, lot=lot.strip(), actor=signature(actor)
        ),
        target=printer,
        detail={"lot": lot.strip()},
    )


def unload(engine: Engine, actor: Who, printer: str, kind: str) -> ConsumableLoad:
    chosen = kind_of(kind)
    return perform(
        engine,
        actor,
        Action.PRINTER_STATE,
        "consumable_unload",
        lambda session: cons.unload(session, printer=printer, kind=chosen, actor=signature(actor)),
        target=printer,
        detail={"kind": chosen.value},
    )


@dataclass(frozen=True, slots=True)
class Status:
    loaded: list[Loaded]
    covers: list[Cover]
    cards_per_day: float
    lots: list[tuple[ConsumableLot, int]]

    def as_json(self) -> dict[str, Any]:
        return {
            "kartu_per_hari": round(self.cards_per_day, 2),
            "printer": [
                {
                    "printer": r.printer,
                    "jenis": r.kind,
                    "lot": r.lot,
                    "hasil_per_rol": r.rated_yield,
                    "dimuat": r.loaded_at.isoformat(),
                    "sisa_kartu": r.cards_left,
                }
                for r in self.loaded
            ],
            "persediaan": [
                {
                    "jenis": c.kind,
                    "rol_di_rak": c.shelf_rolls,
                    "kartu": c.cards,
                    "hari": None if c.days is None else round(c.days, 1),
                    "titik_pesan_hari": c.reorder_point_days,
                    "perlu_pesan": c.reorder,
                    "rol_dipesan": c.rolls_to_order,
                    "perkiraan_biaya": c.estimated_cost,
                }
                for c in self.covers
            ],
        }


def status(engine: Engine, settings: Any) -> Status:
    served = load_installation(engine)
    with Session(engine) as session:
        usage = recent_usage(session, settings=settings, served=served, today=served.today())
        loaded = cons.loaded_rolls(session)
        lots = cons.lots(session)
    rate = usage.mean
    covers = []
    for kind in ConsumableKind:
        mine = [(row, left) for row, left in lots if row.kind == kind.value]
        in_printers = [r for r in loaded if r.kind == kind.value]
        if not mine and not in_printers:
            continue
        covers.append(
            cons.cover(
                kind.value,
                shelf=[(left, row.rated_yield) for row, left in mine if left > 0],
                loaded_left=sum(r.cards_left for r in in_printers),
                cards_per_day=rate,
                lead_days=settings.consumable_lead_days,
                review_days=settings.consumable_review_days,
                unit_price=max(
                    (row.unit_price for row, _ in sorted(mine, key=lambda x: x[0].received_on)),
                    default=0,
                )
                if mine
                else 0,
            )
        )
    return Status(loaded, covers, rate, lots)


class NothingToOrder(ConsumableRefused):
    code = "consumables.nothing_to_order"

    def __init__(self) -> None:
        super().__init__("nothing_to_order")


def procurement_memo(engine: Engine, settings: Any) -> Path:
    """The nota dinas to the PPK for every kind below its reorder point."""
    from inventory.paperwork import keep_pdf, kepala_seksi, office
    from papers.documents.consumables import Need, ProcurementMemo, render_procurement_memo

    served = load_installation(engine)
    state = status(engine, settings)
    needs = tuple(
        Need(
            kind=c.kind,
            rolls=c.rolls_to_order,
            unit_price=c.estimated_cost // c.rolls_to_order if c.rolls_to_order else 0,
            rated_yield=max(
                (row.rated_yield for row, _ in state.lots if row.kind == c.kind), default=0
            ),
            days_of_cover=c.days,
        )
        for c in state.covers
        if c.reorder and c.rolls_to_order > 0
    )
    if not needs:
        raise NothingToOrder()
    today = served.today()
    number = f"ND-BHP-{served.kode_wilayah.replace('.', '')}-{today:%Y%m%d}"
    doc = ProcurementMemo(
        number=number,
        office=office(served, settings),
        dated=today,
        needs=needs,
        cards_per_day=state.cards_per_day,
        lead_days=settings.consumable_lead_days,
        sender=kepala_seksi(settings),
    )
    path = settings.documents_dir / "nota-dinas" / f"{number}.pdf"
    return keep_pdf(engine, settings, path, render_procurement_memo(doc), "nota-dinas")


def check(engine: Engine, actor: Who, settings: Any) -> list[str]:
    """The daily consumables check (in flow ``reorder_check``): an alert, once a day per
    kind, for each kind below its reorder point; the alerts' messages."""
    from cetak.db import write_session
    from cetak.labels import CONSUMABLE_KIND
    from cetak.notify import raise_alert

    served = load_installation(engine)
    today = served.today()
    state = status(engine, settings)
    raised: list[str] = []
    with write_session(engine) as session:
        for c in state.covers:
            if not c.reorder:
                continue
            label = CONSUMABLE_KIND.get(c.kind, c.kind)
            days = "?" if c.days is None else f"{c.days:.0f}".replace(".", ",")
            message = (
                f"{label} tinggal cukup {days} hari (titik pesan {c.reorder_point_days:.0f} "
                f"hari): ajukan {c.rolls_to_order} rol ke PPK, perkiraan Rp"
                + f"{c.estimated_cost:,}".replace(",", ".")
            )
            if raise_alert(
                session,
                key=f"consumables:{c.kind}:{today.isoformat()}",
                kind="consumables",
                level="WARNING",
                message=message,
                data={"kind": c.kind, "rolls": c.rolls_to_order, "cost": c.estimated_cost},
            ):
                raised.append(message)
        from cetak.users import note

        note(session, actor, "consumables_check", detail={"alerts": len(raised)})
    return raised


def report_lines(engine: Engine, settings: Any) -> tuple[tuple[str, int, int, float | None], ...]:
    """The consumables as the monthly report and the reorder letter state them."""
    from cetak.labels import CONSUMABLE_KIND

    return tuple(
        (CONSUMABLE_KIND.get(c.kind, c.kind), c.shelf_rolls, c.cards, c.days)
        for c in status(engine, settings).covers
    )
