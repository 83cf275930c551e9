"""Structured errors of the stock service: each holds a code and fields; ``cetak.messages``
says them in Indonesian, the CLI adds its flag hints (``cli.messages``)."""

from __future__ import annotations

from cetak.errors import CetakError


class StockError(CetakError):
    """Base of the stock errors; ``message`` is for staff (Bahasa Indonesia)."""

    code = "stock.error"


class InsufficientStock(StockError):
    code = "stock.insufficient"

    def __init__(self, site: str, requested: int, available: int, lot: str | None = None) -> None:
        super().__init__(site=site, requested=requested, available=available, lot=lot)


class InvalidQuantity(StockError):
    code = "stock.invalid_quantity"

    def __init__(self, quantity: int) -> None:
        super().__init__(quantity=quantity)


class UnknownSite(StockError):
    code = "stock.unknown_site"

    def __init__(self, site: str) -> None:
        super().__init__(site=site)


class SiteExists(StockError):
    code = "stock.site_exists"

    def __init__(self, site: str) -> None:
        super().__init__(site=site)


class SameSite(StockError):
    code = "stock.same_site"

    def __init__(self, site: str) -> None:
        super().__init__(site=site)


class UnknownLot(StockError):
    code = "stock.unknown_lot"

    def __init__(self, lot: str, site: str | None = None) -> None:
        super().__init__(lot=lot, site=site)


class LotAlreadyReceived(StockError):
    code = "stock.lot_already_received"

    def __init__(self, lot: str) -> None:
        super().__init__(lot=lot)


class SerialOverlap(StockError):
    code = "stock.serial_overlap"

    def __init__(self, lot: str, other: str) -> None:
        super().__init__(lot=lot, other=other)


class InvalidSerial(StockError):
    code = "stock.invalid_serial"

    def __init__(self, serial: str) -> None:
        super().__init__(serial=serial)


class UnknownCause(StockError):
    code = "stock.unknown_cause"

    def __init__(self, cause: str, allowed: tuple[str, ...]) -> None:
        super().__init__(cause=cause, allowed=tuple(allowed))


class NothingToDestroy(StockError):
    code = "stock.nothing_to_destroy"


class NotEnoughWitnesses(StockError):
    code = "stock.not_enough_witnesses"


class NoOfficer(StockError):
    code = "stock.no_officer"


class UnknownRequest(StockError):
    code = "stock.unknown_request"

    def __init__(self, request: str) -> None:
        super().__init__(request=request)


class RequestStateError(StockError):
    code = "stock.request_state"

    def __init__(self, number: str, state: str, action: str) -> None:
        super().__init__(number=number, state=state, action=action)


# --- plausibility and stock-take approval (issue 11) ------------------------------------------


class ImplausibleInput(StockError):
    """A figure, date or text no real delivery, count or request can have: refused as input.
    The subclasses say which figure and why."""

    code = "stock.implausible"


class QuantityAboveLimit(ImplausibleInput):
    """A quantity above the settings' bound; ``shown`` and ``limit`` are written as staff read
    them (``1.000``)."""

    code = "stock.quantity_above_limit"

    def __init__(self, what: str, shown: str, limit: str) -> None:
        StockError.__init__(self, what=what, shown=shown, limit=limit)


class DateInFuture(ImplausibleInput):
    code = "stock.date_in_future"

    def __init__(self, what: str, day: str, today: str) -> None:
        StockError.__init__(self, what=what, day=day, today=today)


class TextTooLong(ImplausibleInput):
    code = "stock.text_too_long"

    def __init__(self, what: str, limit: int) -> None:
        StockError.__init__(self, what=what, limit=limit)


class InvalidLotCode(ImplausibleInput):
    code = "stock.invalid_lot_code"

    def __init__(self, lot: str) -> None:
        StockError.__init__(self, lot=lot)


class InvalidRef(ImplausibleInput):
    code = "stock.invalid_ref"

    def __init__(self, what: str, limit: int) -> None:
        StockError.__init__(self, what=what, limit=limit)


class CountAboveLot(ImplausibleInput):
    code = "stock.count_above_lot"

    def __init__(self, counted: str, lot: str, lot_quantity: str) -> None:
        StockError.__init__(self, counted=counted, lot=lot, lot_quantity=lot_quantity)


class ReasonRequired(ImplausibleInput):
    """An adjustment or a rejection without a reason; ``what`` names the reason asked for."""

    code = "stock.reason_required"

    def __init__(self, what: str) -> None:
        StockError.__init__(self, what=what)


class LotRequired(StockError):
    code = "stock.lot_required"


class UnknownProposal(StockError):
    code = "stock.unknown_proposal"

    def __init__(self, proposal_id: int) -> None:
        super().__init__(proposal_id=proposal_id)


class ProposalStateError(StockError):
    code = "stock.proposal_state"

    def __init__(self, proposal_id: int, state: str) -> None:
        super().__init__(proposal_id=proposal_id, state=state)


class ProposalPending(StockError):
    code = "stock.proposal_pending"

    def __init__(self, proposal_id: int, lot: str, site: str) -> None:
        super().__init__(proposal_id=proposal_id, lot=lot, site=site)


class NotSupervisor(StockError):
    code = "stock.not_supervisor"

    def __init__(self, name: str) -> None:
        super().__init__(name=name)
