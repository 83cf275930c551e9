"""Benchmark: the blank ledger.

1. Reads stay flat: a balance and the reorder position read at 1,000 and at
   1,000,000 movements (the position aggregates only the usage window; the
   balance is a cached row).
2. Consumption throughput: ``consume_blank`` in its own transaction each, by one
   process and by four at once, on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.append(str(ROOT / "tests"))  # after bench/ (both have a dashboard_seed)


def _setup(url: str):
    from application.installation import initialise
    from cetak.db import make_engine, write_session
    from cetak.regions import load_regency
    from inventory import ledger

    engine = make_engine(url)
    served, _ = initialise(engine, load_regency("33.10"))
    with write_session(engine) as s:
        ledger.receive_stock(
            s, lot="BENCH-LOT", quantity=10_000_000, actor="bench", received_on=date(2025, 1, 1)
        )
    return engine, served


def _bulk_consumptions(engine, n: int, start_id: int, *, older_than_days: int = 0) -> None:
    """Append ``n`` CONSUMED movements, cache kept equal.

    Recent ones (``older_than_days=0``) fall inside the usage window, spread over its
    27 days; history (``older_than_days=40``) lies before it, spread over ten years.
    """
    from inventory.models import Balance, Movement

    mov, bal = Movement.__table__, Balance.__table__
    now = datetime.now(UTC)
    span_minutes = 27 * 24 * 60 if older_than_days == 0 else 10 * 365 * 24 * 60
    chunk = 20_000
    with engine.begin() as conn:
        for base in range(0, n, chunk):
            rows = [
                {
                    "idempotency_key": f"bench:{start_id + i}",
                    "kind": "CONSUMED",
                    "site_code": "DISDUKCAPIL",
                    "lot_code": "BENCH-LOT",
                    "delta_on_hand": -1,
                    "delta_spoiled": 0,
                    "card_ref": f"bench-{start_id + i}",
                    "actor": "bench",
                    "at": now
                    - timedelta(days=older_than_days)
                    - timedelta(minutes=(start_id + i) % (span_minutes)),
                }
                for i in range(base, min(n, base + chunk))
            ]
            conn.execute(sa.insert(mov), rows)
        conn.execute(sa.update(bal).values(on_hand=bal.c.on_hand - n))


def _time(fn, repeat: int = 15) -> float:
    samples = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t0)
    return statistics.median(samples)


def reads(url: str) -> dict[str, float]:
    from sqlmodel import Session

    from cetak.settings import Settings
    from inventory import queries, reorder

    engine, served = _setup(url)
    settings = Settings()
    today = served.today()

    def balance():
        with Session(engine) as s:
            queries.totals(s)

    def position():
        with Session(engine) as s:
            reorder.position(s, settings=settings, served=served, today=today)

    _bulk_consumptions(engine, 1_000, 0)
    small = {"balance_ms": _time(balance) * 1000, "position_ms": _time(position) * 1000}
    # The same recent window, now behind ten years of history.
    _bulk_consumptions(engine, 999_000, 1_000, older_than_days=40)
    with engine.connect() as conn:
        total = conn.execute(sa.text("SELECT count(*) FROM movement")).scalar()
        if engine.dialect.name == "postgresql":
            conn.execute(sa.text("ANALYZE"))
    large = {"balance_ms": _time(balance) * 1000, "position_ms": _time(position) * 1000}
    engine.dispose()
    return {
        "movements_large": total,
        **{f"{k}_1k": v for k, v in small.items()},
        **{f"{k}_1m": v for k, v in large.items()},
    }


WORKER = """
import json, sys, time
from cetak.db import make_engine, write_session
from inventory import ledger
url, name, n, start_at = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
engine = make_engine(url)
while time.time() < start_at:
    time.sleep(0.001)
t0 = time.perf_counter()
for i in range(n):
    with write_session(engine) as s:
        ledger.consume_blank(s, card_ref=f"{name}-{i}", actor=name)
print(json.dumps({"seconds": time.perf_counter() - t0, "n": n}))
"""


def throughput(url: str, processes: int, per_process: int) -> float:
    start_at = time.time() + 2.5
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                WORKER,
                url,
                f"p{processes}-{k}",
                str(per_process),
                str(start_at),
            ],
            stdout=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        for k in range(processes)
    ]
    results = [json.loads(p.communicate()[0].strip().splitlines()[-1]) for p in procs]
    wall = max(r["seconds"] for r in results)
    return sum(r["n"] for r in results) / wall


def run(work: Path) -> dict:
    import shutil

    from pgserver import with_databases

    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    out: dict = {}
    sqlite_url = f"sqlite:///{work / 'reads.db'}"
    out["sqlite_reads"] = reads(sqlite_url)
    tput_url = f"sqlite:///{work / 'tput.db'}"
    engine, _ = _setup(tput_url)
    engine.dispose()
    out["sqlite_1"] = throughput(tput_url, 1, 2000)
    out["sqlite_4"] = throughput(tput_url, 4, 500)
    with with_databases("reads", "tput") as server:
        if server is not None:
            out["pg_reads"] = reads(server.url("reads"))
            engine, _ = _setup(server.url("tput"))
            engine.dispose()
            out["pg_1"] = throughput(server.url("tput"), 1, 2000)
            out["pg_4"] = throughput(server.url("tput"), 4, 500)
    return out
