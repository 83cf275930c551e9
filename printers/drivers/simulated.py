"""A simulated retransfer card printer that behaves like the hardware, faults included.

Deterministic from a seed. Its memory (jobs by name, counters, a stuck fault)
lives in a folder, as a real printer keeps its job queue across a crash of the
computer driving it. Faults are off unless asked for, in the printer URI::

    sim://fargo-1?seed=7&seconds=0.0&offline_after=40&encode_fail=0.02
        &jam_every=0&ribbon=500&overheat_after=120

* ``seconds``: time per card (0 by default: tests and the demo finish quickly);
* ``offline_after=N``: after N cards the printer vanishes until an operator brings it up;
* ``jam_every=N``: every Nth card jams (the card is spoiled, the printer stops);
* ``encode_fail=p``: a card's chip fails to encode with probability p (card spoiled);
* ``ribbon=N``: the ribbon prints N cards, then the printer reports it empty;
* ``overheat_after=N``: N cards without a rest and the next card burns (printer stops).
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import tempfile
import time
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

from printers.drivers.base import Fault, JobResult, JobState, PrinterFault, PrinterStatus


@dataclass(frozen=True, slots=True)
class SimConfig:
    seed: int = 0
    seconds: float = 0.0
    offline_after: int = 0
    jam_every: int = 0
    encode_fail: float = 0.0
    ribbon: int = 0
    overheat_after: int = 0

    @classmethod
    def from_uri(cls, uri: str | None) -> SimConfig:
        if not uri:
            return cls()
        parsed = urlparse(uri)
        if parsed.scheme not in ("sim", ""):
            raise ValueError(f"URI printer simulasi harus sim://NAMA?..., bukan '{uri}'")
        q = {k: v[-1] for k, v in parse_qs(parsed.query).items()}
        values: dict[str, Any] = {}
        for f in fields(cls):
            if f.name in q:
                kind = float if f.type == "float" else int
                try:
                    values[f.name] = kind(q[f.name])
                except ValueError:
                    raise ValueError(
                        f"parameter URI simulasi tidak valid: '{f.name}' harus angka, "
                        f"bukan '{q[f.name]}'"
                    ) from None
        return cls(**values)


def _write(path: Path, data: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
    with os.fdopen(fd, "w") as f:
        json.dump(data, f)
    os.replace(tmp, path)


def _read(path: Path) -> dict[str, Any] | None:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None


class SimulatedDriver:
    def __init__(self, uri: str | None, state_dir: Path) -> None:
        self.config = SimConfig.from_uri(uri)
        self.dir = state_dir
        self.dir.mkdir(parents=True, exist_ok=True)

    # --- device memory -----------------------------------------------------------------

    def _device(self) -> dict[str, Any]:
        return _read(self.dir / "device.json") or {
            "cards": 0,
            "since_rest": 0,
            "stuck": None,
            "last_card_at": 0.0,
        }

    def _job_path(self, job_id: str) -> Path:
        return self.dir / "jobs" / f"{job_id}.json"

    def _name_path(self, job_name: str) -> Path:
        digest = hashlib.sha256(job_name.encode()).hexdigest()[:32]
        return self.dir / "names" / digest

    def reset(self) -> None:
        """An operator cleared the fault (``cetak printers up``); a rest also cools it."""
        device = self._device()
        device["stuck"] = None
        device["since_rest"] = 0
        device["repaired_at"] = device["cards"]  # offline_after counts again from here
        if device.get("ribbon_empty"):
            device["ribbon_empty"] = False
            device["ribbon_used"] = 0
        _write(self.dir / "device.json", device)

    def rested(self) -> None:
        device = self._device()
        device["since_rest"] = 0
        _write(self.dir / "device.json", device)

    # --- the interface -----------------------------------------------------------------

    def submit(self, *, job_name: str, pdf: bytes) -> str:
        if not pdf.startswith(b"%PDF"):
            raise PrinterFault(Fault.BAD_DATA, "bukan dokumen PDF")
        device = self._device()
        if device["stuck"]:
            raise PrinterFault(Fault(device["stuck"]), "printer berhenti")
        cfg = self.config
        n = device["cards"] + 1
        if cfg.offline_after and n - device.get("repaired_at", 0) > cfg.offline_after:
            device["stuck"] = Fault.OFFLINE.value
            _write(self.dir / "device.json", device)
            raise PrinterFault(Fault.OFFLINE, "printer tidak menjawab")
        if cfg.ribbon and device.get("ribbon_used", 0) >= cfg.ribbon:
            device["stuck"] = Fault.RIBBON_OUT.value
            _write(self.dir / "device.json", device)
            raise PrinterFault(Fault.RIBBON_OUT, "pita habis")
        rng = random.Random(f"{cfg.seed}:{n}")
        fault: Fault | None = None
        if cfg.overheat_after and device["since_rest"] >= cfg.overheat_after:
            fault = Fault.OVERHEAT
        elif cfg.jam_every and n % cfg.jam_every == 0:
            fault = Fault.JAM
        elif cfg.encode_fail and rng.random() < cfg.encode_fail:
            fault = Fault.ENCODE_FAILED
        job_id = f"{n:06d}"
        result = {
            "name": job_name,
            "state": JobState.FAILED.value if fault else JobState.COMPLETED.value,
            "fault": fault.value if fault else None,
            "chip_id": None if fault else f"{rng.getrandbits(56):014X}",
            "ready_at": time.time() + cfg.seconds,
        }
        _write(self._job_path(job_id), result)
        self._name_path(job_name).parent.mkdir(parents=True, exist_ok=True)
        self._name_path(job_name).write_text(job_id)
        device.update(cards=n, since_rest=device["since_rest"] + 1, last_card_at=time.time())
        device["ribbon_used"] = device.get("ribbon_used", 0) + 1
        if fault in (Fault.JAM, Fault.OVERHEAT):
            device["stuck"] = fault.value  # the printer stops until an operator looks
        _write(self.dir / "device.json", device)
        return job_id

    def poll(self, job_id: str) -> JobResult:
        data = _read(self._job_path(job_id))
        if data is None:
            return JobResult(job_id, JobState.FAILED, Fault.UNKNOWN, "pekerjaan tidak dikenal")
        if time.time() < data["ready_at"]:
            return JobResult(job_id, JobState.PRINTING)
        return JobResult(
            job_id,
            JobState(data["state"]),
            Fault(data["fault"]) if data["fault"] else None,
            None,
            data["chip_id"],
        )

    def find(self, job_name: str) -> JobResult | None:
        try:
            job_id = self._name_path(job_name).read_text().strip()
        except OSError:
            return None
        return self.poll(job_id)

    def status(self) -> PrinterStatus:
        device = self._device()
        cfg = self.config
        ribbon = None
        if cfg.ribbon:
            ribbon = max(0, 100 - 100 * device.get("ribbon_used", 0) // cfg.ribbon)
        if device["stuck"]:
            fault = Fault(device["stuck"])
            return PrinterStatus(False, "stopped", (fault.value.lower(),), fault, ribbon)
        return PrinterStatus(True, "idle", (), None, ribbon)
