"""A process killed at any moment of an ingest leaves each batch whole or absent.

Running the ingest again finishes the job: the batch is stored once, its ACK
written and the delivery filed. The worker script announces each step and every
chunk of rows it stores; the test kills it with SIGKILL right after a randomly
chosen announcement, so kills land in every phase however fast the machine is.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys

import pytest
import sqlalchemy as sa

from cetak.models import Batch, Record, RecordEvent, RecordPhoto

from factory import BatchSpec, make_row

pytestmark = pytest.mark.slow

BATCH_ID = "PRR-3310-20261122-0001"
ROWS = 4000

WORKER = """
import sys
from datetime import date
from pathlib import Path
from cetak.db import make_engine
from cetak.installation import load_installation
from cetak.settings import Settings
from intake import progress, service

def say(what):
    print(what, flush=True)

s = Settings()
s.ensure_dirs()
engine = make_engine(s.url)
served = load_installation(engine)
path = Path(sys.argv[1])
checked = service.check_delivery(engine=engine, path=path, served=served)
say("checked")
with progress.reporting_to(lambda batch, done, total: say(f"rows {done}")):
    result = service.settle(engine=engine, checked=checked, served=served,
                            archive_dir=s.archive_dir, rejected_dir=s.rejected_dir,
                            today=date(2026, 11, 24))
say("stored")
service.write_ack(result.ack, s.outbox_dir)
say("acked")
service.file_delivery(checked.path, result.file_to)
say("filed")
"""

BEFORE_COMMIT = ["checked", "rows 2000", "rows 4000"]
AFTER_COMMIT = ["checked", "stored", "acked"]


def _counts(engine: sa.Engine) -> tuple[int, int, int, int]:
    with engine.connect() as conn:

        def count(model, *where):
            query = sa.select(sa.func.count()).select_from(model).where(*where)
            return conn.execute(query).scalar()

        return (
            count(Batch, Batch.batch_id == BATCH_ID),
            count(Record, Record.batch_id == BATCH_ID),
            count(RecordEvent),
            count(RecordPhoto),
        )


def assert_whole_or_absent(engine: sa.Engine, rows: int = ROWS) -> bool:
    batches, records, events, photos = _counts(engine)
    assert (batches, records, events, photos) in {(0, 0, 0, 0), (1, rows, rows, rows)}, (
        f"half a batch: batch={batches} records={records} events={events} photos={photos}"
    )
    return batches == 1


def _env(home, **extra: str) -> dict[str, str]:
    return dict(
        os.environ, CETAK_HOME=str(home.resolved_home), CETAK_DATABASE_URL=home.url, **extra
    )


def _run_until(cmd: list[str], env: dict[str, str], marker: str, stream: str = "stdout") -> bool:
    """Run ``cmd``; SIGKILL it as soon as a line containing ``marker`` appears. Killed?"""
    proc = subprocess.Popen(
        cmd,
        env=env,
        text=True,
        stdout=subprocess.PIPE if stream == "stdout" else subprocess.DEVNULL,
        stderr=subprocess.PIPE if stream == "stderr" else subprocess.DEVNULL,
    )
    pipe = proc.stdout if stream == "stdout" else proc.stderr
    assert pipe is not None
    killed = False
    for line in pipe:
        if marker in line:
            proc.send_signal(signal.SIGKILL)
            killed = True
            break
    proc.wait(timeout=120)
    pipe.close()
    return killed


def test_killing_the_ingest_in_every_phase_never_leaves_half_a_batch(
    engine, served, home, tmp_path
):
    pristine = BatchSpec(batch_id=BATCH_ID, rows=[make_row() for _ in range(ROWS)]).write(
        tmp_path / "pristine"
    )
    source = tmp_path / "inbox" / BATCH_ID
    shutil.copytree(pristine, source)
    rng = random.Random(20261124)
    # Kills before the commit first (each leaves nothing), one right after it, then
    # kills of the re-runs that only have the ACK and the filing left to do.
    before, after = BEFORE_COMMIT * 3, AFTER_COMMIT * 2
    rng.shuffle(before)
    rng.shuffle(after)
    plan = [*before, "stored", *after]
    env = _env(home)
    kills = 0
    for marker in plan:
        if not source.exists():  # filed: the operator copies the delivery in again
            shutil.copytree(pristine, source)
        kills += _run_until([sys.executable, "-c", WORKER, str(source)], env, marker)
        assert_whole_or_absent(engine)
    assert kills == len(plan)

    if not source.exists():
        shutil.copytree(pristine, source)
    subprocess.run(
        [sys.executable, "-c", WORKER, str(source)], env=env, check=True, capture_output=True
    )
    assert assert_whole_or_absent(engine)
    ack = json.loads((home.outbox_dir / f"ACK-{BATCH_ID}.json").read_text())
    assert ack["status"] == "ACCEPTED" and ack["queued"] == ROWS
    assert not source.exists()
    assert (home.archive_dir / BATCH_ID / "records.csv").exists()
    # Nothing from central was deleted: every copy delivered is in the archive.
    assert all((p / "records.csv").exists() for p in home.archive_dir.iterdir())


def test_killing_the_cli_flow_mid_store_then_rerunning_finishes_the_job(
    engine, served, home, tmp_path, prefect_api
):
    batch = BatchSpec(batch_id=BATCH_ID, rows=[make_row() for _ in range(ROWS)]).write(
        tmp_path / "inbox"
    )
    env = _env(home, PREFECT_API_URL=prefect_api, PREFECT_LOGGING_LEVEL="INFO")
    # --verbose: the task log lines (Prefect's own, hidden by default) mark the moment to kill.
    cmd = [sys.executable, "-m", "cetak", "--verbose", "ingest", str(batch), "--json"]
    # The check task has finished: the store step (one transaction) is under way.
    assert _run_until(cmd, env, "read-and-check-batch", stream="stderr")
    assert not assert_whole_or_absent(engine)

    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=180, check=True)
    acks = json.loads(done.stdout)
    assert [a["batch_id"] for a in acks] == [BATCH_ID]
    assert acks[0]["queued"] == ROWS
    assert assert_whole_or_absent(engine)
