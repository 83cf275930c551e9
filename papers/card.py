"""The front of one e-KTP card as a one-page PDF the size of the card (ID-1/CR80).

:func:`render_card` lays out what the official front shows, in this order: ``PROVINSI …``
and ``KABUPATEN …`` centred; the NIK; the labelled rows Nama to Berlaku Hingga with their
values in one column; the photo on the right with the issuing regency and date and the
holder's signature area under it. Nothing else goes on an identity card (no barcode, no
tracking number: those belong on the carrier sheet, see :mod:`papers.carrier`).

Text is upper case, in the embedded Vera font of :mod:`papers.cardfont`, so it can be
extracted from the PDF and prints the same from any viewer. A long name or address first
wraps onto a second line, then gets smaller down to :data:`MIN_SIZE` (a name of 60 letters,
the legal most, may take a third line); other long values get smaller first and wrap last.
What still does not fit raises :class:`CardLayoutError` naming the field: nothing is ever
cut off. The renderer is pure and deterministic: the same card gives the same bytes.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from PIL import Image
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from cetak.bahasa import tanggal_tabel
from papers.cardfont import CARD_FONT, CARD_FONT_BOLD, register_card_fonts

__all__ = ["CARD_HEIGHT", "CARD_WIDTH", "MIN_SIZE", "CardData", "CardLayoutError", "render_card"]

CARD_WIDTH = 85.60 * mm  # ISO/IEC 7810 ID-1
CARD_HEIGHT = 53.98 * mm
MIN_SIZE = 5.0  # legibility floor (pt) when a long value is set smaller

_SIZE, _LABEL_SIZE, _HEAD_SIZE, _NIK_SIZE = 6.0, 5.6, 7.5, 8.5
_STEP = 0.25
_LEFT, _RIGHT = 2.6 * mm, 2.6 * mm
_PHOTO_W, _PHOTO_H = 21.5 * mm, 27.5 * mm
_PHOTO_X = CARD_WIDTH - _RIGHT - _PHOTO_W
_TEXT_END = _PHOTO_X - 1.0 * mm  # values end here, clear of the photo
_INDENT = 2.5 * mm  # RT/RW, Kel/Desa and Kecamatan sit under Alamat
_HEAD_Y = (CARD_HEIGHT - 4.9 * mm, CARD_HEIGHT - 7.9 * mm)
_NIK_Y = CARD_HEIGHT - 14.6 * mm
_PHOTO_TOP = _NIK_Y + _NIK_SIZE * 0.73  # level with the top of the NIK
_FIRST_Y = _NIK_Y - 3.5 * mm  # baseline of the Nama row
_LAST_Y = 3.0 * mm  # lowest baseline allowed
_MAX_PITCH, _MIN_PITCH = 2.8 * mm, 5.8
_MAX_LINES = int((_FIRST_Y - _LAST_Y) / _MIN_PITCH) + 1

# field -> label in staff messages; the card prints it upper case
_NAMES = {
    "nama": "Nama",
    "tempat_lahir": "Tempat/Tgl Lahir",
    "jenis_kelamin": "Jenis Kelamin",
    "golongan_darah": "Gol. Darah",
    "alamat": "Alamat",
    "rt": "RT/RW",
    "kel_desa": "Kel/Desa",
    "kecamatan": "Kecamatan",
    "agama": "Agama",
    "status_perkawinan": "Status Perkawinan",
    "pekerjaan": "Pekerjaan",
    "kewarganegaraan": "Kewarganegaraan",
    "berlaku_hingga": "Berlaku Hingga",
    "provinsi": "Provinsi",
    "kabupaten": "Kabupaten/Kota",
    "issued_at": "Tempat terbit",
}
_LABELS = {field: name.upper() for field, name in _NAMES.items()}
_ROWS = tuple(f for f in list(_NAMES)[:13] if f != "golongan_darah")  # rows, top to bottom
# rows that may take more lines, most important first (the last give way first), and how:
# a name or an address wraps before it gets smaller (a name of 60 letters, the legal most,
# may need a third line); the others get smaller before they wrap
_WRAPS = ("nama", "alamat", "tempat_lahir", "pekerjaan", "agama", "kel_desa", "kecamatan")
_STAGES = {"nama": ((1, 2), (3,)), "alamat": ((1, 2),)} | dict.fromkeys(_WRAPS[2:], ((1,), (2,)))
_INDENTED = frozenset({"rt", "kel_desa", "kecamatan"})
register_card_fonts()  # the columns below are measured in the card font
_COLON_X = _LEFT + max(stringWidth(_LABELS[f], CARD_FONT, _LABEL_SIZE) for f in _NAMES) + 0.7 * mm
_VALUE_X = _COLON_X + 1.2 * mm
_BLOOD = _LABELS["golongan_darah"] + " : "
_BLOOD_X = _TEXT_END - stringWidth("AB+", CARD_FONT, _SIZE)  # room for GOL. DARAH : AB+
_GOL_X = _BLOOD_X - stringWidth(_BLOOD, CARD_FONT, _LABEL_SIZE)
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_MAGIC = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n")  # JPEG, PNG


@dataclass(frozen=True, slots=True)
class CardData:
    provinsi: str  # "JAWA TENGAH"
    kabupaten: str  # "KABUPATEN KLATEN"
    nik: str  # 16 digits, printed in full: this is the identity card
    nama: str
    tempat_lahir: str
    tanggal_lahir: date
    jenis_kelamin: str  # LAKI-LAKI / PEREMPUAN
    golongan_darah: str  # A, B+, O-, "-" ...
    alamat: str
    rt: str
    rw: str  # printed zero-padded: 003/011
    kel_desa: str
    kecamatan: str  # the kecamatan name, e.g. "CAWAS"
    agama: str
    status_perkawinan: str
    pekerjaan: str
    kewarganegaraan: str  # WNI / WNA
    berlaku_hingga: str  # "SEUMUR HIDUP", or a date (YYYY-MM-DD or DD-MM-YYYY) for a WNA
    photo: bytes  # JPEG or PNG
    issued_at: str  # issuing regency under the photo, e.g. "KLATEN"
    issued_on: date


class CardLayoutError(ValueError):
    """The card cannot be printed as given: ``field`` names the column (a CardData field,
    or ``foto``), ``message`` tells the print-room staff in Bahasa Indonesia."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(field, message)
        self.field = field
        self.message = message

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


