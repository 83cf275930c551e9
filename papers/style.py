"""Shared look of Cetak's official PDF documents (berita acara, laporan, surat, manifests).

Everything here is reportlab glue for documents in Bahasa Indonesia: the embedded Vera
fonts, the A4 page with the kop surat (letterhead) on the first page and a footer with the
document number and "Halaman n dari m" on every page, paragraph styles, signature blocks,
and Indonesian formatting of dates and numbers (``24 November 2026``, ``4.000``,
``empat ribu``).

Documents are built in memory and returned as bytes, with reportlab's ``invariant`` mode
on, so the same input always gives the same bytes.
"""

from __future__ import annotations

import functools
import io
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape

import reportlab
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    NextPageTemplate,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

# Indonesian dates, numbers and number words (re-exported: documents import from here).
from cetak.bahasa import BULAN, HARI, angka, desimal, hari, tanggal, terbilang  # noqa: F401

__all__ = [
    "BLANK",
    "BULAN",
    "FONT",
    "FONT_BOLD",
    "HARI",
    "LANDSCAPE",
    "PORTRAIT",
    "RED",
    "STYLES",
    "Letterhead",
    "PageLayout",
    "Signatory",
    "Styles",
    "angka",
    "build_pdf",
    "data_table_style",
    "desimal",
    "esc",
    "fit_widths",
    "hari",
    "register_fonts",
    "signature_table",
    "tanggal",
    "terbilang",
    "title_block",
]

# --- fonts -------------------------------------------------------------------------------

FONT = "Vera"
FONT_BOLD = "Vera-Bold"
FONT_ITALIC = "Vera-Italic"
FONT_BOLD_ITALIC = "Vera-BoldItalic"

_FONT_FILES = {
    FONT: "Vera.ttf",
    FONT_BOLD: "VeraBd.ttf",
    FONT_ITALIC: "VeraIt.ttf",
    FONT_BOLD_ITALIC: "VeraBI.ttf",
}


@functools.cache
def register_fonts() -> None:
    """Register Bitstream Vera (shipped inside reportlab) once per process.

    TrueType fonts are embedded (subset) in every PDF, so documents look the same on any
    viewer, unlike the 14 standard PDF fonts, which each viewer substitutes.
    """
    folder = os.path.join(os.path.dirname(reportlab.__file__), "fonts")
    registered = set(pdfmetrics.getRegisteredFontNames())
    for name, filename in _FONT_FILES.items():
        if name not in registered:
            pdfmetrics.registerFont(TTFont(name, os.path.join(folder, filename)))
    pdfmetrics.registerFontFamily(
        FONT, normal=FONT, bold=FONT_BOLD, italic=FONT_ITALIC, boldItalic=FONT_BOLD_ITALIC
    )


def esc(text: object) -> str:
    """Text for a Paragraph: caller data never becomes markup."""
    return escape(str(text))


# --- styles ------------------------------------------------------------------------------

RED = colors.HexColor("#C00000")
_GREY = colors.HexColor("#555555")
_HEADER_FILL = colors.HexColor("#E4E4E4")


@dataclass(frozen=True)
class Styles:
    """Paragraph styles of Cetak's documents (Vera, 10 pt body, 8 pt in tables)."""

    body: ParagraphStyle
    body_left: ParagraphStyle
    title: ParagraphStyle
    subtitle: ParagraphStyle
    heading: ParagraphStyle
    small: ParagraphStyle
    cell: ParagraphStyle
    cell_center: ParagraphStyle
    cell_right: ParagraphStyle
    cell_head: ParagraphStyle
    right: ParagraphStyle
    signature: ParagraphStyle


def _make_styles() -> Styles:
    register_fonts()  # Paragraph() resolves bold/italic fonts as soon as it is created
    base = ParagraphStyle("cetak-body", fontName=FONT, fontSize=10, leading=14.5)
    body = ParagraphStyle("cetak-justify", parent=base, alignment=TA_JUSTIFY, spaceAfter=6)
    cell = ParagraphStyle("cetak-cell", parent=base, fontSize=8, leading=10)
    return Styles(
        body=body,
        body_left=ParagraphStyle("cetak-left", parent=body, alignment=TA_LEFT),
        title=ParagraphStyle(
            "cetak-title",
            parent=base,
            fontName=FONT_BOLD,
            fontSize=12.5,
            leading=16,
            alignment=TA_CENTER,
        ),
        subtitle=ParagraphStyle("cetak-subtitle", parent=base, alignment=TA_CENTER, spaceAfter=10),
        heading=ParagraphStyle(
            "cetak-heading", parent=base, fontName=FONT_BOLD, spaceBefore=6, spaceAfter=4
        ),
        small=ParagraphStyle("cetak-small", parent=base, fontSize=8, leading=10.5),
        cell=cell,
        cell_center=ParagraphStyle("cetak-cell-c", parent=cell, alignment=TA_CENTER),
        cell_right=ParagraphStyle("cetak-cell-r", parent=cell, alignment=TA_RIGHT),
        cell_head=ParagraphStyle(
            "cetak-cell-h", parent=cell, fontName=FONT_BOLD, alignment=TA_CENTER
        ),
        right=ParagraphStyle("cetak-right", parent=base, alignment=TA_RIGHT),
        signature=ParagraphStyle(
            "cetak-signature", parent=base, fontSize=9.5, leading=12.5, alignment=TA_CENTER
        ),
    )


