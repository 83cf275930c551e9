"""The one table of Indonesian labels: every state, cause and kind a person reads.

Keyed by the stored value (each ``StrEnum`` member equals its value), so the screens, the
command line and the papers look a label up the same way whichever layer they are in;
the enums themselves live with their feature (``printers.cards.CardState``, ...).
"""

from __future__ import annotations

from collections.abc import Mapping

#: Why a blank was spoiled (``inventory.rules.Cause``).
CAUSE: Mapping[str, str] = {
    "GAGAL_CETAK": "Gagal cetak",
    "GAGAL_ENCODE": "Gagal tulis chip",
    "RUSAK_FISIK": "Rusak fisik",
    "PERUBAHAN_DATA": "Perubahan data",
}


def label(table: Mapping[str, str], value: str | None) -> str:
    """The label of ``value``; an unknown value reads as itself, words spaced, not as an
    error (a value stored by a newer version stays readable)."""
    if value is None:
        return "-"
    return table.get(value, value.replace("_", " ").capitalize())
