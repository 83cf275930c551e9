"""A process killed at any moment of an ingest leaves each batch whole or absent.

Running the ingest again finishes the job: the batch is stored once, its ACK
written and the delivery filed.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from factory import BatchSpec, make_row

from cetak.models import Batch, Record, RecordEvent, RecordPhoto

pytestmark = pytest.mark.slow

BATCH_ID = "PRR-3310-20261122-0001"

SERVICE_SCRIPT = """
import sys
from datetime import date
from pathlib import Path
from cetak.db import make_engine
from cetak.installation import load_installation
from cetak.settings import Settings
from intake.service import ingest_one
s = Settings()
s.ensure_dirs()
engine = make_engine(s.url)
ingest_one(engine=engine, path=Path(sys.argv[1]), served=load_installation(engine),
           home_dirs=(s.archive_dir, s.rejected_dir, s.outbox_dir), today=date(2026, 11, 24))
"""


def _counts(engine: sa.Engine) -> tuple[int, int, int, int]:
    with engine.connect() as conn:
        def count(model, *where):
            return conn.execute(sa.select(sa.func.count()).select_from(model).where(*where)).scalar()

        return (
            count(Batch, Batch.batch_id == BATCH_ID),
            count(Record, Record.batch_id == BATCH_ID),
            count(RecordEvent),
            count(RecordPhoto),
        )


def assert_whole_or_absent(engine: sa.Engine, rows: int) -> bool:
    batches, records, events, photos = _counts(engine)
    assert (batches, records, events, photos) in {(0, 0, 0, 0), (1, rows, rows, rows)}, (
        f"half a batch: batch={batches} records={records} events={events} photos={photos}"
    )
    return batches == 1


def _env(home) -> dict[str, str]:
    env = dict(os.environ)
    env.update(CETAK_HOME=str(home.resolved_home), CETAK_DATABASE_URL=home.url)
    return env


def test_killing_the_ingest_at_random_moments_never_leaves_half_a_batch(
    engine, served, home, tmp_path
):
    rows = 8000
    source = BatchSpec(batch_id=BATCH_ID, rows=[make_row() for _ in range(rows)]).write(
        tmp_path / "inbox"
    )
    rng = random.Random(20261124)
    env = _env(home)
    kills = 0
    stored_seen = False
    for _ in range(15):
        if not source.exists():
            break
        proc = subprocess.Popen([sys.executable, "-c", SERVICE_SCRIPT, str(source)], env=env)
        time.sleep(rng.uniform(0.2, 2.5))
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            kills += 1
        proc.wait()
        stored_seen = assert_whole_or_absent(engine, rows) or stored_seen
    assert kills >= 5, "the ingest finished too fast to be killed; make the batch larger"

    # Running again finishes the job, whatever state the kills left.
    if source.exists():
        subprocess.run([sys.executable, "-c", SERVICE_SCRIPT, str(source)], env=env, check=True)
    assert assert_whole_or_absent(engine, rows)
    ack = json.loads((home.outbox_dir / f"ACK-{BATCH_ID}.json").read_text())
    assert ack["status"] == "ACCEPTED" and ack["queued"] == rows
    assert not source.exists()
    assert (home.archive_dir / BATCH_ID / "records.csv").exists()


def test_killing_the_cli_flow_mid_batch_then_rerunning_finishes_the_job(
    engine, served, home, tmp_path, prefect_api
):
    rows = 3000
    inbox = tmp_path / "inbox"
    BatchSpec(batch_id=BATCH_ID, rows=[make_row() for _ in range(rows)]).write(inbox)
    env = _env(home) | {"PREFECT_API_URL": prefect_api}
    cmd = [sys.executable, "-m", "cetak", "ingest", str(inbox), "--json"]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    # Kill once the store step has begun: the database write lock is taken then.
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        if _store_started(home):
            break
        time.sleep(0.05)
    time.sleep(0.2)
    if proc.poll() is None:
        proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert_whole_or_absent(engine, rows)

    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=180, check=True)
    acks = json.loads(done.stdout)
    assert [a["batch_id"] for a in acks] == [BATCH_ID]
    assert assert_whole_or_absent(engine, rows)
    assert acks[0]["queued"] == rows


def _store_started(home) -> bool:
    """True once the ingest process holds an open write transaction (WAL has grown)."""
    if home.url.startswith("sqlite"):
        wal = Path(home.url.removeprefix("sqlite:///") + "-wal")
        return wal.exists() and wal.stat().st_size > 64 * 1024
    eng = sa.create_engine(home.url)
    try:
        with eng.connect() as conn:
            return bool(
                conn.execute(
                    sa.text(
                        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted"
                    )
                ).scalar()
            )
    finally:
        eng.dispose()
