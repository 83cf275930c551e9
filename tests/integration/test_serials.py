"""Serial numbers of blanks (issue 11, item 16): each blank of a lot with a serial range
takes the next serial once, kill-safe like its consumption, and the serial shows on the
card, the carrier sheet, the berita acara and the monthly report's reconciliation."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from pypdf import PdfReader
from sqlmodel import Session, select

from cetak.db import write_session
from inventory import ledger, operations, paperwork, serials
from inventory.errors import InsufficientStock
from inventory.models import Lot, Movement
from inventory.rules import Kind
from inventory.serials import LotSerials, classify, complement, ranges, state_of
from papers.carrier import CarrierLine, CarrierSheet, render_carrier_sheet
from printers.models import Card
from workflows import printing as flow

from factory import ingest, make_row, sim_printer

ACTOR = "test"
A, B, PLAIN = "LOT-2026-11-A", "LOT-2026-11-B", "LOT-2026-10-X"


def receive(engine, lot: str, quantity: int, on: date, serial_start: str | None = None) -> None:
    with write_session(engine) as s:
        ledger.receive_stock(
            s,
            lot=lot,
            quantity=quantity,
            actor=ACTOR,
            received_on=on,
            serial_start=serial_start,
        )


def consume(engine, card_ref: str) -> Movement:
    with write_session(engine) as s:
        m = ledger.consume_blank(s, card_ref=card_ref, actor=ACTOR)
        s.expunge(m)
        return m


def issued(engine, lot: str) -> int:
    with engine.connect() as conn:
        return conn.execute(sa.select(Lot.serials_issued).where(Lot.code == lot)).scalar_one()


# --- pure functions ------------------------------------------------------------------------


def test_ranges_fold_consecutive_serials_and_the_shelf_is_the_rest():
    assert ranges([5, 1, 2, 3, 7, 8]) == ((1, 3), (5, 5), (7, 8))
    assert ranges([]) == ()
    assert complement(1, 10, [2, 3, 7]) == ((1, 1), (4, 6), (8, 10))
    assert complement(1, 3, [1, 2, 3]) == ()
    assert complement(1, 3, []) == ((1, 3),)


def test_the_state_of_a_serial_comes_from_its_net_movements():
    assert state_of(0, 0, 0) == serials.SHELF  # voided: consumed then put back
    assert state_of(-1, 0, 0) == serials.USED
    assert state_of(-1, 1, 0) == serials.SPOILED
    assert state_of(-1, 0, 1) == serials.DESTROYED
    assert state_of(-2, 0, 0) == serials.ODD  # handed out twice: the books need a look


def test_classify_reconciles_a_lot_and_names_what_does_not():
    rows = [(1, -1, 0, 0), (2, -1, 1, 0), (3, -1, 0, 1), (4, 0, 0, 0)]
    found = classify(
        "L", prefix="KTP", first=1, last=10, width=7, on_hand=7, awaiting=1, serials=rows
    )
    assert found.used == ((1, 1),) and found.spoiled == ((2, 2),)
    assert found.destroyed == ((3, 3),) and found.shelf == ((4, 10),)
    assert found.balanced
    assert found.text(found.shelf) == "KTP0000004 s.d. KTP0000010"
    short = classify(
        "L", prefix="KTP", first=1, last=10, width=7, on_hand=8, awaiting=1, serials=rows
    )
    assert not short.balanced
    assert short.problems == ["nomor seri di rak 7, stok buku 8"]
    many = LotSerials("L", "S", 1, 100, 3, 0, 0, used=tuple((n, n) for n in range(1, 60, 2)))
    assert many.text(many.used, limit=3) == "S001, S003, S005, dan 27 rentang lain"


# --- the ledger hands serials out --------------------------------------------------------


def test_serials_are_taken_in_order_once_per_blank_and_again_on_a_retry(engine, served):
    receive(engine, A, 5, date(2026, 11, 1), "KTP0500001")
    taken = [consume(engine, f"K{i}") for i in range(3)]
    assert [m.serial for m in taken] == ["KTP0500001", "KTP0500002", "KTP0500003"]
    assert [m.serial_no for m in taken] == [500001, 500002, 500003]
    # A retried consumption (the step ran again after its commit) returns the same serial
    # and takes nothing more.
    again = consume(engine, "K1")
    assert (again.id, again.serial) == (taken[1].id, "KTP0500002")
    assert issued(engine, A) == 3
    assert consume(engine, "K3").serial == "KTP0500004"


def test_a_killed_consumption_hands_the_same_serial_out_again(engine, served):
    receive(engine, A, 5, date(2026, 11, 1), "KTP0500001")

    class Killed(Exception):
        pass

    with pytest.raises(Killed):
        with write_session(engine) as s:
            assert ledger.consume_blank(s, card_ref="K0", actor=ACTOR).serial == "KTP0500001"
            raise Killed  # the process dies before the commit: nothing of it stays
    assert issued(engine, A) == 0
    assert consume(engine, "K0").serial == "KTP0500001"
    assert consume(engine, "K1").serial == "KTP0500002"


def test_serials_follow_fifo_across_lots_and_a_lot_without_a_range_gives_none(engine, served):
    receive(engine, PLAIN, 1, date(2026, 10, 1))
    receive(engine, A, 2, date(2026, 11, 1), "KTP0500001")
    receive(engine, B, 2, date(2026, 11, 5), "KTP0600001")
    got = [(m.lot_code, m.serial) for m in (consume(engine, f"K{i}") for i in range(5))]
    assert got == [
        (PLAIN, None),
        (A, "KTP0500001"),
        (A, "KTP0500002"),
        (B, "KTP0600001"),
        (B, "KTP0600002"),
    ]
    with pytest.raises(InsufficientStock):
        consume(engine, "K5")
    assert issued(engine, A) == 2 and issued(engine, B) == 2 and issued(engine, PLAIN) == 0


def test_a_spoiled_card_keeps_its_serial_and_a_voided_one_goes_back_on_the_shelf(engine, served):
    receive(engine, A, 10, date(2026, 11, 1), "KTP0500001")
    for i in range(3):
        consume(engine, f"K{i}")
    with write_session(engine) as s:
        spoiled = ledger.spoil_blank(s, card_ref="K0", cause="GAGAL_CETAK", actor=ACTOR)
        assert spoiled.serial == "KTP0500001"
        # A card that is never printed: its blank goes back on the shelf ...
        voided = ledger.existing(s, "consume:K1")
        ledger.reverse(s, movement_id=voided.id, actor=ACTOR, reason="batal")
    # ... and is the next one taken, before any new serial.
    assert consume(engine, "K3").serial == "KTP0500002"
    assert consume(engine, "K4").serial == "KTP0500004"
    with write_session(engine) as s:
        shelf = ledger.spoil_blank(s, cause="RUSAK_FISIK", actor=ACTOR, key="shelf:1", lot=A)
        assert shelf.serial == "KTP0500005"
    assert issued(engine, A) == 5


def test_a_destroyed_blank_carries_its_serial(engine, served):
    receive(engine, A, 10, date(2026, 11, 1), "KTP0500001")
    consume(engine, "K0")
    with write_session(engine) as s:
        ledger.spoil_blank(s, card_ref="K0", cause="GAGAL_ENCODE", actor=ACTOR)
        operations.destroy_spoiled(
            s,
            number="BAP-1",
            held_on=date(2026, 11, 20),
            place="Klaten",
            officers=["Petugas"],
            witnesses=["Saksi 1", "Saksi 2"],
            actor=ACTOR,
        )
        destroyed = s.execute(
            sa.select(Movement.serial).where(Movement.kind == "DESTROYED")
        ).scalar_one()
    assert destroyed == "KTP0500001"


def test_the_ledger_reconciles_serial_ranges_per_lot(engine, served):
    receive(engine, PLAIN, 3, date(2026, 10, 1))
    receive(engine, A, 10, date(2026, 11, 1), "KTP0500001")
    for i in range(3):
        consume(engine, f"P{i}")  # the plain lot first (FIFO): no serials
    for i in range(6):
        consume(engine, f"K{i}")
    with write_session(engine) as s:
        ledger.spoil_blank(s, card_ref="K0", cause="GAGAL_CETAK", actor=ACTOR)
        ledger.spoil_blank(s, card_ref="K1", cause="GAGAL_CETAK", actor=ACTOR)
        operations.destroy_spoiled(
            s,
            number="BAP-1",
            held_on=date(2026, 11, 20),
            place="Klaten",
            officers=["Petugas"],
            witnesses=["Saksi 1", "Saksi 2"],
            actor=ACTOR,
        )
        ledger.spoil_blank(s, card_ref="K2", cause="RUSAK_FISIK", actor=ACTOR)
        ledger.reverse(s, movement_id=ledger.existing(s, "consume:K5").id, actor=ACTOR, reason="x")
    with write_session(engine) as s:
        (lot,) = serials.lot_serials(s)
    assert lot.lot == A
    assert lot.used == ((500004, 500005),)
    assert lot.destroyed == ((500001, 500002),)
    assert lot.spoiled == ((500003, 500003),)
    assert lot.shelf == ((500006, 500010),)
    assert (lot.on_hand, lot.awaiting) == (5, 1) and lot.balanced
    # Before anything of lot A was consumed, its whole range was on the shelf.
    with write_session(engine) as s:
        received = s.execute(
            sa.select(Movement.at).where(Movement.idempotency_key == f"receive:{A}")
        ).scalar_one()
        (then,) = serials.lot_serials(s, before=received + timedelta(microseconds=1))
    assert then.shelf == ((500001, 500010),) and then.used == () and then.balanced


def test_blanks_returned_to_central_without_serials_still_reconcile(engine, served):
    from inventory import transfers

    receive(engine, A, 10, date(2026, 11, 1), "KTP0500001")
    for i in range(3):
        consume(engine, f"K{i}")
    with write_session(engine) as s:
        transfers.return_stock(s, lot=A, quantity=4, actor=ACTOR, key="return:R-1")
    with write_session(engine) as s:
        (lot,) = serials.lot_serials(s)
    assert lot.used == ((500001, 500003),)
    assert (lot.on_hand, lot.unnumbered) == (3, -4)
    assert lot.balanced, lot.problems
    # A surplus without serials is no excuse for a missing one: books and shelf disagree.
    odd = replace(lot, on_hand=5)
    assert not odd.balanced and "-4 mutasi tanpa nomor seri" in odd.problems[0]


# --- the serial on the card and on the documents -----------------------------------------


def pdf_words(path_or_bytes) -> str:
    data = path_or_bytes if isinstance(path_or_bytes, bytes) else path_or_bytes.read_bytes()
    return " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(data)).pages)


@pytest.fixture
def run(engine, home, monkeypatch):
    """One print run: the print_run flow's tasks in order, on this test's engine (as in
    test_printing)."""
    monkeypatch.setattr(flow, "engine_from_settings", lambda _settings: engine)

    def run_once() -> list[dict]:
        flow.probe_printers.fn(home)
        planned = flow.plan_jobs.fn(home, None)
        return [
            o for name, ids in sorted(planned.items()) for o in flow.run_printer.fn(name, ids, home)
        ]

    return run_once


def test_a_print_run_writes_each_cards_serial_on_the_card_and_the_carrier_sheet(
    engine, served, home, tmp_path, run
):
    ingest(engine, served, home, tmp_path, [make_row(kecamatan="33.10.05") for _ in range(3)])
    receive(engine, A, 10, served.today(), "KTP0500001")
    sim_printer(engine, home, "sim-1")
    assert sum(o["printed"] for o in run()) == 3

    with Session(engine) as s:
        cards = list(s.exec(select(Card).order_by(Card.id)))  # type: ignore[arg-type]
        consumed = {
            m.card_ref: m.serial
            for m in s.exec(select(Movement).where(Movement.kind == "CONSUMED"))
        }
    assert [c.serial for c in cards] == ["KTP0500001", "KTP0500002", "KTP0500003"]
    assert all(consumed[c.card_ref] == c.serial for c in cards)
    (sheet,) = (home.documents_dir / "pengantar").glob("*.pdf")
    text = pdf_words(sheet)
    for card in cards:
        assert f"{card.card_ref} Seri {card.serial}" in text


def test_the_carrier_sheet_shows_a_serial_only_for_a_card_that_has_one():
    line = CarrierLine("K00000001-1", "PRR-1", "3310********0001", "Budi", "Tlingsing")
    sheet = CarrierSheet(
        batch_id="B-1",
        printer="sim-1",
        kabupaten="Kabupaten Klaten",
        kecamatan="Cawas",
        printed_on=date(2026, 11, 24),
        cards=(line, replace(line, card_ref="K00000002-1", serial="KTP0500002")),
    )
    text = pdf_words(render_carrier_sheet(sheet))
    assert "K00000002-1 Seri KTP0500002" in text
    assert text.count("Seri ") == 1


def destroy(engine, number: str = "BAP-3310-2026-11-001") -> None:
    with write_session(engine) as s:
        operations.destroy_spoiled(
            s,
            number=number,
            held_on=date(2026, 11, 20),
            place="Klaten",
            officers=["Petugas"],
            witnesses=["Saksi 1", "Saksi 2"],
            actor=ACTOR,
        )


def test_the_berita_acara_lists_the_serial_of_every_destroyed_blank(engine, served, home):
    receive(engine, PLAIN, 1, date(2026, 10, 1))
    receive(engine, A, 10, date(2026, 11, 1), "KTP0500001")
    for i in range(3):
        consume(engine, f"K{i}")  # K0 from the plain lot, K1 and K2 from lot A
    with write_session(engine) as s:
        for ref in ("K0", "K2"):
            ledger.spoil_blank(s, card_ref=ref, cause="GAGAL_CETAK", actor=ACTOR)
        ledger.spoil_blank(s, cause="RUSAK_FISIK", actor=ACTOR, key="shelf:1", lot=A)
    destroy(engine)
    (path,) = paperwork.produce_pending(engine, home, served)
    text = pdf_words(path)
    assert "Nomor seri" in text
    assert "KTP0500002" in text and "KTP0500003" in text  # K2, then the shelf blank
    assert "KTP0500001" not in text  # K1's blank is a good card
    assert f"{PLAIN} - K0" in text  # the plain lot's blank has no serial


def test_the_monthly_report_reconciles_serial_ranges_per_lot(engine, served, home):
    receive(engine, PLAIN, 5, served.today())
    receive(engine, A, 20, served.today(), "KTP0500001")
    for i in range(5):
        consume(engine, f"P{i}")
    for i in range(6):
        consume(engine, f"K{i}")  # KTP0500001 .. KTP0500006
    with write_session(engine) as s:
        ledger.spoil_blank(s, card_ref="K0", cause="GAGAL_CETAK", actor=ACTOR)
    destroy(engine)
    with write_session(engine) as s:
        ledger.spoil_blank(s, card_ref="K3", cause="GAGAL_ENCODE", actor=ACTOR)
    text = pdf_words(paperwork.monthly_report(engine, home, served, served.today(), 1))
    assert "Rekonsiliasi nomor seri per lot" in text
    assert "KTP0500001 s.d. KTP0500020 (20 keping)" in text
    assert "4 keping: KTP0500002 s.d. KTP0500003, KTP0500005 s.d. KTP0500006" in text  # used
    assert "1 keping: KTP0500004" in text  # spoiled, waiting
    assert "1 keping: KTP0500001" in text  # destroyed
    assert "14 keping: KTP0500007 s.d. KTP0500020" in text  # on the shelf
    assert "TIDAK SESUAI" not in text

    # A blank that leaves the books without its serial (a stock-take shortfall) is named
    # as such, and the lot still reconciles.
    with write_session(engine) as s:
        ledger.post(
            s,
            key="adjust:1",
            kind=Kind.ADJUSTMENT,
            site=ledger.DEFAULT_SITE,
            lot=A,
            delta_on_hand=-1,
            actor=ACTOR,
            note="selisih opname",
        )
    text = pdf_words(paperwork.monthly_report(engine, home, served, served.today(), 1))
    assert "1 keping keluar dari stok tanpa nomor seri" in text
    assert "TIDAK SESUAI" not in text


def test_migration_0010_goes_down_and_up_again(db_url):
    from alembic import command

    from cetak.db import alembic_config, make_engine

    eng = make_engine(db_url)
    try:
        command.downgrade(alembic_config(eng), "0009")
        assert "serial_no" not in {c["name"] for c in sa.inspect(eng).get_columns("movement")}
        command.upgrade(alembic_config(eng), "head")
        assert {"serial", "serial_no"} <= {
            c["name"] for c in sa.inspect(eng).get_columns("movement")
        }
        assert "serials_issued" in {c["name"] for c in sa.inspect(eng).get_columns("lot")}
    finally:
        eng.dispose()
