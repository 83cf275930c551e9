"""``cetak ration ...`` as outside tools use it (issue 15): the JSON contract, a policy file
set and refused with exit 2 and the policy in force unchanged."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from clihelp import run_cli

pytestmark = pytest.mark.slow


@pytest.fixture
def db_url(sqlite_url: str) -> str:
    """The command line's contract on the embedded default; the use cases behind it run on
    PostgreSQL too, in tests/integration."""
    return sqlite_url


def test_ration_show_and_set(cli_env, tmp_path: Path) -> None:
    shown = json.loads(run_cli("ration", "show", "--json", env=cli_env).stdout)
    assert shown["versi"] == 0 and shown["berlaku"] is False
    for c in shown["kelas"]:
        assert {"kelas", "menunggu", "tertua_hari", "perkiraan_dilayani"} <= set(c)
    assert [c["kelas"] for c in shown["kelas"]] == ["mendesak", "baru", "pengganti", "perubahan"]

    policy = tmp_path / "kebijakan.yaml"
    policy.write_text(
        "penuaan_hari: 21\nkelas:\n"
        "  - {kode: mendesak, nama: Mendesak, mendesak: true}\n"
        "  - {kode: pengganti, nama: Pengganti, jenis: [RUSAK, HILANG]}\n"
        "  - {kode: lain, nama: Lainnya}\n"
    )
    proc = run_cli("ration", "set", str(policy), env=cli_env)
    assert "versi 1 berlaku" in proc.stdout
    bad = tmp_path / "salah.toml"
    bad.write_text('penuaan_hari = 7\n[[kelas]]\nkode = "baru"\njenis = ["BARU", "LAMA"]\n')
    proc = run_cli("ration", "set", str(bad), env=cli_env, check=False)
    assert proc.returncode == 2
    assert "jenis permohonan tidak dikenal" in proc.stderr and "tidak berubah" in proc.stderr
    shown = json.loads(run_cli("ration", "show", "--json", env=cli_env).stdout)
    assert shown["versi"] == 1 and shown["kebijakan"]["penuaan_hari"] == 21


def test_records_flag_and_unflag(cli_env, engine, served, home, tmp_path: Path) -> None:
    from factory import ingest, make_row

    row = make_row(jenis_permohonan="PERUBAHAN_DATA")
    ingest(engine, served, home, tmp_path, [row])
    proc = run_cli("records", "flag", row["nik"], "--reason", "lansia", env=cli_env)
    assert "ditandai mendesak (disetujui)" in proc.stdout and row["nik"] not in proc.stdout
    shown = json.loads(run_cli("ration", "show", "--json", env=cli_env).stdout)
    assert {c["kelas"]: c["menunggu"] for c in shown["kelas"]}["mendesak"] == 1
    proc = run_cli("records", "flag", row["nik"], "--reason", "malas", env=cli_env, check=False)
    assert proc.returncode == 2 and "pilihan: bencana, lansia" in proc.stderr
    run_cli("records", "unflag", row["nik"], env=cli_env)
    shown = json.loads(run_cli("ration", "show", "--json", env=cli_env).stdout)
    assert {c["kelas"]: c["menunggu"] for c in shown["kelas"]}["perubahan"] == 1
    assert run_cli("records", "--json", env=cli_env).stdout.count(row["nik"]) == 1
