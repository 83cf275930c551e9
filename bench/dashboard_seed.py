"""A Klaten-scale database (33.10, 26 kecamatan) with years of history, for the dashboard.

``seeded_database(n)`` returns a SQLite file under ``var/bench/`` holding ``n`` records of
invented residents arriving at Klaten's rate (150,000 a year: 150,000 records are one year
of history, 1,000,000 are about 6.7 years, ``dashboard_history.days_for``) and everything
they leave behind: batches and deliveries,
records in realistic states with an event for their creation and every change of state,
printers, print jobs and their items, cards (passed, spoiled with a cause, collected ...),
lots of blanks and a ledger that reconciles with its balance cache, destruction reports,
reorder requests, shipments (one per kecamatan per day) with their cards, a few
discrepancies, collections, receipts, alerts and audit rows. The schema comes from
``application.installation.initialise``; the rows are written in bulk (``executemany`` on the
raw ``sqlite3`` connection, one transaction, chunked). The file is cached by ``n``, the
schema's migration head and this module's version, so a re-run reuses it.

What happens when is decided in ``dashboard_history`` (numpy); this module gives the
residents names and NIKs and writes the rows. Afterwards the real reconciliation runs
against the file (it must find no mismatch) and the real reorder check runs once.

    python bench/dashboard_seed.py 150000        # seed (or reuse) and print the path
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
import random
import sqlite3
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
# Appended, not prepended: the tests have a ``dashboard_seed`` module of their own.
for _path in (str(HERE.parent), str(HERE)):
    if _path not in sys.path:
        sys.path.append(_path)

import dashboard_history as hist  # noqa: E402
from dashboard_history import DAY, STATES, History  # noqa: E402

from cetak.regions import Regency, load_regency  # noqa: E402
from demo import names  # noqa: E402
from demo.names import pick, table  # noqa: E402
from intake.nik import encode_nik  # noqa: E402

SEED_VERSION = 2  # 2: history length scales with n at Klaten's daily rate
REGENCY = "33.10"
CHUNK = 20_000
PRINTER_NAMES = tuple(f"fargo-{i}" for i in range(1, hist.PRINTERS + 1))
QUARANTINE = (
    ("NIK_BIRTHDATE_MISMATCH", "tanggal_lahir tidak sesuai dengan tanggal lahir di NIK", 30),
    ("NIK_GENDER_MISMATCH", "jenis_kelamin tidak sesuai dengan NIK", 15),
    ("INVALID_FIELD", "rt: harus angka 1-999", 25),
    ("UNKNOWN_KECAMATAN", "kode_kecamatan tidak dikenal di kabupaten ini", 8),
    ("MISSING_PHOTO", "berkas foto tidak ada di batch", 15),
    ("DUPLICATE_NIK_IN_BATCH", "NIK yang sama muncul dua kali dalam batch", 7),
)
_QUARANTINE = table((code, w) for code, _, w in QUARANTINE)
_QDETAIL = {code: detail for code, detail, _ in QUARANTINE}
_PERMOHONAN = table((("BARU", 72), ("HILANG", 11), ("RUSAK", 8), ("PERUBAHAN_DATA", 9)))
_BLOOD = table((("O", 38), ("A", 26), ("B", 28), ("AB", 8)))
Progress = Callable[[str], None]


def _say(text: str) -> None:
    print(text, flush=True)


# --- the cache --------------------------------------------------------------------------------


def schema_head() -> str:
    from alembic.script import ScriptDirectory

    from cetak.db import alembic_config
    from cetak.db import make_engine as _make

    engine = _make("sqlite://")
    try:
        heads = ScriptDirectory.from_config(alembic_config(engine)).get_heads()
    finally:
        engine.dispose()
    return "-".join(sorted(heads))


def cache_key(n: int) -> str:
    """``n``, the schema's head and the code that makes the rows (its syntax tree, so a
    reformatted or re-commented seeder reuses the file)."""
    trees = [
        ast.dump(ast.parse(p.read_text()))
        for p in (HERE / "dashboard_history.py", HERE / "dashboard_seed.py")
    ]
    digest = hashlib.sha256("".join(trees).encode()).hexdigest()[:8]
    return f"dashboard-{n}-v{SEED_VERSION}-{schema_head()}-{digest}"


def default_root() -> Path:
    home = Path(os.environ.get("CETAK_HOME", HERE.parent / "var"))
    return home / "bench"


def seeded_database(n: int, *, root: Path | None = None, progress: Progress = _say) -> Path:
    """The cached database of ``n`` records, seeded first when missing or stale."""
    root = root or default_root()
    root.mkdir(parents=True, exist_ok=True)
    path = root / f"{cache_key(n)}.db"
    if path.exists():
        progress(f"dashboard seed: reusing {path}")
        return path
    for stale in root.glob(f"dashboard-{n}-*.db*"):
        stale.unlink()
    partial = path.with_suffix(".partial")
    seed(partial, n, progress=progress)
    partial.rename(path)
    return path


# --- residents --------------------------------------------------------------------------------


class _People:
    """Invented residents with valid NIKs of the regency (``demo.names``)."""

    def __init__(self, regency: Regency, seed: int) -> None:
        self.p = names.Place(regency)
        self.rng = random.Random(f"cetak-bench-dashboard:{seed}")
        self.sequences: dict[str, int] = {}

    def _nik(self, region: str, birth: date, female: bool) -> str:
        prefix = encode_nik(region, birth, female=female, sequence=1)[:12]
        seq = self.sequences.get(prefix, 0) + self.rng.randint(1, 2)
        if seq > 9999:  # crowded birthday: take another kecamatan's region digits
            return self._nik(self.rng.choice(self.p.kecamatan).replace(".", ""), birth, female)
        self.sequences[prefix] = seq
        return f"{prefix}{seq:04d}"

    def person(self, kec: str, made: date, birth: date | None) -> tuple[Any, ...]:
        rng, p = self.rng, self.p
        female = rng.random() < 0.5
        permohonan = pick(rng, _PERMOHONAN)
        if birth is None:
            young = permohonan == "BARU" and rng.random() < 0.55
            age = rng.randint(17, 18) if young else int(rng.triangular(17, 83, 27))
            birth = made - timedelta(days=age * 365 + rng.randint(0, 364))
        else:
            permohonan = "BARU"
        age = (made - birth).days // 365
        status = names.marital_status(rng, age, female)
        profile = pick(rng, p.profiles)
        agama = names.religion(rng, profile)
        nama = names.person_name(rng, profile, female, birth.year, agama)
        alamat, rt, rw = p.address(rng, kec)
        region = kec if rng.random() < 0.95 else rng.choice(p.kecamatan)
        return (
            self._nik(region.replace(".", ""), birth, female),
            nama,
            p.birthplace(rng, profile, birth.year),
            birth.isoformat(),
            "PEREMPUAN" if female else "LAKI-LAKI",
            "-" if rng.random() < 0.5 else pick(rng, _BLOOD),
            alamat,
            rt,
            rw,
            rng.choice(p.villages[kec]),
            agama,
            status,
            p.job(rng, age, female, status),
            "WNI",
            "SEUMUR HIDUP",
            permohonan,
            (made - timedelta(days=rng.randint(7, 42))).isoformat(),
            birth.isoformat(),
        )


# --- helpers ----------------------------------------------------------------------------------


def _ts(values: np.ndarray) -> list[str | None]:
    """SQLAlchemy's SQLite datetime text (``YYYY-MM-DD HH:MM:SS.ffffff``); -1 is NULL."""
    arr = np.asarray(values, dtype=np.int64)
    text = np.datetime_as_string(np.maximum(arr, 0).astype("datetime64[us]"), unit="us")
    out: list[str | None] = [t.replace("T", " ") for t in text.tolist()]
    for i in np.flatnonzero(arr < 0).tolist():
        out[i] = None
    return out


