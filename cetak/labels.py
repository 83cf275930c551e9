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
