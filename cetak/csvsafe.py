"""CSV cells that a spreadsheet cannot run: every CSV export writes its cells through here.

A cell whose text starts with ``=``, ``+``, ``-``, ``@`` (or their fullwidth forms), a tab
or a carriage return, possibly after spaces, is read by Excel and LibreOffice as a formula
(``=HYPERLINK(...)``, ``+cmd|' /C calc'!A0``). Data from central or typed by staff must not
become one: such a cell is prefixed with ``'`` (OWASP "CSV injection"), which spreadsheets
show as text. A plain number (``-12``, ``-3.5``) is left as it is.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

#: Characters that make a spreadsheet read a cell as a formula (or split it into one).
FORMULA_START = frozenset("=+-@\t\r\n\uff1d\uff0b\uff0d\uff20")
_PLAIN_NUMBER = re.compile(r"-?\d+(?:[.,]\d+)?")


def safe_csv_cell(value: Any) -> Any:
    """``value`` as a CSV cell: None becomes empty, formula-leading text gets a leading ``'``.

    Non-text values (numbers, dates) are returned unchanged for the csv module to format.
    """
    if value is None:
        return ""
    if not isinstance(value, str):
        return value
    head = value.lstrip(" ")
    if head[:1] in FORMULA_START and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def safe_csv_row(values: Iterable[Any]) -> list[Any]:
    """A row of cells through ``safe_csv_cell``."""
    return [safe_csv_cell(v) for v in values]
