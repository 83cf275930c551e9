"""Issue 11, item 10: free text reaches a receipt printer cleaned and bounded.

A name typed at ``--by`` (or stored from anywhere else) must not carry ESC/POS commands into
the printer stream (ESC @ reset, GS V cut, ESC p cash drawer), invalid UTF-8 must not stop the
print, and a 5,000-character name must not turn a receipt into metres of paper.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from papers.receipts import (
    TEXT_LIMIT,
    ReceiptPrinterConfig,
    clean_text,
    receipt_bytes,
    send,
)

from receipt_samples import RECEIPT, SLIP

ESC_INIT = b"\x1b@"
GS_CUT = b"\x1dV"
ESC_DRAWER = b"\x1bp"
HOSTILE = "Budi\x1b@\x1dV\x00\x1bp\x00\x19\x07\x0c\x7f\x9b\u202e\u200b Santoso"
INVALID_UTF8 = b"Sup\xffarmi \xc3(".decode("utf-8", "surrogateescape")  # as argv delivers it


# --- the pure function -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("Suparmi", "Suparmi"),
        ("Ni Kadek Désy", "Ni Kadek Désy"),
        ("  Budi\tSantoso\r\n", "Budi Santoso"),
        (HOSTILE, "Budi@Vp Santoso"),
        ("\x1b\x1d\x00", ""),
        (INVALID_UTF8, "Sup\ufffdarmi \ufffd("),
        (b"Sup\xffarmi", "Sup\ufffdarmi"),
    ],
)
def test_clean_text_drops_control_characters_and_mends_bad_utf8(raw, clean):
    assert clean_text(raw) == clean


def test_clean_text_bounds_the_length():
    long = clean_text("A" * 5000)
    assert len(long) == TEXT_LIMIT
    assert long.endswith("...")
    assert clean_text("Budi " * 3, limit=8) == "Budi..."
    assert len(clean_text("x" * 100, limit=20)) == 20


# --- at render time, on every path -----------------------------------------------------------


def commands(stream: bytes) -> tuple[int, int, int]:
    return stream.count(ESC_INIT), stream.count(GS_CUT), stream.count(ESC_DRAWER)


@pytest.mark.parametrize("field", ["collected_by", "officer", "nama", "kecamatan", "kabupaten"])
def test_control_bytes_in_a_pickup_receipt_never_reach_the_printer(field):
    clean = receipt_bytes(RECEIPT)
    dirty = receipt_bytes(replace(RECEIPT, **{field: HOSTILE}))
    assert commands(dirty) == commands(clean) == (1, 1, 0)
    assert dirty.startswith(ESC_INIT) and dirty.endswith(b"\x1dV\x00")
    assert b"BUDI@VP SANTOSO" in dirty.upper()


@pytest.mark.parametrize("field", ["courier", "officer", "kecamatan"])
def test_control_bytes_in_a_handover_slip_never_reach_the_printer(field):
    dirty = receipt_bytes(replace(SLIP, **{field: HOSTILE}))
    assert commands(dirty) == commands(receipt_bytes(SLIP)) == (1, 1, 0)


def test_invalid_utf8_prints_instead_of_crashing(tmp_path: Path):
    doc = replace(RECEIPT, collected_by=INVALID_UTF8, nama=INVALID_UTF8)
    stream = receipt_bytes(doc)
    assert b"Sup" in stream and b"armi" in stream
    # The same through a file target (the place without a receipt printer).
    send(doc, ReceiptPrinterConfig("file", str(tmp_path)))
    [written] = list(tmp_path.iterdir())
    assert written.read_bytes() == stream


def test_a_five_thousand_character_name_makes_an_ordinary_receipt():
    normal = receipt_bytes(RECEIPT)
    huge = receipt_bytes(replace(RECEIPT, nama="A" * 5000, collected_by="B" * 5000))
    assert len(huge) < len(normal) + 600
    assert b"A" * (TEXT_LIMIT + 1) not in huge
