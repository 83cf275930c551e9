"""The printer fleet: registration, state, counters, rest periods and back-off."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from sqlmodel import Session, select

from cetak.models import utcnow
from inventory.ledger import resolve_site
from printers.drivers.base import CardPrinterDriver
from printers.errors import (
    BadIppUri,
    BadPrinterLimits,
    BadPrinterName,
    BadPrinterUri,
    PrinterExists,
    PrinterUriRequired,
    UnknownDriver,
    UnknownPrinter,
)
from printers.models import Printer
from printers.states import PrinterState

DRIVERS = ("simulated", "ipp", "spool")
STATES = tuple(PrinterState)  # online, busy, resting, offline, maintenance
#: Back-off for a printer that stays unreachable: 1, 2, 4 ... minutes, at most an hour.
MAX_BACKOFF_MINUTES = 60


def make_driver(printer: Printer, state_root: Path) -> CardPrinterDriver:
    """The driver of a printer; raises ``BadPrinterConfig`` for a bad URI."""
    try:
        if printer.driver == "simulated":
            from printers.drivers.simulated import SimulatedDriver

            return SimulatedDriver(printer.uri, state_root / "simulated" / printer.name)
        if printer.driver == "spool":
            from printers.drivers.spool import SpoolDriver

            if not printer.uri:
                raise PrinterUriRequired(printer.name, "spool", "berisi folder (hot folder)")
            return SpoolDriver(printer.uri)
        if printer.driver == "ipp":
            from printers.drivers.ipp import IppDriver

            if not printer.uri:
                raise PrinterUriRequired(printer.name, "IPP", "ipp://host:port/ipp/print")
            try:
                return IppDriver(printer.uri)
            except ValueError as exc:
                raise BadIppUri(printer.uri) from exc
    except PrinterUriRequired:
        raise
    except ValueError as exc:
        raise BadPrinterUri(printer.name, exc) from exc
    raise UnknownDriver(printer.driver, tuple(DRIVERS))


def add_printer(
    session: Session,
    *,
    name: str,
    driver: str,
    state_root: Path,
    uri: str | None = None,
    site: str | None = None,
    daily_limit: int = 300,
    rest_after: int = 100,
    rest_minutes: int = 30,
) -> Printer:
    name = name.strip()
    if not name or not all(c.isalnum() or c in "-_." for c in name):
        raise BadPrinterName()
    if session.get(Printer, name) is not None:
        raise PrinterExists(name)
    if driver not in DRIVERS:
        raise UnknownDriver(driver, tuple(DRIVERS))
    if daily_limit < 1 or rest_after < 1 or rest_minutes < 0:
        raise BadPrinterLimits()
    printer = Printer(
        name=name,
        driver=driver,
        uri=uri,
        site_code=resolve_site(session, site),
        daily_limit=daily_limit,
        rest_after=rest_after,
        rest_minutes=rest_minutes,
    )
    make_driver(printer, state_root)  # validates the URI before anything is stored
    session.add(printer)
    session.flush()
    return printer


def get_printer(session: Session, name: str) -> Printer:
    printer = session.get(Printer, name)
    if printer is None:
        raise UnknownPrinter(name)
    return printer


def list_printers(session: Session) -> list[Printer]:
    return list(session.exec(select(Printer).order_by(Printer.name)))


def set_down(session: Session, name: str, reason: str) -> Printer:
    printer = get_printer(session, name)
    printer.state, printer.state_reason = PrinterState.MAINTENANCE, reason
    printer.updated_at = utcnow()
    session.add(printer)
    return printer


def set_up(session: Session, name: str, reason: str, *, state_root: Path) -> Printer:
    """Back in service after an operator's repair: faults and back-off cleared."""
    printer = get_printer(session, name)
    printer.state, printer.state_reason = PrinterState.ONLINE, reason
    printer.failures, printer.retry_at, printer.rest_until = 0, None, None
    printer.since_rest = 0
    printer.updated_at = utcnow()
    driver = make_driver(printer, state_root)
    if hasattr(driver, "reset"):
        driver.reset()  # a simulated printer is repaired as the real one would be
    session.add(printer)
    return printer


def counters_today(printer: Printer, *, today: date) -> tuple[int, int]:
    """(printed, spoiled) on the regency's ``today``: counters written on an earlier day
    count nothing, the day rolls over at local midnight. The one daily-counter rule, read
    by the CLI and the dashboard and applied by ``roll_counters``."""
    if printer.counter_day != today:
        return 0, 0
    return printer.printed_today, printer.spoiled_today


def roll_counters(printer: Printer, *, today: date, now: datetime) -> None:
    """New day: counters start again. Rest over: the printer is cool and online."""
    printer.printed_today, printer.spoiled_today = counters_today(printer, today=today)
    printer.counter_day = today
    resting = printer.state == PrinterState.RESTING
    if resting and printer.rest_until is not None and printer.rest_until <= now:
        printer.state, printer.state_reason, printer.rest_until = PrinterState.ONLINE, None, None
        printer.since_rest = 0


def record_fault(printer: Printer, *, reason: str, now: datetime, stopped: bool) -> None:
    """A printer that failed: offline with exponential back-off before the next try."""
    printer.failures += 1
    minutes = min(2 ** (printer.failures - 1), MAX_BACKOFF_MINUTES)
    printer.retry_at = now + timedelta(minutes=minutes)
    printer.state = PrinterState.MAINTENANCE if stopped else PrinterState.OFFLINE
    printer.state_reason = reason
    printer.updated_at = now


_PRINTER = Printer.__table__  # type: ignore[attr-defined]
# A good card, counted in the card's write transaction (built once, like the card's own).
_PRINTED = (
    sa.update(_PRINTER)
    .where(_PRINTER.c.name == sa.bindparam("b_name"))
    .values(
        printed_today=_PRINTER.c.printed_today + 1,
        since_rest=_PRINTER.c.since_rest + 1,
        failures=0,
        retry_at=None,
        updated_at=sa.bindparam("b_now"),
    )
    .returning(_PRINTER.c.since_rest, _PRINTER.c.rest_after, _PRINTER.c.rest_minutes)
)
_RESTING = (
    sa.update(_PRINTER)
    .where(_PRINTER.c.name == sa.bindparam("b_name"))
    .values(
        state=PrinterState.RESTING.value,
        rest_until=sa.bindparam("b_until"),
        state_reason=sa.bindparam("b_reason"),
    )
)


def record_printed(session: Session, name: str, *, now: datetime) -> None:
    """A good card off printer ``name``: counted, its failures forgotten; once it has printed
    ``rest_after`` cards since its last rest, it rests ``rest_minutes``. Two statements at
    most, no ORM object (a printer's row is written at every card)."""
    since_rest, rest_after, rest_minutes = session.execute(
        _PRINTED, {"b_name": name, "b_now": now}
    ).one()
    if since_rest >= rest_after:
        session.execute(
            _RESTING,
            {
                "b_name": name,
                "b_until": now + timedelta(minutes=rest_minutes),
                "b_reason": f"istirahat setelah {since_rest} kartu",
            },
        )
