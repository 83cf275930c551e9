"""The IPP driver: its wire format and fault mapping offline, against a fake transport (the
tests against CUPS's ippeveprinter are in tests/integration/test_ipp_printer.py).

The ippeveprinter tests skip where it is not installed, and fail instead under CI
(``.ci/run`` installs cups-ipp-utils and dbus-daemon).
"""

from __future__ import annotations

import struct
from collections.abc import Callable

import httpx
import pytest

from printers.drivers import ippwire as w
from printers.drivers.base import Fault, JobState, PrinterFault
from printers.drivers.ipp import IppDriver, printer_status, reason_fault, ribbon_percent

from ippserver import (
    free_port,
)

# --- unreachable printers and bad URIs -------------------------------------------------------


def test_unreachable_printer_is_offline() -> None:
    with IppDriver(f"ipp://127.0.0.1:{free_port()}/ipp/print", timeout=2) as driver:
        for call in (driver.status, lambda: driver.submit(job_name="c", pdf=b"%PDF-")):
            with pytest.raises(PrinterFault) as info:
                call()
            assert info.value.fault is Fault.OFFLINE and "ConnectError" in info.value.detail


def fake_printer(handler: Callable[[w.Response, bytes], bytes | httpx.Response]) -> IppDriver:
    """A driver whose HTTP goes to ``handler(request, body)`` instead of the network."""

    def respond(request: httpx.Request) -> httpx.Response:
        body = request.read()
        reply = handler(w.decode_response(body), body)  # a request parses like a response
        return reply if isinstance(reply, httpx.Response) else httpx.Response(200, content=reply)

    driver = IppDriver("ipp://printer.example:631/ipp/print")
    driver._http = httpx.Client(transport=httpx.MockTransport(respond))
    return driver


def reply(status: int, *groups: tuple[int, list[w.Attribute]]) -> bytes:
    return w.encode_request(status, 1, [(w.OPERATION_ATTRIBUTES, []), *groups])


def test_unknown_host_is_offline() -> None:
    def handler(request: w.Response, body: bytes) -> bytes:
        raise httpx.ConnectError("[Errno -2] Name or service not known")

    with pytest.raises(PrinterFault) as info:
        fake_printer(handler).status()
    assert info.value.fault is Fault.OFFLINE and "Name or service not known" in info.value.detail


