"""The one table of Indonesian labels: every state, cause and kind a person reads.

Keyed by the stored value (each ``StrEnum`` member equals its value), so the screens, the
command line and the papers look a label up the same way whichever layer they are in;
the enums themselves live with their feature:

=====================  =============================================================
table                  enum (the stored values)
=====================  =============================================================
``RECORD_STATE``       ``cetak.lifecycle.RecordState`` (``Record.state``)
``CARD_STATE``         ``printers.cards.CardState`` (``Card.state``)
``PLACE``              where a card in each ``CardState`` of distribution is
``PRINTER_STATE``      ``printers.states.PrinterState`` (``Printer.state``)
``JOB_STATE``          ``printers.states.JobState`` (``PrintJob.state``)
``FAULT``              ``printers.drivers.base.Fault`` (``Card.fault``)
``SHIPMENT_STATE``     ``distribution.models.ShipmentState`` (``Shipment.state``)
``RECEIPT_STATE``      ``distribution.models.ReceiptState`` (``Receipt.state``)
``DISCREPANCY_STATE``  ``distribution.models.DiscrepancyState`` (``Discrepancy.state``)
``DISCREPANCY_KIND``   ``distribution.rules.DiscrepancyKind`` (``Discrepancy.kind``)
``RESOLUTION``         ``distribution.rules.Resolution`` (``Discrepancy.resolution``)
``CAUSE``              ``inventory.rules.Cause`` (``Movement.cause``)
``MOVEMENT_KIND``      ``inventory.rules.Kind`` (``Movement.kind``)
``PROPOSAL``           ``inventory.operations`` proposal states
``REQUEST_STATE``      reorder request states (``ReorderRequest.state``)
=====================  =============================================================

This module imports nothing of Cetak (it is the kernel's): ``tests/unit/test_labels.py``
checks that every member of every enum above has its label here.
"""

from __future__ import annotations

from collections.abc import Mapping

#: A print-ready record's state (``cetak.lifecycle.RecordState``).
RECORD_STATE: Mapping[str, str] = {
    "queued": "antre cetak",
    "held": "ditahan (belum 17 tahun)",
    "quarantined": "karantina",
    "superseded": "digantikan",
    "scheduled": "terjadwal",
    "printed": "tercetak (menunggu QC)",
    "ready": "lolos QC",
    "packed": "dikemas",
    "dispatched": "dikirim",
    "received": "diterima kecamatan",
    "collected": "diambil pemohon",
    "needs_attention": "perlu perhatian operator",
    "cancelled": "dibatalkan",
}

#: A card's state (``printers.cards.CardState``).
CARD_STATE: Mapping[str, str] = {
    "taken": "blangko diambil",
    "submitted": "dikirim ke printer",
    "printed": "tercetak (menunggu QC)",
    "passed": "lolos QC",
    "packed": "dikemas",
    "dispatched": "dalam pengiriman",
    "received": "di kantor kecamatan",
    "collected": "diambil pemohon",
    "returned": "dikembalikan ke Disdukcapil",
    "lost": "hilang",
    "spoiled": "rusak",
    "void": "dibatalkan",
}

#: Where a card is, by its state, once it passed QC (``distribution``: hand-overs, trace).
PLACE: Mapping[str, str] = {
    "passed": "di Disdukcapil (lolos QC)",
    "packed": "dikemas di Disdukcapil",
    "dispatched": "dalam pengiriman",
    "received": "di kantor kecamatan",
    "collected": "sudah diambil pemohon",
    "returned": "dikembalikan ke Disdukcapil",
    "lost": "dinyatakan hilang",
    "spoiled": "rusak",
}

#: A printer's state (``printers.states.PrinterState``).
PRINTER_STATE: Mapping[str, str] = {
    "online": "siap",
    "busy": "sedang mencetak",
    "resting": "istirahat",
    "offline": "tidak terhubung",
    "maintenance": "perawatan",
}

#: A print job's state (``printers.states.JobState``).
JOB_STATE: Mapping[str, str] = {
    "planned": "direncanakan",
    "running": "sedang berjalan",
    "done": "selesai",
    "stopped": "berhenti",
    "released": "dikembalikan ke antrean",
}

#: Why a printer or a card job failed (``printers.drivers.base.Fault``).
FAULT: Mapping[str, str] = {
    "JAM": "kartu macet",
    "RIBBON_OUT": "pita habis",
    "OVERHEAT": "printer terlalu panas",
    "OFFLINE": "printer tidak menjawab",
    "ENCODE_FAILED": "chip gagal ditulis",
    "BAD_DATA": "data cetak ditolak printer",
    "UNKNOWN": "kesalahan printer",
}

