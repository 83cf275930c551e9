"""office profile and official numbering: office_setting, document_counter,
destructionreport.details_json (issue 13)

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel  # noqa: F401
from alembic import op

import cetak.models  # noqa: F401

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_S = sqlmodel.sql.sqltypes.AutoString
_TS = cetak.models.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "office_setting",
        sa.Column("key", _S(length=80), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=True),
        sa.Column("actor", _S(length=100), nullable=False),
        sa.Column("at", _TS(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_table(
        "document_counter",
        sa.Column("kind", _S(length=20), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("last", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("kind", "year"),
    )
    with op.batch_alter_table("destructionreport", schema=None) as batch_op:
        batch_op.add_column(sa.Column("details_json", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("destructionreport", schema=None) as batch_op:
        batch_op.drop_column("details_json")
    op.drop_table("document_counter")
    op.drop_table("office_setting")
