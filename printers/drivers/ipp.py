"""An IPP printer (IPP/1.1 over HTTP, RFC 8010/8011): the card PDF goes in with Print-Job.

The printer URI is ``ipp://host[:port]/path`` (port 631 by default), ``ipps://`` for
IPP over TLS, or ``http://``/``https://`` with the same path. Jobs are polled with
Get-Job-Attributes, found again by name with Get-Jobs (which-jobs=all, my-jobs=false)
and the printer is read with Get-Printer-Attributes.

Faults come from the ``printer-state-reasons`` and ``job-state-reasons`` keywords:
``*jam*`` is JAM; ``*ribbon*`` (other than low/almost-empty), ``marker-supply-empty``,
``toner-empty`` and ``ink-empty`` are RIBBON_OUT; ``*overheat*``/``*over-temp*`` is
OVERHEAT; ``*encod*`` is ENCODE_FAILED; document errors are BAD_DATA; ``offline``,
``shutdown``, ``paused``, an open cover/door/interlock and an empty card hopper
(``media-empty``/``media-needed``: the printer needs an operator, no card was used)
are OFFLINE. A reason with no suffix or ``-error`` stops the printer; ``-warning`` and
``-report`` do not (RFC 8011 section 5.4.12). An unreachable printer (refused,
timed out, unknown host) raises ``PrinterFault(Fault.OFFLINE)`` from every method.
"""

from __future__ import annotations

import itertools
import time
from typing import Any

import httpx

from printers.drivers import ippwire as w
from printers.drivers.base import Fault, JobResult, JobState, PrinterFault, PrinterStatus

_JOB_ATTRS = ("job-id", "job-name", "job-state", "job-state-reasons", "job-state-message")
_PRINTER_ATTRS = (
    "printer-state", "printer-state-reasons", "printer-state-message",
    "printer-is-accepting-jobs", "printer-supply", "printer-supply-description",
    "marker-levels", "marker-names", "marker-types",
)  # fmt: skip
_PRINTER_STATES = {3: "idle", 4: "processing", 5: "stopped"}
_JOB_STATES = {3: "pending", 4: "pending-held", 5: "processing", 6: "processing-stopped",
               7: "canceled", 8: "aborted", 9: "completed"}  # fmt: skip
_OFFLINE = {"offline", "shutdown", "paused", "moving-to-paused", "stopping", "cover-open",
            "door-open", "interlock-open", "media-empty", "media-needed", "timed-out"}  # fmt: skip
_BAD_DATA = {"document-format-error", "document-unprintable-error", "unsupported-document-format",
             "unsupported-compression", "compression-error", "document-access-error",
             "document-password-error", "document-permission-error",
             "document-security-error", "job-data-insufficient"}  # fmt: skip
_SEVERITY = {"report": 1, "warning": 2, "error": 3}
_BUSY = {0x0502, 0x0505, 0x0506, 0x0507}  # unavailable, temporary, not accepting, busy
_TRY_AGAIN = {0x0505, 0x0507}  # temporary, busy (printing another job): the job was not made
_DOCUMENT = {0x040A, 0x040E, 0x040F, 0x0410, 0x0411, 0x0418, 0x041A, 0x041B}


def severity(reason: str) -> int:
    """1 report, 2 warning, 3 error (a reason with no suffix is an error)."""
    return _SEVERITY.get(reason.rsplit("-", 1)[-1], 3)


def reason_fault(reason: str) -> Fault | None:
    """The fault one state-reasons keyword amounts to, whatever its severity suffix."""
    base = reason.lower()
    for suffix in ("-report", "-warning", "-error"):
        base = base.removesuffix(suffix)
    if "jam" in base:
        return Fault.JAM
    if ("ribbon" in base and not any(x in base for x in ("low", "almost", "near"))) or base in (
        "marker-supply-empty", "toner-empty", "ink-empty", "marker-ink-empty",
    ):  # fmt: skip
        return Fault.RIBBON_OUT
    if "overheat" in base or "over-temp" in base:
        return Fault.OVERHEAT
    if "encod" in base:
        return Fault.ENCODE_FAILED
    if base in _BAD_DATA or reason.lower() in _BAD_DATA:  # "-error" is part of these names
        return Fault.BAD_DATA
    if base in _OFFLINE:
        return Fault.OFFLINE
    return None


def reasons_fault(reasons: tuple[str, ...] | list[str]) -> Fault | None:
    """The fault of the most severe mapped reason (the first of equals)."""
    mapped = [(severity(r), -i, f) for i, r in enumerate(reasons) if (f := reason_fault(r))]
    return max(mapped)[2] if mapped else None


def _first(attrs: dict[str, list[Any]], name: str, default: Any = None) -> Any:
    values = attrs.get(name)
    return values[0] if values else default


def _reasons(attrs: dict[str, list[Any]], name: str) -> tuple[str, ...]:
    return tuple(str(r) for r in attrs.get(name, []) if r and r != "none")


def _supply(value: Any) -> dict[str, str]:
    text = value.decode("ascii", "replace") if isinstance(value, bytes) else str(value)
    pairs = (item.split("=", 1) for item in text.split(";") if "=" in item)
    return {k.strip(): v.strip() for k, v in pairs}


