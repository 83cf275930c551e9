"""Official documents about blank cards (blangko KTP-el), in Bahasa Indonesia, as PDF bytes.

- :func:`render_destruction_report`: berita acara pemusnahan blangko KTP-el rusak, the signed
  report of burning spoiled blanks before witnesses.
- :func:`render_monthly_report`: laporan bulanan penggunaan blangko KTP-el, the monthly
  account of every blank per lot, with a balance check per lot.
- :func:`render_reorder_letter`: surat permohonan blangko KTP-el to Ditjen Dukcapil, which
  quotes the PRR backlog because central allocates blanks by PRR counts.

The renderers are pure: plain frozen dataclasses in, deterministic PDF bytes out; the
caller decides where the bytes go. NIKs arrive masked; a full NIK is refused.
"""

from __future__ import annotations

import calendar
import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, Table, TableStyle

from cetak.pdfstyle import (
    BULAN,
    FONT,
    FONT_BOLD,
    LANDSCAPE,
    PORTRAIT,
    RED,
    STYLES,
    Letterhead,
    Signatory,
    angka,
    build_pdf,
    data_table_style,
    desimal,
    esc,
    fit_widths,
    hari,
    signature_table,
    tanggal,
    terbilang,
    title_block,
)

__all__ = [
    "CAUSE_LABELS",
    "DestructionReport",
    "LotMonth",
    "MonthlyReport",
    "Office",
    "Person",
    "ReorderLetter",
    "SpoiledCard",
    "render_destruction_report",
    "render_monthly_report",
    "render_reorder_letter",
    "terbilang",
]

CAUSE_LABELS: Mapping[str, str] = {
    "GAGAL_CETAK": "Gagal cetak",
    "GAGAL_ENCODE": "Gagal tulis chip",
    "RUSAK_FISIK": "Rusak fisik",
    "PERUBAHAN_DATA": "Perubahan data",
}

_FULL_NIK = re.compile(r"(?<!\d)\d{16}(?!\d)")


# --- data --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Office:
    kabupaten: str  # "Kabupaten Klaten"
    provinsi: str  # "Jawa Tengah"
    kode_wilayah: str  # "33.10"
    alamat: str = "Jl. Pemuda No. 294, Klaten"  # address line of the letterhead
    kota: str = "Klaten"  # place name for "Klaten, 24 November 2026"

    @property
    def letterhead(self) -> Letterhead:
        return Letterhead(pemerintah=self.kabupaten, alamat=self.alamat)

    @property
    def dinas(self) -> str:
        return f"Dinas Kependudukan dan Pencatatan Sipil {self.kabupaten}"


@dataclass(frozen=True, slots=True)
class Person:
    name: str
    role: str  # e.g. "Kepala Seksi", "Saksi", "Operator"
    nip: str | None = None

    def signatory(self, caption: str = "") -> Signatory:
        return Signatory(name=self.name, role=self.role, nip=self.nip, caption=caption)


@dataclass(frozen=True, slots=True)
class SpoiledCard:
    lot: str
    serial: str | None
    card_ref: str | None  # PRR id or card reference; None for a blank damaged on the shelf
    nik_masked: str | None
    cause: str  # GAGAL_CETAK | GAGAL_ENCODE | RUSAK_FISIK | PERUBAHAN_DATA
    spoiled_on: date

    def __post_init__(self) -> None:
        if self.nik_masked is not None and sum(c.isdigit() for c in self.nik_masked) >= 16:
            raise ValueError("nik_masked holds a full NIK; pass it masked (3310********0001)")
        if self.card_ref is not None and _FULL_NIK.search(self.card_ref):
            raise ValueError("card_ref looks like a full NIK; use the PRR id or card reference")


