"""IKD activations per day (issue 15)

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel  # noqa: F401
from alembic import op

import cetak.models  # noqa: F401

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "ikd_activation",
        sa.Column("tanggal", sa.Date(), nullable=False),
        sa.Column("jumlah", sa.Integer(), nullable=False),
        sa.Column("actor", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("at", cetak.models.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("jumlah >= 0", name="ck_ikd_not_negative"),
        sa.PrimaryKeyConstraint("tanggal"),
    )


def downgrade() -> None:
    op.drop_table("ikd_activation")
