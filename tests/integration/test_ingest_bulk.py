"""The bulk ingest path (column-wise rules, photos in worker processes, executemany on
SQLite and COPY on PostgreSQL) stores exactly what the row rules decide, on both databases.

The reference is the row-by-row reading of the spec: ``check_row``, the photo check and
``decide_outcome`` for each row, with what the test knows of the batch and earlier batches.
Every stored column is compared with it, for blocks of a few rows with the photo pool on
and for one block read in-process.
"""

from __future__ import annotations

import io
import shutil
from collections import Counter
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from cetak.models import Record, RecordEvent, RecordPhoto
from cetak.regions import provinces
from intake import store
from intake.csvfile import iter_rows
from intake.delivery import open_delivery
from intake.photos import photo_media_type
from intake.rules import check_row, decide_outcome
from intake.service import check_delivery, ingest_one

from factory import BatchSpec, jpeg_bytes, make_row, png_bytes

TODAY = date(2026, 11, 24)
FIRST = "PRR-3310-20261120-0001"
SECOND = "PRR-3310-20261122-0001"


def _first_batch(engine, served, home, tmp_path: Path) -> list[dict[str, str]]:
    rows = [make_row() for _ in range(4)]
    ack = ingest_one(
        engine=engine,
        path=BatchSpec(batch_id=FIRST, rows=rows).write(tmp_path / "first"),
        served=served,
        home_dirs=(home.archive_dir, home.rejected_dir, home.outbox_dir),
        today=TODAY,
    )
    assert ack is not None and ack["queued"] == 4
    with engine.begin() as conn:  # the last one's card was printed meanwhile
        conn.execute(
            sa.update(Record)
            .where(Record.prr_id == rows[3]["prr_id"])
            .values(state="printed", printed_at=datetime(2026, 11, 21, tzinfo=UTC))
        )
    return rows


def _second_batch(earlier: list[dict[str, str]]) -> tuple[BatchSpec, dict[str, bytes]]:
    rows: list[dict[str, Any]] = [make_row(female=i % 2 == 0) for i in range(40)]
    photos = {r["foto"]: jpeg_bytes() for r in rows}
    twin = make_row()
    rows += [
        make_row(nik="3310011705900000"),  # BAD_NIK_FORMAT
        make_row(tanggal_lahir="1990-05-18"),  # NIK_BIRTHDATE_MISMATCH
        make_row(jenis_kelamin="PEREMPUAN"),  # NIK_GENDER_MISMATCH
        make_row(rt="1A", alamat="JL. \x00 NUL"),  # INVALID_FIELD, a NUL kept as U+FFFD
        make_row(nik="9" * 70, kode_kecamatan="3" * 70),  # over-long keys, clipped
        make_row(prr_id=""),  # no id: INVALID_FIELD, stored with prr_id NULL
        make_row(prr_id="X" * 70),  # too long for an id
        make_row(kode_kecamatan="33.11.01"),  # UNKNOWN_KECAMATAN
        make_row(foto="foto/absent.jpg"),  # MISSING_PHOTO: absent
        make_row(foto="foto/cut.jpg"),  # MISSING_PHOTO: truncated
        make_row(foto="../outside.jpg"),  # MISSING_PHOTO: outside the batch
        make_row(foto="foto/image.png"),  # a PNG
        twin,
        make_row(nik=twin["nik"]),  # DUPLICATE_NIK_IN_BATCH (both)
        make_row(nik=earlier[0]["nik"]),  # NIK_ALREADY_QUEUED
        make_row(nik=earlier[1]["nik"], jenis_permohonan="PERUBAHAN_DATA"),  # supersedes
        make_row(nik=earlier[3]["nik"]),  # NIK_ALREADY_PRINTED
        make_row(birth=date(2012, 3, 1), status_perkawinan="BELUM KAWIN"),  # held
        make_row(birth=date(2012, 3, 1), status_perkawinan="KAWIN"),  # married: queued
        make_row(status_perkawinan="BELUM KAWIN"),  # an unmarried adult: queued
        make_row(birth=date(2009, 11, 24), status_perkawinan="BELUM KAWIN"),  # 17 today
        make_row(birth=date(2009, 11, 25), status_perkawinan="BELUM KAWIN"),  # 17 tomorrow
        make_row(prr_id=earlier[2]["prr_id"]),  # duplicate of an earlier batch
        make_row(kewarganegaraan="WNA", berlaku_hingga="2031-01-01"),
        make_row(nama="  Ñoño D'Arcy  ", alamat=" Jl. Kenanga "),  # trimmed, non-ASCII
    ]
    rows.append(dict(rows[5]))  # the same prr_id again in this batch: duplicate
    for row in rows[40:]:
        if row["foto"] not in ("foto/absent.jpg", "../outside.jpg"):
            photos[row["foto"]] = jpeg_bytes()
    photos["foto/cut.jpg"] = jpeg_bytes()[:-40]
    photos["foto/image.png"] = png_bytes()
    return BatchSpec(batch_id=SECOND, rows=rows, photos=photos), photos


