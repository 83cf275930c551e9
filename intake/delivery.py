"""Reading one delivery from central: a batch folder or a ``.zip`` of it.

Nothing is ever extracted or written: files are read in place (folder) or from
the archive (zip). A path inside the batch is resolved by ``safe_relpath``;
anything that would lead outside the batch folder is never read.

``expand_paths`` decides what a path given to the intake is: a delivery, an inbox
holding deliveries, or something the intake refuses and never touches. ``claim_delivery``
and ``claim_batch`` serialise the ingest of one delivery across processes.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import posixpath
import socket
import stat
import zipfile
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Protocol

from intake.errors import BatchRejected, DeliveryRefused, NotABatch, NotADelivery, RejectCode

#: Photos and manifests above this size are not plausible and are not read.
MAX_MEMBER_BYTES = 16 * 1024 * 1024


def safe_relpath(rel: str) -> str | None:
    """A normalized relative POSIX path inside the batch, or None if it leads outside.

    Backslashes (batches assembled on Windows) are taken as separators.
    Absolute paths, drive letters and paths climbing above the folder are refused.
    """
    if not rel or "\x00" in rel:
        return None
    rel = rel.replace("\\", "/")
    if rel.startswith("/") or (len(rel) > 1 and rel[1] == ":"):
        return None
    norm = posixpath.normpath(rel)
    if norm in (".", "") or norm == ".." or norm.startswith("../") or norm.startswith("/"):
        return None
    return norm


def _escapes(name: str) -> bool:
    """True for a zip entry whose path would land outside the batch folder."""
    name = name.replace("\\", "/")
    if name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        return True
    norm = posixpath.normpath(name) if name else "."
    return norm == ".." or norm.startswith("../")


class Delivery(Protocol):
    name: str
    path: Path

    def open(self, rel: str) -> IO[bytes] | None:
        """A binary stream of a regular file inside the batch, or None."""

    def read(self, rel: str, limit: int = MAX_MEMBER_BYTES) -> bytes | None:
        """The bytes of a regular file inside the batch (at most ``limit``), or None."""

    def close(self) -> None: ...


class FolderDelivery:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.name = path.name
        self._root = os.path.realpath(path)
        self._dirs: dict[str, bool] = {}

    def _inside(self, full: str) -> bool:
        return os.path.commonpath([self._root, os.path.realpath(full)]) == self._root

    def _dir_inside(self, rel_dir: str) -> bool:
        """Whether a folder of the batch really lies inside it (checked once per folder)."""
        if rel_dir not in self._dirs:
            self._dirs[rel_dir] = self._inside(os.path.join(self._root, rel_dir))
        return self._dirs[rel_dir]

    def _resolve(self, rel: str) -> str | None:
        """The real path of a regular file inside the batch, or None.

        A batch has a photo per record, so the cost per file is one ``lstat``:
        the folder is checked once, and only a link is followed, to a regular
        file that stays inside the batch folder.
        """
        norm = safe_relpath(rel)
        if norm is None:
            return None
        rel_dir, _, _ = norm.rpartition("/")
        if rel_dir and not self._dir_inside(rel_dir):
            return None
        full = os.path.join(self._root, norm)
        try:
            mode = os.lstat(full).st_mode
            if stat.S_ISLNK(mode):
                if not self._inside(full):
                    return None
                mode = os.stat(full).st_mode
        except OSError:
            return None
        return full if stat.S_ISREG(mode) else None

    def open(self, rel: str) -> IO[bytes] | None:
        full = self._resolve(rel)
        if full is None:
            return None
        try:
            return open(full, "rb")  # noqa: SIM115 - the caller closes it
        except OSError:
            return None

    def read(self, rel: str, limit: int = MAX_MEMBER_BYTES) -> bytes | None:
        f = self.open(rel)
        if f is None:
            return None
        with f:
            try:
                data = f.read(limit + 1)
            except OSError:
                return None
        return data if len(data) <= limit else None

    def close(self) -> None:
        pass


class ZipDelivery:
    """A zipped batch: the folder itself at the top level, or just its contents."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.name = path.name[:-4] if path.name.lower().endswith(".zip") else path.name
        try:
            self._zip = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError) as exc:
            raise BatchRejected(
                RejectCode.ZIP_CORRUPT, f"Berkas zip rusak atau tidak dapat dibuka ({exc})"
            ) from exc
        self._members: dict[str, zipfile.ZipInfo] = {}
        infos = self._zip.infolist()
        for info in infos:
            if _escapes(info.filename):
                self._zip.close()
                raise BatchRejected(
                    RejectCode.ZIP_UNSAFE_PATH,
                    "Zip berisi berkas dengan jalur di luar folder batch "
                    f"('{info.filename[:80]}'); batch ditolak tanpa membuka isinya",
                )
        names = {safe_relpath(i.filename) for i in infos if not i.is_dir()}
        prefix = ""
        if "manifest.json" not in names:
            # Archive tools add their own folders beside the batch (macOS: __MACOSX).
            tops = {n.split("/", 1)[0] for n in names if n} - {"__MACOSX"}
            if len(tops) == 1:
                top = next(iter(tops))
                if f"{top}/manifest.json" in names:
                    prefix = top + "/"
        for info in infos:
            norm = safe_relpath(info.filename)
            if info.is_dir() or norm is None or not norm.startswith(prefix):
                continue
            mode = info.external_attr >> 16
            if mode and stat.S_ISLNK(mode):
                continue  # a link inside a zip is never followed
            self._members[norm[len(prefix) :]] = info

    def open(self, rel: str) -> IO[bytes] | None:
        norm = safe_relpath(rel)
        info = self._members.get(norm) if norm else None
        if info is None:
            return None
        try:
            return self._zip.open(info)
        except (zipfile.BadZipFile, OSError, NotImplementedError, RuntimeError):
            return None

    def read(self, rel: str, limit: int = MAX_MEMBER_BYTES) -> bytes | None:
        f = self.open(rel)
        if f is None:
            return None
        try:
            with f:
                data = f.read(limit + 1)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError):
            return None  # truncated member or failed CRC
        return data if len(data) <= limit else None

    def close(self) -> None:
        self._zip.close()


