"""Tables of recording devices, coverage figures and flash-disk deliveries (issue 14).

A device's row holds its current state; every change is also a ``DeviceEvent`` row
(append-only) with who, when and why. Coverage targets and recording reports are what the
regency imports; a re-imported figure for the same kecamatan and semester (or day)
replaces the old one, and the import is audited.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from cetak.models import UTCDateTime, utcnow


def _ts(**kw: Any) -> Any:
    return Field(sa_type=UTCDateTime, **kw)


class RecordingDevice(SQLModel, table=True):
    """One recording device (alat perekaman), known by its inventory number."""

    __tablename__ = "recording_device"
    __table_args__ = (sa.Index("ix_recording_device_place", "place_kind", "kode_kecamatan"),)

    kode: str = Field(primary_key=True, max_length=60)
    place_kind: str = Field(max_length=20)  # recording.rules.PlaceKind
    kode_kecamatan: str | None = Field(default=None, max_length=8)
    year: int | None = None  # year of procurement ("pengadaan 2020")
    state: str = Field(default="berfungsi", max_length=20)  # recording.rules.DeviceState
    since: datetime = _ts(default_factory=utcnow)  # when the current state began
    cause: str | None = Field(default=None, max_length=20)  # of the current breakdown
    note: str | None = Field(default=None, sa_type=sa.Text)
    repair_by: str | None = Field(default=None, max_length=20)
    reported_on: date | None = None  # the breakdown reported to central
    replaced_by: str | None = Field(default=None, max_length=60)
    created_at: datetime = _ts(default_factory=utcnow)


class DeviceEvent(SQLModel, table=True):
    """One change of a device. Never updated, never deleted."""

    __tablename__ = "recording_device_event"

    id: int | None = Field(default=None, primary_key=True)
    device_kode: str = Field(foreign_key="recording_device.kode", max_length=60, index=True)
    from_state: str | None = Field(default=None, max_length=20)
    to_state: str = Field(max_length=20)
    at: datetime = _ts(default_factory=utcnow, index=True)
    actor: str = Field(max_length=100)
    cause: str | None = Field(default=None, max_length=20)
    note: str | None = Field(default=None, sa_type=sa.Text)
    repair_by: str | None = Field(default=None, max_length=20)
    reported_on: date | None = None


class CoverageTarget(SQLModel, table=True):
    """Wajib KTP of a kecamatan in a semester, from the regency's population data."""

    __tablename__ = "coverage_target"

    kode_kecamatan: str = Field(primary_key=True, max_length=8)
    semester: str = Field(primary_key=True, max_length=7)  # "2026-2"
    wajib_ktp: int
    imported_at: datetime = _ts(default_factory=utcnow)
    actor: str = Field(max_length=100)


class RecordingReport(SQLModel, table=True):
    """Recordings of a kecamatan on a day, or (``kumulatif``) the total up to that day."""

    __tablename__ = "recording_report"

    kode_kecamatan: str = Field(primary_key=True, max_length=8)
    tanggal: date = Field(primary_key=True)
    kumulatif: bool = Field(primary_key=True)
    jumlah: int
    imported_at: datetime = _ts(default_factory=utcnow)
    actor: str = Field(max_length=100)


class RecordingDistance(SQLModel, table=True):
    """The regency's distance table: km between two kecamatan, or to the Disdukcapil."""

    __tablename__ = "recording_distance"

    dari: str = Field(primary_key=True, max_length=12)
    ke: str = Field(primary_key=True, max_length=12)
    km: float


class FlashDiskDelivery(SQLModel, table=True):
    """Offline recordings carried from a kecamatan to the Disdukcapil on a flash disk."""

    __tablename__ = "flashdisk_delivery"
    __table_args__ = (
        sa.CheckConstraint("jumlah_rekaman > 0", name="ck_flashdisk_positive"),
        sa.Index("ix_flashdisk_kecamatan", "kode_kecamatan", "received_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    kode_kecamatan: str = Field(max_length=8)
    jumlah_rekaman: int
    recorded_from: date | None = None  # the recordings' first and last day
    recorded_to: date | None = None
    carried_by: str = Field(max_length=100)
    received_by: str = Field(max_length=100)
    received_at: datetime = _ts(default_factory=utcnow)
    sent_at: datetime | None = _ts(default=None)  # sent on to central
    sent_by: str | None = Field(default=None, max_length=100)
    note: str | None = Field(default=None, sa_type=sa.Text)
    actor: str = Field(max_length=100)
