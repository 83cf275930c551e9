"""Print production at the service level: the fleet, a print run, faults, failover, stock,
rest periods, one job per printer, QC, cards that cannot be laid out and the spool driver.

A "run" here is the ``print_run`` flow's steps called in order without Prefect (the flow's
own tasks, on the test's engine); one test runs the real flow to see the stock-out alert.
"""

from __future__ import annotations

import json
import os
import tempfile
import threading
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlmodel import Session, select

from cetak.db import write_session
from cetak.models import Alert, Batch, Record, RecordEvent, utcnow
from inventory import ledger
from inventory.errors import InsufficientStock
from inventory.models import ReorderRequest
from inventory.policy import round_up_to_box
from inventory.queries import totals
from printers import jobs, planning, production, qc
from printers.drivers.base import Fault, PrinterFault
from printers.drivers.spool import SpoolDriver
from printers.errors import (
    BadPrinterConfig,
    CardNotAwaitingQC,
    PrinterExists,
    UnknownCard,
    UnknownPrinter,
)
from printers.models import Printer, PrintJob, PrintJobItem
from printers.registry import add_printer, list_printers, make_driver, set_down, set_up
from workflows import printing as flow

from factory import (
    all_cards,
    assert_exactly_once,
    consumed_net,
    ingest,
    make_row,
    movements,
    receive,
    record_states,
    sim_printer,
    total,
)

# --- set-up --------------------------------------------------------------------------------


# --- reading back --------------------------------------------------------------------------


def record(engine, record_id: int) -> Record:
    with Session(engine) as s:
        row = s.get(Record, record_id)
        assert row is not None
        return row


def printer_row(engine, name: str) -> Printer:
    with Session(engine) as s:
        row = s.get(Printer, name)
        assert row is not None
        return row


def last_event(engine, record_id: int) -> RecordEvent:
    with Session(engine) as s:
        event = s.exec(
            select(RecordEvent)
            .where(RecordEvent.record_id == record_id)
            .order_by(RecordEvent.id.desc())  # type: ignore[union-attr]
        ).first()
        assert event is not None
        return event


def on_hand(engine) -> int:
    with Session(engine) as s:
        return totals(s)[0]


def submitted_names(engine, home, printer: str) -> list[str]:
    """Card names the simulated printer accepted (its own job memory on disk)."""
    driver = make_driver(printer_row(engine, printer), home.resolved_home)
    return driver.submitted_names()  # type: ignore[attr-defined]


# --- the fleet -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("driver", "uri", "words"),
    [
        ("ipp", "ftp://x", "URI IPP tidak valid"),
        ("ipp", None, "memerlukan URI ipp://"),
        ("simulated", "sim://x?seed=abc", "'seed' harus angka"),
        ("simulated", "ipp://host/print", "URI printer simulasi harus sim://"),
        ("spool", None, "memerlukan URI berisi folder"),
        ("laser", None, "driver 'laser' tidak dikenal"),
    ],
)
def test_a_printer_with_a_bad_driver_or_uri_is_refused_in_indonesian_and_nothing_is_stored(
    engine, served, home, driver, uri, words
):
    with pytest.raises(BadPrinterConfig) as caught, write_session(engine) as s:
        add_printer(s, name="p1", driver=driver, uri=uri, state_root=home.resolved_home)
    assert words in caught.value.message  # the CLI says "--uri" (cli.messages)
    with Session(engine) as s:
        assert list_printers(s) == []


def test_registering_a_printer_twice_or_naming_an_unknown_one_is_refused(engine, served, home):
    sim_printer(engine, home, "sim-1")
    with pytest.raises(PrinterExists, match="sudah terdaftar"), write_session(engine) as s:
        add_printer(s, name="sim-1", driver="simulated", state_root=home.resolved_home)
    for change in (
        lambda s: set_down(s, "nope", "servis"),
        lambda s: set_up(s, "nope", "selesai", state_root=home.resolved_home),
    ):
        with pytest.raises(UnknownPrinter) as caught, write_session(engine) as s:
            change(s)
        assert "printer 'nope' tidak terdaftar" in caught.value.message
    with Session(engine) as s:
        assert [p.name for p in list_printers(s)] == ["sim-1"]


def test_down_takes_a_printer_out_of_the_plan_and_up_brings_it_back(
    engine, served, home, tmp_path, run
):
    ids = ingest(engine, served, home, tmp_path, [make_row() for _ in range(3)])
    receive(engine, served, 10)
    sim_printer(engine, home, "sim-1")
    with write_session(engine) as s:
        set_down(s, "sim-1", "ganti pita")
    assert printer_row(engine, "sim-1").state == "maintenance"
    assert run() == []
    assert set(record_states(engine).values()) == {"queued"}
    with write_session(engine) as s:
        set_up(s, "sim-1", "pita baru", state_root=home.resolved_home)
    assert printer_row(engine, "sim-1").state == "online"
    assert total(run(), "printed") == 3
    assert {record_states(engine)[i] for i in ids} == {"printed"}


