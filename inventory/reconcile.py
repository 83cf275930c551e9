"""Nightly reconciliation: the ledger against itself and against the balance cache.

For every site and lot::

    received - consumed - spoiled - transferred out + transferred in
             +/- adjustments - returned                  = on hand (ledger)
    spoiled - destroyed                                   = awaiting destruction (ledger)

and both must equal the cached balance. Any difference names the lot.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlmodel import Session

from cetak.notify import raise_alert
from inventory.models import Balance, Movement
from inventory.rules import Kind

_MOV = Movement.__table__  # type: ignore[attr-defined]
_BAL = Balance.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True, slots=True)
class LotLedger:
    site: str
    lot: str
    by_kind: dict[str, int]  # kind -> signed sum of delta_on_hand
    spoiled_in: int  # blanks that entered the spoiled pile
    destroyed: int  # blanks that left it
    cached_on_hand: int | None
    cached_awaiting: int | None


@dataclass(frozen=True, slots=True)
class Mismatch:
    site: str
    lot: str
    what: str
    ledger: int
    cache: int | None


def check_lot(row: LotLedger) -> list[Mismatch]:
    """Pure: the identities above for one site and lot."""
    k = row.by_kind
    on_hand = (
        k.get(Kind.RECEIVED, 0)
        + k.get(Kind.CONSUMED, 0)
        + k.get(Kind.SPOILED, 0)
        + k.get(Kind.TRANSFER_OUT, 0)
        + k.get(Kind.TRANSFER_IN, 0)
        + k.get(Kind.ADJUSTMENT, 0)
        + k.get(Kind.RETURNED, 0)
        + k.get(Kind.DESTROYED, 0)
        + k.get(Kind.LOAN_OUT, 0)
        + k.get(Kind.LOAN_OUT_RETURN, 0)
        + k.get(Kind.LOAN_IN, 0)
        + k.get(Kind.LOAN_IN_RETURN, 0)
    )
    awaiting = row.spoiled_in - row.destroyed
    problems: list[Mismatch] = []
    signs = {
        Kind.RECEIVED: 1,
        Kind.TRANSFER_IN: 1,
        Kind.TRANSFER_OUT: -1,
        Kind.RETURNED: -1,
        Kind.DESTROYED: 0,
        Kind.LOAN_OUT: -1,
        Kind.LOAN_OUT_RETURN: 1,
        Kind.LOAN_IN: 1,
        Kind.LOAN_IN_RETURN: -1,
    }
    for kind, sign in signs.items():
        total = k.get(kind, 0)
        if (sign > 0 and total < 0) or (sign < 0 and total > 0) or (sign == 0 and total != 0):
            problems.append(Mismatch(row.site, row.lot, f"tanda {kind} keliru", total, None))
    if on_hand < 0:
        problems.append(Mismatch(row.site, row.lot, "stok buku negatif", on_hand, None))
    if awaiting < 0:
        problems.append(Mismatch(row.site, row.lot, "blangko rusak negatif", awaiting, None))
    if row.cached_on_hand != on_hand:
        problems.append(Mismatch(row.site, row.lot, "stok di tangan", on_hand, row.cached_on_hand))
    if row.cached_awaiting != awaiting:
        problems.append(
            Mismatch(row.site, row.lot, "menunggu pemusnahan", awaiting, row.cached_awaiting)
        )
    return problems


def ledger_rows(session: Session) -> list[LotLedger]:
    sums: dict[tuple[str, str], dict[str, int]] = {}
    spoiled: dict[tuple[str, str], tuple[int, int]] = {}
    for site, lot, kind, delta, spoil_in, spoil_out in session.execute(
        sa.select(
            _MOV.c.site_code,
            _MOV.c.lot_code,
            _MOV.c.kind,
            sa.func.sum(_MOV.c.delta_on_hand),
            sa.func.sum(sa.case((_MOV.c.delta_spoiled > 0, _MOV.c.delta_spoiled), else_=0)),
            sa.func.sum(sa.case((_MOV.c.delta_spoiled < 0, -_MOV.c.delta_spoiled), else_=0)),
        ).group_by(_MOV.c.site_code, _MOV.c.lot_code, _MOV.c.kind)
    ):
        sums.setdefault((site, lot), {})[kind] = int(delta or 0)
        got_in, got_out = spoiled.get((site, lot), (0, 0))
        spoiled[(site, lot)] = (got_in + int(spoil_in or 0), got_out + int(spoil_out or 0))
    cache = {
        (r.site_code, r.lot_code): (r.on_hand, r.awaiting_destruction)
        for r in session.execute(sa.select(_BAL))
    }
    rows = []
    for key in sorted(set(sums) | set(cache)):
        on_hand, awaiting = cache.get(key, (None, None))
        spoil_in, spoil_out = spoiled.get(key, (0, 0))
        rows.append(
            LotLedger(key[0], key[1], sums.get(key, {}), spoil_in, spoil_out, on_hand, awaiting)
        )
    return rows


def reconcile(session: Session, *, today: date) -> list[Mismatch]:
    """Check every lot; raise one alert per lot and day that does not balance."""
    problems: list[Mismatch] = []
    for row in ledger_rows(session):
        found = check_lot(row)
        if found:
            detail = "; ".join(
                f"{m.what}: buku {m.ledger}, cache {m.cache if m.cache is not None else '-'}"
                for m in found
            )
            raise_alert(
                session,
                key=f"reconcile:{today.isoformat()}:{row.site}:{row.lot}",
                kind="RECONCILIATION",
                level="CRITICAL",
                message=(
                    f"Rekonsiliasi stok tidak cocok untuk lot {row.lot} di {row.site}: {detail}"
                ),
                data={"site": row.site, "lot": row.lot, "problems": [m.what for m in found]},
            )
        problems += found
    return problems
