"""The card front (papers.card) and the batch carrier sheet (papers.carrier)."""

from __future__ import annotations

import hashlib
import io
import re
import subprocess
import sys
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageDraw, ImageStat
from pypdf import PdfReader

from cetak.privacy import mask_nik
from papers.card import (
    _PHOTO_H,
    _PHOTO_TOP,
    _PHOTO_W,
    _PHOTO_X,
    MIN_SIZE,
    CardData,
    CardLayoutError,
    render_card,
)
from papers.carrier import CarrierLine, CarrierSheet, render_carrier_sheet

PT_PER_MM = 72 / 25.4
FULL_NIK = re.compile(r"(?<!\d)\d{16}(?!\d)")


def photo(fmt: str = "JPEG", size: tuple[int, int] = (354, 472)) -> bytes:
    """A pas foto: a face and shoulders on the red background."""
    w, h = size
    im = Image.new("RGB", size, (200, 30, 40))
    draw = ImageDraw.Draw(im)
    draw.ellipse((w * 0.3, h * 0.15, w * 0.7, h * 0.6), fill=(224, 180, 150))
    draw.ellipse((w * 0.1, h * 0.6, w * 0.9, h * 1.2), fill=(250, 250, 250))
    buffer = io.BytesIO()
    im.save(buffer, fmt)
    return buffer.getvalue()


CARD = CardData(
    provinsi="Jawa Tengah",
    kabupaten="Kabupaten Klaten",
    nik="3310041705900001",
    nama="Budi Santoso",
    tempat_lahir="Klaten",
    tanggal_lahir=date(1990, 5, 17),
    jenis_kelamin="Laki-laki",
    golongan_darah="o",
    alamat="Jl. Pemuda No. 12",
    rt="3",
    rw="11",
    kel_desa="Tlingsing",
    kecamatan="Cawas",
    agama="Islam",
    status_perkawinan="Kawin",
    pekerjaan="Karyawan Swasta",
    kewarganegaraan="WNI",
    berlaku_hingga="SEUMUR HIDUP",
    photo=photo(),
    issued_at="Klaten",
    issued_on=date(2026, 11, 24),
)
IN_ORDER = [
    "PROVINSI JAWA TENGAH",
    "KABUPATEN KLATEN",
    "NIK",
    "3310041705900001",
    "NAMA",
    "BUDI SANTOSO",
    "TEMPAT/TGL LAHIR",
    "KLATEN, 17-05-1990",
    "JENIS KELAMIN",
    "LAKI-LAKI",
    "GOL. DARAH",
    "O",
    "ALAMAT",
    "JL. PEMUDA NO. 12",
    "RT/RW",
    "003/011",
    "KEL/DESA",
    "TLINGSING",
    "KECAMATAN",
    "CAWAS",
    "AGAMA",
    "ISLAM",
    "STATUS PERKAWINAN",
    "KAWIN",
    "PEKERJAAN",
    "KARYAWAN SWASTA",
    "KEWARGANEGARAAN",
    "WNI",
    "BERLAKU HINGGA",
    "SEUMUR HIDUP",
    "KLATEN",
    "24-11-2026",
]


def spans(pdf: bytes, page: int = 0) -> list[tuple[str, float]]:
    """Each piece of text drawn on the page, in drawing order, with its font size."""
    out: list[tuple[str, float]] = []
    PdfReader(io.BytesIO(pdf)).pages[page].extract_text(
        visitor_text=lambda text, _cm, _tm, _font, size: (
            out.append((text.strip(), size)) if text.strip() else None
        )
    )
    return out


def words(pdf: bytes) -> str:
    """All the text of every page, whitespace collapsed."""
    pages = PdfReader(io.BytesIO(pdf)).pages
    return " ".join(" ".join(p.extract_text().split()) for p in pages)


def size_of(pdf: bytes, text: str) -> list[float]:
    return [size for piece, size in spans(pdf) if piece == text]


# --- the card ----------------------------------------------------------------------------


def test_the_page_is_exactly_an_id1_card() -> None:
    reader = PdfReader(io.BytesIO(render_card(CARD)))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert float(box.left) == 0 and float(box.bottom) == 0
    assert float(box.width) == pytest.approx(85.60 * PT_PER_MM, abs=0.01)
    assert float(box.height) == pytest.approx(53.98 * PT_PER_MM, abs=0.01)


