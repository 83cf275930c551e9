"""Exactly once: a print worker killed at any point never prints a record twice, never
consumes a blank twice, and loses no record once the run is resumed.

The simulated printer keeps its job memory on disk, as a real printer does, so the
test can also count what reached the hardware: no card name is submitted twice.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from cetak.db import write_session
from cetak.installation import ServedRegency
from cetak.models import Record
from cetak.settings import Settings
from intake.service import ingest_one
from inventory import ledger
from inventory.models import Movement
from inventory.reconcile import check_lot, ledger_rows
from printers.models import Card
from printers.registry import add_printer

from factory import BatchSpec, make_row

pytestmark = pytest.mark.slow

RECORDS = 150

WORKER = """
import sys
from datetime import timedelta
from cetak.db import make_engine, write_session
from cetak.installation import load_installation
from cetak.models import utcnow
from cetak.settings import Settings
from printers import planning, production
s = Settings()
engine = make_engine(s.url)
served = load_installation(engine)
while True:
    with write_session(engine) as session:
        jobs = planning.unfinished_jobs(session)
        if not jobs:
            now = utcnow()
            jobs = planning.plan_run(session, today=served.today(now), now=now, max_cards=None,
                                     actor="kill-test")
    if not jobs:
        break
    for job_id in jobs:
        production.run_job(engine, job_id=job_id, served=served, state_root=s.resolved_home,
                           worker=sys.argv[1], poll_interval=0.005,
                           lease=timedelta(seconds=0.3))
print("done", flush=True)
"""


def submitted_names(state_root: Path, *, expected: bool = True) -> Counter[str]:
    """How often each job name reached a simulated printer, from the printers' append-only
    journals (a line cut short by a kill was never acknowledged and is skipped, as the
    printer itself skips it). ``expected``: some card reached a printer, so a missing
    journal means the check would check nothing, and fails."""
    journals = sorted((state_root / "simulated").glob("*/journal.jsonl"))
    assert journals or not expected, f"no simulated printer journal in {state_root}"
    names: Counter[str] = Counter()
    for journal in journals:
        for line in journal.read_text().splitlines():
            try:
                job = json.loads(line).get("job")
            except ValueError:
                continue
            if job is not None:
                names[job["name"]] += 1
    return names


def invariants(engine: sa.Engine, state_root: Path) -> dict[str, int]:
    with Session(engine) as s:
        cards = s.execute(sa.select(Card.record_id, Card.card_ref, Card.state)).all()
        records = dict(s.execute(sa.select(Record.id, Record.state)).all())
        moves = s.execute(sa.select(Movement.kind, Movement.card_ref, Movement.delta_on_hand)).all()
        problems = [p for row in ledger_rows(s) for p in check_lot(row)]
    assert problems == [], problems
    # Every printed record has exactly one printed card.
    good = Counter(rid for rid, _, state in cards if state in ("printed", "passed"))
    for rid, state in records.items():
        if state in ("printed", "ready"):
            assert good[rid] == 1, (rid, good[rid])
        else:
            assert good[rid] == 0, (rid, state)
    # Every blank taken belongs to exactly one card, and is counted once.
    net: Counter[str] = Counter()
    for kind, ref, delta in moves:
        if kind == "CONSUMED":
            net[ref] -= delta
    refs = {ref for _, ref, _ in cards}
    assert set(k for k, v in net.items() if v) <= refs
    assert all(v in (0, 1) for v in net.values())
    for _, ref, state in cards:
        assert net[ref] == (1 if state in ("taken", "submitted", "printed", "passed") else 0), (
            ref,
            state,
            net[ref],
        )
    # No card reached the printer twice; every card sent is in a printer's journal and
    # every job a printer took is a card of the database.
    reached = ("submitted", "printed", "passed", "spoiled")
    sent = {ref for _, ref, state in cards if state in reached}
    names = submitted_names(state_root, expected=bool(sent))
    assert all(n == 1 for n in names.values()), [k for k, n in names.items() if n > 1]
    assert sent <= set(names) <= refs, (sent - set(names), set(names) - refs)
    return Counter(records.values())


def _print_room(engine: sa.Engine, served: ServedRegency, home: Settings, tmp_path: Path) -> None:
    """RECORDS records ingested, twice as many blanks, two slow simulated printers that
    fail an encode now and then: what both kill tests print."""
    rows = [make_row() for _ in range(RECORDS)]
    path = BatchSpec(rows=rows).write(tmp_path / "in")
    ingest_one(
        engine=engine,
        path=path,
        served=served,
        home_dirs=(home.archive_dir, home.rejected_dir, home.outbox_dir),
        today=served.today(),
    )
    with write_session(engine) as s:
        ledger.receive_stock(
            s, lot="L1", quantity=RECORDS * 2, actor="t", received_on=served.today()
        )
        for n in (1, 2):
            add_printer(
                s,
                name=f"sim-{n}",
                driver="simulated",
                uri=f"sim://sim-{n}?seed={n}&seconds=0.08&encode_fail=0.05",
                state_root=home.resolved_home,
                rest_after=1000,
            )


def test_killing_the_print_worker_twenty_times_prints_every_record_exactly_once(
    engine, served, home, tmp_path
):
    _print_room(engine, served, home, tmp_path)
    env = dict(os.environ, CETAK_HOME=str(home.resolved_home), CETAK_DATABASE_URL=home.url)
    rng = random.Random(4)
    kills = 0
    for attempt in range(24):
        proc = subprocess.Popen(
            [sys.executable, "-c", WORKER, f"w{attempt}"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        time.sleep(rng.uniform(0.7, 1.5))
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            kills += 1
        _, err = proc.communicate()
        assert proc.returncode in (0, -signal.SIGKILL), err
        time.sleep(0.35)  # let the dead worker's lease run out
        states = invariants(engine, home.resolved_home)
        if states.get("queued", 0) + states.get("scheduled", 0) == 0:
            break
    assert kills >= 20, f"only {kills} kills landed; the run finished too soon: {states}"
    done = subprocess.run(
        [sys.executable, "-c", WORKER, "final"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    states = invariants(engine, home.resolved_home)
    assert states.get("queued", 0) == states.get("scheduled", 0) == 0
    assert states.get("printed", 0) + states.get("needs_attention", 0) == RECORDS


def test_the_printer_check_reads_the_journals_and_fails_without_one(tmp_path):
    from printers.drivers.simulated import SimulatedDriver

    with pytest.raises(AssertionError, match="no simulated printer journal"):
        submitted_names(tmp_path)
    assert submitted_names(tmp_path, expected=False) == Counter()
    printer = SimulatedDriver("sim://sim-1?seed=1", tmp_path / "simulated" / "sim-1")
    for name in ("K00000001-1", "K00000002-1", "K00000001-1"):
        printer.submit(job_name=name, pdf=b"%PDF-1.4 test")
    with (tmp_path / "simulated" / "sim-1" / "journal.jsonl").open("a") as journal:
        journal.write('{"job": {"name": "K0000')  # a line cut short by a kill
    assert submitted_names(tmp_path) == Counter({"K00000001-1": 2, "K00000002-1": 1})


# -- the fast path: printers in worker processes (workflows.print_worker) ---------------------

#: One pass of a print run's printing part through the worker processes that ``print_run``
#: uses for a large run (``min_cards=1``: this small run takes that path too); its outcomes
#: as JSON. Started afresh after each kill, it resumes what a killed one left.
PROCESS_RUN = """
import json, sys
from collections import defaultdict
from cetak.db import make_engine, write_session
from cetak.installation import load_installation
from cetak.models import utcnow
from cetak.settings import Settings
from printers import planning
from printers.models import PrintJob
from workflows import print_worker
s = Settings()
engine = make_engine(s.url)
served = load_installation(engine)
with write_session(engine) as session:
    ids = planning.unfinished_jobs(session)
    if not ids:
        now = utcnow()
        ids = planning.plan_run(session, today=served.today(now), now=now, max_cards=None,
                                actor="kill-test")
    planned = defaultdict(list)
    for job_id in ids:
        planned[session.get(PrintJob, job_id).printer_name].append(job_id)
