"""Receipts on ESC/POS thermal printers (python-escpos 3.x): the shipment's slip serah terima
(courier to kecamatan officer) and the resident's tanda terima KTP-el.

Rendering writes to any python-escpos printer object; ``send`` prints through ``Network``
(TCP 9100) or ``File`` (a device such as /dev/usb/lp0, a regular file, or a directory that
gets one ``<reference>.bin`` per document) and turns a connection fault into
``ReceiptPrinterUnavailable``, so the caller keeps its hand-over record and prints later.

Layout follows the profile: the line width is its column count for font A (32 on 58 mm,
42-48 on 80 mm). The reference is the printer's own Code128 (``GS k``, function B) when the
profile has ``barcodeB`` and the symbol fits the profile's print width at 2-dot modules:
in code set B, else with digit runs packed in code set C (one byte per digit pair).
Otherwise a QR code (native ``GS ( k`` with ``qrCode``, else a raster image), and the
reference is always printed as text too. A 16-digit run (a full NIK) is refused.
"""

from __future__ import annotations

import contextlib
import io
import re
import socket
import textwrap
import unicodedata
from dataclasses import dataclass, fields
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from escpos.capabilities import get_profile
from escpos.exceptions import DeviceNotFoundError
from escpos.printer import Dummy, File, Network

from cetak.bahasa import angka, tanggal_waktu
from cetak.errors import CetakError
from cetak.privacy import holds_full_nik

_ZONES = {7.0: "WIB", 8.0: "WITA", 9.0: "WIT"}
_LABEL = 12  # width of the key column in "key : value" lines
_MODULE = 2  # Code128 module width in dots (GS w); python-escpos accepts 2..6
_NARROWEST = 384  # print width in dots assumed when the profile gives none (58 mm paper)


#: Longest free text printed for one value (a name, a place); longer text is cut with "...".
TEXT_LIMIT = 60
_REFS = ("shipment_id", "card_ref")  # barcoded references: cleaned, never shortened
_REF_LIMIT = 100
_SPACES = frozenset(" \t\n\r\x0b\x0c\x85\u2028\u2029")


def clean_text(value: str | bytes, limit: int = TEXT_LIMIT) -> str:
    """Free text as a receipt may print it: no control bytes, valid text, bounded length.

    ESC, GS and every other control character (C0, C1, DEL), format characters (bidi
    overrides, zero-width) and private or unassigned code points are dropped, so a name
    cannot reset the printer, cut the paper or open the cash drawer. Invalid UTF-8 (bytes,
    or the lone surrogates ``surrogateescape`` leaves from a command-line argument)
    becomes U+FFFD. Runs of whitespace become one space; the text is stripped and cut to
    ``limit`` characters, ending in ``...`` when cut.
    """
    if isinstance(value, bytes):
        value = value.decode("utf-8", errors="replace")
    kept: list[str] = []
    for ch in value:
        if ch in _SPACES or unicodedata.category(ch) == "Zs":
            kept.append(" ")
        elif unicodedata.category(ch) == "Cs":  # a byte that was not UTF-8
            kept.append("\ufffd")
        elif not unicodedata.category(ch).startswith("C"):
            kept.append(ch)
    text = " ".join("".join(kept).split())
    if len(text) > limit:
        text = text[: max(0, limit - 3)].rstrip() + "..."
    return text


def _printable(doc: Any) -> Any:
    """``doc`` with every text field through ``clean_text`` (done at render time, so every
    path to a printer is covered); a field left empty prints as ``-``."""
    changes = {
        f.name: clean_text(getattr(doc, f.name), _REF_LIMIT if f.name in _REFS else TEXT_LIMIT)
        or "-"
        for f in fields(doc)
        if isinstance(getattr(doc, f.name), str) and f.name not in ("tz", "place")
    }
    clean = object.__new__(type(doc))  # no second validation: the original passed it
    for f in fields(doc):
        object.__setattr__(clean, f.name, changes.get(f.name, getattr(doc, f.name)))
    return clean


def _validate(doc: HandoverSlip | PickupReceipt) -> None:
    for f in fields(doc):
        value = getattr(doc, f.name)
        if isinstance(value, str) and holds_full_nik(value):
            raise ValueError(f"{f.name} holds a full NIK; a receipt shows it masked")
        if isinstance(value, str) and not value.strip():
            raise ValueError(f"{f.name} must not be empty")
    if doc.at.tzinfo is None or doc.at.utcoffset() is None:
        raise ValueError("at must be timezone-aware")
    try:
        ZoneInfo(doc.tz)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone {doc.tz!r}") from exc


