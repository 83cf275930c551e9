"""Storing an accepted batch: every row's outcome, in one transaction, all or nothing.

The CSV is streamed twice: once for the keys (duplicate ids, NIKs per batch) and
once for the rows, a block at a time: each block is checked column by column
(``intake.columns``, the same outcome per row as ``rules.check_row``), its photos read
and checked (in worker processes for a large batch, ahead of the block being stored),
its outcomes decided and its records and photos written with one bulk insert per table
(``executemany`` on SQLite, ``COPY`` on PostgreSQL). Memory holds the batch's ids and
NIKs and a few blocks, never all its rows or photos.
"""

from __future__ import annotations

import json
from collections import Counter, deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from itertools import repeat
from pathlib import Path
from typing import IO, Any, cast

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY
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
from intake.columns import BlockCheck, ColumnChecker
from intake.csvfile import Columns, ParsedFile, iter_blocks, parse_whole
from intake.delivery import open_delivery
from intake.photoread import POOL_MIN_PHOTOS, WORKERS, Photo, PhotoReader
from intake.results import CheckedDelivery, IngestResult, build_ack, unique_destination
from intake.rules import BELUM_KAWIN, FEED_COLUMNS, outcome_of

_REC = Record.__table__  # type: ignore[attr-defined]
_EVT = RecordEvent.__table__  # type: ignore[attr-defined]
_PHOTO = RecordPhoto.__table__  # type: ignore[attr-defined]

#: Longest value kept in an indexed column of a quarantined row (what central sent is
#: otherwise kept whole; a value this long is not a NIK, a code or an id anyway).
MAX_KEY_CHARS = 64
QUERY_CHUNK = 2_000
PG_QUERY_CHUNK = 20_000
#: Rows per block of the key pass (duplicate ids, NIKs per batch).
KEY_BLOCK = 5_000
#: From this many rows, ``records.csv`` is parsed once, whole, by pyarrow (when it can be).
WHOLE_PARSE_MIN = 4_000
_FOTO = FEED_COLUMNS.index("foto")


def _among(session: Session, column: sa.ColumnElement[Any], values: list[str]) -> Any:
    """``column`` is one of ``values``: one array parameter on PostgreSQL (a long ``IN``
    list costs a parameter each to send and to plan), an ``IN`` list on SQLite."""
    if session.get_bind().dialect.name == "postgresql":
        return column == sa.any_(sa.bindparam("among", values, type_=ARRAY(sa.String())))
    return column.in_(values)


def _chunks(session: Session, values: list[str]) -> Iterator[list[str]]:
    size = PG_QUERY_CHUNK if session.get_bind().dialect.name == "postgresql" else QUERY_CHUNK
    for i in range(0, len(values), size):
        yield values[i : i + size]


def _existing(session: Session, column: sa.ColumnElement[Any], values: list[str]) -> set[str]:
    found: set[str] = set()
    for chunk in _chunks(session, values):
        found.update(
            session.execute(sa.select(column).where(_among(session, column, chunk))).scalars()
        )
    return found


def _nik_standing(session: Session, niks: list[str]) -> tuple[set[str], set[str]]:
    """(NIKs that wait unprinted, NIKs whose card was printed) among ``niks``."""
    waiting: set[str] = set()
    printed: set[str] = set()
    wait_states = [s.value for s in WAITING_STATES]
    printed_states = [s.value for s in PRINTED_STATES]
    for chunk in _chunks(session, niks):
        rows = session.execute(
            sa.select(_REC.c.nik, _REC.c.state, _REC.c.printed_at).where(
                _among(session, _REC.c.nik, chunk)
            )
        )
        for nik, state, printed_at in rows:
            if state in wait_states:
                waiting.add(nik)
            if state in printed_states or printed_at is not None:
                printed.add(nik)
    return waiting, printed


def _storable_id(prr_id: str) -> bool:
    return 0 < len(prr_id) <= MAX_KEY_CHARS and "\x00" not in prr_id


