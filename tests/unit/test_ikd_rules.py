"""IKD activation figures: one day's check and the CSV (issue 15)."""

from __future__ import annotations

from datetime import date

from inventory.ikd import check, parse

TODAY = date(2026, 12, 3)


def test_a_days_figure_is_checked() -> None:
    assert check(date(2026, 12, 1), 37, TODAY) == []
    assert check(date(2099, 1, 1), 5, TODAY) == ["future_date"]
    assert check(date(2020, 1, 1), -1, TODAY) == ["too_old", "negative"]
    assert check(None, 1_000_000_000, TODAY) == ["bad_date", "too_large"]


def test_the_csv_is_all_or_nothing_with_lines_named() -> None:
    rows, problems = parse("tanggal,jumlah_aktivasi\n2026-11-30,12\n01-12-2026,40\n", TODAY)
    assert rows == [(date(2026, 11, 30), 12), (date(2026, 12, 1), 40)] and problems == []
    rows, problems = parse(
        "tanggal,jumlah_aktivasi\n2026-11-30,12\n2026-11-30,3\n2026-12-31,5\nkemarin,x\n", TODAY
    )
    assert problems == [
        (3, "2026-11-30", "duplicate"),
        (4, "2026-12-31", "future_date"),
        (5, "kemarin", "bad_date"),
        (5, "x", "not_a_number"),
    ]
    assert parse("tgl;jumlah\n", TODAY) == ([], [(1, "tgl;jumlah", "bad_header")])
