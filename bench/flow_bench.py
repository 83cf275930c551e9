"""Commands that run a flow, wall time as staff wait for it (issue 16, goal 2).

Two set-ups on the same SQLite installation, each command a fresh ``cetak`` process:

- ``temporary``: ``CETAK_PREFECT_LOCAL=temporary``, Prefect's temporary server started and
  stopped inside every command (the behaviour before issue 16);
- ``kept``: no ``PREFECT_API_URL``; the first command starts the kept local server (its
  figure is reported apart), later ones reuse it (application.localprefect);

Measured: ingest of a 20- and a 600-record batch, ``print`` of 50 cards on zero-latency
simulated printers, and, to name the floor of any command that runs a flow, a bare
``python -c "import prefect"`` and the ``cetak`` import alone.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable


def _env(home: Path, mode: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CETAK_", "PREFECT_"))}
    env.update(
        CETAK_HOME=str(home),
        PREFECT_HOME=str(home / "prefect"),
        PREFECT_SERVER_ANALYTICS_ENABLED="false",
        CETAK_QC_AUTO_PASS="true",
        CETAK_PREFECT_LOCAL=mode,
    )
    return env


def _cetak(env: dict[str, str], *args: str) -> float:
    t = time.perf_counter()
    subprocess.run(
        [PY, "-m", "cetak", *args], env=env, check=True, capture_output=True, cwd=str(ROOT)
    )
    return time.perf_counter() - t


def _wall(argv: list[str], env: dict[str, str]) -> float:
    t = time.perf_counter()
    subprocess.run(argv, env=env, check=True, capture_output=True, cwd=str(ROOT))
    return time.perf_counter() - t


def _prepare(home: Path, mode: str) -> tuple[dict[str, str], list[Path], list[Path]]:
    """An installation with blanks, four zero-latency printers and batches to ingest."""
    env = _env(home, mode)
    _cetak(env, "init", "--regency", "33.10")
    _cetak(env, "stock", "receive", "--lot", "B1", "--quantity", "5000")
    for i in range(1, 5):
        _cetak(
            env,
            "printers",
            "add",
            f"sim-{i}",
            "--driver",
            "simulated",
            "--uri",
            f"sim://sim-{i}?seed={i}&seconds=0",
        )
    small, large = home / "in20", home / "in600"
    _cetak(
        env,
        "demo-feed",
        "--records",
        "60",
        "--batch-size",
        "20",
        "--out",
        str(small),
        "--seed",
        "1",
    )
    _cetak(
        env,
        "demo-feed",
        "--records",
        "1800",
        "--batch-size",
        "600",
        "--out",
        str(large),
        "--seed",
        "2",
    )
    return env, sorted(small.iterdir()), sorted(large.iterdir())


def run(work: Path) -> dict[str, Any]:
    import shutil

    from application import localprefect

    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    res: dict[str, Any] = {}
    base = _env(work / "floor", "keep")
    res["python"] = statistics.median(_wall([PY, "-c", "pass"], base) for _ in range(3))
    res["import_prefect"] = statistics.median(
        _wall([PY, "-c", "import prefect"], base) for _ in range(3)
    )
    res["import_flow"] = statistics.median(
        _wall([PY, "-c", "import workflows.ingest"], base) for _ in range(3)
    )
    for mode in ("temporary", "kept"):
        home = work / mode
        env, small, large = _prepare(home, mode if mode == "temporary" else "keep")
        try:
            # The temporary server costs 15-30 s a command: one run of each there, medians
            # of the kept server's (which are what staff wait for), to keep the budget.
            many = mode == "kept"
            r = {"first_ingest_20": _cetak(env, "ingest", str(small[0]))}  # kept: starts it
            r["ingest_20"] = statistics.median(
                _cetak(env, "ingest", str(b)) for b in (small[1:] if many else small[1:2])
            )
            r["ingest_600"] = statistics.median(
                _cetak(env, "ingest", str(b)) for b in (large if many else large[:1])
            )
            r["print_50"] = statistics.median(
                _cetak(env, "print", "--max", "50") for _ in range(3 if many else 1)
            )
            res[mode] = r
        finally:
            localprefect.stop(home / "prefect")
    return res


def section(work: Path) -> tuple[list[str], list[tuple[str, str, bool]]]:
    r = run(work)
    t, k = r["temporary"], r["kept"]
    lines = [
        "### Commands that run a flow (SQLite; wall time of a fresh `cetak` process)",
        "",
        "Without `PREFECT_API_URL`: Prefect's temporary server started and stopped in every"
        " command (`CETAK_PREFECT_LOCAL=temporary`, the behaviour before issue 16), against the"
        " kept local server (`application/localprefect.py`): the first command of the day"
        " starts it, later ones find it running, as they find the server of `cetak serve` or"
        " one named by `PREFECT_API_URL` (a running server). Median of the runs after the"
        " first on the kept server (two ingests of 20 records, three of 600, three print runs"
        " of 50 cards on four zero-latency simulated printers); one of each on the temporary.",
        "",
        "| command | temporary server per command | running (kept) server |",
        "|---|---|---|",
        f"| first `ingest` of the day (20 records) | {t['first_ingest_20']:.1f} s "
        f"| {k['first_ingest_20']:.1f} s (starts the server) |",
        f"| `ingest` 20 records | {t['ingest_20']:.1f} s | {k['ingest_20']:.1f} s |",
        f"| `ingest` 600 records | {t['ingest_600']:.1f} s | {k['ingest_600']:.1f} s |",
        f"| `print --max 50` | {t['print_50']:.1f} s | {k['print_50']:.1f} s |",
        "",
        f"Floor of any command that runs a flow, in the same run: `python -c pass` "
        f'{r["python"]:.2f} s, `python -c "import prefect"` {r["import_prefect"]:.2f} s, '
        f"importing the ingest flow's module {r['import_flow']:.2f} s. A command process must "
        "import Prefect to run a flow, so that import is paid by every such command whatever "
        "the server; only a process that stays warm (a runner that keeps Prefect and the flow "
        "modules imported and runs each command's flow in a forked child) would remove it.",
        "",
    ]
    goals = [
        (
            "2. ingest of 600 records ≤ 2 s with a running server",
            f"{k['ingest_600']:.1f} s (importing Prefect alone: {r['import_prefect']:.1f} s)",
            k["ingest_600"] <= 2.0,
        ),
        (
            "2. no temporary server per command when none runs",
            f"ingest of 20: {k['ingest_20']:.1f} s kept vs {t['ingest_20']:.1f} s temporary",
            k["ingest_20"] < t["ingest_20"] / 2,
        ),
    ]
    return lines, goals


if __name__ == "__main__":
    lines, goals = section(Path(os.environ.get("BENCH_WORK", ROOT / "bench" / "out")) / "flows")
    print("\n".join(lines))
    for g in goals:
        print(g)
