"""The daily production report (laporan harian) for the head of office: per kecamatan the
PRRs received, the cards printed, the blanks spoiled by cause and the cards handed over;
then the blanks on hand and how many days they last."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer, Table

from papers.documents.common import (
    _S,
    Office,
    Person,
    _cause_label,
    _causes,
    _grid,
    _p,
)
from papers.style import (
    PORTRAIT,
    angka,
    build_pdf,
    data_table_style,
    desimal,
    esc,
    fit_widths,
    hari,
    signature_table,
    tanggal,
    title_block,
)


@dataclass(frozen=True, slots=True)
class KecamatanDay:
    """One kecamatan's day. ``kecamatan`` is its name; a row for blanks damaged on the
    shelf (no resident, no kecamatan) has ``shelf`` set."""

    kecamatan: str
    received: int  # PRRs received from central (accepted, not quarantined)
    printed: int  # good cards printed (off the printer, not spoiled)
    spoiled: Mapping[str, int] = field(default_factory=dict)  # cause -> blanks
    collected: int = 0  # cards handed over to their residents
    shelf: bool = False

    @property
    def spoiled_total(self) -> int:
        return sum(self.spoiled.values())


@dataclass(frozen=True, slots=True)
class DailyReport:
    """Laporan harian produksi KTP-el."""

    number: str
    office: Office
    day: date
    rows: tuple[KecamatanDay, ...]
    on_hand: int  # blanks on hand at the end of the day (or at ``as_of``)
    daily_use: float  # average blanks used per day (printed + spoiled)
    usage_basis: str  # what the average rests on, in words ("berdasarkan 12 hari data")
    days_of_cover: float | None  # on_hand / daily_use; None: no use seen yet
    lead_time_days: float  # central's delivery time: cover shorter than this is urgent
    prepared_by: Person
    approved_by: Person | None = None
    awaiting_destruction: int = 0
    quarantined: int = 0  # PRRs of the day put in quarantine (not counted as received)
    #: The day is not over: the figures stand at this local time (``keadaan pukul 16.00``).
    as_of: datetime | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "rows", tuple(self.rows))

    @property
    def short_cover(self) -> bool:
        return self.days_of_cover is not None and self.days_of_cover < self.lead_time_days


_LABEL_FILL = colors.HexColor("#F2F2F2")
_HEAD_BEFORE = ("No.", "Kecamatan", "PRR diterima", "KTP-el dicetak")
_HEAD_AFTER = ("KTP-el diserahkan",)


def render_daily_report(doc: DailyReport) -> bytes:
    """Laporan harian: one row per kecamatan, totals, and the stock's days of cover."""
    day = f"{hari(doc.day)}, {tanggal(doc.day)}"
    office = doc.office
    when = f"keadaan pukul {doc.as_of:%H.%M}" if doc.as_of else "keadaan akhir hari"
    story: list[Flowable] = [
        *title_block("LAPORAN HARIAN PRODUKSI KTP-EL", doc.number, day.upper()),
        _p(
            f"{esc(office.dinas)}, Provinsi {esc(office.provinsi)}; {when}"
            + (" (hari ini belum berakhir, angkanya masih dapat bertambah)." if doc.as_of else "."),
            _S.body_left,
        ),
        _kecamatan_table(doc.rows),
        *_notes(doc),
        Spacer(1, 4),
        KeepTogether(_stock(doc)),
        KeepTogether(
            [
                Spacer(1, 8),
                signature_table(
                    [
                        *([doc.approved_by.signatory("Mengetahui,")] if doc.approved_by else []),
                        doc.prepared_by.signatory(
                            f"{office.kota}, {tanggal(doc.day)}\nDisiapkan oleh,"
                        ),
                    ],
                    width=PORTRAIT.width,
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
        title=f"Laporan Harian Produksi KTP-el {tanggal(doc.day)}",
        layout=PORTRAIT,
    )


def _kecamatan_table(rows: tuple[KecamatanDay, ...]) -> Table:
    """Two header rows: "Blangko rusak menurut sebab" spans one column per cause and its sum."""
    causes = _causes(c for row in rows for c in row.spoiled)
    spoil_headers = [_cause_label(c) for c in causes] + ["Jumlah"]
    headers = [*_HEAD_BEFORE, *spoil_headers, *_HEAD_AFTER]
    rusak_at = len(_HEAD_BEFORE)
    top = [*_HEAD_BEFORE, "Blangko rusak menurut sebab"]
    top += [""] * (len(spoil_headers) - 1) + list(_HEAD_AFTER)
    sub = [""] * rusak_at + spoil_headers + [""] * len(_HEAD_AFTER)
    texts = [_row(str(i), row, causes) for i, row in enumerate(rows, start=1)]
    total = _row("", _sum(rows, causes), causes)
    widths = fit_widths(
        list(zip(*texts, total, strict=True)), PORTRAIT.width, headers=headers, size=8
    )
    body: list[list[Any]] = [
        [_p(esc(h), _S.cell_head) if h else "" for h in top],
        [_p(esc(h), _S.cell_head) if h else "" for h in sub],
    ]
    for text, row in zip(texts, rows, strict=True):
        name = f"<i>{esc(text[1])}</i>" if row.shelf else esc(text[1])
        body.append([text[0], _p(name, _S.cell), *text[2:]])
    body.append(["", _p("<b>Jumlah</b>", _S.cell), *total[2:]])
    commands = data_table_style(header_rows=2, total_row=True)
    commands += [("SPAN", (c, 0), (c, 1)) for c, h in enumerate(sub) if not h]
    commands += [
        ("SPAN", (rusak_at, 0), (rusak_at + len(spoil_headers) - 1, 0)),
        ("ALIGN", (0, 2), (0, -1), "RIGHT"),
        ("ALIGN", (2, 2), (-1, -1), "RIGHT"),
    ]
    return _grid(body, widths, commands, repeatRows=2)


def _row(number: str, row: KecamatanDay, causes: list[str]) -> list[str]:
    return [
        number,
        row.kecamatan,
        "-" if row.shelf else angka(row.received),
        "-" if row.shelf else angka(row.printed),
        *(angka(row.spoiled.get(c, 0)) for c in causes),
        angka(row.spoiled_total),
        "-" if row.shelf else angka(row.collected),
    ]


def _sum(rows: tuple[KecamatanDay, ...], causes: list[str]) -> KecamatanDay:
    return KecamatanDay(
        kecamatan="Jumlah",
        received=sum(r.received for r in rows),
        printed=sum(r.printed for r in rows),
        spoiled={c: sum(r.spoiled.get(c, 0) for r in rows) for c in causes},
        collected=sum(r.collected for r in rows),
    )


def _notes(doc: DailyReport) -> list[Flowable]:
    printed = sum(r.printed for r in doc.rows)
    spoiled = sum(r.spoiled_total for r in doc.rows)
    used = printed + spoiled
    lines = [
        f"Blangko terpakai hari ini: <b>{angka(used)}</b> keping ({angka(printed)} menjadi "
        f"KTP-el, {angka(spoiled)} rusak"
        + (f", tingkat kerusakan {desimal(100 * spoiled / used, 1)}%" if used else "")
        + ")."
    ]
    if doc.quarantined:
        lines.append(
            f"PRR yang masuk karantina hari ini (tidak dihitung sebagai diterima): "
            f"{angka(doc.quarantined)}."
        )
    return [Spacer(1, 4), *(_p(line, _S.small) for line in lines)]


def _stock(doc: DailyReport) -> list[Flowable]:
    """Blanks on hand, the average daily use and the days of cover, against the lead time."""
    if doc.days_of_cover is None:
        cover = "belum dapat dihitung (belum ada pemakaian)"
    else:
        cover = f"{desimal(doc.days_of_cover, 1)} hari"
    rows: list[list[Any]] = [
        ["Blangko di tangan", f"{angka(doc.on_hand)} keping"],
        [
            "Rata-rata pemakaian",
            f"{desimal(doc.daily_use, 1)} keping/hari ({doc.usage_basis})",
        ],
        ["Cukup untuk", cover],
        ["Waktu tunggu pengiriman dari pusat", f"{desimal(doc.lead_time_days, 1)} hari"],
        ["Blangko rusak menunggu pemusnahan", f"{angka(doc.awaiting_destruction)} keping"],
    ]
    body = [[_p(esc(a), _S.cell), _p(esc(b), _S.cell)] for a, b in rows]
    # The data table's look without its grey header row: every row here is data.
    commands = [c for c in data_table_style() if c[0] not in ("BACKGROUND", "FONTNAME")] + [
        ("BACKGROUND", (0, 0), (0, -1), _LABEL_FILL)
    ]
    if doc.short_cover:
        body[2][1] = _p(f'<font color="#C00000"><b>{esc(cover)}</b></font>', _S.cell)
    flows: list[Flowable] = [
        _p("Persediaan blangko KTP-el", _S.heading),
        _grid(body, [70 * mm, PORTRAIT.width - 70 * mm], commands, hAlign="LEFT"),
    ]
    if doc.short_cover:
        flows.append(
            _p(
                '<font color="#C00000"><b>Perhatian:</b></font> persediaan habis sebelum '
                "kiriman yang diminta hari ini dapat tiba. Segera ajukan permintaan blangko "
                "ke pusat.",
                _S.small,
            )
        )
    return flows
