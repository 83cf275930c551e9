"""The role-checked action layer: each allowed action calls the service and leaves exactly
one audit row in the same transaction; a refused one changes nothing and is audited
``ok=False``."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlmodel import Session, select

from application import actions
from cetak.access import ROLE_LABELS, Actor, Forbidden, Role
from cetak.db import write_session
from cetak.models import Record
from cetak.users import AuditEntry
from intake.service import ingest_one
from inventory import ledger
from inventory.errors import RequestStateError
from inventory.models import Lot, Movement, ReorderRequest
from printers import qc
from printers.errors import UnknownPrinter
from printers.models import Card, Printer
from printers.registry import add_printer
from workflows import printing as flow

from factory import BatchSpec, make_row

OPERATOR = Actor("budi", Role.OPERATOR)
STOCK = Actor("sri", Role.STOCK_MANAGER)
SUPERVISOR = Actor("siti", Role.SUPERVISOR)
VIEWER = Actor("tono", Role.VIEWER)


def audit_rows(engine) -> list[AuditEntry]:
    with Session(engine) as s:
        return list(s.exec(select(AuditEntry).order_by(AuditEntry.id)))


def only_audit(engine) -> AuditEntry:
    rows = audit_rows(engine)
    assert len(rows) == 1, [(r.action, r.ok) for r in rows]
    return rows[0]


def assert_refused(engine, call, actor: Actor, name: str, permission: str) -> None:
    with pytest.raises(Forbidden) as refused:
        call()
    assert refused.value.message.startswith(f"Peran {ROLE_LABELS[actor.role]} tidak boleh ")
    row = only_audit(engine)
    assert (row.actor, row.role, row.action, row.ok) == (actor.name, actor.role, name, False)
    assert json.loads(row.detail_json)["refused"] == permission


def get(engine, model: Any, key: Any) -> Any:
    with Session(engine) as s:
        return s.get(model, key)


# --- printers --------------------------------------------------------------------------------


@pytest.fixture
def printer(engine, served, home) -> str:
    with write_session(engine) as s:
        add_printer(
            s,
            name="sim-1",
            driver="simulated",
            uri="sim://sim-1?seed=1&seconds=0",
            state_root=home.resolved_home,
        )
    return "sim-1"


def test_an_operator_marks_a_printer_down_and_up_with_an_audit_row_each(engine, home, printer):
    down = actions.mark_printer_down(engine, OPERATOR, printer, "ganti pita")
    assert down.state == "maintenance"
    row = only_audit(engine)
    assert (row.actor, row.role, row.action, row.target, row.ok) == (
        "budi",
        "operator",
        "printer_down",
        "sim-1",
        True,
    )
    assert json.loads(row.detail_json) == {"reason": "ganti pita"}

    actions.mark_printer_up(engine, OPERATOR, printer, "pita baru", state_root=home.resolved_home)
    assert get(engine, Printer, printer).state == "online"
    assert [r.action for r in audit_rows(engine)] == ["printer_down", "printer_up"]


@pytest.mark.parametrize("actor", [STOCK, VIEWER])
def test_a_role_without_printer_rights_cannot_change_a_printer(engine, printer, actor):
    assert_refused(
        engine,
        lambda: actions.mark_printer_down(engine, actor, printer, "iseng"),
        actor,
        "printer_down",
        "printer_state",
    )
    assert get(engine, Printer, printer).state == "online"


def test_a_service_error_rolls_back_and_leaves_no_audit_row(engine, served):
    with pytest.raises(UnknownPrinter):
        actions.mark_printer_down(engine, SUPERVISOR, "tidak-ada", "rusak")
    assert audit_rows(engine) == []


# --- QC --------------------------------------------------------------------------------------


@pytest.fixture
def printed(engine, served, home, tmp_path, printer, monkeypatch) -> list[str]:
    """Two printed cards awaiting QC (one print run of the print_run flow's tasks)."""
    spec = BatchSpec(rows=[make_row(), make_row()])
    ack = ingest_one(
        engine=engine,
        path=spec.write(tmp_path / "in" / spec.batch_id),
        served=served,
        home_dirs=(home.archive_dir, home.rejected_dir, home.outbox_dir),
        today=served.today(),
    )
    assert ack["queued"] == 2
    with write_session(engine) as s:
        ledger.receive_stock(s, lot="L1", quantity=10, actor="test", received_on=served.today())
    monkeypatch.setattr(flow, "engine_from_settings", lambda _settings: engine)
    for name, ids in flow.plan_jobs.fn(home, None).items():
        flow.run_printer.fn(name, ids, home)
    with Session(engine) as s:
        cards = list(s.exec(select(Card).order_by(Card.id)))
    assert [c.state for c in cards] == ["printed", "printed"]
    return [c.card_ref for c in cards]


def card(engine, ref: str) -> Card:
    with Session(engine) as s:
        return s.exec(select(Card).where(Card.card_ref == ref)).one()


def test_an_operator_passes_and_rejects_cards_at_qc(engine, printed):
    good, bad = printed
    [passed] = actions.pass_cards(engine, OPERATOR, [good])
    assert passed.card_ref == good
    assert (card(engine, good).state, card(engine, good).qc_by) == ("passed", "dashboard:budi")
    assert get(engine, Record, card(engine, good).record_id).state == "ready"
    row = only_audit(engine)
    assert (row.action, row.target, json.loads(row.detail_json)) == (
        "qc_pass",
        good,
        {"cards": [good]},
    )

    actions.reject_cards(engine, OPERATOR, [bad], cause="RUSAK_FISIK", note="tergores")
    rejected = card(engine, bad)
    assert (rejected.state, rejected.spoil_cause) == ("spoiled", "RUSAK_FISIK")
    with Session(engine) as s:
        spoil = s.exec(select(Movement).where(Movement.kind == "SPOILED")).one()
    assert spoil.actor == "dashboard:budi"
    assert [r.action for r in audit_rows(engine)] == ["qc_pass", "qc_reject"]


@pytest.mark.parametrize("actor", [STOCK, VIEWER])
def test_a_role_without_qc_rights_cannot_pass_cards(engine, printed, actor):
    assert_refused(
        engine, lambda: actions.pass_cards(engine, actor, printed), actor, "qc_pass", "qc"
    )
    assert {card(engine, ref).state for ref in printed} == {"printed"}


# --- stock -----------------------------------------------------------------------------------


def test_a_stock_manager_receives_a_lot_and_counts_the_stock(engine, served):
    lot, closed = actions.receive_lot(
        engine, STOCK, lot="LOT-A", quantity=500, received_on=served.today(), reference="470/1"
    )
    assert (lot.code, lot.quantity, lot.actor, closed) == ("LOT-A", 500, "dashboard:sri", None)
    row = only_audit(engine)
    assert (row.actor, row.action, row.target) == ("sri", "stock_receipt", "LOT-A")
    assert json.loads(row.detail_json)["quantity"] == 500

    result = actions.count_stock(
        engine, STOCK, counted=497, reason="opname bulanan", threshold=10, lot="LOT-A"
    )
    assert (result.count.expected, result.count.difference) == (500, -3)
    assert [r.action for r in audit_rows(engine)] == ["stock_receipt", "stock_take"]
    assert json.loads(audit_rows(engine)[-1].detail_json)["difference"] == -3


@pytest.mark.parametrize("actor", [OPERATOR, VIEWER])
def test_a_role_without_stock_rights_cannot_receive_or_count(engine, served, actor):
    assert_refused(
        engine,
        lambda: actions.receive_lot(
            engine, actor, lot="LOT-A", quantity=500, received_on=served.today()
        ),
        actor,
        "stock_receipt",
        "stock_receipt",
    )
    assert get(engine, Lot, "LOT-A") is None
    with pytest.raises(Forbidden):
        actions.count_stock(engine, actor, counted=0, reason="x", threshold=10, lot="LOT-A")
    assert [(r.action, r.ok) for r in audit_rows(engine)] == [
        ("stock_receipt", False),
        ("stock_take", False),
    ]


# --- reorder requests ------------------------------------------------------------------------


@pytest.fixture
def request_number(engine, served) -> str:
    with write_session(engine) as s:
        s.add(
            ReorderRequest(
                number="SPB-3310-202611-001",
                state="DRAFT",
                quantity=2_000,
                actor="test",
                snapshot_json="{}",
            )
        )
    return "SPB-3310-202611-001"


def request_state(engine, number: str) -> str:
    with Session(engine) as s:
        return s.exec(select(ReorderRequest).where(ReorderRequest.number == number)).one().state


def test_a_stock_manager_follows_a_request_from_sent_to_received(engine, request_number):
    assert actions.mark_request_sent(engine, STOCK, request_number).state == "SENT"
    confirmed = actions.confirm_request(engine, STOCK, request_number, quantity=1_800)
    assert (confirmed.state, confirmed.confirmed_quantity) == ("CONFIRMED", 1_800)
    assert actions.mark_request_received(engine, STOCK, request_number).state == "RECEIVED"
    rows = audit_rows(engine)
    assert [(r.action, r.target, r.ok) for r in rows] == [
        ("reorder_sent", request_number, True),
        ("reorder_confirmed", request_number, True),
        ("reorder_received", request_number, True),
    ]
    assert json.loads(rows[1].detail_json)["confirmed_quantity"] == 1_800


def test_a_draft_request_cannot_be_marked_received_and_nothing_is_audited(engine, request_number):
    with pytest.raises(RequestStateError):
        actions.mark_request_received(engine, SUPERVISOR, request_number)
    assert request_state(engine, request_number) == "DRAFT"
    assert audit_rows(engine) == []


@pytest.mark.parametrize("actor", [OPERATOR, VIEWER])
def test_a_role_without_reorder_rights_cannot_update_a_request(engine, request_number, actor):
    assert_refused(
        engine,
        lambda: actions.mark_request_sent(engine, actor, request_number),
        actor,
        "reorder_sent",
        "reorder_update",
    )
    assert request_state(engine, request_number) == "DRAFT"


def test_a_supervisor_may_do_what_the_operator_and_the_stock_manager_do(
    engine, served, printer, request_number
):
    actions.mark_printer_down(engine, SUPERVISOR, printer, "perawatan")
    actions.receive_lot(engine, SUPERVISOR, lot="LOT-S", quantity=10, received_on=served.today())
    actions.mark_request_sent(engine, SUPERVISOR, request_number)
    rows = audit_rows(engine)
    assert [(r.actor, r.role, r.ok) for r in rows] == [("siti", "supervisor", True)] * 3


# --- distribution ------------------------------------------------------------------------


def test_distribution_actions_by_role_leave_audit_rows(engine, served, printed):
    from distribution import service as dist
    from distribution.models import Collection, Discrepancy

    with write_session(engine) as s:
        qc.auto_pass(s)
        [packed] = dist.pack(s, served, actor="op")
        dist.dispatch(s, actor="op")
        nik = s.exec(select(Record.nik).order_by(Record.id)).first()
    viewer = Actor("vina", Role.VIEWER)
    operator = Actor("oki", Role.OPERATOR)
    with pytest.raises(Forbidden):
        actions.receive_shipment(engine, viewer, packed.number, officer="Sri")
    got = actions.receive_shipment(
        engine, operator, packed.number, officer="Sri", missing=[printed[1]]
    )
    assert got.received == 1 and len(got.cases) == 1
    case = actions.resolve_discrepancy(engine, operator, got.cases[0], "found", "di laci")
    assert case.resolution == "found"
    with pytest.raises(Forbidden):
        actions.record_collection(engine, viewer, nik, by="Budi")
    c = actions.record_collection(engine, operator, nik, by="Budi")
    assert c.collected_by == "Budi"
    with Session(engine) as s:
        audits = s.exec(select(AuditEntry).order_by(AuditEntry.id)).all()
        assert s.exec(select(Collection)).one().officer == "dashboard:oki"
        assert s.exec(select(Discrepancy)).one().resolved_by == "dashboard:oki"
    assert [(a.action, a.ok) for a in audits] == [
        ("shipment_receive", False),
        ("shipment_receive", True),
        ("discrepancy_resolve", True),
        ("collection", False),
        ("collection", True),
    ]
    assert all(nik not in (a.target or "") + a.detail_json for a in audits)
