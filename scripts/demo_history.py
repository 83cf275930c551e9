"""``make demo``: weeks of a print room's life, simulated day by day in one process.

A clock (``cetak.clock.simulate``) starts some weeks ago and advances through every day up
to yesterday; today runs on the wall clock. Each working day central delivers a PRR batch,
the ``ingest`` flow's steps take it in, the daily reorder check runs, print runs every hour
between 07:30 and 15:00 (daily limits and rests of each printer apply), operators pass
cards at QC (rejecting the odd damaged one), the 14:00 ``distribution`` flow packs and
dispatches to the kecamatan on the day's courier route, kecamatan receive their shipments
the next working day (one card reported missing, later one cracked) and residents come for
their cards over the following days, with a receipt each; the 16:00 daily report is
written where that flow exists.
One printer loses its data link on the third day and is repaired the next morning ("kabel
data diganti"); another jams now and then; a box of blanks gets wet on the shelf; the
reorder check asks central for blanks, central confirms and a new lot arrives; spoiled
blanks are destroyed with a berita acara; each month has its report. The ledger is
reconciled every night.

Everything is done through the use cases staff and flows use (``application.actions`` and
the flows' own task functions, called without Prefect's server: one process, quick), so
the history is the one the product would have recorded. Today a batch is printed and
passed at QC but not yet dispatched, so ``cetak records --state ready`` shows it, and half
of yesterday's shipments are still on the road. PNG previews of a few cards are written to
``$CETAK_HOME/pratinjau/`` when ``pdftoppm`` is installed.

    CETAK_HOME=var/demo .venv/bin/python scripts/demo_history.py [--days 20] [--per-day 75]

The home must be new (``make demo`` removes it first). Data are invented people only.
"""

from __future__ import annotations

import argparse
import os
import random
import secrets
import shutil
import subprocess
import sys
import tempfile
import time as wall
from collections import Counter, defaultdict
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

REGENCY = "33.10"  # Klaten
FIRST_LOT = "BLG-{:%Y-%m}-A"
OFFICERS = ["Sri Wahyuni", "Agus Prasetyo", "Dwi Lestari", "Eko Susanto", "Siti Rahayu"]
WITNESSES = ["Sri Wahyuni", "Agus Prasetyo"]
STAFF = (  # user, role, full name (receipts and documents print it)
    ("rina", "operator", "Rina Wulandari"),
    ("dewi", "operator", "Dewi Kusumawati"),
    ("bayu", "stock_manager", "Bayu Setiawan"),
)
PRINT_SLOTS = [(7, 30), (8, 30), (9, 30), (10, 30), (11, 30), (13, 0), (14, 0), (15, 0)]
#: Demo-only officials printed on letters and berita acara (invented names).
OFFICIALS = {
    "CETAK_KEPALA_DINAS": "Drs. Hartono Wibisono, M.Si.",
    "CETAK_KEPALA_SEKSI": "Sulistyowati, S.Kom.",
    "CETAK_COURIER": "Bambang Sutrisno (kurir)",
}


def say(text: str) -> None:
    print(text, flush=True)


def working_days_back(end: date, n: int) -> date:
    """The first of the ``n`` working days (Monday to Friday) before ``end``."""
    day, left = end, n
    while left:
        day -= timedelta(days=1)
        if day.weekday() < 5:
            left -= 1
    return day


