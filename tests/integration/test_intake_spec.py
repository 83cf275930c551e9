"""Conformance of the intake service to the PRR feed contract (spec: prr-feed.md).

Every test runs on SQLite and on PostgreSQL (the ``engine`` fixture). Batches are small
and written to disk by ``factory.BatchSpec``; ``ingest_one`` runs every step as the
intake flow does, with a fixed "today".
"""

from __future__ import annotations

import json
import os
import re
import shutil
import zipfile
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlmodel import Session, select

from cetak.db import write_session
from cetak.models import Batch, Delivery, Record, RecordEvent, RecordPhoto
from cetak.records import release_held
from intake import service
from intake.nik import encode_nik
from intake.rules import FEED_COLUMNS
from intake.service import ack_filename, ingest_one

from factory import BatchSpec, jpeg_bytes, make_row, png_bytes

TODAY = date(2026, 11, 24)
BATCH = "PRR-3310-20261122-0001"
ACK_KEYS = [
    "batch_id",
    "status",
    "reason",
    "queued",
    "held",
    "duplicate",
    "superseded",
    "quarantined",
    "processed_at",
]
_REC = Record.__table__  # type: ignore[attr-defined]
_EVT = RecordEvent.__table__  # type: ignore[attr-defined]


# --- helpers ---------------------------------------------------------------------------


def batch_id(n: int) -> str:
    return f"PRR-3310-20261122-{n:04d}"


def _inside(rel: str) -> bool:
    """A photo path the test may write: relative and staying inside the batch folder."""
    parts = Path(rel.replace("\\", "/")).parts
    return bool(rel) and not Path(rel).is_absolute() and ".." not in parts


def write_batch(tmp_path: Path, rows: list[dict[str, str]], **kw: Any) -> Path:
    """Write a batch folder into ``tmp_path/inbox`` (folder named by ``folder`` or the id).

    Default photos are written only for ``foto`` paths inside the folder: a row pointing
    outside (``/etc/passwd``, ``../x.jpg``) must never make the test write there.
    """
    folder = kw.pop("folder", None)
    kw.setdefault("batch_id", BATCH)
    photos = kw.pop("photos", None)
    if photos is None:
        photos = {r["foto"]: jpeg_bytes() for r in rows if _inside(r.get("foto", ""))}
    assert all(_inside(rel) for rel in photos), photos
    return BatchSpec(rows=rows, photos=photos, **kw).write(tmp_path / "inbox", folder)


def ingest(engine, served, home, path: Path, today: date = TODAY) -> dict[str, Any]:
    ack = ingest_one(
        engine=engine,
        path=path,
        served=served,
        home_dirs=(home.archive_dir, home.rejected_dir, home.outbox_dir),
        today=today,
    )
    assert list(ack) == ACK_KEYS
    written = (home.outbox_dir / ack_filename(ack["batch_id"])).read_text("utf-8")
    assert json.loads(written) == ack
    if ack["status"] == "ACCEPTED":
        with Session(engine) as session:
            batch = session.get(Batch, ack["batch_id"])
            assert batch is not None
            total = ack["queued"] + ack["held"] + ack["duplicate"]
            assert total + sum(ack["quarantined"].values()) == batch.jumlah_record
    return ack


def zip_folder(folder: Path, dest: Path, *, with_folder: bool) -> Path:
    """Zip a batch folder: the folder itself at the top level, or only its contents."""
    with zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(folder.rglob("*")):
            rel = path.relative_to(folder.parent if with_folder else folder).as_posix()
            if path.is_dir():
                zf.writestr(rel + "/", b"")
            else:
                zf.write(path, rel)
    return dest


def count(engine, model: Any) -> int:
    with engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(model)).scalar_one()


def records(engine) -> dict[str, Record]:
    """Every stored record by prr_id."""
    with Session(engine, expire_on_commit=False) as session:
        return {r.prr_id: r for r in session.exec(select(Record)).all()}


def outcomes(engine, batch: str = BATCH) -> dict[str, tuple[str, str | None]]:
    """prr_id -> (state, reason) of the records stored from one batch."""
    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(_REC.c.prr_id, _REC.c.state, _REC.c.reason).where(_REC.c.batch_id == batch)
        ).all()
    return {p: (s, r) for p, s, r in rows}


def events(engine) -> list[Any]:
    with engine.connect() as conn:
        return conn.execute(sa.select(_EVT).order_by(_EVT.c.id)).all()


def snapshot(engine) -> dict[str, list[str]]:
    """Every row of every intake table, to compare before and after."""
    out: dict[str, list[str]] = {}
    with engine.connect() as conn:
        for model in (Batch, Delivery, Record, RecordEvent, RecordPhoto):
            table = model.__table__  # type: ignore[attr-defined]
            out[table.name] = sorted(repr(tuple(r)) for r in conn.execute(sa.select(table)))
    return out


def assert_nothing_stored(engine) -> None:
    for model in (Batch, Record, RecordEvent, RecordPhoto):
        assert count(engine, model) == 0, model.__name__


def assert_rejected(ack: dict[str, Any], engine, home, path: Path, *words: str) -> None:
    """All or nothing: a REJECTED ACK with zero counts, nothing stored, delivery filed."""
    assert ack["status"] == "REJECTED"
    reason = ack["reason"]
    assert isinstance(reason, str) and reason.strip()
    for word in words:
        assert word.lower() in reason.lower(), (word, reason)
    assert "Traceback" not in reason and "Error" not in reason
    assert (ack["queued"], ack["held"], ack["duplicate"], ack["superseded"]) == (0, 0, 0, 0)
    assert ack["quarantined"] == {}
    assert_nothing_stored(engine)
    with Session(engine) as session:
        logged = session.exec(select(Delivery)).all()
    assert [d.status for d in logged] == ["REJECTED"]
    assert not path.exists()
    filed = list(home.rejected_dir.iterdir())
    assert len(filed) == 1 and filed[0].name.endswith(path.name)
    assert list(home.archive_dir.iterdir()) == []
    stored = json.loads((home.outbox_dir / ack_filename(ack["batch_id"])).read_text("utf-8"))
    assert stored == ack


def assert_initial_events(engine) -> None:
    """Each record has exactly one initial event, born in the state it was stored in."""
    with engine.connect() as conn:
        born = dict(conn.execute(sa.select(_REC.c.id, _REC.c.state)).all())
    initial = [e for e in events(engine) if e.from_state is None]
    assert Counter(e.record_id for e in initial) == Counter(list(born))
    for e in initial:
        assert e.to_state == born[e.record_id]


def assert_no_nik_in_messages(engine) -> None:
    with engine.connect() as conn:
        niks = {n for n in conn.execute(sa.select(_REC.c.nik)).scalars() if n}
        details = list(conn.execute(sa.select(_REC.c.reason_detail)).scalars())
    texts = [e.reason for e in events(engine)] + details
    for text in texts:
        if text is None:
            continue
        assert not re.search(r"[0-9]{16}", text), text
        assert not any(nik in text for nik in niks), text


def _outside_home(tmp_path: Path) -> set[Path]:
    return {p for p in tmp_path.rglob("*") if p.relative_to(tmp_path).parts[0] != "home"}


def set_printed(engine, prr_ids: list[str]) -> None:
    with engine.begin() as conn:
        conn.execute(
            sa.update(_REC)
            .where(_REC.c.prr_id.in_(prr_ids))
            .values(state="printed", printed_at=datetime.now(UTC))
        )


def nik_with(
    nik: str,
    *,
    day: str | None = None,
    month: str | None = None,
    seq: str | None = None,
    province: str | None = None,
) -> str:
    """A NIK with some of its parts replaced (digits 7-8 day, 9-10 month, 13-16 sequence)."""
    parts = [nik[0:2], nik[2:6], nik[6:8], nik[8:10], nik[10:12], nik[12:16]]
    if province is not None:
        parts[0] = province
    if day is not None:
        parts[2] = day
    if month is not None:
        parts[3] = month
    if seq is not None:
        parts[5] = seq
    return "".join(parts)