@dataclass(frozen=True, slots=True)
class _Text:
    size: float
    lines: tuple[str, ...]


# --- fitting -----------------------------------------------------------------------------


def _too_long(field: str, text: str, how: str) -> CardLayoutError:
    name = _NAMES[field]
    return CardLayoutError(
        field,
        f"{name} terlalu panjang untuk KTP-el ({len(text)} karakter): tidak muat walaupun "
        f"{how}. Kartu tidak dicetak; periksa data {name} (penyingkatan sesuai aturan) "
        "lalu cetak ulang.",
    )


def _wrap(words: Sequence[str], width: float, font: str, size: float) -> list[str] | None:
    """Words filled greedily into lines (fewest lines); None if a word alone is too wide."""
    lines = [words[0]] if words else [""]
    for word in words[1:]:
        if stringWidth(f"{lines[-1]} {word}", font, size) <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines if all(stringWidth(x, font, size) <= width for x in lines) else None


def _fit(
    field: str,
    text: str,
    width: float,
    *,
    stages: tuple[tuple[int, ...], ...] = ((1,),),
    start: float = _SIZE,
    font: str = CARD_FONT,
) -> _Text:
    """The first (size, line count) that fits ``width``: each stage is tried at every size
    from ``start`` down to MIN_SIZE before the next, so ``((1, 2),)`` wraps before getting
    smaller and ``((1,), (2,))`` gets smaller before it wraps."""
    glyphs = pdfmetrics.getFont(font).face.charToGlyph
    if missing := sorted({c for c in text if ord(c) not in glyphs}):
        raise CardLayoutError(
            field,
            f"{_NAMES[field]} memuat huruf yang tidak dapat dicetak pada KTP-el: "
            f"{' '.join(missing)}. Periksa penulisan data lalu cetak ulang.",
        )
    sizes = [start - i * _STEP for i in range(int((start - MIN_SIZE) / _STEP + 1e-6) + 1)]
    words = text.split()
    for stage in stages:
        for size in sizes:
            lines = _wrap(words, width, font, size)
            if lines and len(lines) in stage:
                return _Text(size, tuple(lines))
    most = max(n for stage in stages for n in stage)
    how = f"sudah dibagi {most} baris dan" if most > 1 else "sudah"
    raise _too_long(field, text, f"{how} diperkecil sampai {MIN_SIZE:g} pt")


def _clean(value: str) -> str:
    return " ".join(value.upper().split()) or "-"


def _ddmmyyyy(d: date) -> str:
    return tanggal_tabel(d)  # 02-12-2026, as the card has always printed it


