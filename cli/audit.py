"""``cetak audit``: the audit trail of who did what, from the CLI, flows and the dashboard."""

from __future__ import annotations

import json
from datetime import date, datetime, time
from typing import Annotated, Any
from zoneinfo import ZoneInfo

import typer
from rich.markup import escape
from rich.table import Table
from sqlmodel import Session

from cetak.bahasa import angka, tanggal_tabel, tanggal_waktu
from cetak.labels import AUDIT_ACTION, AUDIT_DETAIL_KEY, ROLE, actor_label, coded, label
from cli.common import context, fail, out, print_json

JsonOpt = Annotated[bool, typer.Option("--json", help="Keluaran JSON (untuk alat lain).")]


def entry_dict(e: Any) -> dict[str, Any]:
    """One audit row as ``cetak audit --json`` shows it (a contract: extend, never rename)."""
    try:
        detail = json.loads(e.detail_json or "{}")
    except ValueError:
        detail = {"raw": e.detail_json}
    return {
        "id": e.id,
        "at": e.at.isoformat(),
        "actor": e.actor,
        "role": e.role,
        "action": e.action,
        "target": e.target,
        "ok": e.ok,
        "detail": detail,
    }


def _value(value: Any) -> str:
    """A detail value as staff read it: counts ``1.391``, dates ``02-12-2026``, codes as
    labels (``wrong_password`` -> ``kata sandi salah``)."""
    if isinstance(value, bool):
        return "ya" if value else "tidak"
    if isinstance(value, int | float):
        return angka(value)
    if isinstance(value, list | tuple):
        return ", ".join(_value(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{coded(k)} {_value(v)}" for k, v in value.items())
    if isinstance(value, str) and len(value) == 10 and value[4:5] == value[7:8] == "-":
        try:
            return tanggal_tabel(date.fromisoformat(value))
        except ValueError:
            pass
    return coded(value)


def audit(
    actor: Annotated[
        str | None,
        typer.Option("--actor", help="Hanya pelaku ini (nama pengguna, cli:LOGIN, flow:NAMA)"),
    ] = None,
    action: Annotated[
        str | None, typer.Option("--action", help="Hanya tindakan ini, mis. stock_receipt")
    ] = None,
    since: Annotated[
        str | None, typer.Option("--since", help="Sejak tanggal ini (TTTT-BB-HH, waktu setempat)")
    ] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, help="Paling banyak N baris")] = 200,
    json_out: JsonOpt = False,
) -> None:
    """Jejak audit: siapa melakukan apa, dari CLI, flow, maupun dasbor (terbaru dulu)."""
    from cetak.users import audit_trail

    with context() as (_s, engine, served):
        zone = ZoneInfo(served.timezone)
        start: datetime | None = None
        if since is not None:
            try:
                day = date.fromisoformat(since.strip())
            except ValueError:
                fail(f"tanggal '{since}' tidak valid; gunakan format TTTT-BB-HH", 2)
            start = datetime.combine(day, time.min, tzinfo=zone)
        with Session(engine) as session:
            rows = [
                entry_dict(e)
                for e in audit_trail(session, actor=actor, action=action, since=start, limit=limit)
            ]
    if json_out:
        print_json(rows)
        return
    if not rows:
        out.print("Tidak ada catatan audit yang cocok.")
        return
    table = Table(title="Jejak audit")
    for col in ("Waktu", "Pelaku", "Tindakan", "Sasaran", "Hasil", "Rincian"):
        table.add_column(col)
    for r in rows:
        at = tanggal_waktu(datetime.fromisoformat(r["at"]), served.timezone)
        detail = ", ".join(
            f"{label(AUDIT_DETAIL_KEY, k).lower()}: {_value(v)}"
            for k, v in r["detail"].items()
            if v not in (None, "", [])
        )
        who = actor_label(r["actor"])
        if r["role"]:
            who += f" ({label(ROLE, r['role'])})"
        table.add_row(
            at,
            escape(who),
            escape(label(AUDIT_ACTION, r["action"])) + f" [dim]({escape(r['action'])})[/]",
            escape(r["target"] or "-"),
            "ya" if r["ok"] else "[red]ditolak[/]",
            escape(detail),
        )
    out.print(table)
    out.print(f"{angka(len(rows))} catatan.")
