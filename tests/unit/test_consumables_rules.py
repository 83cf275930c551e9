"""Consumables: what a loaded roll can still print and the office's cover (issue 15)."""

from __future__ import annotations

import pytest

from printers.consumables import cards_left, cover


def test_cards_left_is_the_smaller_of_count_and_report() -> None:
    assert cards_left(500, 120, None) == 380
    assert cards_left(500, 120, 50) == 250  # the printer says half is left
    assert cards_left(500, 620, None) == 0
    assert cards_left(500, 0, 130) == 500  # a report above 100% is read as 100%


def test_cover_and_what_to_order() -> None:
    c = cover(
        "ribbon",
        shelf=[(2, 500)],
        loaded_left=200,
        cards_per_day=300,
        lead_days=30,
        review_days=14,
        unit_price=3_600_000,
    )
    assert c.cards == 1_200 and c.days == pytest.approx(4.0) and c.reorder
    # 44 days x 300 cards - 1,200 = 12,000 cards = 24 rolls of 500
    assert c.rolls_to_order == 24 and c.estimated_cost == 24 * 3_600_000
    idle = cover(
        "ribbon",
        shelf=[(2, 500)],
        loaded_left=0,
        cards_per_day=0,
        lead_days=30,
        review_days=14,
        unit_price=1,
    )
    assert idle.days is None and not idle.reorder and idle.rolls_to_order == 0
