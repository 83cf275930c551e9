"""Changing a record's state: always through here, always with its event row."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Session

from cetak.errors import CetakError
from cetak.lifecycle import RecordState, after_failed_card, check_transition
from cetak.models import Record, RecordEvent, utcnow

_REC = Record.__table__  # type: ignore[attr-defined]
_EVT = RecordEvent.__table__  # type: ignore[attr-defined]

# Built once (a card's printing moves its record in the card's write transaction, and
# building a statement costs SQLAlchemy more than running it).
_STATES = (
    sa.select(_REC.c.id, _REC.c.state)
    .where(_REC.c.id.in_(sa.bindparam("b_ids", expanding=True)))
    .order_by(_REC.c.id)
)
_STATES_LOCKED = _STATES.with_for_update()
_MOVE = sa.update(_REC).where(_REC.c.id.in_(sa.bindparam("b_ids", expanding=True)))
_INSERT_EVENTS = sa.insert(_EVT)


def transition(
    session: Session,
    record_ids: Sequence[int],
    to_state: RecordState,
    *,
    actor: str,
    reason: str | None = None,
    at: datetime | None = None,
    extra: dict[str, object] | None = None,
) -> int:
    """Move records to ``to_state``, appending one event each; return how many moved.

    Rows are locked (PostgreSQL ``FOR UPDATE``) in primary-key order, so
    concurrent callers cannot deadlock; an illegal move raises
    ``IllegalTransition`` and the caller's transaction rolls back whole.
    ``extra`` sets further columns in the same statement (e.g. ``superseded_by``).
    """
    if not record_ids:
        return 0
    at = at or utcnow()
    moved = 0
    ids = sorted(set(record_ids))
    query = _STATES_LOCKED if session.get_bind().dialect.name == "postgresql" else _STATES
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        current = session.execute(query, {"b_ids": chunk}).all()
        for _, state in current:
            check_transition(state, to_state)
        values: dict[str, object] = {"state": to_state.value, "updated_at": at, **(extra or {})}
        session.execute(_MOVE, {"b_ids": [r.id for r in current], **values})
        session.execute(
            _INSERT_EVENTS,
            [
                {
                    "record_id": r.id,
                    "from_state": r.state,
                    "to_state": to_state.value,
                    "at": at,
                    "actor": actor,
                    "reason": reason,
                }
                for r in current
            ],
        )
        moved += len(current)
    return moved


def lock_records(session: Session, record_ids: Sequence[int]) -> dict[int, str]:
    """Lock records (PostgreSQL ``FOR UPDATE``) in primary-key order; their current states.

    A transaction that moves several records through more than one ``transition`` call
    (batch after batch, row after row) takes all their locks first with this: every
    transaction then locks records in ascending id order, and none waits on another in a
    cycle (a deadlock). Records already locked by this transaction are not waited for.
    """
    ids = sorted(set(record_ids))
    states: dict[int, str] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        query = sa.select(_REC.c.id, _REC.c.state).where(_REC.c.id.in_(chunk)).order_by(_REC.c.id)
        if session.get_bind().dialect.name == "postgresql":
            query = query.with_for_update()
        states.update((rid, state) for rid, state in session.execute(query))
    return states


def release_held(session: Session, *, today: date, actor: str) -> int:
    """Queue every held record whose 17th birthday has come (``release_on <= today``)."""
    ids = (
        session.execute(
            sa.select(_REC.c.id).where(
                _REC.c.state == RecordState.HELD.value, _REC.c.release_on <= today
            )
        )
        .scalars()
        .all()
    )
    return transition(
        session, list(ids), RecordState.QUEUED, actor=actor, reason="berusia 17 tahun"
    )


class UnknownRecords(CetakError, LookupError):
    """PRR ids that name no record; ``str()`` is the ids (``"PRR-1, PRR-2"``)."""

    code = "records.unknown"
    prr_ids: tuple[str, ...]

    def __init__(self, prr_ids: Sequence[str]) -> None:
        super().__init__(prr_ids=tuple(prr_ids))

    def __str__(self) -> str:
        return ", ".join(self.prr_ids)


def requeue(session: Session, prr_ids: Sequence[str], *, actor: str, reason: str) -> int:
    """An operator looked at records that need attention and sends them back to the queue.

    Their failed-attempt count starts again; records in any other state are refused
    (``IllegalTransition``), so nothing printed or waiting is touched.
    """
    rows = session.execute(
        sa.select(_REC.c.id, _REC.c.prr_id).where(_REC.c.prr_id.in_(list(prr_ids)))
    ).all()
    missing = set(prr_ids) - {prr for _, prr in rows}
    if missing:
        raise UnknownRecords(sorted(missing))
    return transition(
        session,
        [rid for rid, _ in rows],
        RecordState.QUEUED,
        actor=actor,
        reason=reason,
        extra={"attempts": 0, "reason_detail": None},
    )


def card_failed(
    session: Session, record_id: int, *, attempts: int, why: str, actor: str, at: datetime
) -> RecordState:
    """A record's card was spoiled (printing or QC): queued for a reprint, or, after the last
    attempt, handed to an operator with the reason on the record."""
    target = after_failed_card(attempts)
    extra: dict[str, object] = {"attempts": attempts}
    if target is RecordState.NEEDS_ATTENTION:
        extra["reason_detail"] = f"gagal dicetak {attempts} kali, terakhir: {why}"
    transition(session, [record_id], target, actor=actor, reason=why, at=at, extra=extra)
    return target
