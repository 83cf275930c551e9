"""A hot folder: the card PDF and a JSON job ticket for a vendor print manager.

The folder (the printer URI, ``spool:///path`` or a plain path) holds ``in/``,
where Cetak writes ``<job>.pdf`` and then ``<job>.json`` (the ticket, written
last so the manager never sees half a job), and ``out/``, where the manager
writes ``<job>.json`` with ``{"state": "completed"|"failed", "fault": ...,
"chip_id": ...}``. An optional ``status.json`` beside them carries the printer's
state as the manager sees it (``{"state", "reasons", "ribbon_percent"}``).
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from pathlib import Path
from urllib.parse import urlparse

from printers.drivers.base import Fault, JobResult, JobState, PrinterFault, PrinterStatus
from printers.errors import BadSpoolUri, SpoolFolderRequired

_SAFE = re.compile(r"^[A-Za-z0-9._-]{1,100}$")


def spool_path(uri: str | None) -> Path:
    if not uri:
        raise SpoolFolderRequired()
    parsed = urlparse(uri)
    if parsed.scheme in ("spool", "file"):
        return Path(parsed.path)
    if parsed.scheme:
        raise BadSpoolUri(uri)
    return Path(uri)


def _atomic(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    os.replace(tmp, path)


class SpoolDriver:
    def __init__(self, uri: str | None) -> None:
        self.root = spool_path(uri)
        self.inbox = self.root / "in"
        self.outbox = self.root / "out"

    def _check(self) -> None:
        try:
            self.inbox.mkdir(parents=True, exist_ok=True)
            self.outbox.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise PrinterFault(Fault.OFFLINE, f"folder spool tidak dapat dipakai: {exc}") from exc

    def submit(self, *, job_name: str, pdf: bytes) -> str:
        if not _SAFE.match(job_name):
            raise ValueError(f"nama pekerjaan tidak aman untuk nama berkas: {job_name!r}")
        self._check()
        status = self.status()
        if not status.ready:
            raise PrinterFault(status.fault or Fault.OFFLINE, ", ".join(status.reasons))
        _atomic(self.inbox / f"{job_name}.pdf", pdf)
        ticket = {"job": job_name, "document": f"{job_name}.pdf", "copies": 1}
        _atomic(self.inbox / f"{job_name}.json", json.dumps(ticket).encode())
        return job_name

    def poll(self, job_id: str) -> JobResult:
        try:
            data = json.loads((self.outbox / f"{job_id}.json").read_text())
        except FileNotFoundError:
            return JobResult(job_id, JobState.PENDING)
        except (OSError, ValueError):
            return JobResult(job_id, JobState.PENDING)  # being written: read again later
        state = JobState.COMPLETED if data.get("state") == "completed" else JobState.FAILED
        fault = None
        if state is JobState.FAILED:
            try:
                fault = Fault(data.get("fault") or "UNKNOWN")
            except ValueError:
                fault = Fault.UNKNOWN
        return JobResult(job_id, state, fault, data.get("detail"), data.get("chip_id"))

    def find(self, job_name: str) -> JobResult | None:
        if (self.outbox / f"{job_name}.json").exists() or (
            self.inbox / f"{job_name}.json"
        ).exists():
            return self.poll(job_name)
        return None

    def status(self) -> PrinterStatus:
        if not self.root.is_dir():
            return PrinterStatus(False, "offline", ("spool-folder-missing",), Fault.OFFLINE)
        try:
            data = json.loads((self.root / "status.json").read_text())
        except FileNotFoundError:
            return PrinterStatus(True, "idle")
        except (OSError, ValueError):
            return PrinterStatus(True, "idle")
        reasons = tuple(data.get("reasons") or ())
        fault = None
        for reason in reasons:
            if "jam" in reason:
                fault = Fault.JAM
            elif "ribbon" in reason or "marker-supply-empty" in reason:
                fault = Fault.RIBBON_OUT
            elif "overheat" in reason:
                fault = Fault.OVERHEAT
            elif "offline" in reason:
                fault = Fault.OFFLINE
        state = str(data.get("state", "idle"))
        ready = state != "stopped" and fault is None
        return PrinterStatus(ready, state, reasons, fault, data.get("ribbon_percent"))
