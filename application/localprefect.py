"""The Prefect server this PC keeps for staff commands (issue 16, goal 2).

Without ``PREFECT_API_URL`` Prefect 3 starts a temporary server (a uvicorn subprocess,
``SubprocessASGIServer``) in every process that runs a flow and stops it when that process
ends: 8-12 s of every ``cetak ingest`` and ``cetak print`` go to starting it. Prefect has no
in-process mode any more, so the Prefect-native answer is a server that keeps running. Here
the first command that runs a flow starts ``prefect server start`` in the background (on
127.0.0.1, a free port, the same ``PREFECT_HOME`` and so the same database the temporary
server would use), records it in ``$PREFECT_HOME/cetak-server.json``, and every later
command finds it there, checks ``/health`` (milliseconds) and uses it.

The kept server stops itself after ``CETAK_PREFECT_IDLE_MINUTES`` (default 30) with no
command using it: a small keeper process (``python -m application.localprefect keep``)
starts the server as its child (which dies with it, ``PR_SET_PDEATHSIG``), and stops it when
the use file has not been touched for that long and no command holds the use lock. A
command holds that lock (shared) while its flow runs, so a long print run is never cut off.
``cetak serve`` records its own server in the same file while it runs, so staff commands on
that PC use it. ``CETAK_PREFECT_LOCAL=temporary`` brings back Prefect's temporary server per
command (nothing left running; every command pays the start-up).

Nothing here imports Prefect; messages for staff are in Bahasa Indonesia.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

STATE_NAME = "cetak-server.json"
USE_NAME = "cetak-server.use"  # touched and share-locked by every command using the server
START_LOCK_NAME = "cetak-server.start.lock"
LOG_NAME = "cetak-server.log"

DEFAULT_IDLE_MINUTES = 30.0
START_TIMEOUT_S = 120.0
CHECK_EVERY_S = 5.0


class LocalServerError(RuntimeError):
    """The kept server could not be started; the message is for staff."""


def prefect_home(env: Mapping[str, str] | None = None) -> Path:
    """``PREFECT_HOME`` as Prefect reads it (``~/.prefect`` when unset)."""
    env = os.environ if env is None else env
    return Path(env.get("PREFECT_HOME") or "~/.prefect").expanduser()


def mode(env: Mapping[str, str] | None = None) -> str:
    """``keep`` (the default) or ``temporary`` (Prefect's server per command)."""
    env = os.environ if env is None else env
    value = (env.get("CETAK_PREFECT_LOCAL") or "keep").strip().lower()
    return "temporary" if value in ("temporary", "sementara", "0", "false", "no") else "keep"


def idle_minutes(env: Mapping[str, str] | None = None) -> float:
    env = os.environ if env is None else env
    try:
        minutes = float(env.get("CETAK_PREFECT_IDLE_MINUTES") or DEFAULT_IDLE_MINUTES)
    except ValueError:
        return DEFAULT_IDLE_MINUTES
    return min(max(minutes, 0.1), 24 * 60.0)


@dataclass(frozen=True, slots=True)
class Recorded:
    url: str
    pid: int  # the keeper (or ``cetak serve``): its life is the server's
    owner: str  # "keeper" or "serve"


def read_state(home: Path) -> Recorded | None:
    try:
        data = json.loads((home / STATE_NAME).read_text())
        return Recorded(url=str(data["url"]), pid=int(data["pid"]), owner=str(data["owner"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def write_state(home: Path, rec: Recorded) -> None:
    home.mkdir(parents=True, exist_ok=True)
    tmp = home / f".{STATE_NAME}.{os.getpid()}"
    tmp.write_text(json.dumps({"url": rec.url, "pid": rec.pid, "owner": rec.owner}))
    tmp.replace(home / STATE_NAME)


def clear_state(home: Path, pid: int) -> None:
    """Remove the record if it still names ``pid`` (a newer server keeps its own)."""
    rec = read_state(home)
    if rec is not None and rec.pid == pid:
        with contextlib.suppress(OSError):
            (home / STATE_NAME).unlink()


def _alive(pid: int) -> bool:
    """The process exists and has not exited (a zombie, not yet reaped, is no server):
    ``cetak serve``'s reading of ``/proc``."""
    from application.serve import read_proc

    info = read_proc(pid)
    return info is not None and info.state not in ("Z", "X")


def healthy(url: str, timeout: float = 2.0) -> bool:
    from application.serve import api_healthy

    return api_healthy(url, timeout=timeout)


def running(home: Path) -> Recorded | None:
    """The recorded server if it is alive and answers."""
    rec = read_state(home)
    if rec is None or not _alive(rec.pid) or not healthy(rec.url):
        return None
    return rec


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _touch(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a"):
        pass
    os.utime(path)


@contextlib.contextmanager
def _flock(path: Path, how: int) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a") as fh:
        fcntl.flock(fh, how)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def start(home: Path, env: Mapping[str, str] | None = None) -> Recorded:
    """Start a kept server for ``home`` (the caller holds the start lock)."""
    base = dict(os.environ if env is None else env)
    port = _free_port()
    url = f"http://127.0.0.1:{port}/api"
    child_env = {k: v for k, v in base.items() if not k.startswith("PREFECT_API_")}
    child_env["PREFECT_HOME"] = str(home)
    child_env.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    child_env.setdefault("PREFECT_SERVER_LOGGING_LEVEL", "WARNING")
    home.mkdir(parents=True, exist_ok=True)
    log = open(home / LOG_NAME, "ab")  # noqa: SIM115 - handed to the child
    try:
        keeper = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "application.localprefect",
                "keep",
                "--port",
                str(port),
                "--idle",
                str(idle_minutes(base)),
            ],
            env=child_env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # outlives the command and its terminal
            cwd=str(home),
        )
    finally:
        log.close()
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if keeper.poll() is not None:
            raise LocalServerError(
                f"server Prefect lokal berhenti saat dimulai (kode {keeper.returncode}); "
                f"lihat {home / LOG_NAME}"
            )
        if healthy(url, timeout=1.0):
            rec = Recorded(url=url, pid=keeper.pid, owner="keeper")
            write_state(home, rec)
            return rec
        time.sleep(0.2)
    keeper.terminate()
    raise LocalServerError(
        f"server Prefect lokal tidak menjawab dalam {START_TIMEOUT_S:.0f} detik; "
        f"lihat {home / LOG_NAME}"
    )


@contextlib.contextmanager
def using_server(env: Mapping[str, str] | None = None) -> Iterator[str | None]:
    """Hold a Prefect server for one command: its API URL, or None when the command should
    use whatever Prefect is configured with (``PREFECT_API_URL`` set, or the temporary mode).

    The URL is also put in ``os.environ`` for the command's duration (Prefect reads its
    settings from there when first imported), and taken out again afterwards.
    """
    env = os.environ if env is None else env
    if env.get("PREFECT_API_URL") or mode(env) == "temporary":
        yield None
        return
    if "prefect" in sys.modules:
        from prefect.settings import PREFECT_API_URL

        if PREFECT_API_URL.value():  # a profile or a test harness names a server
            yield None
            return
    home = prefect_home(env)
    use = home / USE_NAME
    with _flock(use, fcntl.LOCK_SH):  # the keeper cannot stop the server under us
        _touch(use)
        rec = running(home)
        if rec is None:
            with _flock(home / START_LOCK_NAME, fcntl.LOCK_EX):
                rec = running(home) or start(home, env)
        previous = os.environ.get("PREFECT_API_URL")
        os.environ["PREFECT_API_URL"] = rec.url
        try:
            with _prefect_settings(rec.url):
                yield rec.url
        finally:
            if previous is None:
                os.environ.pop("PREFECT_API_URL", None)
            else:
                os.environ["PREFECT_API_URL"] = previous
            _touch(use)


@contextlib.contextmanager
def _prefect_settings(url: str) -> Iterator[None]:
    """If Prefect is already imported its settings were read: override them for the block."""
    if "prefect" not in sys.modules:
        yield
        return
    from prefect.settings import PREFECT_API_URL, temporary_settings

    with temporary_settings(updates={PREFECT_API_URL: url}):
        yield


def stop(home: Path, timeout: float = 20.0) -> bool:
    """Stop the kept server of ``home`` now (``cetak serve`` before starting its own, tests
    at the end). A server recorded by ``cetak serve`` is left alone. True if one stopped."""
    rec = read_state(home)
    if rec is None or rec.owner != "keeper" or not _alive(rec.pid):
        return False
    with contextlib.suppress(ProcessLookupError):
        os.kill(rec.pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while _alive(rec.pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    if _alive(rec.pid):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(rec.pid, signal.SIGKILL)
    clear_state(home, rec.pid)
    return True


# --------------------------------------------------------------------------- the keeper


def _server_command(port: int) -> list[str]:
    """Prefect's temporary server as ``SubprocessASGIServer`` starts it (uvicorn serving the
    API, no UI, the ephemeral set of services), only kept running."""
    import importlib.util

    spec = importlib.util.find_spec("prefect")
    app_dir = Path(spec.origin).parent.parent if spec and spec.origin else Path()
    return [
        sys.executable,
        "-m",
        "uvicorn",
        "--app-dir",
        str(app_dir),
        "--factory",
        "prefect.server.api.server:create_app",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--log-level",
        "error",
        "--lifespan",
        "on",
    ]


#: What ``SubprocessASGIServer`` adds to the server's environment.
SERVER_ENV = {
    "PREFECT_UI_ENABLED": "0",
    "PREFECT__SERVER_EPHEMERAL": "1",
    "PREFECT__SERVER_FINAL": "1",
}


def die_with_parent() -> Callable[[], None]:
    """A ``preexec_fn`` for a child that must not outlive this process (Linux): the kernel
    sends it SIGKILL when we die (``PR_SET_PDEATHSIG``), and it exits at once if we died
    before the signal was armed. ``prctl`` is resolved here, before the fork."""
    import ctypes

    prctl = ctypes.CDLL(None, use_errno=True).prctl
    parent = os.getpid()

    def arm() -> None:  # runs in the child between fork and exec
        prctl(1, signal.SIGKILL)  # 1 = PR_SET_PDEATHSIG
        if os.getppid() != parent:
            os._exit(1)

    return arm


def idle_due(last_used: float, now: float, idle_s: float) -> bool:
    """Whether a server last used at ``last_used`` (epoch seconds) has been idle long enough."""
    return now - last_used >= idle_s


def superseded(rec: Recorded | None, me: int) -> bool:
    """Another live server (``cetak serve``'s, or a newer keeper) is the recorded one."""
    return rec is not None and rec.pid != me and _alive(rec.pid)


def _last_used(use: Path) -> float:
    try:
        return use.stat().st_mtime
    except OSError:
        return 0.0


def keep(port: int, idle_min: float) -> int:
    """Run the server as a child and stop it when idle, on SIGTERM, or when it dies."""
    home = prefect_home()
    use = home / USE_NAME
    _touch(use)
    server = subprocess.Popen(
        _server_command(port),
        env={**os.environ, **SERVER_ENV},
        preexec_fn=die_with_parent() if sys.platform.startswith("linux") else None,
    )
    stopping = False

    def on_signal(_signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    pause = CHECK_EVERY_S if idle_min * 60 > 4 * CHECK_EVERY_S else 0.5
    code = 0
    with open(use, "a") as lock:
        while not stopping:
            if server.poll() is not None:
                code = server.returncode or 1
                break
            time.sleep(pause)
            if stopping:
                break
            if not (
                superseded(read_state(home), os.getpid())
                or idle_due(_last_used(use), time.time(), idle_min * 60)
            ):
                continue
            try:  # no command holds the server (each holds a shared lock while it runs)
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                continue
            # Held until the server is gone: a command starting now waits, then finds no
            # record and starts a new server.
            break
        clear_state(home, os.getpid())
        if server.poll() is None:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
    return code


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m application.localprefect")
    sub = parser.add_subparsers(dest="cmd", required=True)
    k = sub.add_parser("keep")
    k.add_argument("--port", type=int, required=True)
    k.add_argument("--idle", type=float, default=DEFAULT_IDLE_MINUTES)
    args = parser.parse_args(argv)
    return keep(args.port, args.idle)


if __name__ == "__main__":
    sys.exit(main())
