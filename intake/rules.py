"""Record-level rules of the PRR feed (spec: prr-feed.md), pure functions.

``check_row`` applies the column and NIK rules to one CSV row; ``decide_outcome`` adds what
only the caller knows (the photo, the rest of the batch, earlier batches) and returns the
row's outcome, taking the first applicable reason in the order of the spec's table.

Messages (``detail``) are read by print-room staff: Bahasa Indonesia, and never the NIK or
the resident's name (they end up in logs).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Literal

from intake.nik import NikParts, parse_nik

FEED_COLUMNS: tuple[str, ...] = (
    "prr_id",
    "nik",
    "nama",
    "tempat_lahir",
    "tanggal_lahir",
    "jenis_kelamin",
    "golongan_darah",
    "alamat",
    "rt",
    "rw",
    "kel_desa",
    "kode_kecamatan",
    "agama",
    "status_perkawinan",
    "pekerjaan",
    "kewarganegaraan",
    "berlaku_hingga",
    "jenis_permohonan",
    "tanggal_rekam",
    "foto",
)

FREE_TEXT_COLUMNS: frozenset[str] = frozenset(
    {"nama", "tempat_lahir", "alamat", "kel_desa", "pekerjaan"}
)


class Reason(StrEnum):
    """Quarantine reasons, in the order of the spec's table (first applicable wins)."""

    BAD_NIK_FORMAT = "BAD_NIK_FORMAT"
    NIK_BIRTHDATE_MISMATCH = "NIK_BIRTHDATE_MISMATCH"
    NIK_GENDER_MISMATCH = "NIK_GENDER_MISMATCH"
    INVALID_FIELD = "INVALID_FIELD"
    UNKNOWN_KECAMATAN = "UNKNOWN_KECAMATAN"
    MISSING_PHOTO = "MISSING_PHOTO"
    DUPLICATE_NIK_IN_BATCH = "DUPLICATE_NIK_IN_BATCH"
    NIK_ALREADY_QUEUED = "NIK_ALREADY_QUEUED"
    NIK_ALREADY_PRINTED = "NIK_ALREADY_PRINTED"


REASON_ORDER: tuple[Reason, ...] = tuple(Reason)

JENIS_KELAMIN = ("LAKI-LAKI", "PEREMPUAN")
AGAMA = (
    "ISLAM",
    "KRISTEN",
    "KATOLIK",
    "HINDU",
    "BUDDHA",
    "KHONGHUCU",
    "KEPERCAYAAN TERHADAP TUHAN YME",
)
STATUS_PERKAWINAN = ("BELUM KAWIN", "KAWIN", "CERAI HIDUP", "CERAI MATI")
KEWARGANEGARAAN = ("WNI", "WNA")
JENIS_PERMOHONAN = ("BARU", "PERUBAHAN_DATA", "RUSAK", "HILANG")
SEUMUR_HIDUP = "SEUMUR HIDUP"
BELUM_KAWIN = "BELUM KAWIN"

# Character classes are spelled out: ``\d`` would also match non-ASCII digits.
_PRR_ID = re.compile(r"[A-Za-z0-9-]{1,40}")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_RT_RW = re.compile(r"[0-9]{1,3}")
_KODE_KECAMATAN = re.compile(r"[0-9]{2}\.[0-9]{2}\.[0-9]{2}")
_GOLONGAN_DARAH = re.compile(r"(?:A|B|AB|O)[+-]?|-")
_NAME_PUNCTUATION = frozenset(" '.,-")
_TEXT_LIMITS = {"nama": 60, "tempat_lahir": 40, "alamat": 100, "kel_desa": 40, "pekerjaan": 40}

_MSG_EMPTY = "wajib diisi"
_MSG_DATE = "harus tanggal yang ada, format YYYY-MM-DD"
_MSG_UNPRINTABLE = "berisi karakter kendali yang tidak dapat dicetak"
_MSG_GOLONGAN_DARAH = (
    "nilai tidak dikenal (pilihan: A, B, AB, O, boleh diikuti + atau -; atau - bila tidak"
    " diketahui)"
)


@dataclass(frozen=True, slots=True)
class RowCheck:
    values: dict[str, str]
    reason: Reason | None
    detail: str | None
    birth_date: date | None
    invalid_columns: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Outcome:
    state: Literal["queued", "held", "quarantined"]
    reason: Reason | None
    detail: str | None
    release_on: date | None
    supersedes: bool


