"""Reading ``records.csv``: digest, structure and rows.

RFC 4180 CSV in UTF-8 with a header row; a byte-order mark and CRLF line endings
are legal. Completely empty lines are not data rows.

``scan`` and ``iter_rows``/``iter_blocks`` stream the file without holding it
(``iter_blocks`` hands rows over column by column, for the column-wise rules);
``parse_whole`` parses a large batch's file once, in pyarrow's C++ reader, when the
file is one it reads exactly as ``csv`` does.
"""

from __future__ import annotations

import csv
import hashlib
import io
import itertools
import operator
import re
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import IO, Any

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


#: One block of rows, column by column: a sequence per ``FEED_COLUMNS`` column.
Columns = list[Sequence[str | None]]


def iter_blocks(stream: IO[bytes], size: int) -> Iterator[tuple[int, Columns]]:
    """(number of the block's first row, from 1; its columns) for blocks of ``size`` rows.

    The same rows and cells as ``iter_rows`` (absent cells are None), read by the same
    parser, but handed over column by column for the column-wise checks.
    """
    _, text = _text(stream)
    reader = csv.reader(text)
    positions = list(column_index(next(reader, [])).values())
    pick = operator.itemgetter(*positions)
    width = max(positions) + 1
    rows = filter(None, reader)  # completely empty lines are not data rows
    number = 1
    while block := list(itertools.islice(rows, size)):
        try:
            picked = list(map(pick, block))
        except IndexError:  # a short row: its absent cells are None
            picked = [
                pick(row) if len(row) >= width else tuple(_cell(row, i) for i in positions)
                for row in block
            ]
        yield number, list(zip(*picked, strict=True))
        number += len(block)


def _cell(row: list[str], i: int) -> str | None:
    return row[i] if i < len(row) else None


_LINE_END = re.compile(rb"\r\n|\r|\n")
_BOM = b"\xef\xbb\xbf"


class ParsedFile:
    """A whole ``records.csv`` parsed once by pyarrow's CSV reader (C++), handed out in the
    blocks ``iter_blocks`` gives.

    Only a file both parsers are known to read alike is taken (``parse_whole``): no quote
    character anywhere (so no quoted field, no field holding a delimiter or line break),
    every row exactly as wide as the header, and as many rows as the batch's scan counted.
    Any other file is left to ``iter_blocks``. ``tests/unit/test_intake_columns.py``
    compares the two over generated files.
    """

    def __init__(self, table: Any, names: list[str]) -> None:
        self._table = table
        self._names = names
        self.rows: int = table.num_rows

    def blocks(self, size: int) -> Iterator[tuple[int, Columns]]:
        for start in range(0, self.rows, size):
            part = self._table.slice(start, size)
            columns: Columns = [part.column(name).to_pylist() for name in self._names]
            yield start + 1, columns


def parse_whole(data: bytes, rows: int) -> ParsedFile | None:
    """``data`` (a ``records.csv`` whose scan found ``rows`` data rows) parsed by pyarrow,
    or None when the file is not one it reads exactly as ``csv`` does."""
    if data.startswith(_BOM):
        data = data[len(_BOM) :]
    if b'"' in data:
        return None
    first = _LINE_END.split(data, maxsplit=1)[0]
    header = first.decode("utf-8").split(",")
    try:
        index = column_index(header)
    except BatchRejected:
        return None
    import pyarrow as pa  # type: ignore[import-untyped]
    import pyarrow.csv as pa_csv  # type: ignore[import-untyped]

    names = [f"c{i}" for i in range(len(header))]
    wanted = [names[i] for i in index.values()]
    try:
        table = pa_csv.read_csv(
            io.BytesIO(data),
            read_options=pa_csv.ReadOptions(column_names=names, skip_rows=1),
            parse_options=pa_csv.ParseOptions(
                quote_char=False,
                double_quote=False,
                escape_char=False,
                newlines_in_values=False,
                ignore_empty_lines=True,
            ),
            convert_options=pa_csv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
                include_columns=sorted(set(wanted), key=names.index),
            ),
        )
    except pa.ArrowException:  # a row of another width: its message quotes the row
        return None
    if table.num_rows != rows:
        return None
    return ParsedFile(table, wanted)
