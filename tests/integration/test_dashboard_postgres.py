"""The dashboard's AppTest suites again, on PostgreSQL.

Every test of ``test_dashboard_app``, ``test_dashboard_recording`` and
``test_dashboard_scarcity`` that works on the seeded print room (the ``room`` fixture) runs
here a second time, with ``room`` overridden: the same room seeded once per module into a
PostgreSQL template database, copied for each test. So every page, every role and every action
of the pages also runs against the read model's PostgreSQL SQL (local days, day differences,
windows, the queries rewritten for speed)."""

from __future__ import annotations

import inspect
import itertools
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
import test_dashboard_app
import test_dashboard_recording
import test_dashboard_scarcity

from cetak.db import make_engine
from cetak.settings import Settings

from pgserver import PgServer

pytestmark = pytest.mark.postgres

_names = itertools.count(1)


def _create(server: PgServer, name: str, template: str) -> None:
    admin = sa.create_engine(server.url(), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f"CREATE DATABASE {name} TEMPLATE {template}")
    finally:
        admin.dispose()


@pytest.fixture(scope="module")
def pg_seeded_template(
    pg_server: PgServer, tmp_path_factory: pytest.TempPathFactory
) -> tuple[str, Any]:
    """The dashboard tests' print room, seeded once into a PostgreSQL template database."""
    import dashboard_seed

    name = f"dash{os.getpid()}_{next(_names)}"
    _create(pg_server, name, "cetak_template")
    root = tmp_path_factory.mktemp("dashboard-seed-pg")
    settings = Settings(home=root / "home", database_url=pg_server.url(name))
    settings.ensure_dirs()
    engine = make_engine(settings.url)
    seeded = dashboard_seed.seed(engine, settings, root)
    engine.dispose()
    return name, seeded


@pytest.fixture
def room(
    pg_seeded_template: tuple[str, Any],
    pg_server: PgServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[tuple[sa.Engine, Any]]:
    template, seeded = pg_seeded_template
    name = f"{template}_{next(_names)}"
    _create(pg_server, name, template)
    url = pg_server.url(name)
    monkeypatch.setenv("CETAK_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("CETAK_DATABASE_URL", url)
    Settings().ensure_dirs()
    engine = make_engine(url)
    yield engine, seeded
    engine.dispose()


#: The fixtures that stand on the seeded print room: ``room`` and the modules' own.
_ON_ROOM = {"room", "recorded", "scarce"}

for _module in (test_dashboard_app, test_dashboard_recording, test_dashboard_scarcity):
    for _name, _value in list(vars(_module).items()):
        if _name in _ON_ROOM - {"room"}:
            globals()[_name] = _value  # the module's fixture, on this module's ``room``
        elif (
            _name.startswith("test_")
            and callable(_value)
            and _ON_ROOM & set(inspect.signature(_value).parameters)
        ):
            globals()[_name] = _value
