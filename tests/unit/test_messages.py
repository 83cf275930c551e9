"""The message catalogue: every error code has Bahasa text, no text names a CLI flag, and
the CLI adds its hints so staff read exactly the sentences they read before."""

from __future__ import annotations

import importlib
from datetime import UTC, datetime, timedelta

import pytest

from cetak.errors import CetakError, error_code, staff_message
from cetak.messages import CATALOGUE, render

#: Every module that defines errors Cetak raises on purpose.
MODULES = [
    "application.backup",
    "application.orchestration",
    "cetak.access",
    "cetak.installation",
    "cetak.lifecycle",
    "cetak.office",
    "cetak.records",
    "cetak.redact",
    "cetak.regions",
    "cetak.users",
    "distribution.errors",
    "distribution.rules",
    "intake.errors",
    "inventory.errors",
    "papers.receipts",
    "printers.cards",
    "printers.errors",
    "workflows.common",
    "recording.errors",
    "application.recording",
    "printers.ration_store",
    "printers.consumables",
    "application.consumables",
    "inventory.ikd",
    "inventory.loans",
]

#: Sample fields for each code (a code missing here fails ``test_every_code_renders``).
SAMPLES: dict[str, dict[str, object]] = {
    "cetak.error": {"detail": "ada yang salah"},
    "access.forbidden": {"role": "viewer", "action": "stock_count_approve"},
    "installation.not_initialised": {},
    "installation.regency_change_refused": {"current": "33.10", "wanted": "33.11"},
    "lifecycle.illegal_transition": {"from_state": "QUEUED", "to_state": "COLLECTED"},
    "database.failed": {"kind": "OperationalError", "driver_code": "SQLITE_FULL", "statement": ""},
    "records.unknown": {"prr_ids": ("PRR-1", "PRR-2")},
    "regions.bad_data": {},
    "regions.missing_columns": {"columns": ("kode_kecamatan", "kecamatan")},
    "regions.bad_kecamatan_code": {"line": 2, "kode": "33.10"},
    "regions.duplicate_kecamatan": {"line": 3, "kode": "33.10.01", "first_line": 2},
    "regions.empty_name": {"line": 2, "label": "nama kecamatan"},
    "regions.province_mismatch": {"line": 2, "prov": "34", "kab": "33.10"},
    "regions.unknown_province": {"line": 2, "prov": "99"},
    "regions.inconsistent_names": {"line": 4, "kab": "33.10"},
    "regions.bad_regency_code": {"kode": "3310"},
    "regions.unreadable_file": {"reason": "Permission denied"},
    "regions.unknown_regency": {"kode": "34.04", "in_file": False},
    "users.refused": {},
    "users.bad_name": {"name": "A B"},
    "users.unknown_role": {"role": "boss", "choices": (("viewer", "Pemantau"),)},
    "users.password_too_short": {"minimum": 10},
    "users.unknown_user": {"name": "x"},
    "users.bad_full_name": {},
    "users.full_name_too_long": {"limit": 120},
    "users.user_exists": {"name": "x"},
    "users.unknown_officer": {"name": "budi", "inactive": False},
    "users.login_failed": {},
    "users.account_disabled": {},
    "users.login_throttled": {"minutes_left": 5},
    "intake.batch_rejected": {"detail": "manifes tidak ada", "reject_code": "MANIFEST_MISSING"},
    "intake.not_a_delivery": {"given": "x"},
    "intake.delivery_refused": {"given": "x", "why": "tidak ditemukan"},
    "intake.not_a_batch": {"given": "x", "what": "folder kosong"},
    "stock.error": {},
    "stock.insufficient": {"site": "DISDUKCAPIL", "requested": 5, "available": 2, "lot": None},
    "stock.invalid_quantity": {"quantity": 0},
    "stock.unknown_site": {"site": "X"},
    "stock.site_exists": {"site": "X"},
    "stock.same_site": {"site": "X"},
    "stock.unknown_lot": {"lot": "L1", "site": "X"},
    "stock.lot_already_received": {"lot": "L1"},
    "stock.serial_overlap": {"lot": "L1", "other": "L2"},
    "stock.invalid_serial": {"serial": "KTP"},
    "stock.unknown_cause": {"cause": "x", "allowed": ("macet", "cetak_gagal")},
    "stock.nothing_to_destroy": {},
    "stock.not_enough_witnesses": {},
    "stock.no_officer": {},
    "stock.unknown_request": {"request": "RQ-1"},
    "stock.request_state": {"number": "RQ-1", "state": "SENT", "action": "diubah"},
    "stock.implausible": {},
    "stock.quantity_above_limit": {"what": "jumlah", "shown": "2.000.000", "limit": "1.000.000"},
    "stock.date_in_future": {"what": "tanggal", "day": "2030-01-01", "today": "2026-01-01"},
    "stock.text_too_long": {"what": "keterangan", "limit": 500},
    "stock.invalid_lot_code": {"lot": "a b"},
    "stock.invalid_ref": {"what": "nomor referensi", "limit": 60},
    "stock.count_above_lot": {"counted": "1.001", "lot": "L1", "lot_quantity": "1.000"},
    "stock.reason_required": {"what": "keterangan"},
    "stock.lot_required": {},
    "stock.unknown_proposal": {"proposal_id": 3},
    "stock.proposal_state": {"proposal_id": 3, "state": "APPROVED"},
    "stock.proposal_pending": {"proposal_id": 3, "lot": "L1", "site": "X"},
    "stock.not_supervisor": {"name": "budi"},
    "print.error": {},
    "print.unknown_printer": {"name": "P1"},
    "print.printer_exists": {"name": "P1"},
    "print.bad_config": {},
    "print.bad_name": {},
    "print.unknown_driver": {"driver": "x", "choices": ("simulated", "spool", "ipp")},
    "print.bad_limits": {},
    "print.bad_uri": {"name": "P1", "problem": ValueError("URI salah")},
    "print.bad_simulated_uri": {"uri": "x://y"},
    "print.bad_simulated_parameter": {"parameter": "jam_rate", "value": "x"},
    "print.spool_folder_required": {},
    "print.bad_spool_uri": {"uri": "x://y"},
    "print.bad_ipp_uri": {"uri": "ipp://"},
    "print.uri_required": {"name": "P1", "driver": "spool", "example": "berisi folder"},
    "print.unknown_card": {"ref": "K1"},
    "print.card_not_awaiting_qc": {"ref": "K1", "state": "passed"},
    "print.illegal_card_move": {
        "from_state": "printed",
        "to_state": "collected",
        "card_id": 7,
        "card_ref": None,
        "from_label": "tercetak",
        "to_label": "diambil",
    },
    "print.unknown_card_id": {"ids": [1, 2]},
    "distribution.error": {},
    "distribution.unknown_kecamatan": {"kecamatan": "33.10.99"},
    "distribution.unknown_place": {"place": "33.10.99"},
    "installation.unknown_kecamatan": {
        "kecamatan": "33.10.99",
        "kabupaten": "Kabupaten Klaten",
        "choices": {"33.10.01": "Prambanan"},
    },
    "distribution.unknown_shipment": {"number": "KRM-1"},
    "distribution.unknown_card_ref": {"refs": ["K1", "K2"]},
    "distribution.nothing_to_dispatch": {"kecamatan": "Bayat"},
    "distribution.card_not_dispatchable": {"problems": [("K1", "belum melalui QC")]},
    "distribution.shipment_not_dispatched": {"number": "KRM-1", "state": "packed"},
    "distribution.shipment_already_received": {"number": "KRM-1", "at": "1 Jan", "by": "ani"},
    "distribution.card_in_other_shipment": {"number": "KRM-1", "wrong": [("K1", "KRM-2")]},
    "distribution.bad_receipt": {},
    "distribution.card_moved_meanwhile": {},
    "distribution.case_card_moved": {"ref": "K1", "state": "collected"},
    "distribution.conflicting_receipt": {"refs": ("K1",), "named_twice": False},
    "distribution.receiver_required": {},
    "distribution.receipt_conflict": {"refs": ("K1", "K2"), "named_twice": True},
    "distribution.unknown_case": {"case_id": 4},
    "distribution.case_closed": {"case_id": 4, "resolution": "found", "at": None},
    "distribution.resolution_refused": {"case_id": 4, "kind": "hilang", "resolution": "found"},
    "distribution.bad_nik": {},
    "distribution.nik_not_found": {"masked": "3310********0001"},
    "distribution.card_not_ready": {},
    "distribution.bad_pickup_place": {"place": "rumah"},
    "distribution.record_not_printed": {"masked": "3310********0001", "state_label": "antre"},
    "distribution.card_elsewhere": {
        "masked": "3310********0001",
        "place": "kecamatan",
        "where": "masih di Disdukcapil",
    },
    "distribution.card_at_other_kecamatan": {
        "masked": "3310********0001",
        "home": "Bayat",
        "here": "Wedi",
    },
    "papers.receipt_printer_unavailable": {"target": "10.0.0.5:9100"},
    "papers.receipt_printer_unreachable": {"target": "10.0.0.5:9100", "network": True},
    "papers.receipt_printer_dropped": {"target": "/dev/usb/lp0"},
    "distribution.collector_required": {},
    "distribution.already_collected": {
        "masked": "3310********0001",
        "at": "1 Jan",
        "by": "ani",
        "place": "Disdukcapil",
    },
    "backup.failed": {},
    "backup.sqlite_not_a_file": {"database": ":memory:"},
    "backup.unsupported_dialect": {"dialect": "mysql"},
    "backup.pg_tool_missing": {"tool": "pg_dump"},
    "backup.pg_tool_failed": {"tool": "pg_dump", "returncode": 1, "stderr": "koneksi ditolak"},
    "backup.database_missing": {"path": "/srv/cetak/cetak.db"},
    "backup.database_unreadable": {"path": "/srv/cetak/cetak.db", "reason": "disk I/O error"},
    "backup.postgresql_unreachable": {"url": "postgresql://cetak@db/cetak", "kind": "Timeout"},
    "backup.target_unreachable": {"url": "postgresql://cetak@db/cetak", "kind": "Timeout"},
    "backup.no_free_name": {"directory": "/srv/cadangan"},
    "backup.folder_not_created": {"directory": "/srv/cadangan", "reason": "izin ditolak"},
    "backup.write_failed": {"directory": "/srv/cadangan", "reason": "disk penuh"},
    "backup.archive_unreadable": {"name": "a.tar.gz", "reason": "disk penuh"},
    "backup.migration_failed": {"kind": "OperationalError", "reason": "terkunci"},
    "backup.restore_refused": {},
    "backup.not_a_backup": {"name": "a.tar.gz", "reason": "unknown_member", "item": "x.txt"},
    "backup.sidecar_mismatch": {"name": "a.tar.gz", "sidecar": "a.tar.gz.sha256"},
    "backup.checksum_mismatch": {"name": "a.tar.gz", "member": "cetak.db"},
    "backup.newer_format": {"name": "a.tar.gz", "version": 2},
    "backup.unknown_revision": {"revision": "abc123"},
    "backup.archive_not_found": {"path": "/srv/a.tar.gz"},
    "backup.dialect_mismatch": {"backup_dialect": "postgresql", "target_dialect": "sqlite"},
    "backup.newer_data": {"target_mark": datetime(2026, 1, 2, tzinfo=UTC), "backup_mark": None},
    "backup.other_regency": {"target_kode": "33.10", "backup_kode": "33.11"},
    "deploy.failed": {},
    "deploy.print_run_missing": {"deployment": "print-run"},
    "deploy.api_url_missing": {},
    "deploy.file_missing": {"path": "/opt/cetak/prefect.yaml"},
    "deploy.server_refused": {
        "api_url": "http://127.0.0.1:4200/api",
        "kind": "ConnectError",
        "reason": "ditolak",
    },
    "deploy.prefect_deploy_failed": {"returncode": 1, "output": "baris 1\nbaris 2"},
    "workflows.not_ready": {},
    "workflows.home_not_initialised": {"home": "/srv/cetak"},
    "workflows.database_unreachable": {"url": "postgresql://cetak@db/cetak", "kind": "Timeout"},
    "workflows.database_not_initialised": {"url": "postgresql://cetak@db/cetak"},
    "workflows.inbox_elsewhere": {"inbox_host": "inbox-1", "here": "worker-2"},
}
# The office profile (issue 13).
SAMPLES.update(
    {
        "office.error": {},
        "office.invalid_value": {"what": "NIP", "reason": "harus 18 angka"},
        "office.unknown_choice": {
            "what": "penandatangan",
            "value": "camat",
            "choices": "kepala_seksi, kepala_dinas",
        },
    }
)

