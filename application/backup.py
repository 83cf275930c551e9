"""Backups of a whole installation, taken while it runs, and their restore.

A backup is one ``.tar.gz`` archive, written under a temporary name and then linked
into place (never half-written, never overwriting another backup)::

    cetak-backup-3310-20261202T163000Z.tar.gz          (or ...-belum-init-...)
    cetak-backup-3310-20261202T163000Z.tar.gz.sha256   (``sha256sum -c`` checks it)

It holds a consistent copy of the database (``cetak.db``, taken with SQLite's online
backup API in one step, so one read snapshot; or ``cetak.pgdump``, ``pg_dump
--format=custom`` of a snapshot exported by the transaction that also counted the
rows), the Cetak-owned folders of ``$CETAK_HOME`` (:data:`HOME_FOLDERS`) and a
``manifest.json`` naming every member with its sha256. Photos live in the database.

Restore verifies everything into a staging folder before it changes anything, refuses a
database whose data is newer than the backup (the *watermark*: the newest activity
timestamp) unless forced, replaces the database atomically, puts the files back, runs
the migrations and the stock reconciliation.

Errors raised here (``BackupError``, ``RestoreRefused`` and their subclasses) hold a code
and fields; ``cetak.messages`` says them in Bahasa Indonesia (to staff on the CLI, in the
nightly flow's state), the CLI adds its hints (``--force``, commands to run) from
``cli.messages``. Nothing here logs personal data.
"""

from __future__ import annotations

import glob
import gzip
import hashlib
import io
import json
import os
import posixpath
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import zlib
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.pool import NullPool

from cetak.errors import CetakError
from cetak.settings import Settings

FORMAT = "cetak-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DB_MEMBER = {"sqlite": "cetak.db", "postgresql": "cetak.pgdump"}

#: Folders of ``$CETAK_HOME`` a backup carries (inbox, backups, logs, prefect: never).
HOME_FOLDERS = ("documents", "receipts", "alerts", "outbox", "archive", "rejected")

#: ``cetak-backup-<kode wilayah without the dot | belum-init>-<UTC stamp>.tar.gz``
NAME_RE = re.compile(
    r"^cetak-backup-(?P<wilayah>[0-9]+|belum-init)-(?P<stamp>[0-9]{8}T[0-9]{6}Z)\.tar\.gz$"
)
STAMP = "%Y%m%dT%H%M%SZ"
SIDECAR = ".sha256"

#: Activity columns whose newest value is the database's watermark. Set-up data (the
#: installation, kecamatan, the default site) is left out: a freshly initialised database
#: has no watermark, so a backup may always be restored into it.
WATERMARK_COLUMNS: tuple[tuple[str, str], ...] = (
    ("record", "updated_at"),
    ("recordevent", "at"),
    ("batch", "accepted_at"),
    ("delivery", "processed_at"),
    ("movement", "at"),
    ("lot", "received_at"),
    ("stockcount", "at"),
    ("destructionreport", "at"),
    ("reorderrequest", "created_at"),
    ("reorderrequest", "closed_at"),
    ("card", "created_at"),
    ("card", "printed_at"),
    ("card_event", "at"),
    ("card", "qc_at"),
    ("card", "received_at"),
    ("printjob", "created_at"),
    ("printjob", "finished_at"),
    ("shipment", "packed_at"),
    ("shipment", "dispatched_at"),
    ("shipment", "received_at"),
    ("collection", "at"),
    ("discrepancy", "opened_at"),
    ("discrepancy", "resolved_at"),
    ("receipt", "created_at"),
    ("auditentry", "at"),
)
COUNTED = {"records": "record", "cards": "card", "ledger_movements": "movement"}

_CHUNK = 1 << 20


class BackupError(CetakError):
    """A backup or restore could not be done (exit code 1); the subclasses say why."""

    code = "backup.failed"


class SqliteNotAFile(BackupError):
    code = "backup.sqlite_not_a_file"

    def __init__(self, database: str | None) -> None:
        super().__init__(database=database)


class UnsupportedDialect(BackupError):
    code = "backup.unsupported_dialect"

    def __init__(self, dialect: str) -> None:
        super().__init__(dialect=dialect)