# --- batch-level rejection: all or nothing ---------------------------------------------


def test_a_batch_without_manifest_is_rejected_whole_and_nothing_is_stored(
    engine, served, home, tmp_path
):
    path = write_batch(tmp_path, [make_row(), make_row()])
    (path / "manifest.json").unlink()
    ack = ingest(engine, served, home, path)
    assert_rejected(ack, engine, home, path, "manifest.json", "tidak ada")
    assert ack["batch_id"] == BATCH  # named after the folder: no manifest to read it from


def test_a_manifest_that_is_not_json_rejects_the_batch(engine, served, home, tmp_path):
    path = write_batch(tmp_path, [make_row()])
    (path / "manifest.json").write_bytes(b'{"batch_id": "PRR-3310-20261122-0001", ')
    ack = ingest(engine, served, home, path)
    assert_rejected(ack, engine, home, path, "manifest.json", "bukan JSON")


def test_a_batch_for_another_regency_is_rejected(engine, served, home, tmp_path):
    path = write_batch(tmp_path, [make_row(), make_row()], kode_wilayah="33.11")
    ack = ingest(engine, served, home, path)
    assert_rejected(ack, engine, home, path, "kode_wilayah", "33.11", "33.10")
    assert ack["batch_id"] == BATCH


def test_a_digest_mismatch_from_a_truncated_copy_rejects_the_whole_batch_and_stores_nothing(
    engine, served, home, tmp_path
):
    path = write_batch(tmp_path, [make_row() for _ in range(3)])
    data = (path / "records.csv").read_bytes()
    (path / "records.csv").write_bytes(data[: len(data) - 40])  # cut short mid-row
    ack = ingest(engine, served, home, path)
    assert_rejected(ack, engine, home, path, "sha256", "records.csv")


def test_a_row_count_different_from_jumlah_record_rejects_the_batch(engine, served, home, tmp_path):
    path = write_batch(tmp_path, [make_row(), make_row()], manifest_overrides={"jumlah_record": 3})
    ack = ingest(engine, served, home, path)
    assert_rejected(ack, engine, home, path, "jumlah_record", "2", "3")


def test_a_records_csv_that_is_not_utf8_rejects_the_batch(engine, served, home, tmp_path):
    rows = [make_row(nama="JOSÉ ÁLVAREZ"), make_row()]
    text = BatchSpec(rows=rows).records_csv().decode("utf-8")
    latin1 = text.encode("latin-1")
    path = write_batch(tmp_path, rows, csv_bytes=latin1)
    ack = ingest(engine, served, home, path)
    assert_rejected(ack, engine, home, path, "UTF-8")


def test_a_records_csv_lacking_a_required_column_rejects_the_batch(engine, served, home, tmp_path):
    columns = tuple(c for c in FEED_COLUMNS if c != "golongan_darah")
    path = write_batch(tmp_path, [make_row(), make_row()], columns=columns)
    ack = ingest(engine, served, home, path)
    assert_rejected(ack, engine, home, path, "kolom", "golongan_darah")


@pytest.mark.parametrize(
    "entry",
    ["../evil.txt", "PRR-3310-20261122-0001/../../evil.txt", "..\\evil.txt", "ABSOLUTE"],
)
def test_a_zip_holding_an_entry_that_escapes_the_folder_is_rejected_and_writes_nothing_outside(
    engine, served, home, tmp_path, entry
):
    staging = tmp_path / "staging"
    folder = BatchSpec(batch_id=BATCH, rows=[make_row(), make_row()]).write(staging)
    outside = tmp_path / "outside"
    outside.mkdir()
    if entry == "ABSOLUTE":
        entry = (outside / "evil.txt").as_posix()
    (tmp_path / "inbox").mkdir()
    zpath = zip_folder(folder, tmp_path / "inbox" / f"{BATCH}.zip", with_folder=False)
    with zipfile.ZipFile(zpath, "a") as zf:
        zf.writestr(entry, b"pwned")
    with zipfile.ZipFile(zpath) as zf:
        assert entry in zf.namelist()
    before = _outside_home(tmp_path)
    ack = ingest(engine, served, home, zpath)
    assert_rejected(ack, engine, home, zpath, "di luar folder batch")
    after = _outside_home(tmp_path)
    assert after == before - {zpath}
    assert not any(p.name == "evil.txt" for p in tmp_path.rglob("*"))
    assert not (outside / "evil.txt").exists()
    filed = next(home.rejected_dir.iterdir())
    assert zipfile.is_zipfile(filed)  # filed whole, never extracted


def test_a_rejected_batch_delivered_again_corrected_under_the_same_batch_id_is_accepted(
    engine, served, home, tmp_path
):
    rows = [make_row() for _ in range(3)]
    broken = write_batch(tmp_path, rows, folder="salinan-1")
    data = (broken / "records.csv").read_bytes()
    (broken / "records.csv").write_bytes(data[:-30])
    first = ingest(engine, served, home, broken)
    assert first["status"] == "REJECTED" and first["batch_id"] == BATCH
    assert_nothing_stored(engine)

    fixed = write_batch(tmp_path, rows, folder="salinan-2")
    second = ingest(engine, served, home, fixed)
    assert second["status"] == "ACCEPTED" and second["reason"] is None
    assert second["batch_id"] == BATCH and second["queued"] == 3
    assert count(engine, Record) == 3
    stored = json.loads((home.outbox_dir / f"ACK-{BATCH}.json").read_text("utf-8"))
    assert stored == second
    with Session(engine) as session:
        statuses = sorted(d.status for d in session.exec(select(Delivery)).all())
    assert statuses == ["ACCEPTED", "REJECTED"]


# --- zip deliveries ----------------------------------------------------------------------


@pytest.mark.parametrize("with_folder", [True, False], ids=["folder-at-top", "contents-at-top"])
def test_a_zipped_batch_is_accepted_with_its_photos_read_from_inside_the_zip(
    engine, served, home, tmp_path, with_folder
):
    rows = [
        make_row(),
        make_row(foto="foto/b.png"),
        make_row(birth=date(2012, 3, 1), status_perkawinan="BELUM KAWIN"),
    ]
    photos = {
        rows[0]["foto"]: jpeg_bytes(),
        "foto/b.png": png_bytes(),
        rows[2]["foto"]: jpeg_bytes((1, 2, 3)),
    }
    folder = BatchSpec(batch_id=BATCH, rows=rows, photos=photos).write(
        tmp_path / "staging", "nama-folder-lain"
    )
    (tmp_path / "inbox").mkdir()
    zpath = zip_folder(folder, tmp_path / "inbox" / "kiriman.zip", with_folder=with_folder)
    shutil.rmtree(folder)  # nothing but the zip to read from
    ack = ingest(engine, served, home, zpath)
    assert ack["status"] == "ACCEPTED" and ack["batch_id"] == BATCH
    assert (ack["queued"], ack["held"], ack["quarantined"]) == (2, 1, {})
    recs = records(engine)
    with Session(engine) as session:
        stored = {p.record_id: p for p in session.exec(select(RecordPhoto)).all()}
    for row in rows:
        photo = stored[recs[row["prr_id"]].id]
        assert photo.content == photos[row["foto"]]
    assert stored[recs[rows[1]["prr_id"]].id].media_type == "image/png"
    assert stored[recs[rows[0]["prr_id"]].id].media_type == "image/jpeg"
    assert not zpath.exists()
    assert (home.archive_dir / "kiriman.zip").is_file()


def test_a_photo_missing_from_a_zipped_batch_quarantines_only_its_row(
    engine, served, home, tmp_path
):
    rows = [make_row(), make_row()]
    folder = write_batch(tmp_path / "staging", rows)
    Path(folder / rows[1]["foto"]).unlink()
    zpath = zip_folder(folder, tmp_path / f"{BATCH}.zip", with_folder=True)
    ack = ingest(engine, served, home, zpath)
    assert ack["queued"] == 1 and ack["quarantined"] == {"MISSING_PHOTO": 1}


