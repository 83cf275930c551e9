"""The dashboard bench's databases on PostgreSQL: the cached SQLite seed, copied.

``pg_cluster(n)`` returns a stopped PostgreSQL cluster (a data directory under
``var/bench/``) holding the same rows as ``dashboard_seed.seeded_database(n)``: the schema
comes from the migrations, the rows from the SQLite file through psycopg's ``COPY`` (foreign
keys off while loading, secondary indexes dropped and rebuilt after, sequences set past the
largest id, then ``VACUUM ANALYZE``). The directory is named by the SQLite seed's cache key, so
it is reused as long as that file is, and re-made when the seed or the schema changes.
``Cluster(...).running()`` starts it on a free port and stops it cleanly afterwards (a fast
shutdown: the cached directory stays consistent).

    python bench/dashboard_pg.py 150000       # copy (or reuse) and print the directory
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import psycopg

HERE = Path(__file__).resolve().parent
for _path in (str(HERE.parent), str(HERE), str(HERE.parent / "tests")):
    if _path not in sys.path:
        sys.path.append(_path)

from pgserver import PgServer, find_bindir  # noqa: E402

DATABASE = "cetak"
FETCH = 20_000
Progress = Callable[[str], None]


def _say(text: str) -> None:
    print(text, flush=True)


class Cluster(PgServer):
    """A PostgreSQL cluster in a kept data directory (``tests/pgserver.PgServer`` for the
    rest: binaries, port, running as ``postgres`` when root). Settings are PostgreSQL's
    defaults but for durability (``fsync`` off: a bench copy, re-made if lost)."""

    def __init__(self, bindir: Path, data: Path) -> None:
        super().__init__(bindir)
        self.data = data = data.resolve()
        if not data.exists():  # initdb fills an empty directory the server's user owns
            data.mkdir(parents=True, mode=0o700)
            if self._runas:
                import os
                import pwd

                pw = pwd.getpwnam("postgres")
                os.chown(data, pw.pw_uid, pw.pw_gid)

    def start(self, *, loading: bool = False) -> None:
        opts = (
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c max_connections=100"
            " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        if loading:  # COPY into a table emptied in the same transaction skips the WAL
            opts += " -c wal_level=minimal -c max_wal_senders=0"
        if (self.data / "postmaster.pid").exists():  # left running by an interrupted bench
            subprocess.run(
                [*self._runas, str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "fast"]
                + ["-w", "stop"],
                capture_output=True,
                cwd=self.root,
            )
        self._run(
            str(self.bindir / "pg_ctl"),
            "-D",
            str(self.data),
            "-o",
            opts,
            "-l",
            str(self.root / "log"),
            "-w",
            "start",
        )

    def stop(self) -> None:
        try:
            self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    @contextmanager
    def running(self, *, loading: bool = False) -> Iterator[Cluster]:
        self.start(loading=loading)
        try:
            yield self
        finally:
            self.stop()


def cluster_path(n: int, root: Path) -> Path:
    import dashboard_seed

    return root / f"{dashboard_seed.cache_key(n)}.pg"


def pg_cluster(
    n: int, *, root: Path | None = None, progress: Progress = _say
) -> tuple[Path, float | None]:
    """The cached cluster of ``n`` records (copied from the SQLite seed first when missing)
    and how long the copy took (``None`` when reused)."""
    import dashboard_seed

    bindir = find_bindir()
    if bindir is None:
        raise RuntimeError("PostgreSQL binaries not found (apt-get install postgresql)")
    root = root or dashboard_seed.default_root()
    path = cluster_path(n, root)
    if path.exists():
        progress(f"dashboard pg: reusing {path}")
        return path, None
    sqlite_path = dashboard_seed.seeded_database(n, root=root, progress=progress)
    for stale in root.glob(f"dashboard-{n}-*.pg*"):
        if stale.is_dir():
            shutil.rmtree(stale, ignore_errors=True)
        else:
            stale.unlink()
    partial = path.with_suffix(".pg-partial")
    t0 = time.monotonic()
    cluster = Cluster(bindir, partial)
    cluster.init()
    with cluster.running(loading=True):
        copy_database(sqlite_path, cluster, progress)
    partial.rename(path)
    took = time.monotonic() - t0
    remember(path, took)
    progress(f"dashboard pg: {n:,} records copied to PostgreSQL in {took:.0f} s")
    return path, took


def remember(path: Path, seconds: float) -> None:
    """Keep how long making the cached ``path`` took, beside it (for the report)."""
    import json

    Path(f"{path}.json").write_text(json.dumps({"seconds": round(seconds, 1)}))


def recalled(path: Path) -> float | None:
    """How long making the cached ``path`` took, when it was recorded."""
    import json

    try:
        return float(json.loads(Path(f"{path}.json").read_text())["seconds"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def copy_database(sqlite_path: Path, cluster: Cluster, progress: Progress = _say) -> None:
    """Migrate an empty database, then copy every table of ``sqlite_path`` into it."""
    import psycopg
    import sqlalchemy as sa
    from psycopg import sql

    from cetak.db import make_engine, migrate

    admin = sa.create_engine(cluster.url(), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f"CREATE DATABASE {DATABASE}")
    admin.dispose()
    engine = make_engine(cluster.url(DATABASE))
    migrate(engine)
    engine.dispose()
    dsn = cluster.url(DATABASE).replace("postgresql+psycopg://", "postgresql://")
    lite = sqlite3.connect(f"file:{sqlite_path}?mode=ro", uri=True)
    tables = [
        name
        for (name,) in lite.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "AND name != 'alembic_version' ORDER BY name"
        )
    ]
    with psycopg.connect(dsn) as pg:
        pg.execute("SET session_replication_role = replica")  # no FK triggers while loading
        pg.execute("SET maintenance_work_mem = '512MB'")
        present = {
            r[0] for r in pg.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        }
        tables = [t for t in tables if t in present]
        # Emptied together (rows the migrations wrote are in the SQLite file too), in this
        # transaction: COPY ... FREEZE then writes the rows frozen, with no WAL to spare.
        pg.execute(
            sql.SQL("TRUNCATE {}").format(sql.SQL(", ").join(sql.Identifier(t) for t in tables))
        )
        for table in tables:
            t0 = time.monotonic()
            rows, indexed = _copy_table(lite, pg, table)
            if rows:
                progress(
                    f"  {table:<18} {rows:>10,} rows  {time.monotonic() - t0:6.1f} s "
                    f"(indexes {indexed:.1f} s)"
                )
        pg.commit()
    t0 = time.monotonic()
    with psycopg.connect(dsn, autocommit=True) as pg:
        pg.execute("VACUUM (ANALYZE)")
        for table in tables:  # every row arrived
            query = sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table))
            want = lite.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
            got = pg.execute(query).fetchone()[0]  # type: ignore[index]
            if got != want:
                raise RuntimeError(f"{table}: {got} rows on PostgreSQL, {want} in {sqlite_path}")
    lite.close()
    progress(f"  vacuum analyze, counts {time.monotonic() - t0:6.1f} s")


def _copy_table(
    lite: sqlite3.Connection, conn: psycopg.Connection, table: str
) -> tuple[int, float]:
    """Drop the secondary indexes, COPY, rebuild them, move the id sequence."""
    from psycopg import sql

    pg_columns = [
        r[0]
        for r in conn.execute(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_schema = 'public' AND table_name = %s",
            (table,),
        )
    ]
    lite_columns = [r[1] for r in lite.execute(f'PRAGMA table_info("{table}")')]
    columns = [c for c in lite_columns if c in pg_columns]
    indexes = conn.execute(
        "SELECT i.indexname, i.indexdef FROM pg_indexes i "
        "JOIN pg_class c ON c.relname = i.indexname "
        "JOIN pg_index x ON x.indexrelid = c.oid "
        "WHERE i.schemaname = 'public' AND i.tablename = %s "
        "AND NOT x.indisprimary AND NOT x.indisunique",
        (table,),
    ).fetchall()
    for name, _ in indexes:
        conn.execute(sql.SQL("DROP INDEX {}").format(sql.Identifier(name)))
    copy_sql = sql.SQL("COPY {} ({}) FROM STDIN WITH (FREEZE)").format(
        sql.Identifier(table), sql.SQL(", ").join(sql.Identifier(c) for c in columns)
    )
    select = f'SELECT {", ".join(f"{chr(34)}{c}{chr(34)}" for c in columns)} FROM "{table}"'
    count = 0
    cursor = lite.execute(select)
    with conn.cursor() as cur, cur.copy(copy_sql) as copy:
        while chunk := cursor.fetchmany(FETCH):
            for row in chunk:
                copy.write_row(row)
            count += len(chunk)
    t0 = time.monotonic()
    for _, definition in indexes:
        conn.execute(definition)
    indexed = time.monotonic() - t0
    serial = conn.execute(
        "SELECT a.attname, pg_get_serial_sequence(%s, a.attname) FROM pg_attribute a "
        "WHERE a.attrelid = %s::regclass AND a.attnum > 0 AND NOT a.attisdropped",
        (table, table),
    ).fetchall()
    for column, sequence in serial:
        if sequence:
            conn.execute(
                sql.SQL(
                    "SELECT setval(%s, coalesce((SELECT max({}) FROM {}), 0) + 1, false)"
                ).format(sql.Identifier(column), sql.Identifier(table)),
                (sequence,),
            )
    return count, indexed


def main() -> None:
    for n in (int(a) for a in sys.argv[1:]):
        path, _ = pg_cluster(n)
        print(path)


if __name__ == "__main__":
    main()
