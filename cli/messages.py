"""What the CLI adds to the staff text of an error: flag and command hints, and exit codes.

The domain's catalogue (``cetak.messages``) names no CLI flag or command; here each code
may have a hint appended to its text (a ``str.format`` template over the error's fields),
or, where the flag sits inside the sentence, a whole CLI wording. A refused input exits 2,
anything else 1.
"""

from __future__ import annotations

from cetak.errors import CetakError, error_code, staff_message

#: Appended to the catalogue's text on the CLI.
HINTS: dict[str, str] = {
    "access.forbidden": "; tidak ada yang diubah",
    "installation.not_initialised": (
        ". Jalankan dulu: cetak init --regency KODE (contoh: cetak init --regency 33.10)"
    ),
    "users.unknown_officer": " (cetak users list; tambah dengan cetak users add)",
    "regions.unknown_regency": "; gunakan --kecamatan-file untuk kabupaten lain",
    "stock.not_enough_witnesses": " (--witness NAMA --witness NAMA)",
    "stock.no_officer": " (--officer NAMA)",
    "stock.reason_required": " (--reason)",
    "stock.lot_required": " (--lot KODE); lihat daftar lot dengan: cetak stock status",
    "stock.proposal_pending": " (cetak stock approve/reject {proposal_id})",
    "stock.not_supervisor": " (lihat: cetak users list)",
    "print.unknown_printer": " (lihat: cetak printers list)",
    "distribution.unknown_shipment": " (lihat: cetak shipments)",
    "distribution.shipment_not_dispatched": "; jalankan dulu: cetak dispatch",
    "distribution.shipment_already_received": " (cetak discrepancies)",
    "distribution.card_in_other_shipment": (
        " Kartu yang datang tanpa tercantum di manifes dicatat dengan --extra"
    ),
    "distribution.receiver_required": " (--by)",
    "distribution.collector_required": " (--by)",
    "backup.database_missing": ". Jalankan dulu: cetak init --regency KODE",
    "backup.migration_failed": " Jalankan cetak doctor.",
    "backup.newer_data": " Bila memang dikehendaki, ulangi dengan --force.",
    "backup.other_regency": " Bila memang dikehendaki, ulangi dengan --force.",
    "deploy.api_url_missing": (
        " Jalankan cetak serve, atau atur PREFECT_API_URL di /etc/cetak/cetak.env."
    ),
}

#: The CLI's own wording, where the flag is part of the sentence.
CLI_TEXT: dict[str, str] = {
    "print.uri_required": "printer {name}: printer {driver} memerlukan --uri {example}",
    "deploy.prefect_deploy_failed": "prefect deploy --all gagal (kode {returncode}):\n{output}",
}

#: Codes of input the CLI refuses (exit 2); every other error exits 1.
REFUSED: frozenset[str] = frozenset(
    {
        "access.forbidden",
        "installation.unknown_kecamatan",
        "distribution.unknown_place",
        "backup.restore_refused",
        "backup.not_a_backup",
        "backup.sidecar_mismatch",
        "backup.checksum_mismatch",
        "backup.newer_format",
        "backup.unknown_revision",
        "backup.archive_not_found",
        "backup.dialect_mismatch",
        "backup.newer_data",
        "backup.other_regency",
        "intake.not_a_delivery",
        "intake.delivery_refused",
        "intake.not_a_batch",
        "records.unknown",
        "ikd.refused",
        "consumables.refused",
        "loan.refused",
        "ration.policy_refused",
        "ration.no_queued_record",
        "ration.bad_reason",
        "ration.no_flag",
        "recording.unknown_device",
        "recording.device_exists",
        "recording.bad_device_code",
        "recording.unknown_place",
        "recording.bad_year",
        "recording.bad_choice",
        "recording.move_refused",
        "recording.bad_date",
        "recording.import_refused",
        "recording.unknown_delivery",
        "recording.delivery_sent",
        "recording.bad_count",
        "recording.unreadable_file",
        "regions.bad_data",
        "regions.missing_columns",
        "regions.bad_kecamatan_code",
        "regions.duplicate_kecamatan",
        "regions.empty_name",
        "regions.province_mismatch",
        "regions.unknown_province",
        "regions.inconsistent_names",
        "regions.bad_regency_code",
        "regions.unreadable_file",
        "regions.unknown_regency",
        "users.refused",
        "users.bad_name",
        "users.unknown_role",
        "users.password_too_short",
        "users.unknown_user",
        "users.bad_full_name",
        "users.full_name_too_long",
        "users.user_exists",
        "users.unknown_officer",
        "stock.implausible",
        "stock.quantity_above_limit",
        "stock.date_in_future",
        "stock.text_too_long",
        "stock.invalid_lot_code",
        "stock.invalid_ref",
        "stock.count_above_lot",
        "stock.reason_required",
        "stock.invalid_quantity",
        "stock.invalid_serial",
        "stock.lot_required",
        "stock.not_supervisor",
        "stock.request_state",
        "stock.unknown_cause",
        "stock.unknown_lot",
        "stock.unknown_site",
    }
)


def cli_message(exc: BaseException) -> str:
    """The text the CLI prints for ``exc``: the staff text plus the CLI's hint."""
    code = error_code(exc)
    if code is None or not isinstance(exc, CetakError):
        return staff_message(exc)
    try:
        if code in CLI_TEXT:
            return CLI_TEXT[code].format(**exc.fields)
        return staff_message(exc) + HINTS.get(code, "").format(**exc.fields)
    except (KeyError, IndexError):
        return staff_message(exc)


def exit_code(exc: BaseException) -> int:
    """2 for refused input, else 1."""
    return 2 if error_code(exc) in REFUSED else 1


__all__ = ["CLI_TEXT", "HINTS", "REFUSED", "cli_message", "exit_code"]

# --- the office profile (issue 13) -----------------------------------------------------------
HINTS.update({"office.invalid_value": " (lihat: cetak office show)"})
REFUSED = REFUSED | {"office.invalid_value", "office.unknown_choice"}