def _day(base_date: date, t: int) -> date:
    return (datetime.fromtimestamp(t / 1e6, UTC) + timedelta(hours=7)).date()


def _insert(
    conn: sqlite3.Connection, table_name: str, columns: Sequence[str], rows: Iterable[tuple]
) -> int:
    sql = (
        f"INSERT INTO {table_name} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
    )
    count = 0
    chunk: list[tuple] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= CHUNK:
            conn.executemany(sql, chunk)
            count += len(chunk)
            chunk.clear()
    if chunk:
        conn.executemany(sql, chunk)
        count += len(chunk)
    return count


def _chunks(n: int, size: int = CHUNK) -> Iterator[slice]:
    for start in range(0, n, size):
        yield slice(start, min(n, start + size))


# --- seeding ----------------------------------------------------------------------------------


def seed(
    path: Path, n: int, *, now: datetime | None = None, seed: int = 7, progress: Progress = _say
) -> dict[str, int]:
    """Write a fresh database of ``n`` records to ``path``; return row counts per table."""
    from application.installation import initialise
    from cetak.db import make_engine

    started = time.monotonic()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    regency = load_regency(REGENCY)
    engine = make_engine(f"sqlite:///{path}")
    served, _ = initialise(engine, regency)
    engine.dispose()

    now = now or datetime.now(UTC)
    today = served.today(now)
    kec_codes = sorted(served.kecamatan)
    place = names.Place(regency)
    cum = dict(zip(place.kec_table[0], place.kec_table[1], strict=True))
    ordered = [cum[k] for k in place.kec_table[0]]
    weights = dict(zip(place.kec_table[0], np.diff([0.0, *ordered]), strict=True))
    offset_h = served.now(now).utcoffset().total_seconds() / 3600  # type: ignore[union-attr]
    days = hist.days_for(n)
    progress(f"dashboard seed: planning {n:,} records over {days:,} days ...")
    h = hist.history(
        n,
        days=days,
        today=today,
        now=int(now.timestamp() * 1e6),
        utc_offset_h=offset_h,
        kec_weights=np.array([weights[k] for k in kec_codes]),
        seed=seed,
    )
    writer = _Writer(path, h, served.kode_wilayah, kec_codes, regency, seed, progress)
    counts = writer.write_all()
    _after(path, served, today, progress)
    progress(f"dashboard seed: {n:,} records written in {time.monotonic() - started:.0f} s")
    return counts


