"""The CLI contract: commands, --json shapes, exit codes; read commands never start Prefect."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from cetak.lifecycle import RecordState

from clihelp import run_cli
from factory import BatchSpec, make_row

pytestmark = pytest.mark.slow


@pytest.fixture
def cli_env(home, prefect_api) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        CETAK_HOME=str(home.resolved_home),
        CETAK_DATABASE_URL=home.url,
        PREFECT_API_URL=prefect_api,
    )
    return env


def test_init_is_idempotent_and_says_so(cli_env):
    first = run_cli("init", "--regency", "33.10", env=cli_env)
    assert "Kabupaten Klaten" in first.stdout and "26 kecamatan" in first.stdout
    second = run_cli("init", "--regency", "33.10", env=cli_env)
    assert "tidak ada perubahan" in second.stdout


def test_init_refuses_an_unknown_regency_with_a_clear_message(cli_env):
    proc = run_cli("init", "--regency", "99.99", env=cli_env, check=False)
    assert proc.returncode == 2
    assert "--kecamatan-file" in proc.stderr


def test_init_loads_another_regency_from_a_kecamatan_file(cli_env, tmp_path):
    csv_file = tmp_path / "kec.csv"
    csv_file.write_text(
        "kode_kecamatan,kecamatan,kode_kabupaten,kabupaten,kode_provinsi,provinsi\n"
        "34.04.01,Gamping,34.04,Kabupaten Sleman,34,Daerah Istimewa Yogyakarta\n"
        "34.04.02,Godean,34.04,Kabupaten Sleman,34,Daerah Istimewa Yogyakarta\n",
        encoding="utf-8",
    )
    proc = run_cli("init", "--regency", "34.04", "--kecamatan-file", str(csv_file), env=cli_env)
    assert "Kabupaten Sleman" in proc.stdout and "2 kecamatan" in proc.stdout


def test_read_commands_refuse_before_init_with_a_hint(cli_env):
    proc = run_cli("status", "--json", env=cli_env, check=False)
    assert proc.returncode == 1
    assert "cetak init" in proc.stderr


def test_ingest_json_is_one_ack_per_batch_in_order_and_records_json_has_the_contract_fields(
    cli_env, tmp_path
):
    run_cli("init", "--regency", "33.10", env=cli_env)
    inbox = tmp_path / "inbox"
    BatchSpec(batch_id="PRR-3310-20261122-0002", rows=[make_row() for _ in range(3)]).write(inbox)
    BatchSpec(batch_id="PRR-3310-20261122-0001", rows=[make_row() for _ in range(2)]).write(inbox)
    (inbox / "PRR-3310-20261122-0003").mkdir()  # no manifest: rejected, still processed
    (inbox / "PRR-3310-20261122-0003" / "records.csv").write_text("x")
    proc = run_cli("ingest", str(inbox), "--json", env=cli_env)
    acks = json.loads(proc.stdout)
    assert [a["batch_id"] for a in acks] == [
        "PRR-3310-20261122-0001",
        "PRR-3310-20261122-0002",
        "PRR-3310-20261122-0003",
    ]
    assert [a["status"] for a in acks] == ["ACCEPTED", "ACCEPTED", "REJECTED"]
    assert list(acks[0]) == [
        "batch_id",
        "status",
        "reason",
        "queued",
        "held",
        "duplicate",
        "superseded",
        "quarantined",
        "processed_at",
    ]

    records = json.loads(run_cli("records", "--json", env=cli_env).stdout)
    assert len(records) == 5
    for key in ("prr_id", "nik", "nama", "kode_kecamatan", "state", "reason", "batch_id"):
        assert key in records[0]
    assert {r["state"] for r in records} == {"queued"}
    assert len(records[0]["nik"]) == 16

    queued = json.loads(run_cli("records", "--state", "queued", "--json", env=cli_env).stdout)
    assert len(queued) == 5
    none = json.loads(run_cli("records", "--kecamatan", "33.10.01", "--json", env=cli_env).stdout)
    assert none == []

    status = json.loads(run_cli("status", "--json", env=cli_env).stdout)
    assert status["records"]["queued"] == 5
    assert set(status["records"]) == {s.value for s in RecordState}


def test_ingest_of_a_missing_path_is_an_operator_error_not_an_engine_failure(cli_env):
    run_cli("init", "--regency", "33.10", env=cli_env)
    proc = run_cli("ingest", "/nowhere/PRR-x", env=cli_env, check=False)
    assert proc.returncode == 2
    assert "tidak ditemukan" in proc.stderr


def test_the_human_table_masks_niks(cli_env, tmp_path):
    run_cli("init", "--regency", "33.10", env=cli_env)
    row = make_row()
    BatchSpec(rows=[row]).write(tmp_path / "in")
    run_cli("ingest", str(tmp_path / "in"), env=cli_env)
    table = run_cli("records", env=cli_env, check=False).stdout
    assert row["nik"] not in table
    assert row["nik"][:4] + "********" + row["nik"][12:] in table


READ_ONLY_PROBE = """
import sys
from cli import app
try:
    app([{args}], standalone_mode=False)
finally:
    loaded = [m for m in sys.modules if m == "prefect" or m.startswith("prefect.")]
    sys.stderr.write("PREFECT_LOADED=%d\\n" % len(loaded))
"""


@pytest.mark.parametrize("args", [["status", "--json"], ["records", "--json"]])
def test_read_only_commands_never_import_prefect(cli_env, args):
    run_cli("init", "--regency", "33.10", env=cli_env)
    code = READ_ONLY_PROBE.format(args=", ".join(repr(a) for a in args))
    proc = subprocess.run(
        [sys.executable, "-c", code], env=cli_env, capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0, proc.stderr
    assert "PREFECT_LOADED=0" in proc.stderr


def test_the_demo_feed_command_writes_batches(cli_env, tmp_path):
    out = tmp_path / "feed"
    run_cli(
        "demo-feed",
        "--regency",
        "33.10",
        "--records",
        "30",
        "--out",
        str(out),
        "--batch-size",
        "10",
        env=cli_env,
    )
    batches = sorted(p.name for p in out.iterdir())
    assert len(batches) == 3 and all(b.startswith("PRR-3310-") for b in batches)
    assert all((out / b / "manifest.json").exists() for b in batches)


def test_package_data_ships_the_regencies_of_the_domain(tmp_path: Path):
    from cetak.regions import shipped_regencies

    assert set(shipped_regencies()) == {"33.10", "33.20", "14.09", "64.08", "35.26"}
    assert len(shipped_regencies()["33.10"].kecamatan) == 26
