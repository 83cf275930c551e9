"""The monthly report of blank use, per lot, for reporting up the chain."""

from __future__ import annotations

import calendar
from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer, Table

from cetak.labels import JENIS_PERMOHONAN
from papers.documents.common import (
    _S,
    JenisMonth,
    LotMonth,
    LotSerials,
    MonthlyReport,
    _cause_label,
    _causes,
    _grid,
    _p,
)
from papers.style import (
    BULAN,
    FONT_BOLD,
    LANDSCAPE,
    RED,
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

# --- laporan bulanan ---------------------------------------------------------------------

_OK = "sesuai"
_BAD = "TIDAK SESUAI"


def render_monthly_report(doc: MonthlyReport) -> bytes:
    """Laporan bulanan: one row per lot, spoilage by cause, and a balance check per lot.

    A provisional report (a month not yet over) says SEMENTARA in its title and covers the
    month up to its date."""
    month_name = f"{BULAN[doc.month.month]} {doc.month.year}"
    last_day = doc.month.replace(day=calendar.monthrange(doc.month.year, doc.month.month)[1])
    dated = doc.dated or last_day
    causes = _causes(cause for lot in doc.lots for cause in lot.spoiled)
    office = doc.office
    heading = f"BULAN {month_name.upper()}"
    period = f"periode 1 s.d. {tanggal(last_day)}"
    if doc.provisional:
        heading += " (SEMENTARA)"
        period = (
            f"periode 1 s.d. {tanggal(dated)}. Laporan sementara: bulan ini belum berakhir "
            f"dan angkanya dapat berubah sampai dengan {tanggal(last_day)}"
        )
    story: list[Flowable] = [
        *title_block("LAPORAN BULANAN PENGGUNAAN BLANGKO KTP-EL", doc.number, heading),
        _p(
            f"{esc(office.dinas)}, Provinsi {esc(office.provinsi)} (kode wilayah "
            f"{esc(office.kode_wilayah)}); {period}.",
            _S.body_left,
        ),
        _lot_table(doc.lots, causes) if doc.lots else _p("Tidak ada lot blangko pada bulan ini."),
        Spacer(1, 6),
        *_balance_checks(doc.lots),
        *_by_jenis(doc),
        *_by_cause(doc.lots, causes),
        *_serial_checks(doc.serials),
        KeepTogether(
            [
                *_report_notes(doc),
                Spacer(1, 4),
                signature_table(
                    [
                        doc.approved_by.signatory("Mengetahui,"),
                        doc.prepared_by.signatory(
                            f"{office.kota}, {tanggal(dated)}\nDisiapkan oleh,"
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
        title=f"Laporan Bulanan Penggunaan Blangko KTP-el {month_name}"
        + (" (Sementara)" if doc.provisional else ""),
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
        "opening received printed lost destroyed transferred_in transferred_out adjusted "
        "returned closing"
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
    lost = sum(lot.lost for lot in lots)
    if lost:
        flows.append(
            _p(
                f"Termasuk dalam kolom Dicetak: {angka(lost)} KTP-el dinyatakan hilang setelah "
                "dicetak (dalam pengiriman ke kecamatan); blangkonya tercatat di buku stok dan "
                "cetak ulangnya memakai blangko baru.",
                _S.small,
            )
        )
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


# --- pemakaian menurut jenis permohonan, rusak menurut penyebab (issue 13, item 4) -----------

#: The row of blanks damaged on the shelf: they served no application.
SHELF_LABEL = "Rusak di rak (bukan untuk permohonan)"


def _share(part: int, whole: int) -> str:
    return f"{desimal(100 * part / whole, 1)}%" if whole else "-"


def _summary_table(
    headers: list[str], rows: list[list[str]], total: list[str], widths_mm: list[float]
) -> Table:
    """A small gridded table: text in the first column, counts right-aligned, a totals row."""
    widths = [w * mm for w in widths_mm]
    body: list[list[Any]] = [[_p(esc(h), _S.cell_head) for h in headers]]
    body += [[_p(esc(row[0]), _S.cell), *row[1:]] for row in rows]
    body.append([_p(f"<b>{esc(total[0])}</b>", _S.cell), *total[1:]])
    commands = data_table_style(total_row=True) + [("ALIGN", (1, 1), (-1, -1), "RIGHT")]
    table = _grid(body, widths, commands, repeatRows=1, hAlign="LEFT")
    return table


def jenis_rows(by_jenis: tuple[JenisMonth, ...]) -> list[JenisMonth]:
    """The four jenis permohonan in their fixed order (zero where none), any other kind met,
    then the blanks damaged on the shelf (``jenis`` empty) when there are any."""
    found = {j.jenis: j for j in by_jenis}
    known = [found.get(k, JenisMonth(k, 0, 0)) for k in JENIS_PERMOHONAN]
    other = [found[k] for k in sorted(set(found) - set(JENIS_PERMOHONAN) - {""})]
    shelf = [found[""]] if "" in found and found[""].used else []
    return known + other + shelf


def jenis_label(jenis: str) -> str:
    if not jenis:
        return SHELF_LABEL
    return JENIS_PERMOHONAN.get(jenis, jenis.replace("_", " ").capitalize())


def _by_jenis(doc: MonthlyReport) -> list[Flowable]:
    """Blanks used per jenis permohonan: good cards, spoiled blanks, their sum and share."""
    if not doc.by_jenis:
        return []
    rows = jenis_rows(doc.by_jenis)
    used = sum(j.used for j in rows)
    texts = [
        [
            jenis_label(j.jenis),
            angka(j.printed),
            angka(j.spoiled),
            angka(j.used),
            _share(j.used, used),
        ]
        for j in rows
    ]
    printed, spoiled = sum(j.printed for j in rows), sum(j.spoiled for j in rows)
    total = ["Jumlah", angka(printed), angka(spoiled), angka(used), _share(used, used)]
    headers = ["Jenis permohonan", "KTP-el dicetak", "Blangko rusak", "Blangko terpakai", "Bagian"]
    flows: list[Flowable] = [
        Spacer(1, 6),
        KeepTogether(
            [
                _p("Pemakaian blangko menurut jenis permohonan", _S.heading),
                _summary_table(headers, texts, total, [80, 30, 30, 32, 22]),
            ]
        ),
    ]
    lot_printed = sum(lot.printed for lot in doc.lots)
    lot_spoiled = sum(lot.spoiled_total for lot in doc.lots)
    if (printed, spoiled) == (lot_printed, lot_spoiled):
        note = "Jumlahnya sama dengan kolom Dicetak dan Rusak pada tabel per lot: <b>sesuai</b>."
    else:
        note = (
            f"Tabel per lot mencatat {angka(lot_printed)} dicetak dan {angka(lot_spoiled)} "
            f'rusak: <font color="#C00000"><b>{_BAD}</b></font>.'
        )
    flows.append(_p(note, _S.small))
    return flows


def _by_cause(lots: tuple[LotMonth, ...], causes: list[str]) -> list[Flowable]:
    """Spoiled blanks of the month by cause, with each cause's share of the spoilage and
    the spoilage rate (spoiled over blanks used)."""
    if not lots:
        return []
    counts = [sum(lot.spoiled.get(c, 0) for lot in lots) for c in causes]
    spoiled = sum(counts)
    used = sum(lot.printed for lot in lots) + spoiled
    texts = [
        [_cause_label(c), angka(n), _share(n, spoiled), _share(n, used)]
        for c, n in zip(causes, counts, strict=True)
    ]
    total = ["Jumlah", angka(spoiled), _share(spoiled, spoiled), _share(spoiled, used)]
    headers = ["Penyebab", "Blangko rusak", "Bagian dari rusak", "Terhadap blangko terpakai"]
    return [
        Spacer(1, 6),
        KeepTogether(
            [
                _p("Blangko rusak menurut penyebab", _S.heading),
                _summary_table(headers, texts, total, [80, 30, 32, 40]),
            ]
        ),
        _p(
            f"Blangko terpakai bulan ini: {angka(used)} keping ({angka(used - spoiled)} menjadi "
            f"KTP-el, {angka(spoiled)} rusak).",
            _S.small,
        ),
    ]


#: At most this many ranges per cell: a lot spoiled here and there still fits its row
#: (every spoiled and destroyed serial is listed one by one in the berita acara).
_RANGES_SHOWN = 12
_SERIAL_HEADERS = (
    "Lot",
    "Rentang nomor seri",
    "Terpakai (kartu)",
    "Rusak, menunggu pemusnahan",
    "Dimusnahkan",
    "Di rak",
    "Stok buku",
    "Pemeriksaan",
)


def _serial_checks(lots: tuple[LotSerials, ...]) -> list[Flowable]:
    """Rekonsiliasi nomor seri: per lot with a range, its serials used, spoiled, destroyed
    and on the shelf at the month's end, checked against the books."""
    if not lots:
        return []
    texts = [_serial_row(lot) for lot in lots]
    widths = [26 * mm, 38 * mm, 0.0, 0.0, 0.0, 0.0, 18 * mm, 24 * mm]
    rest = (LANDSCAPE.width - sum(widths)) / 4
    widths = [w or rest for w in widths]
    rows: list[list[Any]] = [[_p(esc(h), _S.cell_head) for h in _SERIAL_HEADERS]]
    rows += [[_p(esc(t), _S.cell) for t in row[:-2]] + row[-2:] for row in texts]
    commands = data_table_style() + [
        ("ALIGN", (-2, 1), (-2, -1), "RIGHT"),
        ("ALIGN", (-1, 1), (-1, -1), "CENTER"),
    ]
    for r, row in enumerate(rows):
        if row[-1] == _BAD:
            commands += [
                ("TEXTCOLOR", (-1, r), (-1, r), RED),
                ("FONTNAME", (-1, r), (-1, r), FONT_BOLD),
            ]
    flows: list[Flowable] = [
        Spacer(1, 6),
        _p("Rekonsiliasi nomor seri per lot (posisi akhir bulan)", _S.heading),
        _p(
            "Setiap nomor seri dalam rentang lot berada di salah satu kolom: terpakai untuk "
            "kartu, rusak dan menunggu pemusnahan, sudah dimusnahkan, atau masih di rak. "
            "Nomor seri di rak harus sama banyak dengan stok buku lot tersebut.",
            _S.small,
        ),
        _grid(rows, widths, commands, repeatRows=1),
    ]
    for lot in lots:
        if lot.unnumbered:
            flows.append(
                _p(
                    f"Lot {esc(lot.lot)}: {angka(abs(lot.unnumbered))} keping "
                    f"{'keluar dari' if lot.unnumbered < 0 else 'masuk ke'} stok tanpa nomor "
                    "seri (pengembalian ke pusat, penyesuaian opname, atau pemakaian sebelum "
                    "nomor seri dicatat); rentang di rak masih memuat nomor seri tersebut.",
                    _S.small,
                )
            )
    for lot in lots:
        if not lot.balanced:
            flows.append(
                _p(
                    f"<b>Lot {esc(lot.lot)}</b>: "
                    f"{esc('; '.join(lot.problems))}: "
                    f'<font color="#C00000"><b>{_BAD}</b></font>',
                    _S.small,
                )
            )
    return flows


def _serial_row(lot: LotSerials) -> list[str]:
    def cell(found: tuple[tuple[int, int], ...]) -> str:
        n = sum(b - a + 1 for a, b in found)
        return f"{angka(n)} keping: {lot.text(found, limit=_RANGES_SHOWN)}" if n else "-"

    whole = f"{lot.format(lot.first)} s.d. {lot.format(lot.last)} ({angka(lot.total)} keping)"
    return [
        lot.lot,
        whole,
        cell(lot.used),
        cell(lot.spoiled),
        cell(lot.destroyed),
        cell(lot.shelf),
        angka(lot.on_hand),
        _OK if lot.balanced else _BAD,
    ]


def _report_notes(doc: MonthlyReport) -> list[Flowable]:
    extra: list[Flowable] = []
    n = 3
    if doc.ikd is not None:
        extra.append(
            _p(
                f"{n}. Aktivasi IKD (Identitas Kependudukan Digital) pada bulan ini: "
                f"<b>{angka(doc.ikd)}</b>.",
                _S.small,
            )
        )
        n += 1
    if doc.loans_owed is not None and any(doc.loans_owed):
        we_owe, they_owe = doc.loans_owed
        extra.append(
            _p(
                f"{n}. Pinjaman blangko antarkabupaten: masih harus dikembalikan kepada "
                f"kabupaten lain <b>{angka(we_owe)}</b> keping; masih dipinjam kabupaten lain "
                f"<b>{angka(they_owe)}</b> keping.",
                _S.small,
            )
        )
        n += 1
    if doc.consumables:
        parts = [
            f"{esc(label)} {angka(rolls)} rol di rak, cukup untuk {angka(cards)} kartu"
            + ("" if days is None else f" (± {angka(round(days))} hari)")
            for label, rolls, cards, days in doc.consumables
        ]
        extra.append(
            _p(f"{n}. Bahan habis pakai pengadaan daerah: " + "; ".join(parts) + ".", _S.small)
        )
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
        *extra,
    ]
