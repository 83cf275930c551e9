"""Laporan KTP-el belum diambil: what waits at each kecamatan and for how long, the jemput
bola list (residents aged 65 or more whose card waits) and the cards to bring back to the
Disdukcapil, signed by the section head and acknowledged by the head of office.

Pure: frozen dataclasses in, deterministic PDF bytes out. NIKs arrive masked.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, Table, TableStyle

from cetak.privacy import holds_full_nik
from papers.documents import Office, Person
from papers.style import (
    FONT,
    LANDSCAPE,
    STYLES,
    angka,
    build_pdf,
    data_table_style,
    esc,
    fit_widths,
    signature_table,
    tanggal,
    title_block,
)

TITLE = "LAPORAN KTP-EL BELUM DIAMBIL"
_S = STYLES
_W = LANDSCAPE.width


@dataclass(frozen=True, slots=True)
class WaitingRow:
    kecamatan: str
    waiting: int
    over_30: int
    over_60: int
    over_90: int


@dataclass(frozen=True, slots=True)
class Resident:
    card_ref: str
    nik_masked: str
    nama: str
    umur: int | None
    alamat: str
    kel_desa: str
    kecamatan: str
    days: int

    def __post_init__(self) -> None:
        for name in ("card_ref", "nik_masked", "nama", "alamat", "kel_desa"):
            if holds_full_nik(getattr(self, name)):
                raise ValueError(f"{name} holds a full NIK; this report shows it masked")


@dataclass(frozen=True, slots=True)
class UncollectedReport:
    number: str
    office: Office
    on: date
    rows: tuple[WaitingRow, ...]
    jemput_bola: tuple[Resident, ...]
    to_return: tuple[Resident, ...]
    min_age: int
    return_after_days: int
    prepared_by: Person
    approved_by: Person
    #: Kecamatan ranked for a jemput bola visit (issue 14): name, score 0-100, reasons in
    #: words; empty: not shown.
    priorities: tuple[tuple[str, int, str], ...] = ()


def _p(text: str, style: Any = _S.body_left) -> Paragraph:
    return Paragraph(text, style)


def _priorities(rows: tuple[tuple[str, int, str], ...]) -> list[Flowable]:
    """Where jemput bola should go next: low recording coverage, broken devices and cards
    waiting, together (``recording.rules.rank_jemput_bola``)."""
    if not rows:
        return []
    return [
        Spacer(1, 4 * mm),
        _p("Prioritas kecamatan untuk jemput bola", _S.heading),
        _grid(
            ["No.", "Kecamatan", "Skor", "Alasan"],
            [
                [str(i), name, str(score), reasons]
                for i, (name, score, reasons) in enumerate(rows, 1)
            ],
            numeric=frozenset({2}),
        ),
    ]


def _grid(
    headers: list[str],
    body: list[list[str]],
    *,
    total: list[str] | None = None,
    numeric: frozenset[int] = frozenset(),
    unbroken: frozenset[int] = frozenset(),
) -> Table:
    texts = [headers, *body, *([total] if total else [])]
    widths = fit_widths(list(zip(*texts[1:], strict=True)), _W, headers=headers)
    # Columns whose words must not break (a card reference, a masked NIK) keep their
    # natural width; the other columns, which wrap between words, give it up.
    for i in unbroken:
        need = max(stringWidth(row[i], FONT, 8) for row in texts[1:]) + 6
        short = need - widths[i]
        if short <= 0:
            continue
        others = [j for j in range(len(widths)) if j not in unbroken]
        spare = sum(widths[j] for j in others)
        for j in others:
            widths[j] -= short * widths[j] / spare
        widths[i] = need

    def cell(i: int, text: str, bold: bool = False) -> Paragraph:
        style = _S.cell_right if i in numeric else _S.cell
        return _p(f"<b>{esc(text)}</b>" if bold else esc(text), style)

    rows: list[list[Any]] = [[_p(esc(h), _S.cell_head) for h in headers]]
    rows += [[cell(i, c) for i, c in enumerate(row)] for row in body]
    if total:
        rows.append([cell(i, c, bold=True) for i, c in enumerate(total)])
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(TableStyle(data_table_style(total_row=total is not None)))
    return table


def _residents(people: tuple[Resident, ...], empty: str) -> list[Flowable]:
    if not people:
        return [_p(empty, _S.small)]
    headers = [
        "No",
        "Kartu",
        "NIK",
        "Nama",
        "Umur",
        "Alamat",
        "Kel/Desa",
        "Kecamatan",
        "Hari",
        "Keterangan petugas",
    ]
    body = [
        [
            str(i),
            r.card_ref,
            r.nik_masked,
            r.nama,
            "-" if r.umur is None else str(r.umur),
            r.alamat,
            r.kel_desa,
            r.kecamatan,
            angka(r.days),
            " " * 40,  # room to write what happened at the visit
        ]
        for i, r in enumerate(people, 1)
    ]
    return [_grid(headers, body, numeric=frozenset({0, 4, 8}), unbroken=frozenset({1, 2}))]


def render_uncollected(doc: UncollectedReport) -> bytes:
    total = [
        "Jumlah",
        *(
            angka(sum(getattr(r, k) for r in doc.rows))
            for k in ("waiting", "over_30", "over_60", "over_90")
        ),
    ]
    summary = _grid(
        ["Kecamatan", "Menunggu", "> 30 hari", "> 60 hari", "> 90 hari"],
        [
            [r.kecamatan, angka(r.waiting), angka(r.over_30), angka(r.over_60), angka(r.over_90)]
            for r in doc.rows
        ],
        total=total,
        numeric=frozenset({1, 2, 3, 4}),
    )
    kota = doc.office.kota
    story: list[Flowable] = [
        *title_block(TITLE, doc.number, f"KEADAAN {tanggal(doc.on).upper()}"),
        Spacer(1, 4 * mm),
        _p(
            f"KTP-el yang sudah diterima kantor kecamatan di {esc(doc.office.kabupaten)} dan belum "
            "diambil pemohon, menurut lama menunggu sejak diterima kecamatan."
        ),
        summary,
        Spacer(1, 5 * mm),
        _p(f"Daftar jemput bola: pemohon berusia {doc.min_age} tahun ke atas", _S.heading),
        *_residents(doc.jemput_bola, "Tidak ada pemohon lanjut usia yang kartunya menunggu."),
        *_priorities(doc.priorities),
        Spacer(1, 5 * mm),
        _p(
            f"Ditarik ke Disdukcapil: menunggu lebih dari {doc.return_after_days} hari",
            _S.heading,
        ),
        *_residents(doc.to_return, "Tidak ada kartu yang perlu ditarik."),
        Spacer(1, 6 * mm),
        KeepTogether(
            [
                signature_table(
                    [
                        doc.approved_by.signatory("Mengetahui,"),
                        doc.prepared_by.signatory(f"{kota}, {tanggal(doc.on)}\nDisiapkan oleh,"),
                    ],
                    width=_W,
                    columns=2,
                )
            ]
        ),
    ]
    return build_pdf(
        story,
        letterhead=doc.office.letterhead,
        number=doc.number,
        title=f"Laporan KTP-el Belum Diambil {tanggal(doc.on)}",
        layout=LANDSCAPE,
    )