@dataclass(frozen=True, slots=True)
class HandoverSlip:
    shipment_id: str  # "KRM-3310-20261124-0005": barcoded
    kabupaten: str  # "Kabupaten Klaten"
    kecamatan: str  # "Cawas"
    cards: int
    courier: str  # who carries the cards: yang menyerahkan
    officer: str  # the kecamatan officer: yang menerima
    at: datetime  # aware; printed in the regency's local time
    tz: str = "Asia/Jakarta"

    def __post_init__(self) -> None:
        _validate(self)
        if isinstance(self.cards, bool) or not isinstance(self.cards, int) or self.cards < 1:
            raise ValueError(f"cards must be a positive count, not {self.cards!r}")


@dataclass(frozen=True, slots=True)
class PickupReceipt:
    card_ref: str  # barcoded
    kabupaten: str
    kecamatan: str  # the resident's kecamatan of domicile
    nik_masked: str  # "3310********0001"
    nama: str
    collected_by: str  # the resident or a representative: yang menerima
    officer: str  # yang menyerahkan
    at: datetime
    tz: str = "Asia/Jakarta"
    place: str = "kecamatan"  # or "disdukcapil"

    def __post_init__(self) -> None:
        _validate(self)
        if sum(c.isdigit() for c in self.nik_masked) >= 16:
            raise ValueError("nik_masked holds a full NIK; pass it masked (3310********0001)")
        if self.place not in ("kecamatan", "disdukcapil"):
            raise ValueError(f"place must be 'kecamatan' or 'disdukcapil', not {self.place!r}")


def local_time(at: datetime, tz: str) -> str:
    """``24-11-2026 14.05 WIB``: the regency's clock and zone (WIB, WITA or WIT), written
    the one way of ``cetak.bahasa`` (tables: ``tanggal_waktu``)."""
    local = at.astimezone(ZoneInfo(tz))
    hours = (local.utcoffset() or timedelta(0)) / timedelta(hours=1)
    return f"{tanggal_waktu(local, tz)} {_ZONES.get(hours) or f'UTC{local:%z}'}"


def _quiet() -> contextlib.redirect_stdout[io.StringIO]:
    # python-escpos print()s which barcode renderer it chose; keep stdout clean (--json).
    return contextlib.redirect_stdout(io.StringIO())


def _code128(ref: str, *, packed: bool) -> tuple[str, int]:
    """ESC/POS CODE128 data (``{B`` text, ``{C`` digit pairs) and its count of symbols."""
    parts = re.split(r"((?:\d\d){2,})(?!\d)", ref) if packed else [ref]
    data, symbols = "", 1  # the check symbol; each part adds its start or code switch
    for i, part in enumerate(parts):
        if i % 2:  # an even run of 4+ digits (an odd first digit stays in the text)
            part = "".join(chr(int(part[j : j + 2])) for j in range(0, len(part), 2))
        if part:
            data += "{" + "BC"[i % 2] + part
            symbols += 1 + len(part)
    return data, symbols


def _code(printer: Any, ref: str) -> None:
    profile = printer.profile
    try:
        dots = int(profile.profile_data["media"]["width"]["pixels"])
    except (KeyError, TypeError, ValueError):
        dots = _NARROWEST
    if profile.supports("barcodeB") and all(" " <= c <= "~" and c != "{" for c in ref):
        for packed in (False, True):
            data, symbols = _code128(ref, packed=packed)
            if (11 * symbols + 13) * _MODULE <= dots:  # 11 modules a symbol, 13 the stop
                with _quiet():
                    printer.barcode(data, "CODE128", height=80, width=_MODULE, function_type="B")
                printer.set(align="left")
                return
    printer.set(align="center")
    if profile.supports("qrCode"):
        printer.qr(ref, size=6, native=True)
    elif profile.supports("bitImageRaster") or profile.supports("graphics"):
        impl = "bitImageRaster" if profile.supports("bitImageRaster") else "graphics"
        with _quiet():
            printer.qr(ref, size=5, image_arguments={"impl": impl, "center": False})
    printer.textln(ref)
    printer.set(align="left")


def _begin(printer: Any, kabupaten: str, title: str) -> int:
    printer.hw("INIT")  # ESC @: no style left over from an earlier job
    printer.magic.encoding = None  # ESC @ reset the code page: select it again for the text
    cols = int(printer.profile.get_columns("a"))
    printer.set(align="center", bold=True, double_height=True)
    for line in textwrap.wrap(f"DISDUKCAPIL {kabupaten.upper()}", cols):
        printer.textln(line)
    printer.set(normal_textsize=True)
    printer.textln(title)
    printer.set(align="left", bold=False)
    printer.textln("-" * cols)
    return cols


