"""The life of one print-ready record, as a state machine (pure, no I/O).

State identifiers are a contract: other code and outside tools rely on them.

::

    (new) -> queued -> scheduled -> printed -> ready -> packed -> dispatched
          -> received -> collected
    ready -> collected (handed over at the Disdukcapil counter)
    received -> ready (long uncollected, returned to the Disdukcapil)
    (new) -> held -> queued (17th birthday);  (new) -> quarantined
    queued/held -> superseded (a PERUBAHAN_DATA record replaced it)
    scheduled/printed/ready/.../received -> queued (card spoiled or lost: reprint)
    queued/scheduled/printed -> needs_attention (failed three times)
    anything not yet collected -> cancelled

Spoiled blanks and reprints belong to cards and stock, not to the record's
state: a record whose card is spoiled goes back to ``queued``.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum

from cetak import labels
from cetak.errors import CetakError


class RecordState(StrEnum):
    QUEUED = "queued"
    HELD = "held"
    QUARANTINED = "quarantined"
    SUPERSEDED = "superseded"
    SCHEDULED = "scheduled"
    PRINTED = "printed"
    READY = "ready"
    PACKED = "packed"
    DISPATCHED = "dispatched"
    RECEIVED = "received"
    COLLECTED = "collected"
    NEEDS_ATTENTION = "needs_attention"
    CANCELLED = "cancelled"


S = RecordState

#: States a new record may be born in (intake outcomes).
INITIAL_STATES: frozenset[RecordState] = frozenset({S.QUEUED, S.HELD, S.QUARANTINED})

#: "Waits unprinted" in the feed spec.
WAITING_STATES: frozenset[RecordState] = frozenset({S.QUEUED, S.HELD})

#: A card exists (or existed) for the record.
PRINTED_STATES: frozenset[RecordState] = frozenset(
    {S.PRINTED, S.READY, S.PACKED, S.DISPATCHED, S.RECEIVED, S.COLLECTED}
)

TERMINAL_STATES: frozenset[RecordState] = frozenset({S.SUPERSEDED, S.COLLECTED, S.CANCELLED})

TRANSITIONS: dict[RecordState, frozenset[RecordState]] = {
    S.HELD: frozenset({S.QUEUED, S.SUPERSEDED, S.CANCELLED}),
    S.QUEUED: frozenset({S.SCHEDULED, S.SUPERSEDED, S.NEEDS_ATTENTION, S.CANCELLED}),
    S.QUARANTINED: frozenset({S.CANCELLED}),
    S.SCHEDULED: frozenset({S.QUEUED, S.PRINTED, S.NEEDS_ATTENTION, S.CANCELLED}),
    S.PRINTED: frozenset({S.READY, S.QUEUED, S.NEEDS_ATTENTION, S.CANCELLED}),
    S.READY: frozenset({S.PACKED, S.COLLECTED, S.QUEUED, S.CANCELLED}),
    S.PACKED: frozenset({S.DISPATCHED, S.READY, S.QUEUED, S.CANCELLED}),
    S.DISPATCHED: frozenset({S.RECEIVED, S.READY, S.QUEUED, S.CANCELLED}),
    S.RECEIVED: frozenset({S.COLLECTED, S.READY, S.QUEUED, S.CANCELLED}),
    S.NEEDS_ATTENTION: frozenset({S.QUEUED, S.CANCELLED}),
    S.SUPERSEDED: frozenset(),
    S.COLLECTED: frozenset(),
    S.CANCELLED: frozenset(),
}


#: A record whose card failed this many times needs an operator's look.
MAX_PRINT_ATTEMPTS = 3


def after_failed_card(attempts: int) -> RecordState:
    """Where a record goes once its ``attempts``-th card is spoiled: reprint, or an operator."""
    return RecordState.NEEDS_ATTENTION if attempts >= MAX_PRINT_ATTEMPTS else RecordState.QUEUED


class IllegalTransition(CetakError, ValueError):
    """A state change the record's life does not allow."""

    code = "lifecycle.illegal_transition"
    from_state: RecordState | None
    to_state: RecordState

    def __init__(self, from_state: RecordState | None, to_state: RecordState) -> None:
        super().__init__(from_state=from_state, to_state=to_state)

    def __str__(self) -> str:  # for logs; staff read ``message``
        return f"illegal transition {self.from_state} -> {self.to_state}"


def can_transition(from_state: RecordState | None, to_state: RecordState) -> bool:
    if from_state is None:
        return to_state in INITIAL_STATES
    return to_state in TRANSITIONS[RecordState(from_state)]


def check_transition(from_state: RecordState | str | None, to_state: RecordState | str) -> None:
    src = None if from_state is None else RecordState(from_state)
    dst = RecordState(to_state)
    if not can_transition(src, dst):
        raise IllegalTransition(src, dst)


#: Indonesian labels for people (dashboard, CLI tables): the one table's.
STATE_LABELS: Mapping[str, str] = labels.RECORD_STATE


#: The fields of a record in ``cetak records --json`` (a contract: extended, never renamed).
RECORD_FIELDS = (
    "prr_id",
    "nik",
    "nama",
    "kode_kecamatan",
    "state",
    "reason",
    "reason_detail",
    "batch_id",
    "row_number",
    "jenis_permohonan",
    "kel_desa",
    "release_on",
)
