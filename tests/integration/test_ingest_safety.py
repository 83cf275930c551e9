"""Issue 11, "Nothing lost": what ``cetak ingest`` may touch, and two ingests at once.

Item 1: a path that is not a delivery (a batch folder, a batch ``.zip``, or an inbox
holding them) is refused with exit 2 and left untouched; inside an inbox anything that
is not a delivery is reported and left where it is; only deliveries inside
``$CETAK_HOME/inbox`` are moved, one given from anywhere else (a flash disk) is copied.

Item 2: the ingest of one delivery is serialised end to end; the loser of a race
reports "sedang diproses" and changes nothing; a crashed claimer blocks nothing.

Every test runs on SQLite and on PostgreSQL (the ``home`` fixture).
"""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import sqlalchemy as sa

from cetak.models import Batch, Delivery, Record
from intake.service import ingest_one

from clihelp import run_cli
from factory import BatchSpec, make_row

pytestmark = pytest.mark.slow

BATCH = "PRR-3310-20261122-0001"


# --- helpers ---------------------------------------------------------------------------


@pytest.fixture
def cli_env(home, served, prefect_api) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        CETAK_HOME=str(home.resolved_home), CETAK_DATABASE_URL=home.url, PREFECT_API_URL=prefect_api
    )
    return env


def snapshot(root: Path) -> dict[str, tuple]:
    """Every entry under ``root`` (links not followed): kind, mode and content or target."""
    found: dict[str, tuple] = {}
    paths = [root, *root.rglob("*")] if not root.is_symlink() else [root]
    for p in paths:
        st = p.lstat()
        rel = str(p.relative_to(root.parent))
        if stat.S_ISLNK(st.st_mode):
            found[rel] = ("link", os.readlink(p))
        elif stat.S_ISDIR(st.st_mode):
            found[rel] = ("dir", stat.S_IMODE(st.st_mode))
        else:
            found[rel] = ("file", stat.S_IMODE(st.st_mode), p.read_bytes())
    return found


def count(engine, model) -> int:
    with engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(model)).scalar_one()


def assert_nothing_happened(engine, home) -> None:
    assert count(engine, Batch) == 0
    assert count(engine, Record) == 0
    assert count(engine, Delivery) == 0
    assert list(home.archive_dir.iterdir()) == []
    assert list(home.rejected_dir.iterdir()) == []
    assert list(home.outbox_dir.iterdir()) == []


def home_folder(root: Path) -> Path:
    """A user's home folder: documents and downloads, no batch at all."""
    (root / "Documents").mkdir(parents=True)
    (root / "Documents" / "surat.odt").write_bytes(b"surat penting")
    (root / "Downloads").mkdir()
    (root / "Downloads" / "foto-keluarga.zip").write_bytes(b"PK\x03\x04 bukan batch")
    (root / ".bashrc").write_text("export PATH\n")
    (root / "catatan.txt").write_text("belanja\n")
    return root


def make_read_only(root: Path) -> None:
    for p in [*root.rglob("*"), root]:
        p.chmod(0o555 if p.is_dir() else 0o444)


# --- item 1: only deliveries are taken, and only the inbox's are moved -----------------


@pytest.mark.parametrize("kind", ["file", "symlink-to-file", "zip-without-batch"])
def test_cli_refuses_a_path_that_is_not_a_delivery_and_leaves_it(
    cli_env, engine, home, tmp_path, kind
):
    sistem = tmp_path / "etc"
    sistem.mkdir()
    passwd = sistem / "passwd"
    passwd.write_text("root:x:0:0:root:/root:/bin/bash\n")
    target = passwd
    if kind == "symlink-to-file":
        target = tmp_path / "tautan-passwd"
        target.symlink_to(passwd)
    elif kind == "zip-without-batch":
        target = sistem / "foto-liburan.zip"
        with zipfile.ZipFile(target, "w") as zf:
            zf.writestr("pantai.jpg", b"bukan batch")
    before = snapshot(sistem), snapshot(target)
    proc = run_cli("ingest", str(target), env=cli_env, check=False)
    assert proc.returncode == 2, proc.stderr
    assert "bukan folder batch" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert (snapshot(sistem), snapshot(target)) == before
    assert_nothing_happened(engine, home)


