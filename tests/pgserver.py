"""A real, throwaway PostgreSQL server for the test suite.

Started once per test session with the Debian binaries (``initdb``/``pg_ctl``);
as root it runs as the ``postgres`` system user, since PostgreSQL refuses root.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def find_bindir() -> Path | None:
    for candidate in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if (Path(candidate) / "initdb").exists():
            return Path(candidate)
    initdb = shutil.which("initdb")
    return Path(initdb).resolve().parent if initdb else None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PgServer:
    def __init__(self, bindir: Path, *, durable: bool = False) -> None:
        self.bindir = bindir
        self.durable = durable
        self.root = Path(tempfile.mkdtemp(prefix="cetak-pg-"))
        self.data = self.root / "data"
        self.port = free_port()
        self.user = "cetak"
        self._runas: list[str] = []
        if os.geteuid() == 0:
            pw = pwd.getpwnam("postgres")
            os.chown(self.root, pw.pw_uid, pw.pw_gid)
            self._runas = ["runuser", "-u", "postgres", "--"]

    def _run(self, *args: str) -> None:
        subprocess.run([*self._runas, *args], check=True, capture_output=True, cwd=self.root)

    def init(self) -> None:
        """A new cluster in ``self.data`` (``initdb``)."""
        self._run(
            str(self.bindir / "initdb"),
            "-D",
            str(self.data),
            "-U",
            self.user,
            "-A",
            "trust",
            "--no-sync",
            "-E",
            "UTF8",
            "--locale",
            "C.UTF-8",
        )

    def start(self) -> None:
        self.init()
        opts = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c max_connections=100"
        if not self.durable:  # tests: speed over crash safety of a throwaway cluster
            opts += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
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
            self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://{self.user}@127.0.0.1:{self.port}/{database}"


@contextmanager
def with_databases(*databases: str) -> Iterator[PgServer | None]:
    """A durable local server (for benchmarks) holding these new databases, stopped
    afterwards; ``None`` when PostgreSQL is not installed."""
    bindir = find_bindir()
    if bindir is None:
        yield None
        return
    import sqlalchemy as sa

    server = PgServer(bindir, durable=True)
    server.start()
    try:
        admin = sa.create_engine(server.url(), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            for name in databases:
                conn.exec_driver_sql(f"CREATE DATABASE {name}")
        admin.dispose()
        yield server
    finally:
        server.stop()