@dataclass(frozen=True, slots=True)
class DestructionReport:
    """Berita acara pemusnahan blangko KTP-el rusak."""

    number: str  # "BAP-3310-2026-11-001"
    office: Office
    held_on: date
    place: str  # where the burning took place
    cards: tuple[SpoiledCard, ...]
    officers: tuple[Person, ...]  # officers who destroyed (at least one)
    witnesses: tuple[Person, ...]  # at least two witnesses
    method: str = "dibakar"

    def __post_init__(self) -> None:
        for name in ("cards", "officers", "witnesses"):
            object.__setattr__(self, name, tuple(getattr(self, name)))
        if not self.cards:
            raise ValueError("a destruction report needs at least one card")
        if not self.officers:
            raise ValueError("a destruction report needs at least one officer")
        if len(self.witnesses) < 2:
            raise ValueError("a destruction report needs at least two witnesses")


@dataclass(frozen=True, slots=True)
class LotMonth:
    lot: str
    opening: int
    received: int
    printed: int
    spoiled: dict[str, int]  # cause -> count
    destroyed: int
    transferred_in: int
    transferred_out: int
    adjusted: int  # signed
    returned: int
    closing: int  # on hand at month end

    @property
    def spoiled_total(self) -> int:
        return sum(self.spoiled.values())

    @property
    def expected_closing(self) -> int:
        """opening + received + in - printed - spoiled - out +/- adjusted - returned.

        Destroyed cards are not subtracted: a spoiled blank leaves the stock when it is
        spoiled; destroying it later only empties the pile awaiting destruction.
        """
        return (
            self.opening
            + self.received
            + self.transferred_in
            - self.printed
            - self.spoiled_total
            - self.transferred_out
            + self.adjusted
            - self.returned
        )

    @property
    def balanced(self) -> bool:
        return self.expected_closing == self.closing


@dataclass(frozen=True, slots=True)
class MonthlyReport:
    """Laporan bulanan penggunaan blangko KTP-el."""

    number: str
    office: Office
    month: date  # any day of the month reported
    lots: tuple[LotMonth, ...]
    awaiting_destruction: int
    prepared_by: Person
    approved_by: Person

    def __post_init__(self) -> None:
        object.__setattr__(self, "lots", tuple(self.lots))


@dataclass(frozen=True, slots=True)
class ReorderLetter:
    """Surat permohonan tambahan blangko KTP-el to Ditjen Dukcapil Kemendagri."""

    number: str  # "470/SPB-001/XI/2026"
    office: Office
    dated: date
    quantity: int  # blanks requested
    prr_backlog: int  # queued + scheduled + held records waiting
    on_hand: int
    daily_consumption: float
    days_of_cover: float | None
    lead_time_days: float
    signer: Person  # Kepala Dinas

    def __post_init__(self) -> None:
        if self.quantity <= 0:
            raise ValueError("quantity must be positive")


# --- shared pieces -----------------------------------------------------------------------

_S = STYLES


def _cause_label(cause: str) -> str:
    return CAUSE_LABELS.get(cause, cause.replace("_", " ").capitalize())


def _causes(found: Iterable[str]) -> list[str]:
    """The four known causes in their fixed order, then any other cause met, sorted."""
    return list(CAUSE_LABELS) + sorted(set(found) - set(CAUSE_LABELS))


def _p(text: str, style: Any = _S.body) -> Paragraph:
    return Paragraph(text, style)


def _place_and_date(office: Office, day: date) -> Paragraph:
    return _p(f"{esc(office.kota)}, {tanggal(day)}", _S.body_left)


def _grid(rows: list[list[Any]], widths: list[float], commands: list[Any], **kw: Any) -> Table:
    table = Table(rows, colWidths=widths, **kw)
    table.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), FONT), *commands]))
    return table


# --- berita acara pemusnahan -------------------------------------------------------------

_DESTRUCTION_TITLE = "BERITA ACARA PEMUSNAHAN BLANGKO KTP-EL RUSAK"


