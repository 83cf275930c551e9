"""Reorder policy for blank cards (inventory.policy), checked against hand-computed cases."""

from __future__ import annotations

import dataclasses
from collections.abc import Collection
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from inventory.policy import (
    DayUsage,
    ReorderInputs,
    UsageStats,
    reorder_position,
    round_up_to_box,
    usage_stats,
)

FAST = settings(max_examples=200, deadline=None)
Z95 = 1.6448536269514715  # NormalDist().inv_cdf(0.95)


def steady(mean: float = 0.0, sd: float = 0.0, new_prr: float = 0.0, r: float = 0.0) -> UsageStats:
    return UsageStats(mean=mean, sd=sd, new_prr_per_day=new_prr, spoilage_rate=r, days=14)


def inputs(**changes: object) -> ReorderInputs:
    base = ReorderInputs(
        on_hand=500,
        in_transit=0,
        known_demand_lead=800,
        known_demand_cycle=1400,
        usage=steady(mean=100.0, new_prr=100.0),
        lead_time_days=5.0,
        review_period_days=2.0,
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def history(
    used: list[int], *, new_prr: list[int] | None = None, out: Collection[int] = ()
) -> list[DayUsage]:
    start = date(2016, 9, 1)
    prr = new_prr if new_prr is not None else [0] * len(used)
    return [
        DayUsage(day=start + timedelta(days=i), used=u, new_prr=p, stocked_out=i in out)
        for i, (u, p) in enumerate(zip(used, prr, strict=True))
    ]


# --- Klaten, September 2016 -------------------------------------------------------------


def test_klaten_4000_blanks_at_600_a_day_escalate_and_reorder_with_7_day_lead_time():
    result = reorder_position(
        ReorderInputs(
            on_hand=4_000,
            in_transit=0,
            known_demand_lead=1_900,  # queued + scheduled + held releasing within 7 days
            known_demand_cycle=2_850,  # the same within 7 + 7 days
            usage=steady(mean=600.0, sd=60.0, new_prr=300.0, r=0.05),
            lead_time_days=7.0,
            review_period_days=7.0,
            service_level=0.95,
        )
    )
    # days of cover = 4000 / 600 = 6.67 < 7 days of lead time -> escalate
    assert result.days_of_cover == pytest.approx(6.67, abs=0.005)
    assert result.escalate
    # reorder point = 1900 / 0.95 + 300 * 7 + 1.6449 * 60 * sqrt(7)
    #               = 2000 + 2100 + 261.11 = 4361.11 -> 4362
    assert result.reorder_point == 4_362
    assert result.safety_stock == 262  # ceil(261.11)
    # position 4000 <= 4362 -> reorder
    assert result.position == 4_000
    assert result.reorder_due
    # order up to = 2850 / 0.95 + 300 * 14 + 1.6449 * 60 * sqrt(14)
    #             = 3000 + 4200 + 369.27 = 7569.27 -> 7570; order 7570 - 4000 = 3570
    assert result.order_up_to == 7_570
    assert result.order_quantity == 3_570
    assert round_up_to_box(result.order_quantity) == 3_600
    assert result.z == pytest.approx(1.6449, abs=1e-4)


# --- the terms of the formula, one at a time ---------------------------------------------


def test_no_spoilage_and_no_variance_reduces_to_known_demand_plus_new_prrs_times_lead_time():
    result = reorder_position(
        inputs(
            known_demand_lead=1_200,
            known_demand_cycle=1_500,
            usage=steady(mean=250.0, sd=0.0, new_prr=250.0),
            lead_time_days=4.0,
            review_period_days=3.0,
        )
    )
    # reorder point = 1200 + 250 * 4 = 2200; sd 0 -> no safety stock whatever z is
    assert result.reorder_point == 2_200
    assert result.safety_stock == 0
    # order up to = 1500 + 250 * (4 + 3) = 3250
    assert result.order_up_to == 3_250


def test_spoilage_rate_inflates_known_demand_by_one_over_one_minus_r():
    result = reorder_position(
        inputs(known_demand_lead=1_000, known_demand_cycle=1_000, usage=steady(r=0.05))
    )
    # 1000 / 0.95 = 1052.63 -> 1053 blanks for 1000 good cards
    assert result.reorder_point == 1_053
    assert result.order_up_to == 1_053


def test_float_noise_does_not_cost_an_extra_blank():
    result = reorder_position(
        inputs(known_demand_lead=21, known_demand_cycle=21, usage=steady(r=0.3))
    )
    # 21 / 0.7 = 30 exactly by hand; in floating point it is 30.000000000000004
    assert result.reorder_point == 30


def test_safety_stock_at_95_percent_with_sd_60_over_4_days():
    result = reorder_position(
        inputs(
            known_demand_lead=0,
            known_demand_cycle=0,
            usage=steady(mean=400.0, sd=60.0),
            lead_time_days=4.0,
            review_period_days=0.0,
        )
    )
    # ceil(1.6449 * 60 * sqrt(4)) = ceil(197.38) = 198
    assert result.z == pytest.approx(Z95)
    assert result.safety_stock == 198
    assert result.reorder_point == 198
    assert result.order_up_to == 198  # R = 0: the cycle is the lead time


def test_service_level_of_one_half_means_no_safety_stock():
    result = reorder_position(inputs(usage=steady(sd=60.0), service_level=0.5))
    assert result.z == 0.0
    assert result.safety_stock == 0


def test_order_quantity_fills_up_to_the_demand_of_lead_time_plus_review_period():
    result = reorder_position(inputs())
    # reorder point = 800 + 100 * 5 = 1300; order up to = 1400 + 100 * (5 + 2) = 2100
    # position 500 <= 1300 -> order 2100 - 500 = 1600
    assert (result.reorder_point, result.order_up_to) == (1_300, 2_100)
    assert result.reorder_due
    assert result.order_quantity == 1_600


def test_reorder_is_due_exactly_at_the_reorder_point():
    result = reorder_position(inputs(on_hand=1_300))
    assert result.reorder_due
    assert result.order_quantity == 800  # 2100 - 1300


def test_no_reorder_when_position_is_above_the_reorder_point():
    result = reorder_position(inputs(on_hand=1_301))
    # 1301 > 1300
    assert not result.reorder_due
    assert result.order_quantity == 0


def test_blanks_in_transit_count_toward_the_position_but_not_the_days_of_cover():
    result = reorder_position(inputs(on_hand=500, in_transit=900, usage=steady(125.0, 0, 100)))
    # position = 500 + 900 = 1400 > 1300 -> nothing more to ask for
    assert result.position == 1_400
    assert not result.reorder_due
    assert result.order_quantity == 0
    # but the shelf holds 500 / 125 = 4 days < 5 days of lead time -> escalate
    assert result.days_of_cover == pytest.approx(4.0)
    assert result.escalate


def test_days_of_cover_equal_to_lead_time_does_not_escalate():
    result = reorder_position(inputs(on_hand=500, usage=steady(mean=100.0)))
    # 500 / 100 = 5 days, not less than L = 5
    assert result.days_of_cover == pytest.approx(5.0)
    assert not result.escalate


def test_zero_usage_history_gives_no_days_of_cover_and_no_escalation():
    stats = usage_stats(history([0, 0, 0]), spoiled=0)
    assert (stats.mean, stats.sd, stats.spoilage_rate) == (0.0, 0.0, 0.0)
    result = reorder_position(inputs(on_hand=0, usage=stats))
    assert result.days_of_cover is None
    assert not result.escalate


# --- usage history -----------------------------------------------------------------------


def test_stocked_out_days_are_left_out_of_mean_and_sd_but_not_new_prrs_or_spoilage():
    days = history(
        [400, 500, 600, 100, 0],
        new_prr=[300, 350, 400, 450, 500],
        out={3, 4},  # the shelf ran empty on the last two days
    )
    stats = usage_stats(days, spoiled=32)
    # mean over 400, 500, 600 = 500 (not 1600 / 5 = 320)
    assert stats.mean == pytest.approx(500.0)
    # sd = sqrt(((-100)^2 + 0^2 + 100^2) / (3 - 1)) = sqrt(10000) = 100
    assert stats.sd == pytest.approx(100.0)
    assert stats.days == 3
    # new PRRs over all 5 days: (300 + 350 + 400 + 450 + 500) / 5 = 400
    assert stats.new_prr_per_day == pytest.approx(400.0)
    # spoilage over all use: 32 / (400 + 500 + 600 + 100 + 0) = 32 / 1600 = 0.02
    assert stats.spoilage_rate == pytest.approx(0.02)


def test_sd_is_zero_with_fewer_than_two_days_of_unlimited_use():
    stats = usage_stats(history([600, 50], out={1}), spoiled=0)
    assert (stats.mean, stats.sd, stats.days) == (600.0, 0.0, 1)


def test_empty_history_gives_zero_stats():
    assert usage_stats([], spoiled=0) == UsageStats(0.0, 0.0, 0.0, 0.0, 0)


@pytest.mark.parametrize(
    ("days", "spoiled", "message"),
    [
        (history([10]), -1, "spoiled"),
        (history([10]), 11, "spoiled"),
        (history([-1]), 0, "used"),
        (history([1], new_prr=[-1]), 0, "new_prr"),
        (history([1]) * 2, 0, "twice"),
    ],
)
def test_invalid_history_raises_value_error(days, spoiled, message):
    with pytest.raises(ValueError, match=message):
        usage_stats(days, spoiled=spoiled)


# --- validation --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"on_hand": -1}, "on_hand"),
        ({"in_transit": -1}, "in_transit"),
        ({"known_demand_lead": -1}, "known_demand_lead"),
        ({"known_demand_cycle": -1}, "known_demand_cycle"),
        ({"known_demand_lead": 900, "known_demand_cycle": 800}, "known_demand_cycle"),
        ({"usage": steady(r=1.0)}, "spoilage_rate"),
        ({"usage": steady(r=-0.01)}, "spoilage_rate"),
        ({"usage": steady(mean=-1.0)}, "usage.mean"),
        ({"usage": steady(sd=-1.0)}, "usage.sd"),
        ({"usage": steady(new_prr=-1.0)}, "new_prr_per_day"),
        ({"usage": steady(sd=float("nan"))}, "usage.sd"),
        ({"lead_time_days": 0.0}, "lead_time_days"),
        ({"lead_time_days": -3.0}, "lead_time_days"),
        ({"review_period_days": -1.0}, "review_period_days"),
        ({"service_level": 0.49}, "service_level"),
        ({"service_level": 1.0}, "service_level"),
    ],
)
def test_invalid_inputs_raise_value_error_naming_the_input(changes, message):
    with pytest.raises(ValueError, match=message):
        reorder_position(inputs(**changes))


