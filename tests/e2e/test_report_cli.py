"""``cetak report daily`` as staff use it, and the ``daily_report`` flow run in-process."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from pypdf import PdfReader

from cetak import storage

from clihelp import run_cli

pytestmark = pytest.mark.slow


@pytest.fixture
def db_url(sqlite_url: str) -> str:
    """The command line's contract on the embedded default; the use cases behind it run on
    PostgreSQL too, in tests/integration."""
    return sqlite_url


def words(path) -> str:
    return " ".join(" ".join(p.extract_text().split()) for p in PdfReader(path).pages)


def test_report_daily_writes_keeps_and_copies_the_pdf(cli_env, home, served, db, tmp_path):
    today = served.today()
    run_cli("stock", "receive", "--lot", "LOT-A", "--quantity", "100", env=cli_env)
    proc = run_cli("report", "daily", "--out", str(tmp_path), env=cli_env)
    number = f"LH-3310-{today.isoformat()}"
    kept = home.documents_dir / "laporan-harian" / f"{number}.pdf"
    assert str(kept) in proc.stdout and "Laporan harian" in proc.stdout
    copy = tmp_path / f"{number}.pdf"
    assert copy.read_bytes() == kept.read_bytes()
    text = words(copy)
    assert number in text and "LAPORAN HARIAN PRODUKSI KTP-EL" in text
    assert "Cawas" in text and "100 keping" in text  # by kecamatan name; the blanks on hand
    listed = run_cli("documents", "list", "--kind", "laporan-harian", "--json", env=cli_env)
    assert [d["name"] for d in json.loads(listed.stdout)] == [
        storage.name_for(kept, home.resolved_home)
    ]

    yesterday = today - timedelta(days=1)
    shown = json.loads(
        run_cli("report", "daily", "--date", yesterday.isoformat(), "--json", env=cli_env).stdout
    )
    assert shown["date"] == yesterday.isoformat()
    assert shown["number"] == f"LH-3310-{yesterday.isoformat()}"
    assert shown["out"] is None and shown["path"].endswith(f"{shown['number']}.pdf")


def test_report_daily_refuses_a_bad_or_future_date_in_bahasa(cli_env, served):
    bad = run_cli("report", "daily", "--date", "03-12-2026", env=cli_env, check=False)
    assert bad.returncode == 2 and "gunakan TTTT-BB-HH" in bad.stderr
    later = (served.today() + timedelta(days=1)).isoformat()
    future = run_cli("report", "daily", "--date", later, env=cli_env, check=False)
    assert future.returncode == 2 and "belum tiba" in future.stderr


def test_the_daily_report_flow_writes_the_report(home, served, prefect_api):
    from workflows.reports import daily_report

    done = daily_report()
    number = f"LH-3310-{served.today().isoformat()}"
    assert done["path"] == str(home.documents_dir / "laporan-harian" / f"{number}.pdf")
    assert number in words(done["path"])
