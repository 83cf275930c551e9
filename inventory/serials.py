"""Serial numbers of blanks, per lot (issue 11, item 16): where every serial of a range is.

A lot received with a serial range (``--serial-start KTP0500001``) hands its serials out
in order, one per blank that leaves the shelf: a consumption for a card, or a blank
spoiled on the shelf (``inventory.ledger``). The movement carries the serial, so the
ledger alone says where each one is:

- ``used``: consumed for a card (printed, issued, or lost on its way) and still so;
- ``spoiled``: spoiled and waiting for destruction;
- ``destroyed``: spoiled and destroyed under a berita acara;
- ``shelf``: never handed out, or back on the shelf (a voided card).

The states are worked out by pure functions from the net movements of each serial; the
reconciliation holds when the shelf holds as many serials as the books hold blanks of
the lot and the spoiled pile as many as the books say wait for destruction.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session

from inventory.models import Lot, Movement
from inventory.rules import Kind

USED = "used"
SPOILED = "spoiled"
DESTROYED = "destroyed"
SHELF = "shelf"
ODD = "odd"  # movements that do not add up to any state: the books need a look

Ranges = tuple[tuple[int, int], ...]

_MOV = Movement.__table__  # type: ignore[attr-defined]
_LOT = Lot.__table__  # type: ignore[attr-defined]


def state_of(on_hand: int, spoiled: int, destroyed: int) -> str:
    """The state of one serial from the sums of its movements: on hand, spoiled pile, and
    the number of DESTROYED rows."""
    if on_hand == 0 and spoiled == 0:
        return SHELF
    if on_hand == -1 and spoiled == 1:
        return SPOILED
    if on_hand == -1 and spoiled == 0:
        return DESTROYED if destroyed > 0 else USED
    return ODD


def ranges(numbers: Iterable[int]) -> Ranges:
    """Consecutive numbers folded into (first, last) ranges, in order."""
    out: list[tuple[int, int]] = []
    for n in sorted(set(numbers)):
        if out and n == out[-1][1] + 1:
            out[-1] = (out[-1][0], n)
        else:
            out.append((n, n))
    return tuple(out)


def complement(first: int, last: int, taken: Iterable[int]) -> Ranges:
    """The ranges of ``first..last`` not in ``taken`` (without listing the whole range)."""
    out: list[tuple[int, int]] = []
    at = first
    for a, b in ranges(n for n in taken if first <= n <= last):
        if a > at:
            out.append((at, a - 1))
        at = b + 1
    if at <= last:
        out.append((at, last))
    return tuple(out)


def count(found: Ranges) -> int:
    return sum(b - a + 1 for a, b in found)


@dataclass(frozen=True, slots=True)
class LotSerials:
    """Where the serials of one lot are, against what the books say (pure data)."""

    lot: str
    prefix: str
    first: int
    last: int
    width: int
    on_hand: int  # blanks of the lot on hand in the books, all sites
    awaiting: int  # spoiled blanks of the lot waiting for destruction in the books
    used: Ranges = ()
    spoiled: Ranges = ()
    destroyed: Ranges = ()
    shelf: Ranges = ()
    odd: Ranges = field(default=())
    #: Net blanks of the lot that moved on or off the shelf without a serial: returns to
    #: central, stock-take adjustments, consumptions booked before serials were kept.
    #: Negative when blanks left that way; the shelf's ranges still list their serials.
    unnumbered: int = 0

    def format(self, number: int) -> str:
        return f"{self.prefix}{number:0{self.width}d}"

    def text(self, found: Ranges, *, limit: int | None = None) -> str:
        """``KTP0500001 s.d. KTP0500010, KTP0500012``; ``-`` for none. With ``limit``,
        at most that many ranges and how many more there are."""
        if not found:
            return "-"
        shown = found if limit is None else found[:limit]
        parts = [
            self.format(a) if a == b else f"{self.format(a)} s.d. {self.format(b)}"
            for a, b in shown
        ]
        more = len(found) - len(shown)
        if more:
            parts.append(f"dan {more} rentang lain")
        return ", ".join(parts)

    @property
    def total(self) -> int:
        return self.last - self.first + 1

    @property
    def problems(self) -> list[str]:
        """What does not reconcile, in Bahasa Indonesia; empty when everything does."""
        found: list[str] = []
        if count(self.shelf) + self.unnumbered != self.on_hand:
            without = f", {self.unnumbered:+d} mutasi tanpa nomor seri" if self.unnumbered else ""
            found.append(
                f"nomor seri di rak {count(self.shelf)}{without}, stok buku {self.on_hand}"
            )
        if count(self.spoiled) != self.awaiting:
            found.append(
                f"nomor seri rusak {count(self.spoiled)}, menunggu pemusnahan di buku "
                f"{self.awaiting}"
            )
        if self.odd:
            found.append(f"nomor seri dengan mutasi janggal: {self.text(self.odd, limit=5)}")
        return found

    @property
    def balanced(self) -> bool:
        return not self.problems


def classify(
    lot: str,
    *,
    prefix: str,
    first: int,
    last: int,
    width: int,
    on_hand: int,
    awaiting: int,
    serials: Sequence[tuple[int, int, int, int]],
    unnumbered: int = 0,
) -> LotSerials:
    """Pure: ``serials`` are (serial number, sum on hand, sum spoiled, DESTROYED rows) of
    every serial of the lot that has movements; the others are on the shelf.
    ``unnumbered``: the net on-hand change of the lot's movements without a serial, its
    receipt and transfers between sites aside (they add up to nothing for the lot)."""
    by_state: dict[str, list[int]] = {USED: [], SPOILED: [], DESTROYED: [], ODD: [], SHELF: []}
    for number, held, spoiled, destroyed in serials:
        by_state[state_of(held, spoiled, destroyed)].append(number)
    out_of_shelf = [n for state, ns in by_state.items() if state != SHELF for n in ns]
    return LotSerials(
        lot=lot,
        prefix=prefix,
        first=first,
        last=last,
        width=width,
        on_hand=on_hand,
        awaiting=awaiting,
        used=ranges(by_state[USED]),
        spoiled=ranges(by_state[SPOILED]),
        destroyed=ranges(by_state[DESTROYED]),
        shelf=complement(first, last, out_of_shelf),
        odd=ranges(by_state[ODD]),
        unnumbered=unnumbered,
    )


def lot_serials(session: Session, *, before: datetime | None = None) -> list[LotSerials]:
    """Every lot with a serial range, oldest first, as the ledger stood before ``before``
    (now when None)."""
    lots_query = (
        sa.select(
            _LOT.c.code,
            _LOT.c.serial_prefix,
            _LOT.c.serial_first,
            _LOT.c.serial_last,
            _LOT.c.serial_width,
        )
        .where(_LOT.c.serial_first.is_not(None), _LOT.c.serial_last.is_not(None))
        .order_by(_LOT.c.received_on, _LOT.c.code)
    )
    if before is not None:
        lots_query = lots_query.where(_LOT.c.received_at < before)
    lots = session.execute(lots_query).all()
    if not lots:
        return []
    codes = [row.code for row in lots]
    when = [_MOV.c.at < before] if before is not None else []
    books = {
        code: (int(held or 0), int(spoiled or 0))
        for code, held, spoiled in session.execute(
            sa.select(
                _MOV.c.lot_code,
                sa.func.sum(_MOV.c.delta_on_hand),
                sa.func.sum(_MOV.c.delta_spoiled),
            )
            .where(_MOV.c.lot_code.in_(codes), *when)
            .group_by(_MOV.c.lot_code)
        )
    }
    unnumbered = {
        code: int(net or 0)
        for code, net in session.execute(
            sa.select(_MOV.c.lot_code, sa.func.sum(_MOV.c.delta_on_hand))
            .where(
                _MOV.c.lot_code.in_(codes),
                _MOV.c.serial_no.is_(None),
                _MOV.c.kind.not_in(
                    [
                        Kind.RECEIVED.value,
                        Kind.TRANSFER_OUT.value,
                        Kind.TRANSFER_IN.value,
                        # a lot borrowed, or given back, arrives whole like one received
                        Kind.LOAN_IN.value,
                        Kind.LOAN_OUT_RETURN.value,
                    ]
                ),
                *when,
            )
            .group_by(_MOV.c.lot_code)
        )
    }
    per_lot: dict[str, list[tuple[int, int, int, int]]] = {code: [] for code in codes}
    destroyed_rows = sa.func.sum(sa.case((_MOV.c.kind == Kind.DESTROYED.value, 1), else_=0))
    for code, number, held, spoiled, destroyed in session.execute(
        sa.select(
            _MOV.c.lot_code,
            _MOV.c.serial_no,
            sa.func.sum(_MOV.c.delta_on_hand),
            sa.func.sum(_MOV.c.delta_spoiled),
            destroyed_rows,
        )
        .where(_MOV.c.lot_code.in_(codes), _MOV.c.serial_no.is_not(None), *when)
        .group_by(_MOV.c.lot_code, _MOV.c.serial_no)
    ):
        per_lot[code].append((int(number), int(held or 0), int(spoiled or 0), int(destroyed or 0)))
    return [
        classify(
            row.code,
            prefix=row.serial_prefix or "",
            first=int(row.serial_first),
            last=int(row.serial_last),
            width=int(row.serial_width or 0),
            on_hand=books.get(row.code, (0, 0))[0],
            awaiting=books.get(row.code, (0, 0))[1],
            serials=per_lot[row.code],
            unnumbered=unnumbered.get(row.code, 0),
        )
        for row in lots
    ]
