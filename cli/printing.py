"""``cetak printers ...``, ``cetak print`` and ``cetak qc ...``: the print room."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any

import typer
from sqlmodel import Session

from cetak import labels
from cetak.bahasa import angka
from cli.common import (
    OlehOpt,
    acting,
    cetak_errors,
    context,
    fail,
    out,
    print_json,
    run_flow,
)
from cli.stock import JsonOpt, _num

printers_app = typer.Typer(
    help="Armada printer kartu: daftar, tambah, turun/naik.", no_args_is_help=True
)
qc_app = typer.Typer(help="Pemeriksaan mutu kartu tercetak (QC).", no_args_is_help=True)

STATE_LABELS = labels.PRINTER_STATE


@contextmanager
def _errors() -> Iterator[None]:
    """Errors said the CLI's one way (``cli.common.cetak_errors``)."""
    with cetak_errors():
        yield


def printer_dict(p: Any) -> dict[str, Any]:
    return {
        "name": p.name,
        "driver": p.driver,
        "uri": p.uri,
        "site": p.site_code,
        "state": p.state,
        "reason": p.state_reason,
        "printed_today": p.printed_today,
        "spoiled_today": p.spoiled_today,
        "daily_limit": p.daily_limit,
        "rest_after": p.rest_after,
        "rest_minutes": p.rest_minutes,
        "rest_until": p.rest_until.isoformat() if p.rest_until else None,
        "ribbon_percent": p.ribbon_percent,
        "ribbon_left": p.ribbon_left,
    }


def printers_summary(session: Session, today: Any) -> list[dict[str, Any]]:
    """The ``"printers"`` array of ``cetak status --json`` (read only)."""
    from printers.registry import counters_today, list_printers

    rows = []
    for p in list_printers(session):
        d = printer_dict(p)
        d["printed_today"], d["spoiled_today"] = counters_today(p, today=today)
        rows.append(d)
    return rows


@printers_app.command("add")
def add(
    name: Annotated[str, typer.Argument(help="Nama printer, mis. fargo-1")],
    driver: Annotated[str, typer.Option("--driver", help="simulated | ipp | spool")],
    uri: Annotated[
        str | None, typer.Option("--uri", help="ipp://host:631/ipp/print, folder spool, sim://...")
    ] = None,
    site: Annotated[str | None, typer.Option("--site", help="Kode lokasi stok printer ini")] = None,
    daily_limit: Annotated[
        int, typer.Option("--daily-limit", help="Kartu per hari paling banyak")
    ] = 300,
    rest_after: Annotated[
        int, typer.Option("--rest-after", help="Istirahat setelah sekian kartu")
    ] = 100,
    rest_minutes: Annotated[
        int, typer.Option("--rest-minutes", help="Lama istirahat (menit)")
    ] = 30,
    oleh: OlehOpt = None,
) -> None:
    """Daftarkan printer kartu."""
    from application.actions import add_printer

    with context() as (settings, engine, _served), _errors():
        p = add_printer(
            engine,
            acting(engine, settings, oleh),
            name=name,
            driver=driver,
            uri=uri,
            site=site,
            daily_limit=daily_limit,
            rest_after=rest_after,
            rest_minutes=rest_minutes,
            state_root=settings.resolved_home,
        )
    out.print(f"Printer {p.name} ({p.driver}) terdaftar di {p.site_code}.")


# `printers list` lives with the other read-only commands (issue 16: answers in 0.3 s).
from cli.reads import printers_list as _printers_list  # noqa: E402

printers_app.command("list")(_printers_list)


@printers_app.command("down")
def down(
    name: Annotated[str, typer.Argument()],
    reason: Annotated[str, typer.Option("--reason", help="Alasan")],
    oleh: OlehOpt = None,
) -> None:
    """Nonaktifkan printer (perawatan); pekerjaannya kembali ke antrean pada run berikutnya."""
    from application.actions import mark_printer_down

    with context() as (settings, engine, _served), _errors():
        mark_printer_down(engine, acting(engine, settings, oleh), name, reason)
    out.print(f"Printer {name} dinonaktifkan: {reason}.")