class PgToolMissing(BackupError):
    """``pg_dump``/``pg_restore`` is on neither /usr/lib/postgresql/*/bin nor PATH."""

    code = "backup.pg_tool_missing"

    def __init__(self, tool: str) -> None:
        super().__init__(tool=tool)


class PgToolFailed(BackupError):
    """``pg_dump``/``pg_restore`` exited non-zero; ``stderr`` is the end of what it said."""

    code = "backup.pg_tool_failed"

    def __init__(self, tool: str, returncode: int, stderr: str) -> None:
        super().__init__(tool=tool, returncode=returncode, stderr=stderr)


class DatabaseMissing(BackupError):
    """The SQLite file to back up does not exist: the installation was never set up."""

    code = "backup.database_missing"

    def __init__(self, path: Path) -> None:
        super().__init__(path=path)


class DatabaseUnreadable(BackupError):
    code = "backup.database_unreadable"

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(path=path, reason=reason)


class PostgresUnreachable(BackupError):
    """The PostgreSQL server to back up refused or could not be reached; ``url`` has no
    password, ``kind`` is the driver's error class."""

    code = "backup.postgresql_unreachable"

    def __init__(self, url: str, kind: str) -> None:
        super().__init__(url=url, kind=kind)


class TargetUnreachable(BackupError):
    """The database a restore would replace could not be reached (any dialect)."""

    code = "backup.target_unreachable"

    def __init__(self, url: str, kind: str) -> None:
        super().__init__(url=url, kind=kind)


class NoFreeName(BackupError):
    code = "backup.no_free_name"

    def __init__(self, directory: Path) -> None:
        super().__init__(directory=directory)


class FolderNotCreated(BackupError):
    code = "backup.folder_not_created"

    def __init__(self, directory: Path, reason: str) -> None:
        super().__init__(directory=directory, reason=reason)


class WriteFailed(BackupError):
    code = "backup.write_failed"

    def __init__(self, directory: Path, reason: str) -> None:
        super().__init__(directory=directory, reason=reason)


class ArchiveUnreadable(BackupError):
    """The disk, not the file: the archive could not be read or copied while staging."""

    code = "backup.archive_unreadable"

    def __init__(self, name: str, reason: str) -> None:
        super().__init__(name=name, reason=reason)


class MigrationFailed(BackupError):
    """The database was restored, but migrating it to the newest schema failed."""

    code = "backup.migration_failed"

    def __init__(self, kind: str, reason: str) -> None:
        super().__init__(kind=kind, reason=reason)


class RestoreRefused(CetakError):
    """A restore refused before anything changed (exit code 2); the subclasses say why."""

    code = "backup.restore_refused"


class NotABackup(RestoreRefused):
    """A file that is damaged or not a Cetak backup; ``reason`` says which check failed
    (a key of the catalogue's list: ``unknown_member``, ``corrupt``...) and ``item`` what
    it was about (a member's name, an error class), when there is one."""

    code = "backup.not_a_backup"

    def __init__(self, name: str, reason: str, item: str | None = None) -> None:
        super().__init__(name=name, reason=reason, item=item)


class SidecarMismatch(RestoreRefused):
    code = "backup.sidecar_mismatch"

    def __init__(self, name: str, sidecar: str) -> None:
        super().__init__(name=name, sidecar=sidecar)


class ChecksumMismatch(RestoreRefused):
    """A member (or the manifest itself) whose sha256 is not the manifest's."""

    code = "backup.checksum_mismatch"

    def __init__(self, name: str, member: str) -> None:
        super().__init__(name=name, member=member)


class NewerFormat(RestoreRefused):
    code = "backup.newer_format"

    def __init__(self, name: str, version: object) -> None:
        super().__init__(name=name, version=version)


class UnknownRevision(RestoreRefused):
    code = "backup.unknown_revision"

    def __init__(self, revision: str) -> None:
        super().__init__(revision=revision)


class ArchiveNotFound(RestoreRefused):
    code = "backup.archive_not_found"

    def __init__(self, path: Path) -> None:
        super().__init__(path=path)