def render_destruction_report(doc: DestructionReport) -> bytes:
    """Berita acara pemusnahan: who burned how many spoiled blanks, which ones, signed."""
    count = len(doc.cards)
    story: list[Flowable] = [
        *title_block(_DESTRUCTION_TITLE, doc.number),
        _p(
            f"Pada hari ini, {hari(doc.held_on)}, tanggal {_date_in_words(doc.held_on)} "
            f"({tanggal(doc.held_on)}), bertempat di {esc(doc.place)}, kami yang bertanda "
            "tangan di bawah ini:"
        ),
        _people_table(doc.officers),
        _p("dengan disaksikan oleh:"),
        _people_table(doc.witnesses),
        _p(
            f"telah melakukan pemusnahan dengan cara {esc(doc.method)} sebanyak "
            f"<b>{angka(count)}</b> (terbilang: {terbilang(count)}) keping blangko KTP-el rusak "
            f"milik {esc(doc.office.dinas)}, dengan rincian menurut sebab kerusakan sebagai "
            "berikut:"
        ),
        _cause_summary(doc.cards),
        Spacer(1, 8),
        _p("Daftar blangko KTP-el rusak yang dimusnahkan:", _S.body_left),
        _card_list(doc.cards),
        Spacer(1, 10),
        KeepTogether(_destruction_closing(doc)),
    ]
    return build_pdf(
        story,
        letterhead=doc.office.letterhead,
        number=doc.number,
        title="Berita Acara Pemusnahan Blangko KTP-el Rusak",
    )


def _date_in_words(day: date) -> str:
    return f"{terbilang(day.day)} bulan {BULAN[day.month]} tahun {terbilang(day.year)}"


def _people_table(people: tuple[Person, ...]) -> Table:
    """1. Nama : ... / NIP : ... / Jabatan : ... for each person, without a grid."""
    rows: list[list[Any]] = []
    for i, person in enumerate(people, start=1):
        rows += [
            [f"{i}.", "Nama", ":", _p(f"<b>{esc(person.name)}</b>", _S.body_left)],
            ["", "NIP", ":", _p(esc(person.nip or "-"), _S.body_left)],
            ["", "Jabatan", ":", _p(esc(person.role), _S.body_left)],
        ]
    widths = [10 * mm, 20 * mm, 4 * mm, PORTRAIT.width - 34 * mm]
    commands = [
        ("FONTNAME", (0, 0), (-1, -1), FONT),
        ("FONTSIZE", (0, 0), (-1, -1), 10),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 0),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
    ]
    commands += [("BOTTOMPADDING", (0, r), (-1, r), 6) for r in range(2, len(rows), 3)]
    return _grid(rows, widths, commands, hAlign="LEFT")


def _cause_summary(cards: tuple[SpoiledCard, ...]) -> Table:
    counts = Counter(card.cause for card in cards)
    rows: list[list[Any]] = [["No", "Sebab kerusakan", "Jumlah (keping)"]]
    for i, cause in enumerate(_causes(counts), start=1):
        rows.append([str(i), _cause_label(cause), angka(counts.get(cause, 0))])
    rows.append(["", "Jumlah", angka(len(cards))])
    commands = data_table_style(total_row=True) + [
        ("ALIGN", (0, 0), (0, -1), "CENTER"),
        ("ALIGN", (2, 0), (2, -1), "RIGHT"),
        ("ALIGN", (0, 0), (-1, 0), "CENTER"),
        ("FONTSIZE", (0, 0), (-1, -1), 9),
        ("LEADING", (0, 0), (-1, -1), 11),
    ]
    return _grid(rows, [12 * mm, 60 * mm, 32 * mm], commands, hAlign="CENTER")


_CARD_HEADERS = (
    "No",
    "Lot",
    "Nomor seri",
    "Referensi",
    "NIK (disamarkan)",
    "Sebab",
    "Tanggal rusak",
)


