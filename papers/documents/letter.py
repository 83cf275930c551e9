"""The letter to Ditjen Dukcapil asking for blanks (surat permohonan blangko)."""

from __future__ import annotations

import math
from datetime import date

from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, KeepTogether, Spacer, Table

from papers.documents.common import (
    _S,
    Office,
    Person,
    ReorderLetter,
    _grid,
    _p,
    _place_and_date,
)
from papers.style import (
    FONT,
    FONT_BOLD,
    PORTRAIT,
    Signatory,
    angka,
    build_pdf,
    desimal,
    esc,
    signature_table,
    tanggal,
    terbilang,
)

# --- surat permohonan blangko ------------------------------------------------------------


def render_reorder_letter(doc: ReorderLetter) -> bytes:
    """Surat permohonan tambahan blangko, quoting the PRR backlog central allocates by."""
    story: list[Flowable] = [
        letter_head(doc.number, doc.office, doc.dated, "Permohonan Tambahan Blangko KTP-el"),
        Spacer(1, 12),
        *_letter_body(doc),
        Spacer(1, 10),
        KeepTogether([right_signature(doc.signer, doc.office)]),
        Spacer(1, 14),
        *_tembusan(doc.office),
    ]
    return build_pdf(
        story,
        letterhead=doc.office.letterhead,
        number=doc.number,
        title="Permohonan Tambahan Blangko KTP-el",
    )


def letter_head(number: str, office: Office, dated: date, subject: str) -> Table:
    """A letter to Ditjen Dukcapil: Nomor / Sifat / Lampiran / Perihal on the left; date and
    addressee on the right."""
    fields = [
        ("Nomor", esc(number)),
        ("Sifat", "Segera"),
        ("Lampiran", "-"),
        ("Perihal", f"<b>{esc(subject)}</b>"),
    ]
    left = _grid(
        [[name, ":", _p(value, _S.body_left)] for name, value in fields],
        [19 * mm, 4 * mm, 62 * mm],
        [
            ("FONTNAME", (0, 0), (-1, -1), FONT),
            ("FONTSIZE", (0, 0), (-1, -1), 10),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("TOPPADDING", (0, 0), (-1, -1), 0),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
        ],
    )
    right = [
        _place_and_date(office, dated),
        Spacer(1, 10),
        _p(
            "Yth. Direktur Jenderal Kependudukan dan Pencatatan Sipil Kementerian Dalam Negeri",
            _S.body_left,
        ),
        _p("di", _S.body_left),
        _p("&nbsp;&nbsp;&nbsp;&nbsp;&nbsp;&nbsp;<u>Jakarta</u>", _S.body_left),
    ]
    width = PORTRAIT.width
    return _grid(
        [[left, right]],
        [width * 0.52, width * 0.48],
        [
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ("TOPPADDING", (1, 0), (1, 0), 0),
            ("TOPPADDING", (0, 0), (0, 0), 24),
        ],
        hAlign="LEFT",
    )