# --- a healthy run -------------------------------------------------------------------------


def test_a_run_on_healthy_printers_prints_every_record_once_in_single_kecamatan_batches(
    engine, served, home, tmp_path, run
):
    rows = [make_row(kecamatan="33.10.05") for _ in range(7)]
    rows += [make_row(kecamatan="33.10.01") for _ in range(5)]
    ids = ingest(engine, served, home, tmp_path, rows)
    receive(engine, served, 30)
    sim_printer(engine, home, "sim-1")
    sim_printer(engine, home, "sim-2", seed=2)

    outcomes = run()
    assert total(outcomes, "printed") == 12
    assert total(outcomes, "spoiled") == total(outcomes, "released") == 0
    assert all(o["stopped"] is None for o in outcomes)

    assert {record_states(engine)[i] for i in ids} == {"printed"}
    cards = all_cards(engine)
    assert sorted(c.record_id for c in cards) == sorted(ids)  # one card each
    for card in cards:
        assert card.state == "printed" and card.attempt == 1
        assert card.lot_code == "L1"
        assert card.printer_name in ("sim-1", "sim-2")
        assert card.job_id is not None and card.printed_at is not None
        assert card.chip_id and len(card.chip_id) == 14
        assert record(engine, card.record_id).printed_at is not None
    assert len({c.chip_id for c in cards}) == 12

    consumed = [m for m in movements(engine) if m.kind == "CONSUMED"]
    assert sorted(m.card_ref for m in consumed) == sorted(c.card_ref for c in cards)
    assert all(m.delta_on_hand == -1 and m.lot_code == "L1" for m in consumed)
    assert on_hand(engine) == 30 - 12

    per_printer = Counter(c.printer_name for c in cards)
    for name in ("sim-1", "sim-2"):
        p = printer_row(engine, name)
        assert p.state == "online" and p.failures == 0
        assert p.printed_today == p.since_rest == per_printer[name] > 0
        assert p.counter_day == served.today()
        assert sorted(submitted_names(engine, home, name)) == sorted(
            c.card_ref for c in cards if c.printer_name == name
        )

    with Session(engine) as s:
        jobs = list(s.exec(select(PrintJob)))
        assert jobs and all(j.state == "done" and j.printed == j.planned for j in jobs)
        for job in jobs:
            kecamatan = set(
                s.exec(
                    select(Record.kode_kecamatan)
                    .join(PrintJobItem, PrintJobItem.record_id == Record.id)  # type: ignore[arg-type]
                    .where(PrintJobItem.job_id == job.id)
                )
            )
            assert kecamatan == {job.kode_kecamatan}
    assert {c.job_id for c in cards} == {j.id for j in jobs}

    assert run() == []  # nothing left: a second run prints nothing again
    assert len(all_cards(engine)) == 12
    assert_exactly_once(engine)


# --- faults --------------------------------------------------------------------------------


def test_a_failed_chip_encode_spoils_the_blank_and_the_third_failure_needs_an_operator(
    engine, served, home, tmp_path, run
):
    ids = ingest(engine, served, home, tmp_path, [make_row() for _ in range(2)])
    receive(engine, served, 10)
    sim_printer(engine, home, "sim-1", encode_fail=1.0)

    for attempt in (1, 2):
        outcomes = run()
        assert (total(outcomes, "printed"), total(outcomes, "spoiled")) == (0, 2)
        for rid in ids:
            row = record(engine, rid)
            assert (row.state, row.attempts) == ("queued", attempt)
        assert printer_row(engine, "sim-1").state == "online"  # a chip fault does not stop it

    spoiled = [c for c in all_cards(engine) if c.state == "spoiled"]
    assert len(spoiled) == 4 and {c.attempt for c in spoiled} == {1, 2}
    assert {(c.fault, c.spoil_cause) for c in spoiled} == {("ENCODE_FAILED", "GAGAL_ENCODE")}
    for card in spoiled:
        kinds = [(m.kind, m.delta_on_hand, m.cause) for m in movements(engine, card.card_ref)]
        assert kinds == [
            ("CONSUMED", -1, None),
            ("CONSUMED", 1, None),
            ("SPOILED", -1, "GAGAL_ENCODE"),
        ]

    outcomes = run()
    assert total(outcomes, "needs_attention") == 2
    for rid in ids:
        row = record(engine, rid)
        assert (row.state, row.attempts) == ("needs_attention", 3)
        assert "gagal dicetak 3 kali" in (row.reason_detail or "")
        assert "chip gagal ditulis" in (last_event(engine, rid).reason or "")
    assert on_hand(engine) == 10 - 6
    with Session(engine) as s:
        assert totals(s) == (4, 6)  # six blanks wait for destruction
    assert run() == []  # it is not tried a fourth time
    assert len(all_cards(engine)) == 6
    assert_exactly_once(engine)


