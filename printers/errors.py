"""Structured errors of print production; the CLI and dashboard say them in Indonesian."""

from __future__ import annotations

from cetak.errors import CetakError


class PrintError(CetakError):
    message = "kesalahan cetak"

    def __str__(self) -> str:
        return self.message


class UnknownPrinter(PrintError):
    def __init__(self, name: str) -> None:
        self.name = name
        self.message = f"printer '{name}' tidak terdaftar (lihat: cetak printers list)"


class PrinterExists(PrintError):
    def __init__(self, name: str) -> None:
        self.name = name
        self.message = f"printer '{name}' sudah terdaftar"


class BadPrinterConfig(PrintError):
    def __init__(self, message: str) -> None:
        self.message = message


class UnknownCard(PrintError):
    def __init__(self, ref: str) -> None:
        self.ref = ref
        self.message = f"kartu '{ref}' tidak ditemukan"


class CardNotAwaitingQC(PrintError):
    def __init__(self, ref: str, state: str) -> None:
        self.ref, self.state = ref, state
        self.message = f"kartu {ref} berstatus '{state}', bukan menunggu QC"
