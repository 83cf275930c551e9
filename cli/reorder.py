"""``cetak reorder ...``: requests for blanks to central (Ditjen Dukcapil)."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.table import Table
from sqlmodel import Session

from cetak.labels import REQUEST_STATE, label
from cli.common import OlehOpt, acting, context, fail, out, print_json, run_flow
from cli.reads import table_day as _table_day
from cli.stock import JsonOpt, _num, _stock_errors

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
def check(json_out: JsonOpt = False, oleh: OlehOpt = None) -> None:
    """Jalankan pemeriksaan pesan ulang sekarang (flow reorder_check)."""
    outcome = run_flow(
        "workflows.stock:reorder_check",
        "pemeriksaan pesan ulang",
        audit_as="reorder_check",
        oleh=oleh,
    )
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
        out.print(
            f"Permintaan {r['number']} {new}: {_num(r['quantity'])} keping "
            f"({label(REQUEST_STATE, r['state'])})."
        )
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
            label(REQUEST_STATE, r["state"]),
            _num(r["quantity"]),
            _num(r["confirmed_quantity"]) if r["confirmed_quantity"] else "-",
            _table_day(r["created_at"]),
            r["letter"] or "-",
        )
    out.print(table)


def _transition(ref: str, oleh: str | None, change: Any) -> dict[str, Any]:
    """One state change of a request: ``change(engine, actor)`` is its use case."""
    with context() as (settings, engine, _served), _stock_errors():
        return _request_dict(change(engine, acting(engine, settings, oleh)))


@reorder_app.command("send")
def send(
    ref: Annotated[str, typer.Argument(help="Nomor atau ID permintaan")], oleh: OlehOpt = None
) -> None:
    """Tandai surat permintaan sudah dikirim ke pusat."""
    from application.actions import mark_request_sent

    r = _transition(ref, oleh, lambda engine, who: mark_request_sent(engine, who, ref))
    out.print(f"Permintaan {r['number']}: {label(REQUEST_STATE, r['state'])}.")


@reorder_app.command("confirm")
def confirm(
    ref: Annotated[str, typer.Argument(help="Nomor atau ID permintaan")],
    quantity: Annotated[
        int | None, typer.Option("--quantity", help="Jumlah yang disetujui pusat")
    ] = None,
    oleh: OlehOpt = None,
) -> None:
    """Catat konfirmasi pusat (blangko dalam perjalanan)."""
    from application.actions import confirm_request

    if quantity is not None and quantity < 1:
        fail("jumlah harus lebih dari nol", 2)
    r = _transition(
        ref, oleh, lambda engine, who: confirm_request(engine, who, ref, quantity=quantity)
    )
    out.print(f"Permintaan {r['number']} dikonfirmasi: {_num(r['confirmed_quantity'])} keping.")


@reorder_app.command("cancel")
def cancel(
    ref: Annotated[str, typer.Argument(help="Nomor atau ID permintaan")],
    reason: Annotated[
        str, typer.Option("--reason", help="Alasan pembatalan")
    ] = "dibatalkan operator",
    oleh: OlehOpt = None,
) -> None:
    """Batalkan permintaan yang masih terbuka."""
    from application.actions import cancel_request

    r = _transition(ref, oleh, lambda engine, who: cancel_request(engine, who, ref, reason=reason))
    out.print(f"Permintaan {r['number']} dibatalkan.")