# --- CSV dialect ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("bom", "crlf"),
    [(True, True), (True, False), (False, True), (False, False)],
    ids=["bom-crlf", "bom-lf", "crlf", "lf"],
)
def test_a_byte_order_mark_and_crlf_or_lf_line_endings_are_accepted(
    engine, served, home, tmp_path, bom, crlf
):
    rows = [make_row() for _ in range(3)]
    path = write_batch(tmp_path, rows, bom=bom, crlf=crlf)
    ack = ingest(engine, served, home, path)
    assert ack["status"] == "ACCEPTED"
    assert ack["queued"] == 3 and ack["quarantined"] == {}
    assert set(records(engine)) == {r["prr_id"] for r in rows}


def test_column_order_is_free_and_extra_columns_are_ignored(engine, served, home, tmp_path):
    columns = ("catatan",) + tuple(reversed(FEED_COLUMNS)) + ("nomor_kk",)
    rows = [make_row(catatan="kiriman ulang", nomor_kk="x") for _ in range(2)]
    path = write_batch(tmp_path, rows, columns=columns)
    ack = ingest(engine, served, home, path)
    assert ack["status"] == "ACCEPTED" and ack["queued"] == 2
    rec = records(engine)[rows[0]["prr_id"]]
    assert (rec.nik, rec.nama, rec.foto) == (rows[0]["nik"], rows[0]["nama"], rows[0]["foto"])


def test_quoted_fields_with_commas_quotes_and_newlines_are_read_as_one_field(
    engine, served, home, tmp_path
):
    columns = FEED_COLUMNS + ("catatan",)
    rows = [
        make_row(
            alamat="JL. MERDEKA, NO. 5, RT 3",
            nama="O'NEIL, JR.",
            catatan='baris satu\r\nbaris "dua", tiga',
        ),
        make_row(alamat="DUSUN KRAJAN\nRT 3", catatan="a\nb"),
        make_row(),
    ]
    path = write_batch(tmp_path, rows, columns=columns)
    # Four records end in CRLF; three values carry a newline of their own inside quotes.
    assert (path / "records.csv").read_bytes().count(b"\n") == 4 + 3
    ack = ingest(engine, served, home, path)
    assert ack["status"] == "ACCEPTED"
    recs = records(engine)
    assert len(recs) == 3
    first = recs[rows[0]["prr_id"]]
    assert (first.state, first.alamat, first.nama) == ("queued", rows[0]["alamat"], "O'NEIL, JR.")
    assert recs[rows[1]["prr_id"]].alamat == "DUSUN KRAJAN\nRT 3"
    assert recs[rows[2]["prr_id"]].state == "queued"


# --- record-level outcomes ---------------------------------------------------------------


def test_valid_rows_are_queued_with_their_photos_and_one_initial_event_each(
    engine, served, home, tmp_path
):
    rows = [make_row(), make_row(female=True), make_row(foto="foto/p.png")]
    photos = {
        rows[0]["foto"]: jpeg_bytes(),
        rows[1]["foto"]: jpeg_bytes((9, 9, 9)),
        "foto/p.png": png_bytes(),
    }
    path = write_batch(tmp_path, rows, photos=photos)
    ack = ingest(engine, served, home, path)
    assert ack == {
        "batch_id": BATCH,
        "status": "ACCEPTED",
        "reason": None,
        "queued": 3,
        "held": 0,
        "duplicate": 0,
        "superseded": 0,
        "quarantined": {},
        "processed_at": ack["processed_at"],
    }
    assert {s for s, _ in outcomes(engine).values()} == {"queued"}
    recs = records(engine)
    with Session(engine) as session:
        stored = {p.record_id: p for p in session.exec(select(RecordPhoto)).all()}
    assert len(stored) == 3
    for row in rows:
        rec = recs[row["prr_id"]]
        assert (rec.reason, rec.release_on, rec.batch_id) == (None, None, BATCH)
        assert stored[rec.id].content == photos[row["foto"]]
    assert stored[recs[rows[2]["prr_id"]].id].media_type == "image/png"
    assert stored[recs[rows[0]["prr_id"]].id].media_type == "image/jpeg"
    assert_initial_events(engine)
    assert_no_nik_in_messages(engine)


def test_an_unmarried_minor_is_held_until_the_17th_birthday_and_a_married_one_is_queued(
    engine, served, home, tmp_path
):
    rows = [
        make_row(prr_id="MINOR", birth=date(2010, 1, 10), status_perkawinan="BELUM KAWIN"),
        make_row(prr_id="MINOR-KAWIN", birth=date(2010, 1, 11), status_perkawinan="KAWIN"),
        make_row(prr_id="ESOK-17", birth=date(2009, 11, 25), status_perkawinan="BELUM KAWIN"),
        make_row(prr_id="HARI-INI-17", birth=date(2009, 11, 24), status_perkawinan="BELUM KAWIN"),
        make_row(prr_id="KABISAT", birth=date(2012, 2, 29), status_perkawinan="BELUM KAWIN"),
        make_row(prr_id="CERAI", birth=date(2011, 6, 1), status_perkawinan="CERAI HIDUP"),
    ]
    path = write_batch(tmp_path, rows)
    ack = ingest(engine, served, home, path)
    assert (ack["queued"], ack["held"], ack["quarantined"]) == (3, 3, {})
    recs = records(engine)
    assert (recs["MINOR"].state, recs["MINOR"].release_on) == ("held", date(2027, 1, 10))
    assert (recs["ESOK-17"].state, recs["ESOK-17"].release_on) == ("held", date(2026, 11, 25))
    # Born on 29 February: turns 17 on 1 March in a year without that day.
    assert (recs["KABISAT"].state, recs["KABISAT"].release_on) == ("held", date(2029, 3, 1))
    for prr in ("MINOR-KAWIN", "HARI-INI-17", "CERAI"):
        assert (recs[prr].state, recs[prr].release_on) == ("queued", None), prr
    assert count(engine, RecordPhoto) == 6
    assert_initial_events(engine)


def test_release_held_queues_records_whose_17th_birthday_has_come_and_leaves_younger_ones(
    engine, served, home, tmp_path
):
    rows = [
        make_row(prr_id="ESOK", birth=date(2009, 11, 25), status_perkawinan="BELUM KAWIN"),
        make_row(prr_id="LUSA", birth=date(2009, 11, 26), status_perkawinan="BELUM KAWIN"),
        make_row(prr_id="KABISAT", birth=date(2012, 2, 29), status_perkawinan="BELUM KAWIN"),
    ]
    ingest(engine, served, home, write_batch(tmp_path, rows))
    with write_session(engine) as session:
        assert release_held(session, today=TODAY, actor="uji") == 0
    with write_session(engine) as session:
        assert release_held(session, today=date(2026, 11, 25), actor="uji") == 1
    recs = records(engine)
    assert recs["ESOK"].state == "queued"
    assert recs["LUSA"].state == "held" and recs["KABISAT"].state == "held"
    moved = [e for e in events(engine) if e.from_state is not None]
    assert len(moved) == 1
    assert (moved[0].record_id, moved[0].from_state, moved[0].to_state, moved[0].actor) == (
        recs["ESOK"].id,
        "held",
        "queued",
        "uji",
    )
    with write_session(engine) as session:
        assert release_held(session, today=date(2029, 2, 28), actor="uji") == 1
    with write_session(engine) as session:
        assert release_held(session, today=date(2029, 3, 1), actor="uji") == 1
    recs = records(engine)
    assert {recs[p].state for p in ("ESOK", "LUSA", "KABISAT")} == {"queued"}
    assert len([e for e in events(engine) if e.from_state == "held"]) == 3
    assert_no_nik_in_messages(engine)


