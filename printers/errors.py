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
    """A printer's settings that cannot work; the subclasses say which and why."""

    code = "print.bad_config"


class BadPrinterName(BadPrinterConfig):
    code = "print.bad_name"

    def __init__(self) -> None:
        PrintError.__init__(self)


class UnknownDriver(BadPrinterConfig):
    code = "print.unknown_driver"

    def __init__(self, driver: str, choices: tuple[str, ...]) -> None:
        PrintError.__init__(self, driver=driver, choices=tuple(choices))


class BadPrinterLimits(BadPrinterConfig):
    code = "print.bad_limits"

    def __init__(self) -> None:
        PrintError.__init__(self)


class BadPrinterUri(BadPrinterConfig):
    """A printer whose URI its driver refuses; ``problem`` is the driver's error (a
    ``BadDriverUri`` or, from outside Cetak, any ``ValueError``), said after the name."""

    code = "print.bad_uri"

    def __init__(self, name: str, problem: BaseException) -> None:
        PrintError.__init__(self, name=name, problem=problem)


class BadDriverUri(BadPrinterConfig, ValueError):
    """A URI a driver cannot use, found by the driver (which does not know the printer's
    name); ``make_driver`` wraps it in ``BadPrinterUri``."""


class BadSimulatedUri(BadDriverUri):
    code = "print.bad_simulated_uri"

    def __init__(self, uri: str) -> None:
        PrintError.__init__(self, uri=uri)


class BadSimulatedParameter(BadDriverUri):
    code = "print.bad_simulated_parameter"

    def __init__(self, parameter: str, value: str) -> None:
        PrintError.__init__(self, parameter=parameter, value=value)


class SpoolFolderRequired(BadDriverUri):
    code = "print.spool_folder_required"

    def __init__(self) -> None:
        PrintError.__init__(self)


class BadSpoolUri(BadDriverUri):
    code = "print.bad_spool_uri"

    def __init__(self, uri: str) -> None:
        PrintError.__init__(self, uri=uri)


class BadIppUri(BadDriverUri):
    code = "print.bad_ipp_uri"

    def __init__(self, uri: str) -> None:
        PrintError.__init__(self, uri=uri)


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
