"""Official documents about blank cards (blangko KTP-el), in Bahasa Indonesia, as PDF bytes.

- :func:`render_daily_report`: laporan harian produksi KTP-el for the head of office:
  per kecamatan PRRs received, cards printed, blanks spoiled by cause, cards handed over,
  and the blanks on hand with their days of cover.
- :func:`render_destruction_report`: berita acara pemusnahan blangko KTP-el rusak, the signed
  report of burning spoiled blanks before witnesses.
- :func:`render_monthly_report`: laporan bulanan penggunaan blangko KTP-el, the monthly
  account of every blank per lot, with a balance check per lot.
- :func:`render_reorder_letter`: surat permohonan blangko KTP-el to Ditjen Dukcapil, which
  quotes the PRR backlog because central allocates blanks by PRR counts.

The renderers are pure: plain frozen dataclasses in, deterministic PDF bytes out; the
caller decides where the bytes go. NIKs arrive masked; a full NIK is refused.
"""

from cetak.labels import CAUSE as CAUSE_LABELS
from papers.documents.common import (
    DestructionReport,
    JenisMonth,
    LotMonth,
    MonthlyReport,
    Office,
    Person,
    ReorderLetter,
    SpoiledCard,
)
from papers.documents.daily import DailyReport, KecamatanDay, render_daily_report
from papers.documents.destruction import render_destruction_report
from papers.documents.letter import render_reorder_letter
from papers.documents.monthly import render_monthly_report
from papers.style import terbilang

__all__ = [
    "CAUSE_LABELS",
    "DailyReport",
    "DestructionReport",
    "JenisMonth",
    "KecamatanDay",
    "LotMonth",
    "MonthlyReport",
    "Office",
    "Person",
    "ReorderLetter",
    "SpoiledCard",
    "render_daily_report",
    "render_destruction_report",
    "render_monthly_report",
    "render_reorder_letter",
    "terbilang",
]
