"""Sample documents (berita acara, monthly report, reorder letter) and a small reader of
the PDFs reportlab writes, on the standard library alone: content streams are inflated and
every string is mapped back to Unicode through its font's ToUnicode table, which is exactly
what a PDF viewer's copy-and-paste does."""

from __future__ import annotations

import base64
import re
import zlib
from dataclasses import dataclass
from datetime import date, timedelta

from papers.documents import (
    DestructionReport,
    LotMonth,
    MonthlyReport,
    Office,
    Person,
    ReorderLetter,
    SpoiledCard,
    render_destruction_report,
    render_monthly_report,
    render_reorder_letter,
)

KLATEN = Office(kabupaten="Kabupaten Klaten", provinsi="Jawa Tengah", kode_wilayah="33.10")


CAUSES = ("GAGAL_CETAK", "GAGAL_ENCODE", "RUSAK_FISIK", "PERUBAHAN_DATA")


KASI = Person(
    "Sri Wahyuni, S.Kom.",
    "Kepala Seksi Pengelolaan Informasi Administrasi Kependudukan",
    "19800312 200501 2 004",
)


OPERATOR = Person("Agus Prasetyo", "Operator Pencetakan KTP-el", "19880721 201001 1 002")


WITNESSES = (
    Person(
        "Bambang Sutrisno, S.H.",
        "Kepala Bidang Pelayanan Pendaftaran Penduduk",
        "19700115 199503 1 001",
    ),
    Person("Dwi Lestari", "Saksi dari Inspektorat Kabupaten Klaten", "19850505 200901 2 003"),
    Person("Heru Santoso", "Saksi dari Satpol PP"),
)


def spoiled_cards(n: int) -> tuple[SpoiledCard, ...]:
    """Spoiled blanks in three lots; physical damage on the shelf has no card or NIK."""
    cards = []
    for i in range(n):
        cause = CAUSES[i % 7 % 4]
        on_shelf = cause == "RUSAK_FISIK" and i % 2 == 0
        cards.append(
            SpoiledCard(
                lot=f"LOT-2026-10-{1 + i % 3:02d}",
                serial=None if i % 5 == 0 else f"KTPEL{260000 + i:08d}",
                card_ref=None if on_shelf else f"PRR-3310-{20261000 + i}",
                nik_masked=None if on_shelf else f"3310********{i + 1:04d}",
                cause=cause,
                spoiled_on=date(2026, 10, 1) + timedelta(days=i % 30),
            )
        )
    return tuple(cards)


def destruction_report(cards: int = 120) -> DestructionReport:
    return DestructionReport(
        number="BAP-3310-2026-11-001",
        office=KLATEN,
        held_on=date(2026, 11, 24),
        place="halaman belakang Kantor Dinas Kependudukan dan Pencatatan Sipil Kabupaten Klaten",
        cards=spoiled_cards(cards),
        officers=(KASI, OPERATOR),
        witnesses=WITNESSES,
    )


def lot(name: str, **counts: object) -> LotMonth:
    base: dict[str, object] = dict(
        opening=0,
        received=0,
        printed=0,
        spoiled={},
        destroyed=0,
        transferred_in=0,
        transferred_out=0,
        adjusted=0,
        returned=0,
        closing=0,
    )
    return LotMonth(lot=name, **{**base, **counts})  # type: ignore[arg-type]


BALANCED_LOTS = (
    lot(
        "LOT-2026-10-01",
        opening=1200,
        printed=1150,
        spoiled={"GAGAL_CETAK": 21, "GAGAL_ENCODE": 9, "RUSAK_FISIK": 4},
        destroyed=30,
        closing=16,
    ),
    lot(
        "LOT-2026-11-01",
        received=4000,
        printed=3610,
        spoiled={"GAGAL_CETAK": 38, "GAGAL_ENCODE": 12, "PERUBAHAN_DATA": 5},
        transferred_in=200,
        transferred_out=150,
        adjusted=-2,
        closing=383,
    ),
)


SHORT_LOT = lot("LOT-2026-11-02", received=4000, closing=3990)  # 10 blanks unaccounted for


def monthly_report(lots: tuple[LotMonth, ...] = (*BALANCED_LOTS, SHORT_LOT)) -> MonthlyReport:
    return MonthlyReport(
        number="LAP-3310-2026-11",
        office=KLATEN,
        month=date(2026, 11, 5),
        lots=lots,
        awaiting_destruction=89,
        prepared_by=OPERATOR,
        approved_by=KASI,
        ikd=1184,
        loans_owed=(300, 100),
        consumables=(("Pita warna (ribbon)", 4, 2600, 6.3), ("Film retransfer", 2, 2400, None)),
    )


def reorder_letter(days_of_cover: float | None = 2.06) -> ReorderLetter:
    return ReorderLetter(
        number="470/SPB-001/XI/2026",
        office=KLATEN,
        dated=date(2026, 11, 24),
        quantity=4000,
        prr_backlog=12345,
        on_hand=850,
        daily_consumption=412.5,
        days_of_cover=days_of_cover,
        lead_time_days=14,
        signer=Person("Drs. Jaka Purnama, M.Si.", "Kepala Dinas", "19690214 199003 1 005"),
        ikd_30d=1184,
        backlog_in_30d=21645,
        consumables=(("Pita warna (ribbon)", 4, 2600, 6.3),),
    )