def parse_date(value: str) -> date | None:
    """A real calendar date written strictly as ``YYYY-MM-DD`` (ASCII digits), else None."""
    if not _DATE.fullmatch(value):
        return None
    try:
        return date(int(value[0:4]), int(value[5:7]), int(value[8:10]))
    except ValueError:
        return None


# --- column rules: each returns a staff message, or None when the value is fine ------------


def _pattern(pattern: re.Pattern[str], message: str) -> Callable[[str], str | None]:
    return lambda value: None if pattern.fullmatch(value) else message


def _enum(allowed: tuple[str, ...]) -> Callable[[str], str | None]:
    message = f"nilai tidak dikenal (pilihan: {', '.join(allowed)})"
    return lambda value: None if value in allowed else message


def _date_rule(value: str) -> str | None:
    return None if parse_date(value) else _MSG_DATE


def _unprintable(char: str) -> bool:
    # Control, format, surrogate, private-use and unassigned characters, line separators:
    # NUL cannot be stored in PostgreSQL text, and none of them can be printed on a card.
    return unicodedata.category(char)[0] == "C" or char in "\u2028\u2029"


# Fast path for the usual all-ASCII value: its only unprintable characters are C0 and DEL.
_ASCII_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _has_unprintable(value: str) -> bool:
    if value.isascii():
        return _ASCII_CONTROL.search(value) is not None
    return any(map(_unprintable, value))


def _text(limit: int) -> Callable[[str], str | None]:
    def rule(value: str) -> str | None:
        if len(value) > limit:
            return f"lebih dari {limit} karakter"
        return _MSG_UNPRINTABLE if _has_unprintable(value) else None

    return rule


def _name_char(char: str) -> bool:
    return char.isalpha() or char in _NAME_PUNCTUATION or unicodedata.category(char)[0] == "M"


_ASCII_NAME = re.compile(r"[A-Za-z' .,-]*")


def _nama_rule(value: str) -> str | None:
    limit = _TEXT_LIMITS["nama"]
    if len(value) > limit:
        return f"lebih dari {limit} karakter"
    if not (_ASCII_NAME.fullmatch(value) if value.isascii() else all(map(_name_char, value))):
        return "hanya boleh huruf, spasi dan tanda ' . , -"
    if not any(char.isalpha() for char in value):
        return "harus memuat huruf"
    return None


_COLUMN_RULES: dict[str, Callable[[str], str | None]] = {
    "prr_id": _pattern(_PRR_ID, "harus 1-40 karakter A-Z, a-z, 0-9 atau tanda hubung (-)"),
    "nama": _nama_rule,
    "tempat_lahir": _text(_TEXT_LIMITS["tempat_lahir"]),
    "tanggal_lahir": _date_rule,
    "jenis_kelamin": _enum(JENIS_KELAMIN),
    "golongan_darah": _pattern(_GOLONGAN_DARAH, _MSG_GOLONGAN_DARAH),
    "alamat": _text(_TEXT_LIMITS["alamat"]),
    "rt": _pattern(_RT_RW, "harus 1-3 angka"),
    "rw": _pattern(_RT_RW, "harus 1-3 angka"),
    "kel_desa": _text(_TEXT_LIMITS["kel_desa"]),
    "kode_kecamatan": _pattern(_KODE_KECAMATAN, "harus berformat PP.KK.CC, mis. 33.10.01"),
    "agama": _enum(AGAMA),
    "status_perkawinan": _enum(STATUS_PERKAWINAN),
    "pekerjaan": _text(_TEXT_LIMITS["pekerjaan"]),
    "kewarganegaraan": _enum(KEWARGANEGARAAN),
    "jenis_permohonan": _enum(JENIS_PERMOHONAN),
    "tanggal_rekam": _date_rule,
}


def _berlaku_hingga_error(values: Mapping[str, str]) -> str | None:
    """Depends on ``kewarganegaraan``; not judged when that column is itself invalid."""
    value, citizenship = values["berlaku_hingga"], values["kewarganegaraan"]
    if citizenship == "WNI":
        return None if value == SEUMUR_HIDUP else "untuk WNI harus SEUMUR HIDUP"
    if citizenship == "WNA":
        return None if parse_date(value) else "untuk WNA harus tanggal YYYY-MM-DD yang ada"
    return None


