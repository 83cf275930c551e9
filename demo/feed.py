"""Synthetic print-ready-record (PRR) feed: batches shaped exactly like central's.

For demos, tests and benchmarks. Output is a pure function of the arguments: the same call
writes byte-identical folders. Every person is fictional (names are combined at random
from ``demo.names``; photos are drawings from ``demo.photos``).

About ``defect_rate`` of the rows carry one realistic defect each, and later batches carry
a few ``PERUBAHAN_DATA`` rows that reuse the NIK of a clean row of an earlier batch of the
same feed. ``DemoBatch.defects`` counts the rows by intended outcome (the quarantine code,
or ``SUPERSEDES``). About 2% of the rows are 16-year-olds, nearly all ``BELUM KAWIN``,
who turn 17 one to nine months after ``today``: held at ingest. They are not defects.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import math
import os
import random
import shutil
import zipfile
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from cetak.regions import Regency
from demo import names
from demo.names import pick, table
from demo.photos import portrait_index, portraits
from intake.nik import encode_nik
from intake.rules import FEED_COLUMNS

COLUMNS = FEED_COLUMNS  # the spec's column order
DEFECT_KINDS = (
    "NIK_BIRTHDATE_MISMATCH",
    "NIK_GENDER_MISMATCH",
    "INVALID_FIELD",
    "UNKNOWN_KECAMATAN",
    "MISSING_PHOTO",
    "DUPLICATE_NIK_IN_BATCH",
    "SUPERSEDES",
)


@dataclass(frozen=True)
class DemoBatch:
    batch_id: str
    path: Path  # the batch folder
    records: int
    defects: dict[str, int]  # intended outcome -> rows, e.g. {"MISSING_PHOTO": 2}


# TRUNCATED_PHOTO is counted as MISSING_PHOTO; it is a separate kind only for its weight.
_DEFECTS = table(
    (
        ("NIK_BIRTHDATE_MISMATCH", 18),
        ("NIK_GENDER_MISMATCH", 10),
        ("MISSING_PHOTO", 10),
        ("TRUNCATED_PHOTO", 8),
        ("INVALID_FIELD", 20),
        ("DUPLICATE_NIK_IN_BATCH", 10),
        ("UNKNOWN_KECAMATAN", 8),
        ("SUPERSEDES", 8),
    )
)
_PERMOHONAN = table((("BARU", 72), ("HILANG", 11), ("RUSAK", 8), ("PERUBAHAN_DATA", 9)))
_BLOOD = table((("O", 38), ("A", 26), ("B", 28), ("AB", 8)))
_RHESUS = table((("", 91), ("+", 8.5), ("-", 0.5)))


def _add_years(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February in a common year
        return d.replace(year=d.year + years, day=28)


class _Generator:
    """Rows of one feed, from one random stream seeded by the regency and the seed."""

    def __init__(self, regency: Regency, seed: int, today: date) -> None:
        self.p, self.today = names.Place(regency), today
        self.rng = random.Random(f"cetak-demofeed:{regency.kode}:{seed}")
        self.next_id = self.rng.randrange(10**6, 8 * 10**8)
        self.sequences: dict[str, int] = {}  # NIK digits 1-12 -> last sequence given
        self.pool: list[dict] = []  # clean rows of earlier batches, to be superseded

    def prr_id(self) -> str:
        self.next_id += 1
        return f"PRR{self.p.digits}{self.next_id:09d}"

    def nik(self, region: str, birth: date, female: bool) -> str:
        """A NIK no other row of the feed has (unless a defect copies it on purpose)."""
        prefix = encode_nik(region, birth, female=female, sequence=1)[:12]
        last = self.sequences.get(prefix)
        seq = self.rng.randint(1, 3) if last is None else last + self.rng.randint(1, 2)
        if seq > 9999:
            raise RuntimeError(f"NIK sequences exhausted for {prefix}")
        self.sequences[prefix] = seq
        return f"{prefix}{seq:04d}"

    def _birth(self, ref: date, permohonan: str) -> tuple[date, int]:
        rng = self.rng
        if permohonan == "BARU" and rng.random() < 0.03:  # 16 at ingest: held
            return _add_years(ref + timedelta(rng.randint(30, 280)), -17), 16
        young = permohonan == "BARU" and rng.random() < 0.55  # just became wajib KTP
        age = rng.randint(17, 18) if young else int(rng.triangular(17, 83, 27))
        latest, earliest = _add_years(ref, -age), _add_years(ref, -age - 1) + timedelta(1)
        return earliest + timedelta(rng.randint(0, (latest - earliest).days)), age

    def person(self, made: date) -> dict:
        rng, p = self.rng, self.p
        female = rng.random() < 0.5
        permohonan = pick(rng, _PERMOHONAN)
        birth, age = self._birth(max(self.today, made), permohonan)
        status = names.marital_status(rng, age, female)
        profile = pick(rng, p.profiles)
        agama = names.religion(rng, profile)
        kec = pick(rng, p.kec_table)
        r = rng.random()  # a NIK keeps the region where it was issued: some residents moved
        region = kec if r < 0.95 else rng.choice(p.kecamatan if r < 0.98 else p.foreign)
        nama = names.person_name(rng, profile, female, birth.year, agama)
        tempat, berlaku = p.birthplace(rng, profile, birth.year), "SEUMUR HIDUP"
        job = p.job(rng, age, female, status)
        wna = age > 16 and rng.random() < 0.0015  # a foreign resident with a stay permit
        if wna:
            nama, tempat, agama, wna_job = names.foreigner(rng, female)
            job = wna_job if age >= 25 else job
            berlaku = (made + timedelta(rng.randint(365, 1800))).isoformat()
        alamat, rt, rw = p.address(rng, kec)
        blood = "-" if rng.random() < 0.5 else pick(rng, _BLOOD) + pick(rng, _RHESUS)
        row = {
            "prr_id": self.prr_id(),
            "nik": self.nik(region.replace(".", ""), birth, female),
            "nama": nama,
            "tempat_lahir": tempat,
            "tanggal_lahir": birth.isoformat(),
            "jenis_kelamin": "PEREMPUAN" if female else "LAKI-LAKI",
            "golongan_darah": blood,
            "alamat": alamat,
            "rt": rt,
            "rw": rw,
            "kel_desa": rng.choice(p.villages[kec]),
            "kode_kecamatan": kec,
            "agama": agama,
            "status_perkawinan": status,
            "pekerjaan": job,
            "kewarganegaraan": "WNA" if wna else "WNI",
            "berlaku_hingga": berlaku,
            "jenis_permohonan": permohonan,
            "tanggal_rekam": (made - timedelta(rng.randint(7, 42))).isoformat(),
            "foto": "",
            # not written: e-KTP photos are commonly red for odd birth years, blue for even
            "_birth": birth,
            "_female": female,
            "_foto": "ok",
            "_photo": portrait_index(
                red=birth.year % 2 == 1, female=female, variant=rng.randrange(16)
            ),
        }
        if rng.random() < 0.02:  # central keeps the resident's spelling: not always upper
            for column in ("nama", "tempat_lahir", "kel_desa"):
                row[column] = row[column].title()
        return row

    def spoil(self, row: dict, kind: str) -> None:
        """Give a fresh row one defect of ``kind``; nothing else about it is wrong."""
        rng, birth, female = self.rng, row["_birth"], row["_female"]
        if kind == "NIK_BIRTHDATE_MISMATCH":  # a typo in the date digits of the NIK
            wrong = birth
            while wrong.strftime("%d%m%y") == birth.strftime("%d%m%y"):
                how = rng.randrange(3)
                if how == 0:
                    wrong = birth + timedelta(rng.choice((-10, -2, -1, 1, 2, 10)))
                elif how == 1:
                    wrong = _add_years(birth, rng.choice((-1, 1)))
                elif birth.day <= 12:  # day and month swapped
                    wrong = date(birth.year, birth.day, birth.month)
            row["nik"] = self.nik(row["nik"][:6], wrong, female)
        elif kind == "NIK_GENDER_MISMATCH":
            if rng.random() < 0.5:
                row["nik"] = self.nik(row["nik"][:6], birth, not female)
            else:
                row["jenis_kelamin"] = "LAKI-LAKI" if female else "PEREMPUAN"
        elif kind == "UNKNOWN_KECAMATAN":
            row["kode_kecamatan"] = rng.choice(self.p.foreign)
        elif kind == "INVALID_FIELD":
            column, value = rng.choice(_invalid_values(row, birth))
            row[column] = value
        elif kind == "MISSING_PHOTO":
            row["_foto"] = "missing" if rng.random() < 0.75 else "empty"
        elif kind == "TRUNCATED_PHOTO":  # a copy cut short
            row["_foto"] = "truncated"

    def superseding(self, made: date) -> dict:
        """A PERUBAHAN_DATA row for the NIK of a clean row of an earlier batch."""
        rng = self.rng
        old = self.pool.pop(rng.randrange(len(self.pool)))
        fresh = self.person(made)
        row = dict(
            old,
            prr_id=fresh["prr_id"],
            tanggal_rekam=fresh["tanggal_rekam"],
            jenis_permohonan="PERUBAHAN_DATA",
            _foto="ok",
            _photo=(old["_photo"] & ~15) | (fresh["_photo"] & 15),
        )
        change = rng.randrange(3)
        if change == 0:  # moved house
            for column in ("alamat", "rt", "rw", "kel_desa", "kode_kecamatan"):
                row[column] = fresh[column]
        elif change == 1 and fresh["pekerjaan"] != old["pekerjaan"]:
            row["pekerjaan"] = fresh["pekerjaan"]
        else:
            status = old["status_perkawinan"]
            row["status_perkawinan"] = "CERAI MATI" if status == "KAWIN" else "KAWIN"
        return row

    def batch(self, n: int, made: date, rate: float) -> tuple[list[dict], Counter]:
        rng = self.rng
        count = min(n, int(n * rate + rng.random())) if rate > 0 else 0
        plan = {i: pick(rng, _DEFECTS) for i in rng.sample(range(n), count)}
        rows: list[dict] = []
        clean: list[int] = []  # rows of this batch without a defect
        defects: Counter = Counter()
        for i in range(n):
            kind = plan.get(i)
            if (kind == "DUPLICATE_NIK_IN_BATCH" and not clean) or (
                kind == "SUPERSEDES" and not self.pool
            ):
                kind = "INVALID_FIELD"
            if kind == "DUPLICATE_NIK_IN_BATCH":  # the same record sent twice
                twin = rows[clean.pop(rng.randrange(len(clean)))]
                row = dict(twin, prr_id=self.prr_id())
                defects[kind] += 2
            elif kind == "SUPERSEDES":
                row = self.superseding(made)
                defects[kind] += 1
            else:
                row = self.person(made)
                if kind:
                    self.spoil(row, kind)
                    defects["MISSING_PHOTO" if kind == "TRUNCATED_PHOTO" else kind] += 1
                else:
                    clean.append(i)
            row["foto"] = f"foto/{row['nik']}.jpg"
            rows.append(row)
        self.pool.extend(rows[i] for i in rng.sample(clean, min(8, len(clean))))
        del self.pool[:-64]
        return rows, defects


def _invalid_values(row: dict, birth: date) -> list[tuple[str, str]]:
    """Plausible data-entry mistakes, each breaking exactly one column's rule."""
    swapped = (
        f"{birth.year:04d}-{birth.day:02d}-{birth.month:02d}"
        if birth.day > 12
        else birth.strftime("%Y%m%d")
    )
    rekam = date.fromisoformat(row["tanggal_rekam"])
    single = row["status_perkawinan"] == "BELUM KAWIN"
    return [
        ("rt", row["rt"] + "A"),
        ("rw", row["rw"].zfill(4)),
        ("tanggal_lahir", swapped),
        ("golongan_darah", "0"),
        ("agama", row["agama"].title()),
        ("status_perkawinan", "BELUM MENIKAH" if single else "KAWIN TERCATAT"),
        ("kode_kecamatan", row["kode_kecamatan"].replace(".", "", 1)),
        ("jenis_kelamin", row["jenis_kelamin"][0]),
        ("nama", row["nama"] + " 2"),
        ("tanggal_rekam", rekam.strftime("%d/%m/%Y")),
    ]


