"""The nota dinas to the regency's procurement officer (PPK) asking for printer
consumables (issue 15): quantities, unit prices and the estimated cost."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, Table, TableStyle

from cetak.labels import CONSUMABLE_KIND
from papers.documents.common import _S, Office, Person, _grid, _p
from papers.style import (
    PORTRAIT,
    Signatory,
    angka,
    build_pdf,
    data_table_style,
    desimal,
    esc,
    fit_widths,
    signature_table,
    tanggal,
    terbilang,
)


@dataclass(frozen=True, slots=True)
class Need:
    kind: str
    rolls: int
    unit_price: int
    rated_yield: int
    days_of_cover: float | None

    @property
    def cost(self) -> int:
        return self.rolls * self.unit_price


@dataclass(frozen=True, slots=True)
class ProcurementMemo:
    number: str
    office: Office
    dated: date
    needs: tuple[Need, ...]
    cards_per_day: float
    lead_days: float
    sender: Person
    ppk: str = "Pejabat Pembuat Komitmen (PPK)"

    def __post_init__(self) -> None:
        if not self.needs:
            raise ValueError("a memo needs at least one item")


_HEADERS = (
    "No.",
    "Barang",
    "Jumlah (rol)",
    "Hasil per rol (kartu)",
    "Harga satuan (Rp)",
    "Perkiraan biaya (Rp)",
    "Cukup untuk",
)


def render_procurement_memo(doc: ProcurementMemo) -> bytes:
    total = sum(n.cost for n in doc.needs)
    head = _grid(
        [
            [name, ":", _p(value, _S.body_left)]
            for name, value in (
                ("Kepada", f"Yth. {esc(doc.ppk)} {esc(doc.office.dinas)}"),
                ("Dari", esc(doc.sender.role)),
                ("Tanggal", tanggal(doc.dated)),
                ("Nomor", esc(doc.number)),
                ("Sifat", "Segera"),
                ("Hal", "<b>Permohonan Pengadaan Bahan Habis Pakai Printer KTP-el</b>"),
            )
        ],
        [22 * mm, 4 * mm, PORTRAIT.width - 26 * mm],
        [
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("TOPPADDING", (0, 0), (-1, -1), 0),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ],
        hAlign="LEFT",
    )
    story: list[Flowable] = [
        Paragraph("NOTA DINAS", _S.title),
        Spacer(1, 8),
        head,
        Spacer(1, 10),
        _p(
            "Pencetakan KTP-el memerlukan pita (ribbon), film dan bahan lain yang dibeli dari "
            "anggaran daerah, bukan dikirim pusat. Dengan rata-rata pencetakan "
            f"{desimal(doc.cards_per_day, 1)} kartu per hari dan waktu pengadaan sekitar "
            f"{desimal(doc.lead_days, 0)} hari, persediaan berikut perlu diadakan agar "
            "pencetakan tidak terhenti:"
        ),
        _table(doc.needs, total),
        Spacer(1, 6),
        _p(
            f"Perkiraan biaya seluruhnya <b>Rp{angka(total)}</b> ({terbilang(total)} rupiah). "
            "Demikian disampaikan, mohon proses pengadaannya."
        ),
        Spacer(1, 10),
        KeepTogether(_signature(doc)),
    ]
    return build_pdf(
        story, letterhead=doc.office.letterhead, number=doc.number, title="Nota Dinas Pengadaan"
    )


def _table(needs: Sequence[Need], total: int) -> Table:
    rows = [
        [
            str(i),
            CONSUMABLE_KIND.get(n.kind, n.kind),
            angka(n.rolls),
            angka(n.rated_yield),
            angka(n.unit_price),
            angka(n.cost),
            "-" if n.days_of_cover is None else f"{desimal(n.days_of_cover, 0)} hari lagi",
        ]
        for i, n in enumerate(needs, start=1)
    ]
    rows.append(["", "Jumlah", "", "", "", angka(total), ""])
    widths = fit_widths(
        [[r[i] for r in rows] for i in range(len(_HEADERS))], PORTRAIT.width, headers=list(_HEADERS)
    )
    head = [Paragraph(esc(h), _S.cell_head) for h in _HEADERS]
    table = Table([head, *rows], colWidths=widths, repeatRows=1, spaceBefore=4)
    style = data_table_style(total_row=True)
    style.append(("ALIGN", (2, 1), (5, -1), "RIGHT"))
    table.setStyle(TableStyle(style))
    return table


def _signature(doc: ProcurementMemo) -> list[Flowable]:
    box = signature_table(
        [Signatory(name=doc.sender.name, role=f"{doc.sender.role},", nip=doc.sender.nip)],
        width=PORTRAIT.width * 0.48,
        columns=1,
        sign_space=20 * mm,
    )
    box.hAlign = "RIGHT"
    return [box]
