"""Ledger arithmetic as pure functions: movement kinds, serial ranges, FIFO, stock-takes."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from cetak import labels
from inventory.errors import (
    CountAboveLot,
    DateInFuture,
    InvalidLotCode,
    InvalidQuantity,
    InvalidRef,
    QuantityAboveLimit,
    ReasonRequired,
    TextTooLong,
)


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
    #: Lending between regencies (issue 15): blanks lent to another regency's Disdukcapil
    #: and what it gives back; blanks borrowed from one (a lot of their own) and what is
    #: given back to it.
    LOAN_OUT = "LOAN_OUT"
    LOAN_OUT_RETURN = "LOAN_OUT_RETURN"
    LOAN_IN = "LOAN_IN"
    LOAN_IN_RETURN = "LOAN_IN_RETURN"


class Cause(StrEnum):
    """Why a blank was spoiled."""

    GAGAL_CETAK = "GAGAL_CETAK"
    GAGAL_ENCODE = "GAGAL_ENCODE"
    RUSAK_FISIK = "RUSAK_FISIK"
    PERUBAHAN_DATA = "PERUBAHAN_DATA"


#: Labels of the causes: from the one table (``cetak.labels``).
CAUSE_LABELS = labels.CAUSE

# ASCII digits only: ``\d`` also matches Arabic-Indic and other Unicode digits.
_SERIAL = re.compile(r"^(?P<prefix>.*?)(?P<number>[0-9]+)$")
#: A serial number fits a BIGINT column with room for a lot's range after it.
MAX_SERIAL_DIGITS = 15
MAX_SERIAL_PREFIX = 20


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
    if len(digits) > MAX_SERIAL_DIGITS or len(match.group("prefix")) > MAX_SERIAL_PREFIX:
        return None
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


# --- plausibility (issue 11): pure checks, the CLI, the dashboard and the ledger share them ---

#: No quantity above this ever reaches the database, whatever the settings say: it keeps
#: every sum inside a 32-bit column. The settings' bounds (``max_lot_quantity`` ...) are
#: far lower and are what staff meet.
ABSOLUTE_MAX_QUANTITY = 10_000_000
LOT_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9./_-]{0,59}", re.ASCII)
MAX_REASON_LENGTH = 500
MAX_REF_LENGTH = 60


def _num(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def check_quantity(quantity: object, *, limit: int, what: str = "jumlah") -> int:
    """``quantity`` if it is a whole number from 1 to ``limit``.

    Raises ``InvalidQuantity`` for zero, negative or non-integer values and
    ``ImplausibleInput`` above ``limit`` (the settings' bound for this kind of figure).
    """
    if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 1:
        raise InvalidQuantity(quantity)  # type: ignore[arg-type]
    limit = min(limit, ABSOLUTE_MAX_QUANTITY)
    if quantity > limit:
        shown = _num(quantity) if quantity < 10**15 else f"{str(quantity)[:12]}..."
        raise QuantityAboveLimit(what, shown, _num(limit))
    return quantity


def check_not_future(day: date, *, today: date, what: str = "tanggal") -> date:
    """``day`` unless it is after ``today`` (the regency's own today)."""
    if day > today:
        raise DateInFuture(what, day.isoformat(), today.isoformat())
    return day


def check_reason(reason: str | None, *, what: str = "keterangan") -> str:
    """The reason stripped; every adjustment and every rejection needs one."""
    text = (reason or "").strip()
    if not text:
        raise ReasonRequired(what)
    if len(text) > MAX_REASON_LENGTH:
        raise TextTooLong(what, MAX_REASON_LENGTH)
    return text


def check_lot_code(code: str) -> str:
    """A lot code as printed on the delivery: 1-60 letters, digits, '.', '/', '_' or '-'."""
    text = (code or "").strip()
    if not LOT_CODE.fullmatch(text):
        shown = text if len(text) <= 30 else f"{text[:30]}..."
        raise InvalidLotCode(shown)
    return text


def check_ref(ref: str | None, *, what: str = "nomor referensi") -> str | None:
    """A document number used as an idempotency reference (or None)."""
    if ref is None:
        return None
    text = ref.strip()
    if not text or len(text) > MAX_REF_LENGTH or any(not c.isprintable() for c in text):
        raise InvalidRef(what, MAX_REF_LENGTH)
    return text


def check_counted(counted: object, *, lot_quantity: int, lot: str) -> int:
    """A physical count of one lot: zero or more, and never more than the lot ever held."""
    if isinstance(counted, bool) or not isinstance(counted, int) or counted < 0:
        raise InvalidQuantity(counted)  # type: ignore[arg-type]
    if counted > lot_quantity:
        raise CountAboveLot(_num(counted), lot, _num(lot_quantity))
    return counted


def needs_approval(difference: int, *, threshold: int) -> bool:
    """A stock-take difference larger than ``threshold`` blanks waits for a supervisor."""
    return abs(difference) > threshold


def derived_key(prefix: str, *parts: object) -> str:
    """An idempotency key made from what a command records: the same command retried
    gives the same key (and so posts nothing more); any other figure gives another."""
    digest = hashlib.sha256(json.dumps([str(p) for p in parts]).encode()).hexdigest()[:32]
    return f"{prefix}:{digest}"
