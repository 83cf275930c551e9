"""Server-side render time of each dashboard page at 150,000 and 1,000,000 records.

Each page runs through ``streamlit.testing.v1.AppTest`` (the real script, its queries,
charts and tables, without a browser) with a logged-in supervisor, against the seeded
databases of ``dashboard_seed``. "Cold" runs start with Streamlit's data cache cleared,
as after the 30-second cache expires; "warm" runs reuse it. Both run after one warm-up
of the app, so Python imports are not counted; SQLite's file is in the OS page cache.
Every SQL statement of the last cold run is timed, so a slow page names its slow query.

    python bench/dashboard_bench.py [N ...]      # default: 150000 1000000
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
for _path in (str(HERE.parent), str(HERE)):
    if _path not in sys.path:
        sys.path.append(_path)

APP = HERE.parent / "dashboard" / "app.py"
PAGES = (
    ("Ringkasan", "pages/ringkasan.py"),
    ("Antrian & Printer", "pages/antrian.py"),
    ("Stok Blangko", "pages/stok.py"),
    ("Distribusi", "pages/distribusi.py"),
    ("Karantina", "pages/karantina.py"),
    ("Audit", "pages/audit.py"),
)
SIZES = (150_000, 1_000_000)
USER = "bench-kasi"
RUNS = 5
GOAL_S = 2.0
GOAL_RATIO = 2.0


class _StatementTimer:
    """Time of every SQL statement, by its first line, while ``active``.

    The cursor's ``execute`` returns at a streaming query's first row, before SQLAlchemy
    fetches the rest, so a SELECT's time is measured again afterwards by replaying it
    with the same parameters on a read-only ``sqlite3`` connection kept open for the
    whole benchmark (like the app's pooled one), execute and fetch all, twice: the second
    time counts, with SQLite's page cache as warm as the app's in a cold page run."""

    def __init__(self) -> None:
        import sqlalchemy as sa

        self.active = False
        self.times: dict[str, float] = defaultdict(float)
        self.sql: dict[str, str] = {}
        self.replays: dict[str, list[tuple[str, str, Any]]] = defaultdict(list)
        self.connections: dict[str, Any] = {}
        sa.event.listen(sa.engine.Engine, "before_cursor_execute", self._before)
        sa.event.listen(sa.engine.Engine, "after_cursor_execute", self._after)

    def _before(self, conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        conn.info.setdefault("_bench_t0", []).append(time.perf_counter())

    def _after(self, conn: Any, cursor: Any, statement: str, parameters: Any, *args: Any) -> None:
        t0 = conn.info["_bench_t0"].pop()
        if self.active:
            key = " ".join(statement.split())[:90]
            self.times[key] += time.perf_counter() - t0
            self.sql[key] = statement
            database = conn.engine.url.database
            if conn.engine.dialect.name == "sqlite" and key.upper().startswith("SELECT"):
                self.replays[key].append((database, statement, parameters))

    def _replay(self, runs: list[tuple[str, str, Any]]) -> float:
        import sqlite3

        took = 0.0
        for database, statement, parameters in runs:
            conn = self.connections.get(database)
            if conn is None:
                conn = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
                self.connections[database] = conn
            conn.execute(statement, parameters).fetchall()
            t0 = time.perf_counter()
            conn.execute(statement, parameters).fetchall()
            took += time.perf_counter() - t0
        return took

    def take(self) -> list[tuple[float, str, str]]:
        for key, runs in self.replays.items():
            self.times[key] = max(self.times[key], self._replay(runs))
        out = sorted(((t, k, self.sql[k]) for k, t in self.times.items()), reverse=True)
        self.times.clear()
        self.replays.clear()
        return out


def _ensure_user(url: str) -> None:
    from sqlmodel import select

    from cetak.db import make_engine, write_session
    from cetak.users import User, add_user

    engine = make_engine(url)
    try:
        with write_session(engine) as session:
            if session.exec(select(User).where(User.name == USER)).first() is None:
                add_user(session, USER, "supervisor", "bench-sandi-panjang", actor="bench")
    finally:
        engine.dispose()


def _app(page: str) -> Any:
    from streamlit.testing.v1 import AppTest

    from cetak.access import Actor, Role
    from cetak.models import utcnow

    at = AppTest.from_file(str(APP), default_timeout=600)
    now = utcnow()
    at.session_state["actor"] = Actor(USER, Role.SUPERVISOR)
    at.session_state["started_at"] = now
    at.session_state["last_seen"] = now
    at.switch_page(page)
    return at


def _run(at: Any, *, cold: bool) -> float:
    import streamlit as st

    from cetak.models import utcnow

    if cold:
        st.cache_data.clear()
    at.session_state["last_seen"] = utcnow()
    t0 = time.perf_counter()
    at.run()
    took = time.perf_counter() - t0
    if at.exception:
        raise RuntimeError(f"page failed: {at.exception[0].message}")
    return took


def measure(db: Path, timer: _StatementTimer) -> dict[str, dict[str, Any]]:
    """Cold and warm render times per page for one database."""
    import streamlit.logger

    streamlit.logger.set_log_level("error")  # AppTest's "bare mode" warnings are noise here
    url = f"sqlite:///{db}"
    os.environ["CETAK_DATABASE_URL"] = url
    os.environ["CETAK_HOME"] = str(db.parent / f"{db.stem}-home")
    _ensure_user(url)
    _run(_app(PAGES[0][1]), cold=True)  # imports, engine, installation: not a page's cost
    results: dict[str, dict[str, Any]] = {}
    for title, page in PAGES:
        at = _app(page)
        cold, warm = [], []
        for i in range(RUNS):
            timer.active = i == RUNS - 1
            cold.append(_run(at, cold=True))
            timer.active = False
        statements = timer.take()
        for _ in range(RUNS):
            warm.append(_run(at, cold=False))
        results[title] = {
            "cold": statistics.median(cold),
            "cold_max": max(cold),
            "warm": statistics.median(warm),
            "sql": statements[:3],
            "sql_total": sum(t for t, _, _ in statements),
        }
        print(
            f"  {title:<18} cold {results[title]['cold']:6.2f} s  warm "
            f"{results[title]['warm']:6.2f} s  (SQL {results[title]['sql_total']:.2f} s)",
            flush=True,
        )
    return results


def run(sizes: tuple[int, ...] = SIZES) -> dict[str, Any]:
    import dashboard_seed

    timer = _StatementTimer()
    out: dict[str, Any] = {"sizes": {}, "counts": {}}
    root = dashboard_seed.default_root()  # before measure() points CETAK_HOME elsewhere
    for n in sizes:
        t0 = time.monotonic()
        cached = (root / f"{dashboard_seed.cache_key(n)}.db").exists()
        db = dashboard_seed.seeded_database(n, root=root)
        seed_s = None if cached else time.monotonic() - t0
        import sqlite3

        with sqlite3.connect(db) as conn:
            out["counts"][n] = {
                t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                for t in ("record", "recordevent", "card", "movement", "shipment", "auditentry")
            }
        out["counts"][n]["size_mb"] = db.stat().st_size / 1e6
        out["counts"][n]["seed_s"] = seed_s
        print(f"dashboard: {n:,} records ({db.name})", flush=True)
        out["sizes"][n] = measure(db, timer)
    return out


def section(r: dict[str, Any]) -> list[str]:
    """The Markdown section for ``bench/RESULTS.md``."""
    sizes = list(r["sizes"])
    small, large = sizes[0], sizes[-1]
    lines = [
        "### Dashboard pages, server-side render time (SQLite, `AppTest`, supervisor)",
        "",
        "| database | records | events | cards | movements | shipments | file | seeded in |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for n in sizes:
        c = r["counts"][n]
        seeded = "cached" if c["seed_s"] is None else f"{c['seed_s']:.0f} s"
        lines.append(
            f"| {n:,} | {c['record']:,} | {c['recordevent']:,} | {c['card']:,} "
            f"| {c['movement']:,} | {c['shipment']:,} | {c['size_mb']:,.0f} MB "
            f"| {seeded} |"
        )
    lines += [
        "",
        f"| page | cold @{small // 1000}k | warm @{small // 1000}k | cold @{large // 1000}k "
        f"| warm @{large // 1000}k | cold ratio | goal (< {GOAL_S:g} s, ≤ {GOAL_RATIO:g}×) |",
        "|---|---|---|---|---|---|---|",
    ]
    for title, _ in PAGES:
        a, b = r["sizes"][small][title], r["sizes"][large][title]
        ratio = b["cold"] / a["cold"] if a["cold"] else float("inf")
        ok = a["cold"] < GOAL_S and ratio <= GOAL_RATIO
        lines.append(
            f"| {title} | {a['cold']:.2f} s | {a['warm']:.2f} s | {b['cold']:.2f} s "
            f"| {b['warm']:.2f} s | {ratio:.2f}× | {'met' if ok else '**not met**'} |"
        )
    lines += ["", f"Slowest statements of each page's cold run at {large:,}:", ""]
    for title, _ in PAGES:
        x = r["sizes"][large][title]
        top = "; ".join(f"{t:.2f} s `{k[:60]}…`" for t, k, _ in x["sql"][:2])
        lines.append(f"- {title} (SQL {x['sql_total']:.2f} s of {x['cold']:.2f} s): {top}")
    return [*lines, ""]


def main() -> None:
    sizes = tuple(int(a) for a in sys.argv[1:]) or SIZES
    r = run(sizes)
    print("\n".join(section(r)))


if __name__ == "__main__":
    main()
