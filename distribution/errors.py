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
    """A receipt that cannot be recorded; the subclasses say why."""

    code = "distribution.bad_receipt"


class CardMovedMeanwhile(BadReceipt):
    """A card's state changed under the receipt (another process recorded it first)."""

    code = "distribution.card_moved_meanwhile"

    def __init__(self) -> None:
        DistributionError.__init__(self)


class CaseCardMoved(BadReceipt):
    code = "distribution.case_card_moved"

    def __init__(self, ref: str, state: str) -> None:
        DistributionError.__init__(self, ref=ref, state=state)


class ConflictingReceipt(BadReceipt):
    """The receipt's cards conflict (``rules.ReceiptConflict``): same fields, same text."""

    code = "distribution.conflicting_receipt"

    def __init__(self, refs: tuple[str, ...], named_twice: bool) -> None:
        DistributionError.__init__(self, refs=tuple(refs), named_twice=named_twice)


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
    """No card of this NIK can be handed over here; the subclasses say why. ``masked`` is
    the NIK masked (``cetak.privacy.mask_nik``)."""

    code = "distribution.card_not_ready"


class BadPickupPlace(CardNotReady):
    code = "distribution.bad_pickup_place"

    def __init__(self, place: str) -> None:
        DistributionError.__init__(self, place=place)


class RecordNotPrinted(CardNotReady):
    """``state_label`` is the PRR state as staff read it."""

    code = "distribution.record_not_printed"

    def __init__(self, masked: str, state_label: str) -> None:
        DistributionError.__init__(self, masked=masked, state_label=state_label)


class CardElsewhere(CardNotReady):
    """``place`` is where the hand-over is (``kecamatan``/``disdukcapil``), ``where`` where
    the card is, as staff read it."""

    code = "distribution.card_elsewhere"

    def __init__(self, masked: str, place: str, where: str) -> None:
        DistributionError.__init__(self, masked=masked, place=place, where=where)


class CardAtOtherKecamatan(CardNotReady):
    code = "distribution.card_at_other_kecamatan"

    def __init__(self, masked: str, home: str, here: str) -> None:
        DistributionError.__init__(self, masked=masked, home=home, here=here)


class CollectorRequired(CardNotReady):
    """A hand-over without the name of who collects the card."""

    code = "distribution.collector_required"

    def __init__(self) -> None:
        DistributionError.__init__(self)


class AlreadyCollected(DistributionError):
    code = "distribution.already_collected"

    def __init__(self, masked: str, at: str, by: str, place: str) -> None:
        super().__init__(masked=masked, at=at, by=by, place=place)
