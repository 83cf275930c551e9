"""A simulated retransfer card printer that behaves like the hardware, faults included.

Deterministic from a seed. Its memory (jobs by name, counters, a stuck fault)
lives in a folder, as a real printer keeps its job queue across a crash of the
computer driving it. Faults are off unless asked for, in the printer URI::

    sim://fargo-1?seed=7&seconds=0.0&offline_after=40&encode_fail=0.02
        &jam_every=0&ribbon=500&overheat_after=120

* ``seconds``: time per card (0 by default: tests and the demo finish quickly);
* ``offline_after=N``: after N cards the printer vanishes until an operator brings it up;
  the operator's repair (a data cable replaced) cures it: it does not vanish again;
* ``jam_every=N``: every Nth card jams (the card is spoiled, the printer stops);
* ``encode_fail=p``: a card's chip fails to encode with probability p (card spoiled);
* ``ribbon=N``: the ribbon prints N cards, then the printer reports it empty;
* ``overheat_after=N``: N cards without a rest and the next card burns (printer stops).
"""

from __future__ import annotations

import json
import os
import random
import time
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any, cast
from urllib.parse import parse_qs, urlparse

from printers.drivers.base import Fault, JobResult, JobState, PrinterFault, PrinterStatus
from printers.errors import BadSimulatedParameter, BadSimulatedUri


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
            raise BadSimulatedUri(uri)
        q = {k: v[-1] for k, v in parse_qs(parsed.query).items()}
        values: dict[str, Any] = {}
        for f in fields(cls):
            if f.name in q:
                kind = float if f.type == "float" else int
                try:
                    values[f.name] = kind(q[f.name])
                except ValueError:
                    raise BadSimulatedParameter(f.name, q[f.name]) from None
        return cls(**values)


class _Memory:
    """The printer's memory: an append-only journal, replayed when a driver starts.

    One line per job (with the device counters after it) or per repair; a line cut
    short by a crash is ignored, as the job it describes was never acknowledged.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.device: dict[str, Any] = {"cards": 0, "since_rest": 0, "stuck": None}
        self.jobs: dict[str, dict[str, Any]] = {}
        self.names: dict[str, str] = {}
        try:
            lines = path.read_text().splitlines()
        except FileNotFoundError:
            lines = []
        for line in lines:
            try:
                self._apply(json.loads(line))
            except ValueError:
                continue

    def _apply(self, entry: dict[str, Any]) -> None:
        self.device = entry["device"]
        job = entry.get("job")
        if job is not None:
            self.jobs[job["id"]] = job
            self.names[job["name"]] = job["id"]

    def append(self, entry: dict[str, Any]) -> None:
        line = (json.dumps(entry) + "\n").encode()
        fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        try:
            os.write(fd, line)
        finally:
            os.close(fd)
        self._apply(entry)


class SimulatedDriver:
    def __init__(self, uri: str | None, state_dir: Path) -> None:
        self.config = SimConfig.from_uri(uri)
        self.dir = state_dir
        self.dir.mkdir(parents=True, exist_ok=True)
        self.memory = _Memory(self.dir / "journal.jsonl")

    def submitted_names(self) -> list[str]:
        """Every job name the printer ever accepted (tests count them)."""
        return [job["name"] for job in self.memory.jobs.values()]

    def reset(self) -> None:
        """An operator cleared the fault (``cetak printers up``): a new ribbon, a cool head."""
        device = dict(self.memory.device)
        if device["stuck"] == Fault.RIBBON_OUT.value:
            device["ribbon_used"] = 0
        if device["stuck"] == Fault.OFFLINE.value:
            device["link_repaired"] = True  # the faulty link was mended: offline_after is spent
        device.update(stuck=None, since_rest=0, repaired_at=device["cards"])
        self.memory.append({"device": device})

    def rested(self) -> None:
        """Cetak rested the printer (its rest period is over): the head is cool again."""
        device = dict(self.memory.device)
        device["since_rest"] = 0
        self.memory.append({"device": device})

    # --- the interface -----------------------------------------------------------------

    def submit(self, *, job_name: str, pdf: bytes) -> str:
        if not pdf.startswith(b"%PDF"):
            raise PrinterFault(Fault.BAD_DATA, "bukan dokumen PDF")
        device = dict(self.memory.device)
        if device["stuck"]:
            raise PrinterFault(Fault(device["stuck"]), "printer berhenti")
        cfg = self.config
        n = device["cards"] + 1
        if (
            cfg.offline_after
            and not device.get("link_repaired")
            and n - device.get("repaired_at", 0) > cfg.offline_after
        ):
            device["stuck"] = Fault.OFFLINE.value
            self.memory.append({"device": device})
            raise PrinterFault(Fault.OFFLINE, "printer tidak menjawab")
        if cfg.ribbon and device.get("ribbon_used", 0) >= cfg.ribbon:
            device["stuck"] = Fault.RIBBON_OUT.value
            self.memory.append({"device": device})
            raise PrinterFault(Fault.RIBBON_OUT, "pita habis")
        rng = random.Random(f"{cfg.seed}:{n}")
        fault: Fault | None = None
        if cfg.overheat_after and device["since_rest"] >= cfg.overheat_after:
            fault = Fault.OVERHEAT
        elif cfg.jam_every and n % cfg.jam_every == 0:
            fault = Fault.JAM
        elif cfg.encode_fail and rng.random() < cfg.encode_fail:
            fault = Fault.ENCODE_FAILED
        job = {
            "id": f"{n:06d}",
            "name": job_name,
            "state": JobState.FAILED.value if fault else JobState.COMPLETED.value,
            "fault": fault.value if fault else None,
            "chip_id": None if fault else f"{rng.getrandbits(56):014X}",
            "ready_at": time.time() + cfg.seconds,
        }
        device.update(cards=n, since_rest=device["since_rest"] + 1)
        device["ribbon_used"] = device.get("ribbon_used", 0) + 1
        if fault in (Fault.JAM, Fault.OVERHEAT):
            device["stuck"] = fault.value  # the printer stops until an operator looks
        self.memory.append({"job": job, "device": device})
        return cast(str, job["id"])

    def poll(self, job_id: str) -> JobResult:
        data = self.memory.jobs.get(job_id)
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
        job_id = self.memory.names.get(job_name)
        return None if job_id is None else self.poll(job_id)

    def status(self) -> PrinterStatus:
        device = self.memory.device
        cfg = self.config
        ribbon = None
        if cfg.ribbon:
            ribbon = max(0, 100 - 100 * device.get("ribbon_used", 0) // cfg.ribbon)
        if device["stuck"]:
            fault = Fault(device["stuck"])
            return PrinterStatus(False, "stopped", (fault.value.lower(),), fault, ribbon)
        return PrinterStatus(True, "idle", (), None, ribbon)