# Recording devices and coverage (issue 14); scarcity: rationing, IKD, consumables, loans (15).
SAMPLES.update(
    {
        "recording.error": {},
        "recording.unknown_device": {"kode": "ALAT-1"},
        "recording.device_exists": {"kode": "ALAT-1"},
        "recording.bad_device_code": {"kode": "A B"},
        "recording.unknown_place": {"place": "Atlantis", "kabupaten": "Kabupaten Klaten"},
        "recording.bad_year": {"year": 1999, "first": 2011, "last": 2026},
        "recording.bad_choice": {"what": "penyebab", "given": "banjir", "choices": ["petir"]},
        "recording.move_refused": {"kode": "A", "current": "diganti", "wanted": "rusak"},
        "recording.bad_date": {"what": "tanggal lapor", "given": "2099-01-01"},
        "recording.import_refused": {
            "name": "wajib.csv",
            "header": None,
            "expected": ("kode_kecamatan", "semester", "wajib_ktp"),
            "problems": [(3, "wajib_ktp", "-5", "negative")],
        },
        "recording.unknown_delivery": {"delivery_id": 9},
        "recording.delivery_sent": {"delivery_id": 9, "sent_on": "2026-12-01"},
        "recording.bad_count": {"what": "jumlah rekaman", "given": 0, "limit": 50000},
        "recording.unreadable_file": {"name": "x.csv", "reason": "not_utf8"},
        "recording.nothing_broken": {},
        "ration.error": {},
        "ration.policy_refused": {
            "name": "k.toml",
            "problems": [("unreachable_class", "baru"), ("unclassified", ["BARU"])],
        },
        "ration.no_queued_record": {"nik_masked": "3310********0001"},
        "ration.bad_reason": {"given": "malas", "choices": ["lansia", "sakit"]},
        "ration.no_flag": {"nik_masked": "3310********0001"},
        "ikd.error": {},
        "ikd.refused": {"name": "ikd.csv", "problems": [(2, "-4", "negative")]},
        "consumables.error": {},
        "consumables.refused": {"problem": "already_loaded", "printer": "p1", "kind": "ribbon"},
        "consumables.nothing_to_order": {},
        "loan.error": {},
        "loan.refused": {"problem": "more_than_owed", "ref": "B-1", "quantity": 9, "owed": 5},
    }
)