def _berlaku(value: str | date) -> str:
    if isinstance(value, date):
        return _ddmmyyyy(value)
    iso = _ISO_DATE.fullmatch(value.strip())
    return f"{iso[3]}-{iso[2]}-{iso[1]}" if iso else _clean(value)


def _rtrw(value: str) -> str:
    value = value.strip()
    return value.zfill(3) if value.isdigit() else _clean(value)


def _region(prefix: str, name: str, *others: str) -> str:
    name = _clean(name)
    return name if name.startswith((prefix, *others)) else f"{prefix} {name}"


def _texts(card: CardData) -> dict[str, str]:
    """The value of each row, in card order (Gol. Darah is drawn on the Jenis Kelamin row)."""
    texts = {field: _clean(getattr(card, field)) for field in _ROWS}
    texts["tempat_lahir"] += f", {_ddmmyyyy(card.tanggal_lahir)}"
    texts["rt"] = f"{_rtrw(card.rt)}/{_rtrw(card.rw)}"
    texts["berlaku_hingga"] = _berlaku(card.berlaku_hingga)
    return texts


def _fit_rows(card: CardData) -> dict[str, _Text]:
    texts = _texts(card)
    width = _TEXT_END - _VALUE_X
    fitted = {
        field: _fit(field, text, width, stages=_STAGES.get(field, ((1,),)))
        for field, text in texts.items()
        if field != "jenis_kelamin"
    }
    extra = sum(len(t.lines) for t in fitted.values()) + 1 - _MAX_LINES
    for field in reversed(_WRAPS):  # too many lines: the least important rows give way
        if extra > 0 and len(fitted[field].lines) > 1:
            try:
                one = _fit(field, texts[field], width)
            except CardLayoutError:
                continue
            extra -= len(fitted[field].lines) - 1
            fitted[field] = one
    if extra > 0:
        wrapped = [f for f in _WRAPS if len(fitted[f].lines) > 1]
        names = ", ".join(_NAMES[f] for f in wrapped)
        raise _too_long(wrapped[-1], texts[wrapped[-1]], f"{names} semua sudah dibagi baris")
    # Jenis Kelamin, then "GOL. DARAH : O" on the same row
    fitted["jenis_kelamin"] = _fit(
        "jenis_kelamin", texts["jenis_kelamin"], _GOL_X - 1.5 * mm - _VALUE_X
    )
    blood = _clean(card.golongan_darah)
    fitted["golongan_darah"] = _fit("golongan_darah", blood, _TEXT_END - _BLOOD_X)
    return fitted


class _JpegPhoto(ImageReader):  # type: ignore[misc]  # reportlab has no type stubs
    """A JPEG photo, embedded in the PDF as it is (DCTDecode), never as pixels.

    reportlab names an image by a digest of ``getRGBData()``: for a pas foto that is
    500 kB of decoded pixels to copy and hash, about a fifth of rendering a card. For a
    JPEG those pixels only name the image, so the file's own bytes (a few kB) name it.
    """

    def __init__(self, data: bytes) -> None:
        super().__init__(io.BytesIO(data))
        self._jpeg = data

    def getRGBData(self) -> bytes:
        self._dataA = None  # a JPEG has no alpha channel
        return self._jpeg


def _photo(data: bytes) -> ImageReader:
    """The photo, decoded once by Pillow; a JPEG is then embedded as it is (DCTDecode)."""
    try:
        if not data.startswith(_MAGIC):
            raise ValueError("not a JPEG or PNG file")
        with Image.open(io.BytesIO(data)) as image:
            image.load()  # full decode: a truncated or corrupt file fails here
            jpeg = image.format == "JPEG"
        if jpeg:
            return _JpegPhoto(data)
        reader = ImageReader(io.BytesIO(data))
        reader.getRGBData()  # the pixels (and alpha) reportlab embeds
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as exc:
        raise CardLayoutError(
            "foto",
            "Foto tidak dapat dibaca (bukan berkas JPEG/PNG yang utuh). Kartu tidak dicetak; "
            "ambil ulang foto dari data perekaman lalu cetak ulang.",
        ) from exc
    return reader


# --- drawing -----------------------------------------------------------------------------


