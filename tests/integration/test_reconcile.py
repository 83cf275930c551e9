"""Nightly reconciliation: every kind of movement balances; a tampered cache is named once."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from cetak.db import write_session
from cetak.models import Alert
from inventory import ledger, loans, operations, queries, transfers
from inventory.ledger import DEFAULT_SITE
from inventory.models import Balance, Movement
from inventory.reconcile import LotLedger, Mismatch, check_lot, ledger_rows, reconcile
from inventory.rules import Kind
from inventory.sites import add_site

ACTOR = "test"
OLD, NEW = "LOT-2026-10-A", "LOT-2026-11-B"
BACK, BORROWED = (
    "LOT-KEMBALI-1",
    "LOT-PINJAM-1",
)  # lots that came back from, or were lent by, Jepara
WEDI = "KEC-WEDI"
TODAY = date(2026, 11, 24)


def every_kind_of_movement(engine) -> None:
    """Receive, print, spoil (a card and on the shelf), transfer, count, destroy, return,
    reverse; the balances this leaves are worked out in the first test."""
    with write_session(engine) as s:
        ledger.receive_stock(s, lot=OLD, quantity=100, actor=ACTOR, received_on=date(2026, 10, 1))
        ledger.receive_stock(
            s,
            lot=NEW,
            quantity=50,
            actor=ACTOR,
            received_on=date(2026, 11, 1),
            serial_start="KTP0000001",
        )
        add_site(s, code=WEDI, name="Kecamatan Wedi", kode_kecamatan="33.10.03")
    with write_session(engine) as s:
        for i in range(5):
            ledger.consume_blank(s, card_ref=f"CARD-{i}", actor=ACTOR)
        ledger.spoil_blank(s, card_ref="CARD-0", cause="GAGAL_ENCODE", actor=ACTOR)
        ledger.lose_card(s, card_ref="CARD-1", actor=ACTOR, note="hilang di perjalanan")
        ledger.spoil_blank(s, cause="RUSAK_FISIK", actor=ACTOR, key="shelf:1", note="basah")
        transfers.transfer(s, to_site=WEDI, quantity=20, actor=ACTOR, key="transfer:BAST-1")
        for i in range(3):
            ledger.consume_blank(s, card_ref=f"WEDI-{i}", actor=ACTOR, site=WEDI)
    with write_session(engine) as s:
        operations.count_stock(
            s, counted=72, reason="opname November", actor=ACTOR, threshold=10, lot=OLD
        )
        operations.destroy_spoiled(
            s,
            number="BAP-1",
            held_on=TODAY,
            place="Klaten",
            officers=["Petugas"],
            witnesses=["Saksi 1", "Saksi 2"],
            actor=ACTOR,
        )
        returned = transfers.return_stock(s, lot=NEW, quantity=10, actor=ACTOR, key="return:R-1")
        ledger.reverse(s, movement_id=returned.id, actor=ACTOR, reason="salah catat")
    with write_session(engine) as s:  # lending between regencies (issue 15)
        loans.lend(
            s,
            to="33.20",
            to_name="Jepara",
            own="33.10",
            quantity=5,
            ref="P-1",
            lot=NEW,
            actor=ACTOR,
        )
        loans.settle(s, ref="P-1", quantity=5, actor=ACTOR, received_on=TODAY, lot=BACK)
        loans.borrow(
            s,
            source="33.20",
            source_name="Jepara",
            own="33.10",
            quantity=8,
            ref="P-2",
            lot=BORROWED,
            actor=ACTOR,
            received_on=TODAY,
        )
        loans.settle(s, ref="P-2", quantity=3, actor=ACTOR, received_on=TODAY)


def balances(engine) -> dict[tuple[str, str], tuple[int, int]]:
    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(
                Balance.site_code, Balance.lot_code, Balance.on_hand, Balance.awaiting_destruction
            )
        )
        return {(r[0], r[1]): (r[2], r[3]) for r in rows}


def reconcile_alerts(engine) -> list[tuple[str, str, str]]:
    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(Alert.key, Alert.level, Alert.message)
            .where(Alert.kind == "RECONCILIATION")
            .order_by(Alert.id)
        )
        return [tuple(r) for r in rows]


def run_reconcile(engine, today: date = TODAY) -> list[Mismatch]:
    with write_session(engine) as s:
        return reconcile(s, today=today)


def tamper(engine, site: str, lot: str) -> None:
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "UPDATE balance SET on_hand = on_hand + 1 WHERE site_code = :site "
                "AND lot_code = :lot"
            ),
            {"site": site, "lot": lot},
        )


def test_a_ledger_with_every_kind_of_movement_reconciles(engine, served):
    every_kind_of_movement(engine)
    with engine.connect() as conn:
        kinds = set(conn.execute(sa.select(Movement.kind).distinct()).scalars())
    assert kinds == {k.value for k in Kind}

    # OLD: 100 - 5 printed + 1 (CARD-0 spoiled instead) - 1 CARD-0 - 1 shelf - 20 to Wedi
    #      - 2 short at the count = 72; Wedi: 20 - 3 printed = 17; NEW: 50 - 10 + 10 - 5 lent
    # = 45; the 5 lent came back as lot BACK; 8 borrowed as lot BORROWED, 3 given back.
    # Both spoiled blanks were destroyed.
    assert balances(engine) == {
        (DEFAULT_SITE, OLD): (72, 0),
        (DEFAULT_SITE, NEW): (45, 0),
        (DEFAULT_SITE, BACK): (5, 0),
        (DEFAULT_SITE, BORROWED): (5, 0),
        (WEDI, OLD): (17, 0),
    }
    assert run_reconcile(engine) == []
    assert reconcile_alerts(engine) == []
    with write_session(engine) as s:
        assert queries.totals(s) == (144, 0)
        assert all(check_lot(row) == [] for row in ledger_rows(s))


def test_a_tampered_balance_raises_one_critical_alert_naming_the_lot_once_a_day(engine, served):
    every_kind_of_movement(engine)
    tamper(engine, DEFAULT_SITE, NEW)

    problems = run_reconcile(engine)
    assert problems == [Mismatch(DEFAULT_SITE, NEW, "stok di tangan", ledger=45, cache=46)]
    ((key, level, message),) = reconcile_alerts(engine)
    assert key == f"reconcile:{TODAY.isoformat()}:{DEFAULT_SITE}:{NEW}"
    assert level == "CRITICAL"
    assert NEW in message and DEFAULT_SITE in message and OLD not in message
    assert "buku 45, cache 46" in message

    assert run_reconcile(engine) == problems  # the same night again: no second alert
    assert len(reconcile_alerts(engine)) == 1
    run_reconcile(engine, TODAY + timedelta(days=1))  # still wrong the next night: alert again
    assert len(reconcile_alerts(engine)) == 2


def test_a_retried_post_that_loses_the_race_does_not_count_twice(engine, served, monkeypatch):
    """Two workers post the same key: the one that finds the row already inserted (ON
    CONFLICT DO NOTHING) must leave the balance alone."""
    with write_session(engine) as s:
        ledger.receive_stock(s, lot=OLD, quantity=10, actor=ACTOR, received_on=date(2026, 10, 1))
        ledger.consume_blank(s, card_ref="CARD-1", actor=ACTOR)
    real_existing = ledger._existing
    calls = {"n": 0}

    def not_seen_yet(session, key):  # the first look happens before the other worker commits
        calls["n"] += 1
        return None if calls["n"] == 1 else real_existing(session, key)

    monkeypatch.setattr(ledger, "_existing", not_seen_yet)
    with write_session(engine) as s:
        posted = ledger.post(
            s,
            key="consume:CARD-1",
            kind=Kind.CONSUMED,
            site=DEFAULT_SITE,
            lot=OLD,
            delta_on_hand=-1,
            actor=ACTOR,
            card_ref="CARD-1",
        )
    assert posted.created is False
    assert balances(engine) == {(DEFAULT_SITE, OLD): (9, 0)}
    assert run_reconcile(engine) == []


# --- check_lot is pure ---------------------------------------------------------------------


def lot_ledger(
    by_kind: dict[str, int],
    on_hand: int | None,
    spoiled_in: int = 0,
    destroyed: int = 0,
    awaiting: int | None = 0,
) -> LotLedger:
    return LotLedger(DEFAULT_SITE, OLD, by_kind, spoiled_in, destroyed, on_hand, awaiting)


def test_check_lot_accepts_a_balanced_lot():
    row = lot_ledger(
        {
            "RECEIVED": 100,
            "CONSUMED": -40,
            "SPOILED": -3,
            "TRANSFER_OUT": -20,
            "TRANSFER_IN": 5,
            "ADJUSTMENT": -2,
            "RETURNED": -10,
            "DESTROYED": 0,
        },
        on_hand=30,
        spoiled_in=3,
        destroyed=2,
        awaiting=1,
    )
    assert check_lot(row) == []


def test_check_lot_names_a_movement_kind_summing_to_the_wrong_sign():
    # A transfer out booked as +5: the total still matches the cache, the sign does not.
    row = lot_ledger({"RECEIVED": 100, "TRANSFER_OUT": 5}, on_hand=105)
    assert check_lot(row) == [Mismatch(DEFAULT_SITE, OLD, "tanda TRANSFER_OUT keliru", 5, None)]


def test_check_lot_names_a_destruction_that_moved_shelf_stock():
    row = lot_ledger({"RECEIVED": 10, "DESTROYED": -1}, on_hand=9)
    assert [m.what for m in check_lot(row)] == ["tanda DESTROYED keliru"]


def test_check_lot_names_a_negative_book_stock():
    row = lot_ledger({"RECEIVED": 10, "CONSUMED": -12}, on_hand=-2)
    assert check_lot(row) == [Mismatch(DEFAULT_SITE, OLD, "stok buku negatif", -2, None)]


def test_check_lot_names_a_cache_that_disagrees_or_is_missing():
    assert check_lot(lot_ledger({"RECEIVED": 10}, on_hand=11)) == [
        Mismatch(DEFAULT_SITE, OLD, "stok di tangan", 10, 11)
    ]
    assert [
        m.what for m in check_lot(lot_ledger({"RECEIVED": 10}, on_hand=None, awaiting=None))
    ] == [
        "stok di tangan",
        "menunggu pemusnahan",
    ]
    assert check_lot(
        lot_ledger(
            {"RECEIVED": 10, "SPOILED": -2}, on_hand=8, spoiled_in=2, destroyed=3, awaiting=-1
        )
    ) == [Mismatch(DEFAULT_SITE, OLD, "blangko rusak negatif", -1, None)]


# --- the flow ------------------------------------------------------------------------------


@pytest.mark.slow
def test_the_reconcile_flow_returns_the_problems_and_delivers_the_alert_once(
    engine, served, home, prefect_api
):
    from workflows.stock import reconcile as reconcile_flow

    every_kind_of_movement(engine)
    assert reconcile_flow() == {"problems": [], "delivered": 0}

    tamper(engine, WEDI, OLD)
    outcome = reconcile_flow()
    assert outcome["problems"] == [
        {"site": WEDI, "lot": OLD, "what": "stok di tangan", "ledger": 17, "cache": 18}
    ]
    assert outcome["delivered"] == 1
    (alert_file,) = home.alerts_dir.glob("reconcile_*.json")
    assert OLD in alert_file.read_text("utf-8")

    again = reconcile_flow()
    assert again == {"problems": outcome["problems"], "delivered": 0}