#: Said in a flow run's state to the operator of the worker's machine, never through the
#: CLI or the dashboard: these name the command to run on that machine.
OPERATOR_CODES = {code for code in SAMPLES if code.startswith("workflows.")}


def _error_classes() -> list[type[CetakError]]:
    for name in MODULES:
        importlib.import_module(name)
    seen: list[type[CetakError]] = []
    todo: list[type[CetakError]] = [CetakError]
    while todo:
        cls = todo.pop()
        if cls not in seen:
            seen.append(cls)
            todo.extend(cls.__subclasses__())
    return [c for c in seen if c.__module__.split(".")[0] != "tests"]


def test_every_code_has_a_sample_and_every_sample_a_code():
    assert set(SAMPLES) == set(CATALOGUE)


@pytest.mark.parametrize("code", sorted(CATALOGUE))
def test_every_code_renders(code):
    text = render(code, SAMPLES[code])
    assert text and text != code
    assert "{" not in text and "}" not in text


# The flows' readiness texts are said to the worker's operator, who runs the command named.
@pytest.mark.parametrize("code", sorted(set(CATALOGUE) - set(OPERATOR_CODES)))
def test_no_text_names_a_cli_flag(code):
    entry = CATALOGUE[code]
    assert "--" not in render(code, SAMPLES[code])
    if isinstance(entry, str):
        assert "--" not in entry
        # no command to run, either: the CLI adds those ("cetak ulang" is Indonesian: reprint)
        assert "cetak " not in entry.replace("cetak ulang", "")


