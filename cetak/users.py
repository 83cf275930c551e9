"""Staff accounts, logins and the audit trail of what each user did.

Passwords are stored only as salted Argon2id hashes (argon2-cffi). A login is checked
in its own write transaction so that a failure is counted and audited even though the
login itself is refused. No password, right or wrong, is ever written anywhere.

Failed logins slow down, they never lock (``authenticate``): failures on one name slow that
name down for clients it has never logged in from, so a stranger guessing ``kasi``'s
password is held back while ``kasi`` at her own PC is not; failures from one client slow that
client down whatever names it tries. A real name and an unknown one get the same answers,
so the login form does not tell which names exist. A supervisor lifts a name's slow-down
(``unlock_user``, ``cetak users unlock``); a new password or a successful login does too.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from datetime import datetime, timedelta
from functools import cache
from typing import Any

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.engine import Engine
from sqlmodel import Field, Session, SQLModel, col, select

from cetak.access import ROLE_LABELS, Action, Actor, Role, require
from cetak.db import write_session
from cetak.errors import CetakError
from cetak.models import UTCDateTime, utcnow

MIN_PASSWORD_LENGTH = 8
MAX_FAILED_LOGINS = 5  # failures on one name before it is slowed down
CLIENT_FREE_FAILURES = 10  # failures from one client before it is slowed down
THROTTLE_FIRST = timedelta(minutes=1)  # the first wait; each further failure doubles it
LOCKOUT_MINUTES = 15  # the longest wait
FAILURE_WINDOW = timedelta(hours=24)  # failures older than this no longer count
TRUSTED_CLIENT_DAYS = 90  # a client a user logged in from this recently is the user's own
#: Actions on a user that start its count of failures afresh.
_RESETS = ("user_unlock", "user_password", "user_enable")
_COUNTED = ("wrong_password", "unknown_user")  # failures that are guesses
SESSION_IDLE_MINUTES = 30
SESSION_MAX_HOURS = 10

_NAME = re.compile(r"[a-z0-9][a-z0-9._-]{0,59}")
_hasher = PasswordHasher()


def _ts(**kw: Any) -> Any:
    return Field(sa_type=UTCDateTime, **kw)


class User(SQLModel, table=True):
    """A member of staff who may log in to the dashboard."""

    # "user" is a reserved word in PostgreSQL.
    __tablename__ = "app_user"
    __table_args__ = (sa.UniqueConstraint("name", name="uq_app_user_name"),)

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=60)  # lowercase
    role: str = Field(max_length=20)
    # Printed on receipts and documents instead of the user name (migration 0011).
    full_name: str | None = Field(default=None, max_length=120)
    password_hash: str = Field(max_length=255)
    active: bool = True
    failed_logins: int = 0  # consecutive, reset by a successful login or a lockout
    locked_until: datetime | None = _ts(default=None)
    created_at: datetime = _ts(default_factory=utcnow)
    last_login_at: datetime | None = _ts(default=None)


class AuditEntry(SQLModel, table=True):
    """One thing a user did (or tried to do) through the dashboard or the CLI. Append-only."""

    __table_args__ = (
        sa.Index("ix_auditentry_at", "at"),
        sa.Index("ix_auditentry_actor", "actor"),
        sa.Index("ix_auditentry_action", "action"),
    )

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = _ts(default_factory=utcnow)
    actor: str = Field(max_length=100)
    role: str | None = Field(default=None, max_length=20)  # none for an unknown login name
    action: str = Field(max_length=40)
    target: str | None = Field(default=None, sa_type=sa.Text)
    detail_json: str = Field(default="{}", sa_type=sa.Text)
    ok: bool = True


# --- errors ----------------------------------------------------------------------------------


class UserError(CetakError):
    """A user-management request that cannot be done; the subclasses say why."""

    code = "users.refused"

    def __init__(self, **fields: Any) -> None:
        super().__init__(**fields)


class BadUserName(UserError):
    code = "users.bad_name"

    def __init__(self, name: str) -> None:
        super().__init__(name=name)


class UnknownRole(UserError):
    """``choices`` holds (role, label) pairs."""

    code = "users.unknown_role"

    def __init__(self, role: str, choices: tuple[tuple[str, str], ...]) -> None:
        super().__init__(role=role, choices=choices)


class PasswordTooShort(UserError):
    code = "users.password_too_short"

    def __init__(self, minimum: int) -> None:
        super().__init__(minimum=minimum)


class UnknownUser(UserError):
    code = "users.unknown_user"

    def __init__(self, name: str) -> None:
        super().__init__(name=name)


class BadFullName(UserError):
    code = "users.bad_full_name"

    def __init__(self) -> None:
        super().__init__()


class FullNameTooLong(UserError):
    code = "users.full_name_too_long"

    def __init__(self, limit: int) -> None:
        super().__init__(limit=limit)


class UserExists(UserError):
    code = "users.user_exists"

    def __init__(self, name: str) -> None:
        super().__init__(name=name)


class LoginError(CetakError):
    code = "users.login_failed"


class LoginFailed(LoginError):
    """Wrong name or password (the message does not say which)."""

    code = "users.login_failed"


class AccountDisabled(LoginFailed):
    code = "users.account_disabled"


class LoginThrottled(LoginError):
    """Too many failures from this client or on this name: wait until ``until``.

    The message is the same for a real name and an unknown one, and does not say whether
    the client or the name is being held back.
    """

    code = "users.login_throttled"
    until: datetime
    minutes_left: int

    def __init__(self, until: datetime, now: datetime) -> None:
        minutes_left = max(1, math.ceil((until - now).total_seconds() / 60))
        super().__init__(until=until, minutes_left=minutes_left)


LoginLocked = LoginThrottled  # the name it had when failures locked the account


# --- audit -----------------------------------------------------------------------------------


def audit(
    session: Session,
    actor: Actor | str,
    action: str,
    *,
    target: str | None = None,
    detail: dict[str, Any] | None = None,
    ok: bool = True,
    at: datetime | None = None,
) -> AuditEntry:
    """Append one audit row in the caller's transaction."""
    if isinstance(actor, Actor):
        name, role = actor.name, actor.role.value
    else:
        name, role = actor, None
    entry = AuditEntry(
        at=at or utcnow(),
        actor=name[:100],
        role=role,
        action=action,
        target=target,
        detail_json=json.dumps(detail or {}, ensure_ascii=False, sort_keys=True, default=str),
        ok=ok,
    )
    session.add(entry)
    return entry