#: Columns whose rule looks at the value alone (``column_message``); ``berlaku_hingga``
#: also depends on ``kewarganegaraan``, ``nik`` has its own reasons, ``foto`` is the caller's.
VALUE_RULE_COLUMNS: tuple[str, ...] = tuple(c for c in FEED_COLUMNS if c in _COLUMN_RULES)


def column_message(column: str, value: str) -> str | None:
    """The staff message for one normalised value of a ``VALUE_RULE_COLUMNS`` column."""
    return _MSG_EMPTY if value == "" else _COLUMN_RULES[column](value)


def berlaku_hingga_message(value: str, kewarganegaraan: str) -> str | None:
    """The staff message for ``berlaku_hingga``, given the row's ``kewarganegaraan``."""
    return _berlaku_hingga_error({"berlaku_hingga": value, "kewarganegaraan": kewarganegaraan})


def _column_errors(values: Mapping[str, str]) -> dict[str, str]:
    """Invalid columns (``INVALID_FIELD`` sense) -> message, in ``FEED_COLUMNS`` order."""
    errors: dict[str, str] = {}
    for column in FEED_COLUMNS:
        if column == "berlaku_hingga":
            message = _berlaku_hingga_error(values)
        elif column not in _COLUMN_RULES:  # nik: its own reason; foto: checked by the caller
            continue
        else:
            message = column_message(column, values[column])
        if message is not None:
            errors[column] = message
    return errors


# --- NIK rules -----------------------------------------------------------------------------


def _bad_nik_detail(nik: str, provinces: Collection[str]) -> str:
    """Why ``parse_nik`` refused the NIK, without repeating any of its digits."""
    if len(nik) != 16 or not (nik.isascii() and nik.isdigit()):
        return "NIK harus tepat 16 angka"
    if nik[0:2] not in provinces:
        return "kode provinsi pada NIK (2 angka pertama) tidak dikenal"
    if nik[12:16] == "0000":
        return "nomor urut NIK (4 angka terakhir) tidak boleh 0000"
    return "tanggal/bulan lahir pada NIK (angka ke-7 s.d. 10) tidak ada di kalender"


def _birthdate_matches(parts: NikParts, birth: date) -> bool:
    return (parts.day, parts.month, parts.yy) == (birth.day, birth.month, birth.year % 100)


def _first_reason(
    values: Mapping[str, str],
    errors: Mapping[str, str],
    birth: date | None,
    kecamatan: Collection[str],
    provinces: Collection[str],
) -> tuple[Reason | None, str | None]:
    parts = parse_nik(values["nik"], provinces)
    if parts is None:
        return Reason.BAD_NIK_FORMAT, _bad_nik_detail(values["nik"], provinces)
    if birth is not None and not _birthdate_matches(parts, birth):
        return Reason.NIK_BIRTHDATE_MISMATCH, (
            "tanggal lahir pada NIK tidak sama dengan kolom tanggal_lahir; minta koreksi ke pusat"
        )
    if "jenis_kelamin" not in errors and parts.female != (values["jenis_kelamin"] == "PEREMPUAN"):
        return Reason.NIK_GENDER_MISMATCH, (
            "jenis kelamin pada NIK (tanggal +40 untuk perempuan) tidak sama dengan kolom"
            " jenis_kelamin; minta koreksi ke pusat"
        )
    if errors:
        return Reason.INVALID_FIELD, "; ".join(f"kolom {c}: {m}" for c, m in errors.items())
    if values["kode_kecamatan"] not in kecamatan:
        return Reason.UNKNOWN_KECAMATAN, (
            f"kode kecamatan {values['kode_kecamatan']} bukan kecamatan kabupaten ini"
        )
    return None, None


def _normalise(raw: Mapping[str, str | None]) -> dict[str, str]:
    values: dict[str, str] = {}
    for column in FEED_COLUMNS:
        value = raw.get(column)
        text = "" if value is None else value if isinstance(value, str) else str(value)
        values[column] = text.strip() if column in FREE_TEXT_COLUMNS else text
    return values


