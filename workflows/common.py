"""What every flow does first: check the installation, and name its runs.

A flow started by a worker on a machine whose ``CETAK_HOME`` was never initialised, or
whose database is out of reach, must end ``Failed`` with a message staff understand,
never ``Completed`` having done nothing. ``preflight`` raises ``NotReady`` (message in
Bahasa Indonesia) before a flow touches anything.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from cetak.db import engine_from_settings
from cetak.errors import CetakError
from cetak.installation import NotInitialised, ServedRegency, load_installation
from cetak.settings import Settings, get_settings, private_umask

DEFAULT_ZONE = "Asia/Jakarta"


class NotReady(CetakError, RuntimeError):
    """The installation cannot run flows (not initialised, database unreachable); the
    subclasses say why. Said in the flow run's state, to the operator of the worker's
    machine: the text names what to run there."""

    code = "workflows.not_ready"


class HomeNotInitialised(NotReady):
    code = "workflows.home_not_initialised"

    def __init__(self, home: str) -> None:
        CetakError.__init__(self, home=home)


class DatabaseUnreachable(NotReady):
    """``url`` is shown without its password; ``kind`` is the driver's error class."""

    code = "workflows.database_unreachable"

    def __init__(self, url: str, kind: str) -> None:
        CetakError.__init__(self, url=url, kind=kind)


class DatabaseNotInitialised(NotReady):
    code = "workflows.database_not_initialised"

    def __init__(self, url: str) -> None:
        CetakError.__init__(self, url=url)


class InboxElsewhere(NotReady):
    code = "workflows.inbox_elsewhere"

    def __init__(self, inbox_host: str, here: str) -> None:
        CetakError.__init__(self, inbox_host=inbox_host, here=here)


def _safe_url(settings: Settings) -> str:
    """The database URL without its password, for messages."""
    try:
        return sa.engine.make_url(settings.url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - a malformed URL is reported as is, minus nothing secret
        return "(URL basis data tidak sah)"


def _sqlite_missing(settings: Settings) -> bool:
    """The embedded database of this home does not exist (the home was never initialised)."""
    return not settings.database_url and not (settings.resolved_home / "cetak.db").exists()


def check_database(settings: Settings) -> tuple[Engine, ServedRegency]:
    """The engine and the regency served, or ``NotReady`` saying what is wrong."""
    if _sqlite_missing(settings):  # checked before an engine is made: that creates the home
        raise HomeNotInitialised(str(settings.resolved_home))
    engine = engine_from_settings(settings)
    try:
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
    except sa.exc.DBAPIError as exc:
        raise DatabaseUnreachable(_safe_url(settings), type(exc.orig).__name__) from exc
    try:
        served = load_installation(engine)
    except NotInitialised as exc:
        raise DatabaseNotInitialised(_safe_url(settings)) from exc
    return engine, served


def preflight() -> tuple[Settings, Engine, ServedRegency]:
    """Settings, engine and regency of a flow run, after checking they can be used."""
    private_umask()  # what the run writes (archive, ACKs, documents) is 0600 / 0700
    settings = get_settings()
    engine, served = check_database(settings)
    settings.ensure_dirs()
    from cetak.redact import private_result_storage

    private_result_storage()  # Prefect pickles a failed run's exception there
    return settings, engine, served


def _local_now() -> datetime:
    """Now in the regency's own zone when the database says which, else WIB."""
    zone = DEFAULT_ZONE
    try:
        settings = get_settings()
        if not _sqlite_missing(settings):
            zone = load_installation(engine_from_settings(settings)).timezone
    except Exception:  # noqa: BLE001 - a name is no reason to fail; preflight reports it
        pass
    return datetime.now(UTC).astimezone(ZoneInfo(zone))


def audit_step(
    session: Any,
    flow: str,
    action: str,
    *,
    target: str | None = None,
    detail: dict[str, Any] | None = None,
    ok: bool = True,
) -> None:
    """One audit row for a flow step or batch (never one per record), actor
    ``flow:<flow>``, in the caller's transaction so it commits with the step's changes."""
    from cetak.users import audit

    audit(session, f"flow:{flow}", action, target=target, detail=detail, ok=ok)


def audit_flow(
    engine: Engine,
    flow: str,
    action: str,
    *,
    target: str | None = None,
    detail: dict[str, Any] | None = None,
    ok: bool = True,
) -> None:
    """``audit_step`` in a transaction of its own (a step whose changes commit in several
    transactions, e.g. a whole print run or a delivery settled by ``intake.service``)."""
    from cetak.db import write_session

    with write_session(engine) as session:
        audit_step(session, flow, action, target=target, detail=detail, ok=ok)


def run_name(prefix: str, *, by: str | None = None) -> Callable[[], str]:
    """A flow-run name such as ``ingest-2026-12-02-0715`` or ``print-run-DISDUKCAPIL-...``.

    ``by`` names a flow parameter whose value goes into the name (the site of a print run).
    """

    def name() -> str:
        parts = [prefix]
        if by:
            from prefect.runtime import flow_run

            value = (flow_run.parameters or {}).get(by)
            if value:
                parts.append(str(value))
        parts.append(_local_now().strftime("%Y-%m-%d-%H%M"))
        return "-".join(parts)

    return name
