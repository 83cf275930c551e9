"""The few settings a read-only command needs, read from the environment without pydantic.

``cetak.settings.Settings`` (pydantic-settings) costs about a third of a second to import,
more than a read-only command may take in all (issue 16). ``read`` gives the same values
for the fields it is asked for, by the same rules (``CETAK_`` prefix, names in any case,
the environment file of ``env_file`` under the process environment), or None whenever a
value is anything but plain (the caller then builds the full ``Settings``, which reads or
refuses it exactly as before). ``tests/unit/test_fast_settings.py`` holds the two equal.

Also here, so that both can use them without pydantic: the private folder and file modes.
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path
from typing import Any

#: Defaults of the fields read here, as ``cetak.settings.Settings`` declares them.
DEFAULTS: dict[str, Any] = {
    "home": Path("var"),
    "database_url": None,
    "sqlite_busy_timeout_ms": 30_000,
    "usage_window_days": 28,
    "lead_time_days": 7.0,
    "review_period_days": 7.0,
    "service_level": 0.95,
}

_INT = re.compile(r"[0-9]{1,9}")
_FLOAT = re.compile(r"[0-9]{1,9}(\.[0-9]{1,12})?")
PREFIX = "cetak_"


def _env_file() -> Path | None:
    # The same choice as ``cetak.settings.env_file`` (kept there for its callers).
    named = os.environ.get("CETAK_ENV_FILE")
    if named:
        return Path(named).expanduser()
    default = Path("/etc/cetak/cetak.env")
    return default if default.is_file() else None


def _sources() -> dict[str, str | None]:
    """``cetak_*`` names (lower case) and their raw values: the file, then the environment."""
    found: dict[str, str | None] = {}
    path = _env_file()
    if path is not None and path.is_file():
        from dotenv import dotenv_values

        for key, value in dotenv_values(path).items():
            if key.lower().startswith(PREFIX):
                found[key.lower()] = value
    for key, value in os.environ.items():
        if key.lower().startswith(PREFIX):
            found[key.lower()] = value
    return found


def read(names: tuple[str, ...] = tuple(DEFAULTS)) -> dict[str, Any] | None:
    """The settings ``names`` as ``Settings`` would hold them, or None when one is not plain.

    Two variables naming one field in different case make it None too (which one wins is
    pydantic-settings' business)."""
    raw = _sources()
    lowered = [k.lower() for k in os.environ if k.lower().startswith(PREFIX)]
    if len(lowered) != len(set(lowered)):
        return None
    values: dict[str, Any] = {}
    for name in names:
        default = DEFAULTS[name]
        key = PREFIX + name
        if key not in raw:
            values[name] = default
            continue
        value = raw[key]
        if value is None:
            return None
        if name == "database_url":
            values[name] = value
        elif isinstance(default, Path):
            if not value or value != value.strip():
                return None
            values[name] = Path(value)
        elif isinstance(default, int):
            if not _INT.fullmatch(value):
                return None
            values[name] = int(value)
        elif isinstance(default, float):
            if not _FLOAT.fullmatch(value):
                return None
            values[name] = float(value)
        else:  # pragma: no cover - a field added to DEFAULTS without a rule here
            return None
    return values


def sqlite_url(values: dict[str, Any]) -> str:
    """``Settings.url`` from these values."""
    if values["database_url"]:
        return str(values["database_url"])
    return f"sqlite:///{resolved_home(values)}/cetak.db"


def resolved_home(values: dict[str, Any]) -> Path:
    return Path(values["home"]).expanduser().resolve()


# --- private folders and files (issue 11) ------------------------------------------------


def _chmod_own(path: Path, mode: int) -> None:
    """Set ``mode`` on a file or folder of this user; a symlink or another user's is left."""
    try:
        st = path.lstat()
        if stat.S_ISLNK(st.st_mode) or st.st_uid != os.geteuid():
            return
        if stat.S_IMODE(st.st_mode) != mode:
            path.chmod(mode)
    except OSError:
        pass  # gone meanwhile, or not ours to change: nothing to tighten


def private_dir(path: Path) -> None:
    """Create ``path`` (and any missing parent) as 0700 folders; an existing one is kept."""
    missing = []
    p = path
    while not p.exists() and p != p.parent:
        missing.append(p)
        p = p.parent
    for d in reversed(missing):
        try:
            d.mkdir(mode=0o700)
        except FileExistsError:
            continue  # made meanwhile by another process
        _chmod_own(d, 0o700)
    if not path.is_dir():
        path.mkdir(parents=True, exist_ok=True)  # raises the usual error (a file in the way)


def private_file(path: Path) -> None:
    """Make an existing file of this user 0600 (a missing one is nothing to do)."""
    _chmod_own(path, 0o600)


#: The process umask Cetak runs under: what it creates is its user's alone (0600 / 0700).
PRIVATE_UMASK = 0o077


def private_umask() -> None:
    """Make every file and folder this process creates from now on private (0600 / 0700).

    Called once by each entry point (the ``cetak`` command, a flow's preflight, the
    dashboard), so databases, archives, receipts, documents, backups and logs never
    appear readable by other users, even for an instant. A stricter umask is kept.
    """
    current = os.umask(PRIVATE_UMASK)
    os.umask(current | PRIVATE_UMASK)