def _card_list(cards: tuple[SpoiledCard, ...]) -> Table:
    texts = [
        [
            str(i),
            card.lot,
            card.serial or "-",
            card.card_ref or "-",
            card.nik_masked or "-",
            _cause_label(card.cause),
            tanggal(card.spoiled_on, short=True),
        ]
        for i, card in enumerate(cards, start=1)
    ]
    columns = list(zip(*texts, strict=True))
    widths = fit_widths(columns, PORTRAIT.width, headers=_CARD_HEADERS, bold=False)
    rows: list[list[Any]] = [[_p(esc(h), _S.cell_head) for h in _CARD_HEADERS]]
    rows += [[row[0], *(_p(esc(t), _S.cell) for t in row[1:-1]), row[-1]] for row in texts]
    commands = data_table_style() + [
        ("ALIGN", (0, 1), (0, -1), "RIGHT"),
        ("ALIGN", (-1, 1), (-1, -1), "CENTER"),
    ]
    return _grid(rows, widths, commands, repeatRows=1)


def _destruction_closing(doc: DestructionReport) -> list[Flowable]:
    width = PORTRAIT.width
    officers = [p.signatory() for p in doc.officers]
    witnesses = [p.signatory() for p in doc.witnesses]
    return [
        _p(
            "Pemusnahan dilakukan sampai seluruh blangko tersebut di atas hancur dan tidak "
            "dapat dipergunakan kembali. Demikian berita acara ini dibuat dengan sebenarnya "
            "untuk dipergunakan sebagaimana mestinya."
        ),
        Spacer(1, 4),
        _place_and_date(doc.office, doc.held_on),
        Spacer(1, 6),
        _p("<b>Yang melakukan pemusnahan,</b>", _S.body_left),
        signature_table(officers, width=width, columns=3),
        Spacer(1, 12),
        _p("<b>Saksi-saksi,</b>", _S.body_left),
        signature_table(witnesses, width=width, columns=3),
    ]


# --- laporan bulanan ---------------------------------------------------------------------

_OK = "sesuai"
_BAD = "TIDAK SESUAI"


def render_monthly_report(doc: MonthlyReport) -> bytes:
    """Laporan bulanan: one row per lot, spoilage by cause, and a balance check per lot."""
    month_name = f"{BULAN[doc.month.month]} {doc.month.year}"
    last_day = doc.month.replace(day=calendar.monthrange(doc.month.year, doc.month.month)[1])
    causes = _causes(cause for lot in doc.lots for cause in lot.spoiled)
    office = doc.office
    story: list[Flowable] = [
        *title_block(
            "LAPORAN BULANAN PENGGUNAAN BLANGKO KTP-EL", doc.number, f"BULAN {month_name.upper()}"
        ),
        _p(
            f"{esc(office.dinas)}, Provinsi {esc(office.provinsi)} (kode wilayah "
            f"{esc(office.kode_wilayah)}); periode 1 s.d. {tanggal(last_day)}.",
            _S.body_left,
        ),
        _lot_table(doc.lots, causes) if doc.lots else _p("Tidak ada lot blangko pada bulan ini."),
        Spacer(1, 6),
        *_balance_checks(doc.lots),
        KeepTogether(
            [
                *_report_notes(doc),
                Spacer(1, 4),
                signature_table(
                    [
                        doc.approved_by.signatory("Mengetahui,"),
                        doc.prepared_by.signatory(
                            f"{office.kota}, {tanggal(last_day)}\nDisiapkan oleh,"
                        ),
                    ],
                    width=LANDSCAPE.width,
                    columns=2,
                    sign_space=15 * mm,
                ),
            ]
        ),
    ]
    return build_pdf(
        story,
        letterhead=office.letterhead,
        number=doc.number,
        title=f"Laporan Bulanan Penggunaan Blangko KTP-el {month_name}",
        layout=LANDSCAPE,
    )


# (header, LotMonth attribute) before and after the spoilage columns
_LOT_BEFORE = (
    ("Stok awal", "opening"),
    ("Diterima", "received"),
    ("Mutasi masuk", "transferred_in"),
    ("Dicetak", "printed"),
)
_LOT_AFTER = (
    ("Mutasi keluar", "transferred_out"),
    ("Penyesuaian", "adjusted"),
    ("Dikembalikan", "returned"),
    ("Stok akhir", "closing"),
    ("Dimusnahkan", "destroyed"),
)


