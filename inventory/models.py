"""Tables of blank-card stock: sites, lots, the ledger, its balance cache, and the
documents and requests that come out of it.

The ledger (``Movement``) is append-only: every change of stock is one row with a
kind, an actor, a time and a unique idempotency key; a correction is a reversing
row. ``Balance`` is a cache of the ledger per site and lot, updated in the same
transaction as the movement, and the database refuses to let it go below zero.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from cetak.models import UTCDateTime, utcnow


def _ts(**kw: Any) -> Any:
    return Field(sa_type=UTCDateTime, **kw)


class Site(SQLModel, table=True):
    """A place that holds blanks: the Disdukcapil print room, or a kecamatan that prints."""

    code: str = Field(primary_key=True, max_length=40)
    name: str
    kode_kecamatan: str | None = Field(default=None, max_length=8)
    is_default: bool = False
    created_at: datetime = _ts(default_factory=utcnow)


class Lot(SQLModel, table=True):
    """One delivery of blanks from central, received once."""

    __table_args__ = (sa.CheckConstraint("quantity > 0", name="ck_lot_quantity_positive"),)

    code: str = Field(primary_key=True, max_length=60)
    site_code: str = Field(foreign_key="site.code", max_length=40)
    received_on: date
    quantity: int
    reference: str | None = None  # the letter it came with
    serial_prefix: str | None = Field(default=None, max_length=20)
    serial_first: int | None = Field(default=None, sa_type=sa.BigInteger)
    serial_last: int | None = Field(default=None, sa_type=sa.BigInteger)
    serial_width: int | None = None
    #: Serials of the range handed out so far from ``serial_first`` (issue 11, item 16):
    #: the next new serial is ``serial_first + serials_issued``; changed only with the
    #: movement that takes it, the lot row locked.
    serials_issued: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    request_id: int | None = Field(default=None, foreign_key="reorderrequest.id")
    actor: str = Field(max_length=100)
    received_at: datetime = _ts(default_factory=utcnow)


class Movement(SQLModel, table=True):
    """One row of the blank ledger. Never updated, never deleted."""

    __table_args__ = (
        sa.Index("ix_movement_kind_at", "kind", "at"),
        sa.Index("ix_movement_site_lot", "site_code", "lot_code"),
        sa.Index("ix_movement_lot_serial", "lot_code", "serial_no"),
    )

    id: int | None = Field(default=None, primary_key=True)
    idempotency_key: str = Field(unique=True, max_length=200)
    kind: str = Field(max_length=20)
    site_code: str = Field(foreign_key="site.code", max_length=40)
    lot_code: str = Field(foreign_key="lot.code", max_length=60)
    delta_on_hand: int
    delta_spoiled: int = 0
    cause: str | None = Field(default=None, max_length=20)
    card_ref: str | None = Field(default=None, index=True, max_length=100)
    record_id: int | None = Field(default=None, foreign_key="record.id", index=True)
    destruction_id: int | None = Field(default=None, foreign_key="destructionreport.id")
    destroys_id: int | None = Field(default=None, foreign_key="movement.id", index=True)
    reverses_id: int | None = Field(default=None, foreign_key="movement.id", index=True)
    transfer_ref: str | None = Field(default=None, max_length=100)
    stock_count_id: int | None = Field(default=None, foreign_key="stockcount.id")
    note: str | None = Field(default=None, sa_type=sa.Text)
    #: The blank's serial as printed on it (``KTP0500001``) and its number in the lot's
    #: range, for a lot received with a serial range; None otherwise.
    serial: str | None = Field(default=None, max_length=60)
    serial_no: int | None = Field(default=None, sa_type=sa.BigInteger)
    actor: str = Field(max_length=100)
    at: datetime = _ts(default_factory=utcnow)


class Balance(SQLModel, table=True):
    """Cache of the ledger per site and lot (same transaction as each movement)."""

    __table_args__ = (
        sa.CheckConstraint("on_hand >= 0", name="ck_balance_on_hand_not_negative"),
        sa.CheckConstraint("awaiting_destruction >= 0", name="ck_balance_awaiting_not_negative"),
        sa.Index("ix_balance_fifo", "site_code", "lot_received_on", "lot_code"),
    )

    site_code: str = Field(primary_key=True, foreign_key="site.code", max_length=40)
    lot_code: str = Field(primary_key=True, foreign_key="lot.code", max_length=60)
    lot_received_on: date
    on_hand: int = 0
    awaiting_destruction: int = 0
    updated_at: datetime = _ts(default_factory=utcnow)


class StockCount(SQLModel, table=True):
    """A stock-take (stock opname): what was counted against what the books said."""

    id: int | None = Field(default=None, primary_key=True)
    site_code: str = Field(foreign_key="site.code", max_length=40)
    lot_code: str | None = Field(default=None, foreign_key="lot.code", max_length=60)
    expected: int
    counted: int
    difference: int
    reason: str = Field(sa_type=sa.Text)
    flagged: bool = False
    actor: str = Field(max_length=100)
    at: datetime = _ts(default_factory=utcnow)


class DestructionReport(SQLModel, table=True):
    """Berita acara pemusnahan: spoiled blanks burnt before witnesses."""

    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(unique=True, max_length=60)
    held_on: date
    place: str
    officers_json: str = Field(sa_type=sa.Text)
    witnesses_json: str = Field(sa_type=sa.Text)
    quantity: int
    pdf_path: str | None = None
    actor: str = Field(max_length=100)
    at: datetime = _ts(default_factory=utcnow)
    #: The method (dibakar, dipotong, dihancurkan) and the officers and witnesses with their
    #: NIP and jabatan (issue 13): ``{"method": ..., "officers": [{"nama", "nip",
    #: "jabatan"}...], "witnesses": [...]}``; None for reports made before it existed.
    details_json: str | None = Field(default=None, sa_type=sa.Text)


class ReorderRequest(SQLModel, table=True):
    """A request for blanks to central: DRAFT -> SENT -> CONFIRMED -> RECEIVED, or CANCELLED."""

    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(unique=True, max_length=60)
    state: str = Field(max_length=12, index=True)
    quantity: int
    confirmed_quantity: int | None = None
    snapshot_json: str = Field(sa_type=sa.Text)
    letter_path: str | None = None
    note: str | None = Field(default=None, sa_type=sa.Text)
    actor: str = Field(max_length=100)
    created_at: datetime = _ts(default_factory=utcnow)
    sent_at: datetime | None = _ts(default=None)
    confirmed_at: datetime | None = _ts(default=None)
    closed_at: datetime | None = _ts(default=None)


class StockCountProposal(SQLModel, table=True):
    """A stock-take difference above the threshold, waiting for a supervisor (issue 11).

    The count itself is a ``StockCount`` row (``flagged``); its adjustment is posted only
    when a supervisor approves: PROPOSED -> APPROVED, or REJECTED (nothing posted).
    ``key`` makes a retried count find its proposal instead of making another.
    """

    __table_args__ = (sa.Index("ix_stockcountproposal_site_lot", "site_code", "lot_code"),)

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(unique=True, max_length=200)
    stock_count_id: int = Field(foreign_key="stockcount.id", unique=True)
    site_code: str = Field(foreign_key="site.code", max_length=40)
    lot_code: str = Field(foreign_key="lot.code", max_length=60)
    difference: int
    state: str = Field(default="PROPOSED", max_length=12, index=True)
    proposed_by: str = Field(max_length=100)
    proposed_at: datetime = _ts(default_factory=utcnow)
    decided_by: str | None = Field(default=None, max_length=100)
    decided_at: datetime | None = _ts(default=None)
    decision_note: str | None = Field(default=None, sa_type=sa.Text)


class IkdActivation(SQLModel, table=True):
    """IKD (digital ID) activations of one day, entered at the counter or imported
    (issue 15). A day entered again is corrected, not added to."""

    __tablename__ = "ikd_activation"
    __table_args__ = (sa.CheckConstraint("jumlah >= 0", name="ck_ikd_not_negative"),)

    tanggal: date = Field(primary_key=True)
    jumlah: int
    actor: str = Field(max_length=100)
    at: datetime = _ts(default_factory=utcnow)


class Loan(SQLModel, table=True):
    """Blanks lent to, or borrowed from, another regency's Disdukcapil (issue 15), with the
    berita acara serah terima it was handed over with. ``returned`` grows as blanks come
    back; the loan is settled when it reaches ``quantity``."""

    __table_args__ = (
        sa.CheckConstraint("quantity > 0", name="ck_loan_quantity_positive"),
        sa.CheckConstraint(
            "returned >= 0 AND returned <= quantity", name="ck_loan_returned_within"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(unique=True, max_length=100)  # the BAST number (--ref)
    direction: str = Field(max_length=10)  # "out": we lent; "in": we borrowed
    counterpart: str = Field(max_length=8)  # the other regency's code, "33.20"
    counterpart_name: str = Field(max_length=200)
    lot_code: str = Field(foreign_key="lot.code", max_length=60)
    quantity: int
    returned: int = 0
    serial_text: str | None = Field(default=None, max_length=200)  # "KTP0500001-KTP0500100"
    their_signer: str | None = Field(default=None, max_length=200)  # "Nama|NIP"
    actor: str = Field(max_length=100)
    at: datetime = _ts(default_factory=utcnow)
    settled_at: datetime | None = _ts(default=None)
