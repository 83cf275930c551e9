"""Issue 13: a receipt written to a file gets a readable text preview beside its ESC/POS
bytes, rendered by the same functions (same lines, same wrapping, the reference named)."""

from __future__ import annotations

import pytest

from papers.receipts import receipt_bytes, receipt_text

from receipt_samples import RECEIPT, SLIP


def test_the_pickup_preview_shows_every_line_of_the_receipt():
    text = receipt_text(RECEIPT)
    assert "TANDA TERIMA KTP-EL" in text
    for line in ("NIK          : 3310********0001", "Nama         : Suparmi", "Petugas"):
        assert line in text
    assert f"[kode batang: {RECEIPT.card_ref}]" in text  # decoded from its Code128 data
    assert "\x1b" not in text and "\x1d" not in text  # no printer commands in a preview
    # Every text line of the preview is in the ESC/POS stream too.
    stream = receipt_bytes(RECEIPT)
    for line in text.splitlines():
        if line.strip() and not line.strip().startswith("[") and "(potong)" not in line:
            assert line.strip().encode() in stream


@pytest.mark.parametrize("profile", ["TM-T88V", "POS-5890", "default"])
def test_the_slip_preview_follows_the_paper_width(profile):
    text = receipt_text(SLIP, profile)
    assert SLIP.shipment_id in text and "SERAH TERIMA KTP-EL" in text
    printed = [ln for ln in text.splitlines() if "(potong)" not in ln and "[kode" not in ln]
    widest = max(len(line) for line in printed)
    assert widest <= (32 if profile == "POS-5890" else 48)


def test_an_unknown_profile_is_refused():
    with pytest.raises(ValueError, match="profile"):
        receipt_text(SLIP, "TM-T999")