#: A shipment's state (``distribution.models.ShipmentState``).
SHIPMENT_STATE: Mapping[str, str] = {
    "packed": "dikemas",
    "dispatched": "dalam pengiriman",
    "received": "diterima",
}

#: A hand-over receipt's state (``distribution.models.ReceiptState``).
RECEIPT_STATE: Mapping[str, str] = {
    "pending": "menunggu dicetak",
    "printed": "tercetak",
    "failed": "gagal dicetak",
}

#: A discrepancy case's state (``distribution.models.DiscrepancyState``).
DISCREPANCY_STATE: Mapping[str, str] = {
    "open": "belum selesai",
    "resolved": "selesai",
}

#: What was wrong with a card at receipt (``distribution.rules.DiscrepancyKind``).
DISCREPANCY_KIND: Mapping[str, str] = {
    "missing": "tidak ada",
    "damaged": "rusak",
    "extra": "lebih (tidak ada di manifes)",
}

#: How a discrepancy case was resolved (``distribution.rules.Resolution``).
RESOLUTION: Mapping[str, str] = {
    "found": "ditemukan",
    "lost": "dinyatakan hilang",
    "damaged": "rusak",
}

#: Why a blank was spoiled (``inventory.rules.Cause``).
CAUSE: Mapping[str, str] = {
    "GAGAL_CETAK": "Gagal cetak",
    "GAGAL_ENCODE": "Gagal tulis chip",
    "RUSAK_FISIK": "Rusak fisik",
    "PERUBAHAN_DATA": "Perubahan data",
}

#: A movement of the blank ledger (``inventory.rules.Kind``).
MOVEMENT_KIND: Mapping[str, str] = {
    "RECEIVED": "diterima",
    "CONSUMED": "dipakai cetak",
    "SPOILED": "rusak",
    "DESTROYED": "dimusnahkan",
    "TRANSFER_OUT": "pindah keluar",
    "TRANSFER_IN": "pindah masuk",
    "ADJUSTMENT": "penyesuaian opname",
    "RETURNED": "dikembalikan ke pusat",
    "LOST": "hilang",
    "LOAN_OUT": "dipinjamkan ke kabupaten lain",
    "LOAN_OUT_RETURN": "pinjaman dikembalikan kabupaten lain",
    "LOAN_IN": "dipinjam dari kabupaten lain",
    "LOAN_IN_RETURN": "pinjaman dikembalikan ke kabupaten lain",
}

#: A stock-take proposal's state (``inventory.operations``).
PROPOSAL: Mapping[str, str] = {
    "PROPOSED": "menunggu persetujuan",
    "APPROVED": "disetujui",
    "REJECTED": "ditolak",
}

#: A reorder request's state (``inventory.reorder``).
REQUEST_STATE: Mapping[str, str] = {
    "DRAFT": "draf (belum dikirim)",
    "SENT": "terkirim ke pusat",
    "CONFIRMED": "dikonfirmasi pusat",
    "RECEIVED": "diterima",
    "CANCELLED": "dibatalkan",
}

#: Every table, by name (for the tests and for anything listing them).
TABLES: Mapping[str, Mapping[str, str]] = {
    "RECORD_STATE": RECORD_STATE,
    "CARD_STATE": CARD_STATE,
    "PLACE": PLACE,
    "PRINTER_STATE": PRINTER_STATE,
    "JOB_STATE": JOB_STATE,
    "FAULT": FAULT,
    "SHIPMENT_STATE": SHIPMENT_STATE,
    "RECEIPT_STATE": RECEIPT_STATE,
    "DISCREPANCY_STATE": DISCREPANCY_STATE,
    "DISCREPANCY_KIND": DISCREPANCY_KIND,
    "RESOLUTION": RESOLUTION,
    "CAUSE": CAUSE,
    "MOVEMENT_KIND": MOVEMENT_KIND,
    "PROPOSAL": PROPOSAL,
    "REQUEST_STATE": REQUEST_STATE,
}


def label(table: Mapping[str, str], value: str | None) -> str:
    """The label of ``value``; an unknown value reads as itself, words spaced, not as an
    error (a value stored by a newer version stays readable)."""
    if value is None:
        return "-"
    return table.get(value, value.replace("_", " ").capitalize())