def _photo_bytes(row: dict, photos: list[bytes]) -> bytes:
    blob, mode = photos[row["_photo"]], row["_foto"]
    return b"" if mode == "empty" else blob[: len(blob) // 2] if mode == "truncated" else blob


_CREATE = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0)


def _write_file(path: Path, data: bytes) -> None:
    """Path.write_bytes without the buffered-file layer: photos are 200,000 small files."""
    fd = os.open(path, _CREATE, 0o644)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
    finally:
        os.close(fd)


def _write_batch(
    folder: Path, manifest: dict, rows: list[dict], photos: list[bytes] | None
) -> None:
    """records.csv, then the photos, then manifest.json (which marks the batch complete)."""
    if folder.exists():
        if not (folder / "manifest.json").is_file():
            raise FileExistsError(f"{folder} exists and is not a generated batch")
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerows([row[c] for c in COLUMNS] for row in rows)
    data = buf.getvalue().encode("utf-8")
    (folder / "records.csv").write_bytes(data)
    if photos is not None:
        (folder / "foto").mkdir()
        for row in rows:
            if row["_foto"] != "missing":
                _write_file(folder / row["foto"], _photo_bytes(row, photos))
    manifest["sha256"] = {"records.csv": hashlib.sha256(data).hexdigest()}
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", "utf-8")