class _Rows:
    """The rows of ``records.csv``, a block at a time, as often as asked: parsed once by
    pyarrow when the batch is large and the file allows it (``csvfile.parse_whole``),
    else streamed by ``csv`` on each pass."""

    def __init__(self, delivery: Any, rows: int, whole: bool) -> None:
        self._delivery = delivery
        self.parsed: ParsedFile | None = None
        if whole:
            # An accepted batch has its records.csv (checked before).
            with cast(IO[bytes], delivery.open("records.csv")) as stream:
                self.parsed = parse_whole(stream.read(), rows)

    def blocks(self, size: int) -> Iterator[tuple[int, Columns]]:
        if self.parsed is not None:
            yield from self.parsed.blocks(size)
            return
        with cast(IO[bytes], self._delivery.open("records.csv")) as stream:
            yield from iter_blocks(stream, size)


def _duplicates(session: Session, source: _Rows, rows: int) -> tuple[bytearray, Counter[str]]:
    """(duplicate flag per row, non-duplicate rows per NIK), reading the rows once.

    A row is a duplicate when its ``prr_id`` was ingested in an earlier batch or
    appeared earlier in this one. Earlier batches are asked a block of rows at a
    time, so memory holds only this batch's ids and NIKs, not its rows.
    """
    duplicate = bytearray(rows)
    seen: set[str] = set()
    nik_rows: Counter[str] = Counter()
    for first, columns in source.blocks(KEY_BLOCK):
        ids = [p or "" for p in columns[0]]  # FEED_COLUMNS: prr_id, nik, ...
        niks = [n or "" for n in columns[1]]
        storable = sorted({p for p in ids if _storable_id(p)})
        before = _existing(session, _REC.c.prr_id, storable) if storable else set()
        index = first - 1
        for prr_id, nik in zip(ids, niks, strict=True):
            if prr_id and (prr_id in seen or prr_id in before):
                duplicate[index] = 1
            else:
                if prr_id:
                    seen.add(prr_id)
                nik_rows[nik] += 1
            index += 1
    return duplicate, nik_rows


def _clip(value: str) -> str:
    return value if len(value) <= MAX_KEY_CHARS else value[: MAX_KEY_CHARS - 1] + "…"


#: The record columns one bulk insert writes, in order (``id`` is the database's).
RECORD_COLUMNS: tuple[str, ...] = (
    *FEED_COLUMNS,
    "batch_id",
    "row_number",
    "birth_date",
    "state",
    "reason",
    "reason_detail",
    "release_on",
    "attempts",
    "created_at",
    "updated_at",
)
PHOTO_COLUMNS: tuple[str, ...] = ("record_id", "media_type", "content")
_NIK, _KEC = FEED_COLUMNS.index("nik"), FEED_COLUMNS.index("kode_kecamatan")


def _stored_columns(values: list[list[str]]) -> list[list[str | None]]:
    """What a row's feed columns hold in the table, column by column.

    A quarantined row keeps what central sent, but PostgreSQL text cannot hold NUL; an
    indexed column keeps at most ``MAX_KEY_CHARS``; an unusable ``prr_id`` is NULL.
    """
    out: list[list[str | None]] = []
    for pos, col in enumerate(values):
        if "\x00" in "".join(col):
            col = [v.replace("\x00", "\ufffd") for v in col]
        if pos in (_NIK, _KEC) and max(map(len, col), default=0) > MAX_KEY_CHARS:
            col = list(map(_clip, col))
        out.append(list(col))
    ids = out[0]
    if not all(0 < len(v or "") <= MAX_KEY_CHARS for v in ids):
        out[0] = [v if v and len(v) <= MAX_KEY_CHARS else None for v in ids]
    return out


