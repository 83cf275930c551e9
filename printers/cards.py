"""The card's life: its states, the moves allowed between them, and the one place that
moves a card, always with its event row (like ``cetak.records.transition`` for records).

A card is one attempt to print a record on one blank::

    taken ─► submitted ─► printed ─► passed ─► packed ─► dispatched ─► received ─► collected
      │          │           │         │                     │            │
      │          │           │         └─► collected         ├─► lost     └─► returned ─► collected
      ├──────────┴─► printed / spoiled └─► spoiled            └─► spoiled
      └──────────┴─► void

The stored strings (``Card.state``) are a contract: the values below are exactly the ones
written before this module existed. ``check_move`` is pure; ``move_card`` and
``insert_card`` are the only writers of ``Card.state`` and append one ``card_event`` each.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from enum import StrEnum
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session

from cetak import labels
from cetak.models import utcnow
from printers.errors import PrintError
from printers.models import Card, CardEvent

_CARD = Card.__table__  # type: ignore[attr-defined]
_EVT = CardEvent.__table__  # type: ignore[attr-defined]

# The statements of a card's every move, built once (building one costs SQLAlchemy more
# than running it). The SET columns of ``_MOVE`` are the parameters' column names.
_STATES = (
    sa.select(_CARD.c.id, _CARD.c.card_ref, _CARD.c.state)
    .where(_CARD.c.id.in_(sa.bindparam("b_ids", expanding=True)))
    .order_by(_CARD.c.id)
)
_STATES_LOCKED = _STATES.with_for_update()
_MOVE = sa.update(_CARD).where(
    _CARD.c.id.in_(sa.bindparam("b_ids", expanding=True)),
    _CARD.c.state == sa.bindparam("b_from"),
)
_INSERT_CARD = sa.insert(_CARD).returning(_CARD.c.id)
_INSERT_EVENTS = sa.insert(_EVT)


class CardState(StrEnum):
    """States of a card (``Card.state``): a contract, like record states."""

    TAKEN = "taken"  # blank consumed, not sent to the printer yet
    SUBMITTED = "submitted"  # at the printer
    PRINTED = "printed"  # awaiting QC
    PASSED = "passed"  # QC passed, at the Disdukcapil
    PACKED = "packed"
    DISPATCHED = "dispatched"
    RECEIVED = "received"  # at the kecamatan, waiting for its resident
    COLLECTED = "collected"
    RETURNED = "returned"  # long uncollected, back at the Disdukcapil
    LOST = "lost"
    SPOILED = "spoiled"  # printing failed, rejected by QC or damaged on the way
    VOID = "void"  # blank taken but never sent: the blank went back on the shelf


S = CardState

#: The state a new card starts in (its first event comes from None).
INITIAL_STATES: frozenset[CardState] = frozenset({S.TAKEN})

#: Every move a card may make. A state missing from the values is terminal.
ALLOWED: dict[CardState, frozenset[CardState]] = {
    S.TAKEN: frozenset({S.SUBMITTED, S.PRINTED, S.SPOILED, S.VOID}),
    # A resumed card the printer no longer knows is sent again; a fault then voids it.
    S.SUBMITTED: frozenset({S.PRINTED, S.SPOILED, S.VOID}),
    S.PRINTED: frozenset({S.PASSED, S.SPOILED}),
    S.PASSED: frozenset({S.PACKED, S.COLLECTED}),  # collected at the Disdukcapil counter
    S.PACKED: frozenset({S.DISPATCHED}),
    S.DISPATCHED: frozenset({S.RECEIVED, S.LOST, S.SPOILED}),
    S.RECEIVED: frozenset({S.COLLECTED, S.RETURNED}),
    S.RETURNED: frozenset({S.COLLECTED}),
    S.COLLECTED: frozenset(),
    S.LOST: frozenset(),
    S.SPOILED: frozenset(),
    S.VOID: frozenset(),
}

#: A blank taken and a card not settled yet (maybe at the printer): it stays with its job.
IN_FLIGHT: tuple[CardState, ...] = (S.TAKEN, S.SUBMITTED)

#: The states of a card's distribution: from QC passed to its resident's hand, or lost
#: (``distribution.rules.CardPlace`` names the same enum).
DISTRIBUTION_STATES: tuple[CardState, ...] = (
    S.PASSED,
    S.PACKED,
    S.DISPATCHED,
    S.RECEIVED,
    S.COLLECTED,
    S.RETURNED,
    S.LOST,
)

#: Indonesian labels for people (CLI, dashboard, documents): the one table's.
LABELS: Mapping[str, str] = labels.CARD_STATE


def label(state: str | None) -> str:
    """The Indonesian label of a stored state ('-' for none, the raw string if unknown)."""
    if state is None:
        return "-"
    return LABELS.get(state, state)


class IllegalCardMove(PrintError):
    """A move the card's life does not allow (or a card that changed under us)."""

    code = "print.illegal_card_move"
    from_state: str | None
    to_state: str
    card_id: int | None
    card_ref: str | None

    def __init__(
        self,
        from_state: str | None,
        to_state: str,
        *,
        card_id: int | None = None,
        card_ref: str | None = None,
    ) -> None:
        super().__init__(
            from_state=from_state,
            to_state=to_state,
            card_id=card_id,
            card_ref=card_ref,
            from_label=label(from_state),
            to_label=label(to_state),
        )

    def data(self) -> dict[str, Any]:
        return {
            "card_id": self.card_id,
            "card_ref": self.card_ref,
            "from": self.from_state,
            "to": self.to_state,
        }


