"""The demo's simulated clock (``cetak.clock.simulate``): one switch moves every "now" the
product reads (``cetak.models.utcnow``, the regency's today), and ticks on from there."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from cetak import clock
from cetak.installation import ServedRegency
from cetak.models import utcnow

SERVED = ServedRegency("33.10", "Kabupaten Klaten", "33", "Jawa Tengah", "Asia/Jakarta", {})


@pytest.fixture(autouse=True)
def wall_clock_after():
    yield
    clock.simulate(None)


def test_simulate_moves_utcnow_and_the_regency_today():
    moment = datetime(2026, 11, 5, 23, 30, tzinfo=UTC)  # 06:30 WIB on 6 November
    clock.simulate(moment)
    assert timedelta(0) <= utcnow() - moment < timedelta(seconds=5)  # it keeps ticking
    assert SERVED.today() == date(2026, 11, 6)
    assert SERVED.now().hour == 6


def test_none_goes_back_to_the_wall_clock():
    clock.simulate(datetime(2020, 1, 1, tzinfo=UTC))
    clock.simulate(None)
    assert abs(utcnow() - datetime.now(UTC)) < timedelta(seconds=5)


def test_a_naive_moment_is_refused():
    with pytest.raises(ValueError, match="aware"):
        clock.simulate(datetime(2026, 11, 5, 8, 0))  # noqa: DTZ001 - naive on purpose
