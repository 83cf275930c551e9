"""cetak backup / cetak restore: consistent copies of the whole installation.

The work is done in ``application.backup``; here it is said to staff in Bahasa Indonesia.
Exit codes: 0 done, 1 failure (or a restore whose reconciliation found differences),
2 refused (corrupt or foreign file, newer data without ``--force``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cetak.bahasa import angka, desimal
from cli.common import fail, out, print_json

JsonOpt = Annotated[bool, typer.Option("--json", help="Keluaran JSON (untuk alat lain).")]

_DIALECTS = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


def _num(n: int) -> str:
    return angka(n)


def _size(n: int) -> str:
    value = float(n)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            text = angka(round(value)) if unit == "B" else desimal(value)
            return f"{text} {unit}"
        value /= 1024
    return f"{angka(n)} B"  # pragma: no cover


def _counts(counts: dict[str, int]) -> str:
    return (
        f"{_num(counts.get('records', 0))} record, {_num(counts.get('cards', 0))} kartu, "
        f"{_num(counts.get('ledger_movements', 0))} mutasi buku stok blangko"
    )


def backup(
    to: Annotated[
        Path | None,
        typer.Option(
            "--to", help="Folder tujuan (bawaan: CETAK_BACKUP_DIR atau $CETAK_HOME/backups)"
        ),
    ] = None,
    json_out: JsonOpt = False,
) -> None:
    """Buat cadangan basis data dan dokumen (aman saat sistem berjalan)."""
    from application.backup import BackupError, create_backup
    from cetak.settings import get_settings
    from cli.messages import cli_message

    try:
        result = create_backup(get_settings(), to=to)
    except BackupError as exc:
        fail(cli_message(exc))
    if json_out:
        print_json(result.as_dict())
        return
    out.print(f"Cadangan dibuat: {result.path}")
    out.print(
        f"  Ukuran {_size(result.size_bytes)}, basis data {_DIALECTS[result.dialect]}, "
        f"kabupaten {result.kode_wilayah or 'belum disiapkan'}, "
        f"skema revisi {result.alembic_revision or '-'}."
    )
    out.print(f"  Isi: {_counts(result.counts)}, {_num(result.files)} berkas dokumen.")
    out.print(f"  SHA-256: {result.sha256}")
    out.print(
        f"  Periksa keutuhan: cd {result.path.parent} && sha256sum -c {result.path.name}.sha256"
    )


def restore(
    file: Annotated[Path, typer.Argument(help="Berkas cadangan cetak-backup-*.tar.gz")],
    force: Annotated[
        bool,
        typer.Option("--force", help="Timpa juga basis data yang berisi data lebih baru."),
    ] = False,
    json_out: JsonOpt = False,
) -> None:
    """Pulihkan basis data dan dokumen dari berkas cadangan.

    Hentikan dulu server, worker dan dasbor yang memakai basis data ini.
    """
    from application.backup import BackupError, RestoreRefused, restore_backup
    from cetak.settings import get_settings
    from cli.messages import cli_message

    try:
        result = restore_backup(get_settings(), file, force=force)
    except RestoreRefused as exc:
        fail(cli_message(exc), 2)
    except BackupError as exc:
        fail(cli_message(exc))
    if json_out:
        print_json(result.as_dict())
    else:
        out.print(f"Dipulihkan dari {result.path.name} (dibuat {result.created_at}).")
        out.print(
            f"  Basis data {_DIALECTS[result.dialect]}, kabupaten "
            f"{result.kode_wilayah or 'belum disiapkan'}, skema revisi "
            f"{result.alembic_revision or '-'}{', dipaksa (--force)' if result.forced else ''}."
        )
        out.print(f"  Isi: {_counts(result.counts)}; {_num(result.files)} berkas dikembalikan.")
        if not result.reconciled:
            out.print("  Rekonsiliasi stok dilewati: basis data belum disiapkan (cetak init).")
        elif not result.mismatches:
            out.print("  Rekonsiliasi stok blangko: cocok.")
        else:
            out.print(
                f"[bold red]  Rekonsiliasi stok blangko tidak cocok: "
                f"{len(result.mismatches)} selisih.[/]"
            )
            for m in result.mismatches:
                out.print(
                    f"    lot {m['lot']} di {m['site']}: {m['what']} "
                    f"(buku {m['ledger']}, cache {m['cache'] if m['cache'] is not None else '-'})"
                )
    if result.mismatches:
        raise typer.Exit(1)
