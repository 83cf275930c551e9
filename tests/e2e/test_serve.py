"""``cetak serve`` (server, deployments, worker and dashboard of one office PC, supervised)
and ``cetak service install`` (the same as three systemd units).

The slow tests start the real ``cetak serve`` against a fresh Cetak home and Prefect home,
wait until the Prefect API, the dashboard and a worker of the pool answer, then stop it with
SIGTERM or SIGINT and check that every process below it (also a running flow run, which
Prefect starts in a session of its own) is gone. The supervision itself (a child dying, a
failing deploy) is tested with small stand-in commands.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import httpx
import pytest

from application.serve import (
    ProcInfo,
    UnitConfig,
    api_url,
    child_environment,
    descendants,
    exec_line,
    install_units,
    is_remote_api,
    render_env_example,
    render_units,
    still_running,
)

from clihelp import run_cli
from pgserver import free_port

BIN = Path(sys.executable).parent
POOL = "print-room"


# --------------------------------------------------------------------------- helpers


def base_env(tmp_path: Path, home: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("CETAK_", "PREFECT_")) and k != "PYTEST_XDIST_WORKER"
    }
    env.update(
        CETAK_HOME=str(home),
        CETAK_ENV_FILE=str(tmp_path / "tidak-ada.env"),  # no /etc/cetak/cetak.env here
        PREFECT_HOME=str(tmp_path / "prefect-home"),
        PREFECT_SERVER_ANALYTICS_ENABLED="false",
        # The scheduler looks ahead often in tests; the flows' own schedules do not matter.
        PREFECT_SERVER_SERVICES_SCHEDULER_LOOP_SECONDS="5",
        PREFECT_WORKER_QUERY_SECONDS="2",
        PREFECT_WORKER_HEARTBEAT_SECONDS="5",
    )
    return env


def kill_tree(root: int, tree: list[ProcInfo]) -> None:
    """Cleanup after a failed test: SIGKILL whatever of ``root``'s tree is still alive."""
    infos = {i.pid: i for i in tree}
    infos.update((i.pid, i) for i in descendants(root))
    for info in infos.values():
        if still_running(info):
            try:
                os.kill(info.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


class Serve:
    """``cetak serve`` in a subprocess, its output in files."""

    def __init__(self, tmp_path: Path, env: dict[str, str], *args: str) -> None:
        self.out = tmp_path / "serve.out"
        self.err = tmp_path / "serve.err"
        self.seen: list[ProcInfo] = []
        with self.out.open("wb") as out, self.err.open("wb") as err:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "cetak", "serve", *args],
                env=env,
                cwd=tmp_path,
                stdout=out,
                stderr=err,
                start_new_session=True,
            )

    def output(self) -> str:
        return self.out.read_text(errors="replace") + self.err.read_text(errors="replace")

    def tree(self) -> list[ProcInfo]:
        found = descendants(self.proc.pid)
        self.seen += found
        return found

    def assert_running(self) -> None:
        if self.proc.poll() is not None:
            raise AssertionError(f"cetak serve exited ({self.proc.returncode}):\n{self.output()}")

    def wait_for(self, what: str, check, timeout: float = 240.0):  # noqa: ANN001
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.assert_running()
            try:
                value = check()
            except httpx.HTTPError:
                value = None
            if value:
                return value
            time.sleep(1)
        raise AssertionError(f"{what} not seen in {timeout:.0f} s:\n{self.output()}")

    def stop(self, sig: int, timeout: float = 90.0) -> int:
        os.kill(self.proc.pid, sig)
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            raise AssertionError(f"cetak serve did not stop:\n{self.output()}") from None

    def cleanup(self) -> None:
        kill_tree(self.proc.pid, self.seen)
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


