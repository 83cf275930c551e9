"""Errors of recording devices and coverage imports: codes and fields, said in words by
the message catalogue (``cetak.messages``)."""

from __future__ import annotations

from cetak.errors import CetakError


class RecordingError(CetakError):
    code = "recording.error"


class UnknownDevice(RecordingError):
    code = "recording.unknown_device"
    kode: str

    def __init__(self, kode: str) -> None:
        super().__init__(kode=kode)


class DeviceExists(RecordingError):
    code = "recording.device_exists"
    kode: str

    def __init__(self, kode: str) -> None:
        super().__init__(kode=kode)


class BadDeviceCode(RecordingError):
    code = "recording.bad_device_code"
    kode: str

    def __init__(self, kode: str) -> None:
        super().__init__(kode=kode)


class UnknownPlace(RecordingError):
    code = "recording.unknown_place"
    place: str

    def __init__(self, place: str, kabupaten: str) -> None:
        super().__init__(place=place, kabupaten=kabupaten)


class BadYear(RecordingError):
    code = "recording.bad_year"
    year: int

    def __init__(self, year: int, first: int, last: int) -> None:
        super().__init__(year=year, first=first, last=last)


class BadChoice(RecordingError):
    """A cause, repairer or state that is not one of the words Cetak knows."""

    code = "recording.bad_choice"

    def __init__(self, what: str, given: str, choices: list[str]) -> None:
        super().__init__(what=what, given=given, choices=choices)


class DeviceMoveRefused(RecordingError):
    code = "recording.move_refused"

    def __init__(self, kode: str, current: str, wanted: str) -> None:
        super().__init__(kode=kode, current=current, wanted=wanted)


class BadDate(RecordingError):
    code = "recording.bad_date"

    def __init__(self, what: str, given: str) -> None:
        super().__init__(what=what, given=given)


class ImportRefused(RecordingError):
    """A file with a wrong header or bad rows: nothing of it was stored."""

    code = "recording.import_refused"

    def __init__(
        self,
        name: str,
        *,
        header: tuple[str, ...] | None = None,
        expected: tuple[str, ...] = (),
        problems: list[tuple[int, str, str, str]] | None = None,
    ) -> None:
        super().__init__(name=name, header=header, expected=expected, problems=list(problems or []))


class UnknownDelivery(RecordingError):
    code = "recording.unknown_delivery"

    def __init__(self, delivery_id: int) -> None:
        super().__init__(delivery_id=delivery_id)


class DeliveryAlreadySent(RecordingError):
    code = "recording.delivery_sent"

    def __init__(self, delivery_id: int, sent_on: str) -> None:
        super().__init__(delivery_id=delivery_id, sent_on=sent_on)


class BadCount(RecordingError):
    code = "recording.bad_count"

    def __init__(self, what: str, given: int, limit: int) -> None:
        super().__init__(what=what, given=given, limit=limit)


class UnreadableFile(RecordingError):
    code = "recording.unreadable_file"

    def __init__(self, name: str, reason: str) -> None:
        super().__init__(name=name, reason=reason)
