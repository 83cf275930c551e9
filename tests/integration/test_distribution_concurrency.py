"""Distribution workers side by side: four processes pack, dispatch, receive and hand over
the same cards at once (as overlapping flow runs and two counter PCs would). Every card
ends in exactly one shipment, every shipment is received once, every card collected once.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time

import pytest
import sqlalchemy as sa

from cetak.db import write_session
from cetak.models import RecordEvent
from distribution.models import Collection, Shipment, ShipmentCard
from printers import qc
from printers.models import Card

from factory import ingest, make_row, receive, sim_printer

pytestmark = pytest.mark.slow

WORKER = """
import json, sys, time
from cetak.db import LOCK_DISTRIBUTION, make_engine, write_session
from cetak.installation import load_installation
from distribution import handover, service
from distribution.errors import DistributionError
name, url, start_at, niks = sys.argv[1], sys.argv[2], float(sys.argv[3]), json.loads(sys.argv[4])
engine = make_engine(url)
served = load_installation(engine)
done = {"packed": [], "received": [], "collected": [], "refused": 0}
while time.time() < start_at:
    time.sleep(0.001)
def w():
    return write_session(engine, lock=LOCK_DISTRIBUTION)
for kec in (None, "33.10.05", "33.10.04", None):
    try:
        with w() as s:
            packed = service.pack(s, served, actor=name, kecamatan=kec)
            service.dispatch(s, actor=name, numbers=[p.number for p in packed])
            done["packed"] += [p.number for p in packed]
    except DistributionError:
        done["refused"] += 1
with engine.connect() as c:
    numbers = [r[0] for r in c.exec_driver_sql("SELECT number FROM shipment ORDER BY id")]
for number in numbers:
    try:
        with w() as s:
            service.receive(s, served, number, officer=name, actor=name)
            done["received"].append(number)
    except DistributionError:
        done["refused"] += 1
for nik in niks:
    try:
        with w() as s:
            handover.collect(s, served, nik, by=name, officer=name)
            done["collected"].append(nik)
    except DistributionError:
        done["refused"] += 1
print(json.dumps(done))
"""


def test_four_workers_never_pack_receive_or_collect_a_card_twice(
    engine,
    served,
    home,
    tmp_path,
    run,
    db_url,
):
    kecs = ["33.10.05", "33.10.04", "33.10.03"]
    rows = [make_row(kecamatan=kecs[i % 3]) for i in range(24)]
    ingest(engine, served, home, tmp_path, rows)
    receive(engine, served, 40)
    sim_printer(engine, home, "p1")
    run()

    with write_session(engine) as s:
        qc.auto_pass(s)
    niks = json.dumps([r["nik"] for r in rows])
    start_at = time.time() + 3.0
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, f"w{n}", db_url, str(start_at), niks],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(4)
    ]
    results = []
    for proc in procs:
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
        results.append(json.loads(out.strip().splitlines()[-1]))
    packed = [n for r in results for n in r["packed"]]
    received = [n for r in results for n in r["received"]]
    collected = [n for r in results for n in r["collected"]]
    assert len(packed) == len(set(packed)) == 3  # one shipment per kecamatan, once
    assert sorted(received) == sorted(packed)  # each received by exactly one worker
    assert sorted(collected) == sorted(r["nik"] for r in rows)  # each handed over once
    with engine.connect() as conn:
        per_card = conn.execute(
            sa.select(ShipmentCard.card_id, sa.func.count()).group_by(ShipmentCard.card_id)
        ).all()
        assert len(per_card) == 24 and {n for _, n in per_card} == {1}
        assert conn.execute(sa.select(sa.func.count()).select_from(Collection)).scalar() == 24
        assert conn.execute(sa.select(sa.func.sum(Shipment.cards))).scalar() == 24
        states = conn.execute(sa.select(Card.state, sa.func.count()).group_by(Card.state)).all()
        assert dict(states) == {"collected": 24}
        events = conn.execute(
            sa.select(RecordEvent.to_state, sa.func.count())
            .where(RecordEvent.to_state.in_(["packed", "dispatched", "received", "collected"]))
            .group_by(RecordEvent.to_state)
        ).all()
        assert dict(events) == {"packed": 24, "dispatched": 24, "received": 24, "collected": 24}