def test_the_fields_appear_in_order_and_upper_case() -> None:
    pieces = [text for text, _ in spans(render_card(CARD))]
    at = 0
    for expected in IN_ORDER:
        found = [i for i, piece in enumerate(pieces) if i >= at and expected in piece]
        assert found, f"{expected!r} missing after {pieces[at - 1]!r}"
        at = found[0] + 1
    for piece in pieces:
        assert piece == piece.upper()


def test_the_full_nik_is_on_the_card_and_the_font_is_embedded() -> None:
    pdf = render_card(CARD)
    assert "3310041705900001" in words(pdf)
    assert b"/FontFile2" in pdf  # embedded TrueType
    assert b"/BaseFont /Helvetica" not in pdf  # nothing left to the viewer


def test_nothing_but_the_photo_and_a_signature_line_is_drawn() -> None:
    pdf = render_card(CARD)
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    images = page["/Resources"]["/XObject"]
    assert len(images) == 1
    image = next(iter(images.values())).get_object()
    assert (image["/Width"], image["/Height"]) == (354, 472)  # the photo itself
    content = page.get_contents().get_data()
    assert not re.search(rb"\bre\b", content)  # no filled bars: no barcode
    assert len(re.findall(rb"\bl S\b|\bl\s+S\b", content)) == 1  # the signature line
    assert "KTP-" not in words(pdf) and "PRR" not in words(pdf)


def test_the_same_card_is_the_same_bytes() -> None:
    again = replace(CARD, photo=bytes(bytearray(CARD.photo)))
    assert render_card(CARD) == render_card(again)


@pytest.mark.slow
def test_the_same_card_is_the_same_bytes_in_another_process() -> None:
    script = (
        "import hashlib, sys; sys.path.insert(0, sys.argv[1]); import test_render as t; "
        "print(hashlib.sha256(t.render_card(t.CARD)).hexdigest())"
    )
    here = Path(__file__).parent
    out = subprocess.run(
        [sys.executable, "-c", script, str(here)],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONHASHSEED": "7", "PATH": "/usr/bin:/bin"},
        cwd=here.parent,
    ).stdout.strip()
    assert out == hashlib.sha256(render_card(CARD)).hexdigest()


def test_a_long_name_wraps_onto_a_second_line_at_full_size() -> None:
    name = "Raden Mas Muhammad Rizky Pratama Setiawan"
    pdf = render_card(replace(CARD, nama=name))
    pieces = [text for text, _ in spans(pdf)]
    at = pieces.index("NAMA") + 2
    assert " ".join(pieces[at : at + 2]) == name.upper()
    assert size_of(pdf, pieces[at]) == size_of(pdf, pieces[at + 1]) == [6.0]


def test_a_longer_name_is_condensed_but_printed_whole() -> None:
    name = "Raden Mas Muhammad Rizky Pratama Setiawan Kusuma Wijaya"
    pdf = render_card(replace(CARD, nama=name))
    pieces = [text for text, _ in spans(pdf)]
    at = pieces.index("NAMA") + 2
    assert " ".join(pieces[at : at + 2]) == name.upper()
    assert pieces[at + 2] == "TEMPAT/TGL LAHIR"
    size = size_of(pdf, pieces[at])[0]
    assert MIN_SIZE <= size < 6.0


@pytest.mark.parametrize(
    "name",
    [
        "Muhammad Abdurrahman Alghifari Syahputra Kusumaningrat Wijay",
        "Ni Made Wiwik Mahawira Wulandari Mawar Widyawati Kusumawardh",
    ],
)
def test_every_name_of_sixty_letters_fits(name: str) -> None:
    assert len(name) == 60  # the most a name may have (Permendagri 73/2022)
    pdf = render_card(replace(CARD, nama=name))
    assert name.upper() in words(pdf)
    pieces = [text for text, _ in spans(pdf)]
    assert pieces.index("TEMPAT/TGL LAHIR") - pieces.index("NAMA") - 2 <= 3  # lines


def test_a_name_beyond_any_rule_is_refused() -> None:
    with pytest.raises(CardLayoutError) as caught:
        render_card(replace(CARD, nama="Mmmmmmm Wwwwwww " * 6))
    assert caught.value.field == "nama"
    assert "Nama terlalu panjang" in caught.value.message


