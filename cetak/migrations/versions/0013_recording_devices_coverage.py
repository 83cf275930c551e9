"""recording devices, their events, coverage targets, recording reports, distances and
flash-disk deliveries (issue 14)

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel  # noqa: F401
from alembic import op

import cetak.models  # noqa: F401

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_S = sqlmodel.sql.sqltypes.AutoString
_TS = cetak.models.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "recording_device",
        sa.Column("kode", _S(length=60), nullable=False),
        sa.Column("place_kind", _S(length=20), nullable=False),
        sa.Column("kode_kecamatan", _S(length=8), nullable=True),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("state", _S(length=20), nullable=False),
        sa.Column("since", _TS(timezone=True), nullable=False),
        sa.Column("cause", _S(length=20), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("repair_by", _S(length=20), nullable=True),
        sa.Column("reported_on", sa.Date(), nullable=True),
        sa.Column("replaced_by", _S(length=60), nullable=True),
        sa.Column("created_at", _TS(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("kode"),
    )
    with op.batch_alter_table("recording_device", schema=None) as batch_op:
        batch_op.create_index(
            "ix_recording_device_place", ["place_kind", "kode_kecamatan"], unique=False
        )
    op.create_table(
        "recording_device_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("device_kode", _S(length=60), nullable=False),
        sa.Column("from_state", _S(length=20), nullable=True),
        sa.Column("to_state", _S(length=20), nullable=False),
        sa.Column("at", _TS(timezone=True), nullable=False),
        sa.Column("actor", _S(length=100), nullable=False),
        sa.Column("cause", _S(length=20), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("repair_by", _S(length=20), nullable=True),
        sa.Column("reported_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(["device_kode"], ["recording_device.kode"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("recording_device_event", schema=None) as batch_op:
        batch_op.create_index("ix_recording_device_event_at", ["at"], unique=False)
        batch_op.create_index(
            "ix_recording_device_event_device_kode", ["device_kode"], unique=False
        )
    op.create_table(
        "coverage_target",
        sa.Column("kode_kecamatan", _S(length=8), nullable=False),
        sa.Column("semester", _S(length=7), nullable=False),
        sa.Column("wajib_ktp", sa.Integer(), nullable=False),
        sa.Column("imported_at", _TS(timezone=True), nullable=False),
        sa.Column("actor", _S(length=100), nullable=False),
        sa.PrimaryKeyConstraint("kode_kecamatan", "semester"),
    )
    op.create_table(
        "recording_report",
        sa.Column("kode_kecamatan", _S(length=8), nullable=False),
        sa.Column("tanggal", sa.Date(), nullable=False),
        sa.Column("kumulatif", sa.Boolean(), nullable=False),
        sa.Column("jumlah", sa.Integer(), nullable=False),
        sa.Column("imported_at", _TS(timezone=True), nullable=False),
        sa.Column("actor", _S(length=100), nullable=False),
        sa.PrimaryKeyConstraint("kode_kecamatan", "tanggal", "kumulatif"),
    )
    op.create_table(
        "recording_distance",
        sa.Column("dari", _S(length=12), nullable=False),
        sa.Column("ke", _S(length=12), nullable=False),
        sa.Column("km", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("dari", "ke"),
    )
    op.create_table(
        "flashdisk_delivery",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kode_kecamatan", _S(length=8), nullable=False),
        sa.Column("jumlah_rekaman", sa.Integer(), nullable=False),
        sa.Column("recorded_from", sa.Date(), nullable=True),
        sa.Column("recorded_to", sa.Date(), nullable=True),
        sa.Column("carried_by", _S(length=100), nullable=False),
        sa.Column("received_by", _S(length=100), nullable=False),
        sa.Column("received_at", _TS(timezone=True), nullable=False),
        sa.Column("sent_at", _TS(timezone=True), nullable=True),
        sa.Column("sent_by", _S(length=100), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("actor", _S(length=100), nullable=False),
        sa.CheckConstraint("jumlah_rekaman > 0", name="ck_flashdisk_positive"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("flashdisk_delivery", schema=None) as batch_op:
        batch_op.create_index(
            "ix_flashdisk_kecamatan", ["kode_kecamatan", "received_at"], unique=False
        )


def downgrade() -> None:
    for table in (
        "flashdisk_delivery",
        "recording_distance",
        "recording_report",
        "coverage_target",
        "recording_device_event",
        "recording_device",
    ):
        op.drop_table(table)