STYLES = _make_styles()


def data_table_style(*, header_rows: int = 1, total_row: bool = False) -> list[tuple[Any, ...]]:
    """Table commands for a gridded data table: grey header rows, optional bold totals row."""
    commands: list[tuple[Any, ...]] = [
        ("FONTNAME", (0, 0), (-1, -1), FONT),
        ("FONTSIZE", (0, 0), (-1, -1), 8),
        ("LEADING", (0, 0), (-1, -1), 10),
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), 2.5),
        ("RIGHTPADDING", (0, 0), (-1, -1), 2.5),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ("BACKGROUND", (0, 0), (-1, header_rows - 1), _HEADER_FILL),
        ("FONTNAME", (0, 0), (-1, header_rows - 1), FONT_BOLD),
    ]
    if total_row:
        commands += [
            ("BACKGROUND", (0, -1), (-1, -1), _HEADER_FILL),
            ("FONTNAME", (0, -1), (-1, -1), FONT_BOLD),
        ]
    return commands


def fit_widths(
    columns: Sequence[Iterable[str]],
    total: float,
    *,
    headers: Sequence[str] | None = None,
    size: float = 8,
    padding: float = 6,
    bold: bool = True,
) -> list[float]:
    """Column widths for a data table ``total`` points wide, from the texts in each column.

    A column gets the width of its longest text (measured in bold for a totals row) or
    of the longest single word of its header, whichever is wider. Spare width is shared out
    equally; when the texts do not fit, the widest columns are capped to one width
    and wrap (their cells should be Paragraphs).
    """
    natural = []
    for i, texts in enumerate(columns):
        body = max((stringWidth(t, FONT_BOLD if bold else FONT, size) for t in texts), default=0.0)
        words = headers[i].split() if headers else []
        head = max((stringWidth(w, FONT_BOLD, size) for w in words), default=0.0)
        natural.append(max(body, head) + padding)
    spare = total - sum(natural)
    if spare >= 0:
        return [w + spare / len(natural) for w in natural]
    remaining, count = total, len(natural)
    cap = total / count
    for i, w in enumerate(sorted(natural)):
        if w * (count - i) >= remaining:
            cap = remaining / (count - i)
            break
        remaining -= w
    return [min(w, cap) for w in natural]


# --- signatures --------------------------------------------------------------------------


#: What a signature block or the letterhead shows for a value not set: a line to fill by hand.
BLANK = "........................"


@dataclass(frozen=True, slots=True)
class Signatory:
    """One signature box: an optional caption (``Mengetahui,``; may hold several lines, as
    ``"Klaten, 30 November 2026\\nDisiapkan oleh,"``), the role, space to sign, the name
    underlined, the pangkat/golongan and the NIP. A name or NIP not known shows a dotted
    line to fill by hand; ``pangkat`` None shows no line, ``""`` a dotted one."""

    name: str
    role: str
    nip: str | None = None
    caption: str = ""
    pangkat: str | None = None


def signature_table(
    signatories: Sequence[Signatory],
    *,
    width: float,
    columns: int = 3,
    sign_space: float = 20 * mm,
    styles: Styles = STYLES,
) -> Table:
    """Signature boxes side by side, at most ``columns`` to a row, sharing ``width``.

    One table that never splits; the names line up because every box is bottom-aligned.
    """
    if not signatories:
        raise ValueError("no signatories")
    columns = max(1, min(columns, len(signatories)))
    box_width = width / columns
    boxes: list[Any] = [_signature_box(s, sign_space, styles) for s in signatories]
    rows = [boxes[i : i + columns] for i in range(0, len(boxes), columns)]
    rows[-1] = rows[-1] + [""] * (columns - len(rows[-1]))
    table = Table(rows, colWidths=[box_width] * columns, hAlign="CENTER")
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), FONT),
                ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                ("LEFTPADDING", (0, 0), (-1, -1), 4),
                ("RIGHTPADDING", (0, 0), (-1, -1), 4),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 10),
                ("BOTTOMPADDING", (0, -1), (-1, -1), 0),
                ("NOSPLIT", (0, 0), (-1, -1)),
            ]
        )
    )
    return table


