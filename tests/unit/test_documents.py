"""The berita acara, the monthly report and the reorder letter, read back from their PDF bytes.

Text is read with a small reader for what reportlab writes (below), on the standard library
alone: content streams are inflated and every string is mapped back to Unicode through its
font's ToUnicode table, which is exactly what a PDF viewer's copy-and-paste does.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import sys
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest

from papers.documents import (
    Office,
    render_destruction_report,
    render_monthly_report,
    render_reorder_letter,
    terbilang,
)
from papers.style import angka, desimal, hari, tanggal

from paper_samples import (
    BALANCED_LOTS,
    CAUSES,
    KASI,
    OPERATOR,
    RED,
    RENDERERS,
    SHORT_LOT,
    WITNESSES,
    destruction_report,
    lot,
    monthly_report,
    read_pdf,
    reorder_letter,
    spoiled_cards,
)

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
A4_PORTRAIT = (595.2756, 841.8898)
A4_LANDSCAPE = (841.8898, 595.2756)
FULL_NIK = re.compile(r"(?<!\d)\d{16}(?!\d)")

# --- factories ---------------------------------------------------------------------------


# --- reading the PDF back ----------------------------------------------------------------


@pytest.fixture(scope="module")
def documents() -> dict[str, bytes]:
    return {name: render() for name, render in RENDERERS.items()}


# --- formatting --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("n", "words"),
    [
        (0, "nol"),
        (1, "satu"),
        (10, "sepuluh"),
        (11, "sebelas"),
        (12, "dua belas"),
        (19, "sembilan belas"),
        (20, "dua puluh"),
        (21, "dua puluh satu"),
        (100, "seratus"),
        (101, "seratus satu"),
        (111, "seratus sebelas"),
        (125, "seratus dua puluh lima"),
        (200, "dua ratus"),
        (999, "sembilan ratus sembilan puluh sembilan"),
        (1000, "seribu"),
        (1001, "seribu satu"),
        (1500, "seribu lima ratus"),
        (2026, "dua ribu dua puluh enam"),
        (4000, "empat ribu"),
        (11000, "sebelas ribu"),
        (100000, "seratus ribu"),
        (125000, "seratus dua puluh lima ribu"),
        (1000000, "satu juta"),
        (1250000, "satu juta dua ratus lima puluh ribu"),
        (2000000000, "dua miliar"),
        (-5, "minus lima"),
    ],
)
def test_terbilang_writes_numbers_in_indonesian_words(n: int, words: str) -> None:
    assert terbilang(n) == words


def test_terbilang_takes_only_integers() -> None:
    with pytest.raises(TypeError):
        terbilang(1.5)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        terbilang(True)
    with pytest.raises(ValueError):
        terbilang(10**15)


def test_dates_are_written_with_indonesian_month_and_day_names() -> None:
    assert tanggal(date(2026, 11, 24)) == "24 November 2026"
    assert tanggal(date(2026, 8, 1), short=True) == "1 Agu 2026"
    months = [tanggal(date(2026, m, 1)).split()[1] for m in range(1, 13)]
    assert months == [
        "Januari",
        "Februari",
        "Maret",
        "April",
        "Mei",
        "Juni",
        "Juli",
        "Agustus",
        "September",
        "Oktober",
        "November",
        "Desember",
    ]
    week = [hari(date(2026, 11, 23) + timedelta(days=i)) for i in range(7)]
    assert week == ["Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"]


def test_numbers_use_dots_for_thousands_and_a_decimal_comma() -> None:
    assert angka(4000) == "4.000"
    assert angka(1234567) == "1.234.567"
    assert angka(0) == "0"
    assert angka(-1250) == "-1.250"
    assert desimal(412.5) == "412,5"
    assert desimal(1234.56) == "1.234,6"
    assert desimal(400.0) == "400"
    assert desimal(2.06) == "2,1"


# --- every document ----------------------------------------------------------------------


@pytest.mark.parametrize("name", list(RENDERERS))
def test_each_document_is_a_complete_pdf_with_embedded_fonts(
    documents: dict[str, bytes], name: str
) -> None:
    raw = documents[name]
    assert raw.startswith(b"%PDF-")
    assert raw.rstrip().endswith(b"%%EOF")
    assert b"/FontFile2" in raw  # TrueType embedded
    assert b"/BaseFont /Helvetica" not in raw  # no font left to the viewer


@pytest.mark.parametrize("name", list(RENDERERS))
def test_each_document_is_the_same_bytes_for_the_same_input(
    documents: dict[str, bytes], name: str
) -> None:
    assert RENDERERS[name]() == documents[name]


@pytest.mark.slow
def test_documents_are_the_same_bytes_in_another_process(documents: dict[str, bytes]) -> None:
    script = (
        "import hashlib, sys; sys.path.insert(0, sys.argv[1]); import paper_samples as t; "
        "print(' '.join(hashlib.sha256(r()).hexdigest() for r in t.RENDERERS.values()))"
    )
    here = str(Path(__file__).resolve().parents[1])  # tests/, where paper_samples is
    for seed in ("1", "2"):
        out = subprocess.run(
            [sys.executable, "-c", script, here],
            capture_output=True,
            text=True,
            check=True,
            env={"PYTHONHASHSEED": seed, "PATH": "/usr/bin:/bin"},
            cwd=Path(__file__).resolve().parents[2],
        ).stdout.split()
        assert out == [hashlib.sha256(raw).hexdigest() for raw in documents.values()]


@pytest.mark.parametrize(
    ("name", "size"),
    [
        ("berita-acara-pemusnahan", A4_PORTRAIT),
        ("laporan-bulanan", A4_LANDSCAPE),
        ("surat-permohonan-blangko", A4_PORTRAIT),
    ],
)
def test_each_document_is_on_a4(documents: dict[str, bytes], name: str, size: tuple) -> None:
    pdf = read_pdf(documents[name])
    assert pdf.media_boxes and set(pdf.media_boxes) == {size}
    assert len(pdf.media_boxes) == len(pdf.pages)


@pytest.mark.parametrize("name", list(RENDERERS))
def test_each_document_has_the_letterhead_and_numbered_pages(
    documents: dict[str, bytes], name: str
) -> None:
    pdf = read_pdf(documents[name])
    first = pdf.page_words(0)
    assert "PEMERINTAH KABUPATEN KLATEN" in first
    assert "DINAS KEPENDUDUKAN DAN PENCATATAN SIPIL" in first
    assert "Jl. Pemuda No. 294, Klaten" in first
    total = len(pdf.pages)
    for n in range(total):
        assert f"Halaman {n + 1} dari {total}" in pdf.page_words(n)


@pytest.mark.parametrize("name", list(RENDERERS))
def test_no_document_carries_a_full_nik(documents: dict[str, bytes], name: str) -> None:
    pdf = read_pdf(documents[name])
    text = "\n".join("".join(s.text for s in page) for page in pdf.pages)
    assert "KLATEN" in text  # the reader did read text
    assert not FULL_NIK.search(text)


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm (poppler) not installed")
@pytest.mark.parametrize("name", list(RENDERERS))
def test_preview_of_each_document_is_written(
    documents: dict[str, bytes], name: str, tmp_path: Path
) -> None:
    """First page as test-artifacts/<name>.png, for a person to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    pdf = tmp_path / f"{name}.pdf"
    pdf.write_bytes(documents[name])
    cmd = ["pdftoppm", "-png", "-r", "60", "-singlefile", str(pdf), str(ARTIFACTS / name)]
    subprocess.run(cmd, check=True)
    assert (ARTIFACTS / f"{name}.png").stat().st_size > 1000


