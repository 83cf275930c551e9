"""The row rules, applied column by column to a block of rows (large batches).

``check_block`` gives every row of a block exactly what ``rules.check_row`` gives it, at a
fraction of the cost: each column rule runs once per distinct value of its column (most
columns hold few: places, religions, codes, dates), the NIK rules run in one pass over three
columns, and only a row that breaks a rule is handed to ``check_row`` itself, which then
writes its reason and message. A row that breaks none gets the ``RowCheck`` that
``check_row`` would give a clean row: its normalised values, no reason, its birth date.
``tests/unit/test_intake_columns.py`` proves the equivalence over generated rows of every
kind.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date

from intake.rules import (
    FEED_COLUMNS,
    FREE_TEXT_COLUMNS,
    VALUE_RULE_COLUMNS,
    RowCheck,
    berlaku_hingga_message,
    check_row,
    column_message,
    parse_date,
)

_POS = {c: i for i, c in enumerate(FEED_COLUMNS)}
_DATE_COLUMNS = frozenset({"tanggal_lahir", "tanggal_rekam"})  # rule: ``parse_date``


def _each(value: str) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """(a whole column, its values joined by newlines, each matching ``value``; one value)."""
    return re.compile(f"(?:(?:{value})\n)*"), re.compile(value)


def _printable(limit: int) -> tuple[re.Pattern[str], re.Pattern[str]]:
    return _each(f"[\x20-\x7e]{{1,{limit}}}")


#: For a column, a pattern that the newline-joined values of a block (none holding a
#: newline) match only when every value passes the column's rule (printable ASCII;
#: anything else is judged value by value with the rule itself). One regex pass per
#: column and block instead of one rule call per value.
_PATTERNS: dict[str, tuple[re.Pattern[str], re.Pattern[str]]] = {
    "prr_id": _each("[A-Za-z0-9-]{1,40}"),
    "nama": _each("(?=[^\n]*[A-Za-z])[A-Za-z' .,-]{1,60}"),
    "tempat_lahir": _printable(40),
    "golongan_darah": _each("(?:A|B|AB|O)[+-]?|-"),
    "alamat": _printable(100),
    "rt": _each("[0-9]{1,3}"),
    "rw": _each("[0-9]{1,3}"),
    "kel_desa": _printable(40),
    "kode_kecamatan": _each("[0-9]{2}\\.[0-9]{2}\\.[0-9]{2}"),
    "pekerjaan": _printable(40),
}
_FAST = {column: whole for column, (whole, _) in _PATTERNS.items()}
_FAST_ONE = {column: one for column, (_, one) in _PATTERNS.items()}


@dataclass(frozen=True, slots=True)
class BlockCheck:
    """The row checks of one block: ``values`` and ``birth`` column-wise for every row,
    and the ``RowCheck`` of each row that breaks a rule (``flagged``, by row index)."""

    values: list[list[str]]
    birth: list[date | None]
    flagged: dict[int, RowCheck]

    def __len__(self) -> int:
        return len(self.birth)

    def row(self, i: int) -> RowCheck:
        """Row ``i``'s ``RowCheck``, as ``check_row`` gives it."""
        flagged = self.flagged.get(i)
        if flagged is not None:
            return flagged
        values = {c: self.values[p][i] for c, p in _POS.items()}
        return RowCheck(
            values=values, reason=None, detail=None, birth_date=self.birth[i], invalid_columns=()
        )


def normalise_column(column: str, raw: Sequence[str | None]) -> list[str]:
    """A column's values as ``check_row`` stores them: absent is empty, free text trimmed."""
    values: list[str] = (
        [v if isinstance(v, str) else "" if v is None else str(v) for v in raw]
        if set(map(type, raw)) != {str}
        else list(raw)  # type: ignore[arg-type]
    )
    return list(map(str.strip, values)) if column in FREE_TEXT_COLUMNS else values


def _rows_with(values: list[str], bad: set[str]) -> list[int]:
    return [i for i, v in enumerate(values) if v in bad] if bad else []


def _nik_date_digits(birth: date | None, sex: str) -> str | None:
    """Digits 7-12 of a NIK that agrees with ``tanggal_lahir`` and ``jenis_kelamin``."""
    if birth is None:
        return None
    day = birth.day + (40 if sex == "PEREMPUAN" else 0)
    return f"{day:02d}{birth.month:02d}{birth.year % 100:02d}"