@pytest.mark.parametrize("cls", _error_classes(), ids=lambda c: f"{c.__module__}.{c.__name__}")
def test_every_error_class_has_a_code_in_the_catalogue(cls):
    assert isinstance(cls.code, str)
    assert cls.code in CATALOGUE, f"{cls.__name__}.code {cls.code!r} is not in the catalogue"


def test_an_error_is_said_through_the_catalogue():
    from inventory.errors import InsufficientStock, UnknownLot

    exc = InsufficientStock("DISDUKCAPIL", 5, 2, lot="L1")
    assert error_code(exc) == "stock.insufficient"
    assert exc.fields == {"site": "DISDUKCAPIL", "requested": 5, "available": 2, "lot": "L1"}
    assert staff_message(exc) == (
        "stok blangko di lot L1 di DISDUKCAPIL tidak cukup: diminta 5, tersedia 2"
    )
    assert str(exc) == staff_message(exc)
    assert staff_message(UnknownLot("L9")) == "lot 'L9' tidak ada"


def test_an_error_from_outside_cetak_is_said_as_it_is():
    assert error_code(ValueError("x")) is None
    assert staff_message(ValueError("nilai salah")) == "nilai salah"


def test_a_code_the_catalogue_does_not_know_is_said_by_its_sentence():
    class Stray(CetakError):
        code = "stray.unknown"

    assert staff_message(Stray("kalimat siap")) == "kalimat siap"


