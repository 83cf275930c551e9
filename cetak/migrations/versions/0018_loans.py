"""loans of blanks between regencies (issue 15)

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel  # noqa: F401
from alembic import op

import cetak.models  # noqa: F401

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_S = sqlmodel.sql.sqltypes.AutoString
_TS = cetak.models.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "loan",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", _S(length=100), nullable=False),
        sa.Column("direction", _S(length=10), nullable=False),
        sa.Column("counterpart", _S(length=8), nullable=False),
        sa.Column("counterpart_name", _S(length=200), nullable=False),
        sa.Column("lot_code", _S(length=60), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("returned", sa.Integer(), nullable=False),
        sa.Column("serial_text", _S(length=200), nullable=True),
        sa.Column("their_signer", _S(length=200), nullable=True),
        sa.Column("actor", _S(length=100), nullable=False),
        sa.Column("at", _TS(timezone=True), nullable=False),
        sa.Column("settled_at", _TS(timezone=True), nullable=True),
        sa.CheckConstraint("quantity > 0", name="ck_loan_quantity_positive"),
        sa.CheckConstraint(
            "returned >= 0 AND returned <= quantity", name="ck_loan_returned_within"
        ),
        sa.ForeignKeyConstraint(["lot_code"], ["lot.code"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("number"),
    )


def downgrade() -> None:
    op.drop_table("loan")
