"""Cetak as the office runs it unattended: a real ``prefect server start``, ``cetak deploy``
(pool, queues, automation, ``prefect deploy --all``), process workers started with
``cetak worker``, every deployment triggered with ``prefect deployment run`` and its effect
checked in the Cetak database, the server's own scheduler creating a run, a worker killed
with SIGKILL in the middle of a print run, and two sites printing at once on PostgreSQL.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from cetak.db import make_engine
from inventory import reconcile as reconciliation

from clihelp import run_cli
from prefectserver import PrefectServer, alive, descendants, prefect_bin

# The office tests share one server (one xdist group); the kill and PostgreSQL tests start
# their own and may run beside them.
pytestmark = pytest.mark.slow
office_group = pytest.mark.xdist_group("prefect-office")

EXPECTED = {
    "ingest/ingest-inbox",
    "print_run/print-run",
    "reorder_check/reorder-check-daily",
    "reconcile/reconcile-nightly",
    "distribution/distribution-daily",
    "daily_report/daily-report",
    "backup/backup-nightly",
}
FINAL = {"COMPLETED", "FAILED", "CRASHED", "CANCELLED"}
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


# --- helpers ---------------------------------------------------------------------------


def office_env(server: PrefectServer, home: Path, **extra: str) -> dict[str, str]:
    env = server.env()
    env.update(
        CETAK_HOME=str(home),
        CETAK_QC_AUTO_PASS="true",  # printed cards pass QC, so distribution has work
        CETAK_PRINT_LEASE_S="5",
        CETAK_CRASH_AFTER_S="60",
        PREFECT_FLOWS_HEARTBEAT_FREQUENCY="30",
        PREFECT_LOGGING_LEVEL="INFO",
        PREFECT_WORKER_QUERY_SECONDS="2",  # pick a run up at once, not after 10 s
    )
    env.pop("CETAK_DATABASE_URL", None)
    env.pop("CETAK_ENV_FILE", None)
    env.update(extra)
    return env


def prefect(*args: str, env: dict[str, str], check: bool = True) -> subprocess.CompletedProcess:
    proc = subprocess.run(
        [prefect_bin(), *args],
        env={**env, "COLUMNS": "300"},  # rich tables print whole names
        capture_output=True,
        text=True,
        timeout=180,
    )
    if check and proc.returncode != 0:
        raise AssertionError(
            f"prefect {args} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}"
        )
    return proc


def prepare_home(
    env: dict[str, str], *, records: int, printers: list[tuple[str, str, str]]
) -> None:
    """A Klaten installation with a delivery waiting in the inbox, blanks and printers.

    ``printers``: (name, site, sim URI). A site other than DISDUKCAPIL is added with
    blanks of its own; the blanks are shared out so that every site has work."""
    home = Path(env["CETAK_HOME"])
    run_cli("init", "--regency", "33.10", env=env)
    run_cli(
        "demo-feed", "--regency", "33.10", "--records", str(records),
        "--out", str(home / "inbox"), "--seed", "11", env=env,
    )  # fmt: skip
    sites = sorted({site for _, site, _ in printers})
    for i, site in enumerate(sites):
        if site != "DISDUKCAPIL":
            run_cli("stock", "site-add", site, "--name", f"Kantor {site}", env=env)
        run_cli(
            "stock", "receive", "--lot", f"BLG-2026-12-{i}",
            "--quantity", str(records // len(sites)),
            "--serial-start", f"KTP{5 + i}000001", "--reference", f"B-{i}/DUKCAPIL/XII/2026",
            *(["--site", site] if site != "DISDUKCAPIL" else []), env=env,
        )  # fmt: skip
    for name, site, uri in printers:
        run_cli(
            "printers", "add", name, "--driver", "simulated", "--uri", uri,
            "--rest-minutes", "0", "--site", site, env=env,
        )  # fmt: skip


class Worker:
    """``cetak worker`` as a process of its own, logging to a file."""

    def __init__(self, env: dict[str, str], log: Path, *args: str) -> None:
        self.log = log
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "cetak", "worker", *args],
            env=env,
            stdout=log.open("ab"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def kill(self) -> None:
        """SIGKILL the worker and every process below it (as a power cut would)."""
        for pid in [self.proc.pid, *descendants(self.proc.pid)]:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.proc.wait(timeout=30)

    def stop(self) -> None:
        if self.proc.poll() is None:
            below = descendants(self.proc.pid)
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()
            for pid in below:
                if alive(pid):
                    os.kill(pid, signal.SIGKILL)

    def tail(self) -> str:
        return self.log.read_text(errors="replace")[-4000:]


def wait_for_workers(server: PrefectServer, count: int, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        rows = server.post("/work_pools/print-room/workers/filter").json()
        if len([w for w in rows if w.get("last_heartbeat_time")]) >= count:
            return
        time.sleep(1)
    raise AssertionError(f"{count} worker(s) never showed a heartbeat")


def hold_schedules(server: PrefectServer, *, but: str | None = None) -> None:
    """Pause every deployment's schedule (``but`` the one named), deleting runs already
    scheduled: a 15-minute ingest must not take the inbox a test is about to ingest.
    Runs started by hand still go (pausing only stops the scheduler)."""
    for dep in server.post("/deployments/filter").json():
        verb = "resume" if dep["name"] == but else "pause"
        server.post(f"/deployments/{dep['id']}/{verb}_deployment")


def run_deployment(name: str, env: dict[str, str], *params: str) -> str:
    args = ["deployment", "run", name]
    for p in params:
        args += ["--param", p]
    proc = prefect(*args, env=env)
    match = UUID.search(proc.stdout.split("UUID", 1)[-1])
    assert match, proc.stdout
    return match.group(0)


def flow_run(server: PrefectServer, run_id: str) -> dict:
    return server.get(f"/flow_runs/{run_id}").json()


def wait_final(
    server: PrefectServer, run_id: str, timeout: float = 240, worker: Worker | None = None
) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        run = flow_run(server, run_id)
        if run["state_type"] in FINAL:
            return run
        time.sleep(1)
    raise AssertionError(
        f"flow run {run_id} not finished: {flow_run(server, run_id)['state_type']}\n"
        + (worker.tail() if worker else "")
    )


def scalar(url: str, sql: str) -> int:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(sa.text(sql)).scalar() or 0)
    finally:
        engine.dispose()


def assert_invariants(url: str) -> None:
    """No record printed twice, none left scheduled, every consumed blank has its card, the
    ledger reconciles."""
    assert (
        scalar(
            url,
            "SELECT count(*) FROM (SELECT record_id FROM card WHERE state NOT IN "
            "('spoiled','void','voided') GROUP BY record_id HAVING count(*) > 1) AS twice",
        )
        == 0
    )
    assert scalar(url, "SELECT count(*) FROM record WHERE state = 'scheduled'") == 0
    assert (
        scalar(
            url,
            "SELECT count(*) FROM (SELECT idempotency_key FROM movement GROUP BY idempotency_key "
            "HAVING count(*) > 1) AS dup",
        )
        == 0
    )
    engine = make_engine(url)
    try:
        from datetime import UTC, datetime

        from sqlmodel import Session

        with Session(engine) as session:
            assert reconciliation.reconcile(session, today=datetime.now(UTC).date()) == []
    finally:
        engine.dispose()


# --- one office PC on SQLite -----------------------------------------------------------


@pytest.fixture(scope="session")
def office(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[PrefectServer, dict[str, str]]]:
    server = PrefectServer()
    server.start()
    try:
        home = tmp_path_factory.mktemp("office") / "home"
        env = office_env(server, home)
        prepare_home(
            env, records=120, printers=[("fargo-1", "DISDUKCAPIL", "sim://fargo-1?seed=1")]
        )
        # Each office test stands on its own: xdist may run other modules' tests between
        # them on the same worker, and any of them may be selected alone.
        run_cli("deploy", env=env)
        hold_schedules(server)
        yield server, env
    finally:
        server.stop()


@office_group
def test_deploy_registers_pool_queues_automation_and_every_deployment(office) -> None:
    server, env = office
    result = run_cli("deploy", "--json", env=env)
    shown = json.loads(result.stdout)
    assert set(shown["deployments"]) == EXPECTED
    assert {"default", "inbox", "site-DISDUKCAPIL"} <= set(shown["queues"])

    listed = prefect("deployment", "ls", env=env)
    for name in EXPECTED:
        assert name.split("/")[1] in listed.stdout
    deployments = server.post("/deployments/filter").json()
    assert len(deployments) == len(EXPECTED)
    for dep in deployments:
        assert dep["schedules"], dep["name"]
        assert {s["schedule"]["timezone"] for s in dep["schedules"]} == {"Asia/Jakarta"}
        assert dep["entrypoint"].startswith("workflows."), "module entrypoints need no path"
        assert dep["pull_steps"] == []
        assert dep["global_concurrency_limit"]["limit"] == 1, dep["name"]
    by_name = {d["name"]: d for d in deployments}
    assert by_name["ingest-inbox"]["work_queue_name"] == "inbox"
    assert by_name["print-run"]["work_queue_name"] == "default"
    queues = {q["name"] for q in server.post("/work_pools/print-room/queues/filter").json()}
    assert {"default", "inbox"} <= queues
    # The plain Prefect way works on the same pool: prefect deploy --all from the project.
    plain = subprocess.run(
        [prefect_bin(), "--no-prompt", "deploy", "--all"],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert plain.returncode == 0, plain.stdout + plain.stderr
    automations = prefect("automation", "ls", env=env).stdout
    assert "Crashed" in automations
    # Deploying again changes nothing and still exits 0 (an upgrade re-runs it).
    run_cli("deploy", env=env)
    assert len(server.post("/deployments/filter").json()) == len(EXPECTED)
    hold_schedules(server)


@office_group
def test_every_deployment_runs_on_a_worker_with_its_effect(office, tmp_path: Path) -> None:
    server, env = office
    url = f"sqlite:///{env['CETAK_HOME']}/cetak.db"
    hold_schedules(server)
    worker = Worker(env, tmp_path / "worker.log")
    try:
        wait_for_workers(server, 1)
        runs = {}
        for name in [
            "ingest/ingest-inbox",
            "print_run/print-run",
            "reorder_check/reorder-check-daily",
            "distribution/distribution-daily",
            "reconcile/reconcile-nightly",
            "daily_report/daily-report",
            "backup/backup-nightly",
        ]:
            run_id = run_deployment(name, env)
            run = wait_final(server, run_id, worker=worker)
            assert run["state_type"] == "COMPLETED", (name, run["state"], worker.tail())
            runs[name] = run
            if name.startswith("ingest"):
                assert scalar(url, "SELECT count(*) FROM record") == 120
                assert re.fullmatch(r"ingest-\d{4}-\d{2}-\d{2}-\d{4}", run["name"]), run["name"]
            elif name.startswith("print_run"):
                assert scalar(url, "SELECT count(*) FROM card WHERE printed_at IS NOT NULL") > 0
                assert run["name"].startswith("print-run-")
            elif name.startswith("distribution"):
                assert scalar(url, "SELECT count(*) FROM shipment") > 0
            elif name.startswith("daily_report"):
                kept = "SELECT count(*) FROM stored_document WHERE kind = 'laporan-harian'"
                assert scalar(url, kept) == 1
            elif name.startswith("backup"):
                assert list((Path(env["CETAK_HOME"]) / "backups").glob("cetak-backup-*.tar.gz"))
        assert_invariants(url)
        listed = prefect("flow-run", "ls", "--state-type", "COMPLETED", "--limit", "50", env=env)
        assert "ingest-" in listed.stdout
        logs = prefect("flow-run", "logs", runs["ingest/ingest-inbox"]["id"], env=env)
        assert "batch" in logs.stdout
        nik = re.compile(r"\b33\d{14}\b")
        assert not nik.search(logs.stdout), "a full NIK reached the logs"
    finally:
        worker.stop()


@office_group
def test_the_server_scheduler_creates_a_run_that_the_worker_completes(
    office, tmp_path: Path
) -> None:
    server, env = office
    name = "reconcile/reconcile-nightly"
    dep = server.get(f"/deployments/name/{name}").json()
    prefect(
        "deployment", "schedule", "create", name, "--interval", "15", "-y", env=env,
    )  # fmt: skip
    hold_schedules(server, but=dep["name"])
    worker = Worker(env, tmp_path / "worker.log")
    try:
        wait_for_workers(server, 1)
        deadline = time.monotonic() + 180
        done = []
        while time.monotonic() < deadline and not done:
            runs = server.post(
                "/flow_runs/filter",
                {"flow_runs": {"deployment_id": {"any_": [dep["id"]]}}, "sort": "START_TIME_DESC"},
            ).json()
            done = [r for r in runs if r["auto_scheduled"] and r["state_type"] == "COMPLETED"]
            time.sleep(2)
        assert done, worker.tail()
    finally:
        worker.stop()
        prefect("deployment", "schedule", "clear", name, "-y", env=env, check=False)
        run_cli("deploy", env=env)  # back to the schedules of prefect.yaml
        hold_schedules(server)


@office_group
def test_a_flow_on_an_uninitialised_home_or_unreachable_database_ends_failed(
    office, tmp_path: Path
) -> None:
    server, env = office
    for extra, words in [
        ({"CETAK_HOME": str(tmp_path / "never-initialised")}, "belum disiapkan"),
        (
            {"CETAK_DATABASE_URL": "postgresql+psycopg://cetak@127.0.0.1:9/none"},
            "tidak dapat dihubungi",
        ),
    ]:
        code = (
            "from workflows.stock import reconcile\n"
            "state = reconcile(return_state=True)\n"
            "print(state.type.value, state.message)\n"
        )
        proc = subprocess.run(
            [sys.executable, "-c", code], env={**env, **extra}, capture_output=True, text=True,
            timeout=180,
        )  # fmt: skip
        assert proc.stdout.startswith("FAILED"), proc.stdout + proc.stderr
        assert words in proc.stdout + proc.stderr
    assert not (tmp_path / "never-initialised").exists(), "a failed run must not create a home"


# --- a worker killed in the middle of a print run --------------------------------------


def test_a_worker_killed_mid_run_is_marked_crashed_and_the_next_run_finishes(
    tmp_path: Path,
) -> None:
    server = PrefectServer()
    server.start()
    workers: list[Worker] = []
    try:
        env = office_env(server, tmp_path / "home")
        url = f"sqlite:///{tmp_path / 'home' / 'cetak.db'}"
        prepare_home(
            env,
            records=160,
            printers=[
                ("fargo-1", "DISDUKCAPIL", "sim://fargo-1?seed=1&seconds=0.25"),
                ("fargo-2", "DISDUKCAPIL", "sim://fargo-2?seed=2&seconds=0.25"),
            ],
        )
        run_cli("ingest", str(tmp_path / "home" / "inbox"), env=env)
        run_cli("deploy", env=env)
        workers.append(Worker(env, tmp_path / "worker-1.log"))
        wait_for_workers(server, 1)
        run_id = run_deployment("print_run/print-run", env)
        deadline = time.monotonic() + 180
        while scalar(url, "SELECT count(*) FROM card") < 10:
            assert time.monotonic() < deadline, workers[0].tail()
            assert flow_run(server, run_id)["state_type"] not in FINAL, workers[0].tail()
            time.sleep(0.5)
        workers[0].kill()
        printed_before = scalar(url, "SELECT count(*) FROM card WHERE printed_at IS NOT NULL")
        assert printed_before < 160
        assert flow_run(server, run_id)["state_type"] == "RUNNING"

        crashed = wait_final(server, run_id, timeout=240)
        assert crashed["state_type"] == "CRASHED", crashed["state"]

        workers.append(Worker(env, tmp_path / "worker-2.log"))
        wait_for_workers(server, 1)
        again = wait_final(server, run_deployment("print_run/print-run", env), worker=workers[1])
        assert again["state_type"] == "COMPLETED", workers[1].tail()
        assert scalar(url, "SELECT count(*) FROM record WHERE state = 'queued'") == 0
        assert (
            scalar(url, "SELECT count(*) FROM printjob WHERE state IN ('planned','running')") == 0
        )
        assert_invariants(url)
    finally:
        for w in workers:
            w.stop()
        server.stop()


# --- a province on PostgreSQL: two sites, two workers ----------------------------------


@pytest.mark.postgres
def test_two_workers_bound_to_two_sites_print_at_once_on_postgresql(
    pg_server, tmp_path: Path
) -> None:
    admin = sa.create_engine(pg_server.url(), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql("CREATE DATABASE prefect_province")
        conn.exec_driver_sql("CREATE DATABASE cetak_province")
    admin.dispose()
    prefect_db = pg_server.url("prefect_province").replace("+psycopg", "+asyncpg")
    server = PrefectServer(database_url=prefect_db)
    server.start()
    workers: list[Worker] = []
    try:
        url = pg_server.url("cetak_province")
        env = office_env(server, tmp_path / "home", CETAK_DATABASE_URL=url)
        prepare_home(
            env,
            records=200,
            printers=[
                ("fargo-1", "DISDUKCAPIL", "sim://fargo-1?seed=1&seconds=0.02"),
                ("fargo-2", "DISDUKCAPIL", "sim://fargo-2?seed=2&seconds=0.02"),
                ("wedi-1", "KEC-WEDI", "sim://wedi-1?seed=3&seconds=0.02"),
            ],
        )
        deployed = json.loads(run_cli("deploy", "--json", env=env).stdout)
        assert {"print_run/print-run-DISDUKCAPIL", "print_run/print-run-KEC-WEDI"} <= set(
            deployed["deployments"]
        )
        workers.append(Worker(env, tmp_path / "w-main.log", "--site", "DISDUKCAPIL", "--inbox"))
        workers.append(Worker(env, tmp_path / "w-wedi.log", "--site", "KEC-WEDI"))
        wait_for_workers(server, 2)
        ingest = wait_final(server, run_deployment("ingest/ingest-inbox", env), worker=workers[0])
        assert ingest["state_type"] == "COMPLETED", workers[0].tail()
        assert scalar(url, "SELECT count(*) FROM record") == 200

        ids = [
            run_deployment("print_run/print-run-DISDUKCAPIL", env),
            run_deployment("print_run/print-run-KEC-WEDI", env),
        ]
        runs = [wait_final(server, i, worker=w) for i, w in zip(ids, workers, strict=True)]
        for run, w in zip(runs, workers, strict=True):
            assert run["state_type"] == "COMPLETED", (run["state"], w.tail())
        assert "DISDUKCAPIL" in runs[0]["name"] and "KEC-WEDI" in runs[1]["name"]
        # Each site's run went to its own site's worker queue.
        assert [r["work_queue_name"] for r in runs] == ["site-DISDUKCAPIL", "site-KEC-WEDI"]
        for site in ("DISDUKCAPIL", "KEC-WEDI"):
            assert (
                scalar(
                    url,
                    "SELECT count(*) FROM card JOIN printer ON printer.name = card.printer_name "
                    f"WHERE printer.site_code = '{site}' AND card.printed_at IS NOT NULL",
                )
                > 0
            )
        assert_invariants(url)
    finally:
        for w in workers:
            w.stop()
        server.stop()
