"""cetak doctor: each check's judgement on fake inputs, and real broken installations.

The broken conditions are produced for real where they can be: a named env file that is
not there, a database not initialised, not migrated or not reachable, a Prefect server
on a closed port, a real Prefect server without deployments or workers (one per module),
an old backup.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from application import doctor
from application.doctor import (
    EXPECTED_DEPLOYMENTS,
    GIB,
    Check,
    Probe,
    judge_backup,
    judge_clock,
    judge_deployments,
    judge_disk,
    judge_printers,
    judge_workers,
)

from clihelp import run_cli
from pgserver import free_port

NOW = datetime(2025, 3, 10, 5, 0, tzinfo=UTC)


def by_key(checks: list[Check]) -> dict[str, Check]:
    return {c.key: c for c in checks}


def closed_url() -> str:
    return f"http://127.0.0.1:{free_port()}/api"


# --- pure judgements -------------------------------------------------------------------


def test_disk_thresholds():
    assert judge_disk(GIB // 2, "/srv").status == "failed"
    assert judge_disk(3 * GIB, "/srv").status == "warning"
    ok = judge_disk(20 * GIB, "/srv")
    assert ok.status == "ok" and "20,0 GiB" in ok.message and ok.hint is None


def test_backup_age_thresholds():
    none = judge_backup(None, NOW, "/b")
    assert none.status == "warning" and "cetak backup" in none.hint
    name = "cetak-backup-20250310-0100.tar.gz"
    assert judge_backup((name, NOW - timedelta(hours=4)), NOW, "/b").status == "ok"
    warn = judge_backup((name, NOW - timedelta(hours=40)), NOW, "/b")
    assert warn.status == "warning" and "40 jam" in warn.message
    old = judge_backup((name, NOW - timedelta(days=8)), NOW, "/b")
    assert old.status == "failed" and "8 hari" in old.message and "cetak backup" in old.hint


def test_clock_drift_thresholds_and_the_regency_time():
    kw = dict(
        zone="Asia/Jakarta", now_utc=NOW, system_name="Asia/Jakarta", system_offset_s=7 * 3600
    )
    ok = judge_clock(3.0, **kw)
    assert ok.status == "ok"
    assert "Asia/Jakarta (WIB)" in ok.message and "10-03-2025 12:00 WIB" in ok.message
    assert "berbeda" not in ok.message
    assert judge_clock(-90.0, **kw).status == "warning"
    bad = judge_clock(400.0, **kw)
    assert bad.status == "failed" and "lebih cepat 400 detik" in bad.message
    assert "timedatectl" in bad.hint
    unmeasured = judge_clock(None, **kw)
    assert unmeasured.status == "ok" and "tidak diperiksa" in unmeasured.message


def test_clock_says_when_the_system_zone_differs_from_the_regency():
    wita = judge_clock(
        0.0, zone="Asia/Makassar", now_utc=NOW, system_name="Etc/UTC", system_offset_s=0
    )
    assert wita.status == "ok"
    assert "WITA" in wita.message and "13:00" in wita.message
    assert "Etc/UTC" in wita.message and "berbeda" in wita.message
    # No zone name known: the offsets are compared.
    same = judge_clock(
        0.0, zone="Asia/Jakarta", now_utc=NOW, system_name=None, system_offset_s=7 * 3600
    )
    assert "berbeda" not in same.message
    unknown = judge_clock(None, zone=None, now_utc=NOW, system_name="UTC", system_offset_s=0)
    assert "belum diketahui" in unknown.message


def test_deployments_missing_paused_and_complete():
    missing = judge_deployments(EXPECTED_DEPLOYMENTS[:4])
    assert missing.status == "failed" and missing.hint == "daftarkan semua deployment: cetak deploy"
    assert "distribution/distribution-daily" in missing.message
    assert "backup/backup-nightly" in missing.message
    assert "3 dari 7" in missing.message
    # Same deployment name under another flow does not count.
    assert judge_deployments(["other/ingest-inbox", *EXPECTED_DEPLOYMENTS[1:]]).status == "failed"
    paused = judge_deployments(EXPECTED_DEPLOYMENTS, paused=["ingest/ingest-inbox"])
    assert paused.status == "warning" and "ingest/ingest-inbox" in paused.message
    assert judge_deployments(EXPECTED_DEPLOYMENTS).status == "ok"


def test_workers_need_a_heartbeat_within_two_minutes():
    fresh = {"name": "pc-1", "last_heartbeat_time": (NOW - timedelta(seconds=30)).isoformat()}
    stale = {"name": "pc-2", "last_heartbeat_time": "2025-03-10T04:50:00Z"}
    ok = judge_workers("print-room", [fresh, stale], NOW)
    assert ok.status == "ok" and "pc-1" in ok.message and "pc-2" not in ok.message
    old = judge_workers("print-room", [stale], NOW)
    assert old.status == "failed" and "10 menit" in old.message and "cetak worker" in old.hint
    never = judge_workers("print-room", [], NOW)
    assert never.status == "failed" and "belum pernah" in never.message


def test_printers_none_unreachable_and_ready():
    none = judge_printers({})
    assert none.status == "warning" and "cetak printers add" in none.hint
    bad = judge_printers({"fargo-1": None, "fargo-2": "tidak terjangkau"})
    assert bad.status == "warning" and "fargo-2: tidak terjangkau" in bad.message
    assert "fargo-1" not in bad.message
    assert judge_printers({"fargo-1": None}).status == "ok"


def test_server_date_and_prefect_settings_from_the_environment(tmp_path, monkeypatch):
    when = doctor.server_date({"date": "Mon, 10 Mar 2025 05:00:00 GMT"})
    assert when == NOW
    assert doctor.server_date({}) is None and doctor.server_date({"date": "kemarin"}) is None
    env_file = tmp_path / "cetak.env"
    env_file.write_text("PREFECT_API_URL=http://server:4200/api/\nPREFECT_API_AUTH_STRING=a:b\n")
    monkeypatch.setenv("CETAK_ENV_FILE", str(env_file))
    url, headers = doctor.prefect_api_settings({})
    assert url == "http://server:4200/api" and headers["Authorization"] == "Basic YTpi"
    url, headers = doctor.prefect_api_settings({"PREFECT_API_URL": "http://other:4200/api"})
    assert url == "http://other:4200/api"  # the process environment wins over the file


def test_an_exception_in_a_check_becomes_a_failed_check_in_bahasa():
    def broken(probe: Probe) -> Check:
        raise RuntimeError("boom")

    check = doctor.run_one("disk", broken, Probe(environ={}))
    assert check.status == "failed" and "kesalahan tak terduga" in check.message
    assert "RuntimeError: boom" in check.message and "Traceback" not in check.message
    assert check.hint


# --- checks against real inputs, in process --------------------------------------------


@pytest.fixture
def no_env_file(monkeypatch, tmp_path) -> None:
    monkeypatch.delenv("CETAK_ENV_FILE", raising=False)
    monkeypatch.setattr("cetak.settings.DEFAULT_ENV_FILE", tmp_path / "absent" / "cetak.env")
    # A server that is not there: answers at once, and Prefect's own settings are not read.
    monkeypatch.setenv("PREFECT_API_URL", closed_url())


def test_env_file_named_but_missing_fails(monkeypatch, tmp_path):
    monkeypatch.setenv("CETAK_ENV_FILE", str(tmp_path / "nope.env"))
    check = doctor.check_env_file(Probe(environ=os.environ))
    assert check.status == "failed" and "nope.env" in check.message and "tidak ada" in check.message


def test_env_file_none_in_force_is_ok(no_env_file):
    check = doctor.check_env_file(Probe(environ=os.environ))
    assert check.status == "ok" and "hanya diambil dari variabel lingkungan" in check.message


def test_env_file_present_and_an_invalid_setting(monkeypatch, tmp_path):
    env_file = tmp_path / "cetak.env"
    env_file.write_text(f"CETAK_HOME={tmp_path}\n")
    monkeypatch.setenv("CETAK_ENV_FILE", str(env_file))
    probe = Probe(environ=os.environ)
    check = doctor.check_env_file(probe)
    assert check.status == "ok" and str(env_file) in check.message
    assert probe.settings is not None and probe.settings.resolved_home == tmp_path.resolve()
    env_file.write_text("CETAK_BACKUP_KEEP=banyak\n")
    probe = Probe(environ=os.environ)
    bad = doctor.check_env_file(probe)
    assert bad.status == "failed" and "CETAK_BACKUP_KEEP" in bad.message
    # The checks that need settings say so instead of guessing.
    assert doctor.run_one("disk", doctor.check_disk, probe).status == "failed"


def test_uninitialised_database_fails_the_regency(no_env_file, home):
    checks = by_key(doctor.run_checks(timeout=3))
    assert checks["database"].status == "ok"
    assert checks["regency"].status == "failed"
    assert "cetak init --regency" in checks["regency"].hint


def test_missing_sqlite_file_fails(no_env_file, monkeypatch, tmp_path):
    monkeypatch.setenv("CETAK_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("CETAK_DATABASE_URL", raising=False)
    checks = by_key(doctor.run_checks(timeout=3))
    assert checks["database"].status == "failed" and "belum ada" in checks["database"].message
    assert checks["regency"].status == "failed"
    assert not (tmp_path / "home" / "cetak.db").exists()  # the doctor creates nothing


def test_empty_sqlite_file_is_not_migrated(no_env_file, monkeypatch, tmp_path):
    (tmp_path / "cetak.db").touch()
    monkeypatch.setenv("CETAK_HOME", str(tmp_path))
    monkeypatch.delenv("CETAK_DATABASE_URL", raising=False)
    checks = by_key(doctor.run_checks(timeout=3))
    assert checks["database"].status == "failed"
    assert "belum dimigrasi" in checks["database"].message
    assert "cetak init --regency KODE" in checks["database"].hint
    assert checks["regency"].status == "failed"


@pytest.mark.postgres
def test_unreachable_postgresql_fails_without_showing_the_password(
    no_env_file, monkeypatch, tmp_path
):
    url = f"postgresql+psycopg://cetak:rahasia@127.0.0.1:{free_port()}/cetak"
    monkeypatch.setenv("CETAK_HOME", str(tmp_path))
    monkeypatch.setenv("CETAK_DATABASE_URL", url)
    checks = by_key(doctor.run_checks(timeout=3))
    db = checks["database"]
    assert db.status == "failed" and "tidak dapat dihubungi" in db.message
    assert "rahasia" not in db.message and "CETAK_DATABASE_URL" in db.hint
    assert checks["regency"].status == "failed"
    assert checks["printers"].status == "warning"  # not checked: the database is the cause


@pytest.mark.postgres
def test_postgresql_database_without_migrations_fails(
    no_env_file, monkeypatch, tmp_path, pg_server
):
    name = f"doctor_empty_{os.getpid()}"
    admin = sa.create_engine(pg_server.url(), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f"CREATE DATABASE {name}")
    admin.dispose()
    monkeypatch.setenv("CETAK_HOME", str(tmp_path))
    monkeypatch.setenv("CETAK_DATABASE_URL", pg_server.url(name))
    checks = by_key(doctor.run_checks(timeout=3))
    assert checks["database"].status == "failed"
    assert "belum dimigrasi" in checks["database"].message
    assert checks["regency"].status == "failed"


def test_a_database_behind_head_fails(no_env_file, home, served):
    engine = sa.create_engine(home.url)
    with engine.begin() as conn:
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = '0001'")
    engine.dispose()
    check = by_key(doctor.run_checks(timeout=3))["database"]
    assert check.status == "failed" and "belum versi terbaru" in check.message


def test_prefect_api_unreachable_fails_and_skips_what_needs_it(no_env_file, home, served):
    checks = by_key(doctor.run_checks(timeout=3))
    assert checks["prefect_api"].status == "failed"
    assert "tidak menjawab" in checks["prefect_api"].message
    for key in ("deployments", "worker"):
        assert checks[key].status == "warning" and "tidak diperiksa" in checks[key].message


def _touch_backup(settings, age: timedelta) -> Path:
    settings.backups_dir.mkdir(parents=True, exist_ok=True)
    path = settings.backups_dir / "cetak-backup-20250101-0100.tar.gz"
    path.write_bytes(b"\x1f\x8b")
    stamp = (datetime.now(UTC) - age).timestamp()
    os.utime(path, (stamp, stamp))
    return path


def test_old_backup_warns_then_fails(no_env_file, home):
    probe = Probe(environ=os.environ, settings=home)
    assert doctor.check_backup(probe).status == "warning"  # none yet
    path = _touch_backup(home, timedelta(hours=40))
    assert doctor.check_backup(probe).status == "warning"
    stamp = (datetime.now(UTC) - timedelta(days=9)).timestamp()
    os.utime(path, (stamp, stamp))
    check = doctor.check_backup(probe)
    assert check.status == "failed" and path.name in check.message


def test_a_healthy_enough_installation(no_env_file, home, served):
    _touch_backup(home, timedelta(hours=2))
    checks = by_key(doctor.run_checks(timeout=3))
    assert [c.key for c in checks.values()] == [
        "env_file",
        "database",
        "regency",
        "office",
        "prefect_api",
        "deployments",
        "worker",
        "printers",
        "disk",
        "backup",
        "clock",
    ]
    for key in ("env_file", "database", "regency", "backup"):
        assert checks[key].status == "ok", checks[key]
    assert "Klaten" in checks["regency"].message
    # The office profile not set yet: a warning (issue 13), never a failure.
    assert checks["office"].status == "warning"
    assert "nama dan NIP kepala dinas" in checks["office"].message
    assert "cetak office" in checks["office"].hint
    assert "Asia/Jakarta" in checks["clock"].message


def test_printers_are_queried_and_the_unreachable_named(no_env_file, home, served):
    from cetak.db import make_engine, write_session
    from printers.registry import add_printer

    engine = make_engine(home.url)
    with write_session(engine) as session:
        add_printer(session, name="sim-1", driver="simulated", state_root=home.resolved_home)
        add_printer(
            session,
            name="fargo-2",
            driver="ipp",
            uri=f"ipp://127.0.0.1:{free_port()}/ipp/print",
            state_root=home.resolved_home,
        )
    engine.dispose()
    check = by_key(doctor.run_checks(timeout=3))["printers"]
    assert check.status == "warning"
    assert "fargo-2: tidak terjangkau" in check.message and "sim-1" not in check.message


# --- the command, in a subprocess ------------------------------------------------------


@pytest.fixture
def cli_env(tmp_path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CETAK_", "PREFECT_API"))}
    env_file = tmp_path / "cetak.env"
    env_file.write_text("# pengaturan uji\n")
    env.update(CETAK_HOME=str(tmp_path / "home"), CETAK_ENV_FILE=str(env_file))
    return env


@pytest.mark.slow
def test_cli_named_env_file_missing_exits_1(cli_env, tmp_path):
    cli_env["CETAK_ENV_FILE"] = str(tmp_path / "tidak-ada.env")
    cli_env["PREFECT_API_URL"] = closed_url()
    proc = run_cli("doctor", "--json", env=cli_env, check=False)
    assert proc.returncode == 1, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["ok"] is False
    assert all(set(c) == {"key", "status", "message", "hint"} for c in doc["checks"])
    env_check = by_key([Check(**c) for c in doc["checks"]])["env_file"]
    assert env_check.status == "failed" and "tidak-ada.env" in env_check.message


@pytest.mark.slow
def test_cli_uninitialised_and_no_prefect_prints_the_table_and_exits_1(cli_env):
    proc = run_cli("doctor", env=cli_env, check=False)
    assert proc.returncode == 1, proc.stderr
    assert "GAGAL" in proc.stdout and "PERINGATAN" in proc.stdout
    assert "cetak init --regency KODE" in proc.stdout
    assert "PREFECT_API_URL tidak diatur" in proc.stdout  # a warning, not a failure
    assert "pemeriksaan GAGAL" in proc.stdout
    assert "Traceback" not in proc.stdout + proc.stderr


@pytest.mark.slow
def test_cli_healthy_enough_exits_0_with_warnings_only(cli_env, tmp_path):
    run_cli("init", "--regency", "33.10", env=cli_env)
    backups = tmp_path / "home" / "backups"
    backups.mkdir()
    (backups / "cetak-backup-20250101-0100.tar.gz").write_bytes(b"\x1f\x8b")
    proc = run_cli("doctor", "--json", env=cli_env, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    doc = json.loads(proc.stdout)
    checks = by_key([Check(**c) for c in doc["checks"]])
    assert doc["ok"] is True
    assert checks["prefect_api"].status == "warning"
    assert "cetak serve" in checks["prefect_api"].message
    for key in ("env_file", "database", "regency", "disk", "backup", "clock"):
        assert checks[key].status == "ok", checks[key]
    table = run_cli("doctor", env=cli_env, check=False)
    assert table.returncode == 0 and "Tidak ada yang gagal" in table.stdout


@pytest.mark.slow
def test_cli_prefect_api_on_a_closed_port_exits_1(cli_env):
    run_cli("init", "--regency", "33.10", env=cli_env)
    cli_env["PREFECT_API_URL"] = closed_url()
    proc = run_cli("doctor", "--json", env=cli_env, check=False)
    assert proc.returncode == 1
    checks = by_key([Check(**c) for c in json.loads(proc.stdout)["checks"]])
    assert checks["prefect_api"].status == "failed"
    assert checks["database"].status == "ok" and checks["regency"].status == "ok"


# --- against a real Prefect server -----------------------------------------------------


@pytest.fixture(scope="module")
def prefect_server() -> Iterator:
    from prefectserver import PrefectServer

    server = PrefectServer()
    try:
        server.start()
        yield server
    finally:
        server.stop()


@pytest.mark.slow
def test_real_server_without_deployments_or_workers_then_with_them(
    prefect_server, cli_env, monkeypatch, no_env_file
):
    env = prefect_server.env(cli_env)
    run_cli("init", "--regency", "33.10", env=env)
    proc = run_cli("doctor", "--json", env=env, check=False)
    assert proc.returncode == 1, proc.stderr
    checks = by_key([Check(**c) for c in json.loads(proc.stdout)["checks"]])
    assert checks["prefect_api"].status == "ok"
    assert checks["deployments"].status == "failed"
    assert checks["deployments"].hint == "daftarkan semua deployment: cetak deploy"
    assert all(d in checks["deployments"].message for d in EXPECTED_DEPLOYMENTS)
    assert checks["worker"].status == "failed" and "belum ada" in checks["worker"].message
    assert checks["clock"].status == "ok" and "server Prefect" in checks["clock"].message

    # Register the deployments and a pool with a live worker through the REST API.
    pool = f"doctor-pool-{os.getpid()}"
    assert prefect_server.post("/work_pools/", {"name": pool, "type": "process"}).is_success
    for full in EXPECTED_DEPLOYMENTS:
        flow_name, name = full.split("/")
        flow = prefect_server.post("/flows/", {"name": flow_name}).json()
        made = prefect_server.post(
            "/deployments/", {"name": name, "flow_id": flow["id"], "work_pool_name": pool}
        )
        assert made.is_success, made.text
    monkeypatch.setenv("PREFECT_API_URL", prefect_server.api_url)
    monkeypatch.setenv("CETAK_WORK_POOL", pool)
    probe = Probe(environ=os.environ, timeout=5)
    try:
        doctor.check_env_file(probe)
        assert doctor.check_prefect_api(probe).status == "ok"
        assert doctor.check_deployments(probe).status == "ok"
        no_worker = doctor.check_worker(probe)
        assert no_worker.status == "failed" and "belum pernah" in no_worker.message
        beat = prefect_server.post(
            f"/work_pools/{pool}/workers/heartbeat",
            {"name": "pc-kantor", "heartbeat_interval_seconds": 30},
        )
        assert beat.is_success, beat.text
        alive = doctor.check_worker(probe)
        assert alive.status == "ok" and "pc-kantor" in alive.message
        assert probe.server_clock_drift_s is not None
        assert doctor.check_clock(probe).status == "ok"
    finally:
        probe.close()

    # A paused pool runs nothing.
    paused = f"{pool}-dijeda"
    prefect_server.post("/work_pools/", {"name": paused, "type": "process", "is_paused": True})
    monkeypatch.setenv("CETAK_WORK_POOL", paused)
    probe = Probe(environ=os.environ, timeout=5)
    try:
        doctor.check_env_file(probe)
        doctor.check_prefect_api(probe)
        check = doctor.check_worker(probe)
        assert check.status == "failed" and "dijeda" in check.message
    finally:
        probe.close()
