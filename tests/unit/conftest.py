"""Unit tests run without a database: CETAK_DATABASE_URL points at a PostgreSQL server that
does not exist, and a test that opens a database connection fails."""

from __future__ import annotations

import sqlite3

import pytest
import sqlalchemy as sa

UNREACHABLE_DATABASE_URL = "postgresql+psycopg://cetak@127.0.0.1:9/none"


@pytest.fixture(autouse=True)
def no_database(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CETAK_DATABASE_URL", UNREACHABLE_DATABASE_URL)

    def refuse(*_args: object, **_kwargs: object) -> None:
        pytest.fail("a unit test opened a database connection (move it to tests/integration)")

    monkeypatch.setattr(sa.engine.Engine, "connect", refuse)
    monkeypatch.setattr(sa.engine.Engine, "raw_connection", refuse)
    monkeypatch.setattr(sqlite3, "connect", refuse)
