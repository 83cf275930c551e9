"""Printing a job's cards, exactly once each.

For every record of a claimed job::

    render ─► [txn] consume_blank + card ─► find(card_ref) or submit ─► poll
          ─► (still printing: [txn] submitted ─► poll until finished)
          ─► [txn] printed (record printed)  |  spoiled (back to queue)

The card is rendered before its transaction (no write lock held meanwhile), and the
settling transaction of one card is the taking transaction of the next (one commit per
card): the previous card's printer job had finished before the next card is taken, and
the next card is sent only after that commit, so the order above holds card by card.

The card reference is the idempotency key of the blank and the job name at the
printer. A worker killed anywhere resumes the same card: the blank is not taken
again (same key) and the printer is asked for the job by name before anything
is submitted, so no record is printed twice and no blank consumed twice. A card
the printer finishes at once (the simulated printer) is recorded as submitted in
the transaction that settles it; once sent, a card is never voided, whatever the
printer answers next.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import cast

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from cetak import labels
from cetak.db import write_session
from cetak.installation import ServedRegency
from cetak.lifecycle import RecordState
from cetak.models import Record, RecordPhoto, utcnow
from cetak.records import card_failed, transition
from inventory import ledger
from inventory.errors import InsufficientStock
from inventory.models import Movement
from inventory.rules import Cause
from papers.card import CardData, CardLayoutError, render_card
from printers.cards import IN_FLIGHT, CardState, insert_card, move_card
from printers.drivers.base import CardPrinterDriver, Fault, JobResult, JobState, PrinterFault
from printers.jobs import LEASE, claim, own_records, renew_lease
from printers.models import Card, Printer, PrintJob, PrintJobItem
from printers.registry import make_driver, record_fault, record_printed
from printers.states import JobState as PrintJobState

_RECORD = Record.__table__  # type: ignore[attr-defined]
_CARD = Card.__table__  # type: ignore[attr-defined]

# Read at every card inside its write transaction, so built once (see ``printers.jobs``).
_RECORD_STATE = sa.select(_RECORD.c.state).where(_RECORD.c.id == sa.bindparam("b_id"))
_EARLIER_CARDS = sa.select(_CARD.c.state, _CARD.c.attempt).where(
    _CARD.c.record_id == sa.bindparam("b_id")
)

#: Faults after which the printer must not take the next card.
STOPPING = {Fault.JAM, Fault.OVERHEAT, Fault.RIBBON_OUT, Fault.OFFLINE}
#: Faults for people: the one table's (``cetak.labels.FAULT``).
FAULT_LABELS = labels.FAULT

# Card states change through ``printers.cards.move_card`` (Core statements, not the ORM: no
# object of these rows is loaded in the session), each with its card event.


@dataclass(frozen=True, slots=True)
class Sent:
    """A card job this worker handed to the printer: the printer's job id, and when."""

    job_id: str
    at: datetime


@dataclass(frozen=True, slots=True)
class Printed:
    """A card back from the printer, its result not recorded yet."""

    card: Card
    result: JobResult
    sent: Sent | None


class _InFlight(Exception):
    def __init__(self, fault: PrinterFault) -> None:
        self.fault = fault


class _LostJob(Exception):
    """The job's lease ran out and another worker took it over: leave it to that one."""


#: Said in the outcome of a job another worker took over from this one.
LOST_JOB = "pekerjaan diambil alih worker lain (masa sewa habis)"


@dataclass
class JobOutcome:
    job_id: int
    printer: str
    printed: int = 0
    spoiled: int = 0
    released: int = 0
    needs_attention: int = 0
    stopped: str | None = None  # None, "printer" or "stock"
    reason: str | None = None
    cards: list[str] = field(default_factory=list)


def card_data(session: Session, record: Record, served: ServedRegency, today: datetime) -> CardData:
    photo = session.get(RecordPhoto, record.id)
    kota = served.kabupaten.removeprefix("Kabupaten ").removeprefix("Kota ")
    return CardData(
        provinsi=served.provinsi.upper(),
        kabupaten=served.kabupaten.upper(),
        nik=record.nik,
        nama=record.nama,
        tempat_lahir=record.tempat_lahir,
        tanggal_lahir=record.birth_date,  # type: ignore[arg-type]
        jenis_kelamin=record.jenis_kelamin,
        golongan_darah=record.golongan_darah,
        alamat=record.alamat,
        rt=record.rt,
        rw=record.rw,
        kel_desa=record.kel_desa,
        kecamatan=served.kecamatan.get(record.kode_kecamatan, record.kode_kecamatan).upper(),
        agama=record.agama,
        status_perkawinan=record.status_perkawinan,
        pekerjaan=record.pekerjaan,
        kewarganegaraan=record.kewarganegaraan,
        berlaku_hingga=record.berlaku_hingga,
        photo=photo.content if photo else b"",
        issued_at=kota.upper(),
        issued_on=today.date(),
    )