def check_row(
    raw: Mapping[str, str | None], *, kecamatan: Collection[str], provinces: Collection[str]
) -> RowCheck:
    """The first of the row's own reasons (NIK and column rules), and its cleaned values.

    Not checked here: ``foto`` (needs the batch folder) and ``prr_id`` duplicates (need
    storage); ``decide_outcome`` takes the rest of the order from the caller's facts.
    """
    values = _normalise(raw)
    errors = _column_errors(values)
    birth = parse_date(values["tanggal_lahir"])
    reason, detail = _first_reason(values, errors, birth, kecamatan, provinces)
    return RowCheck(
        values=values,
        reason=reason,
        detail=detail,
        birth_date=birth,
        invalid_columns=tuple(errors),
    )


# --- outcomes ------------------------------------------------------------------------------


def seventeenth_birthday(birth: date) -> date:
    """The day ``birth`` turns 17; 29 February -> 1 March. ``date.max`` past year 9999."""
    year = birth.year + 17
    if year > date.max.year:
        return date.max
    try:
        return birth.replace(year=year)
    except ValueError:  # 29 February in a year without it
        return date(year, 3, 1)


def is_held(birth: date, status_perkawinan: str, today: date) -> bool:
    """Under 17 on ``today`` and never married: no card until the 17th birthday."""
    return status_perkawinan == BELUM_KAWIN and today < seventeenth_birthday(birth)


def _later_reason(
    kind: str, photo_ok: bool, nik_rows_in_batch: int, nik_waiting: bool, nik_printed: bool
) -> tuple[Reason | None, str | None]:
    if not photo_ok:
        return Reason.MISSING_PHOTO, (
            "foto tidak ada atau bukan berkas JPEG/PNG yang dapat dibaca di dalam folder batch"
        )
    if nik_rows_in_batch >= 2:
        return Reason.DUPLICATE_NIK_IN_BATCH, (
            f"NIK yang sama ada di {nik_rows_in_batch} baris batch ini; semua baris itu"
            " dikarantina, minta pusat mengirim satu record saja"
        )
    if nik_waiting and kind != "PERUBAHAN_DATA":
        return Reason.NIK_ALREADY_QUEUED, (
            "NIK ini masih menunggu cetak dari batch sebelumnya; hanya PERUBAHAN_DATA yang"
            " dapat menggantikannya"
        )
    if nik_printed and kind == "BARU":
        return Reason.NIK_ALREADY_PRINTED, (
            "KTP untuk NIK ini sudah pernah dicetak; penggantian memakai RUSAK, HILANG atau"
            " PERUBAHAN_DATA"
        )
    return None, None


def decide_outcome(
    check: RowCheck,
    *,
    photo_ok: bool,
    nik_rows_in_batch: int,
    nik_waiting: bool,
    nik_printed: bool,
    today: date,
) -> Outcome:
    """The row's outcome. ``nik_waiting``: the NIK is queued or held from an earlier batch;
    ``nik_printed``: its card was printed before; ``nik_rows_in_batch``: non-duplicate rows
    of this batch carrying the same ``nik`` string (this one included)."""
    return outcome_of(
        check.reason,
        check.detail,
        check.birth_date,
        kind=check.values.get("jenis_permohonan", ""),
        status_perkawinan=check.values.get("status_perkawinan", ""),
        photo_ok=photo_ok,
        nik_rows_in_batch=nik_rows_in_batch,
        nik_waiting=nik_waiting,
        nik_printed=nik_printed,
        today=today,
    )


def outcome_of(
    reason: Reason | None,
    detail: str | None,
    birth: date | None,
    *,
    kind: str,
    status_perkawinan: str,
    photo_ok: bool,
    nik_rows_in_batch: int,
    nik_waiting: bool,
    nik_printed: bool,
    today: date,
) -> Outcome:
    """``decide_outcome`` on the parts of a ``RowCheck`` (the column-wise path has no
    ``RowCheck`` per row): its own ``reason``/``detail``/``birth``, ``jenis_permohonan``
    as ``kind`` and ``status_perkawinan``."""
    if reason is None:
        reason, detail = _later_reason(kind, photo_ok, nik_rows_in_batch, nik_waiting, nik_printed)
    if reason is not None:
        return Outcome("quarantined", reason, detail, release_on=None, supersedes=False)
    supersedes = nik_waiting and kind == "PERUBAHAN_DATA"
    if birth is not None and is_held(birth, status_perkawinan, today):
        return Outcome("held", None, None, seventeenth_birthday(birth), supersedes)
    return Outcome("queued", None, None, release_on=None, supersedes=supersedes)