RENDERERS = {
    "berita-acara-pemusnahan": lambda: render_destruction_report(destruction_report()),
    "laporan-bulanan": lambda: render_monthly_report(monthly_report()),
    "surat-permohonan-blangko": lambda: render_reorder_letter(reorder_letter()),
}


_OBJECT = re.compile(rb"(\d+) 0 obj\s*(.*?)endobj", re.S)


_TOKEN = re.compile(
    rb"\((?:\\.|[^\\()])*\)|<[0-9A-Fa-f\s]*>|/[^\s/\[\]()<>]+|\[|\]|[-+.\d]+|[A-Za-z*'\"]+", re.S
)


_LINE_BREAKS = {b"T*", b"Td", b"TD", b"Tm", b"ET", b"'", b'"'}


_ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}


RED = (0.752941, 0.0, 0.0)  # #C00000


@dataclass(frozen=True)
class Span:
    text: str
    fill: tuple[float, ...]  # fill colour (rg) the text was drawn in


@dataclass(frozen=True)
class Pdf:
    raw: bytes
    pages: list[list[Span]]

    def words(self) -> str:
        """All text, whitespace collapsed: a phrase wrapped over two lines still matches."""
        return " ".join(" ".join("".join(s.text for s in page).split()) for page in self.pages)

    def page_words(self, n: int) -> str:
        return " ".join("".join(s.text for s in self.pages[n]).split())

    @property
    def media_boxes(self) -> list[tuple[float, float]]:
        boxes = re.findall(rb"/MediaBox \[ 0 0 ([\d.]+) ([\d.]+) \]", self.raw)
        return [(float(w), float(h)) for w, h in boxes]


def read_pdf(raw: bytes) -> Pdf:
    objects = {int(m[1]): m[2] for m in _OBJECT.finditer(raw)}
    fonts: dict[bytes, dict[int, str]] = {}
    for body in objects.values():
        if body.lstrip().startswith(b"<<") and b"/Font" not in body:
            for name, ref in re.findall(rb"/(F\d+\+\d+) (\d+) 0 R", body):
                fonts[name] = _to_unicode(objects, objects[int(ref)])
    kids = re.search(rb"/Kids \[([\d\sR]*)\]", raw)
    assert kids, "no page tree"
    pages = []
    for ref in re.findall(rb"(\d+) 0 R", kids[1]):
        contents = re.search(rb"/Contents (\d+) 0 R", objects[int(ref)])
        assert contents
        pages.append(_spans(_stream(objects[int(contents[1])]), fonts))
    return Pdf(raw, pages)


def _stream(body: bytes) -> bytes:
    head, _, rest = body.partition(b"stream")
    data = rest.lstrip(b"\r\n").rsplit(b"endstream", 1)[0].rstrip(b"\r\n")
    filters = re.search(rb"/Filter \[?([^\]>]*)", head)
    for name in filters[1].split() if filters else []:
        if name == b"/ASCII85Decode":
            data = base64.a85decode(data.strip().removesuffix(b"~>"))
        elif name == b"/FlateDecode":
            data = zlib.decompress(data)
        else:
            raise AssertionError(f"unexpected filter {name!r}")
    return data


def _to_unicode(objects: dict[int, bytes], font: bytes) -> dict[int, str]:
    ref = re.search(rb"/ToUnicode (\d+) 0 R", font)
    if ref is None:
        return {}
    cmap = _stream(objects[int(ref[1])])
    pairs = re.findall(rb"<([0-9A-Fa-f]{2})> <([0-9A-Fa-f]{4,})>", cmap)
    return {int(code, 16): bytes.fromhex(text.decode()).decode("utf-16-be") for code, text in pairs}


def _spans(content: bytes, fonts: dict[bytes, dict[int, str]]) -> list[Span]:
    spans: list[Span] = []
    operands: list[bytes] = []
    cmap: dict[int, str] = {}
    fill: tuple[float, ...] = (0.0, 0.0, 0.0)
    for token in _TOKEN.findall(content):
        if token[:1] in b"(</[]-+.0123456789" and token not in (b"[", b"]"):
            operands.append(token)
            continue
        if token in (b"[", b"]"):
            continue
        if token == b"Tf":
            cmap = fonts.get(operands[-2][1:], {})
        elif token == b"rg":
            fill = tuple(float(x) for x in operands[-3:])
        elif token in (b"Tj", b"TJ", b"'", b'"'):
            text = "".join(_decode(op, cmap) for op in operands if op[:1] in b"(<")
            spans.append(Span(text, fill))
        if token in _LINE_BREAKS:
            spans.append(Span("\n", fill))
        operands = []
    return spans


def _decode(token: bytes, cmap: dict[int, str]) -> str:
    if token.startswith(b"<"):
        data = bytes.fromhex(token[1:-1].decode())
    else:
        data = re.sub(
            rb"\\([0-7]{1,3}|.)",
            lambda m: bytes([int(m[1], 8)]) if m[1][:1].isdigit() else _ESCAPES.get(m[1], m[1]),
            token[1:-1],
            flags=re.S,
        )
    return "".join(cmap.get(b, chr(b)) for b in data)
