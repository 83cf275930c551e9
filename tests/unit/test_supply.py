"""Planning under a cap (issue 15, item 5): what central delivers, learned from the
office's requests, and the backlog projected under that supply."""

from __future__ import annotations

from datetime import date

import pytest

from inventory.supply import Learned, PastRequest, expected_delivery, learn, project

T = date(2026, 12, 3)


def test_the_ratio_and_lead_time_are_learned_from_answered_requests() -> None:
    past = [
        PastRequest(2000, 500, date(2026, 9, 1), date(2026, 9, 20)),  # Bantul 2023: 500 of 2,000
        PastRequest(1000, 600, date(2026, 10, 1), date(2026, 10, 15)),
        PastRequest(1500, None, date(2026, 11, 1), None),  # cancelled: not an answer
    ]
    learned = learn(past)
    assert learned.delivery_ratio == pytest.approx(1100 / 3000, abs=1e-4)
    assert learned.lead_days == pytest.approx(16.5) and learned.requests == 2
    assert learn([]) == Learned(None, None, 0)


def test_the_backlog_grows_when_supply_is_short() -> None:
    days = project(
        today=T, backlog=1000, on_hand=300, new_prr_per_day=300, capacity_per_day=400, days=5
    )
    # day 1: 1,300 waiting, 300 printed (all the blanks): 1,000 left, then +300 a day
    assert [d.backlog for d in days] == [1000, 1300, 1600, 1900, 2200]
    assert days[-1].on_hand == 0
    with_delivery = project(
        today=T,
        backlog=1000,
        on_hand=300,
        new_prr_per_day=300,
        capacity_per_day=400,
        deliveries=[(date(2026, 12, 5), 600)],
        days=5,
    )
    # day 2: 600 arrive, capacity prints 400; day 3 the last 200
    assert [d.backlog for d in with_delivery] == [1000, 900, 1000, 1300, 1600]


def test_an_open_request_brings_what_central_gave_before() -> None:
    when, qty = expected_delivery(
        2000, Learned(0.25, 20.0, 3), sent_on=date(2026, 12, 1), default_lead=7
    )
    assert (when, qty) == (date(2026, 12, 21), 500)
    assert expected_delivery(
        800, Learned(None, None, 0), sent_on=date(2026, 12, 1), default_lead=7
    ) == (date(2026, 12, 8), 800)