def ribbon_percent(attrs: dict[str, list[Any]]) -> int | None:
    """The lowest known ribbon level (printer-supply, else marker-levels), in percent."""
    ribbon: list[int] = []
    other: list[int] = []
    for supply in map(_supply, attrs.get("printer-supply", [])):
        if supply.get("class") == "receptacleThatIsFilled":
            continue  # a waste tank fills up; it is not the ribbon
        try:
            level, top = int(supply["level"]), int(supply.get("maxcapacity", "100"))
        except (KeyError, ValueError):
            continue
        if level >= 0 and top > 0:
            target = ribbon if "ribbon" in supply.get("type", "").lower() else other
            target.append(level * 100 // top)
    if not ribbon and not other:
        types = attrs.get("marker-types", [])
        for i, level in enumerate(attrs.get("marker-levels", [])):
            if isinstance(level, int) and level >= 0:
                kind = str(types[i]) if i < len(types) else ""
                (ribbon if "ribbon" in kind else other).append(level)
    levels = ribbon or other
    return max(0, min(100, min(levels))) if levels else None


def printer_status(attrs: dict[str, list[Any]]) -> PrinterStatus:
    """A PrinterStatus from the printer attributes group of Get-Printer-Attributes."""
    state = _first(attrs, "printer-state")
    reasons = _reasons(attrs, "printer-state-reasons")
    blocking = any(severity(r) == 3 and reason_fault(r) for r in reasons)
    accepting = _first(attrs, "printer-is-accepting-jobs", True) is not False
    ready = accepting and state != 5 and not blocking
    word = _PRINTER_STATES.get(state, "unknown")
    return PrinterStatus(ready, word, reasons, reasons_fault(reasons), ribbon_percent(attrs))


class IppDriver:
    """A card printer spoken to over IPP. Not thread-safe: one driver per worker."""

    def __init__(
        self,
        uri: str,
        *,
        timeout: float = 10.0,
        requesting_user: str = "cetak",
        verify_tls: bool = True,  # False for a printer with a self-signed certificate
        busy_wait: float = 120.0,  # how long Print-Job is retried while the printer is busy
    ) -> None:
        self.printer_uri, self.url = w.parse_printer_uri(uri)
        self.uri = uri
        self.timeout = timeout
        self.requesting_user = requesting_user
        self.busy_wait = busy_wait
        self._ids = itertools.count(1)
        self.verify_tls = verify_tls
        self._http: httpx.Client | None = None  # made on first use: a URI check opens nothing

    def close(self) -> None:
        if self._http is not None:
            self._http.close()
            self._http = None

    def __enter__(self) -> IppDriver:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _call(self, operation: int, *attrs: w.Attribute, data: bytes = b"") -> w.Response:
        ops = [
            w.attr(w.CHARSET, "attributes-charset", "utf-8"),
            w.attr(w.NATURAL_LANGUAGE, "attributes-natural-language", "en"),
            w.attr(w.URI, "printer-uri", self.printer_uri),
            *attrs,
            w.attr(w.NAME, "requesting-user-name", self.requesting_user),
        ]
        body = w.encode_request(operation, next(self._ids), [(w.OPERATION_ATTRIBUTES, ops)])
        headers = {"Content-Type": "application/ipp"}
        if self._http is None:  # trust_env=False: no proxy ever sees print-room traffic
            self._http = httpx.Client(timeout=self.timeout, verify=self.verify_tls, trust_env=False)
        try:
            reply = self._http.post(self.url, content=body + data, headers=headers)
        except httpx.TimeoutException as exc:
            detail = f"{self.url}: no answer within {self.timeout:g} s ({type(exc).__name__})"
            raise PrinterFault(Fault.OFFLINE, detail) from exc
        except httpx.HTTPError as exc:
            detail = f"{self.url}: unreachable ({type(exc).__name__}: {exc})"
            raise PrinterFault(Fault.OFFLINE, detail) from exc
        if reply.status_code != 200:
            fault = Fault.OFFLINE if reply.status_code >= 500 else Fault.UNKNOWN
            detail = f"{self.url}: HTTP {reply.status_code} {reply.reason_phrase}"
            raise PrinterFault(fault, detail)
        try:
            return w.decode_response(reply.content)
        except w.IppDecodeError as exc:
            raise PrinterFault(Fault.UNKNOWN, f"{self.url}: malformed IPP answer: {exc}") from exc

    def _refused(self, what: str, response: w.Response) -> PrinterFault:
        fault = Fault.UNKNOWN
        if response.status in _BUSY:
            fault = Fault.OFFLINE
        elif response.status in _DOCUMENT:
            fault = Fault.BAD_DATA
        detail = f"{self.url}: {what} refused: {response.status_name}"
        message = response.message()
        return PrinterFault(fault, f"{detail} ({message})" if message else detail)

    def submit(self, *, job_name: str, pdf: bytes) -> str:
        if not job_name or len(job_name.encode("utf-8")) > 255:
            raise ValueError(f"IPP job-name must be 1 to 255 bytes, got {job_name!r}")
        status = self.status()
        if not status.ready:
            why = ", ".join(status.reasons) or "not accepting jobs"
            raise PrinterFault(status.fault or Fault.OFFLINE, f"{self.url}: {status.state}: {why}")
        deadline = time.monotonic() + self.busy_wait
        while True:
            response = self._call(
                w.PRINT_JOB,
                w.attr(w.NAME, "job-name", job_name),
                w.attr(w.MIME_MEDIA_TYPE, "document-format", "application/pdf"),
                data=pdf,
            )
            if response.status not in _TRY_AGAIN or time.monotonic() > deadline:
                break
            time.sleep(0.5)  # a one-job printer refuses a card while it prints another
        if not response.ok:
            raise self._refused("Print-Job", response)
        job_id = _first(response.group(w.JOB_ATTRIBUTES), "job-id")
        if not isinstance(job_id, int):
            raise PrinterFault(Fault.UNKNOWN, f"{self.url}: Print-Job answer has no job-id")
        return str(job_id)

    def poll(self, job_id: str) -> JobResult:
        try:
            number = int(job_id)
        except ValueError:
            raise ValueError(f"IPP job id must be a number, got {job_id!r}") from None
        response = self._call(
            w.GET_JOB_ATTRIBUTES,
            w.attr(w.INTEGER, "job-id", number),
            w.attr(w.KEYWORD, "requested-attributes", *_JOB_ATTRS),
        )
        if response.status in (0x0406, 0x0407):  # not-found, gone
            detail = f"job {number} is not known to the printer ({response.status_name})"
            return JobResult(job_id, JobState.FAILED, Fault.UNKNOWN, detail)
        if not response.ok:
            raise self._refused("Get-Job-Attributes", response)
        return self._result(job_id, response.group(w.JOB_ATTRIBUTES))

    def _printer_reasons(self) -> tuple[str, ...]:
        response = self._call(
            w.GET_PRINTER_ATTRIBUTES,
            w.attr(w.KEYWORD, "requested-attributes", "printer-state-reasons"),
        )
        return _reasons(response.group(w.PRINTER_ATTRIBUTES), "printer-state-reasons")

    def _result(self, job_id: str, job: dict[str, list[Any]]) -> JobResult:
        state = _first(job, "job-state")
        if state in (3, 4):
            return JobResult(job_id, JobState.PENDING)
        if state == 5:
            return JobResult(job_id, JobState.PRINTING)
        if state == 9:
            return JobResult(job_id, JobState.COMPLETED)
        reasons = _reasons(job, "job-state-reasons")
        printer = self._printer_reasons() if state in (6, 7, 8) else ()
        detail = f"job {job_id} {_JOB_STATES.get(state, f'in job-state {state}')}"
        if message := str(_first(job, "job-state-message") or "").strip():
            detail += f": {message}"
        if reasons or printer:
            detail += f" [job: {', '.join(reasons) or '-'}; printer: {', '.join(printer) or '-'}]"
        fault = reasons_fault(reasons) or reasons_fault(printer)
        if state == 6:  # the printer stopped while printing this card
            return JobResult(job_id, JobState.PRINTING, fault, detail)
        if state in (7, 8):
            return JobResult(job_id, JobState.FAILED, fault or Fault.UNKNOWN, detail)
        return JobResult(job_id, JobState.PENDING, None, detail)

    def _jobs(self, which: str) -> w.Response:
        return self._call(
            w.GET_JOBS,
            w.attr(w.KEYWORD, "which-jobs", which),
            w.attr(w.BOOLEAN, "my-jobs", False),
            w.attr(w.KEYWORD, "requested-attributes", *_JOB_ATTRS),
        )

    def find(self, job_name: str) -> JobResult | None:
        """The job named ``job_name``; if there are several, a completed one, else an
        unfinished one, else the latest failed one."""
        responses = [self._jobs("all")]
        if responses[0].status == 0x040B:  # which-jobs=all unsupported: ask twice
            responses = [self._jobs("not-completed"), self._jobs("completed")]
        jobs: list[dict[str, list[Any]]] = []
        for response in responses:
            if not response.ok:
                raise self._refused("Get-Jobs", response)
            for job in response.all_groups(w.JOB_ATTRIBUTES):
                if _first(job, "job-name") == job_name and isinstance(_first(job, "job-id"), int):
                    jobs.append(job)
        if not jobs:
            return None

        def rank(job: dict[str, list[Any]]) -> tuple[int, int]:
            state = _first(job, "job-state")
            return (2 if state == 9 else 0 if state in (7, 8) else 1, _first(job, "job-id"))

        best = max(jobs, key=rank)
        return self._result(str(_first(best, "job-id")), best)

    def status(self) -> PrinterStatus:
        response = self._call(
            w.GET_PRINTER_ATTRIBUTES, w.attr(w.KEYWORD, "requested-attributes", *_PRINTER_ATTRS)
        )
        if not response.ok:
            raise self._refused("Get-Printer-Attributes", response)
        return printer_status(response.group(w.PRINTER_ATTRIBUTES))