class _BulkWriter:
    """One bulk insert path per table: ``executemany`` of prepared rows on SQLite,
    ``COPY`` on PostgreSQL, on the session's own connection (its transaction)."""

    def __init__(self, session: Session) -> None:
        self.session = session
        conn = session.connection()
        self.dialect = conn.dialect
        self.postgres = self.dialect.name == "postgresql"
        self.dbapi: Any = conn.connection.driver_connection
        self._types: dict[tuple[str, tuple[str, ...]], list[str]] = {}

    def bind(self, column: sa.Column[Any]) -> Any:
        """The driver value of ``column``'s values (SQLAlchemy's own bind processing)."""
        return column.type.dialect_impl(self.dialect).bind_processor(self.dialect)

    def _pg_types(self, table: sa.Table, columns: tuple[str, ...]) -> list[str]:
        """The database's own type of each column (binary COPY sends exactly those)."""
        found = dict(
            self.session.execute(
                sa.text(
                    "SELECT a.attname, t.typname FROM pg_attribute a"
                    " JOIN pg_type t ON t.oid = a.atttypid"
                    " WHERE a.attrelid = CAST(:table AS regclass) AND a.attnum > 0"
                ),
                {"table": table.name},
            ).all()
        )
        return [found[c] for c in columns]

    def insert(
        self, table: sa.Table, columns: tuple[str, ...], rows: list[tuple[Any, ...]]
    ) -> None:
        if not rows:
            return
        names = ", ".join(f'"{c}"' for c in columns)
        if self.postgres:
            key = (table.name, columns)
            if key not in self._types:
                self._types[key] = self._pg_types(table, columns)
            sql = f'COPY "{table.name}" ({names}) FROM STDIN (FORMAT BINARY)'
            with self.dbapi.cursor() as cur, cur.copy(sql) as copy:
                copy.set_types(self._types[key])
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join("?" for _ in columns)
            cur = self.dbapi.cursor()
            try:
                cur.executemany(f'INSERT INTO "{table.name}" ({names}) VALUES ({marks})', rows)
            finally:
                cur.close()

    def ids(self, batch_id: str, first: int, last: int) -> dict[int, int]:
        """Row number -> new record id, for the rows of one block."""
        return dict(
            self.session.execute(
                sa.select(_REC.c.row_number, _REC.c.id).where(
                    _REC.c.batch_id == batch_id, _REC.c.row_number.between(first, last)
                )
            ).all()
        )


@dataclass(slots=True)
class _Pending:
    """A checked block whose photos are being read."""

    first: int
    block: BlockCheck
    live: list[int]  # rows of the block that are not duplicates
    photo_rows: list[int]  # rows whose photo is read (no reason of their own)
    photos: Callable[[], list[Photo]]


class _BatchWriter:
    """Decides and stores the rows of one batch, a block at a time."""

    def __init__(
        self,
        session: Session,
        *,
        batch_id: str,
        now: datetime,
        today: date,
        nik_rows: Counter[str],
        waiting: set[str],
        printed: set[str],
    ) -> None:
        self.out = _BulkWriter(session)
        self.batch_id = batch_id
        self.today = today
        self.nik_rows = nik_rows
        self.waiting = waiting
        self.printed = printed
        self.counts: Counter[str] = Counter()
        self.supersede: list[tuple[int, str, str]] = []  # (new record id, nik, prr_id)
        stamp = self.out.bind(_REC.c.created_at)
        self.stamp = stamp(now) if stamp else now
        self.date = self.out.bind(_REC.c.birth_date) or (lambda d: d)
        self._dates: dict[date | None, Any] = {}

    def store(self, item: _Pending) -> None:
        block, live, first = item.block, item.live, item.first
        photo_of = dict(zip(item.photo_rows, item.photos(), strict=True))
        values = block.values
        kinds = values[FEED_COLUMNS.index("jenis_permohonan")]
        status = values[FEED_COLUMNS.index("status_perkawinan")]
        niks = values[_NIK]
        nik_rows, waiting, printed = self.nik_rows, self.waiting, self.printed
        counts, today, flagged = self.counts, self.today, block.flagged
        states: list[str] = []
        reasons: list[str | None] = []
        details: list[str | None] = []
        releases: list[Any] = []
        keep: list[tuple[int, tuple[bytes, str]]] = []
        supersede: list[int] = []
        for i in live:
            check = flagged.get(i)
            photo = photo_of.get(i)
            nik = niks[i]
            if (
                check is None
                and photo is not None
                and status[i] != BELUM_KAWIN
                and nik_rows[nik] == 1
                and nik not in waiting
                and nik not in printed
            ):
                # What outcome_of decides for such a row (nothing against it, never held),
                # without the call: the usual row of a batch.
                counts["queued"] += 1
                states.append("queued")
                reasons.append(None)
                details.append(None)
                releases.append(None)
                keep.append((i, photo))
                continue
            outcome = outcome_of(
                check.reason if check else None,
                check.detail if check else None,
                block.birth[i],
                kind=kinds[i],
                status_perkawinan=status[i],
                photo_ok=photo is not None,
                nik_rows_in_batch=nik_rows[nik],
                nik_waiting=nik in waiting,
                nik_printed=nik in printed,
                today=today,
            )
            reason = outcome.reason.value if outcome.reason else None
            counts[reason or outcome.state] += 1
            states.append(outcome.state)
            reasons.append(reason)
            details.append(outcome.detail)
            releases.append(None if outcome.release_on is None else self.date(outcome.release_on))
            if photo is not None and outcome.state != "quarantined":
                keep.append((i, photo))
            if outcome.supersedes:
                supersede.append(i)
        if not live:
            return
        stored = _stored_columns(values)
        if len(live) != len(block):
            stored = [[col[i] for i in live] for col in stored]
        memo = self._dates
        for b in set(block.birth).difference(memo):
            memo[b] = None if b is None else self.date(b)
        births = [memo[block.birth[i]] for i in live]
        n = len(live)
        numbers = [first + i for i in live]
        rows = list(
            zip(
                *stored,
                repeat(self.batch_id, n),
                numbers,
                births,
                states,
                reasons,
                details,
                releases,
                repeat(0, n),
                repeat(self.stamp, n),
                repeat(self.stamp, n),
                strict=True,
            )
        )
        self.out.insert(_REC, RECORD_COLUMNS, rows)
        if keep or supersede:
            ids = self.out.ids(self.batch_id, numbers[0], numbers[-1])
            photos = [(ids[first + i], media, data) for i, (data, media) in keep]
            self.out.insert(_PHOTO, PHOTO_COLUMNS, photos)
            ids_col = values[0]
            for i in supersede:
                self.supersede.append((ids[first + i], niks[i], ids_col[i]))


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