def render_card(card: CardData) -> bytes:
    """The card front as PDF bytes: one page of 85.60 × 53.98 mm. Every check runs before
    anything is drawn; a card that cannot be laid out raises :class:`CardLayoutError`."""
    if len(card.nik) != 16 or not (card.nik.isascii() and card.nik.isdigit()):
        raise CardLayoutError("nik", "NIK harus terdiri dari 16 digit angka.")
    head_width = CARD_WIDTH - _LEFT - _RIGHT
    heads = [
        _fit(field, text, head_width, start=_HEAD_SIZE, font=CARD_FONT_BOLD)
        for field, text in (
            ("provinsi", _region("PROVINSI", card.provinsi)),
            ("kabupaten", _region("KABUPATEN", card.kabupaten, "KOTA")),
        )
    ]
    rows = _fit_rows(card)
    issued_at = _fit("issued_at", _clean(card.issued_at), _PHOTO_W, stages=((1,), (2,)))
    photo = _photo(card.photo)

    buffer = io.BytesIO()
    # uncompressed: a card goes straight to the printer, and zlib would double the time
    size = (CARD_WIDTH, CARD_HEIGHT)
    canvas = Canvas(
        buffer, pagesize=size, invariant=1, pageCompression=0, initialFontName=CARD_FONT
    )
    canvas.setTitle("KTP-el")
    canvas.setCreator("cetak")
    canvas.setProducer("cetak (ReportLab)")
    for text, y in zip(heads, _HEAD_Y, strict=True):
        canvas.setFont(CARD_FONT_BOLD, text.size)
        canvas.drawCentredString(CARD_WIDTH / 2, y, text.lines[0])
    _draw_nik(canvas, card.nik)
    _draw_rows(canvas, rows)
    _draw_photo_column(canvas, photo, issued_at, _ddmmyyyy(card.issued_on))
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _draw_nik(canvas: Canvas, nik: str) -> None:
    canvas.setFont(CARD_FONT_BOLD, _NIK_SIZE)
    canvas.drawString(_LEFT, _NIK_Y, "NIK")
    canvas.drawString(_COLON_X, _NIK_Y, ":")
    x = _COLON_X + stringWidth(": ", CARD_FONT_BOLD, _NIK_SIZE)
    canvas.setFont(
        CARD_FONT_BOLD, min(_NIK_SIZE, (_TEXT_END - x) / stringWidth(nik, CARD_FONT_BOLD, 1))
    )
    canvas.drawString(x, _NIK_Y, nik)


def _draw_rows(canvas: Canvas, rows: dict[str, _Text]) -> None:
    count = sum(len(rows[f].lines) for f in _ROWS)
    pitch = min(_MAX_PITCH, (_FIRST_Y - _LAST_Y) / (count - 1))
    y = _FIRST_Y
    for field in _ROWS:
        canvas.setFont(CARD_FONT, _LABEL_SIZE)
        canvas.drawString(_LEFT + (_INDENT if field in _INDENTED else 0), y, _LABELS[field])
        canvas.drawString(_COLON_X, y, ":")
        canvas.setFont(CARD_FONT, rows[field].size)
        for line in rows[field].lines:
            canvas.drawString(_VALUE_X, y, line)
            y -= pitch
        if field == "jenis_kelamin":
            canvas.setFont(CARD_FONT, _LABEL_SIZE)
            canvas.drawString(_GOL_X, y + pitch, _BLOOD)
            canvas.setFont(CARD_FONT, rows["golongan_darah"].size)
            canvas.drawString(_BLOOD_X, y + pitch, rows["golongan_darah"].lines[0])


def _draw_photo_column(canvas: Canvas, photo: ImageReader, place: _Text, day: str) -> None:
    bottom = _PHOTO_TOP - _PHOTO_H
    canvas.drawImage(
        photo, _PHOTO_X, bottom, _PHOTO_W, _PHOTO_H, mask="auto", preserveAspectRatio=True
    )
    centre = _PHOTO_X + _PHOTO_W / 2
    y = bottom - 2.6 * mm
    canvas.setFont(CARD_FONT, place.size)
    for line in place.lines:
        canvas.drawCentredString(centre, y, line)
        y -= 2.5 * mm
    canvas.setFont(CARD_FONT, _SIZE)
    canvas.drawCentredString(centre, y, day)
    # the holder's signature goes above this line
    line_y = _LAST_Y + 1.2 * mm
    canvas.setLineWidth(0.3)
    canvas.setStrokeGray(0.45)
    canvas.line(_PHOTO_X + 1.5 * mm, line_y, _PHOTO_X + _PHOTO_W - 1.5 * mm, line_y)
    canvas.setFillGray(0.35)
    canvas.setFont(CARD_FONT, 3.8)
    canvas.drawCentredString(centre, line_y - 1.5 * mm, "TANDA TANGAN PEMEGANG")
