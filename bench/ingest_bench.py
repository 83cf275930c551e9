"""Benchmark: validated ingest of one 200,000-record batch into SQLite, against a floor.

The floor is measured in the same run on the same machine: the same rows, already
parsed, inserted into a table of the same columns with a bare ``sqlite3``
``executemany`` in one transaction. The ingest is the whole service (digest,
streaming parse, every rule, photo checks, records, photos, events, ACK), run in
a child process so that its peak memory is its own.
"""

from __future__ import annotations

import csv
import json
import os
import resource
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHILD = """
import json, sys, time
from datetime import date
from pathlib import Path
from cetak.db import make_engine
from application.installation import initialise
from cetak.regions import load_regency
from cetak.settings import Settings
from intake.service import ingest_one
s = Settings(); s.ensure_dirs()
engine = make_engine(s.url)
served, _ = initialise(engine, load_regency("33.10"))
t0 = time.perf_counter()
ack = ingest_one(engine=engine, path=Path(sys.argv[1]), served=served,
                 home_dirs=(s.archive_dir, s.rejected_dir, s.outbox_dir), today=date.today())
elapsed = time.perf_counter() - t0
# VmHWM, not ru_maxrss: the latter also counts the parent's pages shared before exec.
status = open("/proc/self/status").read()
peak_mb = int(status.split("VmHWM:")[1].split()[0]) / 1024
print(json.dumps({"seconds": elapsed, "peak_mb": peak_mb, "ack": ack}))
"""


def floor(batch: Path, db: Path) -> tuple[float, int]:
    with open(batch / "records.csv", encoding="utf-8-sig", newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        rows = [r for r in reader if r]
    con = sqlite3.connect(db)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=NORMAL")
    cols = ", ".join(f'"{c}" TEXT' for c in header)
    con.execute(f"CREATE TABLE record (id INTEGER PRIMARY KEY, {cols})")
    marks = ", ".join("?" for _ in header)
    names = ", ".join(f'"{c}"' for c in header)
    t0 = time.perf_counter()
    with con:
        con.executemany(f"INSERT INTO record ({names}) VALUES ({marks})", rows)
    elapsed = time.perf_counter() - t0
    con.close()
    return elapsed, len(rows)


def run(records: int, work: Path) -> dict:
    from cetak.regions import load_regency
    from demo.feed import generate_feed

    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    t0 = time.perf_counter()
    (batch,) = generate_feed(
        regency=load_regency("33.10"),
        records=records,
        out=work / "feed",
        seed=2026,
        batch_size=records,
    )
    generated = time.perf_counter() - t0
    floor_s, n = floor(batch.path, work / "floor.db")
    env = dict(os.environ, CETAK_HOME=str(work / "home"))
    env.pop("CETAK_DATABASE_URL", None)
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, str(batch.path)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    child = json.loads(proc.stdout.strip().splitlines()[-1])
    return {
        "records": n,
        "generate_s": generated,
        "floor_s": floor_s,
        "floor_rps": n / floor_s,
        "ingest_s": child["seconds"],
        "ingest_rps": n / child["seconds"],
        "ratio": child["seconds"] / floor_s,
        "peak_mb": child["peak_mb"],
        "ack": child["ack"],
        "self_peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }
