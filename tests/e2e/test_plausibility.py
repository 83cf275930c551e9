"""Issue 11, items 3, 12, 13 and 14: idempotent stock commands, plausible figures,
stock-take differences approved by a supervisor, unknown kecamatan and bad kecamatan files.

Pure rules and services run in-process; the CLI contract runs the real ``cetak``.
"""

from __future__ import annotations

import json
import os
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlmodel import Session, select

from application import actions
from cetak.access import Actor, Forbidden, Role
from cetak.db import write_session
from cetak.regions import RegionDataError, parse_kecamatan_csv, unknown_kecamatan
from cetak.users import AuditEntry, add_user
from inventory import ledger, operations, reorder, rules
from inventory.errors import (
    ImplausibleInput,
    InvalidQuantity,
    ProposalPending,
    ProposalStateError,
    RequestStateError,
    StockError,
)
from inventory.models import Balance, Movement, ReorderRequest, StockCount

from clihelp import run_cli

ACTOR = "test"
TODAY = date(2026, 12, 2)
STOCK = Actor("sri", Role.STOCK_MANAGER)
SUPERVISOR = Actor("siti", Role.SUPERVISOR)
VIEWER = Actor("tono", Role.VIEWER)


# --- item 12: bounds as pure rules ---------------------------------------------------------


def test_quantities_have_sane_bounds():
    assert rules.check_quantity(100_000, limit=100_000) == 100_000
    for absurd in (100_001, 999_999_999_999, 9223372036854775800, 99999999999999999999):
        with pytest.raises(ImplausibleInput) as info:
            rules.check_quantity(absurd, limit=100_000)
        assert "batas wajar 100.000" in info.value.message
    for bad in (0, -5, True, 1.5):
        with pytest.raises(InvalidQuantity):
            rules.check_quantity(bad, limit=100_000)


def test_a_date_in_the_future_is_refused():
    assert rules.check_not_future(TODAY, today=TODAY) == TODAY
    with pytest.raises(ImplausibleInput) as info:
        rules.check_not_future(date(2099, 1, 1), today=TODAY, what="tanggal terima")
    assert "tanggal terima 2099-01-01 belum terjadi" in info.value.message


def test_every_adjustment_needs_a_reason():
    assert rules.check_reason("  temuan kotak  ") == "temuan kotak"
    for empty in ("", "   ", None):
        with pytest.raises(ImplausibleInput):
            rules.check_reason(empty)


def test_lot_codes_and_serials_stay_inside_what_the_database_holds():
    assert rules.check_lot_code(" LOT-2026-11-A ") == "LOT-2026-11-A"
    for bad in ("", "L" * 100, "LOT A", "LOT\n1", "LOT-٣"):
        with pytest.raises(ImplausibleInput):
            rules.check_lot_code(bad)
    assert rules.serial_range("KTP0012001", 10) is not None
    assert rules.serial_range("KTP" + "9" * 30, 10) is None  # beyond a BIGINT
    assert rules.serial_range("X" * 30 + "001", 10) is None  # prefix too long
    assert rules.serial_range("KTP٠٠١", 10) is None  # Arabic-Indic digits


def test_a_count_cannot_exceed_what_the_lot_ever_held_and_a_large_difference_is_proposed():
    assert rules.check_counted(470, lot_quantity=500, lot="A") == 470
    with pytest.raises(ImplausibleInput):
        rules.check_counted(501, lot_quantity=500, lot="A")
    with pytest.raises(InvalidQuantity):
        rules.check_counted(-1, lot_quantity=500, lot="A")
    assert not rules.needs_approval(10, threshold=10)
    assert rules.needs_approval(-11, threshold=10) and rules.needs_approval(11, threshold=10)


def test_a_derived_key_depends_on_what_is_recorded_only():
    one = rules.derived_key("shelf", "DISDUKCAPIL", "A", "RUSAK_FISIK", "basah", 3, TODAY)
    assert one == rules.derived_key("shelf", "DISDUKCAPIL", "A", "RUSAK_FISIK", "basah", 3, TODAY)
    assert one != rules.derived_key("shelf", "DISDUKCAPIL", "A", "RUSAK_FISIK", "basah", 4, TODAY)
    assert one.startswith("shelf:") and len(one) < 100


# --- item 14: kecamatan files --------------------------------------------------------------

