"""Every actor audited (issue 11): ``--oleh`` / ``CETAK_USER`` / ``cli:<login>``,
``CETAK_REQUIRE_OFFICER``, ``cetak audit``, flows as ``flow:<name>``, receipts' full names,
and invalid UTF-8 in ``--by`` refused without a traceback."""

from __future__ import annotations

import getpass
import json
import os
import subprocess
import sys

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from cetak.db import make_engine, write_session
from cetak.users import AuditEntry, add_user, officer_name, set_active
from inventory.models import Movement

from clihelp import run_cli

pytestmark = pytest.mark.slow

LOT = ["stock", "receive", "--lot", "LOT-2026-11-A", "--quantity", "40"]


@pytest.fixture
def cli_env(home, served) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CETAK_")}
    env.update(CETAK_HOME=str(home.resolved_home), CETAK_DATABASE_URL=home.url)
    return env


@pytest.fixture
def db(home):
    engine = make_engine(home.url)
    with write_session(engine) as s:
        add_user(s, "sri", "stock_manager", "rahasia-sri-1", actor="test", full_name="Sri Wahyuni")
        add_user(s, "tono", "viewer", "rahasia-tono-1", actor="test")
        add_user(s, "budi", "stock_manager", "rahasia-budi-1", actor="test")
        set_active(s, "budi", False, actor="test")
    yield engine
    engine.dispose()


def movements(db) -> list[str]:
    with db.connect() as conn:
        return list(conn.execute(sa.select(Movement.actor)).scalars())


def trail(env: dict[str, str], *args: str) -> list[dict]:
    return json.loads(run_cli("audit", "--json", *args, env=env).stdout)


def test_a_cli_command_with_oleh_is_audited_with_that_name(cli_env, db):
    run_cli(*LOT, "--oleh", "SRI", env=cli_env)
    assert movements(db) == ["cli:sri"]
    rows = trail(cli_env, "--actor", "sri")
    assert [r["action"] for r in rows] == ["stock_receipt"]
    row = rows[0]
    assert {"at", "actor", "action", "ok", "detail"} <= set(row)
    assert row["actor"] == "sri" and row["ok"] is True and row["role"] == "stock_manager"
    assert row["detail"]["via"] == "cli" and row["target"] == "LOT-2026-11-A"


@pytest.mark.parametrize(
    ("name", "said"), [("nobody", "tidak terdaftar"), ("budi", "dinonaktifkan")]
)
def test_an_unknown_or_disabled_officer_is_refused_and_nothing_changes(cli_env, db, name, said):
    proc = run_cli(*LOT, "--oleh", name, env=cli_env, check=False)
    assert proc.returncode == 2 and said in proc.stderr and "Traceback" not in proc.stderr
    assert movements(db) == []
    assert trail(cli_env, "--action", "stock_receipt") == []


def test_a_named_officer_whose_role_may_not_is_refused_and_the_refusal_audited(cli_env, db):
    proc = run_cli(*LOT, "--oleh", "tono", env=cli_env, check=False)
    assert proc.returncode == 2 and "tidak boleh" in proc.stderr
    assert movements(db) == []
    rows = trail(cli_env, "--actor", "tono")
    assert [(r["action"], r["ok"]) for r in rows] == [("stock_receipt", False)]


def test_cetak_user_names_the_officer(cli_env, db):
    run_cli(*LOT, env={**cli_env, "CETAK_USER": "sri"})
    assert movements(db) == ["cli:sri"]
    assert [r["actor"] for r in trail(cli_env, "--action", "stock_receipt")] == ["sri"]


def test_without_a_name_the_os_account_acts_unless_an_officer_is_required(cli_env, db):
    proc = run_cli(*LOT, env={**cli_env, "CETAK_REQUIRE_OFFICER": "true"}, check=False)
    assert proc.returncode == 2 and "--oleh" in proc.stderr
    assert movements(db) == []
    run_cli(*LOT, env=cli_env)
    me = f"cli:{getpass.getuser()}"
    assert movements(db) == [me]
    rows = trail(cli_env, "--actor", me)
    assert [(r["action"], r["role"]) for r in rows] == [("stock_receipt", None)]


def test_audit_filters_by_action_and_date(cli_env, db):
    run_cli(*LOT, "--oleh", "sri", env=cli_env)
    assert {r["action"] for r in trail(cli_env)} >= {"user_add", "stock_receipt"}
    assert [r["action"] for r in trail(cli_env, "--action", "user_add")] == ["user_add"] * 3
    assert trail(cli_env, "--since", "2999-01-01") == []
    assert len(trail(cli_env, "--since", "2000-01-01", "--action", "stock_receipt")) == 1
    bad = run_cli("audit", "--since", "kemarin", env=cli_env, check=False)
    assert bad.returncode == 2 and "TTTT-BB-HH" in bad.stderr


def test_a_flow_step_is_audited_as_flow_name(home, served, engine):
    from workflows.stock import check_ledger, decide_reorder

    decide_reorder.fn(home)
    check_ledger.fn(home)
    with Session(engine) as s:
        rows = s.exec(sa.select(AuditEntry.actor, AuditEntry.action)).all()
    assert ("flow:reorder", "reorder_check") in rows
    assert ("flow:reconcile", "reconcile") in rows


def test_a_receipt_names_the_officer_by_full_name(db):
    from distribution.paper import _officer_name

    with Session(db) as s:
        assert _officer_name(s, "cli:sri") == "Sri Wahyuni"
        assert _officer_name(s, "dashboard:sri") == "Sri Wahyuni"
        assert officer_name(s, "cli:tono") == "tono"  # no full name: the user name
        assert officer_name(s, "cli:root") == "root"  # an OS account: its login


def test_invalid_utf8_in_collect_by_is_refused_without_a_traceback(cli_env, db):
    argv = [
        os.fsencode(sys.executable),
        b"-m",
        b"cetak",
        b"collect",
        b"3310010101900001",
        b"--by",
        b"Bud\xff\xfei",
    ]
    proc = subprocess.run(argv, env=cli_env, capture_output=True, timeout=120)
    stderr = proc.stderr.decode("utf-8", "replace")
    assert proc.returncode == 2, stderr
    assert "Traceback" not in stderr and "tidak sah" in stderr
    with Session(db) as s:
        assert s.exec(sa.select(AuditEntry).where(AuditEntry.action == "collection")).all() == []
