"""The root of every error Cetak raises on purpose (issue 12, item 3, first step).

Feature packages derive their own roots from ``CetakError`` (stock, print, distribution,
intake, users, access, backup...), so a front end catches one class: the CLI's entry point
turns any ``CetakError`` that a command did not handle into a Bahasa message and exit 1
instead of a traceback, and the dashboard shows it where the form is. This module imports
nothing of Cetak: it is part of the kernel.
"""

from __future__ import annotations


class CetakError(Exception):
    """An error raised on purpose: what is wrong is said for staff, in Bahasa Indonesia,
    by ``message`` where the class sets one, else by ``str()``."""


def staff_message(exc: BaseException) -> str:
    """The text staff read for ``exc``: its ``message`` if it has one, else ``str(exc)``."""
    message = getattr(exc, "message", None)
    return message if isinstance(message, str) and message else str(exc)


__all__ = ["CetakError", "staff_message"]