def test_a_printer_going_offline_hands_its_work_back_and_is_retried_with_back_off(
    engine, served, home, tmp_path, run, monkeypatch
):
    ids = ingest(engine, served, home, tmp_path, [make_row() for _ in range(8)])
    receive(engine, served, 20)
    sim_printer(engine, home, "sim-a", offline_after=2)
    sim_printer(engine, home, "sim-b", seed=2)

    before = utcnow()
    outcomes = {o["printer"]: o for o in run()}
    assert outcomes["sim-a"]["printed"] == 2 and outcomes["sim-a"]["stopped"] == "printer"
    assert outcomes["sim-a"]["released"] == 2  # the card it refused and the one after it
    assert outcomes["sim-b"]["printed"] == 4
    a = printer_row(engine, "sim-a")
    assert a.state == "offline" and a.state_reason == "printer tidak menjawab"
    assert a.failures == 1 and a.retry_at is not None and a.retry_at > before
    states = record_states(engine)
    assert Counter(states[i] for i in ids) == {"printed": 6, "queued": 2}

    # The card whose submission failed never reached the printer: its blank is back.
    (void,) = [c for c in all_cards(engine) if c.state == "void"]
    assert void.printer_name == "sim-a" and states[void.record_id] == "queued"
    assert consumed_net(engine)[void.card_ref] == 0
    assert void.card_ref not in submitted_names(engine, home, "sim-a")
    assert on_hand(engine) == 20 - 6

    # Not hammered: until retry_at nobody asks the printer.
    asked: list[str] = []
    real_make_driver = flow.make_driver

    def counting(printer, state_root):
        asked.append(printer.name)
        return real_make_driver(printer, state_root)

    monkeypatch.setattr(flow, "make_driver", counting)
    assert flow.probe_printers.fn(home)["sim-a"] == "offline"
    assert asked == [] and printer_row(engine, "sim-a").failures == 1

    # Past retry_at it is asked once; still unreachable, it backs off longer.
    with write_session(engine) as s:
        s.execute(
            sa.update(Printer)
            .where(Printer.name == "sim-a")
            .values(retry_at=utcnow() - timedelta(seconds=1))  # type: ignore[arg-type]
        )
    probed_at = utcnow()
    assert flow.probe_printers.fn(home)["sim-a"] == "offline"
    assert asked == ["sim-a"]
    a = printer_row(engine, "sim-a")
    assert a.failures == 2 and a.retry_at is not None
    assert a.retry_at >= probed_at + timedelta(minutes=2) - timedelta(seconds=5)

    # The next run moves its work to the printer that is up.
    asked.clear()
    outcomes = run()
    assert asked == []
    assert [(o["printer"], o["printed"]) for o in outcomes] == [("sim-b", 2)]
    assert {record_states(engine)[i] for i in ids} == {"printed"}
    assert_exactly_once(engine)


class Unreachable:
    """A printer behind a network that is down while ``link["down"]``: every request fails."""

    def __init__(self, inner: Any, link: dict[str, bool]) -> None:
        self.inner, self.link = inner, link

    def _reach(self) -> None:
        if self.link["down"]:
            raise PrinterFault(Fault.OFFLINE, "unreachable: connection refused")

    def submit(self, *, job_name: str, pdf: bytes) -> str:
        self._reach()
        return self.inner.submit(job_name=job_name, pdf=pdf)

    def poll(self, job_id: str) -> Any:
        self._reach()
        return self.inner.poll(job_id)

    def find(self, job_name: str) -> Any:
        self._reach()
        return self.inner.find(job_name)

    def status(self) -> Any:
        self._reach()
        return self.inner.status()


def test_a_printer_that_cannot_be_asked_about_a_card_keeps_it_in_flight_until_it_answers(
    engine, served, home, tmp_path, run, monkeypatch
):
    ids = ingest(engine, served, home, tmp_path, [make_row() for _ in range(4)])
    receive(engine, served, 10)
    sim_printer(engine, home, "sim-a")
    sim_printer(engine, home, "sim-b", seed=2)
    link = {"down": True}

    def drivers(printer, state_root):
        driver = make_driver(printer, state_root)
        return Unreachable(driver, link) if printer.name == "sim-a" else driver

    monkeypatch.setattr(production, "make_driver", drivers)
    monkeypatch.setattr(flow, "make_driver", drivers)

    outcomes = {o["printer"]: o for o in run()}  # the run goes on without sim-a
    assert (outcomes["sim-a"]["stopped"], outcomes["sim-a"]["released"]) == ("printer", 1)
    assert outcomes["sim-b"]["printed"] == 2
    assert printer_row(engine, "sim-a").state == "offline"
    # Whether sim-a holds the card cannot be known: it stays in flight with its job.
    (in_flight,) = [c for c in all_cards(engine) if c.printer_name == "sim-a"]
    assert in_flight.state == "taken" and consumed_net(engine)[in_flight.card_ref] == 1
    assert record_states(engine)[in_flight.record_id] == "scheduled"
    with Session(engine) as s:
        assert s.get(PrintJob, in_flight.job_id).state == "planned"

    assert [(o["printer"], o["printed"]) for o in run()] == [("sim-b", 1)]
    assert record_states(engine)[in_flight.record_id] == "scheduled"

    link["down"] = False  # the network is back and the back-off has passed
    with write_session(engine) as s:
        s.execute(
            sa.update(Printer)
            .where(Printer.name == "sim-a")
            .values(retry_at=utcnow() - timedelta(seconds=1))  # type: ignore[arg-type]
        )
    assert [(o["printer"], o["printed"]) for o in run()] == [("sim-a", 1)]
    assert {record_states(engine)[i] for i in ids} == {"printed"}
    card = next(c for c in all_cards(engine) if c.card_ref == in_flight.card_ref)
    assert (card.state, card.attempt) == ("printed", 1)
    assert submitted_names(engine, home, "sim-a") == [in_flight.card_ref]
    assert_exactly_once(engine)


