"""The IPP driver against CUPS's ippeveprinter (its wire format and fault mapping offline
are in tests/unit/test_ipp_driver.py).

These tests skip where it is not installed, and fail instead under CI
(``.ci/run`` installs cups-ipp-utils and dbus-daemon).
"""

from __future__ import annotations

import io
import os
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path

import pytest
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

from printers.drivers.base import Fault, JobResult, JobState, PrinterFault, PrinterStatus
from printers.drivers.ipp import IppDriver

from ippserver import (
    find_dbus_daemon,
    find_ippeveprinter,
    ippeveprinter,
    printed,
    set_supply_level,
    stop_printing,
)


def card_pdf(text: str = "KARTU TANDA PENDUDUK") -> bytes:
    """One ID-1 card page, 85.6 x 53.98 mm."""
    buf = io.BytesIO()
    pdf = canvas.Canvas(buf, pagesize=(85.6 * mm, 53.98 * mm))
    pdf.drawString(5 * mm, 40 * mm, text)
    pdf.showPage()
    pdf.save()
    return buf.getvalue()


def wait_finished(driver: IppDriver, job_id: str, timeout: float = 20.0) -> JobResult:
    deadline = time.monotonic() + timeout
    while True:
        result = driver.poll(job_id)
        if result.finished or time.monotonic() > deadline:
            return result
        time.sleep(0.1)


Printer = AbstractContextManager[tuple[str, subprocess.Popen[bytes]]]


@pytest.fixture
def printer(tmp_path: Path) -> Iterator[Callable[..., Printer]]:
    tools = (("cups-ipp-utils", find_ippeveprinter), ("dbus-daemon", find_dbus_daemon))
    missing = [package for package, find in tools if not find()]
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"{', '.join(missing)} not installed; .ci/run must install it")
        pytest.skip(f"ippeveprinter needs {', '.join(missing)} (apt-get install)")
    yield lambda **kw: ippeveprinter(tmp_path, **kw)


@pytest.mark.slow
def test_card_prints_and_is_found_again(printer: Callable[..., Printer], tmp_path: Path) -> None:
    pdf = card_pdf()
    with printer(seconds=1.0) as (uri, _), IppDriver(uri) as driver:
        job_id = driver.submit(job_name="ktp-3310-000001", pdf=pdf)
        assert job_id.isdigit()
        assert driver.poll(job_id).state in (JobState.PENDING, JobState.PRINTING)
        result = wait_finished(driver, job_id)
        assert result == JobResult(job_id, JobState.COMPLETED)
        assert printed(tmp_path) == {job_id: pdf}  # the very bytes reached the printer
        assert driver.find("ktp-3310-000001") == result
        assert driver.find("ktp-3310-999999") is None


@pytest.mark.slow
def test_status_reports_idle_printer_and_its_supply(printer: Callable[..., Printer]) -> None:
    with printer() as (uri, _), IppDriver(uri) as driver:
        # 75: ippeveprinter's toner (our ribbon); its waste tank is no ribbon and is skipped
        assert driver.status() == PrinterStatus(True, "idle", (), None, 75)
        set_supply_level(uri, 0)
        status = driver.status()
        assert "toner-empty-report" in status.reasons
        assert (status.fault, status.ribbon_percent) == (Fault.RIBBON_OUT, 0)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("reason", "fault"),
    [
        ("media-jam", Fault.JAM),
        ("marker-supply-empty", Fault.RIBBON_OUT),
        ("cover-open", Fault.OFFLINE),
    ],
)
def test_printer_stops_mid_batch(
    printer: Callable[..., Printer], tmp_path: Path, reason: str, fault: Fault
) -> None:
    with printer() as (uri, _), IppDriver(uri) as driver:
        first = [driver.submit(job_name=f"card-{i}", pdf=card_pdf(str(i))) for i in range(2)]
        assert [wait_finished(driver, j).state for j in first] == [JobState.COMPLETED] * 2
        stop_printing(tmp_path, reason)
        job_id = driver.submit(job_name="card-2", pdf=card_pdf("2"))
        result = wait_finished(driver, job_id)
        assert (result.state, result.fault) == (JobState.FAILED, fault)
        assert result.detail and reason in result.detail
        assert driver.find("card-2") == result
        assert driver.find("card-0") == JobResult(first[0], JobState.COMPLETED)
        assert driver.status().fault is fault
        assert set(printed(tmp_path)) == set(first)


@pytest.mark.slow
def test_printer_vanishes_mid_batch(printer: Callable[..., Printer]) -> None:
    with printer() as (uri, proc), IppDriver(uri, timeout=1.0) as driver:
        job_id = driver.submit(job_name="card-0", pdf=card_pdf())
        assert wait_finished(driver, job_id).state is JobState.COMPLETED
        proc.send_signal(signal.SIGSTOP)  # hangs: connections are accepted, never answered
        with pytest.raises(PrinterFault) as hung:
            driver.submit(job_name="card-1", pdf=card_pdf())
        assert hung.value.fault is Fault.OFFLINE and "no answer within 1 s" in hung.value.detail
        proc.send_signal(signal.SIGCONT)
        proc.kill()
        proc.wait(5)
        for call in (driver.status, lambda: driver.poll(job_id), lambda: driver.find("card-0")):
            with pytest.raises(PrinterFault) as gone:
                call()
            assert gone.value.fault is Fault.OFFLINE and "unreachable" in gone.value.detail