HEADER = "kode_kecamatan,kecamatan,kode_kabupaten,kabupaten,kode_provinsi,provinsi\n"
GOOD = "34.04.01,Gamping,34.04,Kabupaten Sleman,34,Daerah Istimewa Yogyakarta\n"


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (
            GOOD + "34.04.01,Godean,34.04,Kabupaten Sleman,34,Daerah Istimewa Yogyakarta\n",
            "Baris 3: kode kecamatan 34.04.01 sudah ada di baris 2",
        ),
        ("34.04.01,Gamping,34.04,,34,Daerah Istimewa Yogyakarta\n", "Baris 2: nama kabupaten"),
        ("34.04.01,Gamping,34.04,Kabupaten Sleman,34,  \n", "Baris 2: nama provinsi"),
        ("34.04.01,,34.04,Kabupaten Sleman,34,Daerah Istimewa Yogyakarta\n", "Baris 2: nama kec"),
        (
            "94.01.01,Merauke,94.01,Kabupaten Merauke,33,Jawa Tengah\n",
            "Baris 2: kode provinsi '33' tidak sesuai dengan kabupaten 94.01",
        ),
        (
            "٣٤.٠٤.٠١,Gamping,٣٤.٠٤,Kabupaten Sleman,34,Daerah Istimewa Yogyakarta\n",
            "Baris 2: kode kecamatan",
        ),
        ("99.04.01,Gamping,99.04,Kabupaten Entah,99,Entah\n", "Baris 2: kode provinsi '99'"),
    ],
)
def test_a_bad_kecamatan_file_is_refused_with_the_row_number(rows, message):
    with pytest.raises(RegionDataError) as info:
        parse_kecamatan_csv(HEADER + rows)
    assert message in info.value.message


def test_a_papua_regency_gets_papua_time():
    regency = parse_kecamatan_csv(HEADER + "94.01.01,Merauke,94.01,Kabupaten X,94,Papua Tengah\n")
    assert regency["94.01"].timezone == "Asia/Jayapura"


# --- item 13: unknown kecamatan (pure) ----------------------------------------------------


def test_an_unknown_kecamatan_is_named_with_the_valid_ones():
    known = {"33.10.01": "Prambanan", "33.10.02": "Gantiwarno"}
    assert unknown_kecamatan("33.10.01", known, "Kabupaten Klaten") is None
    message = unknown_kecamatan("33.10.99", known, "Kabupaten Klaten")
    assert "33.10.99" in message and "Kabupaten Klaten" in message
    assert "33.10.01 (Prambanan)" in message and "33.10.02 (Gantiwarno)" in message


# --- services: the ledger, stock-takes and their approval ---------------------------------


def receive(engine, lot="A", quantity=500, on=date(2026, 11, 1)):
    with write_session(engine) as s:
        return ledger.receive_stock(s, lot=lot, quantity=quantity, actor=ACTOR, received_on=on)


def on_hand(engine, lot="A", site="DISDUKCAPIL") -> int:
    with Session(engine) as s:
        row = s.get(Balance, (site, lot))
        return row.on_hand if row else 0


def adjustments(engine) -> list[tuple[str, int]]:
    with Session(engine) as s:
        rows = s.exec(select(Movement).where(Movement.kind == "ADJUSTMENT").order_by(Movement.id))
        return [(m.lot_code, m.delta_on_hand) for m in rows]


def test_the_ledger_refuses_an_absurd_quantity_and_lot_code_before_touching_the_database(
    engine, served
):
    for quantity in (9223372036854775800, 99999999999999999999):
        with pytest.raises(ImplausibleInput), write_session(engine) as s:
            ledger.receive_stock(
                s, lot="HUGE", quantity=quantity, actor=ACTOR, received_on=date(2026, 11, 1)
            )
    with pytest.raises(ImplausibleInput), write_session(engine) as s:
        ledger.receive_stock(s, lot="L" * 100, quantity=10, actor=ACTOR, received_on=TODAY)
    with Session(engine) as s:
        assert s.exec(select(Movement)).first() is None


def test_a_stock_take_is_per_lot_and_needs_a_reason(engine, served):
    receive(engine, "A", 50)
    receive(engine, "B", 50, on=date(2026, 11, 2))
    with pytest.raises(StockError) as info, write_session(engine) as s:
        operations.count_stock(s, counted=98, reason="opname", actor=ACTOR, threshold=5, lot=None)
    assert info.value.code == "stock.lot_required"  # the CLI adds the flag: (--lot KODE)
    assert "sebutkan lotnya" in info.value.message and "--" not in info.value.message
    with pytest.raises(ImplausibleInput), write_session(engine) as s:
        operations.count_stock(s, counted=48, reason="  ", actor=ACTOR, threshold=5, lot="A")
    with pytest.raises(ImplausibleInput), write_session(engine) as s:
        operations.count_stock(s, counted=51, reason="x", actor=ACTOR, threshold=5, lot="A")
    with write_session(engine) as s:
        small = operations.count_stock(
            s, counted=48, reason="opname", actor=ACTOR, threshold=5, lot="A"
        )
    assert (small.count.difference, small.proposal, small.adjustments) == (-2, None, [("A", -2)])
    assert (on_hand(engine, "A"), on_hand(engine, "B")) == (48, 50)