class DialectMismatch(RestoreRefused):
    code = "backup.dialect_mismatch"

    def __init__(self, backup_dialect: str, target_dialect: str) -> None:
        super().__init__(backup_dialect=backup_dialect, target_dialect=target_dialect)


class NewerData(RestoreRefused):
    """The target database holds activity newer than the backup (forced with --force)."""

    code = "backup.newer_data"

    def __init__(self, target_mark: datetime | None, backup_mark: datetime | None) -> None:
        super().__init__(target_mark=target_mark, backup_mark=backup_mark)


class OtherRegency(RestoreRefused):
    """The target database serves another regency and holds data (forced with --force)."""

    code = "backup.other_regency"

    def __init__(self, target_kode: str, backup_kode: str) -> None:
        super().__init__(target_kode=target_kode, backup_kode=backup_kode)


# --- facts about a database ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DatabaseFacts:
    kode_wilayah: str | None
    alembic_revision: str | None
    counts: dict[str, int]
    watermark: datetime | None


def describe(conn: Connection) -> DatabaseFacts:
    """Regency, schema revision, row counts and watermark, read on ``conn`` (one snapshot)."""
    from cetak.models import UTCDateTime

    inspector = sa.inspect(conn)
    tables = set(inspector.get_table_names())

    def scalar(sql: str) -> Any:
        return conn.execute(sa.text(sql)).scalar()

    revision = (
        scalar("SELECT version_num FROM alembic_version") if "alembic_version" in tables else None
    )
    kode = None
    if "installation" in tables:
        kode = scalar("SELECT kode_wilayah FROM installation WHERE id = 1")
    counts = {
        key: int(conn.execute(sa.select(sa.func.count()).select_from(sa.table(t))).scalar() or 0)
        if t in tables
        else 0
        for key, t in COUNTED.items()
    }
    newest: datetime | None = None
    columns: dict[str, set[str]] = {}
    for table, column in WATERMARK_COLUMNS:
        if table not in tables:
            continue
        if table not in columns:
            columns[table] = {c["name"] for c in inspector.get_columns(table)}
        if column not in columns[table]:
            continue
        col = sa.column(column, UTCDateTime())
        value = conn.execute(sa.select(sa.func.max(col)).select_from(sa.table(table))).scalar()
        if value is not None and (newest is None or value > newest):
            newest = value
    return DatabaseFacts(kode, revision, counts, newest)


def database_facts(url: str) -> DatabaseFacts:
    """``describe`` on a database named by URL (its own engine, closed afterwards)."""
    engine = sa.create_engine(url, poolclass=NullPool, hide_parameters=True)
    try:
        with engine.connect() as conn:
            return describe(conn)
    finally:
        engine.dispose()


# --- small helpers -------------------------------------------------------------------------


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.astimezone(UTC).isoformat()