#: A PRR's jenis permohonan (``intake.rules.JENIS_PERMOHONAN``), in the order reports list
#: them.
JENIS_PERMOHONAN: Mapping[str, str] = {
    "BARU": "Baru (perekaman pertama)",
    "PERUBAHAN_DATA": "Perubahan data",
    "RUSAK": "Penggantian karena rusak",
    "HILANG": "Penggantian karena hilang",
}


# --- recording devices and coverage (issue 14) ----------------------------------------------

#: A recording device's state (``recording.rules.DeviceState``).
DEVICE_STATE: Mapping[str, str] = {
    "berfungsi": "berfungsi",
    "rusak": "rusak",
    "dalam_perbaikan": "dalam perbaikan",
    "diganti": "sudah diganti",
    "dihapus": "sudah dihapus",
}

#: Why a recording device broke (``recording.rules.Cause``).
DEVICE_CAUSE: Mapping[str, str] = {
    "petir": "tersambar petir",
    "lupa_kata_sandi": "lupa kata sandi",
    "listrik_lemah": "daya listrik lemah",
    "jaringan": "gangguan jaringan",
    "perangkat_keras": "kerusakan perangkat keras",
    "perangkat_lunak": "kerusakan perangkat lunak",
    "lainnya": "lainnya",
}

#: Who repairs a recording device (``recording.rules.RepairBy``).
REPAIR_BY: Mapping[str, str] = {
    "sendiri": "teknisi Disdukcapil",
    "pusat": "Ditjen Dukcapil (pusat)",
    "vendor": "vendor",
}

#: Where a recording device belongs (``recording.rules.PlaceKind``).
DEVICE_PLACE: Mapping[str, str] = {
    "kecamatan": "kantor kecamatan",
    "disdukcapil": "Disdukcapil",
    "jemput_bola": "perangkat jemput bola",
}

#: Why a kecamatan is on the jemput bola list (``recording.rules.rank_jemput_bola``).
JEMPUT_BOLA_REASON: Mapping[str, str] = {
    "low_coverage": "cakupan rekam rendah",
    "no_device": "tidak ada alat yang berfungsi",
    "devices_down": "sebagian alat rusak",
    "uncollected": "KTP-el belum diambil",
}

#: Printer consumables the regency buys (``printers.consumables.ConsumableKind``).
CONSUMABLE_KIND: Mapping[str, str] = {
    "ribbon": "Pita warna (ribbon)",
    "film": "Film retransfer",
    "cleaning_kit": "Perlengkapan pembersih",
    "laminate": "Laminasi",
}


# --- codes that used to be read raw (issue 13 item 9) -----------------------------------------

#: Why central's record was quarantined (``intake.rules.Reason``: ``Record.reason``).
QUARANTINE_REASON: Mapping[str, str] = {
    "BAD_NIK_FORMAT": "Format NIK salah",
    "NIK_BIRTHDATE_MISMATCH": "NIK tidak cocok dengan tanggal lahir",
    "NIK_GENDER_MISMATCH": "NIK tidak cocok dengan jenis kelamin",
    "INVALID_FIELD": "Isian tidak valid",
    "UNKNOWN_KECAMATAN": "Kecamatan tidak dikenal",
    "MISSING_PHOTO": "Foto tidak ada",
    "DUPLICATE_NIK_IN_BATCH": "NIK ganda dalam satu batch",
    "NIK_ALREADY_QUEUED": "NIK sudah dalam antrean cetak",
    "NIK_ALREADY_PRINTED": "NIK sudah pernah dicetak",
}

#: Why a whole batch was rejected (``intake.errors.RejectCode``: the ACK's ``reason_code``).
REJECT_CODE: Mapping[str, str] = {
    "MANIFEST_MISSING": "manifes tidak ada",
    "MANIFEST_INVALID": "manifes tidak valid",
    "WRONG_REGENCY": "batch untuk kabupaten lain",
    "RECORDS_MISSING": "berkas record tidak ada",
    "DIGEST_MISMATCH": "sidik berkas tidak cocok (berkas berubah/rusak)",
    "ROW_COUNT_MISMATCH": "jumlah baris tidak sesuai manifes",
    "NOT_UTF8": "berkas bukan teks UTF-8",
    "MISSING_COLUMN": "kolom wajib tidak ada",
    "CSV_UNREADABLE": "CSV tidak dapat dibaca",
    "ZIP_UNSAFE_PATH": "zip berisi jalur berbahaya",
    "ZIP_CORRUPT": "zip rusak",
    "NOT_A_BATCH": "bukan batch PRR",
}