def test_bad_nik_formats_are_quarantined_as_bad_nik_format(engine, served, home, tmp_path):
    base = make_row(birth=date(1990, 2, 20))
    good = base["nik"]
    bad = {
        "PENDEK": good[:15],
        "PANJANG": good + "1",
        "HURUF": good[:14] + "A1",
        "SPASI": " " + good[1:],
        "ARAB-INDIC": good[:15] + "\u0661",
        "PROVINSI-99": nik_with(good, province="99"),
        "PROVINSI-00": nik_with(good, province="00"),
        "FEB-31": nik_with(good, day="31"),
        "HARI-40": nik_with(good, day="40"),
        "HARI-00": nik_with(good, day="00"),
        "WANITA-FEB-30": nik_with(good, day="70"),
        "BULAN-13": nik_with(good, month="13"),
        "BULAN-00": nik_with(good, month="00"),
        "URUT-0000": nik_with(good, seq="0000"),
    }
    rows = [dict(base, prr_id=prr, nik=nik, foto="foto/ada.jpg") for prr, nik in bad.items()]
    rows.append(dict(base, prr_id="BAIK", foto="foto/ada.jpg"))
    path = write_batch(tmp_path, rows, photos={"foto/ada.jpg": jpeg_bytes()})
    ack = ingest(engine, served, home, path)
    assert ack["quarantined"] == {"BAD_NIK_FORMAT": len(bad)}
    assert ack["queued"] == 1
    recs = records(engine)
    for prr in bad:
        assert (recs[prr].state, recs[prr].reason) == ("quarantined", "BAD_NIK_FORMAT"), prr
        assert recs[prr].reason_detail
    assert count(engine, RecordPhoto) == 1
    assert_initial_events(engine)
    assert_no_nik_in_messages(engine)


def test_nik_calendar_checks_accept_real_dates_including_29_february_and_women_plus_40(
    engine, served, home, tmp_path
):
    rows = [
        make_row(prr_id="KABISAT", birth=date(2000, 2, 29)),
        make_row(prr_id="WANITA-1", birth=date(1985, 3, 1), female=True),
        make_row(prr_id="WANITA-31", birth=date(1985, 12, 31), female=True),
        make_row(prr_id="URUT-9999", seq=9998),
    ]
    assert rows[1]["nik"][6:8] == "41" and rows[2]["nik"][6:8] == "71"
    path = write_batch(tmp_path, rows)
    ack = ingest(engine, served, home, path)
    assert ack["queued"] == 4 and ack["quarantined"] == {}


def test_nik_region_digits_are_not_compared_with_kode_kecamatan(engine, served, home, tmp_path):
    birth = date(1988, 8, 8)
    rows = [
        make_row(
            prr_id="PINDAH-JAKARTA",
            birth=birth,
            nik=encode_nik("317101", birth, female=False, sequence=12),
        ),
        make_row(
            prr_id="PINDAH-PAPUA",
            birth=birth,
            nik=encode_nik("960101", birth, female=False, sequence=13),
        ),
    ]
    path = write_batch(tmp_path, rows)
    ack = ingest(engine, served, home, path)
    assert ack["queued"] == 2 and ack["quarantined"] == {}


def test_nik_date_and_sex_disagreeing_with_the_columns_are_quarantined_as_mismatches(
    engine, served, home, tmp_path
):
    rows = [
        make_row(prr_id="HARI", birth=date(1990, 5, 17), tanggal_lahir="1990-05-18"),
        make_row(prr_id="BULAN", birth=date(1990, 5, 17), tanggal_lahir="1990-06-17"),
        make_row(prr_id="TAHUN", birth=date(1990, 5, 17), tanggal_lahir="1991-05-17"),
        make_row(prr_id="ABAD-SAMA", birth=date(1990, 5, 17), tanggal_lahir="1890-05-17"),
        make_row(prr_id="PRIA-DI-NIK", female=False, jenis_kelamin="PEREMPUAN"),
        make_row(prr_id="WANITA-DI-NIK", female=True, jenis_kelamin="LAKI-LAKI"),
    ]
    path = write_batch(tmp_path, rows)
    ack = ingest(engine, served, home, path)
    got = outcomes(engine)
    for prr in ("HARI", "BULAN", "TAHUN"):
        assert got[prr] == ("quarantined", "NIK_BIRTHDATE_MISMATCH"), prr
    # Only the last two digits of the year are in the NIK: 1890 cannot be told from 1990.
    assert got["ABAD-SAMA"] == ("queued", None)
    assert got["PRIA-DI-NIK"] == ("quarantined", "NIK_GENDER_MISMATCH")
    assert got["WANITA-DI-NIK"] == ("quarantined", "NIK_GENDER_MISMATCH")
    assert ack["quarantined"] == {"NIK_BIRTHDATE_MISMATCH": 3, "NIK_GENDER_MISMATCH": 2}
    assert count(engine, RecordPhoto) == 1
    assert_no_nik_in_messages(engine)


INVALID_FIELDS: list[tuple[str, dict[str, str]]] = [
    ("prr_id", {"prr_id": "PRR_GARIS_BAWAH"}),
    ("prr_id", {"prr_id": "P" * 41}),
    ("prr_id", {"prr_id": "PRR 0001"}),
    ("nama", {"nama": ""}),
    ("nama", {"nama": "   "}),
    ("nama", {"nama": "BUDI" + "X" * 57}),
    ("nama", {"nama": "BUDI 2"}),
    ("nama", {"nama": "BUDI_SANTOSO"}),
    ("tempat_lahir", {"tempat_lahir": "K" * 41}),
    ("tempat_lahir", {"tempat_lahir": ""}),
    ("tanggal_lahir", {"tanggal_lahir": "17-05-1990"}),
    ("tanggal_lahir", {"tanggal_lahir": "1990-02-30"}),
    ("jenis_kelamin", {"jenis_kelamin": "laki-laki"}),
    ("jenis_kelamin", {"jenis_kelamin": "L"}),
    ("golongan_darah", {"golongan_darah": "C"}),
    ("golongan_darah", {"golongan_darah": "o"}),
    ("golongan_darah", {"golongan_darah": ""}),
    ("alamat", {"alamat": "A" * 101}),
    ("alamat", {"alamat": " "}),
    ("rt", {"rt": "1234"}),
    ("rt", {"rt": ""}),
    ("rw", {"rw": "1A"}),
    ("kel_desa", {"kel_desa": "D" * 41}),
    ("kode_kecamatan", {"kode_kecamatan": "331005"}),
    ("kode_kecamatan", {"kode_kecamatan": "33.10.5"}),
    ("agama", {"agama": "Islam"}),
    ("agama", {"agama": "KONGHUCU"}),
    ("status_perkawinan", {"status_perkawinan": "BELUM  KAWIN"}),
    ("pekerjaan", {"pekerjaan": "P" * 41}),
    ("kewarganegaraan", {"kewarganegaraan": "wni"}),
    ("berlaku_hingga", {"berlaku_hingga": "2031-01-01"}),
    ("berlaku_hingga", {"kewarganegaraan": "WNA", "berlaku_hingga": "SEUMUR HIDUP"}),
    ("berlaku_hingga", {"kewarganegaraan": "WNA", "berlaku_hingga": "2031-02-30"}),
    ("jenis_permohonan", {"jenis_permohonan": "PERUBAHAN DATA"}),
    ("jenis_permohonan", {"jenis_permohonan": "baru"}),
    ("tanggal_rekam", {"tanggal_rekam": "2026/11/01"}),
    ("tanggal_rekam", {"tanggal_rekam": ""}),
]


def test_a_column_breaking_its_rule_is_invalid_field_naming_the_column(
    engine, served, home, tmp_path
):
    rows = []
    for i, (_, overrides) in enumerate(INVALID_FIELDS):
        row = make_row(**overrides)
        if "prr_id" not in overrides:
            row["prr_id"] = f"SALAH-{i:02d}"
        rows.append(row)
    path = write_batch(tmp_path, rows)
    ack = ingest(engine, served, home, path)
    assert ack["quarantined"] == {"INVALID_FIELD": len(rows)}
    assert ack["queued"] == ack["held"] == 0
    with engine.connect() as conn:
        stored = conn.execute(
            sa.select(_REC.c.row_number, _REC.c.state, _REC.c.reason, _REC.c.reason_detail)
        ).all()
    assert len(stored) == len(rows)
    for number, state, reason, detail in stored:
        column = INVALID_FIELDS[number - 1][0]
        assert (state, reason) == ("quarantined", "INVALID_FIELD"), column
        assert f"kolom {column}:" in detail, (column, detail)
    assert count(engine, RecordPhoto) == 0
    assert_initial_events(engine)
    assert_no_nik_in_messages(engine)


