"""Server-side render time of each dashboard page at 150,000 and 1,000,000 records,
on SQLite and on PostgreSQL.

Each page runs through ``streamlit.testing.v1.AppTest`` (the real script, its queries,
charts and tables, without a browser) with a logged-in supervisor, against the seeded
databases of ``dashboard_seed`` (SQLite) and their copies in a local PostgreSQL server
(``dashboard_pg``), both cached under ``var/bench/``. "Cold" runs start with Streamlit's data
cache cleared, as after the 30-second cache expires; "warm" runs reuse it. Both run after
one warm-up of the app, so Python imports are not counted; the database's files are in the
OS page cache. The two sizes take turns run by run (one PostgreSQL server each, both up), so
a change in this shared machine's load falls on both sides of a ratio. Every SQL statement
of the last cold run is timed, so a slow page names its slow query; ``BENCH_EXPLAIN=1``
prints PostgreSQL's plan of each slow one.

    python bench/dashboard_bench.py [N ...] [sqlite|postgresql ...]   # default: both sizes, both
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
#: The dashboard section's share of ``make bench`` (issue 16, goal 6), seeding included.
BUDGET_S = 6 * 60
#: ``BENCH_EXPLAIN=1``: print PostgreSQL's plan of every statement of a cold run that took
#: at least ``EXPLAIN_S``.
EXPLAIN = os.environ.get("BENCH_EXPLAIN") == "1"
EXPLAIN_S = 0.05


class _StatementTimer:
    """Time of every SQL statement, by its first line, while ``active``.

    The cursor's ``execute`` returns at a streaming query's first row, before SQLAlchemy
    fetches the rest, so a SELECT's time is measured again afterwards by replaying it
    with the same parameters on a read-only ``sqlite3`` connection kept open for the
    whole benchmark (like the app's pooled one), execute and fetch all, twice: the second
    time counts, with SQLite's page cache as warm as the app's in a cold page run. On
    PostgreSQL psycopg's (client-side) cursor has the whole result when ``execute`` returns,
    so the time measured around it is the statement's."""

    def __init__(self) -> None:
        import sqlalchemy as sa

        self.active = False
        self.times: dict[str, float] = defaultdict(float)
        self.sql: dict[str, str] = {}
        self.replays: dict[str, list[tuple[str, str, Any]]] = defaultdict(list)
        self.connections: dict[str, Any] = {}
        self.explain: dict[str, tuple[Any, str, Any]] = {}
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
            elif EXPLAIN and key.upper().startswith("SELECT"):
                self.explain[key] = (conn.engine, statement, parameters)

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
        explain, self.explain = self.explain, {}
        for took, key, _ in out:
            if key in explain and took >= EXPLAIN_S:
                self._explain(took, *explain[key])
        return out

    @staticmethod
    def _explain(took: float, engine: Any, statement: str, parameters: Any) -> None:
        """``BENCH_EXPLAIN=1``: PostgreSQL's plan of a slow statement, with its timing."""
        with engine.connect() as conn:
            conn.exec_driver_sql(statement, parameters).fetchall()
            plan = conn.exec_driver_sql(f"EXPLAIN (ANALYZE, BUFFERS) {statement}", parameters)
            print(f"--- {took:.2f} s\n{statement}\n{parameters}", flush=True)
            print("\n".join(r[0] for r in plan), flush=True)


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


def _use(url: str, home: Path) -> None:
    os.environ["CETAK_DATABASE_URL"] = url
    os.environ["CETAK_HOME"] = str(home)


def measure(
    targets: dict[int, tuple[str, Path]], timer: _StatementTimer
) -> dict[int, dict[str, dict[str, Any]]]:
    """Cold and warm render times per page for each size's database (``url``, home).

    The sizes take turns, run by run (150k, 1M, 150k, ...), so a change in the load of
    this shared machine falls on both sides of the ratio, not on one size's pages."""
    import streamlit.logger

    streamlit.logger.set_log_level("error")  # AppTest's "bare mode" warnings are noise here
    for url, home in targets.values():
        _use(url, home)
        _ensure_user(url)
        _run(_app(PAGES[0][1]), cold=True)  # imports, engine, installation: not a page's cost
    results: dict[int, dict[str, dict[str, Any]]] = {n: {} for n in targets}
    for title, page in PAGES:
        apps = {n: _app(page) for n in targets}
        cold: dict[int, list[float]] = {n: [] for n in targets}
        warm: dict[int, list[float]] = {n: [] for n in targets}
        statements: dict[int, list[tuple[float, str, str]]] = {}
        for i in range(RUNS):
            for n, (url, home) in targets.items():
                _use(url, home)
                timer.active = i == RUNS - 1
                cold[n].append(_run(apps[n], cold=True))
                timer.active = False
                if i == RUNS - 1:
                    statements[n] = timer.take()
        for _ in range(RUNS):
            for n, (url, home) in targets.items():
                _use(url, home)
                warm[n].append(_run(apps[n], cold=False))
        for n in targets:
            results[n][title] = {
                "cold": statistics.median(cold[n]),
                "cold_max": max(cold[n]),
                "warm": statistics.median(warm[n]),
                "sql": statements[n][:3],
                "sql_total": sum(t for t, _, _ in statements[n]),
            }
            x = results[n][title]
            print(
                f"  {_size(n):>5} {title:<18} cold {x['cold']:6.2f} s  warm "
                f"{x['warm']:6.2f} s  (SQL {x['sql_total']:.2f} s)",
                flush=True,
            )
    return results


#: The databases benchmarked: SQLite (the office default) and PostgreSQL (a province's).
DATABASES = ("sqlite", "postgresql")
_COUNTED = ("record", "recordevent", "card", "movement", "shipment", "auditentry")


def _sqlite_counts(db: Path) -> dict[str, Any]:
    import sqlite3

    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        counts: dict[str, Any] = {
            t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in _COUNTED
        }
    counts["size_mb"] = db.stat().st_size / 1e6
    return counts


def _pg_size_mb(url: str) -> float:
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            size = conn.exec_driver_sql("SELECT pg_database_size(current_database())").scalar()
    finally:
        engine.dispose()
    return int(size or 0) / 1e6


def run(sizes: tuple[int, ...] = SIZES, databases: tuple[str, ...] = DATABASES) -> dict[str, Any]:
    """Seed (or reuse) each size, then time every page on each database.

    ``out[db]["sizes"][n]`` holds the pages' figures, ``out["counts"][n]`` the rows,
    ``out["seed_s"][n]`` the SQLite seeding and ``out["copy_s"][n]`` the copy to
    PostgreSQL in this run (``None`` when the cached one was reused); ``seeded_s`` and
    ``copied_s`` how long they took when the cache was made (``None`` if not recorded)."""
    import dashboard_pg

    import dashboard_seed

    timer = _StatementTimer()
    out: dict[str, Any] = {
        "counts": {},
        "seed_s": {},
        "seeded_s": {},
        "copy_s": {},
        "copied_s": {},
        "pg_mb": {},
    }
    for name in databases:
        out[name] = {"sizes": {}}
    root = dashboard_seed.default_root()  # before measure() points CETAK_HOME elsewhere
    dbs: dict[int, Path] = {}
    for n in sizes:
        t0 = time.monotonic()
        cached = (root / f"{dashboard_seed.cache_key(n)}.db").exists()
        db = dbs[n] = dashboard_seed.seeded_database(n, root=root)
        out["seed_s"][n] = None if cached else time.monotonic() - t0
        if cached:
            out["seeded_s"][n] = dashboard_pg.recalled(db)
        else:
            dashboard_pg.remember(db, out["seed_s"][n])
            out["seeded_s"][n] = out["seed_s"][n]
        out["counts"][n] = _sqlite_counts(db)
    homes = {n: db.parent / f"{db.stem}-home" for n, db in dbs.items()}
    if "sqlite" in databases:
        print(f"dashboard: SQLite, {', '.join(_size(n) for n in sizes)}", flush=True)
        targets = {n: (f"sqlite:///{db}", homes[n]) for n, db in dbs.items()}
        out["sqlite"]["sizes"] = measure(targets, timer)
    if "postgresql" in databases:
        from contextlib import ExitStack

        bindir = dashboard_pg.find_bindir()
        assert bindir is not None
        data = {}
        for n in sizes:
            data[n], out["copy_s"][n] = dashboard_pg.pg_cluster(n, root=root)
            out["copied_s"][n] = dashboard_pg.recalled(data[n])
        with ExitStack() as stack:  # one server per size, all running while they take turns
            targets = {}
            for n in sizes:
                server = stack.enter_context(dashboard_pg.Cluster(bindir, data[n]).running())
                targets[n] = (server.url(dashboard_pg.DATABASE), homes[n])
                out["pg_mb"][n] = _pg_size_mb(targets[n][0])
            print(f"dashboard: PostgreSQL, {', '.join(_size(n) for n in sizes)}", flush=True)
            out["postgresql"]["sizes"] = measure(targets, timer)
    return out


_TITLES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


def _size(n: int) -> str:
    """150k, 1M."""
    return f"{n / 1e6:g}M" if n >= 1_000_000 else f"{n / 1000:g}k"


def _seconds(now: float | None, then: float | None) -> str:
    if now is not None:
        return f"{now:.0f} s"
    return "cached" if then is None else f"cached (made in {then:.0f} s)"


def _pages_table(r: dict[str, Any], name: str, small: int, large: int) -> list[str]:
    lines = [
        f"| page ({_TITLES[name]}) | cold @{_size(small)} | warm @{_size(small)} "
        f"| cold @{_size(large)} | warm @{_size(large)} | cold ratio "
        f"| goal (< {GOAL_S:g} s, ≤ {GOAL_RATIO:g}×) |",
        "|---|---|---|---|---|---|---|",
    ]
    for title, _ in PAGES:
        a, b = r[name]["sizes"][small][title], r[name]["sizes"][large][title]
        ratio = b["cold"] / a["cold"] if a["cold"] else float("inf")
        ok = a["cold"] < GOAL_S and ratio <= GOAL_RATIO
        lines.append(
            f"| {title} | {a['cold']:.2f} s | {a['warm']:.2f} s | {b['cold']:.2f} s "
            f"| {b['warm']:.2f} s | {ratio:.2f}× | {'met' if ok else '**not met**'} |"
        )
    lines += ["", f"Slowest statements of each page's cold run at {large:,} ({_TITLES[name]}):", ""]
    for title, _ in PAGES:
        x = r[name]["sizes"][large][title]
        top = "; ".join(f"{t:.2f} s `{k[:60]}…`" for t, k, _ in x["sql"][:2])
        lines.append(f"- {title} (SQL {x['sql_total']:.2f} s of {x['cold']:.2f} s): {top}")
    return [*lines, ""]


def _goals(r: dict[str, Any], name: str, small: int, large: int) -> list[tuple[str, str, bool]]:
    a, b = r[name]["sizes"][small], r[name]["sizes"][large]
    worst = max(a, key=lambda t: a[t]["cold"])
    ratios = {t: b[t]["cold"] / a[t]["cold"] if a[t]["cold"] else float("inf") for t in a}
    steepest = max(ratios, key=lambda t: ratios[t])
    label = _TITLES[name]
    return [
        (
            f"5. dashboard pages < {GOAL_S:g} s cold ({label} {_size(small)})",
            f"slowest {a[worst]['cold']:.2f} s ({worst})",
            all(x["cold"] < GOAL_S for x in a.values()),
        ),
        (
            f"5. ≤ {GOAL_RATIO:g}× between {_size(small)} and {_size(large)} ({label})",
            f"steepest {ratios[steepest]:.2f}× ({steepest}; slowest @{_size(large)} "
            f"{max(x['cold'] for x in b.values()):.2f} s)",
            all(v <= GOAL_RATIO for v in ratios.values()),
        ),
    ]


def report(
    r: dict[str, Any], started: float | None = None
) -> tuple[list[str], list[tuple[str, str, bool]]]:
    """The Markdown section and the goal rows for one ``run()`` result."""
    sizes = sorted(r["counts"])
    small, large = sizes[0], sizes[-1]
    names = [name for name in DATABASES if name in r and r[name]["sizes"]]
    lines = [
        "### Dashboard pages, server-side render time (SQLite and PostgreSQL, `AppTest`, "
        "supervisor)",
        "",
        "| records | events | cards | movements | shipments | SQLite file | seeded in "
        "| PostgreSQL database | copied in |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for n in sizes:
        c = r["counts"][n]
        pg = f"{r['pg_mb'][n]:,.0f} MB" if n in r["pg_mb"] else "-"
        copied = _seconds(r["copy_s"][n], r["copied_s"][n]) if n in r["copy_s"] else "-"
        seeded = _seconds(r["seed_s"][n], r["seeded_s"][n])
        lines.append(
            f"| {n:,} | {c['recordevent']:,} | {c['card']:,} | {c['movement']:,} "
            f"| {c['shipment']:,} | {c['size_mb']:,.0f} MB | {seeded} | {pg} | {copied} |"
        )
    lines += [
        "",
        f"Each page median of {RUNS} runs; cold: Streamlit's cache cleared (the database's "
        "files in the OS page cache), warm: cached. PostgreSQL: a local server with default "
        "settings, loaded from the SQLite seed by `COPY` (`bench/dashboard_pg.py`), "
        "`VACUUM ANALYZE`d.",
        "",
    ]
    goals: list[tuple[str, str, bool]] = []
    for name in names:
        lines += _pages_table(r, name, small, large)
        goals += _goals(r, name, small, large)
    if started is not None:
        load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
        made = [x for x in (*r["seed_s"].values(), *r["copy_s"].values()) if x is not None]
        how = (
            f"{sum(made):.0f} s of it seeding and copying"
            if made
            else "the caches in `var/bench/` reused; from nothing add the times above"
        )
        lines += [
            f"Whole dashboard section: {time.monotonic() - started:.0f} s ({how}). Load "
            f"average at the end (1, 5, 15 min; {os.cpu_count()} cores): {load}.",
            "",
        ]
    recorded = [x for x in (*r["seeded_s"].values(), *r["copied_s"].values()) if x is not None]
    if recorded:
        verdict = (
            "over the section's 6-minute budget, so the cached databases are the default"
            if sum(recorded) > BUDGET_S
            else "within the section's 6-minute budget; the cached databases save it"
        )
        lines += [
            f"From nothing, seeding both sizes and copying them to PostgreSQL took "
            f"{sum(recorded) / 60:.1f} min as recorded when the caches were made: {verdict} "
            "(re-made only when the seeder or the schema changes).",
            "",
        ]
    return lines, goals


def section(work: Path) -> tuple[list[str], list[tuple[str, str, bool]]]:
    """The bench protocol: seed or reuse both sizes (cached under ``var/bench/``, not
    ``work``), time every page on SQLite and PostgreSQL, report."""
    started = time.monotonic()
    return report(run(), started)


def main() -> None:
    started = time.monotonic()
    args = [a for a in sys.argv[1:] if not a.isdigit()]
    sizes = tuple(int(a) for a in sys.argv[1:] if a.isdigit()) or SIZES
    databases = tuple(args) or DATABASES
    lines, goals = report(run(sizes, databases), started)
    print("\n".join(lines))
    for goal, measured, met in goals:
        print(f"{'met' if met else 'NOT MET':>8}  {goal}: {measured}")


if __name__ == "__main__":
    main()
