"""One locale (issue 13 item 8): Indonesian numbers, dates and times through Babel, one
choice per kind (``cetak.bahasa``'s table). Pure: no database."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from cetak import bahasa
from cetak.bahasa import (
    BULAN,
    HARI,
    angka,
    desimal,
    hari,
    persen,
    tanggal,
    tanggal_tabel,
    tanggal_waktu,
    terbilang,
    waktu,
)

DAY = date(2026, 12, 2)


def test_dates_one_choice_per_kind() -> None:
    assert tanggal(DAY) == "2 Desember 2026"  # letters and prose
    assert tanggal(DAY, short=True) == "2 Des 2026"
    assert tanggal_tabel(DAY) == "02-12-2026"  # tables and CLI lists
    assert tanggal_tabel(None) == "-"
    assert hari(DAY) == "Rabu"
    assert hari(date(2026, 11, 27)) == "Jumat"


def test_month_and_weekday_names_come_from_the_locale() -> None:
    assert BULAN[1:] == (
        "Januari",
        "Februari",
        "Maret",
        "April",
        "Mei",
        "Juni",
        "Juli",
        "Agustus",
        "September",
        "Oktober",
        "November",
        "Desember",
    )
    assert HARI == ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")


def test_times_are_the_regencys_local_clock() -> None:
    at = datetime(2026, 12, 2, 7, 5, tzinfo=UTC)
    assert waktu(at, "Asia/Jakarta") == "14.05"
    assert waktu(at, "Asia/Jayapura") == "16.05"
    naive = at.replace(tzinfo=None)  # as SQLite returns it: UTC
    assert waktu(naive) == "14.05"  # WIB by default
    assert tanggal_waktu(datetime(2026, 12, 2, 20, 30, tzinfo=UTC), "Asia/Jakarta") == (
        "03-12-2026 03.30"
    )
    assert tanggal_waktu(None) == "-"


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0, "0"),
        (1391, "1.391"),
        (-1250, "-1.250"),
        (4000000, "4.000.000"),
        (2.5, "2,5"),
        (400.0, "400"),
    ],
)
def test_numbers_have_thousands_dots_and_decimal_commas(value: float, text: str) -> None:
    assert angka(value) == text


def test_decimals_and_percentages() -> None:
    assert desimal(0.5) == "0,5"
    assert desimal(1234.5) == "1.234,5"
    assert desimal(400.0) == "400"
    assert desimal(2.25, 2) == "2,25"
    assert desimal(2.5, 2) == "2,5"
    assert desimal(7.6, 0) == "8"
    assert persen(0.125) == "12,5%"
    assert persen(0.5) == "50%"


def test_the_module_documents_one_choice_per_kind() -> None:
    doc = bahasa.__doc__ or ""
    for example in ("2 Desember 2026", "02-12-2026", "1.391", "0,5", "14.05", "12,5%"):
        assert example in doc


def test_terbilang_stays_hand_written() -> None:
    assert terbilang(125) == "seratus dua puluh lima"
    assert terbilang(1000) == "seribu"
    assert terbilang(1_000_000) == "satu juta"


# --- the fast paths agree with Babel (cetak.bahasa formats these without loading it) -------


def test_whole_numbers_table_dates_and_times_match_babel():
    from datetime import date, datetime, timedelta

    from babel.dates import format_date, format_time
    from babel.numbers import format_decimal

    from cetak import bahasa

    numbers = [0, 1, 9, 10, 999, 1000, 1391, 12345, 999999, 1000000, 123456789, 10**12]
    for n in numbers + [-n for n in numbers] + [4000.0, -1250.0]:
        assert bahasa.angka(n) == format_decimal(int(n), locale="id")
    day = date(2024, 1, 1)
    for _ in range(400):
        assert bahasa.tanggal_tabel(day) == format_date(day, "dd-MM-y", locale="id")
        day += timedelta(days=37)
    moment = datetime(2026, 12, 2, 0, 0, tzinfo=bahasa.UTC)
    for _ in range(200):
        local = moment.astimezone(bahasa.ZoneInfo("Asia/Makassar"))
        assert bahasa.waktu(moment, "Asia/Makassar") == format_time(local, "HH.mm", locale="id")
        moment += timedelta(minutes=53)


def test_month_and_day_names_come_from_the_locale_on_first_use():
    from cetak import bahasa

    assert bahasa.BULAN[12] == "Desember" and bahasa.BULAN[0] == ""
    assert bahasa.HARI[0] == "Senin"
    assert bahasa._BULAN_PENDEK[8] == "Agu"
    from cetak.bahasa import HARI

    assert HARI == bahasa.HARI


def test_decimals_and_percentages_match_babel():
    import random
    from decimal import Decimal

    from babel.numbers import format_decimal, format_percent

    from cetak import bahasa

    rng = random.Random(16)
    values: list[float | int | Decimal] = [0, 0.0, -0.0, 0.05, -0.05, 0.15, 2.25, 2.35, 7.6]
    values += [400.0, 1234.5, -1234.55, 1e7 + 0.05, 123456789.987, -0.000001, Decimal("2.45")]
    for _ in range(2000):
        values += [round(rng.uniform(-1e6, 1e6), rng.randint(0, 4)), rng.random()]
        values.append(rng.randint(-(10**7), 10**7))
    for value in values:
        for places in (0, 1, 2):
            pattern = "#,##0" + ("." + "#" * places if places else "")
            assert bahasa.desimal(value, places) == format_decimal(
                value, format=pattern, locale="id"
            ), (value, places)
            assert bahasa.persen(value, places) == format_percent(
                value, format=pattern + "%", locale="id"
            ), (value, places)