def _after(path: Path, served: Any, today: date, progress: Progress) -> None:
    """The real reconciliation must agree with the seeded ledger; one real reorder check."""
    from cetak.db import make_engine, write_session
    from cetak.settings import Settings
    from inventory import reorder
    from inventory.reconcile import ledger_rows

    engine = make_engine(f"sqlite:///{path}")
    try:
        with write_session(engine) as session:
            from inventory.reconcile import check_lot

            bad = [m for row in ledger_rows(session) for m in check_lot(row)]
            if bad:
                raise RuntimeError(f"seeded ledger does not reconcile: {bad[:3]}")
            settings = Settings(home=path.parent, database_url=f"sqlite:///{path}")
            result = reorder.check(
                session, settings=settings, served=served, today=today, actor="flow:print_run"
            )
            request = result.request.number if result.request else "-"
            progress(
                f"dashboard seed: ledger reconciles; reorder check: on hand "
                f"{result.facts.on_hand:,}, request {request}"
            )
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        engine.dispose()


class _Writer:
    def __init__(
        self,
        path: Path,
        h: History,
        kode: str,
        kec_codes: list[str],
        regency: Regency,
        seed: int,
        progress: Progress,
    ) -> None:
        self.path, self.h, self.kode, self.kec = path, h, kode, kec_codes
        self.digits = kode.replace(".", "")
        self.people = _People(regency, seed)
        self.rng = random.Random(f"cetak-bench-writer:{seed}")
        self.progress = progress
        self.batch_ids: list[str] = []
        self.card_refs: list[str] = []

    def write_all(self) -> dict[str, int]:
        conn = sqlite3.connect(self.path, isolation_level=None)
        for pragma in (
            "journal_mode = WAL",
            "synchronous = OFF",
            "foreign_keys = OFF",
            "cache_size = -400000",
            "temp_store = MEMORY",
        ):
            conn.execute(f"PRAGMA {pragma}")
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        counts: dict[str, int] = {}
        conn.execute("BEGIN")
        try:
            for name, step in (
                ("batch", self.batches),
                ("record", self.records),
                ("recordevent", self.events),
                ("printer", self.printers),
                ("reorderrequest", self.reorder_requests),
                ("lot", self.lots),
                ("destructionreport", self.destructions),
                ("movement", self.movements),
                ("balance", self.balances),
                ("printjob", self.jobs),
                ("printjobitem", self.job_items),
                ("card", self.cards),
                ("shipment", self.shipments),
                ("shipmentcard", self.shipment_cards),
                ("discrepancy", self.discrepancies),
                ("collection", self.collections),
                ("receipt", self.receipts),
                ("alert", self.alerts),
                ("auditentry", self.audit),
            ):
                if name not in tables:
                    continue
                t0 = time.monotonic()
                counts[name] = step(conn)
                self.progress(
                    f"  {name:<18} {counts[name]:>10,} rows  {time.monotonic() - t0:6.1f} s"
                )
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        finally:
            conn.close()
        return counts

    # -- intake --

    def batches(self, conn: sqlite3.Connection) -> int:
        h, rec = self.h, self.h.records
        nb = len(h.batches)
        per_state = {
            s: np.bincount(rec["batch"], weights=born, minlength=nb).astype(int)
            for s, born in (
                (
                    "queued",
                    np.isin(rec["cat"], (hist.NORMAL, hist.SUPERSEDED, hist.NEEDS_ATTENTION)),
                ),
                ("held", rec["cat"] == hist.HELD),
                ("quarantined", np.isin(rec["cat"], (hist.QUARANTINED, hist.CANCELLED))),
            )
        }
        sup = rec["sup_by"] >= 0
        superseded = np.bincount(rec["batch"][rec["sup_by"][sup]], minlength=nb)
        seq: dict[int, int] = {}
        rows, deliveries = [], []
        at_text = _ts(h.batches["at"])
        for b in range(nb):
            day = h.start + timedelta(days=int(h.batches["day"][b]))
            seq[int(h.batches["day"][b])] = seq.get(int(h.batches["day"][b]), 0) + 1
            batch_id = f"PRR-{self.digits}-{day:%Y%m%d}-{seq[int(h.batches['day'][b])]:04d}"
            self.batch_ids.append(batch_id)
            ack = {
                "batch_id": batch_id,
                "status": "ACCEPTED",
                "reason": None,
                "queued": int(per_state["queued"][b]),
                "held": int(per_state["held"][b]),
                "duplicate": 0,
                "superseded": int(superseded[b]),
                "quarantined": {},
                "processed_at": f"{day.isoformat()}T{at_text[b][11:19]}+07:00",
            }
            archive = f"archive/{batch_id}.zip"
            rows.append(
                (
                    batch_id,
                    self.kode,
                    day.isoformat(),
                    int(h.batches["count"][b]),
                    ack["queued"],
                    ack["held"],
                    0,
                    ack["superseded"],
                    int(per_state["quarantined"][b]),
                    json.dumps(ack),
                    f"{batch_id}.zip",
                    archive,
                    at_text[b],
                )
            )
            deliveries.append((batch_id, f"{batch_id}.zip", "ACCEPTED", archive, at_text[b]))
        _insert(
            conn,
            "delivery",
            ("batch_id", "source_name", "status", "filed_to", "processed_at"),
            deliveries,
        )
        return _insert(
            conn,
            "batch",
            (
                "batch_id",
                "kode_wilayah",
                "dibuat",
                "jumlah_record",
                "queued",
                "held",
                "duplicate",
                "superseded",
                "quarantined",
                "ack_json",
                "source_name",
                "archive_path",
                "accepted_at",
            ),
            rows,
        )

    RECORD_COLUMNS = (
        "id",
        "prr_id",
        "batch_id",
        "row_number",
        "nik",
        "nama",
        "tempat_lahir",
        "tanggal_lahir",
        "jenis_kelamin",
        "golongan_darah",
        "alamat",
        "rt",
        "rw",
        "kel_desa",
        "agama",
        "status_perkawinan",
        "pekerjaan",
        "kewarganegaraan",
        "berlaku_hingga",
        "jenis_permohonan",
        "tanggal_rekam",
        "birth_date",
        "kode_kecamatan",
        "foto",
        "state",
        "reason",
        "reason_detail",
        "release_on",
        "superseded_by",
        "attempts",
        "printed_at",
        "created_at",
        "updated_at",
    )

    def records(self, conn: sqlite3.Connection) -> int:
        return _insert(conn, "record", self.RECORD_COLUMNS, self._record_rows())

    def _record_rows(self) -> Iterator[tuple]:
        h, rec, rng = self.h, self.h.records, self.rng
        n = len(rec["cat"])
        pending: dict[int, tuple] = {}  # superseded record -> its person, for its successor
        successor_of = {int(new): int(old) for old, new in enumerate(rec["sup_by"]) if new >= 0}
        prr_base = rng.randrange(10**6, 10**8)
        for sl in _chunks(n):
            created, updated = _ts(rec["created"][sl]), _ts(rec["updated"][sl])
            printed = _ts(rec["printed_at"][sl])
            for j, i in enumerate(range(sl.start, sl.stop)):
                cat, kec = int(rec["cat"][i]), self.kec[int(rec["kec"][i])]
                made = h.start + timedelta(days=int((rec["created"][i] - h.base) // DAY))
                release = None
                if cat == hist.HELD:
                    release = h.start + timedelta(days=int(rec["release_day"][i]))
                birth = _years_before(release, 17) if release else None
                if i in successor_of:
                    person = list(pending.pop(successor_of[i]))
                    person[15] = "PERUBAHAN_DATA"
                    person = tuple(person)
                else:
                    person = self.people.person(kec, made, birth)
                if rec["sup_by"][i] >= 0:
                    pending[i] = person
                state = STATES[int(rec["state"][i])]
                reason = detail = None
                if cat in (hist.QUARANTINED, hist.CANCELLED):
                    reason = pick(rng, _QUARANTINE)
                    detail = _QDETAIL[reason]
                    if reason == "UNKNOWN_KECAMATAN":
                        kec = rng.choice(self.people.p.foreign)
                elif state == "needs_attention":
                    detail = "gagal dicetak 3 kali, terakhir: kartu rusak (pita bermasalah)"
                prr_id = f"PRR{self.digits}{prr_base + i:09d}"
                yield (
                    i + 1,
                    prr_id,
                    self.batch_ids[int(rec["batch"][i])],
                    int(rec["row"][i]),
                    *person,
                    kec,
                    f"foto/{prr_id}.jpg",
                    state,
                    reason,
                    detail,
                    release.isoformat() if release and state == "held" else None,
                    int(rec["sup_by"][i]) + 1 if rec["sup_by"][i] >= 0 else None,
                    int(rec["attempts"][i]),
                    printed[j],
                    created[j],
                    updated[j],
                )
            self.progress(f"    records {sl.stop:>10,}/{n:,}")

    def events(self, conn: sqlite3.Connection) -> int:
        ev = self.h.events

        def rows() -> Iterator[tuple]:
            for sl in _chunks(len(ev["rid"]), 100_000):
                at = _ts(ev["at"][sl])
                rid = (ev["rid"][sl] + 1).tolist()
                frm, to = ev["frm"][sl].tolist(), ev["to"][sl].tolist()
                actor, reason = ev["actor"][sl].tolist(), ev["reason"][sl].tolist()
                for k in range(len(rid)):
                    r = reason[k]
                    text = (
                        f"batch {self.batch_ids[r - hist.BATCH_REASON]}"
                        if r >= hist.BATCH_REASON
                        else hist.REASONS[r]
                    )
                    yield (
                        rid[k],
                        STATES[frm[k]] if frm[k] >= 0 else None,
                        STATES[to[k]],
                        at[k],
                        hist.ACTORS[actor[k]],
                        text,
                    )

        return _insert(
            conn,
            "recordevent",
            ("record_id", "from_state", "to_state", "at", "actor", "reason"),
            rows(),
        )

    # -- printing --

    def printers(self, conn: sqlite3.Connection) -> int:
        h, cards = self.h, self.h.cards
        today = h.start + timedelta(days=h.days - 1)
        today_start = h.base + (h.days - 1) * DAY
        workdays = 250 * h.days / hist.YEAR_DAYS  # about 250 printing days a year
        per_day = max(300, int(len(cards) / workdays / len(PRINTER_NAMES) * 1.5))
        rows = []
        for p, name in enumerate(PRINTER_NAMES):
            mine = cards["printer"] == p
            printed = int((mine & (cards["printed"] >= today_start)).sum())
            spoiled = int((mine & (cards["spoil"] >= today_start)).sum())
            state, why = ("online", None)
            if p == len(PRINTER_NAMES) - 1:
                state, why = "maintenance", "pita habis, menunggu pita baru"
            rows.append(
                (
                    name,
                    "simulated",
                    f"sim://{name}?seed={p + 1}",
                    "DISDUKCAPIL",
                    per_day,
                    100,
                    30,
                    state,
                    why,
                    today.isoformat(),
                    printed,
                    spoiled,
                    printed % 100,
                    self.rng.randint(40, 240),
                    self.rng.randint(15, 95),
                    0,
                    _ts(np.array([h.base]))[0],
                    _ts(np.array([h.now]))[0],
                )
            )
        return _insert(
            conn,
            "printer",
            (
                "name",
                "driver",
                "uri",
                "site_code",
                "daily_limit",
                "rest_after",
                "rest_minutes",
                "state",
                "state_reason",
                "counter_day",
                "printed_today",
                "spoiled_today",
                "since_rest",
                "ribbon_left",
                "ribbon_percent",
                "failures",
                "created_at",
                "updated_at",
            ),
            rows,
        )

    def jobs(self, conn: sqlite3.Connection) -> int:
        h, jobs = self.h, self.h.jobs
        created, finished = _ts(jobs["created"]), _ts(jobs["finished"])
        started = _ts(jobs["created"] + hist.MINUTE)
        rows = []
        for j in range(len(jobs["key"])):
            day = _day(h.start, int(jobs["created"][j]))
            printer = PRINTER_NAMES[int(jobs["printer"][j])]
            running = bool(jobs["running"][j])
            rows.append(
                (
                    j + 1,
                    f"B{day:%Y%m%d}-{j + 1:06d}-{printer}",
                    printer,
                    self.kec[int(jobs["kec"][j])],
                    "running" if running else "done",
                    int(jobs["planned"][j]),
                    int(jobs["printed"][j]),
                    int(jobs["spoiled"][j]),
                    "flow:print_run" if running else None,
                    created[j],
                    started[j],
                    None if running else finished[j],
                )
            )
        return _insert(
            conn,
            "printjob",
            (
                "id",
                "batch_ref",
                "printer_name",
                "kode_kecamatan",
                "state",
                "planned",
                "printed",
                "spoiled",
                "worker",
                "created_at",
                "started_at",
                "finished_at",
            ),
            rows,
        )

    def job_items(self, conn: sqlite3.Connection) -> int:
        jobs = self.h.jobs
        job, rid = jobs["item_job"], jobs["item_rid"]
        starts = np.searchsorted(job, np.arange(len(jobs["key"])))
        position = np.arange(len(job)) - starts[job] + 1
        return _insert(
            conn,
            "printjobitem",
            ("job_id", "position", "record_id"),
            zip((job + 1).tolist(), position.tolist(), (rid + 1).tolist(), strict=True),
        )

    def cards(self, conn: sqlite3.Connection) -> int:
        c = self.h.cards
        lots = self.lot_codes

        def rows() -> Iterator[tuple]:
            for sl in _chunks(len(c["rid"])):
                created, printed = _ts(c["created"][sl]), _ts(c["printed"][sl])
                qc, received = _ts(c["qc"][sl]), _ts(c["received"][sl])
                submitted = _ts(c["created"][sl] + 20 * hist.US)
                for j, i in enumerate(range(sl.start, sl.stop)):
                    rid, attempt = int(c["rid"][i]) + 1, int(c["attempt"][i])
                    state = hist.CARD_STATES[int(c["state"][i])]
                    cause = int(c["cause"][i])
                    lot = int(c["lot"][i])
                    ship = int(c["ship"][i])
                    yield (
                        i + 1,
                        f"K{rid:08d}-{attempt}",
                        rid,
                        attempt,
                        int(c["job"][i]) + 1,
                        PRINTER_NAMES[int(c["printer"][i])],
                        f"sim-{i + 1}",
                        lots[lot],
                        f"KTP{int(c['serial'][i]):07d}",
                        f"04{(i * 2654435761) % 16**12:012X}" if printed[j] else None,
                        state,
                        hist.FAULTS[cause] if cause >= 0 else None,
                        hist.CAUSES[cause] if cause >= 0 else None,
                        created[j],
                        submitted[j],
                        printed[j],
                        qc[j],
                        hist.ACTORS[2 + i % 3] if qc[j] else None,
                        ship + 1 if ship >= 0 else None,
                        received[j],
                    )

        return _insert(
            conn,
            "card",
            (
                "id",
                "card_ref",
                "record_id",
                "attempt",
                "job_id",
                "printer_name",
                "driver_job_id",
                "lot_code",
                "serial",
                "chip_id",
                "state",
                "fault",
                "spoil_cause",
                "created_at",
                "submitted_at",
                "printed_at",
                "qc_at",
                "qc_by",
                "shipment_id",
                "received_at",
            ),
            rows(),
        )

    # -- stock --

    @property
    def lot_codes(self) -> list[str]:
        lots = self.h.lots
        codes = []
        for k, t in enumerate(lots["received"].tolist()):
            d = _day(self.h.start, t)
            codes.append(f"BLG-{d:%Y-%m}-{chr(ord('A') + k % 26)}{k // 26 or ''}")
        return codes

    def reorder_requests(self, conn: sqlite3.Connection) -> int:
        lots, rows = self.h.lots, []
        for k, t in enumerate(lots["received"].tolist()):
            d = _day(self.h.start, t)
            qty = int(lots["quantity"][k])
            times = _ts(np.array([t - 9 * DAY, t - 8 * DAY, t - 6 * DAY, t]))
            snapshot = {"today": (d - timedelta(days=9)).isoformat(), "seeded": True}
            rows.append(
                (
                    k + 1,
                    f"SPB-{self.digits}-{d:%Y%m}-{k + 1:03d}",
                    "RECEIVED",
                    qty,
                    qty,
                    json.dumps(snapshot),
                    "flow:print_run",
                    *times,
                )
            )
        return _insert(
            conn,
            "reorderrequest",
            (
                "id",
                "number",
                "state",
                "quantity",
                "confirmed_quantity",
                "snapshot_json",
                "actor",
                "created_at",
                "sent_at",
                "confirmed_at",
                "closed_at",
            ),
            rows,
        )

    def lots(self, conn: sqlite3.Connection) -> int:
        lots, rows = self.h.lots, []
        at = _ts(lots["received"])
        for k, code in enumerate(self.lot_codes):
            d = _day(self.h.start, int(lots["received"][k]))
            qty, first = int(lots["quantity"][k]), int(lots["first_serial"][k])
            rows.append(
                (
                    code,
                    "DISDUKCAPIL",
                    d.isoformat(),
                    qty,
                    f"B-{2200 + k}/DUKCAPIL/{d:%m}/{d:%Y}",
                    "KTP",
                    first,
                    first + qty - 1,
                    7,
                    k + 1,
                    "dewi",
                    at[k],
                )
            )
        return _insert(
            conn,
            "lot",
            (
                "code",
                "site_code",
                "received_on",
                "quantity",
                "reference",
                "serial_prefix",
                "serial_first",
                "serial_last",
                "serial_width",
                "request_id",
                "actor",
                "received_at",
            ),
            rows,
        )

    def destructions(self, conn: sqlite3.Connection) -> int:
        d, rows = self.h.destructions, []
        at = _ts(d["at"])
        for k in range(len(d["at"])):
            day = _day(self.h.start, int(d["at"][k]))
            rows.append(
                (
                    k + 1,
                    f"BA-{self.digits}-{day:%Y}-{k + 1:03d}",
                    day.isoformat(),
                    "Halaman belakang kantor Disdukcapil",
                    json.dumps(["Kepala Seksi"]),
                    json.dumps(["Saksi Satu", "Saksi Dua"]),
                    int(d["quantity"][k]),
                    "supervisor",
                    at[k],
                )
            )
        return _insert(
            conn,
            "destructionreport",
            (
                "id",
                "number",
                "held_on",
                "place",
                "officers_json",
                "witnesses_json",
                "quantity",
                "actor",
                "at",
            ),
            rows,
        )

    def movements(self, conn: sqlite3.Connection) -> int:
        m, c = self.h.movements, self.h.cards
        lots = self.lot_codes
        kinds = ("RECEIVED", "CONSUMED", "CONSUMED", "SPOILED", "DESTROYED")

        def rows() -> Iterator[tuple]:
            for sl in _chunks(len(m["id"]), 100_000):
                at = _ts(m["at"][sl])
                ids, kind = m["id"][sl].tolist(), m["kind"][sl].tolist()
                card, lot = m["card"][sl].tolist(), m["lot"][sl].tolist()
                refers, dest = m["refers"][sl].tolist(), m["destruction"][sl].tolist()
                d_on, d_sp = m["delta_on_hand"][sl].tolist(), m["delta_spoiled"][sl].tolist()
                for k in range(len(ids)):
                    kd, ci = kind[k], card[k]
                    ref = rid = cause = note = None
                    if ci >= 0:
                        rid = int(c["rid"][ci]) + 1
                        ref = f"K{rid:08d}-{int(c['attempt'][ci])}"
                        cz = int(c["cause"][ci])
                        cause = hist.CAUSES[cz] if kd >= 3 and cz >= 0 else None
                    key = (
                        f"receive:{lots[lot[k]]}",
                        f"consume:{ref}",
                        f"unconsume:{ref}",
                        f"spoil:{ref}",
                        f"destroy:{refers[k]}",
                    )[kd]
                    if kd == 2:
                        note = f"kartu rusak: {hist.CAUSES[int(c['cause'][ci])]}"
                    yield (
                        ids[k],
                        key,
                        kinds[kd],
                        "DISDUKCAPIL",
                        lots[lot[k]],
                        d_on[k],
                        d_sp[k],
                        cause,
                        ref,
                        rid,
                        dest[k] + 1 if kd == 4 else None,
                        refers[k] if kd == 4 else None,
                        refers[k] if kd == 2 else None,
                        note,
                        "flow:print_run" if kd in (1, 2, 3) else "dewi",
                        at[k],
                    )

        return _insert(
            conn,
            "movement",
            (
                "id",
                "idempotency_key",
                "kind",
                "site_code",
                "lot_code",
                "delta_on_hand",
                "delta_spoiled",
                "cause",
                "card_ref",
                "record_id",
                "destruction_id",
                "destroys_id",
                "reverses_id",
                "note",
                "actor",
                "at",
            ),
            rows(),
        )

    def balances(self, conn: sqlite3.Connection) -> int:
        lots, rows = self.h.lots, []
        now = _ts(np.array([self.h.now]))[0]
        for k, code in enumerate(self.lot_codes):
            d = _day(self.h.start, int(lots["received"][k]))
            rows.append(
                (
                    "DISDUKCAPIL",
                    code,
                    d.isoformat(),
                    int(lots["on_hand"][k]),
                    int(lots["awaiting"][k]),
                    now,
                )
            )
        return _insert(
            conn,
            "balance",
            (
                "site_code",
                "lot_code",
                "lot_received_on",
                "on_hand",
                "awaiting_destruction",
                "updated_at",
            ),
            rows,
        )

    # -- distribution --

    def shipments(self, conn: sqlite3.Connection) -> int:
        s, rows = self.h.shipments, []
        packed, dispatched = _ts(s["packed"]), _ts(s["dispatched"])
        received = _ts(s["received"])
        seq: dict[date, int] = {}
        for k in range(len(s["packed"])):
            day = _day(self.h.start, int(s["packed"][k]))
            seq[day] = seq.get(day, 0) + 1
            kec = self.kec[int(s["kec"][k])]
            state = "received" if received[k] else "dispatched" if dispatched[k] else "packed"
            officer = f"petugas {kec}"
            rows.append(
                (
                    k + 1,
                    f"KRM-{self.digits}-{day:%Y%m%d}-{seq[day]:04d}",
                    kec,
                    state,
                    int(s["cards"][k]),
                    "Kurir Disdukcapil",
                    hist.ACTORS[2 + k % 3],
                    packed[k],
                    hist.ACTORS[2 + k % 3] if dispatched[k] else None,
                    dispatched[k],
                    officer if received[k] else None,
                    hist.ACTORS[2 + k % 3] if received[k] else None,
                    received[k],
                )
            )
        return _insert(
            conn,
            "shipment",
            (
                "id",
                "number",
                "kode_kecamatan",
                "state",
                "cards",
                "courier",
                "packed_by",
                "packed_at",
                "dispatched_by",
                "dispatched_at",
                "received_by",
                "received_actor",
                "received_at",
            ),
            rows,
        )

    def shipment_cards(self, conn: sqlite3.Connection) -> int:
        c, s = self.h.cards, self.h.shipments
        on = np.flatnonzero(c["ship"] >= 0)
        missing = set(self.h.discrepancies["card"].tolist())

        def rows() -> Iterator[tuple]:
            ship = c["ship"][on].tolist()
            rid = c["rid"][on].tolist()
            for k, card in enumerate(on.tolist()):
                outcome = None
                if s["received"][ship[k]] >= 0:
                    outcome = "missing" if card in missing else "received"
                yield (ship[k] + 1, card + 1, rid[k] + 1, outcome)

        return _insert(
            conn, "shipmentcard", ("shipment_id", "card_id", "record_id", "outcome"), rows()
        )

    def discrepancies(self, conn: sqlite3.Connection) -> int:
        d, c = self.h.discrepancies, self.h.cards
        opened, resolved = _ts(d["opened"]), _ts(d["resolved"])
        rows = []
        for k, card in enumerate(d["card"].tolist()):
            rid = int(c["rid"][card]) + 1
            done = resolved[k] is not None
            rows.append(
                (
                    int(d["ship"][k]) + 1,
                    card + 1,
                    f"K{rid:08d}-{int(c['attempt'][card])}",
                    "missing",
                    "resolved" if done else "open",
                    "found" if done else None,
                    "tidak ada di kotak saat diterima",
                    hist.ACTORS[2 + k % 3],
                    opened[k],
                    "supervisor" if done else None,
                    resolved[k],
                )
            )
        return _insert(
            conn,
            "discrepancy",
            (
                "shipment_id",
                "card_id",
                "card_ref",
                "kind",
                "state",
                "resolution",
                "note",
                "opened_by",
                "opened_at",
                "resolved_by",
                "resolved_at",
            ),
            rows,
        )

    def collections(self, conn: sqlite3.Connection) -> int:
        c = self.h.cards
        done = np.flatnonzero(c["collected"] >= 0)
        self.collected = done
        at = _ts(c["collected"][done])
        kec = self.h.records["kec"][c["rid"][done]].tolist()
        rid = (c["rid"][done] + 1).tolist()
        who = ("pemohon", "pemohon", "pemohon", "keluarga (suami/istri)", "orang tua")
        return _insert(
            conn,
            "collection",
            (
                "id",
                "card_id",
                "record_id",
                "place",
                "kode_kecamatan",
                "collected_by",
                "officer",
                "at",
            ),
            (
                (
                    k + 1,
                    card + 1,
                    rid[k],
                    "kecamatan",
                    self.kec[kec[k]],
                    who[k % len(who)],
                    f"petugas {self.kec[kec[k]]}",
                    at[k],
                )
                for k, card in enumerate(done.tolist())
            ),
        )

    def receipts(self, conn: sqlite3.Connection) -> int:
        s, c = self.h.shipments, self.h.cards
        received = np.flatnonzero(s["received"] >= 0)
        ship_at = _ts(s["received"][received])
        coll = getattr(self, "collected", np.array([], dtype=np.int64))
        coll_at = _ts(c["collected"][coll])
        kec_of = self.h.records["kec"]

        def rows() -> Iterator[tuple]:
            for k, sid in enumerate(received.tolist()):
                kec = self.kec[int(s["kec"][sid])]
                yield (
                    "serah_terima",
                    f"S{sid + 1}",
                    sid + 1,
                    None,
                    kec,
                    "printed",
                    1,
                    ship_at[k],
                    ship_at[k],
                )
            for k, card in enumerate(coll.tolist()):
                rid = int(c["rid"][card]) + 1
                kec = self.kec[int(kec_of[rid - 1])]
                yield (
                    "tanda_terima",
                    f"K{rid:08d}-{int(c['attempt'][card])}",
                    None,
                    k + 1,
                    kec,
                    "printed",
                    1,
                    coll_at[k],
                    coll_at[k],
                )

        return _insert(
            conn,
            "receipt",
            (
                "kind",
                "reference",
                "shipment_id",
                "collection_id",
                "place",
                "state",
                "attempts",
                "created_at",
                "printed_at",
            ),
            rows(),
        )

    def alerts(self, conn: sqlite3.Connection) -> int:
        lots, rows = self.h.lots, []
        for k, t in enumerate(lots["received"].tolist()[1:], start=1):
            number = f"SPB-{self.digits}-{_day(self.h.start, t):%Y%m}-{k + 1:03d}"
            at = _ts(np.array([t - 9 * DAY]))[0]
            rows.append(
                (
                    f"reorder:{number}",
                    "REORDER",
                    "WARNING",
                    f"Stok blangko menipis. Permintaan {number} perlu dikirim ke pusat.",
                    json.dumps({"request": number}),
                    at,
                    at,
                )
            )
        return _insert(
            conn,
            "alert",
            ("key", "kind", "level", "message", "data_json", "created_at", "delivered_at"),
            rows,
        )

    def audit(self, conn: sqlite3.Connection) -> int:
        """Logins each working morning and the dashboard actions behind the history."""
        h, rows = self.h, []
        staff = (
            ("rina", "operator"),
            ("bayu", "operator"),
            ("dewi", "stock_manager"),
            ("supervisor", "supervisor"),
        )
        for d in range(h.days):
            if (h.start + timedelta(days=d)).weekday() >= 5:
                continue
            for k, (name, role) in enumerate(staff):
                t = h.base + d * DAY + int((7.5 + 0.2 * k) * hist.HOUR)
                if t <= h.now:
                    rows.append((t, name, role, "login", None, "{}", 1))
        s = h.shipments
        for sid in np.flatnonzero(s["received"] >= 0).tolist():
            rows.append(
                (
                    int(s["received"][sid]),
                    hist.ACTORS[2 + sid % 3],
                    "operator",
                    "shipment_receive",
                    f"S{sid + 1}",
                    "{}",
                    1,
                )
            )
        for k, t in enumerate(h.lots["received"].tolist()):
            rows.append(
                (
                    t,
                    "dewi",
                    "stock_manager",
                    "stock_receipt",
                    self.lot_codes[k],
                    json.dumps({"quantity": int(h.lots["quantity"][k])}),
                    1,
                )
            )
        rows.sort(key=lambda r: r[0])
        at = _ts(np.array([r[0] for r in rows], dtype=np.int64))
        return _insert(
            conn,
            "auditentry",
            ("at", "actor", "role", "action", "target", "detail_json", "ok"),
            ((at[k], *r[1:]) for k, r in enumerate(rows)),
        )


def _years_before(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year - years)
    except ValueError:  # 29 February
        return d.replace(year=d.year - years, day=28)


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 150_000
    print(seeded_database(n))


if __name__ == "__main__":
    main()