def _row(printer: Any, cols: int, label: str, value: str) -> None:
    if len(value) <= cols - _LABEL - 3:
        printer.textln(f"{label:<{_LABEL}} : {value}")
        return
    printer.textln(f"{label:<{_LABEL}} :")  # too long for the value column: on its own lines
    for line in textwrap.wrap(value, cols - 2):
        printer.textln(f"  {line}")


def _end(printer: Any, cols: int, statement: str, giver: str, receiver: str) -> None:
    printer.textln("-" * cols)
    printer.textln(textwrap.fill(statement, cols))
    half = cols // 2
    roles: tuple[str, ...] = ("Yang menyerahkan,", "Yang menerima,")
    names: tuple[str, ...] = (f"( {giver} )", f"( {receiver} )")
    if max(map(len, roles + names)) < half:  # side by side on wide paper
        roles, names = (
            ("".join(r.center(half) for r in roles),),
            ("".join(n.center(half) for n in names),),
        )
    for role, name in zip(roles, names, strict=True):
        printer.ln()
        printer.textln(role.rstrip())
        printer.ln(3)  # room to sign
        printer.textln(name.rstrip())
    printer.cut()


def render_handover(slip: HandoverSlip, printer: Any) -> None:
    """Print the slip serah terima of one shipment on any python-escpos printer."""
    slip = _printable(slip)
    cols = _begin(printer, slip.kabupaten, "SERAH TERIMA KTP-EL")
    row = partial(_row, printer, cols)
    row("No. kiriman", slip.shipment_id)
    row("Kecamatan", slip.kecamatan)
    row("Jumlah", f"{angka(slip.cards)} keping KTP-el")
    row("Waktu", local_time(slip.at, slip.tz))
    row("Kurir", slip.courier)
    row("Penerima", slip.officer)
    _code(printer, slip.shipment_id)
    done = f"Telah diserahterimakan {slip.cards} keping KTP-el untuk Kecamatan {slip.kecamatan}."
    _end(printer, cols, done, slip.courier, slip.officer)


def render_pickup(receipt: PickupReceipt, printer: Any) -> None:
    """Print the tanda terima KTP-el of one resident on any python-escpos printer."""
    r = _printable(receipt)
    cols = _begin(printer, r.kabupaten, "TANDA TERIMA KTP-EL")
    row = partial(_row, printer, cols)
    row("Ref. kartu", r.card_ref)
    row("NIK", r.nik_masked)
    row("Nama", r.nama)
    row("Kecamatan", r.kecamatan)
    row("Diambil oleh", r.collected_by)
    at_kecamatan = r.place == "kecamatan"
    row(
        "Tempat",
        f"Kantor Kecamatan {r.kecamatan}" if at_kecamatan else f"Disdukcapil {r.kabupaten}",
    )
    row("Waktu", local_time(r.at, r.tz))
    row("Petugas", r.officer)
    _code(printer, r.card_ref)
    done = f"Telah diterima 1 (satu) keping KTP-el atas nama {r.nama}."
    _end(printer, cols, done, r.officer, r.collected_by)


def _render(doc: HandoverSlip | PickupReceipt, printer: Any) -> None:
    if isinstance(doc, HandoverSlip):
        render_handover(doc, printer)
    else:
        render_pickup(doc, printer)


def _check_profile(profile: str) -> None:
    try:
        get_profile(profile)
    except KeyError:
        raise ValueError(f"unknown python-escpos printer profile {profile!r}") from None


def receipt_bytes(doc: HandoverSlip | PickupReceipt, profile: str = "TM-T88V") -> bytes:
    """The ESC/POS byte stream of ``doc`` for a printer of ``profile``."""
    _check_profile(profile)
    printer = Dummy(profile=profile)
    _render(doc, printer)
    return bytes(printer.output)


class ReceiptPrinterUnavailable(CetakError):
    """The receipt printer cannot be used; ``target`` is the printer, ``reason`` the
    operating system's own text (for the log). The subclasses say what happened."""

    code = "papers.receipt_printer_unavailable"
    target: str
    reason: str


class ReceiptPrinterUnreachable(ReceiptPrinterUnavailable):
    """The printer cannot be connected to (``network``) or opened (a device or a file)."""

    code = "papers.receipt_printer_unreachable"

    def __init__(self, target: str, network: bool, reason: str = "") -> None:
        super().__init__(target=target, network=network, reason=reason)


class ReceiptPrinterDropped(ReceiptPrinterUnavailable):
    """The printer went away while printing: the receipt is to be printed again."""

    code = "papers.receipt_printer_dropped"

    def __init__(self, target: str, reason: str = "") -> None:
        super().__init__(target=target, reason=reason)


