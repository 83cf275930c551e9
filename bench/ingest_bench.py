"""Benchmark: validated ingest of one 200,000-record batch, against a floor, on SQLite and
on PostgreSQL.

The floor is measured in the same run on the same machine: the same rows, already parsed,
inserted into a bare table of the same columns in one transaction, by a bare ``sqlite3``
``executemany`` (SQLite) or a bare ``COPY`` through psycopg (PostgreSQL, the same local
server as the ingest). The ingest is the whole service (digest, parse, every rule, photo
checks, records, photos, events, ACK), run in a child process so that its peak memory is
its own; the child also times the phases (block-level timers, no profiler) for the
"where the time goes" table.

    python bench/ingest_bench.py [RECORDS]     # default 200,000
"""

from __future__ import annotations

import csv
import json
import os
import resource
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
HERE = Path(__file__).resolve().parent
for _path in (str(ROOT), str(HERE), str(ROOT / "tests")):
    if _path not in sys.path:
        sys.path.append(_path)

#: The generated batch is kept here between runs (same seed, same bytes).
CACHE = ROOT / "var" / "bench"
SEED = 2026

CHILD = """
import json, sys, time
from collections import Counter
from datetime import date
from pathlib import Path
from cetak.db import make_engine
from application.installation import initialise
from cetak.regions import load_regency
from cetak.settings import Settings
from intake import columns, csvfile, photoread, service, store

phases = Counter()

def timed(owner, name, key):
    fn = getattr(owner, name)
    def wrapper(*a, **k):
        t = time.perf_counter()
        try:
            return fn(*a, **k)
        finally:
            phases[key] += time.perf_counter() - t
    setattr(owner, name, wrapper)

def timed_blocks(fn):
    def blocks(*a, **k):
        it = fn(*a, **k)
        while True:
            t = time.perf_counter()
            try:
                item = next(it)
            except StopIteration:
                phases["parse"] += time.perf_counter() - t
                return
            phases["parse"] += time.perf_counter() - t
            yield item
    return blocks

def main():
    s = Settings(); s.ensure_dirs()
    engine = make_engine(s.url)
    served, _ = initialise(engine, load_regency("33.10"))
    if "--phases" in sys.argv:
        timed(service, "check_delivery", "check (digest, CSV structure)")
        store.iter_blocks = timed_blocks(store.iter_blocks)
        csvfile.ParsedFile.blocks = timed_blocks(csvfile.ParsedFile.blocks)
        timed(store, "parse_whole", "parse")
        duplicates = store._duplicates
        def keys(*a, **k):  # its own time, without the parse of its blocks
            t, parsed = time.perf_counter(), phases["parse"]
            try:
                return duplicates(*a, **k)
            finally:
                spent = time.perf_counter() - t - (phases["parse"] - parsed)
                phases["keys (ids, NIKs per batch)"] += spent
        store._duplicates = keys
        timed(store, "_nik_standing", "NIK standing (earlier batches)")
        timed(store.ColumnChecker, "check", "rules (column-wise)")
        insert = store._BulkWriter.insert
        def insert_timed(self, table, cols, rows):
            t = time.perf_counter()
            try:
                return insert(self, table, cols, rows)
            finally:
                phases["insert " + table.name] += time.perf_counter() - t
        store._BulkWriter.insert = insert_timed
        timed(store._BulkWriter, "ids", "new ids (read back)")
        submit = photoread.PhotoReader.submit
        def submit_timed(self, rels):
            t = time.perf_counter()
            result = submit(self, rels)
            phases["photos: submit"] += time.perf_counter() - t
            def wait():
                t = time.perf_counter()
                try:
                    return result()
                finally:
                    phases["photos: wait for workers"] += time.perf_counter() - t
            return wait
        photoread.PhotoReader.submit = submit_timed
        timed(store._BatchWriter, "store", "decide and store (total)")
        timed(store, "_initial_events", "insert recordevent")
        timed(service, "write_ack", "ACK")
        timed(service, "file_delivery", "filing")
    t0 = time.perf_counter()
    ack = service.ingest_one(engine=engine, path=Path(sys.argv[1]), served=served,
                             home_dirs=(s.archive_dir, s.rejected_dir, s.outbox_dir),
                             today=date.today())
    elapsed = time.perf_counter() - t0
    # VmHWM, not ru_maxrss: the latter also counts the parent's pages shared before exec.
    status = open("/proc/self/status").read()
    peak_mb = int(status.split("VmHWM:")[1].split()[0]) / 1024
    print(json.dumps({"seconds": elapsed, "peak_mb": peak_mb, "ack": ack,
                      "phases": dict(phases)}))

if __name__ == "__main__":
    main()
"""