def note(
    session: Session,
    actor: Actor | str,
    name: str,
    *,
    target: str | None = None,
    detail: dict[str, Any] | None = None,
    ok: bool = True,
) -> None:
    """One audit row in the caller's transaction, for a change made outside
    ``application.actions.perform`` (a CLI command the dashboard has no action for). A CLI
    user's row says ``via: cli``. Here rather than in ``application.actions`` so that a
    command auditing its flow run does not import every feature."""
    if isinstance(actor, Actor) and actor.via != "dashboard":
        detail = {**(detail or {}), "via": actor.via}
    audit(session, actor, name, target=target, detail=detail, ok=ok)


def recent_audit(
    session: Session, *, limit: int = 200, actor: str | None = None
) -> list[AuditEntry]:
    """The newest audit rows first (for the supervisor's view)."""
    query = select(AuditEntry)
    if actor is not None:
        query = query.where(AuditEntry.actor == actor)
    order = (col(AuditEntry.at).desc(), col(AuditEntry.id).desc())
    return list(session.exec(query.order_by(*order).limit(limit)))


#: Prefixes of actor strings in ledger, event and audit rows: where the actor acted from.
ACTOR_PREFIXES = ("cli:", "dashboard:", "flow:")


def audit_trail(
    session: Session,
    *,
    actor: str | None = None,
    action: str | None = None,
    since: datetime | None = None,
    limit: int | None = None,
) -> list[AuditEntry]:
    """Audit rows, newest first, filtered (``cetak audit``). ``actor`` matches the actor
    column exactly (case-insensitively), so ``kasi`` and ``cli:root`` are both names."""
    query = select(AuditEntry)
    if actor is not None:
        query = query.where(sa.func.lower(AuditEntry.actor) == actor.strip().lower())
    if action is not None:
        query = query.where(AuditEntry.action == action.strip())
    if since is not None:
        query = query.where(AuditEntry.at >= since)
    order = (col(AuditEntry.at).desc(), col(AuditEntry.id).desc())
    query = query.order_by(*order)
    if limit is not None:
        query = query.limit(limit)
    return list(session.exec(query))


# --- officers --------------------------------------------------------------------------------


