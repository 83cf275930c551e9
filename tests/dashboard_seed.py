"""A small Klaten print room for dashboard tests, built through the real services.

Records come in through intake, blanks through the stock services, QC and distribution
through their services. Only printing itself is short-cut (the simulated printer flow is
slow): a printed card is a blank consumed by the ledger, a ``Card`` row and the record's
``scheduled -> printed`` transitions, as ``printers.production`` writes them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from application.installation import initialise
from cetak.db import write_session
from cetak.installation import ServedRegency
from cetak.lifecycle import RecordState
from cetak.models import Record, utcnow
from cetak.records import transition
from cetak.regions import load_regency
from cetak.settings import Settings
from cetak.users import add_user
from distribution import handover
from distribution import service as distribution
from intake.service import ingest_one
from inventory import ledger
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
            _print(s, ids[i], f"CRD-T-{i:04d}", "fargo-1", now + timedelta(seconds=i))
        for name, role in USERS.items():
            add_user(s, name, role, PASSWORD, actor="seed")
        s.add(
            ReorderRequest(
                number="SPB-3310-202611-001",
                state="DRAFT",
                quantity=1000,
                # What the reorder check keeps: its letter (PDF) is made from it.
                snapshot_json=json.dumps(
                    {
                        "today": served.today().isoformat(),
                        "facts": {
                            "prr_backlog": 4,
                            "on_hand": 490,
                            "daily_consumption": 10.0,
                            "lead_time_days": 14,
                            "usage_days": 30,
                        },
                        "position": {"days_of_cover": 49.0},
                    }
                ),
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
        handover.collect(s, served, nik_collected, by="pemohon", officer="seed")
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


# --- a year of history, in bulk (for the dashboard's speed) ---------------------------------


def bulk_history(
    engine: Engine, served: ServedRegency, *, records: int, days: int = 365, seed: int = 1
) -> None:
    """Years of a Klaten-sized print room, inserted in bulk (not through services).

    ``records`` PRRs arrive evenly over ``days`` days; each older than three days has a card
    printed two days after arrival (4% of cards spoiled first), packed per kecamatan and
    day, received three days later, and 85% collected within four months. The ledger
    holds a monthly lot and one CONSUMED row per card, and the balance cache matches it.
    Only the dashboard's speed test uses this: the figures are plausible, not exact.
    """
    import random

    import sqlalchemy as sa

    from cetak.models import Batch
    from cetak.users import AuditEntry
    from distribution.models import Collection, Shipment
    from inventory.models import Balance, Lot, Movement
    from printers.models import Printer

    rnd = random.Random(seed)
    now = utcnow().replace(microsecond=0)
    start = now - timedelta(days=days)
    kecs = sorted(served.kecamatan)
    per_day = records / days
    t = {m: m.__table__ for m in (Record, Card, Movement, Shipment, Collection, Batch)}  # type: ignore[attr-defined]
    with engine.begin() as conn:
        ins = [
            {"name": f"bulk-{i}", "driver": "spool", "uri": "/tmp", "site_code": "DISDUKCAPIL"}
            for i in range(1, 4)
        ]
        conn.execute(Printer.__table__.insert(), ins)  # type: ignore[attr-defined]
        batches = [
            {
                "batch_id": f"BULK-{d:04d}",
                "kode_wilayah": served.kode_wilayah,
                "jumlah_record": 0,
                "ack_json": "{}",
                "source_name": "bulk",
                "archive_path": "-",
                "accepted_at": start + timedelta(days=d),
            }
            for d in range(days + 1)
        ]
        conn.execute(t[Batch].insert(), batches)
        lots = []
        months = days // 28 + 1
        for m in range(months):
            lots.append(
                {
                    "code": f"BULK-LOT-{m:02d}",
                    "site_code": "DISDUKCAPIL",
                    "received_on": (start + timedelta(days=28 * m)).date(),
                    "quantity": int(per_day * 31) + 1000,
                    "actor": "bulk",
                    "received_at": start + timedelta(days=28 * m),
                }
            )
        conn.execute(Lot.__table__.insert(), lots)  # type: ignore[attr-defined]
        rec_rows, card_rows, mov_rows, col_rows = [], [], [], []
        shipments: dict[tuple[str, int], int] = {}
        ship_rows: list[dict] = []
        rec_id = conn.execute(sa.select(sa.func.coalesce(sa.func.max(t[Record].c.id), 0))).scalar()
        card_id = conn.execute(sa.select(sa.func.coalesce(sa.func.max(t[Card].c.id), 0))).scalar()
        ship_base = conn.execute(
            sa.select(sa.func.coalesce(sa.func.max(t[Shipment].c.id), 0))
        ).scalar()
        used = dict.fromkeys((lot["code"] for lot in lots), 0)

        def flush() -> None:
            for table, rows in (
                (t[Record], rec_rows),
                (t[Shipment], ship_rows),
                (t[Card], card_rows),
                (t[Movement], mov_rows),
                (t[Collection], col_rows),
            ):
                if rows:
                    # executemany wants the same keys in every row: fill with column defaults
                    keys = set().union(*rows)
                    scalar = {
                        c.name: c.default.arg
                        for c in table.columns
                        if c.default is not None and c.default.is_scalar
                    }
                    base = {k: scalar.get(k) for k in keys}
                    conn.execute(table.insert(), [base | r for r in rows])
                    rows.clear()

        for i in range(records):
            day = int(i / per_day)
            created = start + timedelta(days=day, minutes=rnd.randint(0, 600))
            kec = kecs[i % len(kecs)]
            rec_id += 1
            age = (now - created).days
            state = "queued"
            if age > 3:
                state = "ready" if age <= 5 else "dispatched" if age <= 8 else "received"
            rec_rows.append(
                {
                    "id": rec_id,
                    "prr_id": f"PRR-BULK-{i:08d}",
                    "batch_id": f"BULK-{day:04d}",
                    "row_number": i,
                    "nik": f"{kec.replace('.', '')}0101{70 + i % 30:02d}{i % 10000:04d}",
                    "nama": "WARGA BULK",
                    "tempat_lahir": "KLATEN",
                    "tanggal_lahir": "1970-01-01",
                    "birth_date": date(1940 + i % 60, 1, 1),
                    "jenis_kelamin": "LAKI-LAKI",
                    "golongan_darah": "O",
                    "alamat": "DUSUN",
                    "rt": "1",
                    "rw": "2",
                    "kel_desa": "DESA",
                    "kode_kecamatan": kec,
                    "agama": "ISLAM",
                    "status_perkawinan": "KAWIN",
                    "pekerjaan": "PETANI",
                    "kewarganegaraan": "WNI",
                    "berlaku_hingga": "SEUMUR HIDUP",
                    "jenis_permohonan": "BARU",
                    "tanggal_rekam": (created - timedelta(days=rnd.randint(5, 25)))
                    .date()
                    .isoformat(),
                    "foto": "-",
                    "state": state,
                    "created_at": created,
                    "updated_at": created,
                }
            )
            if state != "queued":
                printed = created + timedelta(days=2)
                lot = f"BULK-LOT-{min(int((printed - start).days / 28), months - 1):02d}"
                printer = f"bulk-{1 + i % 3}"
                if rnd.random() < 0.04:
                    card_id += 1
                    card_rows.append(
                        {
                            "id": card_id,
                            "card_ref": f"CRD-BULK-{i:08d}-1",
                            "record_id": rec_id,
                            "attempt": 1,
                            "printer_name": printer,
                            "lot_code": lot,
                            "state": "spoiled",
                            "spoil_cause": rnd.choice(
                                ["GAGAL_CETAK", "GAGAL_ENCODE", "RUSAK_FISIK"]
                            ),
                            "created_at": printed,
                        }
                    )
                    mov_rows.append(
                        {
                            "idempotency_key": f"spoil:CRD-BULK-{i:08d}-1",
                            "kind": "SPOILED",
                            "site_code": "DISDUKCAPIL",
                            "lot_code": lot,
                            "delta_on_hand": -1,
                            "delta_spoiled": 1,
                            "cause": "GAGAL_CETAK",
                            "card_ref": f"CRD-BULK-{i:08d}-1",
                            "actor": "bulk",
                            "at": printed,
                        }
                    )
                    used[lot] += 1
                card_id += 1
                ship_id = None
                received_at = None
                card_state = "passed"
                if state in ("dispatched", "received"):
                    key = (kec, day)
                    if key not in shipments:
                        shipments[key] = ship_base + len(shipments) + 1
                        ship_rows.append(
                            {
                                "id": shipments[key],
                                "number": f"KRM-BULK-{day:04d}-{kec}",
                                "kode_kecamatan": kec,
                                "state": state,
                                "cards": 0,
                                "packed_by": "bulk",
                                "packed_at": printed,
                                "dispatched_at": printed,
                                "received_at": printed + timedelta(days=3)
                                if state == "received"
                                else None,
                            }
                        )
                    ship_id = shipments[key]
                    card_state = state
                    if state == "received":
                        received_at = printed + timedelta(days=3)
                        taken = received_at + timedelta(days=rnd.randint(1, 120))
                        if taken < now and rnd.random() < 0.85:
                            card_state = "collected"
                            col_rows.append(
                                {
                                    "card_id": card_id,
                                    "record_id": rec_id,
                                    "place": "kecamatan",
                                    "kode_kecamatan": kec,
                                    "collected_by": "pemohon",
                                    "officer": "bulk",
                                    "at": taken,
                                }
                            )
                card_rows.append(
                    {
                        "id": card_id,
                        "card_ref": f"CRD-BULK-{i:08d}",
                        "record_id": rec_id,
                        "attempt": 2,
                        "printer_name": printer,
                        "lot_code": lot,
                        "state": card_state,
                        "created_at": printed,
                        "printed_at": printed,
                        "qc_at": printed,
                        "shipment_id": ship_id,
                        "received_at": received_at,
                    }
                )
                rec_rows[-1]["state"] = {"collected": "collected"}.get(card_state, state)
                mov_rows.append(
                    {
                        "idempotency_key": f"consume:CRD-BULK-{i:08d}",
                        "kind": "CONSUMED",
                        "site_code": "DISDUKCAPIL",
                        "lot_code": lot,
                        "delta_on_hand": -1,
                        "card_ref": f"CRD-BULK-{i:08d}",
                        "record_id": rec_id,
                        "actor": "bulk",
                        "at": printed,
                    }
                )
                used[lot] += 1
            if len(rec_rows) >= 20_000:
                flush()
        flush()
        for lot in lots:
            mov_rows.append(
                {
                    "idempotency_key": f"receive:{lot['code']}",
                    "kind": "RECEIVED",
                    "site_code": "DISDUKCAPIL",
                    "lot_code": lot["code"],
                    "delta_on_hand": lot["quantity"],
                    "actor": "bulk",
                    "at": lot["received_at"],
                }
            )
        flush()
        conn.execute(
            Balance.__table__.insert(),  # type: ignore[attr-defined]
            [
                {
                    "site_code": "DISDUKCAPIL",
                    "lot_code": lot["code"],
                    "lot_received_on": lot["received_on"],
                    "on_hand": max(lot["quantity"] - used[lot["code"]], 0),
                    "awaiting_destruction": 0,
                }
                for lot in lots
            ],
        )
        conn.execute(
            AuditEntry.__table__.insert(),  # type: ignore[attr-defined]
            [
                {
                    "at": now - timedelta(minutes=i),
                    "actor": "ops",
                    "role": "operator",
                    "action": "qc_pass",
                    "target": f"CRD-{i}",
                    "detail_json": "{}",
                    "ok": True,
                }
                for i in range(5000)
            ],
        )
