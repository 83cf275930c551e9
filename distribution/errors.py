"""Errors of distribution: each holds a code and fields; ``cetak.messages`` says them in
Indonesian, the CLI adds its hints (``cli.messages``)."""

from __future__ import annotations

from datetime import datetime

from cetak.errors import CetakError


class DistributionError(CetakError):
    code = "distribution.error"


class UnknownKecamatan(DistributionError):
    code = "distribution.unknown_kecamatan"

    def __init__(self, code: str) -> None:
        super().__init__(kecamatan=code)


class UnknownPlace(DistributionError):
    """A receipt printer's place that is neither the Disdukcapil nor a kecamatan served."""

    code = "distribution.unknown_place"

    def __init__(self, place: str) -> None:
        super().__init__(place=place)


class UnknownShipment(DistributionError):
    code = "distribution.unknown_shipment"

    def __init__(self, number: str) -> None:
        super().__init__(number=number)


class UnknownCardRef(DistributionError):
    code = "distribution.unknown_card_ref"

    def __init__(self, refs: list[str]) -> None:
        super().__init__(refs=refs)


class NothingToDispatch(DistributionError):
    code = "distribution.nothing_to_dispatch"

    def __init__(self, kecamatan: str | None) -> None:
        super().__init__(kecamatan=kecamatan)


class CardNotDispatchable(DistributionError):
    """A card that did not pass QC (or already left) cannot be packed."""

    code = "distribution.card_not_dispatchable"

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        super().__init__(problems=problems)


class ShipmentNotDispatched(DistributionError):
    code = "distribution.shipment_not_dispatched"

    def __init__(self, number: str, state: str) -> None:
        super().__init__(number=number, state=state)


class ShipmentAlreadyReceived(DistributionError):
    code = "distribution.shipment_already_received"

    def __init__(self, number: str, at: str, by: str) -> None:
        super().__init__(number=number, at=at, by=by)


class CardInOtherShipment(DistributionError):
    code = "distribution.card_in_other_shipment"

    def __init__(self, number: str, wrong: list[tuple[str, str | None]]) -> None:
        super().__init__(number=number, wrong=wrong)


class BadReceipt(DistributionError):
    """A receipt that cannot be recorded; carries the sentence that says why."""

    code = "distribution.bad_receipt"

    def __init__(self, message: str) -> None:
        super().__init__(message)


class ReceiverRequired(BadReceipt):
    """A receipt without the name of the kecamatan officer who received it."""

    code = "distribution.receiver_required"

    def __init__(self) -> None:
        DistributionError.__init__(self)


class UnknownCase(DistributionError):
    code = "distribution.unknown_case"

    def __init__(self, case_id: int) -> None:
        super().__init__(case_id=case_id)


class CaseClosed(DistributionError):
    code = "distribution.case_closed"

    def __init__(self, case_id: int, resolution: str | None, at: datetime | None) -> None:
        super().__init__(case_id=case_id, resolution=resolution, at=at)


class ResolutionRefused(DistributionError):
    code = "distribution.resolution_refused"

    def __init__(self, case_id: int, kind: str, resolution: str) -> None:
        super().__init__(case_id=case_id, kind=kind, resolution=resolution)


class BadNik(DistributionError):
    code = "distribution.bad_nik"


class NikNotFound(DistributionError):
    code = "distribution.nik_not_found"

    def __init__(self, masked: str) -> None:
        super().__init__(masked=masked)


class CardNotReady(DistributionError):
    """No card of this NIK can be handed over here; carries the sentence that says why."""

    code = "distribution.card_not_ready"

    def __init__(self, message: str) -> None:
        super().__init__(message)


class CollectorRequired(CardNotReady):
    """A hand-over without the name of who collects the card."""

    code = "distribution.collector_required"

    def __init__(self) -> None:
        DistributionError.__init__(self)


class AlreadyCollected(DistributionError):
    code = "distribution.already_collected"

    def __init__(self, masked: str, at: str, by: str, place: str) -> None:
        super().__init__(masked=masked, at=at, by=by, place=place)