def test_a_large_difference_is_proposed_and_booked_only_when_a_supervisor_approves(engine, served):
    receive(engine, "A", 500)
    result = actions.count_stock(
        engine, STOCK, counted=30, reason="opname bulanan", threshold=10, lot="A"
    )
    assert (result.count.expected, result.count.difference, result.count.flagged) == (
        500,
        -470,
        True,
    )
    assert result.proposal is not None and result.proposal.state == "PROPOSED"
    assert result.adjustments == []
    assert on_hand(engine) == 500 and adjustments(engine) == []  # nothing booked yet

    # The same count retried: the same proposal, not a second one.
    again = actions.count_stock(
        engine, STOCK, counted=30, reason="opname bulanan", threshold=10, lot="A"
    )
    assert again.proposal.id == result.proposal.id and not again.created
    # Another count of the lot waits for the proposal to be decided.
    with pytest.raises(ProposalPending):
        actions.count_stock(engine, STOCK, counted=31, reason="hitung lagi", threshold=10, lot="A")

    for actor in (STOCK, VIEWER):
        with pytest.raises(Forbidden):
            actions.approve_stock_count(engine, actor, result.proposal.id)
    assert on_hand(engine) == 500

    approved = actions.approve_stock_count(engine, SUPERVISOR, result.proposal.id)
    assert approved.proposal.state == "APPROVED" and approved.proposal.decided_by == "siti"
    assert on_hand(engine) == 30 and adjustments(engine) == [("A", -470)]
    # Approving twice books nothing more.
    with pytest.raises(ProposalStateError):
        actions.approve_stock_count(engine, SUPERVISOR, result.proposal.id)
    assert on_hand(engine) == 30 and adjustments(engine) == [("A", -470)]
    with Session(engine) as s:
        audited = [
            (a.action, a.actor, a.ok) for a in s.exec(select(AuditEntry).order_by(AuditEntry.id))
        ]
    assert ("stock_count_approve", "siti", True) in audited
    assert ("stock_count_approve", "sri", False) in audited


def test_a_rejected_proposal_books_nothing_and_needs_a_reason(engine, served):
    receive(engine, "A", 500)
    proposed = actions.count_stock(
        engine, STOCK, counted=400, reason="opname", threshold=10, lot="A"
    )
    with pytest.raises(ImplausibleInput):
        actions.reject_stock_count(engine, SUPERVISOR, proposed.proposal.id, reason="")
    rejected = actions.reject_stock_count(
        engine, SUPERVISOR, proposed.proposal.id, reason="hitung ulang, satu dus terlewat"
    )
    assert rejected.state == "REJECTED"
    assert on_hand(engine) == 500 and adjustments(engine) == []
    with Session(engine) as s:
        assert len(s.exec(select(StockCount)).all()) == 1
        assert operations.pending_proposals(s) == []
    # The lot may be counted again now.
    with write_session(engine) as s:
        operations.count_stock(
            s, counted=499, reason="hitung ulang", actor=ACTOR, threshold=10, lot="A"
        )
    assert on_hand(engine) == 499


def test_a_supervisor_named_on_the_cli_must_be_an_active_supervisor(engine, served):
    with write_session(engine) as s:
        add_user(s, "siti", "supervisor", "rahasia-siti-1", actor="cli:admin")
        add_user(s, "sri", "stock_manager", "rahasia-sri-1", actor="cli:admin")
    assert actions.named_supervisor(engine, "Siti") == Actor("siti", Role.SUPERVISOR)
    for name in ("sri", "entah"):
        with pytest.raises(StockError):
            actions.named_supervisor(engine, name)


def test_confirming_a_request_checks_its_state_and_quantity(engine, served):
    with write_session(engine) as s:
        s.add(
            ReorderRequest(
                number="SPB-1", state="DRAFT", quantity=2_000, actor="t", snapshot_json="{}"
            )
        )
    with pytest.raises(RequestStateError), write_session(engine) as s:
        reorder.confirm(s, "SPB-1", quantity=1_800)
    with write_session(engine) as s:
        reorder.mark_sent(s, "SPB-1")
    with pytest.raises(ImplausibleInput), write_session(engine) as s:
        reorder.confirm(s, "SPB-1", quantity=90_000_000, limit=200_000)
    with write_session(engine) as s:
        assert reorder.confirm(s, "SPB-1", quantity=1_800, limit=200_000).state == "CONFIRMED"


