"""Storing an accepted batch: every row's outcome, in one transaction, all or nothing.

The CSV is streamed twice: once for the keys (duplicate ids, NIKs per batch) and
once for the rows, which are checked, decided and written a chunk at a time, so
memory holds the batch's ids and NIKs but never its rows or photos.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any, cast

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session

from cetak.db import LOCK_INTAKE, write_session
from cetak.installation import ServedRegency
from cetak.lifecycle import PRINTED_STATES, WAITING_STATES, RecordState
from cetak.models import (
    Batch,
    Delivery,
    Record,
    RecordEvent,
    RecordPhoto,
    UTCDateTime,
    utcnow,
)
from cetak.records import lock_records, transition
from cetak.redact import redacted_errors
from cetak.regions import provinces
from cetak.settings import get_settings
from intake import progress
from intake.csvfile import iter_rows
from intake.delivery import open_delivery
from intake.photos import photo_media_type
from intake.results import CheckedDelivery, IngestResult, build_ack, unique_destination
from intake.rules import Outcome, check_row, decide_outcome

_REC = Record.__table__  # type: ignore[attr-defined]
_EVT = RecordEvent.__table__  # type: ignore[attr-defined]
_PHOTO = RecordPhoto.__table__  # type: ignore[attr-defined]

#: Longest value kept in an indexed column of a quarantined row (what central sent is
#: otherwise kept whole; a value this long is not a NIK, a code or an id anyway).
MAX_KEY_CHARS = 64
QUERY_CHUNK = 500


def _existing(session: Session, column: sa.ColumnElement[Any], values: list[str]) -> set[str]:
    found: set[str] = set()
    for i in range(0, len(values), QUERY_CHUNK):
        chunk = values[i : i + QUERY_CHUNK]
        found.update(session.execute(sa.select(column).where(column.in_(chunk))).scalars())
    return found


def _nik_standing(session: Session, niks: list[str]) -> tuple[set[str], set[str]]:
    """(NIKs that wait unprinted, NIKs whose card was printed) among ``niks``."""
    waiting: set[str] = set()
    printed: set[str] = set()
    wait_states = [s.value for s in WAITING_STATES]
    printed_states = [s.value for s in PRINTED_STATES]
    for i in range(0, len(niks), QUERY_CHUNK):
        chunk = niks[i : i + QUERY_CHUNK]
        rows = session.execute(
            sa.select(_REC.c.nik, _REC.c.state, _REC.c.printed_at).where(_REC.c.nik.in_(chunk))
        )
        for nik, state, printed_at in rows:
            if state in wait_states:
                waiting.add(nik)
            if state in printed_states or printed_at is not None:
                printed.add(nik)
    return waiting, printed


def _storable_id(prr_id: str) -> bool:
    return 0 < len(prr_id) <= MAX_KEY_CHARS and "\x00" not in prr_id


def _duplicates(session: Session, delivery: Any, rows: int) -> tuple[bytearray, Counter[str]]:
    """(duplicate flag per row, non-duplicate rows per NIK), streaming the CSV once.

    A row is a duplicate when its ``prr_id`` was ingested in an earlier batch or
    appeared earlier in this one. Earlier batches are asked a chunk of rows at a
    time, so memory holds only this batch's ids and NIKs, not its rows.
    """
    duplicate = bytearray(rows)
    seen: set[str] = set()
    nik_rows: Counter[str] = Counter()

    def settle(chunk: list[tuple[int, str, str]]) -> None:
        ids = sorted({p for _, p, _ in chunk if _storable_id(p)})
        before = _existing(session, _REC.c.prr_id, ids) if ids else set()
        for index, prr_id, nik in chunk:
            if prr_id and (prr_id in seen or prr_id in before):
                duplicate[index] = 1
                continue
            if prr_id:
                seen.add(prr_id)
            nik_rows[nik] += 1

    chunk: list[tuple[int, str, str]] = []
    with delivery.open("records.csv") as stream:
        for number, row in iter_rows(stream):
            chunk.append((number - 1, row["prr_id"] or "", row["nik"] or ""))
            if len(chunk) >= QUERY_CHUNK:
                settle(chunk)
                chunk = []
    settle(chunk)
    return duplicate, nik_rows


def _clip(value: str) -> str:
    return value if len(value) <= MAX_KEY_CHARS else value[: MAX_KEY_CHARS - 1] + "…"


def _record_row(
    batch_id: str, number: int, values: dict[str, str], outcome: Outcome, birth: date | None
) -> dict[str, Any]:
    prr_id = values["prr_id"]
    # A quarantined row keeps what central sent, but PostgreSQL text cannot hold NUL.
    row: dict[str, Any] = {k: v.replace("\x00", "\ufffd") for k, v in values.items()}
    row.update(
        prr_id=row["prr_id"] if 0 < len(prr_id) <= MAX_KEY_CHARS else None,
        nik=_clip(row["nik"]),
        kode_kecamatan=_clip(row["kode_kecamatan"]),
        batch_id=batch_id,
        row_number=number,
        birth_date=birth,
        state=outcome.state,
        reason=outcome.reason.value if outcome.reason else None,
        reason_detail=outcome.detail,
        release_on=outcome.release_on,
        attempts=0,
    )
    return row


class _Writer:
    """Bulk inserts of one batch's records and photos, a chunk at a time."""

    def __init__(self, session: Session, now: datetime, chunk: int) -> None:
        self.session = session
        self.now = now
        self.chunk = chunk
        self.rows: list[dict[str, Any]] = []
        self.photos: list[tuple[bytes, str] | None] = []
        self.supersede: list[tuple[int, str, str]] = []  # (row index, nik, prr_id)
        self.new_ids: dict[int, int] = {}

    def add(self, row: dict[str, Any], photo: tuple[bytes, str] | None, supersedes: bool) -> None:
        row["created_at"] = row["updated_at"] = self.now
        if supersedes:
            self.supersede.append((row["row_number"], row["nik"], row["prr_id"] or ""))
        self.rows.append(row)
        self.photos.append(photo)
        if len(self.rows) >= self.chunk:
            self.flush()

    def flush(self) -> None:
        if not self.rows:
            return
        # A plain executemany (RETURNING would send row by row on SQLite); the new
        # ids are read back by (batch, row number), which is unique.
        self.session.execute(sa.insert(_REC), self.rows)
        batch_id = self.rows[0]["batch_id"]
        first, last = self.rows[0]["row_number"], self.rows[-1]["row_number"]
        ids = dict(
            self.session.execute(
                sa.select(_REC.c.row_number, _REC.c.id).where(
                    _REC.c.batch_id == batch_id, _REC.c.row_number.between(first, last)
                )
            ).all()
        )
        photos = [
            {"record_id": ids[row["row_number"]], "content": p[0], "media_type": p[1]}
            for row, p in zip(self.rows, self.photos, strict=True)
            if p is not None
        ]
        if photos:
            self.session.execute(sa.insert(_PHOTO), photos)
        for number, _, _ in self.supersede:
            if first <= number <= last:
                self.new_ids[number] = ids[number]
        self.rows, self.photos = [], []


