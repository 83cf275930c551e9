"""Fixtures: a fresh database on SQLite and on a real PostgreSQL, a Cetak home, Prefect."""

from __future__ import annotations

import itertools
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlmodel import select

sys.path.insert(0, str(Path(__file__).parent))
# Tests choose their own settings: nothing from the shell or the Makefile (which exports
# CETAK_HOME for the demo) leaks in. Prefect keeps its state out of the project's var/.
for _name in [n for n in os.environ if n.startswith("CETAK_")]:
    del os.environ[_name]
os.environ["PREFECT_HOME"] = tempfile.mkdtemp(prefix="cetak-prefect-")
# Commands run as subprocesses share the Prefect server they keep (application.localprefect)
# through this PREFECT_HOME; one started under another home stops soon after its last use.
os.environ["CETAK_PREFECT_IDLE_MINUTES"] = "2"

from application.installation import initialise  # noqa: E402
from cetak.db import make_engine, migrate, write_session  # noqa: E402
from cetak.installation import ServedRegency  # noqa: E402
from cetak.regions import load_regency  # noqa: E402
from cetak.settings import Settings  # noqa: E402

from factory import BAYAT, CAWAS, WEDI, ingest, make_row, receive, sim_printer  # noqa: E402
from pgserver import PgServer, find_bindir  # noqa: E402

_db_names = itertools.count(1)


@pytest.fixture(scope="session", autouse=True)
def _kept_prefect_server() -> Iterator[None]:
    """Stop the Prefect server the commands of this session kept (if any) at its end."""
    yield
    from application.localprefect import stop

    stop(Path(os.environ["PREFECT_HOME"]))


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    bindir = find_bindir()
    if bindir is None:
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL is not installed; .ci/run must install it")
        pytest.skip("PostgreSQL binaries not found (apt-get install postgresql)")
    server = PgServer(bindir)
    server.start()
    # A migrated template: each test gets its own database copied from it.
    admin = sa.create_engine(server.url(), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql("CREATE DATABASE cetak_template")
    engine = make_engine(server.url("cetak_template"))
    migrate(engine)
    engine.dispose()
    yield server
    admin.dispose()
    server.stop()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sqlite-template") / "cetak.db"
    engine = make_engine(f"sqlite:///{path}")
    migrate(engine)
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return path


def _new_pg_database(server: PgServer) -> str:
    name = f"t{os.getpid()}_{next(_db_names)}"
    admin = sa.create_engine(server.url(), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f"CREATE DATABASE {name} TEMPLATE cetak_template")
    admin.dispose()
    return server.url(name)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, migrated database: every test using it runs on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        template = request.getfixturevalue("sqlite_template")
        shutil.copy(template, tmp_path / "cetak.db")
        return f"sqlite:///{tmp_path / 'cetak.db'}"
    return _new_pg_database(request.getfixturevalue("pg_server"))


@pytest.fixture
def sqlite_url(tmp_path: Path, sqlite_template: Path) -> str:
    """A fresh SQLite database only (for tests that are about the embedded default)."""
    shutil.copy(sqlite_template, tmp_path / "cetak.db")
    return f"sqlite:///{tmp_path / 'cetak.db'}"


@pytest.fixture
def pg_url(pg_server: PgServer) -> str:
    return _new_pg_database(pg_server)


@pytest.fixture
def engine(db_url: str) -> Iterator[sa.Engine]:
    eng = make_engine(db_url)
    yield eng
    eng.dispose()


@pytest.fixture
def home(tmp_path: Path, db_url: str, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """CETAK_HOME and CETAK_DATABASE_URL pointing at this test's own places."""
    root = tmp_path / "home"
    monkeypatch.setenv("CETAK_HOME", str(root))
    monkeypatch.setenv("CETAK_DATABASE_URL", db_url)
    settings = Settings()
    settings.ensure_dirs()
    return settings


@pytest.fixture
def served(engine: sa.Engine) -> ServedRegency:
    """An installation serving Klaten (33.10)."""
    installation, _ = initialise(engine, load_regency("33.10"))
    return installation


@pytest.fixture
def cli_env(home: Settings, served: ServedRegency) -> dict[str, str]:
    """The environment of a ``cetak`` subprocess on this test's installation (``served`` did
    what ``cetak init`` does, in-process to save a subprocess)."""
    env = dict(os.environ)
    env.update(CETAK_HOME=str(home.resolved_home), CETAK_DATABASE_URL=home.url)
    return env


@pytest.fixture
def db(home: Settings) -> Iterator[sa.Engine]:
    """An engine on this test's installation database, for checking what a command did."""
    eng = make_engine(home.url)
    yield eng
    eng.dispose()


@pytest.fixture(scope="session")
def prefect_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One Prefect test server for the session; its URL for subprocesses too."""
    os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
    from prefect.settings import PREFECT_API_URL
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=60):
        yield str(PREFECT_API_URL.value())


# --- shared set-ups: a print run, printed cards, the seeded dashboard print room ------------


@pytest.fixture
def run(engine, home, monkeypatch):
    """One print run: the print_run flow's tasks in order, on this test's engine."""
    from workflows import printing as flow

    monkeypatch.setattr(flow, "engine_from_settings", lambda _settings: engine)

    def run_once(max_cards: int | None = None) -> list[dict[str, Any]]:
        flow.release_held_records.fn(home)
        flow.probe_printers.fn(home)
        jobs = flow.plan_jobs.fn(home, max_cards)
        return [
            o for name, ids in sorted(jobs.items()) for o in flow.run_printer.fn(name, ids, home)
        ]

    return run_once


@pytest.fixture
def printed(engine, served, home, tmp_path, run):
    """Three Cawas and two Bayat residents printed and QC-passed; one more only printed."""
    from printers import qc
    from printers.models import Card

    rows = [make_row(kecamatan=CAWAS) for _ in range(3)]
    rows += [make_row(kecamatan=BAYAT, birth=date(1950, 3, 1)) for _ in range(2)]
    rows += [make_row(kecamatan=WEDI)]
    ids = ingest(engine, served, home, tmp_path, rows)
    receive(engine, served, 20)
    sim_printer(engine, home, "p1")
    run()
    with write_session(engine) as s:
        cards = {c.record_id: c.card_ref for c in s.exec(select(Card))}
        qc.pass_cards(s, [cards[i] for i in ids[:5]], actor="qc")
    return {"rows": rows, "ids": ids, "cards": [cards[i] for i in ids]}


@pytest.fixture(scope="module")
def seeded_template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Any]:
    """One seeded print room per module; each test works on its own copy."""
    import dashboard_seed

    root = tmp_path_factory.mktemp("dashboard-seed")
    path = root / "cetak.db"
    settings = Settings(home=root / "home", database_url=f"sqlite:///{path}")
    settings.ensure_dirs()
    engine = make_engine(settings.url)
    migrate(engine)
    seeded = dashboard_seed.seed(engine, settings, root)
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return path, seeded


@pytest.fixture
def room(
    seeded_template: tuple[Path, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[sa.Engine, Any]]:
    template, seeded = seeded_template
    shutil.copy(template, tmp_path / "cetak.db")
    url = f"sqlite:///{tmp_path / 'cetak.db'}"
    monkeypatch.setenv("CETAK_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("CETAK_DATABASE_URL", url)
    Settings().ensure_dirs()
    engine = make_engine(url)
    yield engine, seeded
    engine.dispose()
