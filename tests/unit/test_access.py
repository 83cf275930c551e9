"""Roles and permissions: one table, pure (no database)."""

from __future__ import annotations

import pytest

from cetak.access import (
    PERMISSIONS,
    ROLE_LABELS,
    Action,
    Actor,
    Forbidden,
    Role,
    allowed,
    display_nik,
    require,
)

NIK = "3310014509900001"


def test_every_role_has_an_indonesian_label_and_a_permission_set():
    assert set(ROLE_LABELS) == set(Role) == set(PERMISSIONS)
    assert ROLE_LABELS[Role.VIEWER] == "Pemantau"


def test_the_permissions_table_is_as_the_issue_says():
    assert PERMISSIONS[Role.OPERATOR] == {
        Action.PRINTER_STATE,
        Action.QC,
        Action.SHIPMENT_RECEIVE,
        Action.DISCREPANCY_RESOLVE,
        Action.COLLECTION,
        Action.REQUEUE,
        Action.VIEW_FULL_NIK,
        Action.RECORDING,  # issue 14: devices break at the kecamatan, operators record it
        Action.URGENT_FLAG,  # issue 15: asked by an operator, counts once a supervisor agrees
        Action.IKD,
    }
    assert PERMISSIONS[Role.STOCK_MANAGER] == {
        Action.STOCK_RECEIPT,
        Action.STOCK_TAKE,
        Action.REORDER_UPDATE,
        Action.EXPORT_QUARANTINE,
        Action.IKD,
        Action.LOAN,
    }
    assert PERMISSIONS[Role.SUPERVISOR] == set(Action)
    assert PERMISSIONS[Role.VIEWER] == frozenset()


@pytest.mark.parametrize("action", list(Action))
def test_a_viewer_may_do_nothing_and_a_supervisor_everything(action):
    assert not allowed(Role.VIEWER, action)
    assert allowed(Role.SUPERVISOR, action)


def test_allowed_takes_plain_strings_and_refuses_unknown_roles_and_actions():
    assert allowed("operator", "qc")
    assert not allowed("stock_manager", "qc")
    assert not allowed("admin", "qc")
    assert not allowed("supervisor", "launch_rockets")


def test_only_roles_that_check_residents_see_the_whole_nik():
    assert display_nik(NIK, Role.OPERATOR) == NIK
    assert display_nik(NIK, "supervisor") == NIK
    assert display_nik(NIK, Role.STOCK_MANAGER) == "3310********0001"
    assert display_nik(NIK, Role.VIEWER) == "3310********0001"
    assert display_nik(NIK, "nobody") == "3310********0001"
    assert display_nik("12345", Role.VIEWER) == "*****"  # malformed: still nothing shown


def test_require_refuses_with_an_indonesian_message_naming_role_and_action():
    require(Actor("budi", Role.OPERATOR), Action.QC)  # allowed: no error
    with pytest.raises(Forbidden) as refused:
        require(Actor("tini", Role.VIEWER), Action.STOCK_RECEIPT)
    assert refused.value.message == "Peran Pemantau tidak boleh menerima stok blangko"
    assert refused.value.action is Action.STOCK_RECEIPT


def test_the_actor_signs_ledger_rows_as_a_dashboard_user():
    actor = Actor("budi", Role.OPERATOR)
    assert actor.name == "budi"
    assert actor.audit_name() == "dashboard:budi"
