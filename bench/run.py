"""`make bench`: run the benchmarks and append their figures to bench/RESULTS.md."""

from __future__ import annotations

import os
import platform
import sys
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))


def machine() -> str:
    cpu = platform.processor() or "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = "?"
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f"{kb / 1024 / 1024:.0f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    return (
        f"{platform.system()} {platform.machine()}, {cpu}, {os.cpu_count()} cores, {mem}, "
        f"Python {platform.python_version()}"
    )


def ingest_section(work: Path) -> list[str]:
    import ingest_bench

    records = int(os.environ.get("BENCH_RECORDS", "200000"))
    print(f"ingest: generating and ingesting {records:,} records ...", flush=True)
    r = ingest_bench.run(records, work / "ingest")
    q = sum(r["ack"]["quarantined"].values())
    return [
        f"### Ingest of one {r['records']:,}-record batch (SQLite)",
        "",
        "| measure | value |",
        "|---|---|",
        f"| floor: bare `sqlite3` `executemany` of the same rows | {r['floor_s']:.2f} s "
        f"({r['floor_rps']:,.0f} rows/s) |",
        f"| Cetak validated ingest (digest, parse, rules, photos, records, events, ACK) "
        f"| {r['ingest_s']:.2f} s ({r['ingest_rps']:,.0f} records/s) |",
        f"| ratio to floor (goal ≤ 3×) | {r['ratio']:.2f}× |",
        f"| peak memory of the ingest process (goal < 400 MB) | {r['peak_mb']:.0f} MB |",
        f"| outcome | queued {r['ack']['queued']:,}, held {r['ack']['held']:,}, "
        f"quarantined {q:,}, duplicate {r['ack']['duplicate']:,} |",
        f"| (generating the batch with photos) | {r['generate_s']:.1f} s |",
        "",
    ]


def stock_section(work: Path) -> list[str]:
    import stock_bench

    print("stock: 1,000,000 movements, reads and consumption throughput ...", flush=True)
    r = stock_bench.run(work / "stock")
    lines = [
        "### Blank ledger",
        "",
        "| database | balance read @1k | @1M | reorder position @1k | @1M |",
        "|---|---|---|---|---|",
    ]
    for name, key in (("SQLite", "sqlite_reads"), ("PostgreSQL", "pg_reads")):
        if key in r:
            x = r[key]
            lines.append(
                f"| {name} ({x['movements_large']:,} movements) | {x['balance_ms_1k']:.2f} ms "
                f"| {x['balance_ms_1m']:.2f} ms | {x['position_ms_1k']:.2f} ms "
                f"| {x['position_ms_1m']:.2f} ms |"
            )
    lines += [
        "",
        "| `consume_blank`, one transaction each | 1 process | 4 processes |",
        "|---|---|---|",
        f"| SQLite (WAL, synchronous=NORMAL) | {r['sqlite_1']:,.0f}/s | {r['sqlite_4']:,.0f}/s |",
    ]
    if "pg_1" in r:
        lines.append(f"| PostgreSQL (local, fsync on) | {r['pg_1']:,.0f}/s | {r['pg_4']:,.0f}/s |")
    return [*lines, ""]


def print_section(work: Path) -> list[str]:
    import print_bench

    cards = int(os.environ.get("BENCH_CARDS", "10000"))
    print(f"print: {cards:,} cards through print_run ...", flush=True)
    r = print_bench.run(work / "print", cards)
    return [
        f"### Printing {r['cards']:,} cards through `print_run` (SQLite, zero-latency simulated"
        " printers)",
        "",
        "| measure | value |",
        "|---|---|",
        f"| whole run (plan, render, ledger, state changes, tasks) | {r['seconds']:.1f} s |",
        f"| cards per second (goal ≥ 100) | {r['cards_per_s']:.1f} |",
        f"| software time per card | {r['ms_per_card']:.1f} ms |",
        f"| share of the fastest printer's 12 s per card (goal < 0.1%) "
        f"| {100 * r['share_of_physical']:.3f}% |",
        f"| scheduler: 100,000 queued records over 20 printers (goal < 1 s) "
        f"| {r['scheduler_100k_s']:.2f} s |",
        "",
    ]


def dashboard_section(work: Path) -> list[str]:
    import dashboard_bench

    print("dashboard: seeding (or reusing) 150,000 and 1,000,000 records, timing pages ...")
    return dashboard_bench.section(dashboard_bench.run())


SECTIONS = {
    "ingest": ingest_section,
    "stock": stock_section,
    "print": print_section,
    "dashboard": dashboard_section,
}


def main() -> None:
    work = Path(os.environ.get("BENCH_WORK", HERE / "out"))
    wanted = os.environ.get("BENCH_ONLY", ",".join(SECTIONS)).split(",")
    lines = [f"## {datetime.now(UTC):%Y-%m-%d %H:%M} UTC — {machine()}", ""]
    for name in wanted:
        lines += SECTIONS[name.strip()](work)
    text = "\n".join(lines)
    print(text)
    results = HERE / "RESULTS.md"
    if not results.exists():
        results.write_text("# Benchmark results\n\nNewest first; written by `make bench`.\n\n")
    head, _, rest = results.read_text().partition("\n\n## ")
    body = f"{head}\n\n{text}\n" + (f"## {rest}" if rest else "")
    results.write_text(body)


if __name__ == "__main__":
    main()