def _letter_body(doc: ReorderLetter) -> list[Flowable]:
    office = doc.office
    days = doc.days_of_cover
    days = days if days is not None and math.isfinite(days) else None
    usage, cover = _usage_and_cover(doc, days)
    if usage is None:  # no day of data: there is no average to state, nor a cover
        days = None
    facts = [
        ("PRR (print ready record) yang menunggu pencetakan", f"{angka(doc.prr_backlog)} PRR"),
        ("Persediaan blangko KTP-el", f"{angka(doc.on_hand)} keping"),
        ("Rata-rata pemakaian blangko per hari", usage or _NO_USAGE),
        ("Persediaan diperkirakan cukup untuk", cover),
        ("Perkiraan waktu pengiriman blangko", f"{desimal(doc.lead_time_days)} hari"),
    ]
    if doc.backlog_in_30d is not None:
        growth = doc.backlog_in_30d - doc.prr_backlog
        trend = f" (+{angka(growth)})" if growth > 0 else ""
        facts.append(
            (
                "Antrean PRR 30 hari lagi tanpa tambahan blangko",
                f"{angka(doc.backlog_in_30d)} PRR{trend}",
            )
        )
    if doc.ikd_30d is not None:
        facts.append(("Aktivasi IKD 30 hari terakhir", f"{angka(doc.ikd_30d)} aktivasi"))
    for label, _rolls, cards, roll_days in doc.consumables:  # not `days`: used below
        cover = f"{angka(cards)} kartu" + (
            "" if roll_days is None else f" (± {angka(round(roll_days))} hari)"
        )
        facts.append((f"{label} (pengadaan daerah) cukup untuk", cover))
    label_width = 4 * mm + max(stringWidth(label, FONT, 10) for label, _ in facts)
    rows = [[f"{i}.", label, ":", value] for i, (label, value) in enumerate(facts, start=1)]
    facts_table = _grid(
        rows,
        [8 * mm, label_width, 4 * mm, PORTRAIT.width - 12 * mm - label_width],
        [
            ("FONTSIZE", (0, 0), (-1, -1), 10),
            ("FONTNAME", (3, 0), (3, -1), FONT_BOLD),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("TOPPADDING", (0, 0), (-1, -1), 0),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ],
        hAlign="LEFT",
    )
    facts_table.spaceAfter = 8
    urgent = ""
    if days is not None and days < doc.lead_time_days:
        urgent = (
            " Dengan keadaan tersebut, persediaan blangko diperkirakan habis sebelum tambahan "
            "blangko dapat diterima, sehingga pelayanan pencetakan KTP-el akan terhenti."
        )
    return [
        _p(
            f"Dalam rangka kelancaran pelayanan pencetakan KTP-el di {esc(office.kabupaten)}, "
            f"bersama ini kami sampaikan keadaan persediaan blangko KTP-el pada "
            f"{esc(office.dinas)} per tanggal {tanggal(doc.dated)} sebagai berikut:"
        ),
        facts_table,
        _p(
            "Sehubungan dengan hal tersebut, mengingat alokasi blangko KTP-el ditetapkan "
            "berdasarkan jumlah print ready record (PRR), dengan hormat kami mohon kiranya "
            "Bapak berkenan memberikan tambahan alokasi blangko KTP-el untuk "
            f"{esc(office.kabupaten)} sebanyak <b>{angka(doc.quantity)}</b> "
            f"({terbilang(doc.quantity)}) keping.{urgent}"
        ),
        _p(
            "Demikian permohonan ini kami sampaikan. Atas perhatian dan perkenan Bapak, kami "
            "ucapkan terima kasih."
        ),
    ]


_NO_USAGE = "belum dapat dihitung (belum ada data pemakaian)"


def _usage_and_cover(doc: ReorderLetter, days: float | None) -> tuple[str | None, str]:
    """The average daily use and the days of cover as the letter states them, each with
    what it rests on: never an average the data cannot support (None: none to state)."""
    if doc.usage_days is None:  # a letter from before the basis was recorded
        cover = "belum dapat dihitung" if days is None else f"{desimal(days)} hari"
        return f"{desimal(doc.daily_consumption)} keping", cover
    if doc.usage_days == 0:
        return None, _NO_USAGE
    basis = doc.usage_basis
    usage = f"{desimal(doc.daily_consumption)} keping ({basis})"
    if days is None:
        return usage, "belum dapat dihitung"
    if doc.short_history:
        return usage, f"{desimal(days)} hari (perkiraan awal dari riwayat pendek)"
    return usage, f"{desimal(days)} hari"


def right_signature(signer: Person, office: Office, dated: date | None = None) -> Table:
    """The signer's box on the right of a letter or notice (a kepala dinas named with the
    office), dated above the role when ``dated`` is given."""
    role = signer.role.strip()
    if role.lower().endswith("kepala dinas"):
        role = f"{role} Kependudukan dan Pencatatan Sipil {office.kabupaten}"
    caption = f"{office.kota}, {tanggal(dated)}" if dated is not None else ""
    box = signature_table(
        [
            Signatory(
                name=signer.name,
                role=f"{role},",
                nip=signer.nip,
                pangkat=signer.pangkat,
                caption=caption,
            )
        ],
        width=PORTRAIT.width * 0.48,
        columns=1,
        sign_space=22 * mm,
    )
    box.hAlign = "RIGHT"
    return box


def _tembusan(office: Office) -> list[Flowable]:
    name = office.kabupaten.strip()
    if name.lower().startswith("kota "):
        head = f"Wali Kota {name[5:]}"
    else:
        head = f"Bupati {name.removeprefix('Kabupaten ').strip()}"
    copies = [
        f"{head} (sebagai laporan);",
        f"Gubernur {office.provinsi};",
        "Arsip.",
    ]
    return [
        _p("<u>Tembusan</u>:", _S.small),
        *[_p(f"{i}. {esc(line)}", _S.small) for i, line in enumerate(copies, start=1)],
    ]
