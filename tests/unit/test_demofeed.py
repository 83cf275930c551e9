"""The synthetic PRR feed (demo.feed): shaped per the spec, deterministic, and with
exactly the defects it says it has.

The checks below are an independent reading of the feed spec (prr-feed.md), not the
engine's own validator, so that the generator and the engine keep each other honest.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import zipfile
from collections import Counter
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from PIL import Image

from cetak.regions import load_regency, provinces, shipped_regencies
from demo.feed import COLUMNS, DemoBatch, generate_feed, make_zip
from demo.photos import PORTRAITS
from intake.nik import parse_nik

TODAY = date(2026, 11, 22)
KLATEN = load_regency("33.10")
KLATEN_KECAMATAN = {k.kode for k in KLATEN.kecamatan}
PROVINCES = provinces()

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_RULES = {
    "prr_id": re.compile(r"[A-Za-z0-9-]{1,40}"),
    "nik": re.compile(r"\d{16}"),
    "jenis_kelamin": re.compile(r"LAKI-LAKI|PEREMPUAN"),
    "golongan_darah": re.compile(r"(A|B|AB|O)[+-]?|-"),
    "rt": re.compile(r"\d{1,3}"),
    "rw": re.compile(r"\d{1,3}"),
    "kode_kecamatan": re.compile(r"\d{2}\.\d{2}\.\d{2}"),
    "agama": re.compile(
        r"ISLAM|KRISTEN|KATOLIK|HINDU|BUDDHA|KHONGHUCU|KEPERCAYAAN TERHADAP TUHAN YME"
    ),
    "status_perkawinan": re.compile(r"BELUM KAWIN|KAWIN|CERAI HIDUP|CERAI MATI"),
    "kewarganegaraan": re.compile(r"WNI|WNA"),
    "jenis_permohonan": re.compile(r"BARU|PERUBAHAN_DATA|RUSAK|HILANG"),
}
_TEXT = {"tempat_lahir": 40, "alamat": 100, "kel_desa": 40, "pekerjaan": 40}


# --- an independent reading of the spec --------------------------------------------------


def parse_date(value: str) -> date | None:
    if not _DATE.fullmatch(value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def invalid_columns(row: dict[str, str]) -> list[str]:
    bad = [c for c, rule in _RULES.items() if not rule.fullmatch(row[c])]
    bad += [c for c, limit in _TEXT.items() if not 1 <= len(row[c].strip()) <= limit]
    nama = row["nama"].strip()
    if not 1 <= len(nama) <= 60 or not all(ch.isalpha() or ch in " '.,-" for ch in nama):
        bad.append("nama")
    bad += [c for c in ("tanggal_lahir", "tanggal_rekam") if parse_date(row[c]) is None]
    wni = row["berlaku_hingga"] == "SEUMUR HIDUP"
    if (row["kewarganegaraan"] == "WNI") != wni or not (wni or parse_date(row["berlaku_hingga"])):
        bad.append("berlaku_hingga")
    return bad


def photo_readable(path: Path) -> bool:
    if not path.is_file():
        return False
    data = path.read_bytes()
    if not data.endswith(b"\xff\xd9"):  # a copy cut short loses the end-of-image marker
        return False
    try:
        with Image.open(io.BytesIO(data)) as img:
            img.load()
            return img.format == "JPEG"
    except OSError:
        return False


def read_rows(batch: DemoBatch) -> list[dict[str, str]]:
    with (batch.path / "records.csv").open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def row_issues(row: dict[str, str], batch_dir: Path, kecamatan: set[str]) -> list[str]:
    """The row's own quarantine reasons, in the spec's order (not DUPLICATE/SUPERSEDES)."""
    issues = []
    parts = parse_nik(row["nik"], PROVINCES)
    assert parts is not None, f"BAD_NIK_FORMAT is never intended: {row['nik']}"
    birth = parse_date(row["tanggal_lahir"])
    if birth and (parts.day, parts.month, parts.yy) != (birth.day, birth.month, birth.year % 100):
        issues.append("NIK_BIRTHDATE_MISMATCH")
    if row["jenis_kelamin"] in ("LAKI-LAKI", "PEREMPUAN") and parts.female != (
        row["jenis_kelamin"] == "PEREMPUAN"
    ):
        issues.append("NIK_GENDER_MISMATCH")
    if invalid_columns(row):
        issues.append("INVALID_FIELD")
    shaped = _RULES["kode_kecamatan"].fullmatch(row["kode_kecamatan"])
    if shaped and row["kode_kecamatan"] not in kecamatan:
        issues.append("UNKNOWN_KECAMATAN")
    if not photo_readable(batch_dir / row["foto"]):
        issues.append("MISSING_PHOTO")
    return issues


def observed_defects(batches: list[DemoBatch], kecamatan: set[str]) -> list[Counter]:
    """Per batch: rows by the one defect each carries; fails on a row with two."""
    seen: dict[str, dict[str, str]] = {}
    result = []
    for batch in batches:
        rows = read_rows(batch)
        niks = Counter(row["nik"] for row in rows)
        found: Counter = Counter()
        for row in rows:
            issues = row_issues(row, batch.path, kecamatan)
            if niks[row["nik"]] > 1:
                issues.append("DUPLICATE_NIK_IN_BATCH")
            if row["nik"] in seen:
                assert row["jenis_permohonan"] == "PERUBAHAN_DATA", row
                issues.append("SUPERSEDES")
            assert len(issues) <= 1, (issues, row)
            found.update(issues)
        seen.update((row["nik"], row) for row in rows)
        result.append(found)
    return result


# --- fixtures --------------------------------------------------------------------------


def feed(out: Path, **kwargs) -> list[DemoBatch]:
    args = {
        "regency": KLATEN,
        "records": 600,
        "batch_size": 150,
        "seed": 7,
        "defect_rate": 0.25,
        "today": TODAY,
    } | kwargs
    return generate_feed(out=out, **args)


@pytest.fixture(scope="module")
def defective(tmp_path_factory) -> list[DemoBatch]:
    return feed(tmp_path_factory.mktemp("defective"))


@pytest.fixture(scope="module")
def clean(tmp_path_factory) -> list[DemoBatch]:
    return feed(tmp_path_factory.mktemp("clean"), records=400, defect_rate=0.0, seed=11)


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


# --- the batch format --------------------------------------------------------------------


def test_writes_one_folder_per_batch_with_the_remainder_in_the_last(tmp_path):
    batches = feed(tmp_path, records=320, batch_size=100, photos=False)
    assert [b.records for b in batches] == [100, 100, 100, 20]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(b.batch_id for b in batches)


def test_manifest_names_the_batch_and_its_digest_matches_records_csv(defective):
    for batch in defective:
        manifest = json.loads((batch.path / "manifest.json").read_text(encoding="utf-8"))
        assert list(manifest) == ["batch_id", "kode_wilayah", "dibuat", "jumlah_record", "sha256"]
        assert manifest["batch_id"] == batch.batch_id == batch.path.name
        assert manifest["kode_wilayah"] == "33.10"
        data = (batch.path / "records.csv").read_bytes()
        assert manifest["sha256"] == {"records.csv": hashlib.sha256(data).hexdigest()}


def test_manifest_is_created_on_the_batch_day_in_the_regencys_zone(defective):
    for batch in defective:
        dibuat = json.loads((batch.path / "manifest.json").read_text())["dibuat"]
        created = datetime.fromisoformat(dibuat)
        assert dibuat.endswith("+07:00")
        assert created.strftime("%Y%m%d") == batch.batch_id.split("-")[2]


def test_row_count_equals_jumlah_record(defective):
    for batch in defective:
        manifest = json.loads((batch.path / "manifest.json").read_text())
        assert len(read_rows(batch)) == manifest["jumlah_record"] == batch.records


def test_records_csv_has_every_column_in_spec_order_and_crlf_line_ends(defective):
    data = (defective[0].path / "records.csv").read_bytes()
    assert data.startswith((",".join(COLUMNS) + "\r\n").encode())
    assert data.count(b"\n") == data.count(b"\r\n") == defective[0].records + 1
    data.decode("utf-8")


def test_batch_ids_follow_the_naming_with_a_sequence_per_day(tmp_path):
    batches = feed(tmp_path, records=12, batch_size=1, defect_rate=0, photos=False)
    ids = [b.batch_id for b in batches]
    assert all(re.fullmatch(r"PRR-3310-\d{8}-\d{4}", i) for i in ids)
    days = Counter(i.split("-")[2] for i in ids)
    assert sorted(days) == [f"202611{d}" for d in range(18, 23)]  # up to today, no later
    for day, count in days.items():
        assert sorted(i for i in ids if f"-{day}-" in i) == [
            f"PRR-3310-{day}-{n:04d}" for n in range(1, count + 1)
        ]


def test_few_batches_fall_on_consecutive_days_from_start(tmp_path):
    batches = feed(tmp_path, records=30, batch_size=10, start=date(2026, 10, 1), photos=False)
    assert [b.batch_id for b in batches] == [
        "PRR-3310-20261001-0001",
        "PRR-3310-20261002-0001",
        "PRR-3310-20261003-0001",
    ]


# --- realistic content -------------------------------------------------------------------


def test_a_clean_feed_has_only_valid_rows_and_no_defects(clean):
    assert all(batch.defects == {} for batch in clean)
    for batch in clean:
        for row in read_rows(batch):
            assert invalid_columns(row) == [], row
            assert row["kode_kecamatan"] in KLATEN_KECAMATAN
    assert all(found == Counter() for found in observed_defects(clean, KLATEN_KECAMATAN))


def test_nik_and_prr_id_are_unique_across_a_clean_feed(clean):
    rows = [row for batch in clean for row in read_rows(batch)]
    assert len({row["nik"] for row in rows}) == len(rows)
    assert len({row["prr_id"] for row in rows}) == len(rows)


def test_residents_are_mostly_adults_with_about_two_percent_sixteen_and_single(tmp_path):
    batches = feed(tmp_path, records=3000, batch_size=500, defect_rate=0, photos=False)
    rows = [row for batch in batches for row in read_rows(batch)]
    ages = []
    held = 0
    for row in rows:
        birth = date.fromisoformat(row["tanggal_lahir"])
        age = TODAY.year - birth.year - ((TODAY.month, TODAY.day) < (birth.month, birth.day))
        ages.append(age)
        if age < 17 and row["status_perkawinan"] == "BELUM KAWIN":
            held += 1
            seventeen = date(birth.year + 17, 3, 1) - timedelta(days=1)  # 28 or 29 February
            if (birth.month, birth.day) != (2, 29):
                seventeen = birth.replace(year=birth.year + 17)
            assert seventeen > TODAY + timedelta(days=29)  # still held a month from now
    assert min(ages) == 16 and max(ages) <= 83
    assert 0.01 <= held / len(rows) <= 0.035


def test_content_looks_like_klaten(clean):
    rows = [row for batch in clean for row in read_rows(batch)]
    share = Counter()
    for row in rows:
        share["klaten"] += row["tempat_lahir"].upper() == "KLATEN"
        share["islam"] += row["agama"] == "ISLAM"
        share["wni"] += row["kewarganegaraan"] == "WNI"
        share["baru"] += row["jenis_permohonan"] == "BARU"
        share["nik_here"] += row["nik"][:6] == row["kode_kecamatan"].replace(".", "")
        share["single_word"] += " " not in row["nama"].strip()
    n = len(rows)
    assert share["klaten"] > 0.5 * n and share["islam"] > 0.8 * n and share["wni"] > 0.98 * n
    assert share["baru"] > 0.5 * n and share["nik_here"] > 0.85 * n
    assert 0 < share["single_word"] < 0.5 * n
    assert len({row["kode_kecamatan"] for row in rows}) > 15
    assert {row["jenis_kelamin"] for row in rows} == {"LAKI-LAKI", "PEREMPUAN"}


def test_recording_date_is_one_to_six_weeks_before_the_batch(clean):
    for batch in clean:
        made = date.fromisoformat(batch.batch_id.split("-")[2])
        for row in read_rows(batch):
            assert 7 <= (made - date.fromisoformat(row["tanggal_rekam"])).days <= 42


@pytest.mark.parametrize("kode", sorted(shipped_regencies()))
def test_every_shipped_regency_gives_valid_rows_in_its_own_zone(tmp_path, kode):
    regency = load_regency(kode)
    kecamatan = {k.kode for k in regency.kecamatan}
    batches = feed(tmp_path, regency=regency, records=300, defect_rate=0, photos=False)
    offset = "+08:00" if kode == "64.08" else "+07:00"
    for batch in batches:
        assert batch.batch_id.startswith(f"PRR-{kode.replace('.', '')}-")
        assert json.loads((batch.path / "manifest.json").read_text())["dibuat"].endswith(offset)
        for row in read_rows(batch):
            assert invalid_columns(row) == [] and row["kode_kecamatan"] in kecamatan, row


# --- intended defects --------------------------------------------------------------------


def test_every_nik_agrees_with_birth_date_and_sex_except_the_intended_mismatches(defective):
    for batch, found in zip(defective, observed_defects(defective, KLATEN_KECAMATAN), strict=True):
        for kind in ("NIK_BIRTHDATE_MISMATCH", "NIK_GENDER_MISMATCH"):
            assert found[kind] == batch.defects.get(kind, 0), (batch.batch_id, kind)


def test_each_defect_row_has_one_defect_and_the_counts_are_exact(defective):
    observed = observed_defects(defective, KLATEN_KECAMATAN)
    for batch, found in zip(defective, observed, strict=True):
        assert dict(found) == batch.defects
    total = Counter()
    for found in observed:
        total.update(found)
    assert set(total) == {
        "NIK_BIRTHDATE_MISMATCH",
        "NIK_GENDER_MISMATCH",
        "INVALID_FIELD",
        "UNKNOWN_KECAMATAN",
        "MISSING_PHOTO",
        "DUPLICATE_NIK_IN_BATCH",
        "SUPERSEDES",
    }
    assert 0.15 < sum(total.values()) / sum(b.records for b in defective) < 0.4


def test_the_first_batch_supersedes_nothing(defective):
    assert "SUPERSEDES" not in defective[0].defects


def test_a_superseding_row_changes_data_of_a_clean_row_of_an_earlier_batch(defective):
    earlier: dict[str, dict[str, str]] = {}
    checked = 0
    for batch in defective:
        rows = read_rows(batch)
        for row in rows:
            old = earlier.get(row["nik"])
            if old is None:
                continue
            checked += 1
            assert row_issues(old, old["_dir"], KLATEN_KECAMATAN) == []
            assert (row["nama"], row["tanggal_lahir"]) == (old["nama"], old["tanggal_lahir"])
            assert row["prr_id"] != old["prr_id"] and row["jenis_permohonan"] == "PERUBAHAN_DATA"
            changed = [c for c in COLUMNS if row[c] != old[c]]
            assert set(changed) - {"prr_id", "jenis_permohonan", "tanggal_rekam"}, changed
        earlier.update((row["nik"], row | {"_dir": batch.path}) for row in rows)
    assert checked == sum(b.defects.get("SUPERSEDES", 0) for b in defective) > 0


# --- photos ------------------------------------------------------------------------------


def test_photos_are_small_distinct_jpegs_that_pillow_opens(clean):
    files = list((clean[0].path / "foto").iterdir())
    photos = {p.read_bytes() for p in files}
    assert len(files) == clean[0].records  # one photo per record
    # drawn from the pool of portraits: 150 draws from 64 give about 58 distinct ones
    assert 3 * PORTRAITS // 4 <= len(photos) <= PORTRAITS
    for data in photos:
        assert len(data) < 8000
        with Image.open(io.BytesIO(data)) as img:
            img.load()
            assert (img.format, img.size) == ("JPEG", (120, 160))


def test_every_row_of_a_clean_feed_has_its_photo(clean):
    for batch in clean:
        for row in read_rows(batch):
            assert row["foto"] == f"foto/{row['nik']}.jpg"
            assert photo_readable(batch.path / row["foto"])


def test_without_photos_the_csv_and_manifest_are_the_same(tmp_path):
    with_photos = feed(tmp_path / "a", records=200)
    without = feed(tmp_path / "b", records=200, photos=False)
    for a, b in zip(with_photos, without, strict=True):
        assert (a.batch_id, a.records, a.defects) == (b.batch_id, b.records, b.defects)
        assert not (b.path / "foto").exists()
        for name in ("records.csv", "manifest.json"):
            assert (a.path / name).read_bytes() == (b.path / name).read_bytes()


# --- determinism -------------------------------------------------------------------------


def test_the_same_seed_gives_byte_identical_output(tmp_path):
    feed(tmp_path / "a", records=300)
    feed(tmp_path / "b", records=300)
    assert tree(tmp_path / "a") == tree(tmp_path / "b")


def test_a_different_seed_gives_different_rows_and_ids(tmp_path):
    first = feed(tmp_path / "a", records=300, seed=1)
    second = feed(tmp_path / "b", records=300, seed=2)
    rows_a = [r for b in first for r in read_rows(b)]
    rows_b = [r for b in second for r in read_rows(b)]
    assert {r["prr_id"] for r in rows_a}.isdisjoint(r["prr_id"] for r in rows_b)
    assert {r["nama"] for r in rows_a} != {r["nama"] for r in rows_b}


def test_generating_again_into_the_same_folder_replaces_the_batch(tmp_path):
    feed(tmp_path / "again", records=150, seed=1)
    feed(tmp_path / "again", records=150, seed=2)
    feed(tmp_path / "fresh", records=150, seed=2)
    assert tree(tmp_path / "again") == tree(tmp_path / "fresh")


def test_does_not_overwrite_a_folder_it_did_not_write(tmp_path):
    (batch,) = feed(tmp_path / "a", records=10, photos=False)
    (tmp_path / "b" / batch.batch_id).mkdir(parents=True)
    (tmp_path / "b" / batch.batch_id / "notes.txt").write_text("mine")
    with pytest.raises(FileExistsError):
        feed(tmp_path / "b", records=10, photos=False)
    assert (tmp_path / "b" / batch.batch_id / "notes.txt").read_text() == "mine"


def test_rejects_impossible_arguments(tmp_path):
    for bad in ({"batch_size": 0}, {"records": -1}, {"defect_rate": 1.5}):
        with pytest.raises(ValueError):
            feed(tmp_path, **bad)


# --- zips --------------------------------------------------------------------------------


@pytest.mark.parametrize("with_folder", [True, False])
def test_make_zip_holds_the_folder_or_just_its_contents(clean, tmp_path, with_folder):
    batch = clean[0]
    archive = make_zip(batch.path, tmp_path, with_folder=with_folder)
    assert archive == tmp_path / f"{batch.batch_id}.zip"
    prefix = f"{batch.batch_id}/" if with_folder else ""
    with zipfile.ZipFile(archive) as zf:
        names = [n for n in zf.namelist() if not n.endswith("/")]
        assert all(n.startswith(prefix) for n in zf.namelist())
        assert f"{prefix}manifest.json" in names and f"{prefix}records.csv" in names
        zf.extractall(tmp_path / "x")
    assert tree(tmp_path / "x" / batch.batch_id if with_folder else tmp_path / "x") == tree(
        batch.path
    )


def test_make_zip_to_a_file_name_is_repeatable(clean, tmp_path):
    first = make_zip(clean[0].path, tmp_path / "one.zip")
    second = make_zip(clean[0].path, tmp_path / "two.zip", with_folder=True)
    assert first.name == "one.zip" and first.read_bytes() == second.read_bytes()
