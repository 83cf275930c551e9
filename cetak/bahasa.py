"""Indonesian dates, numbers and number words for documents, receipts and screens.

Everything a person reads is formatted here, as Babel's ``id`` locale (CLDR) says: names of
months and days and dates in letters through Babel; numbers, percentages, table dates and
times written out and tested equal to Babel (loading its locale data costs a reading command
60-90 ms); ``terbilang`` (number words, which CLDR lacks for Indonesian) written out.
Machine formats (``--json``, CSV for central, file names) stay ISO and plain numbers and
do not come here.

One choice per kind:

=======================  ======================  ===========================================
kind                     example                 function
=======================  ======================  ===========================================
date in letters, prose   ``2 Desember 2026``     ``tanggal(d)``
date, short (headers)    ``2 Des 2026``          ``tanggal(d, short=True)``
date in tables/CLI       ``02-12-2026``          ``tanggal_tabel(d)``
weekday                  ``Rabu``                ``hari(d)``
time of day (local)      ``14.05``               ``waktu(dt, tz)``
date and time in tables  ``02-12-2026 14.05``    ``tanggal_waktu(dt, tz)``
whole number, count      ``1.391``               ``angka(n)``
decimal                  ``0,5``; ``1.234,5``    ``desimal(x)`` (``angka`` of a float too)
percentage               ``12,5%``               ``persen(x)`` (``x`` a fraction: 0.125)
number in words          ``seratus dua puluh``   ``terbilang(n)``
=======================  ======================  ===========================================

Chart axes use ``D3_LOCALE`` / ``AXIS_NUMBER_FORMAT`` (thousands ``.``, decimals ``,``).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any
from zoneinfo import ZoneInfo

LOCALE = "id"

#: The regency's zone when none is given (``Installation.timezone`` says the real one).
DEFAULT_TZ = "Asia/Jakarta"


def __getattr__(name: str) -> Any:
    """``BULAN``, ``HARI`` and the short month names come from the locale on first use:
    loading Babel's locale data costs a reading command (``cetak status``) about 60 ms,
    and whole numbers and table dates, all most commands print, need none of it."""
    if name not in ("BULAN", "_BULAN_PENDEK", "HARI"):
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from babel.dates import format_date

    if name == "BULAN":  # 1-based: BULAN[12] == "Desember"
        value: tuple[str, ...] = ("",) + tuple(
            format_date(date(2000, m, 1), "MMMM", locale=LOCALE) for m in range(1, 13)
        )
    elif name == "_BULAN_PENDEK":  # Jan, Feb, ..., Agu, ..., Des
        value = ("",) + tuple(
            format_date(date(2000, m, 1), "MMM", locale=LOCALE) for m in range(1, 13)
        )
    else:  # HARI, in date.weekday() order, Senin first (1 January 2024 was a Monday)
        value = tuple(format_date(date(2024, 1, 1 + i), "EEEE", locale=LOCALE) for i in range(7))
    globals()[name] = value
    return value


#: Thousands and decimal separators of the locale, for chart libraries (d3-format's
#: ``formatDefaultLocale`` shape, which Vega-Lite's ``config.locale.number`` takes).
D3_LOCALE: dict[str, object] = {
    "decimal": ",",
    "thousands": ".",
    "grouping": [3],
    "currency": ["Rp", ""],
}
#: The axis label format to pair with ``D3_LOCALE``: grouped thousands, no SI suffixes.
AXIS_NUMBER_FORMAT = ",~r"


def tanggal(d: date, *, short: bool = False) -> str:
    """``24 November 2026`` (``24 Nov 2026`` with ``short``): letters and prose."""
    from babel.dates import format_date

    return format_date(d, "d MMM y" if short else "d MMMM y", locale=LOCALE)


def tanggal_tabel(d: date | datetime | None) -> str:
    """``02-12-2026``: a date in a table, a list or a CLI line (``-`` for none).

    A datetime gives its own date as it stands; use ``tanggal_waktu`` or convert to the
    regency's zone first for a stored UTC instant.
    """
    if d is None:
        return "-"
    # Babel's "dd-MM-y" for the id locale, without loading it (tests compare the two).
    return f"{d.day:02d}-{d.month:02d}-{d.year}"


def hari(d: date) -> str:
    """The Indonesian weekday name: ``Selasa`` for 24 November 2026."""
    days: tuple[str, ...] = globals().get("HARI") or __getattr__("HARI")
    return days[d.weekday()]


def _local(moment: datetime, tz: str | None) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        moment = moment.replace(tzinfo=UTC)  # stored instants are UTC (SQLite: naive)
    return moment.astimezone(ZoneInfo(tz or DEFAULT_TZ))


def waktu(moment: datetime, tz: str | None = None) -> str:
    """``14.05``: the regency's local time of ``moment`` (a naive value is taken as UTC)."""
    local = _local(moment, tz)
    return f"{local.hour:02d}.{local.minute:02d}"  # Babel's "HH.mm", tested against it


