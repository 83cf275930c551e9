"""A small Klaten print room for dashboard tests, built through the real services.

Records come in through intake, blanks through the stock services, QC and distribution
through their services. Only printing itself is short-cut (the simulated printer flow is
slow): a printed card is a blank consumed by the ledger, a ``Card`` row and the record's
``scheduled -> printed`` transitions, as ``printers.production`` writes them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from cetak.db import write_session
from cetak.installation import ServedRegency, initialise
from cetak.lifecycle import RecordState
from cetak.models import Record, utcnow
from cetak.records import transition
from cetak.regions import load_regency
from cetak.settings import Settings
from cetak.users import add_user
from intake.service import ingest_one
from inventory import ledger
from inventory.distribution import service as distribution
from inventory.models import ReorderRequest
from inventory.rules import Cause
from printers import qc
from printers.models import Card
from printers.registry import add_printer, set_down

from factory import BatchSpec, make_row

PASSWORD = "sandi-rahasia-1"
USERS = {
    "ops": "operator",
    "stok": "stock_manager",
    "kasi": "supervisor",
    "tamu": "viewer",
}
KEC_A, KEC_B = "33.10.05", "33.10.24"  # Cawas, Klaten Utara


@dataclass
class Seeded:
    served: ServedRegency
    record_ids: list[int]
    niks: list[str]
    printed: list[str] = field(default_factory=list)  # awaiting QC
    shipment: str = ""  # dispatched, waiting for the kecamatan's receipt
    collectable_nik: str = ""  # a card waiting at the kecamatan
    request: str = ""  # a DRAFT reorder request
    case_id: int = 0  # an open discrepancy


def _print(session: Session, record_id: int, ref: str, printer: str, at) -> None:
    transition(session, [record_id], RecordState.SCHEDULED, actor="seed", at=at)
    ledger.consume_blank(session, card_ref=ref, actor="seed", record_id=record_id, at=at)
    session.add(
        Card(
            card_ref=ref,
            record_id=record_id,
            attempt=1,
            printer_name=printer,
            lot_code="BLG-T-1",
            state="printed",
            created_at=at,
            submitted_at=at,
            printed_at=at,
        )
    )
    transition(session, [record_id], RecordState.PRINTED, actor="seed", at=at)


def seed(engine: Engine, settings: Settings, tmp: Path) -> Seeded:
    served, _ = initialise(engine, load_regency("33.10"))
    rows = [make_row(kecamatan=KEC_A if i % 3 else KEC_B) for i in range(14)]
    rows.append(make_row(kecamatan=KEC_A, nik="12345"))  # quarantined: a bad NIK
    spec = BatchSpec(batch_id="PRR-3310-20261122-0001", rows=rows)
    ack = ingest_one(
        engine=engine,
        path=spec.write(tmp / "in"),
        served=served,
        home_dirs=(settings.archive_dir, settings.rejected_dir, settings.outbox_dir),
        today=served.today(),
    )
    assert ack["status"] == "ACCEPTED", ack
    now = utcnow()
    with write_session(engine) as s:
        recs = list(s.exec(select(Record).where(Record.state == "queued").order_by(Record.id)))
        ids, niks = [r.id for r in recs], [r.nik for r in recs]
        ledger.receive_stock(
            s, lot="BLG-T-1", quantity=500, actor="seed", received_on=served.today()
        )
        for name in ("fargo-1", "fargo-2"):
            add_printer(
                s,
                name=name,
                driver="simulated",
                uri=f"sim://{name}",
                state_root=settings.resolved_home,
            )
        set_down(s, "fargo-2", "ribbon habis")
        # Ten cards printed today on fargo-1 (records 0-9); 10-13 stay queued.
        for i in range(10):
            _print(s, ids[i], f"CRD-T-{i:04d}", "fargo-1", now - timedelta(minutes=30 - i))
        for name, role in USERS.items():
            add_user(s, name, role, PASSWORD, actor="seed")
        s.add(
            ReorderRequest(
                number="SPB-3310-202611-001",
                state="DRAFT",
                quantity=1000,
                snapshot_json=json.dumps({"facts": {}, "position": {}}),
                actor="seed",
            )
        )
    with write_session(engine) as s:
        qc.pass_cards(s, [f"CRD-T-{i:04d}" for i in range(6)], actor="seed")
        qc.reject_cards(s, ["CRD-T-0006"], actor="seed", cause=Cause.RUSAK_FISIK)
    # Cards 0-5 passed QC. Kecamatan A's go out and arrive (one missing); B's stay in transit.
    with write_session(engine) as s:
        packed = distribution.pack(s, served, actor="seed")
    by_kec = {p.kode_kecamatan: p.number for p in packed}
    with write_session(engine) as s:
        distribution.dispatch(s, actor="seed")
    with write_session(engine) as s:
        manifest_a = [
            c.card_ref
            for c in s.exec(select(Card).where(Card.state == "dispatched"))
            if s.get(Record, c.record_id).kode_kecamatan == KEC_A
        ]
        got = distribution.receive(
            s,
            served,
            by_kec[KEC_A],
            officer="Sri (Kec. Cawas)",
            actor="seed",
            received=None,
            missing=[manifest_a[0]],
        )
    with write_session(engine) as s:
        waiting = s.exec(select(Card).where(Card.state == "received").order_by(Card.id)).all()
        collected, left = waiting[0], waiting[1]
        nik_collected = s.get(Record, collected.record_id).nik
        distribution.collect(s, served, nik_collected, by="pemohon", officer="seed")
        collectable = s.get(Record, left.record_id).nik
    return Seeded(
        served=served,
        record_ids=ids,
        niks=niks,
        printed=["CRD-T-0007", "CRD-T-0008", "CRD-T-0009"],
        shipment=by_kec[KEC_B],
        collectable_nik=collectable,
        request="SPB-3310-202611-001",
        case_id=got.cases[0],
    )
