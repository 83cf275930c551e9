"""Region codes (kode wilayah, Kemendagri) shipped with the project.

The project states the public facts it needs in its own data files: the 38
province codes (for the NIK province check) and the kecamatan of the five
regencies of DOMAIN.md. Any other regency is loaded from a CSV shaped like the
shipped ``kecamatan.csv`` (``cetak init --kecamatan-file``).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from cetak.errors import CetakError

KECAMATAN_COLUMNS = (
    "kode_kecamatan",
    "kecamatan",
    "kode_kabupaten",
    "kabupaten",
    "kode_provinsi",
    "provinsi",
)

# ASCII digits only: ``\d`` also matches Arabic-Indic and other Unicode digits.
REGENCY_CODE = re.compile(r"^[0-9]{2}\.[0-9]{2}$")
KECAMATAN_CODE = re.compile(r"^[0-9]{2}\.[0-9]{2}\.[0-9]{2}$")

# Indonesia's three time zones by province code: WIB (UTC+7), WITA (UTC+8), WIT (UTC+9).
_WITA = {"51", "52", "53", "63", "64", "65", "71", "72", "73", "74", "75", "76"}
_WIT = {"81", "82", "91", "92", "93", "94", "95", "96"}


def timezone_for_province(kode_provinsi: str) -> str:
    """IANA zone of a province: the regency's own "today" is taken there."""
    if kode_provinsi in _WIT:
        return "Asia/Jayapura"
    if kode_provinsi in _WITA:
        return "Asia/Makassar"
    return "Asia/Jakarta"


@dataclass(frozen=True, slots=True)
class Kecamatan:
    kode: str
    nama: str


@dataclass(frozen=True, slots=True)
class Regency:
    kode: str  # "33.10"
    nama: str  # "Kabupaten Klaten"
    kode_provinsi: str
    provinsi: str
    kecamatan: tuple[Kecamatan, ...]

    @property
    def timezone(self) -> str:
        return timezone_for_province(self.kode_provinsi)


class RegionDataError(CetakError, ValueError):
    """A kecamatan file or regency code that cannot be used; the subclasses say why. ``line``
    is the file's line, where the problem is in one row."""

    code = "regions.bad_data"


class MissingColumns(RegionDataError):
    code = "regions.missing_columns"

    def __init__(self, columns: list[str]) -> None:
        CetakError.__init__(self, columns=tuple(columns))


class BadKecamatanCode(RegionDataError):
    code = "regions.bad_kecamatan_code"

    def __init__(self, line: int, kode: str) -> None:
        CetakError.__init__(self, line=line, kode=kode)


class DuplicateKecamatan(RegionDataError):
    code = "regions.duplicate_kecamatan"

    def __init__(self, line: int, kode: str, first_line: int) -> None:
        CetakError.__init__(self, line=line, kode=kode, first_line=first_line)


class EmptyName(RegionDataError):
    code = "regions.empty_name"

    def __init__(self, line: int, label: str) -> None:
        CetakError.__init__(self, line=line, label=label)


class ProvinceMismatch(RegionDataError):
    code = "regions.province_mismatch"

    def __init__(self, line: int, prov: str, kab: str) -> None:
        CetakError.__init__(self, line=line, prov=prov, kab=kab)


class UnknownProvince(RegionDataError):
    code = "regions.unknown_province"

    def __init__(self, line: int, prov: str) -> None:
        CetakError.__init__(self, line=line, prov=prov)


class InconsistentNames(RegionDataError):
    code = "regions.inconsistent_names"

    def __init__(self, line: int, kab: str) -> None:
        CetakError.__init__(self, line=line, kab=kab)


class BadRegencyCode(RegionDataError):
    code = "regions.bad_regency_code"

    def __init__(self, kode: str) -> None:
        CetakError.__init__(self, kode=kode)


class UnreadableKecamatanFile(RegionDataError):
    """``reason`` is the operating system's (or decoder's) own text."""

    code = "regions.unreadable_file"

    def __init__(self, reason: str) -> None:
        CetakError.__init__(self, reason=reason)


