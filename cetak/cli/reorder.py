"""``cetak reorder ...``: requests for blanks to central (Ditjen Dukcapil)."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.table import Table
from sqlmodel import Session

from cetak.cli.common import context, fail, out, print_json, run_flow
from cetak.cli.stock import JsonOpt, _num, _stock_errors
from cetak.db import write_session

reorder_app = typer.Typer(
    help="Permintaan blangko ke pusat (Ditjen Dukcapil).", no_args_is_help=True
)


def _request_dict(r: Any) -> dict[str, Any]:
    return {
        "id": r.id,
        "number": r.number,
        "state": r.state,
        "quantity": r.quantity,
        "confirmed_quantity": r.confirmed_quantity,
        "letter": r.letter_path,
        "created_at": r.created_at.isoformat(),
    }


@reorder_app.command("check")
def check(json_out: JsonOpt = False) -> None:
    """Jalankan pemeriksaan pesan ulang sekarang (flow reorder_check)."""
    outcome = run_flow("workflows.stock:reorder_check", "pemeriksaan pesan ulang")
    if json_out:
        print_json(outcome)
        return
    pos, facts = outcome["position"], outcome["facts"]
    out.print(
        f"Di tangan {_num(facts['on_hand'])}, titik pesan ulang {_num(pos['reorder_point'])}."
    )
    if outcome["request"]:
        r = outcome["request"]
        new = "dibuat" if outcome["created"] else "masih terbuka"
        out.print(f"Permintaan {r['number']} {new}: {_num(r['quantity'])} keping ({r['state']}).")
    else:
        out.print("Belum perlu memesan blangko.")
    if pos["escalate"]:
        out.print("[bold red]ESKALASI: stok habis sebelum kiriman pusat tiba.[/]")


@reorder_app.command("list")
def list_(json_out: JsonOpt = False) -> None:
    """Daftar permintaan blangko."""
    from sqlmodel import select

    from inventory.models import ReorderRequest

    with context() as (_s, engine, _served), Session(engine) as session:
        rows = [
            _request_dict(r)
            for r in session.exec(
                select(ReorderRequest).order_by(ReorderRequest.id.desc())  # type: ignore[union-attr]
            )
        ]
    if json_out:
        print_json(rows)
        return
    table = Table(title="Permintaan blangko ke pusat")
    for col in ("No.", "Status", "Jumlah", "Dikonfirmasi", "Dibuat", "Surat"):
        table.add_column(col)
    for r in rows:
        table.add_row(
            r["number"],
            r["state"],
            _num(r["quantity"]),
            _num(r["confirmed_quantity"]) if r["confirmed_quantity"] else "-",
            r["created_at"][:10],
            r["letter"] or "-",
        )
    out.print(table)


def _transition(ref: str, action: Any, **kw: Any) -> dict[str, Any]:
    with context() as (_s, engine, _served), _stock_errors(), write_session(engine) as session:
        return _request_dict(action(session, ref, **kw))


@reorder_app.command("send")
def send(ref: Annotated[str, typer.Argument(help="Nomor atau ID permintaan")]) -> None:
    """Tandai surat permintaan sudah dikirim ke pusat."""
    from inventory import reorder

    r = _transition(ref, reorder.mark_sent)
    out.print(f"Permintaan {r['number']}: {r['state']}.")


@reorder_app.command("confirm")
def confirm(
    ref: Annotated[str, typer.Argument(help="Nomor atau ID permintaan")],
    quantity: Annotated[
        int | None, typer.Option("--quantity", help="Jumlah yang disetujui pusat")
    ] = None,
) -> None:
    """Catat konfirmasi pusat (blangko dalam perjalanan)."""
    from cetak.settings import get_settings
    from inventory import reorder

    if quantity is not None and quantity < 1:
        fail("jumlah harus lebih dari nol", 2)
    limit = get_settings().max_request_quantity
    r = _transition(ref, reorder.confirm, quantity=quantity, limit=limit)
    out.print(f"Permintaan {r['number']} dikonfirmasi: {_num(r['confirmed_quantity'])} keping.")


@reorder_app.command("cancel")
def cancel(
    ref: Annotated[str, typer.Argument(help="Nomor atau ID permintaan")],
    reason: Annotated[str, typer.Option("--reason")] = "dibatalkan operator",
) -> None:
    """Batalkan permintaan yang masih terbuka."""
    from inventory import reorder

    r = _transition(ref, reorder.cancel, reason=reason)
    out.print(f"Permintaan {r['number']} dibatalkan.")