def test_cli_refuses_a_home_folder_and_touches_nothing(cli_env, engine, home, tmp_path):
    folder = home_folder(tmp_path / "budi")
    before = snapshot(folder)
    proc = run_cli("ingest", str(folder), "--json", env=cli_env, check=False)
    assert proc.returncode == 2, proc.stderr
    assert "bukan folder batch" in proc.stderr and "inbox" in proc.stderr
    assert proc.stdout == ""
    assert snapshot(folder) == before
    assert_nothing_happened(engine, home)


def test_inbox_entries_that_are_not_deliveries_are_reported_and_left(
    cli_env, engine, home, tmp_path
):
    inbox = home.inbox_dir
    BatchSpec(batch_id=BATCH, rows=[make_row() for _ in range(3)]).write(inbox)
    (inbox / "Documents").mkdir()
    (inbox / "Documents" / "surat.odt").write_bytes(b"surat")
    (inbox / "catatan.txt").write_text("jangan dihapus\n")
    elsewhere = tmp_path / "di-luar"
    home_folder(elsewhere / "rumah")
    outside_batch = BatchSpec(batch_id="PRR-3310-20261122-0002", rows=[make_row()]).write(elsewhere)
    (inbox / "tautan-rumah").symlink_to(elsewhere / "rumah")
    (inbox / "tautan-batch").symlink_to(outside_batch)
    outside_before = snapshot(elsewhere)
    kept = {n: snapshot(inbox / n) for n in ("Documents", "catatan.txt", "tautan-rumah")}
    kept["tautan-batch"] = snapshot(inbox / "tautan-batch")

    proc = run_cli("ingest", str(inbox), "--json", env=cli_env)
    acks = json.loads(proc.stdout)
    assert [(a["batch_id"], a["status"]) for a in acks] == [(BATCH, "ACCEPTED")]
    for name, before in kept.items():
        assert snapshot(inbox / name) == before, name
        assert name in proc.stderr, proc.stderr
    assert "dilewati" in proc.stderr
    assert sorted(p.name for p in inbox.iterdir() if not p.name.startswith(".")) == sorted(kept)
    assert snapshot(elsewhere) == outside_before
    assert [p.name for p in home.archive_dir.iterdir()] == [BATCH]
    assert list(home.rejected_dir.iterdir()) == []
    assert [p.name for p in home.outbox_dir.iterdir()] == [f"ACK-{BATCH}.json"]


@pytest.mark.parametrize("form", ["folder", "zip", "read-only-folder", "symlink"])
def test_a_delivery_given_from_outside_the_inbox_is_copied_and_left_in_place(
    home, served, engine, prefect_api, tmp_path, form
):
    from workflows.ingest import ingest

    flashdisk = tmp_path / "flashdisk"
    given = BatchSpec(batch_id=BATCH, rows=[make_row() for _ in range(2)]).write(flashdisk)
    if form == "zip":
        zpath = flashdisk / "kiriman.zip"
        with zipfile.ZipFile(zpath, "w") as zf:
            for p in sorted(given.rglob("*")):
                zf.write(p, p.relative_to(flashdisk).as_posix())
        given = zpath
    elif form == "read-only-folder":
        make_read_only(flashdisk)
    elif form == "symlink":
        link = tmp_path / "tautan"
        link.symlink_to(given)
        given = link
    before = snapshot(flashdisk), snapshot(given)
    try:
        acks = ingest(paths=[str(given)])
        assert [(a["batch_id"], a["status"]) for a in acks] == [(BATCH, "ACCEPTED")]
        # The original is where it was, unchanged.
        assert (snapshot(flashdisk), snapshot(given)) == before
        archived = list(home.archive_dir.iterdir())
        assert len(archived) == 1
        if form == "zip":
            assert zipfile.is_zipfile(archived[0])
        else:
            assert (archived[0] / "records.csv").read_bytes() == (
                tmp_path / "flashdisk" / BATCH / "records.csv"
            ).read_bytes()
        assert count(engine, Record) == 2
        # Given again from the flash disk: the original ACK, still nothing moved.
        assert ingest(paths=[str(given)]) == acks
        assert (snapshot(flashdisk), snapshot(given)) == before
    finally:
        for p in [flashdisk, *flashdisk.rglob("*")]:
            if not p.is_symlink():
                p.chmod(0o700)