def _lot_table(lots: tuple[LotMonth, ...], causes: list[str]) -> Table:
    """Two header rows: "Rusak menurut sebab" spans one column per cause plus its total."""
    rusak_at = 1 + len(_LOT_BEFORE)
    spoil_headers = [_cause_label(c) for c in causes] + ["Jumlah"]
    column_headers = [
        "Lot",
        *(label for label, _ in _LOT_BEFORE),
        *spoil_headers,
        *(label for label, _ in _LOT_AFTER),
        "Pemeriksaan",
    ]
    top = column_headers[:rusak_at] + ["Rusak menurut sebab"]
    top += [""] * (len(spoil_headers) - 1) + column_headers[rusak_at + len(spoil_headers) :]
    after = len(column_headers) - rusak_at - len(spoil_headers)
    sub = [""] * rusak_at + spoil_headers + [""] * after
    texts = [_lot_row(lot.lot, lot, causes) for lot in lots]
    texts.append(_lot_row("Jumlah", _sum_lots(lots, causes), causes))
    widths = fit_widths(list(zip(*texts, strict=True)), LANDSCAPE.width, headers=column_headers)
    rows: list[list[Any]] = [
        [_p(esc(h), _S.cell_head) if h else "" for h in top],
        [_p(esc(h), _S.cell_head) if h else "" for h in sub],
        *([_p(esc(row[0]), _S.cell), *row[1:]] for row in texts[:-1]),
        [_p(f"<b>{esc(texts[-1][0])}</b>", _S.cell), *texts[-1][1:]],
    ]
    commands = data_table_style(header_rows=2, total_row=True)
    commands += [("SPAN", (c, 0), (c, 1)) for c, h in enumerate(sub) if not h]
    commands += [
        ("SPAN", (rusak_at, 0), (rusak_at + len(spoil_headers) - 1, 0)),
        ("ALIGN", (1, 2), (-2, -1), "RIGHT"),
        ("ALIGN", (-1, 2), (-1, -1), "CENTER"),
    ]
    for r, row in enumerate(rows):
        if row[-1] == _BAD:
            commands += [
                ("TEXTCOLOR", (-1, r), (-1, r), RED),
                ("FONTNAME", (-1, r), (-1, r), FONT_BOLD),
            ]
    return _grid(rows, widths, commands, repeatRows=2)


def _lot_row(label: str, lot: LotMonth, causes: list[str]) -> list[str]:
    return [
        label,
        *(angka(getattr(lot, attr)) for _, attr in _LOT_BEFORE),
        *(angka(lot.spoiled.get(c, 0)) for c in causes),
        angka(lot.spoiled_total),
        *(
            _signed(lot.adjusted) if a == "adjusted" else angka(getattr(lot, a))
            for _, a in _LOT_AFTER
        ),
        _OK if lot.balanced else _BAD,
    ]


def _signed(n: int) -> str:
    """``+5``, ``−2`` (a true minus sign), ``0``."""
    return f"+{angka(n)}" if n > 0 else angka(n).replace("-", "\u2212")


def _sum_lots(lots: tuple[LotMonth, ...], causes: list[str]) -> LotMonth:
    counts = (
        "opening received printed destroyed transferred_in transferred_out adjusted returned "
        "closing"
    ).split()
    totals = {name: sum(getattr(lot, name) for lot in lots) for name in counts}
    spoiled = {c: sum(lot.spoiled.get(c, 0) for lot in lots) for c in causes}
    return LotMonth(lot="Jumlah", spoiled=spoiled, **totals)


def _balance_checks(lots: tuple[LotMonth, ...]) -> list[Flowable]:
    """One line per lot: the arithmetic written out, then ``sesuai`` or a red TIDAK SESUAI."""
    if not lots:
        return []
    flows: list[Flowable] = [
        _p("Pemeriksaan keseimbangan stok per lot", _S.heading),
        _p(
            "stok awal + diterima + mutasi masuk − dicetak − rusak − mutasi keluar "
            "± penyesuaian − dikembalikan = stok akhir",
            _S.small,
        ),
    ]
    for lot in lots:
        flows.append(_p(f"<b>Lot {esc(lot.lot)}</b>: {_check_line(lot)}", _S.small))
    return flows


