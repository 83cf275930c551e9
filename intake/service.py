"""The intake service: one delivery from central, step by step.

Steps (each one Prefect task in ``workflows.ingest``; tests and benchmarks call
them directly): ``check_delivery`` reads and checks the batch; then either
``store_batch`` stores every row's outcome in one transaction (all or nothing)
or ``record_rejection`` logs a rejected batch; ``write_ack`` writes the ACK to
the outbox; ``file_delivery`` moves the delivery to the archive or to
``rejected/``. A process killed anywhere leaves the batch stored whole or not
at all; running the intake again finishes the job, because an accepted batch id
is recognised first and its original ACK issued again.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session

from cetak.db import write_session
from cetak.installation import ServedRegency
from cetak.models import Batch, Delivery
from intake.csvfile import scan
from intake.delivery import open_delivery
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
    *, engine: Engine, checked: CheckedDelivery, served: ServedRegency, rejected_dir: Path
) -> IngestResult:
    """A rejected batch: nothing of it is stored, only the fact of its rejection."""
    assert checked.rejection is not None
    now = datetime.now(UTC)
    stamp = now.strftime("%Y%m%dT%H%M%SZ")
    dest = unique_destination(rejected_dir, f"{stamp}-{checked.path.name}")
    with write_session(engine) as session:
        session.add(
            Delivery(
                batch_id=checked.batch_id,
                source_name=checked.path.name,
                status="REJECTED",
                reason_code=checked.rejection.code.value,
                reason=checked.rejection.message,
                filed_to=str(dest),
                processed_at=now,
            )
        )
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


def file_delivery(source: Path, dest: Path | None) -> Path | None:
    """Move a processed delivery to the archive or ``rejected/``; never delete it."""
    if dest is None or not source.exists():
        return None  # already filed (an earlier run, or another worker)
    dest.parent.mkdir(parents=True, exist_ok=True)
    if dest.exists():
        dest = unique_destination(dest.parent, dest.name)
    shutil.move(str(source), str(dest))
    return dest


def ingest_one(
    *,
    engine: Engine,
    path: Path,
    served: ServedRegency,
    home_dirs: tuple[Path, Path, Path],
    today: date,
    actor: str = "ingest",
) -> dict[str, Any]:
    """All steps for one delivery without Prefect (tests, benchmarks); returns the ACK."""
    archive_dir, rejected_dir, outbox = home_dirs
    checked = check_delivery(engine=engine, path=path, served=served)
    result = settle(
        engine=engine,
        checked=checked,
        served=served,
        archive_dir=archive_dir,
        rejected_dir=rejected_dir,
        today=today,
        actor=actor,
    )
    write_ack(result.ack, outbox)
    file_delivery(checked.path, result.file_to)
    return result.ack


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
            engine=engine, checked=checked, served=served, rejected_dir=rejected_dir
        )
    return store_batch(
        engine=engine,
        checked=checked,
        served=served,
        archive_dir=archive_dir,
        today=today,
        actor=actor,
    )
