"""Smoke tests of the intake service on both databases."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import sqlalchemy as sa

from cetak.models import Record, RecordEvent, RecordPhoto
from intake.service import ingest_one

from factory import BatchSpec, make_row

TODAY = date(2026, 11, 24)


def _ingest(engine, served, home, path: Path) -> dict:
    return ingest_one(
        engine=engine,
        path=path,
        served=served,
        home_dirs=(home.archive_dir, home.rejected_dir, home.outbox_dir),
        today=TODAY,
    )


def test_a_valid_batch_is_stored_whole_with_one_event_per_record(engine, served, home, tmp_path):
    rows = [make_row() for _ in range(4)]
    path = BatchSpec(rows=rows).write(tmp_path / "inbox")
    ack = _ingest(engine, served, home, path)
    assert ack["status"] == "ACCEPTED"
    assert ack["queued"] == 4
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(Record)).scalar() == 4
        assert conn.execute(sa.select(sa.func.count()).select_from(RecordEvent)).scalar() == 4
        assert conn.execute(sa.select(sa.func.count()).select_from(RecordPhoto)).scalar() == 4
    assert (home.outbox_dir / "ACK-PRR-3310-20261122-0001.json").exists()
    assert (home.archive_dir / "PRR-3310-20261122-0001" / "manifest.json").exists()
    assert not path.exists()
