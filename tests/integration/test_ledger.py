"""The blank ledger: every movement kind, idempotency, FIFO, no negative balance."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from cetak.db import write_session
from inventory import ledger, operations, transfers
from inventory.errors import (
    InsufficientStock,
    InvalidQuantity,
    LotAlreadyReceived,
    NotEnoughWitnesses,
    NothingToDestroy,
    SerialOverlap,
    UnknownCause,
    UnknownLot,
    UnknownSite,
)
from inventory.models import Balance, Movement
from inventory.sites import add_site

ACTOR = "test"


def receive(engine, lot="LOT-2026-11-A", quantity=100, **kw):
    with write_session(engine) as s:
        return ledger.receive_stock(
            s,
            lot=lot,
            quantity=quantity,
            actor=ACTOR,
            received_on=kw.pop("on", date(2026, 11, 1)),
            **kw,
        )


def balances(engine) -> dict[tuple[str, str], tuple[int, int]]:
    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(
                Balance.site_code, Balance.lot_code, Balance.on_hand, Balance.awaiting_destruction
            )
        )
        return {(r[0], r[1]): (r[2], r[3]) for r in rows}


def movements(engine) -> list[tuple[str, int, int]]:
    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(Movement.kind, Movement.delta_on_hand, Movement.delta_spoiled).order_by(
                Movement.id
            )
        )
        return [tuple(r) for r in rows]


def test_receiving_a_lot_adds_stock_once_and_refuses_the_same_lot_again(engine, served):
    receive(engine)
    assert balances(engine) == {("DISDUKCAPIL", "LOT-2026-11-A"): (100, 0)}
    with pytest.raises(LotAlreadyReceived):
        receive(engine)
    assert balances(engine)[("DISDUKCAPIL", "LOT-2026-11-A")] == (100, 0)
    assert movements(engine) == [("RECEIVED", 100, 0)]


@pytest.mark.parametrize("quantity", [0, -5])
def test_a_zero_or_negative_quantity_is_refused_and_posts_nothing(engine, served, quantity):
    with pytest.raises(InvalidQuantity):
        receive(engine, quantity=quantity)
    assert movements(engine) == []


def test_an_unknown_site_is_refused(engine, served):
    with pytest.raises(UnknownSite):
        receive(engine, site="NOWHERE")
    assert movements(engine) == [] and balances(engine) == {}


def test_overlapping_serial_ranges_are_refused(engine, served):
    receive(engine, lot="A", quantity=100, serial_start="KTP0001001")
    receive(engine, lot="B", quantity=100, serial_start="KTP0001101")
    with pytest.raises(SerialOverlap):
        receive(engine, lot="C", quantity=10, serial_start="KTP0001195")
    assert set(balances(engine)) == {("DISDUKCAPIL", "A"), ("DISDUKCAPIL", "B")}
    assert movements(engine) == [("RECEIVED", 100, 0)] * 2
    receive(engine, lot="D", quantity=10, serial_start="X0001195")  # another prefix
    assert balances(engine)[("DISDUKCAPIL", "D")] == (10, 0)
    assert movements(engine) == [("RECEIVED", 100, 0)] * 2 + [("RECEIVED", 10, 0)]


def test_consumption_takes_the_oldest_lot_first_and_is_idempotent_per_card(engine, served):
    receive(engine, lot="NEW", quantity=5, on=date(2026, 11, 10))
    receive(engine, lot="OLD", quantity=2, on=date(2026, 11, 1))
    with write_session(engine) as s:
        lots = [ledger.consume_blank(s, card_ref=f"C{i}", actor=ACTOR).lot_code for i in range(3)]
        again = ledger.consume_blank(s, card_ref="C0", actor=ACTOR)
    assert lots == ["OLD", "OLD", "NEW"]
    assert again.lot_code == "OLD"
    assert balances(engine) == {("DISDUKCAPIL", "NEW"): (4, 0), ("DISDUKCAPIL", "OLD"): (0, 0)}


def test_an_empty_site_raises_insufficient_stock_and_posts_nothing(engine, served):
    receive(engine, quantity=1)
    with write_session(engine) as s:
        ledger.consume_blank(s, card_ref="C1", actor=ACTOR)
    with pytest.raises(InsufficientStock) as info, write_session(engine) as s:
        ledger.consume_blank(s, card_ref="C2", actor=ACTOR)
    assert info.value.available == 0 and "tidak cukup" in info.value.message
    assert [m[0] for m in movements(engine)] == ["RECEIVED", "CONSUMED"]


def test_the_database_refuses_a_negative_balance(engine, served):
    receive(engine, quantity=1)
    with pytest.raises(sa.exc.IntegrityError), engine.begin() as conn:
        conn.execute(sa.update(Balance).values(on_hand=-1))
    assert balances(engine) == {("DISDUKCAPIL", "LOT-2026-11-A"): (1, 0)}


def test_a_spoiled_card_reverses_its_consumption_and_waits_for_destruction(engine, served):
    receive(engine, quantity=10)
    with write_session(engine) as s:
        ledger.consume_blank(s, card_ref="K1", actor=ACTOR)
        ledger.spoil_blank(s, card_ref="K1", cause="GAGAL_CETAK", actor=ACTOR)
        ledger.spoil_blank(s, card_ref="K1", cause="GAGAL_CETAK", actor=ACTOR)  # retried
    assert balances(engine)[("DISDUKCAPIL", "LOT-2026-11-A")] == (9, 1)
    assert movements(engine) == [
        ("RECEIVED", 10, 0),
        ("CONSUMED", -1, 0),
        ("CONSUMED", 1, 0),
        ("SPOILED", -1, 1),
    ]


def test_a_blank_damaged_on_the_shelf_is_spoiled_without_a_card(engine, served):
    receive(engine, quantity=10)
    with write_session(engine) as s:
        ledger.spoil_blank(s, cause="RUSAK_FISIK", actor=ACTOR, key="shelf-1")
    assert balances(engine)[("DISDUKCAPIL", "LOT-2026-11-A")] == (9, 1)
    with pytest.raises(UnknownCause), write_session(engine) as s:
        ledger.spoil_blank(s, cause="DIMAKAN_TIKUS", actor=ACTOR, key="shelf-2")
    assert balances(engine)[("DISDUKCAPIL", "LOT-2026-11-A")] == (9, 1)
    assert movements(engine) == [("RECEIVED", 10, 0), ("SPOILED", -1, 1)]


def test_transfer_moves_blanks_between_sites_in_pairs(engine, served):
    receive(engine, lot="A", quantity=3, on=date(2026, 11, 1))
    receive(engine, lot="B", quantity=10, on=date(2026, 11, 2))
    with write_session(engine) as s:
        add_site(s, code="KEC-WEDI", name="Kecamatan Wedi", kode_kecamatan="33.10.03")
        transfers.transfer(s, to_site="KEC-WEDI", quantity=5, actor=ACTOR, key="T1")
        transfers.transfer(s, to_site="KEC-WEDI", quantity=5, actor=ACTOR, key="T1")  # retried
    assert balances(engine) == {
        ("DISDUKCAPIL", "A"): (0, 0),
        ("DISDUKCAPIL", "B"): (8, 0),
        ("KEC-WEDI", "A"): (3, 0),
        ("KEC-WEDI", "B"): (2, 0),
    }
    before, posted = balances(engine), movements(engine)
    with pytest.raises(InsufficientStock), write_session(engine) as s:
        transfers.transfer(s, to_site="KEC-WEDI", quantity=99, actor=ACTOR, key="T2")
    assert balances(engine) == before
    assert movements(engine) == posted


def test_returning_to_central_and_reversing_a_movement(engine, served):
    receive(engine, quantity=10)
    with write_session(engine) as s:
        returned = transfers.return_stock(s, lot="LOT-2026-11-A", quantity=4, actor=ACTOR, key="R1")
        ledger.reverse(s, movement_id=returned.id, actor=ACTOR, reason="salah catat")
    assert balances(engine)[("DISDUKCAPIL", "LOT-2026-11-A")] == (10, 0)
    assert [m[:2] for m in movements(engine)] == [
        ("RECEIVED", 10),
        ("RETURNED", -4),
        ("RETURNED", 4),
    ]


def test_a_stock_take_posts_the_difference_and_proposes_a_large_one(engine, served):
    # Issue 11: a stock-take is per lot, and a difference above the threshold is only
    # proposed (booked when a supervisor approves), never booked at once.
    receive(engine, lot="A", quantity=50, on=date(2026, 11, 1))
    receive(engine, lot="B", quantity=50, on=date(2026, 11, 2))
    with write_session(engine) as s:
        small = operations.count_stock(
            s, counted=48, reason="opname", actor=ACTOR, threshold=5, lot="A"
        )
        large = operations.count_stock(
            s, counted=38, reason="opname", actor=ACTOR, threshold=5, lot="B"
        )
    assert (small.count.difference, small.count.flagged, small.proposal) == (-2, False, None)
    assert small.adjustments == [("A", -2)]
    assert (large.count.difference, large.count.flagged) == (-12, True)
    assert large.adjustments == [] and large.proposal.state == "PROPOSED"
    assert balances(engine) == {("DISDUKCAPIL", "A"): (48, 0), ("DISDUKCAPIL", "B"): (50, 0)}
    with write_session(engine) as s:
        approved = operations.approve_count(s, large.proposal.id, approver="siti", actor="cli:siti")
    assert approved.adjustments == [("B", -12)]
    assert balances(engine) == {("DISDUKCAPIL", "A"): (48, 0), ("DISDUKCAPIL", "B"): (38, 0)}
    posted = movements(engine)
    with pytest.raises(UnknownLot), write_session(engine) as s:
        operations.count_stock(s, counted=1, reason="x", actor=ACTOR, threshold=5, lot="ZZZ")
    assert balances(engine) == {("DISDUKCAPIL", "A"): (48, 0), ("DISDUKCAPIL", "B"): (38, 0)}
    assert movements(engine) == posted


def test_destruction_destroys_everything_waiting_once(engine, served):
    receive(engine, quantity=10)
    with write_session(engine) as s:
        for i in range(3):
            ledger.consume_blank(s, card_ref=f"K{i}", actor=ACTOR)
            ledger.spoil_blank(s, card_ref=f"K{i}", cause="GAGAL_ENCODE", actor=ACTOR)
    with pytest.raises(NotEnoughWitnesses), write_session(engine) as s:
        operations.destroy_spoiled(
            s,
            number="BAP-1",
            held_on=date(2026, 11, 24),
            place="Klaten",
            officers=["A"],
            witnesses=["B"],
            actor=ACTOR,
        )
    assert balances(engine)[("DISDUKCAPIL", "LOT-2026-11-A")] == (7, 3)
    # Received, then per card consumed, reversed and spoiled: nothing destroyed.
    assert (
        movements(engine)
        == [("RECEIVED", 10, 0)]
        + [
            ("CONSUMED", -1, 0),
            ("CONSUMED", 1, 0),
            ("SPOILED", -1, 1),
        ]
        * 3
    )
    with write_session(engine) as s:
        report = operations.destroy_spoiled(
            s,
            number="BAP-1",
            held_on=date(2026, 11, 24),
            place="Klaten",
            officers=["Operator"],
            witnesses=["Saksi 1", "Saksi 2"],
            actor=ACTOR,
        )
    assert report.quantity == 3
    assert balances(engine)[("DISDUKCAPIL", "LOT-2026-11-A")] == (7, 0)
    posted = movements(engine)
    with pytest.raises(NothingToDestroy), write_session(engine) as s:
        operations.destroy_spoiled(
            s,
            number="BAP-2",
            held_on=date(2026, 11, 24),
            place="Klaten",
            officers=["A"],
            witnesses=["B", "C"],
            actor=ACTOR,
        )
    assert balances(engine)[("DISDUKCAPIL", "LOT-2026-11-A")] == (7, 0)
    assert movements(engine) == posted
