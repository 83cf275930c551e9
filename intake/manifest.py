"""The batch manifest (``manifest.json``) and the batch-level checks on it."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from intake.errors import BatchRejected, RejectCode

#: A batch id becomes a file name (ACK-<batch_id>.json): keep it to safe characters.
BATCH_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
HEX64 = re.compile(r"^[0-9a-fA-F]{64}$")


@dataclass(frozen=True, slots=True)
class Manifest:
    batch_id: str
    kode_wilayah: str
    dibuat: str | None
    jumlah_record: int
    sha256_records: str


def _invalid(what: str) -> BatchRejected:
    return BatchRejected(RejectCode.MANIFEST_INVALID, f"manifest.json tidak valid: {what}")


def read_batch_id(data: bytes | None) -> str | None:
    """The manifest's batch id if it can be read at all (to recognise a re-delivery first)."""
    if data is None:
        return None
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None
    batch_id = doc.get("batch_id") if isinstance(doc, dict) else None
    # Only a well-formed id can have been accepted (and only one can be stored or queried:
    # PostgreSQL text cannot hold NUL); anything else is reported under the delivery's name.
    if isinstance(batch_id, str) and BATCH_ID.fullmatch(batch_id):
        return batch_id
    return None


def parse_manifest(data: bytes | None) -> Manifest:
    """Parse and check ``manifest.json``; raise ``BatchRejected`` when it cannot be used."""
    if data is None:
        raise BatchRejected(RejectCode.MANIFEST_MISSING, "manifest.json tidak ada di dalam batch")
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise BatchRejected(
            RejectCode.MANIFEST_INVALID, "manifest.json bukan JSON yang sah"
        ) from exc
    if not isinstance(doc, dict):
        raise _invalid("isinya harus sebuah objek JSON")
    batch_id = doc.get("batch_id")
    if not isinstance(batch_id, str) or not BATCH_ID.fullmatch(batch_id):
        raise _invalid("batch_id tidak ada atau berisi karakter yang tidak diizinkan")
    kode = doc.get("kode_wilayah")
    if not isinstance(kode, str):
        raise _invalid("kode_wilayah tidak ada")
    jumlah = doc.get("jumlah_record")
    if isinstance(jumlah, bool) or not isinstance(jumlah, int) or jumlah < 0:
        raise _invalid("jumlah_record harus bilangan bulat tidak negatif")
    digests = doc.get("sha256")
    digest = digests.get("records.csv") if isinstance(digests, dict) else None
    if not isinstance(digest, str) or not HEX64.fullmatch(digest):
        raise _invalid("sha256 untuk records.csv tidak ada atau bukan 64 digit heksadesimal")
    dibuat = doc.get("dibuat")
    return Manifest(
        batch_id=batch_id,
        kode_wilayah=kode,
        dibuat=dibuat if isinstance(dibuat, str) else None,
        jumlah_record=jumlah,
        sha256_records=digest.lower(),
    )


def check_regency(manifest: Manifest, kode_wilayah: str) -> None:
    if manifest.kode_wilayah != kode_wilayah:
        raise BatchRejected(
            RejectCode.WRONG_REGENCY,
            f"kode_wilayah {manifest.kode_wilayah[:20]!r} bukan kabupaten yang dilayani "
            f"instalasi ini ({kode_wilayah})",
        )
