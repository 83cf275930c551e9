"""Personal data: a NIK is shown masked wherever the full number is not needed.

Pure functions every layer uses (the screens, the papers, the receipts and the logs); the
rules of a NIK's digits live with the feed in ``intake.nik``.
"""

from __future__ import annotations

import re

_FULL_NIK = re.compile(r"(?<!\d)\d{16}(?!\d)")


def mask_nik(nik: str) -> str:
    """``3310********0001``: region and sequence only, for everyone who needs no more."""
    if len(nik) != 16:
        return "*" * min(len(nik), 16)
    return f"{nik[:4]}{'*' * 8}{nik[12:]}"


def holds_full_nik(text: str) -> bool:
    """True when ``text`` carries a run of exactly 16 digits: a NIK shown unmasked."""
    return _FULL_NIK.search(text) is not None
