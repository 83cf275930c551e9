"""Indonesian dates, numbers and number words for documents, receipts and screens."""

from __future__ import annotations

from datetime import date

BULAN = (
    "",
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
_BULAN_PENDEK = tuple(name[:3] for name in BULAN)  # Jan, Feb, ..., Agu, ..., Des
HARI = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")  # date.weekday() order


def tanggal(d: date, *, short: bool = False) -> str:
    """``24 November 2026`` (``24 Nov 2026`` with ``short``)."""
    months = _BULAN_PENDEK if short else BULAN
    return f"{d.day} {months[d.month]} {d.year}"


def hari(d: date) -> str:
    """The Indonesian weekday name: ``Selasa`` for 24 November 2026."""
    return HARI[d.weekday()]


def angka(n: int) -> str:
    """An integer with dots between thousands: ``4.000``, ``-1.250``."""
    return f"{n:,}".replace(",", ".")


def desimal(x: float, places: int = 1) -> str:
    """A decimal number the Indonesian way: ``1.234,5``; ``400`` rather than ``400,0``."""
    text = f"{x:,.{places}f}".replace(",", "_").replace(".", ",").replace("_", ".")
    if places and text.endswith("," + "0" * places):
        text = text[: -(places + 1)]
    return text


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
