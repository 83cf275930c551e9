"""Tables of the card's life: installation, deliveries from central, records and their events.

Later capabilities (blank stock, printing, distribution) add their tables in
their own packages; every table shares this module's ``SQLModel.metadata``.
Times are stored in UTC (``UTCDateTime``) and shown in the regency's zone.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel

from cetak.clock import now_utc


def utcnow() -> datetime:
    return now_utc()  # the wall clock, unless the demo's history simulates another day


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC datetime on every backend (SQLite keeps no zone)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime stored; pass an aware UTC datetime")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _ts(**kw: Any) -> Any:
    return Field(sa_type=UTCDateTime, **kw)


class Installation(SQLModel, table=True):
    """Which regency this installation serves (one row, id 1)."""

    id: int = Field(default=1, primary_key=True)
    kode_wilayah: str = Field(max_length=5)
    kabupaten: str
    kode_provinsi: str = Field(max_length=2)
    provinsi: str
    timezone: str
    initialised_at: datetime = _ts(default_factory=utcnow)


class Kecamatan(SQLModel, table=True):
    kode: str = Field(primary_key=True, max_length=8)
    nama: str
    kode_kabupaten: str = Field(index=True, max_length=5)


class Batch(SQLModel, table=True):
    """An accepted batch from central. Its ACK is kept to be issued again unchanged."""

    batch_id: str = Field(primary_key=True, max_length=100)
    kode_wilayah: str = Field(max_length=5)
    dibuat: str | None = None
    jumlah_record: int
    queued: int = 0
    held: int = 0
    duplicate: int = 0
    superseded: int = 0
    quarantined: int = 0
    ack_json: str = Field(sa_type=sa.Text)
    source_name: str
    archive_path: str
    accepted_at: datetime = _ts(default_factory=utcnow)


class Delivery(SQLModel, table=True):
    """Log of every delivery processed (accepted or rejected) for the print room."""

    id: int | None = Field(default=None, primary_key=True)
    batch_id: str | None = Field(default=None, index=True, max_length=200)
    source_name: str
    status: str = Field(max_length=16)  # ACCEPTED | REJECTED
    reason_code: str | None = Field(default=None, max_length=40)
    reason: str | None = Field(default=None, sa_type=sa.Text)
    filed_to: str | None = None
    processed_at: datetime = _ts(default_factory=utcnow)


class Record(SQLModel, table=True):
    """One print-ready record (PRR): the permission to print one resident's card.

    Feed columns keep the resident's spelling (trimmed). For a quarantined row
    the columns hold what central sent, and ``reason``/``reason_detail`` say why.
    ``prr_id`` is empty (NULL) only for a quarantined row whose id was blank or
    too long to be an id at all.
    """

    __table_args__ = (
        sa.Index("ix_record_state_kecamatan", "state", "kode_kecamatan"),
        sa.Index("ix_record_nik_state", "nik", "state"),
        sa.Index("ix_record_state_release", "state", "release_on"),
        sa.Index("ix_record_created_at", "created_at"),  # arrivals and lead times by day
        sa.UniqueConstraint("batch_id", "row_number", name="uq_record_batch_row"),
    )

    id: int | None = Field(default=None, primary_key=True)
    prr_id: str | None = Field(default=None, unique=True, max_length=64)
    batch_id: str = Field(foreign_key="batch.batch_id", max_length=100)
    row_number: int
    nik: str = Field(max_length=64)
    nama: str = Field(sa_type=sa.Text)
    tempat_lahir: str = Field(sa_type=sa.Text)
    tanggal_lahir: str = Field(sa_type=sa.Text)
    jenis_kelamin: str = Field(sa_type=sa.Text)
    golongan_darah: str = Field(sa_type=sa.Text)
    alamat: str = Field(sa_type=sa.Text)
    rt: str = Field(sa_type=sa.Text)
    rw: str = Field(sa_type=sa.Text)
    kel_desa: str = Field(sa_type=sa.Text)
    kode_kecamatan: str = Field(max_length=64)
    agama: str = Field(sa_type=sa.Text)
    status_perkawinan: str = Field(sa_type=sa.Text)
    pekerjaan: str = Field(sa_type=sa.Text)
    kewarganegaraan: str = Field(sa_type=sa.Text)
    berlaku_hingga: str = Field(sa_type=sa.Text)
    jenis_permohonan: str = Field(sa_type=sa.Text)
    tanggal_rekam: str = Field(sa_type=sa.Text)
    foto: str = Field(sa_type=sa.Text)
    birth_date: date | None = None
    state: str = Field(max_length=20)
    reason: str | None = Field(default=None, max_length=40)
    reason_detail: str | None = Field(default=None, sa_type=sa.Text)
    release_on: date | None = None
    superseded_by: int | None = Field(default=None, foreign_key="record.id")
    attempts: int = 0
    printed_at: datetime | None = _ts(default=None)
    created_at: datetime = _ts(default_factory=utcnow)
    updated_at: datetime = _ts(default_factory=utcnow)


class RecordPhoto(SQLModel, table=True):
    """The resident's photo, kept in the database so printers on any machine can reach it."""

    record_id: int = Field(primary_key=True, foreign_key="record.id")
    media_type: str = Field(max_length=20)
    content: bytes = Field(sa_type=sa.LargeBinary)