def test_a_jam_spoils_that_card_stops_the_printer_and_printers_up_brings_it_back(
    engine, served, home, tmp_path, run
):
    ids = ingest(engine, served, home, tmp_path, [make_row() for _ in range(4)])
    receive(engine, served, 10)
    sim_printer(engine, home, "sim-1", jam_every=3)

    (outcome,) = run()
    assert (outcome["printed"], outcome["spoiled"], outcome["released"]) == (2, 1, 1)
    assert outcome["stopped"] == "printer" and outcome["reason"] == "kartu macet"
    p = printer_row(engine, "sim-1")
    assert p.state == "maintenance" and p.state_reason == "kartu macet"
    (jammed,) = [c for c in all_cards(engine) if c.state == "spoiled"]
    assert (jammed.fault, jammed.spoil_cause) == ("JAM", "GAGAL_CETAK")
    assert [m.cause for m in movements(engine, jammed.card_ref) if m.kind == "SPOILED"] == [
        "GAGAL_CETAK"
    ]
    assert record(engine, jammed.record_id).attempts == 1
    assert Counter(record_states(engine)[i] for i in ids) == {"printed": 2, "queued": 2}

    assert run() == []  # a stopped printer is not probed: it waits for the operator
    with write_session(engine) as s:
        set_up(s, "sim-1", "kartu macet dibersihkan", state_root=home.resolved_home)
    p = printer_row(engine, "sim-1")
    assert (p.state, p.failures, p.retry_at) == ("online", 0, None)
    assert total(run(), "printed") == 2
    assert {record_states(engine)[i] for i in ids} == {"printed"}
    assert record(engine, jammed.record_id).attempts == 1
    assert_exactly_once(engine)


def test_a_record_whose_card_failed_goes_back_to_the_front_of_the_queue(
    engine, served, home, tmp_path, run
):
    first, second, third = ingest(engine, served, home, tmp_path, [make_row() for _ in range(3)])
    receive(engine, served, 10)
    sim_printer(engine, home, "sim-1", jam_every=2)
    (outcome,) = run(max_cards=2)
    assert (outcome["printed"], outcome["spoiled"]) == (1, 1)
    assert record_states(engine)[second] == "queued"
    with write_session(engine) as s:
        set_up(s, "sim-1", "dibersihkan", state_root=home.resolved_home)
    ingest(engine, served, home, tmp_path, [make_row()])  # a younger PRR arrives
    (outcome,) = run(max_cards=1)
    assert outcome["printed"] == 1
    assert record_states(engine)[second] == "printed"  # the oldest PRR, not the next in line
    assert record_states(engine)[third] == "queued"


def test_a_card_that_cannot_be_laid_out_needs_attention_and_takes_no_blank(
    engine, served, home, tmp_path, run
):
    good, bad = ingest(engine, served, home, tmp_path, [make_row(), make_row()])
    with write_session(engine) as s:
        s.execute(
            sa.update(Record).where(Record.id == bad).values(alamat="JALAN PANJANG SEKALI " * 40)  # type: ignore[arg-type]
        )
    receive(engine, served, 5)
    sim_printer(engine, home, "sim-1")

    outcomes = run()
    assert (total(outcomes, "printed"), total(outcomes, "needs_attention")) == (1, 1)
    assert record_states(engine) == {good: "printed", bad: "needs_attention"}
    row = record(engine, bad)
    assert "tidak muat" in (row.reason_detail or "") and "Alamat" in row.reason_detail
    assert "Alamat terlalu panjang" in (last_event(engine, bad).reason or "")
    assert [c.record_id for c in all_cards(engine)] == [good]
    assert all(m.record_id != bad for m in movements(engine))
    assert on_hand(engine) == 4
    assert printer_row(engine, "sim-1").state == "online"


# --- stock ---------------------------------------------------------------------------------