def _initial_events(session: Session, batch_id: str, at: datetime, actor: str) -> None:
    """One event per new record (born in its first state), in a single statement."""
    reason = sa.case(
        (_REC.c.reason.is_not(None), _REC.c.reason),
        else_=sa.literal(f"batch {batch_id}"),
    )
    session.execute(
        sa.insert(_EVT).from_select(
            ["record_id", "from_state", "to_state", "at", "actor", "reason"],
            sa.select(
                _REC.c.id,
                sa.null(),
                _REC.c.state,
                sa.bindparam("at", at, type_=UTCDateTime()),
                sa.literal(actor),
                reason,
            ).where(_REC.c.batch_id == batch_id),
        )
    )


def _supersede(session: Session, writer: _Writer, batch_id: str, actor: str) -> int:
    found = []
    for number, nik, prr_id in writer.supersede:
        old = (
            session.execute(
                sa.select(_REC.c.id).where(
                    _REC.c.nik == nik,
                    _REC.c.state.in_([s.value for s in WAITING_STATES]),
                    _REC.c.batch_id != batch_id,
                )
            )
            .scalars()
            .all()
        )
        found.append((writer.new_ids[number], prr_id, list(old)))
    # All of them locked at once, in id order, before any moves: no deadlock with planning.
    lock_records(session, [rid for _, _, old in found for rid in old])
    count = 0
    for new_id, prr_id, old in found:
        count += transition(
            session,
            old,
            RecordState.SUPERSEDED,
            actor=actor,
            reason=f"diganti data baru (PERUBAHAN_DATA) PRR {prr_id}",
            at=writer.now,
            extra={"superseded_by": new_id},
        )
    return count