def test_valid_variants_of_every_column_are_queued(engine, served, home, tmp_path):
    variants = [
        {"nama": "Budi"},  # single-word names are normal
        {"nama": "  " + "B" * 60 + "  "},  # trimmed before the length is checked
        {"nama": "Ni Komang Ayu Śrī Dewi-Putri, S.Pd."},
        {"nama": "D'Costa"},
        {"nama": "Nguyễn Thị"},
        {"golongan_darah": "-"},
        {"golongan_darah": "AB+"},
        {"golongan_darah": "O-"},
        {"rt": "003", "rw": "1"},
        {"agama": "KEPERCAYAAN TERHADAP TUHAN YME"},
        {"agama": "KHONGHUCU"},
        {"kewarganegaraan": "WNA", "berlaku_hingga": "2031-05-17"},
        {"jenis_permohonan": "RUSAK"},
        {"jenis_permohonan": "HILANG"},
        {"jenis_permohonan": "PERUBAHAN_DATA"},
        {"status_perkawinan": "CERAI MATI"},
        {"prr_id": "a" * 40},
        {"prr_id": "-"},
        {
            "alamat": "A" * 100,
            "kel_desa": "D" * 40,
            "pekerjaan": "P" * 40,
            "tempat_lahir": "T" * 40,
        },
        {"foto": "foto\\windows.jpg"},
    ]
    rows = [make_row(**v) for v in variants]
    photos = {r["foto"].replace("\\", "/"): jpeg_bytes() for r in rows}
    path = write_batch(tmp_path, rows, photos=photos)
    ack = ingest(engine, served, home, path)
    assert ack["quarantined"] == {}, records(engine)
    assert ack["queued"] == len(rows)
    recs = records(engine)
    assert recs[rows[1]["prr_id"]].nama == "B" * 60  # stored trimmed


def test_a_well_shaped_kecamatan_outside_this_regency_is_unknown_kecamatan(
    engine, served, home, tmp_path
):
    rows = [
        make_row(prr_id="LUAR", kode_kecamatan="33.11.01"),
        make_row(prr_id="TIDAK-ADA", kode_kecamatan="33.10.99"),
        make_row(prr_id="BENTUK", kode_kecamatan="33-10-01"),
        make_row(prr_id="BAIK", kode_kecamatan="33.10.26"),
    ]
    path = write_batch(tmp_path, rows)
    ack = ingest(engine, served, home, path)
    got = outcomes(engine)
    assert got["LUAR"] == got["TIDAK-ADA"] == ("quarantined", "UNKNOWN_KECAMATAN")
    assert got["BENTUK"] == ("quarantined", "INVALID_FIELD")
    assert got["BAIK"] == ("queued", None)
    assert ack["quarantined"] == {"UNKNOWN_KECAMATAN": 2, "INVALID_FIELD": 1}


