"""Berita acara serah terima of blanks lent between regencies (issue 15): both offices'
signers, the lot and its serial range."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer

from papers.documents.common import _S, Office, Person, _grid, _p
from papers.style import (
    PORTRAIT,
    angka,
    build_pdf,
    esc,
    hari,
    signature_table,
    tanggal,
    terbilang,
    title_block,
)


@dataclass(frozen=True, slots=True)
class LoanHandover:
    number: str
    office: Office  # ours
    dated: date
    lending: bool  # True: we hand blanks over (we lend, or give back what we borrowed)
    returning: bool  # True: blanks of an earlier loan going back
    counterpart: str  # "Dinas Kependudukan dan Pencatatan Sipil Kabupaten Boyolali"
    quantity: int
    lot: str
    serials: str | None
    ours: Person
    theirs: Person


def render_loan_handover(doc: LoanHandover) -> bytes:
    what = "Pengembalian Pinjaman" if doc.returning else "Pinjaman"
    title = f"Berita Acara Serah Terima {what} Blangko KTP-el"
    first, second = (
        (doc.office.dinas, doc.counterpart) if doc.lending else (doc.counterpart, doc.office.dinas)
    )
    giver, taker = (doc.ours, doc.theirs) if doc.lending else (doc.theirs, doc.ours)
    parties = _grid(
        [
            ["1.", "Nama", ":", _p(f"<b>{esc(giver.name)}</b>", _S.body_left)],
            ["", "NIP", ":", esc(giver.nip or "........................")],
            ["", "Jabatan", ":", _p(esc(f"{giver.role}, {first}"), _S.body_left)],
            ["", "", "", _p("selanjutnya disebut <b>PIHAK PERTAMA</b>;", _S.body_left)],
            ["2.", "Nama", ":", _p(f"<b>{esc(taker.name)}</b>", _S.body_left)],
            ["", "NIP", ":", esc(taker.nip or "........................")],
            ["", "Jabatan", ":", _p(esc(f"{taker.role}, {second}"), _S.body_left)],
            ["", "", "", _p("selanjutnya disebut <b>PIHAK KEDUA</b>.", _S.body_left)],
        ],
        [8 * mm, 20 * mm, 4 * mm, PORTRAIT.width - 32 * mm],
        [("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)],
        hAlign="LEFT",
    )
    serials = f", nomor seri {esc(doc.serials)}" if doc.serials else ""
    purpose = (
        "sebagai pengembalian pinjaman blangko sebelumnya"
        if doc.returning
        else "sebagai pinjaman untuk pelayanan pencetakan KTP-el, yang akan dikembalikan "
        "setelah alokasi blangko dari pusat diterima"
    )
    story: list[Flowable] = [
        *title_block(title.upper(), doc.number),
        Spacer(1, 6),
        _p(
            f"Pada hari ini {hari(doc.dated)}, tanggal {tanggal(doc.dated)}, kami yang "
            "bertanda tangan di bawah ini:"
        ),
        parties,
        Spacer(1, 6),
        _p(
            f"PIHAK PERTAMA menyerahkan kepada PIHAK KEDUA blangko KTP-el sebanyak "
            f"<b>{angka(doc.quantity)}</b> ({terbilang(doc.quantity)}) keping, lot "
            f"{esc(doc.lot)}{serials}, {purpose}, dan PIHAK KEDUA menerimanya dalam keadaan "
            "baik dan lengkap."
        ),
        _p(
            "Demikian berita acara ini dibuat dalam rangkap dua untuk dipergunakan "
            "sebagaimana mestinya."
        ),
        Spacer(1, 10),
        KeepTogether(
            [
                signature_table(
                    [
                        taker.signatory("PIHAK KEDUA,"),
                        giver.signatory(f"{doc.office.kota}, {tanggal(doc.dated)}\nPIHAK PERTAMA,"),
                    ],
                    width=PORTRAIT.width,
                    columns=2,
                )
            ]
        ),
    ]
    return build_pdf(story, letterhead=doc.office.letterhead, number=doc.number, title=title)
