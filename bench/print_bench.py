"""Benchmark: 10,000 cards through ``print_run`` with zero-latency simulated printers.

Reports cards per second and the software's time per card (rendering, ledger,
state changes, orchestration) next to the fastest physical printer's 12 s per
card (300 cards an hour), and the scheduler planning 100,000 queued records over
20 printers.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PHYSICAL_SECONDS_PER_CARD = 12.0

CHILD = """
import json, sys, time
from cetak.settings import Settings
from workflows.printing import print_run
t0 = time.perf_counter()
summary = print_run(max_cards=int(sys.argv[1]))
print(json.dumps({"seconds": time.perf_counter() - t0, "printed": summary["printed"],
                  "spoiled": summary["spoiled"]}))
"""


def _prepare(home: Path, cards: int) -> dict[str, str]:
    from application.installation import initialise
    from cetak.db import make_engine, write_session
    from cetak.regions import load_regency
    from demo.feed import generate_feed
    from intake.service import ingest_one
    from inventory import ledger
    from printers.registry import add_printer

    env = dict(
        os.environ,
        CETAK_HOME=str(home),
        PREFECT_HOME=str(home / "prefect"),
        PREFECT_SERVER_ANALYTICS_ENABLED="false",
        PREFECT_LOGGING_LEVEL="WARNING",
        PREFECT_SERVER_LOGGING_LEVEL="CRITICAL",
    )
    env.pop("CETAK_DATABASE_URL", None)
    home.mkdir(parents=True, exist_ok=True)
    engine = make_engine(f"sqlite:///{home / 'cetak.db'}")
    served, _ = initialise(engine, load_regency("33.10"))
    batches = generate_feed(
        regency=load_regency("33.10"),
        records=int(cards * 1.1),
        out=home / "feed",
        seed=11,
        batch_size=5000,
        defect_rate=0.0,
    )
    for b in batches:
        ingest_one(
            engine=engine,
            path=b.path,
            served=served,
            home_dirs=(home / "archive", home / "rejected", home / "outbox"),
            today=served.today(),
        )
    with write_session(engine) as s:
        ledger.receive_stock(
            s, lot="BENCH", quantity=cards, actor="bench", received_on=served.today()
        )
        for n in range(4):
            add_printer(
                s,
                name=f"sim-{n}",
                driver="simulated",
                uri=f"sim://sim-{n}?seed={n}",
                state_root=home,
                daily_limit=100_000,
                rest_after=100_000,
            )
    engine.dispose()
    return env


def scheduler_100k() -> float:
    from printers.scheduler import PrinterSlot, QueuedRecord, plan

    now = datetime.now(UTC)
    kinds = ["BARU"] * 8 + ["RUSAK", "HILANG"]
    queue = [
        QueuedRecord(i, f"33.10.{i % 26 + 1:02d}", kinds[i % 10], now - timedelta(minutes=i))
        for i in range(100_000)
    ]
    printers = [
        PrinterSlot(f"p{n:02d}", "online", 100_000, 0, 100_000, 0, None, None) for n in range(20)
    ]
    best = float("inf")
    for _ in range(5):
        t0 = time.perf_counter()
        plan(queue, printers, blanks_on_hand=100_000, now=now)
        best = min(best, time.perf_counter() - t0)
    return best


def run(work: Path, cards: int = 10_000) -> dict:
    import shutil

    shutil.rmtree(work, ignore_errors=True)
    env = _prepare(work / "home", cards)
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, str(cards)],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    child = json.loads(proc.stdout.strip().splitlines()[-1])
    per_card = child["seconds"] / max(child["printed"], 1)
    return {
        "cards": child["printed"],
        "seconds": child["seconds"],
        "cards_per_s": child["printed"] / child["seconds"],
        "ms_per_card": per_card * 1000,
        "share_of_physical": per_card / PHYSICAL_SECONDS_PER_CARD,
        "scheduler_100k_s": scheduler_100k(),
    }