@pytest.mark.parametrize(
    ("uri", "problem"),
    [
        ("", "empty"),
        ("lpd://printer/queue", "scheme 'lpd'"),
        ("printer.local:631/ipp/print", "scheme"),
        ("ipp:///ipp/print", "no host"),
        ("ipp://printer:99999/ipp/print", "malformed"),
        ("ipp://printer:abc/ipp/print", "malformed"),
        ("ipp://printer:631", "no printer path"),
        ("ipp://admin:secret@printer/ipp/print", "user name or password"),
        ("ipp://printer/ipp/print?x=1", "query"),
    ],
)
def test_bad_uri_is_a_value_error(uri: str, problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        IppDriver(uri)


@pytest.mark.parametrize(
    ("uri", "printer_uri", "url"),
    [
        ("ipp://p/ipp/print", "ipp://p:631/ipp/print", "http://p:631/ipp/print"),
        ("ipps://p/ipp/print", "ipps://p:631/ipp/print", "https://p:631/ipp/print"),
        ("http://p:8631/printers/x", "ipp://p:8631/printers/x", "http://p:8631/printers/x"),
        ("IPP://[::1]:6310/ipp/print", "ipp://[::1]:6310/ipp/print", "http://[::1]:6310/ipp/print"),
    ],
)
def test_uri_forms(uri: str, printer_uri: str, url: str) -> None:
    assert w.parse_printer_uri(uri) == (printer_uri, url)


# --- wire format and mapping, against a fake printer -----------------------------------------


def test_print_job_request_and_refusals() -> None:
    seen: list[w.Response] = []
    idle = (w.PRINTER_ATTRIBUTES, [w.attr(w.ENUM, "printer-state", 3)])

    def handler(request: w.Response, body: bytes) -> bytes:
        seen.append(request)
        if request.status == w.GET_PRINTER_ATTRIBUTES:
            return reply(0, idle)
        assert body.endswith(b"%PDF-1.4 card")
        if len(seen) == 2:
            return reply(0, (w.JOB_ATTRIBUTES, [w.attr(w.INTEGER, "job-id", 41)]))
        return reply(0x040A if len(seen) == 4 else 0x0506)

    driver = fake_printer(handler)
    assert driver.submit(job_name="ktp-1", pdf=b"%PDF-1.4 card") == "41"
    ops = seen[1].group(w.OPERATION_ATTRIBUTES)
    assert list(ops)[:3] == ["attributes-charset", "attributes-natural-language", "printer-uri"]
    assert ops["printer-uri"] == ["ipp://printer.example:631/ipp/print"]
    assert (ops["job-name"], ops["document-format"]) == (["ktp-1"], ["application/pdf"])
    assert ops["requesting-user-name"] == ["cetak"]
    for fault in (Fault.BAD_DATA, Fault.OFFLINE):
        with pytest.raises(PrinterFault) as info:
            driver.submit(job_name="ktp-2", pdf=b"%PDF-1.4 card")
        assert info.value.fault is fault


def test_busy_printer_is_asked_again() -> None:
    answers: list[int] = []

    def handler(request: w.Response, body: bytes) -> bytes:
        if request.status == w.GET_PRINTER_ATTRIBUTES:
            return reply(0, (w.PRINTER_ATTRIBUTES, [w.attr(w.ENUM, "printer-state", 4)]))
        answers.append(0x0507 if len(answers) < 2 else 0)
        return reply(answers[-1], (w.JOB_ATTRIBUTES, [w.attr(w.INTEGER, "job-id", 5)]))

    driver = fake_printer(handler)
    assert driver.submit(job_name="ktp-1", pdf=b"%PDF-") == "5"
    assert answers == [0x0507, 0x0507, 0]
    answers.clear()
    driver.busy_wait = 0
    with pytest.raises(PrinterFault) as info:
        driver.submit(job_name="ktp-2", pdf=b"%PDF-")
    assert info.value.fault is Fault.OFFLINE and "server-error-busy" in info.value.detail


def test_stopped_printer_refuses_before_sending_the_card() -> None:
    attrs = [
        w.attr(w.ENUM, "printer-state", 5),
        w.attr(w.KEYWORD, "printer-state-reasons", "media-jam-error"),
    ]

    def handler(request: w.Response, body: bytes) -> bytes:
        assert request.status == w.GET_PRINTER_ATTRIBUTES, "the card must not be sent"
        return reply(0, (w.PRINTER_ATTRIBUTES, attrs))

    with pytest.raises(PrinterFault) as info:
        fake_printer(handler).submit(job_name="ktp-1", pdf=b"%PDF-")
    assert info.value.fault is Fault.JAM and "media-jam-error" in info.value.detail


def test_poll_of_a_job_the_printer_forgot_and_http_errors() -> None:
    answers = iter([reply(0x0406), httpx.Response(404), httpx.Response(503), b"\x01\x01"])
    driver = fake_printer(lambda request, body: next(answers))
    result = driver.poll("7")
    assert (result.state, result.fault) == (JobState.FAILED, Fault.UNKNOWN)
    expected = [(Fault.UNKNOWN, "HTTP 404"), (Fault.OFFLINE, "HTTP 503")]
    for fault, text in [*expected, (Fault.UNKNOWN, "malformed")]:
        with pytest.raises(PrinterFault) as info:
            driver.poll("7")
        assert info.value.fault is fault and text in info.value.detail
    with pytest.raises(ValueError, match="number"):
        driver.poll("abc")


def test_decode_collections_languages_ranges_and_out_of_band() -> None:
    def raw(tag: int, name: str, value: bytes) -> bytes:
        head = struct.pack(">BH", tag, len(name)) + name.encode()
        return head + struct.pack(">H", len(value)) + value

    body = (
        struct.pack(">BBHi", 1, 1, 0, 9) + b"\x01" + raw(w.CHARSET, "attributes-charset", b"utf-8")
    )
    body += b"\x04" + raw(w.BEGIN_COLLECTION, "media-col", b"")
    body += raw(w.MEMBER_NAME, "", b"media-size") + raw(w.BEGIN_COLLECTION, "", b"")
    body += raw(w.MEMBER_NAME, "", b"x-dimension") + raw(w.INTEGER, "", struct.pack(">i", 8560))
    body += raw(w.END_COLLECTION, "", b"") + raw(w.END_COLLECTION, "", b"")
    body += raw(w.TEXT_WITH_LANGUAGE, "printer-info", b"\x00\x02id\x00\x04Kios")
    body += raw(w.RANGE_OF_INTEGER, "copies-supported", struct.pack(">ii", 1, 9))
    body += raw(w.KEYWORD, "printer-state-reasons", b"media-jam") + raw(w.KEYWORD, "", b"paused")
    body += raw(0x12, "marker-levels", b"") + b"\x03trailing document bytes"
    printer = w.decode_response(body).group(w.PRINTER_ATTRIBUTES)
    assert printer["media-col"] == [{"media-size": [{"x-dimension": [8560]}]}]
    assert printer["printer-info"] == ["Kios"] and printer["copies-supported"] == [(1, 9)]
    assert printer["printer-state-reasons"] == ["media-jam", "paused"]
    assert printer["marker-levels"] == [None]
    for broken in (body[:7], body[:40], body[:8] + b"\x44\x00"):
        with pytest.raises(w.IppDecodeError):
            w.decode_response(broken)


@pytest.mark.parametrize(
    ("reason", "fault"),
    [
        ("media-jam", Fault.JAM), ("input-tray-jam-error", Fault.JAM),
        ("marker-supply-empty-error", Fault.RIBBON_OUT), ("toner-empty-report", Fault.RIBBON_OUT),
        ("marker-print-ribbon-empty", Fault.RIBBON_OUT), ("ribbon-missing", Fault.RIBBON_OUT),
        ("marker-print-ribbon-almost-empty-warning", None), ("marker-supply-low-warning", None),
        ("laminator-overheat-error", Fault.OVERHEAT), ("fuser-over-temp-warning", Fault.OVERHEAT),
        ("smart-card-encoding-error", Fault.ENCODE_FAILED),
        ("document-format-error", Fault.BAD_DATA),
        ("offline-report", Fault.OFFLINE), ("shutdown", Fault.OFFLINE), ("paused", Fault.OFFLINE),
        ("cover-open-error", Fault.OFFLINE), ("media-empty", Fault.OFFLINE),
        ("none", None), ("other-warning", None), ("aborted-by-system", None),
    ],
)  # fmt: skip
def test_reason_faults(reason: str, fault: Fault | None) -> None:
    assert reason_fault(reason) == fault


def test_status_readiness_and_ribbon_levels() -> None:
    stopped = printer_status({"printer-state": [5], "printer-state-reasons": ["paused"]})
    assert (stopped.ready, stopped.state, stopped.fault) == (False, "stopped", Fault.OFFLINE)
    reasons = ["media-jam-warning", "toner-empty-error"]
    warned = printer_status({"printer-state": [4], "printer-state-reasons": reasons})
    assert (warned.ready, warned.fault) == (False, Fault.RIBBON_OUT)  # the error outranks
    refusing = printer_status({"printer-state": [3], "printer-is-accepting-jobs": [False]})
    assert (refusing.ready, refusing.fault) == (False, None)
    supply = [
        b"index=1;class=supplyThatIsConsumed;type=ribbonWax;unit=percent;maxcapacity=500;level=60;",
        b"index=2;class=supplyThatIsConsumed;type=cleanerUnit;maxcapacity=100;level=5;",
    ]
    assert ribbon_percent({"printer-supply": supply}) == 12  # the ribbon, not the cleaner
    assert ribbon_percent({"marker-levels": [-3, 40, 70], "marker-types": ["x", "y", "z"]}) == 40
    assert ribbon_percent({}) is None
