"""Errors of distribution; ``message`` is for staff, in Bahasa Indonesia."""

from __future__ import annotations

from datetime import datetime

from cetak.errors import CetakError


class DistributionError(CetakError):
    message = "kesalahan distribusi"

    def __str__(self) -> str:
        return self.message


class UnknownKecamatan(DistributionError):
    def __init__(self, code: str) -> None:
        self.code = code
        self.message = f"kecamatan '{code}' bukan kecamatan kabupaten ini"


class UnknownShipment(DistributionError):
    def __init__(self, number: str) -> None:
        self.number = number
        self.message = f"pengiriman '{number}' tidak ditemukan (lihat: cetak shipments)"


class UnknownCardRef(DistributionError):
    def __init__(self, refs: list[str]) -> None:
        self.refs = refs
        self.message = "kartu tidak ditemukan: " + ", ".join(refs)


class NothingToDispatch(DistributionError):
    def __init__(self, kecamatan: str | None) -> None:
        where = f" untuk Kecamatan {kecamatan}" if kecamatan else ""
        self.message = f"tidak ada kartu lolos QC yang menunggu dikirim{where}"


class CardNotDispatchable(DistributionError):
    """A card that did not pass QC (or already left) cannot be packed."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        self.problems = problems
        self.message = "kartu tidak dapat dikemas: " + "; ".join(
            f"{ref} {why}" for ref, why in problems
        )


class ShipmentNotDispatched(DistributionError):
    def __init__(self, number: str, state: str) -> None:
        self.number, self.state = number, state
        self.message = (
            f"pengiriman {number} belum dikirim (status: {state}); jalankan dulu: cetak dispatch"
        )


class ShipmentAlreadyReceived(DistributionError):
    def __init__(self, number: str, at: str, by: str) -> None:
        self.number = number
        self.message = (
            f"pengiriman {number} sudah diterima pada {at} oleh {by}; "
            "penerimaan tidak dicatat dua kali. Kartu yang belum ada diselesaikan lewat "
            "kasus selisih (cetak discrepancies)"
        )


class CardInOtherShipment(DistributionError):
    def __init__(self, number: str, wrong: list[tuple[str, str | None]]) -> None:
        self.number, self.wrong = number, wrong
        parts = [
            f"{ref} ada di pengiriman {other}"
            if other
            else f"{ref} tidak ada di pengiriman mana pun"
            for ref, other in wrong
        ]
        self.message = (
            f"kartu bukan bagian dari pengiriman {number}: " + "; ".join(parts) + ". "
            "Kartu yang datang tanpa tercantum di manifes dicatat dengan --extra"
        )


class BadReceipt(DistributionError):
    def __init__(self, message: str) -> None:
        self.message = message


class UnknownCase(DistributionError):
    def __init__(self, case_id: int) -> None:
        self.case_id = case_id
        self.message = f"kasus selisih #{case_id} tidak ditemukan"


class CaseClosed(DistributionError):
    def __init__(self, case_id: int, resolution: str | None, at: datetime | None) -> None:
        self.case_id = case_id
        self.message = f"kasus selisih #{case_id} sudah diselesaikan ({resolution})"


class ResolutionRefused(DistributionError):
    def __init__(self, case_id: int, kind: str, resolution: str) -> None:
        self.message = (
            f"kasus selisih #{case_id} (kartu {kind}) tidak dapat diselesaikan sebagai "
            f"'{resolution}'"
        )


class BadNik(DistributionError):
    def __init__(self) -> None:
        self.message = "NIK harus 16 angka dan sah (periksa kembali angkanya)"


class NikNotFound(DistributionError):
    def __init__(self, masked: str) -> None:
        self.message = f"tidak ada PRR untuk NIK {masked} di kabupaten ini"


class CardNotReady(DistributionError):
    """No card of this NIK can be handed over here, and why."""

    def __init__(self, message: str) -> None:
        self.message = message


class AlreadyCollected(DistributionError):
    def __init__(self, masked: str, at: str, by: str, place: str) -> None:
        self.message = (
            f"KTP-el NIK {masked} sudah diambil pada {at} oleh {by} di {place}; "
            "pengambilan tidak dicatat dua kali"
        )