def _check_line(lot: LotMonth) -> str:
    adjust = f"{'−' if lot.adjusted < 0 else '+'} {angka(abs(lot.adjusted))}"
    arithmetic = (
        f"{angka(lot.opening)} + {angka(lot.received)} + {angka(lot.transferred_in)} "
        f"− {angka(lot.printed)} − {angka(lot.spoiled_total)} − {angka(lot.transferred_out)} "
        f"{adjust} − {angka(lot.returned)} = {angka(lot.expected_closing)}"
    )
    if lot.balanced:
        return f"{arithmetic}; stok akhir tercatat {angka(lot.closing)}: <b>{_OK}</b>"
    gap = _signed(lot.closing - lot.expected_closing)
    return (
        f"{arithmetic}; stok akhir tercatat {angka(lot.closing)}, selisih {gap}: "
        f'<font color="#C00000"><b>{_BAD}</b></font>'
    )


def _report_notes(doc: MonthlyReport) -> list[Flowable]:
    return [
        _p("Keterangan", _S.heading),
        _p(
            "1. Blangko rusak dikurangkan dari stok pada saat rusak. Kolom Dimusnahkan mencatat "
            "blangko rusak yang dimusnahkan pada bulan ini; pemusnahan tidak mengurangi stok lagi.",
            _S.small,
        ),
        _p(
            "2. Blangko rusak yang disimpan dan menunggu pemusnahan pada akhir bulan: "
            f"<b>{angka(doc.awaiting_destruction)}</b> keping.",
            _S.small,
        ),
    ]


# --- surat permohonan blangko ------------------------------------------------------------


def render_reorder_letter(doc: ReorderLetter) -> bytes:
    """Surat permohonan tambahan blangko, quoting the PRR backlog central allocates by."""
    story: list[Flowable] = [
        _letter_head(doc),
        Spacer(1, 12),
        *_letter_body(doc),
        Spacer(1, 10),
        KeepTogether(_letter_signature(doc)),
        Spacer(1, 14),
        *_tembusan(doc.office),
    ]
    return build_pdf(
        story,
        letterhead=doc.office.letterhead,
        number=doc.number,
        title="Permohonan Tambahan Blangko KTP-el",
    )


def _letter_head(doc: ReorderLetter) -> Table:
    """Nomor / Sifat / Lampiran / Perihal on the left; date and addressee on the right."""
    fields = [
        ("Nomor", esc(doc.number)),
        ("Sifat", "Segera"),
        ("Lampiran", "-"),
        ("Perihal", "<b>Permohonan Tambahan Blangko KTP-el</b>"),
    ]
    left = _grid(
        [[name, ":", _p(value, _S.body_left)] for name, value in fields],
        [19 * mm, 4 * mm, 62 * mm],
        [
            ("FONTNAME", (0, 0), (-1, -1), FONT),
            ("FONTSIZE", (0, 0), (-1, -1), 10),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("TOPPADDING", (0, 0), (-1, -1), 0),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
        ],
    )
    right = [
        _place_and_date(doc.office, doc.dated),
        Spacer(1, 10),
        _p(
            "Yth. Direktur Jenderal Kependudukan dan Pencatatan Sipil Kementerian Dalam Negeri",
            _S.body_left,
        ),
        _p("di", _S.body_left),
        _p("&nbsp;&nbsp;&nbsp;&nbsp;&nbsp;&nbsp;<u>Jakarta</u>", _S.body_left),
    ]
    width = PORTRAIT.width
    return _grid(
        [[left, right]],
        [width * 0.52, width * 0.48],
        [
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ("TOPPADDING", (1, 0), (1, 0), 0),
            ("TOPPADDING", (0, 0), (0, 0), 24),
        ],
        hAlign="LEFT",
    )


