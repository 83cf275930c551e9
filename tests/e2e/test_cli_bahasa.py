"""The command line's own words in Bahasa (issue 13 item 9): help pages, usage lines and
typed-value errors of the real ``cetak`` (``cli.localise``), every command's help; and
Prefect's own log lines kept off the terminal unless ``--verbose``."""

from __future__ import annotations

import os
import re

import pytest
import typer
from typer.testing import CliRunner

from clihelp import run_cli
from factory import BatchSpec, make_row

pytestmark = pytest.mark.slow

#: Typer's and Click's own English, as it read before ``cli.localise``.
ENGLISH = (
    "Usage:",
    "Options",
    "Commands",
    "Arguments",
    "Show this message and exit",
    "for help",
    "Error",
    "Missing option",
    "Missing argument",
    "No such option",
    "No such command",
    "Invalid value",
    "is not a valid",
    "Input should be",
    "[required]",
    "[default:",
    "<int",
    "<str>",
    "<bool>",
    "x>=",
    "Did you mean",
)


def _english_in(text: str) -> list[str]:
    return [word for word in ENGLISH if word in text]


@pytest.fixture
def env(tmp_path) -> dict[str, str]:
    return {**os.environ, "CETAK_HOME": str(tmp_path / "home"), "COLUMNS": "120"}


def test_the_main_help_page_is_in_bahasa(env):
    proc = run_cli("--help", env=env)
    assert "Cara pakai: " in proc.stdout and "cetak [OPSI] PERINTAH [ARG]..." in proc.stdout
    assert "Opsi" in proc.stdout and "Perintah" in proc.stdout
    assert "Tampilkan bantuan ini lalu keluar." in proc.stdout
    assert "--verbose" in proc.stdout
    assert _english_in(proc.stdout) == []


def test_a_value_that_is_no_number_is_refused_in_bahasa(env):
    proc = run_cli("stock", "receive", "--lot", "L1", "--quantity", "abc", env=env, check=False)
    assert proc.returncode == 2
    text = proc.stderr
    assert "Cara pakai: " in text and "cetak stock receive [OPSI]" in text
    assert "cetak stock receive --help' untuk bantuan." in text
    assert "Kesalahan" in text
    assert "'abc' bukan bilangan bulat" in " ".join(text.split())
    assert _english_in(text) == []


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["records", "--limit", "0"], "'0' terlalu kecil; paling sedikit 1"),
        (["stock", "receive", "--quantity", "3"], "Opsi '--lot' wajib diisi."),
        (["stock", "receive", "--nosuch"], "Tidak ada opsi --nosuch."),
        (["stok"], "Tidak ada perintah 'stok'. Mungkin maksudnya: 'stock'?"),
        (["discrepancies", "resolve"], "Argumen 'case' wajib diisi."),
    ],
)
def test_usage_errors_are_in_bahasa(env, args, said):
    proc = run_cli(*args, env=env, check=False)
    assert proc.returncode == 2
    text = " ".join(re.sub(r"[│╭╮╰╯─]", " ", proc.stderr).split())
    assert said in text
    assert _english_in(proc.stderr) == []


def _commands(group: object, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = [path]
    for name, cmd in getattr(group, "commands", {}).items():
        found += _commands(cmd, (*path, name))
    return found


def test_every_help_page_is_in_bahasa(monkeypatch):
    from cli.app import app

    monkeypatch.setenv("COLUMNS", "200")
    runner = CliRunner()
    pages = _commands(typer.main.get_command(app))
    assert len(pages) > 60
    wrong = {}
    for path in pages:
        result = runner.invoke(app, [*path, "--help"])
        assert result.exit_code == 0, (path, result.output)
        if _english_in(result.output):
            wrong[" ".join(path)] = _english_in(result.output)
    assert wrong == {}


def test_discrepancies_resolve_lists_the_words_it_accepts(env):
    proc = run_cli("discrepancies", "resolve", "1", "--as", "hilangg", env=env, check=False)
    assert proc.returncode == 2
    assert "pilih salah satu: ditemukan, hilang, rusak" in proc.stderr


def _ingest_env(home, prefect_api) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_LOGGING")}
    env.update(
        CETAK_HOME=str(home.resolved_home), CETAK_DATABASE_URL=home.url, PREFECT_API_URL=prefect_api
    )
    return env


def test_prefect_stays_off_the_terminal_unless_verbose(home, served, prefect_api, tmp_path):
    env = _ingest_env(home, prefect_api)
    BatchSpec(batch_id="PRR-3310-20261122-0001", rows=[make_row()]).write(tmp_path / "a")
    quiet = run_cli("ingest", str(tmp_path / "a"), env=env)
    both = quiet.stdout + quiet.stderr
    assert "DITERIMA" in quiet.stdout
    assert "Flow run" not in both and "Task run" not in both
    assert "prefect" not in both.lower() and "http" not in both
    BatchSpec(batch_id="PRR-3310-20261122-0002", rows=[make_row()]).write(tmp_path / "b")
    loud = run_cli("--verbose", "ingest", str(tmp_path / "b"), env=env)
    assert "DITERIMA" in loud.stdout
    assert "Flow run" in loud.stderr and "Finished in state" in loud.stderr
