"""The print lease: a worker waiting on a slow card keeps its job; a dead one loses it.

A claim holds a job for ``lease`` (``CETAK_PRINT_LEASE_S``). A card can take longer than
that at the printer, so the worker renews the lease while it waits; a second runner must
not take the job over meanwhile (it would settle the same card again). When the worker
is killed, its lease runs out and another runner resumes the job, and a run finding the
job held waits for the lease rather than leave the printer idle until its next run.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import Session, select

from cetak.db import write_session
from cetak.models import Record, utcnow
from printers import jobs, planning, production
from printers.models import Card, PrintJob

from factory import queued_on_one_printer

LEASE = timedelta(seconds=2)

RUNNER = """
import sys
from datetime import timedelta
from cetak.db import make_engine
from cetak.installation import load_installation
from cetak.settings import Settings
from printers import production
s = Settings()
engine = make_engine(s.url)
outcome = production.run_job(
    engine, job_id=int(sys.argv[1]), served=load_installation(engine),
    state_root=s.resolved_home, worker="w1", poll_interval=0.05,
    lease=timedelta(seconds=float(sys.argv[2])),
)
print("outcome", outcome, flush=True)
"""


def one_job(engine, served, home, tmp_path: Path, seconds: float, records: int = 1) -> int:
    """``records`` queued records planned as one job on a printer taking ``seconds``."""
    queued_on_one_printer(engine, served, home, tmp_path, records=records, seconds=seconds)
    with write_session(engine) as s:
        now = utcnow()
        (job_id,) = planning.plan_run(
            s, today=served.today(now), now=now, max_cards=None, actor="t"
        )
    return job_id


def job_row(engine, job_id: int) -> PrintJob:
    with Session(engine) as s:
        job = s.get(PrintJob, job_id)
        assert job is not None
        return job


def cards(engine) -> list[Card]:
    with Session(engine) as s:
        return list(s.exec(select(Card).order_by(Card.id)))  # type: ignore[arg-type]


def journal_names(home) -> list[str]:
    path = home.resolved_home / "simulated" / "sim-1" / "journal.jsonl"
    entries = [json.loads(line) for line in path.read_text().splitlines()]
    return [e["job"]["name"] for e in entries if "job" in e]


def wait_for(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def test_a_run_finding_its_job_held_waits_for_the_lease_instead_of_leaving_it(
    engine, served, home, tmp_path
):
    job_id = one_job(engine, served, home, tmp_path, seconds=0)
    t0 = utcnow()
    assert jobs.claim(engine, job_id, worker="dead", now=t0, lease=timedelta(seconds=60))
    # The worker was killed: its job is running under a lease nobody renews. A run that
    # finds it must wait for the lease (the flow retries), not skip the job.
    assert jobs.waits_for_printer(engine, job_id, now=t0 + timedelta(seconds=30))
    assert not jobs.waits_for_printer(engine, job_id, now=t0 + timedelta(seconds=61))
    assert jobs.claim(engine, job_id, worker="w2", now=t0 + timedelta(seconds=61))
    assert jobs.waits_for_printer(engine, job_id, now=t0 + timedelta(seconds=62))  # w2's now
    with write_session(engine) as s:
        job = s.get(PrintJob, job_id)
        job.state, job.lease_until = "done", None
    assert not jobs.waits_for_printer(engine, job_id, now=t0 + timedelta(seconds=63))


@pytest.mark.slow
def test_a_worker_that_lost_its_job_leaves_the_card_to_the_new_owner(
    engine, served, home, tmp_path
):
    job_id = one_job(engine, served, home, tmp_path, seconds=3)
    outcomes: list[production.JobOutcome | None] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            outcomes.append(
                production.run_job(
                    engine,
                    job_id=job_id,
                    served=served,
                    state_root=home.resolved_home,
                    worker="w1",
                    poll_interval=0.05,
                    lease=timedelta(seconds=0.6),
                )
            )
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    worker = threading.Thread(target=run)
    worker.start()
    try:
        wait_for(lambda: [c.state for c in cards(engine)] == ["submitted"], 60, "the card sent")
        # w1 stalled past its lease (say a frozen PC) and w2 took the job over meanwhile.
        with write_session(engine) as s:
            s.execute(
                sa.update(PrintJob)
                .where(PrintJob.id == job_id)  # type: ignore[arg-type]
                .values(worker="w2", lease_until=utcnow() + timedelta(minutes=5))
            )
    finally:
        worker.join(60)
    assert errors == [] and not worker.is_alive()
    # w1 noticed at its next renewal: it settled nothing and left the job to w2.
    (card,) = cards(engine)
    assert card.state == "submitted"
    job = job_row(engine, job_id)
    assert (job.state, job.worker, job.printed) == ("running", "w2", 0)
    with Session(engine) as s:
        assert s.get(Record, card.record_id).state == "scheduled"
    assert outcomes and outcomes[0] is not None and outcomes[0].printed == 0


@pytest.mark.slow
def test_the_lease_is_renewed_while_a_slow_card_prints_and_lapses_after_a_kill(
    engine, served, home, tmp_path
):
    # One card takes 8 s at the printer, four times the 2 s lease.
    job_id = one_job(engine, served, home, tmp_path, seconds=8)
    env = dict(os.environ, CETAK_HOME=str(home.resolved_home), CETAK_DATABASE_URL=home.url)
    runner = subprocess.Popen(
        [sys.executable, "-c", RUNNER, str(job_id), str(LEASE.total_seconds())],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_for(lambda: [c.state for c in cards(engine)] == ["submitted"], 60, "the card sent")
        # For three leases while w1 waits on the card, nobody else can claim the job.
        watch_until = time.monotonic() + 3 * LEASE.total_seconds()
        while time.monotonic() < watch_until:
            assert not jobs.claim(engine, job_id, worker="w2", lease=LEASE), (
                "a second runner took over a job whose worker is alive"
            )
            assert runner.poll() is None, runner.communicate()
            time.sleep(0.1)
        runner.send_signal(signal.SIGKILL)
        runner.communicate()
        lapses = job_row(engine, job_id).lease_until
        assert lapses is not None
        # The dead worker's lease runs out and the second runner takes the job over.
        deadline = time.monotonic() + LEASE.total_seconds() + 30
        outcome = None
        while outcome is None:
            assert time.monotonic() < deadline, "the job was not taken over after the lease"
            outcome = production.run_job(
                engine,
                job_id=job_id,
                served=served,
                state_root=home.resolved_home,
                worker="w2",
                poll_interval=0.05,
                lease=LEASE,
            )
            if outcome is None:
                time.sleep(0.1)
    finally:
        if runner.poll() is None:
            runner.kill()
            runner.communicate()
    assert utcnow() >= lapses  # taken over once the lease ran out, not before
    assert outcome.printed == 1
    (card,) = cards(engine)
    assert card.state == "printed"
    assert journal_names(home) == [card.card_ref]  # sent once: the new owner asked by name
    job = job_row(engine, job_id)
    assert (job.state, job.worker, job.printed) == ("done", "w2", 1)