out = print_worker.print_planned(dict(planned), s, engine=engine, processes=2, min_cards=1)
print(json.dumps(out), flush=True)
"""


def _children(pid: int) -> list[int]:
    """The processes ``pid`` started (from any of its threads), from /proc."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, ValueError):
            continue
    return found


def _cards(engine: sa.Engine) -> int:
    with Session(engine) as s:
        return int(s.execute(sa.select(sa.func.count()).select_from(Card)).scalar_one())


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads /proc (Linux)")
def test_killing_printing_worker_processes_mid_run_prints_every_record_exactly_once(
    engine, served, home, tmp_path
):
    """Kills land while cards are printing: on odd attempts one printing child process
    (the run goes on with its other group and reports the dead one), on even attempts the
    run's own process (its children end with it). Nothing is printed or taken twice."""
    _print_room(engine, served, home, tmp_path)
    env = dict(
        os.environ,
        CETAK_HOME=str(home.resolved_home),
        CETAK_DATABASE_URL=home.url,
        CETAK_PRINT_LEASE_S="0.3",
    )
    rng = random.Random(7)
    child_kills = parent_kills = reported = 0
    for attempt in range(10):
        before = _cards(engine)
        proc = subprocess.Popen(
            [sys.executable, "-c", PROCESS_RUN],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        deadline = time.monotonic() + 120
        while _cards(engine) == before and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)  # until this run takes its first blank
        time.sleep(rng.uniform(0.0, 0.6))
        children = _children(proc.pid)
        if proc.poll() is None and attempt % 2 == 1 and children:
            try:
                os.kill(rng.choice(children), signal.SIGKILL)
                child_kills += 1
            except ProcessLookupError:
                pass
        elif proc.poll() is None and attempt % 2 == 0:
            proc.send_signal(signal.SIGKILL)
            parent_kills += 1
        out, err = proc.communicate(timeout=300)
        assert proc.returncode in (0, -signal.SIGKILL), err
        if proc.returncode == 0:
            outcomes = json.loads(out.strip().splitlines()[-1])
            reported += sum(o["stopped"] == "worker" for o in outcomes)
        time.sleep(0.35)  # let a dead worker's lease run out
        states = invariants(engine, home.resolved_home)
        if states.get("queued", 0) + states.get("scheduled", 0) == 0:
            break
    assert child_kills >= 2 and parent_kills >= 2, (child_kills, parent_kills, states)
    assert reported >= 1  # a killed child is said in the run's outcome, not hidden
    for _ in range(5):  # resume whatever the kills left, through the same path
        done = subprocess.run(
            [sys.executable, "-c", PROCESS_RUN], env=env, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr
        states = invariants(engine, home.resolved_home)
        if states.get("queued", 0) + states.get("scheduled", 0) == 0:
            break
    assert states.get("queued", 0) == states.get("scheduled", 0) == 0
    assert states.get("printed", 0) + states.get("needs_attention", 0) == RECORDS
