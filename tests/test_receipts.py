"""ESC/POS receipts checked at the byte level: on python-escpos's Dummy printer, through a real
TCP socket server on 127.0.0.1 that captures every byte, into files, and against a closed port.
"""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Iterator
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

GS_K_CODE128 = b"\x1dkI"  # GS k m=73: CODE128, function type B (length byte, then data)
GS_V_FULL_CUT = b"\x1dV\x00"
ESC_INIT = b"\x1b@"
AT = datetime(2026, 11, 24, 7, 5, tzinfo=UTC)  # 14:05 WIB

SLIP = HandoverSlip(
    shipment_id="KRM-3310-20261124-0005",
    kabupaten="Kabupaten Klaten",
    kecamatan="Cawas",
    cards=25,
    courier="Bambang Sutrisno",
    officer="Sri Wahyuni",
    at=AT,
)
RECEIPT = PickupReceipt(
    card_ref="PRR-3310-20261000",
    kabupaten="Kabupaten Klaten",
    kecamatan="Cawas",
    nik_masked="3310********0001",
    nama="Suparmi",
    collected_by="Suparmi",
    officer="Agus Prasetyo",
    at=AT,
)


def barcodes(stream: bytes) -> list[tuple[bytes, str]]:
    """Every GS k CODE128 in ``stream``: its raw data and the text a scanner would read."""
    found = []
    for m in re.finditer(re.escape(GS_K_CODE128), stream):
        n = stream[m.end()]
        data = stream[m.end() + 1 : m.end() + 1 + n]
        text, code_set, i = "", "", 0
        while i < len(data):
            if data[i : i + 1] == b"{" and data[i + 1 : i + 2] in (b"A", b"B", b"C"):
                code_set, i = chr(data[i + 1]), i + 2
                continue
            text += f"{data[i]:02d}" if code_set == "C" else chr(data[i])
            i += 1
        found.append((data, text))
    return found


class CaptureServer:
    """A TCP "printer" on 127.0.0.1: accepts one connection and keeps every byte until EOF."""

    def __init__(self, timeout: float = 5) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.sock.settimeout(timeout)  # how long to wait for the client (a CLI starts slowly)
        self.port = self.sock.getsockname()[1]
        self._data = bytearray()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        conn, _ = self.sock.accept()
        with conn:
            conn.settimeout(5)
            while chunk := conn.recv(4096):
                self._data += chunk

    def captured(self) -> bytes:
        self._thread.join(5)
        assert not self._thread.is_alive(), "the client never closed the connection"
        return bytes(self._data)


@pytest.fixture
def server() -> Iterator[CaptureServer]:
    srv = CaptureServer()
    yield srv
    srv.sock.close()


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def assert_handover(stream: bytes) -> None:
    assert stream.startswith(ESC_INIT)
    for text in (
        "DISDUKCAPIL KABUPATEN KLATEN",
        "SERAH TERIMA KTP-EL",
        "No. kiriman  : KRM-3310-20261124-0005",
        "Kecamatan    : Cawas",
        "Jumlah       : 25 keping KTP-el",
        "Waktu        : 24-11-2026 14:05 WIB",
        "Kurir        : Bambang Sutrisno",
        "Penerima     : Sri Wahyuni",
        "Yang menyerahkan,",
        "Yang menerima,",
        "( Bambang Sutrisno )",
        "( Sri Wahyuni )",
    ):
        assert text.encode("cp437") in stream, text
    [(data, scanned)] = barcodes(stream)
    assert scanned == "KRM-3310-20261124-0005"
    # Too wide in code set B for the TM-T88V's 512 dots: digit runs are packed in code set C.
    assert data == b"{BKRM-{C\x21\x0a{B-{C\x14\x1a\x0b\x18{B-{C\x00\x05"
    assert stream.index(GS_K_CODE128) < stream.index(b"Yang menyerahkan")
    assert stream.endswith(GS_V_FULL_CUT)


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
        "Waktu        : 24-11-2026 15:05 WITA",
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
    assert local_time(AT, "Asia/Jakarta") == "24-11-2026 14:05 WIB"
    assert local_time(AT, "Asia/Makassar") == "24-11-2026 15:05 WITA"
    assert local_time(AT, "Asia/Jayapura") == "24-11-2026 16:05 WIT"
    assert local_time(datetime(2026, 11, 24, 20, 30, tzinfo=UTC), "Asia/Jakarta") == (
        "25-11-2026 03:30 WIB"
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


@pytest.mark.slow
def test_send_over_a_real_tcp_socket(server: CaptureServer) -> None:
    send(SLIP, ReceiptPrinterConfig("network", f"127.0.0.1:{server.port}"), timeout=2.0)
    captured = server.captured()
    assert_handover(captured)
    assert captured == receipt_bytes(SLIP)


@pytest.mark.slow
def test_send_a_pickup_receipt_over_tcp(server: CaptureServer) -> None:
    config = ReceiptPrinterConfig("network", f"127.0.0.1:{server.port}", profile="TM-T20II")
    send(RECEIPT, config, timeout=2.0)
    captured = server.captured()
    assert b"NIK          : 3310********0001" in captured
    assert [text for _, text in barcodes(captured)] == ["PRR-3310-20261000"]
    assert captured.endswith(GS_V_FULL_CUT)
    assert captured == receipt_bytes(RECEIPT, "TM-T20II")


def test_an_unreachable_printer_fails_fast_in_indonesian() -> None:
    target = f"127.0.0.1:{closed_port()}"
    started = time.monotonic()
    with pytest.raises(ReceiptPrinterUnavailable) as caught:
        send(SLIP, ReceiptPrinterConfig("network", target), timeout=1.0)
    assert time.monotonic() - started < 2.0
    assert caught.value.message == f"printer struk {target} tidak dapat dihubungi"
    assert str(caught.value) == caught.value.message and caught.value.target == target


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