def tanggal_waktu(moment: datetime | None, tz: str | None = None) -> str:
    """``02-12-2026 14.05``: a stored instant in a table, in the regency's zone."""
    if moment is None:
        return "-"
    local = _local(moment, tz)
    return f"{tanggal_tabel(local.date())} {local.hour:02d}.{local.minute:02d}"


def angka(n: float) -> str:
    """A number with dots between thousands: ``4.000``, ``-1.250``; a float keeps up to
    one decimal the Indonesian way (``2.5`` -> ``2,5``; ``400.0`` -> ``400``)."""
    if isinstance(n, float) and not n.is_integer():
        return desimal(n)
    # Babel's grouping for the id locale (dots between thousands), without loading it.
    return f"{int(n):,}".replace(",", ".")


def desimal(x: float, places: int = 1) -> str:
    """A decimal number the Indonesian way: ``1.234,5``; ``400`` rather than ``400,0``.

    Babel's ``#,##0.#`` pattern for the ``id`` locale (half-even rounding of the number's
    shortest decimal form, trailing zeros dropped), written out: loading the locale costs a
    reading command about 90 ms. Tested equal to Babel."""
    return _decimal(_number(x), places)


def persen(x: float, places: int = 1) -> str:
    """A fraction as a percentage: 0.125 -> ``12,5%``, 0.5 -> ``50%`` (Babel's
    ``#,##0.#%`` for ``id``, written out like ``desimal``)."""
    return _decimal(_number(x).scaleb(2), places) + "%"


def _number(x: Any) -> Decimal:
    return x if isinstance(x, Decimal) else Decimal(str(x))  # as Babel takes any number


def _decimal(value: Decimal, places: int) -> str:
    rounded = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_EVEN)
    sign = "-" if rounded.is_signed() else ""  # as Babel: "-0" for a negative rounded away
    whole, _, fraction = f"{abs(rounded):f}".partition(".")
    fraction = fraction.rstrip("0")
    grouped = f"{int(whole):,}".replace(",", ".")
    return f"{sign}{grouped},{fraction}" if fraction else f"{sign}{grouped}"


_SATUAN = (
    "nol",
    "satu",
    "dua",
    "tiga",
    "empat",
    "lima",
    "enam",
    "tujuh",
    "delapan",
    "sembilan",
    "sepuluh",
    "sebelas",
)
_SKALA = ((10**12, "triliun"), (10**9, "miliar"), (10**6, "juta"), (10**3, "ribu"))


def terbilang(n: int) -> str:
    """Indonesian number words: 125 -> ``seratus dua puluh lima``, 4000 -> ``empat ribu``.

    As written in official documents: ``se-`` for one hundred and one thousand (``seratus``,
    ``seribu``) but ``satu juta`` for a million. Below 10**15.
    """
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError("terbilang takes an int")
    if n < 0:
        return "minus " + terbilang(-n)
    if n >= 10**15:
        raise ValueError("terbilang supports numbers below 10**15")
    return _words(n)


def _words(n: int) -> str:
    if n < 12:
        return _SATUAN[n]
    if n < 20:
        return f"{_SATUAN[n - 10]} belas"
    if n < 100:
        return _join(f"{_SATUAN[n // 10]} puluh", n % 10)
    if n < 1000:
        head = "seratus" if n < 200 else f"{_SATUAN[n // 100]} ratus"
        return _join(head, n % 100)
    if n < 2000:
        return _join("seribu", n - 1000)
    for scale, name in _SKALA:
        if n >= scale:
            return _join(f"{_words(n // scale)} {name}", n % scale)
    raise AssertionError("unreachable")  # pragma: no cover


def _join(head: str, rest: int) -> str:
    return head if rest == 0 else f"{head} {_words(rest)}"
