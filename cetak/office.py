"""The office profile and official document numbers (issue 13, items 1 and 2).

The profile is what the office's papers carry: the kop surat (letterhead: pemerintah
kabupaten, dinas, alamat, telepon, email, laman, logo), the signers (kepala seksi, kepala
bidang, kepala dinas: nama, NIP, pangkat/golongan, jabatan), who signs which document and
who acknowledges it ("Mengetahui,"), and the classification code (kode klasifikasi arsip)
of each kind of numbered document. It is kept in the ``office_setting`` table, one row per
key, so every machine of an installation (SQLite or PostgreSQL) reads the same profile.

Official numbers follow the office's convention, ``<klasifikasi>/<KIND>-<nnn>/<bulan
romawi>/<tahun>`` (``470/BAP-001/XII/2026``), sequential per kind and year. The counter
(``document_counter``) is raised in the transaction that books the document: a committed
number is never given again, even after a crash; a transaction that rolls back gives its
number back to the next document (no number is ever held by a document that does not
exist). The rules here (checks, formats) are plain functions; the reads and the counter
take the caller's session.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session

from cetak.errors import CetakError
from cetak.models import DocumentCounter, OfficeSetting

_SET = OfficeSetting.__table__  # type: ignore[attr-defined]
_COUNTER = DocumentCounter.__table__  # type: ignore[attr-defined]

#: What a signature block or letterhead shows for a value not set yet: a line to fill by hand.
BLANK = "........................"

# --- the profile's keys ------------------------------------------------------------------

#: The letterhead's fields, with what staff call them.
LETTERHEAD_FIELDS: dict[str, str] = {
    "pemerintah": "pemerintah kabupaten/kota",
    "dinas": "nama dinas",
    "alamat": "alamat",
    "telepon": "telepon",
    "email": "email",
    "laman": "laman",
    "kota": "tempat penandatanganan",
}
#: Letterhead fields a complete profile has (doctor warns while one is unset).
REQUIRED_LETTERHEAD = ("pemerintah", "dinas", "alamat", "telepon")

#: The signers, with their default title (jabatan).
ROLES: dict[str, str] = {
    "kepala_seksi": "Kepala Seksi",
    "kepala_bidang": "Kepala Bidang",
    "kepala_dinas": "Kepala Dinas",
}
SIGNER_FIELDS = ("nama", "nip", "pangkat", "jabatan")

#: The documents with a signature block: who signs, and who acknowledges ("Mengetahui,";
#: ``None``: nobody). The defaults: the section head signs the print room's stock papers
#: and the head of office acknowledges them; the head of office signs letters to central;
#: the head of division (bidang) signs the monthly report, acknowledged by the head of office.
#: (Shipment manifests are handed over by the kepala seksi of the profile.)
DOCUMENTS: dict[str, tuple[str, str | None]] = {
    "berita_acara_pemusnahan": ("kepala_seksi", "kepala_dinas"),
    "surat_permohonan_blangko": ("kepala_dinas", None),
    "laporan_bulanan": ("kepala_bidang", "kepala_dinas"),
}
DOCUMENT_LABELS: dict[str, str] = {
    "berita_acara_pemusnahan": "berita acara pemusnahan blangko",
    "surat_permohonan_blangko": "surat permohonan blangko ke pusat",
    "laporan_bulanan": "laporan bulanan blangko",
}

#: Numbered kinds and their default classification code (kode klasifikasi arsip).
NUMBERED: dict[str, str] = {
    "BAP": "470",  # berita acara pemusnahan
    "SPB": "470",  # surat permohonan blangko
}

LOGO_KEY = "logo"
_ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")


def signer_key(role: str, name: str) -> str:
    return f"penandatangan.{role}.{name}"


def signs_key(document: str) -> str:
    return f"tanda_tangan.{document}"


def knows_key(document: str) -> str:
    return f"mengetahui.{document}"


def klasifikasi_key(kind: str) -> str:
    return f"klasifikasi.{kind}"


# --- errors ------------------------------------------------------------------------------


class OfficeError(CetakError):
    code = "office.error"


class InvalidOfficeValue(OfficeError):
    """A value of the profile that cannot be right (``reason`` says why)."""

    code = "office.invalid_value"

    def __init__(self, what: str, reason: str) -> None:
        super().__init__(what=what, reason=reason)


class UnknownChoice(OfficeError):
    code = "office.unknown_choice"

    def __init__(self, what: str, value: str, choices: tuple[str, ...]) -> None:
        super().__init__(what=what, value=value, choices=", ".join(choices))


# --- checks (pure) -----------------------------------------------------------------------

_EMAIL = re.compile(r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")
_HOST = re.compile(r"^(https?://)?[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+(:\d+)?(/[^\s]*)?$")
_PHONE = re.compile(r"^[0-9()+\-.\s/]{5,40}$")
MAX_TEXT = 200


def check_text(value: str, what: str, *, limit: int = MAX_TEXT) -> str:
    text = " ".join(value.split())
    if len(text) > limit or any(not c.isprintable() for c in text):
        raise InvalidOfficeValue(what, f"paling banyak {limit} karakter, satu baris")
    return text


def check_nip(value: str) -> str:
    """A NIP: 18 digits (``19690214 199003 1 005``); spaces are allowed and kept in the
    usual grouping. An empty value clears it."""
    digits = "".join(value.split())
    if not digits:
        return ""
    if not digits.isdigit() or len(digits) != 18:
        raise InvalidOfficeValue("NIP", "harus 18 angka")
    return f"{digits[:8]} {digits[8:14]} {digits[14]} {digits[15:]}"


def check_email(value: str) -> str:
    text = value.strip()
    if text and not _EMAIL.match(text):
        raise InvalidOfficeValue(
            "email", "bukan alamat email (contoh: disdukcapil@klatenkab.go.id)"
        )
    return text


def check_laman(value: str) -> str:
    text = value.strip()
    if text and not _HOST.match(text):
        raise InvalidOfficeValue(
            "laman", "bukan alamat laman (contoh: disdukcapil.klatenkab.go.id)"
        )
    return text


def check_telepon(value: str) -> str:
    text = " ".join(value.split())
    if text and (not _PHONE.match(text) or sum(c.isdigit() for c in text) < 5):
        raise InvalidOfficeValue("telepon", "hanya angka, spasi, tanda + - ( ) / dan titik")
    return text


def check_klasifikasi(value: str) -> str:
    text = value.strip()
    if not re.fullmatch(r"[0-9]{1,4}(\.[0-9]{1,4}){0,3}", text):
        raise InvalidOfficeValue("kode klasifikasi", "angka seperti 470 atau 470.1")
    return text


def check_choice(value: str, choices: tuple[str, ...], what: str) -> str:
    if value not in choices:
        raise UnknownChoice(what, value, choices)
    return value


def logo_kind(data: bytes) -> str | None:
    """``png`` or ``jpeg`` from the file's first bytes; None for anything else."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    return None