def test_other_long_values_get_smaller_before_they_wrap() -> None:
    card = replace(CARD, pekerjaan="Anggota Mahkamah Konstitusi")
    pdf = render_card(card)
    [size] = size_of(pdf, "ANGGOTA MAHKAMAH KONSTITUSI")
    assert MIN_SIZE <= size < 6.0


def test_many_long_rows_still_fit_on_the_card() -> None:
    card = replace(
        CARD,
        nama="Raden Mas Muhammad Rizky Pratama Setiawan Kusuma",
        alamat="Dukuh Krajan Kidul Jl. Raya Cawas - Bayat Km 4 Gg. Mawar 17",
        tempat_lahir="Kepulauan Siau Tagulandang Biaro",
        agama="Kepercayaan Terhadap Tuhan YME",
        pekerjaan="Anggota Kabinet/Kementerian",
        kel_desa="Tlingsing Wetan Kidul Kulon Lor",
    )
    text = words(render_card(card))
    for value in (card.nama, card.alamat, card.agama, card.tempat_lahir, card.kel_desa):
        assert value.upper() in text


def test_an_absurdly_long_address_is_refused_naming_the_field() -> None:
    card = replace(CARD, alamat="Jalan Raya Cawas Bayat Kilometer Empat " * 4)
    with pytest.raises(CardLayoutError) as caught:
        render_card(card)
    assert caught.value.field == "alamat"
    assert "Alamat terlalu panjang" in caught.value.message
    assert "tidak dicetak" in caught.value.message


def test_a_word_that_cannot_fit_is_refused_not_cut() -> None:
    with pytest.raises(CardLayoutError) as caught:
        render_card(replace(CARD, kecamatan="X" * 60))
    assert caught.value.field == "kecamatan"


@pytest.mark.parametrize(
    "data",
    [b"", b"not a photo at all", photo()[:2000], photo("PNG")[:-400], photo("GIF")],
    ids=["empty", "text", "cut-jpeg", "cut-png", "gif"],
)
def test_a_photo_that_cannot_be_decoded_is_refused(data: bytes) -> None:
    with pytest.raises(CardLayoutError) as caught:
        render_card(replace(CARD, photo=data))
    assert caught.value.field == "foto"
    assert "Foto tidak dapat dibaca" in caught.value.message


@pytest.mark.parametrize("fmt", ["JPEG", "PNG"])
@pytest.mark.parametrize("size", [(354, 472), (600, 400), (300, 300)])
def test_any_photo_shape_is_placed(fmt: str, size: tuple[int, int]) -> None:
    data = photo(fmt, size)
    page = PdfReader(io.BytesIO(render_card(replace(CARD, photo=data)))).pages[0]
    # The photo is embedded once, whole: its pixels are the pas foto's.
    [embedded] = page.images
    original = Image.open(io.BytesIO(data)).convert("RGB")
    placed = embedded.image.convert("RGB")
    assert placed.size == size
    # A PNG is embedded losslessly; a JPEG as it is (pypdf decodes it a shade apart).
    diff = ImageChops.difference(original, placed)
    if fmt == "PNG":
        assert diff.getbbox() is None
    else:
        assert max(ImageStat.Stat(diff).mean) < 1.0, ImageStat.Stat(diff).mean
    # It is drawn in the photo box: as large as fits, its shape kept, centred.
    [(w, h, x, y, name)] = re.findall(
        rb"([\d.]+) 0 0 ([\d.]+) ([\d.]+) ([\d.]+) cm\s*/(\S+) Do", page.get_contents().get_data()
    )
    assert name.decode() in {k.lstrip("/") for k in page["/Resources"]["/XObject"]}
    w, h, x, y = (float(v) for v in (w, h, x, y))
    assert w / h == pytest.approx(size[0] / size[1], rel=1e-3)
    assert min(_PHOTO_W / w, _PHOTO_H / h) == pytest.approx(1, rel=1e-3)
    bottom = _PHOTO_TOP - _PHOTO_H
    assert x - _PHOTO_X == pytest.approx(_PHOTO_X + _PHOTO_W - (x + w), abs=0.01)
    assert y - bottom == pytest.approx(_PHOTO_TOP - (y + h), abs=0.01)