def _expected(engine, served, path: Path) -> dict[int, dict[str, Any]]:
    """Each stored row, as the row rules decide it (the reference)."""
    kecamatan, known = frozenset(served.kecamatan), frozenset(provinces())
    delivery = open_delivery(path)
    raw = list(iter_rows(io.BytesIO((path / "records.csv").read_bytes())))
    seen: set[str] = set()
    with engine.connect() as conn:
        before = set(conn.execute(sa.select(Record.prr_id)).scalars())
        standing = conn.execute(sa.select(Record.nik, Record.state, Record.printed_at)).all()
    waiting = {n for n, s, _ in standing if s in ("queued", "held")}
    printed = {n for n, s, p in standing if s == "printed" or p is not None}
    live = []
    for number, row in raw:
        prr_id = row["prr_id"] or ""
        if prr_id and (prr_id in seen or prr_id in before):
            continue
        seen.add(prr_id) if prr_id else None
        live.append((number, row))
    per_nik = Counter(row["nik"] or "" for _, row in live)
    out: dict[int, dict[str, Any]] = {}
    for number, row in live:
        check = check_row(row, kecamatan=kecamatan, provinces=known)
        photo = None
        if check.reason is None:
            data = delivery.read(check.values["foto"])
            media = photo_media_type(data)
            photo = (data, media) if data is not None and media else None
        nik = check.values["nik"]
        outcome = decide_outcome(
            check,
            photo_ok=photo is not None,
            nik_rows_in_batch=per_nik[nik],
            nik_waiting=nik in waiting,
            nik_printed=nik in printed,
            today=TODAY,
        )
        values = {k: v.replace("\x00", "\ufffd") for k, v in check.values.items()}
        for key in ("nik", "kode_kecamatan"):
            if len(values[key]) > store.MAX_KEY_CHARS:
                values[key] = values[key][: store.MAX_KEY_CHARS - 1] + "…"
        if not 0 < len(values["prr_id"]) <= store.MAX_KEY_CHARS:
            values["prr_id"] = None
        out[number] = {
            **values,
            "birth_date": check.birth_date,
            "state": outcome.state,
            "reason": outcome.reason.value if outcome.reason else None,
            "reason_detail": outcome.detail,
            "release_on": outcome.release_on,
            "attempts": 0,
            "photo": photo if outcome.state != "quarantined" else None,
        }
    delivery.close()
    return out


