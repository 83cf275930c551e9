"""Structured errors of print production: each holds a code and fields; ``cetak.messages``
says them in Indonesian, the CLI adds its hints (``cli.messages``)."""

from __future__ import annotations

from cetak.errors import CetakError


class PrintError(CetakError):
    code = "print.error"


class UnknownPrinter(PrintError):
    code = "print.unknown_printer"

    def __init__(self, name: str) -> None:
        super().__init__(name=name)


class PrinterExists(PrintError):
    code = "print.printer_exists"

    def __init__(self, name: str) -> None:
        super().__init__(name=name)


class BadPrinterConfig(PrintError):
    """A printer's settings that cannot work; carries the sentence that says why."""

    code = "print.bad_config"

    def __init__(self, message: str) -> None:
        super().__init__(message)


class PrinterUriRequired(BadPrinterConfig, ValueError):
    """A driver that needs a URI (a spool folder, an IPP address) was given none."""

    code = "print.uri_required"

    def __init__(self, name: str, driver: str, example: str) -> None:
        PrintError.__init__(self, name=name, driver=driver, example=example)


class UnknownCard(PrintError):
    code = "print.unknown_card"

    def __init__(self, ref: str) -> None:
        super().__init__(ref=ref)


class CardNotAwaitingQC(PrintError):
    code = "print.card_not_awaiting_qc"

    def __init__(self, ref: str, state: str) -> None:
        super().__init__(ref=ref, state=state)