def test_a_foreigner_card_shows_its_expiry_date() -> None:
    card = replace(CARD, kewarganegaraan="WNA", berlaku_hingga="2031-05-17")
    text = words(render_card(card))
    assert "BERLAKU HINGGA : 17-05-2031" in text and "WNA" in text


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"nik": "33100417059"}, "nik"),
        ({"nik": "3310-04-1705900001"}, "nik"),
        ({"nama": "Wáng 王"}, "nama"),
        ({"golongan_darah": "Tidak tahu / belum diperiksa"}, "golongan_darah"),
    ],
)
def test_data_the_card_cannot_carry_is_refused(change: dict[str, str], field: str) -> None:
    with pytest.raises(CardLayoutError) as caught:
        render_card(replace(CARD, **change))  # type: ignore[arg-type]
    assert caught.value.field == field
    assert str(caught.value).startswith(f"{field}: ")


# --- the carrier sheet -------------------------------------------------------------------


def carrier(cards: int) -> CarrierSheet:
    names = ("Budi Santoso", "Siti Aminah", "Raden Mas Muhammad Rizky Pratama Setiawan")
    lines = tuple(
        CarrierLine(
            card_ref=f"KTP-3310-20261124-{i:04d}",
            prr_id=f"PRR-3310-{20261000 + i}",
            nik_masked=mask_nik(f"3310{41705900000 + i:012d}"),
            nama=names[i % 3],
            kel_desa="Tlingsing",
        )
        for i in range(1, cards + 1)
    )
    return CarrierSheet(
        batch_id="B-3310-20261124-07",
        printer="Fargo HDP5000 #2",
        kabupaten="Kabupaten Klaten",
        kecamatan="Cawas",
        printed_on=date(2026, 11, 24),
        cards=lines,
    )


@pytest.fixture(scope="module")
def sheet_pdf() -> bytes:
    return render_carrier_sheet(carrier(60))


def test_the_carrier_sheet_names_its_batch_and_every_card(sheet_pdf: bytes) -> None:
    text = words(sheet_pdf)
    assert "LEMBAR PENGANTAR CETAK KTP-EL" in text
    assert "B-3310-20261124-07" in text
    assert "Fargo HDP5000 #2" in text and "Cawas" in text and "24 November 2026" in text
    for line in carrier(60).cards:
        assert line.card_ref in text and line.prr_id in text


def test_sixty_cards_span_pages_each_with_the_table_header(sheet_pdf: bytes) -> None:
    pages = PdfReader(io.BytesIO(sheet_pdf)).pages
    assert len(pages) == 4  # 16 cards under the heading, then 19 a page
    shown: list[list[str]] = []
    for n, page in enumerate(pages, start=1):
        text = " ".join(page.extract_text().split())
        assert "No PRR NIK Nama Kel/Desa" in text
        assert "B-3310-20261124-07" in text
        assert f"Halaman {n} dari {len(pages)}" in text
        assert re.search(rb"\bre\b", page.get_contents().get_data())  # barcode bars
        shown.append(re.findall(r"KTP-3310-20261124-\d{4}", text))
    assert [len(refs) for refs in shown] == [16, 19, 19, 6]
    # Every card once, in order, none lost or repeated at a page break.
    assert [ref for refs in shown for ref in refs] == [c.card_ref for c in carrier(60).cards]


def test_the_carrier_sheet_masks_niks(sheet_pdf: bytes) -> None:
    text = words(sheet_pdf)
    assert "3310********0001" in text
    assert not FULL_NIK.search(text)
    with pytest.raises(ValueError):
        CarrierLine("KTP-1", "PRR-1", "3310041705900001", "Budi", "Tlingsing")
    assert mask_nik("3310041705900001") == "3310********0001"


def test_the_carrier_sheet_is_deterministic() -> None:
    assert render_carrier_sheet(carrier(3)) == render_carrier_sheet(carrier(3))


def test_a_long_batch_id_and_an_empty_batch_still_make_a_sheet() -> None:
    long_id = "B20261124T093000-001-FARGO-HDP5000-DISDUKCAPIL-KLATEN"
    sheet = replace(carrier(0), batch_id=long_id)
    text = words(render_carrier_sheet(sheet))
    assert long_id in text and "tidak memuat kartu" in text


def test_a_card_ref_too_long_to_scan_is_refused() -> None:
    line = replace(carrier(1).cards[0], card_ref="K" + "x" * 59)
    with pytest.raises(ValueError, match="too long for a barcode"):
        render_carrier_sheet(replace(carrier(0), cards=(line,)))