def _parse_iso(value: str | None) -> datetime | None:
    if not value:
        return None
    moment = datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _fsync_dir(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _fsync_file(path: Path) -> None:
    with path.open("rb+") as fh:
        os.fsync(fh.fileno())


def _sqlite_path(url: str) -> Path:
    database = sa.engine.make_url(url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        raise SqliteNotAFile(database)
    return Path(database).expanduser().resolve()


def _dialect(url: str) -> str:
    name = sa.engine.make_url(url).get_backend_name()
    if name not in DB_MEMBER:
        raise UnsupportedDialect(name)
    return name


def _safe_url(url: str) -> str:
    try:
        return sa.engine.make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - a malformed URL is only named, never shown whole
        return "(URL basis data tidak sah)"


def _dispose_cached_engine(settings: Settings) -> None:
    """Close pooled connections of this process to the database (before replacing it)."""
    from cetak.db import _engine_for

    _engine_for(settings.url, settings.sqlite_busy_timeout_ms).dispose()


# --- PostgreSQL tools -----------------------------------------------------------------------


def _tool_version(path: str) -> tuple[int, ...] | None:
    try:
        text = subprocess.run(
            [path, "--version"], capture_output=True, text=True, timeout=30, check=True
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    found = re.search(r"(\d+)(?:\.(\d+))?", text)
    return tuple(int(g) for g in found.groups() if g is not None) if found else None


def find_pg_tool(name: str) -> Path:
    """The newest ``pg_dump``/``pg_restore``: /usr/lib/postgresql/*/bin or PATH."""
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)
    on_path = shutil.which(name)
    if on_path:
        candidates.append(on_path)
    versions = [(v, c) for c in candidates if os.access(c, os.X_OK) and (v := _tool_version(c))]
    if not versions:
        raise PgToolMissing(name)
    best = max(v for v, _ in versions)
    return Path(next(c for v, c in versions if v == best))


def _libpq(url: str) -> tuple[str, dict[str, str]]:
    """A libpq URL (no password) and the environment that carries the password."""
    parsed = sa.engine.make_url(url)
    env = dict(os.environ)
    if parsed.password is not None:
        env["PGPASSWORD"] = str(parsed.password)
    env.setdefault("PGCONNECT_TIMEOUT", "15")
    env["PGAPPNAME"] = "cetak-backup"
    plain = parsed.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _run_pg(args: list[str], env: dict[str, str], what: str) -> None:
    proc = subprocess.run(args, env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        detail = " ".join(proc.stderr.strip().splitlines()[-3:])[:500]
        raise PgToolFailed(what, proc.returncode, detail)


# --- taking a backup ------------------------------------------------------------------------


@dataclass(slots=True)
class BackupResult:
    path: Path
    sha256: str
    size_bytes: int
    created_at: datetime
    dialect: str
    counts: dict[str, int]
    kode_wilayah: str | None = None
    alembic_revision: str | None = None
    watermark: datetime | None = None
    files: int = 0

    def as_dict(self) -> dict[str, Any]:
        """The ``cetak backup --json`` shape."""
        return {
            "path": str(self.path),
            "sha256": self.sha256,
            "size_bytes": self.size_bytes,
            "created_at": _iso(self.created_at),
            "dialect": self.dialect,
            "counts": dict(self.counts),
        }


def backup_name(kode_wilayah: str | None, created_at: datetime) -> str:
    wilayah = kode_wilayah.replace(".", "") if kode_wilayah else "belum-init"
    return f"cetak-backup-{wilayah}-{created_at.astimezone(UTC).strftime(STAMP)}.tar.gz"


def _snapshot_sqlite(settings: Settings, dest: Path) -> DatabaseFacts:
    source = _sqlite_path(settings.url)
    if not source.is_file():
        raise DatabaseMissing(source)
    try:
        src = sqlite3.connect(source, timeout=settings.sqlite_busy_timeout_ms / 1000)
        try:
            src.execute(f"PRAGMA busy_timeout = {int(settings.sqlite_busy_timeout_ms)}")
            dst = sqlite3.connect(dest)
            try:
                src.backup(dst)  # every page in one step: one read snapshot, never restarted
                dst.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
            finally:
                dst.close()
        finally:
            src.close()
    except sqlite3.Error as exc:
        raise DatabaseUnreadable(source, str(exc)) from exc
    return database_facts(f"sqlite:///{dest}")


def _snapshot_postgresql(settings: Settings, dest: Path) -> DatabaseFacts:
    pg_dump = find_pg_tool("pg_dump")
    dsn, env = _libpq(settings.url)
    engine = sa.create_engine(settings.url, poolclass=NullPool, hide_parameters=True)
    try:
        with engine.connect() as raw:
            conn = raw.execution_options(isolation_level="REPEATABLE READ")
            with conn.begin():
                # The snapshot of this transaction is the one pg_dump reads: counts,
                # watermark and dump describe the same moment.
                snapshot = conn.execute(sa.text("SELECT pg_export_snapshot()")).scalar_one()
                facts = describe(conn)
                _run_pg(
                    [
                        str(pg_dump),
                        "--format=custom",
                        "--no-password",
                        "--lock-wait-timeout=120s",
                        f"--snapshot={snapshot}",
                        f"--file={dest}",
                        f"--dbname={dsn}",
                    ],
                    env,
                    "pg_dump",
                )
    except sa.exc.DBAPIError as exc:
        raise PostgresUnreachable(_safe_url(settings.url), type(exc.orig).__name__) from exc
    finally:
        engine.dispose()
    return facts


def _home_files(home: Path, skip: list[Path]) -> Iterator[tuple[str, Path]]:
    """(member name, path) of the regular files of the Cetak-owned folders, sorted."""
    for folder in HOME_FOLDERS:
        root = home / folder
        if not root.is_dir() or root.is_symlink():
            continue
        found = []
        for dirpath, dirnames, filenames in os.walk(root):
            here = Path(dirpath)
            dirnames[:] = [
                d for d in dirnames if not (here / d).is_symlink() and here / d not in skip
            ]
            for name in filenames:
                path = here / name
                if path.is_symlink() or not path.is_file():
                    continue
                if any(path.is_relative_to(s) for s in skip):
                    continue
                found.append((path.relative_to(home).as_posix(), path))
        yield from sorted(found)


def _add_member(tar: tarfile.TarFile, name: str, source: Path, mtime: float) -> dict[str, Any]:
    """Copy ``source`` into the archive, hashing the very bytes written.

    The file is first read into a spool, so a file being rewritten meanwhile can never make
    the archive's member and its checksum disagree.
    """
    digest = hashlib.sha256()
    with tempfile.SpooledTemporaryFile(max_size=16 << 20) as spool:
        with source.open("rb") as fh:
            while chunk := fh.read(_CHUNK):
                digest.update(chunk)
                spool.write(chunk)
        size = spool.tell()
        spool.seek(0)
        info = tarfile.TarInfo(name)
        info.size, info.mtime, info.mode = size, int(mtime), 0o644
        tar.addfile(info, spool)
    return {"sha256": digest.hexdigest(), "size": size}


def _link_no_clobber(tmp: Path, directory: Path, kode: str | None, created: datetime) -> Path:
    """Give the finished archive its name; a name already taken moves on by a second."""
    moment = created
    for _ in range(120):
        final = directory / backup_name(kode, moment)
        try:
            os.link(tmp, final)
        except FileExistsError:
            moment += timedelta(seconds=1)
            continue
        except OSError:  # no hard links here: rename, after checking the name is free
            if final.exists():
                moment += timedelta(seconds=1)
                continue
            os.replace(tmp, final)
            return final
        tmp.unlink()
        return final
    raise NoFreeName(directory)


def create_backup(settings: Settings, *, to: Path | None = None) -> BackupResult:
    """Take a consistent backup of the installation while it runs; the archive written."""
    dialect = _dialect(settings.url)
    directory = (to or settings.backups_dir).expanduser().resolve()
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise FolderNotCreated(directory, str(exc)) from exc
    home = settings.resolved_home
    created = datetime.now(UTC).replace(microsecond=0)
    staging = Path(tempfile.mkdtemp(prefix=".cetak-backup-", dir=directory))
    tmp_archive = directory / f".{staging.name}.tar.gz.part"
    try:
        db_copy = staging / DB_MEMBER[dialect]
        if dialect == "sqlite":
            facts = _snapshot_sqlite(settings, db_copy)
        else:
            facts = _snapshot_postgresql(settings, db_copy)
        members: dict[str, dict[str, Any]] = {}
        with tarfile.open(tmp_archive, "w:gz", compresslevel=6) as tar:
            members[db_copy.name] = _add_member(tar, db_copy.name, db_copy, created.timestamp())
            db_copy.unlink()
            for name, path in _home_files(home, [directory, staging]):
                try:
                    mtime = path.stat().st_mtime
                    members[name] = _add_member(tar, name, path, mtime)
                except FileNotFoundError:  # removed while we walked: not part of this backup
                    continue
            manifest = {
                "format": FORMAT,
                "format_version": FORMAT_VERSION,
                "created_at": _iso(created),
                "cetak_version": _cetak_version(),
                "dialect": dialect,
                "alembic_revision": facts.alembic_revision,
                "kode_wilayah": facts.kode_wilayah,
                "watermark": _iso(facts.watermark),
                "counts": facts.counts,
                "database": db_copy.name,
                "members": members,
            }
            manifest["manifest_sha256"] = _manifest_digest(manifest)
            data = json.dumps(manifest, ensure_ascii=False, indent=2).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mtime, info.mode = len(data), int(created.timestamp()), 0o644
            tar.addfile(info, io.BytesIO(data))
        _fsync_file(tmp_archive)
        checksum = sha256_file(tmp_archive)
        size = tmp_archive.stat().st_size
        final = _link_no_clobber(tmp_archive, directory, facts.kode_wilayah, created)
        sidecar_tmp = directory / f".{final.name}{SIDECAR}.part"
        sidecar_tmp.write_text(f"{checksum}  {final.name}\n", encoding="ascii")
        os.replace(sidecar_tmp, directory / f"{final.name}{SIDECAR}")
        _fsync_dir(directory)
    except OSError as exc:
        raise WriteFailed(directory, str(exc)) from exc
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        tmp_archive.unlink(missing_ok=True)
    return BackupResult(
        path=final,
        sha256=checksum,
        size_bytes=size,
        created_at=created,
        dialect=dialect,
        counts=facts.counts,
        kode_wilayah=facts.kode_wilayah,
        alembic_revision=facts.alembic_revision,
        watermark=facts.watermark,
        files=len(members) - 1,
    )


def _manifest_digest(manifest: dict[str, Any]) -> str:
    """sha256 of the manifest's content (all but this digest), in a canonical form."""
    content = {k: v for k, v in manifest.items() if k != "manifest_sha256"}
    canonical = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def _cetak_version() -> str:
    from cetak import __version__

    return __version__


# --- pruning --------------------------------------------------------------------------------


def list_backups(directory: Path) -> list[Path]:
    """Our archives in ``directory``, newest first (by the time in their name)."""
    if not directory.is_dir():
        return []
    found = []
    for path in directory.iterdir():
        match = NAME_RE.match(path.name)
        if match and path.is_file() and not path.is_symlink():
            found.append((match["stamp"], path.name, path))
    return [p for _, _, p in sorted(found, reverse=True)]


def prune_backups(directory: Path, keep: int) -> list[Path]:
    """Keep the newest ``keep`` archives (and their ``.sha256``); the archives removed.

    Only files named like our archives, and their sidecars, are ever removed.
    """
    if keep < 1:
        raise ValueError(f"jumlah cadangan yang disimpan harus paling sedikit 1, bukan {keep}")
    removed = []
    for path in list_backups(directory)[keep:]:
        path.unlink(missing_ok=True)
        path.with_name(path.name + SIDECAR).unlink(missing_ok=True)
        removed.append(path)
    return removed


# --- restore --------------------------------------------------------------------------------


@dataclass(slots=True)
class RestoreResult:
    path: Path
    created_at: str | None
    dialect: str
    kode_wilayah: str | None
    alembic_revision: str | None
    counts: dict[str, int]
    files: int
    forced: bool
    reconciled: bool
    mismatches: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """The ``cetak restore --json`` shape."""
        return {
            "path": str(self.path),
            "created_at": self.created_at,
            "dialect": self.dialect,
            "kode_wilayah": self.kode_wilayah,
            "alembic_revision": self.alembic_revision,
            "counts": dict(self.counts),
            "files_restored": self.files,
            "forced": self.forced,
            "reconciliation": {"checked": self.reconciled, "mismatches": list(self.mismatches)},
        }


def _check_sidecar(path: Path) -> bool:
    sidecar = path.with_name(path.name + SIDECAR)
    if not sidecar.is_file():
        return False
    try:
        expected = sidecar.read_text(encoding="ascii").split()[0].lower()
    except (OSError, UnicodeDecodeError, IndexError) as exc:
        raise NotABackup(path.name, "sidecar_unreadable", sidecar.name) from exc
    if sha256_file(path) != expected:
        raise SidecarMismatch(path.name, sidecar.name)
    return True


def _member_name(member: tarfile.TarInfo) -> str | None:
    """The normalised name of a member we accept, or None for one we refuse."""
    name = member.name
    if name.startswith("/") or "\\" in name:
        return None
    norm = posixpath.normpath(name)
    if norm in (".", "") or norm.startswith("../") or ".." in norm.split("/"):
        return None
    if norm in (MANIFEST, *DB_MEMBER.values()):
        return norm
    top = norm.split("/", 1)[0]
    return norm if top in HOME_FOLDERS and "/" in norm else None


def _extract_verified(path: Path, staging: Path) -> dict[str, Any]:
    """Stage every member, checking it against the manifest; the manifest."""
    manifest: dict[str, Any] | None = None
    staged: dict[str, str] = {}
    try:
        with tarfile.open(path, "r:gz") as tar:
            for member in tar:
                if member.isdir():
                    continue
                name = _member_name(member)
                if name is None or not member.isfile():
                    raise NotABackup(path.name, "unknown_member", member.name)
                if name in staged or (name == MANIFEST and manifest is not None):
                    raise NotABackup(path.name, "duplicate_member", name)
                source = tar.extractfile(member)
                assert source is not None
                if name == MANIFEST:
                    manifest = json.loads(source.read().decode("utf-8"))
                    continue
                target = staging / name
                target.parent.mkdir(parents=True, exist_ok=True)
                digest = hashlib.sha256()
                with target.open("wb") as out:
                    while chunk := source.read(_CHUNK):
                        digest.update(chunk)
                        out.write(chunk)
                staged[name] = digest.hexdigest()
    except RestoreRefused:
        raise
    except (
        tarfile.TarError,
        EOFError,
        zlib.error,
        gzip.BadGzipFile,
        UnicodeDecodeError,
        ValueError,
    ) as exc:
        raise NotABackup(path.name, "corrupt", type(exc).__name__) from exc
    except OSError as exc:  # the disk, not the file: say so, and change nothing
        raise ArchiveUnreadable(path.name, str(exc)) from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise NotABackup(path.name, "no_manifest")
    version = manifest.get("format_version")
    if isinstance(version, int) and version <= FORMAT_VERSION:
        if manifest.get("manifest_sha256") != _manifest_digest(manifest):
            raise ChecksumMismatch(path.name, MANIFEST)
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise NewerFormat(path.name, version)
    members = manifest.get("members")
    dialect = manifest.get("dialect")
    if not isinstance(members, dict) or dialect not in DB_MEMBER:
        raise NotABackup(path.name, "incomplete_manifest")
    if DB_MEMBER[dialect] not in members:
        raise NotABackup(path.name, "no_database")
    if set(members) != set(staged):
        raise NotABackup(path.name, "members_differ")
    for name, expected in members.items():
        if not isinstance(expected, dict) or staged[name] != expected.get("sha256"):
            raise ChecksumMismatch(path.name, name)
    return manifest


def _target_facts(settings: Settings, dialect: str) -> DatabaseFacts | None:
    """Facts of the database a restore would replace; None when there is none yet."""
    if dialect == "sqlite":
        path = _sqlite_path(settings.url)
        if not path.is_file() or path.stat().st_size == 0:
            return None
    try:
        return database_facts(settings.url)
    except sa.exc.DBAPIError as exc:
        raise TargetUnreachable(_safe_url(settings.url), type(exc.orig).__name__) from exc


def _check_revision_known(revision: str | None) -> None:
    if revision is None:
        return
    from alembic.script import ScriptDirectory
    from alembic.util.exc import CommandError

    from cetak.db import alembic_config

    script = ScriptDirectory.from_config(alembic_config(None))  # type: ignore[arg-type]
    try:
        known = script.get_revision(revision) is not None
    except CommandError:
        known = False
    if not known:
        raise UnknownRevision(revision)


def _restore_sqlite(settings: Settings, staged: Path) -> None:
    target = _sqlite_path(settings.url)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.restore-{os.getpid()}")
    try:
        shutil.copyfile(staged, tmp)
        _fsync_file(tmp)
        _dispose_cached_engine(settings)
        # A stale WAL or journal must never be replayed onto the restored file.
        for suffix in ("-wal", "-shm", "-journal"):
            target.with_name(target.name + suffix).unlink(missing_ok=True)
        os.replace(tmp, target)
        _fsync_dir(target.parent)
    finally:
        tmp.unlink(missing_ok=True)
    _dispose_cached_engine(settings)


def _restore_postgresql(settings: Settings, staged: Path) -> None:
    pg_restore = find_pg_tool("pg_restore")
    dsn, env = _libpq(settings.url)
    # A session still holding a table (a dashboard, a worker) makes the restore fail after
    # a minute, in one transaction that leaves the database as it was, instead of hanging.
    env["PGOPTIONS"] = (env.get("PGOPTIONS", "") + " -c lock_timeout=60s").strip()
    _dispose_cached_engine(settings)
    _run_pg(
        [
            str(pg_restore),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "--exit-on-error",
            "--no-password",
            f"--dbname={dsn}",
            str(staged),
        ],
        env,
        "pg_restore",
    )
    _dispose_cached_engine(settings)


def _put_files_back(staging: Path, home: Path) -> int:
    """Move the staged folders' files into ``$CETAK_HOME`` (same names replaced)."""
    n = 0
    for folder in HOME_FOLDERS:
        root = staging / folder
        if not root.is_dir():
            continue
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            dest = home / path.relative_to(staging)
            dest.parent.mkdir(parents=True, exist_ok=True)
            os.replace(path, dest)
            n += 1
    return n


def restore_backup(
    settings: Settings, archive: Path, *, force: bool = False, today: date | None = None
) -> RestoreResult:
    """Restore ``archive`` into the configured database and ``$CETAK_HOME``.

    Everything is verified before anything changes; a refusal raises ``RestoreRefused``.
    """
    archive = archive.expanduser().resolve()
    if not archive.is_file():
        raise ArchiveNotFound(archive)
    target_dialect = _dialect(settings.url)
    _check_sidecar(archive)
    home = settings.resolved_home
    home.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".cetak-restore-", dir=home))
    try:
        manifest = _extract_verified(archive, staging)
        dialect = manifest["dialect"]
        if dialect != target_dialect:
            raise DialectMismatch(dialect, target_dialect)
        _check_revision_known(manifest.get("alembic_revision"))
        target = _target_facts(settings, dialect)
        backup_mark = _parse_iso(manifest.get("watermark"))
        if target is not None and target.watermark is not None and not force:
            if backup_mark is None or target.watermark > backup_mark:
                raise NewerData(target.watermark, backup_mark)
            kode = manifest.get("kode_wilayah")
            if target.kode_wilayah and kode and target.kode_wilayah != kode:
                raise OtherRegency(target.kode_wilayah, kode)
        staged_db = staging / manifest["database"]
        if dialect == "sqlite":
            _restore_sqlite(settings, staged_db)
        else:
            _restore_postgresql(settings, staged_db)
        staged_db.unlink(missing_ok=True)
        files = _put_files_back(staging, home)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return _after_restore(settings, archive, manifest, files=files, forced=force, today=today)


def _after_restore(
    settings: Settings,
    archive: Path,
    manifest: dict[str, Any],
    *,
    files: int,
    forced: bool,
    today: date | None,
) -> RestoreResult:
    """Migrations to the newest schema, then the stock reconciliation."""
    from cetak.db import engine_from_settings, migrate, write_session
    from cetak.installation import NotInitialised, load_installation
    from inventory.reconcile import reconcile

    settings.ensure_dirs()
    engine = engine_from_settings(settings)
    try:
        migrate(engine)
    except Exception as exc:
        raise MigrationFailed(type(exc).__name__, str(exc)) from exc
    reconciled = False
    mismatches: list[dict[str, Any]] = []
    try:
        served = load_installation(engine)
    except NotInitialised:
        served = None
    if served is not None:
        with write_session(engine) as session:
            found = reconcile(session, today=today or served.today())
        reconciled = True
        mismatches = [asdict(m) for m in found]
    facts = database_facts(settings.url)
    return RestoreResult(
        path=archive,
        created_at=manifest.get("created_at"),
        dialect=manifest["dialect"],
        kode_wilayah=facts.kode_wilayah,
        alembic_revision=facts.alembic_revision,
        counts=facts.counts,
        files=files,
        forced=forced,
        reconciled=reconciled,
        mismatches=mismatches,
    )