class UnknownOfficer(UserError):
    """A name given as the acting officer (``--oleh`` / ``CETAK_USER``) is not an active user."""

    code = "users.unknown_officer"

    def __init__(self, name: str, *, inactive: bool = False) -> None:
        super().__init__(name=name, inactive=inactive)


def officer(session: Session, name: str) -> Actor:
    """The active user ``name`` as an actor acting from the CLI; ``UnknownOfficer`` for an
    unknown, disabled or role-less name."""
    user = session.exec(select(User).where(User.name == normalise_name(name))).first()
    if user is None:
        raise UnknownOfficer(name)
    if not user.active:
        raise UnknownOfficer(name, inactive=True)
    try:
        role = Role(user.role)
    except ValueError:
        raise UnknownOfficer(name) from None
    return Actor(name=user.name, role=role, via="cli")


def bare_actor(actor: str) -> str:
    """``cli:kasi`` / ``dashboard:kasi`` / ``flow:x`` without where it acted from."""
    for prefix in ACTOR_PREFIXES:
        if actor.startswith(prefix):
            return actor[len(prefix) :]
    return actor


def officer_name(session: Session, actor: str) -> str:
    """What a receipt or document prints for an actor string: the user's full name from
    the users table when the actor is a user (else the user name), otherwise the actor
    without its ``cli:`` / ``dashboard:`` prefix (an OS login)."""
    bare = bare_actor(actor or "").strip()
    if not bare:
        return "-"
    user = session.exec(select(User).where(User.name == normalise_name(bare))).first()
    if user is None:
        return bare
    return (user.full_name or "").strip() or user.name


# --- user management -------------------------------------------------------------------------


def normalise_name(name: str) -> str:
    return name.strip().lower()


def _valid_name(name: str) -> str:
    key = normalise_name(name)
    if not _NAME.fullmatch(key):
        raise BadUserName(name)
    return key


def _valid_role(role: Role | str) -> Role:
    try:
        return Role(role)
    except ValueError:
        choices = tuple((r.value, ROLE_LABELS[r]) for r in Role)
        raise UnknownRole(str(role), choices) from None