# --- berita acara pemusnahan -------------------------------------------------------------


def test_destruction_report_states_when_where_how_and_how_many(documents: dict) -> None:
    text = read_pdf(documents["berita-acara-pemusnahan"]).words()
    assert "BERITA ACARA PEMUSNAHAN BLANGKO KTP-EL RUSAK" in text
    assert "Nomor: BAP-3310-2026-11-001" in text
    assert (
        "Pada hari ini, Selasa, tanggal dua puluh empat bulan November tahun dua ribu dua "
        "puluh enam (24 November 2026), bertempat di halaman belakang Kantor" in text
    )
    assert "dengan cara dibakar" in text
    assert "sebanyak 120 (terbilang: seratus dua puluh) keping blangko KTP-el rusak" in text
    assert "Demikian berita acara ini dibuat dengan sebenarnya" in text
    assert "Klaten, 24 November 2026" in text


def test_destruction_report_sums_the_cards_by_cause(documents: dict) -> None:
    text = read_pdf(documents["berita-acara-pemusnahan"]).words()
    cards = spoiled_cards(120)
    counts = {c: sum(card.cause == c for card in cards) for c in CAUSES}
    assert sum(counts.values()) == 120 and all(counts.values())
    assert (
        f"1 Gagal cetak {counts['GAGAL_CETAK']} 2 Gagal tulis chip {counts['GAGAL_ENCODE']} "
        f"3 Rusak fisik {counts['RUSAK_FISIK']} 4 Perubahan data {counts['PERUBAHAN_DATA']} "
        "Jumlah 120"
    ) in text


