"""A print run on a real IPP printer (CUPS's ippeveprinter), including one that stops
mid-batch: the cards printed stay printed, the card in the jammed job is spoiled, the
printer leaves service and the rest of the batch goes back to the queue.
"""

from __future__ import annotations

import os
from datetime import timedelta

import pytest
import sqlalchemy as sa

from cetak.db import write_session
from cetak.models import Record
from intake.service import ingest_one
from inventory import ledger
from printers import planning, production
from printers.models import Card, Printer
from printers.registry import add_printer

from factory import BatchSpec, make_row
from ippserver import find_dbus_daemon, find_ippeveprinter, ippeveprinter, printed, stop_printing

pytestmark = pytest.mark.slow


@pytest.fixture
def ipp_uri(tmp_path):
    if not (find_ippeveprinter() and find_dbus_daemon()):
        if os.environ.get("CI"):
            pytest.fail("cups-ipp-utils and dbus-daemon not installed; .ci/run must install them")
        pytest.skip("ippeveprinter needs cups-ipp-utils and dbus-daemon")
    with ippeveprinter(tmp_path) as (uri, _proc):
        yield uri


def _setup(engine, served, home, tmp_path, uri, records):
    rows = [make_row(kecamatan="33.10.05") for _ in range(records)]
    path = BatchSpec(rows=rows).write(tmp_path / "in")
    ingest_one(
        engine=engine,
        path=path,
        served=served,
        home_dirs=(home.archive_dir, home.rejected_dir, home.outbox_dir),
        today=served.today(),
    )
    with write_session(engine) as s:
        ledger.receive_stock(s, lot="L1", quantity=50, actor="t", received_on=served.today())
        add_printer(s, name="hdp5000", driver="ipp", uri=uri, state_root=home.resolved_home)
    with write_session(engine) as s:
        from cetak.models import utcnow

        now = utcnow()
        return planning.plan_run(s, today=served.today(now), now=now, max_cards=None, actor="t")


def _run(engine, served, home, job_ids):
    return [
        production.run_job(
            engine,
            job_id=j,
            served=served,
            state_root=home.resolved_home,
            worker="t",
            poll_interval=0.05,
            poll_timeout=30,
            lease=timedelta(seconds=30),
        )
        for j in job_ids
    ]


def test_cards_print_on_a_real_ipp_printer(engine, served, home, tmp_path, ipp_uri):
    jobs = _setup(engine, served, home, tmp_path, ipp_uri, 3)
    (outcome,) = _run(engine, served, home, jobs)
    assert outcome.printed == 3 and outcome.stopped is None
    assert len(printed(tmp_path)) == 3  # the printer received three card PDFs
    with engine.connect() as conn:
        states = conn.execute(sa.select(Record.state)).scalars().all()
        cards = conn.execute(sa.select(Card.state, Card.driver_job_id)).all()
    assert states == ["printed"] * 3
    assert all(state == "printed" and job for state, job in cards)


def test_a_printer_that_jams_mid_batch_hands_its_work_back(engine, served, home, tmp_path, ipp_uri):
    jobs = _setup(engine, served, home, tmp_path, ipp_uri, 4)
    stop_printing(tmp_path, "media-jam")
    (outcome,) = _run(engine, served, home, jobs)
    assert outcome.stopped == "printer"
    with engine.connect() as conn:
        states = sorted(conn.execute(sa.select(Record.state)).scalars().all())
        spoiled = conn.execute(sa.select(Card.fault).where(Card.state == "spoiled")).scalars().all()
        printer = conn.execute(sa.select(Printer.state, Printer.retry_at)).one()
    assert states == ["queued"] * 4  # the spoiled card's record and the rest of the batch
    assert spoiled == ["JAM"]
    assert printer.state == "maintenance" and printer.retry_at is not None
