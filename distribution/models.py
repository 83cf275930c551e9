"""Tables of distribution: shipments to kecamatan, per-card proof of delivery, discrepancy
cases, hand-overs to residents, and the receipts printed for them.

A card's place follows its ``Card.state``: ``passed`` or ``returned`` at the Disdukcapil,
``packed`` in a shipment still at the Disdukcapil, ``dispatched`` on the way,
``received`` at the kecamatan, ``collected`` in the resident's hand, ``lost`` declared
lost (its blank accounted for by a LOST ledger row). Every hand-over is a row here with
who and when; receipts are printed after the commit and can be printed again.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from cetak.models import UTCDateTime, utcnow


class ShipmentState(StrEnum):
    """A shipment's state (``Shipment.state``): a contract, like card states."""

    PACKED = "packed"  # at the Disdukcapil
    DISPATCHED = "dispatched"  # with the courier
    RECEIVED = "received"  # confirmed by the kecamatan officer, card by card


class ReceiptState(StrEnum):
    """A paper receipt's state (``Receipt.state``)."""

    PENDING = "pending"  # owed, not printed yet
    PRINTED = "printed"
    FAILED = "failed"  # the printer refused it: tried again by the next run


class DiscrepancyState(StrEnum):
    """A discrepancy case's state (``Discrepancy.state``)."""

    OPEN = "open"
    RESOLVED = "resolved"  # found, lost or damaged (``Discrepancy.resolution``)


def _ts(**kw: Any) -> Any:
    return Field(sa_type=UTCDateTime, **kw)


class Shipment(SQLModel, table=True):
    """One box of cards for one kecamatan: packed -> dispatched -> received."""

    __table_args__ = (sa.Index("ix_shipment_kecamatan_state", "kode_kecamatan", "state"),)

    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(unique=True, max_length=40)  # KRM-3310-20261124-0005
    kode_kecamatan: str = Field(foreign_key="kecamatan.kode", max_length=8)
    state: str = Field(max_length=12)  # a ShipmentState: packed | dispatched | received
    cards: int
    courier: str | None = Field(default=None, max_length=100)
    packed_by: str = Field(max_length=100)
    packed_at: datetime = _ts(default_factory=utcnow)
    dispatched_by: str | None = Field(default=None, max_length=100)
    dispatched_at: datetime | None = _ts(default=None)
    received_by: str | None = Field(default=None, max_length=100)  # the kecamatan officer
    received_actor: str | None = Field(default=None, max_length=100)
    received_at: datetime | None = _ts(default=None)
    manifest_path: str | None = None


class ShipmentCard(SQLModel, table=True):
    """One card of a shipment and what the kecamatan said of it."""

    __table_args__ = (sa.Index("ix_shipmentcard_card", "card_id"),)

    shipment_id: int = Field(foreign_key="shipment.id", primary_key=True)
    card_id: int = Field(foreign_key="card.id", primary_key=True)
    record_id: int = Field(foreign_key="record.id", index=True)
    outcome: str | None = Field(default=None, max_length=12)  # received | missing | damaged


class Discrepancy(SQLModel, table=True):
    """A card missing, damaged or extra at receipt; open until found, lost or damaged."""

    __table_args__ = (
        sa.UniqueConstraint("shipment_id", "card_ref", name="uq_discrepancy_shipment_card"),
        sa.Index("ix_discrepancy_state", "state"),
    )

    id: int | None = Field(default=None, primary_key=True)
    shipment_id: int = Field(foreign_key="shipment.id", index=True)
    card_id: int | None = Field(default=None, foreign_key="card.id", index=True)
    card_ref: str = Field(max_length=60)  # as reported; an extra card may be unknown to us
    kind: str = Field(max_length=10)  # missing | damaged | extra
    state: str = Field(default=DiscrepancyState.OPEN.value, max_length=10)  # open | resolved
    resolution: str | None = Field(default=None, max_length=10)  # found | lost | damaged
    note: str | None = Field(default=None, sa_type=sa.Text)
    opened_by: str = Field(max_length=100)
    opened_at: datetime = _ts(default_factory=utcnow)
    resolved_by: str | None = Field(default=None, max_length=100)
    resolved_at: datetime | None = _ts(default=None)


class Collection(SQLModel, table=True):
    """The hand-over of a card to its resident (or a representative): once per card."""

    id: int | None = Field(default=None, primary_key=True)
    card_id: int = Field(foreign_key="card.id", unique=True)
    record_id: int = Field(foreign_key="record.id", index=True)
    place: str = Field(max_length=12)  # kecamatan | disdukcapil
    kode_kecamatan: str = Field(max_length=8, index=True)
    collected_by: str = Field(max_length=100)
    officer: str = Field(max_length=100)
    at: datetime = _ts(default_factory=utcnow, index=True)


class Receipt(SQLModel, table=True):
    """A paper receipt owed for a hand-over: printed after the commit, again when asked."""

    __table_args__ = (
        sa.UniqueConstraint("kind", "reference", name="uq_receipt_kind_reference"),
        sa.Index("ix_receipt_state", "state"),
    )

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=12)  # serah_terima (shipment) | tanda_terima (resident)
    reference: str = Field(max_length=60)  # shipment number or card reference
    shipment_id: int | None = Field(default=None, foreign_key="shipment.id")
    collection_id: int | None = Field(default=None, foreign_key="collection.id")
    place: str = Field(max_length=40)  # DISDUKCAPIL or the kecamatan code: its printer
    state: str = Field(default=ReceiptState.PENDING.value, max_length=10)  # pending|printed|failed
    attempts: int = 0
    target: str | None = None
    error: str | None = Field(default=None, sa_type=sa.Text)
    created_at: datetime = _ts(default_factory=utcnow)
    printed_at: datetime | None = _ts(default=None)


class ReceiptPrinter(SQLModel, table=True):
    """The ESC/POS printer of one place (the Disdukcapil or a kecamatan office)."""

    place: str = Field(primary_key=True, max_length=40)
    kind: str = Field(max_length=10)  # network | file
    target: str
    profile: str = Field(default="TM-T88V", max_length=40)
    actor: str = Field(max_length=100)
    updated_at: datetime = _ts(default_factory=utcnow)