def _hash(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise PasswordTooShort(MIN_PASSWORD_LENGTH)
    return _hasher.hash(password)


def _manager(actor: Actor | str) -> None:
    # A CLI actor is someone at the server's shell; a dashboard user must be allowed.
    if isinstance(actor, Actor):
        require(actor, Action.MANAGE_USERS)


def get_user(session: Session, name: str) -> User:
    user = session.exec(select(User).where(User.name == normalise_name(name))).first()
    if user is None:
        raise UnknownUser(name)
    return user


def list_users(session: Session) -> list[User]:
    return list(session.exec(select(User).order_by(User.name)))


def _full_name(full_name: str | None) -> str | None:
    if full_name is None:
        return None
    text = " ".join(full_name.split())
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn") for ch in text):
        raise BadFullName()
    if len(text) > 120:
        raise FullNameTooLong(120)
    return text or None


def add_user(
    session: Session,
    name: str,
    role: Role | str,
    password: str,
    *,
    actor: Actor | str,
    full_name: str | None = None,
) -> User:
    """A new user; ``full_name`` is what receipts and documents print for them."""
    _manager(actor)
    key, valid_role = _valid_name(name), _valid_role(role)
    shown = _full_name(full_name)
    if session.exec(select(User).where(User.name == key)).first() is not None:
        raise UserExists(key)
    user = User(name=key, role=valid_role.value, password_hash=_hash(password), full_name=shown)
    session.add(user)
    session.flush()  # a concurrent duplicate fails here, on the unique constraint
    detail: dict[str, Any] = {"role": valid_role.value}
    if shown:
        detail["full_name"] = shown
    audit(session, actor, "user_add", target=key, detail=detail)
    return user


def set_full_name(
    session: Session, name: str, full_name: str | None, *, actor: Actor | str
) -> User:
    """Set (or clear, with None) the full name printed for ``name``."""
    _manager(actor)
    user = get_user(session, name)
    old, user.full_name = user.full_name, _full_name(full_name)
    session.add(user)
    audit(
        session,
        actor,
        "user_full_name",
        target=user.name,
        detail={"from": old, "to": user.full_name},
    )
    return user


def set_password(session: Session, name: str, password: str, *, actor: Actor | str) -> User:
    """A new password; it also lifts a lockout."""
    _manager(actor)
    user = get_user(session, name)
    user.password_hash = _hash(password)
    user.failed_logins, user.locked_until = 0, None
    session.add(user)
    audit(session, actor, "user_password", target=user.name)
    return user


def set_role(session: Session, name: str, role: Role | str, *, actor: Actor | str) -> User:
    _manager(actor)
    user = get_user(session, name)
    new_role = _valid_role(role)
    old_role, user.role = user.role, new_role.value
    session.add(user)
    audit(
        session,
        actor,
        "user_role",
        target=user.name,
        detail={"from": old_role, "to": new_role.value},
    )
    return user


def set_active(session: Session, name: str, active: bool, *, actor: Actor | str) -> User:
    _manager(actor)
    user = get_user(session, name)
    user.active = active
    if active:
        user.failed_logins, user.locked_until = 0, None
    session.add(user)
    audit(session, actor, "user_enable" if active else "user_disable", target=user.name)
    return user


def unlock_user(session: Session, name: str, *, actor: Actor | str) -> User:
    """Lift the slow-down of ``name``'s logins (after a stranger's guesses, say)."""
    _manager(actor)
    user = get_user(session, name)
    user.failed_logins, user.locked_until = 0, None
    session.add(user)
    audit(session, actor, "user_unlock", target=user.name)
    return user


# --- login -----------------------------------------------------------------------------------


@cache
def _dummy_hash() -> str:
    return _hasher.hash("cetak: a password no account has")


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def authenticate(
    engine: Engine,
    name: str,
    password: str,
    *,
    now: datetime | None = None,
    client: str | None = None,
) -> Actor:
    """Check a login; the bookkeeping (failures, slow-down, audit) commits either way.

    ``client`` names where the attempt comes from (the browser's IP address); None when
    unknown. Raises ``LoginThrottled`` while this client, or this name from a client it
    never logged in from, must wait (also for the failure that starts the wait),
    ``AccountDisabled`` for a disabled account given its right password, and
    ``LoginFailed`` otherwise. A real name and an unknown one are counted and answered
    alike, and an unknown name costs the same hash check, so neither the answers nor
    their timing tell which names exist.
    """
    now = now or utcnow()
    key = normalise_name(name)[:100]
    where = client.strip()[:100] or None if client else None
    with write_session(engine) as session:
        user = session.exec(select(User).where(User.name == key).with_for_update()).first()
        outcome = _check_login(session, user, key, password, now, where)
    if isinstance(outcome, LoginError):
        raise outcome
    return outcome


def _failed(
    session: Session, key: str, role: str | None, reason: str, now: datetime, client: str | None
) -> None:
    detail = {"reason": reason} if client is None else {"client": client, "reason": reason}
    session.add(
        AuditEntry(
            at=now,
            actor=key,
            role=role,
            action="login_failed",
            detail_json=json.dumps(detail, sort_keys=True),
            ok=False,
        )
    )
    session.flush()  # counted by the throttle check that follows


def _like(fragment: str) -> str:
    """A LIKE pattern matching ``fragment`` anywhere (``\\`` escapes)."""
    escaped = fragment.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _from_client(client: str) -> Any:
    """Audit rows whose detail names ``client`` (as ``audit``/``_failed`` write it)."""
    fragment = json.dumps({"client": client})[1:-1]  # '"client": "10.0.0.2"'
    return col(AuditEntry.detail_json).like(_like(fragment), escape="\\")


def _wait(failures: int, free: int) -> timedelta | None:
    if failures < free:
        return None
    doubled: timedelta = THROTTLE_FIRST * 2 ** min(failures - free, 20)
    return min(doubled, timedelta(minutes=LOCKOUT_MINUTES))


def _throttled_until(
    session: Session, where: Any, reset: Any, free: int, now: datetime
) -> datetime | None:
    """When the wait after the counted failures matching ``where`` ends (None: no wait).

    Failures count within ``FAILURE_WINDOW`` and after the newest row matching ``reset``
    (by id, so a clock set differently elsewhere does not matter).
    """
    entry_id = col(AuditEntry.id)
    since = session.exec(select(sa.func.max(entry_id)).where(reset)).one() or 0
    guessed = sa.or_(
        *(
            col(AuditEntry.detail_json).like(_like(f'"reason": "{r}"'), escape="\\")
            for r in _COUNTED
        )
    )
    count, last = session.exec(
        select(sa.func.count(), sa.func.max(AuditEntry.at)).where(
            AuditEntry.action == "login_failed",
            entry_id > since,
            AuditEntry.at > now - FAILURE_WINDOW,
            where,
            guessed,
        )
    ).one()
    wait = _wait(int(count or 0), free)
    return last + wait if wait is not None and last is not None else None


def _throttle(session: Session, key: str, client: str | None, now: datetime) -> datetime | None:
    """Until when an attempt on ``key`` from ``client`` must wait, or None."""
    untils = []
    if client is not None:
        from_client = _from_client(client)
        success_here = sa.and_(col(AuditEntry.action) == "login", from_client)
        untils.append(
            _throttled_until(session, from_client, success_here, CLIENT_FREE_FAILURES, now)
        )
    if client is None or not _trusted(session, key, client, now):
        reset = sa.or_(
            sa.and_(col(AuditEntry.action) == "login", col(AuditEntry.actor) == key),
            sa.and_(col(AuditEntry.action).in_(_RESETS), col(AuditEntry.target) == key),
        )
        untils.append(
            _throttled_until(session, AuditEntry.actor == key, reset, MAX_FAILED_LOGINS, now)
        )
    until = max((u for u in untils if u is not None), default=None)
    return until if until is not None and now < until else None


def _trusted(session: Session, key: str, client: str, now: datetime) -> bool:
    """``key`` logged in from ``client`` recently: the user's own PC, not a stranger's."""
    found = session.exec(
        select(AuditEntry.id).where(
            AuditEntry.action == "login",
            AuditEntry.actor == key,
            AuditEntry.at > now - timedelta(days=TRUSTED_CLIENT_DAYS),
            _from_client(client),
        )
    ).first()
    return found is not None


def _check_login(
    session: Session,
    user: User | None,
    key: str,
    password: str,
    now: datetime,
    client: str | None = None,
) -> Actor | LoginError:
    role = user.role if user is not None else None
    until = _throttle(session, key, client, now)
    if until is not None:  # no password is checked while waiting, right or wrong
        _failed(session, key, role, "throttled", now, client)
        return LoginThrottled(until, now)
    if user is None:
        _verify(_dummy_hash(), password)
        _failed(session, key, None, "unknown_user", now, client)
        return _after_failure(session, key, client, now)
    if not _verify(user.password_hash, password):
        user.failed_logins += 1
        session.add(user)
        _failed(session, key, user.role, "wrong_password", now, client)
        outcome = _after_failure(session, key, client, now)
        if isinstance(outcome, LoginThrottled):
            user.locked_until = outcome.until  # shown by ``cetak users list``
        return outcome
    if not user.active:
        _failed(session, key, user.role, "disabled", now, client)
        return AccountDisabled()
    try:
        valid_role = Role(user.role)
    except ValueError:
        _failed(session, key, user.role, "unknown_role", now, client)
        return LoginFailed()
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    user.failed_logins, user.locked_until, user.last_login_at = 0, None, now
    session.add(user)
    actor = Actor(name=user.name, role=valid_role)
    audit(session, actor, "login", at=now, detail={"client": client} if client else None)
    return actor


def _after_failure(
    session: Session, key: str, client: str | None, now: datetime
) -> LoginFailed | LoginThrottled:
    """The answer to a wrong guess: the failure that starts a wait already says so."""
    until = _throttle(session, key, client, now)
    return LoginFailed() if until is None else LoginThrottled(until, now)


def current_actor(session: Session, actor: Actor) -> Actor | None:
    """The actor as the database knows it now: None once the account is disabled or gone,
    so a dashboard session ends when its user is switched off (and follows a new role)."""
    user = session.exec(select(User).where(User.name == actor.name)).first()
    if user is None or not user.active:
        return None
    try:
        return Actor(name=user.name, role=Role(user.role))
    except ValueError:
        return None


def session_expired(started_at: datetime, last_seen: datetime, now: datetime) -> bool:
    """A dashboard session ends after ``SESSION_IDLE_MINUTES`` idle or
    ``SESSION_MAX_HOURS`` in all, whichever comes first."""
    return now - last_seen >= timedelta(minutes=SESSION_IDLE_MINUTES) or (
        now - started_at >= timedelta(hours=SESSION_MAX_HOURS)
    )