@redacted_errors  # a database error carries the batch's rows: it leaves as DatabaseFailed
def store_batch(
    *,
    engine: Engine,
    checked: CheckedDelivery,
    served: ServedRegency,
    archive_dir: Path,
    today: date,
    actor: str = "ingest",
    chunk: int | None = None,
) -> IngestResult:
    """Store every row of an accepted batch with its outcome, in one transaction.

    Rows are inserted ``chunk`` at a time (by default ``CETAK_INSERT_CHUNK_SIZE``).
    """
    assert checked.manifest is not None and checked.accepted
    chunk = max(1, get_settings().insert_chunk_size if chunk is None else chunk)
    manifest = checked.manifest
    kecamatan = frozenset(served.kecamatan)
    known_provinces = frozenset(provinces())
    now = utcnow()
    delivery = open_delivery(checked.path)
    try:
        with write_session(engine, lock=LOCK_INTAKE) as session:
            existing = session.get(Batch, manifest.batch_id)
            if existing is not None:  # another worker stored it while we were checking
                return IngestResult(json.loads(existing.ack_json), None)
            archive = unique_destination(archive_dir, checked.path.name)
            batch = Batch(
                batch_id=manifest.batch_id,
                kode_wilayah=manifest.kode_wilayah,
                dibuat=manifest.dibuat,
                jumlah_record=manifest.jumlah_record,
                ack_json="{}",
                source_name=checked.path.name,
                archive_path=str(archive),
                accepted_at=now,
            )
            session.add(batch)
            session.flush()

            duplicate, nik_rows = _duplicates(session, delivery, checked.rows)
            lookups = sorted(n for n in nik_rows if len(n) == 16 and n.isascii() and n.isdigit())
            waiting, printed = _nik_standing(session, lookups)

            counts: Counter[str] = Counter()
            writer = _Writer(session, now, chunk)
            total = checked.rows
            # An accepted batch has its records.csv (checked before).
            with cast(IO[bytes], delivery.open("records.csv")) as stream:
                for number, raw in iter_rows(stream):
                    if duplicate[number - 1]:
                        counts["duplicate"] += 1
                        continue
                    check = check_row(raw, kecamatan=kecamatan, provinces=known_provinces)
                    photo = None
                    if check.reason is None:
                        data = delivery.read(check.values["foto"])
                        media = photo_media_type(data)
                        photo = (data, media) if data is not None and media else None
                    nik = check.values["nik"]
                    outcome = decide_outcome(
                        check,
                        photo_ok=photo is not None,
                        nik_rows_in_batch=nik_rows[nik],
                        nik_waiting=nik in waiting,
                        nik_printed=nik in printed,
                        today=today,
                    )
                    counts[outcome.reason.value if outcome.reason else outcome.state] += 1
                    keep = photo if outcome.state != "quarantined" else None
                    row = _record_row(
                        manifest.batch_id, number, check.values, outcome, check.birth_date
                    )
                    writer.add(row, keep, outcome.supersedes)
                    if number % chunk == 0:
                        progress.report(manifest.batch_id, number, total)
            writer.flush()
            progress.report(manifest.batch_id, total, total)
            _initial_events(session, manifest.batch_id, now, actor)
            counts["superseded"] = _supersede(session, writer, manifest.batch_id, actor)

            ack = build_ack(manifest.batch_id, served=served, counts=counts, now=now)
            batch.ack_json = json.dumps(ack, ensure_ascii=False)
            batch.queued, batch.held = counts["queued"], counts["held"]
            batch.duplicate, batch.superseded = counts["duplicate"], counts["superseded"]
            batch.quarantined = sum(ack["quarantined"].values())
            session.add(batch)
            session.add(
                Delivery(
                    batch_id=manifest.batch_id,
                    source_name=checked.path.name,
                    status="ACCEPTED",
                    filed_to=str(archive),
                    processed_at=now,
                )
            )
    finally:
        delivery.close()
    return IngestResult(ack, archive)