#: A batch's ACK status (``intake``: ``ACCEPTED`` / ``REJECTED``).
ACK_STATUS: Mapping[str, str] = {
    "ACCEPTED": "diterima",
    "REJECTED": "ditolak",
}

#: An alert's level (``cetak.models.Alert.level``); also log levels staff may read.
ALERT_LEVEL: Mapping[str, str] = {
    "CRITICAL": "Gawat",
    "ERROR": "Gangguan",
    "WARNING": "Peringatan",
    "INFO": "Informasi",
}

#: A role (``cetak.access.Role``); ``cetak.access.ROLE_LABELS`` holds the same words.
ROLE: Mapping[str, str] = {
    "operator": "Operator cetak",
    "stock_manager": "Pengelola stok",
    "supervisor": "Kepala seksi",
    "viewer": "Pemantau",
}

#: Supplies named by a printer or a stock line (``printers.consumables``, printer status).
SUPPLY: Mapping[str, str] = {
    "ribbon": "pita warna (ribbon)",
    "Ribbon": "Pita warna (ribbon)",
    "film": "film retransfer",
    "cleaning_kit": "perlengkapan pembersih",
    "laminate": "laminasi",
    "blank": "blangko KTP-el",
}

#: What an audit row records (``AuditEntry.action``).
AUDIT_ACTION: Mapping[str, str] = {
    "ingest_batch": "batch PRR diproses",
    "login": "masuk",
    "login_failed": "gagal masuk",
    "print_run": "menjalankan pencetakan",
    "ingest": "menerima PRR dari pusat",
    "printer_add": "printer ditambah",
    "printer_down": "printer dihentikan",
    "printer_up": "printer siap lagi",
    "printer_probe": "printer diperiksa",
    "qc_pass": "QC lolos",
    "qc_auto_pass": "QC lolos otomatis",
    "qc_reject": "QC ditolak",
    "requeue": "record diantrekan ulang",
    "stock_receipt": "terima lot blangko",
    "stock_take": "stok opname",
    "stock_count_approve": "selisih opname disetujui",
    "stock_count_reject": "selisih opname ditolak",
    "stock_destroy": "pemusnahan blangko rusak",
    "stock_spoil": "blangko dicatat rusak",
    "stock_return": "blangko dikembalikan ke pusat",
    "stock_transfer": "blangko dipindah antarlokasi",
    "reorder_check": "pemeriksaan titik pesan ulang",
    "reorder_sent": "permintaan dikirim",
    "reorder_confirmed": "permintaan dikonfirmasi",
    "reorder_received": "permintaan diterima",
    "reorder_cancel": "permintaan dibatalkan",
    "reconcile": "rekonsiliasi stok",
    "site_add": "lokasi ditambah",
    "shipment_receive": "kiriman diterima kecamatan",
    "discrepancy_resolve": "selisih diselesaikan",
    "return_cards": "kartu dikembalikan ke Disdukcapil",
    "collection": "KTP-el diambil",
    "receipt_printer": "printer struk diatur",
    "quarantine_export": "ekspor record karantina",
    "table_export": "unduh tabel (Excel)",
    "user_add": "pengguna ditambah",
    "user_full_name": "nama lengkap pengguna diganti",
    "user_password": "kata sandi diganti",
    "user_role": "peran diganti",
    "user_enable": "pengguna diaktifkan",
    "user_disable": "pengguna dinonaktifkan",
    # issue 13: the office profile, daily report
    "office_set": "profil kantor diubah",
    "office_signer_set": "penanda tangan diubah",
    # issue 14: recording devices and coverage
    "device_add": "alat perekaman didaftarkan",
    "device_broken": "alat perekaman rusak",
    "device_repairing": "alat perekaman dalam perbaikan",
    "device_repaired": "alat perekaman berfungsi lagi",
    "device_replaced": "alat perekaman diganti",
    "device_removed": "alat perekaman dihapus",
    "coverage_targets_import": "wajib KTP dimuat",
    "coverage_recordings_import": "laporan perekaman dimuat",
    "recording_distances_import": "tabel jarak dimuat",
    "flashdisk_received": "flashdisk rekaman diterima",
    "flashdisk_sent": "flashdisk diteruskan ke pusat",
    # issue 15: scarcity
    "ration_policy_set": "kebijakan prioritas diubah",
    "urgent_flag": "permohonan ditandai mendesak",
    "urgent_unflag": "tanda mendesak dihapus",
    "ikd_add": "aktivasi IKD dicatat",
    "ikd_import": "aktivasi IKD dimuat",
    "consumable_receive": "bahan habis pakai diterima",
    "consumable_load": "rol dipasang di printer",
    "consumable_unload": "rol dilepas dari printer",
    "consumables_check": "pemeriksaan bahan habis pakai",
    "stock_lend": "blangko dipinjamkan ke kabupaten lain",
    "stock_borrow": "blangko dipinjam dari kabupaten lain",
    "stock_loan_return": "pengembalian pinjaman blangko",
}

