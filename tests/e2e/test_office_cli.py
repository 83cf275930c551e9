"""``cetak office ...`` as staff use it (issue 13): the letterhead and signers are set,
checked (exit 2 for a wrong NIP), shown as JSON for other tools; doctor warns while unset."""

from __future__ import annotations

import json

import pytest

from clihelp import run_cli

pytestmark = pytest.mark.slow


@pytest.fixture
def db_url(sqlite_url: str) -> str:
    """The command line's contract on the embedded default; the use cases behind it run on
    PostgreSQL too, in tests/integration."""
    return sqlite_url


def show(env: dict[str, str]) -> dict:
    return json.loads(run_cli("office", "show", "--json", env=env).stdout)


def test_office_set_signer_set_and_show_json(cli_env):
    empty = show(cli_env)
    assert empty["kop"]["alamat"] == "" and empty["logo"] is False
    assert "alamat" in empty["belum_diisi"]
    assert empty["dokumen"]["berita_acara_pemusnahan"] == {
        "ditandatangani": "kepala_seksi",
        "mengetahui": "kepala_dinas",
    }
    assert empty["klasifikasi"] == {"BAP": "470", "SPB": "470"}

    done = run_cli(
        "office",
        "set",
        "--pemerintah",
        "Pemerintah Kabupaten Klaten",
        "--dinas",
        "Dinas Kependudukan dan Pencatatan Sipil",
        "--alamat",
        "Jl. Pemuda No. 294, Klaten 57424",
        "--telepon",
        "(0272) 321046",
        "--email",
        "disdukcapil@klatenkab.go.id",
        "--laman",
        "disdukcapil.klatenkab.go.id",
        env=cli_env,
    )
    assert "Kop surat disimpan" in done.stdout
    for role, nama, nip in (
        ("kepala_seksi", "Sri Hartati, S.Sos.", "197503121998032004"),
        ("kepala_bidang", "Bambang Riyadi, S.H.", "197001011995031002"),
        ("kepala_dinas", "Drs. Jaka Purnama, M.Si.", "196902141990031005"),
    ):
        run_cli("office", "signer", "set", role, "--nama", nama, "--nip", nip, env=cli_env)
    run_cli("office", "klasifikasi", "BAP", "470.1", env=cli_env)
    run_cli("office", "signs", "laporan_bulanan", "--signer", "kepala_seksi", env=cli_env)

    full = show(cli_env)
    assert full["kop"]["telepon"] == "(0272) 321046"
    assert full["penandatangan"]["kepala_dinas"]["nip"] == "19690214 199003 1 005"
    assert full["klasifikasi"]["BAP"] == "470.1"
    assert full["dokumen"]["laporan_bulanan"]["ditandatangani"] == "kepala_seksi"
    assert full["belum_diisi"] == []
    assert "Drs. Jaka Purnama" in run_cli("office", "show", env=cli_env).stdout


def test_a_wrong_nip_or_role_is_refused_and_nothing_changes(cli_env):
    bad = run_cli(
        "office", "signer", "set", "kepala_dinas", "--nip", "12345", env=cli_env, check=False
    )
    assert bad.returncode == 2
    assert "NIP tidak valid: harus 18 angka" in bad.stderr
    role = run_cli("office", "signer", "set", "camat", "--nama", "X", env=cli_env, check=False)
    assert role.returncode == 2 and "kepala_seksi, kepala_bidang, kepala_dinas" in role.stderr
    email = run_cli("office", "set", "--email", "bukan-email", env=cli_env, check=False)
    assert email.returncode == 2 and "email tidak valid" in email.stderr
    assert show(cli_env)["penandatangan"]["kepala_dinas"]["nip"] == ""


def test_init_warns_while_the_letterhead_and_signers_are_unset(cli_env):
    first = run_cli("init", "--regency", "33.10", env=cli_env)
    assert first.returncode == 0
    assert "kop surat dan penandatangan belum lengkap" in first.stdout
    assert "cetak office signer set" in first.stdout