def test_the_batch_reject_code_and_the_kecamatan_code_are_fields():
    from distribution.errors import UnknownKecamatan
    from intake.errors import BatchRejected, RejectCode

    batch = BatchRejected(RejectCode.MANIFEST_MISSING, "manifes tidak ada")
    assert batch.reject_code is RejectCode.MANIFEST_MISSING
    assert error_code(batch) == "intake.batch_rejected"
    assert staff_message(batch) == "manifes tidak ada"
    assert str(batch) == "MANIFEST_MISSING: manifes tidak ada"
    assert staff_message(UnknownKecamatan("33.10.99")) == (
        "kecamatan '33.10.99' bukan kecamatan kabupaten ini"
    )


def test_errors_survive_pickling():
    import pickle

    from cetak.redact import DatabaseFailed
    from distribution.errors import CardInOtherShipment
    from inventory.errors import InsufficientStock

    for exc in (
        InsufficientStock("DISDUKCAPIL", 5, 2),
        CardInOtherShipment("KRM-1", [("K1", None)]),
        DatabaseFailed(kind="OperationalError", code="SQLITE_FULL"),
    ):
        again = pickle.loads(pickle.dumps(exc))
        assert type(again) is type(exc) and staff_message(again) == staff_message(exc)


# --- what the CLI adds -------------------------------------------------------------------------


