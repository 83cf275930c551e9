"""Read-side service: what the CLI, the dashboard and reports ask of the records."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from cetak.installation import require_kecamatan
from cetak.lifecycle import RECORD_FIELDS as RECORD_FIELDS
from cetak.lifecycle import RecordState
from cetak.models import Record

_REC = Record.__table__  # type: ignore[attr-defined]


def state_counts(session: Session) -> dict[str, int]:
    """Records per state; every state is present, zero where empty."""
    counts = {s.value: 0 for s in RecordState}
    rows = session.execute(sa.select(_REC.c.state, sa.func.count()).group_by(_REC.c.state))
    for state, n in rows:
        counts[state] = n
    return counts


def iter_records(
    session: Session,
    *,
    state: str | None = None,
    kecamatan: str | None = None,
    batch_id: str | None = None,
    limit: int | None = None,
) -> Iterator[dict[str, Any]]:
    """Records in intake order, as plain dicts of ``RECORD_FIELDS``, streamed."""
    query = sa.select(*(_REC.c[f] for f in RECORD_FIELDS)).order_by(_REC.c.id)
    if state:
        query = query.where(_REC.c.state == state)
    if kecamatan is not None:
        require_kecamatan(session, kecamatan)
        query = query.where(_REC.c.kode_kecamatan == kecamatan)
    if batch_id:
        query = query.where(_REC.c.batch_id == batch_id)
    if limit:
        query = query.limit(limit)
    for row in session.execute(query.execution_options(yield_per=2000)):
        item = dict(row._mapping)
        if item["release_on"] is not None:
            item["release_on"] = item["release_on"].isoformat()
        yield item


def card_counts(session: Session) -> dict[str, int]:
    """Cards per state (printed awaiting QC, passed, spoiled ...) and printed today."""
    from printers.models import Card

    card = Card.__table__  # type: ignore[attr-defined]
    counts = dict(
        session.execute(sa.select(card.c.state, sa.func.count()).group_by(card.c.state)).all()
    )
    return {state: int(n) for state, n in counts.items()}
