"""The intake service: one delivery from central, step by step.

Steps (each one Prefect task in ``workflows.ingest``; tests and benchmarks call
them directly): ``check_delivery`` reads and checks the batch; then either
``store_batch`` stores every row's outcome in one transaction (all or nothing)
or ``record_rejection`` logs a rejected batch; ``write_ack`` writes the ACK to
the outbox; ``file_delivery`` moves the delivery to the archive or to
``rejected/`` (a delivery from outside the inbox is copied there and left in place).
A process killed anywhere leaves the batch stored whole or not at all; running the
intake again finishes the job, because an accepted batch id is recognised first and
its original ACK issued again.

``ingest_delivery`` runs the steps for one delivery under its claim (and its batch
id's): two ingests at once never process one delivery twice; the later one reports
that the delivery is being processed and changes nothing.
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import stat
import tempfile
from collections.abc import Callable
from contextlib import ExitStack
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session

from cetak.db import LOCK_INTAKE, write_session
from cetak.installation import ServedRegency
from cetak.models import Batch, Delivery
from intake.csvfile import scan
from intake.delivery import PlannedDelivery, claim_batch, claim_delivery, open_delivery
from intake.errors import BatchRejected, RejectCode
from intake.manifest import check_regency, parse_manifest, read_batch_id
from intake.results import (
    CheckedDelivery,
    IngestResult,
    build_ack,
    processed_at,
    unique_destination,
)
from intake.store import store_batch

__all__ = [
    "CheckedDelivery",
    "IngestResult",
    "build_ack",
    "processed_at",
    "store_batch",
    "check_delivery",
    "record_rejection",
    "redelivery",
    "write_ack",
    "file_delivery",
    "ingest_one",
    "ingest_delivery",
    "DeliverySteps",
    "DeliveryOutcome",
    "settle",
    "ack_filename",
]

MAX_MANIFEST_BYTES = 1024 * 1024


# --- step 1: read and check ---------------------------------------------------------


def check_delivery(*, engine: Engine, path: Path, served: ServedRegency) -> CheckedDelivery:
    """Batch-level checks; an already accepted batch id is recognised before any other."""
    name = path.name[:-4] if path.name.lower().endswith(".zip") else path.name
    try:
        delivery = open_delivery(path)
    except BatchRejected as exc:
        return CheckedDelivery(path=path, name=name, batch_id=name, rejection=exc)
    try:
        raw_manifest = delivery.read("manifest.json", limit=MAX_MANIFEST_BYTES)
        known = read_batch_id(raw_manifest)
        if known is not None:
            with Session(engine) as session:
                batch = session.get(Batch, known[:100])
                if batch is not None:
                    return CheckedDelivery(
                        path=path,
                        name=name,
                        batch_id=batch.batch_id,
                        redelivered_ack=json.loads(batch.ack_json),
                        archive_path=batch.archive_path,
                    )
        try:
            manifest = parse_manifest(raw_manifest)
            check_regency(manifest, served.kode_wilayah)
            stream = delivery.open("records.csv")
            if stream is None:
                raise BatchRejected(
                    RejectCode.RECORDS_MISSING, "records.csv tidak ada di dalam batch"
                )
            with stream:
                found = scan(stream, manifest.sha256_records)
            if found.rows != manifest.jumlah_record:
                raise BatchRejected(
                    RejectCode.ROW_COUNT_MISMATCH,
                    f"records.csv berisi {found.rows} baris data, manifest menyebut "
                    f"jumlah_record {manifest.jumlah_record}",
                )
        except BatchRejected as exc:
            return CheckedDelivery(
                path=path, name=name, batch_id=(known or name)[:100], rejection=exc
            )
        return CheckedDelivery(
            path=path, name=name, batch_id=manifest.batch_id, manifest=manifest, rows=found.rows
        )
    finally:
        delivery.close()


# --- step 2b: log a rejected batch -------------------------------------------------


def record_rejection(
    *,
    engine: Engine,
    checked: CheckedDelivery,
    served: ServedRegency,
    rejected_dir: Path,
    archive_dir: Path | None = None,
) -> IngestResult:
    """A rejected batch: nothing of it is stored, only the fact of its rejection.

    A batch id accepted meanwhile (another copy, ingested by another process) is
    never answered with REJECTED: its original ACK is issued again instead.
    """
    assert checked.rejection is not None
    now = datetime.now(UTC)
    stamp = now.strftime("%Y%m%dT%H%M%SZ")
    dest = unique_destination(rejected_dir, f"{stamp}-{checked.path.name}")
    with write_session(engine, lock=LOCK_INTAKE) as session:
        accepted = session.get(Batch, checked.batch_id[:100])
        if accepted is None:
            session.add(
                Delivery(
                    batch_id=checked.batch_id,
                    source_name=checked.path.name,
                    status="REJECTED",
                    reason_code=checked.rejection.reject_code.value,
                    reason=checked.rejection.message,
                    filed_to=str(dest),
                    processed_at=now,
                )
            )
    if accepted is not None:
        again = dataclasses.replace(
            checked,
            rejection=None,
            redelivered_ack=json.loads(accepted.ack_json),
            archive_path=accepted.archive_path,
        )
        return redelivery(again, archive_dir or rejected_dir)
    ack = build_ack(checked.batch_id, served=served, reason=checked.rejection.message, now=now)
    return IngestResult(ack, dest)


def redelivery(checked: CheckedDelivery, archive_dir: Path) -> IngestResult:
    """An accepted batch delivered again: its original ACK, unchanged; nothing else happens.

    The copy is still filed (nothing from central is deleted): to the batch's
    archive place if an earlier run stopped before filing, else beside it.
    """
    assert checked.redelivered_ack is not None
    planned = Path(checked.archive_path) if checked.archive_path else None
    if planned is not None and not planned.exists():
        dest = planned
    else:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        dest = unique_destination(archive_dir, f"{checked.path.name}.terima-ulang-{stamp}")
    return IngestResult(checked.redelivered_ack, dest)


# --- steps 3 and 4: ACK and filing ---------------------------------------------------


def ack_filename(batch_id: str) -> str:
    safe = "".join(ch if ch.isalnum() or ch in "._-" else "_" for ch in batch_id)[:120]
    return f"ACK-{safe or 'tanpa-id'}.json"


def write_ack(ack: dict[str, Any], outbox: Path) -> Path:
    """Write the ACK atomically (a reader never sees half a file)."""
    outbox.mkdir(parents=True, exist_ok=True)
    dest = outbox / ack_filename(ack["batch_id"])
    fd, tmp = tempfile.mkstemp(dir=outbox, prefix=".ack-", suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(ack, f, ensure_ascii=False, indent=2)
        f.write("\n")
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, dest)
    return dest


def file_delivery(source: Path, dest: Path | None, move: bool = True) -> Path | None:
    """File a processed delivery in the archive or ``rejected/``; never delete it.

    ``move`` (a delivery of the inbox) moves it there; otherwise (a delivery given
    from a flash disk or any other place) it is copied and the original left as it was.
    """
    if dest is None or not os.path.lexists(source):
        return None  # already filed (an earlier run, or another worker)
    dest.parent.mkdir(parents=True, exist_ok=True)
    if os.path.lexists(dest):
        dest = unique_destination(dest.parent, dest.name)
    if move:
        shutil.move(str(source), str(dest))
    else:
        _copy(source, dest)
    return dest


def _copy(source: Path, dest: Path) -> None:
    """Copy a delivery whole under a hidden name, then rename it: never half a copy."""
    tmp = dest.parent / f".{dest.name}.{os.getpid()}.salin"
    try:
        if source.is_dir():
            shutil.copytree(source, tmp, symlinks=True)
            # A read-only original (write-protected flash disk) stays Cetak's to manage.
            for path in [tmp, *tmp.rglob("*")]:
                mode = path.lstat().st_mode
                if stat.S_ISDIR(mode):
                    path.chmod(stat.S_IMODE(mode) | 0o700)
                elif stat.S_ISREG(mode):
                    path.chmod(stat.S_IMODE(mode) | 0o600)
        else:
            shutil.copy2(source, tmp)
            tmp.chmod(stat.S_IMODE(tmp.stat().st_mode) | 0o600)
        os.rename(tmp, dest)
    except BaseException:
        if tmp.is_dir() and not tmp.is_symlink():
            shutil.rmtree(tmp, ignore_errors=True)
        else:
            tmp.unlink(missing_ok=True)
        raise


def ingest_one(
    *,
    engine: Engine,
    path: Path,
    served: ServedRegency,
    home_dirs: tuple[Path, Path, Path],
    today: date,
    actor: str = "ingest",
    inbox: Path | None = None,
) -> dict[str, Any] | None:
    """All steps for one delivery without Prefect (tests, benchmarks); returns the ACK.

    Without ``inbox`` the caller owns ``path``: it is moved when filed, unclaimed. With
    ``inbox`` it goes as in the flow: claimed, moved only from inside the inbox (else
    copied), and None is returned when another process has it.
    """
    archive_dir, rejected_dir, outbox = home_dirs
    steps = DeliverySteps(
        check=lambda p: check_delivery(engine=engine, path=p, served=served),
        settle=lambda checked: settle(
            engine=engine,
            checked=checked,
            served=served,
            archive_dir=archive_dir,
            rejected_dir=rejected_dir,
            today=today,
            actor=actor,
        ),
        write_ack=lambda ack: write_ack(ack, outbox),
        file=file_delivery,
    )
    if inbox is None:
        return _run_steps(PlannedDelivery(path, move=True), steps).ack
    real = Path(os.path.realpath(path))
    inside = real != Path(os.path.realpath(inbox)) and real.is_relative_to(os.path.realpath(inbox))
    return ingest_delivery(PlannedDelivery(real, move=inside), inbox=inbox, steps=steps).ack


# --- one delivery, claimed ------------------------------------------------------------


@dataclasses.dataclass(frozen=True, slots=True)
class DeliverySteps:
    """The four steps, as the caller runs them (Prefect tasks in the flow)."""

    check: Callable[[Path], CheckedDelivery]
    settle: Callable[[CheckedDelivery], IngestResult]
    write_ack: Callable[[dict[str, Any]], Any]
    file: Callable[[Path, Path | None, bool], Any]


@dataclasses.dataclass(frozen=True, slots=True)
class DeliveryOutcome:
    """The ACK of a processed delivery, or (``ack`` None) why it was left alone."""

    path: Path
    ack: dict[str, Any] | None = None
    left: str | None = None


def peek_batch_id(path: Path) -> str | None:
    """The manifest's batch id, if it can be read (to claim the batch as well)."""
    try:
        delivery = open_delivery(path)
    except BatchRejected:
        return None
    try:
        return read_batch_id(delivery.read("manifest.json", limit=MAX_MANIFEST_BYTES))
    finally:
        delivery.close()


