"""NIK (Nomor Induk Kependudukan) rules, pure functions.

A NIK has 16 digits: ``PPKKCC DDMMYY SSSS``.

* digits 1-6: region where the NIK was first issued (province, regency, kecamatan);
  a NIK never changes when its holder moves, so only the province is checked;
* digits 7-8: day of birth, plus 40 for women (a value above 40 means a woman);
* digits 9-10: month; 11-12: last two digits of the year of birth;
* digits 13-16: a sequence from 0001 to 9999.
"""

from __future__ import annotations

import calendar
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date

_DIGITS = frozenset("0123456789")


@dataclass(frozen=True, slots=True)
class NikParts:
    province: str
    region: str
    day: int
    female: bool
    month: int
    yy: int
    sequence: int


def _days_in_month(month: int, yy: int) -> int:
    # The century is not in the NIK: 29 February is possible whenever 20YY or 19YY
    # could be a leap year, i.e. when YY is divisible by 4 (00 stands for 2000).
    if month == 2:
        return 29 if yy % 4 == 0 else 28
    return calendar.monthrange(2001, month)[1]


def parse_nik(nik: str, provinces: Collection[str]) -> NikParts | None:
    """The decoded parts of a well-formed NIK, or None when it is ``BAD_NIK_FORMAT``.

    Well-formed: exactly 16 ASCII digits, a province that exists, a day and month
    that exist in the calendar (day value 1-31 or 41-71), and a sequence other
    than 0000.
    """
    if len(nik) != 16 or not _DIGITS.issuperset(nik):
        return None
    province = nik[0:2]
    if province not in provinces:
        return None
    day_value, month, yy, seq = int(nik[6:8]), int(nik[8:10]), int(nik[10:12]), int(nik[12:16])
    female = day_value > 40
    day = day_value - 40 if female else day_value
    if not 1 <= month <= 12 or not 1 <= day <= _days_in_month(month, yy) or seq == 0:
        return None
    return NikParts(
        province=province,
        region=nik[0:6],
        day=day,
        female=female,
        month=month,
        yy=yy,
        sequence=seq,
    )


def encode_nik(region: str, birth: date, *, female: bool, sequence: int) -> str:
    """Build a NIK (for synthetic data and tests): ``region`` is 6 digits."""
    if len(region) != 6 or not _DIGITS.issuperset(region):
        raise ValueError("region must be 6 digits")
    if not 1 <= sequence <= 9999:
        raise ValueError("sequence must be 1..9999")
    day = birth.day + (40 if female else 0)
    return f"{region}{day:02d}{birth.month:02d}{birth.year % 100:02d}{sequence:04d}"
