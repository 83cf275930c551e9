"""card events: every change of a card's state, with who, when and why

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel  # noqa: F401
from alembic import op

import cetak.models  # noqa: F401

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "card_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("card_id", sa.Integer(), nullable=False),
        sa.Column("from_state", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
        sa.Column("to_state", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("at", cetak.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("actor", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["card_id"], ["card.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("card_event", schema=None) as batch_op:
        batch_op.create_index("ix_card_event_at", ["at"], unique=False)
        batch_op.create_index("ix_card_event_card_id", ["card_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("card_event", schema=None) as batch_op:
        batch_op.drop_index("ix_card_event_card_id")
        batch_op.drop_index("ix_card_event_at")
    op.drop_table("card_event")