# --- numbers (pure) ----------------------------------------------------------------------


def roman_month(month: int) -> str:
    return _ROMAN[month - 1]


def format_number(klasifikasi: str, kind: str, seq: int, day: date) -> str:
    """``470/BAP-001/XII/2026``: at least three digits, more once past 999."""
    return f"{klasifikasi}/{kind}-{seq:03d}/{roman_month(day.month)}/{day.year}"


def file_name(number: str) -> str:
    """A document number as a file name: ``470/BAP-001/XII/2026`` -> ``470-BAP-001-XII-2026``."""
    return re.sub(r"[^A-Za-z0-9._-]+", "-", number).strip("-") or "dokumen"


# --- the profile -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Signer:
    role: str
    nama: str = ""
    nip: str = ""
    pangkat: str = ""
    jabatan: str = ""

    @property
    def is_set(self) -> bool:
        return bool(self.nama and self.nip)

    @property
    def title(self) -> str:
        return self.jabatan or ROLES.get(self.role, self.role)


@dataclass(frozen=True, slots=True)
class OfficeProfile:
    """The office profile as stored (values missing from the table are ``""``)."""

    values: Mapping[str, str] = field(default_factory=dict)
    logo: bytes | None = None

    def get(self, key: str) -> str:
        return self.values.get(key, "")

    @property
    def letterhead(self) -> dict[str, str]:
        return {name: self.get(name) for name in LETTERHEAD_FIELDS}

    def signer(self, role: str) -> Signer:
        return Signer(role, **{name: self.get(signer_key(role, name)) for name in SIGNER_FIELDS})

    def signs(self, document: str) -> Signer:
        """Who signs ``document`` (a key of ``DOCUMENTS``)."""
        return self.signer(self.get(signs_key(document)) or DOCUMENTS[document][0])

    def knows(self, document: str) -> Signer | None:
        """Who acknowledges ``document`` ("Mengetahui,"), or None."""
        stored = self.get(knows_key(document))
        role = DOCUMENTS[document][1] if not stored else (None if stored == "-" else stored)
        return self.signer(role) if role else None

    def klasifikasi(self, kind: str) -> str:
        return self.get(klasifikasi_key(kind)) or NUMBERED.get(kind, "470")

    def missing(self) -> list[str]:
        """What staff should still set, in words (empty: the profile is complete)."""
        out = [LETTERHEAD_FIELDS[f] for f in REQUIRED_LETTERHEAD if not self.get(f)]
        used = {
            r for d in DOCUMENTS for r in (self.signs(d).role, getattr(self.knows(d), "role", None))
        }
        for role in ROLES:
            if role in used and not self.signer(role).is_set:
                out.append(f"nama dan NIP {ROLES[role].lower()}")
        return out

    def as_json(self) -> dict[str, object]:
        return {
            "kop": self.letterhead,
            "logo": bool(self.logo),
            "penandatangan": {
                role: {name: getattr(self.signer(role), name) for name in SIGNER_FIELDS}
                for role in ROLES
            },
            "dokumen": {
                doc: {
                    "ditandatangani": self.signs(doc).role,
                    "mengetahui": getattr(self.knows(doc), "role", None),
                }
                for doc in DOCUMENTS
            },
            "klasifikasi": {kind: self.klasifikasi(kind) for kind in NUMBERED},
            "belum_diisi": self.missing(),
        }


