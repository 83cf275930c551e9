"""Running Cetak on one office PC: the Prefect server, the deployments, a worker and the
dashboard as supervised child processes (``cetak serve``), and the systemd units that do
the same as three services (``cetak service install``).

Every child runs in its own session (process group) with its output appended to
``$CETAK_HOME/logs/<name>.log``. Prefect's process worker starts each flow run in a session
of its own, so stopping the worker's group alone would leave a running flow behind: the
supervisor therefore tracks the whole process tree through ``/proc``, signals every group
in it, and (on Linux) makes itself a child subreaper so that flow runs orphaned by a dying
worker are re-parented to it and stopped in the final sweep.

Nothing here imports Prefect; user-facing messages are Bahasa Indonesia.
"""

from __future__ import annotations

import os
import shlex
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import IO, cast
from urllib.parse import urlsplit

from cetak.settings import DEFAULT_ENV_FILE

#: Hosts that mean "this PC" in a PREFECT_API_URL.
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1", "0.0.0.0", "::", ""})

#: How the children are called in messages (their log files keep the English names).
LABELS = {
    "server": "server Prefect",
    "deploy": "cetak deploy",
    "worker": "worker",
    "dashboard": "dasbor",
}

STOP_TIMEOUT_S = 20.0
HEALTH_TIMEOUT_S = 120.0
DEPLOY_TIMEOUT_S = 900.0

Say = Callable[[str], None]


# --------------------------------------------------------------------------- commands


def bin_dir() -> Path:
    """The folder of this venv's executables (``python``, ``prefect``, ``cetak``)."""
    return Path(sys.executable).parent


def cetak_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "cetak", *args]


def prefect_command(*args: str) -> list[str]:
    exe = bin_dir() / "prefect"
    if exe.exists():
        return [str(exe), *args]
    return [sys.executable, "-m", "prefect", *args]


def client_host(host: str) -> str:
    """The address a client on this PC uses to reach a server listening on ``host``."""
    if host in ("0.0.0.0", "::", "", "localhost"):
        return "127.0.0.1"
    if ":" in host and not host.startswith("["):
        return f"[{host}]"
    return host


def api_url(host: str, port: int) -> str:
    return f"http://{client_host(host)}:{port}/api"


def is_remote_api(url: str | None) -> bool:
    """True when ``url`` names a Prefect server on another machine."""
    if not url:
        return False
    host = (urlsplit(url).hostname or "").lower()
    return host not in LOCAL_HOSTS


def ui_url(api: str) -> str:
    """The Prefect UI address of an API URL (``.../api`` stripped)."""
    return api[: -len("/api")] if api.rstrip("/").endswith("/api") else api