def _batch_days(n_batches: int, start: date, today: date) -> list[date]:
    """Consecutive days from ``start``; more batches than days to ``today`` share days."""
    days = max((today - start).days + 1, 1)
    if n_batches <= days:
        return [start + timedelta(i) for i in range(n_batches)]
    return [start + timedelta(i * days // n_batches) for i in range(n_batches)]


def generate_feed(
    *,
    regency: Regency,
    records: int,
    out: Path,
    seed: int = 0,
    batch_size: int = 250,
    start: date | None = None,
    defect_rate: float = 0.04,
    today: date | None = None,
    photos: bool = True,
) -> list[DemoBatch]:
    """Write ``ceil(records / batch_size)`` batch folders into ``out``, oldest first.

    ``today`` defaults to the regency's own date; ``start`` to up to four days before it.
    ``photos=False`` writes no photo files (for benchmarks): records.csv and manifest.json
    are the same bytes as with photos, and ``defects`` still states the intended kinds.
    A folder of the same name from an earlier run is replaced.
    """
    if records < 0 or batch_size < 1 or not 0 <= defect_rate <= 1:
        raise ValueError("need records >= 0, batch_size >= 1 and 0 <= defect_rate <= 1")
    zone = ZoneInfo(regency.timezone)
    today = today or datetime.now(zone).date()
    n_batches = math.ceil(records / batch_size)
    days = _batch_days(n_batches, start or today - timedelta(min(n_batches - 1, 4)), today)
    per_day, seq = Counter(days), Counter()
    gen = _Generator(regency, seed, today)
    pool = portraits(seed) if photos else None
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    batches = []
    for i, day in enumerate(days):
        seq[day] += 1
        step = min(2700, 60000 // per_day[day])  # seconds between batches of one day
        at = 6 * 3600 + (seq[day] - 1) * step + gen.rng.randrange(step // 2 + 1)
        batch_id = f"PRR-{gen.p.digits}-{day:%Y%m%d}-{seq[day]:04d}"
        n = min(batch_size, records - i * batch_size)
        rows, defects = gen.batch(n, day, defect_rate)
        created = datetime.combine(day, time(), zone) + timedelta(seconds=at)
        manifest = {
            "batch_id": batch_id,
            "kode_wilayah": regency.kode,
            "dibuat": created.isoformat(),
            "jumlah_record": n,
        }
        _write_batch(out / batch_id, manifest, rows, pool)
        counts = {kind: defects[kind] for kind in DEFECT_KINDS if defects[kind]}
        batches.append(DemoBatch(batch_id, out / batch_id, n, counts))
    return batches


_ZIP_TIME = (2020, 1, 1, 0, 0, 0)  # fixed, so a zip of the same folder is the same bytes


def make_zip(batch_dir: Path, dest: Path, *, with_folder: bool = True) -> Path:
    """Zip a batch folder to ``dest`` (a .zip path, or a directory to hold ``<name>.zip``).

    ``with_folder``: the folder itself is the top-level entry; else its contents are.
    """
    batch_dir, dest = Path(batch_dir), Path(dest)
    if dest.is_dir():
        dest = dest / f"{batch_dir.name}.zip"
    prefix = f"{batch_dir.name}/" if with_folder else ""
    with zipfile.ZipFile(dest, "w") as zf:
        if with_folder:
            zf.writestr(_zip_info(prefix, directory=True), b"")
        for path in sorted(batch_dir.rglob("*")):
            name = prefix + path.relative_to(batch_dir).as_posix()
            if path.is_dir():
                zf.writestr(_zip_info(name + "/", directory=True), b"")
            else:
                info = _zip_info(name, directory=False)
                if path.suffix.lower() in (".jpg", ".jpeg", ".png"):  # already compressed
                    info.compress_type = zipfile.ZIP_STORED
                zf.writestr(info, path.read_bytes())
    return dest


def _zip_info(name: str, *, directory: bool) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, _ZIP_TIME)
    info.external_attr = ((0o40755 << 16) | 0x10) if directory else (0o644 << 16)
    info.compress_type = zipfile.ZIP_STORED if directory else zipfile.ZIP_DEFLATED
    return info