class ColumnChecker:
    """``check_block`` for the blocks of one batch, remembering each distinct value's
    verdict from block to block (the rules are pure functions of the value)."""

    def __init__(self, *, kecamatan: Collection[str], provinces: Collection[str]) -> None:
        self.kecamatan = kecamatan
        self.provinces = frozenset(provinces)
        self._messages: dict[str, dict[str, bool]] = {c: {} for c in VALUE_RULE_COLUMNS}
        self._valid_until: dict[tuple[str, str], bool] = {}
        self._dates: dict[str, date | None] = {}
        self._digits: dict[tuple[str, str], str | None] = {}

    def _bad_values(self, column: str, col: list[str]) -> set[str]:
        fast = _FAST.get(column)
        distinct: set[str] | list[str]
        if fast is not None:
            joined = "\n".join(col)
            # No value holds a newline (else the join would not separate the values) and
            # every value passes: the usual case.
            if joined.count("\n") == len(col) - 1 and fast.fullmatch(joined + "\n"):
                return set()
            one = _FAST_ONE[column]
            distinct = [v for v in set(col) if not one.fullmatch(v)]  # judged by the rule
        else:
            distinct = set(col)
        if column in _DATE_COLUMNS:
            dates = self._dates
            for v in set(distinct).difference(dates):
                dates[v] = parse_date(v)
            return {v for v in distinct if dates[v] is None}
        known = self._messages[column]
        for v in set(distinct).difference(known):
            known[v] = column_message(column, v) is not None
        return {v for v in distinct if known[v]}

    def check(self, raw: Sequence[Sequence[str | None]]) -> BlockCheck:
        """``check_row`` for every row of a block given column by column (``FEED_COLUMNS``
        order)."""
        if len(raw) != len(FEED_COLUMNS):
            raise ValueError("a block has one sequence per feed column")
        values = [normalise_column(c, col) for c, col in zip(FEED_COLUMNS, raw, strict=True)]
        suspect: set[int] = set()

        # Column rules that look at the value alone: once per distinct value.
        for column in VALUE_RULE_COLUMNS:
            col = values[_POS[column]]
            suspect.update(_rows_with(col, self._bad_values(column, col)))

        pairs = list(
            zip(values[_POS["berlaku_hingga"]], values[_POS["kewarganegaraan"]], strict=True)
        )
        valid = self._valid_until
        for pair in set(pairs).difference(valid):
            valid[pair] = berlaku_hingga_message(*pair) is None
        if not all(valid[p] for p in set(pairs)):
            suspect.update(i for i, p in enumerate(pairs) if not valid[p])

        kec = values[_POS["kode_kecamatan"]]
        suspect.update(_rows_with(kec, {v for v in set(kec) if v not in self.kecamatan}))

        born = values[_POS["tanggal_lahir"]]
        dates = self._dates
        for v in set(born).difference(dates):
            dates[v] = parse_date(v)
        birth = [dates[v] for v in born]

        # NIK: well formed, and its date and +40 digits agreeing with the row (the same
        # verdict as parse_nik and the two comparisons of check_row; see the tests).
        sexes = values[_POS["jenis_kelamin"]]
        digits = self._digits
        keys = list(zip(born, sexes, strict=True))
        for key in set(keys).difference(digits):
            digits[key] = _nik_date_digits(dates[key[0]], key[1])
        provinces = self.provinces
        for i, (nik, key) in enumerate(zip(values[_POS["nik"]], keys, strict=True)):
            expected = digits[key]
            if not (
                expected is not None
                and len(nik) == 16
                and nik[6:12] == expected
                and nik.isdigit()
                and nik.isascii()
                and nik[0:2] in provinces
                and nik[12:16] != "0000"
            ):
                suspect.add(i)

        flagged: dict[int, RowCheck] = {}
        for i in sorted(suspect):
            row = {c: raw[p][i] for c, p in _POS.items()}
            flagged[i] = check_row(row, kecamatan=self.kecamatan, provinces=self.provinces)
        return BlockCheck(values=values, birth=birth, flagged=flagged)


def check_block(
    raw: Sequence[Sequence[str | None]],
    *,
    kecamatan: Collection[str],
    provinces: Collection[str],
) -> BlockCheck:
    """``check_row`` for every row of a block given column by column (``FEED_COLUMNS`` order)."""
    return ColumnChecker(kecamatan=kecamatan, provinces=provinces).check(raw)
