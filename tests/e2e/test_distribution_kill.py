"""``cetak dispatch`` killed at random moments, again and again: a card is never packed
twice or lost between states, shipments hold exactly their cards, and the next run
finishes the work (manifests included) as if nothing had happened."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time

import pytest
import sqlalchemy as sa

from cetak.db import write_session
from distribution.models import Shipment, ShipmentCard
from printers import qc
from printers.models import Card

from clihelp import run_cli
from factory import ingest, make_row, receive, sim_printer

pytestmark = pytest.mark.slow

RECORD_OF_CARD = "SELECT state FROM record WHERE id = card.record_id"


@pytest.fixture
def db_url(sqlite_url: str) -> str:
    return sqlite_url


def check(engine) -> None:
    with engine.connect() as conn:
        per_card = conn.execute(
            sa.select(ShipmentCard.card_id, sa.func.count()).group_by(ShipmentCard.card_id)
        ).all()
        assert {n for _, n in per_card} <= {1}, "a card packed twice"
        in_boxes = conn.execute(
            sa.select(sa.func.count()).select_from(Card).where(Card.shipment_id.is_not(None))
        ).scalar()
        assert in_boxes == len(per_card)
        counts = conn.execute(
            sa.select(Shipment.cards, sa.func.count(ShipmentCard.card_id))
            .join(ShipmentCard, ShipmentCard.shipment_id == Shipment.id)
            .group_by(Shipment.id)
        ).all()
        assert all(a == b for a, b in counts), "a shipment's count differs from its cards"
        pairs = conn.exec_driver_sql(
            f"SELECT card.state, ({RECORD_OF_CARD}) FROM card WHERE card.state != 'spoiled'"
        ).all()
        allowed = {("passed", "ready"), ("packed", "packed"), ("dispatched", "dispatched")}
        assert set(pairs) <= allowed, set(pairs) - allowed


def test_dispatch_killed_anywhere_packs_each_card_once(
    engine,
    served,
    home,
    tmp_path,
    run,
):
    kecs = [f"33.10.{i:02d}" for i in range(1, 27)]
    ingest(engine, served, home, tmp_path, [make_row(kecamatan=kecs[i % 26]) for i in range(120)])
    receive(engine, served, 150)
    sim_printer(engine, home, "p1")
    run()
    with write_session(engine) as s:
        qc.auto_pass(s)
    env = dict(os.environ, CETAK_HOME=str(home.resolved_home), CETAK_DATABASE_URL=home.url)
    rng = random.Random(7)
    killed = 0
    for i in range(10):
        proc = subprocess.Popen(
            [sys.executable, "-m", "cetak", "dispatch", "--pack-only", "--kecamatan", kecs[i]],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(rng.uniform(0.8, 2.5))
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            killed += 1
        proc.wait()
        check(engine)
    assert killed >= 3  # enough of them died mid-way to mean something
    run_cli("dispatch", env=env)
    check(engine)
    with engine.connect() as conn:
        states = dict(
            conn.execute(sa.select(Card.state, sa.func.count()).group_by(Card.state)).all()
        )
        manifests = conn.execute(
            sa.select(sa.func.count()).where(Shipment.manifest_path.is_(None))
        ).scalar()
    assert states.get("dispatched", 0) >= 90 and states.get("passed", 0) == 0
    assert manifests == 0
