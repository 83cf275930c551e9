"""The message catalogue: every error code Cetak raises, as the Bahasa Indonesia staff read.

An entry is a ``str.format`` template over the error's fields, or, where the text joins a
list or depends on a field, a small function of the fields. The catalogue is keyed by code,
so the kernel imports no feature package. No entry names a CLI flag or command: the CLI
appends those hints itself (``cli.messages``); the dashboard shows the text as it is.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime
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


def _kecamatan_not_served(f: Fields) -> str:
    choices = ", ".join(f"{k} ({n})" for k, n in sorted(f["choices"].items()))
    return f"kecamatan '{f['kecamatan']}' bukan kecamatan {f['kabupaten']}; pilihan: {choices}"


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


_NOTHING_TOUCHED = (
    ". Tidak ada yang dibaca, dipindahkan atau ditulis. Berikan folder batch (berisi "
    "manifest.json dan records.csv), berkas .zip batch, atau folder inbox yang berisi batch."
)


def _receipt_conflict(f: Fields) -> str:
    refs = ", ".join(f["refs"])
    if f["named_twice"]:
        return f"kartu disebut dua kali dengan keterangan berbeda: {refs}"
    return f"kartu ini ada di manifes, jadi bukan kartu lebih: {refs}"


def _database_failed(f: Fields) -> str:
    from cetak.redact import meaning  # kernel; imported late (cycle)

    kind, driver_code, statement = f["kind"], f["driver_code"], f["statement"]
    where = f" saat {statement}" if statement else ""
    detail = ", ".join(p for p in (kind, driver_code) if p)
    return (
        f"Basis data gagal{where}: {meaning(kind, driver_code)} ({detail}). Isi data tidak "
        "dicantumkan (perlindungan data pribadi); tidak ada yang tersimpan setengah."
    )


_DIALECTS = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}

#: Why a file is not a (sound) Cetak backup, by ``NotABackup.reason``; ``{item}`` is what
#: the check was about.
_NOT_A_BACKUP = {
    "sidecar_unreadable": "berkas {item} tidak terbaca",
    "unknown_member": "isi tak dikenal: {item!r}",
    "duplicate_member": "isi ganda: {item!r}",
    "corrupt": "arsip rusak: {item}",
    "no_manifest": "tidak ada manifest.json Cetak",
    "incomplete_manifest": "manifest.json tidak lengkap",
    "no_database": "salinan basis data tidak ada",
    "members_differ": "isi arsip tidak sama dengan daftar di manifest.json",
}


def _not_a_backup(f: Fields) -> str:
    why = _NOT_A_BACKUP[f["reason"]].format(item=f.get("item"))
    return (
        f"{f['name']} tidak dapat dipulihkan: rusak atau bukan berkas cadangan Cetak ({why}). "
        "Tidak ada yang diubah; pilih berkas cadangan lain (lihat folder cadangan)."
    )


def _utc_time(moment: datetime | None) -> str:
    """A watermark as the restore refusal says it (``-`` for none)."""
    return "-" if moment is None else moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


# --- recording devices and coverage (issue 14) ----------------------------------------------


def _device_move(f: Fields) -> str:
    from cetak.labels import DEVICE_STATE

    current = DEVICE_STATE.get(f["current"], f["current"])
    wanted = DEVICE_STATE.get(f["wanted"], f["wanted"])
    return f"alat {f['kode']} berstatus '{current}', tidak dapat menjadi '{wanted}'"


_ROW_PROBLEM = {
    "unknown_kecamatan": "kecamatan tidak dikenal",
    "not_a_number": "bukan bilangan",
    "negative": "tidak boleh negatif",
    "not_positive": "harus lebih dari nol",
    "too_large": "terlalu besar, tidak masuk akal",
    "bad_semester": "semester harus seperti 2026-1 atau 2026-2",
    "future_semester": "semester belum dimulai",
    "bad_date": "tanggal harus seperti 2026-12-02",
    "future_date": "tanggal di masa depan",
    "too_old": "sebelum perekaman KTP-el dimulai (2011)",
    "duplicate": "baris ganda",
    "missing_value": "kosong",
    "extra_columns": "kolom lebih dari yang diminta",
    "same_place": "tempat asal dan tujuan sama",
    "empty": "berkas tidak berisi baris data",
}


def _import_refused(f: Fields) -> str:
    head = f"Berkas {f['name']} ditolak; tidak ada yang disimpan dari berkas ini. "
    if f.get("header") is not None:
        got = ",".join(f["header"]) or "(kosong)"
        return head + f"Baris judul harus '{','.join(f['expected'])}', bukan '{got}'."
    problems = f["problems"]
    parts = []
    for line, column, value, problem in problems[:10]:
        what = _ROW_PROBLEM.get(problem, problem)
        where = f" kolom {column}" if column else ""
        shown = f" '{value}'" if value else ""
        parts.append(f"baris {line}{where}{shown}: {what}")
    more = f" (dan {len(problems) - 10} masalah lain)" if len(problems) > 10 else ""
    return head + "; ".join(parts) + more + "."


_UNREADABLE = {
    "not_found": "tidak ditemukan",
    "directory": "itu folder, bukan berkas",
    "not_utf8": "bukan teks UTF-8 (simpan sebagai CSV UTF-8)",
}


def _unreadable_file(f: Fields) -> str:
    why = _UNREADABLE.get(f["reason"], f"tidak dapat dibaca ({f['reason']})")
    return f"berkas {f['name']} {why}; tidak ada yang disimpan"


# --- rationing (issue 15) -------------------------------------------------------------------

_POLICY_PROBLEM = {
    "unknown_key": "kunci tidak dikenal: {0}",
    "bad_ageing": "penuaan_hari harus bilangan bulat 1 sampai 365 (diberikan: {0})",
    "no_classes": "tidak ada [[kelas]]",
    "too_many_classes": "terlalu banyak kelas ({0}; paling banyak 12)",
    "bad_class": "kelas ke-{0} bukan tabel",
    "unknown_class_key": "kunci tidak dikenal di kelas {0[0]}: {0[1]}",
    "bad_class_code": "kelas ke-{0} tidak berkode (kode: 1-30 huruf)",
    "duplicate_class": "kode kelas {0} dipakai dua kali",
    "unknown_jenis": "jenis permohonan tidak dikenal di kelas {0[0]}: {0[1]} "
    "(pilihan: BARU, PERUBAHAN_DATA, RUSAK, HILANG)",
    "bad_flag": "mendesak di kelas {0} harus true atau false",
    "bad_age": "usia_maks di kelas {0[0]} tidak masuk akal: {0[1]}",
    "unreachable_class": "kelas {0} tidak akan pernah terisi: semua permohonannya sudah "
    "masuk kelas sebelumnya",
    "unclassified": "tidak ada kelas untuk permohonan {0}: tambahkan kelas penampung di akhir",
    "unreadable": "berkas tidak dapat dibaca ({0})",
    "not_utf8": "berkas bukan teks UTF-8",
    "syntax": "isi berkas tidak dapat dibaca: {0}",
}


def _policy_refused(f: Fields) -> str:
    parts = []
    for code, detail in f["problems"]:
        template = _POLICY_PROBLEM.get(code, code + " {0}")
        if isinstance(detail, list) and code == "unclassified":
            detail = ", ".join(detail)
        try:
            parts.append(template.format(detail))
        except (IndexError, KeyError, TypeError):
            parts.append(code)
    return (
        f"Kebijakan {f['name']} ditolak; kebijakan yang berlaku tidak berubah. "
        + "; ".join(parts)
        + "."
    )


_IKD_PROBLEM = {
    "bad_header": "baris judul harus 'tanggal,jumlah_aktivasi'",
    "bad_columns": "harus dua kolom",
    "bad_date": "tanggal harus seperti 2026-12-02",
    "future_date": "tanggal di masa depan",
    "too_old": "sebelum IKD dimulai (2022)",
    "not_a_number": "jumlah bukan bilangan bulat",
    "negative": "jumlah tidak boleh negatif",
    "too_large": "jumlah terlalu besar, tidak masuk akal",
    "duplicate": "tanggal ganda",
    "empty": "berkas tidak berisi baris data",
    "unreadable": "berkas tidak dapat dibaca",
}


def _ikd_refused(f: Fields) -> str:
    parts = []
    for line, value, problem in f["problems"][:10]:
        where = f"baris {line} " if line else ""
        shown = f"'{value}': " if value else ""
        parts.append(f"{where}{shown}{_IKD_PROBLEM.get(problem, problem)}")
    head = f"Berkas {f['name']} ditolak" if f.get("name") else "Aktivasi IKD ditolak"
    return head + "; tidak ada yang disimpan. " + "; ".join(parts) + "."


_CONSUMABLE = {
    "bad_lot": "kode lot '{lot}' tidak valid",
    "bad_rolls": "jumlah rol {given} tidak masuk akal: 1 sampai {limit}",
    "bad_yield": "hasil per rol {given} kartu tidak masuk akal: 1 sampai {limit}",
    "bad_price": "harga satuan Rp{given} tidak masuk akal: 0 sampai {limit}",
    "lot_exists": "lot '{lot}' sudah dicatat",
    "unknown_lot": "lot bahan '{lot}' tidak ada",
    "unknown_printer": "printer '{printer}' tidak terdaftar",
    "already_loaded": "printer {printer} masih memuat {kind}; lepaskan dulu yang lama",
    "none_left": "lot '{lot}' tidak punya rol tersisa di rak",
    "not_loaded": "printer {printer} tidak memuat {kind}",
    "future_date": "tanggal {given} di masa depan",
    "unknown_kind": "jenis '{given}' tidak dikenal; pilihan: {choices}",
}


def _consumable_refused(f: Fields) -> str:
    fields = dict(f)
    if isinstance(fields.get("choices"), list):
        fields["choices"] = ", ".join(fields["choices"])
    text = _CONSUMABLE.get(str(f["problem"]), str(f["problem"])).format(**fields)
    return text + "; tidak ada yang diubah"


_LOAN = {
    "bad_ref": "nomor berita acara '{ref}' tidak valid",
    "bad_regency": "kode kabupaten '{kode}' tidak valid; contoh: 33.20",
    "same_regency": "kabupaten {kode} adalah kabupaten ini sendiri",
    "ref_exists": "pinjaman bernomor '{ref}' sudah dicatat",
    "spans_lots": "tidak ada satu lot yang memuat {quantity} blangko; sebutkan lot atau kurangi",
    "not_enough": "stok tidak cukup: diminta {quantity}, tersedia {held}",
    "serials_not_on_shelf": "nomor seri itu tidak lagi di rak lot {lot}",
    "unknown_loan": "pinjaman '{ref}' tidak ada",
    "more_than_owed": "pinjaman {ref} tinggal {owed} keping; tidak dapat dikembalikan {quantity}",
    "lot_needed": "blangko yang dikembalikan untuk pinjaman {ref} perlu kode lot barunya",
}


def _loan_refused(f: Fields) -> str:
    text = _LOAN.get(str(f["problem"]), str(f["problem"])).format(**f)
    return text + "; tidak ada yang diubah"


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
    "database.failed": _database_failed,
    "records.unknown": lambda f: "PRR tidak ditemukan: " + ", ".join(f["prr_ids"]),
    "regions.bad_data": "data kecamatan tidak dapat dipakai",
    "regions.missing_columns": lambda f: (
        "Berkas kecamatan tidak memiliki kolom: " + ", ".join(f["columns"])
    ),
    "regions.bad_kecamatan_code": "Baris {line}: kode kecamatan '{kode}' tidak valid",
    "regions.duplicate_kecamatan": (
        "Baris {line}: kode kecamatan {kode} sudah ada di baris {first_line}; "
        "setiap kecamatan hanya boleh satu baris"
    ),
    "regions.empty_name": "Baris {line}: {label} kosong",
    "regions.province_mismatch": lambda f: (
        f"Baris {f['line']}: kode provinsi '{f['prov']}' tidak sesuai dengan kabupaten "
        f"{f['kab']} (harus {f['kab'][:2]})"
    ),
    "regions.unknown_province": "Baris {line}: kode provinsi '{prov}' tidak dikenal",
    "regions.inconsistent_names": (
        "Baris {line}: nama kabupaten/provinsi berbeda dengan baris pertama kabupaten {kab}"
    ),
    "regions.bad_regency_code": "Kode kabupaten '{kode}' tidak valid; contoh: 33.10",
    "regions.unreadable_file": "Berkas kecamatan tidak dapat dibaca: {reason}",
    "regions.unknown_regency": lambda f: (
        f"Kabupaten {f['kode']} tidak ada di "
        + ("berkas itu" if f["in_file"] else "data bawaan (33.10, 33.20, 14.09, 64.08, 35.26)")
    ),
    "users.refused": "permintaan pengelolaan pengguna ditolak",
    "users.bad_name": (
        "nama pengguna '{name}' tidak valid: 1-60 huruf kecil, angka, titik, garis bawah "
        "atau tanda hubung, diawali huruf atau angka"
    ),
    "users.unknown_role": lambda f: (
        f"peran '{f['role']}' tidak dikenal; pilihan: "
        + ", ".join(f"{role} ({label})" for role, label in f["choices"])
    ),
    "users.password_too_short": "kata sandi terlalu pendek: minimal {minimum} karakter",
    "users.unknown_user": "pengguna '{name}' tidak ditemukan",
    "users.bad_full_name": "nama lengkap berisi karakter yang tidak sah",
    "users.full_name_too_long": "nama lengkap terlalu panjang: maksimal {limit} karakter",
    "users.user_exists": "pengguna '{name}' sudah ada",
    "users.unknown_officer": _unknown_officer,
    "users.login_failed": "Nama pengguna atau kata sandi salah",
    "users.account_disabled": "Akun ini dinonaktifkan. Hubungi Kepala seksi.",
    "users.login_throttled": (
        "Terlalu banyak percobaan masuk yang gagal; masuk dikunci sementara. "
        "Coba lagi dalam {minutes_left} menit, atau minta Kepala seksi membuka kuncinya."
    ),
    # --- intake ------------------------------------------------------------------------------
    "intake.batch_rejected": DETAIL,
    "intake.not_a_delivery": "'{given}' bukan kiriman batch" + _NOTHING_TOUCHED,
    "intake.delivery_refused": "'{given}' ditolak: {why}" + _NOTHING_TOUCHED,
    "intake.not_a_batch": (
        "'{given}' bukan folder batch, bukan .zip batch, dan bukan folder inbox berisi batch: "
        "{what}" + _NOTHING_TOUCHED
    ),
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
    "stock.implausible": "masukan tidak wajar; periksa angkanya",
    "stock.quantity_above_limit": (
        "{what} {shown} melebihi batas wajar {limit} blangko; periksa angkanya "
        "(batas diatur di CETAK_MAX_LOT_QUANTITY / CETAK_MAX_MOVE_QUANTITY / "
        "CETAK_MAX_REQUEST_QUANTITY)"
    ),
    "stock.date_in_future": "{what} {day} belum terjadi (hari ini {today}); periksa tanggalnya",
    "stock.text_too_long": "{what} terlalu panjang: paling banyak {limit} huruf",
    "stock.invalid_lot_code": (
        "kode lot '{lot}' tidak valid: 1-60 huruf/angka (boleh . / _ -), "
        "diawali huruf atau angka, tanpa spasi"
    ),
    "stock.invalid_ref": "{what} harus 1-{limit} karakter yang dapat dicetak",
    "stock.count_above_lot": (
        "hitungan {counted} lebih dari isi lot {lot} saat diterima ({lot_quantity} blangko); "
        "periksa lot dan angkanya"
    ),
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
    "print.bad_config": "pengaturan printer tidak dapat dipakai",
    "print.bad_name": "nama printer hanya huruf, angka, '-', '_' dan '.'",
    "print.unknown_driver": lambda f: (
        f"driver '{f['driver']}' tidak dikenal; pilihan: {', '.join(f['choices'])}"
    ),
    "print.bad_limits": "batas harian dan istirahat harus bilangan positif",
    "print.bad_uri": "printer {name}: {problem}",
    "print.bad_simulated_uri": "URI printer simulasi harus sim://NAMA?..., bukan '{uri}'",
    "print.bad_simulated_parameter": (
        "parameter URI simulasi tidak valid: '{parameter}' harus angka, bukan '{value}'"
    ),
    "print.spool_folder_required": "printer spool memerlukan URI berisi folder (hot folder)",
    "print.bad_spool_uri": "URI spool harus spool:///folder atau jalur folder, bukan '{uri}'",
    "print.bad_ipp_uri": (
        "URI IPP tidak valid: '{uri}'; gunakan ipp://, ipps://, http:// atau https:// dengan "
        "nama host, contoh: ipp://host:631/ipp/print"
    ),
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
    "installation.unknown_kecamatan": _kecamatan_not_served,
    "distribution.unknown_place": (
        "tempat '{place}' tidak dikenal: DISDUKCAPIL atau kode kecamatan kabupaten ini"
    ),
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
    "distribution.bad_receipt": "penerimaan tidak dapat dicatat",
    "distribution.card_moved_meanwhile": (
        "status kartu berubah oleh proses lain saat dicatat; ulangi perintahnya"
    ),
    "distribution.case_card_moved": "kartu {ref} berstatus '{state}'; kasus tidak dapat diubah",
    "distribution.conflicting_receipt": _receipt_conflict,
    "distribution.receiver_required": "nama petugas kecamatan yang menerima wajib diisi",
    "distribution.receipt_conflict": _receipt_conflict,
    "distribution.unknown_case": "kasus selisih #{case_id} tidak ditemukan",
    "distribution.case_closed": "kasus selisih #{case_id} sudah diselesaikan ({resolution})",
    "distribution.resolution_refused": (
        "kasus selisih #{case_id} (kartu {kind}) tidak dapat diselesaikan sebagai '{resolution}'"
    ),
    "distribution.bad_nik": "NIK harus 16 angka dan sah (periksa kembali angkanya)",
    "distribution.nik_not_found": "tidak ada PRR untuk NIK {masked} di kabupaten ini",
    "distribution.card_not_ready": "KTP-el belum dapat diserahkan",
    "distribution.bad_pickup_place": (
        "tempat pengambilan harus 'kecamatan' atau 'disdukcapil', bukan '{place}'"
    ),
    "distribution.record_not_printed": (
        "KTP-el NIK {masked} belum dapat diserahkan: PRR berstatus {state_label}"
    ),
    "distribution.card_elsewhere": lambda f: (
        f"KTP-el NIK {f['masked']} tidak ada di "
        f"{'Disdukcapil' if f['place'] == 'disdukcapil' else 'kantor kecamatan'}: "
        f"kartu {f['where']}"
    ),
    "distribution.card_at_other_kecamatan": (
        "KTP-el NIK {masked} menunggu di Kecamatan {home}, bukan di Kecamatan {here}"
    ),
    # --- receipt printers --------------------------------------------------------------------
    "papers.receipt_printer_unavailable": "printer struk {target} tidak dapat dipakai",
    "papers.receipt_printer_unreachable": lambda f: (
        f"printer struk {f['target']} tidak dapat {'dihubungi' if f['network'] else 'dibuka'}"
    ),
    "papers.receipt_printer_dropped": (
        "printer struk {target} terputus saat mencetak; cetak ulang struk"
    ),
    "distribution.collector_required": "nama yang mengambil wajib diisi",
    "distribution.already_collected": (
        "KTP-el NIK {masked} sudah diambil pada {at} oleh {by} di {place}; "
        "pengambilan tidak dicatat dua kali"
    ),
    # --- application: backup and restore ----------------------------------------------------
    "backup.failed": "cadangan atau pemulihan gagal",
    "backup.sqlite_not_a_file": (
        "basis data SQLite '{database}' tidak dapat dicadangkan (bukan berkas)."
    ),
    "backup.unsupported_dialect": "jenis basis data '{dialect}' tidak didukung untuk cadangan.",
    "backup.pg_tool_missing": (
        "program {tool} tidak ditemukan di mesin ini (dibutuhkan untuk basis data "
        "PostgreSQL). Pasang klien PostgreSQL, mis.: apt-get install postgresql-client, "
        "lalu ulangi."
    ),
    "backup.pg_tool_failed": "{tool} gagal (kode {returncode}): {stderr}",
    "backup.database_missing": "basis data {path} tidak ada: instalasi ini belum disiapkan",
    "backup.database_unreadable": "basis data {path} tidak dapat dibaca: {reason}",
    "backup.postgresql_unreachable": (
        "basis data {url} tidak dapat dihubungi: {kind}. Periksa CETAK_DATABASE_URL dan "
        "server PostgreSQL."
    ),
    "backup.target_unreachable": (
        "basis data {url} tidak dapat dihubungi: {kind}. Periksa CETAK_DATABASE_URL dan "
        "server basis data."
    ),
    "backup.no_free_name": "tidak ada nama bebas untuk cadangan di {directory}.",
    "backup.folder_not_created": "folder cadangan {directory} tidak dapat dibuat: {reason}",
    "backup.write_failed": "cadangan gagal ditulis ke {directory}: {reason}",
    "backup.archive_unreadable": "{name} tidak dapat dibaca atau disalin: {reason}",
    "backup.migration_failed": (
        "basis data sudah dipulihkan, tetapi migrasi skema gagal: {kind}: {reason}."
    ),
    "backup.restore_refused": "pemulihan ditolak; tidak ada yang diubah",
    "backup.not_a_backup": _not_a_backup,
    "backup.sidecar_mismatch": (
        "checksum {name} tidak cocok dengan {sidecar}: berkas rusak atau berubah. "
        "Tidak ada yang diubah; pakai salinan cadangan lain."
    ),
    "backup.checksum_mismatch": (
        "checksum {member} di dalam {name} tidak cocok: berkas cadangan rusak. "
        "Tidak ada yang diubah; pakai salinan cadangan lain."
    ),
    "backup.newer_format": (
        "{name} dibuat oleh versi Cetak yang lebih baru (format {version}). "
        "Perbarui Cetak dulu, lalu ulangi pemulihan."
    ),
    "backup.unknown_revision": (
        "cadangan memakai skema basis data revisi {revision} yang tidak dikenal versi Cetak "
        "ini (cadangan dari versi yang lebih baru?). Perbarui Cetak dulu, lalu ulangi."
    ),
    "backup.archive_not_found": "berkas cadangan {path} tidak ditemukan.",
    "backup.dialect_mismatch": lambda f: (
        f"cadangan ini dari basis data {_DIALECTS[f['backup_dialect']]}, sedangkan instalasi "
        f"ini memakai {_DIALECTS[f['target_dialect']]}. Tidak ada yang diubah."
    ),
    "backup.newer_data": lambda f: (
        "basis data tujuan berisi data yang lebih baru dari cadangan "
        f"(terakhir {_utc_time(f['target_mark'])}; cadangan sampai "
        f"{_utc_time(f['backup_mark'])}). Pemulihan akan menghapus data itu."
    ),
    "backup.other_regency": (
        "basis data tujuan melayani {target_kode} dan berisi data, sedangkan cadangan dari "
        "{backup_kode}."
    ),
    # --- application: deployment -------------------------------------------------------------
    "deploy.failed": "pendaftaran deployment Prefect gagal",
    "deploy.print_run_missing": "prefect.yaml tidak memuat deployment {deployment}",
    "deploy.api_url_missing": (
        "PREFECT_API_URL belum diatur: tidak ada server Prefect untuk didaftari."
    ),
    "deploy.file_missing": "berkas deployment {path} tidak ditemukan",
    "deploy.server_refused": (
        "server Prefect {api_url} menolak atau tidak dapat dihubungi: {kind}: {reason}"
    ),
    "deploy.prefect_deploy_failed": (
        "pendaftaran deployment Prefect gagal (kode {returncode}):\n{output}"
    ),
    # --- recording devices and coverage (issue 14) --------------------------------------------
    "recording.error": "kesalahan data perekaman",
    "recording.unknown_device": "alat perekaman '{kode}' tidak terdaftar",
    "recording.device_exists": "alat perekaman '{kode}' sudah terdaftar",
    "recording.bad_device_code": (
        "nomor inventaris alat '{kode}' tidak valid: 1-60 huruf, angka, titik, garis miring, "
        "garis bawah atau tanda hubung"
    ),
    "recording.unknown_place": (
        "tempat '{place}' tidak dikenal: tulis kode atau nama kecamatan {kabupaten}, "
        "'disdukcapil', atau 'jemput-bola' (boleh diikuti :KODE kecamatan pangkalannya)"
    ),
    "recording.bad_year": "tahun pengadaan {year} tidak masuk akal: antara {first} dan {last}",
    "recording.bad_choice": lambda f: (
        f"{f['what']} '{f['given']}' tidak dikenal; pilihan: " + ", ".join(f["choices"])
    ),
    "recording.move_refused": _device_move,
    "recording.bad_date": "{what} {given} tidak masuk akal (di masa depan atau sebelum 2011)",
    "recording.import_refused": _import_refused,
    "recording.unknown_delivery": "pengiriman flashdisk #{delivery_id} tidak ada",
    "recording.delivery_sent": (
        "pengiriman flashdisk #{delivery_id} sudah diteruskan ke pusat pada {sent_on}"
    ),
    "recording.bad_count": "{what} {given} tidak masuk akal: harus 1 sampai {limit}",
    "recording.unreadable_file": _unreadable_file,
    "recording.nothing_broken": (
        "semua kecamatan yang beralat dapat merekam; tidak ada yang perlu dibuat"
    ),
    # --- rationing (issue 15) ------------------------------------------------------------------
    "ration.error": "kesalahan kebijakan prioritas cetak",
    "ration.policy_refused": _policy_refused,
    "ration.no_queued_record": (
        "tidak ada permohonan dalam antrean untuk NIK {nik_masked}; tidak ada yang diubah"
    ),
    "ration.bad_reason": lambda f: (
        f"alasan '{f['given']}' tidak dikenal; pilihan: " + ", ".join(f["choices"])
    ),
    "ration.no_flag": "permohonan NIK {nik_masked} tidak bertanda mendesak; tidak ada yang diubah",
    # --- IKD activations (issue 15) ----------------------------------------------------------
    "ikd.error": "kesalahan data aktivasi IKD",
    "ikd.refused": _ikd_refused,
    # --- printer consumables (issue 15) ------------------------------------------------------
    "consumables.error": "kesalahan data bahan habis pakai",
    "consumables.refused": _consumable_refused,
    "consumables.nothing_to_order": (
        "semua bahan habis pakai masih cukup; tidak ada nota dinas yang perlu dibuat"
    ),
    # --- lending between regencies (issue 15) ---------------------------------------------
    "loan.error": "kesalahan pinjaman blangko",
    "loan.refused": _loan_refused,
    # --- flows (said in the run's state, to the operator of the worker's machine) -----------
    "workflows.not_ready": "instalasi ini belum dapat menjalankan flow",
    "workflows.home_not_initialised": (
        "Instalasi Cetak di {home} belum disiapkan (tidak ada cetak.db). Jalankan di mesin "
        "ini: cetak init --regency KODE, atau atur CETAK_HOME / CETAK_DATABASE_URL worker ini "
        "di berkas lingkungan (/etc/cetak/cetak.env)."
    ),
    "workflows.database_unreachable": (
        "Basis data {url} tidak dapat dihubungi dari mesin ini: {kind}. Periksa "
        "CETAK_DATABASE_URL dan jaringan, lalu jalankan cetak doctor."
    ),
    "workflows.database_not_initialised": (
        "Basis data {url} belum disiapkan untuk Cetak. Jalankan: cetak init --regency KODE"
    ),
    "workflows.inbox_elsewhere": (
        "Inbox dibaca oleh mesin {inbox_host} (CETAK_INBOX_HOST), bukan mesin ini ({here}): "
        "jalankan deployment ingest-inbox di sana (cetak worker --inbox), atau beri jalur batch."
    ),
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

# --- the office profile and official numbers (issue 13) --------------------------------------
CATALOGUE.update(
    {
        "office.error": "pengaturan kantor tidak dapat diubah",
        "office.invalid_value": "{what} tidak valid: {reason}; tidak ada yang diubah",
        "office.unknown_choice": (
            "{what} '{value}' tidak dikenal; pilih salah satu: {choices}. Tidak ada yang diubah"
        ),
    }
)
