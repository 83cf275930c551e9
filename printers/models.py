"""Tables of print production: printers, print jobs (one scheduled batch each) and cards.

A record is the permission to print; a card is one attempt to print it on one
blank. A record whose card is spoiled goes back to the queue and its next
attempt is a new card, so every blank consumed belongs to exactly one card.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from cetak.models import UTCDateTime, utcnow
from printers.states import JobState, PrinterState

__all__ = ["Card", "CardEvent", "JobState", "Printer", "PrinterState", "PrintJob", "PrintJobItem"]


def _ts(**kw: Any) -> Any:
    return Field(sa_type=UTCDateTime, **kw)


class Printer(SQLModel, table=True):
    name: str = Field(primary_key=True, max_length=60)
    driver: str = Field(max_length=20)  # simulated | ipp | spool
    uri: str | None = None
    site_code: str = Field(foreign_key="site.code", max_length=40)
    daily_limit: int = 300
    rest_after: int = 100
    rest_minutes: int = 30
    state: str = Field(default=PrinterState.ONLINE.value, max_length=20)  # a PrinterState
    state_reason: str | None = None
    counter_day: date | None = None
    printed_today: int = 0
    spoiled_today: int = 0
    since_rest: int = 0
    rest_until: datetime | None = _ts(default=None)
    ribbon_left: int | None = None
    ribbon_percent: int | None = None
    failures: int = 0  # consecutive failures to reach it, for back-off
    retry_at: datetime | None = _ts(default=None)
    created_at: datetime = _ts(default_factory=utcnow)
    updated_at: datetime = _ts(default_factory=utcnow)


class PrintJob(SQLModel, table=True):
    """One batch of cards of one kecamatan on one printer; run as one task."""

    __table_args__ = (sa.Index("ix_printjob_printer_state", "printer_name", "state"),)

    id: int | None = Field(default=None, primary_key=True)
    batch_ref: str = Field(unique=True, max_length=60)
    printer_name: str = Field(foreign_key="printer.name", max_length=60)
    kode_kecamatan: str = Field(max_length=8)
    state: str = Field(default=JobState.PLANNED.value, max_length=12)  # a JobState
    planned: int = 0
    printed: int = 0
    spoiled: int = 0
    note: str | None = Field(default=None, sa_type=sa.Text)
    worker: str | None = Field(default=None, max_length=100)
    lease_until: datetime | None = _ts(default=None)  # a running job's claim expires
    created_at: datetime = _ts(default_factory=utcnow)
    started_at: datetime | None = _ts(default=None)
    finished_at: datetime | None = _ts(default=None)


class PrintJobItem(SQLModel, table=True):
    job_id: int = Field(foreign_key="printjob.id", primary_key=True)
    position: int = Field(primary_key=True)
    record_id: int = Field(foreign_key="record.id", index=True)


class Card(SQLModel, table=True):
    """One printed (or spoiled) card: record, blank, printer, batch, time."""

    __table_args__ = (
        sa.UniqueConstraint("record_id", "attempt", name="uq_card_record_attempt"),
        sa.Index("ix_card_state", "state"),
        sa.Index("ix_card_printed_at", "printed_at"),  # printed per day
        sa.Index("ix_card_created_at", "created_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    card_ref: str = Field(unique=True, max_length=60)
    record_id: int = Field(foreign_key="record.id", index=True)
    attempt: int
    job_id: int | None = Field(default=None, foreign_key="printjob.id", index=True)
    printer_name: str | None = Field(default=None, foreign_key="printer.name", max_length=60)
    driver_job_id: str | None = Field(default=None, max_length=100)
    lot_code: str | None = Field(default=None, max_length=60)
    serial: str | None = Field(default=None, max_length=60)
    chip_id: str | None = Field(default=None, max_length=100)
    # A ``printers.cards.CardState``, changed only by ``printers.cards.move_card``.
    state: str = Field(default="taken", max_length=20)
    fault: str | None = Field(default=None, max_length=20)
    spoil_cause: str | None = Field(default=None, max_length=20)
    note: str | None = Field(default=None, sa_type=sa.Text)
    created_at: datetime = _ts(default_factory=utcnow)
    submitted_at: datetime | None = _ts(default=None)
    printed_at: datetime | None = _ts(default=None)
    qc_at: datetime | None = _ts(default=None)
    qc_by: str | None = Field(default=None, max_length=100)
    shipment_id: int | None = Field(default=None, foreign_key="shipment.id", index=True)
    received_at: datetime | None = _ts(default=None)  # at the kecamatan: uncollected age


class CardEvent(SQLModel, table=True):
    """Append-only history of a card: every change of its state, with who and why
    (``printers.cards.move_card``; ``from_state`` is None for the card's creation)."""

    __tablename__ = "card_event"

    id: int | None = Field(default=None, primary_key=True)
    card_id: int = Field(foreign_key="card.id", index=True)
    from_state: str | None = Field(default=None, max_length=20)
    to_state: str = Field(max_length=20)
    at: datetime = _ts(default_factory=utcnow, index=True)
    actor: str = Field(max_length=100)
    reason: str | None = Field(default=None, sa_type=sa.Text)


class RationPolicyVersion(SQLModel, table=True):
    """One version of the office's rationing policy (issue 15). The newest is in force;
    none stored: ``printers.rationing.DEFAULT_POLICY``. Never updated, never deleted."""

    __tablename__ = "ration_policy"

    version: int = Field(primary_key=True)
    policy_json: str = Field(sa_type=sa.Text)
    actor: str = Field(max_length=100)
    at: datetime = _ts(default_factory=utcnow)
    source: str | None = Field(default=None, max_length=300)  # the file it came from


class UrgentFlag(SQLModel, table=True):
    """An urgent flag on a resident's record: counts for rationing once a supervisor has
    approved it, until it is cleared."""

    __tablename__ = "urgent_flag"
    __table_args__ = (sa.Index("ix_urgent_flag_record_active", "record_id", "cleared_at"),)

    id: int | None = Field(default=None, primary_key=True)
    record_id: int = Field(foreign_key="record.id")
    reason: str = Field(max_length=20)  # printers.rationing.URGENT_REASONS
    note: str | None = Field(default=None, sa_type=sa.Text)
    requested_by: str = Field(max_length=100)
    requested_at: datetime = _ts(default_factory=utcnow)
    approved_by: str | None = Field(default=None, max_length=100)
    approved_at: datetime | None = _ts(default=None)
    cleared_by: str | None = Field(default=None, max_length=100)
    cleared_at: datetime | None = _ts(default=None)


class ConsumableLot(SQLModel, table=True):
    """A delivery of printer consumables the regency bought (issue 15): rolls of one kind
    with their unit price and rated yield."""

    __tablename__ = "consumable_lot"
    __table_args__ = (
        sa.CheckConstraint("rolls > 0", name="ck_consumable_rolls_positive"),
        sa.CheckConstraint("rated_yield > 0", name="ck_consumable_yield_positive"),
    )

    code: str = Field(primary_key=True, max_length=60)
    kind: str = Field(max_length=20)  # printers.consumables.ConsumableKind
    rolls: int
    rated_yield: int  # cards one roll prints
    unit_price: int  # rupiah per roll
    received_on: date
    reference: str | None = Field(default=None, max_length=200)
    actor: str = Field(max_length=100)
    created_at: datetime = _ts(default_factory=utcnow)


class ConsumableLoad(SQLModel, table=True):
    """One roll loaded into a printer; ``removed_at`` set when it is taken out (used up or
    replaced). A printer holds at most one roll of a kind at a time."""

    __tablename__ = "consumable_load"
    __table_args__ = (sa.Index("ix_consumable_load_printer", "printer_name", "kind"),)

    id: int | None = Field(default=None, primary_key=True)
    printer_name: str = Field(foreign_key="printer.name", max_length=60)
    lot_code: str = Field(foreign_key="consumable_lot.code", max_length=60)
    kind: str = Field(max_length=20)
    rated_yield: int
    loaded_at: datetime = _ts(default_factory=utcnow)
    actor: str = Field(max_length=100)
    removed_at: datetime | None = _ts(default=None)
    removed_by: str | None = Field(default=None, max_length=100)
