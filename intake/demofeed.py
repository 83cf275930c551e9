"""Synthetic print-ready-record (PRR) feed: batches shaped exactly like central's.

For demos, tests and benchmarks. Output is a pure function of the arguments: the same call
writes byte-identical folders. Every person is fictional (names are combined at random
from ``intake.demonames``). About ``defect_rate`` of the rows carry one realistic defect
each, and later batches carry a few ``PERUBAHAN_DATA`` rows reusing the NIK of a clean row
of an earlier batch; ``DemoBatch.defects`` counts the rows by intended outcome.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import math
import random
import shutil
import zipfile
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from itertools import accumulate
from pathlib import Path
from zoneinfo import ZoneInfo

from PIL import Image, ImageDraw

from cetak.regions import Regency, shipped_regencies
from intake import demonames as names
from intake.nik import encode_nik

COLUMNS = (
    "prr_id", "nik", "nama", "tempat_lahir", "tanggal_lahir", "jenis_kelamin",
    "golongan_darah", "alamat", "rt", "rw", "kel_desa", "kode_kecamatan", "agama",
    "status_perkawinan", "pekerjaan", "kewarganegaraan", "berlaku_hingga",
    "jenis_permohonan", "tanggal_rekam", "foto",
)
PHOTO_POOL = 64  # 2 backgrounds x 2 sexes x 16 variants
DEFECT_KINDS = (
    "NIK_BIRTHDATE_MISMATCH", "NIK_GENDER_MISMATCH", "INVALID_FIELD", "UNKNOWN_KECAMATAN",
    "MISSING_PHOTO", "DUPLICATE_NIK_IN_BATCH", "SUPERSEDES",
)


@dataclass(frozen=True)
class DemoBatch:
    batch_id: str
    path: Path  # the batch folder
    records: int
    defects: dict[str, int]  # intended outcome -> rows, e.g. {"MISSING_PHOTO": 2}


Table = tuple[tuple[str, ...], list[float]]


def _table(pairs) -> Table:
    values, weights = zip(*pairs, strict=True)
    return tuple(values), list(accumulate(weights))


def _pick(rng: random.Random, table: Table) -> str:
    return rng.choices(table[0], cum_weights=table[1])[0]


# TRUNCATED_PHOTO is reported as MISSING_PHOTO; it is drawn separately for its own weight.
_DEFECTS = _table((("NIK_BIRTHDATE_MISMATCH", 18), ("NIK_GENDER_MISMATCH", 10),
                   ("MISSING_PHOTO", 10), ("TRUNCATED_PHOTO", 8), ("INVALID_FIELD", 20),
                   ("DUPLICATE_NIK_IN_BATCH", 10), ("UNKNOWN_KECAMATAN", 8), ("SUPERSEDES", 8)))
_AGAMA = {profile: _table(pairs) for profile, pairs in names.AGAMA.items()}
_PERMOHONAN = _table((("BARU", 72), ("HILANG", 11), ("RUSAK", 8), ("PERUBAHAN_DATA", 9)))
_BLOOD = _table((("O", 38), ("A", 26), ("B", 28), ("AB", 8)))
_CHRISTIAN = ("KRISTEN", "KATOLIK")


def _add_years(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February in a common year
        return d.replace(year=d.year + years, day=28)


def _status(rng: random.Random, age: int, female: bool) -> str:
    if age < 17:  # a married 16-year-old must hold a KTP: queued, not held
        return "KAWIN" if rng.random() < 0.05 else "BELUM KAWIN"
    if age < 22:
        weights = (82, 17, 1, 0) if female else (91, 9, 0, 0)
    elif age < 30:
        weights = (40, 56, 3, 1) if female else (50, 47, 2.5, 0.5)
    elif age < 60:
        weights = (5, 80, 6, 9) if female else (6, 87, 4, 3)
    else:
        weights = (2, 45, 3, 50) if female else (2, 80, 3, 15)
    return rng.choices(("BELUM KAWIN", "KAWIN", "CERAI HIDUP", "CERAI MATI"), weights)[0]


def _name(rng: random.Random, profile: str, female: bool, year: int, agama: str) -> str:
    lists, s = names.PROFILES[profile], "f" if female else "m"
    if profile == "dayak" and agama not in _CHRISTIAN:
        return rng.choice(lists[f"single_{s}"])
    single, three = (0.65, 0.0) if year < 1965 else (0.25, 0.15) if year < 1990 else (0.05, 0.5)
    first, last = ("old", "last") if year < 1990 else ("new", "newlast")
    r = rng.random()
    if r < single:
        name = rng.choice(lists[f"single_{s}"])
    else:
        words = [rng.choice(lists[f"{first}_{s}"])]
        if r > 1 - three:
            second = rng.choice(lists[f"{first}_{s}"])
            if second != words[0]:
                words.append(second)
        words.append(rng.choice(lists[f"{last}_{s}"]))
        name = " ".join(words)
    if agama in _CHRISTIAN and profile != "dayak" and rng.random() < 0.6:
        baptism = rng.choice(names.CHRISTIAN_F if female else names.CHRISTIAN_M)
        name = f"{baptism} {name.split()[-1]}"
    return name


class _Place:
    """What the generator needs to know about the regency, derived once."""

    def __init__(self, regency: Regency) -> None:
        cfg = names.REGENCIES.get(regency.kode) or self._fallback(regency)
        self.kode, self.digits = regency.kode, regency.kode.replace(".", "")
        self.town, self.nearby = cfg["town"], cfg["nearby"]
        self.profiles = _table(cfg["profiles"])
        self.main = cfg["profiles"][0][0]
        key = cfg.get("villages") or (self.main if self.main in names.VILLAGES else "kaltim")
        self.hamlets, self.hamlet_style = names.HAMLETS[key], key
        self.kecamatan = [k.kode for k in regency.kecamatan]
        self.kec_names = [k.nama.upper() for k in regency.kecamatan]
        self.urban = {k.kode for k in regency.kecamatan if k.nama in cfg["urban"]}
        self.villages = {}
        weights = []
        for kode in self.kecamatan:
            local = random.Random(f"villages:{kode}")  # stable whatever the seed
            self.villages[kode] = local.sample(names.VILLAGES[key], 10)
            weights.append((2.0 if kode in self.urban else 1.0) * local.uniform(0.6, 1.4))
        self.kec_table = (tuple(self.kecamatan), list(accumulate(weights)))
        self.foreign = [k.kode for r in shipped_regencies().values() if r.kode != regency.kode
                        for k in r.kecamatan]
        if not self.foreign:  # a well-shaped code of a neighbouring regency number
            other = f"{regency.kode_provinsi}.{int(regency.kode[3:]) % 99 + 1:02d}"
            self.foreign = [f"{other}.{i:02d}" for i in range(1, 11)]
        extra = cfg.get("jobs", {})

        def jobs(base, boost=True):
            merged = dict(base)
            for job, weight in extra.items() if boost else ():
                merged[job] = merged.get(job, 0) + weight
            return _table(merged.items())

        self.jobs_young, self.jobs_old = jobs(names.JOBS_YOUNG, False), jobs(names.JOBS_OLD)
        self.jobs_male, self.jobs_wife = jobs(names.JOBS_MALE), jobs(names.JOBS_FEMALE)
        single_women = dict(names.JOBS_FEMALE, **{"MENGURUS RUMAH TANGGA": 4})
        self.jobs_single_woman = jobs(single_women.items())

    @staticmethod
    def _fallback(regency: Regency) -> dict:
        town = regency.nama.upper().removeprefix("KABUPATEN ").removeprefix("KOTA ")
        profile = names.PROVINCE_PROFILE.get(regency.kode_provinsi, "jawa")
        return {"town": town, "nearby": names.BIG_CITIES[:6], "profiles": ((profile, 1.0),),
                "urban": tuple(k.nama for k in regency.kecamatan if k.nama.upper() == town)}


class _Generator:
    def __init__(self, place: _Place, seed: int, today: date) -> None:
        self.p, self.today = place, today
        self.rng = random.Random(f"cetak-demofeed:{seed}")
        self.next_id = self.rng.randrange(10**6, 8 * 10**8)
        self.sequences: dict[str, int] = {}  # NIK digits 1-12 -> last sequence used
        self.pool: list[dict] = []  # clean rows of earlier batches, to be superseded

    def prr_id(self) -> str:
        self.next_id += 1
        return f"PRR{self.p.digits}{self.next_id:09d}"

    def nik(self, region: str, birth: date, female: bool) -> str:
        prefix = encode_nik(region, birth, female=female, sequence=1)[:12]
        last = self.sequences.get(prefix)
        seq = self.rng.randint(1, 3) if last is None else last + self.rng.randint(1, 2)
        if seq > 9999:
            raise RuntimeError(f"NIK sequences exhausted for {prefix}")
        self.sequences[prefix] = seq
        return f"{prefix}{seq:04d}"

    def person(self, made: date) -> dict:
        rng, p = self.rng, self.p
        ref = max(self.today, made)
        female = rng.random() < 0.5
        permohonan = _pick(rng, _PERMOHONAN)
        if rng.random() < 0.022:  # turns 17 one to nine months after today: held at ingest
            birth, age, permohonan = _add_years(ref + timedelta(rng.randint(30, 280)), -17), 16, "BARU"
        else:
            young = permohonan == "BARU" and rng.random() < 0.55
            age = rng.randint(17, 18) if young else int(rng.triangular(17, 83, 27))
            hi = _add_years(ref, -age)
            lo = _add_years(ref, -age - 1) + timedelta(1)
            birth = lo + timedelta(rng.randint(0, (hi - lo).days))
        wna = age > 16 and rng.random() < 0.0015
        status = _status(rng, age, female)
        profile = _pick(rng, p.profiles)
        agama = _pick(rng, _AGAMA[profile])
        kec = _pick(rng, p.kec_table)
        r = rng.random()  # a NIK keeps the region where it was issued: some residents moved
        region = kec if r < 0.95 else rng.choice(p.kecamatan) if r < 0.98 else rng.choice(p.foreign)
        if wna:
            nama = " ".join((rng.choice(names.WNA_FIRST_F if female else names.WNA_FIRST_M),
                             rng.choice(names.WNA_LAST)))
            tempat, berlaku = rng.choice(names.WNA_TOWNS), (made + timedelta(rng.randint(365, 1800))).isoformat()
        else:
            nama, tempat = _name(rng, profile, female, birth.year, agama), self._birthplace(profile, birth.year)
            berlaku = "SEUMUR HIDUP"
        alamat, rt, rw = self._address(kec)
        blood = "-" if rng.random() < 0.5 else _pick(rng, _BLOOD) + rng.choices(("", "+", "-"), (91, 8.5, 0.5))[0]
        row = {
            "prr_id": self.prr_id(), "nik": self.nik(region.replace(".", ""), birth, female),
            "nama": nama, "tempat_lahir": tempat, "tanggal_lahir": birth.isoformat(),
            "jenis_kelamin": "PEREMPUAN" if female else "LAKI-LAKI", "golongan_darah": blood,
            "alamat": alamat, "rt": rt, "rw": rw, "kel_desa": rng.choice(p.villages[kec]),
            "kode_kecamatan": kec, "agama": agama, "status_perkawinan": status,
            "pekerjaan": self._job(age, female, status), "kewarganegaraan": "WNA" if wna else "WNI",
            "berlaku_hingga": berlaku, "jenis_permohonan": permohonan,
            "tanggal_rekam": (made - timedelta(rng.randint(7, 42))).isoformat(), "foto": "",
            # hidden: not written; e-KTP photos are commonly red for odd birth years
            "_birth": birth, "_female": female, "_foto": "ok",
            "_photo": (birth.year % 2) * 32 + female * 16 + rng.randrange(16),
        }
        if rng.random() < 0.02:  # central keeps the resident's spelling: not always upper case
            for column in ("nama", "tempat_lahir", "alamat", "kel_desa"):
                row[column] = row[column].title()
        return row

    def _birthplace(self, profile: str, year: int) -> str:
        rng, p, r = self.rng, self.p, self.rng.random()
        if profile != p.main and r > (0.7 if year >= 1995 else 0.3):
            return rng.choice(names.ORIGIN_TOWNS[profile] if r < 0.9 else names.BIG_CITIES)
        if r < 0.08:
            return rng.choice(p.kec_names)
        return p.town if r < 0.8 else rng.choice(p.nearby) if r < 0.96 else rng.choice(names.BIG_CITIES)

    def _address(self, kec: str) -> tuple[str, str, str]:
        rng, p = self.rng, self.p
        if kec in p.urban or rng.random() < 0.12:
            street = f"JL. {rng.choice(names.STREETS)} NO. {rng.randint(1, 150)}"
            return street, str(rng.randint(1, 15)), str(rng.randint(1, 20))
        hamlet = rng.choice(p.hamlets)
        if p.hamlet_style == "jawa":
            alamat = rng.choice((f"DK. {hamlet}", f"DUSUN {hamlet}", hamlet))
        else:
            alamat = f"DUSUN {hamlet}"
        return alamat, str(rng.randint(1, 6) if rng.random() < 0.95 else rng.randint(7, 30)), str(rng.randint(1, 12))

    def _job(self, age: int, female: bool, status: str) -> str:
        rng, p = self.rng, self.p
        if age < 17:
            return "PELAJAR/MAHASISWA" if rng.random() < 0.92 else "BELUM/TIDAK BEKERJA"
        if age < 25 and status == "BELUM KAWIN":
            return _pick(rng, p.jobs_young)
        if age >= 60:
            job = _pick(rng, p.jobs_old)
            return "PETANI/PEKEBUN" if job == "MENGURUS RUMAH TANGGA" and not female else job
        if not female:
            return _pick(rng, p.jobs_male)
        return _pick(rng, p.jobs_wife if status != "BELUM KAWIN" else p.jobs_single_woman)

    # --- defects ------------------------------------------------------------------------

    def spoil(self, row: dict, kind: str) -> None:
        rng, birth, female = self.rng, row["_birth"], row["_female"]
        if kind == "NIK_BIRTHDATE_MISMATCH":  # a typo in the date digits of the NIK
            wrong = birth
            while wrong.strftime("%d%m%y") == birth.strftime("%d%m%y"):
                how = rng.randrange(3)
                if how == 0:
                    wrong = birth + timedelta(rng.choice((-10, -2, -1, 1, 2, 10)))
                elif how == 1:
                    wrong = _add_years(birth, rng.choice((-1, 1)))
                elif birth.day <= 12:
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
        elif kind == "TRUNCATED_PHOTO":
            row["_foto"] = "truncated"

    def superseding(self, made: date) -> dict:
        """A PERUBAHAN_DATA row for the NIK of a clean row of an earlier batch."""
        rng = self.rng
        old = self.pool.pop(rng.randrange(len(self.pool)))
        fresh = self.person(made)
        row = dict(old, prr_id=fresh["prr_id"], tanggal_rekam=fresh["tanggal_rekam"],
                   jenis_permohonan="PERUBAHAN_DATA", _foto="ok",
                   _photo=(old["_photo"] & ~15) | (fresh["_photo"] & 15))
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
        plan = {i: _pick(rng, _DEFECTS) for i in rng.sample(range(n), count)}
        rows: list[dict] = []
        clean: list[int] = []
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
    swapped = (f"{birth.year:04d}-{birth.day:02d}-{birth.month:02d}" if birth.day > 12
               else birth.strftime("%Y%m%d"))
    rekam = date.fromisoformat(row["tanggal_rekam"])
    status = row["status_perkawinan"]
    return [
        ("rt", row["rt"] + "A"), ("rw", row["rw"].zfill(4)), ("tanggal_lahir", swapped),
        ("golongan_darah", "0"), ("agama", row["agama"].title()),
        ("status_perkawinan", "BELUM MENIKAH" if status == "BELUM KAWIN" else "KAWIN TERCATAT"),
        ("kode_kecamatan", row["kode_kecamatan"].replace(".", "", 1)),
        ("jenis_kelamin", row["jenis_kelamin"][0]), ("nama", row["nama"] + " 2"),
        ("tanggal_rekam", rekam.strftime("%d/%m/%Y")),
    ]


def _portraits(seed: int) -> list[bytes]:
    """Distinct head-and-shoulders JPEGs: index = red * 32 + female * 16 + variant."""
    rng = random.Random(f"cetak-demofeed-photos:{seed}")
    photos: list[bytes] = []
    seen: set[bytes] = set()
    while len(photos) < PHOTO_POOL:
        red, female = len(photos) >= 32, len(photos) % 32 >= 16
        bg = ((rng.randint(185, 215), rng.randint(20, 45), rng.randint(30, 50)) if red
              else (rng.randint(20, 45), rng.randint(70, 110), rng.randint(160, 200)))
        skin = tuple(int(c * rng.uniform(0.7, 1.0)) for c in (226, 178, 136))
        cloth = rng.choice(((240, 240, 240), (30, 30, 35), (40, 50, 90), (110, 70, 40), (120, 120, 125)))
        dark = (rng.randint(15, 45),) * 3
        img = Image.new("RGB", (120, 160), bg)
        draw = ImageDraw.Draw(img)
        cx, cy = 60 + rng.randint(-3, 3), 66 + rng.randint(-3, 3)
        rx, ry = rng.randint(21, 25), rng.randint(28, 32)
        draw.ellipse((cx - 58, 122, cx + 58, 220), fill=cloth)  # shoulders
        draw.rectangle((cx - 10, cy + 20, cx + 10, 128), fill=skin)  # neck
        if female and rng.random() < 0.7:  # jilbab
            veil = rng.choice(((235, 235, 235), (20, 20, 25), (90, 60, 110), (60, 90, 80), (150, 110, 80)))
            draw.ellipse((cx - rx - 9, cy - ry - 10, cx + rx + 9, cy + ry + 22), fill=veil)
            draw.polygon(((cx - rx - 9, cy + 4), (cx + rx + 9, cy + 4), (cx + 42, 150), (cx - 42, 150)), fill=veil)
            rx, ry = rx - 3, ry - 5
        elif female:  # long hair behind the head
            draw.rounded_rectangle((cx - rx - 6, cy - ry - 4, cx + rx + 6, cy + ry + 30), 18, fill=dark)
        draw.ellipse((cx - rx, cy - ry, cx + rx, cy + ry), fill=skin)
        if not female or rng.random() < 0.3:
            draw.chord((cx - rx - 1, cy - ry - 3, cx + rx + 1, cy + ry // 2), 180, 360, fill=dark)
        for ex in (cx - 9, cx + 9):
            draw.ellipse((ex - 2, cy - 3, ex + 2, cy + 1), fill=(25, 20, 20))
        draw.line((cx - 6, cy + 15, cx + 6, cy + 15), fill=(120, 50, 50), width=2)
        buf = io.BytesIO()
        img.save(buf, "JPEG", quality=70)
        if buf.getvalue() not in seen:  # else draw that slot again
            seen.add(buf.getvalue())
            photos.append(buf.getvalue())
    return photos


def _write_batch(folder: Path, manifest: dict, rows: list[dict], photos: list[bytes] | None) -> None:
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
            blob, mode = photos[row["_photo"]], row["_foto"]
            if mode != "missing":
                blob = b"" if mode == "empty" else blob[: len(blob) // 2] if mode == "truncated" else blob
                (folder / row["foto"]).write_bytes(blob)
    manifest["sha256"] = {"records.csv": hashlib.sha256(data).hexdigest()}
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")


def generate_feed(*, regency: Regency, records: int, out: Path, seed: int = 0,
                  batch_size: int = 250, start: date | None = None, defect_rate: float = 0.04,
                  today: date | None = None, photos: bool = True) -> list[DemoBatch]:
    """Write ``ceil(records / batch_size)`` batch folders into ``out``; one per DemoBatch.

    Batches are dated on consecutive days from ``start`` (default: up to four days before
    ``today``, the regency's own date); when there are more batches than days up to
    ``today`` they are spread evenly over those days. ``photos=False`` writes no photo
    files (every row then lacks its photo; ``defects`` still states the intended kinds).
    """
    if records < 0 or batch_size < 1 or not 0 <= defect_rate <= 1:
        raise ValueError("records >= 0, batch_size >= 1 and 0 <= defect_rate <= 1 are required")
    zone = ZoneInfo(regency.timezone)
    today = today or datetime.now(zone).date()
    n_batches = math.ceil(records / batch_size)
    start = start or today - timedelta(min(max(n_batches - 1, 0), 4))
    days = max((today - start).days + 1, 1)
    made = [start + timedelta(i if n_batches <= days else i * days // n_batches)
            for i in range(n_batches)]
    per_day = Counter(made)
    gen = _Generator(_Place(regency), seed, today)
    pool = _portraits(seed) if photos else None
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    batches, seq = [], Counter()
    for i, day in enumerate(made):
        seq[day] += 1
        step = min(2700, 60000 // per_day[day])  # seconds between the day's batches
        at = 6 * 3600 + (seq[day] - 1) * step + gen.rng.randrange(step // 2 + 1)
        batch_id = f"PRR-{gen.p.digits}-{day:%Y%m%d}-{seq[day]:04d}"
        n = min(batch_size, records - i * batch_size)
        rows, defects = gen.batch(n, day, defect_rate)
        manifest = {
            "batch_id": batch_id, "kode_wilayah": regency.kode,
            "dibuat": (datetime.combine(day, time(), zone) + timedelta(seconds=at)).isoformat(),
            "jumlah_record": n,
        }
        _write_batch(out / batch_id, manifest, rows, pool)
        batches.append(DemoBatch(batch_id, out / batch_id, n,
                                 {k: defects[k] for k in DEFECT_KINDS if defects[k]}))
    return batches


_ZIP_TIME = (2020, 1, 1, 0, 0, 0)  # fixed, so that a zip of the same folder is the same bytes


def make_zip(batch_dir: Path, dest: Path, *, with_folder: bool = True) -> Path:
    """Zip a batch folder into ``dest`` (a .zip path, or a directory to put ``<name>.zip`` in).

    ``with_folder``: the folder itself is the top-level entry; else its contents are.
    """
    batch_dir, dest = Path(batch_dir), Path(dest)
    if dest.is_dir():
        dest = dest / f"{batch_dir.name}.zip"
    prefix = f"{batch_dir.name}/" if with_folder else ""
    entries = ([batch_dir] if with_folder else []) + sorted(batch_dir.rglob("*"))
    with zipfile.ZipFile(dest, "w") as zf:
        for path in entries:
            rel = path.relative_to(batch_dir).as_posix()
            name = prefix + ("" if rel == "." else rel)
            if path.is_dir():
                info = zipfile.ZipInfo(name.rstrip("/") + "/", _ZIP_TIME)
                info.external_attr = (0o40755 << 16) | 0x10
                zf.writestr(info, b"")
                continue
            info = zipfile.ZipInfo(name, _ZIP_TIME)
            info.external_attr = 0o644 << 16
            stored = path.suffix.lower() in (".jpg", ".jpeg", ".png")
            info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
            zf.writestr(info, path.read_bytes())
    return dest
