"""The application core over a fake unit of work (no database): permission, one audit row
in the unit that makes the change, after-commit effects (issue 12)."""

from __future__ import annotations

import logging

import pytest

from application.actions import perform, perform_unit
from cetak.access import Action, Actor, Forbidden, Role
from cetak.uow import MemoryUnits, UnitOfWork
from cetak.users import AuditEntry

VIEWER = Actor("tono", Role.VIEWER)
OPERATOR = Actor("budi", Role.OPERATOR)


def audits(rows: list[object]) -> list[AuditEntry]:
    return [r for r in rows if isinstance(r, AuditEntry)]


def test_a_refused_actor_gets_forbidden_and_one_refusal_audited_and_nothing_runs():
    units, ran = MemoryUnits(), []
    with pytest.raises(Forbidden):
        perform(
            None,
            VIEWER,
            Action.PRINTER_STATE,
            "printer_down",
            lambda s: ran.append(s),
            target="sim-1",
            units=units,
        )
    assert ran == []
    [unit] = units.committed
    [row] = audits(unit)
    assert (row.actor, row.role, row.action, row.target, row.ok) == (
        "tono",
        "viewer",
        "printer_down",
        "sim-1",
        False,
    )
    assert '"refused": "printer_state"' in row.detail_json


def test_a_permitted_use_case_commits_its_change_and_one_audit_row_in_the_same_unit():
    units = MemoryUnits()
    change = object()

    def work(uow: UnitOfWork) -> str:
        uow.session.add(change)
        return "done"

    assert (
        perform_unit(None, OPERATOR, Action.PRINTER_STATE, "printer_down", work, units=units)
        == "done"
    )
    [unit] = units.committed
    assert unit[0] is change
    [row] = audits(unit)
    assert (row.actor, row.action, row.ok) == ("budi", "printer_down", True)


def test_an_actor_string_is_not_role_checked_and_is_audited_as_itself():
    units = MemoryUnits()
    perform(None, "flow:print_run", Action.PRINTER_STATE, "printer_down", lambda s: 1, units=units)
    [row] = audits(units.rows)
    assert (row.actor, row.role) == ("flow:print_run", None)


def test_effects_run_in_order_only_after_the_commit():
    units, seen = MemoryUnits(), []

    def work(uow: UnitOfWork) -> None:
        uow.after_commit(lambda: seen.append(("first", len(units.committed))))
        uow.after_commit(lambda: seen.append(("second", len(units.committed))))
        seen.append(("work", len(units.committed)))

    perform_unit(None, OPERATOR, Action.QC, "qc_pass", work, units=units)
    assert seen == [("work", 0), ("first", 1), ("second", 1)]


def test_no_effect_runs_after_an_error_and_nothing_is_committed():
    units, seen = MemoryUnits(), []

    def work(uow: UnitOfWork) -> None:
        uow.after_commit(lambda: seen.append("effect"))
        raise RuntimeError("service refused")

    with pytest.raises(RuntimeError):
        perform_unit(None, OPERATOR, Action.QC, "qc_pass", work, units=units)
    assert seen == [] and units.committed == [] and units.rolled_back == 1


def test_a_failing_effect_is_logged_without_its_message_and_keeps_the_change(caplog):
    units = MemoryUnits()

    def boom() -> None:
        raise OSError("3310010101900001 printer gone")

    def work(uow: UnitOfWork) -> object:
        failed = uow.after_commit(boom, "receipt")
        later = uow.after_commit(lambda: "ok", "document")
        return failed, later

    with caplog.at_level(logging.ERROR):
        failed, later = perform_unit(None, OPERATOR, Action.QC, "qc_pass", work, units=units)
    assert failed.failed and failed.result is None
    assert later.result == "ok" and not later.failed  # the next effect still runs
    assert len(audits(units.rows)) == 1  # the change and its audit stay committed
    assert "receipt" in caplog.text and "OSError" in caplog.text
    assert "3310010101900001" not in caplog.text


def test_nothing_audited_when_the_use_case_says_nothing_happened():
    units = MemoryUnits()
    perform_unit(
        None,
        OPERATOR,
        Action.QC,
        "stock_spoil",
        lambda uow: 0,
        audited=lambda n: n > 0,
        units=units,
    )
    assert audits(units.rows) == []
