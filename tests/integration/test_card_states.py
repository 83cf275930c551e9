"""The card's life as a state machine (issue 12, item 2): allowed and refused moves (pure),
every move through the print, QC and distribution paths writes a card event, an illegal
move changes nothing, and ``cetak trace`` shows the record's and the cards' histories."""

from __future__ import annotations

import json
from datetime import date

import pytest
import sqlalchemy as sa
from sqlmodel import Session, select
from typer.testing import CliRunner

from cetak.db import LOCK_DISTRIBUTION, write_session
from distribution import handover, service
from printers import qc
from printers.cards import (
    ALLOWED,
    INITIAL_STATES,
    LABELS,
    CardState,
    IllegalCardMove,
    can_move,
    check_move,
    move_card,
)
from printers.models import Card, CardEvent

from factory import ingest, make_row, receive, sim_printer

S = CardState
CAWAS = "33.10.05"

# --- pure rules --------------------------------------------------------------------------


def test_stored_strings_are_kept_and_every_state_has_a_label_and_a_row():
    assert [s.value for s in S] == [
        "taken",
        "submitted",
        "printed",
        "passed",
        "packed",
        "dispatched",
        "received",
        "collected",
        "returned",
        "lost",
        "spoiled",
        "void",
    ]
    assert set(LABELS) == set(S) == set(ALLOWED)
    assert all(LABELS[s] and LABELS[s] != s.value for s in S)  # Bahasa, not the raw string
    assert INITIAL_STATES == {S.TAKEN}


@pytest.mark.parametrize(
    ("src", "dst"),
    [
        (None, "taken"),
        ("taken", "submitted"),
        ("taken", "printed"),  # finished at once, never recorded as submitted
        ("taken", "void"),
        ("submitted", "printed"),
        ("submitted", "spoiled"),
        ("printed", "passed"),
        ("printed", "spoiled"),
        ("passed", "packed"),
        ("passed", "collected"),  # at the Disdukcapil counter
        ("packed", "dispatched"),
        ("dispatched", "received"),
        ("dispatched", "lost"),
        ("dispatched", "spoiled"),
        ("received", "collected"),
        ("received", "returned"),
        ("returned", "collected"),
    ],
)
def test_allowed_moves(src, dst):
    assert can_move(src, dst)
    check_move(src, dst)


@pytest.mark.parametrize(
    ("src", "dst"),
    [
        (None, "printed"),
        ("taken", "passed"),
        ("printed", "packed"),  # QC first
        ("passed", "dispatched"),
        ("packed", "received"),
        ("received", "lost"),
        ("collected", "returned"),
        ("spoiled", "passed"),
        ("void", "taken"),
        ("lost", "received"),
        ("passed", "passed"),
        ("printed", "nonsense"),
    ],
)
def test_refused_moves_raise_with_their_data(src, dst):
    assert not can_move(src, dst)
    with pytest.raises(IllegalCardMove) as info:
        check_move(src, dst, card_id=7, card_ref="K00000007-1")
    assert info.value.data() == {"card_id": 7, "card_ref": "K00000007-1", "from": src, "to": dst}
    assert "K00000007-1" in info.value.message and "tidak dapat menjadi" in info.value.message


def test_terminal_states_go_nowhere():
    for terminal in (S.COLLECTED, S.LOST, S.SPOILED, S.VOID):
        assert not any(can_move(terminal, s) for s in S)


# --- with a database ----------------------------------------------------------------------


@pytest.fixture
def cards(engine, served, home, tmp_path, run):
    """Three Cawas residents printed through the real print path; two QC-passed."""
    rows = [make_row(kecamatan=CAWAS, birth=date(1980, 1, 1)) for _ in range(3)]
    ids = ingest(engine, served, home, tmp_path, rows)
    receive(engine, served, 10)
    sim_printer(engine, home, "p1")
    run()
    with write_session(engine) as s:
        by_record = {c.record_id: c.card_ref for c in s.exec(select(Card))}
        refs = [by_record[i] for i in ids]
        qc.pass_cards(s, refs[:2], actor="qc:ani")
    return {"rows": rows, "refs": refs}


