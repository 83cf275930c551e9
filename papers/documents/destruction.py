"""The berita acara pemusnahan: spoiled blanks destroyed before witnesses."""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer, Table

from papers.documents.common import (
    _S,
    DestructionReport,
    Person,
    SpoiledCard,
    _cause_label,
    _causes,
    _grid,
    _p,
    _place_and_date,
)
from papers.style import (
    BULAN,
    FONT,
    PORTRAIT,
    angka,
    build_pdf,
    data_table_style,
    esc,
    fit_widths,
    hari,
    signature_table,
    tanggal,
    terbilang,
    title_block,
)

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