def test_the_cli_says_todays_sentences_with_its_hints():
    from cli.messages import cli_message, exit_code
    from distribution.errors import (
        CardInOtherShipment,
        CollectorRequired,
        ReceiverRequired,
        ShipmentAlreadyReceived,
        ShipmentNotDispatched,
        UnknownShipment,
    )
    from inventory.errors import (
        LotRequired,
        NoOfficer,
        NotEnoughWitnesses,
        NotSupervisor,
        ProposalPending,
        ReasonRequired,
    )
    from printers.errors import PrinterUriRequired, UnknownPrinter

    cases = {
        NotEnoughWitnesses(): (
            "pemusnahan memerlukan sedikitnya dua saksi (--witness NAMA --witness NAMA)"
        ),
        NoOfficer(): "pemusnahan memerlukan petugas yang memusnahkan (--officer NAMA)",
        ReasonRequired("keterangan"): (
            "keterangan wajib diisi: tuliskan alasan penyesuaian (--reason)"
        ),
        LotRequired(): (
            "stok opname dihitung per lot: sebutkan lotnya (--lot KODE); "
            "lihat daftar lot dengan: cetak stock status"
        ),
        ProposalPending(3, "L1", "X"): (
            "lot L1 di X masih punya usulan selisih opname #3 yang menunggu persetujuan "
            "Kepala seksi; setujui atau tolak dulu (cetak stock approve/reject 3)"
        ),
        NotSupervisor("budi"): (
            "'budi' bukan pengguna aktif berperan Kepala seksi (supervisor); selisih opname "
            "hanya dapat disetujui Kepala seksi (lihat: cetak users list)"
        ),
        UnknownPrinter("P1"): "printer 'P1' tidak terdaftar (lihat: cetak printers list)",
        PrinterUriRequired("P1", "spool", "berisi folder (hot folder)"): (
            "printer P1: printer spool memerlukan --uri berisi folder (hot folder)"
        ),
        UnknownShipment("KRM-1"): "pengiriman 'KRM-1' tidak ditemukan (lihat: cetak shipments)",
        ShipmentNotDispatched("KRM-1", "packed"): (
            "pengiriman KRM-1 belum dikirim (status: packed); jalankan dulu: cetak dispatch"
        ),
        ShipmentAlreadyReceived("KRM-1", "1 Jan", "ani"): (
            "pengiriman KRM-1 sudah diterima pada 1 Jan oleh ani; penerimaan tidak dicatat dua "
            "kali. Kartu yang belum ada diselesaikan lewat kasus selisih (cetak discrepancies)"
        ),
        CardInOtherShipment("KRM-1", [("K1", "KRM-2"), ("K2", None)]): (
            "kartu bukan bagian dari pengiriman KRM-1: K1 ada di pengiriman KRM-2; K2 tidak "
            "ada di pengiriman mana pun. Kartu yang datang tanpa tercantum di manifes dicatat "
            "dengan --extra"
        ),
        ReceiverRequired(): "nama petugas kecamatan yang menerima wajib diisi (--by)",
        CollectorRequired(): "nama yang mengambil wajib diisi (--by)",
    }
    for exc, text in cases.items():
        assert cli_message(exc) == text
        assert "--" not in staff_message(exc) and "cetak " not in staff_message(exc)
    assert exit_code(ReasonRequired("x")) == 2
    assert exit_code(UnknownShipment("KRM-1")) == 1
    assert exit_code(ValueError("x")) == 1