def open_delivery(path: Path) -> Delivery:
    if path.is_dir():
        return FolderDelivery(path)
    if path.is_file() and path.suffix.lower() == ".zip":
        return ZipDelivery(path)
    raise BatchRejected(
        RejectCode.NOT_A_BATCH, f"'{path.name}' bukan folder batch maupun berkas .zip"
    )


def is_batch_folder(path: Path) -> bool:
    return (path / "manifest.json").exists() or (path / "records.csv").exists()


# --- what is a delivery, and what may be taken ----------------------------------------

#: The files that make a folder or a zip a delivery (a batch missing one is rejected).
_BATCH_FILES = frozenset({"manifest.json", "records.csv"})
#: Hidden folder of the inbox holding the claims of deliveries being ingested.
CLAIM_DIR = ".klaim"


def _zip_holds_batch(path: Path) -> bool:
    """A zip holding a batch (at the top or in one folder), or one that cannot be read.

    A damaged zip is still a delivery: central is told it was rejected (ZIP_CORRUPT).
    """
    try:
        with zipfile.ZipFile(path) as zf:
            names = zf.namelist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return True
    for name in names:
        parts = name.replace("\\", "/").strip("/").split("/")
        if len(parts) <= 2 and parts[-1] in _BATCH_FILES:
            return True
    return False


def delivery_kind(path: Path) -> str | None:
    """``"folder"`` or ``"zip"`` for a delivery, else None. A link is never a delivery."""
    try:
        mode = os.lstat(path).st_mode
    except OSError:
        return None
    if stat.S_ISDIR(mode):
        return "folder" if is_batch_folder(path) else None
    if stat.S_ISREG(mode) and path.name.lower().endswith(".zip"):
        return "zip" if _zip_holds_batch(path) else None
    return None


def why_not_a_delivery(path: Path) -> str:
    """Why ``path`` is not a delivery, in Bahasa (for the operator)."""
    try:
        mode = os.lstat(path).st_mode
    except OSError:
        return "tidak dapat dibaca"
    if stat.S_ISLNK(mode):
        return "tautan (symlink) tidak diproses; salin folder atau .zip batch-nya sendiri ke sini"
    if stat.S_ISDIR(mode):
        return "folder tanpa manifest.json maupun records.csv"
    if stat.S_ISREG(mode) and path.name.lower().endswith(".zip"):
        return "berkas .zip tanpa manifest.json maupun records.csv"
    if stat.S_ISREG(mode):
        return "berkas biasa, bukan folder atau .zip batch"
    return "bukan berkas biasa maupun folder"


@dataclass(frozen=True, slots=True)
class PlannedDelivery:
    """One delivery to ingest; ``move``: it lies in the inbox (else it is copied)."""

    path: Path
    move: bool


@dataclass(frozen=True, slots=True)
class SkippedEntry:
    """An inbox entry that is no delivery: reported, left where it is."""

    path: Path
    reason: str


@dataclass(slots=True)
class DeliveryPlan:
    deliveries: list[PlannedDelivery] = field(default_factory=list)
    skipped: list[SkippedEntry] = field(default_factory=list)

    def __iter__(self) -> Iterator[PlannedDelivery]:
        return iter(self.deliveries)


def _refused(given: Path, why: str) -> NotADelivery:
    return DeliveryRefused(str(given), why)


def _not_a_delivery(given: Path, what: str) -> NotADelivery:
    return NotABatch(str(given), what)


