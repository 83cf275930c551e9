"""stock-count proposals: a stock-take difference above the threshold waits for a supervisor

Revision ID: 0009
Revises: 0007
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel  # noqa: F401
from alembic import op

import cetak.models  # noqa: F401

revision: str = "0009"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "stockcountproposal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("stock_count_id", sa.Integer(), nullable=False),
        sa.Column("site_code", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("lot_code", sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
        sa.Column("difference", sa.Integer(), nullable=False),
        sa.Column("state", sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
        sa.Column("proposed_by", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("proposed_at", cetak.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("decided_by", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
        sa.Column("decided_at", cetak.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column("decision_note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["lot_code"], ["lot.code"]),
        sa.ForeignKeyConstraint(["site_code"], ["site.code"]),
        sa.ForeignKeyConstraint(["stock_count_id"], ["stockcount.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key"),
        sa.UniqueConstraint("stock_count_id"),
    )
    with op.batch_alter_table("stockcountproposal", schema=None) as batch_op:
        batch_op.create_index(
            "ix_stockcountproposal_site_lot", ["site_code", "lot_code"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_stockcountproposal_state"), ["state"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("stockcountproposal", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_stockcountproposal_state"))
        batch_op.drop_index("ix_stockcountproposal_site_lot")
    op.drop_table("stockcountproposal")
