"""The carrier sheet (lembar pengantar cetak) of one print batch, as A4 PDF bytes.

The operator checks printed cards against it: the batch id as a Code128 barcode and in
text, the printer, the kecamatan and the date, then one row per card with its PRR id, the
NIK masked (``3310********0001``), the name, the kel/desa and a Code128 barcode of the card
reference, with the serial of its blank when its lot has a serial range. Long batches run
over several pages; every page repeats the table header and carries the batch id and
``Halaman n dari m``, so a loose page finds its batch.

Tracking barcodes belong here, never on the card itself (see :mod:`papers.card`).
The renderer is pure and deterministic; NIKs arrive masked and a full NIK is refused.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from datetime import date
from typing import Any

from reportlab.graphics.barcode.code128 import Code128
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from cetak.privacy import holds_full_nik
from papers.style import (
    FONT,
    FONT_BOLD,
    STYLES,
    angka,
    data_table_style,
    esc,
    register_fonts,
    tanggal,
)

__all__ = ["CarrierLine", "CarrierSheet", "render_carrier_sheet"]

TITLE = "LEMBAR PENGANTAR CETAK KTP-EL"
_PDF_TITLE = "Lembar Pengantar Cetak KTP-el"  # document properties: never str.title()
_PAGE_W, _PAGE_H = A4
_LEFT = _RIGHT = 15 * mm
_TOP, _BOTTOM = 14 * mm, 16 * mm
_WIDTH = _PAGE_W - _LEFT - _RIGHT
_HEADERS = ("No", "PRR", "NIK", "Nama", "Kel/Desa", "Referensi kartu / nomor seri", "Cek")
_PAD = 2.5  # cell padding (pdfstyle.data_table_style), each side
_BAR_COLUMN = 48 * mm
_BAR_CELL = _BAR_COLUMN - 2 * _PAD
_S = STYLES
_REF = ParagraphStyle("carrier-ref", parent=_S.cell_center, fontSize=7, leading=8)
_GREY = 0.33
_THINNEST = 0.45  # pt (0.16 mm): narrowest bar a handheld scanner reads off a laser print
_SMALLEST = 4.0  # pt: a cell's font shrinks this far to keep its widest word whole


@dataclass(frozen=True, slots=True)
class CarrierLine:
    card_ref: str  # the print job's card reference (barcoded)
    prr_id: str
    nik_masked: str  # 3310********0001: see mask_nik
    nama: str
    kel_desa: str
    serial: str | None = None  # the blank's serial, for a lot received with a serial range

    def __post_init__(self) -> None:
        for name in ("card_ref", "prr_id", "nik_masked", "nama", "kel_desa"):
            if holds_full_nik(getattr(self, name)):
                raise ValueError(f"{name} holds a full NIK; a carrier sheet shows it masked")


@dataclass(frozen=True, slots=True)
class CarrierSheet:
    batch_id: str
    printer: str
    kabupaten: str  # "Kabupaten Klaten"
    kecamatan: str
    printed_on: date
    cards: tuple[CarrierLine, ...]


def _modules(value: str) -> float:
    """Width of ``value`` in Code128 modules, with a 10-module quiet zone each side."""
    width: float = Code128(value, barWidth=1.0, quiet=0).width
    return width + 20


def _barcode(value: str, width: float, height: float, widest: float = 0.9) -> Code128:
    """Code128 of ``value`` no wider than ``width``, its bars as wide as that allows."""
    bar = min(widest, width / _modules(value))
    if bar < _THINNEST:
        raise ValueError(f"{value!r} is too long for a barcode {width / mm:.0f} mm wide")
    return Code128(value, barWidth=bar, barHeight=height, lquiet=10 * bar, rquiet=10 * bar)


def _p(text: str, style: ParagraphStyle = _S.cell) -> Paragraph:
    return Paragraph(text, style)


def _fit(
    text: str,
    width: float,
    style: ParagraphStyle = _S.cell,
    *,
    whole: bool = False,
    bold: bool = False,
) -> Paragraph:
    """Plain ``text`` in a box ``width`` wide, wrapped between words and never inside one.

    A word wider than the box shrinks the font of this paragraph alone until it fits (a
    kel/desa like "TAMBAKREJO" stays whole). With ``whole`` the text is one unbreakable
    word (a batch number). Only a word too wide even at ``_SMALLEST`` pt is split.
    """
    font = FONT_BOLD if bold else style.fontName
    words = [text] if whole else text.split()
    widest = max((stringWidth(word, font, style.fontSize) for word in words), default=0.0)
    size = style.fontSize
    if widest > width:
        size = max(_SMALLEST, math.floor(style.fontSize * width / widest * 10) / 10)
    fitted = ParagraphStyle(
        f"{style.name}-fit",
        parent=style,
        fontSize=size,
        leading=style.leading * size / style.fontSize,
        splitLongWords=int(widest * size / style.fontSize > width),
    )
    markup = esc(text)
    if whole:
        markup = markup.replace(" ", "&nbsp;")
    return Paragraph(f"<b>{markup}</b>" if bold else markup, fitted)


def _heading(sheet: CarrierSheet) -> list[Flowable]:
    beside = 72 * mm  # the batch barcode beside the facts, or under them if too long
    side_by_side = _modules(sheet.batch_id) * 0.6 <= beside
    rest = _WIDTH - 34 * mm - (beside + 6 * mm if side_by_side else 0)
    facts = [
        ("Nomor batch", _fit(sheet.batch_id, rest, _S.body_left, whole=True, bold=True)),
        ("Printer", _fit(sheet.printer, rest, _S.body_left)),
        ("Kecamatan", _fit(sheet.kecamatan, rest, _S.body_left)),
        ("Tanggal cetak", _fit(tanggal(sheet.printed_on), rest, _S.body_left)),
        ("Jumlah kartu", _fit(f"{angka(len(sheet.cards))} keping", rest, _S.body_left)),
    ]
    left = Table(
        [[_p(name, _S.body_left), ":", value] for name, value in facts],
        colWidths=[30 * mm, 4 * mm, rest],
        hAlign="LEFT",
    )
    left.setStyle(_plain(10))
    if side_by_side:
        batch = _batch_barcode(sheet.batch_id, beside)
        top = Table([[left, batch]], colWidths=[_WIDTH - beside - 6 * mm, beside + 6 * mm])
        top.setStyle(_plain(10) + [("VALIGN", (0, 0), (-1, -1), "MIDDLE")])
    else:
        top = Table([[left], [_batch_barcode(sheet.batch_id, _WIDTH)]], colWidths=[_WIDTH])
        top.setStyle(_plain(10))
    return [
        _p(TITLE, _S.title),
        _p(f"Dinas Kependudukan dan Pencatatan Sipil {esc(sheet.kabupaten)}", _S.subtitle),
        top,
        Spacer(1, 4 * mm),
    ]


def _batch_barcode(batch_id: str, width: float) -> Table:
    table = Table(
        [
            [_barcode(batch_id, width, 13 * mm, widest=1.2)],
            [_fit(batch_id, width, _S.cell_center, whole=True)],
        ],
        colWidths=[width],
    )
    table.setStyle(_plain(9) + [("ALIGN", (0, 0), (-1, -1), "CENTER")])
    return table


def _plain(size: float) -> list[tuple[Any, ...]]:
    return [
        ("FONTNAME", (0, 0), (-1, -1), FONT),
        ("FONTSIZE", (0, 0), (-1, -1), size),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 1),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
    ]


def _widths(cards: tuple[CarrierLine, ...]) -> list[float]:
    """No, PRR and NIK as wide as their longest text (PRR at most 42 mm); Kel/Desa about a
    third of what is left, wider (up to half) for its longest word, Nama the rest."""

    def fit(texts: list[str], header: str, cap: float = _WIDTH) -> float:
        longest: float = max(
            [stringWidth(t, FONT, 8) for t in texts] + [stringWidth(header, FONT_BOLD, 8)]
        )
        return min(cap, longest + 2 * _PAD + 1)

    number = fit([str(len(cards))], _HEADERS[0])
    prr = fit([c.prr_id for c in cards], _HEADERS[1], 42 * mm)
    nik = fit([c.nik_masked for c in cards], _HEADERS[2], 42 * mm)
    check = 9 * mm
    rest = _WIDTH - number - prr - nik - _BAR_COLUMN - check
    desa_words = [word for c in cards for word in c.kel_desa.upper().split()]
    desa = min(max(fit(desa_words, _HEADERS[4]), rest * 0.32), rest * 0.5)
    return [number, prr, nik, rest - desa, desa, _BAR_COLUMN, check]


def _cards(cards: tuple[CarrierLine, ...]) -> Table:
    widths = _widths(cards)
    rows: list[list[Any]] = [[_p(esc(h), _S.cell_head) for h in _HEADERS]]
    inner = [w - 2 * _PAD for w in widths]
    for i, card in enumerate(cards, start=1):
        ref = [
            _barcode(card.card_ref, _BAR_CELL, 8 * mm),
            _fit(card.card_ref, _BAR_CELL, _REF, whole=True),
        ]
        if card.serial:
            ref.append(_p(f"Seri <b>{esc(card.serial)}</b>", _REF))
        rows.append(
            [
                str(i),
                _fit(card.prr_id, inner[1], whole=True),
                _fit(card.nik_masked, inner[2], whole=True),
                _fit(card.nama.upper(), inner[3]),
                _fit(card.kel_desa.upper(), inner[4]),
                ref,
                "",
            ]
        )
    table = Table(rows, colWidths=widths, repeatRows=1, hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                *data_table_style(),
                ("ALIGN", (0, 1), (0, -1), "RIGHT"),
                ("ALIGN", (5, 1), (5, -1), "CENTER"),
                ("TOPPADDING", (5, 1), (5, -1), 3),
            ]
        )
    )
    return table


def _closing(count: int) -> list[Flowable]:
    line = "." * 40
    return [
        Spacer(1, 6 * mm),
        _p(
            f"Kartu diperiksa satu per satu terhadap lembar ini ({angka(count)} keping). "
            "Kartu yang rusak atau tidak sesuai dicatat sebagai blangko rusak.",
            _S.small,
        ),
        Spacer(1, 4 * mm),
        _p(
            f"Dicetak oleh: {line} &nbsp; Diperiksa oleh: {line} &nbsp; Paraf: ..........", _S.small
        ),  # fmt: skip
    ]


def _canvas_maker(sheet: CarrierSheet) -> type[Canvas]:
    """Holds every page back to the end so each page can say ``Halaman n dari m``."""

    class SheetCanvas(Canvas):  # type: ignore[misc]  # reportlab has no type stubs
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._held: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._held.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            for number, state in enumerate(self._held, start=1):
                self.__dict__.update(state)
                _decorate(self, sheet, number, len(self._held))
                super().showPage()
            super().save()

    return SheetCanvas


def _decorate(canvas: Canvas, sheet: CarrierSheet, page: int, pages: int) -> None:
    canvas.saveState()
    canvas.setFillGray(_GREY)
    canvas.setStrokeGray(_GREY)
    canvas.setLineWidth(0.4)
    if page > 1:
        y = _PAGE_H - _TOP + 2 * mm
        canvas.setFont(FONT_BOLD, 8)
        canvas.drawString(_LEFT, y, f"{TITLE} (lanjutan)")
        canvas.setFont(FONT, 8)
        canvas.drawRightString(_PAGE_W - _RIGHT, y, f"Batch {sheet.batch_id}")
        canvas.line(_LEFT, y - 2 * mm, _PAGE_W - _RIGHT, y - 2 * mm)
    y = _BOTTOM - 8 * mm
    canvas.line(_LEFT, y + 3.5 * mm, _PAGE_W - _RIGHT, y + 3.5 * mm)
    canvas.setFont(FONT, 7.5)
    canvas.drawString(_LEFT, y, f"Batch {sheet.batch_id}")
    canvas.drawRightString(_PAGE_W - _RIGHT, y, f"Halaman {page} dari {pages}")
    canvas.restoreState()


def render_carrier_sheet(sheet: CarrierSheet) -> bytes:
    """The carrier sheet of ``sheet`` as A4 PDF bytes (deterministic)."""
    register_fonts()
    buffer = io.BytesIO()
    doc = BaseDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=_LEFT,
        rightMargin=_RIGHT,
        topMargin=_TOP + 4 * mm,
        bottomMargin=_BOTTOM,
        title=f"{_PDF_TITLE} {sheet.batch_id}",
        author=f"Dinas Kependudukan dan Pencatatan Sipil {sheet.kabupaten}",
        subject=_PDF_TITLE,
        creator="cetak",
        producer="cetak (ReportLab)",
        invariant=True,
        initialFontName=FONT,
        lang="id-ID",
    )
    frame = Frame(
        _LEFT,
        _BOTTOM,
        _WIDTH,
        _PAGE_H - _TOP - 4 * mm - _BOTTOM,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
    )
    doc.addPageTemplates([PageTemplate("sheet", frames=[frame])])
    story = [*_heading(sheet)]
    if sheet.cards:
        story.append(_cards(sheet.cards))
    else:
        story.append(_p("Batch ini tidak memuat kartu.", _S.body_left))
    story += _closing(len(sheet.cards))
    doc.build(story, canvasmaker=_canvas_maker(sheet))
    return buffer.getvalue()
