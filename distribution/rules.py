"""Distribution rules as pure functions: shipment numbers, packing, what a kecamatan's
confirmation means card by card, discrepancy resolutions, the ages of waiting cards, and
the alerts raised for cards that wait too long.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from cetak import labels
from cetak.errors import CetakError
from printers.cards import CardState

#: The card's states of distribution: the one card enum under its older name (its
#: distribution states are ``printers.cards.DISTRIBUTION_STATES``).
CardPlace = CardState

#: Where a card in each state is, for people: the one table's (``cetak.labels.PLACE``).
PLACE_LABELS: Mapping[str, str] = labels.PLACE

#: Cards that may be handed over at each place.
COLLECTABLE_AT: dict[str, frozenset[str]] = {
    "kecamatan": frozenset({CardPlace.RECEIVED}),
    "disdukcapil": frozenset({CardPlace.PASSED, CardPlace.RETURNED}),
}

PLACES = ("kecamatan", "disdukcapil")


class Resolution(StrEnum):
    FOUND = "found"  # the card turned up: received at the kecamatan after all
    LOST = "lost"  # card cancelled, blank accounted as lost, reprint queued
    DAMAGED = "damaged"  # card spoiled (physical damage), reprint queued


class DiscrepancyKind(StrEnum):
    """What was wrong with a card at receipt (``Discrepancy.kind``, and the
    ``ShipmentCard.outcome`` of a manifest card that did not arrive well)."""

    MISSING = "missing"  # on the manifest, not in the box (or never confirmed)
    DAMAGED = "damaged"
    EXTRA = "extra"  # in the box, not on this manifest


#: Labels from the one table (``cetak.labels``).
RESOLUTION_LABELS: Mapping[str, str] = labels.RESOLUTION
KIND_LABELS: Mapping[str, str] = labels.DISCREPANCY_KIND


def shipment_number(kode_wilayah: str, day: date, sequence: int) -> str:
    """``KRM-3310-20261124-0005``: regency, packing day (local), sequence of that day."""
    if sequence < 1:
        raise ValueError("sequence starts at 1")
    return f"KRM-{kode_wilayah.replace('.', '')}-{day:%Y%m%d}-{sequence:04d}"


def pack(cards: Iterable[tuple[int, str]]) -> dict[str, list[int]]:
    """Group card ids by kecamatan (``(card_id, kode_kecamatan)`` pairs): one shipment each,
    cards in id order, kecamatan in code order."""
    groups: dict[str, list[int]] = {}
    for card_id, kecamatan in cards:
        groups.setdefault(kecamatan, []).append(card_id)
    return {k: sorted(v) for k, v in sorted(groups.items())}


@dataclass(frozen=True, slots=True)
class ReceiptPlan:
    """What a kecamatan's confirmation means for each card of the manifest."""

    received: tuple[str, ...]
    missing: tuple[str, ...]  # named missing, or not confirmed at all
    damaged: tuple[str, ...]
    extra: tuple[str, ...]  # not on this manifest
    unconfirmed: tuple[str, ...] = field(default=())  # the part of ``missing`` never named


class ReceiptConflict(CetakError, ValueError):
    """A card named twice in different ways, or a manifest card reported as extra."""

    code = "distribution.receipt_conflict"

    refs: tuple[str, ...]
    named_twice: bool

    def __init__(self, refs: Sequence[str], named_twice: bool) -> None:
        super().__init__(refs=tuple(refs), named_twice=named_twice)