@pytest.fixture
def initialised(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    home = tmp_path / "home"
    env = base_env(tmp_path, home)
    run_cli("init", "--regency", "33.10", env=env)
    return home, env


SLOW_FLOW = textwrap.dedent(
    """
    import subprocess
    import time

    from prefect import flow


    @flow
    def lama(seconds: float = 900) -> None:
        subprocess.Popen(["sleep", str(seconds)])
        time.sleep(seconds)
    """
)

DEPLOY_AND_RUN = textwrap.dedent(
    """
    import sys

    from prefect import flow
    from prefect.deployments import run_deployment

    flow.from_source(source=sys.argv[1], entrypoint="lama.py:lama").deploy(
        name="lama", work_pool_name=sys.argv[2], print_next_steps=False
    )
    run = run_deployment("lama/lama", timeout=0)
    print(run.id)
    """
)


def start_slow_flow(tmp_path: Path, env: dict[str, str]) -> None:
    """A deployment of a flow that runs for a long time (with a child process of its own),
    in the pool, and one run of it."""
    src = tmp_path / "lama"
    src.mkdir()
    (src / "lama.py").write_text(SLOW_FLOW)
    proc = subprocess.run(
        [sys.executable, "-c", DEPLOY_AND_RUN, str(src), POOL],
        env=env,
        cwd=src,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


# --------------------------------------------------------------------------- cetak serve


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["sigterm", "sigint"])
def test_serve_runs_everything_and_stops_cleanly(
    tmp_path: Path, initialised: tuple[Path, dict[str, str]], sig: int
) -> None:
    home, env = initialised
    prefect_port, dashboard_port = free_port(), free_port()
    api = f"http://127.0.0.1:{prefect_port}/api"
    serve = Serve(
        tmp_path,
        env,
        "--prefect-port",
        str(prefect_port),
        "--dashboard-port",
        str(dashboard_port),
    )
    try:
        serve.wait_for("Prefect API health", lambda: httpx.get(f"{api}/health").status_code == 200)
        serve.wait_for(
            "dashboard",
            lambda: httpx.get(f"http://127.0.0.1:{dashboard_port}/", timeout=5).status_code == 200,
        )

        def worker_heartbeat() -> bool:
            resp = httpx.post(f"{api}/work_pools/{POOL}/workers/filter", json={}, timeout=10)
            return resp.status_code == 200 and any(
                w.get("last_heartbeat_time") for w in resp.json()
            )

        serve.wait_for("a worker heartbeat", worker_heartbeat)
        names = {p["name"] for p in httpx.post(f"{api}/deployments/filter", json={}).json()}
        assert "ingest-inbox" in names  # cetak deploy ran

        out = serve.output()
        assert f"http://127.0.0.1:{prefect_port}" in out
        assert f"http://127.0.0.1:{dashboard_port}" in out
        assert str(home.resolve() / "logs") in out

        if sig == signal.SIGTERM:
            # A flow run in progress: Prefect starts it in a session of its own.
            flow_env = dict(env, PREFECT_API_URL=api)
            start_slow_flow(tmp_path, flow_env)
            serve.wait_for(
                "the flow run's child process",
                lambda: any(cmdline(i.pid).startswith("sleep 900") for i in serve.tree()),
            )
        tree = serve.tree()
        assert len(tree) >= 4  # server, worker, dashboard (cetak + streamlit)
        code = serve.stop(sig)
        assert code == 0, serve.output()
        left = [(i.pid, cmdline(i.pid)) for i in tree if still_running(i)]
        assert left == [], left
        assert "Semua proses Cetak sudah berhenti" in serve.output()
        logs = home / "logs"
        for name in ("server", "deploy", "worker", "dashboard"):
            assert (logs / f"{name}.log").stat().st_size > 0, name
    finally:
        serve.cleanup()


@pytest.mark.slow
def test_serve_refuses_an_uninitialised_home(tmp_path: Path) -> None:
    env = base_env(tmp_path, tmp_path / "kosong")
    proc = run_cli("serve", "--prefect-port", str(free_port()), env=env, check=False)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "cetak init --regency" in proc.stderr
    assert "belum disiapkan" in proc.stderr
    assert not (tmp_path / "kosong" / "cetak.db").exists()
    assert not (tmp_path / "kosong" / "logs").exists()


@pytest.mark.slow
def test_serve_refuses_a_port_in_use(
    tmp_path: Path, initialised: tuple[Path, dict[str, str]]
) -> None:
    import socket

    _home, env = initialised
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        proc = run_cli(
            "serve",
            "--prefect-port",
            str(free_port()),
            "--dashboard-port",
            str(port),
            env=env,
            check=False,
        )
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert f"port {port}" in proc.stderr
    assert "sudah dipakai" in proc.stderr


# --------------------------------------------------------------------------- supervision

FAKE_SERVER = textwrap.dedent(
    """
    import http.server, sys

    class Health(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200 if self.path == "/api/health" else 404)
            self.end_headers()
            self.wfile.write(b"true")

        def log_message(self, *args):
            pass

    http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), Health).serve_forever()
    """
)

# A worker that starts a "flow run" in a session of its own, like Prefect's process worker.
FAKE_WORKER = textwrap.dedent(
    """
    import subprocess, sys, time
    subprocess.Popen(["sleep", "901"], start_new_session=True)
    print("worker siap", flush=True)
    time.sleep(float(sys.argv[1]))
    sys.exit(7)
    """
)

DRIVER = textwrap.dedent(
    """
    import sys
    from pathlib import Path

    from application.serve import ServePlan, run_serve

    root = Path(sys.argv[1])
    port = int(sys.argv[2])
    deploy_code = int(sys.argv[3])
    worker_life = sys.argv[4]
    py = sys.executable

    class Fake(ServePlan):
        def server_command(self):
            return [py, str(root / "server.py"), str(port)]

        def deploy_command(self):
            return [py, "-c", f"print('deploy: langkah terakhir'); raise SystemExit({deploy_code})"]

        def worker_command(self):
            return [py, str(root / "worker.py"), worker_life]

        def dashboard_command(self):
            return ["sleep", "902"]

    plan = Fake(
        home=root,
        logs_dir=root / "logs",
        env={"PREFECT_API_URL": f"http://127.0.0.1:{port}/api", "PREFECT_HOME": str(root / "ph"),
             "PATH": "/usr/bin:/bin"},
        remote=False,
        host="127.0.0.1",
        prefect_port=port,
        dashboard_port=1,
    )
    raise SystemExit(run_serve(plan, say=print, warn=lambda t: print("PERHATIAN", t)))
    """
)


def run_fake(tmp_path: Path, *, deploy_code: int = 0, worker_life: float = 3600):
    (tmp_path / "server.py").write_text(FAKE_SERVER)
    (tmp_path / "worker.py").write_text(FAKE_WORKER)
    return subprocess.Popen(
        [
            sys.executable,
            "-c",
            DRIVER,
            str(tmp_path),
            str(free_port()),
            str(deploy_code),
            str(worker_life),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )


def wait_tree(proc: subprocess.Popen, n: int, timeout: float = 60) -> list[ProcInfo]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        tree = descendants(proc.pid)
        if len(tree) >= n:
            return tree
        assert proc.poll() is None, proc.communicate()[0]
        time.sleep(0.2)
    raise AssertionError(f"fewer than {n} processes below the supervisor")


@pytest.mark.slow
def test_a_child_that_dies_stops_the_others(tmp_path: Path) -> None:
    proc = run_fake(tmp_path, worker_life=8)
    seen: list[ProcInfo] = []
    try:
        seen = wait_tree(proc, 4)  # server, worker, its own-session "flow run", dashboard
        deadline = time.monotonic() + 30
        while not any(cmdline(i.pid).startswith("sleep 901") for i in seen):
            # A child forked but not yet exec'd still shows its parent's command line.
            assert time.monotonic() < deadline, [cmdline(i.pid) for i in seen]
            time.sleep(0.2)
            seen = descendants(proc.pid)
        out, _ = proc.communicate(timeout=90)
        assert proc.returncode == 1, out
        assert "worker berhenti tiba-tiba (kode 7)" in out
        # The "flow run" the worker left behind was re-parented to the supervisor and stopped.
        assert [i.pid for i in seen if still_running(i)] == []
        assert "worker siap" in (tmp_path / "logs" / "worker.log").read_text()
    finally:
        kill_tree(proc.pid, seen)
        if proc.poll() is None:
            proc.kill()
            proc.communicate()


@pytest.mark.slow
def test_a_failed_deploy_stops_the_server(tmp_path: Path) -> None:
    proc = run_fake(tmp_path, deploy_code=3)
    seen: list[ProcInfo] = []
    try:
        seen = wait_tree(proc, 1)
        out, _ = proc.communicate(timeout=90)
        assert proc.returncode == 1, out
        assert "cetak deploy gagal (kode 3)" in out
        assert "deploy: langkah terakhir" in out  # the tail of its output
        assert [i.pid for i in seen if still_running(i)] == []
        assert not (tmp_path / "logs" / "worker.log").exists()
    finally:
        kill_tree(proc.pid, seen)
        if proc.poll() is None:
            proc.kill()
            proc.communicate()


@pytest.mark.slow
def test_a_signal_stops_flow_runs_in_their_own_session(tmp_path: Path) -> None:
    proc = run_fake(tmp_path)
    seen: list[ProcInfo] = []
    try:
        seen = wait_tree(proc, 4)
        os.kill(proc.pid, signal.SIGTERM)
        out, _ = proc.communicate(timeout=90)
        assert proc.returncode == 0, out
        assert [(i.pid, cmdline(i.pid)) for i in seen if still_running(i)] == []
    finally:
        kill_tree(proc.pid, seen)
        if proc.poll() is None:
            proc.kill()
            proc.communicate()


# --------------------------------------------------------------------------- pure parts


def test_child_environment_file_under_process_and_local_server() -> None:
    env, remote = child_environment(
        home=Path("/srv/cetak"),
        prefect_port=4300,
        host="0.0.0.0",
        file_env={"CETAK_SITE": "dari-berkas", "CETAK_BACKUP_KEEP": "3"},
        base={"CETAK_SITE": "dari-proses", "PATH": "/usr/bin"},
    )
    assert not remote
    assert env["CETAK_SITE"] == "dari-proses"  # the process environment wins
    assert env["CETAK_BACKUP_KEEP"] == "3"
    assert env["PREFECT_API_URL"] == "http://127.0.0.1:4300/api"
    assert env["PREFECT_HOME"] == "/srv/cetak/prefect"
    assert env["CETAK_HOME"] == "/srv/cetak"
    assert env["PREFECT_SERVER_ANALYTICS_ENABLED"] == "false"

    env, remote = child_environment(
        home=Path("/srv/cetak"),
        prefect_port=4200,
        host="127.0.0.1",
        file_env={"PREFECT_API_URL": "http://10.1.2.3:4200/api"},
        base={"PREFECT_HOME": "/var/lib/prefect"},
    )
    assert remote
    assert env["PREFECT_API_URL"] == "http://10.1.2.3:4200/api"
    assert env["PREFECT_HOME"] == "/var/lib/prefect"


def test_remote_api_detection() -> None:
    assert not is_remote_api(None)
    assert not is_remote_api("http://127.0.0.1:4200/api")
    assert not is_remote_api("http://localhost:4300/api")
    assert is_remote_api("http://prefect.klaten.go.id/api")
    assert is_remote_api("http://192.168.1.10:4200/api")
    assert api_url("0.0.0.0", 4200) == "http://127.0.0.1:4200/api"
    assert api_url("192.168.1.5", 4200) == "http://192.168.1.5:4200/api"


def config(tmp_path: Path, **kw) -> UnitConfig:  # noqa: ANN003
    return UnitConfig(
        bin_dir=kw.pop("bin_dir", BIN),
        home=kw.pop("home", tmp_path / "home"),
        env_file=kw.pop("env_file", tmp_path / "etc" / "cetak.env"),
        user=kw.pop("user", "cetak"),
        **kw,
    )


def directives(text: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for line in text.splitlines():
        if "=" in line and not line.startswith("#"):
            key, value = line.split("=", 1)
            found.setdefault(key, []).append(value)
    return found


def test_unit_text(tmp_path: Path) -> None:
    units = render_units(config(tmp_path, prefect_port=4300, dashboard_port=8600))
    assert list(units) == [
        "cetak-server.service",
        "cetak-worker.service",
        "cetak-dashboard.service",
    ]
    home = str(tmp_path / "home")
    for name, text in units.items():
        d = directives(text)
        assert d["User"] == ["cetak"], name
        assert d["WorkingDirectory"] == [home], name
        assert d["EnvironmentFile"] == [f"-{tmp_path / 'etc' / 'cetak.env'}"], name
        assert d["Restart"] == ["on-failure"]
        assert d["RestartSec"] == ["10"]
        assert d["KillMode"] == ["control-group"]
        assert d["TimeoutStopSec"] == ["30"]
        assert d["WantedBy"] == ["multi-user.target"]
        assert f"CETAK_HOME={home}" in d["Environment"]
        assert "PREFECT_SERVER_ANALYTICS_ENABLED=false" in d["Environment"]
        # Environment= lines come before the file, so the file may override each of them.
        assert text.index("Environment=") < text.index("EnvironmentFile=")
        assert d["ExecStart"][0].startswith(str(BIN) + "/"), name

        assert f"CETAK_ENV_FILE={tmp_path / 'etc' / 'cetak.env'}" in d["Environment"]
    default = render_units(config(tmp_path, env_file=Path("/etc/cetak/cetak.env")))
    assert all("CETAK_ENV_FILE" not in text for text in default.values())

    server = directives(units["cetak-server.service"])
    assert server["ExecStart"] == [f"{BIN}/prefect server start --host 127.0.0.1 --port 4300"]
    worker = directives(units["cetak-worker.service"])
    assert worker["ExecStartPre"] == [f"{BIN}/cetak deploy"]
    assert worker["ExecStart"] == [f"{BIN}/cetak worker"]
    assert "cetak-server.service" in worker["After"][0].split()
    assert "cetak-server.service" in worker["Wants"][0].split()
    assert "PREFECT_API_URL=http://127.0.0.1:4300/api" in worker["Environment"]
    dashboard = directives(units["cetak-dashboard.service"])
    assert dashboard["ExecStart"] == [f"{BIN}/cetak dashboard --port 8600 --address 127.0.0.1"]
    assert "PREFECT_API_URL=http://127.0.0.1:4300/api" in dashboard["Environment"]


def test_unit_text_quotes_spaces_and_percent(tmp_path: Path) -> None:
    assert exec_line(["/opt/a b/cetak", "worker"]) == '"/opt/a b/cetak" worker'
    assert exec_line(["/opt/x%y/cetak"]) == "/opt/x%%y/cetak"
    units = render_units(config(tmp_path, home=Path("/data/kantor 1"), bin_dir=Path("/opt/v e")))
    worker = units["cetak-worker.service"]
    assert 'ExecStart="/opt/v e/cetak" worker' in worker
    assert 'Environment="CETAK_HOME=/data/kantor 1"' in worker
    assert "WorkingDirectory=/data/kantor 1" in worker


def test_env_example_lists_the_settings(tmp_path: Path) -> None:
    text = render_env_example(config(tmp_path), print_lease_s=120.0, backup_keep=14)
    for key in (
        "CETAK_HOME=",
        "# CETAK_DATABASE_URL=",
        "PREFECT_API_URL=http://127.0.0.1:4200/api",
        "CETAK_SITE=",
        "CETAK_PRINT_LEASE_S=120",
        "CETAK_BACKUP_DIR=",
        "CETAK_BACKUP_KEEP=14",
    ):
        assert key in text, key
    from dotenv import dotenv_values

    path = tmp_path / "contoh.env"
    path.write_text(text)
    values = dotenv_values(path)
    assert values["CETAK_HOME"] == str(tmp_path / "home")
    assert "CETAK_DATABASE_URL" not in values and "CETAK_SITE" not in values


def test_install_units_refuses_to_overwrite_a_different_unit(tmp_path: Path) -> None:
    units = render_units(config(tmp_path))
    prefix = tmp_path / "units"
    first = install_units(units, prefix)
    assert len(first.written) == 3 and not first.refused
    again = install_units(units, prefix)
    assert again.written == [] and len(again.unchanged) == 3
    (prefix / "cetak-worker.service").write_text("[Service]\nExecStart=/bin/true\n")
    refused = install_units(units, prefix)
    assert refused.refused == [prefix / "cetak-worker.service"]
    assert (prefix / "cetak-worker.service").read_text().startswith("[Service]")
    forced = install_units(units, prefix, force=True)
    assert forced.written == [prefix / "cetak-worker.service"]
    assert (prefix / "cetak-worker.service").read_text() == units["cetak-worker.service"]


# --------------------------------------------------------------------------- service install


@pytest.fixture
def install_env(tmp_path: Path) -> dict[str, str]:
    env = base_env(tmp_path, tmp_path / "home")
    env.pop("SUDO_USER", None)
    return env


def service_install(tmp_path: Path, env: dict[str, str], *extra: str):
    return run_cli(
        "service",
        "install",
        "--prefix",
        str(tmp_path / "units"),
        "--env-file",
        str(tmp_path / "etc" / "cetak.env"),
        *extra,
        env=env,
        check=False,
    )


@pytest.mark.slow
def test_service_install_writes_units_and_env_file_once(
    tmp_path: Path, install_env: dict[str, str]
) -> None:
    units, env_file = tmp_path / "units", tmp_path / "etc" / "cetak.env"
    first = service_install(tmp_path, install_env)
    assert first.returncode == 0, first.stderr
    names = sorted(p.name for p in units.iterdir())
    assert names == ["cetak-dashboard.service", "cetak-server.service", "cetak-worker.service"]
    assert env_file.is_file()
    assert oct(env_file.stat().st_mode & 0o777) == "0o640"
    assert "systemctl daemon-reload" in first.stdout
    assert "systemctl enable --now cetak-server cetak-worker cetak-dashboard" in first.stdout
    assert "journalctl -u cetak-worker" in first.stdout
    snapshot = {p.name: p.read_text() for p in units.iterdir()}

    # The administrator edits the env file: a second run changes nothing at all.
    env_file.write_text("CETAK_HOME=/srv/cetak\n")
    second = service_install(tmp_path, install_env)
    assert second.returncode == 0, second.stderr
    assert "tidak ada perubahan" in second.stdout
    assert {p.name: p.read_text() for p in units.iterdir()} == snapshot
    assert env_file.read_text() == "CETAK_HOME=/srv/cetak\n"

    # A unit edited by hand is not overwritten without --force.
    (units / "cetak-server.service").write_text("[Service]\nExecStart=/bin/true\n")
    refused = service_install(tmp_path, install_env)
    assert refused.returncode == 2
    assert "--force" in refused.stderr and "cetak-server.service" in refused.stderr
    assert (units / "cetak-server.service").read_text().startswith("[Service]")
    forced = service_install(tmp_path, install_env, "--force")
    assert forced.returncode == 0, forced.stderr
    assert {p.name: p.read_text() for p in units.iterdir()} == snapshot
    assert env_file.read_text() == "CETAK_HOME=/srv/cetak\n"

    if shutil.which("systemd-analyze") is None:
        pytest.skip("systemd-analyze is not installed")
    (tmp_path / "home").mkdir(exist_ok=True)
    verify = subprocess.run(
        ["systemd-analyze", "verify", *sorted(str(p) for p in units.iterdir())],
        capture_output=True,
        text=True,
        timeout=60,
    )
    complaints = [line for line in verify.stderr.splitlines() if "cetak-" in line]
    assert verify.returncode == 0 and complaints == [], verify.stderr


@pytest.mark.slow
def test_service_install_dry_run_writes_nothing(
    tmp_path: Path, install_env: dict[str, str]
) -> None:
    proc = service_install(tmp_path, install_env, "--dry-run")
    assert proc.returncode == 0, proc.stderr
    assert "[Service]" in proc.stdout and "cetak-worker.service" in proc.stdout
    assert "CETAK_BACKUP_KEEP=" in proc.stdout
    assert not (tmp_path / "units").exists()
    assert not (tmp_path / "etc").exists()