def child_environment(
    *,
    home: Path,
    prefect_port: int,
    host: str,
    file_env: Mapping[str, str],
    base: Mapping[str, str] | None = None,
) -> tuple[dict[str, str], bool]:
    """The environment of the children and whether it names a remote Prefect server.

    The environment file is the base, the process environment wins over it. A local (or
    absent) ``PREFECT_API_URL`` is replaced by the server this PC starts.
    """
    env = dict(file_env)
    env.update(base if base is not None else os.environ)
    remote = is_remote_api(env.get("PREFECT_API_URL"))
    if not remote:
        env["PREFECT_API_URL"] = api_url(host, prefect_port)
    env["CETAK_HOME"] = str(home)
    env.setdefault("PREFECT_HOME", str(home / "prefect"))
    env["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
    env.setdefault("PREFECT_CLI_PROMPT", "false")
    env["PYTHONUNBUFFERED"] = "1"  # logs are written as they happen
    return env, remote


def port_free(host: str, port: int) -> bool:
    """Whether a server could listen on ``host:port`` now."""
    try:
        infos = socket.getaddrinfo(host or None, port, socket.AF_UNSPEC, socket.SOCK_STREAM)
    except socket.gaierror:
        return False
    family, socktype, proto, _canon, sockaddr = infos[0]
    with socket.socket(family, socktype, proto) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(sockaddr)
        except OSError:
            return False
    return True


def api_healthy(url: str, timeout: float = 3.0) -> bool:
    # A proxy of the office network must not stand between this PC and its own server.
    handlers = [] if is_remote_api(url) else [urllib.request.ProxyHandler({})]
    opener = urllib.request.build_opener(*handlers)
    try:
        with opener.open(f"{url.rstrip('/')}/health", timeout=timeout) as resp:
            status: int = resp.status
            return status == 200
    except (urllib.error.URLError, OSError, ValueError):
        return False


# --------------------------------------------------------------------------- /proc


@dataclass(frozen=True, slots=True)
class ProcInfo:
    pid: int
    ppid: int
    pgid: int
    sid: int
    state: str
    start: int  # clock ticks after boot: tells a reused pid apart


def read_proc(pid: int) -> ProcInfo | None:
    try:
        raw = Path(f"/proc/{pid}/stat").read_bytes().decode(errors="replace")
    except OSError:
        return None
    # The command name is in parentheses and may hold spaces or parentheses itself.
    rest = raw[raw.rfind(")") + 2 :].split()
    try:
        return ProcInfo(pid, int(rest[1]), int(rest[2]), int(rest[3]), rest[0], int(rest[19]))
    except (IndexError, ValueError):
        return None


def proc_table() -> dict[int, ProcInfo]:
    table: dict[int, ProcInfo] = {}
    try:
        names = os.listdir("/proc")
    except OSError:
        return table
    for name in names:
        if name.isdigit():
            info = read_proc(int(name))
            if info is not None:
                table[info.pid] = info
    return table


def descendants(root: int, table: Mapping[int, ProcInfo] | None = None) -> list[ProcInfo]:
    """Every process below ``root`` in the process tree (not ``root`` itself)."""
    table = proc_table() if table is None else table
    children: dict[int, list[ProcInfo]] = {}
    for info in table.values():
        children.setdefault(info.ppid, []).append(info)
    found: list[ProcInfo] = []
    todo = [root]
    while todo:
        for info in children.get(todo.pop(), []):
            found.append(info)
            todo.append(info.pid)
    return found


def still_running(info: ProcInfo) -> bool:
    """The process is alive (not a zombie) and is the same one (not a reused pid)."""
    now = read_proc(info.pid)
    return now is not None and now.start == info.start and now.state not in ("Z", "X")


def become_subreaper() -> bool:
    """Have orphaned descendants re-parented to this process (Linux), so none escapes."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        done: int = libc.prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
        return done == 0
    except (OSError, AttributeError):
        return False


# --------------------------------------------------------------------------- supervisor


@dataclass
class Child:
    name: str
    argv: list[str]
    proc: subprocess.Popen[bytes]
    log_path: Path
    log: IO[bytes]
    log_start: int  # offset of this run's output in the log file

    @property
    def pid(self) -> int:
        return self.proc.pid


def _stamp() -> str:
    return datetime.now().astimezone().strftime("%Y-%m-%d %H:%M:%S %z")


def _tail(path: Path, start: int, limit: int = 3000) -> str:
    try:
        with path.open("rb") as fh:
            fh.seek(start)
            data = fh.read()
    except OSError:
        return ""
    return data[-limit:].decode(errors="replace").strip()


@dataclass
class Supervisor:
    """Starts children in their own sessions and stops their whole trees."""

    env: dict[str, str]
    logs_dir: Path
    cwd: Path
    say: Say
    warn: Say
    stop_timeout: float = STOP_TIMEOUT_S
    children: dict[str, Child] = field(default_factory=dict)
    signals: list[int] = field(default_factory=list)

    # -- signals

    def install_signal_handlers(self) -> None:
        def handler(signum: int, _frame: object) -> None:
            self.signals.append(signum)

        signal.signal(signal.SIGINT, handler)
        signal.signal(signal.SIGTERM, handler)

    @property
    def stop_requested(self) -> bool:
        return bool(self.signals)

    @property
    def hurry(self) -> bool:
        """A second signal: stop without waiting for a graceful end."""
        return len(self.signals) >= 2

    def sleep(self, seconds: float) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end and not self.stop_requested:
            time.sleep(min(0.1, max(0.0, end - time.monotonic())))

    # -- starting

    def spawn(self, name: str, argv: list[str], *, env: Mapping[str, str] | None = None) -> Child:
        self.logs_dir.mkdir(parents=True, exist_ok=True)
        log_path = self.logs_dir / f"{name}.log"
        log = log_path.open("ab")
        header = f"\n===== {_stamp()} cetak serve memulai {name}: {shlex.join(argv)} =====\n"
        log.write(header.encode())
        log.flush()
        start = log.tell()
        try:
            proc = subprocess.Popen(
                argv,
                env=dict(env if env is not None else self.env),
                cwd=self.cwd,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        except OSError:
            log.close()
            raise
        child = Child(name, argv, proc, log_path, log, start)
        self.children[name] = child
        return child

    def run_once(self, name: str, argv: list[str], timeout: float) -> tuple[int | None, str]:
        """Run a command to its end; ``None`` as code when stopped by a signal or timeout."""
        child = self.spawn(name, argv)
        deadline = time.monotonic() + timeout
        try:
            while child.proc.poll() is None:
                if self.stop_requested or time.monotonic() > deadline:
                    self.stop_child(child)
                    return None, _tail(child.log_path, child.log_start)
                self.reap_orphans()
                time.sleep(0.2)
            return child.proc.returncode, _tail(child.log_path, child.log_start)
        finally:
            self.stop_child(child)  # its leftovers, if any
            self._forget(child)

    def wait_healthy(self, url: str, timeout: float, server: Child | None) -> str:
        """``"ok"``, ``"stopped"`` (a signal), ``"died"`` (the server exited) or ``"timeout"``."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.stop_requested:
                return "stopped"
            if server is not None and server.proc.poll() is not None:
                return "died"
            if api_healthy(url):
                return "ok"
            self.sleep(0.5)
        return "timeout"

    # -- watching

    def watch(self) -> Child | None:
        """Wait for a signal (``None``) or for a child to exit on its own (that child)."""
        last_reap = 0.0
        while not self.stop_requested:
            for child in self.children.values():
                if child.proc.poll() is not None:
                    return child
            if time.monotonic() - last_reap > 2.0:
                self.reap_orphans()
                last_reap = time.monotonic()
            time.sleep(0.2)
        return None

    # -- stopping

    def reap_orphans(self) -> None:
        """Collect exited processes re-parented to us (we are their subreaper)."""
        me = os.getpid()
        ours = {c.pid for c in self.children.values()}
        for info in proc_table().values():
            if info.ppid == me and info.pid not in ours and info.state == "Z":
                try:
                    os.waitpid(info.pid, os.WNOHANG)
                except ChildProcessError:
                    pass

    def _signal_groups(self, groups: set[int], sig: int) -> None:
        own = os.getpgrp()
        for group in groups:
            if group <= 1 or group == own:
                continue
            try:
                os.killpg(group, sig)
            except (ProcessLookupError, PermissionError):
                pass

    def _wait_gone(self, child: Child | None, tree: list[ProcInfo], timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        hurried = self.hurry
        while True:
            done = child is None or child.proc.poll() is not None
            if done and not any(still_running(i) for i in tree):
                return True
            if time.monotonic() > deadline or (self.hurry and not hurried):
                return False
            self.reap_orphans()
            time.sleep(0.1)

    def _stop_tree(self, what: str, child: Child | None, tree: list[ProcInfo]) -> None:
        groups = {i.pgid for i in tree}
        if child is not None and child.proc.poll() is None:
            groups.add(child.pid)  # a session leader: its pid is its group
        if not groups:
            return
        self._signal_groups(groups, signal.SIGTERM)
        if self._wait_gone(child, tree, 0 if self.hurry else self.stop_timeout):
            return
        self.warn(f"{what} belum berhenti setelah SIGTERM; dihentikan paksa (SIGKILL).")
        self._signal_groups(groups, signal.SIGKILL)
        for info in tree:
            if still_running(info):
                try:
                    os.kill(info.pid, signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    pass
        self._wait_gone(child, tree, 5.0)

    def stop_child(self, child: Child) -> None:
        """SIGTERM every process group of the child's tree; SIGKILL what is left after the
        timeout. Flow runs the worker started in sessions of their own are in that tree."""
        table = proc_table()
        tree = {i.pid: i for i in descendants(child.pid, table)}
        # Its session too: members orphaned by an exited leader are no descendants any more.
        tree.update((i.pid, i) for i in table.values() if child.pid in (i.pid, i.sid))
        self._stop_tree(LABELS.get(child.name, child.name), child, list(tree.values()))
        child.proc.poll()

    def sweep(self) -> None:
        """Stop whatever is still below us: processes orphaned by a child that died."""
        tree = descendants(os.getpid())
        if tree:
            self._stop_tree("proses sisa", None, tree)
        self.reap_orphans()

    def _forget(self, child: Child) -> None:
        self.children.pop(child.name, None)
        try:
            child.log.close()
        except OSError:
            pass

    def stop_all(self, order: tuple[str, ...]) -> None:
        names = [n for n in order if n in self.children]
        names += [n for n in self.children if n not in names]
        for name in names:
            child = self.children[name]
            if child.proc.poll() is None:
                self.say(f"Menghentikan {LABELS.get(name, name)} ...")
            self.stop_child(child)
            self._forget(child)
        self.sweep()


# --------------------------------------------------------------------------- cetak serve


@dataclass(frozen=True)
class ServePlan:
    home: Path
    logs_dir: Path
    env: dict[str, str]
    remote: bool  # PREFECT_API_URL names a server elsewhere: start none here
    host: str
    prefect_port: int
    dashboard_port: int
    worker: bool = True
    dashboard: bool = True

    @property
    def api_url(self) -> str:
        return self.env["PREFECT_API_URL"]

    @property
    def start_server(self) -> bool:
        return not self.remote

    @property
    def deploy(self) -> bool:
        return self.worker or self.start_server

    def server_command(self) -> list[str]:
        return prefect_command(
            "server", "start", "--host", self.host, "--port", str(self.prefect_port)
        )

    def server_env(self) -> dict[str, str]:
        env = dict(self.env)
        env.pop("PREFECT_API_URL", None)  # the server serves; it is no client
        return env

    def deploy_command(self) -> list[str]:
        return cetak_command("deploy")

    def worker_command(self) -> list[str]:
        return cetak_command("worker")

    def dashboard_command(self) -> list[str]:
        return cetak_command(
            "dashboard", "--port", str(self.dashboard_port), "--address", self.host
        )


STOP_ORDER = ("deploy", "worker", "dashboard", "server")


def run_serve(plan: ServePlan, *, say: Say, warn: Say) -> int:
    """Start everything in order, supervise until a signal or a death; 0 after a clean stop."""
    sup = Supervisor(env=plan.env, logs_dir=plan.logs_dir, cwd=plan.home, say=say, warn=warn)
    plan.logs_dir.mkdir(parents=True, exist_ok=True)
    Path(plan.env["PREFECT_HOME"]).expanduser().mkdir(parents=True, exist_ok=True)
    become_subreaper()
    sup.install_signal_handlers()
    try:
        code = _start_and_watch(plan, sup, say=say, warn=warn)
    finally:
        from application.localprefect import clear_state

        clear_state(Path(plan.env["PREFECT_HOME"]).expanduser(), os.getpid())
        sup.stop_all(STOP_ORDER)
    if code == 0:
        say("Semua proses Cetak sudah berhenti.")
    return code


def _start_and_watch(plan: ServePlan, sup: Supervisor, *, say: Say, warn: Say) -> int:
    logs = plan.logs_dir
    server = None
    if plan.start_server:
        say(f"Memulai server Prefect di port {plan.prefect_port} ...")
        server = sup.spawn("server", plan.server_command(), env=plan.server_env())
    else:
        say(f"Memakai server Prefect di {ui_url(plan.api_url)} (tidak memulai server di sini).")
    health = sup.wait_healthy(plan.api_url, HEALTH_TIMEOUT_S, server)
    if health == "stopped":
        return 0
    if health == "died":
        warn(
            f"server Prefect berhenti saat dimulai (kode {cast(Child, server).proc.returncode}); "
            f"lihat {logs / 'server.log'}"
        )
        return 1
    if health == "timeout":
        where = f"lihat {logs / 'server.log'}" if server else "periksa jaringan dan server itu"
        warn(
            f"server Prefect di {ui_url(plan.api_url)} tidak menjawab dalam "
            f"{HEALTH_TIMEOUT_S:.0f} detik; {where}"
        )
        return 1

    if server is not None:
        # Staff commands on this PC find this server and use it instead of starting their
        # own (application.localprefect); a kept one of theirs then stops when idle.
        from application.localprefect import Recorded, write_state

        home = Path(plan.env["PREFECT_HOME"]).expanduser()
        write_state(home, Recorded(url=plan.api_url, pid=os.getpid(), owner="serve"))

    if plan.deploy:
        say("Mendaftarkan deployment Prefect (cetak deploy) ...")
        code, tail = sup.run_once("deploy", plan.deploy_command(), DEPLOY_TIMEOUT_S)
        if code is None and sup.stop_requested:
            return 0
        if code != 0:
            what = "tidak selesai" if code is None else f"gagal (kode {code})"
            warn(f"cetak deploy {what}; lihat {logs / 'deploy.log'}. Bagian akhir keluarannya:")
            warn(tail or "(tidak ada keluaran)")
            return 1
    if plan.worker and not sup.stop_requested:
        say("Memulai worker Prefect (cetak worker) ...")
        sup.spawn("worker", plan.worker_command())
    if plan.dashboard and not sup.stop_requested:
        say(f"Memulai dasbor di port {plan.dashboard_port} ...")
        sup.spawn("dashboard", plan.dashboard_command())
    if sup.stop_requested:
        return 0

    shown = client_host(plan.host)
    lines = ["", "Cetak berjalan di PC ini."]
    lines.append(f"  Prefect UI : {ui_url(plan.api_url)}")
    if plan.dashboard:
        lines.append(f"  Dasbor     : http://{shown}:{plan.dashboard_port}")
    lines.append(f"  Log        : {logs} ({', '.join(n + '.log' for n in _log_names(plan))})")
    lines.append("Hentikan dengan Ctrl+C.")
    say("\n".join(lines))

    died = sup.watch()
    if died is None:
        say("Sinyal berhenti diterima; menghentikan semua proses ...")
        return 0
    warn(
        f"{LABELS.get(died.name, died.name)} berhenti tiba-tiba (kode {died.proc.returncode}); "
        f"menghentikan proses lain. Lihat {died.log_path}"
    )
    return 1


def _log_names(plan: ServePlan) -> list[str]:
    names = ["server"] if plan.start_server else []
    if plan.deploy:
        names.append("deploy")
    if plan.worker:
        names.append("worker")
    if plan.dashboard:
        names.append("dashboard")
    return names


# --------------------------------------------------------------------------- systemd units

UNIT_NAMES = ("cetak-server.service", "cetak-worker.service", "cetak-dashboard.service")


@dataclass(frozen=True)
class UnitConfig:
    """What the three systemd units need to know about this installation."""

    bin_dir: Path  # the venv's bin folder (python, prefect, cetak)
    home: Path  # CETAK_HOME, absolute
    env_file: Path
    user: str
    prefect_port: int = 4200
    dashboard_port: int = 8501
    host: str = "127.0.0.1"

    @property
    def api_url(self) -> str:
        return api_url(self.host, self.prefect_port)

    def cetak(self, *args: str) -> list[str]:
        script = self.bin_dir / "cetak"
        return [str(script), *args]

    def prefect(self, *args: str) -> list[str]:
        return [str(self.bin_dir / "prefect"), *args]


def _escape_specifiers(text: str) -> str:
    return text.replace("%", "%%")


def _exec_word(word: str) -> str:
    """One word of an ExecStart= line (systemd's own quoting, specifiers escaped)."""
    word = _escape_specifiers(word)
    if word and not any(c in word for c in " \t\"'\\;$"):
        return word
    escaped = word.replace("\\", "\\\\").replace('"', '\\"').replace("$", "$$")
    return f'"{escaped}"'


def exec_line(argv: list[str]) -> str:
    return " ".join(_exec_word(w) for w in argv)


def _environment(key: str, value: str) -> str:
    assignment = _escape_specifiers(f"{key}={value}")
    if any(c in assignment for c in " \t\"'\\"):
        assignment = '"' + assignment.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return f"Environment={assignment}"


def render_units(cfg: UnitConfig) -> dict[str, str]:
    """The text of the three units, by file name (a pure function of ``cfg``)."""
    home = str(cfg.home)
    common_env = [
        _environment("CETAK_HOME", home),
        _environment("PREFECT_HOME", str(cfg.home / "prefect")),
        _environment("PREFECT_SERVER_ANALYTICS_ENABLED", "false"),
    ]
    if cfg.env_file != DEFAULT_ENV_FILE:  # so every cetak command reads the same file
        common_env.append(_environment("CETAK_ENV_FILE", str(cfg.env_file)))
    client_env = [*common_env, _environment("PREFECT_API_URL", cfg.api_url)]

    def unit(
        description: str,
        exec_start: list[str],
        env: list[str],
        *,
        after: list[str],
        wants: list[str],
        pre: list[str] | None = None,
        extra: list[str] | None = None,
    ) -> str:
        lines = [
            "# Dibuat oleh `cetak service install`; jalankan lagi perintah itu (dengan --force)",
            "# untuk memperbaruinya, jangan disunting langsung.",
            "[Unit]",
            f"Description={description}",
            f"After={' '.join(after)}",
            f"Wants={' '.join(wants)}",
            "",
            "[Service]",
            "Type=simple",
            f"User={cfg.user}",
            f"WorkingDirectory={_escape_specifiers(home)}",
            # Environment= first: the file below may override every one of them.
            *env,
            f"EnvironmentFile=-{_escape_specifiers(str(cfg.env_file))}",
        ]
        if pre is not None:
            lines.append(f"ExecStartPre={exec_line(pre)}")
        lines += [
            f"ExecStart={exec_line(exec_start)}",
            *(extra or []),
            "Restart=on-failure",
            "RestartSec=10",
            "KillMode=control-group",
            "TimeoutStopSec=30",
            "",
            "[Install]",
            "WantedBy=multi-user.target",
            "",
        ]
        return "\n".join(lines)

    network = ["network-online.target"]
    return {
        "cetak-server.service": unit(
            f"Cetak: server Prefect (port {cfg.prefect_port})",
            cfg.prefect("server", "start", "--host", cfg.host, "--port", str(cfg.prefect_port)),
            common_env,
            after=network,
            wants=network,
        ),
        "cetak-worker.service": unit(
            "Cetak: worker Prefect (menjalankan flow: intake, cetak, stok, distribusi)",
            cfg.cetak("worker"),
            client_env,
            after=[*network, "cetak-server.service"],
            wants=[*network, "cetak-server.service"],
            pre=cfg.cetak("deploy"),
            # Registering the deployments may wait for a server that is still starting.
            extra=["TimeoutStartSec=600"],
        ),
        "cetak-dashboard.service": unit(
            f"Cetak: dasbor (port {cfg.dashboard_port})",
            cfg.cetak("dashboard", "--port", str(cfg.dashboard_port), "--address", cfg.host),
            client_env,
            after=[*network, "cetak-server.service"],
            wants=network,
        ),
    }


def render_env_example(cfg: UnitConfig, *, print_lease_s: float, backup_keep: int) -> str:
    """The example environment file written once next to the units (never overwritten)."""
    lease = f"{print_lease_s:g}"
    return f"""\
# Pengaturan Cetak untuk PC ini. Dibaca oleh layanan systemd (cetak-server, cetak-worker,
# cetak-dashboard), oleh `cetak serve` dan oleh setiap perintah `cetak`.
# Format: KUNCI=NILAI, satu per baris; baris yang diawali # adalah komentar.
# Setelah mengubah berkas ini jalankan:
#   sudo systemctl restart cetak-server cetak-worker cetak-dashboard

# Folder data Cetak: basis data SQLite, inbox batch PRR, arsip, outbox ACK, log, cadangan.
CETAK_HOME={cfg.home}

# Basis data PostgreSQL bersama bila Cetak berjalan di beberapa lokasi. Bila tidak diisi,
# Cetak memakai SQLite di CETAK_HOME. Berkas ini memuat sandi: jangan dibagikan.
# CETAK_DATABASE_URL=postgresql+psycopg://cetak:SANDI@ALAMAT-SERVER:5432/cetak

# Alamat API server Prefect. Di PC kantor tunggal: server di PC ini. Pada lokasi lain
# (kecamatan, cabang) isi dengan alamat server Prefect pusat, mis. http://10.0.0.5:4200/api,
# lalu matikan server lokal: sudo systemctl mask --now cetak-server
PREFECT_API_URL={cfg.api_url}

# Kode lokasi yang printernya dijalankan oleh worker di PC ini (kosong: semua lokasi).
# CETAK_SITE=KODE-LOKASI

# Detik tanpa kabar sebelum pekerjaan cetak dari worker yang mati boleh diambil alih
# worker lain.
CETAK_PRINT_LEASE_S={lease}

# Folder cadangan (bawaan: CETAK_HOME/backups). Sebaiknya di disk lain atau disk eksternal.
# CETAK_BACKUP_DIR=/media/cadangan/cetak

# Jumlah cadangan malam yang disimpan; yang lebih lama dihapus.
CETAK_BACKUP_KEEP={backup_keep}
"""


@dataclass
class InstallResult:
    written: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)
    refused: list[Path] = field(default_factory=list)
    env_written: bool = False


def _write_atomic(path: Path, text: str, mode: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp{os.getpid()}")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def install_units(
    units: Mapping[str, str],
    prefix: Path,
    *,
    force: bool = False,
    env_file: Path | None = None,
    env_text: str | None = None,
    env_group: int | None = None,
) -> InstallResult:
    """Write the units into ``prefix``; refuse (write nothing) when one differs and not
    ``force``. The environment file is written only if it does not exist."""
    result = InstallResult()
    plans: list[tuple[Path, str]] = []
    for name, text in units.items():
        path = prefix / name
        if path.exists():
            try:
                current = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                current = None
            if current == text:
                result.unchanged.append(path)
                continue
            if not force:
                result.refused.append(path)
                continue
        plans.append((path, text))
    if result.refused:
        return result
    for path, text in plans:
        _write_atomic(path, text, 0o644)
        result.written.append(path)
    if env_file is not None and env_text is not None and not env_file.exists():
        env_file.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(env_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o640)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(env_text)
        os.chmod(env_file, 0o640)  # the service's group reads it, whatever the umask
        if env_group is not None:
            try:
                os.chown(env_file, -1, env_group)
            except OSError:
                pass
        result.env_written = True
    return result
