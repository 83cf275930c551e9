"""The print room from the command line: ``cetak printers``, ``cetak print``, ``cetak qc`` and
the ``"printers"`` and ``"cards"`` of ``cetak status --json`` (each a real subprocess)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from sqlmodel import Session, select

from cetak.db import write_session
from intake.service import ingest_one
from inventory import ledger
from printers.models import Card, Printer
from printers.registry import add_printer

from factory import BatchSpec, make_row

pytestmark = pytest.mark.slow


def cetak(*args: str, env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "cetak", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def run_all(*commands: tuple[str, ...], env: dict[str, str]) -> list[tuple[int, str, str]]:
    """Run independent commands side by side; (exit code, stdout, stderr) of each."""
    procs = [cetak(*args, env=env) for args in commands]
    results = []
    for proc in procs:
        out, err = proc.communicate(timeout=180)
        results.append((proc.returncode, out, err))
    return results


def ok(*args: str, env: dict[str, str]) -> str:
    ((code, out, err),) = run_all(args, env=env)
    assert code == 0, f"cetak {args} failed ({code}):\n{err}"
    return out


@pytest.fixture
def env(home, served) -> dict[str, str]:
    """An initialised installation (Klaten) that the subprocesses share with this test."""
    return dict(os.environ, CETAK_HOME=str(home.resolved_home), CETAK_DATABASE_URL=home.url)


@pytest.fixture
def flow_env(env, prefect_api) -> dict[str, str]:
    return dict(env, PREFECT_API_URL=prefect_api)


def printers_in_db(engine) -> dict[str, Printer]:
    with Session(engine) as s:
        return {p.name: p for p in s.exec(select(Printer))}


def test_printers_add_list_down_and_up_with_clear_refusals_that_store_nothing(env, engine):
    results = run_all(
        ("printers", "add", "ipp-1", "--driver", "ipp", "--uri", "ftp://x"),
        ("printers", "add", "sim-x", "--driver", "simulated", "--uri", "sim://x?seed=abc"),
        ("printers", "down", "nope", "--reason", "servis"),
        (
            "printers", "add", "sim-1", "--driver", "simulated", "--uri", "sim://sim-1?seed=1",
            "--daily-limit", "200", "--rest-after", "50", "--rest-minutes", "20",
        ),
        env=env,
    )  # fmt: skip
    *refused, (code, out, err) = results
    assert code == 0, err
    assert "Printer sim-1 (simulated) terdaftar di DISDUKCAPIL." in out
    expected = [
        "Gagal: printer ipp-1: URI IPP tidak valid: 'ftp://x'",
        "Gagal: printer sim-x: parameter URI simulasi tidak valid: 'seed' harus angka, bukan 'abc'",
        "Gagal: printer 'nope' tidak terdaftar (lihat: cetak printers list)",
    ]
    for (code, out, err), words in zip(refused, expected, strict=True):
        assert code == 1 and out == "", err
        assert words in " ".join(err.split()), err
        assert "Traceback" not in err
    assert list(printers_in_db(engine)) == ["sim-1"]  # the refusals stored nothing

    listed = json.loads(ok("printers", "list", "--json", env=env))
    assert listed == [
        {
            "name": "sim-1",
            "driver": "simulated",
            "uri": "sim://sim-1?seed=1",
            "site": "DISDUKCAPIL",
            "state": "online",
            "reason": None,
            "printed_today": 0,
            "spoiled_today": 0,
            "daily_limit": 200,
            "rest_after": 50,
            "rest_minutes": 20,
            "rest_until": None,
            "ribbon_percent": None,
            "ribbon_left": None,
        }
    ]

    assert "dinonaktifkan: ganti pita" in ok(
        "printers", "down", "sim-1", "--reason", "ganti pita", env=env
    )
    p = printers_in_db(engine)["sim-1"]
    assert (p.state, p.state_reason) == ("maintenance", "ganti pita")
    assert "siap kembali" in ok("printers", "up", "sim-1", "--reason", "pita baru", env=env)
    p = printers_in_db(engine)["sim-1"]
    assert (p.state, p.state_reason, p.failures) == ("online", "pita baru", 0)
    table = ok("printers", "list", env=env)
    assert "sim-1" in table and "siap" in table


def test_print_json_reports_the_run_and_status_and_qc_follow_the_cards(
    flow_env, engine, served, home, tmp_path
):
    spec = BatchSpec(rows=[make_row() for _ in range(6)])
    ingest_one(
        engine=engine,
        path=spec.write(tmp_path / "in"),
        served=served,
        home_dirs=(home.archive_dir, home.rejected_dir, home.outbox_dir),
        today=served.today(),
    )
    with write_session(engine) as s:
        ledger.receive_stock(s, lot="L1", quantity=10, actor="t", received_on=served.today())
        for name, faults in (("sim-1", "ribbon=100"), ("sim-2", "jam_every=2")):
            add_printer(
                s,
                name=name,
                driver="simulated",
                uri=f"sim://{name}?seed=1&seconds=0&{faults}",
                state_root=home.resolved_home,
            )

    summary = json.loads(ok("print", "--json", env=flow_env))
    assert {"printed", "spoiled", "needs_attention", "requeued", "stock_out", "jobs"} <= set(
        summary
    )
    assert (summary["printed"], summary["spoiled"], summary["requeued"]) == (4, 1, 1)
    assert (summary["needs_attention"], summary["stock_out"]) == (0, False)
    jobs = {j["printer"]: j for j in summary["jobs"]}
    assert (jobs["sim-1"]["printed"], jobs["sim-1"]["stopped"]) == (3, None)
    assert (jobs["sim-2"]["printed"], jobs["sim-2"]["stopped"]) == (1, "printer")
    assert jobs["sim-2"]["reason"] == "kartu macet"

    with Session(engine) as s:
        cards = {c.card_ref: c for c in s.exec(select(Card).order_by(Card.id))}  # type: ignore[arg-type]
    printed = [ref for ref, c in cards.items() if c.state == "printed"]
    (spoiled,) = [ref for ref, c in cards.items() if c.state == "spoiled"]
    first, second, *_ = printed
    for code, out, err in run_all(
        ("qc", "pass", first),
        ("qc", "reject", second, "--cause", "RUSAK_FISIK", "--note", "tergores"),
        env=flow_env,
    ):
        assert code == 0, err
        assert "1 kartu" in out

    status, refused, bad_cause, awaiting = run_all(
        ("status", "--json"),
        ("qc", "pass", spoiled),
        ("qc", "reject", printed[2], "--cause", "LUNTUR"),
        ("qc", "list", "--json"),
        env=flow_env,
    )
    assert refused[0] == 1 and f"kartu {spoiled} berstatus 'spoiled', bukan menunggu QC" in (
        " ".join(refused[2].split())
    )
    assert bad_cause[0] == 2 and "sebab 'LUNTUR' tidak dikenal" in bad_cause[2]
    assert awaiting[0] == 0
    assert [r["card"] for r in json.loads(awaiting[1])] == printed[2:]

    assert status[0] == 0, status[2]
    doc = json.loads(status[1])
    fleet = {p["name"]: p for p in doc["printers"]}
    assert (fleet["sim-1"]["state"], fleet["sim-1"]["printed_today"]) == ("online", 3)
    assert fleet["sim-1"]["ribbon_percent"] == 97  # 3 of the ribbon's 100 cards used
    assert (fleet["sim-2"]["state"], fleet["sim-2"]["printed_today"]) == ("maintenance", 1)
    assert fleet["sim-2"]["reason"] == "kartu macet" and fleet["sim-2"]["ribbon_percent"] is None
    assert doc["cards"] == {"passed": 1, "printed": 2, "spoiled": 2}
    assert doc["records"]["ready"] == 1 and doc["records"]["printed"] == 2
    assert doc["records"]["queued"] == 3  # the jammed, the one after it and the rejected
