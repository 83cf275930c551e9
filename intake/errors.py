"""Structured errors of the intake, translated into staff messages at the edge."""

from __future__ import annotations

from enum import StrEnum

from cetak.errors import CetakError


class RejectCode(StrEnum):
    """Why a whole batch was rejected (all or nothing, nothing of it stored)."""

    MANIFEST_MISSING = "MANIFEST_MISSING"
    MANIFEST_INVALID = "MANIFEST_INVALID"
    WRONG_REGENCY = "WRONG_REGENCY"
    RECORDS_MISSING = "RECORDS_MISSING"
    DIGEST_MISMATCH = "DIGEST_MISMATCH"
    ROW_COUNT_MISMATCH = "ROW_COUNT_MISMATCH"
    NOT_UTF8 = "NOT_UTF8"
    MISSING_COLUMN = "MISSING_COLUMN"
    CSV_UNREADABLE = "CSV_UNREADABLE"
    ZIP_UNSAFE_PATH = "ZIP_UNSAFE_PATH"
    ZIP_CORRUPT = "ZIP_CORRUPT"
    NOT_A_BATCH = "NOT_A_BATCH"


class BatchRejected(CetakError):
    """The batch breaks a batch-level rule of the feed spec.

    ``message`` is Bahasa Indonesia for the print room and goes into the ACK's
    ``reason``; it never holds personal data.
    """

    code = "intake.batch_rejected"
    reject_code: RejectCode  # why, for the ACK's ``reason_code``

    def __init__(self, code: RejectCode, message: str) -> None:
        super().__init__(message, reject_code=code)

    def __str__(self) -> str:
        return f"{self.reject_code}: {self.message}"


class NotADelivery(CetakError, ValueError):
    """A path given to the intake is no delivery: not a batch folder, not a batch ``.zip``,
    not an inbox holding them. Refused before anything is read, moved or written.

    ``message`` is Bahasa Indonesia for the operator (the CLI exits 2 with it).
    """

    code = "intake.not_a_delivery"


class DeliveryRefused(NotADelivery):
    """``given`` cannot be looked at: ``why`` is what was found (not found, unreadable)."""

    code = "intake.delivery_refused"

    def __init__(self, given: str, why: str) -> None:
        CetakError.__init__(self, given=given, why=why)


class NotABatch(NotADelivery):
    """``given`` is neither a batch nor an inbox: ``what`` is what it is instead."""

    code = "intake.not_a_batch"

    def __init__(self, given: str, what: str) -> None:
        CetakError.__init__(self, given=given, what=what)