def test_a_rejected_delivery_from_outside_the_inbox_is_copied_to_rejected_and_left(
    home, served, engine, prefect_api, tmp_path
):
    from workflows.ingest import ingest

    given = BatchSpec(batch_id=BATCH, rows=[make_row()], kode_wilayah="33.11").write(
        tmp_path / "flashdisk"
    )
    before = snapshot(given)
    acks = ingest(paths=[str(given)])
    assert [a["status"] for a in acks] == ["REJECTED"]
    assert snapshot(given) == before
    filed = list(home.rejected_dir.iterdir())
    assert len(filed) == 1 and (filed[0] / "manifest.json").exists()


def test_the_flow_given_a_path_that_is_not_a_delivery_fails_and_touches_nothing(
    home, served, engine, prefect_api, tmp_path
):
    from workflows.ingest import ingest

    passwd = tmp_path / "passwd"
    passwd.write_text("root:x:0:0\n")
    folder = home_folder(tmp_path / "budi")
    before = snapshot(passwd), snapshot(folder)
    for path in (passwd, folder):
        state = ingest(paths=[str(path)], return_state=True)
        assert state.is_failed()
        assert "bukan folder batch" in str(state.message) + repr(
            state.result(raise_on_failure=False)
        )
    assert (snapshot(passwd), snapshot(folder)) == before
    assert_nothing_happened(engine, home)


# --- item 2: one delivery, one ingest at a time -----------------------------------------


def test_an_ingest_whose_delivery_was_taken_by_another_run_changes_nothing(
    home, served, engine, prefect_api, monkeypatch
):
    """The other run lists the inbox, then a second run ingests and files it all first."""
    import workflows.ingest as flow_module

    BatchSpec(batch_id=BATCH, rows=[make_row() for _ in range(300)]).write(home.inbox_dir)
    real = flow_module.expand_paths
    competitor: list[dict] = []

    def listed_then_overtaken(*args, **kwargs):
        listing = real(*args, **kwargs)
        for entry in sorted(home.inbox_dir.iterdir()):
            if not entry.name.startswith("."):
                competitor.append(
                    ingest_one(
                        engine=engine,
                        path=entry,
                        served=served,
                        home_dirs=(home.archive_dir, home.rejected_dir, home.outbox_dir),
                        today=served.today(),
                    )
                )
        return listing

    monkeypatch.setattr(flow_module, "expand_paths", listed_then_overtaken)
    acks = flow_module.ingest()
    assert [a["status"] for a in competitor] == ["ACCEPTED"]
    assert acks == []
    ack = json.loads((home.outbox_dir / f"ACK-{BATCH}.json").read_text("utf-8"))
    assert ack == competitor[0]
    assert list(home.rejected_dir.iterdir()) == []
    with engine.connect() as conn:
        statuses = conn.execute(sa.select(Delivery.status)).scalars().all()
    assert statuses == ["ACCEPTED"]
    assert count(engine, Record) == 300


HOLDER = """
import sys, time
from pathlib import Path
from intake.delivery import claim_delivery
with claim_delivery(Path(sys.argv[1]), inbox=Path(sys.argv[2])) as mine:
    print("klaim" if mine else "kalah", flush=True)
    time.sleep(600)
"""