def _supersede(
    session: Session,
    found_rows: list[tuple[int, str, str]],
    batch_id: str,
    actor: str,
    at: datetime,
) -> int:
    found = []
    for new_id, nik, prr_id in found_rows:
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
        found.append((new_id, prr_id, list(old)))
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
            at=at,
            extra={"superseded_by": new_id},
        )
    return count


def _store_next(writer: _BatchWriter, pending: deque[_Pending], total: int) -> None:
    item = pending.popleft()
    writer.store(item)
    progress.report(writer.batch_id, item.first - 1 + len(item.block), total)


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
    photo_workers: int = WORKERS,
    pool_min: int = POOL_MIN_PHOTOS,
    whole_parse_min: int = WHOLE_PARSE_MIN,
) -> IngestResult:
    """Store every row of an accepted batch with its outcome, in one transaction.

    Rows are checked and inserted ``chunk`` at a time (by default
    ``CETAK_INSERT_CHUNK_SIZE``). A batch of at least ``pool_min`` rows (duplicates
    aside) reads its photos in ``photo_workers`` processes; one of at least
    ``whole_parse_min`` rows is parsed once, by pyarrow, when its file allows it.
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

            source = _Rows(delivery, checked.rows, whole=checked.rows >= whole_parse_min)
            duplicate, nik_rows = _duplicates(session, source, checked.rows)
            lookups = sorted(n for n in nik_rows if len(n) == 16 and n.isascii() and n.isdigit())
            waiting, printed = _nik_standing(session, lookups)

            writer = _BatchWriter(
                session,
                batch_id=manifest.batch_id,
                now=now,
                today=today,
                nik_rows=nik_rows,
                waiting=waiting,
                printed=printed,
            )
            total = checked.rows
            live_rows = total - sum(duplicate)
            workers = photo_workers if live_rows >= pool_min else 0
            pending: deque[_Pending] = deque()
            checker = ColumnChecker(kecamatan=kecamatan, provinces=known_provinces)
            with PhotoReader(delivery, workers=workers) as reader:
                for first, columns in source.blocks(chunk):
                    block = checker.check(columns)
                    live = [i for i in range(len(block)) if not duplicate[first - 1 + i]]
                    wanted = [i for i in live if i not in block.flagged]
                    foto = block.values[_FOTO]
                    photos = reader.submit([foto[i] for i in wanted])
                    pending.append(_Pending(first, block, live, wanted, photos))
                    # Workers read the next blocks' photos while this one is stored.
                    while len(pending) > (2 if workers else 0):
                        _store_next(writer, pending, total)
                while pending:
                    _store_next(writer, pending, total)
            counts = writer.counts
            counts["duplicate"] = total - live_rows
            progress.report(manifest.batch_id, total, total)
            _initial_events(session, manifest.batch_id, now, actor)
            counts["superseded"] = _supersede(
                session, writer.supersede, manifest.batch_id, actor, now
            )

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