def test_the_cli_says_the_kernel_errors_as_before():
    from cetak.access import Action, Actor, Forbidden, Role
    from cetak.installation import NotInitialised
    from cetak.users import LoginThrottled, UnknownOfficer
    from cli.messages import cli_message, exit_code

    assert cli_message(NotInitialised()) == (
        "basis data belum disiapkan. Jalankan dulu: cetak init --regency KODE "
        "(contoh: cetak init --regency 33.10)"
    )
    assert cli_message(UnknownOfficer("budi", inactive=True)) == (
        "petugas 'budi' dinonaktifkan; tidak ada yang diubah. Gunakan nama pengguna aktif "
        "(cetak users list; tambah dengan cetak users add)"
    )
    assert exit_code(UnknownOfficer("budi")) == 2
    from cetak.regions import UnknownRegency

    assert cli_message(UnknownRegency("34.04", in_file=True)) == (
        "Kabupaten 34.04 tidak ada di berkas itu; gunakan --kecamatan-file untuk kabupaten lain"
    )
    role = next(iter(Role))
    action = next(a for a in Action)
    forbidden = Forbidden(Actor(name="x", role=role), action)
    assert cli_message(forbidden) == staff_message(forbidden) + "; tidak ada yang diubah"
    assert staff_message(forbidden).startswith("Peran ")
    assert exit_code(forbidden) == 2
    now = datetime(2026, 1, 1, tzinfo=UTC)
    throttled = LoginThrottled(now + timedelta(minutes=4, seconds=1), now)
    assert "Coba lagi dalam 5 menit" in staff_message(throttled)


