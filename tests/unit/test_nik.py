"""NIK decoding and encoding (intake.nik)."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cetak.privacy import mask_nik
from cetak.regions import provinces
from intake.nik import encode_nik, parse_nik

PROVINCES = provinces()
FAST = settings(max_examples=200, deadline=None)


def test_a_man_keeps_his_day_of_birth():
    parts = parse_nik("3310013105900001", PROVINCES)
    assert parts is not None
    assert (parts.day, parts.month, parts.yy, parts.female) == (31, 5, 90, False)


def test_a_woman_born_on_the_first_has_day_41():
    nik = encode_nik("331001", date(1995, 2, 1), female=True, sequence=1)
    assert nik[6:8] == "41"
    parts = parse_nik(nik, PROVINCES)
    assert parts is not None
    assert (parts.day, parts.female) == (1, True)


def test_a_woman_born_on_the_31st_has_day_71():
    parts = parse_nik("3310017112000042", PROVINCES)
    assert parts is not None
    assert (parts.day, parts.month, parts.yy, parts.female) == (31, 12, 0, True)


def test_parts_carry_region_province_and_sequence():
    parts = parse_nik("3310014102959999", PROVINCES)
    assert parts is not None
    assert (parts.province, parts.region, parts.sequence) == ("33", "331001", 9999)


def test_31_february_in_the_nik_is_bad_format():
    assert parse_nik("3310013102900001", PROVINCES) is None
    assert parse_nik("3310017102900001", PROVINCES) is None  # same day for a woman


@pytest.mark.parametrize("day", ["00", "32", "40", "72", "99"])
def test_day_values_outside_1_31_and_41_71_are_bad_format(day):
    assert parse_nik(f"331001{day}05900001", PROVINCES) is None


def test_day_value_40_is_bad_format():
    assert parse_nik("3310014005900001", PROVINCES) is None


def test_29_february_exists_when_the_year_digits_are_divisible_by_4():
    for nik in ("3310012902000001", "3310012902960001", "3310016902040001"):
        assert parse_nik(nik, PROVINCES) is not None


def test_29_february_in_a_year_without_it_is_bad_format():
    assert parse_nik("3310012902950001", PROVINCES) is None


def test_30_april_exists_31_april_does_not():
    assert parse_nik("3310013004900001", PROVINCES) is not None
    assert parse_nik("3310013104900001", PROVINCES) is None


@pytest.mark.parametrize("month", ["00", "13", "99"])
def test_impossible_month_is_bad_format(month):
    assert parse_nik(f"33100117{month}900001", PROVINCES) is None


def test_sequence_0000_is_bad_format():
    assert parse_nik("3310011705900000", PROVINCES) is None


@pytest.mark.parametrize("province", ["00", "10", "20", "39", "99"])
def test_unknown_province_is_bad_format(province):
    assert parse_nik(f"{province}10011705900001", PROVINCES) is None


def test_region_digits_after_the_province_are_not_checked():
    # A NIK keeps the region where it was first issued; only the province must exist.
    assert parse_nik("3599991705900001", PROVINCES) is not None


@pytest.mark.parametrize(
    "nik",
    [
        "",
        "331001170590001",  # 15 digits
        "33100117059000011",  # 17 digits
        " 3310011705900001",
        "3310011705900001 ",
        "3310011705900001\n",
        "3310-01170590001",
        "33100117059O0001",  # letter O
        "\ufeff3310011705900001",  # byte-order mark
        "٣٣١٠٠١١٧٠٥٩٠٠٠٠١",  # Arabic-Indic digits
        "３３１００１１７０５９０００１",  # fullwidth digits
    ],
)
def test_anything_but_16_ascii_digits_is_bad_format(nik):
    assert parse_nik(nik, PROVINCES) is None


def test_encode_nik_refuses_a_region_that_is_not_6_digits():
    with pytest.raises(ValueError):
        encode_nik("33.10.01", date(1990, 1, 1), female=False, sequence=1)


@pytest.mark.parametrize("sequence", [0, 10000])
def test_encode_nik_refuses_a_sequence_outside_1_9999(sequence):
    with pytest.raises(ValueError):
        encode_nik("331001", date(1990, 1, 1), female=False, sequence=sequence)


def test_mask_keeps_region_and_sequence_only():
    assert mask_nik("3310014102950001") == "3310********0001"


def test_mask_of_a_malformed_value_reveals_nothing():
    assert mask_nik("12345") == "*****"
    assert mask_nik("1" * 40) == "*" * 16


@FAST
@given(st.text())
def test_parse_nik_never_raises_on_any_text(text):
    assert parse_nik(text, PROVINCES) is None or len(text) == 16


@FAST
@given(st.text(alphabet="0123456789", min_size=16, max_size=16))
def test_any_16_digits_either_fail_or_re_encode_to_themselves(nik):
    parts = parse_nik(nik, PROVINCES)
    if parts is not None:
        # 20YY is a leap year exactly when YY is divisible by 4, as parse_nik assumes.
        birth = date(2000 + parts.yy, parts.month, parts.day)
        assert encode_nik(parts.region, birth, female=parts.female, sequence=parts.sequence) == nik


@FAST
@given(
    province=st.sampled_from(sorted(PROVINCES)),
    rest=st.text(alphabet="0123456789", min_size=4, max_size=4),
    birth=st.dates(min_value=date(1900, 1, 1), max_value=date(2099, 12, 31)),
    female=st.booleans(),
    sequence=st.integers(min_value=1, max_value=9999),
)
def test_encode_then_parse_round_trips(province, rest, birth, female, sequence):
    region = province + rest
    parts = parse_nik(encode_nik(region, birth, female=female, sequence=sequence), PROVINCES)
    assert parts is not None
    assert (parts.province, parts.region, parts.sequence) == (province, region, sequence)
    assert (parts.day, parts.month, parts.yy) == (birth.day, birth.month, birth.year % 100)
    assert parts.female is female


def test_parse_nik_copes_with_huge_strings():
    assert parse_nik("3" * 1_000_000, PROVINCES) is None
