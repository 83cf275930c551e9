"""Papers of recording (issue 14): the monthly coverage report per kecamatan, the letter to
central asking for device repairs, and the notice (pengumuman) telling residents of a
kecamatan without a working device where to record instead. Plain data in, PDF bytes out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.shapes import Drawing, Line, String
from reportlab.lib import colors
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, Table, TableStyle

from cetak.bahasa import BULAN
from cetak.labels import DEVICE_CAUSE, REPAIR_BY
from papers.documents.common import _S, Office, Person, _p
from papers.documents.letter import letter_head, right_signature
from papers.style import (
    FONT,
    FONT_BOLD,
    LANDSCAPE,
    PORTRAIT,
    angka,
    build_pdf,
    data_table_style,
    desimal,
    esc,
    fit_widths,
    signature_table,
    tanggal,
    title_block,
)

# --- data --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CoverageLine:
    """One kecamatan's line of the coverage report."""

    kecamatan: str
    wajib_ktp: int | None
    terekam: int
    prr: int
    dicetak: int
    diambil: int
    belum_diambil: int
    alat_berfungsi: int
    alat_rusak: int
    lead_median: float | None  # days from recording to PRR

    @property
    def cakupan(self) -> float | None:
        return self.terekam / self.wajib_ktp if self.wajib_ktp else None


@dataclass(frozen=True, slots=True)
class CoverageReport:
    """Laporan cakupan perekaman dan pencetakan KTP-el per kecamatan, for one month."""

    number: str
    office: Office
    year: int
    month: int
    dated: date
    provisional: bool  # the month is not over: figures to the date, marked SEMENTARA
    lines: tuple[CoverageLine, ...]
    prepared_by: Person
    approved_by: Person


@dataclass(frozen=True, slots=True)
class BrokenDevice:
    kode: str
    place: str  # "Kec. Juwiring", "Disdukcapil"
    year: int | None
    since: date
    days_down: int
    cause: str | None
    repair_by: str | None
    reported_on: date | None
    note: str | None


@dataclass(frozen=True, slots=True)
class DeviceLetter:
    """Surat permohonan perbaikan/penggantian alat perekaman KTP-el to Ditjen Dukcapil."""

    number: str
    office: Office
    dated: date
    devices: tuple[BrokenDevice, ...]
    signer: Person

    def __post_init__(self) -> None:
        if not self.devices:
            raise ValueError("a repair letter needs at least one broken device")


@dataclass(frozen=True, slots=True)
class Closed:
    """A kecamatan that cannot record, and where its residents go instead."""

    kecamatan: str
    since: date
    causes: tuple[str, ...]
    record_at: str  # "Kecamatan Trucuk" or "Dinas Kependudukan dan Pencatatan Sipil"
    km: float | None


@dataclass(frozen=True, slots=True)
class RecordingNotice:
    """Pengumuman: where residents of kecamatan without a working device record."""

    number: str
    office: Office
    dated: date
    closed: tuple[Closed, ...]
    signer: Person

    def __post_init__(self) -> None:
        if not self.closed:
            raise ValueError("a notice needs at least one kecamatan that cannot record")


def _cause_text(causes: Sequence[str]) -> str:
    return ", ".join(DEVICE_CAUSE.get(c, c) for c in causes) or "kerusakan alat"


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{desimal(x * 100, 1)}%"


# --- laporan cakupan ---------------------------------------------------------------------

_COVERAGE_HEADERS = (
    "No.",
    "Kecamatan",
    "Wajib KTP",
    "Terekam",
    "Cakupan rekam",
    "PRR diterima",
    "Dicetak",
    "Diambil",
    "Belum diambil",
    "Alat berfungsi",
    "Alat rusak",
    "Rekam sampai PRR (median, hari)",
)


def render_coverage_report(doc: CoverageReport) -> bytes:
    month = f"{BULAN[doc.month]} {doc.year}"
    title = "Laporan Cakupan Perekaman dan Pencetakan KTP-el per Kecamatan"
    more = [f"Bulan {month}" + (" (SEMENTARA)" if doc.provisional else "")]
    story: list[Flowable] = [*title_block(title, doc.number, *more), Spacer(1, 6)]
    if doc.provisional:
        story.append(
            _p(
                f"<b>Sementara:</b> bulan {month} belum berakhir; angka sampai dengan "
                f"{tanggal(doc.dated)}.",
                _S.small,
            )
        )
    story += [_coverage_table(doc.lines), Spacer(1, 8), _coverage_chart(doc.lines), Spacer(1, 8)]
    story.append(
        KeepTogether(
            [
                _p(f"{esc(doc.office.kota)}, {tanggal(doc.dated)}", _S.body_left),
                signature_table(
                    [
                        doc.prepared_by.signatory("Dibuat oleh,"),
                        doc.approved_by.signatory("Mengetahui,"),
                    ],
                    width=LANDSCAPE.width,
                    columns=2,
                ),
            ]
        )
    )
    return build_pdf(
        story,
        letterhead=doc.office.letterhead,
        number=doc.number,
        title=f"{title} {month}",
        layout=LANDSCAPE,
    )


