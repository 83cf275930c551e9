"""``cetak receipts ...``: receipts owed for hand-overs (serah terima, tanda terima) and the
ESC/POS receipt printer of each place. A receipt is a row first, printed after the commit:
a printer that cannot be reached leaves it owed, to be printed again here."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any

import typer
from sqlmodel import Session

from cetak.bahasa import angka
from cetak.labels import RECEIPT_STATE, label
from cli.common import OlehOpt, acting, context, err, fail, out, print_json

JsonOpt = Annotated[bool, typer.Option("--json", help="Keluaran JSON (untuk alat lain).")]


def _receipt_row(r: Any) -> dict[str, Any]:
    """A printed (or failed) receipt, as ``--json`` shows it."""
    return {
        "id": r.receipt_id,
        "kind": r.kind,
        "reference": r.reference,
        "printed": r.ok,
        "target": r.target,
        "message": r.message,
    }


def show_printed(results: Sequence[Any], *, quiet: bool = False) -> list[dict[str, Any]]:
    """Say what became of the receipts a hand-over owed (the ``receipts`` its use case
    printed after the commit); a fault is a warning, never a failure."""
    for r in results:
        if r.ok:
            if not quiet:
                out.print(f"Struk {r.reference} tercetak ke {r.target}.")
        else:
            err.print(
                f"[bold yellow]Perhatian:[/] {r.message}. Serah terima tetap tercatat; "
                f"cetak ulang nanti dengan: cetak receipts print"
            )
    return [_receipt_row(r) for r in results]


receipts_app = typer.Typer(
    help="Struk serah terima dan tanda terima (printer ESC/POS).", no_args_is_help=True
)


@receipts_app.command("list")
def receipts_list(json_out: JsonOpt = False) -> None:
    """Struk yang belum tercetak."""
    from distribution.queries import pending_receipts

    with context() as (_s, engine, _served), Session(engine) as session:
        rows = pending_receipts(session)
    if json_out:
        print_json(rows)
        return
    if not rows:
        out.print("Semua struk sudah tercetak.")
        return
    for r in rows:
        kind = {"serah_terima": "serah terima", "tanda_terima": "tanda terima"}.get(
            r["kind"], r["kind"].replace("_", " ")
        )
        out.print(
            f"#{r['id']} {kind} {r['reference']} ({r['place']}): "
            f"{label(RECEIPT_STATE, r['state'])} {r['error'] or ''}"
        )


@receipts_app.command("print")
def receipts_print(
    ids: Annotated[
        list[int] | None, typer.Argument(help="Nomor struk (kosong: semua yang tertunda)")
    ] = None,
    reprint: Annotated[
        bool, typer.Option("--reprint", help="Cetak lagi walau sudah tercetak")
    ] = False,
    json_out: JsonOpt = False,
) -> None:
    """Cetak struk yang tertunda (printer mati atau kertas habis), atau cetak ulang."""
    from distribution.paper import print_receipts

    with context() as (settings, engine, served):
        settings.ensure_dirs()
        results = print_receipts(engine, settings, served, ids=ids or None, reprint=reprint)
    rows = [_receipt_row(r) for r in results]
    if json_out:
        print_json(rows)
        return
    for r in rows:
        out.print(
            f"#{r['id']} {r['reference']}: "
            + ("tercetak" if r["printed"] else f"GAGAL, {r['message']}")
        )
    out.print(
        f"{angka(sum(r['printed'] for r in rows))} tercetak, "
        f"{angka(sum(not r['printed'] for r in rows))} gagal."
    )
    if any(not r["printed"] for r in rows):
        raise typer.Exit(1)


@receipts_app.command("printer")
def receipts_printer(
    place: Annotated[str, typer.Argument(help="DISDUKCAPIL atau kode kecamatan")],
    network: Annotated[str | None, typer.Option("--network", help="host:port (TCP 9100)")] = None,
    file: Annotated[
        Path | None, typer.Option("--file", help="Perangkat (/dev/usb/lp0), berkas atau folder")
    ] = None,
    profile: Annotated[
        str, typer.Option("--profile", help="Profil printer python-escpos")
    ] = "TM-T88V",
    oleh: OlehOpt = None,
) -> None:
    """Atur printer struk sebuah tempat (Disdukcapil atau kantor kecamatan)."""
    from application.actions import set_receipt_printer

    if (network is None) == (file is None):
        fail("pilih salah satu: --network host:port atau --file JALUR", 2)
    with context() as (settings, engine, served):
        who = acting(engine, settings, oleh)
        place = place.strip().upper() if place.strip().upper() == "DISDUKCAPIL" else place.strip()
        try:
            set_receipt_printer(
                engine,
                who,
                place,
                kind="network" if network else "file",
                target=network or str(file),
                profile=profile,
            )
        except ValueError as exc:
            fail(f"pengaturan printer struk tidak sah: {exc}", 2)
    out.print(f"Printer struk {place}: {network or file} (profil {profile}).")
