"""Daily usage is averaged over the days that carry data, today included once it has use,
and every figure says what it rests on (issue 11, item 17).

The complaint: 520 blanks printed on a young installation's first day, yet the letter to
Ditjen said "Rata-rata pemakaian blangko per hari: 0 keping" and the Stok page 0,0
blangko/hari, because the window ended yesterday and spread over 28 empty days.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest

from cetak.db import write_session
from cetak.settings import Settings
from dashboard.data import stock_figures
from intake.service import ingest_one
from inventory import ledger, paperwork, reorder
from inventory.ledger import DEFAULT_SITE
from inventory.models import ReorderRequest
from inventory.policy import SHORT_HISTORY_DAYS, DayUsage, usage_basis, usage_stats
from inventory.rules import Kind
from papers.documents import render_reorder_letter

from factory import BatchSpec, make_row
from paper_samples import read_pdf, reorder_letter

TODAY = date(2026, 11, 24)
WINDOW = 28


def window(used_by_day: dict[int, int], *, prr_by_day: dict[int, int] | None = None):
    """The usage window ending today: ``WINDOW`` whole days and today (key 0 = today,
    1 = yesterday ...)."""
    prr = prr_by_day or {}
    return [
        DayUsage(
            day=TODAY - timedelta(days=k),
            used=used_by_day.get(k, 0),
            new_prr=prr.get(k, 0),
            stocked_out=False,
        )
        for k in range(WINDOW, -1, -1)
    ]


# --- the pure rule -------------------------------------------------------------------------


def test_a_first_day_of_printing_counts_today_and_rests_on_one_day():
    stats = usage_stats(
        window({0: 520}, prr_by_day={0: 1_000}),
        spoiled=0,
        today=TODAY,
        usage_since=TODAY,
        prr_since=TODAY,
    )
    assert stats.mean == 520
    assert stats.days == 1 and stats.short_history
    assert stats.new_prr_per_day == 1_000 and stats.prr_days == 1


def test_today_without_use_yet_is_not_a_day_of_zero_use():
    stats = usage_stats(
        window({1: 400, 2: 400}), spoiled=0, today=TODAY, usage_since=TODAY - timedelta(days=2)
    )
    assert stats.mean == 400 and stats.days == 2


def test_days_before_the_first_use_are_not_data_but_quiet_days_after_it_are():
    stats = usage_stats(
        window({3: 300, 1: 300}), spoiled=0, today=TODAY, usage_since=TODAY - timedelta(days=3)
    )
    # days 3, 2 (nothing printed: a real quiet day) and 1; today has no use yet
    assert stats.days == 3 and stats.mean == pytest.approx(200)


def test_nothing_ever_used_gives_no_day_and_no_average():
    stats = usage_stats(window({}), spoiled=0, today=TODAY, usage_since=date.max)
    assert stats.days == 0 and stats.mean == 0
    assert usage_basis(stats.days) == "belum ada data pemakaian"


def test_a_mature_history_rests_on_the_whole_window():
    stats = usage_stats(
        window(dict.fromkeys(range(1, WINDOW + 1), 400)),
        spoiled=0,
        today=TODAY,
        usage_since=TODAY - timedelta(days=400),
    )
    assert stats.days == WINDOW and stats.mean == 400 and not stats.short_history
    assert usage_basis(stats.days) == "berdasarkan 28 hari data"


def test_blanks_only_spoiled_today_give_no_spoilage_rate_of_one():
    # a few blanks damaged on the shelf today, nothing printed: r = 1 would crash the policy
    stats = usage_stats(window({0: 4}), spoiled=4, today=TODAY, usage_since=TODAY)
    assert stats.spoilage_rate == 0.0
    assert usage_stats(window({0: 10}), spoiled=4, today=TODAY).spoilage_rate == 0.4


def test_the_basis_warns_while_the_history_is_short():
    assert usage_basis(1) == "berdasarkan 1 hari data; riwayat masih pendek"
    assert usage_basis(6) == "berdasarkan 6 hari data; riwayat masih pendek"
    assert usage_basis(7) == "berdasarkan 7 hari data"


# --- the letter ----------------------------------------------------------------------------


def letter_text(**changes: object) -> str:
    days = changes.get("usage_days")
    if isinstance(days, int):  # the stock policy words the basis; the letter only states it
        changes.setdefault("usage_basis", usage_basis(days) if days else "")
        changes.setdefault("short_history", days < SHORT_HISTORY_DAYS)
    doc = replace(reorder_letter(), **changes)  # type: ignore[arg-type]
    return read_pdf(render_reorder_letter(doc)).words()


def test_the_letter_states_the_average_with_its_short_basis():
    text = letter_text(daily_consumption=520.0, days_of_cover=480 / 520, usage_days=1)
    assert (
        "Rata-rata pemakaian blangko per hari : 520 keping "
        "(berdasarkan 1 hari data; riwayat masih pendek)"
    ) in text
    assert "cukup untuk : 0,9 hari (perkiraan awal dari riwayat pendek)" in text


def test_the_letter_states_no_average_without_a_day_of_data():
    text = letter_text(daily_consumption=0.0, days_of_cover=None, usage_days=0)
    assert (
        "Rata-rata pemakaian blangko per hari : belum dapat dihitung (belum ada data pemakaian)"
    ) in text
    assert "hari : 0 keping" not in text
    assert "diperkirakan habis" not in text


# --- on a real database: the check, the letter and the Stok page agree ---------------------


@pytest.fixture
def settings(home: Settings) -> Settings:
    return home


def first_day(engine, served, settings: Settings, tmp_path: Path) -> date:
    """A young installation: 1,000 blanks and 1,000 PRRs today, 520 blanks used so far."""
    today = served.today()
    with write_session(engine) as s:
        ledger.receive_stock(s, lot="LOT-1", quantity=1_000, actor="test", received_on=today)
    path = BatchSpec(rows=[make_row(seq=i) for i in range(1_000)]).write(tmp_path / "inbox")
    ingest_one(
        engine=engine,
        path=path,
        served=served,
        today=today,
        home_dirs=(settings.archive_dir, settings.rejected_dir, settings.outbox_dir),
    )
    with write_session(engine) as s:
        ledger.post(
            s,
            key="first-day:printed",
            kind=Kind.CONSUMED,
            site=DEFAULT_SITE,
            lot="LOT-1",
            delta_on_hand=-520,
            actor="test",
        )
    return today


def test_first_day_figures_are_true_in_the_check_the_letter_and_the_stok_page(
    engine, served, settings, tmp_path
):
    today = first_day(engine, served, settings, tmp_path)
    with write_session(engine) as s:
        result = reorder.check(s, settings=settings, served=served, today=today, actor="test")
    facts = result.facts
    assert facts.daily_consumption == 520 and facts.usage_days == 1
    # PRRs per day rest on the day they arrived, not on 28 empty days
    assert facts.new_prr_per_day == 1_000 and facts.prr_days == 1
    assert result.position.days_of_cover == pytest.approx(480 / 520)
    assert result.request is not None
    # the request lasts the lead time and the review period at the stated use
    horizon = settings.lead_time_days + settings.review_period_days
    assert result.request.quantity + facts.on_hand >= facts.daily_consumption * horizon

    with write_session(engine) as s:
        request = s.get(ReorderRequest, result.request.id)
        doc = paperwork._letter_doc(request, served, settings)
        figures = stock_figures(s, today=today, settings=settings, served=served)
    text = read_pdf(render_reorder_letter(doc)).words()
    assert (
        "Rata-rata pemakaian blangko per hari : 520 keping "
        "(berdasarkan 1 hari data; riwayat masih pendek)"
    ) in text
    assert "hari : 0 keping" not in text
    assert figures["daily_consumption"] == 520 and figures["usage_days"] == 1
    assert figures["usage_basis"] == "berdasarkan 1 hari data; riwayat masih pendek"
    assert figures["short_history"]
