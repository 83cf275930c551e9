"""Small factories for tests: valid feed rows and batches written to disk, and a print
room built through the real services (records ingested, blanks received, simulated
printers, cards packed and dispatched, reorder requests)."""

from __future__ import annotations

import csv
import hashlib
import io
import itertools
import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from PIL import Image
from sqlmodel import Session, select

from cetak.db import LOCK_DISTRIBUTION, write_session
from cetak.models import Record
from distribution import service
from intake.nik import encode_nik
from intake.rules import FEED_COLUMNS
from intake.service import ingest_one
from inventory import ledger
from inventory.models import Movement, ReorderRequest
from printers.models import Card
from printers.registry import add_printer

_seq = itertools.count(1)


@cache
def jpeg_bytes(colour: tuple[int, int, int] = (200, 30, 30)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (30, 40), colour).save(buf, "JPEG", quality=70)
    return buf.getvalue()


@cache
def png_bytes() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (30, 40), (30, 30, 200)).save(buf, "PNG")
    return buf.getvalue()


def make_row(
    *,
    birth: date = date(1990, 5, 17),
    female: bool = False,
    kecamatan: str = "33.10.05",
    seq: int | None = None,
    **overrides: Any,
) -> dict[str, str]:
    """A valid row (a Klaten resident); override any column by keyword."""
    n = next(_seq) if seq is None else seq
    nik = encode_nik(kecamatan.replace(".", ""), birth, female=female, sequence=n % 9999 + 1)
    row = {
        "prr_id": f"PRR-T-{n:08d}",
        "nik": nik,
        "nama": "SRI WAHYUNI" if female else "BUDI SANTOSO",
        "tempat_lahir": "KLATEN",
        "tanggal_lahir": birth.isoformat(),
        "jenis_kelamin": "PEREMPUAN" if female else "LAKI-LAKI",
        "golongan_darah": "O",
        "alamat": "DUSUN KRAJAN",
        "rt": "3",
        "rw": "11",
        "kel_desa": "TAMBAKBOYO",
        "kode_kecamatan": kecamatan,
        "agama": "ISLAM",
        "status_perkawinan": "KAWIN",
        "pekerjaan": "PETANI/PEKEBUN",
        "kewarganegaraan": "WNI",
        "berlaku_hingga": "SEUMUR HIDUP",
        "jenis_permohonan": "BARU",
        "tanggal_rekam": "2026-11-01",
        "foto": f"foto/{nik}.jpg",
    }
    row.update(overrides)
    return row


@dataclass
class BatchSpec:
    """A batch to write: rows, photos, and knobs to break it on purpose."""

    batch_id: str = "PRR-3310-20261122-0001"
    rows: list[dict[str, str]] = field(default_factory=list)
    kode_wilayah: str = "33.10"
    photos: dict[str, bytes] | None = None  # foto path -> bytes; default: a JPEG per row
    columns: tuple[str, ...] = FEED_COLUMNS
    manifest_overrides: dict[str, Any] = field(default_factory=dict)
    csv_bytes: bytes | None = None  # write exactly these bytes as records.csv
    crlf: bool = True
    bom: bool = False

    def records_csv(self) -> bytes:
        if self.csv_bytes is not None:
            return self.csv_bytes
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\r\n" if self.crlf else "\n")
        writer.writerow(self.columns)
        for row in self.rows:
            writer.writerow([row.get(c, "") for c in self.columns])
        data = buf.getvalue().encode("utf-8")
        return (b"\xef\xbb\xbf" + data) if self.bom else data

    def manifest(self, records: bytes) -> dict[str, Any]:
        doc: dict[str, Any] = {
            "batch_id": self.batch_id,
            "kode_wilayah": self.kode_wilayah,
            "dibuat": "2026-11-22T06:30:00+07:00",
            "jumlah_record": len(self.rows),
            "sha256": {"records.csv": hashlib.sha256(records).hexdigest()},
        }
        doc.update(self.manifest_overrides)
        return doc

    def write(self, parent: Path, folder_name: str | None = None) -> Path:
        folder = parent / (folder_name or self.batch_id)
        (folder / "foto").mkdir(parents=True, exist_ok=True)
        records = self.records_csv()
        (folder / "records.csv").write_bytes(records)
        (folder / "manifest.json").write_text(json.dumps(self.manifest(records)), "utf-8")
        photos = self.photos
        if photos is None:
            photos = {row["foto"]: jpeg_bytes() for row in self.rows if row.get("foto")}
        for rel, data in photos.items():
            if rel.startswith("/") or ".." in Path(rel).parts:
                continue  # a test of a path leading outside: write nothing there
            target = folder / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        return folder


def queued_on_one_printer(
    engine: Any, served: Any, home: Any, tmp_path: Path, *, records: int, seconds: float
) -> None:
    """``records`` records ingested and queued, 10 blanks (lot ``L1``) and one simulated
    printer ``sim-1`` taking ``seconds`` a card."""
    from cetak.db import write_session
    from intake.service import ingest_one
    from inventory import ledger
    from printers.registry import add_printer

    ingest_one(
        engine=engine,
        path=BatchSpec(rows=[make_row() for _ in range(records)]).write(tmp_path / "in"),
        served=served,
        home_dirs=(home.archive_dir, home.rejected_dir, home.outbox_dir),
        today=served.today(),
    )
    with write_session(engine) as s:
        ledger.receive_stock(s, lot="L1", quantity=10, actor="t", received_on=served.today())
        add_printer(
            s,
            name="sim-1",
            driver="simulated",
            uri=f"sim://sim-1?seed=1&seconds={seconds}",
            state_root=home.resolved_home,
        )


