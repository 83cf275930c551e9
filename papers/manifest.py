"""The manifest of one shipment of printed cards to a kecamatan (manifes pengiriman KTP-el).

One A4 document travels with each shipment: the shipment id as a Code128 barcode and in
text, the kecamatan, the packing date and the count in figures and words; then one row per
card (reference, masked NIK, name, kel/desa) with an empty column the kecamatan officer
ticks card by card; and the berita acara serah terima, signed by who hands over, who
receives and, when there is one, the courier. Every page's footer carries the shipment id.

The renderer is pure: frozen dataclasses in, deterministic PDF bytes out. NIKs arrive
masked (``3310********0001``); a full NIK is refused before it reaches paper.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from reportlab.graphics.barcode.code128 import Code128
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, Table, TableStyle

from cetak.privacy import holds_full_nik
from papers.documents import Office, Person
from papers.style import (
    FONT,
    FONT_BOLD,
    PORTRAIT,
    STYLES,
    Signatory,
    angka,
    build_pdf,
    data_table_style,
    esc,
    hari,
    signature_table,
    tanggal,
    terbilang,
    title_block,
)

__all__ = ["TITLE", "ManifestLine", "ShipmentManifest", "render_manifest"]

TITLE = "MANIFES PENGIRIMAN KTP-EL"
_S = STYLES
_W = PORTRAIT.width
_HEADERS = ("No", "Referensi kartu", "NIK (disamarkan)", "Nama", "Kel/Desa")
_TICK_COLUMN = 17 * mm
_BARCODE_W = 58 * mm
_DOTS = "." * 34
_NOTE = ParagraphStyle("manifest-note", parent=_S.body_left, spaceBefore=3 * mm)


@dataclass(frozen=True, slots=True)
class ManifestLine:
    card_ref: str
    nik_masked: str  # 3310********0001 (cetak.privacy.mask_nik)
    nama: str
    kel_desa: str

    def __post_init__(self) -> None:
        for name in ("card_ref", "nik_masked", "nama", "kel_desa"):
            if holds_full_nik(getattr(self, name)):
                raise ValueError(f"{name} holds a full NIK; a manifest shows it masked")
        if sum(c.isdigit() for c in self.nik_masked) >= 16:
            raise ValueError("nik_masked holds a full NIK; pass it masked (3310********0001)")


@dataclass(frozen=True, slots=True)
class ShipmentManifest:
    shipment_id: str  # "KRM-3310-20261124-0005": barcoded and in the footer of every page
    office: Office
    kecamatan: str  # "Cawas"
    kode_kecamatan: str  # "33.10.05"
    packed_on: date
    lines: tuple[ManifestLine, ...]
    handed_over_by: Person  # Disdukcapil officer
    received_by: Person | None = None  # kecamatan officer; None: a box to fill in by hand
    courier: Person | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "lines", tuple(self.lines))
        if not self.lines:
            raise ValueError("a shipment manifest needs at least one card")
        refs = [line.card_ref for line in self.lines]
        if len(set(refs)) != len(refs):
            raise ValueError("a card appears twice in the shipment")


def render_manifest(doc: ShipmentManifest) -> bytes:
    """The manifest and berita acara serah terima of ``doc`` as A4 PDF bytes."""
    return build_pdf(
        [
            *title_block(TITLE, doc.shipment_id),
            _heading(doc),
            Spacer(1, 5 * mm),
            _card_table(doc.lines),
            Spacer(1, 8 * mm),
            KeepTogether(_handover(doc)),
        ],
        letterhead=doc.office.letterhead,
        number=doc.shipment_id,
        title=f"Manifes Pengiriman KTP-el {doc.shipment_id}",
        running_title=f"Manifes {doc.shipment_id} \u00b7 Kecamatan {doc.kecamatan}",
        subject=f"Pengiriman KTP-el ke Kecamatan {doc.kecamatan}",
    )


def _p(text: str, style: Any = _S.body) -> Paragraph:
    return Paragraph(text, style)


def _count(n: int) -> str:
    return f"<b>{angka(n)}</b> ({terbilang(n)}) keping"


def _plain(size: float = 10) -> list[tuple[Any, ...]]:
    return [
        ("FONTNAME", (0, 0), (-1, -1), FONT),
        ("FONTSIZE", (0, 0), (-1, -1), size),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 1),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]


def _heading(doc: ShipmentManifest) -> Table:
    """The facts of the shipment on the left, its barcode on the right."""
    facts = [
        ("Tujuan", f"Kecamatan {esc(doc.kecamatan)} ({esc(doc.kode_kecamatan)})"),
        ("Tanggal kemas", f"{hari(doc.packed_on)}, {tanggal(doc.packed_on)}"),
        ("Jumlah", _count(len(doc.lines))),
    ]
    label = 30 * mm
    left_w = _W - _BARCODE_W - 4 * mm
    left = Table(
        [[name, ":", _p(value, _S.body_left)] for name, value in facts],
        colWidths=[label, 4 * mm, left_w - label - 4 * mm],
    )
    left.setStyle(_plain())
    bar = min(1.2, _BARCODE_W / (Code128(doc.shipment_id, barWidth=1.0, quiet=0).width + 20))
    code = Code128(doc.shipment_id, barWidth=bar, barHeight=15 * mm, quiet=True)
    code.hAlign = "CENTER"
    right = Table(
        [[code], [_p(f"<b>{esc(doc.shipment_id)}</b>", _S.cell_center)]], colWidths=[_BARCODE_W]
    )
    right.setStyle(_plain(8) + [("ALIGN", (0, 0), (-1, -1), "CENTER")])
    top = Table([[left, right]], colWidths=[left_w + 4 * mm, _BARCODE_W])
    top.setStyle(_plain() + [("VALIGN", (0, 0), (-1, -1), "MIDDLE")])
    return top


class _Mark(Flowable):  # type: ignore[misc]  # reportlab has no type stubs
    """A drawn check mark, or with ``box`` an empty box to tick: Vera has no U+2713."""

    def __init__(self, box: bool = False) -> None:
        super().__init__()
        self.box, self.width, self.height, self.hAlign = box, 3.4 * mm, 3.4 * mm, "CENTER"

    def wrap(self, *_: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        size, canv = self.width, self.canv
        canv.setLineWidth(0.6 if self.box else 1.2)
        if self.box:
            canv.rect(0, 0, size, size)
            return
        path = canv.beginPath()
        path.moveTo(0.05 * size, 0.5 * size)
        path.lineTo(0.38 * size, 0.12 * size)
        path.lineTo(0.95 * size, 0.95 * size)
        canv.drawPath(path, stroke=1, fill=0)


def _widths(lines: tuple[ManifestLine, ...]) -> list[float]:
    """No, reference and NIK as wide as their longest text; Nama and Kel/Desa share the rest."""

    def fit(texts: list[str], header: str, cap: float) -> float:
        longest = max(
            [stringWidth(t, FONT, 8) for t in texts] + [stringWidth(header, FONT_BOLD, 8)]
        )
        return min(cap, float(longest) + 8)

    number = fit([str(len(lines))], _HEADERS[0], 12 * mm)
    ref = fit([line.card_ref for line in lines], _HEADERS[1], 48 * mm)
    nik = fit([line.nik_masked for line in lines], _HEADERS[2], 40 * mm)
    rest = _W - number - ref - nik - _TICK_COLUMN
    return [number, ref, nik, rest * 0.6, rest * 0.4, _TICK_COLUMN]


def _card_table(lines: tuple[ManifestLine, ...]) -> Table:
    head = [_p(esc(h), _S.cell_head) for h in _HEADERS] + [[_p("Diterima", _S.cell_head), _Mark()]]
    rows: list[list[Any]] = [head]
    for i, line in enumerate(lines, start=1):
        rows.append(
            [
                str(i),
                _p(esc(line.card_ref), _S.cell),
                _p(esc(line.nik_masked), _S.cell),
                _p(esc(line.nama.upper()), _S.cell),
                _p(esc(line.kel_desa.upper()), _S.cell),
                _Mark(box=True),
            ]
        )
    table = Table(rows, colWidths=_widths(lines), repeatRows=1, hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                *data_table_style(),
                ("ALIGN", (0, 1), (0, -1), "RIGHT"),
                ("ALIGN", (-1, 0), (-1, -1), "CENTER"),
                ("TOPPADDING", (0, 1), (-1, -1), 3.5),
                ("BOTTOMPADDING", (0, 1), (-1, -1), 4.5),
            ]
        )
    )
    return table


def _handover(doc: ShipmentManifest) -> list[Flowable]:
    day, count = doc.packed_on, len(doc.lines)
    line = "." * int(_W / stringWidth(".", FONT, 10))
    tujuan = f"Kecamatan {esc(doc.kecamatan)} ({esc(doc.kode_kecamatan)})"
    via = f" melalui pengantar {esc(doc.courier.name)}" if doc.courier else ""
    signers = [doc.handed_over_by.signatory("Yang menyerahkan,")]
    if doc.courier is not None:
        signers.append(doc.courier.signatory("Pengantar,"))
    if doc.received_by is not None:
        signers.append(doc.received_by.signatory("Yang menerima,"))
    else:
        role = f"Petugas Kecamatan {doc.kecamatan}"
        signers.append(Signatory(_DOTS, role, nip=_DOTS[:24], caption="Yang menerima,"))
    return [
        _p("BERITA ACARA SERAH TERIMA", _S.title),
        Spacer(1, 3 * mm),
        _p(
            f"Pada hari ini, {hari(day)}, tanggal {tanggal(day)}, {esc(doc.office.dinas)} "
            f"menyerahkan kepada {tujuan}{via} sebanyak {_count(count)} KTP-el "
            f"sebagaimana tercantum dalam daftar di atas, dengan nomor pengiriman "
            f"<b>{esc(doc.shipment_id)}</b>."
        ),
        _p(
            "Pihak yang menerima memeriksa kartu satu per satu dan memberi tanda pada kolom "
            "Diterima. Kartu yang tidak ada, rusak, atau tidak tercantum dalam daftar dicatat "
            "pada lembar ini dan dilaporkan kepada Dinas untuk ditindaklanjuti. Demikian berita "
            "acara ini dibuat dengan sebenarnya untuk dipergunakan sebagaimana mestinya."
        ),
        _p("Catatan penerima (kartu tidak ada, rusak, atau tidak tercantum):", _S.body_left),
        *(_p(line, _NOTE) for _ in range(2)),
        _p(f"Jumlah kartu yang diterima: {'.' * 12} keping", _NOTE),
        Spacer(1, 2 * mm),
        _p(f"{esc(doc.office.kota)}, {tanggal(day)}", _S.body_left),
        Spacer(1, 3 * mm),
        signature_table(signers, width=_W, columns=len(signers)),
    ]