@printers_app.command("up")
def up(
    name: Annotated[str, typer.Argument()],
    reason: Annotated[str, typer.Option("--reason", help="Alasan")],
    oleh: OlehOpt = None,
) -> None:
    """Aktifkan kembali printer setelah diperbaiki."""
    from application.actions import mark_printer_up

    with context() as (settings, engine, _served), _errors():
        who = acting(engine, settings, oleh)
        mark_printer_up(engine, who, name, reason, state_root=settings.resolved_home)
    out.print(f"Printer {name} siap kembali: {reason}.")


def print_command(
    max_cards: Annotated[
        int | None,
        typer.Option(
            "--max",
            min=1,
            help="Paling banyak N kartu di run ini, termasuk sisa pekerjaan run sebelumnya",
        ),
    ] = None,
    site: Annotated[
        str | None, typer.Option("--site", help="Hanya printer lokasi ini (bawaan: CETAK_SITE)")
    ] = None,
    json_out: JsonOpt = False,
    oleh: OlehOpt = None,
) -> None:
    """Jalankan pencetakan (flow print_run): jadwalkan antrean ke printer dan cetak."""
    summary = run_flow(
        "workflows.printing:print_run",
        "pencetakan",
        audit_as="print_run",
        oleh=oleh,
        max_cards=max_cards,
        site=site,
    )
    if json_out:
        print_json(summary)
        return
    out.print(
        f"Tercetak {_num(summary['printed'])} kartu, rusak {_num(summary['spoiled'])}, "
        f"kembali ke antrean {_num(summary['requeued'])}, perlu perhatian "
        f"{_num(summary['needs_attention'])}."
    )
    for job in summary["jobs"]:
        if job["stopped"]:
            out.print(f"[red]{job['printer']} berhenti:[/] {labels.coded(job['reason'])}")
    if summary["stock_out"]:
        out.print("[bold red]Blangko habis: pencetakan dihentikan, sisa record tetap antre.[/]")
    if summary.get("reorder_request"):
        out.print(f"Permintaan blangko terbuka: {summary['reorder_request']}.")


@qc_app.command("pass")
def qc_pass(
    cards: Annotated[list[str], typer.Argument(help="Referensi kartu, mis. K00000012-1")],
    oleh: OlehOpt = None,
) -> None:
    """Kartu lolos QC: siap dikemas."""
    from application.actions import pass_cards

    with context() as (settings, engine, _served), _errors():
        n = len(pass_cards(engine, acting(engine, settings, oleh), cards))
    out.print(f"{angka(n)} kartu lolos QC.")


@qc_app.command("reject")
def qc_reject(
    cards: Annotated[list[str], typer.Argument()],
    cause: Annotated[
        str, typer.Option("--cause", help="GAGAL_CETAK|GAGAL_ENCODE|RUSAK_FISIK|PERUBAHAN_DATA")
    ] = "GAGAL_CETAK",
    note: Annotated[str | None, typer.Option("--note", help="Catatan")] = None,
    oleh: OlehOpt = None,
) -> None:
    """Kartu ditolak QC: blangko rusak dicatat dan record dicetak ulang."""
    from application.actions import reject_cards
    from inventory.rules import Cause

    if cause not in Cause.__members__:
        fail(f"sebab '{cause}' tidak dikenal; pilihan: {', '.join(Cause.__members__)}", 2)
    with context() as (settings, engine, _served), _errors():
        who = acting(engine, settings, oleh)
        n = len(reject_cards(engine, who, cards, cause=cause, note=note))
    out.print(f"{angka(n)} kartu ditolak; record masuk antrean cetak ulang.")


@qc_app.command("list")
def qc_list(json_out: JsonOpt = False) -> None:
    """Kartu tercetak yang menunggu QC."""
    from printers import qc

    with context() as (_s, engine, _served), Session(engine) as session:
        rows = [
            {
                "card": c.card_ref,
                "record_id": c.record_id,
                "printer": c.printer_name,
                "printed_at": c.printed_at.isoformat() if c.printed_at else None,
            }
            for c in qc.awaiting_qc(session)
        ]
    if json_out:
        print_json(rows)
        return
    for r in rows:
        out.print(f"{r['card']}  {r['printer']}  {r['printed_at']}")
    out.print(f"{len(rows)} kartu menunggu QC.")
