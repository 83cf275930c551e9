"""A killed ``cetak print`` takes Prefect's temporary server with it.

Without ``PREFECT_API_URL``, ``cetak print`` runs its flow against a temporary Prefect
server (a uvicorn subprocess of about 200 MB). SIGKILL gives the command no chance to
stop it, so the server must die by itself when its parent does.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from factory import queued_on_one_printer
from prefectserver import alive, descendants

pytestmark = pytest.mark.slow


@pytest.fixture
def db_url(sqlite_url: str) -> str:
    """SQLite is enough: the server's life does not depend on Cetak's database."""
    return sqlite_url


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def temp_servers(pid: int) -> list[int]:
    """Prefect temporary servers (uvicorn serving prefect.server.api) below ``pid``."""
    return [
        p
        for p in descendants(pid)
        if "uvicorn" in (cmd := cmdline(p)) and "prefect.server.api.server" in cmd
    ]


def servers_of(prefect_home: Path) -> list[int]:
    """Every temporary server on the machine serving this test's PREFECT_HOME."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and "prefect.server.api.server" in cmdline(int(entry.name)):
            try:
                environ = (entry / "environ").read_bytes().split(b"\0")
            except OSError:
                continue
            if f"PREFECT_HOME={prefect_home}".encode() in environ and alive(int(entry.name)):
                found.append(int(entry.name))
    return found


def installation(engine, served, home, tmp_path: Path, seconds: float) -> dict[str, str]:
    """Four queued records, blanks and one simulated printer; the env of ``cetak`` with no
    Prefect API (so it starts the temporary server) and its own PREFECT_HOME."""
    queued_on_one_printer(engine, served, home, tmp_path, records=4, seconds=seconds)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_API")}
    env.update(
        CETAK_HOME=str(home.resolved_home),
        CETAK_DATABASE_URL=home.url,
        PREFECT_HOME=str(tmp_path / "prefect-home"),
        PREFECT_SERVER_ANALYTICS_ENABLED="false",
        CETAK_PREFECT_LOCAL="temporary",  # Prefect's own per-command server, not a kept one
    )
    return env


def test_cetak_print_on_the_temporary_server_prints_and_stops_it(engine, served, home, tmp_path):
    env = installation(engine, served, home, tmp_path, seconds=0)
    done = subprocess.run(
        [sys.executable, "-m", "cetak", "print", "--json"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    try:
        assert done.returncode == 0, done.stderr
        assert json.loads(done.stdout)["printed"] == 4
        assert servers_of(tmp_path / "prefect-home") == []
    finally:
        for pid in servers_of(tmp_path / "prefect-home"):
            os.kill(pid, signal.SIGKILL)


def test_killed_cetak_print_leaves_no_temporary_prefect_server(engine, served, home, tmp_path):
    # A slow printer: the run is still printing when it is killed.
    env = installation(engine, served, home, tmp_path, seconds=30)
    proc = subprocess.Popen(
        [sys.executable, "-m", "cetak", "print"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,  # its own group: cleaned up below whatever happens
    )
    servers: list[int] = []
    try:
        deadline = time.monotonic() + 180
        while not servers and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.2)
            servers = temp_servers(proc.pid)
        assert servers, f"no temporary server started: {proc.poll()}"
        time.sleep(1.0)  # the flow is under way (the printer takes 30 s per card)
        assert proc.poll() is None, "cetak print ended before it could be killed"
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        deadline = time.monotonic() + 15
        while any(alive(p) for p in servers) and time.monotonic() < deadline:
            time.sleep(0.2)
        left = [(p, cmdline(p)) for p in servers if alive(p)]
        assert left == [], f"temporary Prefect server outlived cetak print: {left}"
        assert servers_of(tmp_path / "prefect-home") == []
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        for pid in {*servers, *servers_of(tmp_path / "prefect-home")}:
            if alive(pid):
                os.kill(pid, signal.SIGKILL)
        try:
            os.killpg(proc.pid, signal.SIGKILL)  # anything else the run started
        except ProcessLookupError:
            pass
        if proc.stderr:
            proc.stderr.close()