def load_profile(bind: Session | Engine) -> OfficeProfile:
    """The stored profile (an empty one before anything was set, or before migration)."""
    stmt = sa.select(_SET.c.key, _SET.c.value, _SET.c.content)
    if isinstance(bind, Engine):
        with bind.connect() as conn:
            rows = conn.execute(stmt).all()
    else:
        rows = bind.execute(stmt).all()
    values = {key: value or "" for key, value, _ in rows}
    logo = next((content for key, _, content in rows if key == LOGO_KEY and content), None)
    return OfficeProfile(values, logo)


def store(
    session: Session, values: Mapping[str, str], *, actor: str, logo: bytes | None = None
) -> None:
    """Write ``values`` (and the logo's bytes under ``LOGO_KEY``) in the caller's
    transaction: one row per key, replaced (checks are the caller's)."""
    from cetak.models import utcnow

    at = utcnow()
    for key, value in values.items():
        content = logo if key == LOGO_KEY else None
        row = session.get(OfficeSetting, key)
        if row is None:
            session.add(OfficeSetting(key=key, value=value, content=content, actor=actor, at=at))
        else:
            row.value, row.actor, row.at = value, actor, at
            if key == LOGO_KEY:
                row.content = content
            session.add(row)
    session.flush()


# --- the counter -------------------------------------------------------------------------


def next_number(
    session: Session,
    kind: str,
    day: date,
    *,
    klasifikasi: str,
    taken: Callable[[str], bool] | None = None,
) -> str:
    """The next official number of ``kind`` in ``day``'s year, in the caller's transaction.

    ``UPDATE ... SET last = last + 1`` takes the row's lock (PostgreSQL) or the database's
    write lock (SQLite, ``BEGIN IMMEDIATE``) until the transaction ends, so two writers
    never get the same number; the insert of a year's first row tolerates a concurrent one.
    A number ``taken`` already (given by hand in the same shape) is skipped.
    """
    key = sa.and_(_COUNTER.c.kind == kind, _COUNTER.c.year == day.year)
    while True:
        seq = session.execute(
            sa.update(_COUNTER)
            .where(key)
            .values(last=_COUNTER.c.last + 1)
            .returning(_COUNTER.c.last)
        ).scalar()
        if seq is None:
            _insert_year(session, kind, day.year)
            continue
        number = format_number(klasifikasi, kind, int(seq), day)
        if taken is None or not taken(number):
            return number


def _insert_year(session: Session, kind: str, year: int) -> None:
    dialect = session.get_bind().dialect.name
    row = {"kind": kind, "year": year, "last": 0}
    if dialect == "postgresql":
        from sqlalchemy.dialects import postgresql

        session.execute(postgresql.insert(_COUNTER).values(row).on_conflict_do_nothing())
    elif dialect == "sqlite":
        from sqlalchemy.dialects import sqlite

        session.execute(sqlite.insert(_COUNTER).values(row).on_conflict_do_nothing())
    else:  # pragma: no cover - Cetak runs on SQLite and PostgreSQL
        session.execute(sa.insert(_COUNTER).values(row))


def last_number(bind: Session | Engine, kind: str, year: int) -> int:
    """The last number given of ``kind`` in ``year`` (0: none yet)."""
    stmt = sa.select(_COUNTER.c.last).where(_COUNTER.c.kind == kind, _COUNTER.c.year == year)
    if isinstance(bind, Engine):
        with bind.connect() as conn:
            value = conn.execute(stmt).scalar()
    else:
        value = bind.execute(stmt).scalar()
    return int(value or 0)


# --- berita acara pemusnahan (issue 13, item 3) ------------------------------------------

#: How spoiled blanks may be destroyed.
METHODS = ("dibakar", "dipotong", "dihancurkan")


def parse_person(text: str) -> dict[str, str]:
    """``"Nama|NIP|Jabatan"`` (NIP and jabatan optional) as ``{"nama", "nip", "jabatan"}``;
    the NIP, when given, is checked (18 digits)."""
    parts = [p.strip() for p in text.split("|")]
    nama = check_text(parts[0], "nama")
    if not nama:
        raise InvalidOfficeValue("nama", "tidak boleh kosong")
    nip = check_nip(parts[1]) if len(parts) > 1 else ""
    jabatan = check_text(parts[2], "jabatan") if len(parts) > 2 else ""
    if len(parts) > 3:
        raise InvalidOfficeValue(nama, "tulis sebagai Nama|NIP|Jabatan")
    return {"nama": nama, "nip": nip, "jabatan": jabatan}