class RecordEvent(SQLModel, table=True):
    """Append-only history: every change of a record's state, with who and why."""

    id: int | None = Field(default=None, primary_key=True)
    record_id: int = Field(foreign_key="record.id", index=True)
    from_state: str | None = Field(default=None, max_length=20)
    to_state: str = Field(max_length=20)
    at: datetime = _ts(default_factory=utcnow, index=True)
    actor: str = Field(max_length=100)
    reason: str | None = Field(default=None, sa_type=sa.Text)


class Alert(SQLModel, table=True):
    """An alert raised once (unique key) and delivered by a notifier after commit."""

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(unique=True, max_length=200)
    kind: str = Field(max_length=40, index=True)
    level: str = Field(max_length=10)
    message: str = Field(sa_type=sa.Text)
    data_json: str = Field(default="{}", sa_type=sa.Text)
    created_at: datetime = _ts(default_factory=utcnow, index=True)
    delivered_at: datetime | None = _ts(default=None)


class StoredDocument(SQLModel, table=True):
    """A document Cetak produced (PDF, receipt, alert file), kept in the database so that
    every machine of the installation can serve it (``cetak.storage``).

    ``name`` is the document's path relative to ``$CETAK_HOME`` on the machine that wrote
    it (``documents/manifes/KRM-3310-20261124-0001.pdf``): one row per name, whose content
    is replaced when the document is produced again with other bytes.
    """

    __tablename__ = "stored_document"
    __table_args__ = (sa.UniqueConstraint("name", name="uq_stored_document_name"),)

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=300)
    kind: str = Field(max_length=40, index=True)
    media_type: str = Field(max_length=100)
    content: bytes = Field(sa_type=sa.LargeBinary)
    size: int
    sha256: str = Field(max_length=64)
    created_at: datetime = _ts(default_factory=utcnow, index=True)
    host: str = Field(max_length=255)


class OfficeSetting(SQLModel, table=True):
    """One value of the office profile (issue 13): the letterhead, the signers, who signs
    which document and the classification codes of official numbers (``cetak.office``
    names the keys). ``content`` holds the logo image's bytes, so every machine has it."""

    __tablename__ = "office_setting"

    key: str = Field(primary_key=True, max_length=80)
    value: str = Field(default="", sa_type=sa.Text)
    content: bytes | None = Field(default=None, sa_type=sa.LargeBinary)
    actor: str = Field(max_length=100)
    at: datetime = _ts(default_factory=utcnow)


class DocumentCounter(SQLModel, table=True):
    """The last official number given per document kind and year (``470/BAP-007/XII/2026``
    is number 7 of ``BAP`` in 2026). Raised in the transaction that books the document: a
    committed number is never given again, a rolled-back one is given to the next."""

    __tablename__ = "document_counter"

    kind: str = Field(primary_key=True, max_length=20)
    year: int = Field(primary_key=True)
    last: int = Field(default=0)
