"""Hand-over of cards to residents, at the kecamatan or the Disdukcapil counter, and the
return of long-uncollected cards to the Disdukcapil.

Like ``service``, every function works inside the caller's write transaction
(``write_session(engine, lock=LOCK_DISTRIBUTION)``) and refuses before it writes; the
pickup receipt is owed as a row and printed after the commit.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, col, select

from cetak.installation import ServedRegency
from cetak.lifecycle import STATE_LABELS, RecordState
from cetak.models import Record, utcnow
from cetak.privacy import mask_nik
from cetak.records import transition
from distribution import rules
from distribution.errors import (
    AlreadyCollected,
    BadNik,
    BadPickupPlace,
    CardAtOtherKecamatan,
    CardElsewhere,
    CardNotDispatchable,
    CollectorRequired,
    NikNotFound,
    RecordNotPrinted,
    UnknownCardRef,
)
from distribution.models import Collection, Receipt
from distribution.rules import CardPlace
from distribution.service import local_time, move_cards
from intake.nik import parse_nik
from inventory.ledger import DEFAULT_SITE
from printers.models import Card

_CARD = Card.__table__  # type: ignore[attr-defined]


def cards_by_ref(session: Session, refs: Sequence[str]) -> dict[str, Card]:
    found = {
        c.card_ref: c for c in session.exec(select(Card).where(col(Card.card_ref).in_(list(refs))))
    }
    missing = [r for r in refs if r not in found]
    if missing:
        raise UnknownCardRef(sorted(set(missing)))
    return found


def collect(
    session: Session,
    served: ServedRegency,
    nik: str,
    *,
    by: str,
    officer: str,
    place: str = "kecamatan",
    kecamatan: str | None = None,
    now: datetime | None = None,
) -> Collection:
    """Hand a resident's card over at ``place`` after checking it is theirs and there.

    ``kecamatan`` (optional) is the office where the hand-over happens; the card must
    wait there. Refuses a card that is elsewhere, not printed yet, or already collected.
    """
    now = now or utcnow()
    nik = nik.strip()
    if place not in rules.PLACES:
        raise BadPickupPlace(place)
    if not by.strip():
        raise CollectorRequired()
    if parse_nik(nik, {nik[:2]}) is None:
        raise BadNik()
    masked = mask_nik(nik)
    records = list(
        session.exec(select(Record).where(col(Record.nik) == nik).order_by(col(Record.id).desc()))
    )
    if not records:
        raise NikNotFound(masked)
    live = session.execute(
        sa.select(_CARD.c.id, _CARD.c.record_id, _CARD.c.state)
        .where(
            _CARD.c.record_id.in_([r.id for r in records]),
            _CARD.c.state.in_([p.value for p in CardPlace if p is not CardPlace.LOST]),
        )
        .order_by(_CARD.c.record_id.desc(), _CARD.c.id.desc())
    ).all()
    pending = [c for c in live if c.state != CardPlace.COLLECTED]
    if not pending:
        done = session.exec(
            select(Collection)
            .where(col(Collection.record_id).in_([r.id for r in records]))
            .order_by(col(Collection.id).desc())
        ).first()
        if done is not None:
            where = (
                "Disdukcapil"
                if done.place == "disdukcapil"
                else (f"Kecamatan {served.kecamatan.get(done.kode_kecamatan, done.kode_kecamatan)}")
            )
            raise AlreadyCollected(masked, local_time(served, done.at), done.collected_by, where)
        state = RecordState(records[0].state)
        raise RecordNotPrinted(masked, STATE_LABELS[state])
    card_id, record_id, state = pending[0]
    record = next(r for r in records if r.id == record_id)
    home = served.kecamatan.get(record.kode_kecamatan, record.kode_kecamatan)
    if state not in rules.COLLECTABLE_AT[place]:
        where = rules.PLACE_LABELS.get(state, state)
        if state == CardPlace.RECEIVED:
            where = f"menunggu di Kecamatan {home}"
        raise CardElsewhere(masked, place, where)
    if place == "kecamatan" and kecamatan is not None and kecamatan != record.kode_kecamatan:
        here = served.kecamatan.get(kecamatan, kecamatan)
        raise CardAtOtherKecamatan(masked, home, here)
    move_cards(
        session,
        [card_id],
        [state],
        state=CardPlace.COLLECTED,
        actor=officer,
        reason=f"diserahkan kepada {by.strip()} di {place}",
        at=now,
    )
    transition(
        session,
        [record_id],
        RecordState.COLLECTED,
        actor=officer,
        reason=f"diserahkan kepada {by.strip()} di {place}",
        at=now,
    )
    collection = Collection(
        card_id=card_id,
        record_id=record_id,
        place=place,
        kode_kecamatan=record.kode_kecamatan,
        collected_by=by.strip(),
        officer=officer,
        at=now,
    )
    session.add(collection)
    session.flush()
    card_ref = session.execute(
        sa.select(_CARD.c.card_ref).where(_CARD.c.id == card_id)
    ).scalar_one()
    session.add(
        Receipt(
            kind="tanda_terima",
            reference=card_ref,
            collection_id=collection.id,
            place=DEFAULT_SITE if place == "disdukcapil" else record.kode_kecamatan,
            created_at=now,
        )
    )
    return collection


def return_cards(
    session: Session, refs: Sequence[str], *, actor: str, now: datetime | None = None
) -> int:
    """Long-uncollected cards come back to the Disdukcapil; they can be collected there."""
    now = now or utcnow()
    cards = cards_by_ref(session, list(dict.fromkeys(refs)))
    wrong = [
        (r, rules.PLACE_LABELS.get(c.state, c.state))
        for r, c in cards.items()
        if c.state != CardPlace.RECEIVED
    ]
    if wrong:
        raise CardNotDispatchable(
            [(r, f"tidak di kantor kecamatan ({w})") for r, w in sorted(wrong)]
        )
    ids = [c.id for c in cards.values() if c.id is not None]
    move_cards(
        session,
        ids,
        [CardPlace.RECEIVED],
        state=CardPlace.RETURNED,
        actor=actor,
        reason="tidak diambil; dikembalikan ke Disdukcapil",
        at=now,
    )
    transition(
        session,
        [c.record_id for c in cards.values()],
        RecordState.READY,
        actor=actor,
        reason="tidak diambil; dikembalikan ke Disdukcapil",
        at=now,
    )
    return len(ids)
