"""The dashboard's "Mulai pencetakan" through the real flow (issue 13, item 12): the same
use case as ``cetak print`` (``application.orchestration.run_print``) runs the print_run
flow on Prefect in a background thread of the dashboard server, and the page shows what it
printed."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from cetak.access import Actor, Role
from cetak.users import AuditEntry
from dashboard import printing

from factory import ingest, make_row, receive, sim_printer

pytestmark = pytest.mark.slow


def test_a_print_run_started_from_the_dashboard_prints_and_is_audited(
    engine, served, home, tmp_path, prefect_api
):
    ingest(engine, served, home, tmp_path, [make_row() for _ in range(3)])
    receive(engine, served, 10)
    sim_printer(engine, home, "sim-1")

    kasi = Actor("kasi", Role.SUPERVISOR)
    run = printing.start(engine, kasi, max_cards=2)
    assert run is not None
    assert printing.start(engine, kasi) is None  # one run at a time
    printing.wait(240)
    try:
        assert not run.running and run.error is None, run.error
        assert run.summary is not None
        assert (run.summary["printed"], run.summary["spoiled"]) == (2, 0)
    finally:
        printing.forget()
    with Session(engine) as s:
        rows = list(
            s.exec(
                select(AuditEntry).where(
                    AuditEntry.action == "print_run", AuditEntry.actor == "kasi"
                )
            )
        )
    assert [a.ok for a in rows] == [True]  # the flow audits its own steps apart
    assert '"max_cards": 2' in rows[0].detail_json
