"""Receipts sent to a network receipt printer: a real TCP socket on 127.0.0.1 that captures
every byte, and a closed port (the receipts themselves: tests/unit/test_receipts.py)."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from papers.receipts import ReceiptPrinterConfig, ReceiptPrinterUnavailable, receipt_bytes, send

from receipt_samples import (
    GS_V_FULL_CUT,
    RECEIPT,
    SLIP,
    CaptureServer,
    assert_handover,
    barcodes,
    closed_port,
)


@pytest.fixture
def server() -> Iterator[CaptureServer]:
    srv = CaptureServer()
    yield srv
    srv.sock.close()


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