def plan_receipt(
    manifest: Sequence[str],
    *,
    received: Sequence[str] | None,
    missing: Sequence[str] = (),
    damaged: Sequence[str] = (),
    extra: Sequence[str] = (),
) -> ReceiptPlan:
    """Per-card proof of delivery from what the kecamatan officer reports.

    ``received=None`` means every card not named missing or damaged arrived (``--all``).
    Otherwise only the cards named arrived: a manifest card that is not named anywhere did
    not arrive and counts as missing (``unconfirmed``), since a count is not a proof.
    Raises ``ReceiptConflict`` for a card named twice differently, or a manifest card
    reported as extra. Cards named but not on the manifest are the caller's to refuse.
    """
    on_manifest = set(manifest)
    named: dict[str, str] = {}
    clashes: list[str] = []
    for how, refs in (
        ("received", received or ()),
        ("missing", missing),
        ("damaged", damaged),
        ("extra", extra),
    ):
        for ref in refs:
            if named.get(ref, how) != how:
                clashes.append(ref)
            named[ref] = how
    if clashes:
        raise ReceiptConflict(sorted(set(clashes)), named_twice=True)
    wrong_extra = sorted(r for r in extra if r in on_manifest)
    if wrong_extra:
        raise ReceiptConflict(wrong_extra, named_twice=False)
    if received is None:
        got = [r for r in manifest if named.get(r) is None]
        unconfirmed: list[str] = []
    else:
        got = [r for r in manifest if named.get(r) == "received"]
        unconfirmed = [r for r in manifest if r not in named]
    named_missing = [r for r in manifest if named.get(r) == "missing"]
    return ReceiptPlan(
        received=tuple(got),
        missing=tuple(named_missing + unconfirmed),
        damaged=tuple(r for r in manifest if named.get(r) == "damaged"),
        extra=tuple(dict.fromkeys(extra)),
        unconfirmed=tuple(unconfirmed),
    )


#: What a resolution does to the card of each kind of case; None: not allowed.
_OUTCOMES: Mapping[tuple[str, str], str] = {
    (DiscrepancyKind.MISSING, Resolution.FOUND): CardState.RECEIVED,
    (DiscrepancyKind.MISSING, Resolution.LOST): CardState.LOST,
    (DiscrepancyKind.MISSING, Resolution.DAMAGED): CardState.SPOILED,
    # Looked again: the card is fine.
    (DiscrepancyKind.DAMAGED, Resolution.FOUND): CardState.RECEIVED,
    (DiscrepancyKind.DAMAGED, Resolution.DAMAGED): CardState.SPOILED,
    (DiscrepancyKind.DAMAGED, Resolution.LOST): CardState.LOST,
    # The card was sent where it belongs; its own case stays.
    (DiscrepancyKind.EXTRA, Resolution.FOUND): "unchanged",
}


def resolution_outcome(kind: str, resolution: str) -> str | None:
    """The card's fate for a case of ``kind`` resolved as ``resolution`` (None: refused)."""
    return _OUTCOMES.get((kind, resolution))


def age_years(birth: date, today: date) -> int:
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


#: Bands of waiting time (days at the kecamatan) for uncollected-card reports.
WAIT_BANDS = (30, 60, 90)


def wait_band(days: int) -> int:
    """The highest band ``days`` has passed (0, 30, 60 or 90)."""
    passed = [b for b in WAIT_BANDS if days > b]
    return passed[-1] if passed else 0


# --- alerts ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class UncollectedAlert:
    """One alert for cards that waited too long at one kecamatan (``cetak.notify``)."""

    key: str  # once per kecamatan and ISO week
    kode_kecamatan: str
    cards: int
    message: str
    kind: str = "uncollected"
    level: str = "WARNING"

    @property
    def data(self) -> dict[str, Any]:
        return {"kode_kecamatan": self.kode_kecamatan, "cards": self.cards}


def uncollected_alerts(
    late: Iterable[Mapping[str, Any]], *, today: date, days: int
) -> list[UncollectedAlert]:
    """One alert per kecamatan (in code order) for the cards of ``late`` (rows of the return
    list: ``kode_kecamatan``, ``kecamatan``), keyed by kecamatan and ``today``'s ISO week so
    that it is raised once a week while cards wait beyond ``days``."""
    week = today.isocalendar()
    per_kecamatan: dict[str, list[Mapping[str, Any]]] = {}
    for card in late:
        per_kecamatan.setdefault(card["kode_kecamatan"], []).append(card)
    return [
        UncollectedAlert(
            key=f"uncollected:{kode}:{week.year}-W{week.week:02d}",
            kode_kecamatan=kode,
            cards=len(cards),
            message=(
                f"{len(cards)} KTP-el menunggu lebih dari {days} hari "
                f"di Kecamatan {cards[0]['kecamatan']}: jemput bola atau tarik kembali ke "
                "Disdukcapil"
            ),
        )
        for kode, cards in sorted(per_kecamatan.items())
    ]
