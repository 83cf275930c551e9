"""The berita acara pemusnahan: spoiled blanks destroyed before witnesses."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date
from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, PageBreak, Spacer, Table

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
    BLANK,
    BULAN,
    FONT,
    PORTRAIT,
    Signatory,
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

#: How blanks are destroyed, as the report says it ("dengan cara ...").
METHODS: dict[str, str] = {
    "dibakar": "dibakar",
    "dipotong": "dipotong-potong",
    "dihancurkan": "dihancurkan",
}


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
            f"telah melakukan pemusnahan dengan cara <b>{esc(METHODS.get(doc.method, doc.method))}"
            f"</b> sebanyak <b>{angka(count)}</b> (terbilang: {terbilang(count)}) keping blangko "
            f"KTP-el rusak milik {esc(doc.office.dinas)}, dengan rincian menurut sebab "
            "kerusakan sebagai berikut:"
        ),
        _cause_summary(doc.cards),
        Spacer(1, 8),
        _p(f"Nomor seri blangko yang dimusnahkan: {esc(serial_text(doc.cards))}.", _S.body_left),
        _p(
            "Daftar rincian setiap blangko yang dimusnahkan tercantum dalam lampiran berita "
            "acara ini dan merupakan bagian yang tidak terpisahkan darinya.",
            _S.body_left,
        ),
        Spacer(1, 10),
        KeepTogether(_destruction_closing(doc)),
        PageBreak(),
        *_appendix(doc),
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
    ends: list[int] = []
    for i, person in enumerate(people, start=1):
        name = f"<b>{esc(person.name)}</b>" if person.name.strip(". ") else BLANK
        rows += [
            [f"{i}.", "Nama", ":", _p(name, _S.body_left)],
            ["", "NIP", ":", _p(esc(person.nip or BLANK), _S.body_left)],
        ]
        if person.pangkat is not None:
            rows.append(["", "Pangkat/Gol.", ":", _p(esc(person.pangkat or BLANK), _S.body_left)])
        rows.append(["", "Jabatan", ":", _p(esc(person.role), _S.body_left)])
        ends.append(len(rows) - 1)
    widths = [10 * mm, 24 * mm, 4 * mm, PORTRAIT.width - 38 * mm]
    commands = [
        ("FONTNAME", (0, 0), (-1, -1), FONT),
        ("FONTSIZE", (0, 0), (-1, -1), 10),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 0),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
    ]
    commands += [("BOTTOMPADDING", (0, r), (-1, r), 6) for r in ends]
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


def serial_text(cards: tuple[SpoiledCard, ...]) -> str:
    """The serial numbers destroyed, per lot, consecutive numbers as ranges:
    ``lot L-01: 000101 s.d. 000104, 000110; 2 keping tanpa nomor seri``."""
    by_lot: dict[str, list[str]] = {}
    unnumbered = 0
    for card in cards:
        if card.serial:
            by_lot.setdefault(card.lot, []).append(card.serial)
        else:
            unnumbered += 1
    parts = [f"lot {lot}: {_runs(serials)}" for lot, serials in by_lot.items()]
    if unnumbered:
        parts.append(f"{angka(unnumbered)} keping tanpa nomor seri")
    return "; ".join(parts) or "-"


def _runs(serials: list[str]) -> str:
    """``000101 s.d. 000104, 000110``: runs of consecutive numbers (same prefix, same width,
    as ``KTPEL00260001``) joined; a serial without trailing digits stands alone."""
    split = [(m.group(1), m.group(2), s) if (m := _SERIAL.match(s)) else None for s in serials]
    numbered = sorted(
        {t for t in split if t is not None}, key=lambda t: (t[0], len(t[1]), int(t[1]))
    )
    others = sorted({s for s, t in zip(serials, split, strict=True) if t is None})
    out: list[str] = []
    run: list[tuple[str, str, str]] = []
    for item in numbered:
        if (
            run
            and (item[0], len(item[1])) == (run[-1][0], len(run[-1][1]))
            and int(item[1]) == int(run[-1][1]) + 1
        ):
            run.append(item)
            continue
        if run:
            out.append(_run_text(run))
        run = [item]
    if run:
        out.append(_run_text(run))
    return ", ".join(out + others)


_SERIAL = re.compile(r"^(.*?)(\d+)$")


def _run_text(run: list[tuple[str, str, str]]) -> str:
    return run[0][2] if len(run) == 1 else f"{run[0][2]} s.d. {run[-1][2]}"


def _appendix(doc: DestructionReport) -> list[Flowable]:
    """The lampiran: every destroyed blank on its own line (lot, serial, cause, card)."""
    return [
        _p("<b>LAMPIRAN</b> Berita Acara Pemusnahan Blangko KTP-el Rusak", _S.body_left),
        _p(f"Nomor: {esc(doc.number)} &nbsp; Tanggal: {tanggal(doc.held_on)}", _S.body_left),
        Spacer(1, 4),
        _p("<b>DAFTAR BLANGKO KTP-EL RUSAK YANG DIMUSNAHKAN</b>", _S.title),
        Spacer(1, 6),
        _card_list(doc.cards),
        Spacer(1, 6),
        _p(f"Jumlah: {angka(len(doc.cards))} keping.", _S.body_left),
    ]


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
        *_acknowledged(doc, width),
    ]


def _acknowledged(doc: DestructionReport, width: float) -> list[Flowable]:
    """``Mengetahui, Kepala Dinas ...``, centred below the witnesses."""
    head = doc.acknowledged_by
    if head is None:
        return []
    role = head.role.strip()
    if role.lower().endswith("kepala dinas"):
        role = f"{role} Kependudukan dan Pencatatan Sipil {doc.office.kabupaten}"
    box = signature_table(
        [
            Signatory(
                head.name, f"{role},", nip=head.nip, caption="Mengetahui,", pangkat=head.pangkat
            )
        ],
        width=width * 0.5,
        columns=1,
    )
    return [Spacer(1, 12), box]