# --- the CLI -------------------------------------------------------------------------------


def kinds(db) -> dict[str, int]:
    with db.connect() as conn:
        rows = conn.execute(sa.select(Movement.kind, sa.func.count()).group_by(Movement.kind))
        return dict(rows.all())


@pytest.mark.slow
def test_cli_a_retried_stock_command_posts_once(cli_env, db):
    run_cli("stock", "receive", "--lot", "A", "--quantity", "10", env=cli_env)
    run_cli("stock", "receive", "--lot", "B", "--quantity", "10", env=cli_env)
    run_cli(
        "stock", "site-add", "KEC-WEDI", "--name", "Wedi", "--kecamatan", "33.10.03", env=cli_env
    )
    spoil = ("stock", "spoil", "--cause", "RUSAK_FISIK", "--reason", "basah", "--quantity", "2")
    run_cli(*spoil, env=cli_env)
    again = run_cli(*spoil, env=cli_env)
    assert "sudah dicatat" in again.stdout
    # Without a reference the transfer's key comes from what it moves: A has 8 left, so a
    # FIFO retry would have taken from B under another key.
    transfer = ("stock", "transfer", "--to", "KEC-WEDI", "--quantity", "8")
    run_cli(*transfer, env=cli_env)
    assert "sudah dicatat" in run_cli(*transfer, env=cli_env).stdout
    ret = ("stock", "return", "--lot", "B", "--quantity", "5", "--reference", "R-1")
    run_cli(*ret, env=cli_env)
    assert "sudah dicatat" in run_cli(*ret, env=cli_env).stdout
    count = ("stock", "count", "--lot", "B", "--counted", "3", "--reason", "x", "--ref", "OP-1")
    run_cli(*count, env=cli_env)
    assert "sudah dicatat" in run_cli(*count, env=cli_env).stdout
    assert kinds(db) == {
        "RECEIVED": 2,
        "SPOILED": 2,
        "TRANSFER_OUT": 1,
        "TRANSFER_IN": 1,
        "RETURNED": 1,
        "ADJUSTMENT": 1,
    }


@pytest.mark.slow
def test_cli_refuses_absurd_input_with_exit_2_and_no_traceback(cli_env, db):
    run_cli("stock", "receive", "--lot", "A", "--quantity", "500", env=cli_env)
    with db.begin() as conn:
        conn.execute(
            sa.insert(ReorderRequest.__table__).values(
                number="SPB-1",
                state="DRAFT",
                quantity=2000,
                actor="t",
                snapshot_json="{}",
                created_at=sa.func.now(),
            )
        )
    future = (datetime.now(UTC).date() + timedelta(days=400)).isoformat()
    cases = [
        (["stock", "receive", "--lot", "X", "--quantity", "9223372036854775800"], "batas wajar"),
        (["stock", "receive", "--lot", "X", "--quantity", "99999999999999999999"], "batas wajar"),
        (["stock", "receive", "--lot", "X", "--quantity", "999999999999"], "batas wajar"),
        (["stock", "receive", "--lot", "L" * 100, "--quantity", "10"], "kode lot"),
        (["stock", "receive", "--lot", "X", "--quantity", "10", "--date", future], "belum terjadi"),
        (["stock", "count", "--counted", "470", "--reason", "opname"], "--lot"),
        (["stock", "count", "--lot", "A", "--counted", "470", "--reason", ""], "keterangan"),
        (["stock", "count", "--lot", "A", "--counted", "999999", "--reason", "x"], "lebih dari"),
        (["stock", "transfer", "--to", "X", "--quantity", "99999999999999999999"], "batas wajar"),
        (["reorder", "confirm", "SPB-1", "--quantity", "90000000"], "batas wajar"),
        (["reorder", "confirm", "SPB-1"], "DRAFT"),
    ]
    for args, message in cases:
        proc = run_cli(*args, env=cli_env, check=False)
        assert proc.returncode == 2, (args, proc.returncode, proc.stderr)
        assert "Gagal:" in proc.stderr and message in proc.stderr, (args, proc.stderr)
        assert "Traceback" not in proc.stderr and "SELECT" not in proc.stderr
    assert kinds(db) == {"RECEIVED": 1}
    run_cli("status", "--json", env=cli_env)  # still works