def _signature_box(s: Signatory, sign_space: float, styles: Styles) -> list[Flowable]:
    lines: list[Flowable] = []
    lines += [Paragraph(esc(line), styles.signature) for line in s.caption.splitlines()]
    lines.append(Paragraph(esc(s.role), styles.signature))
    lines.append(Spacer(1, sign_space))
    name = s.name.strip()
    if name and name.strip(". ") and name != BLANK:
        lines.append(Paragraph(f"<b><u>{esc(name)}</u></b>", styles.signature))
    else:
        lines.append(Paragraph(BLANK, styles.signature))
    if s.pangkat is not None:
        lines.append(Paragraph(esc(s.pangkat.strip() or BLANK), styles.signature))
    lines.append(Paragraph(f"NIP. {esc(s.nip.strip()) if s.nip else BLANK}", styles.signature))
    return lines


# --- page --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PageLayout:
    """An A4 page: size and margins in points; ``width`` is what a table may use."""

    pagesize: tuple[float, float]
    left: float = 25 * mm
    right: float = 20 * mm
    top: float = 15 * mm
    bottom: float = 20 * mm

    @property
    def width(self) -> float:
        return self.pagesize[0] - self.left - self.right


PORTRAIT = PageLayout(A4)
LANDSCAPE = PageLayout(landscape(A4), left=15 * mm, right=15 * mm, top=12 * mm, bottom=17 * mm)

_KOP_HEIGHT = 31 * mm  # letterhead block on the first page, rule included
_RUNNING_HEIGHT = 9 * mm  # small header on later pages


@dataclass(frozen=True, slots=True)
class Letterhead:
    """The kop surat: ``PEMERINTAH KABUPATEN KLATEN`` / the office / its address / its
    telephone, email and web site (when set), with the regency's logo on the left (PNG or
    JPEG bytes, when set)."""

    pemerintah: str  # "Kabupaten Klaten" (or "Kota Surakarta", "Pemerintah Kabupaten Klaten")
    alamat: str
    instansi: str = "Dinas Kependudukan dan Pencatatan Sipil"
    telepon: str = ""
    email: str = ""
    laman: str = ""
    logo: bytes | None = None

    @property
    def government_line(self) -> str:
        name = self.pemerintah.strip()
        if name.lower().startswith("pemerintah "):
            name = name[len("pemerintah ") :].strip()
        if not name.lower().startswith(("kabupaten ", "kota ", "provinsi ")):
            name = f"Kabupaten {name}"
        return f"PEMERINTAH {name.upper()}"

    @property
    def region(self) -> str:
        """``Kabupaten Klaten``: the government line without ``PEMERINTAH``."""
        name = self.pemerintah.strip()
        if name.lower().startswith("pemerintah "):
            name = name[len("pemerintah ") :].strip()
        return name

    @property
    def contact_line(self) -> str:
        """``Telepon (0272) 321046 · Email ... · Laman ...``; empty when none is set."""
        parts = [
            f"{label} {value.strip()}"
            for label, value in (
                ("Telepon", self.telepon),
                ("Email", self.email),
                ("Laman", self.laman),
            )
            if value.strip()
        ]
        return ", ".join(parts)


@dataclass(frozen=True, slots=True)
class _Page:
    letterhead: Letterhead
    number: str
    running_title: str
    layout: PageLayout

    def draw_first(self, canv: Canvas, _doc: object) -> None:
        lay, kop = self.layout, self.letterhead
        top = lay.pagesize[1] - lay.top
        contact = kop.contact_line
        rule = top - (66 if contact else 56)
        left, width = lay.left, lay.width
        canv.saveState()
        if kop.logo:  # on the left, above the rule; the text stays centred on the page
            size = min(top - rule - 6, 22 * mm)
            if _draw_logo(canv, kop.logo, lay.left, rule + 4, size):
                left, width = lay.left + size + 3 * mm, lay.width - 2 * (size + 3 * mm)
        x = left + width / 2
        lines = (
            (FONT_BOLD, 13, top - 13, kop.government_line),
            (FONT_BOLD, 15, top - 31, kop.instansi.upper()),
            (FONT, 9, top - 46, kop.alamat),
            (FONT, 9, top - 57, contact),
        )
        for font, points, y, text in lines:
            if text:
                canv.setFont(font, _fitting(text, font, points, width))
                canv.drawCentredString(x, y, text)
        canv.setLineWidth(2.2)
        canv.line(lay.left, rule, lay.left + lay.width, rule)
        canv.setLineWidth(0.6)
        canv.line(lay.left, rule - 3, lay.left + lay.width, rule - 3)
        canv.restoreState()

    def draw_later(self, canv: Canvas, _doc: object) -> None:
        lay = self.layout
        y = lay.pagesize[1] - lay.top - 8
        canv.saveState()
        canv.setFont(FONT, 7.5)
        canv.setFillColor(_GREY)
        office = f"{self.letterhead.instansi} {self.letterhead.region}"
        canv.drawString(lay.left, y, office)
        canv.drawRightString(lay.left + lay.width, y, self.running_title)
        canv.setStrokeColor(_GREY)
        canv.setLineWidth(0.4)
        canv.line(lay.left, y - 4, lay.left + lay.width, y - 4)
        canv.restoreState()

    def draw_footer(self, canv: Canvas, page: int, pages: int) -> None:
        lay = self.layout
        y = lay.bottom - 10 * mm
        canv.saveState()
        canv.setStrokeColor(_GREY)
        canv.setLineWidth(0.4)
        canv.line(lay.left, y + 9, lay.left + lay.width, y + 9)
        canv.setFont(FONT, 7.5)
        canv.setFillColor(_GREY)
        canv.drawString(lay.left, y, f"Nomor: {self.number}")
        canv.drawRightString(lay.left + lay.width, y, f"Halaman {page} dari {pages}")
        canv.restoreState()