def test_destruction_report_lists_every_card_over_several_pages(documents: dict) -> None:
    pdf = read_pdf(documents["berita-acara-pemusnahan"])
    assert len(pdf.pages) > 1
    text = pdf.words()
    header = "No Lot Nomor seri Referensi NIK (disamarkan) Sebab Tanggal rusak"
    pages_with_list = [n for n in range(len(pdf.pages)) if header in pdf.page_words(n)]
    assert len(pages_with_list) >= 2  # the header row is repeated on every page of the list
    for card in spoiled_cards(120):
        assert card.lot in text
        if card.nik_masked:
            assert card.nik_masked in text
    assert "1 LOT-2026-10-01 - PRR-3310-20261000 3310********0001 Gagal cetak 1 Okt 2026" in text
    assert "120 LOT-2026-10-03 KTPEL00260119 PRR-3310-20261119 3310********0120" in text


def test_destruction_report_has_a_signature_for_every_officer_and_witness(
    documents: dict,
) -> None:
    pdf = read_pdf(documents["berita-acara-pemusnahan"])
    last = _closing_page(pdf)  # the lampiran follows it
    assert "Yang melakukan pemusnahan" in last and "Saksi-saksi" in last
    for person in (KASI, OPERATOR, *WITNESSES):
        assert person.name in last
        assert f"NIP. {person.nip or '........................'}" in last


def _closing_page(pdf) -> str:  # noqa: ANN001 - the test's PDF reader
    pages = [pdf.page_words(n) for n in range(len(pdf.pages))]
    return next(p for p in reversed(pages) if "Saksi-saksi" in p)


def test_a_one_card_report_counts_in_words_and_keeps_the_closing_with_the_signatures() -> None:
    pdf = read_pdf(render_destruction_report(destruction_report(cards=1)))
    assert "sebanyak 1 (terbilang: satu) keping" in pdf.words()
    last = _closing_page(pdf)
    assert "Demikian berita acara ini dibuat" in last and KASI.name in last


def test_destruction_report_needs_an_officer_two_witnesses_and_a_card() -> None:
    report = destruction_report(cards=3)
    with pytest.raises(ValueError, match="two witnesses"):
        replace(report, witnesses=WITNESSES[:1])
    with pytest.raises(ValueError, match="officer"):
        replace(report, officers=())
    with pytest.raises(ValueError, match="card"):
        replace(report, cards=())


def test_a_full_nik_is_refused_before_it_reaches_paper() -> None:
    card = spoiled_cards(1)[0]
    with pytest.raises(ValueError, match="NIK"):
        replace(card, nik_masked="3310015210800001")
    with pytest.raises(ValueError, match="NIK"):
        replace(card, card_ref="3310015210800001")


