"""``cetak ikd``, ``cetak consumables`` and ``cetak stock lend|borrow|loans`` as staff and
outside tools use them (issue 15): JSON shapes, Bahasa refusals with exit 2, nothing stored
from refused input."""

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


def test_ikd_consumables_and_loans(cli_env, tmp_path: Path) -> None:
    run_cli("ikd", "add", "--date", "2026-12-01", "--count", "37", env=cli_env)
    bad = tmp_path / "ikd.csv"
    bad.write_text("tanggal,jumlah_aktivasi\n2026-11-30,-4\n")
    proc = run_cli("ikd", "import", str(bad), env=cli_env, check=False)
    assert proc.returncode == 2 and "jumlah tidak boleh negatif" in proc.stderr
    months = json.loads(run_cli("ikd", "show", "--months", "2", "--json", env=cli_env).stdout)
    assert {"bulan", "aktivasi_ikd", "blangko_diterima", "kartu_dicetak"} <= set(months[-1])

    run_cli(
        "printers", "add", "p1", "--driver", "simulated", "--uri", "sim://p1?seed=1", env=cli_env
    )
    run_cli(
        "consumables",
        "receive",
        "--lot",
        "RB-1",
        "--kind",
        "ribbon",
        "--rolls",
        "2",
        "--yield",
        "500",
        "--price",
        "3600000",
        env=cli_env,
    )
    run_cli("consumables", "load", "p1", "--lot", "RB-1", env=cli_env)
    proc = run_cli("consumables", "load", "p1", "--lot", "RB-1", env=cli_env, check=False)
    assert proc.returncode == 2 and "masih memuat ribbon" in proc.stderr
    status = json.loads(run_cli("consumables", "status", "--json", env=cli_env).stdout)
    assert status["printer"] == [
        {
            "printer": "p1",
            "jenis": "ribbon",
            "lot": "RB-1",
            "hasil_per_rol": 500,
            "dimuat": status["printer"][0]["dimuat"],
            "sisa_kartu": 500,
        }
    ]
    lots = json.loads(run_cli("consumables", "list", "--json", env=cli_env).stdout)
    assert [(x["lot"], x["rol_di_rak"]) for x in lots] == [("RB-1", 1)]

    run_cli("stock", "receive", "--lot", "L1", "--quantity", "500", env=cli_env)
    lent = run_cli(
        "stock", "lend", "--to", "33.20", "--quantity", "100", "--ref", "BAST-01", env=cli_env
    )
    assert "Berita acara serah terima:" in lent.stdout
    proc = run_cli(
        "stock",
        "lend",
        "--to",
        "33.20",
        "--quantity",
        "1000000",
        "--ref",
        "BAST-02",
        env=cli_env,
        check=False,
    )
    assert proc.returncode != 0 and "tidak ada yang diubah" in proc.stderr
    shown = json.loads(run_cli("stock", "loans", "--json", env=cli_env).stdout)
    assert shown["piutang"] == 100 and shown["pinjaman"][0]["nomor"] == "BAST-01"
