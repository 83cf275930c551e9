"""One use case, three front ends (issue 12): taking a printer down from the CLI, from the
print run's flow task (a jam takes it out of service) and from the dashboard's action
layer leaves exactly one audit row per call, each with its actor."""

from __future__ import annotations

import getpass
import json

import sqlalchemy as sa
from sqlmodel import Session, select
from typer.testing import CliRunner

from application import actions
from cetak.access import Actor, Role
from cetak.users import AuditEntry

from factory import ingest, make_row, receive, sim_printer


def downs(engine) -> list[tuple[str, str | None, str | None, str]]:
    with Session(engine) as s:
        rows = s.exec(
            select(AuditEntry).where(AuditEntry.action == "printer_down").order_by(AuditEntry.id)  # type: ignore[arg-type]
        ).all()
    return [(r.actor, r.role, r.target, json.loads(r.detail_json)["reason"]) for r in rows]


def state(engine, name: str) -> str:
    with engine.connect() as conn:
        return conn.execute(
            sa.text("SELECT state FROM printer WHERE name = :n"), {"n": name}
        ).one()[0]


def test_printer_down_from_the_cli_a_flow_task_and_the_dashboard_is_audited_once_each(
    engine, served, home, tmp_path, run, monkeypatch
):
    from cli.app import app

    monkeypatch.delenv("CETAK_USER", raising=False)
    monkeypatch.delenv("CETAK_REQUIRE_OFFICER", raising=False)
    ingest(engine, served, home, tmp_path, [make_row() for _ in range(4)])
    receive(engine, served, 10)
    sim_printer(engine, home, "sim-cli")
    sim_printer(engine, home, "sim-dash")

    # 1. the CLI (the OS account acts)
    result = CliRunner().invoke(app, ["printers", "down", "sim-cli", "--reason", "servis"])
    assert result.exit_code == 0, result.output
    assert "Printer sim-cli dinonaktifkan: servis." in result.output
    assert downs(engine) == [(f"cli:{getpass.getuser()}", None, "sim-cli", "servis")]

    # 2. the dashboard's action layer (a logged-in operator)
    actions.mark_printer_down(engine, Actor("budi", Role.OPERATOR), "sim-dash", "pita habis")
    assert downs(engine)[1:] == [("budi", "operator", "sim-dash", "pita habis")]

    # 3. the print run's flow task: the only printer left jams and the run marks it down
    sim_printer(engine, home, "sim-flow", jam_every=2)
    (outcome,) = run()
    assert outcome["printer"] == "sim-flow" and outcome["stopped"] == "printer"
    assert downs(engine)[2:] == [("flow:print_run", None, "sim-flow", "kartu macet")]

    assert [state(engine, n) for n in ("sim-cli", "sim-dash", "sim-flow")] == ["maintenance"] * 3
    assert len(downs(engine)) == 3


def test_a_printer_merely_offline_is_not_marked_down_by_the_flow(
    engine, served, home, tmp_path, run
):
    ingest(engine, served, home, tmp_path, [make_row() for _ in range(4)])
    receive(engine, served, 10)
    sim_printer(engine, home, "sim-a", offline_after=1)
    (outcome,) = run()
    assert outcome["stopped"] == "printer" and state(engine, "sim-a") == "offline"
    assert downs(engine) == []
