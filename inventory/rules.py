"""Ledger arithmetic as pure functions: movement kinds, serial ranges, FIFO, stock-takes."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum


class Kind(StrEnum):
    """Movement kinds of the blank ledger (a contract: reports and tools read them)."""

    RECEIVED = "RECEIVED"
    CONSUMED = "CONSUMED"
    SPOILED = "SPOILED"
    DESTROYED = "DESTROYED"
    TRANSFER_OUT = "TRANSFER_OUT"
    TRANSFER_IN = "TRANSFER_IN"
    ADJUSTMENT = "ADJUSTMENT"
    RETURNED = "RETURNED"
    #: A printed card lost on its way to the resident: no stock moves (its blank was
    #: consumed), the row says where that blank went. Cause-free, keyed per card.
    LOST = "LOST"


class Cause(StrEnum):
    """Why a blank was spoiled."""

    GAGAL_CETAK = "GAGAL_CETAK"
    GAGAL_ENCODE = "GAGAL_ENCODE"
    RUSAK_FISIK = "RUSAK_FISIK"
    PERUBAHAN_DATA = "PERUBAHAN_DATA"


CAUSE_LABELS: dict[str, str] = {
    Cause.GAGAL_CETAK: "Gagal cetak",
    Cause.GAGAL_ENCODE: "Gagal tulis chip",
    Cause.RUSAK_FISIK: "Rusak fisik",
    Cause.PERUBAHAN_DATA: "Perubahan data",
}

_SERIAL = re.compile(r"^(?P<prefix>.*?)(?P<number>\d+)$")


@dataclass(frozen=True, slots=True)
class SerialRange:
    prefix: str
    first: int
    last: int
    width: int

    def overlaps(self, other: SerialRange) -> bool:
        return self.prefix == other.prefix and self.first <= other.last and other.first <= self.last

    def format(self, number: int) -> str:
        return f"{self.prefix}{number:0{self.width}d}"


def serial_range(start: str, quantity: int) -> SerialRange | None:
    """The range of ``quantity`` serials from ``start`` (``KTP0012001``), or None if malformed."""
    match = _SERIAL.match(start.strip())
    if match is None or quantity < 1:
        return None
    digits = match.group("number")
    first = int(digits)
    return SerialRange(match.group("prefix"), first, first + quantity - 1, len(digits))


def allocate_fifo(available: Sequence[tuple[str, int]], quantity: int) -> list[tuple[str, int]]:
    """Take ``quantity`` from lots in the given order (oldest first): [(lot, n), ...].

    Returns an empty list when the lots hold less than ``quantity`` in total.
    """
    taken: list[tuple[str, int]] = []
    left = quantity
    for lot, on_hand in available:
        if left == 0:
            break
        n = min(left, on_hand)
        if n > 0:
            taken.append((lot, n))
            left -= n
    return taken if left == 0 else []


def count_adjustments(lots: Sequence[tuple[str, int]], counted: int) -> list[tuple[str, int]]:
    """Signed adjustments per lot so that the books match a counted total.

    ``lots`` are (lot, on hand) oldest first. A shortfall is taken from the oldest
    lots first (they are the ones used first, so the likeliest to be short); a
    surplus is added to the newest lot. Returns [] when the count matches.
    """
    expected = sum(n for _, n in lots)
    difference = counted - expected
    if difference == 0 or not lots:
        return []
    if difference > 0:
        return [(lots[-1][0], difference)]
    return [(lot, -n) for lot, n in allocate_fifo(lots, -difference)]
