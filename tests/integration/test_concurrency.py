"""Workers side by side: no blank consumed twice, no balance below zero.

Eight processes consume from the same two lots at once on a real PostgreSQL
(and four on SQLite, whose writers are serialized). Every worker also posts
keys that all the others post too, as retried tasks would: each key must be
consumed exactly once, and the blanks taken must equal the stock received.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa

from cetak.db import write_session
from inventory import ledger
from inventory.models import Balance, Movement
from inventory.reconcile import check_lot, ledger_rows

pytestmark = pytest.mark.slow

WORKER = """
import json, sys, time
from cetak.db import make_engine, write_session
from inventory import ledger
from inventory.errors import InsufficientStock
name, url, start_at = sys.argv[1], sys.argv[2], float(sys.argv[3])
engine = make_engine(url)
taken, refused, i = [], 0, 0
while time.time() < start_at:
    time.sleep(0.001)
while True:
    # Every third card is one that every worker tries (a retried task on another worker).
    card = f"shared-{i // 3}" if i % 3 == 0 else f"{name}-{i}"
    i += 1
    try:
        with write_session(engine) as s:
            m = ledger.consume_blank(s, card_ref=card, actor=name)
            taken.append([card, m.id])
    except InsufficientStock:
        refused += 1
        if refused >= 3:
            break
print(json.dumps({"taken": taken}))
"""


def _run_workers(url: str, count: int, tmp_path: Path) -> list[dict]:
    start_at = time.time() + 3.0  # every worker imported and connected before the start
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, f"w{n}", url, str(start_at)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(count)
    ]
    results = []
    for proc in procs:
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
        results.append(json.loads(out.strip().splitlines()[-1]))
    return results


def _check(engine: sa.Engine, received: int, results: list[dict]) -> None:
    with engine.connect() as conn:
        consumed = conn.execute(
            sa.select(Movement.card_ref, sa.func.count())
            .where(Movement.kind == "CONSUMED")
            .group_by(Movement.card_ref)
        ).all()
        balances = conn.execute(sa.select(Balance.lot_code, Balance.on_hand)).all()
    # Each card consumed exactly once, and exactly the stock received.
    assert all(n == 1 for _, n in consumed)
    assert len(consumed) == received
    assert all(on_hand == 0 for _, on_hand in balances)
    # Workers that posted the same card got the same movement back.
    by_card: dict[str, set[int]] = {}
    for r in results:
        for card, movement_id in r["taken"]:
            by_card.setdefault(card, set()).add(movement_id)
    assert all(len(ids) == 1 for ids in by_card.values())
    assert len(by_card) == received
    with sa.orm.Session(engine) as session:
        assert [p for row in ledger_rows(session) for p in check_lot(row)] == []


def _stock(engine: sa.Engine, lots: dict[str, int]) -> int:
    with write_session(engine) as s:
        for n, (lot, qty) in enumerate(lots.items()):
            ledger.receive_stock(
                s, lot=lot, quantity=qty, actor="test", received_on=date(2026, 11, 1 + n)
            )
    return sum(lots.values())


@pytest.mark.postgres
def test_eight_workers_on_postgresql_never_consume_a_blank_twice(pg_url, tmp_path):
    from application.installation import initialise
    from cetak.db import make_engine
    from cetak.regions import load_regency

    engine = make_engine(pg_url)
    initialise(engine, load_regency("33.10"))
    received = _stock(engine, {"LOT-A": 150, "LOT-B": 250})
    results = _run_workers(pg_url, 8, tmp_path)
    assert sum(1 for r in results if r["taken"]) >= 4, "the workers did not overlap"
    _check(engine, received, results)
    engine.dispose()


def test_four_workers_on_sqlite_are_serialized_without_losing_a_blank(sqlite_url, tmp_path):
    from application.installation import initialise
    from cetak.db import make_engine
    from cetak.regions import load_regency

    engine = make_engine(sqlite_url)
    initialise(engine, load_regency("33.10"))
    received = _stock(engine, {"LOT-A": 60, "LOT-B": 90})
    results = _run_workers(sqlite_url, 4, tmp_path)
    _check(engine, received, results)
    engine.dispose()