def _run_steps(item: PlannedDelivery, steps: DeliverySteps) -> DeliveryOutcome:
    checked = steps.check(item.path)
    result = steps.settle(checked)
    steps.write_ack(result.ack)
    steps.file(checked.path, result.file_to, item.move)
    return DeliveryOutcome(item.path, ack=result.ack)


def ingest_delivery(item: PlannedDelivery, *, inbox: Path, steps: DeliverySteps) -> DeliveryOutcome:
    """Check, store, ACK and file one delivery, holding its claim from first to last.

    The loser of a race (the delivery or its batch id claimed by another process, or
    already filed by one) changes nothing and says so. The claims are OS locks, so a
    crashed claimer leaves nothing behind that blocks the delivery.
    """
    name = item.path.name
    with ExitStack() as held:
        if not held.enter_context(claim_delivery(item.path, inbox=inbox)):
            return DeliveryOutcome(
                item.path,
                left=f"'{name}' sedang diproses oleh proses lain; dilewati tanpa perubahan.",
            )
        if not os.path.lexists(item.path):
            return DeliveryOutcome(
                item.path,
                left=f"'{name}' sudah diproses oleh proses lain (tidak ada lagi di tempatnya); "
                "dilewati tanpa perubahan.",
            )
        batch_id = peek_batch_id(item.path)
        if batch_id is not None and not held.enter_context(claim_batch(batch_id, inbox=inbox)):
            return DeliveryOutcome(
                item.path,
                left=f"batch {batch_id} ('{name}') sedang diproses oleh proses lain "
                "dari salinan lain; dilewati tanpa perubahan, diproses pada putaran berikutnya.",
            )
        return _run_steps(item, steps)
    raise AssertionError("unreachable")  # pragma: no cover


def settle(
    *,
    engine: Engine,
    checked: CheckedDelivery,
    served: ServedRegency,
    archive_dir: Path,
    rejected_dir: Path,
    today: date,
    actor: str = "ingest",
) -> IngestResult:
    """Step 2: store, reject or recognise a re-delivery, as the check decided."""
    if checked.redelivered_ack is not None:
        return redelivery(checked, archive_dir)
    if checked.rejection is not None:
        return record_rejection(
            engine=engine,
            checked=checked,
            served=served,
            rejected_dir=rejected_dir,
            archive_dir=archive_dir,
        )
    return store_batch(
        engine=engine,
        checked=checked,
        served=served,
        archive_dir=archive_dir,
        today=today,
        actor=actor,
    )
