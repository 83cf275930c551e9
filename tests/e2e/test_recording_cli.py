"""``cetak devices``, ``cetak coverage`` and ``cetak flashdisk`` as outside tools and staff
use them (issue 14): the JSON contract, Bahasa messages and exit 2 for bad input with
nothing stored."""

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


#: Klaten, September 2016: five kecamatan could not record (the press reports).
KLATEN_2016 = [
    ("KLT-JWR-01", "Juwiring", "petir"),
    ("KLT-BYT-01", "Bayat", "lupa_kata_sandi"),
    ("KLT-CWS-01", "Cawas", "perangkat_keras"),
]


def test_devices_contract(cli_env, tmp_path: Path) -> None:
    for kode, place, _cause in KLATEN_2016:
        run_cli("devices", "add", kode, "--place", place, "--year", "2012", env=cli_env)
    run_cli("devices", "add", "KLT-TRC-01", "--place", "Trucuk", env=cli_env)
    for kode, _place, cause in KLATEN_2016:
        run_cli("devices", "broken", kode, "--cause", cause, "--note", "laporan 2016", env=cli_env)
    run_cli("devices", "repairing", "KLT-CWS-01", "--by", "vendor", env=cli_env)
    run_cli("devices", "repaired", "KLT-BYT-01", "--by", "sendiri", env=cli_env)
    listed = json.loads(run_cli("devices", "list", "--json", env=cli_env).stdout)
    by_kode = {d["kode"]: d for d in listed}
    for d in listed:
        assert {"kode", "place", "state", "since", "cause"} <= set(d)
    assert by_kode["KLT-JWR-01"]["state"] == "rusak" and by_kode["KLT-JWR-01"]["cause"] == "petir"
    assert by_kode["KLT-JWR-01"]["place"] == "33.10.14"
    assert by_kode["KLT-CWS-01"]["state"] == "dalam_perbaikan"
    assert by_kode["KLT-BYT-01"]["state"] == "berfungsi" and by_kode["KLT-BYT-01"]["cause"] is None
    shown = run_cli("devices", "list", env=cli_env).stdout
    assert "tersambar petir" in shown and "Kec. Juwiring tidak dapat merekam" in shown
    assert "warga merekam di Disdukcapil" in shown


BAD_DEVICE_INPUT = [
    (
        ("devices", "broken", "NOPE-1", "--cause", "petir"),
        "alat perekaman 'NOPE-1' tidak terdaftar",
    ),
    (("devices", "add", "X-1", "--place", "Atlantis"), "tempat 'Atlantis' tidak dikenal"),
    (("devices", "add", "X-1", "--place", "Bayat", "--year", "1999"), "tahun pengadaan 1999"),
]


def test_bad_device_input_exits_2_in_bahasa(cli_env) -> None:
    for args, words in BAD_DEVICE_INPUT:
        proc = run_cli(*args, env=cli_env, check=False)
        assert proc.returncode == 2, proc.stderr
        assert words in proc.stderr
    assert json.loads(run_cli("devices", "list", "--json", env=cli_env).stdout) == []


def test_coverage_contract_and_refused_files(cli_env, tmp_path: Path) -> None:
    wajib = tmp_path / "wajib.csv"
    wajib.write_text(
        "kode_kecamatan,semester,wajib_ktp\n33.10.05,2026-2,45210\nBayat,2026-2,39000\n"
    )
    run_cli("coverage", "import-targets", str(wajib), env=cli_env)
    rekam = tmp_path / "rekam.csv"
    rekam.write_text("kode_kecamatan,tanggal,jumlah_rekam\n33.10.05,2026-11-30,40000\n")
    run_cli("coverage", "import-recordings", "--kumulatif", str(rekam), env=cli_env)
    rows = json.loads(run_cli("coverage", "--json", env=cli_env).stdout)
    assert len(rows) == 26
    keys = {
        "kode_kecamatan",
        "kecamatan",
        "wajib_ktp",
        "terekam",
        "prr",
        "dicetak",
        "diambil",
        "cakupan_rekam",
        "alat_berfungsi",
        "alat_rusak",
    }
    for row in rows:
        assert keys <= set(row)
    cawas = next(r for r in rows if r["kode_kecamatan"] == "33.10.05")
    assert cawas["kecamatan"] == "Cawas" and cawas["terekam"] == 40_000
    assert cawas["cakupan_rekam"] == pytest.approx(40_000 / 45_210, abs=1e-4)
    assert next(r for r in rows if r["kode_kecamatan"] == "33.10.01")["cakupan_rekam"] is None
    table = run_cli("coverage", env=cli_env).stdout
    assert "45.210" in table and "88,5%" in table

    for content, words in (
        ("kode;semester\n", "Baris judul harus 'kode_kecamatan,semester,wajib_ktp'"),
        ("kode_kecamatan,semester,wajib_ktp\n33.10.05,2026-2,abc\n", "bukan bilangan"),
        ("kode_kecamatan,semester,wajib_ktp\n33.10.05,2099-1,5\n", "semester belum dimulai"),
        ("kode_kecamatan,semester,wajib_ktp\n33.10.77,2026-2,5\n", "kecamatan tidak dikenal"),
        ("kode_kecamatan,semester,wajib_ktp\n33.10.05,2026-2,-5\n", "tidak boleh negatif"),
    ):
        bad = tmp_path / "salah.csv"
        bad.write_text(content)
        proc = run_cli("coverage", "import-targets", str(bad), env=cli_env, check=False)
        assert proc.returncode == 2 and words in proc.stderr, proc.stderr
        assert "tidak ada yang disimpan" in proc.stderr
    assert json.loads(run_cli("coverage", "--json", env=cli_env).stdout) == rows


def test_flashdisk_where_are_the_recordings(cli_env) -> None:
    run_cli(
        "flashdisk",
        "receive",
        "--kecamatan",
        "Cawas",
        "--jumlah",
        "57",
        "--dibawa-oleh",
        "Joko",
        "--diterima-oleh",
        "Sri",
        env=cli_env,
    )
    listed = json.loads(run_cli("flashdisk", "list", "--menunggu", "--json", env=cli_env).stdout)
    assert [(d["kode_kecamatan"], d["jumlah_rekaman"], d["sent_at"]) for d in listed] == [
        ("33.10.05", 57, None)
    ]
    run_cli("flashdisk", "sent", str(listed[0]["id"]), env=cli_env)
    assert (
        json.loads(run_cli("flashdisk", "list", "--menunggu", "--json", env=cli_env).stdout) == []
    )
    proc = run_cli(
        "flashdisk",
        "receive",
        "--kecamatan",
        "Cawas",
        "--jumlah",
        "0",
        "--dibawa-oleh",
        "Joko",
        "--diterima-oleh",
        "Sri",
        env=cli_env,
        check=False,
    )
    assert proc.returncode == 2 and "jumlah rekaman 0 tidak masuk akal" in proc.stderr