# --- laporan bulanan ---------------------------------------------------------------------


def test_lot_balance_follows_the_ledger_identity() -> None:
    balanced, moved = BALANCED_LOTS
    assert balanced.spoiled_total == 34
    assert balanced.expected_closing == 1200 - 1150 - 34 == balanced.closing
    assert moved.expected_closing == 4000 + 200 - 3610 - 55 - 150 - 2 == 383
    assert moved.balanced
    assert SHORT_LOT.expected_closing == 4000 and not SHORT_LOT.balanced


def test_monthly_report_shows_each_lot_and_the_totals(documents: dict) -> None:
    text = read_pdf(documents["laporan-bulanan"]).words()
    assert "LAPORAN BULANAN PENGGUNAAN BLANGKO KTP-EL BULAN NOVEMBER 2026" in text
    assert "periode 1 s.d. 30 November 2026" in text
    assert "Rusak menurut sebab" in text
    assert "Gagal cetak Gagal tulis chip Rusak fisik Perubahan data Jumlah" in text
    # lot, opening, received, in, printed, 4 causes, spoiled, out, adjust, returned, closing,
    # destroyed, check
    assert "LOT-2026-10-01 1.200 0 0 1.150 21 9 4 0 34 0 0 0 16 30 sesuai" in text
    assert "LOT-2026-11-01 0 4.000 200 3.610 38 12 0 5 55 150 −2 0 383 0 sesuai" in text
    assert "LOT-2026-11-02 0 4.000 0 0 0 0 0 0 0 0 0 0 3.990 0 TIDAK SESUAI" in text
    assert "Jumlah 1.200 8.000 200 4.760 59 21 4 5 89 150 −2 0 4.389 30 TIDAK SESUAI" in text
    assert "menunggu pemusnahan pada akhir bulan: 89 keping" in text


def test_monthly_report_writes_out_the_check_of_every_lot(documents: dict) -> None:
    text = read_pdf(documents["laporan-bulanan"]).words()
    assert (
        "Lot LOT-2026-11-01: 0 + 4.000 + 200 − 3.610 − 55 − 150 − 2 − 0 = 383; "
        "stok akhir tercatat 383: sesuai"
    ) in text
    assert (
        "Lot LOT-2026-11-02: 0 + 4.000 + 0 − 0 − 0 − 0 + 0 − 0 = 4.000; "
        "stok akhir tercatat 3.990, selisih −10: TIDAK SESUAI"
    ) in text


def test_a_lot_that_does_not_balance_is_marked_in_red(documents: dict) -> None:
    spans = [s for page in read_pdf(documents["laporan-bulanan"]).pages for s in page]
    bad = [s for s in spans if "TIDAK SESUAI" in s.text]
    good = [s for s in spans if s.text.strip() == "sesuai"]
    assert len(bad) == 3  # the lot's row, the totals row, the lot's check line
    assert all(s.fill == RED for s in bad)
    assert good and all(s.fill != RED for s in good)


def test_a_balanced_month_has_no_discrepancy() -> None:
    text = read_pdf(render_monthly_report(monthly_report(BALANCED_LOTS))).words()
    assert "TIDAK SESUAI" not in text
    assert "Jumlah 1.200 4.000 200 4.760 59 21 4 5 89 150 −2 0 399 30 sesuai" in text


def test_monthly_report_is_signed_by_the_preparer_and_the_approver(documents: dict) -> None:
    pdf = read_pdf(documents["laporan-bulanan"])
    last = pdf.page_words(len(pdf.pages) - 1)
    assert "Mengetahui," in last and "Disiapkan oleh," in last
    assert "Klaten, 30 November 2026" in last
    for person in (KASI, OPERATOR):
        assert person.name in last and f"NIP. {person.nip}" in last


def test_an_unknown_cause_gets_its_own_column() -> None:
    odd = lot("LOT-X", received=10, spoiled={"TERBAKAR_PRINTER": 2}, closing=8)
    text = read_pdf(render_monthly_report(monthly_report((odd,)))).words()
    assert "Perubahan data Terbakar printer Jumlah" in text
    assert "LOT-X 0 10 0 0 0 0 0 0 2 2 0 0 0 8 0 sesuai" in text


