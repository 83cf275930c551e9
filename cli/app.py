"""The ``cetak`` command: its global option, and every command named here with its module
and short help, loaded only when it runs (``cli.lazy``, issue 16), so that ``cetak --help``
and the read-only commands (``cli.reads``) answer without importing the rest."""

from __future__ import annotations

from typing import Annotated

import typer

from cli.lazy import Lazy, LazyGroup, install_quick_coercion
from cli.localise import install as _bahasa_cli

_bahasa_cli()  # help pages, usage lines and typed-value errors in Bahasa (cli.localise)
install_quick_coercion()  # plain typed values without importing Pydantic (cli.lazy)


class CetakGroup(LazyGroup):
    """``cetak``: each command's module, and its short help for ``cetak --help``."""

    LAZY = {
        "print": Lazy(
            "cli.printing:print_command",
            "Jalankan pencetakan (flow print_run): jadwalkan antrean ke printer dan cetak.",
        ),
        "dispatch": Lazy(
            "cli.distribution:dispatch",
            "Kemas KTP-el lolos QC per kecamatan, kirim, dan tulis manifesnya.",
        ),
        "receive": Lazy(
            "cli.distribution:receive", "Catat penerimaan kiriman di kecamatan, kartu per kartu."
        ),
        "collect": Lazy(
            "cli.distribution:collect",
            "Catat penyerahan KTP-el kepada pemohon dan cetak tanda terimanya.",
        ),
        "shipments": Lazy(
            "cli.reads:shipments", "Daftar pengiriman ke kecamatan, atau kartu-kartu satu kiriman."
        ),
        "uncollected": Lazy(
            "cli.distribution:uncollected",
            "KTP-el yang belum diambil: umur tunggu per kecamatan, jemput bola, daftar tarik.",
        ),
        "return-cards": Lazy(
            "cli.distribution:return_cards",
            "Catat KTP-el yang lama tidak diambil dan sudah kembali di Disdukcapil.",
        ),
        "trace": Lazy(
            "cli.distribution:trace", "Jejak satu KTP-el dari PRR sampai ke tangan pemohon."
        ),
        "dashboard": Lazy(
            "cli.dashboard:dashboard", "Jalankan dasbor (Streamlit) untuk data instalasi ini."
        ),
        "backup": Lazy(
            "cli.backup:backup", "Buat cadangan basis data dan dokumen (aman saat sistem berjalan)."
        ),
        "restore": Lazy(
            "cli.backup:restore", "Pulihkan basis data dan dokumen dari berkas cadangan."
        ),
        "doctor": Lazy(
            "cli.doctor:doctor",
            "Periksa kesehatan instalasi: pengaturan, basis data, Prefect, worker, printer, disk, cadangan, jam.",
        ),
        "serve": Lazy(
            "cli.serve:serve", "Jalankan server Prefect, worker dan dasbor bersama di PC ini."
        ),
        "deploy": Lazy(
            "cli.deploy:deploy",
            "Daftarkan semua deployment Prefect: pool, antrean, otomasi run mati, jadwal WIB.",
        ),
        "worker": Lazy(
            "cli.deploy:worker",
            "Jalankan worker Prefect untuk PC atau lokasi ini (berhenti dengan Ctrl+C).",
        ),
        "audit": Lazy(
            "cli.audit:audit",
            "Jejak audit: siapa melakukan apa, dari CLI, flow, maupun dasbor (terbaru dulu).",
        ),
        "stock": Lazy(
            "cli.stock:stock_app",
            "Stok blangko KTP-el: terima, opname, pindah, musnahkan, laporan.",
            imports=("cli.loans", "cli.supply"),
            fast={"status": "cli.reads:stock_status"},
        ),
        "printers": Lazy(
            "cli.printing:printers_app",
            "Armada printer kartu: daftar, tambah, turun/naik.",
            fast={"list": "cli.reads:printers_list"},
        ),
        "qc": Lazy("cli.printing:qc_app", "Pemeriksaan mutu kartu tercetak (QC)."),
        "reorder": Lazy(
            "cli.reorder:reorder_app", "Permintaan blangko ke pusat (Ditjen Dukcapil)."
        ),
        "discrepancies": Lazy(
            "cli.distribution:discrepancies_app",
            "Kasus selisih pengiriman: kartu tidak ada, rusak, atau lebih.",
        ),
        "receipts": Lazy(
            "cli.receipts:receipts_app", "Struk serah terima dan tanda terima (printer ESC/POS)."
        ),
        "users": Lazy(
            "cli.users:users_app",
            "Pengguna dasbor: tambah, daftar, ganti kata sandi, buka kunci, nonaktifkan.",
        ),
        "service": Lazy("cli.serve:service_app", "Layanan systemd untuk PC kantor."),
        "documents": Lazy(
            "cli.documents:documents_app",
            "Dokumen yang tersimpan di basis data (PDF, struk, peringatan): daftar dan unduh.",
        ),
        "report": Lazy(
            "cli.reports:report_app", "Laporan untuk pimpinan: laporan harian produksi KTP-el."
        ),
        "devices": Lazy(
            "cli.recording:devices_app", "Alat perekaman KTP-el: rusak, diperbaiki, diganti."
        ),
        "coverage": Lazy(
            "cli.recording:coverage_app", "Cakupan perekaman dan pencetakan KTP-el per kecamatan."
        ),
        "flashdisk": Lazy(
            "cli.recording:flashdisk_app",
            "Rekaman luring yang dibawa dengan flashdisk dari kecamatan.",
        ),
        "ration": Lazy(
            "cli.ration:ration_app", "Kebijakan prioritas cetak saat blangko kurang (penjatahan)."
        ),
        "ikd": Lazy("cli.ikd:ikd_app", "Aktivasi IKD (Identitas Kependudukan Digital)."),
        "consumables": Lazy(
            "cli.consumables:consumables_app",
            "Bahan habis pakai printer yang dibeli daerah: pita, film, pembersih, laminasi.",
        ),
        "office": Lazy(
            "cli.office:office_app",
            "Pengaturan kantor: kop surat, penandatangan, penomoran dokumen.",
        ),
        "init": Lazy(
            "cli.basics:init",
            "Siapkan atau perbarui basis data untuk kabupaten ini (aman diulang).",
        ),
        "ingest": Lazy("cli.basics:ingest", "Terima batch PRR dari pusat dan tulis ACK ke outbox."),
        "requeue": Lazy(
            "cli.basics:requeue",
            "Kembalikan record 'perlu perhatian' ke antrean cetak setelah diperiksa operator.",
        ),
        "status": Lazy("cli.reads:status", "Ringkasan: jumlah record per status."),
        "demo-feed": Lazy(
            "cli.basics:demo_feed", "Buat batch PRR sintetis (data rekaan) untuk demo dan uji."
        ),
        "records": Lazy(
            "cli.reads:records_app",
            "Daftar record PRR; tandai permohonan mendesak (flag, unflag).",
        ),
    }
    #: The help page's order (as when every module was imported at start).
    ORDER = (
        *("print", "dispatch", "receive", "collect", "shipments", "uncollected"),
        *("return-cards", "trace", "dashboard", "backup", "restore", "doctor", "serve"),
        *("deploy", "worker", "audit", "init", "ingest", "requeue", "status", "demo-feed"),
        *("stock", "printers", "qc", "reorder", "discrepancies", "receipts", "users"),
        *("service", "documents", "report", "devices", "coverage", "flashdisk", "ration"),
        *("ikd", "consumables", "office", "records"),
    )


app = typer.Typer(
    name="cetak",
    help="Cetak: mesin produksi cetak KTP-el dan stok blangko Disdukcapil.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    cls=CetakGroup,
)


@app.callback()
def _global_options(
    verbose: Annotated[
        bool,
        typer.Option(
            "--verbose",
            "-v",
            help="Tampilkan juga catatan teknis Prefect (baris log dan tautan) di terminal.",
        ),
    ] = False,
) -> None:
    """Cetak: mesin produksi cetak KTP-el dan stok blangko Disdukcapil."""
    from cli import common

    common.VERBOSE = verbose