def _rows(batch: Path) -> tuple[list[str], list[list[str]]]:
    with open(batch / "records.csv", encoding="utf-8-sig", newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        return header, [r for r in reader if r]


def floor(batch: Path, db: Path) -> tuple[float, int]:
    """A bare ``sqlite3`` ``executemany`` of the parsed rows in one transaction."""
    header, rows = _rows(batch)
    con = sqlite3.connect(db)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=NORMAL")
    cols = ", ".join(f'"{c}" TEXT' for c in header)
    con.execute(f"CREATE TABLE record (id INTEGER PRIMARY KEY, {cols})")
    marks = ", ".join("?" for _ in header)
    names = ", ".join(f'"{c}"' for c in header)
    t0 = time.perf_counter()
    with con:
        con.executemany(f"INSERT INTO record ({names}) VALUES ({marks})", rows)
    elapsed = time.perf_counter() - t0
    con.close()
    return elapsed, len(rows)


def pg_floor(batch: Path, url: str) -> tuple[float, int]:
    """A bare ``COPY`` of the parsed rows into a bare table, in one transaction."""
    import psycopg

    header, rows = _rows(batch)
    conninfo = url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(conninfo) as con:
        cols = ", ".join(f'"{c}" text' for c in header)
        con.execute(f"CREATE TABLE floor_record (id serial PRIMARY KEY, {cols})")
        con.commit()
        names = ", ".join(f'"{c}"' for c in header)
        t0 = time.perf_counter()
        with con.cursor() as cur, cur.copy(f"COPY floor_record ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        con.commit()
        elapsed = time.perf_counter() - t0
    return elapsed, len(rows)


def feed(records: int) -> tuple[Path, float]:
    """The batch folder (generated once per size and kept) and the seconds spent making it."""
    from cetak.regions import load_regency
    from demo.feed import generate_feed

    out = CACHE / f"ingest-feed-{records}-{SEED}"
    done = out / ".complete"
    if done.exists():
        return Path(done.read_text().strip()), 0.0
    shutil.rmtree(out, ignore_errors=True)
    t0 = time.perf_counter()
    (batch,) = generate_feed(
        regency=load_regency("33.10"),
        records=records,
        out=out,
        seed=SEED,
        batch_size=records,
        today=_today(),
    )
    done.write_text(str(batch.path))
    return batch.path, time.perf_counter() - t0


def _today() -> Any:
    from datetime import date

    return date(2026, 11, 24)


def _link_copy(batch: Path, dest: Path) -> Path:
    """A copy of the delivery made of hard links: filing moves it, the cache stays."""
    shutil.rmtree(dest.parent, ignore_errors=True)
    dest.parent.mkdir(parents=True)
    shutil.copytree(batch, dest, copy_function=os.link)
    return dest


def ingest(batch: Path, work: Path, url: str | None, phases: bool) -> dict[str, Any]:
    delivery = _link_copy(batch, work / "in" / batch.name)
    env = dict(os.environ, CETAK_HOME=str(work / "home"))
    env.pop("CETAK_DATABASE_URL", None)
    if url is not None:
        env["CETAK_DATABASE_URL"] = url
    args = [sys.executable, "-c", CHILD, str(delivery)] + (["--phases"] if phases else [])
    proc = subprocess.run(args, env=env, capture_output=True, text=True, check=False, cwd=ROOT)
    if proc.returncode != 0:
        raise RuntimeError(f"ingest child failed:\n{proc.stderr[-3000:]}")
    return dict(json.loads(proc.stdout.strip().splitlines()[-1]))


def photo_cost(batch: Path, sample: int = 10_000) -> dict[str, float]:
    """CPU (user, system) per photo of reading and checking a sample of the batch's photos
    in this process, as the ingest's workers do (``intake.photoread.read_photos``): what
    every photo costs whatever the database."""
    from intake.delivery import open_delivery
    from intake.photoread import read_photos

    rels = [f"foto/{name}" for name in sorted(os.listdir(batch / "foto"))[:sample]]
    delivery = open_delivery(batch)
    t0 = os.times()
    photos = read_photos(delivery, rels)
    t1 = os.times()
    delivery.close()
    n = max(len(photos), 1)
    return {
        "user_us": 1e6 * (t1.user - t0.user) / n,
        "system_us": 1e6 * (t1.system - t0.system) / n,
    }


def run(records: int, work: Path, postgres: bool = True) -> dict[str, Any]:
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    batch, generated = feed(records)
    out: dict[str, Any] = {"records": records, "generate_s": generated}
    floor_s, n = floor(batch, work / "floor.db")
    child = ingest(batch, work / "sqlite", None, phases=True)
    out["sqlite"] = {"floor_s": floor_s, "rows": n, **child}
    out["photo"] = photo_cost(batch)  # after the ingest read them: files in the page cache
    out["records"] = n
    if postgres:
        from pgserver import with_databases

        with with_databases("floor", "cetak") as server:
            if server is not None:
                pg_s, pg_n = pg_floor(batch, server.url("floor"))
                child = ingest(batch, work / "pg", server.url("cetak"), phases=True)
                out["postgresql"] = {"floor_s": pg_s, "rows": pg_n, **child}
    out["self_peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    sq = out["sqlite"]  # the SQLite figures under their earlier names, for older callers
    out.update(
        floor_s=sq["floor_s"],
        floor_rps=n / sq["floor_s"],
        ingest_s=sq["seconds"],
        ingest_rps=n / sq["seconds"],
        ratio=sq["seconds"] / sq["floor_s"],
        peak_mb=sq["peak_mb"],
        ack=sq["ack"],
    )
    return out


PHASE_ORDER = [
    "check (digest, CSV structure)",
    "parse",
    "keys (ids, NIKs per batch)",
    "NIK standing (earlier batches)",
    "rules (column-wise)",
    "photos: submit",
    "photos: wait for workers",
    "insert record",
    "new ids (read back)",
    "insert recordphoto",
    "insert recordevent",
    "ACK",
    "filing",
]


def report(r: dict[str, Any], started: float) -> tuple[list[str], list[tuple[str, str, bool]]]:
    names = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
    floors = {
        "sqlite": "bare `sqlite3` `executemany`",
        "postgresql": "bare `COPY` (psycopg)",
    }
    lines = [
        f"### Ingest of one {r['records']:,}-record batch with photos (SQLite, PostgreSQL)",
        "",
        "| database | floor: the same rows into a bare table | Cetak validated ingest "
        "| ratio (goal ≤ 3×) | peak memory (goal < 400 MB) |",
        "|---|---|---|---|---|",
    ]
    goals: list[tuple[str, str, bool]] = []
    for key in ("sqlite", "postgresql"):
        if key not in r:
            continue
        x = r[key]
        ratio = x["seconds"] / x["floor_s"]
        lines.append(
            f"| {names[key]} | {x['floor_s']:.2f} s ({x['rows'] / x['floor_s']:,.0f} rows/s, "
            f"{floors[key]}) | {x['seconds']:.2f} s ({x['rows'] / x['seconds']:,.0f} records/s) "
            f"| {ratio:.1f}× | {x['peak_mb']:.0f} MB |"
        )
        goals.append(
            (
                f"3. ingest ≤ 3× floor ({names[key]})",
                f"{ratio:.1f}× ({x['seconds']:.1f} s vs {x['floor_s']:.2f} s)",
                ratio <= 3,
            )
        )
        goals.append(
            (
                f"3. ingest peak memory < 400 MB ({names[key]})",
                f"{x['peak_mb']:.0f} MB",
                x["peak_mb"] < 400,
            )
        )
    first = r.get("sqlite") or r.get("postgresql")
    if first is not None:
        ack = first["ack"]
        q = sum(ack["quarantined"].values())
        lines += [
            "",
            f"Outcome (both databases): queued {ack['queued']:,}, held {ack['held']:,}, "
            f"quarantined {q:,}, duplicate {ack['duplicate']:,}.",
        ]
    lines += [
        "",
        "Where the ingest's time goes (seconds of the parent process, block-level timers in "
        "the same run; photos are read and checked by 2 worker processes meanwhile, so only "
        "the parent's wait for them counts):",
        "",
        "| phase | " + " | ".join(names[k] for k in ("sqlite", "postgresql") if k in r) + " |",
        "|---|" + "---|" * sum(1 for k in ("sqlite", "postgresql") if k in r),
    ]
    for phase in PHASE_ORDER:
        cells = []
        for key in ("sqlite", "postgresql"):
            if key in r:
                cells.append(f"{r[key]['phases'].get(phase, 0.0):.2f}")
        lines.append(f"| {phase} | " + " | ".join(cells) + " |")
    cells = []
    for key in ("sqlite", "postgresql"):
        if key in r:
            p = r[key]["phases"]
            # Everything not timed on its own: per-row outcomes, row building, commit.
            rest = r[key]["seconds"] - sum(p.get(k, 0.0) for k in PHASE_ORDER)
            cells.append(f"{rest:.2f}")
    lines.append("| other (outcomes, row building, commit, …) | " + " | ".join(cells) + " |")
    lines += [
        "",
        *why(r),
        "",
        f"(Generating the batch with photos: {r['generate_s']:.1f} s, "
        f"cached in `var/bench/` after the first run; whole section "
        f"{time.monotonic() - started:.0f} s.)",
        "",
    ]
    return lines, goals


def why(r: dict[str, Any]) -> list[str]:
    """Why the ingest stays above 3× its floor, in the measured figures of this run."""
    out = []
    for key, name in (("sqlite", "SQLite"), ("postgresql", "PostgreSQL")):
        if key not in r:
            continue
        x, p = r[key], r[key]["phases"]
        checks = sum(
            p.get(k, 0.0)
            for k in ("parse", "rules (column-wise)", "photos: submit", "photos: wait for workers")
        )
        out.append(
            f"- {name}: the bulk insert of the record rows alone (one "
            f"{'COPY' if key == 'postgresql' else 'executemany'} per block of prepared rows, "
            f"nothing else in its timer) takes {p.get('insert record', 0.0):.1f} s, "
            f"{p.get('insert record', 0.0) / x['floor_s']:.1f}× the whole floor; the photos "
            f"{p.get('insert recordphoto', 0.0):.1f} s, the events "
            f"{p.get('insert recordevent', 0.0):.1f} s. Parsing, rules and photo checks together "
            f"cost the parent {checks:.1f} s."
        )
    photo = r.get("photo")
    if photo and "sqlite" in r:
        per = photo["user_us"] + photo["system_us"]
        need = per * r["records"] / 1e6
        out.append(
            f"- Both: reading and checking one photo costs {per:.0f} µs of CPU "
            f"({photo['system_us']:.0f} µs of it in the kernel: the file's `lstat`, open and "
            f"read), measured on 10,000 of the batch's photos in one process with the files in "
            f"the page cache. The {r['records']:,} photos alone are {need:.1f} s of CPU: even "
            f"spread over both cores, at least {need / 2:.1f} s of wall "
            f"({need / 2 / r['sqlite']['floor_s']:.1f}× the SQLite floor) before one record is "
            "parsed, checked or written. The floor reads no photo."
        )
    return [
        "Where the 3× goal is lost: in writing, and in reading the photos the floor leaves out.",
        "",
        *out,
        "",
        "The floor writes 21 text columns into a table without an index. The real `record` table "
        "has 33 columns, two unique keys (`prr_id`; batch and row) and four indexes, one on the "
        "NIK, whose random order puts every insert on another index page; each record also "
        "brings its photo (about 4 KB, 800 MB for 200,000 records) and one event. Measured "
        "apart from the ingest, a bare `executemany` of the same prepared rows into an empty "
        "copy of the real table costs about as much as the ingest's own insert, and still about 2× "
        "the floor with all four indexes dropped: what is left is the table's width and unique "
        "keys. Dropping indexes during the load would weaken the unique keys, so it is not done. "
        "What would remove the rest: photos kept out of the record database (files in a "
        "content-addressed store under `$CETAK_HOME`, the database holding their digest) takes "
        "the photo insert, its WAL and the photo transfer out; fewer indexes on `record` (the "
        "dashboard's `created_at` index, the `(state, …)` ones) is a schema decision for the "
        "read side; the per-row Python left (outcomes, row tuples) is small beside them.",
    ]


def section(work: Path) -> tuple[list[str], list[tuple[str, str, bool]]]:
    """The bench protocol: generate (or reuse) the batch, measure floors and ingests."""
    started = time.monotonic()
    records = int(os.environ.get("BENCH_RECORDS", "200000"))
    print(f"ingest: {records:,} records on SQLite and PostgreSQL ...", flush=True)
    return report(run(records, work / "ingest"), started)


def main() -> None:
    records = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
    started = time.monotonic()
    lines, goals = report(run(records, ROOT / "bench" / "out" / "ingest"), started)
    print("\n".join(lines))
    for goal, measured, met in goals:
        print(f"{'met' if met else 'NOT MET':>8}  {goal}: {measured}")


if __name__ == "__main__":
    main()
