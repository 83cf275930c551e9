"""Raw codes read as Bahasa labels (issue 13 item 9): quarantine reasons, batch rejections,
alert levels, roles, audit rows. Pure: no database."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum

import pytest

from cetak import labels
from cetak.access import ROLE_LABELS, Role
from cetak.labels import actor_label, coded, label
from intake.errors import RejectCode
from intake.rules import Reason

ENUMS: list[tuple[type[StrEnum], Mapping[str, str]]] = [
    (Reason, labels.QUARANTINE_REASON),
    (RejectCode, labels.REJECT_CODE),
    (Role, labels.ROLE),
]


@pytest.mark.parametrize(("enum", "table"), ENUMS, ids=[e.__name__ for e, _ in ENUMS])
def test_every_code_has_a_bahasa_label(enum: type[StrEnum], table: Mapping[str, str]) -> None:
    assert set(table) == {m.value for m in enum}
    for member in enum:
        assert table[member].strip() and table[member] != member.value
    assert len(set(table.values())) == len(table)


def test_role_labels_are_the_access_tables() -> None:
    assert {r.value: text for r, text in ROLE_LABELS.items()} == dict(labels.ROLE)


def test_coded_values_read_as_labels() -> None:
    assert coded("DUPLICATE_NIK_IN_BATCH") == "NIK ganda dalam satu batch"
    assert coded("wrong_password") == "kata sandi salah"
    assert coded("supervisor") == "Kepala seksi"
    assert coded("WARNING") == "Peringatan"
    assert coded("dispatched") == "dikirim"
    assert coded("ribbon") == "pita warna (ribbon)"
    assert coded(["lost", "found"]) == "dinyatakan hilang, ditemukan"
    assert coded(3) == "3" and coded(None) == "-"
    assert coded("KRM-3310-0001") == "KRM-3310-0001"  # not a code: as it is


def test_audit_labels() -> None:
    assert label(labels.AUDIT_ACTION, "stock_receipt") == "terima lot blangko"
    assert label(labels.AUDIT_DETAIL_KEY, "reason") == "alasan"
    assert actor_label("cli:kasi") == "kasi (baris perintah)"
    assert actor_label("dashboard:kasi") == "kasi"
    assert actor_label("flow:print_run/fargo-1") == "proses otomatis: pencetakan (fargo-1)"
    assert actor_label(None) == "-"