@pytest.mark.parametrize(
    ("chunk", "workers", "pool_min", "whole"),
    [(7, 2, 1, 1), (5000, 2, 4000, 4000)],
    ids=["blocks-of-7-photo-pool-arrow", "one-block-in-process-csv"],
)
def test_the_bulk_path_stores_what_the_row_rules_decide(
    engine, served, home, tmp_path, monkeypatch, chunk, workers, pool_min, whole
):
    parsed: list[Any] = []  # what the whole-file parse gave (None: the file did not allow it)
    parse_whole = store.parse_whole
    monkeypatch.setattr(
        store,
        "parse_whole",
        lambda data, rows: parsed.append(parse_whole(data, rows)) or parsed[-1],
    )
    earlier = _first_batch(engine, served, home, tmp_path)
    spec, _ = _second_batch(earlier)
    path = spec.write(tmp_path / "second")
    expected = _expected(engine, served, path)
    checked = check_delivery(engine=engine, path=path, served=served)
    result = store.store_batch(
        engine=engine,
        checked=checked,
        served=served,
        archive_dir=home.archive_dir,
        today=TODAY,
        chunk=chunk,
        photo_workers=workers,
        pool_min=pool_min,
        whole_parse_min=whole,
    )
    assert len(parsed) == (1 if whole == 1 else 0) and None not in parsed
    ack = result.ack
    states = Counter(e["reason"] or e["state"] for e in expected.values())
    assert ack["queued"] == states["queued"] and ack["held"] == states["held"]
    assert ack["duplicate"] == len(spec.rows) - len(expected) == 2
    assert ack["superseded"] == 1
    assert ack["quarantined"] == {k: v for k, v in states.items() if k not in ("queued", "held")}
    assert set(ack["quarantined"]) == {
        "BAD_NIK_FORMAT",
        "NIK_BIRTHDATE_MISMATCH",
        "NIK_GENDER_MISMATCH",
        "INVALID_FIELD",
        "UNKNOWN_KECAMATAN",
        "MISSING_PHOTO",
        "DUPLICATE_NIK_IN_BATCH",
        "NIK_ALREADY_QUEUED",
        "NIK_ALREADY_PRINTED",
    }

    with engine.connect() as conn:
        stored = {
            r.row_number: r._asdict()
            for r in conn.execute(sa.select(Record).where(Record.batch_id == SECOND))
        }
        photos = {
            r.record_id: (bytes(r.content), r.media_type)
            for r in conn.execute(sa.select(RecordPhoto))
        }
        events = conn.execute(
            sa.select(RecordEvent.record_id, RecordEvent.to_state, RecordEvent.reason)
            .join(Record, Record.id == RecordEvent.record_id)
            .where(Record.batch_id == SECOND)
        ).all()
        old = conn.execute(
            sa.select(Record.state, Record.superseded_by).where(
                Record.prr_id == earlier[1]["prr_id"]
            )
        ).one()
    assert set(stored) == set(expected)
    created = {r["created_at"] for r in stored.values()}
    assert len(created) == 1 and next(iter(created)).tzinfo is not None
    for number, want in expected.items():
        got = stored[number]
        photo = want.pop("photo")
        assert {k: got[k] for k in want} == want, f"row {number}"
        assert got["updated_at"] == got["created_at"]
        assert photos.get(got["id"]) == (None if photo is None else (photo[0], photo[1]))
    assert sorted((rid, to) for rid, to, _ in events) == sorted(
        (r["id"], r["state"]) for r in stored.values()
    )
    superseding = next(
        r for r in stored.values() if r["nik"] == earlier[1]["nik"] and r["state"] == "queued"
    )
    assert tuple(old) == ("superseded", superseding["id"])


def test_a_failure_in_the_bulk_insert_stores_nothing_of_the_batch(
    engine, served, home, tmp_path, monkeypatch
):
    """Inserts run in the batch's one transaction: a failure after some blocks leaves none."""
    rows = [make_row() for _ in range(30)]
    path = BatchSpec(rows=rows).write(tmp_path / "in")
    checked = check_delivery(engine=engine, path=path, served=served)
    calls = Counter[str]()
    insert = store._BulkWriter.insert

    def failing(self, table, columns, data):  # noqa: ANN001
        calls[table.name] += 1
        if calls["recordphoto"] == 3:
            raise OSError("disk gone")
        return insert(self, table, columns, data)

    monkeypatch.setattr(store._BulkWriter, "insert", failing)
    with pytest.raises(OSError):
        store.store_batch(
            engine=engine,
            checked=checked,
            served=served,
            archive_dir=home.archive_dir,
            today=TODAY,
            chunk=5,
            photo_workers=2,
            pool_min=1,
        )
    with engine.connect() as conn:
        for model in (Record, RecordPhoto, RecordEvent):
            assert conn.execute(sa.select(sa.func.count()).select_from(model)).scalar() == 0

    monkeypatch.setattr(store._BulkWriter, "insert", insert)
    result = store.store_batch(
        engine=engine, checked=checked, served=served, archive_dir=home.archive_dir, today=TODAY
    )
    assert result.ack["queued"] == 30


def test_a_zipped_batch_reads_its_photos_in_the_workers_too(engine, served, home, tmp_path):
    rows = [make_row() for _ in range(25)]
    photos = {r["foto"]: jpeg_bytes() for r in rows[:-1]}  # the last photo is missing
    folder = BatchSpec(rows=rows, photos=photos).write(tmp_path / "folder")
    zipped = Path(shutil.make_archive(str(tmp_path / "in" / folder.name), "zip", folder))
    checked = check_delivery(engine=engine, path=zipped, served=served)
    result = store.store_batch(
        engine=engine,
        checked=checked,
        served=served,
        archive_dir=home.archive_dir,
        today=TODAY,
        chunk=4,
        photo_workers=2,
        pool_min=1,
        whole_parse_min=1,
    )
    assert result.ack["queued"] == 24 and result.ack["quarantined"] == {"MISSING_PHOTO": 1}
    with engine.connect() as conn:
        stored = conn.execute(sa.select(RecordPhoto.content)).scalars().all()
    assert len(stored) == 24 and {bytes(c) for c in stored} == {jpeg_bytes()}
