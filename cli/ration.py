"""``cetak ration ...``: the priority policy used when blanks are short, and how long each
class waits (issue 15); ``cetak records flag|unflag`` mark a resident's record urgent."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from cetak.bahasa import angka, desimal, tanggal_tabel
from cli.common import OlehOpt, acting, check_text, context, out, print_json

JsonOpt = Annotated[bool, typer.Option("--json", help="Keluaran JSON (untuk alat lain).")]

ration_app = typer.Typer(
    help="Kebijakan prioritas cetak saat blangko kurang (penjatahan).", no_args_is_help=True
)


@ration_app.command("show")
def show(json_out: JsonOpt = False) -> None:
    """Kebijakan yang berlaku dan, per kelas, yang menunggu dan perkiraan dilayani."""
    from application.rationing import overview

    with context() as (_s, engine, _served):
        view = overview(engine)
    if json_out:
        print_json(view.as_json())
        return
    version = f"versi {view.policy.version}" if view.policy.version else "bawaan (Ditjen 2020)"
    state = (
        "[bold red]BERLAKU[/]: blangko tidak cukup untuk antrean"
        if view.short
        else "tidak berlaku: blangko cukup, urutan cetak biasa"
    )
    out.print(f"Kebijakan prioritas {version}; penuaan tiap {view.policy.ageing_days} hari.")
    out.print(
        f"Penjatahan {state} (tersedia {angka(view.on_hand)}, dalam perjalanan "
        f"{angka(view.in_transit)}, antre {angka(view.waiting)}; pasokan rata-rata "
        f"{desimal(view.supply_per_day, 1)}/hari)."
    )
    table = Table(title="Antrean per kelas prioritas")
    for column in ("No.", "Kelas", "Menunggu", "Tertua (hari)", "Perkiraan dilayani"):
        table.add_column(column)
    for i, c in enumerate(view.classes, 1):
        table.add_row(
            str(i),
            c.nama,
            angka(c.waiting),
            "-" if c.oldest_days is None else angka(c.oldest_days),
            tanggal_tabel(c.served_by)
            if c.served_by
            else ("-" if not c.waiting else "belum dapat"),
        )
    out.print(table)


@ration_app.command("set")
def set_(
    file: Annotated[Path, typer.Argument(help="Berkas kebijakan (.toml atau .yaml)")],
    oleh: OlehOpt = None,
) -> None:
    """Pasang kebijakan prioritas dari berkas (diperiksa, diberi versi, dicatat di audit)."""
    from application.rationing import set_policy

    with context() as (settings, engine, _served):
        version = set_policy(engine, acting(engine, settings, oleh), file)
    out.print(f"Kebijakan prioritas versi {version} berlaku (dari {file.name}).")


def flag(
    nik: Annotated[str, typer.Argument(help="NIK pemohon")],
    reason: Annotated[
        str,
        typer.Option(
            "--reason",
            help="Alasan: bencana, lansia, sakit, pemilu, pendidikan, pekerjaan, lainnya",
        ),
    ],
    note: Annotated[str | None, typer.Option("--note", help="Catatan")] = None,
    oleh: OlehOpt = None,
) -> None:
    """Tandai permohonan mendesak (berlaku setelah disetujui kepala seksi)."""
    from application.rationing import flag_urgent
    from cetak.privacy import mask_nik

    check_text(nik, "NIK")
    with context() as (settings, engine, _served):
        f = flag_urgent(engine, acting(engine, settings, oleh), nik.strip(), reason, note)
    state = "disetujui" if f.approved_at else "menunggu persetujuan kepala seksi"
    out.print(f"Permohonan NIK {mask_nik(nik.strip())} ditandai mendesak ({state}).")


def unflag(
    nik: Annotated[str, typer.Argument(help="NIK pemohon")],
    oleh: OlehOpt = None,
) -> None:
    """Hapus tanda mendesak."""
    from application.rationing import unflag_urgent
    from cetak.privacy import mask_nik

    with context() as (settings, engine, _served):
        unflag_urgent(engine, acting(engine, settings, oleh), nik.strip())
    out.print(f"Tanda mendesak NIK {mask_nik(nik.strip())} dihapus.")
