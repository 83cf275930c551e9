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


# --- One masking policy by role (issue 13 item 10) -------------------------------------
#
# The rule: a NIK is shown whole only to a role that may check it against the person in
# front of them (``Action.VIEW_FULL_NIK`` in ``cetak.access.PERMISSIONS``: operators, who
# hand cards to residents, and the supervisor). Every other role, an unknown role and
# every printed paper that leaves the room reads ``3310********0001``; where staff must
# tell cards apart there, the card reference and the name stand beside the masked NIK
# (``nik_with_ref``). Every page, export and document asks these two functions.


def may_see_full_nik(role: str) -> bool:
    """True when ``role`` may see a NIK whole (``Action.VIEW_FULL_NIK``)."""
    # Imported here: ``cetak.access`` imports this module for ``mask_nik``.
    from cetak.access import Action, allowed

    return allowed(role, Action.VIEW_FULL_NIK)


def nik_for_role(nik: str, role: str) -> str:
    """The NIK as ``role`` may see it: whole for those who check it, else masked."""
    return nik if may_see_full_nik(role) else mask_nik(nik)


def nik_with_ref(nik: str, role: str, *, ref: str | None = None, name: str | None = None) -> str:
    """The NIK for ``role`` with what tells two masked NIKs apart:
    ``3310********0002 · KRT-17 · Siti``.

    A role that sees the whole NIK needs nothing beside it, but the reference and the name
    are added all the same when given, so one line reads alike for everyone.
    """
    parts = [nik_for_role(nik, role)]
    parts += [p for p in (ref, name) if p]
    return " · ".join(parts)
