"""``cetak.envsettings.read`` (the read-only commands' settings, without pydantic) gives what
``cetak.settings.Settings`` gives, or None (the full ``Settings`` then decides)."""

from __future__ import annotations

from pathlib import Path

import pytest

from cetak import envsettings
from cetak.settings import Settings

FIELDS = tuple(envsettings.DEFAULTS)


@pytest.fixture(autouse=True)
def clean_env(monkeypatch, tmp_path):
    for name in FIELDS:
        monkeypatch.delenv(f"CETAK_{name.upper()}", raising=False)
    monkeypatch.setenv("CETAK_ENV_FILE", str(tmp_path / "none.env"))


def _full() -> dict:
    s = Settings()
    return {name: getattr(s, name) for name in FIELDS}


def test_the_defaults_are_the_settings_defaults():
    for name in FIELDS:
        assert envsettings.DEFAULTS[name] == Settings.model_fields[name].default, name
    assert envsettings.read() == _full()


@pytest.mark.parametrize(
    ("env", "value"),
    [
        ("CETAK_HOME", "/srv/cetak"),
        ("cetak_home", "relatif/rumah"),
        ("CETAK_DATABASE_URL", "postgresql+psycopg://u:p@host:5432/cetak"),
        ("CETAK_DATABASE_URL", ""),
        ("CETAK_SQLITE_BUSY_TIMEOUT_MS", "5000"),
        ("CETAK_USAGE_WINDOW_DAYS", "14"),
        ("CETAK_LEAD_TIME_DAYS", "10"),
        ("CETAK_LEAD_TIME_DAYS", "3.5"),
        ("CETAK_SERVICE_LEVEL", "0.99"),
    ],
)
def test_a_plain_value_reads_as_settings_reads_it(monkeypatch, env, value):
    monkeypatch.setenv(env, value)
    assert envsettings.read() == _full()


@pytest.mark.parametrize(
    ("env", "value"),
    [
        ("CETAK_SQLITE_BUSY_TIMEOUT_MS", "5_000"),
        ("CETAK_SQLITE_BUSY_TIMEOUT_MS", " 5000"),
        ("CETAK_USAGE_WINDOW_DAYS", "abc"),
        ("CETAK_LEAD_TIME_DAYS", "1e1"),
        ("CETAK_SERVICE_LEVEL", "-0.5"),
        ("CETAK_HOME", ""),
    ],
)
def test_anything_else_is_left_to_settings(monkeypatch, env, value):
    monkeypatch.setenv(env, value)
    assert envsettings.read() is None


def test_the_environment_file_is_read_under_the_environment(monkeypatch, tmp_path):
    env_file = tmp_path / "cetak.env"
    env_file.write_text(
        "# kantor\nCETAK_HOME=/srv/dari-berkas\nCETAK_LEAD_TIME_DAYS=9\nLAIN=1\n", "utf-8"
    )
    monkeypatch.setenv("CETAK_ENV_FILE", str(env_file))
    monkeypatch.setenv("CETAK_LEAD_TIME_DAYS", "12")
    values = envsettings.read()
    assert values is not None
    assert values["home"] == Path("/srv/dari-berkas") and values["lead_time_days"] == 12.0
    from cetak.settings import get_settings

    full = get_settings()
    assert (full.home, full.lead_time_days) == (values["home"], values["lead_time_days"])


def test_the_url_is_the_settings_url(monkeypatch, tmp_path):
    monkeypatch.setenv("CETAK_HOME", str(tmp_path / "rumah"))
    values = envsettings.read()
    assert values is not None
    assert envsettings.sqlite_url(values) == Settings().url
