"""Streaming ``records.csv``: digest, structure and rows, without holding the file.

RFC 4180 CSV in UTF-8 with a header row; a byte-order mark and CRLF line endings
are legal. Completely empty lines are not data rows.
"""

from __future__ import annotations

import csv
import hashlib
import io
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

from intake.errors import BatchRejected, RejectCode
from intake.rules import FEED_COLUMNS

csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


class HashingReader(io.RawIOBase):
    """A binary stream that hashes what passes through it."""

    def __init__(self, raw: IO[bytes]) -> None:
        self._raw = raw
        self.sha256 = hashlib.sha256()
        self.size = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        data = self._raw.read(len(buffer))
        n = len(data)
        buffer[:n] = data
        self.sha256.update(data)
        self.size += n
        return n

    def drain(self) -> None:
        while self._raw and (chunk := self._raw.read(1 << 20)):
            self.sha256.update(chunk)
            self.size += len(chunk)


@dataclass(frozen=True, slots=True)
class CsvScan:
    digest: str
    rows: int
    header: tuple[str, ...]


def _text(stream: IO[bytes]) -> tuple[HashingReader, io.TextIOWrapper]:
    hashing = HashingReader(stream)
    buffered = io.BufferedReader(hashing, buffer_size=1 << 20)
    return hashing, io.TextIOWrapper(buffered, encoding="utf-8-sig", newline="")


def column_index(header: list[str]) -> dict[str, int]:
    """Position of each required column; raise when one is missing. Order is free."""
    index: dict[str, int] = {}
    for pos, name in enumerate(header):
        index.setdefault(name, pos)
    missing = [c for c in FEED_COLUMNS if c not in index]
    if missing:
        raise BatchRejected(
            RejectCode.MISSING_COLUMN,
            f"records.csv tidak memiliki kolom wajib: {', '.join(missing)}",
        )
    return {c: index[c] for c in FEED_COLUMNS}


def scan(stream: IO[bytes], expected_digest: str) -> CsvScan:
    """One pass: digest of the bytes, UTF-8, header and number of data rows.

    The digest is judged first: a truncated or corrupted copy is reported as such
    even when it also breaks the CSV.
    """
    hashing, text = _text(stream)
    problem: BatchRejected | None = None
    header: list[str] = []
    rows = 0
    reader = csv.reader(text)
    try:
        header = next(reader, [])
        column_index(header)
        for row in reader:
            if row:
                rows += 1
    except UnicodeDecodeError:
        problem = BatchRejected(RejectCode.NOT_UTF8, "records.csv bukan teks UTF-8")
    except csv.Error as exc:
        problem = BatchRejected(
            RejectCode.CSV_UNREADABLE,
            f"records.csv tidak dapat dibaca sebagai CSV di baris {reader.line_num}: {exc}",
        )
    except BatchRejected as exc:
        problem = exc
    hashing.drain()
    digest = hashing.sha256.hexdigest()
    if digest != expected_digest:
        raise BatchRejected(
            RejectCode.DIGEST_MISMATCH,
            "sidik sha256 records.csv tidak cocok dengan manifest: salinan terpotong atau rusak",
        )
    if problem is not None:
        raise problem
    return CsvScan(digest=digest, rows=rows, header=tuple(header))


def iter_rows(stream: IO[bytes]) -> Iterator[tuple[int, dict[str, str | None]]]:
    """(row number from 1, {column: value}) for every data row; absent cells are None."""
    _, text = _text(stream)
    reader = csv.reader(text)
    index = column_index(next(reader, []))
    number = 0
    for row in reader:
        if not row:
            continue
        number += 1
        width = len(row)
        yield number, {c: (row[i] if i < width else None) for c, i in index.items()}