def test_fewer_blanks_than_records_prints_what_the_blanks_allow_and_leaves_the_rest_queued(
    engine, served, home, tmp_path, run
):
    ids = ingest(engine, served, home, tmp_path, [make_row() for _ in range(6)])
    receive(engine, served, 4)
    sim_printer(engine, home, "sim-1")
    sim_printer(engine, home, "sim-2", seed=2)

    with write_session(engine) as s:  # the plan never promises more cards than blanks
        now = utcnow()
        jobs = planning.plan_run(s, today=served.today(now), now=now, max_cards=None, actor="t")
        again = planning.plan_run(s, today=served.today(now), now=now, max_cards=None, actor="t")
        planned = s.exec(select(sa.func.count()).select_from(PrintJobItem)).one()
    assert jobs and again == [] and planned == 4

    outcomes = run()
    assert total(outcomes, "printed") == 4
    assert all(o["stopped"] is None for o in outcomes)
    assert Counter(record_states(engine)[i] for i in ids) == {"printed": 4, "queued": 2}
    assert len(all_cards(engine)) == 4 and on_hand(engine) == 0
    assert run() == []  # no blank, no card
    assert len(all_cards(engine)) == 4
    assert_exactly_once(engine)


def test_blanks_gone_between_planning_and_printing_stop_the_job_cleanly(
    engine, served, home, tmp_path
):
    ids = ingest(engine, served, home, tmp_path, [make_row() for _ in range(4)])
    receive(engine, served, 4)
    sim_printer(engine, home, "sim-1")
    with write_session(engine) as s:
        now = utcnow()
        (job_id,) = planning.plan_run(
            s, today=served.today(now), now=now, max_cards=None, actor="t"
        )
        for n in (1, 2):  # two blanks found damaged on the shelf meanwhile
            ledger.spoil_blank(s, cause="RUSAK_FISIK", actor="t", key=f"shelf:{n}")
    outcome = production.run_job(
        engine, job_id=job_id, served=served, state_root=home.resolved_home, worker="w"
    )
    assert outcome is not None
    assert (outcome.printed, outcome.stopped, outcome.released) == (2, "stock", 2)
    assert outcome.reason == "stok blangko di DISDUKCAPIL tidak cukup: diminta 1, tersedia 0"
    assert Counter(record_states(engine)[i] for i in ids) == {"printed": 2, "queued": 2}
    assert len(all_cards(engine)) == 2 and on_hand(engine) == 0
    with Session(engine) as s:
        assert s.get(PrintJob, job_id).state == "stopped"
    with pytest.raises(InsufficientStock), write_session(engine) as s:
        ledger.consume_blank(s, card_ref="probe", actor="t")
    assert_exactly_once(engine)


@pytest.mark.slow
def test_the_print_run_flow_raises_the_stock_out_and_reorder_alerts_when_blanks_run_out(
    engine, served, home, tmp_path, prefect_api
):
    ids = ingest(engine, served, home, tmp_path, [make_row() for _ in range(5)])
    receive(engine, served, 3)
    sim_printer(engine, home, "sim-1")

    summary = flow.print_run()
    assert summary["printed"] == 3 and summary["stock_out"] is True
    today = served.today()  # the first request of the year, by the office's convention
    roman = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"]
    number = f"470/SPB-001/{roman[today.month - 1]}/{today.year}"
    assert summary["reorder_request"] == number
    assert Counter(record_states(engine)[i] for i in ids) == {"printed": 3, "queued": 2}
    with Session(engine) as s:
        [request] = s.exec(select(ReorderRequest)).all()
        kinds = sorted(a.kind for a in s.exec(select(Alert)))
    assert (request.number, request.state, request.actor) == (number, "DRAFT", "flow:print_run")
    wanted = json.loads(request.snapshot_json)["position"]["order_quantity"]
    assert wanted > 0 and request.quantity == round_up_to_box(wanted, 100)
    assert kinds == ["REORDER", "STOCK_OUT"]
    files = sorted(json.loads(p.read_text())["kind"] for p in home.alerts_dir.glob("*.json"))
    assert files == ["REORDER", "STOCK_OUT"]


# --- rest periods and the daily limit ------------------------------------------------------


def test_a_printer_prints_at_most_rest_after_cards_then_rests(engine, served, home, tmp_path, run):
    ids = ingest(engine, served, home, tmp_path, [make_row() for _ in range(8)])
    receive(engine, served, 20)
    sim_printer(engine, home, "sim-1", rest_after=5, rest_minutes=30)

    before = utcnow()
    assert total(run(), "printed") == 5
    p = printer_row(engine, "sim-1")
    assert p.state == "resting" and p.since_rest == 5
    assert p.rest_until is not None and p.rest_until >= before + timedelta(minutes=29)
    assert Counter(record_states(engine)[i] for i in ids) == {"printed": 5, "queued": 3}
    assert run() == []  # still resting

    with write_session(engine) as s:  # half an hour later
        s.execute(
            sa.update(Printer).values(rest_until=utcnow() - timedelta(seconds=1))  # type: ignore[arg-type]
        )
    assert total(run(), "printed") == 3
    p = printer_row(engine, "sim-1")
    assert (p.state, p.since_rest, p.printed_today) == ("online", 3, 8)


