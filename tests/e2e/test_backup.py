"""``cetak backup`` / ``cetak restore`` and the nightly ``backup`` flow.

Homes are built as staff build them (``cetak init``, a demo feed, blanks received, a
simulated printer printing), backed up while the system runs and restored into fresh
homes, on SQLite and on a real PostgreSQL.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from application import backup as backups
from cetak.db import make_engine, write_session
from cetak.installation import load_installation
from cetak.models import utcnow
from cetak.settings import Settings

from clihelp import run_cli

CETAK_ENV = ("CETAK_HOME", "CETAK_DATABASE_URL", "CETAK_BACKUP_DIR", "CETAK_BACKUP_KEEP")


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    from cetak.db import alembic_config

    return ScriptDirectory.from_config(alembic_config(None)).get_current_head()  # type: ignore[arg-type]


def make_home(tmp_path: Path, name: str, db_url: str | None = None) -> tuple[dict, Settings]:
    """Environment of a subprocess for a home of its own, and the same as Settings."""
    root = tmp_path / name
    url = db_url or f"sqlite:///{root / 'cetak.db'}"
    env = {k: v for k, v in os.environ.items() if k not in CETAK_ENV}
    env.update(
        CETAK_HOME=str(root),
        CETAK_DATABASE_URL=url,
        CETAK_ENV_FILE=str(tmp_path / "no-such.env"),
    )
    return env, Settings(home=root, database_url=url, backup_dir=None)


def populate(
    env: dict,
    settings: Settings,
    tmp_path: Path,
    *,
    records: int = 12,
    blanks: int = 40,
    print_now: bool = True,
    seconds: float = 0.0,
) -> None:
    """``cetak init`` and a demo feed ingested, blanks received, one simulated printer."""
    from intake.service import ingest_one
    from inventory import ledger
    from printers.registry import add_printer

    run_cli("init", "--regency", "33.10", env=env)
    feed = tmp_path / f"feed-{settings.resolved_home.name}"
    run_cli(
        "demo-feed", "--regency", "33.10", "--records", str(records), "--batch-size", "6",
        "--out", str(feed), "--seed", "7", env=env,
    )  # fmt: skip
    engine = make_engine(settings.url)
    try:
        served = load_installation(engine)
        for batch in sorted(feed.iterdir()):
            ingest_one(
                engine=engine,
                path=batch,
                served=served,
                home_dirs=(settings.archive_dir, settings.rejected_dir, settings.outbox_dir),
                today=served.today(),
            )
        with write_session(engine) as s:
            ledger.receive_stock(
                s, lot="L1", quantity=blanks, actor="uji", received_on=served.today()
            )
            add_printer(
                s,
                name="sim-1",
                driver="simulated",
                uri=f"sim://sim-1?seed=1&seconds={seconds}",
                state_root=settings.resolved_home,
            )
        if print_now:
            print_queued(engine, settings)
    finally:
        engine.dispose()
    settings.documents_dir.mkdir(parents=True, exist_ok=True)
    (settings.documents_dir / "catatan.txt").write_text("berita acara uji\n")
    settings.inbox_dir.mkdir(parents=True, exist_ok=True)
    (settings.inbox_dir / "belum-diproses.txt").write_text("tidak ikut dicadangkan\n")
    (settings.resolved_home / "logs").mkdir(exist_ok=True)
    (settings.resolved_home / "logs" / "server.log").write_text("log\n")


def print_queued(engine: sa.Engine, settings: Settings) -> None:
    """Print every queued record with the production code (no Prefect)."""
    from printers import planning, production

    served = load_installation(engine)
    with write_session(engine) as s:
        job_ids = planning.plan_run(
            s, today=served.today(), now=utcnow(), max_cards=None, actor="uji"
        )
    for job_id in job_ids:
        production.run_job(
            engine,
            job_id=job_id,
            served=served,
            state_root=settings.resolved_home,
            worker="uji",
            poll_timeout=60,
        )


def facts(settings: Settings) -> backups.DatabaseFacts:
    return backups.database_facts(settings.url)


def home_listing(settings: Settings) -> dict[str, str]:
    """Every file under the home (but the database files) with its sha256."""
    root = settings.resolved_home
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() and not p.name.startswith("cetak.db")
    }


def status(env: dict) -> dict:
    return json.loads(run_cli("status", "--json", env=env).stdout)


def members(archive: Path) -> list[str]:
    with tarfile.open(archive, "r:gz") as tar:
        return [m.name for m in tar if m.isfile()]


@pytest.fixture
def source(tmp_path) -> tuple[dict, Settings]:
    """A SQLite home with records, blanks, a printer and printed cards."""
    env, settings = make_home(tmp_path, "sumber")
    populate(env, settings, tmp_path)
    return env, settings


# --- SQLite --------------------------------------------------------------------------------


@pytest.mark.slow
def test_sqlite_round_trip_restores_the_same_counts_files_and_a_clean_ledger(source, tmp_path):
    env, settings = source
    before = facts(settings)
    assert before.counts["records"] > 0 and before.counts["cards"] > 0
    assert before.counts["ledger_movements"] > 1

    proc = run_cli("backup", "--json", env=env)
    doc = json.loads(proc.stdout)
    assert set(doc) == {"path", "sha256", "size_bytes", "created_at", "dialect", "counts"}
    archive = Path(doc["path"])
    assert archive.parent == settings.backups_dir
    assert backups.NAME_RE.match(archive.name) and archive.name.startswith("cetak-backup-3310-")
    assert doc["dialect"] == "sqlite" and doc["counts"] == before.counts
    assert doc["size_bytes"] == archive.stat().st_size
    assert doc["sha256"] == hashlib.sha256(archive.read_bytes()).hexdigest()
    check = subprocess.run(
        ["sha256sum", "-c", archive.name + ".sha256"], cwd=archive.parent, capture_output=True
    )
    assert check.returncode == 0, check.stderr

    names = members(archive)
    assert names[0] == "cetak.db" and names[-1] == "manifest.json"
    assert "documents/catatan.txt" in names
    assert any(n.startswith("archive/") for n in names)
    assert any(n.startswith("outbox/ACK-") for n in names)
    assert not any(n.split("/")[0] in ("inbox", "backups", "logs", "simulated") for n in names)
    with tarfile.open(archive, "r:gz") as tar:
        manifest = json.loads(tar.extractfile("manifest.json").read())  # type: ignore[union-attr]
    assert manifest["format_version"] == 1 and manifest["kode_wilayah"] == "33.10"
    assert manifest["alembic_revision"] == head_revision()
    assert manifest["counts"] == before.counts
    assert manifest["watermark"] == before.watermark.isoformat()
    assert set(manifest["members"]) == set(names) - {"manifest.json"}

    human = run_cli("backup", env=env).stdout
    assert "Cadangan dibuat:" in human and "sha256sum -c" in human

    # Into a home that has nothing yet, and into one just initialised: both accepted.
    for name, init_first in (("kosong", False), ("baru", True)):
        target_env, target = make_home(tmp_path, name)
        if init_first:
            run_cli("init", "--regency", "33.10", env=target_env)
        restored = json.loads(run_cli("restore", str(archive), "--json", env=target_env).stdout)
        assert restored["counts"] == before.counts
        assert restored["reconciliation"] == {"checked": True, "mismatches": []}
        assert restored["kode_wilayah"] == "33.10" and restored["forced"] is False
        assert restored["alembic_revision"] == head_revision()
        assert restored["files_restored"] == len(names) - 2
        after = facts(target)
        assert (after.counts, after.watermark) == (before.counts, before.watermark)
        source_files = {
            k: v
            for k, v in home_listing(settings).items()
            if k.split("/")[0] in backups.HOME_FOLDERS
        }
        restored_files = home_listing(target)
        assert {k: restored_files.get(k) for k in source_files} == source_files
        assert not (target.inbox_dir / "belum-diproses.txt").exists()
        assert not (target.resolved_home / "logs").exists()
        mine, theirs = status(env), status(target_env)
        for key in ("kode_wilayah", "records", "cards", "stock"):
            assert theirs[key] == mine[key], key

    text = run_cli("restore", str(archive), env=target_env).stdout  # same data: not newer
    assert "Rekonsiliasi stok blangko: cocok." in text


@pytest.mark.slow
def test_a_newer_database_is_refused_without_force_and_replaced_with_it(source, tmp_path):
    env, settings = source
    archive = backups.create_backup(settings).path
    backed_up = facts(settings)
    run_cli("stock", "receive", "--lot", "L2", "--quantity", "5", env=env)
    newer = facts(settings)
    assert newer.counts["ledger_movements"] == backed_up.counts["ledger_movements"] + 1

    refused = run_cli("restore", str(archive), env=env, check=False)
    assert refused.returncode == 2, refused.stderr
    message = " ".join(refused.stderr.split())
    assert "lebih baru dari cadangan" in message and "--force" in message
    assert "Traceback" not in refused.stderr
    assert facts(settings) == newer  # nothing changed

    forced = run_cli("restore", str(archive), "--force", "--json", env=env)
    doc = json.loads(forced.stdout)
    assert doc["forced"] is True and doc["reconciliation"]["mismatches"] == []
    assert facts(settings).counts == backed_up.counts
    engine = make_engine(settings.url)
    with engine.connect() as conn:
        lots = set(conn.execute(sa.text("SELECT code FROM lot")).scalars())
    engine.dispose()
    assert lots == {"L1"}


def _flip_byte(path: Path, at: int) -> None:
    data = bytearray(path.read_bytes())
    data[at] ^= 0xFF
    path.write_bytes(bytes(data))


@pytest.mark.slow
def test_a_corrupt_or_foreign_archive_is_refused_and_nothing_changes(source, tmp_path):
    env, settings = source
    good = backups.create_backup(settings, to=tmp_path / "cadangan").path
    run_cli("stock", "receive", "--lot", "L2", "--quantity", "5", env=env)  # target differs
    before_facts, before_files = facts(settings), home_listing(settings)

    with_sidecar = tmp_path / "rusak1" / good.name
    with_sidecar.parent.mkdir()
    shutil.copy(good, with_sidecar)
    shutil.copy(good.with_name(good.name + ".sha256"), with_sidecar.parent)
    _flip_byte(with_sidecar, with_sidecar.stat().st_size // 2)

    without_sidecar = tmp_path / "rusak2" / good.name
    without_sidecar.parent.mkdir()
    shutil.copy(with_sidecar, without_sidecar)

    # A well-formed archive whose database member was swapped after the manifest was made.
    swapped = tmp_path / "rusak3" / good.name
    swapped.parent.mkdir()
    with tarfile.open(good, "r:gz") as src, tarfile.open(swapped, "w:gz") as dst:
        for m in src:
            data = src.extractfile(m).read()  # type: ignore[union-attr]
            if m.name == "cetak.db":
                data = data[:-1] + bytes([data[-1] ^ 1])
            dst.addfile(m, io.BytesIO(data))

    foreign = tmp_path / "asing.tar.gz"
    with tarfile.open(foreign, "w:gz") as tar:
        info = tarfile.TarInfo("catatan.txt")
        info.size = 3
        tar.addfile(info, io.BytesIO(b"hai"))
    escaping = tmp_path / "jahat.tar.gz"
    with tarfile.open(escaping, "w:gz") as tar:
        for name, data in (("../di-luar.txt", b"x"), ("manifest.json", b"{}")):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    not_gzip = tmp_path / "bukan.tar.gz"
    not_gzip.write_bytes(gzip.compress(b"bukan tar")[:20])

    expected = {
        with_sidecar: "checksum",
        without_sidecar: "rusak",  # the gzip CRC or the member checksum, whichever first
        swapped: "checksum cetak.db",
        foreign: "rusak atau bukan berkas cadangan Cetak",
        escaping: "rusak atau bukan berkas cadangan Cetak",
        not_gzip: "rusak atau bukan berkas cadangan Cetak",
        tmp_path / "tidak-ada.tar.gz": "tidak ditemukan",
    }
    runs = [(path, ()) for path in expected] + [(p, ("--force",)) for p in (with_sidecar, swapped)]
    for path, extra in runs:
        proc = run_cli("restore", str(path), *extra, env=env, check=False)
        assert proc.returncode == 2, (path, proc.stderr)
        assert expected[path] in " ".join(proc.stderr.split()), (path, proc.stderr)
        assert "Traceback" not in proc.stderr
    assert facts(settings) == before_facts
    assert home_listing(settings) == before_files
    assert not (tmp_path / "di-luar.txt").exists()
    assert not list(settings.resolved_home.glob(".cetak-restore-*"))


@pytest.mark.slow
def test_a_backup_taken_while_cards_print_restores_to_a_ledger_that_reconciles(
    tmp_path, prefect_api
):
    env, settings = make_home(tmp_path, "cetak")
    populate(env, settings, tmp_path, records=30, blanks=60, print_now=False, seconds=0.25)
    queued = facts(settings).counts
    engine = make_engine(settings.url)
    taken: list[backups.BackupResult] = []
    proc = subprocess.Popen(
        [sys.executable, "-m", "cetak", "print", "--json"],
        env=dict(env, PREFECT_API_URL=prefect_api),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 170
        while proc.poll() is None and time.monotonic() < deadline:
            with engine.connect() as conn:
                started = conn.execute(sa.text("SELECT count(*) FROM card")).scalar()
            if started:
                taken.append(backups.create_backup(settings, to=tmp_path / "selama"))
                time.sleep(0.5)  # names go by the second: an office backs up far less often
            else:
                time.sleep(0.1)
        out, err = proc.communicate(timeout=180)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
        engine.dispose()
    assert proc.returncode == 0, err
    summary = json.loads(out)
    assert summary["printed"] + summary["spoiled"] > 0
    final = backups.create_backup(settings, to=tmp_path / "selama")
    total_cards = final.counts["cards"]
    assert taken, "no backup was taken while the print run wrote"
    assert any(0 < b.counts["cards"] < total_cards for b in taken)
    assert all(b.counts["records"] == queued["records"] for b in taken)

    mid = [b for b in taken if 0 < b.counts["cards"] < total_cards]
    chosen = {mid[0].path: mid[0], mid[-1].path: mid[-1], final.path: final}
    for i, result in enumerate(chosen.values()):
        _, target = make_home(tmp_path, f"pulih-{i}")
        restored = backups.restore_backup(target, result.path)
        assert restored.reconciled and restored.mismatches == [], restored.mismatches
        assert restored.counts == result.counts
        assert facts(target).watermark == result.watermark


# --- pruning -------------------------------------------------------------------------------


def test_pruning_keeps_the_newest_n_with_their_sidecars_and_never_touches_other_files(
    tmp_path,
):
    folder = tmp_path / "cadangan"
    folder.mkdir()
    stamps = [f"202612{d:02d}T020000Z" for d in range(1, 7)]
    ours = []
    for i, stamp in enumerate(stamps):
        kode = "belum-init" if i == 0 else "3310"
        path = folder / f"cetak-backup-{kode}-{stamp}.tar.gz"
        path.write_bytes(b"x")
        path.with_name(path.name + ".sha256").write_text(f"00  {path.name}\n")
        ours.append(path)
    foreign = [
        "catatan.txt",
        "lain.tar.gz",
        "cetak-backup-3310-2026.tar.gz",
        "cetak-backup-3310-20260101T000000Z.tar.gz.bak",
        "cetak-backup-33.10-20250101T000000Z.tar.gz",
        "xcetak-backup-3310-20250101T000000Z.tar.gz",
    ]
    for name in foreign:
        (folder / name).write_text("milik orang lain")

    removed = backups.prune_backups(folder, 2)
    assert sorted(removed) == sorted(ours[:4])
    left = sorted(p.name for p in folder.iterdir())
    kept = [p.name for p in ours[4:]] + [p.name + ".sha256" for p in ours[4:]]
    assert left == sorted(kept + foreign)
    assert backups.list_backups(folder) == [ours[5], ours[4]]
    assert backups.prune_backups(folder, 5) == []
    with pytest.raises(ValueError):
        backups.prune_backups(folder, 0)
    assert backups.prune_backups(tmp_path / "tidak-ada", 3) == []


def test_backup_names_follow_the_regency_and_the_utc_time():
    from datetime import UTC, datetime, timedelta, timezone

    moment = datetime(2026, 12, 2, 23, 30, 5, tzinfo=timezone(timedelta(hours=7)))
    assert backups.backup_name("33.10", moment) == "cetak-backup-3310-20261202T163005Z.tar.gz"
    assert backups.backup_name(None, moment.astimezone(UTC)).startswith(
        "cetak-backup-belum-init-20261202T163005Z"
    )


@pytest.mark.slow
def test_backup_of_a_home_that_was_never_initialised_fails_in_bahasa(tmp_path):
    env, settings = make_home(tmp_path, "kosong")
    proc = run_cli("backup", env=env, check=False)
    assert proc.returncode == 1
    assert "belum disiapkan" in proc.stderr and "cetak init" in proc.stderr
    assert not (settings.resolved_home / "cetak.db").exists()
    assert not list(settings.resolved_home.rglob("*.tar.gz"))

    # A database that exists but serves no regency yet is still backed up, so named.
    from cetak.db import migrate

    engine = make_engine(settings.url)
    migrate(engine)
    engine.dispose()
    doc = json.loads(run_cli("backup", "--json", "--to", str(tmp_path / "ke"), env=env).stdout)
    assert Path(doc["path"]).name.startswith("cetak-backup-belum-init-")
    assert Path(doc["path"]).parent == tmp_path / "ke"
    target_env, _ = make_home(tmp_path, "tujuan")
    restored = json.loads(run_cli("restore", doc["path"], "--json", env=target_env).stdout)
    assert restored["reconciliation"] == {"checked": False, "mismatches": []}
    assert restored["kode_wilayah"] is None


def test_a_missing_pg_dump_is_said_in_bahasa(monkeypatch):
    monkeypatch.setattr(backups.glob, "glob", lambda pattern: [])
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(backups.BackupError, match="pg_dump tidak ditemukan"):
        backups.find_pg_tool("pg_dump")


# --- PostgreSQL ----------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.postgres
def test_postgresql_round_trip_with_pg_dump_and_pg_restore(pg_server, pg_url, tmp_path):
    env, settings = make_home(tmp_path, "pg", pg_url)
    populate(env, settings, tmp_path)
    before = facts(settings)
    assert before.counts["cards"] > 0

    doc = json.loads(run_cli("backup", "--json", env=env).stdout)
    archive = Path(doc["path"])
    assert doc["dialect"] == "postgresql" and doc["counts"] == before.counts
    names = members(archive)
    assert names[0] == "cetak.pgdump" and "cetak.db" not in names

    # An empty database (not even migrated) on the same server.
    admin = sa.create_engine(pg_server.url(), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql("CREATE DATABASE dipulihkan")
    admin.dispose()
    target_env, target = make_home(tmp_path, "pg-baru", pg_server.url("dipulihkan"))
    restored = json.loads(run_cli("restore", str(archive), "--json", env=target_env).stdout)
    assert restored["dialect"] == "postgresql"
    assert restored["counts"] == before.counts
    assert restored["reconciliation"] == {"checked": True, "mismatches": []}
    assert restored["alembic_revision"] == head_revision()
    after = facts(target)
    assert (after.counts, after.watermark, after.kode_wilayah) == (
        before.counts,
        before.watermark,
        "33.10",
    )
    assert status(target_env)["stock"] == status(env)["stock"]
    assert (target.documents_dir / "catatan.txt").read_text() == "berita acara uji\n"

    # Back into the database it came from (same data, so not newer): --clean replaces it.
    again = json.loads(run_cli("restore", str(archive), "--json", env=env).stdout)
    assert again["counts"] == before.counts and again["reconciliation"]["mismatches"] == []

    # A SQLite installation refuses a PostgreSQL backup.
    sqlite_env, _ = make_home(tmp_path, "sqlite")
    refused = run_cli("restore", str(archive), env=sqlite_env, check=False)
    assert refused.returncode == 2 and "PostgreSQL" in refused.stderr


# --- the nightly flow ----------------------------------------------------------------------


def _flow_run_name(flow_run_id) -> str:
    import asyncio

    from prefect.client.orchestration import get_client

    async def read() -> str:
        async with get_client() as client:
            return (await client.read_flow_run(flow_run_id)).name

    return asyncio.run(read())


@pytest.mark.slow
def test_the_backup_flow_completes_with_a_backup_and_prunes_to_keep(
    tmp_path, monkeypatch, prefect_api
):
    from workflows.maintenance import backup as backup_flow

    env, settings = make_home(tmp_path, "malam")
    run_cli("init", "--regency", "33.10", env=env)
    for key in CETAK_ENV:
        monkeypatch.delenv(key, raising=False)
    for key in ("CETAK_HOME", "CETAK_DATABASE_URL", "CETAK_ENV_FILE"):
        monkeypatch.setenv(key, env[key])
    folder = settings.backups_dir
    folder.mkdir(parents=True)
    old = [folder / f"cetak-backup-3310-2026010{d}T000000Z.tar.gz" for d in (1, 2)]
    for path in old:
        path.write_bytes(b"lama")
        path.with_name(path.name + ".sha256").write_text("00  x\n")
    (folder / "catatan-admin.txt").write_text("jangan dihapus")

    state = backup_flow(keep=2, return_state=True)
    assert state.is_completed(), state.message
    summary = state.result()
    path = Path(summary["path"])
    assert path.exists() and path.parent == folder
    assert summary["counts"] == {"records": 0, "cards": 0, "ledger_movements": 0}
    assert summary["removed"] == [str(old[0])] and summary["kept"] == 2
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [
            "catatan-admin.txt",
            old[1].name,
            old[1].name + ".sha256",
            path.name,
            path.name + ".sha256",
        ]
    )
    name = _flow_run_name(state.state_details.flow_run_id)
    assert name.startswith("backup-") and len(name) == len("backup-2026-12-02-2330"), name


@pytest.mark.slow
def test_the_backup_flow_fails_in_bahasa_on_a_home_that_was_never_initialised(
    tmp_path, monkeypatch, prefect_api
):
    from workflows.maintenance import backup as backup_flow

    root = tmp_path / "belum"
    for key in CETAK_ENV:
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("CETAK_HOME", str(root))
    monkeypatch.setenv("CETAK_ENV_FILE", str(tmp_path / "no-such.env"))
    state = backup_flow(return_state=True)
    assert state.is_failed()
    assert "belum disiapkan" in (state.message or "")
    assert not (root / "cetak.db").exists()
    assert not list(root.rglob("*.tar.gz"))