def _fitting(text: str, font: str, size: float, width: float) -> float:
    """``size``, or smaller so that ``text`` fits ``width`` (never below 6 pt)."""
    natural = stringWidth(text, font, size)
    return size if natural <= width else max(6.0, size * width / natural)


def _draw_logo(canv: Canvas, logo: bytes, x: float, y: float, size: float) -> bool:
    """The logo in a ``size`` square at (x, y), aspect kept; False when it cannot be read."""
    from reportlab.lib.utils import ImageReader

    try:
        image = ImageReader(io.BytesIO(logo))
        canv.drawImage(image, x, y, width=size, height=size, preserveAspectRatio=True, mask="auto")
    except Exception:  # a damaged image leaves the letterhead without a logo, not unprintable
        return False
    return True


def _numbered_canvas(page: _Page) -> Callable[..., Canvas]:
    """A canvas maker that holds every page back until the end, to print "dari m"."""

    class NumberedCanvas(Canvas):  # type: ignore[misc]  # reportlab has no type stubs
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._held_pages: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._held_pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._held_pages)
            for number, state in enumerate(self._held_pages, start=1):
                self.__dict__.update(state)
                page.draw_footer(self, number, total)
                super().showPage()
            super().save()

    return NumberedCanvas


def build_pdf(
    story: Sequence[Flowable],
    *,
    letterhead: Letterhead,
    number: str,
    title: str,
    layout: PageLayout = PORTRAIT,
    running_title: str | None = None,
    subject: str = "",
) -> bytes:
    """Lay ``story`` out on A4 pages and return the PDF bytes.

    The first page carries the kop surat; later pages a one-line running header. Every
    page has a footer with ``number`` and ``Halaman n dari m``. Output is deterministic.
    """
    register_fonts()
    page = _Page(letterhead, number, running_title or title, layout)
    buffer = io.BytesIO()
    doc = BaseDocTemplate(
        buffer,
        pagesize=layout.pagesize,
        leftMargin=layout.left,
        rightMargin=layout.right,
        topMargin=layout.top,
        bottomMargin=layout.bottom,
        title=title,
        author=f"{letterhead.instansi} {letterhead.region}",
        subject=subject or title,
        creator="cetak",
        producer="cetak (ReportLab)",
        invariant=True,
        initialFontName=FONT,
        lang="id-ID",
    )
    height = layout.pagesize[1] - layout.top - layout.bottom
    first = Frame(
        layout.left,
        layout.bottom,
        layout.width,
        height - _KOP_HEIGHT,
        id="first",
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
    )
    later = Frame(
        layout.left,
        layout.bottom,
        layout.width,
        height - _RUNNING_HEIGHT,
        id="later",
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
    )
    doc.addPageTemplates(
        [
            PageTemplate("first", frames=[first], onPage=page.draw_first),
            PageTemplate("later", frames=[later], onPage=page.draw_later),
        ]
    )
    doc.build([NextPageTemplate("later"), *story], canvasmaker=_numbered_canvas(page))
    return buffer.getvalue()


def title_block(title: str, number: str, *more: str, styles: Styles = STYLES) -> list[Flowable]:
    """The centred, bold document title (and ``more`` title lines), ``Nomor: ...`` below."""
    return [
        *(Paragraph(esc(line), styles.title) for line in (title, *more)),
        Paragraph(f"Nomor: {esc(number)}", styles.subtitle),
    ]
