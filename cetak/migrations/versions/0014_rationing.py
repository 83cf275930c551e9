"""rationing: the office's policy versions and urgent flags (issue 15)

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel  # noqa: F401
from alembic import op

import cetak.models  # noqa: F401

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_S = sqlmodel.sql.sqltypes.AutoString
_TS = cetak.models.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "ration_policy",
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("policy_json", sa.Text(), nullable=False),
        sa.Column("actor", _S(length=100), nullable=False),
        sa.Column("at", _TS(timezone=True), nullable=False),
        sa.Column("source", _S(length=300), nullable=True),
        sa.PrimaryKeyConstraint("version"),
    )
    op.create_table(
        "urgent_flag",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("reason", _S(length=20), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("requested_by", _S(length=100), nullable=False),
        sa.Column("requested_at", _TS(timezone=True), nullable=False),
        sa.Column("approved_by", _S(length=100), nullable=True),
        sa.Column("approved_at", _TS(timezone=True), nullable=True),
        sa.Column("cleared_by", _S(length=100), nullable=True),
        sa.Column("cleared_at", _TS(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["record_id"], ["record.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("urgent_flag", schema=None) as batch_op:
        batch_op.create_index(
            "ix_urgent_flag_record_active", ["record_id", "cleared_at"], unique=False
        )


def downgrade() -> None:
    op.drop_table("urgent_flag")
    op.drop_table("ration_policy")