def _coverage_table(lines: Sequence[CoverageLine]) -> Table:
    rows: list[list[str]] = []
    for i, line in enumerate(lines, start=1):
        rows.append(
            [
                str(i),
                line.kecamatan,
                angka(line.wajib_ktp) if line.wajib_ktp is not None else "-",
                angka(line.terekam),
                _pct(line.cakupan),
                angka(line.prr),
                angka(line.dicetak),
                angka(line.diambil),
                angka(line.belum_diambil),
                angka(line.alat_berfungsi),
                angka(line.alat_rusak),
                "-" if line.lead_median is None else desimal(line.lead_median, 0),
            ]
        )
    wajib = sum(line.wajib_ktp or 0 for line in lines)
    terekam = sum(line.terekam for line in lines)
    total = [
        "",
        "Jumlah",
        angka(wajib),
        angka(terekam),
        _pct(terekam / wajib if wajib else None),
        *(
            angka(sum(getattr(line, name) for line in lines))
            for name in (
                "prr",
                "dicetak",
                "diambil",
                "belum_diambil",
                "alat_berfungsi",
                "alat_rusak",
            )
        ),
        "",
    ]
    body = [*rows, total]
    widths = fit_widths(
        [[r[i] for r in body] for i in range(len(_COVERAGE_HEADERS))],
        LANDSCAPE.width,
        headers=list(_COVERAGE_HEADERS),
    )
    head = [Paragraph(esc(h), _S.cell_head) for h in _COVERAGE_HEADERS]
    table = Table([head, *body], colWidths=widths, repeatRows=1)
    style = data_table_style(total_row=True)
    style += [("ALIGN", (2, 1), (-1, -1), "RIGHT")]
    for r, line in enumerate(lines, start=1):  # below 70% coverage or no device: red
        if (line.cakupan is not None and line.cakupan < 0.7) or (
            line.alat_rusak and not line.alat_berfungsi
        ):
            style.append(("TEXTCOLOR", (1, r), (1, r), colors.HexColor("#C00000")))
    table.setStyle(TableStyle(style))
    return table


def _coverage_chart(lines: Sequence[CoverageLine]) -> Drawing:
    """Recording coverage per kecamatan as horizontal bars, with the 100% line."""
    shown = [line for line in lines if line.cakupan is not None]
    width = LANDSCAPE.width
    height = max(60.0, 11.0 * len(shown) + 40)
    drawing = Drawing(width, height)
    drawing.add(
        String(
            0, height - 10, "Cakupan perekaman per kecamatan (%)", fontName=FONT_BOLD, fontSize=9
        )
    )
    if not shown:
        drawing.add(String(0, height - 28, "Belum ada data wajib KTP.", fontName=FONT, fontSize=8))
        return drawing
    chart = HorizontalBarChart()
    chart.x, chart.y = 110, 20
    chart.width, chart.height = width - 150, height - 40
    chart.data = [[round(min(line.cakupan or 0, 1.2) * 100, 1) for line in reversed(shown)]]
    chart.categoryAxis.categoryNames = [line.kecamatan for line in reversed(shown)]
    chart.categoryAxis.labels.fontName = FONT
    chart.categoryAxis.labels.fontSize = 7
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.valueAxis.valueMin, chart.valueAxis.valueMax, chart.valueAxis.valueStep = 0, 120, 20
    chart.valueAxis.labels.fontName = FONT
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.labelTextFormat = "%d%%"
    chart.bars[0].fillColor = colors.HexColor("#2E75B6")
    chart.bars[0].strokeColor = None
    chart.barSpacing = 1
    drawing.add(chart)
    x100 = chart.x + chart.width * 100 / 120
    drawing.add(
        Line(x100, chart.y, x100, chart.y + chart.height, strokeColor=colors.HexColor("#C00000"))
    )
    return drawing


# --- surat permohonan perbaikan alat ---------------------------------------------------------