def test_a_claimed_delivery_is_left_to_its_claimer_and_a_crashed_claimer_blocks_nothing(
    cli_env, home, served, engine, tmp_path
):
    delivery = BatchSpec(batch_id=BATCH, rows=[make_row() for _ in range(5)]).write(home.inbox_dir)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(delivery), str(home.inbox_dir)],
        env=cli_env,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "klaim"
        before = snapshot(delivery)
        proc = run_cli("ingest", str(home.inbox_dir), "--json", env=cli_env)
        assert json.loads(proc.stdout) == []
        assert "sedang diproses" in proc.stderr
        assert snapshot(delivery) == before
        assert_nothing_happened(engine, home)
    finally:
        holder.send_signal(signal.SIGKILL)  # the claimer crashes
        holder.wait(timeout=60)
        if holder.stdout:
            holder.stdout.close()
    proc = run_cli("ingest", str(home.inbox_dir), "--json", env=cli_env)
    acks = json.loads(proc.stdout)
    assert [(a["batch_id"], a["status"], a["queued"]) for a in acks] == [(BATCH, "ACCEPTED", 5)]
    assert not delivery.exists()
    assert [p.name for p in home.archive_dir.iterdir()] == [BATCH]


def test_two_ingests_of_the_same_inbox_at_once_store_ack_and_file_each_batch_once(
    cli_env, home, served, engine
):
    ids = [f"PRR-3310-20261122-{n:04d}" for n in range(1, 4)]
    for batch_id in ids:
        BatchSpec(batch_id=batch_id, rows=[make_row() for _ in range(300)]).write(home.inbox_dir)
    cmd = [sys.executable, "-m", "cetak", "ingest", str(home.inbox_dir), "--json"]
    procs = [
        subprocess.Popen(
            cmd, env=cli_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for _ in range(2)
    ]
    outputs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [e for _, e in outputs]
    acks = [a for out, _ in outputs for a in json.loads(out)]
    assert all(a["status"] == "ACCEPTED" for a in acks), acks
    assert {a["batch_id"] for a in acks} == set(ids)
    for batch_id in ids:
        ack = json.loads((home.outbox_dir / f"ACK-{batch_id}.json").read_text("utf-8"))
        assert ack["status"] == "ACCEPTED" and ack["queued"] == 300
    assert list(home.rejected_dir.iterdir()) == []
    assert sorted(p.name for p in home.archive_dir.iterdir()) == ids
    assert [p.name for p in home.inbox_dir.iterdir() if not p.name.startswith(".")] == []
    with engine.connect() as conn:
        statuses = conn.execute(sa.select(Delivery.status)).scalars().all()
    assert statuses == ["ACCEPTED"] * 3
    assert count(engine, Record) == 900


def test_a_claim_is_exclusive_and_leaves_no_trace_in_the_inbox(tmp_path):
    from intake.delivery import claim_batch, claim_delivery

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    delivery = inbox / BATCH
    with claim_delivery(delivery, inbox=inbox) as first:
        assert first
        with claim_delivery(delivery, inbox=inbox) as second:
            assert not second
        with claim_batch(BATCH, inbox=inbox) as other:
            assert other
    with claim_delivery(delivery, inbox=inbox) as again:
        assert again
    assert list(inbox.iterdir()) == []


def test_a_copy_without_manifest_named_like_an_accepted_batch_never_overwrites_its_ack(
    home, served, engine, tmp_path
):
    dirs = (home.archive_dir, home.rejected_dir, home.outbox_dir)
    first = BatchSpec(batch_id=BATCH, rows=[make_row()]).write(tmp_path / "satu")
    accepted = ingest_one(
        engine=engine, path=first, served=served, home_dirs=dirs, today=served.today()
    )
    assert accepted is not None and accepted["status"] == "ACCEPTED"
    broken = tmp_path / "dua" / BATCH
    broken.mkdir(parents=True)
    (broken / "records.csv").write_text("prr_id\n")  # the manifest was lost on the way
    again = ingest_one(
        engine=engine, path=broken, served=served, home_dirs=dirs, today=served.today()
    )
    assert again == accepted
    ack = json.loads((home.outbox_dir / f"ACK-{BATCH}.json").read_text("utf-8"))
    assert ack == accepted
    assert list(home.rejected_dir.iterdir()) == []
    with engine.connect() as conn:
        assert conn.execute(sa.select(Delivery.status)).scalars().all() == ["ACCEPTED"]
