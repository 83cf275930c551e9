"""The message catalogue: every error code Cetak raises, as the Bahasa Indonesia staff read.

An entry is a ``str.format`` template over the error's fields, or, where the text joins a
list or depends on a field, a small function of the fields. The catalogue is keyed by code,
so the kernel imports no feature package. No entry names a CLI flag or command: the CLI
appends those hints itself (``cli.messages``); the dashboard shows the text as it is.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

Fields = Mapping[str, Any]
Entry = str | Callable[[Fields], str]

#: The text of an error that carries a ready sentence (``CetakError(detail)``).
DETAIL = "{detail}"


def _insufficient(f: Fields) -> str:
    where = f"lot {f['lot']} di {f['site']}" if f.get("lot") else f["site"]
    return (
        f"stok blangko di {where} tidak cukup: diminta {f['requested']}, tersedia {f['available']}"
    )


def _unknown_lot(f: Fields) -> str:
    where = f" di {f['site']}" if f.get("site") else ""
    return f"lot '{f['lot']}' tidak ada{where}"


def _proposal_state(f: Fields) -> str:
    label = {"APPROVED": "sudah disetujui", "REJECTED": "sudah ditolak"}.get(f["state"], f["state"])
    return f"usulan selisih opname #{f['proposal_id']} {label}; tidak dapat diubah lagi"


def _card_move(f: Fields) -> str:
    ref, card_id = f.get("card_ref"), f.get("card_id")
    who = "kartu" + (f" {ref}" if ref else "" if card_id is None else f" #{card_id}")
    return f"{who} berstatus '{f['from_label']}', tidak dapat menjadi '{f['to_label']}'"


def _nothing_to_dispatch(f: Fields) -> str:
    where = f" untuk Kecamatan {f['kecamatan']}" if f.get("kecamatan") else ""
    return f"tidak ada kartu lolos QC yang menunggu dikirim{where}"


def _in_other_shipment(f: Fields) -> str:
    parts = [
        f"{ref} ada di pengiriman {other}" if other else f"{ref} tidak ada di pengiriman mana pun"
        for ref, other in f["wrong"]
    ]
    return f"kartu bukan bagian dari pengiriman {f['number']}: " + "; ".join(parts) + "."


def _forbidden(f: Fields) -> str:
    from cetak.access import ACTION_LABELS, ROLE_LABELS  # kernel; imported late (cycle)

    role, action = f["role"], f["action"]
    return f"Peran {ROLE_LABELS.get(role, str(role))} tidak boleh {ACTION_LABELS[action]}"


def _unknown_officer(f: Fields) -> str:
    why = "dinonaktifkan" if f.get("inactive") else "tidak terdaftar"
    return f"petugas '{f['name']}' {why}; tidak ada yang diubah. Gunakan nama pengguna aktif"


CATALOGUE: dict[str, Entry] = {
    # --- kernel ------------------------------------------------------------------------------
    "cetak.error": DETAIL,
    "access.forbidden": _forbidden,
    "installation.not_initialised": "basis data belum disiapkan",
    "installation.regency_change_refused": (
        "instalasi ini sudah melayani {current} dan sudah berisi data; "
        "tidak dapat dialihkan ke {wanted}"
    ),
    "lifecycle.illegal_transition": "Perubahan status tidak diizinkan: {from_state} → {to_state}",
    "database.failed": DETAIL,
    "records.unknown": lambda f: "PRR tidak ditemukan: " + ", ".join(f["prr_ids"]),
    "regions.bad_data": DETAIL,
    "regions.unknown_regency": lambda f: (
        f"Kabupaten {f['kode']} tidak ada di "
        + ("berkas itu" if f["in_file"] else "data bawaan (33.10, 33.20, 14.09, 64.08, 35.26)")
    ),
    "users.refused": DETAIL,
    "users.unknown_officer": _unknown_officer,
    "users.login_failed": "Nama pengguna atau kata sandi salah",
    "users.account_disabled": "Akun ini dinonaktifkan. Hubungi Kepala seksi.",
    "users.login_throttled": (
        "Terlalu banyak percobaan masuk yang gagal; masuk dikunci sementara. "
        "Coba lagi dalam {minutes_left} menit, atau minta Kepala seksi membuka kuncinya."
    ),
    # --- intake ------------------------------------------------------------------------------
    "intake.batch_rejected": DETAIL,
    "intake.not_a_delivery": DETAIL,
    # --- blank stock -------------------------------------------------------------------------
    "stock.error": "kesalahan stok",
    "stock.insufficient": _insufficient,
    "stock.invalid_quantity": "jumlah harus bilangan bulat lebih dari nol (diberikan: {quantity})",
    "stock.unknown_site": "lokasi stok '{site}' tidak dikenal",
    "stock.site_exists": "lokasi stok '{site}' sudah ada",
    "stock.same_site": "lokasi asal dan tujuan sama ({site}); tidak ada yang dipindahkan",
    "stock.unknown_lot": _unknown_lot,
    "stock.lot_already_received": "lot '{lot}' sudah pernah diterima; stok tidak ditambah lagi",
    "stock.serial_overlap": "rentang nomor seri lot '{lot}' bertumpuk dengan lot '{other}'",
    "stock.invalid_serial": (
        "nomor seri awal '{serial}' harus diakhiri angka (contoh: KTP0012001)"
    ),
    "stock.unknown_cause": lambda f: (
        f"sebab rusak '{f['cause']}' tidak dikenal; pilihan: {', '.join(f['allowed'])}"
    ),
    "stock.nothing_to_destroy": "tidak ada blangko rusak yang menunggu pemusnahan",
    "stock.not_enough_witnesses": "pemusnahan memerlukan sedikitnya dua saksi",
    "stock.no_officer": "pemusnahan memerlukan petugas yang memusnahkan",
    "stock.unknown_request": "permintaan blangko '{request}' tidak ditemukan",
    "stock.request_state": "permintaan {number} berstatus {state}; tidak dapat {action}",
    "stock.implausible": DETAIL,
    "stock.reason_required": "{what} wajib diisi: tuliskan alasan penyesuaian",
    "stock.lot_required": "stok opname dihitung per lot: sebutkan lotnya",
    "stock.unknown_proposal": "usulan selisih opname #{proposal_id} tidak ditemukan",
    "stock.proposal_state": _proposal_state,
    "stock.proposal_pending": (
        "lot {lot} di {site} masih punya usulan selisih opname #{proposal_id} yang menunggu "
        "persetujuan Kepala seksi; setujui atau tolak dulu"
    ),
    "stock.not_supervisor": (
        "'{name}' bukan pengguna aktif berperan Kepala seksi (supervisor); selisih opname "
        "hanya dapat disetujui Kepala seksi"
    ),
    # --- print production --------------------------------------------------------------------
    "print.error": "kesalahan cetak",
    "print.unknown_printer": "printer '{name}' tidak terdaftar",
    "print.printer_exists": "printer '{name}' sudah terdaftar",
    "print.bad_config": DETAIL,
    "print.uri_required": "printer {name}: printer {driver} memerlukan URI {example}",
    "print.unknown_card": "kartu '{ref}' tidak ditemukan",
    "print.card_not_awaiting_qc": "kartu {ref} berstatus '{state}', bukan menunggu QC",
    "print.illegal_card_move": _card_move,
    "print.unknown_card_id": lambda f: (
        "kartu tidak ditemukan: " + ", ".join(f"#{i}" for i in f["ids"])
    ),
    # --- distribution ------------------------------------------------------------------------
    "distribution.error": "kesalahan distribusi",
    "distribution.unknown_kecamatan": "kecamatan '{kecamatan}' bukan kecamatan kabupaten ini",
    "distribution.unknown_shipment": "pengiriman '{number}' tidak ditemukan",
    "distribution.unknown_card_ref": lambda f: "kartu tidak ditemukan: " + ", ".join(f["refs"]),
    "distribution.nothing_to_dispatch": _nothing_to_dispatch,
    "distribution.card_not_dispatchable": lambda f: (
        "kartu tidak dapat dikemas: " + "; ".join(f"{ref} {why}" for ref, why in f["problems"])
    ),
    "distribution.shipment_not_dispatched": "pengiriman {number} belum dikirim (status: {state})",
    "distribution.shipment_already_received": (
        "pengiriman {number} sudah diterima pada {at} oleh {by}; penerimaan tidak dicatat dua "
        "kali. Kartu yang belum ada diselesaikan lewat kasus selisih"
    ),
    "distribution.card_in_other_shipment": _in_other_shipment,
    "distribution.bad_receipt": DETAIL,
    "distribution.receiver_required": "nama petugas kecamatan yang menerima wajib diisi",
    "distribution.receipt_conflict": DETAIL,
    "distribution.unknown_case": "kasus selisih #{case_id} tidak ditemukan",
    "distribution.case_closed": "kasus selisih #{case_id} sudah diselesaikan ({resolution})",
    "distribution.resolution_refused": (
        "kasus selisih #{case_id} (kartu {kind}) tidak dapat diselesaikan sebagai '{resolution}'"
    ),
    "distribution.bad_nik": "NIK harus 16 angka dan sah (periksa kembali angkanya)",
    "distribution.nik_not_found": "tidak ada PRR untuk NIK {masked} di kabupaten ini",
    "distribution.card_not_ready": DETAIL,
    "distribution.collector_required": "nama yang mengambil wajib diisi",
    "distribution.already_collected": (
        "KTP-el NIK {masked} sudah diambil pada {at} oleh {by} di {place}; "
        "pengambilan tidak dicatat dua kali"
    ),
    # --- application -------------------------------------------------------------------------
    "backup.failed": DETAIL,
    "backup.restore_refused": DETAIL,
    "deploy.failed": DETAIL,
}


def render(code: str | None, fields: Fields) -> str:
    """The staff text of error ``code`` with ``fields``.

    An error that carries a ready sentence (``detail``) and a code the catalogue does not
    know, or fields its template does not have, is said by its sentence; failing that, by
    its code, never by a traceback.
    """
    entry = CATALOGUE.get(code or "", DETAIL)
    if "detail" in fields and entry != DETAIL and code not in CATALOGUE:
        entry = DETAIL
    try:
        return entry(fields) if callable(entry) else entry.format(**fields)
    except (KeyError, IndexError, TypeError, ValueError):
        detail = fields.get("detail")
        return str(detail) if detail else (code or "kesalahan")


__all__ = ["CATALOGUE", "DETAIL", "render"]