def render_device_letter(doc: DeviceLetter) -> bytes:
    subject = "Permohonan Perbaikan/Penggantian Alat Perekaman KTP-el"
    story: list[Flowable] = [
        letter_head(doc.number, doc.office, doc.dated, subject),
        Spacer(1, 12),
        _p(
            f"Dalam rangka pelayanan perekaman KTP-el di {esc(doc.office.kabupaten)}, bersama ini "
            f"kami sampaikan bahwa sampai dengan tanggal {tanggal(doc.dated)} terdapat "
            f"<b>{angka(len(doc.devices))}</b> alat perekaman KTP-el yang tidak berfungsi, "
            "sehingga warga di wilayah tersebut harus merekam di tempat lain:"
        ),
        _device_table(doc.devices),
        Spacer(1, 8),
        _p(
            "Sehubungan dengan hal tersebut, dengan hormat kami mohon kiranya Bapak berkenan "
            "memfasilitasi perbaikan atau penggantian alat perekaman tersebut, agar cakupan "
            "perekaman KTP-el dapat dipenuhi."
        ),
        _p(
            "Demikian permohonan ini kami sampaikan. Atas perhatian dan perkenan Bapak, kami "
            "ucapkan terima kasih."
        ),
        Spacer(1, 10),
        right_signature(doc.signer, doc.office),
    ]
    return build_pdf(story, letterhead=doc.office.letterhead, number=doc.number, title=subject)


_DEVICE_HEADERS = (
    "No.",
    "Nomor inventaris",
    "Tempat",
    "Pengadaan",
    "Rusak sejak",
    "Lama (hari)",
    "Penyebab",
    "Perbaikan oleh",
)


def _device_table(devices: Sequence[BrokenDevice]) -> Table:
    rows = [
        [
            str(i),
            d.kode,
            d.place,
            str(d.year) if d.year else "-",
            tanggal(d.since, short=True),
            angka(d.days_down),
            DEVICE_CAUSE.get(d.cause, d.cause) if d.cause else "-",
            REPAIR_BY.get(d.repair_by, d.repair_by) if d.repair_by else "belum ada",
        ]
        for i, d in enumerate(devices, start=1)
    ]
    widths = fit_widths(
        [[r[i] for r in rows] for i in range(len(_DEVICE_HEADERS))],
        PORTRAIT.width,
        headers=list(_DEVICE_HEADERS),
    )
    head = [Paragraph(esc(h), _S.cell_head) for h in _DEVICE_HEADERS]
    cells = [[Paragraph(esc(c), _S.cell) for c in r] for r in rows]
    table = Table([head, *cells], colWidths=widths, repeatRows=1, spaceBefore=4)
    table.setStyle(TableStyle(data_table_style()))
    return table


# --- pengumuman --------------------------------------------------------------------------


def render_recording_notice(doc: RecordingNotice) -> bytes:
    """One notice; each kecamatan that cannot record gets its paragraph (large type, to
    post at the kecamatan office's door)."""
    story: list[Flowable] = [*title_block("PENGUMUMAN", doc.number), Spacer(1, 10)]
    story.append(
        _p(
            "Diberitahukan kepada seluruh warga bahwa untuk sementara <b>perekaman KTP-el</b> "
            "tidak dapat dilayani di kantor kecamatan berikut karena alat perekaman tidak "
            "berfungsi. Warga dapat merekam di tempat yang disebutkan:"
        )
    )
    for c in doc.closed:
        km = f" (± {desimal(c.km, 1)} km)" if c.km is not None else ""
        story.append(Spacer(1, 6))
        story.append(
            _p(
                f"<font size=13><b>Kecamatan {esc(c.kecamatan)}</b></font><br/>"
                f"tidak melayani perekaman sejak {tanggal(c.since)} "
                f"({esc(_cause_text(c.causes))}).<br/>"
                f"Silakan merekam di <b>{esc(c.record_at)}</b>{km}.",
                _S.body_left,
            )
        )
    story += [
        Spacer(1, 10),
        _p(
            "Persyaratan: membawa fotokopi Kartu Keluarga. Pelayanan tidak dipungut biaya. "
            "Pengumuman ini berlaku sampai alat perekaman di kecamatan tersebut berfungsi "
            "kembali."
        ),
        Spacer(1, 10),
        right_signature(doc.signer, doc.office, doc.dated),
    ]
    return build_pdf(
        story, letterhead=doc.office.letterhead, number=doc.number, title="Pengumuman Perekaman"
    )
