"""Commands that run a flow keep one local Prefect server instead of a temporary one each
(issue 16, goal 2; application.localprefect): started by the first, reused by the next,
stopped when idle (never while a command holds it), and gone with its keeper."""

from __future__ import annotations

import fcntl
import json
import os
import signal
import time
from pathlib import Path

import pytest

from application import localprefect as lp

from clihelp import run_cli
from factory import BatchSpec, make_row
from prefectserver import alive, descendants

pytestmark = pytest.mark.slow


@pytest.fixture
def db_url(sqlite_url: str) -> str:
    """SQLite is enough: the server's life does not depend on Cetak's database."""
    return sqlite_url


def wait_for(predicate, timeout: float = 90.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return predicate()


def kept_env(cli_env: dict[str, str], tmp_path: Path, idle_minutes: str) -> dict[str, str]:
    env = {k: v for k, v in cli_env.items() if not k.startswith("PREFECT_API")}
    env.update(PREFECT_HOME=str(tmp_path / "ph"), CETAK_PREFECT_IDLE_MINUTES=idle_minutes)
    env.pop("CETAK_PREFECT_LOCAL", None)
    return env


def test_two_ingests_share_one_kept_server_which_stops_on_request(cli_env, tmp_path):
    env = kept_env(cli_env, tmp_path, "10")
    home = Path(env["PREFECT_HOME"])
    inbox = tmp_path / "inbox"
    BatchSpec(batch_id="PRR-3310-20261122-0001", rows=[make_row() for _ in range(3)]).write(inbox)
    BatchSpec(batch_id="PRR-3310-20261122-0002", rows=[make_row() for _ in range(2)]).write(inbox)
    try:
        first = run_cli("ingest", str(inbox / "PRR-3310-20261122-0001"), "--json", env=env)
        assert json.loads(first.stdout)[0]["queued"] == 3
        rec = lp.read_state(home)
        assert rec is not None and rec.owner == "keeper" and alive(rec.pid)
        server = descendants(rec.pid)
        assert server, "the keeper runs the server as its child"

        second = run_cli("ingest", str(inbox / "PRR-3310-20261122-0002"), "--json", env=env)
        assert json.loads(second.stdout)[0]["queued"] == 2
        assert lp.read_state(home) == rec  # the same server, not a second one
    finally:
        stopped = lp.stop(home)
    assert stopped
    assert wait_for(lambda: not alive(rec.pid) and not any(alive(p) for p in server), 30)
    assert lp.read_state(home) is None


def test_an_idle_kept_server_stops_itself_but_not_while_a_command_holds_it(tmp_path):
    home = tmp_path / "ph"
    env = {**os.environ, "PREFECT_HOME": str(home), "CETAK_PREFECT_IDLE_MINUTES": "0.05"}
    env.pop("PREFECT_API_URL", None)
    home.mkdir(parents=True)
    with open(home / lp.USE_NAME, "a") as held:
        fcntl.flock(held, fcntl.LOCK_SH)  # a command is using the server
        rec = lp.start(home, env)
        assert lp.healthy(rec.url)
        time.sleep(3 * 0.05 * 60)  # three idle times go by while it is held
        assert alive(rec.pid) and lp.read_state(home) == rec
        fcntl.flock(held, fcntl.LOCK_UN)
    assert wait_for(lambda: not alive(rec.pid), 60), "an idle server must stop itself"
    assert lp.read_state(home) is None


def test_a_killed_keeper_takes_its_server_with_it(tmp_path):
    home = tmp_path / "ph"
    env = {**os.environ, "PREFECT_HOME": str(home), "CETAK_PREFECT_IDLE_MINUTES": "10"}
    env.pop("PREFECT_API_URL", None)
    rec = lp.start(home, env)
    server = descendants(rec.pid)
    assert server
    os.kill(rec.pid, signal.SIGKILL)
    assert wait_for(lambda: not any(alive(p) for p in server), 30)
    assert lp.running(home) is None  # the stale record is not used