def test_a_photo_that_is_not_a_readable_image_inside_the_folder_is_missing_photo(
    engine, served, home, tmp_path
):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    outside = tmp_path / "luar.jpg"
    outside.write_bytes(jpeg_bytes())
    (inbox / "tetangga.jpg").write_bytes(jpeg_bytes())
    jpeg = jpeg_bytes()
    cases = {
        "ABSEN": ("foto/tidak-ada.jpg", None),
        "KOSONG": ("foto/kosong.jpg", b""),
        "TERPOTONG-JPEG": ("foto/potong.jpg", jpeg[: len(jpeg) // 2]),
        "TERPOTONG-PNG": ("foto/potong.png", png_bytes()[:-20]),
        "BUKAN-GAMBAR": ("foto/teks.jpg", b"ini bukan gambar sama sekali"),
        "PDF": ("foto/surat.jpg", b"%PDF-1.4\n%%EOF\n"),
        "ABSOLUT": (str(outside), None),
        "NAIK": ("../tetangga.jpg", None),
        "NAIK-DALAM": ("foto/../../tetangga.jpg", None),
        "NAIK-WINDOWS": ("..\\tetangga.jpg", None),
        "SYMLINK": ("foto/tautan.jpg", None),
        "SYMLINK-DIR": ("luar/luar.jpg", None),
        "DIREKTORI": ("foto", None),
        "KOSONG-PATH": ("", None),
    }
    rows = [make_row(prr_id=prr, foto=rel) for prr, (rel, _) in cases.items()]
    rows.append(make_row(prr_id="BAIK"))
    rows.append(make_row(prr_id="TAUTAN-DALAM", foto="foto/tautan-dalam.jpg"))
    photos = {rel: data for rel, data in cases.values() if data is not None}
    photos[rows[-2]["foto"]] = jpeg
    path = write_batch(tmp_path, rows, photos=photos)
    os.symlink(outside, path / "foto" / "tautan.jpg")
    os.symlink(tmp_path, path / "luar")
    os.symlink("../" + rows[-2]["foto"], path / "foto" / "tautan-dalam.jpg")
    ack = ingest(engine, served, home, path)
    got = outcomes(engine)
    for prr in cases:
        assert got[prr] == ("quarantined", "MISSING_PHOTO"), prr
    assert got["BAIK"] == ("queued", None)
    assert got["TAUTAN-DALAM"] == ("queued", None)  # a link that stays inside is fine
    assert ack["quarantined"] == {"MISSING_PHOTO": len(cases)}
    assert count(engine, RecordPhoto) == 2
    assert outside.read_bytes() == jpeg_bytes()


def test_the_same_nik_in_two_rows_of_a_batch_quarantines_both_rows(engine, served, home, tmp_path):
    a = make_row(prr_id="A-1")
    rows = [
        a,
        make_row(prr_id="X"),
        dict(a, prr_id="A-2", alamat="ALAMAT LAIN"),
        dict(a, prr_id="A-3", jenis_permohonan="PERUBAHAN_DATA"),
    ]
    path = write_batch(tmp_path, rows)
    ack = ingest(engine, served, home, path)
    got = outcomes(engine)
    for prr in ("A-1", "A-2", "A-3"):
        assert got[prr] == ("quarantined", "DUPLICATE_NIK_IN_BATCH"), prr
    assert got["X"] == ("queued", None)
    assert ack["quarantined"] == {"DUPLICATE_NIK_IN_BATCH": 3}
    assert count(engine, RecordPhoto) == 1
    assert_no_nik_in_messages(engine)


def test_a_nik_waiting_from_an_earlier_batch_quarantines_a_non_perubahan_row(
    engine, served, home, tmp_path
):
    queued = make_row(prr_id="ANTRE")
    held = make_row(prr_id="TAHAN", birth=date(2012, 1, 1), status_perkawinan="BELUM KAWIN")
    ingest(engine, served, home, write_batch(tmp_path, [queued, held]))
    rows = [
        dict(queued, prr_id="ANTRE-BARU"),
        dict(queued, prr_id="ANTRE-RUSAK", jenis_permohonan="RUSAK"),
        dict(held, prr_id="TAHAN-HILANG", jenis_permohonan="HILANG"),
    ]
    # A NIK occurs once per batch: spread the rows over three batches.
    for n, row in enumerate(rows, start=2):
        ack = ingest(engine, served, home, write_batch(tmp_path, [row], batch_id=batch_id(n)))
        assert ack["quarantined"] == {"NIK_ALREADY_QUEUED": 1}, row["prr_id"]
        assert ack["superseded"] == 0
    recs = records(engine)
    assert recs["ANTRE"].state == "queued" and recs["TAHAN"].state == "held"
    for row in rows:
        assert recs[row["prr_id"]].reason == "NIK_ALREADY_QUEUED"
    assert count(engine, RecordPhoto) == 2


def test_a_baru_row_for_a_printed_nik_is_quarantined_but_replacements_are_queued(
    engine, served, home, tmp_path
):
    first = [make_row(prr_id=f"LAMA-{k}") for k in ("BARU", "RUSAK", "HILANG", "UBAH")]
    ingest(engine, served, home, write_batch(tmp_path, first))
    set_printed(engine, [r["prr_id"] for r in first])
    rows = [
        dict(first[0], prr_id="NEW-BARU"),
        dict(first[1], prr_id="NEW-RUSAK", jenis_permohonan="RUSAK"),
        dict(first[2], prr_id="NEW-HILANG", jenis_permohonan="HILANG"),
        dict(first[3], prr_id="NEW-UBAH", jenis_permohonan="PERUBAHAN_DATA"),
    ]
    ack = ingest(engine, served, home, write_batch(tmp_path, rows, batch_id=batch_id(2)))
    got = outcomes(engine, batch_id(2))
    assert got["NEW-BARU"] == ("quarantined", "NIK_ALREADY_PRINTED")
    for prr in ("NEW-RUSAK", "NEW-HILANG", "NEW-UBAH"):
        assert got[prr] == ("queued", None), prr
    assert (ack["queued"], ack["superseded"]) == (3, 0)
    assert ack["quarantined"] == {"NIK_ALREADY_PRINTED": 1}
    assert {r.state for p, r in records(engine).items() if p.startswith("LAMA")} == {"printed"}


def test_a_quarantined_record_does_not_make_its_nik_wait(engine, served, home, tmp_path):
    first = make_row(prr_id="LAMA", foto="foto/tidak-ada.jpg")
    ingest(engine, served, home, write_batch(tmp_path, [first], photos={}))
    assert outcomes(engine)["LAMA"] == ("quarantined", "MISSING_PHOTO")
    # Central re-sends the corrected record under a new prr_id.
    fixed = dict(first, prr_id="KOREKSI", foto=make_row()["foto"])
    ack = ingest(engine, served, home, write_batch(tmp_path, [fixed], batch_id=batch_id(2)))
    assert (ack["queued"], ack["superseded"], ack["quarantined"]) == (1, 0, {})


def test_a_card_printed_at_any_later_stage_counts_as_printed(engine, served, home, tmp_path):
    first = [make_row(prr_id=f"LAMA-{s}") for s in ("collected", "dispatched")]
    ingest(engine, served, home, write_batch(tmp_path, first))
    with engine.begin() as conn:
        for row in first:
            state = row["prr_id"].removeprefix("LAMA-")
            conn.execute(
                sa.update(_REC)
                .where(_REC.c.prr_id == row["prr_id"])
                .values(state=state, printed_at=datetime.now(UTC))
            )
    rows = [dict(r, prr_id=r["prr_id"].replace("LAMA", "BARU")) for r in first]
    ack = ingest(engine, served, home, write_batch(tmp_path, rows, batch_id=batch_id(2)))
    assert ack["quarantined"] == {"NIK_ALREADY_PRINTED": 2} and ack["queued"] == 0


def test_a_batch_with_a_header_and_no_rows_is_accepted_with_zero_counts(
    engine, served, home, tmp_path
):
    ack = ingest(engine, served, home, write_batch(tmp_path, []))
    assert ack["status"] == "ACCEPTED"
    assert (ack["queued"], ack["held"], ack["duplicate"], ack["superseded"]) == (0, 0, 0, 0)
    assert ack["quarantined"] == {}
    assert count(engine, Batch) == 1 and count(engine, Record) == 0


def test_a_perubahan_data_row_supersedes_the_waiting_record_of_its_nik(
    engine, served, home, tmp_path
):
    queued = make_row(prr_id="LAMA-ANTRE")
    held = make_row(prr_id="LAMA-TAHAN", birth=date(2012, 1, 1), status_perkawinan="BELUM KAWIN")
    other = make_row(prr_id="LAIN")
    ingest(engine, served, home, write_batch(tmp_path, [queued, held, other]))
    rows = [
        dict(queued, prr_id="BARU-ANTRE", jenis_permohonan="PERUBAHAN_DATA", alamat="PINDAH"),
        dict(held, prr_id="BARU-TAHAN", jenis_permohonan="PERUBAHAN_DATA", alamat="PINDAH"),
        make_row(prr_id="BIASA"),
    ]
    ack = ingest(engine, served, home, write_batch(tmp_path, rows, batch_id=batch_id(2)))
    assert (ack["queued"], ack["held"], ack["superseded"], ack["quarantined"]) == (2, 1, 2, {})
    recs = records(engine)
    assert recs["BARU-ANTRE"].state == "queued"
    # The new row gets its own outcome: its holder is still under 17.
    assert (recs["BARU-TAHAN"].state, recs["BARU-TAHAN"].release_on) == ("held", date(2029, 1, 1))
    for old, new in (("LAMA-ANTRE", "BARU-ANTRE"), ("LAMA-TAHAN", "BARU-TAHAN")):
        assert recs[old].state == "superseded"
        assert recs[old].superseded_by == recs[new].id
    assert recs["LAIN"].state == "queued" and recs["LAIN"].superseded_by is None
    evs = events(engine)
    moves = {(e.record_id, e.from_state, e.to_state) for e in evs if e.from_state is not None}
    assert moves == {
        (recs["LAMA-ANTRE"].id, "queued", "superseded"),
        (recs["LAMA-TAHAN"].id, "held", "superseded"),
    }
    initial = Counter(e.record_id for e in evs if e.from_state is None)
    assert initial == Counter(r.id for r in recs.values())
    born = {e.record_id: e.to_state for e in evs if e.from_state is None}
    assert born[recs["LAMA-ANTRE"].id] == "queued" and born[recs["LAMA-TAHAN"].id] == "held"
    with Session(engine) as session:
        batch = session.get(Batch, batch_id(2))
        assert batch is not None and batch.superseded == 2
    assert_no_nik_in_messages(engine)


def test_a_quarantined_perubahan_data_row_leaves_the_older_record_as_it_was(
    engine, served, home, tmp_path
):
    queued = make_row(prr_id="LAMA-1")
    held = make_row(prr_id="LAMA-2", birth=date(2012, 1, 1), status_perkawinan="BELUM KAWIN")
    ingest(engine, served, home, write_batch(tmp_path, [queued, held]))
    before = snapshot(engine)
    rows = [
        dict(queued, prr_id="UBAH-1", jenis_permohonan="PERUBAHAN_DATA", foto="foto/hilang.jpg"),
        dict(held, prr_id="UBAH-2", jenis_permohonan="PERUBAHAN_DATA", agama="islam"),
    ]
    photos = {held["foto"]: jpeg_bytes()}
    ack = ingest(
        engine, served, home, write_batch(tmp_path, rows, batch_id=batch_id(2), photos=photos)
    )
    assert ack["superseded"] == 0 and ack["queued"] == ack["held"] == 0
    assert ack["quarantined"] == {"MISSING_PHOTO": 1, "INVALID_FIELD": 1}
    after = snapshot(engine)
    recs = records(engine)
    assert recs["LAMA-1"].state == "queued" and recs["LAMA-2"].state == "held"
    assert recs["LAMA-1"].superseded_by is None and recs["LAMA-2"].superseded_by is None
    for table in ("record", "recordevent", "recordphoto"):
        assert set(before[table]) <= set(after[table]), table  # old rows unchanged
    assert len([e for e in events(engine) if e.from_state is not None]) == 0


def test_a_baru_and_a_perubahan_data_row_for_a_waiting_nik_in_one_batch_are_both_quarantined(
    engine, served, home, tmp_path
):
    old = make_row(prr_id="LAMA")
    ingest(engine, served, home, write_batch(tmp_path, [old]))
    rows = [
        dict(old, prr_id="SATU", jenis_permohonan="BARU"),
        dict(old, prr_id="DUA", jenis_permohonan="PERUBAHAN_DATA"),
    ]
    ack = ingest(engine, served, home, write_batch(tmp_path, rows, batch_id=batch_id(2)))
    assert ack["quarantined"] == {"DUPLICATE_NIK_IN_BATCH": 2}
    assert ack["superseded"] == 0
    assert records(engine)["LAMA"].state == "queued"


def test_a_prr_id_ingested_in_an_earlier_batch_is_a_duplicate_and_stored_nowhere(
    engine, served, home, tmp_path
):
    first = [make_row(prr_id="SUDAH"), make_row(prr_id="KARANTINA", nik="123")]
    ingest(engine, served, home, write_batch(tmp_path, first))
    assert outcomes(engine)["KARANTINA"] == ("quarantined", "BAD_NIK_FORMAT")
    before = snapshot(engine)
    rows = [
        make_row(prr_id="SUDAH", nama="ORANG LAIN"),  # another NIK, still a duplicate
        make_row(prr_id="KARANTINA"),  # the first was quarantined: still a duplicate
        make_row(prr_id="SUDAH", nik="bukan nik", agama="?", foto="../x.jpg"),
        make_row(prr_id="BARU"),
    ]
    ack = ingest(engine, served, home, write_batch(tmp_path, rows, batch_id=batch_id(2)))
    assert (ack["duplicate"], ack["queued"], ack["quarantined"]) == (3, 1, {})
    after = snapshot(engine)
    assert outcomes(engine, batch_id(2)) == {"BARU": ("queued", None)}
    assert count(engine, Record) == 3
    for table in ("record", "recordevent", "recordphoto"):
        assert set(before[table]) <= set(after[table])
    assert len(after["record"]) == len(before["record"]) + 1
    recs = records(engine)
    assert recs["SUDAH"].batch_id == BATCH and recs["SUDAH"].nama == first[0]["nama"]


def test_a_prr_id_seen_earlier_in_the_same_batch_is_a_duplicate_even_if_the_first_was_quarantined(
    engine, served, home, tmp_path
):
    a = make_row(prr_id="DUA-KALI")
    b = make_row(prr_id="KARANTINA", agama="islam")
    rows = [
        a,
        make_row(prr_id="DUA-KALI"),  # another resident under a used id
        b,
        dict(b, agama="ISLAM"),  # corrected, but under the same id
        dict(a),  # the very same row again: no DUPLICATE_NIK_IN_BATCH for the first
    ]
    ack = ingest(engine, served, home, write_batch(tmp_path, rows))
    assert (ack["queued"], ack["duplicate"]) == (1, 3)
    assert ack["quarantined"] == {"INVALID_FIELD": 1}
    assert outcomes(engine) == {
        "DUA-KALI": ("queued", None),
        "KARANTINA": ("quarantined", "INVALID_FIELD"),
    }
    with engine.connect() as conn:
        numbers = sorted(conn.execute(sa.select(_REC.c.row_number)).scalars())
    assert numbers == [1, 3]
    assert count(engine, RecordEvent) == 2 and count(engine, RecordPhoto) == 1


# --- first reason wins --------------------------------------------------------------------


def test_the_first_reason_in_the_spec_table_order_is_reported(engine, served, home, tmp_path):
    male = make_row(birth=date(1990, 5, 17))
    nik = male["nik"]
    female_nik = make_row(birth=date(1990, 5, 17), female=True)["nik"]
    missing = "foto/tidak-ada.jpg"
    cases = {
        # BAD_NIK_FORMAT before everything else.
        "R1": (
            "BAD_NIK_FORMAT",
            dict(
                nik=nik[:15],
                tanggal_lahir="1991-01-01",
                jenis_kelamin="L",
                kode_kecamatan="33.11.01",
                agama="x",
                foto=missing,
            ),
        ),
        # NIK_BIRTHDATE_MISMATCH before the sex, other columns, kecamatan and photo.
        "R2": (
            "NIK_BIRTHDATE_MISMATCH",
            dict(
                nik=nik,
                tanggal_lahir="1991-05-17",
                jenis_kelamin="PEREMPUAN",
                golongan_darah="C",
                kode_kecamatan="33.11.01",
                foto=missing,
            ),
        ),
        # NIK_GENDER_MISMATCH before other columns, kecamatan and photo.
        "R3": (
            "NIK_GENDER_MISMATCH",
            dict(
                nik=female_nik,
                jenis_kelamin="LAKI-LAKI",
                agama="islam",
                kode_kecamatan="33.11.01",
                foto=missing,
            ),
        ),
        # An invalid tanggal_lahir: the date comparison is skipped, the column reported.
        "R4": (
            "INVALID_FIELD",
            dict(nik=nik, tanggal_lahir="1991-13-45", kode_kecamatan="33.11.01", foto=missing),
        ),
        # An invalid jenis_kelamin: the sex comparison is skipped, the column reported.
        "R5": ("INVALID_FIELD", dict(nik=female_nik, jenis_kelamin="L", foto=missing)),
        # INVALID_FIELD before UNKNOWN_KECAMATAN and MISSING_PHOTO.
        "R6": ("INVALID_FIELD", dict(nik=nik, rt="1234", kode_kecamatan="33.11.01", foto=missing)),
        # UNKNOWN_KECAMATAN before MISSING_PHOTO.
        "R7": ("UNKNOWN_KECAMATAN", dict(nik=nik, kode_kecamatan="33.11.01", foto=missing)),
    }
    rows = []
    for i, (prr, (_, overrides)) in enumerate(cases.items()):
        row = dict(male, prr_id=prr, **overrides)
        if row["nik"] in (nik, female_nik):  # one NIK per row: no in-batch duplicate
            row["nik"] = nik_with(row["nik"], seq=f"{100 + i:04d}")
        rows.append(row)
    # MISSING_PHOTO before DUPLICATE_NIK_IN_BATCH (the other row of the NIK still counts it).
    shared = make_row(prr_id="R8-A", foto="foto/r8.jpg")
    rows += [dict(shared, foto=missing), dict(shared, prr_id="R8-B")]
    # A minor with a quarantine reason is quarantined, not held.
    rows.append(
        make_row(prr_id="R9", birth=date(2012, 1, 1), status_perkawinan="BELUM KAWIN", foto=missing)
    )
    path = write_batch(tmp_path, rows, photos={"foto/r8.jpg": jpeg_bytes()})
    ack = ingest(engine, served, home, path)
    got = outcomes(engine)
    for prr, (reason, _) in cases.items():
        assert got[prr] == ("quarantined", reason), prr
    assert got["R8-A"] == ("quarantined", "MISSING_PHOTO")
    assert got["R8-B"] == ("quarantined", "DUPLICATE_NIK_IN_BATCH")
    assert got["R9"] == ("quarantined", "MISSING_PHOTO")
    recs = records(engine)
    assert recs["R4"].reason_detail.startswith("kolom tanggal_lahir:")
    assert recs["R5"].reason_detail.startswith("kolom jenis_kelamin:")
    assert "kolom rt:" in recs["R6"].reason_detail
    assert ack["queued"] == ack["held"] == 0
    assert count(engine, RecordPhoto) == 0
    assert_initial_events(engine)
    assert_no_nik_in_messages(engine)


def test_later_reasons_follow_the_table_order_across_batches(engine, served, home, tmp_path):
    waiting = make_row(prr_id="W")
    printed = make_row(prr_id="P")
    both = make_row(prr_id="B")
    ingest(engine, served, home, write_batch(tmp_path, [waiting, printed, both]))
    set_printed(engine, ["P", "B"])
    # "B": printed once, its card spoiled, the record back in the queue.
    with engine.begin() as conn:
        conn.execute(sa.update(_REC).where(_REC.c.prr_id == "B").values(state="queued"))
    rows = [
        # DUPLICATE_NIK_IN_BATCH before NIK_ALREADY_QUEUED.
        dict(waiting, prr_id="W-1"),
        dict(waiting, prr_id="W-2", jenis_permohonan="RUSAK"),
        # DUPLICATE_NIK_IN_BATCH before NIK_ALREADY_PRINTED.
        dict(printed, prr_id="P-1"),
        dict(printed, prr_id="P-2"),
        # NIK_ALREADY_QUEUED before NIK_ALREADY_PRINTED.
        dict(both, prr_id="B-1"),
    ]
    ack = ingest(engine, served, home, write_batch(tmp_path, rows, batch_id=batch_id(2)))
    got = outcomes(engine, batch_id(2))
    for prr in ("W-1", "W-2", "P-1", "P-2"):
        assert got[prr] == ("quarantined", "DUPLICATE_NIK_IN_BATCH"), prr
    assert got["B-1"] == ("quarantined", "NIK_ALREADY_QUEUED")
    assert ack["quarantined"] == {"DUPLICATE_NIK_IN_BATCH": 4, "NIK_ALREADY_QUEUED": 1}


def test_a_duplicate_prr_id_wins_over_every_other_reason(engine, served, home, tmp_path):
    rows = [
        make_row(prr_id="SATU"),
        make_row(
            prr_id="SATU",
            nik="x",
            tanggal_lahir="?",
            kode_kecamatan="99.99.99",
            foto=str(tmp_path / "passwd.jpg"),
        ),
    ]
    ack = ingest(engine, served, home, write_batch(tmp_path, rows))
    assert (ack["queued"], ack["duplicate"], ack["quarantined"]) == (1, 1, {})


def test_rows_with_nul_characters_are_quarantined_without_blocking_the_batch(
    engine, served, home, tmp_path
):
    nul_nik = make_row()["nik"][:15] + "\x00"
    rows = [
        make_row(prr_id="NUL-NAMA", nama="BUDI\x00"),
        make_row(prr_id="NUL-ALAMAT", alamat="DUSUN\x00KRAJAN"),
        make_row(prr_id="NUL-NIK", nik=nul_nik),
        make_row(prr_id="NUL\x00ID"),
        make_row(prr_id="BAIK"),
    ]
    ack = ingest(engine, served, home, write_batch(tmp_path, rows))
    assert ack["status"] == "ACCEPTED"
    assert ack["queued"] == 1
    assert ack["quarantined"] == {"BAD_NIK_FORMAT": 1, "INVALID_FIELD": 3}
    got = outcomes(engine)
    assert got["NUL-NAMA"] == got["NUL-ALAMAT"] == ("quarantined", "INVALID_FIELD")
    assert got["NUL-NIK"] == ("quarantined", "BAD_NIK_FORMAT")
    assert got["BAIK"] == ("queued", None)
    assert count(engine, Record) == 5


def test_a_manifest_batch_id_with_a_nul_character_rejects_the_batch(engine, served, home, tmp_path):
    path = write_batch(tmp_path, [make_row()], manifest_overrides={"batch_id": "PRR\x00-1"})
    ack = ingest(engine, served, home, path)
    assert_rejected(ack, engine, home, path, "batch_id")


# --- idempotent re-delivery -----------------------------------------------------------------


class _Tomorrow(datetime):
    """The clock a day later: an ACK built again would show another processed_at."""

    @classmethod
    def now(cls, tz: Any = None) -> datetime:
        return datetime.now(tz) + timedelta(days=1)


@pytest.mark.parametrize("as_zip", [False, True], ids=["folder", "zip"])
def test_an_accepted_batch_delivered_again_gets_its_original_ack_and_changes_nothing(
    engine, served, home, tmp_path, monkeypatch, as_zip
):
    rows = [
        make_row(),
        make_row(birth=date(2012, 1, 1), status_perkawinan="BELUM KAWIN"),
        make_row(agama="x"),
    ]
    first_path = write_batch(tmp_path, rows)
    first = ingest(engine, served, home, first_path)
    assert first["status"] == "ACCEPTED"
    before = snapshot(engine)
    original_archive = home.archive_dir / BATCH
    assert original_archive.is_dir()

    monkeypatch.setattr(service, "datetime", _Tomorrow)
    # Another copy, under another name, even with other content: the batch id decides.
    again = write_batch(tmp_path, rows + [make_row()], folder="salinan-flashdisk")
    if as_zip:
        again = zip_folder(again, tmp_path / "inbox" / "salinan-flashdisk.zip", with_folder=True)
        shutil.rmtree(tmp_path / "inbox" / "salinan-flashdisk")
    second = ingest(engine, served, home, again)
    assert second == first
    assert second["processed_at"] == first["processed_at"]
    assert snapshot(engine) == before
    ack_file = json.loads((home.outbox_dir / f"ACK-{BATCH}.json").read_text("utf-8"))
    assert ack_file == first
    # Filed in the archive beside the first copy; nothing deleted.
    assert not again.exists()
    assert original_archive.is_dir() and (original_archive / "records.csv").exists()
    filed = [p for p in home.archive_dir.iterdir() if p != original_archive]
    assert len(filed) == 1 and filed[0].name.startswith(again.name)
    assert list(home.rejected_dir.iterdir()) == []


def test_a_broken_copy_of_an_accepted_batch_is_recognised_before_any_other_check(
    engine, served, home, tmp_path
):
    rows = [make_row(), make_row()]
    first = ingest(engine, served, home, write_batch(tmp_path, rows))
    before = snapshot(engine)
    copy = write_batch(
        tmp_path,
        rows,
        folder="terpotong",
        kode_wilayah="33.11",
        manifest_overrides={"jumlah_record": 7},
    )
    (copy / "records.csv").write_bytes((copy / "records.csv").read_bytes()[:50])
    second = ingest(engine, served, home, copy)
    assert second == first
    assert snapshot(engine) == before
    assert list(home.rejected_dir.iterdir()) == []


# --- ACK -----------------------------------------------------------------------------------


def test_the_ack_file_equals_the_returned_ack_with_keys_in_spec_order_and_regency_offset(
    engine, served, home, tmp_path
):
    rows = [
        make_row(),
        make_row(nik="1"),
        make_row(birth=date(2012, 1, 1), status_perkawinan="BELUM KAWIN"),
    ]
    started = datetime.now(UTC).replace(microsecond=0)
    ack = ingest(engine, served, home, write_batch(tmp_path, rows))
    raw = (home.outbox_dir / f"ACK-{BATCH}.json").read_text("utf-8")
    pairs = json.loads(raw, object_pairs_hook=list)
    assert [k for k, _ in pairs] == ACK_KEYS
    assert json.loads(raw) == ack
    assert ack["quarantined"] == {"BAD_NIK_FORMAT": 1}
    assert (ack["queued"], ack["held"], ack["duplicate"], ack["superseded"]) == (1, 1, 0, 0)
    at = datetime.fromisoformat(ack["processed_at"])
    assert ack["processed_at"].endswith("+07:00")
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+07:00", ack["processed_at"])
    assert at.utcoffset() == timedelta(hours=7)
    assert started - timedelta(seconds=1) <= at <= datetime.now(UTC) + timedelta(seconds=1)
    with Session(engine) as session:
        batch = session.get(Batch, BATCH)
        assert batch is not None and json.loads(batch.ack_json) == ack
    assert [p.name for p in home.outbox_dir.iterdir()] == [f"ACK-{BATCH}.json"]


def test_a_rejected_ack_file_has_keys_in_spec_order_and_the_regency_offset(
    engine, served, home, tmp_path
):
    path = write_batch(tmp_path, [make_row()], kode_wilayah="34.04")
    ack = ingest(engine, served, home, path)
    raw = (home.outbox_dir / f"ACK-{BATCH}.json").read_text("utf-8")
    assert [k for k, _ in json.loads(raw, object_pairs_hook=list)] == ACK_KEYS
    assert json.loads(raw) == ack
    assert ack["status"] == "REJECTED" and ack["processed_at"].endswith("+07:00")


def test_an_accepted_batch_is_archived_and_logged_as_a_delivery(engine, served, home, tmp_path):
    path = write_batch(tmp_path, [make_row()], folder="dari-flashdisk")
    ingest(engine, served, home, path)
    assert not path.exists()
    assert (home.archive_dir / "dari-flashdisk" / "manifest.json").is_file()
    with Session(engine) as session:
        logged = session.exec(select(Delivery)).all()
        batch = session.get(Batch, BATCH)
    assert [(d.status, d.batch_id) for d in logged] == [("ACCEPTED", BATCH)]
    assert batch is not None and batch.jumlah_record == 1 and batch.queued == 1
