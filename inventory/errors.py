"""Structured errors of the stock service; the CLI and dashboard say them in Indonesian."""

from __future__ import annotations

from cetak.errors import CetakError


class StockError(CetakError):
    """Base: ``message`` is for staff (Bahasa Indonesia) and names what is wrong."""

    message = "kesalahan stok"

    def __str__(self) -> str:
        return self.message


class InsufficientStock(StockError):
    def __init__(self, site: str, requested: int, available: int, lot: str | None = None) -> None:
        self.site, self.requested, self.available, self.lot = site, requested, available, lot
        where = f"lot {lot} di {site}" if lot else site
        self.message = (
            f"stok blangko di {where} tidak cukup: diminta {requested}, tersedia {available}"
        )


class InvalidQuantity(StockError):
    def __init__(self, quantity: int) -> None:
        self.quantity = quantity
        self.message = f"jumlah harus bilangan bulat lebih dari nol (diberikan: {quantity})"


class UnknownSite(StockError):
    def __init__(self, site: str) -> None:
        self.site = site
        self.message = f"lokasi stok '{site}' tidak dikenal"


class SiteExists(StockError):
    def __init__(self, site: str) -> None:
        self.site = site
        self.message = f"lokasi stok '{site}' sudah ada"


class SameSite(StockError):
    def __init__(self, site: str) -> None:
        self.site = site
        self.message = f"lokasi asal dan tujuan sama ({site}); tidak ada yang dipindahkan"


class UnknownLot(StockError):
    def __init__(self, lot: str, site: str | None = None) -> None:
        self.lot, self.site = lot, site
        where = f" di {site}" if site else ""
        self.message = f"lot '{lot}' tidak ada{where}"


class LotAlreadyReceived(StockError):
    def __init__(self, lot: str) -> None:
        self.lot = lot
        self.message = f"lot '{lot}' sudah pernah diterima; stok tidak ditambah lagi"


class SerialOverlap(StockError):
    def __init__(self, lot: str, other: str) -> None:
        self.lot, self.other = lot, other
        self.message = f"rentang nomor seri lot '{lot}' bertumpuk dengan lot '{other}'"


class InvalidSerial(StockError):
    def __init__(self, serial: str) -> None:
        self.serial = serial
        self.message = f"nomor seri awal '{serial}' harus diakhiri angka (contoh: KTP0012001)"


class UnknownCause(StockError):
    def __init__(self, cause: str, allowed: tuple[str, ...]) -> None:
        self.cause = cause
        self.message = f"sebab rusak '{cause}' tidak dikenal; pilihan: {', '.join(allowed)}"


class NothingToDestroy(StockError):
    message = "tidak ada blangko rusak yang menunggu pemusnahan"


class NotEnoughWitnesses(StockError):
    message = "pemusnahan memerlukan sedikitnya dua saksi (--witness NAMA --witness NAMA)"


class NoOfficer(StockError):
    message = "pemusnahan memerlukan petugas yang memusnahkan (--officer NAMA)"


class UnknownRequest(StockError):
    def __init__(self, request: str) -> None:
        self.request = request
        self.message = f"permintaan blangko '{request}' tidak ditemukan"


class RequestStateError(StockError):
    def __init__(self, number: str, state: str, action: str) -> None:
        self.number, self.state, self.action = number, state, action
        self.message = f"permintaan {number} berstatus {state}; tidak dapat {action}"


# --- plausibility and stock-take approval (issue 11) ------------------------------------------


class ImplausibleInput(StockError):
    """A figure, date or text no real delivery, count or request can have: refused as input."""

    def __init__(self, message: str) -> None:
        self.message = message


class LotRequired(StockError):
    message = (
        "stok opname dihitung per lot: sebutkan lotnya (--lot KODE); "
        "lihat daftar lot dengan: cetak stock status"
    )


class UnknownProposal(StockError):
    def __init__(self, proposal_id: int) -> None:
        self.proposal_id = proposal_id
        self.message = f"usulan selisih opname #{proposal_id} tidak ditemukan"


class ProposalStateError(StockError):
    def __init__(self, proposal_id: int, state: str) -> None:
        self.proposal_id, self.state = proposal_id, state
        label = {"APPROVED": "sudah disetujui", "REJECTED": "sudah ditolak"}.get(state, state)
        self.message = f"usulan selisih opname #{proposal_id} {label}; tidak dapat diubah lagi"


class ProposalPending(StockError):
    def __init__(self, proposal_id: int, lot: str, site: str) -> None:
        self.proposal_id, self.lot, self.site = proposal_id, lot, site
        self.message = (
            f"lot {lot} di {site} masih punya usulan selisih opname #{proposal_id} yang menunggu "
            f"persetujuan Kepala seksi; setujui atau tolak dulu (cetak stock approve/reject "
            f"{proposal_id})"
        )


class NotSupervisor(StockError):
    def __init__(self, name: str) -> None:
        self.name = name
        self.message = (
            f"'{name}' bukan pengguna aktif berperan Kepala seksi (supervisor); selisih opname "
            "hanya dapat disetujui Kepala seksi (lihat: cetak users list)"
        )