def _letter_body(doc: ReorderLetter) -> list[Flowable]:
    office = doc.office
    days = doc.days_of_cover
    days = days if days is not None and math.isfinite(days) else None
    cover = "belum dapat dihitung" if days is None else f"{desimal(days)} hari"
    facts = [
        ("PRR (print ready record) yang menunggu pencetakan", f"{angka(doc.prr_backlog)} PRR"),
        ("Persediaan blangko KTP-el", f"{angka(doc.on_hand)} keping"),
        ("Rata-rata pemakaian blangko per hari", f"{desimal(doc.daily_consumption)} keping"),
        ("Persediaan diperkirakan cukup untuk", cover),
        ("Perkiraan waktu pengiriman blangko", f"{desimal(doc.lead_time_days)} hari"),
    ]
    label_width = 4 * mm + max(stringWidth(label, FONT, 10) for label, _ in facts)
    rows = [[f"{i}.", label, ":", value] for i, (label, value) in enumerate(facts, start=1)]
    facts_table = _grid(
        rows,
        [8 * mm, label_width, 4 * mm, PORTRAIT.width - 12 * mm - label_width],
        [
            ("FONTSIZE", (0, 0), (-1, -1), 10),
            ("FONTNAME", (3, 0), (3, -1), FONT_BOLD),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("TOPPADDING", (0, 0), (-1, -1), 0),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ],
        hAlign="LEFT",
    )
    facts_table.spaceAfter = 8
    urgent = ""
    if days is not None and days < doc.lead_time_days:
        urgent = (
            " Dengan keadaan tersebut, persediaan blangko diperkirakan habis sebelum tambahan "
            "blangko dapat diterima, sehingga pelayanan pencetakan KTP-el akan terhenti."
        )
    return [
        _p(
            f"Dalam rangka kelancaran pelayanan pencetakan KTP-el di {esc(office.kabupaten)}, "
            f"bersama ini kami sampaikan keadaan persediaan blangko KTP-el pada "
            f"{esc(office.dinas)} per tanggal {tanggal(doc.dated)} sebagai berikut:"
        ),
        facts_table,
        _p(
            "Sehubungan dengan hal tersebut, mengingat alokasi blangko KTP-el ditetapkan "
            "berdasarkan jumlah print ready record (PRR), dengan hormat kami mohon kiranya "
            "Bapak berkenan memberikan tambahan alokasi blangko KTP-el untuk "
            f"{esc(office.kabupaten)} sebanyak <b>{angka(doc.quantity)}</b> "
            f"({terbilang(doc.quantity)}) keping.{urgent}"
        ),
        _p(
            "Demikian permohonan ini kami sampaikan. Atas perhatian dan perkenan Bapak, kami "
            "ucapkan terima kasih."
        ),
    ]


def _letter_signature(doc: ReorderLetter) -> list[Flowable]:
    role = doc.signer.role.strip()
    if role.lower().endswith("kepala dinas"):
        role = f"{role} Kependudukan dan Pencatatan Sipil {doc.office.kabupaten}"
    signer = Signatory(name=doc.signer.name, role=f"{role},", nip=doc.signer.nip)
    box = signature_table([signer], width=PORTRAIT.width * 0.48, columns=1, sign_space=22 * mm)
    box.hAlign = "RIGHT"
    return [box]


def _tembusan(office: Office) -> list[Flowable]:
    name = office.kabupaten.strip()
    if name.lower().startswith("kota "):
        head = f"Wali Kota {name[5:]}"
    else:
        head = f"Bupati {name.removeprefix('Kabupaten ').strip()}"
    copies = [
        f"{head} (sebagai laporan);",
        f"Gubernur {office.provinsi};",
        "Arsip.",
    ]
    return [
        _p("<u>Tembusan</u>:", _S.small),
        *[_p(f"{i}. {esc(line)}", _S.small) for i, line in enumerate(copies, start=1)],
    ]
