"""Quality control: staff inspect printed cards; only passed cards may be packed."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, col, select

from cetak.lifecycle import RecordState
from cetak.models import Record, utcnow
from cetak.records import card_failed, lock_records, transition
from inventory import ledger
from inventory.rules import Cause
from printers.cards import CardState, move_card
from printers.errors import CardNotAwaitingQC, UnknownCard
from printers.models import Card


def _card(session: Session, ref: str) -> Card:
    card = session.exec(select(Card).where(Card.card_ref == ref)).first()
    if card is None:
        raise UnknownCard(ref)
    return card


def _lock_in_order(session: Session, refs: list[str]) -> None:
    """Lock the cards' records in id order before moving them one by one (no deadlock)."""
    ids = session.exec(select(Card.record_id).where(col(Card.card_ref).in_(list(refs)))).all()
    lock_records(session, [i for i in ids if i is not None])


def pass_cards(
    session: Session, refs: list[str], *, actor: str, at: datetime | None = None
) -> list[Card]:
    """QC passed: the card is ready to be packed (record ``printed`` -> ``ready``)."""
    at = at or utcnow()
    _lock_in_order(session, refs)
    passed = []
    for ref in refs:
        card = _card(session, ref)
        if card.state == CardState.PASSED:
            continue  # passing twice changes nothing
        if card.state != CardState.PRINTED:
            raise CardNotAwaitingQC(ref, card.state)
        move_card(
            session,
            card,
            CardState.PASSED,
            actor=actor,
            reason="lolos QC",
            at=at,
            extra={"qc_at": at, "qc_by": actor},
        )
        transition(
            session,
            [card.record_id],
            RecordState.READY,
            actor=actor,
            reason=f"lolos QC ({ref})",
            at=at,
        )
        passed.append(card)
    return passed


def reject_cards(
    session: Session,
    refs: list[str],
    *,
    actor: str,
    cause: Cause | str = Cause.GAGAL_CETAK,
    note: str | None = None,
    at: datetime | None = None,
) -> list[Card]:
    """QC rejected: the blank is spoiled with its cause and the record queued for a reprint."""
    at = at or utcnow()
    cause = Cause(cause)
    _lock_in_order(session, refs)
    rejected = []
    for ref in refs:
        card = _card(session, ref)
        if card.state == CardState.SPOILED:
            continue
        if card.state != CardState.PRINTED:
            raise CardNotAwaitingQC(ref, card.state)
        ledger.spoil_blank(
            session, card_ref=ref, cause=cause, actor=actor, at=at, note=note or "ditolak QC"
        )
        move_card(
            session,
            card,
            CardState.SPOILED,
            actor=actor,
            reason=f"ditolak QC: {note or cause.value}",
            at=at,
            extra={"spoil_cause": cause.value, "qc_at": at, "qc_by": actor},
        )
        record = session.get(Record, card.record_id)
        assert record is not None
        card_failed(
            session,
            card.record_id,
            attempts=record.attempts + 1,
            why=f"ditolak QC ({ref}): {note or cause.value}",
            actor=actor,
            at=at,
        )
        rejected.append(card)
    return rejected


def awaiting_qc(session: Session, limit: int = 500) -> list[Card]:
    return list(
        session.exec(
            select(Card)
            .where(col(Card.state) == CardState.PRINTED.value)
            .order_by(col(Card.id))
            .limit(limit)
        )
    )


def auto_pass(session: Session, *, actor: str = "qc:auto") -> int:
    """Demo only (``CETAK_QC_AUTO_PASS``): pass every printed card."""
    printed = sa.select(col(Card.card_ref)).where(col(Card.state) == CardState.PRINTED.value)
    refs = list(session.execute(printed).scalars())
    return len(pass_cards(session, refs, actor=actor))
