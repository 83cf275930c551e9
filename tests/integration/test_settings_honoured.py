"""Every documented setting is used where it applies (issue 12, item 6).

- ``CETAK_INSERT_CHUNK_SIZE``: intake inserts a batch's records and photos that many rows
  per statement.
- ``CETAK_JEMPUT_BOLA_AGE``: the youngest resident on the jemput bola list, in the CLI
  (``cetak uncollected``) and as the dashboard's default.
- ``CETAK_PRINT_LEASE_S``: the lease the print flow's runs hold a job for. What the lease
  does (renewed while a card is slow, taken over when a worker dies) is proved in
  ``tests/integration/test_lease.py`` with an explicit lease; here, that the flow passes the
  setting.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from sqlmodel import Session, select
from typer.testing import CliRunner

from cetak.access import Role
from cetak.models import Record, RecordPhoto
from cetak.settings import Settings, get_settings
from intake.service import ingest_one
from printers.models import Card

from dashboard_pages import logged_in
from factory import BatchSpec, make_row

# --- CETAK_INSERT_CHUNK_SIZE --------------------------------------------------------------


def _insert_sizes(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[int]]:
    """Rows per bulk insert into the record and photo tables, as the store sends them (one
    ``executemany`` statement on SQLite, one ``COPY`` on PostgreSQL)."""
    from intake import store

    sizes: dict[str, list[int]] = {"record": [], "photo": []}
    tables = {"record": "record", "recordphoto": "photo"}
    insert = store._BulkWriter.insert

    def count(self, table, columns, rows) -> None:  # noqa: ANN001
        if table.name in tables and rows:
            sizes[tables[table.name]].append(len(rows))
        insert(self, table, columns, rows)

    monkeypatch.setattr(store._BulkWriter, "insert", count)
    return sizes


def _ingest(engine: sa.Engine, served, home: Settings, tmp_path, rows: int) -> dict[str, Any]:  # noqa: ANN001
    ack = ingest_one(
        engine=engine,
        path=BatchSpec(rows=[make_row() for _ in range(rows)]).write(tmp_path / "in"),
        served=served,
        home_dirs=(home.archive_dir, home.rejected_dir, home.outbox_dir),
        today=served.today(),
    )
    assert ack is not None
    return ack


@pytest.mark.parametrize(("chunk", "batches"), [("7", [7, 7, 6]), (None, [20])])
def test_intake_inserts_at_most_the_insert_chunk_size_rows_at_a_time(
    engine, served, home, tmp_path, monkeypatch, chunk, batches
):
    if chunk is None:
        monkeypatch.delenv("CETAK_INSERT_CHUNK_SIZE", raising=False)  # the default: 2000
    else:
        monkeypatch.setenv("CETAK_INSERT_CHUNK_SIZE", chunk)
    sizes = _insert_sizes(monkeypatch)
    ack = _ingest(engine, served, home, tmp_path, rows=20)
    assert ack["status"] == "ACCEPTED" and ack["queued"] == 20
    assert sizes == {"record": batches, "photo": batches}
    with Session(engine) as s:
        assert len(s.exec(select(Record)).all()) == 20
        assert len(s.exec(select(RecordPhoto)).all()) == 20


# --- CETAK_PRINT_LEASE_S ----------------------------------------------------------------------


def test_the_print_flow_holds_its_jobs_for_the_print_lease(home, served, monkeypatch):
    from workflows import print_worker, printing

    monkeypatch.setenv("CETAK_PRINT_LEASE_S", "37")
    leases: list[timedelta] = []

    def run_job(engine, **kw: Any) -> None:  # noqa: ANN001
        leases.append(kw["lease"])
        return None  # as if another run held the printer

    monkeypatch.setattr(print_worker.production, "run_job", run_job)
    monkeypatch.setattr(print_worker.jobs, "waits_for_printer", lambda engine, job_id: False)
    assert printing.run_printer.fn("p1", [1, 2], get_settings()) == []
    assert leases == [timedelta(seconds=37)] * 2


# --- CETAK_JEMPUT_BOLA_AGE --------------------------------------------------------------------
# The seeded print room has cards waiting at the Cawas office, of residents born on
# 17 May 1990: on no list at the usual 65, all on the list when the setting says 30.


def _waiting(engine: sa.Engine) -> list[str]:
    """The cards waiting at a kecamatan office (all of them residents born 17 May 1990)."""
    with Session(engine) as s:
        refs = sorted(s.exec(select(Card.card_ref).where(Card.state == "received")))
        births = {
            r.birth_date for r in s.exec(select(Record).join(Card).where(Card.state == "received"))
        }
    assert refs and births == {date(1990, 5, 17)}
    return refs


def _age(today: date) -> int:
    return today.year - 1990 - ((today.month, today.day) < (5, 17))


def test_the_cli_jemput_bola_list_follows_the_setting(room, monkeypatch):
    from cli.app import app

    engine, seeded = room
    waiting = _waiting(engine)
    runner = CliRunner()

    usual = runner.invoke(app, ["uncollected", "--json"])
    assert usual.exit_code == 0, usual.output
    assert json.loads(usual.stdout)["jemput_bola"] == []

    monkeypatch.setenv("CETAK_JEMPUT_BOLA_AGE", "30")
    young = json.loads(runner.invoke(app, ["uncollected", "--json"]).stdout)["jemput_bola"]
    assert sorted(r["card_ref"] for r in young) == waiting
    assert {r["umur"] for r in young} == {_age(seeded.served.today())}
    text = runner.invoke(app, ["uncollected", "--jemput-bola"], env={"COLUMNS": "300"})
    assert text.exit_code == 0, text.output
    assert "Jemput bola: pemohon 30 tahun ke atas" in text.stdout
    assert all(ref in text.stdout for ref in waiting)


def test_the_dashboard_jemput_bola_list_starts_at_the_setting(room, monkeypatch):
    engine, seeded = room
    waiting = _waiting(engine)
    monkeypatch.setenv("CETAK_JEMPUT_BOLA_AGE", "30")
    at = logged_in(Role.VIEWER, "distribusi")
    assert at.number_input(key="jb_age").value == 30
    [table] = [df.value for df in at.dataframe if "Umur" in df.value.columns]
    assert list(table["Umur"]) == [str(_age(seeded.served.today()))] * len(waiting)
    assert "Tidak ada warga dalam daftar." not in [c.value for c in at.caption]


def test_the_dashboard_query_defaults_to_the_setting(room):
    from dashboard import data

    engine, seeded = room
    waiting = _waiting(engine)
    today, tz = seeded.served.today(), seeded.served.timezone
    with Session(engine) as s:
        young = data.jemput_bola(
            s, today=today, tz=tz, full_nik=False, settings=Settings(jemput_bola_age=30)
        )
        usual = data.jemput_bola(s, today=today, tz=tz, full_nik=False, settings=Settings())
    assert sorted(r["card_ref"] for r in young) == waiting
    assert usual == []
