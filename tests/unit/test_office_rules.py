"""The office profile's rules (issue 13): numbers by the office's convention, the checks of
NIP, email, web address and telephone, who signs which document, and the papers' blank
lines for what is not set."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date

import pytest
from pypdf import PdfReader

from cetak import office
from cetak.office import InvalidOfficeValue, OfficeProfile, UnknownChoice
from papers.documents import render_destruction_report
from papers.documents.common import Office, Person, SpoiledCard
from papers.documents.destruction import serial_text
from papers.style import BLANK, Letterhead

from paper_samples import destruction_report


def text_of(pdf: bytes) -> str:
    pages = PdfReader(io.BytesIO(pdf)).pages
    return " ".join(" ".join(page.extract_text().split()) for page in pages)


# --- numbers -------------------------------------------------------------------------------


def test_numbers_follow_the_office_convention() -> None:
    assert office.format_number("470", "BAP", 1, date(2026, 12, 2)) == "470/BAP-001/XII/2026"
    assert office.format_number("470", "SPB", 12, date(2026, 4, 30)) == "470/SPB-012/IV/2026"
    assert office.format_number("470.1", "BAP", 1000, date(2027, 1, 1)) == ("470.1/BAP-1000/I/2027")
    assert [office.roman_month(m) for m in (1, 4, 9, 12)] == ["I", "IV", "IX", "XII"]


def test_a_number_becomes_a_file_name_without_slashes() -> None:
    assert office.file_name("470/BAP-001/XII/2026") == "470-BAP-001-XII-2026"
    assert office.file_name("SPB-3310-202611-001") == "SPB-3310-202611-001"  # older numbers


# --- checks --------------------------------------------------------------------------------


def test_a_nip_has_eighteen_digits_and_is_kept_grouped() -> None:
    assert office.check_nip("196902141990031005") == "19690214 199003 1 005"
    assert office.check_nip(" 19690214 199003 1 005 ") == "19690214 199003 1 005"
    assert office.check_nip("") == ""  # clears it
    for bad in ("1969021419900310", "19690214199003100X", "1234567890123456789"):
        with pytest.raises(InvalidOfficeValue) as err:
            office.check_nip(bad)
        assert "18 angka" in str(err.value) and "NIP" in str(err.value)


@pytest.mark.parametrize(
    ("check", "good", "bad"),
    [
        (office.check_email, "disdukcapil@klatenkab.go.id", "disdukcapil.klatenkab.go.id"),
        (office.check_laman, "https://disdukcapil.klatenkab.go.id/", "bukan laman"),
        (office.check_laman, "disdukcapil.klatenkab.go.id", "http://"),
        (office.check_telepon, "(0272) 321046", "telepon kantor"),
        (office.check_klasifikasi, "470.1", "BAP"),
    ],
)
def test_email_web_address_telephone_and_code_have_their_shape(check, good, bad) -> None:
    assert check(good) == good
    with pytest.raises(InvalidOfficeValue):
        check(bad)


def test_a_logo_is_a_png_or_a_jpeg() -> None:
    assert office.logo_kind(b"\x89PNG\r\n\x1a\n....") == "png"
    assert office.logo_kind(b"\xff\xd8\xff\xe0....") == "jpeg"
    assert office.logo_kind(b"GIF89a") is None


def test_a_person_is_a_name_with_an_optional_nip_and_jabatan() -> None:
    assert office.parse_person("Sri Wahyuni") == {"nama": "Sri Wahyuni", "nip": "", "jabatan": ""}
    assert office.parse_person("Dwi Lestari | 198505052009012003 | Inspektorat") == {
        "nama": "Dwi Lestari",
        "nip": "19850505 200901 2 003",
        "jabatan": "Inspektorat",
    }
    with pytest.raises(InvalidOfficeValue):
        office.parse_person("Dwi Lestari|12345")
    with pytest.raises(InvalidOfficeValue):
        office.parse_person(" |198505052009012003")


def test_an_unknown_choice_names_the_choices() -> None:
    with pytest.raises(UnknownChoice) as err:
        office.check_choice("dilebur", office.METHODS, "cara pemusnahan")
    assert "dibakar, dipotong, dihancurkan" in str(err.value)


# --- the profile ---------------------------------------------------------------------------


def test_who_signs_by_default_and_what_an_empty_profile_misses() -> None:
    empty = OfficeProfile()
    assert empty.signs("berita_acara_pemusnahan").role == "kepala_seksi"
    assert empty.knows("berita_acara_pemusnahan").role == "kepala_dinas"  # type: ignore[union-attr]
    assert empty.signs("surat_permohonan_blangko").role == "kepala_dinas"
    assert empty.knows("surat_permohonan_blangko") is None
    assert empty.signs("laporan_bulanan").role == "kepala_bidang"
    assert empty.klasifikasi("BAP") == "470"
    missing = empty.missing()
    assert "alamat" in missing and "nama dan NIP kepala dinas" in missing


def test_a_stored_choice_overrides_the_default() -> None:
    profile = OfficeProfile(
        {
            "tanda_tangan.laporan_bulanan": "kepala_seksi",
            "mengetahui.berita_acara_pemusnahan": "-",
            "klasifikasi.BAP": "470.1",
            "penandatangan.kepala_seksi.nama": "Sri Hartati, S.Sos.",
            "penandatangan.kepala_seksi.nip": "19750312 199803 2 004",
        }
    )
    assert profile.signs("laporan_bulanan").nama == "Sri Hartati, S.Sos."
    assert profile.knows("berita_acara_pemusnahan") is None
    assert profile.klasifikasi("BAP") == "470.1"
    assert profile.as_json()["dokumen"]["laporan_bulanan"]["ditandatangani"] == "kepala_seksi"  # type: ignore[index]


# --- the papers ----------------------------------------------------------------------------


def test_the_letterhead_names_address_telephone_email_and_web_site() -> None:
    kop = Letterhead(
        pemerintah="Pemerintah Kabupaten Klaten",
        alamat="Jl. Pemuda No. 294, Klaten",
        telepon="(0272) 321046",
        email="disdukcapil@klatenkab.go.id",
        laman="disdukcapil.klatenkab.go.id",
    )
    assert kop.government_line == "PEMERINTAH KABUPATEN KLATEN"
    assert kop.region == "Kabupaten Klaten"
    assert kop.contact_line == (
        "Telepon (0272) 321046, Email disdukcapil@klatenkab.go.id, "
        "Laman disdukcapil.klatenkab.go.id"
    )
    assert Letterhead(pemerintah="Klaten", alamat="x").contact_line == ""


def test_serials_are_said_as_ranges_per_lot() -> None:
    day = date(2026, 11, 2)

    def card(lot: str, serial: str | None) -> SpoiledCard:
        return SpoiledCard(lot, serial, None, None, "RUSAK_FISIK", day)

    cards = (
        card("L-01", "000101"),
        card("L-01", "000102"),
        card("L-01", "000103"),
        card("L-01", "000110"),
        card("L-02", "A7"),
        card("L-02", None),
    )
    assert serial_text(cards) == (
        "lot L-01: 000101 s.d. 000103, 000110; lot L-02: A7; 1 keping tanpa nomor seri"
    )


def test_the_destruction_report_shows_method_nip_mengetahui_and_a_lampiran() -> None:
    office_ = Office(
        kabupaten="Kabupaten Klaten",
        provinsi="Jawa Tengah",
        kode_wilayah="33.10",
        telepon="(0272) 321046",
        email="disdukcapil@klatenkab.go.id",
    )
    head = Person("Drs. Jaka Purnama, M.Si.", "Kepala Dinas", "19690214 199003 1 005", "Pembina")
    doc = destruction_report(cards=3)
    doc = replace(
        doc, office=office_, method="dipotong", acknowledged_by=head, number="470/BAP-001/XI/2026"
    )
    text = text_of(render_destruction_report(doc))
    assert "Email disdukcapil@klatenkab.go.id" in text
    assert "dengan cara dipotong-potong" in text
    assert "Mengetahui, Kepala Dinas Kependudukan dan Pencatatan Sipil Kabupaten Klaten" in text
    assert "Drs. Jaka Purnama, M.Si. Pembina NIP. 19690214 199003 1 005" in text
    assert "LAMPIRAN Berita Acara Pemusnahan" in text and "Nomor: 470/BAP-001/XI/2026" in text
    assert "Nomor seri blangko yang dimusnahkan: lot" in text


def test_an_unnamed_signer_leaves_dotted_lines_not_a_dash() -> None:
    doc = destruction_report(cards=1)
    doc = replace(doc, acknowledged_by=Person("", "Kepala Dinas", None, ""))
    text = text_of(render_destruction_report(doc))
    head = "Mengetahui, Kepala Dinas Kependudukan dan Pencatatan Sipil Kabupaten Klaten,"
    assert f"{head} {BLANK} {BLANK} NIP. {BLANK}" in text
    assert "NIP. -" not in text


def test_the_logo_stands_on_the_letterhead_and_a_broken_one_is_left_out() -> None:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (60, 60), (0, 100, 0)).save(buffer, format="PNG")
    klaten = Office(kabupaten="Kabupaten Klaten", provinsi="Jawa Tengah", kode_wilayah="33.10")
    with_logo = replace(destruction_report(cards=1), office=replace(klaten, logo=buffer.getvalue()))
    first = PdfReader(io.BytesIO(render_destruction_report(with_logo))).pages[0]
    assert len(first.images) == 1
    broken = replace(with_logo, office=replace(klaten, logo=b"\x89PNG\r\n\x1a\nrusak"))
    first = PdfReader(io.BytesIO(render_destruction_report(broken))).pages[0]
    assert len(first.images) == 0 and "PEMERINTAH KABUPATEN KLATEN" in first.extract_text()


def test_serials_with_a_prefix_run_too() -> None:
    day = date(2026, 11, 2)
    cards = tuple(
        SpoiledCard("L-01", f"KTPEL0026{n:04d}", None, None, "GAGAL_CETAK", day)
        for n in (3, 1, 2, 9)
    )
    assert serial_text(cards) == "lot L-01: KTPEL00260001 s.d. KTPEL00260003, KTPEL00260009"