def test_a_printer_rested_by_cetak_is_cool_again_and_does_not_burn_cards(
    engine, served, home, tmp_path, run
):
    ids = ingest(engine, served, home, tmp_path, [make_row() for _ in range(10)])
    receive(engine, served, 20)
    # The hardware burns the card after 5 in a row without a rest; cetak rests it after 5.
    sim_printer(engine, home, "sim-1", rest_after=5, overheat_after=5)
    assert total(run(), "printed") == 5
    with write_session(engine) as s:
        s.execute(
            sa.update(Printer).values(rest_until=utcnow() - timedelta(seconds=1))  # type: ignore[arg-type]
        )
    outcomes = run()
    assert (total(outcomes, "printed"), total(outcomes, "spoiled")) == (5, 0)
    assert {record_states(engine)[i] for i in ids} == {"printed"}


def test_the_daily_limit_is_honoured_until_the_next_day(engine, served, home, tmp_path, run):
    ids = ingest(engine, served, home, tmp_path, [make_row() for _ in range(5)])
    receive(engine, served, 20)
    sim_printer(engine, home, "sim-1", daily_limit=3)
    assert total(run(), "printed") == 3
    assert printer_row(engine, "sim-1").printed_today == 3
    assert run() == []
    with write_session(engine) as s:  # the next morning
        s.execute(
            sa.update(Printer).values(counter_day=served.today() - timedelta(days=1))  # type: ignore[arg-type]
        )
    assert total(run(), "printed") == 2
    assert printer_row(engine, "sim-1").printed_today == 2
    assert {record_states(engine)[i] for i in ids} == {"printed"}


# --- one job per printer at a time ---------------------------------------------------------


def two_jobs(engine, served, home, tmp_path) -> tuple[int, int]:
    ingest(engine, served, home, tmp_path, [make_row() for _ in range(4)])
    receive(engine, served, 10)
    sim_printer(engine, home, "sim-1")
    with write_session(engine) as s:
        now = utcnow()
        jobs = planning.plan_run(
            s, today=served.today(now), now=now, max_cards=None, actor="t", max_batch=2
        )
    assert len(jobs) == 2
    return jobs[0], jobs[1]


def test_a_printer_runs_one_job_at_a_time_until_the_lease_runs_out(engine, served, home, tmp_path):
    first, second = two_jobs(engine, served, home, tmp_path)
    t0 = utcnow()
    lease = timedelta(minutes=2)
    assert jobs.claim(engine, first, worker="w1", now=t0, lease=lease)
    assert not jobs.claim(engine, second, worker="w2", now=t0 + timedelta(seconds=10))
    assert not jobs.claim(engine, first, worker="w2", now=t0 + timedelta(seconds=10))
    later = t0 + lease + timedelta(seconds=1)  # w1 went silent: its claim lapses
    assert jobs.claim(engine, second, worker="w2", now=later, lease=lease)
    assert not jobs.claim(engine, first, worker="w3", now=later)  # w2 drives it now
    with Session(engine) as s:
        assert s.get(PrintJob, second).worker == "w2"


def test_two_claims_waiting_on_the_same_printer_let_only_one_through(
    engine, served, home, tmp_path
):
    first, second = two_jobs(engine, served, home, tmp_path)
    results: dict[str, bool] = {}
    # Another transaction holds the printer row while both claims arrive.
    with write_session(engine) as blocker:
        lock = select(Printer).where(Printer.name == "sim-1")
        if engine.dialect.name == "postgresql":
            lock = lock.with_for_update()
        blocker.exec(lock).one()
        threads = [
            threading.Thread(
                target=lambda job=job, w=w: results.__setitem__(
                    w, jobs.claim(engine, job, worker=w)
                )
            )
            for job, w in ((first, "w1"), (second, "w2"))
        ]
        for t in threads:
            t.start()
        time.sleep(0.5)  # both are now waiting for the lock
    for t in threads:
        t.join(30)
    assert sorted(results.values()) == [False, True], results
    # The winner's job runs under its worker; the loser's job is untouched, still planned.
    won, lost = (
        ((first, "w1"), (second, "w2")) if results["w1"] else ((second, "w2"), (first, "w1"))
    )
    with Session(engine) as s:
        winner, loser = s.get(PrintJob, won[0]), s.get(PrintJob, lost[0])
        assert (winner.state, winner.worker) == ("running", won[1])
        assert winner.lease_until is not None
        assert (loser.state, loser.worker, loser.lease_until) == ("planned", None, None)


