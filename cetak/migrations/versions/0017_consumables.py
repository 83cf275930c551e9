"""printer consumables: lots and rolls loaded in printers (issue 15)

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel  # noqa: F401
from alembic import op

import cetak.models  # noqa: F401

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_S = sqlmodel.sql.sqltypes.AutoString
_TS = cetak.models.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "consumable_lot",
        sa.Column("code", _S(length=60), nullable=False),
        sa.Column("kind", _S(length=20), nullable=False),
        sa.Column("rolls", sa.Integer(), nullable=False),
        sa.Column("rated_yield", sa.Integer(), nullable=False),
        sa.Column("unit_price", sa.Integer(), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("reference", _S(length=200), nullable=True),
        sa.Column("actor", _S(length=100), nullable=False),
        sa.Column("created_at", _TS(timezone=True), nullable=False),
        sa.CheckConstraint("rolls > 0", name="ck_consumable_rolls_positive"),
        sa.CheckConstraint("rated_yield > 0", name="ck_consumable_yield_positive"),
        sa.PrimaryKeyConstraint("code"),
    )
    op.create_table(
        "consumable_load",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("printer_name", _S(length=60), nullable=False),
        sa.Column("lot_code", _S(length=60), nullable=False),
        sa.Column("kind", _S(length=20), nullable=False),
        sa.Column("rated_yield", sa.Integer(), nullable=False),
        sa.Column("loaded_at", _TS(timezone=True), nullable=False),
        sa.Column("actor", _S(length=100), nullable=False),
        sa.Column("removed_at", _TS(timezone=True), nullable=True),
        sa.Column("removed_by", _S(length=100), nullable=True),
        sa.ForeignKeyConstraint(["lot_code"], ["consumable_lot.code"]),
        sa.ForeignKeyConstraint(["printer_name"], ["printer.name"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("consumable_load", schema=None) as batch_op:
        batch_op.create_index(
            "ix_consumable_load_printer", ["printer_name", "kind"], unique=False
        )


def downgrade() -> None:
    op.drop_table("consumable_load")
    op.drop_table("consumable_lot")
