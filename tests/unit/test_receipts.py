"""ESC/POS receipts checked at the byte level: on python-escpos's Dummy printer and into files
(through a real TCP socket: tests/integration/test_receipt_socket.py).
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from escpos.printer import Dummy

from papers.receipts import (
    HandoverSlip,
    PickupReceipt,
    ReceiptPrinterConfig,
    ReceiptPrinterUnavailable,
    local_time,
    receipt_bytes,
    render_handover,
    render_pickup,
    send,
)

from receipt_samples import (
    AT,
    GS_K_CODE128,
    GS_V_FULL_CUT,
    RECEIPT,
    SLIP,
    assert_handover,
    barcodes,
)


def test_handover_slip_on_the_dummy_printer(capsys: pytest.CaptureFixture[str]) -> None:
    printer = Dummy(profile="TM-T88V")
    render_handover(SLIP, printer)
    assert_handover(printer.output)
    assert printer.output == receipt_bytes(SLIP, "TM-T88V")
    assert capsys.readouterr().out == ""  # python-escpos's barcode chatter stays off stdout


def test_pickup_receipt_on_the_dummy_printer() -> None:
    printer = Dummy(profile="TM-T88V")
    render_pickup(replace(RECEIPT, nama="Ni Kadek Désy", tz="Asia/Makassar"), printer)
    stream = printer.output
    assert b"\x1bt\x00" in stream  # code page 0 (PC437) selected before the text
    for text in (
        "TANDA TERIMA KTP-EL",
        "Ref. kartu   : PRR-3310-20261000",
        "NIK          : 3310********0001",
        "Nama         : Ni Kadek Désy",
        "Diambil oleh : Suparmi",
        "Tempat       : Kantor Kecamatan Cawas",
        "Waktu        : 24-11-2026 15.05 WITA",
        "Petugas      : Agus Prasetyo",
        "KTP-el atas\nnama Ni Kadek Désy.",  # the statement the resident signs, wrapped at 42
    ):
        assert text.encode("cp437") in stream, text
    assert GS_K_CODE128 + bytes([19]) + b"{BPRR-3310-20261000" in stream  # fits in code set B
    assert [text for _, text in barcodes(stream)] == ["PRR-3310-20261000"]
    assert stream.endswith(GS_V_FULL_CUT)
    assert not re.search(rb"\d{16}", stream)


def test_pickup_at_the_disdukcapil_counter() -> None:
    stream = receipt_bytes(replace(RECEIPT, place="disdukcapil"))
    assert b"Tempat       :\n  Disdukcapil Kabupaten Klaten\n" in stream  # own line: too long


@pytest.mark.parametrize(
    "change",
    [
        {"nik_masked": "3310011201900001"},
        {"nik_masked": "3310 0112 0190 0001"},
        {"nama": "Suparmi 3310011201900001"},
        {"card_ref": "3310011201900001"},
    ],
)
def test_a_full_nik_is_refused(change: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="full NIK"):
        replace(RECEIPT, **change)


@pytest.mark.parametrize(
    ("doc", "change", "match"),
    [
        (SLIP, {"at": datetime(2026, 11, 24, 14, 5)}, "timezone-aware"),  # noqa: DTZ001
        (SLIP, {"tz": "Asia/Atlantis"}, "time zone"),
        (SLIP, {"cards": 0}, "positive"),
        (SLIP, {"courier": " "}, "courier"),
        (RECEIPT, {"place": "desa"}, "place"),
        (RECEIPT, {"officer": ""}, "officer"),
    ],
)
def test_bad_documents_are_refused(
    doc: HandoverSlip | PickupReceipt, change: dict[str, Any], match: str
) -> None:
    with pytest.raises(ValueError, match=match):
        replace(doc, **change)


def test_local_time_names_the_zone() -> None:
    assert local_time(AT, "Asia/Jakarta") == "24-11-2026 14.05 WIB"
    assert local_time(AT, "Asia/Makassar") == "24-11-2026 15.05 WITA"
    assert local_time(AT, "Asia/Jayapura") == "24-11-2026 16.05 WIT"
    assert local_time(datetime(2026, 11, 24, 20, 30, tzinfo=UTC), "Asia/Jakarta") == (
        "25-11-2026 03.30 WIB"
    )


def test_profiles_without_a_fitting_barcode_fall_back(capsys: pytest.CaptureFixture[str]) -> None:
    # Width unknown (assumed 58 mm): the shipment id does not fit as Code128; native QR instead.
    stream = receipt_bytes(SLIP, "default")
    assert GS_K_CODE128 not in stream
    assert b"\x1d(k\x19\x001P0KRM-3310-20261124-0005" in stream  # GS ( k: store the QR data
    assert b"1Q0KRM-3310-20261124-0005\n" in stream  # GS ( k: print it; the text below it
    # 58 mm printer without barcode or QR commands: QR as a raster image (GS v 0), no cut.
    stream = receipt_bytes(RECEIPT, "POS-5890")
    assert GS_K_CODE128 not in stream and b"\x1d(k" not in stream
    assert b"\x1dv0" in stream and b"PRR-3310-20261000\n" in stream
    assert b"----\n" in stream and b"-" * 33 not in stream  # 32 columns
    # Impact printer with no graphics at all: the reference as text only.
    stream = receipt_bytes(RECEIPT, "TM-U220")
    assert b"\x1dv0" not in stream and b"\x1d(k" not in stream and GS_K_CODE128 not in stream
    assert b"PRR-3310-20261000\n" in stream
    assert capsys.readouterr().out == ""


def test_printer_config_is_checked() -> None:
    assert ReceiptPrinterConfig("network", "10.0.0.5:9100").address() == ("10.0.0.5", 9100)
    assert ReceiptPrinterConfig("network", "printer.local").address() == ("printer.local", 9100)
    assert ReceiptPrinterConfig("network", "[::1]:9101").address() == ("::1", 9101)
    for kind, target, profile in [
        ("usb", "/dev/usb/lp0", "TM-T88V"),
        ("network", "10.0.0.5:http", "TM-T88V"),
        ("network", "10.0.0.5:70000", "TM-T88V"),
        ("file", "", "TM-T88V"),
        ("file", "/dev/usb/lp0", "TM-T999"),
    ]:
        with pytest.raises(ValueError):
            ReceiptPrinterConfig(kind, target, profile)
    with pytest.raises(ValueError, match="profile"):
        receipt_bytes(SLIP, "TM-T999")


def test_a_file_target_gets_the_bytes(tmp_path: Path) -> None:
    path = tmp_path / "receipt.bin"
    send(RECEIPT, ReceiptPrinterConfig("file", str(path)))
    assert path.read_bytes() == receipt_bytes(RECEIPT)
    path.write_bytes(b"x" * 10_000)  # a longer file from earlier: replaced, not overwritten
    send(SLIP, ReceiptPrinterConfig("file", str(path)))
    assert path.read_bytes() == receipt_bytes(SLIP)


def test_a_directory_target_gets_one_file_per_document(tmp_path: Path) -> None:
    config = ReceiptPrinterConfig("file", str(tmp_path), profile="TM-T20II")
    send(SLIP, config)
    send(RECEIPT, config)
    assert (tmp_path / "KRM-3310-20261124-0005.bin").read_bytes() == receipt_bytes(SLIP, "TM-T20II")
    assert (tmp_path / "PRR-3310-20261000.bin").read_bytes() == receipt_bytes(RECEIPT, "TM-T20II")


def test_a_missing_device_or_folder_is_unavailable(tmp_path: Path) -> None:
    device = "/dev/usb/cetak-test-lp9"
    with pytest.raises(ReceiptPrinterUnavailable, match=f"printer struk {device} tidak dapat"):
        send(RECEIPT, ReceiptPrinterConfig("file", device))
    assert not Path(device).exists()  # a printer that is not there is never created as a file
    missing = tmp_path / "no-such-folder" / "receipt.bin"
    with pytest.raises(ReceiptPrinterUnavailable, match="tidak dapat dibuka"):
        send(RECEIPT, ReceiptPrinterConfig("file", str(missing)))


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_a_write_that_fails_midway_is_unavailable() -> None:
    with pytest.raises(ReceiptPrinterUnavailable, match="terputus saat mencetak") as caught:
        send(RECEIPT, ReceiptPrinterConfig("file", "/dev/full"))
    assert "No space" in caught.value.reason