def test_two_workers_running_the_same_job_print_it_once(engine, served, home, tmp_path):
    first, _ = two_jobs(engine, served, home, tmp_path)
    barrier = threading.Barrier(2)
    outcomes: list[production.JobOutcome | None] = []

    def worker(name: str) -> None:
        barrier.wait()
        outcomes.append(
            production.run_job(
                engine, job_id=first, served=served, state_root=home.resolved_home, worker=name
            )
        )

    threads = [threading.Thread(target=worker, args=(f"w{n}",)) for n in (1, 2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    ran = [o for o in outcomes if o is not None]
    assert len(outcomes) == 2 and len(ran) == 1, outcomes
    assert ran[0].printed == 2
    assert Counter(submitted_names(engine, home, "sim-1")) == Counter(
        {c.card_ref: 1 for c in all_cards(engine)}
    )
    assert len(all_cards(engine)) == 2
    assert_exactly_once(engine)


# --- quality control -----------------------------------------------------------------------


def test_qc_passes_and_rejects_printed_cards_and_refuses_the_others(
    engine, served, home, tmp_path, run
):
    ids = ingest(engine, served, home, tmp_path, [make_row() for _ in range(3)])
    receive(engine, served, 10)
    sim_printer(engine, home, "sim-1")
    run()
    good, bad, waiting = (c.card_ref for c in all_cards(engine))
    with Session(engine) as s:
        assert [c.card_ref for c in qc.awaiting_qc(s)] == [good, bad, waiting]

    with write_session(engine) as s:
        assert [c.card_ref for c in qc.pass_cards(s, [good], actor="ani")] == [good]
        qc.reject_cards(s, [bad], actor="ani", cause="RUSAK_FISIK", note="tergores")
    cards = {c.card_ref: c for c in all_cards(engine)}
    assert (cards[good].state, cards[good].qc_by) == ("passed", "ani")
    assert record_states(engine)[cards[good].record_id] == "ready"
    assert (cards[bad].state, cards[bad].spoil_cause) == ("spoiled", "RUSAK_FISIK")
    assert [
        (m.kind, m.delta_on_hand, m.delta_spoiled, m.cause) for m in movements(engine, bad)
    ] == [
        ("CONSUMED", -1, 0, None),
        ("CONSUMED", 1, 0, None),
        ("SPOILED", -1, 1, "RUSAK_FISIK"),
    ]
    rejected = record(engine, cards[bad].record_id)
    assert (rejected.state, rejected.attempts) == ("queued", 1)
    # A card not yet passed is not ready to be packed.
    assert record_states(engine)[cards[waiting].record_id] == "printed"

    for refs, error in (([bad], CardNotAwaitingQC), ([waiting, bad], CardNotAwaitingQC)):
        with pytest.raises(error) as caught, write_session(engine) as s:
            qc.pass_cards(s, refs, actor="ani")
        assert caught.value.message == f"kartu {bad} berstatus 'spoiled', bukan menunggu QC"
    with pytest.raises(CardNotAwaitingQC, match="berstatus 'passed'"), write_session(engine) as s:
        qc.reject_cards(s, [good], actor="ani")
    with pytest.raises(UnknownCard, match="tidak ditemukan"), write_session(engine) as s:
        qc.pass_cards(s, ["K99999999-1"], actor="ani")
    # The refused batch changed nothing, not even the card listed before the bad one.
    assert record_states(engine)[cards[waiting].record_id] == "printed"
    with write_session(engine) as s:
        assert qc.pass_cards(s, [good], actor="ani") == []  # passing twice changes nothing

    assert total(run(), "printed") == 1  # the rejected record is printed again
    reprint = [c for c in all_cards(engine) if c.record_id == rejected.id]
    assert [(c.attempt, c.state) for c in reprint] == [(1, "spoiled"), (2, "printed")]
    assert Counter(record_states(engine)[i] for i in ids) == {"ready": 1, "printed": 2}
    assert_exactly_once(engine)


# --- the spool driver ----------------------------------------------------------------------


class FakePrintManager(threading.Thread):
    """A vendor print manager watching a hot folder: ``in/*.json`` in, ``out/*.json`` out."""

    def __init__(self, folder: Path, fail: dict[int, str]) -> None:
        super().__init__(daemon=True)
        self.folder, self.fail = folder, fail  # fail: n-th job (1-based) -> fault
        self.seen: list[dict[str, Any]] = []
        self.stop = threading.Event()

    def run(self) -> None:
        inbox, outbox = self.folder / "in", self.folder / "out"
        while not self.stop.wait(0.01):
            for ticket_path in sorted(inbox.glob("*.json")) if inbox.is_dir() else []:
                ticket = json.loads(ticket_path.read_text())
                if any(t["job"] == ticket["job"] for t in self.seen):
                    continue
                pdf = (inbox / ticket["document"]).read_bytes()
                self.seen.append(ticket)
                n = len(self.seen)
                if not pdf.startswith(b"%PDF"):
                    result = {"state": "failed", "fault": "BAD_DATA"}
                elif n in self.fail:
                    result = {"state": "failed", "fault": self.fail[n], "detail": "chip"}
                else:
                    result = {"state": "completed", "chip_id": f"CHIP{n:04d}"}
                outbox.mkdir(exist_ok=True)
                fd, tmp = tempfile.mkstemp(dir=outbox, prefix=".", suffix=".tmp")
                with os.fdopen(fd, "w") as f:
                    json.dump(result, f)
                os.replace(tmp, outbox / f"{ticket['job']}.json")


def spool_printer(engine, home, folder: Path) -> None:
    with write_session(engine) as s:
        add_printer(
            s,
            name="spool-1",
            driver="spool",
            uri=f"spool://{folder}",
            state_root=home.resolved_home,
        )


def test_a_job_runs_through_a_hot_folder_and_its_print_manager(engine, served, home, tmp_path, run):
    folder = tmp_path / "hotfolder"
    ids = ingest(engine, served, home, tmp_path, [make_row() for _ in range(3)])
    receive(engine, served, 10)
    spool_printer(engine, home, folder)
    manager = FakePrintManager(folder, fail={2: "ENCODE_FAILED"})
    manager.start()
    try:
        (outcome,) = run()
    finally:
        manager.stop.set()
        manager.join(5)
    assert (outcome["printed"], outcome["spoiled"], outcome["stopped"]) == (2, 1, None)
    cards = all_cards(engine)
    assert [t["job"] for t in manager.seen] == [c.card_ref for c in cards]
    assert all(t["copies"] == 1 for t in manager.seen)
    assert [(c.state, c.chip_id, c.driver_job_id) for c in cards] == [
        ("printed", "CHIP0001", cards[0].card_ref),
        ("spoiled", None, cards[1].card_ref),
        ("printed", "CHIP0003", cards[2].card_ref),
    ]
    assert (cards[1].fault, cards[1].spoil_cause) == ("ENCODE_FAILED", "GAGAL_ENCODE")
    states = record_states(engine)
    assert [states[c.record_id] for c in cards] == ["printed", "queued", "printed"]
    assert sorted(states) == sorted(ids)
    assert on_hand(engine) == 10 - 3
    assert_exactly_once(engine)


def test_a_stopped_hot_folder_printer_refuses_the_card_and_its_blank_goes_back(
    engine, served, home, tmp_path, run
):
    folder = tmp_path / "hotfolder"
    (folder / "in").mkdir(parents=True)
    (folder / "status.json").write_text(
        json.dumps({"state": "stopped", "reasons": ["media-jam-error"], "ribbon_percent": 40})
    )
    with pytest.raises(PrinterFault) as caught:
        SpoolDriver(f"spool://{folder}").submit(job_name="K00000001-1", pdf=b"%PDF-1.4")
    assert caught.value.fault is Fault.JAM
    assert list((folder / "in").iterdir()) == []

    ids = ingest(engine, served, home, tmp_path, [make_row() for _ in range(2)])
    receive(engine, served, 10)
    spool_printer(engine, home, folder)
    (outcome,) = run()
    assert (outcome["printed"], outcome["stopped"], outcome["released"]) == (0, "printer", 2)
    (card,) = all_cards(engine)
    assert card.state == "void" and card.submitted_at is None
    kinds = [(m.kind, m.delta_on_hand) for m in movements(engine, card.card_ref)]
    assert kinds == [("CONSUMED", -1), ("CONSUMED", 1)]  # the consumption reversed
    assert on_hand(engine) == 10
    assert {record_states(engine)[i] for i in ids} == {"queued"}
    assert record(engine, card.record_id).attempts == 0  # no card was spoiled
    assert printer_row(engine, "spool-1").state == "maintenance"
    assert list((folder / "in").iterdir()) == []
    assert_exactly_once(engine)


def test_an_operator_requeues_a_record_that_needs_attention(engine, served):
    from cetak.lifecycle import IllegalTransition, RecordState
    from cetak.records import requeue, transition

    with write_session(engine) as s:
        s.add(
            Batch(
                batch_id="B1",
                kode_wilayah="33.10",
                jumlah_record=1,
                ack_json="{}",
                source_name="B1",
                archive_path="x",
            )
        )
        s.flush()
        row = make_row()
        rec = Record(**{**row, "batch_id": "B1", "row_number": 1, "state": "queued"})
        s.add(rec)
        s.flush()
        transition(
            s,
            [rec.id],
            RecordState.NEEDS_ATTENTION,
            actor="t",
            reason="3x gagal",
            extra={"attempts": 3},
        )
    with write_session(engine) as s:
        assert requeue(s, [row["prr_id"]], actor="op", reason="printer dibersihkan") == 1
    with write_session(engine) as s:
        again = s.get(Record, rec.id)
        assert (again.state, again.attempts) == ("queued", 0)
        with pytest.raises(IllegalTransition):
            requeue(s, [row["prr_id"]], actor="op", reason="lagi")
