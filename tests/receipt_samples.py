"""Receipt samples and a TCP "receipt printer" that captures every byte it is sent."""

from __future__ import annotations

import re
import socket
import threading
from datetime import UTC, datetime

from papers.receipts import HandoverSlip, PickupReceipt

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
        "Waktu        : 24-11-2026 14.05 WIB",
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
