"""Read models and helpers written once (issue 12, item 1).

The stock figures, the printer's daily-counter rollover, the local-day-to-UTC helper and
the berita acara pemusnahan number each live in one function that the CLI (``status
--json``, ``stock status``, ``stock destroy``) and the dashboard both use.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import Session
from typer.testing import CliRunner

from cetak import clock
from cetak.db import write_session
from cli import app as cli
from cli.printing import printers_summary
from cli.stock import stock_summary
from dashboard import data
from inventory import figures, ledger, operations
from printers.models import Printer
from printers.registry import add_printer, counters_today, roll_counters

#: The keys of the ``"stock"`` object of ``cetak status --json``, in their published order.
STATUS_STOCK_KEYS = [
    "on_hand",
    "days_of_cover",
    "reorder_point",
    "open_request",
    "awaiting_destruction",
    "in_transit",
    "daily_consumption",
    "prr_backlog",
    "reorder_due",
    "escalate",
    # extensions (issue 11, item 17): what the daily average rests on
    "usage_days",
    "usage_basis",
]

WIB, WITA, WIT = "Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura"


# --- the stock read model --------------------------------------------------------------------


def test_the_cli_summary_and_the_dashboard_figures_are_read_from_one_function(monkeypatch):
    calls = []

    def fake(session, *, today, settings, served):
        calls.append(today)
        return {
            **dict.fromkeys(STATUS_STOCK_KEYS, 0),
            "days_of_cover": 12.345,
            "daily_consumption": 6.66,
            "on_hand": 4321,
            "usage_days": 3,
            "usage_basis": "berdasarkan 3 hari data; riwayat masih pendek",
        }

    monkeypatch.setattr(figures, "stock_figures", fake)

    class Served:
        @staticmethod
        def today() -> date:
            return date(2026, 11, 5)

    summary = stock_summary(None, None, Served())  # type: ignore[arg-type]
    shown = data.stock_figures(None, today=date(2026, 11, 5), settings=None, served=None)  # type: ignore[arg-type]
    assert calls == [date(2026, 11, 5)] * 2
    assert shown["on_hand"] == summary["on_hand"] == 4321
    # Each front end keeps its presentation: the CLI rounds and shows its own keys.
    assert (shown["days_of_cover"], summary["days_of_cover"]) == (12.345, 12.3)
    assert (shown["daily_consumption"], summary["daily_consumption"]) == (6.66, 6.7)
    assert list(summary) == STATUS_STOCK_KEYS and "usage_basis" in shown


def _seed_stock(engine, served) -> None:
    """A lot received a week ago, 3 + 2 + 2 blanks used the last three days, 2 spoiled."""
    today = served.today()
    with write_session(engine) as s:
        ledger.receive_stock(
            s, lot="LOT-A", quantity=500, actor="test", received_on=today - timedelta(days=7)
        )
        n = 0
        for days_ago, used in ((3, 3), (2, 2), (1, 2)):
            at = clock.day_start_utc(today - timedelta(days=days_ago), served.timezone)
            for _ in range(used):
                n += 1
                ledger.consume_blank(s, card_ref=f"K{n}", actor="test", at=at + timedelta(hours=10))
        for i in range(2):
            ledger.spoil_blank(s, cause="RUSAK_FISIK", actor="test", key=f"rusak:{i}")


def test_status_json_stock_status_and_the_dashboard_show_the_same_stock(engine, home, served):
    _seed_stock(engine, served)
    runner = CliRunner()
    status = runner.invoke(cli, ["status", "--json"])
    assert status.exit_code == 0, status.output
    stock = json.loads(status.stdout)["stock"]
    listed = runner.invoke(cli, ["stock", "status", "--json"])
    assert listed.exit_code == 0, listed.output
    table = json.loads(listed.stdout)
    with Session(engine) as s:
        shown = data.stock_figures(s, today=served.today(), settings=home, served=served)

    assert list(stock) == STATUS_STOCK_KEYS  # the --json contract: same keys, same order
    assert list(table) == [*STATUS_STOCK_KEYS, "lots"]
    assert {k: table[k] for k in STATUS_STOCK_KEYS} == stock
    assert (stock["on_hand"], stock["awaiting_destruction"]) == (491, 2)
    for key in set(STATUS_STOCK_KEYS) - {"days_of_cover", "daily_consumption"}:
        assert stock[key] == shown[key], key
    assert shown["daily_consumption"] > 0 and shown["days_of_cover"] is not None
    assert stock["daily_consumption"] == round(shown["daily_consumption"], 1)
    assert stock["days_of_cover"] == round(shown["days_of_cover"], 1)


# --- the local day in UTC --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tz", "midnight_utc"),
    [
        (WIB, datetime(2026, 11, 4, 17, tzinfo=UTC)),
        (WITA, datetime(2026, 11, 4, 16, tzinfo=UTC)),
        (WIT, datetime(2026, 11, 4, 15, tzinfo=UTC)),
    ],
)
def test_a_local_day_starts_at_local_midnight_in_utc(tz, midnight_utc):
    day = date(2026, 11, 5)
    assert clock.day_start_utc(day, tz) == midnight_utc
    start, end = clock.utc_bounds(tz, day, day + timedelta(days=2))
    assert (start, end) == (midnight_utc, midnight_utc + timedelta(days=3))
    assert clock.local_date(midnight_utc, tz) == day
    assert clock.local_date(midnight_utc - timedelta(seconds=1), tz) == day - timedelta(days=1)
    # SQLite hands back naive UTC: it is read as UTC.
    assert clock.local_date(midnight_utc.replace(tzinfo=None), tz) == day


def test_the_day_to_utc_helper_is_the_one_every_read_model_uses():
    from inventory import paperwork, queries

    assert data._utc_bounds is clock.utc_bounds
    assert data._day_start is clock.day_start_utc
    assert queries.utc_bounds is clock.utc_bounds
    assert paperwork.utc_bounds is clock.utc_bounds


# --- the printer's daily counters ------------------------------------------------------------


@pytest.mark.parametrize("tz", [WIB, WIT])
def test_printer_counters_roll_over_at_local_midnight(tz):
    day = date(2026, 11, 5)
    midnight = clock.day_start_utc(day + timedelta(days=1), tz)
    printer = Printer(
        name="p1", driver="simulated", site_code="X", counter_day=day, printed_today=7,
        spoiled_today=2,
    )  # fmt: skip
    before = midnight - timedelta(seconds=1)
    assert counters_today(printer, today=clock.local_date(before, tz)) == (7, 2)
    roll_counters(printer, today=clock.local_date(before, tz), now=before)
    assert (printer.counter_day, printer.printed_today, printer.spoiled_today) == (day, 7, 2)

    after = clock.local_date(midnight, tz)
    assert counters_today(printer, today=after) == (0, 0)
    roll_counters(printer, today=after, now=midnight)
    assert (printer.counter_day, printer.printed_today, printer.spoiled_today) == (after, 0, 0)


def test_the_cli_and_the_dashboard_show_counters_of_today_only(engine, home, served):
    today = served.today()
    with write_session(engine) as s:
        p = add_printer(s, name="fargo-1", driver="simulated", state_root=home.resolved_home)
        p.counter_day, p.printed_today, p.spoiled_today = today - timedelta(days=1), 40, 3
    with Session(engine) as s:
        (cli_row,) = printers_summary(s, today)
        (dash_row,) = data.printers(s, today=today, tz=served.timezone)
        yesterday = printers_summary(s, today - timedelta(days=1))[0]
    assert (cli_row["printed_today"], cli_row["spoiled_today"]) == (0, 0)
    assert (dash_row["printed_today"], dash_row["spoiled_today"]) == (0, 0)
    assert (yesterday["printed_today"], yesterday["spoiled_today"]) == (40, 3)


# --- the berita acara pemusnahan number ------------------------------------------------------


def test_destruction_numbers_follow_the_office_convention():
    day = date(2026, 11, 5)
    assert operations.destruction_number("470", day, 1) == "470/BAP-001/XI/2026"
    assert operations.destruction_number("470.1", day, 1234) == "470.1/BAP-1234/XI/2026"


def test_two_destructions_on_one_day_get_consecutive_numbers(engine, home, served):
    runner = CliRunner()
    numbers = []
    for i in range(2):
        with write_session(engine) as s:
            if i == 0:
                ledger.receive_stock(
                    s, lot="LOT-A", quantity=10, actor="test", received_on=served.today()
                )
            ledger.spoil_blank(s, cause="RUSAK_FISIK", actor="test", key=f"rusak:{i}")
        result = runner.invoke(
            cli, ["stock", "destroy", "--witness", "Sri Wahyuni", "--witness", "Budi Santoso"]
        )
        assert result.exit_code == 0, result.output
        numbers += re.findall(r"berita acara (\S+/BAP-\S+)\.", result.stdout)
    today = served.today()
    month = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"][
        today.month - 1
    ]
    assert numbers == [f"470/BAP-001/{month}/{today.year}", f"470/BAP-002/{month}/{today.year}"]
    with write_session(engine) as s:  # the next number of the year (this one is rolled back)
        assert operations.next_destruction_number(s, held_on=today) == (
            f"470/BAP-003/{month}/{today.year}"
        )
        s.rollback()
