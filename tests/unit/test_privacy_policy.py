"""One masking policy by role (issue 13 item 10): ``cetak.privacy`` decides, for every
screen, export and paper, whether a role sees a NIK whole. Pure: no database."""

from __future__ import annotations

import pytest

from cetak.access import Action, Role, allowed, display_nik
from cetak.privacy import may_see_full_nik, nik_for_role, nik_with_ref

NIK = "3310014102950002"
MASKED = "3310********0002"


@pytest.mark.parametrize("role", [*Role, "nobody", ""])
def test_the_policy_follows_the_permissions_table(role: str) -> None:
    whole = allowed(role, Action.VIEW_FULL_NIK)
    assert may_see_full_nik(role) is whole
    assert nik_for_role(NIK, role) == (NIK if whole else MASKED)
    assert display_nik(NIK, role) == nik_for_role(NIK, role)  # the old name, same rule


def test_operators_and_the_supervisor_see_it_whole_others_masked() -> None:
    assert may_see_full_nik("operator") and may_see_full_nik("supervisor")
    assert not may_see_full_nik("viewer") and not may_see_full_nik("stock_manager")


def test_a_masked_nik_carries_what_tells_cards_apart() -> None:
    assert nik_with_ref(NIK, "viewer", ref="K00000017-1", name="SITI") == (
        f"{MASKED} · K00000017-1 · SITI"
    )
    assert nik_with_ref(NIK, "viewer") == MASKED
    assert nik_with_ref(NIK, "operator", ref="K1") == f"{NIK} · K1"
    assert nik_with_ref("123", "viewer") == "***"  # malformed: nothing of it shown