def events(engine, ref: str) -> list[tuple[str | None, str, str]]:
    with Session(engine) as s:
        card_id = s.exec(select(Card.id).where(Card.card_ref == ref)).one()
        return [
            (e.from_state, e.to_state, e.actor)
            for e in s.exec(
                select(CardEvent).where(CardEvent.card_id == card_id).order_by(CardEvent.id)  # type: ignore[arg-type]
            )
        ]


def test_every_move_of_a_card_writes_its_event(engine, served, cards):
    a, b, c = cards["refs"]
    printed = [(None, "taken"), ("taken", "printed")]
    assert [e[:2] for e in events(engine, c)] == printed  # printed, awaiting QC
    assert [e[:2] for e in events(engine, a)] == [*printed, ("printed", "passed")]
    assert events(engine, a)[-1][2] == "qc:ani"
    with write_session(engine, lock=LOCK_DISTRIBUTION) as s:
        packed = service.pack(s, served, actor="op:budi")
        service.dispatch(s, actor="op:budi", numbers=[p.number for p in packed])
        service.receive(s, served, packed[0].number, officer="Sri", actor="kec:sri")
        handover.collect(s, served, cards["rows"][0]["nik"], by="Budi", officer="kec:sri")
        handover.return_cards(s, [b], actor="kec:sri")
    with write_session(engine) as s:
        qc.reject_cards(s, [c], actor="qc:ani", note="foto buram")
    shipped = [("passed", "packed"), ("packed", "dispatched"), ("dispatched", "received")]
    assert [e[:2] for e in events(engine, a)] == [
        *printed,
        ("printed", "passed"),
        *shipped,
        ("received", "collected"),
    ]
    assert [e[:2] for e in events(engine, b)][-1] == ("received", "returned")
    assert [e[:2] for e in events(engine, c)] == [*printed, ("printed", "spoiled")]
    with Session(engine) as s:
        # Every card's state is the last event's, and no event is missing.
        for card in s.exec(select(Card)):
            assert events(engine, card.card_ref)[-1][1] == card.state


def test_an_illegal_move_changes_nothing(engine, cards):
    a, _, c = cards["refs"]  # a passed, c only printed
    with Session(engine) as s:
        ids = list(s.exec(select(Card.id).where(Card.card_ref.in_([a, c]))))  # type: ignore[attr-defined]
        before = s.execute(sa.select(sa.func.count()).select_from(CardEvent)).scalar_one()
    with pytest.raises(IllegalCardMove) as info, write_session(engine) as s:
        move_card(s, ids, S.PACKED, actor="op", reason="coba")  # c never passed QC
    assert info.value.card_ref == c and info.value.from_state == "printed"
    with Session(engine) as s:
        assert {x.card_ref: x.state for x in s.exec(select(Card))}[a] == "passed"
        assert s.exec(select(Card).where(Card.card_ref == c)).one().state == "printed"
        after = s.execute(sa.select(sa.func.count()).select_from(CardEvent)).scalar_one()
    assert after == before
    # Within a transaction that goes on, the refused move left no row behind either.
    with write_session(engine) as s:
        with pytest.raises(IllegalCardMove):
            move_card(s, ids, S.DISPATCHED, actor="op")
        assert s.execute(sa.select(sa.func.count()).select_from(CardEvent)).scalar_one() == before


def test_trace_shows_the_record_and_the_card_histories(engine, cards):
    from cli.app import app

    ref = cards["refs"][0]
    runner = CliRunner()
    as_json = runner.invoke(app, ["trace", ref, "--json"])
    assert as_json.exit_code == 0, as_json.output
    found = json.loads(as_json.output)
    assert {"events", "cards", "collection", "state"} <= set(found)  # kept as they were
    assert [e["to"] for e in found["events"]][-1] == "ready"
    assert [(e["card_ref"], e["from"], e["to"]) for e in found["card_events"]] == [
        (ref, None, "taken"),
        (ref, "taken", "printed"),
        (ref, "printed", "passed"),
    ]
    assert found["card_events"][-1]["actor"] == "qc:ani"
    text = runner.invoke(app, ["trace", ref])
    assert text.exit_code == 0, text.output
    assert "riwayat kartu" in text.output
    record_part, card_part = text.output.split("riwayat kartu")
    assert "lolos QC" in record_part and LABELS[S.PASSED] in card_part and "qc:ani" in card_part
