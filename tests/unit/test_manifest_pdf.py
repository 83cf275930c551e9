"""The shipment manifest (manifes pengiriman KTP-el), read back from its PDF bytes with pypdf."""

from __future__ import annotations

import dataclasses
import io
import re
import shutil
import subprocess
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from papers.documents import Office, Person
from papers.manifest import ManifestLine, ShipmentManifest, render_manifest

FULL_NIK = re.compile(r"(?<!\d)\d{16}(?!\d)")
KLATEN = Office(kabupaten="Kabupaten Klaten", provinsi="Jawa Tengah", kode_wilayah="33.10")
OPERATOR = Person("Agus Prasetyo", "Operator Pencetakan KTP-el", "19880721 201001 1 002")
CAMAT_STAFF = Person("Rina Marlina", "Kasi Pelayanan Kecamatan Cawas", "19830303 200801 2 001")
COURIER = Person("Joko Susilo", "Pengemudi Dinas")
DESA = ("Cawas", "Bawak", "Burikan", "Japanan", "Karangasem", "Mlese", "Nanggulan", "Tlingsing")
NAMES = ("Siti Aminah", "Budi Santoso", "Sri Rahayu", "Ahmad Fauzi", "Dwi Astuti", "Suparman")


def lines(n: int) -> tuple[ManifestLine, ...]:
    return tuple(
        ManifestLine(
            card_ref=f"KTP-3310-20261124-{i:05d}",
            nik_masked=f"3310********{i:04d}",
            nama=NAMES[i % len(NAMES)],
            kel_desa=DESA[i % len(DESA)],
        )
        for i in range(1, n + 1)
    )


def manifest(n: int = 48, **changes: Any) -> ShipmentManifest:
    doc = ShipmentManifest(
        shipment_id="KRM-3310-20261124-0005",
        office=KLATEN,
        kecamatan="Cawas",
        kode_kecamatan="33.10.05",
        packed_on=date(2026, 11, 24),
        lines=lines(n),
        handed_over_by=OPERATOR,
        received_by=CAMAT_STAFF,
        courier=COURIER,
    )
    return dataclasses.replace(doc, **changes)


def read(raw: bytes) -> tuple[PdfReader, str]:
    reader = PdfReader(io.BytesIO(raw))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return reader, " ".join(text.split())


@pytest.fixture(scope="module")
def long_manifest() -> bytes:
    return render_manifest(manifest(120))


def test_manifest_is_a_complete_a4_pdf(long_manifest: bytes) -> None:
    assert long_manifest.startswith(b"%PDF-")
    assert long_manifest.rstrip().endswith(b"%%EOF")
    reader, _ = read(long_manifest)
    for page in reader.pages:
        box = page.mediabox
        assert (round(float(box.width), 1), round(float(box.height), 1)) == (595.3, 841.9)


def test_same_input_gives_the_same_bytes(long_manifest: bytes) -> None:
    assert render_manifest(manifest(120)) == long_manifest


def test_a_long_shipment_spans_pages_with_the_header_repeated(long_manifest: bytes) -> None:
    reader, text = read(long_manifest)
    assert len(reader.pages) >= 3
    for page in reader.pages[:-1]:  # the last page may hold only the berita acara
        page_text = page.extract_text()
        assert "Referensi kartu" in page_text and "NIK (disamarkan)" in page_text
        assert "KRM-3310-20261124-0005" in page_text  # a loose page finds its shipment
    assert f"Halaman 1 dari {len(reader.pages)}" in text


def test_manifest_names_the_shipment_kecamatan_date_and_count(long_manifest: bytes) -> None:
    _, text = read(long_manifest)
    assert "PEMERINTAH KABUPATEN KLATEN" in text
    assert "DINAS KEPENDUDUKAN DAN PENCATATAN SIPIL" in text
    assert "MANIFES PENGIRIMAN KTP-EL" in text
    assert "KRM-3310-20261124-0005" in text
    assert "Kecamatan Cawas (33.10.05)" in text
    assert "Selasa, 24 November 2026" in text
    assert "120 (seratus dua puluh) keping" in text
    assert "Diterima" in text