def test_round_up_to_box_sends_whole_boxes_and_keeps_zero():
    assert round_up_to_box(0) == 0
    assert round_up_to_box(1) == 100
    assert round_up_to_box(100) == 100
    assert round_up_to_box(3_570) == 3_600
    assert round_up_to_box(3_570, box=500) == 4_000
    with pytest.raises(ValueError, match="quantity"):
        round_up_to_box(-1)
    with pytest.raises(ValueError, match="box"):
        round_up_to_box(10, box=0)


# --- properties --------------------------------------------------------------------------

counts = st.integers(min_value=0, max_value=100_000)
rates = st.floats(min_value=0.0, max_value=3_000.0)


@FAST
@given(
    on_hand=counts,
    in_transit=counts,
    lead_demand=counts,
    cycle_demand=counts,
    mean=rates,
    sd=rates,
    new_prr=rates,
    r=st.floats(min_value=0.0, max_value=0.99),
    lead=st.floats(min_value=0.1, max_value=60.0),
    review=st.floats(min_value=0.0, max_value=60.0),
    level=st.floats(min_value=0.5, max_value=0.999),
)
def test_policy_invariants_hold_for_valid_inputs(
    on_hand, in_transit, lead_demand, cycle_demand, mean, sd, new_prr, r, lead, review, level
):
    given_inputs = ReorderInputs(
        on_hand=on_hand,
        in_transit=in_transit,
        known_demand_lead=lead_demand,
        known_demand_cycle=cycle_demand,
        usage=UsageStats(mean=mean, sd=sd, new_prr_per_day=new_prr, spoilage_rate=r, days=7),
        lead_time_days=lead,
        review_period_days=review,
        service_level=level,
    )
    if cycle_demand < lead_demand:
        with pytest.raises(ValueError, match="known_demand_cycle"):
            reorder_position(given_inputs)
        return
    result = reorder_position(given_inputs)
    assert result.reorder_point <= result.order_up_to
    assert result.order_quantity >= 0
    assert result.position == on_hand + in_transit
    assert result.reorder_due == (result.position <= result.reorder_point)
    assert (result.order_quantity > 0) <= result.reorder_due
    assert 0 <= result.safety_stock <= result.reorder_point
    assert result.escalate == (result.days_of_cover is not None and result.days_of_cover < lead)