# --- a print room: records ingested, blanks received, simulated printers -----------------

_batch_numbers = itertools.count(1)


def ingest(engine, served, home, tmp_path, rows: list[dict[str, str]]) -> list[int]:
    """Ingest ``rows`` as one delivery; their record ids in feed order (all queued)."""
    spec = BatchSpec(batch_id=f"PRR-3310-20261122-{next(_batch_numbers):04d}", rows=rows)
    ack = ingest_one(
        engine=engine,
        path=spec.write(tmp_path / "in" / spec.batch_id),
        served=served,
        home_dirs=(home.archive_dir, home.rejected_dir, home.outbox_dir),
        today=served.today(),
    )
    assert ack["status"] == "ACCEPTED" and ack["queued"] == len(rows), ack
    with Session(engine) as s:
        return list(
            s.exec(
                select(Record.id).where(Record.batch_id == spec.batch_id).order_by(Record.id)  # type: ignore[arg-type]
            )
        )


def receive(engine, served, quantity: int, lot: str = "L1") -> None:
    with write_session(engine) as s:
        ledger.receive_stock(
            s, lot=lot, quantity=quantity, actor="test", received_on=served.today()
        )


def sim_printer(
    engine,
    home,
    name: str,
    *,
    daily_limit: int = 300,
    rest_after: int = 100,
    rest_minutes: int = 30,
    **faults: Any,
) -> None:
    """A simulated printer, instant (seconds=0), with the faults given (URI parameters)."""
    query = "&".join(f"{k}={v}" for k, v in {"seed": 1, "seconds": 0, **faults}.items())
    with write_session(engine) as s:
        add_printer(
            s,
            name=name,
            driver="simulated",
            uri=f"sim://{name}?{query}",
            state_root=home.resolved_home,
            daily_limit=daily_limit,
            rest_after=rest_after,
            rest_minutes=rest_minutes,
        )


def total(outcomes: list[dict[str, Any]], key: str) -> int:
    return sum(o[key] for o in outcomes)


def record_states(engine) -> dict[int, str]:
    with Session(engine) as s:
        return dict(s.execute(sa.select(Record.id, Record.state)).all())  # type: ignore[arg-type]


def all_cards(engine) -> list[Card]:
    with Session(engine) as s:
        return list(s.exec(select(Card).order_by(Card.id)))  # type: ignore[arg-type]


def movements(engine, card_ref: str | None = None) -> list[Movement]:
    with Session(engine) as s:
        query = select(Movement).order_by(Movement.id)  # type: ignore[arg-type]
        if card_ref is not None:
            query = query.where(Movement.card_ref == card_ref)
        return list(s.exec(query))


def consumed_net(engine) -> Counter[str]:
    """Blanks held by each card: consumptions less their reversals."""
    net: Counter[str] = Counter()
    for m in movements(engine):
        if m.kind == "CONSUMED" and m.card_ref:
            net[m.card_ref] -= m.delta_on_hand
    return net


def assert_exactly_once(engine) -> None:
    """Every printed record has one good card; every blank held belongs to one live card."""
    good = Counter(c.record_id for c in all_cards(engine) if c.state in ("printed", "passed"))
    for rid, state in record_states(engine).items():
        expected = 1 if state in ("printed", "ready") else 0
        assert good[rid] == expected, (rid, state, good[rid])
    net = consumed_net(engine)
    for card in all_cards(engine):
        held = 1 if card.state in ("taken", "submitted", "printed", "passed") else 0
        assert net[card.card_ref] == held, (card.card_ref, card.state)


# --- distribution ---------------------------------------------------------------------------

CAWAS, BAYAT, WEDI = "33.10.05", "33.10.04", "33.10.03"


def w(engine):
    return write_session(engine, lock=LOCK_DISTRIBUTION)


def pack_and_dispatch(engine, served, **kw) -> list[service.Packed]:
    with w(engine) as s:
        packed = service.pack(s, served, actor="op", **kw)
        service.dispatch(s, actor="op", numbers=[p.number for p in packed], courier="Bambang")
    return packed


def by_kec(packed, kec):
    return next(p for p in packed if p.kode_kecamatan == kec)


# --- stock --------------------------------------------------------------------------------


def new_request(engine, state: str = "DRAFT", number: str = "SPB-3310-202611-001") -> str:
    """A request row as the check would leave it (for the state machine alone)."""
    snapshot = {
        "facts": {"prr_backlog": 10, "on_hand": 5, "daily_consumption": 3.0, "lead_time_days": 7.0},
        "position": {"days_of_cover": 1.7},
        "today": "2026-11-24",
    }
    with write_session(engine) as s:
        s.add(
            ReorderRequest(
                number=number,
                state=state,
                quantity=2_000,
                actor="test",
                snapshot_json=json.dumps(snapshot),
            )
        )
    return number