def test_count_is_written_in_words() -> None:
    _, text = read(render_manifest(manifest(48)))
    assert "Jumlah : 48 (empat puluh delapan) keping" in text


def test_every_card_is_listed_with_its_masked_nik(long_manifest: bytes) -> None:
    _, text = read(long_manifest)
    for line in lines(120):
        assert line.card_ref in text
        assert line.nik_masked in text
    assert "SITI AMINAH" in text and "KARANGASEM" in text


def test_no_sixteen_digit_run_reaches_the_paper(long_manifest: bytes) -> None:
    _, text = read(long_manifest)
    assert not FULL_NIK.search(text)


def test_berita_acara_hands_over_the_cards_to_the_kecamatan(long_manifest: bytes) -> None:
    _, text = read(long_manifest)
    assert "BERITA ACARA SERAH TERIMA" in text
    assert "Pada hari ini, Selasa, tanggal 24 November 2026" in text
    assert "menyerahkan kepada Kecamatan Cawas (33.10.05) melalui pengantar Joko Susilo" in text
    for caption in ("Yang menyerahkan,", "Pengantar,", "Yang menerima,"):
        assert caption in text
    for person in (OPERATOR, CAMAT_STAFF, COURIER):
        assert person.name in text
    assert "NIP. 19880721 201001 1 002" in text


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("nik_masked", "3310054107990001"),
        ("nik_masked", "3310 0541 0799 0001"),
        ("card_ref", "3310054107990001"),
        ("nama", "SITI 3310054107990001"),
    ],
)
def test_a_full_nik_is_refused(field: str, value: str) -> None:
    values = {"card_ref": "KTP-1", "nik_masked": "3310********0001", "nama": "A", "kel_desa": "B"}
    values[field] = value
    with pytest.raises(ValueError, match="full NIK"):
        ManifestLine(**values)


def test_an_empty_or_doubled_shipment_is_refused() -> None:
    with pytest.raises(ValueError, match="at least one card"):
        manifest(lines=())
    with pytest.raises(ValueError, match="twice"):
        manifest(lines=lines(2) + lines(1))


def test_without_receiver_or_courier_the_boxes_are_left_to_fill_in() -> None:
    raw = render_manifest(manifest(4, received_by=None, courier=None))
    reader, text = read(raw)
    assert len(reader.pages) == 1
    assert "Yang menerima," in text and "Petugas Kecamatan Cawas" in text
    assert "Pengantar," not in text and "melalui pengantar" not in text
    assert re.search(r"\.{20,}", text)  # a dotted line for the receiver's name
    assert "4 (empat) keping" in text


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm (poppler) not installed")
def test_preview_is_written(long_manifest: bytes, tmp_path: Path) -> None:
    artifacts = Path(__file__).resolve().parents[2] / "test-artifacts"
    artifacts.mkdir(exist_ok=True)
    pdf = tmp_path / "manifes.pdf"
    pdf.write_bytes(long_manifest)
    cmd = ["pdftoppm", "-png", "-r", "60", "-singlefile", str(pdf), str(artifacts / "manifes")]
    subprocess.run(cmd, check=True)
    assert (artifacts / "manifes.png").stat().st_size > 1000


@pytest.mark.skipif(
    shutil.which("pdftoppm") is None or shutil.which("zbarimg") is None,
    reason="pdftoppm or zbarimg not installed",
)
def test_the_barcode_scans_as_the_shipment_id(long_manifest: bytes, tmp_path: Path) -> None:
    pdf = tmp_path / "manifes.pdf"
    pdf.write_bytes(long_manifest)
    png = tmp_path / "page1"
    render = ["pdftoppm", "-png", "-r", "300", "-singlefile", "-l", "1", str(pdf), str(png)]
    subprocess.run(render, check=True)
    scan = subprocess.run(
        ["zbarimg", "-q", "--raw", str(png.with_suffix(".png"))], capture_output=True, text=True
    )
    assert scan.stdout.split() == ["KRM-3310-20261124-0005"]
