"""Nothing leaked: a database error during ingest never puts personal data into stderr,
Prefect's database (logs, states, events) or Prefect's result storage (issue 11, item 6)."""

from __future__ import annotations

import asyncio
import base64
import json
import logging
import re
import sqlite3
from pathlib import Path

import pytest
import sqlalchemy as sa
from prefect.logging.configuration import ensure_logging_setup
from prefect.settings import get_current_settings

from factory import BatchSpec, make_row

# At collection: Prefect configures logging once, replacing the root logger's handlers
# (pytest's log capture among them) if that happened inside a test.
ensure_logging_setup()

#: A NIK of the regency this installation serves (Klaten, 33.10): 16 digits.
NIK_LIKE = re.compile(rb"(?<![0-9])3310[0-9]{12}(?![0-9])")
ROWS = 100


def _letters(i: int) -> str:
    return chr(ord("A") + i // 26) + chr(ord("A") + i % 26)


def _fill_the_disk(engine: sa.Engine, spare_pages: int = 2) -> None:
    """Make the database run out of room a few pages after its current size.

    SQLite: every new connection gets a ``max_page_count`` just above today's size, which
    raises "database or disk is full" as PostgreSQL's ENOSPC would. PostgreSQL: a trigger
    raises SQLSTATE 53100 (disk_full), its message quoting the row, as a driver's DETAIL may.
    """
    if engine.dialect.name == "sqlite":
        with engine.connect() as conn:
            pages = conn.exec_driver_sql("PRAGMA page_count").scalar_one()
        limit = int(pages) + spare_pages

        @sa.event.listens_for(engine, "connect")
        def _small_disk(dbapi_conn, _record) -> None:
            cur = dbapi_conn.cursor()
            cur.execute(f"PRAGMA max_page_count = {limit}")
            cur.close()

        engine.dispose()  # pooled connections were opened without the limit
        return
    with engine.begin() as conn:
        conn.exec_driver_sql(
            """
            CREATE FUNCTION cetak_test_disk_full() RETURNS trigger AS $$
            BEGIN
                RAISE EXCEPTION 'could not extend file for %% (%%): No space left on device',
                    NEW.nik, NEW.nama
                    USING ERRCODE = 'disk_full', DETAIL = 'Key (nik)=(' || NEW.nik || ')';
            END $$ LANGUAGE plpgsql
            """
        )
        conn.exec_driver_sql(
            "CREATE TRIGGER cetak_test_disk_full BEFORE INSERT ON record "
            "FOR EACH ROW EXECUTE FUNCTION cetak_test_disk_full()"
        )


def _prefect_db_path() -> Path:
    url = get_current_settings().server.database.connection_url.get_secret_value()
    return Path(url.split(":///", 1)[1])


def _prefect_rows() -> bytes:
    """Every stored text of Prefect's database, as bytes (all tables, all columns)."""
    path = _prefect_db_path()
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)
    try:
        out = []
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        for table in tables:
            for row in conn.execute(f'SELECT * FROM "{table}"'):
                out.append(repr(row))
        return "\n".join(out).encode()
    finally:
        conn.close()


def _drain_prefect_clients() -> None:
    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker

    APILogWorker.drain_all(timeout=30)
    EventsWorker.drain_all(timeout=30)


def _events_stored(flow_run_id: str) -> bool:
    conn = sqlite3.connect(f"file:{_prefect_db_path()}?mode=ro", uri=True, timeout=30)
    try:
        found = conn.execute(
            "SELECT count(*) FROM events WHERE event = 'prefect.flow-run.Failed' "
            "AND resource_id = ?",
            (f"prefect.flow-run.{flow_run_id}",),
        ).fetchone()[0]
    finally:
        conn.close()
    return found > 0


def _stored_results() -> set[Path]:
    storage = Path(get_current_settings().home) / "storage"
    return {p for p in storage.rglob("*") if p.is_file()} if storage.exists() else set()


def _decoded(data: bytes) -> bytes:
    """A stored result as its bytes and as decoded (Prefect writes base64 of a pickle)."""
    out = [data]
    try:
        out.append(base64.b64decode(data, validate=False))
    except ValueError:
        pass
    try:
        doc = json.loads(data)
    except ValueError:
        doc = None
    if isinstance(doc, dict) and isinstance(doc.get("result"), str):
        out.append(base64.b64decode(doc["result"], validate=False))
    return b"\n".join(out)


@pytest.mark.slow
def test_a_full_disk_during_ingest_leaks_no_nik(
    home, served, engine, prefect_api, capfd, caplog, monkeypatch
):
    import workflows.ingest as flows
    from cetak.db import engine_from_settings

    # Retries of the storing step run at once (their states are checked too).
    monkeypatch.setattr(
        flows, "store_records", flows.store_records.with_options(retry_delay_seconds=0)
    )
    rows = [make_row(seq=7000 + i, nama=f"WARGA RAHASIA {_letters(i)}") for i in range(ROWS)]
    niks = {r["nik"] for r in rows}
    BatchSpec(rows=rows, batch_id="PRR-3310-20261122-0777").write(home.inbox_dir)
    _fill_the_disk(engine if engine.dialect.name == "postgresql" else engine_from_settings(home))

    before = _stored_results()
    state = flows.ingest(return_state=True)
    assert state.is_failed()
    flow_run_id = str(state.state_details.flow_run_id)
    _drain_prefect_clients()

    # The flow says what failed, in words staff can act on, and nothing of the rows.
    message = state.message or ""
    assert "basis data" in message.lower()
    assert not NIK_LIKE.search(message.encode())

    # Console and log records (with their tracebacks): Prefect's console handler keeps the
    # stream it was given first, so the records are checked as well as the captured output.
    captured = capfd.readouterr()
    formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
    records = "\n".join(formatter.format(r) for r in caplog.records)
    assert "Task run failed with exception: DatabaseFailed" in records  # logged, no rows
    output = (captured.out + captured.err + records).encode()
    found = NIK_LIKE.search(output)
    assert not found, output[max(0, found.start() - 1500) : found.end() + 200].decode()
    assert b"WARGA RAHASIA" not in output

    # Events reach Prefect's database a moment after the run: wait for the run's own.
    loop = asyncio.new_event_loop()
    try:
        for _ in range(600):
            if _events_stored(flow_run_id):
                break
            loop.run_until_complete(asyncio.sleep(0.1))
        else:
            pytest.fail("the run's events never reached Prefect's database")
    finally:
        loop.close()
    stored = _prefect_rows()
    assert flow_run_id.encode() in stored  # the run is there ...
    leaked = [n for n in niks if n.encode() in stored]
    assert leaked == []  # ... but none of its NIKs
    assert b"Basis data gagal" in stored  # (the states say what failed)
    assert b"WARGA RAHASIA" not in stored

    # Prefect always pickles the exception a flow run failed with into its result storage:
    # that is the redacted one, so no file there holds a NIK, and none is readable by others.
    storage = Path(get_current_settings().home) / "storage"
    assert storage.stat().st_mode & 0o077 == 0
    assert _stored_results() - before  # (the failure was stored, and is checked here)
    for path in _stored_results():
        data = _decoded(path.read_bytes())
        assert not any(n.encode() in data for n in niks), path
        assert b"WARGA RAHASIA" not in data
        assert path.stat().st_mode & 0o077 == 0, path

    # All or nothing: the batch was not stored, and stays in the inbox for the next run.
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM record").scalar_one() == 0
    assert [p.name for p in home.inbox_dir.iterdir()] == ["PRR-3310-20261122-0777"]