class UnknownCardId(PrintError):
    code = "print.unknown_card_id"

    def __init__(self, ids: Sequence[int]) -> None:
        super().__init__(ids=list(ids))


def can_move(from_state: str | None, to_state: str) -> bool:
    try:
        dst = CardState(to_state)
        if from_state is None:
            return dst in INITIAL_STATES
        return dst in ALLOWED[CardState(from_state)]
    except ValueError:
        return False  # a string that is no card state


def check_move(
    from_state: str | None,
    to_state: str,
    *,
    card_id: int | None = None,
    card_ref: str | None = None,
) -> None:
    """Raise ``IllegalCardMove`` (with the card and both states) unless the move is allowed."""
    if not can_move(from_state, to_state):
        raise IllegalCardMove(from_state, to_state, card_id=card_id, card_ref=card_ref)


def _ids(cards: int | Card | Iterable[int | Card]) -> tuple[list[int], list[Card]]:
    items = [cards] if isinstance(cards, int | Card) else list(cards)
    objects = [c for c in items if isinstance(c, Card)]
    ids = [c.id if isinstance(c, Card) else c for c in items]
    if any(i is None for i in ids):
        raise ValueError("a card without an id cannot move (insert it with insert_card)")
    return list(dict.fromkeys(i for i in ids if i is not None)), objects


def move_card(
    session: Session,
    cards: int | Card | Iterable[int | Card],
    to: CardState | str,
    *,
    actor: str,
    reason: str | None = None,
    at: datetime | None = None,
    shipment_id: int | None = None,
    expect: Iterable[str] | None = None,
    extra: Mapping[str, object] | None = None,
) -> int:
    """Move cards to ``to``, appending one ``card_event`` each; return how many moved.

    Every card's move is checked first (``IllegalCardMove``: nothing is written, the
    caller's transaction rolls back whole). ``expect`` narrows the states a card may come
    from (a card found in another one raises ``IllegalCardMove`` too). Rows are locked
    (PostgreSQL ``FOR UPDATE``) in primary-key order; ``extra`` sets further columns in
    the same statement. ``Card`` objects passed in see their new values.
    """
    to = CardState(to)
    ids, objects = _ids(cards)
    if not ids:
        return 0
    at = at or utcnow()
    expected = None if expect is None else {str(e) for e in expect}
    values: dict[str, object] = {"state": to.value, **(extra or {})}
    if shipment_id is not None:
        values["shipment_id"] = shipment_id
    moved = 0
    ordered = sorted(ids)
    query = _STATES_LOCKED if session.get_bind().dialect.name == "postgresql" else _STATES
    for start in range(0, len(ordered), 500):
        chunk = ordered[start : start + 500]
        current = session.execute(query, {"b_ids": chunk}).all()
        if len(current) != len(chunk):
            raise UnknownCardId(sorted(set(chunk) - {r.id for r in current}))
        for r in current:
            if expected is not None and r.state not in expected:
                raise IllegalCardMove(r.state, to.value, card_id=r.id, card_ref=r.card_ref)
            check_move(r.state, to, card_id=r.id, card_ref=r.card_ref)
        # Grouped by the state each card was found in: a card changed meanwhile stops all.
        for state in {r.state for r in current}:
            group = [r.id for r in current if r.state == state]
            moved_now = session.execute(_MOVE, {"b_ids": group, "b_from": state, **values})
            done = cast(CursorResult[Any], moved_now).rowcount
            if done != len(group):
                raise IllegalCardMove(state, to.value)
        session.execute(
            _INSERT_EVENTS,
            [
                {
                    "card_id": r.id,
                    "from_state": r.state,
                    "to_state": to.value,
                    "at": at,
                    "actor": actor,
                    "reason": reason,
                }
                for r in current
            ],
        )
        moved += len(current)
    for card in objects:  # loaded objects follow, without another UPDATE at flush
        for key, value in values.items():
            set_committed_value(card, key, value)
    return moved


def insert_card(
    session: Session,
    card: Card,
    *,
    actor: str,
    reason: str | None = None,
    at: datetime | None = None,
) -> int:
    """Insert a new card row (as a row, not through the ORM) with its first event (from
    None); set and return its id."""
    check_move(None, card.state, card_ref=card.card_ref)
    card.id = session.execute(_INSERT_CARD, card.model_dump(exclude={"id"})).scalar_one()
    session.execute(
        _INSERT_EVENTS,
        {
            "card_id": card.id,
            "from_state": None,
            "to_state": CardState(card.state).value,
            "at": at or card.created_at or utcnow(),
            "actor": actor,
            "reason": reason,
        },
    )
    return card.id


def history(session: Session, card_refs: Sequence[str]) -> list[dict[str, Any]]:
    """The events of these cards (by reference), oldest first, with each card's reference."""
    if not card_refs:
        return []
    rows = session.execute(
        sa.select(_EVT, _CARD.c.card_ref)
        .join(_CARD, _CARD.c.id == _EVT.c.card_id)
        .where(_CARD.c.card_ref.in_(list(card_refs)))
        .order_by(_EVT.c.id)
    ).all()
    return [
        {
            "card_ref": r.card_ref,
            "at": r.at.isoformat(),
            "from": r.from_state,
            "to": r.to_state,
            "actor": r.actor,
            "reason": r.reason,
        }
        for r in rows
    ]