class _Runner:
    def __init__(
        self,
        engine: Engine,
        job_id: int,
        served: ServedRegency,
        state_root: Path,
        worker: str,
        poll_interval: float,
        poll_timeout: float,
        lease: timedelta = LEASE,
    ) -> None:
        self.engine, self.served, self.worker, self.lease = engine, served, worker, lease
        self.poll_interval, self.poll_timeout = poll_interval, poll_timeout
        self.renewed = time.monotonic()  # the claim was just taken
        with Session(engine) as session:
            job = session.get(PrintJob, job_id)
            assert job is not None
            self.job_id, self.batch_ref, self.printer_name = (
                cast(int, job.id),
                job.batch_ref,
                job.printer_name,
            )
            printer = session.get(Printer, job.printer_name)
            assert printer is not None
            self.site = printer.site_code
            self.driver: CardPrinterDriver = make_driver(printer, state_root)
        self.actor = f"flow:print_run/{self.printer_name}"
        self.outcome = JobOutcome(job_id, self.printer_name)

    # -- one card ---------------------------------------------------------------------------

    def items(self) -> list[int]:
        with Session(self.engine) as session:
            return list(
                session.exec(
                    select(PrintJobItem.record_id)
                    .where(PrintJobItem.job_id == self.job_id)
                    .order_by(col(PrintJobItem.position))
                )
            )

    def render(self, record_id: int, now: datetime) -> bytes | CardLayoutError | None:
        """The card's PDF (or why it cannot be laid out), rendered before the write
        transaction: the database's write lock (SQLite) and the lot's row lock (PostgreSQL)
        are not held while reportlab works, so printers in other processes go on meanwhile.
        None: the record is no longer to print (checked again in the write transaction)."""
        with Session(self.engine) as session:
            record = session.get(Record, record_id)
            if record is None or record.state != RecordState.SCHEDULED.value:
                return None
            data = card_data(session, record, self.served, self.served.now(now))
        try:
            return render_card(data)
        except CardLayoutError as exc:
            return exc

    def take_card(self, record_id: int, settle: Printed | None = None) -> tuple[Card, bytes] | None:
        """The card in flight for this record (resumed), or a new one with its blank.

        ``settle``: the previous card, back from the printer, is settled in the same
        transaction first (one commit per card, not two). The order on the printer is
        kept: that card's printer job was finished before this card is taken, and this
        one is sent only after the commit. A settlement that stops the printer takes no
        card (None, ``outcome.stopped`` set); blanks running out raise
        ``InsufficientStock`` after the settlement is committed.
        """
        now = utcnow()
        rendered = self.render(record_id, now)  # outside the write lock
        stock: InsufficientStock | None = None
        taken: tuple[Card, bytes] | None = None
        with write_session(self.engine) as session:
            # Still this worker's job, first in the transaction: a worker stalled past its
            # lease neither settles a card its successor settles too nor takes a blank.
            if not renew_lease(
                self.engine, self.job_id, worker=self.worker, lease=self.lease, session=session
            ):
                raise _LostJob
            if settle is not None:
                self._settle(session, settle, now)
                if self.outcome.stopped:
                    return None
            if rendered is not None:
                try:
                    taken = self._take(session, record_id, rendered, now)
                except InsufficientStock as exc:
                    # Raised before anything of this card is written: the settlement
                    # above commits all the same.
                    stock = exc
        self.renewed = time.monotonic()
        if stock is not None:
            raise stock
        return taken

    def _take(
        self, session: Session, record_id: int, rendered: bytes | CardLayoutError, now: datetime
    ) -> tuple[Card, bytes] | None:
        # Columns, not objects: the common card (a record's first) loads no ORM object.
        state = session.execute(_RECORD_STATE, {"b_id": record_id}).scalar_one_or_none()
        if state != RecordState.SCHEDULED.value:
            return None  # printed, cancelled or released meanwhile
        if not own_records(session, self.job_id, [record_id]):
            return None  # released and since planned on a newer job
        earlier = session.execute(_EARLIER_CARDS, {"b_id": record_id}).all()
        card = None
        if any(row.state in IN_FLIGHT for row in earlier):  # resumed: the card as an object
            card = session.exec(
                select(Card).where(Card.record_id == record_id, col(Card.state).in_(IN_FLIGHT))
            ).first()
        if isinstance(rendered, CardLayoutError):
            why = f"data tidak muat di kartu: {rendered.message}"
            transition(
                session,
                [record_id],
                RecordState.NEEDS_ATTENTION,
                actor=self.actor,
                reason=why,
                at=now,
                extra={"reason_detail": why},  # what `cetak records` shows the operator
            )
            self.outcome.needs_attention += 1
            return None
        pdf = rendered
        if card is None:
            attempt = max((row.attempt for row in earlier), default=0) + 1
            card_ref = f"K{record_id:08d}-{attempt}"
            # The blank first, so the card row is written once, with its lot.
            movement = ledger.consume_blank(
                session,
                card_ref=card_ref,
                actor=self.actor,
                site=self.site,
                record_id=record_id,
                at=now,
            )
            card = Card(
                card_ref=card_ref,
                record_id=record_id,
                attempt=attempt,
                job_id=self.job_id,
                printer_name=self.printer_name,
                lot_code=movement.lot_code,
                serial=movement.serial,  # the blank's serial, taken with it (issue 11)
                created_at=now,
            )
            # Inserted as a row (the worker only reads the card's fields from here on).
            insert_card(
                session,
                card,
                actor=self.actor,
                reason=f"blangko diambil untuk {self.batch_ref}",
                at=now,
            )
        return card, pdf

    def print_card(self, card: Card, pdf: bytes) -> tuple[JobResult, Sent | None]:
        """The printer's result for the card, and the job this call sent (None: the printer
        had it already). A job still printing at the first poll is recorded as submitted
        before the wait; one finished at once is recorded when it is settled."""
        try:
            found = self.driver.find(card.card_ref)  # submitted before a crash? never twice
        except PrinterFault as exc:
            raise _InFlight(exc) from exc  # unknown whether it was sent: ask again later
        if found is not None:
            return self._wait(found), None
        job_id = self.driver.submit(job_name=card.card_ref, pdf=pdf)  # fault: never sent
        sent = Sent(job_id, utcnow())
        try:
            found = self.driver.poll(job_id)
        except PrinterFault as exc:
            self._submitted(card, sent)  # sent, fate unknown: asked again by name later
            raise _InFlight(exc) from exc
        if not found.finished:
            self._submitted(card, sent)
            found = self._wait(found)
        return found, sent

    def renew(self) -> None:
        """Keep the claim while the printer works: renewed every third of the lease, so
        a card that takes longer than the lease is not taken over by another worker."""
        if time.monotonic() - self.renewed < self.lease.total_seconds() / 3:
            return
        if not renew_lease(self.engine, self.job_id, worker=self.worker, lease=self.lease):
            raise _LostJob
        self.renewed = time.monotonic()

    def _wait(self, found: JobResult) -> JobResult:
        deadline = time.monotonic() + self.poll_timeout
        every = self.lease.total_seconds() / 3
        while not found.finished:
            self.renew()
            if time.monotonic() > deadline:
                # The printer may still print it: the card stays in flight, asked again later.
                raise _InFlight(PrinterFault(Fault.OFFLINE, "pekerjaan tidak selesai"))
            next_renewal = self.renewed + every - time.monotonic()
            time.sleep(max(0.0, min(self.poll_interval, next_renewal)))
            try:
                found = self.driver.poll(found.job_id)
            except PrinterFault as exc:
                raise _InFlight(exc) from exc  # at the printer: never voided
        return found

    def _submitted(self, card: Card, sent: Sent) -> None:
        with write_session(self.engine) as session:
            move_card(
                session,
                card.id,  # type: ignore[arg-type]
                CardState.SUBMITTED,
                actor=self.actor,
                reason=f"dikirim ke printer {self.printer_name}",
                at=sent.at,
                extra={"driver_job_id": sent.job_id, "submitted_at": sent.at},
            )

    def settle(self, card: Card, result: JobResult, sent: Sent | None = None) -> None:
        """Record the printer's result in a transaction of its own (the job's last card,
        or one the next take was not reached for); see ``_settle``."""
        with write_session(self.engine) as session:
            # Still this worker's job, in the transaction that settles the card: a worker
            # stalled past its lease never settles a card its successor settles too.
            if not renew_lease(
                self.engine, self.job_id, worker=self.worker, lease=self.lease, session=session
            ):
                raise _LostJob
            self._settle(session, Printed(card, result, sent), utcnow())
        self.renewed = time.monotonic()

    def _settle(self, session: Session, done: Printed, now: datetime) -> None:
        """Record the printer's result: printed, or spoiled with its blank. ``sent``: the
        job was sent by this worker and finished at once, never recorded as submitted."""
        card, result, sent = done.card, done.result, done.sent
        sent_values = (
            {} if sent is None else {"driver_job_id": sent.job_id, "submitted_at": sent.at}
        )
        if result.state is JobState.COMPLETED:
            move_card(
                session,
                card.id,  # type: ignore[arg-type]
                CardState.PRINTED,
                actor=self.actor,
                reason=f"dicetak di {self.printer_name}",
                at=now,
                extra={"printed_at": now, "chip_id": result.chip_id, **sent_values},
            )
            transition(
                session,
                [card.record_id],
                RecordState.PRINTED,
                actor=self.actor,
                reason=f"kartu {card.card_ref} dicetak",
                at=now,
                extra={"printed_at": now},
            )
            record_printed(session, self.printer_name, now=now)
            self.outcome.printed += 1
        else:
            printer = session.get(Printer, self.printer_name)
            assert printer is not None
            fault = result.fault or Fault.UNKNOWN
            self._spoil(session, card, fault, now, sent_values)
            printer.spoiled_today += 1
            printer.since_rest += 1  # a spoiled card heats the printer all the same
            if fault in STOPPING:
                record_fault(
                    printer,
                    reason=FAULT_LABELS[fault],
                    now=now,
                    stopped=fault is not Fault.OFFLINE,
                )
                self.outcome.stopped, self.outcome.reason = "printer", FAULT_LABELS[fault]
            session.add(printer)
        self.outcome.cards.append(card.card_ref)

    def _spoil(
        self,
        session: Session,
        card: Card,
        fault: Fault,
        now: datetime,
        card_values: dict[str, object],
    ) -> None:
        record = session.get(Record, card.record_id)
        assert record is not None
        cause = Cause.GAGAL_ENCODE if fault is Fault.ENCODE_FAILED else Cause.GAGAL_CETAK
        ledger.spoil_blank(
            session,
            card_ref=card.card_ref,
            cause=cause,
            actor=self.actor,
            at=now,
            note=FAULT_LABELS[fault],
        )
        move_card(
            session,
            card.id,  # type: ignore[arg-type]
            CardState.SPOILED,
            actor=self.actor,
            reason=f"kartu rusak ({FAULT_LABELS[fault]})",
            at=now,
            extra={"fault": fault.value, "spoil_cause": cause.value, **card_values},
        )
        target = card_failed(
            session,
            record.id,  # type: ignore[arg-type]
            attempts=record.attempts + 1,
            why=f"kartu rusak ({FAULT_LABELS[fault]})",
            actor=self.actor,
            at=now,
        )
        if target is RecordState.NEEDS_ATTENTION:
            self.outcome.needs_attention += 1
        self.outcome.spoiled += 1

    def void(self, card: Card, reason: str) -> None:
        """A card whose blank was taken but never sent: the blank goes back on the shelf."""
        with write_session(self.engine) as session:
            consumed = session.exec(
                select(Movement).where(Movement.idempotency_key == f"consume:{card.card_ref}")
            ).first()
            if consumed is not None:
                ledger.reverse(session, movement_id=consumed.id, actor=self.actor, reason=reason)  # type: ignore[arg-type]
            move_card(
                session,
                card.id,  # type: ignore[arg-type]
                CardState.VOID,
                actor=self.actor,
                reason=reason,
                extra={"note": reason},
            )

    def release_rest(self, reason: str, keep: int | None = None) -> None:
        """Records of this job not printed yet go back to the queue (but ``keep``)."""
        now = utcnow()
        with write_session(self.engine) as session:
            ids = [
                rid
                for rid in own_records(session, self.job_id, self.items())
                if rid != keep
                and (rec := session.get(Record, rid)) is not None
                and rec.state == RecordState.SCHEDULED.value
            ]
            self.outcome.released += transition(
                session, ids, RecordState.QUEUED, actor=self.actor, reason=reason, at=now
            )

    def finish(self, state: PrintJobState) -> None:
        ribbon = None
        if self.outcome.stopped != "printer":  # a printer that failed is not asked again now
            try:
                ribbon = self.driver.status().ribbon_percent
            except Exception:  # noqa: BLE001 - the supply level is a nicety, never a failure
                ribbon = None
        with write_session(self.engine) as session:
            job = session.get(PrintJob, self.job_id)
            assert job is not None
            if job.state != PrintJobState.RUNNING or job.worker != self.worker:
                return  # taken over meanwhile: its new worker closes it
            job.state, job.lease_until = state, None
            job.finished_at = None if state == PrintJobState.PLANNED else utcnow()
            job.printed += self.outcome.printed
            job.spoiled += self.outcome.spoiled
            job.note = self.outcome.reason
            session.add(job)
            printer = session.get(Printer, self.printer_name)
            if ribbon is not None and printer is not None:
                printer.ribbon_percent = ribbon  # where the driver reports it
                session.add(printer)

    def run(self) -> JobOutcome:
        try:
            return self._run()
        except _LostJob:
            # Another worker runs the job now (this one outlived its lease): whatever is
            # in flight is theirs to settle; nothing here is closed or given back.
            self.outcome.reason = LOST_JOB
            return self.outcome

    def _run(self) -> JobOutcome:
        in_flight: int | None = None
        done: Printed | None = None  # back from the printer, settled with the next take
        for record_id in self.items():
            try:
                taken = self.take_card(record_id, settle=done)
            except InsufficientStock as exc:
                done = None  # settled: committed before the stock ran out
                self.outcome.stopped, self.outcome.reason = "stock", exc.message
                break
            done = None
            if self.outcome.stopped:
                break  # the settled card stopped the printer
            if taken is None:
                continue
            card, pdf = taken
            try:
                result, sent = self.print_card(card, pdf)
            except _InFlight as exc:
                # The printer cannot say whether it holds this card: the card stays in
                # flight with this job, which resumes once the printer answers again.
                self._printer_down(exc.fault)
                in_flight = record_id
                break
            except PrinterFault as exc:
                self.void(
                    card, f"printer berhenti sebelum kartu dikirim: {FAULT_LABELS[exc.fault]}"
                )
                self._printer_down(exc)
                break
            done = Printed(card, result, sent)
        if done is not None:
            self.settle(done.card, done.result, done.sent)
        if self.outcome.stopped:
            self.release_rest(f"{self.printer_name}: {self.outcome.reason}", keep=in_flight)
        if in_flight is not None:
            self.finish(PrintJobState.PLANNED)  # unfinished: resumed when its printer is back
        else:
            self.finish(PrintJobState.STOPPED if self.outcome.stopped else PrintJobState.DONE)
        return self.outcome

    def _printer_down(self, exc: PrinterFault) -> None:
        now = utcnow()
        with write_session(self.engine) as session:
            # The card in flight was voided; its record waits for the next run.
            printer = session.get(Printer, self.printer_name)
            assert printer is not None
            record_fault(
                printer,
                reason=FAULT_LABELS[exc.fault],
                now=now,
                stopped=exc.fault in (Fault.JAM, Fault.OVERHEAT, Fault.RIBBON_OUT),
            )
            session.add(printer)
        self.outcome.stopped, self.outcome.reason = "printer", FAULT_LABELS[exc.fault]


def run_job(
    engine: Engine,
    *,
    job_id: int,
    served: ServedRegency,
    state_root: Path,
    worker: str,
    poll_interval: float = 0.02,
    poll_timeout: float = 300.0,
    lease: timedelta = LEASE,
) -> JobOutcome | None:
    """Claim and run one job; None when another worker holds it.

    ``lease`` (``CETAK_PRINT_LEASE_S`` in runs) is how long a claim outlives a silent
    worker: it is renewed at every card and every third of the lease while a card is at
    the printer; after it, another worker may take the job over and resume it. A worker
    that finds its job taken over stops at once (outcome reason ``LOST_JOB``).
    """
    if not claim(engine, job_id, worker=worker, lease=lease):
        return None
    runner = _Runner(engine, job_id, served, state_root, worker, poll_interval, poll_timeout, lease)
    return runner.run()
