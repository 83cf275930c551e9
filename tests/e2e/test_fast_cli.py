"""The read-only commands on their lean path (issue 16: plain SQL, no SQLAlchemy) say
exactly what the full path (the read models over SQLAlchemy) says: text, ``--json``, NIK
masking by role, errors and exit codes, on SQLite and on PostgreSQL. And ``cetak --help``
and the read commands import no command module, SQLAlchemy, alembic or pydantic-settings.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from cli import lean

import dashboard_seed

COMMANDS = [
    ["status"],
    ["status", "--json"],
    ["records", "--limit", "50"],
    ["records", "--limit", "50", "--json"],
    ["records", "--oleh", "kasi"],
    ["records", "--oleh", "tamu", "--limit", "5"],
    ["records", "--oleh", "ops", "--state", "queued"],
    ["records", "--state", "quarantined", "--json"],
    ["records", "--kecamatan", dashboard_seed.KEC_B],
    ["records", "--batch", "PRR-3310-20261122-0001", "--json"],
    ["records", "--state", "nosuch"],
    ["records", "--kecamatan", "99.99.99"],
    ["records", "--oleh", "siapa"],
    ["stock", "status"],
    ["stock", "status", "--json"],
    ["printers", "list"],
    ["printers", "list", "--json"],
    ["shipments"],
    ["shipments", "--json"],
    ["shipments", "--oleh", "kasi"],
    ["shipments", "--state", "dispatched", "--json"],
    ["shipments", "--kecamatan", dashboard_seed.KEC_A, "--limit", "1"],
    ["shipments", "--kecamatan", "00.00"],
    ["shipments", "--oleh", "siapa"],
]


def _both_ways(args: list[str], monkeypatch: pytest.MonkeyPatch) -> tuple[tuple, tuple]:
    from cli.app import app

    runner = CliRunner()
    results = []
    for enabled in (True, False):
        monkeypatch.setattr(lean, "ENABLED", enabled)
        r = runner.invoke(app, args)
        results.append((r.exit_code, r.output))
    return results[0], results[1]


@pytest.fixture
def seeded(engine, home, tmp_path, monkeypatch):
    """The dashboard's small print room (records in every state, printers, stock, a
    reorder request, shipments dispatched and received, an open case, users of each role)."""
    monkeypatch.setenv("COLUMNS", "160")
    monkeypatch.delenv("CETAK_USER", raising=False)
    return dashboard_seed.seed(engine, home, tmp_path)


def test_every_read_command_says_the_same_both_ways(seeded, monkeypatch):
    with lean.open_reader() as fast_path:  # the lean path answers here (no silent fallback)
        assert fast_path is not None
        assert fast_path[1].kode_wilayah == seeded.served.kode_wilayah
    for args in COMMANDS:
        fast, full = _both_ways(args, monkeypatch)
        assert fast == full, args
    # ... and they said something: the room is not empty.
    fast, _ = _both_ways(["status", "--json"], monkeypatch)
    status = json.loads(fast[1])
    assert status["records"]["queued"] > 0 and status["printers"] and status["distribution"]
    assert status["stock"]["open_request"]["number"] == seeded.request


def test_the_reader_named_in_the_environment_is_honoured_both_ways(seeded, monkeypatch):
    for user in ("kasi", "tamu", "nobody"):
        monkeypatch.setenv("CETAK_USER", user)
        for args in (["records", "--limit", "5"], ["shipments"]):
            fast, full = _both_ways(args, monkeypatch)
            assert fast == full, (user, args)


def test_a_database_not_initialised_is_said_the_same_way(tmp_path, monkeypatch):
    monkeypatch.setenv("CETAK_HOME", str(tmp_path / "kosong"))
    monkeypatch.delenv("CETAK_DATABASE_URL", raising=False)
    for args in (["status"], ["records"], ["stock", "status", "--json"], ["printers", "list"]):
        fast, full = _both_ways(args, monkeypatch)
        assert fast == full and fast[0] == 1, args
        assert "cetak init" in fast[1]


def _imports_of(args: list[str], env: dict[str, str]) -> tuple[int, list[str]]:
    """The heavy modules a real ``cetak ARGS`` imported (run in a subprocess)."""
    code = (
        "import sys, io, contextlib\n"
        f"sys.argv = ['cetak', *{args!r}]\n"
        "from cli import main\n"
        "rc = 0\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    try:\n"
        "        main()\n"
        "    except SystemExit as exc:\n"
        "        rc = exc.code or 0\n"
        "heavy = ('sqlalchemy', 'sqlmodel', 'alembic', 'pydantic_settings', 'pydantic',\n"
        "         'prefect', 'cli.stock', 'cli.printing', 'cli.distribution', 'typer.rich_utils')\n"
        "print(rc, *[m for m in heavy if m in sys.modules])\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    rc, *mods = proc.stdout.split()
    return int(rc), mods


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_read_commands_import_neither_sqlalchemy_nor_other_commands(seeded, home):
    env = {**os.environ, "CETAK_HOME": str(home.resolved_home), "CETAK_DATABASE_URL": home.url}
    for args in (
        ["status", "--json"],
        ["records", "--limit", "50", "--json"],
        ["stock", "status", "--json"],
        ["printers", "list", "--json"],
        ["shipments", "--json"],
    ):
        assert _imports_of(args, env) == (0, []), args
    rc, mods = _imports_of(["status"], env)  # text: rich, no more
    assert (rc, mods) == (0, [])
    rc, mods = _imports_of(["--help"], env)  # the help page: Typer's rich help, no command
    assert rc == 0 and mods == ["typer.rich_utils"]