class UnknownRegency(RegionDataError):
    """A regency code found neither in the shipped data nor in the given kecamatan file."""

    code = "regions.unknown_regency"

    def __init__(self, kode: str, *, in_file: bool) -> None:
        CetakError.__init__(self, kode=kode, in_file=in_file)


@cache
def provinces() -> dict[str, str]:
    """Province code -> name."""
    text = resources.files("cetak.data").joinpath("provinsi.csv").read_text(encoding="utf-8")
    return {row["kode"]: row["nama"] for row in csv.DictReader(io.StringIO(text))}


def parse_kecamatan_csv(text: str) -> dict[str, Regency]:
    """All regencies in a kecamatan CSV (shape of the shipped file), by regency code."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = [c for c in KECAMATAN_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise MissingColumns(missing)
    rows: dict[str, list[dict[str, str]]] = {}
    seen: dict[str, int] = {}
    known_provinces = provinces()
    for line, row in enumerate(reader, start=2):
        row = {k: (v or "").strip() for k, v in row.items() if k is not None}
        kode, kab, prov = row["kode_kecamatan"], row["kode_kabupaten"], row["kode_provinsi"]
        if (
            not KECAMATAN_CODE.match(kode)
            or not REGENCY_CODE.match(kab)
            or not kode.startswith(kab + ".")
        ):
            raise BadKecamatanCode(line, kode)
        if kode in seen:
            raise DuplicateKecamatan(line, kode, seen[kode])
        seen[kode] = line
        for column, label in (
            ("kecamatan", "nama kecamatan"),
            ("kabupaten", "nama kabupaten"),
            ("provinsi", "nama provinsi"),
        ):
            if not row[column]:
                raise EmptyName(line, label)
        if prov != kab[:2]:
            raise ProvinceMismatch(line, prov, kab)
        if prov not in known_provinces:
            raise UnknownProvince(line, prov)
        first = rows.get(kab, [row])[0]
        if (row["kabupaten"], row["provinsi"]) != (first["kabupaten"], first["provinsi"]):
            raise InconsistentNames(line, kab)
        rows.setdefault(kab, []).append(row)
    regencies = {}
    for kab, items in rows.items():
        first = items[0]
        regencies[kab] = Regency(
            kode=kab,
            nama=first["kabupaten"].strip(),
            kode_provinsi=first["kode_provinsi"].strip(),
            provinsi=first["provinsi"].strip(),
            kecamatan=tuple(
                Kecamatan(kode=r["kode_kecamatan"].strip(), nama=r["kecamatan"].strip())
                for r in sorted(items, key=lambda r: r["kode_kecamatan"])
            ),
        )
    return regencies


@cache
def shipped_regencies() -> dict[str, Regency]:
    text = resources.files("cetak.data").joinpath("kecamatan.csv").read_text(encoding="utf-8")
    return parse_kecamatan_csv(text)


def load_regency(kode: str, kecamatan_file: Path | None = None) -> Regency:
    """The regency ``kode`` from the shipped data or from ``kecamatan_file``."""
    if not REGENCY_CODE.match(kode):
        raise BadRegencyCode(kode)
    if kecamatan_file is not None:
        try:
            text = kecamatan_file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise UnreadableKecamatanFile(str(exc)) from exc
        found = parse_kecamatan_csv(text)
    else:
        found = shipped_regencies()
    if kode not in found:
        raise UnknownRegency(kode, in_file=kecamatan_file is not None)
    return found[kode]


def unknown_kecamatan(kode: str, known: dict[str, str], kabupaten: str) -> str | None:
    """None if ``kode`` is one of ``known`` (code -> name), else a message for staff naming
    the valid ones."""
    if kode in known:
        return None
    choices = ", ".join(f"{k} ({n})" for k, n in sorted(known.items()))
    return f"kecamatan '{kode}' bukan kecamatan {kabupaten}; pilihan: {choices}"