def test_the_cli_says_the_backup_and_deploy_errors_as_before():
    from pathlib import Path

    from application import backup as b
    from application import orchestration as o
    from cli.messages import cli_message, exit_code

    refusal = "Tidak ada yang diubah; pakai salinan cadangan lain."
    foreign = "Tidak ada yang diubah; pilih berkas cadangan lain (lihat folder cadangan)."
    force = "Bila memang dikehendaki, ulangi dengan --force."
    mark = datetime(2026, 12, 2, 16, 30, tzinfo=UTC)
    cases: dict[CetakError, str] = {
        b.SqliteNotAFile(":memory:"): (
            "basis data SQLite ':memory:' tidak dapat dicadangkan (bukan berkas)."
        ),
        b.UnsupportedDialect("mysql"): "jenis basis data 'mysql' tidak didukung untuk cadangan.",
        b.PgToolMissing("pg_dump"): (
            "program pg_dump tidak ditemukan di mesin ini (dibutuhkan untuk basis data "
            "PostgreSQL). Pasang klien PostgreSQL, mis.: apt-get install postgresql-client, "
            "lalu ulangi."
        ),
        b.PgToolFailed("pg_restore", 1, "ditolak"): "pg_restore gagal (kode 1): ditolak",
        b.DatabaseMissing(Path("/h/cetak.db")): (
            "basis data /h/cetak.db tidak ada: instalasi ini belum disiapkan. Jalankan dulu: "
            "cetak init --regency KODE"
        ),
        b.DatabaseUnreadable(Path("/h/cetak.db"), "rusak"): (
            "basis data /h/cetak.db tidak dapat dibaca: rusak"
        ),
        b.PostgresUnreachable("postgresql://c@db/c", "OperationalError"): (
            "basis data postgresql://c@db/c tidak dapat dihubungi: OperationalError. "
            "Periksa CETAK_DATABASE_URL dan server PostgreSQL."
        ),
        b.TargetUnreachable("postgresql://c@db/c", "OperationalError"): (
            "basis data postgresql://c@db/c tidak dapat dihubungi: OperationalError. "
            "Periksa CETAK_DATABASE_URL dan server basis data."
        ),
        b.NoFreeName(Path("/c")): "tidak ada nama bebas untuk cadangan di /c.",
        b.FolderNotCreated(Path("/c"), "izin"): "folder cadangan /c tidak dapat dibuat: izin",
        b.WriteFailed(Path("/c"), "penuh"): "cadangan gagal ditulis ke /c: penuh",
        b.ArchiveUnreadable("a.tar.gz", "penuh"): "a.tar.gz tidak dapat dibaca atau disalin: penuh",
        b.MigrationFailed("OperationalError", "terkunci"): (
            "basis data sudah dipulihkan, tetapi migrasi skema gagal: OperationalError: "
            "terkunci. Jalankan cetak doctor."
        ),
        b.NotABackup("a.tar.gz", "unknown_member", "../x"): (
            "a.tar.gz tidak dapat dipulihkan: rusak atau bukan berkas cadangan Cetak "
            f"(isi tak dikenal: '../x'). {foreign}"
        ),
        b.NotABackup("a.tar.gz", "sidecar_unreadable", "a.tar.gz.sha256"): (
            "a.tar.gz tidak dapat dipulihkan: rusak atau bukan berkas cadangan Cetak "
            f"(berkas a.tar.gz.sha256 tidak terbaca). {foreign}"
        ),
        b.NotABackup("a.tar.gz", "corrupt", "EOFError"): (
            "a.tar.gz tidak dapat dipulihkan: rusak atau bukan berkas cadangan Cetak "
            f"(arsip rusak: EOFError). {foreign}"
        ),
        b.NotABackup("a.tar.gz", "no_manifest"): (
            "a.tar.gz tidak dapat dipulihkan: rusak atau bukan berkas cadangan Cetak "
            f"(tidak ada manifest.json Cetak). {foreign}"
        ),
        b.SidecarMismatch("a.tar.gz", "a.tar.gz.sha256"): (
            "checksum a.tar.gz tidak cocok dengan a.tar.gz.sha256: berkas rusak atau berubah. "
            + refusal
        ),
        b.ChecksumMismatch("a.tar.gz", "manifest.json"): (
            "checksum manifest.json di dalam a.tar.gz tidak cocok: berkas cadangan rusak. "
            + refusal
        ),
        b.NewerFormat("a.tar.gz", 2): (
            "a.tar.gz dibuat oleh versi Cetak yang lebih baru (format 2). "
            "Perbarui Cetak dulu, lalu ulangi pemulihan."
        ),
        b.UnknownRevision("abc"): (
            "cadangan memakai skema basis data revisi abc yang tidak dikenal versi Cetak ini "
            "(cadangan dari versi yang lebih baru?). Perbarui Cetak dulu, lalu ulangi."
        ),
        b.ArchiveNotFound(Path("/c/a.tar.gz")): "berkas cadangan /c/a.tar.gz tidak ditemukan.",
        b.DialectMismatch("postgresql", "sqlite"): (
            "cadangan ini dari basis data PostgreSQL, sedangkan instalasi ini memakai SQLite. "
            "Tidak ada yang diubah."
        ),
        b.NewerData(mark, None): (
            "basis data tujuan berisi data yang lebih baru dari cadangan (terakhir "
            "2026-12-02 16:30:00 UTC; cadangan sampai -). Pemulihan akan menghapus data itu. "
            + force
        ),
        b.OtherRegency("33.10", "33.11"): (
            "basis data tujuan melayani 33.10 dan berisi data, sedangkan cadangan dari 33.11. "
            + force
        ),
        o.PrintRunMissing("print-run"): "prefect.yaml tidak memuat deployment print-run",
        o.ApiUrlMissing(): (
            "PREFECT_API_URL belum diatur: tidak ada server Prefect untuk didaftari. "
            "Jalankan cetak serve, atau atur PREFECT_API_URL di /etc/cetak/cetak.env."
        ),
        o.DeploymentFileMissing(Path("/p.yaml")): "berkas deployment /p.yaml tidak ditemukan",
        o.ServerRefused("http://h/api", "ConnectError", "ditolak"): (
            "server Prefect http://h/api menolak atau tidak dapat dihubungi: ConnectError: ditolak"
        ),
        o.PrefectDeployFailed(3, "a\nb"): "prefect deploy --all gagal (kode 3):\na\nb",
    }
    for exc, text in cases.items():
        assert cli_message(exc) == text, type(exc).__name__
        assert "--" not in staff_message(exc) and "cetak " not in staff_message(exc)
        refused = isinstance(exc, b.RestoreRefused)
        assert exit_code(exc) == (2 if refused else 1), type(exc).__name__
    assert isinstance(b.NewerData(mark, mark), b.RestoreRefused)
    assert isinstance(b.PgToolMissing("pg_dump"), b.BackupError)
    assert isinstance(o.ApiUrlMissing(), (o.DeployError, RuntimeError))
