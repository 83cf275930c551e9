"""Reading one delivery from central: a batch folder or a ``.zip`` of it.

Nothing is ever extracted or written: files are read in place (folder) or from
the archive (zip). A path inside the batch is resolved by ``safe_relpath``;
anything that would lead outside the batch folder is never read.
"""

from __future__ import annotations

import os
import posixpath
import stat
import zipfile
from pathlib import Path
from typing import IO, Protocol

from intake.errors import BatchRejected, RejectCode

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


def expand_paths(paths: list[Path]) -> list[Path]:
    """Batch folders and zips in processing order: as given, an inbox's in name order."""
    out: list[Path] = []
    for p in paths:
        if p.is_dir() and not is_batch_folder(p):
            entries = sorted(
                (e for e in p.iterdir() if e.is_dir() or e.suffix.lower() == ".zip"),
                key=lambda e: e.name,
            )
            if entries or not any(p.iterdir()):
                out.extend(entries)
                continue
        out.append(p)
    return out
