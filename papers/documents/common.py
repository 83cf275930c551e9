"""Shared data and pieces of the stock documents (Bahasa Indonesia, reportlab)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol

from reportlab.platypus import Paragraph, Table, TableStyle

from cetak.labels import CAUSE as CAUSE_LABELS
from cetak.privacy import holds_full_nik
from papers.style import (
    FONT,
    STYLES,
    Letterhead,
    Signatory,
    esc,
    tanggal,
)

# --- data --------------------------------------------------------------------------------

Ranges = tuple[tuple[int, int], ...]


class LotSerials(Protocol):
    """Where the serials of one lot stand against the books, as the monthly report shows
    them (``inventory.serials.LotSerials`` provides it)."""

    @property
    def lot(self) -> str: ...
    @property
    def first(self) -> int: ...
    @property
    def last(self) -> int: ...
    @property
    def on_hand(self) -> int: ...
    @property
    def used(self) -> Ranges: ...
    @property
    def spoiled(self) -> Ranges: ...
    @property
    def destroyed(self) -> Ranges: ...
    @property
    def shelf(self) -> Ranges: ...
    @property
    def unnumbered(self) -> int: ...
    @property
    def total(self) -> int: ...
    @property
    def problems(self) -> list[str]: ...
    @property
    def balanced(self) -> bool: ...
    def format(self, number: int) -> str: ...
    def text(self, found: Ranges, *, limit: int | None = None) -> str: ...


@dataclass(frozen=True, slots=True)
class Office:
    kabupaten: str  # "Kabupaten Klaten"
    provinsi: str  # "Jawa Tengah"
    kode_wilayah: str  # "33.10"
    alamat: str = "Jl. Pemuda No. 294, Klaten"  # address line of the letterhead
    kota: str = "Klaten"  # place name for "Klaten, 24 November 2026"
    #: The office profile's letterhead (issue 13); empty: not set, not shown.
    pemerintah: str = ""  # "Pemerintah Kabupaten Klaten"; empty: from ``kabupaten``
    instansi: str = "Dinas Kependudukan dan Pencatatan Sipil"
    telepon: str = ""
    email: str = ""
    laman: str = ""
    logo: bytes | None = field(default=None, repr=False)

    @property
    def letterhead(self) -> Letterhead:
        return Letterhead(
            pemerintah=self.pemerintah or self.kabupaten,
            alamat=self.alamat,
            instansi=self.instansi,
            telepon=self.telepon,
            email=self.email,
            laman=self.laman,
            logo=self.logo,
        )

    @property
    def dinas(self) -> str:
        return f"{self.instansi} {self.kabupaten}"


@dataclass(frozen=True, slots=True)
class Person:
    name: str  # empty: not known, a dotted line to fill by hand
    role: str  # e.g. "Kepala Seksi", "Saksi", "Operator"
    nip: str | None = None
    #: Pangkat/golongan ("Pembina, IV/a"); None: no line (a witness from outside), "": dotted.
    pangkat: str | None = None

    def signatory(self, caption: str = "") -> Signatory:
        return Signatory(
            name=self.name, role=self.role, nip=self.nip, caption=caption, pangkat=self.pangkat
        )


@dataclass(frozen=True, slots=True)
class SpoiledCard:
    lot: str
    serial: str | None
    card_ref: str | None  # PRR id or card reference; None for a blank damaged on the shelf
    nik_masked: str | None
    cause: str  # GAGAL_CETAK | GAGAL_ENCODE | RUSAK_FISIK | PERUBAHAN_DATA
    spoiled_on: date

    def __post_init__(self) -> None:
        if self.nik_masked is not None and sum(c.isdigit() for c in self.nik_masked) >= 16:
            raise ValueError("nik_masked holds a full NIK; pass it masked (3310********0001)")
        if self.card_ref is not None and holds_full_nik(self.card_ref):
            raise ValueError("card_ref looks like a full NIK; use the PRR id or card reference")


@dataclass(frozen=True, slots=True)
class DestructionReport:
    """Berita acara pemusnahan blangko KTP-el rusak."""

    number: str  # "470/BAP-001/XI/2026" (older reports: "BAP-3310-20261124-001")
    office: Office
    held_on: date
    place: str  # where the burning took place
    cards: tuple[SpoiledCard, ...]
    officers: tuple[Person, ...]  # officers who destroyed (at least one)
    witnesses: tuple[Person, ...]  # at least two witnesses
    method: str = "dibakar"  # dibakar | dipotong | dihancurkan
    #: "Mengetahui," (the head of office, issue 13); None: no such block.
    acknowledged_by: Person | None = None

    def __post_init__(self) -> None:
        for name in ("cards", "officers", "witnesses"):
            object.__setattr__(self, name, tuple(getattr(self, name)))
        if not self.cards:
            raise ValueError("a destruction report needs at least one card")
        if not self.officers:
            raise ValueError("a destruction report needs at least one officer")
        if len(self.witnesses) < 2:
            raise ValueError("a destruction report needs at least two witnesses")


@dataclass(frozen=True, slots=True)
class LotMonth:
    lot: str
    opening: int
    received: int
    printed: int
    spoiled: dict[str, int]  # cause -> count
    destroyed: int
    transferred_in: int
    transferred_out: int
    adjusted: int  # signed
    returned: int
    closing: int  # on hand at month end
    lost: int = 0  # printed cards declared lost on their way (within ``printed``)

    @property
    def spoiled_total(self) -> int:
        return sum(self.spoiled.values())

    @property
    def expected_closing(self) -> int:
        """opening + received + in - printed - spoiled - out +/- adjusted - returned.

        Destroyed cards are not subtracted: a spoiled blank leaves the stock when it is
        spoiled; destroying it later only empties the pile awaiting destruction.
        """
        return (
            self.opening
            + self.received
            + self.transferred_in
            - self.printed
            - self.spoiled_total
            - self.transferred_out
            + self.adjusted
            - self.returned
        )

    @property
    def balanced(self) -> bool:
        return self.expected_closing == self.closing


@dataclass(frozen=True, slots=True)
class JenisMonth:
    """The month's use of blanks for one jenis permohonan (BARU, PERUBAHAN_DATA, RUSAK,
    HILANG; ``""`` for blanks damaged on the shelf, which serve no application)."""

    jenis: str
    printed: int  # good cards printed for applications of this kind
    spoiled: int  # blanks spoiled while printing them

    @property
    def used(self) -> int:
        return self.printed + self.spoiled


@dataclass(frozen=True, slots=True)
class MonthlyReport:
    """Laporan bulanan penggunaan blangko KTP-el."""

    number: str
    office: Office
    month: date  # any day of the month reported
    lots: tuple[LotMonth, ...]
    awaiting_destruction: int
    prepared_by: Person
    approved_by: Person
    #: Lots with a serial range: where their serials stood at the month's end (issue 11).
    serials: tuple[LotSerials, ...] = ()
    #: The report's date: the month's last day, or today for a month not yet over.
    dated: date | None = None
    #: A month not yet over: the report is marked SEMENTARA (provisional).
    provisional: bool = False
    #: Blanks used per jenis permohonan in the month (issue 13, item 4); empty: not shown.
    by_jenis: tuple[JenisMonth, ...] = ()
    #: IKD activations in the month (issue 15); None: not shown.
    ikd: int | None = None
    #: Blanks lent to (+) and borrowed from (-) other regencies, still owed at month end.
    loans_owed: tuple[int, int] | None = None
    #: Consumables the regency buys, as the report is made: (kind label, rolls on the
    #: shelf, cards they and the loaded rolls can print, days of cover or None).
    consumables: tuple[tuple[str, int, int, float | None], ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "lots", tuple(self.lots))
        object.__setattr__(self, "serials", tuple(self.serials))
        object.__setattr__(self, "by_jenis", tuple(self.by_jenis))


@dataclass(frozen=True, slots=True)
class ReorderLetter:
    """Surat permohonan tambahan blangko KTP-el to Ditjen Dukcapil Kemendagri."""

    number: str  # "470/SPB-001/XI/2026"
    office: Office
    dated: date
    quantity: int  # blanks requested
    prr_backlog: int  # queued + scheduled + held records waiting
    on_hand: int
    daily_consumption: float
    days_of_cover: float | None
    lead_time_days: float
    signer: Person  # Kepala Dinas
    usage_days: int | None = None  # days of data daily_consumption rests on; None: not known
    #: What the average rests on, in words (inventory.policy.usage_basis), and whether the
    #: history is still short: the stock policy decides, the letter only states it.
    usage_basis: str = ""
    short_history: bool = False
    #: Scarcity (issue 15): IKD activations of the last 30 days, and the backlog in 30 days
    #: if no blank arrives (None: not known, e.g. a letter from before they were recorded).
    ikd_30d: int | None = None
    backlog_in_30d: int | None = None
    #: The regency's own consumables: (label, rolls on the shelf, cards, days of cover).
    consumables: tuple[tuple[str, int, int, float | None], ...] = ()

    def __post_init__(self) -> None:
        if self.quantity <= 0:
            raise ValueError("quantity must be positive")


# --- shared pieces -----------------------------------------------------------------------

_S = STYLES


def _cause_label(cause: str) -> str:
    return CAUSE_LABELS.get(cause, cause.replace("_", " ").capitalize())


def _causes(found: Iterable[str]) -> list[str]:
    """The four known causes in their fixed order, then any other cause met, sorted."""
    return list(CAUSE_LABELS) + sorted(set(found) - set(CAUSE_LABELS))


def _p(text: str, style: Any = _S.body) -> Paragraph:
    return Paragraph(text, style)


def _place_and_date(office: Office, day: date) -> Paragraph:
    return _p(f"{esc(office.kota)}, {tanggal(day)}", _S.body_left)


def _grid(rows: list[list[Any]], widths: list[float], commands: list[Any], **kw: Any) -> Table:
    table = Table(rows, colWidths=widths, **kw)
    table.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), FONT), *commands]))
    return table