class History:
    """One simulated print room: its settings, engine, staff and the day's clock."""

    def __init__(self, args: argparse.Namespace) -> None:
        from application.installation import initialise
        from cetak.clock import simulate
        from cetak.db import engine_from_settings
        from cetak.regions import load_regency
        from cetak.settings import get_settings

        self.args = args
        self.rng = random.Random(args.seed)
        self.simulate = simulate
        self.settings = get_settings()
        self.home = self.settings.resolved_home
        if (self.home / "cetak.db").exists():
            raise SystemExit(f"{self.home} sudah berisi data; riwayat demo butuh folder baru.")
        self.regency = load_regency(REGENCY)
        self.zone = ZoneInfo(self.regency.timezone)
        self.today = datetime.now(self.zone).date()  # the last day, on the wall clock
        self.start = working_days_back(self.today, args.days)
        self.at(self.start, 7, 0)
        self.settings.ensure_dirs()
        self.engine = engine_from_settings(self.settings)
        self.served, _ = initialise(self.engine, self.regency)
        self.staff: dict[str, Any] = {}
        self.pickups: dict[date, list[tuple[str, str, str]]] = defaultdict(list)
        self.scheduled: set[str] = set()
        self.missing_case: tuple[int, date] | None = None
        self.request: dict[str, Any] | None = None
        self.lots = 1
        self.serial_next = 500_001
        self.counts: Counter[str] = Counter()
        self.day_index = 0

    # --- the clock ---------------------------------------------------------------------------

    def at(self, day: date, hour: int, minute: int = 0) -> None:
        """Move the clock to ``hour:minute`` of ``day`` (regency time); today: wall clock."""
        if day >= self.today:
            self.simulate(None)
            return
        moment = datetime.combine(day, time(hour, minute), self.zone)
        self.simulate(moment + timedelta(minutes=self.rng.randrange(0, 5)))

    def working(self, day: date) -> bool:
        return day.weekday() < 5

    def later_working_day(self, day: date, n: int) -> date:
        while n:
            day += timedelta(days=1)
            if self.working(day):
                n -= 1
        return day

    # --- set-up ------------------------------------------------------------------------------

    def set_up(self) -> None:
        from sqlmodel import Session

        from application import actions
        from cetak.users import officer

        admin = "cli:admin"
        for name, role, full in STAFF:
            actions.add_user(
                self.engine, admin, name, role, secrets.token_urlsafe(12), full_name=full
            )
        with Session(self.engine) as session:
            self.staff = {name: officer(session, name) for name, _, _ in STAFF}
        quantity = self.args.first_lot
        self.receive_lot(self.start, quantity, reference=f"B-2211/DUKCAPIL/{self.start:%m}/2026")
        limit = self.args.daily_limit
        fleet = [
            ("fargo-1", "seed=1&encode_fail=0.02"),
            ("fargo-2", f"seed=2&offline_after={limit * 2 + limit // 2}"),
            ("fargo-3", f"seed=3&jam_every={limit * 4 + 7}"),
        ]
        for name, query in fleet:
            actions.add_printer(
                self.engine,
                self.staff["rina"],
                name=name,
                driver="simulated",
                uri=f"sim://{name}?{query}",
                site=None,
                daily_limit=limit,
                rest_after=limit // 2,
                rest_minutes=30,
                state_root=self.home,
            )
        say(
            f"Riwayat {self.args.days} hari kerja: {self.start:%d-%m-%Y} s.d. {self.today:%d-%m-%Y}"
            f" ({self.served.kabupaten}); 3 printer, {quantity} blangko awal."
        )

    def receive_lot(
        self, day: date, quantity: int, *, reference: str, request: str | None = None
    ) -> None:
        from application import actions

        code = f"BLG-{day:%Y-%m}-{'ABCDEFGH'[self.lots - 1]}"
        actions.receive_lot(
            self.engine,
            self.staff["bayu"],
            lot=code,
            quantity=quantity,
            received_on=day,
            reference=reference,
            serial_start=f"KTP{self.serial_next:07d}",
            request=request,
        )
        self.lots += 1
        self.serial_next += (quantity // 10_000 + 1) * 10_000
        self.counts["lots"] += 1
        say(f"  {day:%d-%m} lot {code} diterima: {quantity} blangko")

    # --- the flows' steps, as their tasks run them -------------------------------------------

    def deliver_and_ingest(self, day: date) -> None:
        from demo.feed import generate_feed
        from intake import service
        from intake.delivery import expand_paths
        from workflows import ingest

        base = self.args.per_day * (1.3 if day.weekday() == 0 else 1.0)  # Monday: more
        n = max(10, int(base * self.rng.uniform(0.8, 1.2)))
        with tempfile.TemporaryDirectory(dir=self.home) as tmp:
            generate_feed(
                regency=self.regency,
                records=n,
                out=Path(tmp),
                seed=self.args.seed * 1000 + self.day_index,
                batch_size=n,
                start=day,
                today=day,
            )
            for batch in Path(tmp).iterdir():  # central drops the batch into the inbox
                shutil.move(str(batch), self.settings.inbox_dir / batch.name)
        s = self.settings
        plan = expand_paths([s.inbox_dir], inbox=s.inbox_dir)
        steps = service.DeliverySteps(
            check=lambda path: ingest.check_batch.fn(path, s),
            settle=lambda checked: ingest.store_records.fn(checked, s),
            write_ack=lambda ack: ingest.write_ack.fn(ack, s),
            file=lambda source, dest, move: ingest.file_delivery.fn(source, dest, move),
        )
        for item in plan.deliveries:
            ack = service.ingest_delivery(item, inbox=s.inbox_dir, steps=steps).ack
            if ack:
                self.counts["records"] += n
                self.counts["queued"] += ack["queued"]

    def reorder_check(self) -> dict[str, Any]:
        from workflows import stock

        outcome = stock.decide_reorder.fn(self.settings)
        stock.produce_documents.fn(self.settings)
        stock.deliver_alerts.fn(self.settings)
        return outcome  # type: ignore[no-any-return]

    def print_run(self) -> dict[str, int]:
        """The ``print_run`` flow's steps in order (``workflows.printing``)."""
        from workflows import printing
        from workflows.common import audit_flow

        s = self.settings
        released = printing.release_held_records.fn(s)
        printing.probe_printers.fn(s, None)
        planned = printing.plan_jobs.fn(s, None, None)
        outcomes = [
            o
            for name, ids in sorted(planned.items())
            for o in printing.run_printer.fn(name, ids, s)
        ]
        stock_out = any(o["stopped"] == "stock" for o in outcomes)
        extra = printing.after_run.fn(s, stock_out)
        summary = {
            "released_held": released,
            "printed": sum(o["printed"] for o in outcomes),
            "spoiled": sum(o["spoiled"] for o in outcomes),
            "requeued": sum(o["released"] for o in outcomes),
            "stock_out": bool(extra.get("stock_out")),
        }
        audit_flow(
            self.engine,
            "print_run",
            "print_run",
            detail={k: summary[k] for k in ("printed", "spoiled", "requeued", "stock_out")},
        )
        for o in outcomes:
            if o["stopped"] == "printer":
                say(f"  {self.clock_text()} {o['printer']} berhenti: {o['reason']}")
        self.counts["printed"] += summary["printed"]
        self.counts["spoiled"] += summary["spoiled"]
        return summary

    def distribution(self) -> int:
        """The 14:00 flow, per kecamatan on today's courier route: each kecamatan is
        visited every other working day (``distribution(kecamatan=...)``)."""
        from workflows import distribution

        s = self.settings
        route = sorted(self.served.kecamatan)[self.day_index % 2 :: 2]
        shipments = [x for kec in route for x in distribution.pack_and_dispatch.fn(s, kec)]
        distribution.write_manifests.fn(s, [x["number"] for x in shipments])
        distribution.print_receipts.fn(s)
        distribution.uncollected_alerts.fn(s)
        self.counts["shipments"] += len(shipments)
        return len(shipments)

    def daily_report(self) -> None:
        """The 16:00 ``daily_report`` flow's step, where this installation has that flow."""
        try:
            from workflows import reports
        except ImportError:
            return
        reports.write_daily_report.fn(self.settings, None)
        self.counts["daily_reports"] += 1

    def reconcile(self) -> list[Any]:
        from workflows import stock

        problems = stock.check_ledger.fn(self.settings)
        stock.deliver_alerts.fn(self.settings)
        return problems  # type: ignore[no-any-return]

    # --- what staff do -----------------------------------------------------------------------

    def clock_text(self) -> str:
        from cetak.models import utcnow

        return f"{utcnow().astimezone(self.zone):%d-%m %H:%M}"

    def repair_printers(self, *, morning: bool) -> None:
        """Jams are cleared at once; a printer that lost its link waits for the technician,
        who replaces the data cable the next morning."""
        from sqlmodel import Session, select

        from application import actions
        from printers.models import Printer

        with Session(self.engine) as session:
            down = [(p.name, p.state) for p in session.exec(select(Printer))]
        for name, state in down:
            if state == "maintenance":
                reason = "kartu macet diangkat, printer dibersihkan"
            elif state == "offline" and morning:
                reason = "kabel data diganti"
            else:
                continue
            actions.mark_printer_up(
                self.engine, self.staff["rina"], name, reason, state_root=self.home
            )
            self.counts["repairs"] += 1
            say(f"  {self.clock_text()} {name} kembali siap: {reason}")

    def qc(self, *, reject_one: bool) -> int:
        from sqlmodel import Session, col, select

        from application import actions
        from printers.models import Card

        with Session(self.engine) as session:
            refs = list(
                session.exec(
                    select(Card.card_ref).where(Card.state == "printed").order_by(col(Card.id))
                )
            )
        if not refs:
            return 0
        rina = self.staff["rina"]
        if reject_one and len(refs) > 5:
            bad = refs.pop(self.rng.randrange(len(refs)))
            actions.reject_cards(
                self.engine, rina, [bad], cause="RUSAK_FISIK", note="tergores saat laminasi"
            )
            self.counts["qc_rejected"] += 1
        for i in range(0, len(refs), 50):
            actions.pass_cards(self.engine, rina, refs[i : i + 50])
        return len(refs)

    def receive_shipments(self, day: date, *, last: bool) -> None:
        """Shipments dispatched on an earlier day reach their kecamatan the next working
        day: one (after the first week) with a card missing, one (near the end) with a card
        cracked, whose case stays open; today half the couriers are still on the road."""
        from sqlmodel import Session

        from application import actions
        from distribution import queries

        with Session(self.engine) as session:
            waiting = queries.shipments(session, state="dispatched", limit=1000)
        dewi = self.staff["dewi"]
        waiting.sort(key=lambda s: s["number"])
        if last:  # the other couriers are still on the road when the history ends
            waiting = waiting[: len(waiting) // 2]
        for shipment in waiting:
            number, kec = shipment["number"], shipment["kode_kecamatan"]
            officer = OFFICERS[int(kec[-2:]) % len(OFFICERS)]
            missing: list[str] = []
            damaged: list[str] = []
            if shipment["cards"] >= 2:
                first_week_over = self.day_index >= max(1, self.args.days // 4)
                if self.missing_case is None and first_week_over:
                    missing = [self.card_of(number)]
                elif not self.counts["damaged"] and self.day_index >= self.args.days - 2:
                    damaged = [self.card_of(number)]
                    self.counts["damaged"] += 1
            got = actions.receive_shipment(
                self.engine,
                dewi,
                number,
                officer=officer,
                missing=missing,
                damaged=damaged,
                settings=self.settings,
            )
            self.counts["received_shipments"] += 1
            if missing:
                self.missing_case = (got.cases[0] if got.cases else -1, day)
            for ref, what in [
                *((r, "tidak ada") for r in missing),
                *((r, "retak") for r in damaged),
            ]:
                say(
                    f"  {day:%d-%m} kiriman {number} diterima {shipment['kecamatan']}: "
                    f"1 kartu {what} ({ref}), kasus selisih dibuka"
                )

    def card_of(self, number: str) -> str:
        from sqlmodel import Session

        from distribution import queries

        with Session(self.engine) as session:
            cards = queries.shipment_cards(session, number)
        return str(cards[len(cards) // 2]["card_ref"])

    def resolve_missing(self, day: date) -> None:
        from application import actions

        if self.missing_case is None or self.missing_case[0] < 0:
            return
        case_id, opened = self.missing_case
        if day < self.later_working_day(opened, 3):
            return
        self.missing_case = (-1, opened)  # resolved once
        actions.resolve_discrepancy(
            self.engine,
            self.staff["dewi"],
            case_id,
            "lost",
            note="tidak ditemukan di kecamatan maupun di kurir; dicetak ulang",
        )
        say(f"  {day:%d-%m} kasus selisih #{case_id} ditutup: kartu hilang, dicetak ulang")

    def plan_pickups(self, day: date) -> None:
        """Residents whose card reached their kecamatan come for it over the next days;
        some have not come yet when the history ends."""
        from sqlmodel import Session, select

        from cetak.models import Record

        with Session(self.engine) as session:
            rows = session.exec(
                select(Record.prr_id, Record.nik, Record.nama, Record.kode_kecamatan).where(
                    Record.state == "received"
                )
            ).all()
        for prr_id, nik, nama, kec in rows:
            key = prr_id or nik
            if key in self.scheduled:
                continue
            self.scheduled.add(key)
            if self.rng.random() < 0.8:
                wait = min(int(self.rng.expovariate(1 / 4)) + 1, 30)
                self.pickups[self.later_working_day(day, wait)].append((nik, nama, kec))

    def pickups_today(self, day: date) -> None:
        from application import actions
        from cetak.errors import CetakError

        people = self.pickups.pop(day, [])
        dewi = self.staff["dewi"]
        for i, (nik, nama, kec) in enumerate(people):
            self.at(day, 8 + 7 * i // max(len(people), 1), self.rng.randrange(0, 50))
            by = nama.title()
            if self.rng.random() < 0.15:  # a relative fetches it with a power of attorney
                by = f"{self.rng.choice(OFFICERS).split()[0]} (keluarga, dengan surat kuasa)"
            try:
                actions.record_collection(
                    self.engine, dewi, nik, by=by, kecamatan=kec, settings=self.settings
                )
            except CetakError:  # its card was superseded or lost meanwhile
                continue
            self.counts["collected"] += 1

    def reorder_steps(self, day: date, outcome: dict[str, Any]) -> None:
        """The stock manager sends the request letter; central confirms two working days
        later and the lot arrives five working days after the letter."""
        from application import actions

        bayu = self.staff["bayu"]
        request = outcome.get("request")
        if self.request is None and request and request["state"] == "DRAFT":
            self.at(day, 9, 0)
            actions.mark_request_sent(self.engine, bayu, request["number"])
            self.request = {
                "number": request["number"],
                "quantity": request["quantity"],
                "confirm": self.later_working_day(day, 2),
                "arrive": self.later_working_day(day, 5),
            }
            self.counts["requests"] += 1
            say(
                f"  {day:%d-%m} stok menipis: permintaan {request['number']} "
                f"({request['quantity']} blangko) dikirim ke pusat"
            )
            return
        if self.request is None:
            return
        if day == self.request["confirm"]:
            self.at(day, 10, 0)
            actions.confirm_request(
                self.engine, bayu, self.request["number"], quantity=self.request["quantity"]
            )
            say(f"  {day:%d-%m} pusat mengonfirmasi permintaan {self.request['number']}")
        if day == self.request["arrive"]:
            self.at(day, 10, 30)
            self.receive_lot(
                day,
                self.request["quantity"],
                reference=f"B-{3000 + self.day_index}/DUKCAPIL/{day:%m}/2026",
                request=self.request["number"],
            )
            self.request = None

    def shelf_spoilage(self, day: date) -> None:
        from application import actions

        actions.spoil_blanks(
            self.engine,
            self.staff["bayu"],
            cause="RUSAK_FISIK",
            reason="kemasan basah terkena bocoran atap gudang",
            quantity=3,
            today=day,
        )
        say(f"  {day:%d-%m} 3 blangko rusak di rak (kemasan basah)")

    def destruction(self, day: date) -> None:
        from application import actions

        done = actions.destroy_spoiled(
            self.engine,
            self.staff["bayu"],
            self.settings,
            held_on=day,
            witnesses=WITNESSES,
        )
        self.counts["destroyed"] += done.quantity
        say(f"  {day:%d-%m} {done.quantity} blangko rusak dimusnahkan, berita acara {done.number}")

    def monthly_report(self, month: date) -> None:
        from sqlmodel import Session

        from inventory import queries
        from inventory.paperwork import monthly_report

        with Session(self.engine) as session:
            _, awaiting = queries.totals(session)
        path = monthly_report(self.engine, self.settings, self.served, month, awaiting)
        self.counts["reports"] += 1
        say(f"  laporan bulanan {month:%m-%Y}: {path.name}")

    # --- the days ----------------------------------------------------------------------------

    def working_day(self, day: date, *, last: bool) -> None:
        self.at(day, 6, 55)
        self.repair_printers(morning=True)
        self.at(day, 7, 0)
        outcome = self.reorder_check()
        self.reorder_steps(day, outcome)
        self.at(day, 7, 10)
        self.deliver_and_ingest(day)
        if self.first_of_month(day):
            self.at(day, 8, 0)
            self.monthly_report((day.replace(day=1) - timedelta(days=1)).replace(day=1))
        self.at(day, 9, 0)
        self.receive_shipments(day, last=last)
        self.resolve_missing(day)
        self.plan_pickups(day)
        self.pickups_today(day)
        if self.day_index == self.args.days // 2:
            self.at(day, 11, 40)
            self.shelf_spoilage(day)
        slots = PRINT_SLOTS[:3] if last else PRINT_SLOTS
        for hour, minute in slots:
            self.at(day, hour, minute)
            self.repair_printers(morning=False)
            self.print_run()
            if (hour, minute) == (11, 30):
                self.at(day, 11, 50)
                self.qc(reject_one=self.day_index % 4 == 1)
            if (hour, minute) == (13, 0):
                self.at(day, 13, 45)
                self.qc(reject_one=False)
                if not last:
                    self.at(day, 14, 0)
                    self.distribution()
        self.at(day, 15, 45)
        self.qc(reject_one=False)
        if self.day_index == self.args.days - 3:
            self.at(day, 15, 50)
            self.destruction(day)
        if not last:
            self.at(day, 16, 0)
            self.daily_report()

    def first_of_month(self, day: date) -> bool:
        """The first working day of a month (the report of the month before is due)."""
        d = day - timedelta(days=1)
        while d.month == day.month and not self.working(d):
            d -= timedelta(days=1)
        return d.month != day.month and day != self.start

    def run(self) -> None:
        started = wall.monotonic()
        self.set_up()
        day = self.start
        while day <= self.today:
            last = day == self.today
            if self.working(day) or last:
                self.working_day(day, last=last)
                self.day_index += 1
                if not last:
                    done = self.counts
                    say(
                        f"{day:%a %d-%m}: dicetak {done['printed']}, kiriman {done['shipments']},"
                        f" diambil {done['collected']} (kumulatif, {wall.monotonic() - started:.0f}"
                        " dtk)"
                    )
            if not last:
                self.at(day, 23, 30)
                problems = self.reconcile()
                if problems:
                    raise SystemExit(f"rekonsiliasi {day}: {problems}")
            day += timedelta(days=1)
        self.simulate(None)
        self.monthly_report(self.today.replace(day=1))
        self.card_previews()
        say(
            f"Selesai dalam {wall.monotonic() - started:.0f} detik: "
            + ", ".join(f"{k} {v}" for k, v in sorted(self.counts.items()))
        )

    def card_previews(self, n: int = 3) -> None:
        """PNG previews of a few printed cards in ``$CETAK_HOME/pratinjau/`` (the same
        rendering the printers get), when ``pdftoppm`` (poppler-utils) is installed."""
        from sqlmodel import Session, col, select

        from cetak.models import Record
        from papers.card import render_card
        from printers.models import Card
        from printers.production import card_data

        tool = shutil.which("pdftoppm")
        if tool is None:
            say("pratinjau kartu dilewati: pdftoppm (poppler-utils) tidak terpasang")
            return
        folder = self.home / "pratinjau"
        folder.mkdir(parents=True, exist_ok=True)
        with Session(self.engine) as session:
            cards = session.exec(
                select(Card).where(col(Card.state).in_(["collected", "received", "passed"]))
            ).all()
            seen: set[str] = set()
            picked = []
            for card in cards:
                record = session.get(Record, card.record_id)
                if record is None or record.kode_kecamatan in seen:
                    continue
                seen.add(record.kode_kecamatan)
                picked.append((card.card_ref, record, self.served.now(card.created_at)))
                if len(picked) == n:
                    break
            pdfs = [  # as printed: the card's own day of issue
                (ref, render_card(card_data(session, record, self.served, printed)))
                for ref, record, printed in picked
            ]
        for ref, pdf in pdfs:
            with tempfile.TemporaryDirectory() as tmp:
                source = Path(tmp) / "kartu.pdf"
                source.write_bytes(pdf)
                target = folder / ref
                subprocess.run(
                    [tool, "-png", "-r", "200", "-singlefile", str(source), str(target)],
                    check=True,
                )
        say(f"pratinjau {len(pdfs)} kartu: {folder}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=20, help="hari kerja sebelum hari ini")
    parser.add_argument("--per-day", type=int, default=75, help="PRR rata-rata per hari kerja")
    parser.add_argument("--daily-limit", type=int, default=35, help="kartu per printer per hari")
    parser.add_argument("--first-lot", type=int, default=1000, help="blangko lot pertama")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    if args.days < 4:
        parser.error("--days minimal 4")
    for key, value in OFFICIALS.items():
        os.environ.setdefault(key, value)
    os.environ["CETAK_QC_AUTO_PASS"] = "false"  # in this history staff pass cards at QC
    History(args).run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
