"""Issue 13: ``make demo`` simulates weeks of a print room; here a short run of the same
script (``scripts/demo_history.py``) in a new home, checked for a consistent history.

The history is made by the use cases staff and flows use, with the clock advanced day by
day: the ledger balances, shipments were received (one with a card reported missing),
spoiled blanks were destroyed with a berita acara, every receipt file has its readable
text preview, the printer whose data cable was replaced did not lose its link again, and
today's cards wait in ``ready`` for the closing hint of ``make demo``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from sqlmodel import Session, col, select

from cetak.db import make_engine
from cetak.installation import load_installation
from cetak.models import Record
from distribution.models import Discrepancy, Shipment
from inventory.models import DestructionReport
from inventory.reconcile import reconcile
from printers.models import Card

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
WIB = ZoneInfo("Asia/Jakarta")


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    home = tmp_path_factory.mktemp("demo-history")
    env = {k: v for k, v in os.environ.items() if not k.startswith("CETAK_")}
    env.update(CETAK_HOME=str(home), PREFECT_HOME=str(home / "prefect"))
    proc = subprocess.run(
        [
            sys.executable,
            str(ROOT / "scripts" / "demo_history.py"),
            *("--days", "6", "--per-day", "40", "--daily-limit", "12", "--first-lot", "400"),
        ],
        env=env,
        cwd=home,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return home, proc.stdout


def engine_of(home: Path) -> sa.Engine:
    return make_engine(f"sqlite:///{home / 'cetak.db'}")


def local_days(values: list[datetime]) -> set[object]:
    return {v.astimezone(WIB).date() for v in values}


def test_the_history_spans_working_days_and_the_ledger_balances(history):
    home, out = history
    engine = engine_of(home)
    with Session(engine) as session:
        assert reconcile(session, today=load_installation(engine).today()) == []
        arrived = local_days(list(session.exec(select(Record.created_at))))
        printed = local_days(list(session.exec(select(Card.created_at))))
    assert len(arrived) >= 5  # one delivery each working day, not all on one day
    assert len(printed) >= 4
    assert all(day.weekday() < 5 for day in printed - {max(printed)})  # today may be any day
    assert "kabel data diganti" in out


def test_shipments_were_received_with_a_card_missing_and_one_damaged(history):
    home, _ = history
    with Session(engine_of(home)) as session:
        states = [s.state for s in session.exec(select(Shipment))]
        cases = {d.kind: d.state for d in session.exec(select(Discrepancy))}
    assert states.count("received") >= 1
    assert "dispatched" in states  # today some couriers are still on the road
    assert cases == {"missing": "resolved", "damaged": "open"}


def test_spoiled_blanks_were_destroyed_with_a_berita_acara(history):
    home, _ = history
    with Session(engine_of(home)) as session:
        (report,) = session.exec(select(DestructionReport)).all()
    assert report.quantity > 0
    assert list((home / "documents" / "berita-acara").glob("*.pdf"))
    assert list((home / "documents" / "laporan-bulanan").glob("*.pdf"))


def test_every_receipt_file_has_a_text_preview(history):
    home, _ = history
    binaries = sorted((home / "receipts").glob("*.bin"))
    assert binaries  # handover slips and pickup receipts were printed to files
    for path in binaries:
        text = path.with_suffix(".txt").read_text("utf-8")
        assert "KTP-EL" in text and "\x1b" not in text


def test_the_repaired_printer_did_not_lose_its_link_again(history):
    home, _ = history
    journal = home / "simulated" / "fargo-2" / "journal.jsonl"
    stuck = [json.loads(line)["device"]["stuck"] for line in journal.read_text().splitlines()]
    spells = sum(1 for a, b in zip([None, *stuck], stuck, strict=False) if b == "OFFLINE" != a)
    assert spells == 1
    assert stuck[-1] is None


def test_todays_cards_wait_ready_for_the_closing_hint(history):
    home, out = history
    with Session(engine_of(home)) as session:
        ready = session.exec(select(Record.id).where(col(Record.state) == "ready")).all()
    assert ready
    assert list((home / "pratinjau").glob("*.png")) or "pdftoppm" in out
