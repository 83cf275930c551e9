"""blank serials: each consumed blank of a lot with a serial range carries its serial

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel  # noqa: F401
from alembic import op

import cetak.models  # noqa: F401

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("lot", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("serials_issued", sa.Integer(), server_default="0", nullable=False)
        )
    with op.batch_alter_table("movement", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("serial", sqlmodel.sql.sqltypes.AutoString(length=60), nullable=True)
        )
        batch_op.add_column(sa.Column("serial_no", sa.BigInteger(), nullable=True))
        batch_op.create_index("ix_movement_lot_serial", ["lot_code", "serial_no"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("movement", schema=None) as batch_op:
        batch_op.drop_index("ix_movement_lot_serial")
        batch_op.drop_column("serial_no")
        batch_op.drop_column("serial")
    with op.batch_alter_table("lot", schema=None) as batch_op:
        batch_op.drop_column("serials_issued")
