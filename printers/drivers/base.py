"""The interface every card printer driver implements.

A driver submits one card (a PDF page) as a job, polls the job's result, finds a
job it submitted earlier by name (so a resumed print run never submits a card
twice), and reads the printer's status. Drivers do I/O only; what to print and
what a fault means for the record is decided by the print service.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol


class Fault(StrEnum):
    """Why a printer or a card job failed (a contract: stored with spoiled cards)."""

    JAM = "JAM"
    RIBBON_OUT = "RIBBON_OUT"
    OVERHEAT = "OVERHEAT"
    OFFLINE = "OFFLINE"
    ENCODE_FAILED = "ENCODE_FAILED"
    BAD_DATA = "BAD_DATA"
    UNKNOWN = "UNKNOWN"


class JobState(StrEnum):
    PENDING = "pending"
    PRINTING = "printing"
    COMPLETED = "completed"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class JobResult:
    job_id: str
    state: JobState
    fault: Fault | None = None
    detail: str | None = None
    chip_id: str | None = None  # the card chip's unique id, where the printer reports it

    @property
    def finished(self) -> bool:
        return self.state in (JobState.COMPLETED, JobState.FAILED)


@dataclass(frozen=True, slots=True)
class PrinterStatus:
    ready: bool  # accepting and able to print now
    state: str  # driver's own word: "idle", "processing", "stopped", "offline"
    reasons: tuple[str, ...] = ()  # e.g. IPP printer-state-reasons
    fault: Fault | None = None  # the fault the reasons amount to, if any
    ribbon_percent: int | None = None  # supply level where the driver reports it


class PrinterFault(Exception):
    """The printer itself cannot take work (unreachable, jammed, out of ribbon...)."""

    def __init__(self, fault: Fault, detail: str = "") -> None:
        self.fault = fault
        self.detail = detail
        super().__init__(f"{fault}: {detail}")


class CardPrinterDriver(Protocol):
    def submit(self, *, job_name: str, pdf: bytes) -> str:
        """Submit one card; return the job id. Raise ``PrinterFault`` if it cannot."""

    def poll(self, job_id: str) -> JobResult:
        """The job's state now."""

    def find(self, job_name: str) -> JobResult | None:
        """A job submitted earlier under ``job_name``, or None."""

    def status(self) -> PrinterStatus:
        """The printer's state, state reasons and supply levels."""