@dataclass(frozen=True, slots=True)
class ReceiptPrinterConfig:
    kind: str  # "network" | "file"
    target: str  # "10.0.0.5:9100" (port 9100 if none), or a device, file or directory path
    profile: str = "TM-T88V"

    def __post_init__(self) -> None:
        if self.kind not in ("network", "file"):
            raise ValueError(f"kind must be 'network' or 'file', not {self.kind!r}")
        if not self.target.strip():
            raise ValueError("target must not be empty")
        _check_profile(self.profile)
        if self.kind == "network":
            self.address()

    def address(self) -> tuple[str, int]:
        host, sep, port = self.target.rpartition(":")
        if not sep or "]" in port:  # no port: "printer.local", "[::1]"
            return self.target.strip("[]"), 9100
        if not port.isdigit() or not 0 < int(port) < 65536 or not host.strip("[]"):
            raise ValueError(f"network target must be host:port, not {self.target!r}")
        return host.strip("[]"), int(port)


def _file_path(doc: HandoverSlip | PickupReceipt, target: str) -> Path:
    path = Path(target)
    if path.is_dir():
        ref = doc.shipment_id if isinstance(doc, HandoverSlip) else doc.card_ref
        path = path / (re.sub(r"[^A-Za-z0-9._-]", "_", ref) + ".bin")
    # escpos File opens O_RDWR without O_CREAT: create (or empty) a regular file first. A
    # device missing under /dev is a printer that is not there, never a file to create.
    if path.is_file() or not (path.exists() or Path("/dev") in path.absolute().parents):
        path.write_bytes(b"")
    return path


def send(
    doc: HandoverSlip | PickupReceipt, config: ReceiptPrinterConfig, *, timeout: float = 5.0
) -> None:
    """Print ``doc`` on the configured printer; ``timeout`` bounds the TCP connect and writes.

    Raises ``ReceiptPrinterUnavailable`` when the printer cannot be reached or drops the
    connection; nothing is recorded here, so the caller's hand-over record stands.
    """
    printer: Network | File
    try:
        if config.kind == "network":
            host, port = config.address()
            printer = Network(host, port, timeout=timeout, profile=config.profile)
            # Connect here, not in Network.open(): 3.1 leaks the socket of a failed connect
            # and speaks IPv4 only. The timeout stays on the socket and bounds the writes.
            printer.device = socket.create_connection((host, port), timeout=timeout)
        else:
            printer = File(str(_file_path(doc, config.target)), profile=config.profile)
            printer.open()
    except (DeviceNotFoundError, OSError) as exc:
        network = config.kind == "network"
        raise ReceiptPrinterUnreachable(config.target, network, str(exc)) from exc
    try:
        _render(doc, printer)
        printer.close()  # a File flushes here: its failure is a failed print too
    except OSError as exc:
        with contextlib.suppress(OSError):
            printer.close()
        raise ReceiptPrinterDropped(config.target, str(exc)) from exc


def receipt_text(doc: HandoverSlip | PickupReceipt, profile: str = "TM-T88V") -> str:
    """A readable preview of ``doc`` as plain text: the lines ``send`` prints for a printer
    of ``profile``, centred where the printer centres them, the barcode or QR code shown
    as a bracketed line naming its reference (for a receipt kept as a file, ``<ref>.txt``
    beside ``<ref>.bin``). Rendered by the same functions as the ESC/POS stream."""
    _check_profile(profile)

    class TextPrinter:  # the python-escpos calls the renderers make, collected as lines
        def __init__(self) -> None:
            self.profile = get_profile(profile)
            self.magic = type("Magic", (), {"encoding": None})()
            self.cols = int(self.profile.get_columns("a"))
            self.align = "left"
            self.lines: list[str] = []

        def hw(self, _command: str) -> None:
            pass

        def set(self, align: str | None = None, **_style: Any) -> None:
            self.align = align or self.align

        def textln(self, text: str = "") -> None:
            centred = self.align == "center"
            self.lines.append(text.center(self.cols).rstrip() if centred else text)

        def ln(self, count: int = 1) -> None:
            self.lines.extend([""] * count)

        def barcode(self, code: str, *_args: Any, **_kw: Any) -> None:
            ref = "".join(  # code set B is the text; code set C packs digit pairs
                part[1:] if part[:1] == "B" else "".join(f"{ord(c):02d}" for c in part[1:])
                for part in code.split("{")[1:]
            )
            self.lines.append(f"[kode batang: {ref}]".center(self.cols).rstrip())

        def qr(self, content: str, *_args: Any, **_kw: Any) -> None:
            self.lines.append(f"[kode QR: {content}]".center(self.cols).rstrip())

        def cut(self) -> None:
            self.lines.append("-" * self.cols + " (potong)")

    printer = TextPrinter()
    _render(doc, printer)
    return "\n".join(printer.lines) + "\n"
