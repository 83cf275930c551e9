"""States of printers and of print jobs (standard library only: the pure scheduler reads them).

The stored strings (``Printer.state``, ``PrintJob.state``) are a contract: the values below
are exactly the ones written before these enums existed, and each member equals its value.
Their Indonesian labels are in ``cetak.labels`` (``PRINTER_STATE``, ``JOB_STATE``).
"""

from __future__ import annotations

from enum import StrEnum


class PrinterState(StrEnum):
    """A printer's state (``Printer.state``)."""

    ONLINE = "online"  # ready for work
    BUSY = "busy"  # finishing a job, may be given the next
    RESTING = "resting"  # cooling down until ``rest_until``
    OFFLINE = "offline"  # unreachable: retried with back-off (``retry_at``)
    MAINTENANCE = "maintenance"  # stopped (jam, heat, ribbon) or taken down: an operator's


#: Printers that may be given work (resting only once its rest is over).
SCHEDULABLE: frozenset[PrinterState] = frozenset(
    {PrinterState.ONLINE, PrinterState.BUSY, PrinterState.RESTING}
)

#: Printers that cannot print until they answer again or an operator brings them back.
OUT_OF_SERVICE: frozenset[PrinterState] = frozenset(
    {PrinterState.OFFLINE, PrinterState.MAINTENANCE}
)


class JobState(StrEnum):
    """A print job's state (``PrintJob.state``); not the driver's ``drivers.base.JobState``
    (one card job at the printer)."""

    PLANNED = "planned"  # stored by the planner, or left unfinished to resume
    RUNNING = "running"  # claimed by a worker holding a lease
    DONE = "done"
    STOPPED = "stopped"  # the printer or the stock stopped it; its rest went back
    RELEASED = "released"  # its records given back to the queue before it ran


#: Jobs still to run (planned) or running (a tuple: it goes into SQL ``IN`` as it is).
UNFINISHED: tuple[JobState, ...] = (JobState.PLANNED, JobState.RUNNING)
