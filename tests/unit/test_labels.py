"""The one table of Indonesian labels (issue 12, item 2): every member of every state enum
has its label, labels are unique within a table, the old names read the same table, and an
unknown value reads as itself. Pure: no database."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum

import pytest

from cetak import labels
from cetak.labels import label
from cetak.lifecycle import STATE_LABELS, RecordState
from distribution import rules
from distribution.models import DiscrepancyState, ReceiptState, ShipmentState
from distribution.rules import CardPlace, DiscrepancyKind, Resolution
from inventory import operations
from inventory.rules import CAUSE_LABELS, Cause, Kind
from printers import cards, production, registry
from printers.cards import DISTRIBUTION_STATES, CardState
from printers.drivers.base import Fault
from printers.states import JobState, PrinterState

#: Each enum with the table that labels it: every member must be there, and nothing else.
ENUMS: list[tuple[type[StrEnum], Mapping[str, str]]] = [
    (RecordState, labels.RECORD_STATE),
    (CardState, labels.CARD_STATE),
    (PrinterState, labels.PRINTER_STATE),
    (JobState, labels.JOB_STATE),
    (Fault, labels.FAULT),
    (ShipmentState, labels.SHIPMENT_STATE),
    (ReceiptState, labels.RECEIPT_STATE),
    (DiscrepancyState, labels.DISCREPANCY_STATE),
    (DiscrepancyKind, labels.DISCREPANCY_KIND),
    (Resolution, labels.RESOLUTION),
    (Cause, labels.CAUSE),
    (Kind, labels.MOVEMENT_KIND),
]


@pytest.mark.parametrize(("enum", "table"), ENUMS, ids=[e.__name__ for e, _ in ENUMS])
def test_every_member_of_every_enum_has_a_label(
    enum: type[StrEnum], table: Mapping[str, str]
) -> None:
    assert set(table) == {m.value for m in enum}
    for member in enum:
        assert table[member] == table[member.value]  # a member looks up as its stored string
        assert table[member].strip() and table[member] != member.value  # Bahasa, not the code
        assert label(table, member) == table[member]


def test_every_table_is_listed_and_its_labels_are_unique() -> None:
    tables = {name: getattr(labels, name) for name in labels.TABLES}
    assert tables == dict(labels.TABLES)
    every = [t for _, t in ENUMS] + [labels.PLACE, labels.PROPOSAL, labels.REQUEST_STATE]
    assert {id(t) for t in every} == {id(t) for t in labels.TABLES.values()}
    for name, table in labels.TABLES.items():
        texts = list(table.values())
        assert len(set(texts)) == len(texts), f"{name}: two values share a label"
        assert all(isinstance(k, str) and k for k in table), name


def test_places_cover_the_cards_of_distribution_and_spoiled_ones() -> None:
    assert set(labels.PLACE) == {s.value for s in DISTRIBUTION_STATES} | {CardState.SPOILED}
    assert set(labels.PROPOSAL) == {
        operations.PROPOSED,
        operations.APPROVED,
        operations.REJECTED,
    }


def test_unknown_values_read_as_themselves() -> None:
    assert label(labels.CARD_STATE, "shredded") == "Shredded"
    assert label(labels.PRINTER_STATE, "warming_up") == "Warming up"
    assert label(labels.CAUSE, None) == "-"
    assert cards.label("shredded") == "shredded"  # the card's own reader: raw, as before
    assert cards.label(None) == "-"


def test_stored_strings_are_unchanged() -> None:
    assert [s.value for s in PrinterState] == [
        "online",
        "busy",
        "resting",
        "offline",
        "maintenance",
    ]
    assert [s.value for s in JobState] == ["planned", "running", "done", "stopped", "released"]
    assert [s.value for s in ShipmentState] == ["packed", "dispatched", "received"]
    assert [s.value for s in ReceiptState] == ["pending", "printed", "failed"]
    assert [s.value for s in DiscrepancyState] == ["open", "resolved"]
    assert [s.value for s in DiscrepancyKind] == ["missing", "damaged", "extra"]
    assert registry.STATES == ("online", "busy", "resting", "offline", "maintenance")


def test_one_card_enum_and_the_old_names_read_the_one_table() -> None:
    assert CardPlace is CardState
    assert cards.LABELS is labels.CARD_STATE
    assert STATE_LABELS is labels.RECORD_STATE
    assert CAUSE_LABELS is labels.CAUSE
    assert rules.PLACE_LABELS is labels.PLACE
    assert rules.RESOLUTION_LABELS is labels.RESOLUTION
    assert rules.KIND_LABELS is labels.DISCREPANCY_KIND
    assert production.FAULT_LABELS is labels.FAULT
    assert operations.PROPOSAL_LABELS is labels.PROPOSAL
    # Text unchanged where it was read before (CLI, dashboard, distribution).
    assert labels.PRINTER_STATE["maintenance"] == "perawatan"
    assert labels.CARD_STATE[CardState.PASSED] == "lolos QC"
    assert labels.PLACE[CardState.COLLECTED] == "sudah diambil pemohon"
    assert labels.RECORD_STATE[RecordState.NEEDS_ATTENTION] == "perlu perhatian operator"
