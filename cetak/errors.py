"""The root of every error Cetak raises on purpose (issue 12, item 3).

An error holds data, not sentences: each class has a stable ``code`` (``"stock.insufficient"``)
and keyword fields (``site``, ``requested``...). ``cetak.messages`` turns the code and the
fields into the Bahasa Indonesia text staff read, on the CLI and on the dashboard; the CLI
adds its own hints (flag names, commands to run) from ``cli.messages``. Feature packages
derive their own roots from ``CetakError`` (stock, print, distribution, intake, users...),
so a front end catches one class. This module imports nothing of Cetak but the catalogue:
it is part of the kernel.
"""

from __future__ import annotations

from typing import Any, ClassVar


class CetakError(Exception):
    """An error raised on purpose.

    ``CetakError(detail)`` carries a ready sentence (errors whose text is made where the
    problem is found, e.g. a batch rejection reason); ``CetakError(**fields)`` carries data
    that the message catalogue renders. Each field is also an attribute. The constructor's
    positional arguments stay in ``args`` so that the error survives pickling.
    """

    code: ClassVar[str] = "cetak.error"

    def __init__(self, detail: str | None = None, /, **fields: Any) -> None:
        # Exception.__init__ is not called on purpose: ``args`` keeps what the subclass's
        # constructor was given (set by BaseException.__new__), which pickling replays.
        self.fields: dict[str, Any] = dict(fields)
        if detail is not None:
            self.fields["detail"] = detail
        for name, value in self.fields.items():
            setattr(self, name, value)

    @property
    def message(self) -> str:
        """The staff text (Bahasa Indonesia), rendered from the catalogue."""
        from cetak.messages import render

        return render(error_code(self), self.fields)

    @message.setter
    def message(self, value: str) -> None:
        # Kept for subclasses outside the catalogue that still set a sentence.
        self.fields["detail"] = value

    def __str__(self) -> str:
        return self.message


def error_code(exc: BaseException) -> str | None:
    """The catalogue code of ``exc`` (its class's), or None for an error from outside Cetak."""
    code = getattr(type(exc), "code", None)
    return code if isinstance(exc, CetakError) and isinstance(code, str) else None


def staff_message(exc: BaseException) -> str:
    """The text staff read for ``exc``: a Cetak error rendered through the catalogue; for
    any other error its ``message`` if it has one, else ``str(exc)``."""
    if isinstance(exc, CetakError):
        return exc.message
    message = getattr(exc, "message", None)
    return message if isinstance(message, str) and message else str(exc)


__all__ = ["CetakError", "error_code", "staff_message"]