# --- surat permohonan --------------------------------------------------------------------


def test_reorder_letter_is_addressed_to_the_director_general(documents: dict) -> None:
    text = read_pdf(documents["surat-permohonan-blangko"]).words()
    assert "Klaten, 24 November 2026" in text
    assert "Nomor : 470/SPB-001/XI/2026" in text
    assert "Sifat : Segera" in text
    assert "Lampiran : -" in text
    assert "Perihal : Permohonan Tambahan Blangko KTP-el" in text
    assert (
        "Yth. Direktur Jenderal Kependudukan dan Pencatatan Sipil Kementerian Dalam Negeri "
        "di Jakarta"
    ) in text


def test_reorder_letter_quotes_backlog_stock_consumption_and_quantity(documents: dict) -> None:
    text = read_pdf(documents["surat-permohonan-blangko"]).words()
    assert "yang menunggu pencetakan : 12.345 PRR" in text
    assert "Persediaan blangko KTP-el : 850 keping" in text
    assert "Rata-rata pemakaian blangko per hari : 412,5 keping" in text
    assert "Persediaan diperkirakan cukup untuk : 2,1 hari" in text
    assert "Perkiraan waktu pengiriman blangko : 14 hari" in text
    assert "berdasarkan jumlah print ready record (PRR)" in text
    assert "sebanyak 4.000 (empat ribu) keping" in text
    assert "diperkirakan habis sebelum tambahan blangko dapat diterima" in text


def test_reorder_letter_is_signed_by_the_head_of_office_with_copies(documents: dict) -> None:
    text = read_pdf(documents["surat-permohonan-blangko"]).words()
    assert "Kepala Dinas Kependudukan dan Pencatatan Sipil Kabupaten Klaten," in text
    assert "Drs. Jaka Purnama, M.Si. NIP. 19690214 199003 1 005" in text
    assert "Tembusan: 1. Bupati Klaten (sebagai laporan); 2. Gubernur Jawa Tengah; 3. Arsip." in (
        text
    )


def test_days_of_cover_unknown_is_said_so() -> None:
    text = read_pdf(render_reorder_letter(reorder_letter(days_of_cover=None))).words()
    assert "Persediaan diperkirakan cukup untuk : belum dapat dihitung" in text
    assert "diperkirakan habis" not in text


def test_a_letter_from_a_city_goes_to_its_mayor() -> None:
    solo = Office(
        kabupaten="Kota Surakarta",
        provinsi="Jawa Tengah",
        kode_wilayah="33.72",
        alamat="Surakarta",
        kota="Surakarta",
    )
    text = read_pdf(render_reorder_letter(replace(reorder_letter(), office=solo))).words()
    assert "PEMERINTAH KOTA SURAKARTA" in text
    assert "Surakarta, 24 November 2026" in text
    assert "1. Wali Kota Surakarta (sebagai laporan);" in text


def test_a_month_without_lots_says_so() -> None:
    text = read_pdf(render_monthly_report(monthly_report(()))).words()
    assert "Tidak ada lot blangko pada bulan ini." in text
    assert "Pemeriksaan keseimbangan" not in text
    assert "Disiapkan oleh," in text


def test_an_infinite_days_of_cover_cannot_be_computed_either() -> None:
    text = read_pdf(render_reorder_letter(reorder_letter(days_of_cover=float("inf")))).words()
    assert "cukup untuk : belum dapat dihitung" in text


def test_cards_lost_after_printing_are_named_under_the_balance_checks() -> None:
    gone = replace(lot("LOT-L", received=10, printed=4, closing=6), lost=1)
    text = read_pdf(render_monthly_report(monthly_report((gone,)))).words()
    assert "Termasuk dalam kolom Dicetak: 1 KTP-el dinyatakan hilang setelah dicetak" in text