#: The names in an audit row's detail.
AUDIT_DETAIL_KEY: Mapping[str, str] = {
    "received_on": "tanggal terima",
    "queued": "antre",
    "held": "ditahan",
    "duplicate": "duplikat",
    "superseded": "digantikan",
    "quarantined": "karantina",
    "status": "status",
    "paths": "jalur",
    "request": "permintaan",
    "reference": "nomor surat",
    "difference": "selisih",
    "expected": "menurut buku",
    "target": "sasaran",
    "reason": "alasan",
    "client": "dari",
    "role": "peran",
    "quantity": "jumlah",
    "counted": "terhitung",
    "site": "lokasi",
    "lot": "lot",
    "cause": "sebab",
    "ref": "rujukan",
    "held_on": "tanggal",
    "flow": "proses",
    "error": "kesalahan",
    "max_cards": "paling banyak",
    "state": "status",
    "missing": "tidak ada",
    "damaged": "rusak",
    "extra": "lebih",
    "received": "diterima",
    "officer": "petugas",
    "resolution": "penyelesaian",
    "note": "catatan",
    "cards": "kartu",
    "by": "oleh",
    "place": "tempat",
    "kecamatan": "kecamatan",
    "batch": "batch",
    "rows": "baris",
    "year": "tahun",
    "kumulatif": "kumulatif",
    "jumlah": "jumlah",
    "version": "versi",
    "approved": "disetujui",
    "kind": "jenis",
    "rolls": "rol",
    "unit_price": "harga satuan",
    "to": "ke",
    "from": "dari",
    "new": "pengganti",
    "reported_on": "dilaporkan",
    "alerts": "peringatan",
}

#: Coded values an audit row's detail may carry (why a login failed, and the like).
AUDIT_DETAIL_VALUE: Mapping[str, str] = {
    "ingest": "penerimaan PRR",
    "wrong_password": "kata sandi salah",
    "unknown_user": "nama pengguna tidak dikenal",
    "throttled": "terlalu banyak percobaan (dikunci sementara)",
    "disabled": "akun nonaktif",
    "unknown_role": "peran tidak dikenal",
    "localhost": "komputer ini",
    "print_run": "pencetakan",
}


def coded(value: object) -> str:
    """A stored code of any table above as staff read it (``DUPLICATE_NIK_IN_BATCH`` ->
    ``NIK ganda dalam satu batch``, ``dispatched`` -> ``dikirim``); other values as text.

    For screens that show a value without knowing its kind (an audit row's detail); a
    screen that knows the kind looks it up in its own table with ``label``.
    """
    if isinstance(value, list | tuple):
        return ", ".join(coded(v) for v in value)
    if value is None:
        return "-"
    if not isinstance(value, str):
        return str(value)
    for table in (
        AUDIT_DETAIL_VALUE,
        ROLE,
        QUARANTINE_REASON,
        REJECT_CODE,
        ALERT_LEVEL,
        ACK_STATUS,
        CAUSE,
        RECORD_STATE,
        SHIPMENT_STATE,
        DISCREPANCY_KIND,
        RESOLUTION,
        REQUEST_STATE,
        FAULT,
        MOVEMENT_KIND,
        CARD_STATE,
        SUPPLY,
    ):
        if value in table:
            return table[value]
    return value


def actor_label(actor: str | None) -> str:
    """Who wrote a ledger, event or audit row, as staff read it: ``dashboard:kasi`` is
    ``kasi``, ``cli:kasi`` ``kasi (baris perintah)``, ``flow:print_run/fargo-1`` the
    automatic print run on fargo-1."""
    if not actor:
        return "-"
    via, _, who = actor.partition(":")
    if not who:
        return actor
    if via == "dashboard":
        return who
    if via == "cli":
        return f"{who} (baris perintah)"
    if via == "flow":
        flow, _, part = who.partition("/")
        name = AUDIT_DETAIL_VALUE.get(flow, AUDIT_ACTION.get(flow, flow.replace("_", " ")))
        return f"proses otomatis: {name}" + (f" ({part})" if part else "")
    return actor
