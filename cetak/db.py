"""Storage: engines, sessions, write transactions and migrations.

SQLite (the embedded default) runs in WAL mode with a busy timeout; write
transactions start with ``BEGIN IMMEDIATE`` so that writers queue on the lock
instead of failing when they upgrade. PostgreSQL is reached through any
SQLAlchemy URL (``postgresql+psycopg://``); writers that must be serialized
across machines take a transaction-scoped advisory lock.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session

from cetak.settings import Settings, private_dir, private_file

if TYPE_CHECKING:  # alembic costs half a second to import: only schema changes load it
    from alembic.config import Config

#: Advisory-lock keys (PostgreSQL) for work that must run one at a time.
LOCK_INTAKE = 3310_0001
LOCK_DISTRIBUTION = 3310_0004
LOCK_PLANNING = 3310_0005


def _sqlite_setup(engine: Engine, busy_timeout_ms: int) -> None:
    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event issue BEGIN itself (pysqlite would defer it).
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        cur.execute("PRAGMA journal_mode = WAL")
        cur.execute("PRAGMA synchronous = NORMAL")
        cur.execute("PRAGMA foreign_keys = ON")
        cur.close()

    @sa.event.listens_for(engine, "begin")
    def _on_begin(conn: sa.Connection) -> None:
        mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
        conn.exec_driver_sql(f"BEGIN {mode}")


def make_engine(url: str, *, busy_timeout_ms: int = 30_000, **kw: Any) -> Engine:
    # An error's text never carries the rows it was writing (NIKs, names): SQLAlchemy
    # otherwise renders every bound parameter into it, and logs and Prefect keep that.
    kw.setdefault("hide_parameters", True)
    if url.startswith("sqlite"):
        engine = sa.create_engine(
            url, connect_args={"timeout": busy_timeout_ms / 1000, "check_same_thread": False}, **kw
        )
        _sqlite_setup(engine, busy_timeout_ms)
        return engine
    return sa.create_engine(url, pool_pre_ping=True, **kw)


@cache
def _engine_for(url: str, busy_timeout_ms: int) -> Engine:
    engine = make_engine(url, busy_timeout_ms=busy_timeout_ms)
    database = engine.url.database
    if engine.dialect.name == "sqlite" and database and database != ":memory:":
        _keep_private(engine, Path(database))
    return engine


def _keep_private(engine: Engine, path: Path) -> None:
    """The SQLite file holds every NIK, name, address and photo: 0600 from its creation.

    SQLite creates the database on the first connection with the process umask, and its
    ``-wal``/``-shm`` with the database's own mode; each new connection makes them 0600
    (after the WAL pragma of ``_sqlite_setup``, registered before this).
    """
    files = [path.with_name(path.name + suffix) for suffix in ("", "-wal", "-shm", "-journal")]

    @sa.event.listens_for(engine, "connect")
    def _private(_dbapi_conn: Any, _record: Any) -> None:
        for f in files:
            private_file(f)


def engine_from_settings(settings: Settings) -> Engine:
    if settings.database_url is None:
        private_dir(settings.resolved_home)
    return _engine_for(settings.url, settings.sqlite_busy_timeout_ms)


@contextmanager
def read_session(engine: Engine) -> Iterator[Session]:
    with Session(engine, expire_on_commit=False) as session:
        yield session


@contextmanager
def write_session(engine: Engine, *, lock: int | None = None) -> Iterator[Session]:
    """A session whose transaction commits on success and rolls back on any error.

    On SQLite the transaction takes the database's write lock at once. On
    PostgreSQL, ``lock`` names an advisory lock held until commit, which
    serializes this kind of work across processes and machines.
    """
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            conn = conn.execution_options(sqlite_begin="IMMEDIATE")
        with Session(bind=conn, expire_on_commit=False) as session:
            try:
                if lock is not None and engine.dialect.name == "postgresql":
                    session.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": lock})
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise


def alembic_config(engine: Engine) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(resources.files("cetak") / "migrations"))
    cfg.attributes["engine"] = engine
    return cfg


def migrate(engine: Engine) -> None:
    """Create or upgrade the schema to the newest migration (idempotent)."""
    from alembic import command

    command.upgrade(alembic_config(engine), "head")