def expand_paths(paths: list[Path], *, inbox: Path | None = None) -> DeliveryPlan:
    """The deliveries among ``paths``, in processing order, and the entries left alone.

    A path is a batch folder, a batch ``.zip`` (as given; a link given is followed), or
    a folder holding them, taken in name order: there, any other entry (a file, a
    folder without a batch, a link) is skipped and reported; hidden entries are
    ignored. A path that is none of these raises ``NotADelivery`` before anything is
    touched; ``inbox`` (``$CETAK_HOME/inbox``) may be empty or hold only other things.
    Only deliveries inside ``inbox`` are to be moved when filed; others are copied.
    """
    inbox_real = Path(os.path.realpath(inbox)) if inbox is not None else None

    def inside_inbox(real: Path) -> bool:
        return inbox_real is not None and real != inbox_real and real.is_relative_to(inbox_real)

    plan = DeliveryPlan()
    seen: set[Path] = set()

    def take(real: Path) -> None:
        if real not in seen:
            seen.add(real)
            plan.deliveries.append(PlannedDelivery(real, move=inside_inbox(real)))

    for given in paths:
        real = Path(os.path.realpath(given))
        if not os.path.lexists(real):
            raise _refused(given, "tidak ditemukan")
        if delivery_kind(real) is not None:
            take(real)
            continue
        if not real.is_dir():
            raise _not_a_delivery(given, why_not_a_delivery(real))
        try:
            entries = sorted(
                (e for e in real.iterdir() if not e.name.startswith(".")), key=lambda e: e.name
            )
            kinds = [(e, delivery_kind(e)) for e in entries]
        except OSError as exc:
            raise _refused(given, f"tidak dapat dibaca ({exc.strerror})") from exc
        if real != inbox_real and not any(kind for _, kind in kinds):
            what = (
                f"folder berisi {len(entries)} hal lain, tanpa batch"
                if entries
                else "folder kosong"
            )
            raise _not_a_delivery(given, what)
        for entry, kind in kinds:
            if kind is not None:
                take(entry)
            else:
                plan.skipped.append(SkippedEntry(entry, why_not_a_delivery(entry)))
    return plan


# --- claims: one ingest of a delivery at a time ---------------------------------------


def claim_dir(inbox: Path) -> Path:
    return inbox / CLAIM_DIR


def _lock(path: Path) -> int | None:
    """An exclusive ``flock`` on ``path`` (created if need be): its descriptor, or None if held.

    The lock dies with its process, so a crashed claimer never blocks anyone. A holder
    removes the file when done (and the claim folder once empty); whoever opened the old
    file meanwhile sees it is no longer the one at ``path`` and tries again.
    """
    while True:
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        except FileNotFoundError:  # the claim folder was just removed by another holder
            path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return None
        except BaseException:
            os.close(fd)
            raise
        try:
            mine, now = os.fstat(fd), os.stat(path)
            if (mine.st_dev, mine.st_ino) == (now.st_dev, now.st_ino):
                return fd
        except FileNotFoundError:
            pass
        os.close(fd)


@contextmanager
def claim(inbox: Path, key: str) -> Iterator[bool]:
    """Hold the claim named ``key`` (True), or learn that another process holds it (False).

    Claims are OS file locks in ``<inbox>/.klaim/``: every process ingesting from this
    inbox (the scheduled deployment, a manual ``cetak ingest``) takes them there.
    """
    folder = claim_dir(inbox)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    digest = hashlib.sha256(key.encode("utf-8", "surrogateescape")).hexdigest()[:40]
    path = folder / f"{digest}.lock"
    fd = _lock(path)
    if fd is None:
        yield False
        return
    try:
        os.write(fd, f"{socket.gethostname()} pid {os.getpid()}\n".encode())
        yield True
    finally:
        with suppress(OSError):
            path.unlink()
        os.close(fd)
        with suppress(OSError):
            folder.rmdir()  # only when no other claim is held or being taken


def claim_delivery(path: Path, *, inbox: Path) -> AbstractContextManager[bool]:
    """The claim of one delivery (by its real path)."""
    return claim(inbox, f"kiriman:{os.path.realpath(path)}")


def claim_batch(batch_id: str, *, inbox: Path) -> AbstractContextManager[bool]:
    """The claim of one batch id (two copies of a batch are not ingested at once)."""
    return claim(inbox, f"batch:{batch_id}")


# --- notices: what the operator is told besides the ACKs -------------------------------

#: Called with a Bahasa message (an entry skipped, a delivery left to another process).
NoticeHook = Callable[[str], None]
_notice_hook: NoticeHook | None = None


@contextmanager
def reporting_notices_to(hook: NoticeHook) -> Iterator[None]:
    """A module global, like ``intake.progress``: Prefect may run tasks in other threads."""
    global _notice_hook
    previous, _notice_hook = _notice_hook, hook
    try:
        yield
    finally:
        _notice_hook = previous


def notify(message: str) -> None:
    if _notice_hook is not None:
        _notice_hook(message)
