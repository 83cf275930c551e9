"""`make bench`: run the benchmarks and append their figures to bench/RESULTS.md."""

from __future__ import annotations

import importlib
import os
import platform
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import cast

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


Goal = tuple[str, str, bool]
Section = tuple[list[str], list[Goal]]


def _protocol(module: str) -> Callable[[Path], Section]:
    """A bench module's ``section(work) -> (markdown lines, goal rows)``."""

    def run(work: Path) -> Section:
        return cast("Section", importlib.import_module(module).section(work / module))

    return run


def _legacy(fn: Callable[[Path], list[str]]) -> Callable[[Path], Section]:
    return lambda work: (fn(work), [])


SECTIONS: dict[str, Callable[[Path], Section]] = {
    "cli": _protocol("cli_bench"),
    "flows": _protocol("flow_bench"),
    "ingest": _protocol("ingest_bench"),
    "print": _protocol("print_bench"),
    "dashboard": _protocol("dashboard_bench"),
    "stock": _legacy(stock_section),
}

#: ``make bench`` as a whole (issue 16, goal 6).
BUDGET_S = 15 * 60


def commit() -> str:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=HERE.parent,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=HERE.parent,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "?"
    return f"{out} (uncommitted changes)" if dirty else out


def summary(goals: list[Goal]) -> list[str]:
    lines = ["| goal | measured | met |", "|---|---|---|"]
    for name, measured, met in goals:
        lines.append(f"| {name} | {measured} | {'met' if met else '**not met**'} |")
    return [*lines, ""]


def fold(previous: str) -> str:
    """Older runs stay below, each folded (``<details>``) unless it already is."""
    runs = [r for r in previous.split("\n## ") if r.strip()]
    out = []
    for run in runs:
        run = run.removeprefix("## ")
        if run.startswith("<details>") or "\n<details>" in run[:200]:
            out.append(run)
            continue
        title, _, body = run.partition("\n")
        out.append(
            f"{title} (superseded)\n\n<details><summary>figures</summary>\n\n"
            f"{body.strip()}\n\n</details>\n"
        )
    return "".join(f"## {r.rstrip()}\n\n" for r in out)


def main() -> None:
    work = Path(os.environ.get("BENCH_WORK", HERE / "out"))
    # The ledger's figures (an earlier issue's) only when asked: BENCH_ONLY=...,stock.
    default = ",".join(name for name in SECTIONS if name != "stock")
    wanted = [w.strip() for w in os.environ.get("BENCH_ONLY", default).split(",")]
    started = time.perf_counter()
    body: list[str] = []
    goals: list[Goal] = []
    took: list[str] = []
    for name in wanted:
        t = time.perf_counter()
        lines, rows = SECTIONS[name](work)
        took.append(f"{name} {time.perf_counter() - t:.0f} s")
        body += lines
        goals += rows
        print("\n".join(lines), flush=True)
    total = time.perf_counter() - started
    if set(wanted) >= {"cli", "flows", "ingest", "print", "dashboard"}:
        goals.append(
            (
                "6. `make bench` ≤ 15 min",
                f"{total / 60:.1f} min ({', '.join(took)})",
                total <= BUDGET_S,
            )
        )
    head = [
        f"## {datetime.now(UTC):%Y-%m-%d %H:%M} UTC — {machine()} — commit {commit()}",
        "",
        f"Sections: {', '.join(took)}; {total / 60:.1f} min in all.",
        "",
        *summary(goals),
    ]
    text = "\n".join([*head, *body])
    print("\n".join(head))
    results = HERE / "RESULTS.md"
    if not results.exists():
        results.write_text(PREAMBLE)
    old = results.read_text()
    preamble, sep, rest = old.partition("\n## ")
    results.write_text(
        f"{preamble.rstrip()}\n\n{text.rstrip()}\n\n" + (fold(sep + rest) if sep else "")
    )


PREAMBLE = """# Benchmark results

Newest first; written by `make bench` (`BENCH_ONLY=cli,flows,ingest,print,dashboard,stock`
picks sections). Each run starts with a table of the goals it measures, met or not.
"""


if __name__ == "__main__":
    main()