@pytest.mark.slow
def test_cli_a_large_stock_take_difference_waits_for_a_supervisor(cli_env, db, engine):
    with write_session(engine) as s:
        add_user(s, "siti", "supervisor", "rahasia-siti-1", actor="cli:admin")
        add_user(s, "sri", "stock_manager", "rahasia-sri-1", actor="cli:admin")
    run_cli("stock", "receive", "--lot", "A", "--quantity", "500", env=cli_env)
    small = run_cli(
        "stock", "count", "--lot", "A", "--counted", "498", "--reason", "mingguan", env=cli_env
    )
    assert "selisih -2" in small.stdout
    data = json.loads(
        run_cli(
            "stock",
            "count",
            "--lot",
            "A",
            "--counted",
            "30",
            "--reason",
            "bulanan",
            "--json",
            env=cli_env,
        ).stdout
    )
    assert {
        "expected": 498,
        "counted": 30,
        "difference": -468,
        "flagged": True,
    }.items() <= data.items()
    assert data["adjustments"] == [] and data["state"] == "PROPOSED"
    pid = str(data["proposal"])
    assert json.loads(run_cli("stock", "status", "--json", env=cli_env).stdout)["on_hand"] == 498
    listed = json.loads(run_cli("stock", "proposals", "--json", env=cli_env).stdout)
    assert [p["id"] for p in listed] == [data["proposal"]]

    refused = run_cli("stock", "approve", pid, "--oleh", "sri", env=cli_env, check=False)
    assert refused.returncode == 2 and "Kepala seksi" in refused.stderr
    ok = run_cli("stock", "approve", pid, "--oleh", "siti", env=cli_env)
    assert "disetujui" in ok.stdout
    assert json.loads(run_cli("stock", "status", "--json", env=cli_env).stdout)["on_hand"] == 30
    twice = run_cli("stock", "approve", pid, "--oleh", "siti", env=cli_env, check=False)
    assert twice.returncode != 0
    assert json.loads(run_cli("stock", "status", "--json", env=cli_env).stdout)["on_hand"] == 30


@pytest.mark.slow
def test_cli_an_unknown_kecamatan_is_an_error_naming_the_valid_ones(cli_env):
    for args in (["records"], ["uncollected"], ["shipments"]):
        proc = run_cli(*args, "--kecamatan", "33.10.99", env=cli_env, check=False)
        assert proc.returncode == 2, (args, proc.stdout, proc.stderr)
        assert "33.10.99" in proc.stderr and "33.10.01" in proc.stderr, proc.stderr
    assert (
        json.loads(run_cli("records", "--kecamatan", "33.10.01", "--json", env=cli_env).stdout)
        == []
    )


@pytest.mark.slow
def test_cli_init_refuses_a_bad_kecamatan_file_with_the_row_number(tmp_path, monkeypatch):
    env = dict(os.environ)
    env.update(
        CETAK_HOME=str(tmp_path / "home"), CETAK_DATABASE_URL=f"sqlite:///{tmp_path / 'c.db'}"
    )
    bad = tmp_path / "kec.csv"
    bad.write_text(HEADER + "94.01.01,Merauke,94.01,Kabupaten Merauke,33,Jawa Tengah\n")
    proc = run_cli("init", "--regency", "94.01", "--kecamatan-file", str(bad), env=env, check=False)
    assert proc.returncode == 2 and "Baris 2" in proc.stderr


# --- the dashboard: proposals listed, approved by a supervisor ------------------------------


def test_dashboard_a_supervisor_approves_a_proposed_difference_on_the_stok_page(room):
    from dashboard_pages import audits, button, logged_in, metric

    engine, _ = room
    at = logged_in(Role.STOCK_MANAGER, "stok")
    on_hand_before = metric(at, "Blangko di tangan")
    at.selectbox(key="take_lot").set_value("BLG-T-1")
    at.number_input(key="take_counted").set_value(400)
    at.text_input(key="take_reason").input("opname akhir bulan")
    button(at, "Simpan stok opname").click().run()
    assert not at.exception
    assert "diusulkan sebagai usulan" in at.success[0].value
    assert metric(at, "Blangko di tangan") == on_hand_before  # nothing booked
    assert not [b for b in at.button if b.label == "Setujui"]  # not the stock manager's call

    at = logged_in(Role.SUPERVISOR, "stok")
    assert any("lot BLG-T-1" in str(m.value) for m in at.markdown)
    button(at, "Setujui").click().run()
    assert not at.exception
    assert "disetujui" in at.success[0].value
    assert metric(at, "Blangko di tangan") != on_hand_before
    assert [a.action for a in audits(engine, "stock_count_approve")] == ["stock_count_approve"]
    with Session(engine) as s:
        assert operations.pending_proposals(s) == []
