"""What the intake's steps hand each other: the checked delivery, the result, the ACK."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from cetak.installation import ServedRegency
from intake.errors import BatchRejected
from intake.manifest import Manifest
from intake.rules import REASON_ORDER


@dataclass(frozen=True, slots=True)
class CheckedDelivery:
    """What ``check_delivery`` found; small, so it can pass between tasks."""

    path: Path
    name: str
    batch_id: str
    manifest: Manifest | None = None
    rows: int = 0
    rejection: BatchRejected | None = None
    redelivered_ack: dict[str, Any] | None = None
    archive_path: str | None = None

    @property
    def accepted(self) -> bool:
        return self.rejection is None and self.redelivered_ack is None


@dataclass(frozen=True, slots=True)
class IngestResult:
    ack: dict[str, Any]
    file_to: Path | None


def processed_at(served: ServedRegency, now: datetime | None = None) -> str:
    return served.now(now).replace(microsecond=0).isoformat()


def build_ack(
    batch_id: str,
    *,
    served: ServedRegency,
    reason: str | None = None,
    counts: Counter[str] | None = None,
    now: datetime | None = None,
) -> dict[str, Any]:
    """The ACK object of the feed spec, keys in the spec's order."""
    c = counts or Counter()
    return {
        "batch_id": batch_id,
        "status": "REJECTED" if reason is not None else "ACCEPTED",
        "reason": reason,
        "queued": c["queued"],
        "held": c["held"],
        "duplicate": c["duplicate"],
        "superseded": c["superseded"],
        "quarantined": {r.value: c[r.value] for r in REASON_ORDER if c[r.value]},
        "processed_at": processed_at(served, now),
    }


def unique_destination(directory: Path, name: str) -> Path:
    dest = directory / name
    n = 2
    while dest.exists():
        dest = directory / f"{name}.{n}"
        n += 1
    return dest
