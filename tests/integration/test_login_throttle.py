"""Issue 11, item 11: logins are throttled by client and by name, without telling names apart
and without letting a stranger lock the office out.

* A real name and an unknown one get the very same answers for the same attempts.
* Failures slow a name down for clients it never logged in from (a minute, doubling, at most
  fifteen); the client the user works at is not slowed by a stranger's failures.
* Failures slow a client down whatever names it tries.
* A supervisor lifts the slow-down of a name: ``unlock_user`` / ``cetak users unlock NAME``.
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session, select

from cetak.access import Actor, Role
from cetak.db import write_session
from cetak.users import (
    CLIENT_FREE_FAILURES,
    MAX_FAILED_LOGINS,
    AuditEntry,
    LoginError,
    LoginFailed,
    LoginThrottled,
    UserError,
    add_user,
    authenticate,
    unlock_user,
)

from clihelp import run_cli

PASSWORD = "kopi-tubruk-42"
NOW = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)
OFFICE = "10.0.0.2"  # kasi's own PC
STRANGER = "10.0.0.66"


def add(engine, name: str, role: str = "supervisor") -> None:
    with write_session(engine) as s:
        add_user(s, name, role, PASSWORD, actor="cli:admin")


def answers(engine, name: str, attempts: list[tuple[str, int]], client: str) -> list[str]:
    """The message (or ``OK``) for each (password, seconds after NOW) attempt."""
    out = []
    for password, seconds in attempts:
        try:
            authenticate(
                engine, name, password, now=NOW + timedelta(seconds=seconds), client=client
            )
            out.append("OK")
        except LoginError as exc:
            out.append(exc.message)
    return out


def test_a_real_name_and_an_unknown_one_get_the_same_answers(engine):
    add(engine, "kasi")
    attempts = [(f"salah-{k}", k) for k in range(MAX_FAILED_LOGINS + 3)] + [(PASSWORD, 30)]
    real = answers(engine, "kasi", attempts, client=STRANGER)
    ghost = answers(engine, "hantu", attempts, client="10.0.0.67")
    assert real == ghost
    assert real[0] == "Nama pengguna atau kata sandi salah"
    assert "dikunci sementara" in real[-1]  # even the right password waits, for both alike
    assert all(not isinstance(m, str) or "kasi" not in m for m in real)


def test_a_stranger_cannot_lock_the_office_out(engine):
    add(engine, "kasi")
    authenticate(engine, "kasi", PASSWORD, now=NOW - timedelta(days=3), client=OFFICE)
    for k in range(3 * MAX_FAILED_LOGINS):
        with pytest.raises(LoginError):
            authenticate(
                engine, "kasi", f"tebak-{k}", now=NOW + timedelta(seconds=k), client=STRANGER
            )
    # The stranger is slowed down, also with the right password.
    with pytest.raises(LoginThrottled):
        authenticate(engine, "kasi", PASSWORD, now=NOW + timedelta(minutes=1), client=STRANGER)
    # kasi at her own PC is not.
    actor = authenticate(engine, "kasi", PASSWORD, now=NOW + timedelta(minutes=1), client=OFFICE)
    assert actor == Actor("kasi", Role.SUPERVISOR)


def test_the_slow_down_grows_and_is_bounded(engine):
    add(engine, "budi", "operator")
    t = NOW
    waits = []
    for k in range(MAX_FAILED_LOGINS + 6):
        try:
            authenticate(engine, "budi", f"salah-{k}", now=t, client=STRANGER)
        except LoginThrottled as exc:
            waits.append(exc.until - t)
            t = exc.until  # the attacker waits it out, then guesses again
            continue
        except LoginFailed:
            pass
        t += timedelta(seconds=1)
    assert waits[0] == timedelta(minutes=1)
    assert waits == sorted(waits)
    assert max(waits) == timedelta(minutes=15)


def test_a_client_is_slowed_down_whatever_names_it_tries(engine):
    add(engine, "ops", "operator")
    for k in range(CLIENT_FREE_FAILURES):
        with pytest.raises(LoginError):
            authenticate(engine, f"nama{k}", "salah-sandi", now=NOW, client=STRANGER)
    with pytest.raises(LoginThrottled):
        authenticate(engine, "ops", PASSWORD, now=NOW + timedelta(seconds=5), client=STRANGER)
    # Another client is not affected.
    assert authenticate(engine, "ops", PASSWORD, now=NOW, client="10.0.0.9").name == "ops"


def test_a_supervisor_unlocks_a_slowed_down_name(engine):
    add(engine, "kasi")
    for k in range(MAX_FAILED_LOGINS):
        with pytest.raises(LoginError):
            authenticate(engine, "kasi", f"salah-{k}", now=NOW, client=STRANGER)
    with pytest.raises(LoginThrottled):
        authenticate(engine, "kasi", PASSWORD, now=NOW, client="10.0.0.3")
    with write_session(engine) as s:
        unlock_user(s, "kasi", actor=Actor("kabid", Role.SUPERVISOR))
    assert authenticate(engine, "kasi", PASSWORD, now=NOW, client="10.0.0.3").name == "kasi"
    with Session(engine) as s:
        rows = list(s.exec(select(AuditEntry).where(AuditEntry.action == "user_unlock")))
    assert [(a.actor, a.target) for a in rows] == [("kabid", "kasi")]
    with pytest.raises(UserError), write_session(engine) as s:
        unlock_user(s, "tidak-ada", actor="cli:admin")


def test_failures_and_throttled_attempts_are_audited_with_the_client(engine):
    add(engine, "kasi")
    for k in range(MAX_FAILED_LOGINS + 1):
        with pytest.raises(LoginError):
            authenticate(engine, "kasi", f"salah-{k}", now=NOW, client=STRANGER)
    with Session(engine) as s:
        rows = list(s.exec(select(AuditEntry).order_by(AuditEntry.id)))
    details = [json.loads(a.detail_json) for a in rows if a.action == "login_failed"]
    assert [d["reason"] for d in details] == ["wrong_password"] * MAX_FAILED_LOGINS + ["throttled"]
    assert {d["client"] for d in details} == {STRANGER}


@pytest.mark.slow
def test_cetak_users_unlock(home, served, engine):
    add(engine, "kasi")
    for k in range(MAX_FAILED_LOGINS):
        with pytest.raises(LoginError):
            authenticate(engine, "kasi", f"salah-{k}", client=STRANGER)
    env = dict(os.environ, CETAK_HOME=str(home.resolved_home), CETAK_DATABASE_URL=home.url)
    done = run_cli("users", "unlock", "kasi", env=env)
    assert "kasi" in done.stdout and "dibuka" in done.stdout
    assert authenticate(engine, "kasi", PASSWORD, client=STRANGER).name == "kasi"
    missing = run_cli("users", "unlock", "tidak-ada", env=env, check=False)
    assert missing.returncode == 2 and "tidak ditemukan" in missing.stderr
