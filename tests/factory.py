"""Small factories for tests: valid feed rows and batches written to disk."""

from __future__ import annotations

import csv
import hashlib
import io
import itertools
import json
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from PIL import Image

from intake.nik import encode_nik
from intake.rules import FEED_COLUMNS

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
