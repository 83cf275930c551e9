"""The read-only commands staff run all day: ``status``, ``records``, ``stock status``,
``printers list``, ``shipments`` (issue 16: each answers in 0.3 s).

Each reads through the lean path (``cli.lean``: plain SQL, no SQLAlchemy) when it can, and
otherwise through the read models as before (the full path: unusual settings, another
database driver, a database not initialised, a filter to refuse); both give the same
output, the same ``--json`` and the same errors. This module imports neither path until a
command runs.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Annotated, Any

import typer

from cli.common import ReaderOpt, fail, officer_named, print_json, shown_nik

JsonOpt = Annotated[bool, typer.Option("--json", help="Keluaran JSON (untuk alat lain).")]


def _out() -> Any:
    """``cli.common.out``, made when a command first prints text (rich loads then)."""
    from cli import common

    return common.out


# --- cetak status ---------------------------------------------------------------------------


def status(json_out: JsonOpt = False) -> None:
    """Ringkasan: jumlah record per status."""
    from cli import lean

    def gather(reader: lean.Reader, served: lean.Served) -> tuple[Any, ...]:
        today = served.today()
        return (
            reader.state_counts(),
            summary_of(reader.stock_figures(served, today)),
            reader.printers(today),
            reader.card_counts(),
            reader.distribution_status(served, today),
            served.kode_wilayah,
            served.kabupaten,
        )

    fast = lean.answer(gather)
    if fast is not None:
        counts, stock, printers, cards, distribution, kode, kabupaten = fast
    else:
        from sqlmodel import Session

        from application.queries import card_counts, state_counts
        from cli.common import context
        from cli.distribution import distribution_summary
        from cli.printing import printers_summary
        from cli.stock import stock_summary

        with context() as (settings, engine, full), Session(engine) as session:
            counts = state_counts(session)
            stock = stock_summary(session, settings, full)
            printers = printers_summary(session, full.today())
            cards = card_counts(session)
            distribution = distribution_summary(session, full)
            kode, kabupaten = full.kode_wilayah, full.kabupaten
    if json_out:
        print_json(
            {
                "kode_wilayah": kode,
                "records": counts,
                "stock": stock,
                "printers": printers,
                "cards": cards,
                "distribution": distribution,
            }
        )
        return
    from rich.table import Table

    from cetak.bahasa import angka
    from cetak.lifecycle import STATE_LABELS, RecordState

    table = Table(title=f"Status record PRR — {kabupaten} ({kode})")
    table.add_column("Status")
    table.add_column("Kode")
    table.add_column("Jumlah", justify="right")
    for state, n in counts.items():
        table.add_row(STATE_LABELS[RecordState(state)], f"[dim]{state}[/]", angka(n))
    _out().print(table)
    if distribution:
        total = {
            k: sum(r[k] for r in distribution)
            for k in distribution[0]
            if k in ("packed", "in_transit", "received", "collected", "lost", "open_discrepancies")
        }
        oldest = max((r["oldest_uncollected_days"] or 0) for r in distribution)
        _out().print(
            f"Distribusi: {angka(total['packed'])} dikemas, "
            f"{angka(total['in_transit'])} dalam pengiriman, "
            f"{angka(total['received'])} menunggu di kecamatan (terlama {angka(oldest)} hari), "
            f"{angka(total['collected'])} diambil, {angka(total['lost'])} hilang, "
            f"{angka(total['open_discrepancies'])} kasus selisih terbuka."
        )


# --- cetak records ---------------------------------------------------------------------------

from cli.lazy import Lazy, LazyGroup  # noqa: E402


class RecordsGroup(LazyGroup):
    """``cetak records``: the list itself here; ``flag`` / ``unflag`` (issue 15) in
    ``cli.ration``, loaded when they run."""

    LAZY = {
        "flag": Lazy(
            "cli.ration:flag",
            "Tandai permohonan mendesak (berlaku setelah disetujui kepala seksi).",
        ),
        "unflag": Lazy("cli.ration:unflag", "Hapus tanda mendesak."),
    }
    ORDER = ("flag", "unflag")


records_app = typer.Typer(
    help="Daftar record PRR; tandai permohonan mendesak (flag, unflag).",
    invoke_without_command=True,
    cls=RecordsGroup,
)


def _lean_role(reader: Any, oleh: str | None) -> tuple[bool, str | None]:
    """(answered, role) of ``cli.common.reader_role`` on the lean path; not answered (the
    full path then refuses, exit 2) for a name given with ``--oleh`` that is not an active
    user, or not plain text."""
    from cli.common import check_text

    if oleh is None:
        name = officer_named()
        return True, None if name is None else reader.role_of(name)
    check_text(oleh, "nama petugas (--oleh)")  # refused as the full path refuses it
    role = reader.role_of(oleh)
    return role is not None, role


@records_app.callback()
def records(
    ctx: typer.Context,
    state: Annotated[str | None, typer.Option("--state", help="Saring menurut status")] = None,
    kecamatan: Annotated[
        str | None, typer.Option("--kecamatan", help="Saring menurut kode kecamatan")
    ] = None,
    batch: Annotated[str | None, typer.Option("--batch", help="Saring menurut batch")] = None,
    limit: Annotated[
        int | None, typer.Option("--limit", min=1, help="Paling banyak sekian record")
    ] = None,
    json_out: JsonOpt = False,
    oleh: ReaderOpt = None,
) -> None:
    """Daftar record PRR (NIK disamarkan menurut peran pembaca; lengkap di --json)."""
    if ctx.invoked_subcommand is not None:
        return
    from cetak.lifecycle import RecordState
    from cli import lean

    if state is not None and state not in {s.value for s in RecordState}:
        fail(
            f"status '{state}' tidak dikenal; pilihan: {', '.join(s.value for s in RecordState)}", 2
        )

    def gather(reader: lean.Reader, served: lean.Served) -> tuple[Any, str | None] | None:
        answered, role = (True, None) if json_out else _lean_role(reader, oleh)
        if not answered or (kecamatan is not None and kecamatan not in served.kecamatan):
            return None  # refused: the full path says why, as before
        found = reader.records(state=state, kecamatan=kecamatan, batch_id=batch, limit=limit)
        return found, role

    fast = lean.answer(gather)
    if fast is not None:
        _print_records(fast[0], fast[1], json_out)
        return
    from sqlmodel import Session

    from application.queries import iter_records
    from cli.common import context, reader_role

    with context() as (_, engine, _served), Session(engine) as session:
        role = None if json_out else reader_role(engine, oleh)
        _print_records(
            iter_records(session, state=state, kecamatan=kecamatan, batch_id=batch, limit=limit),
            role,
            json_out,
        )


def _print_records(rows: Iterable[dict[str, Any]], role: str | None, json_out: bool) -> None:
    if json_out:
        print_json(list(rows))
        return
    from rich.table import Table

    from cetak.bahasa import angka
    from cetak.labels import coded
    from cetak.lifecycle import STATE_LABELS, RecordState

    table = Table(title="Record PRR")
    for col in ("PRR", "NIK", "Nama", "Kecamatan", "Status", "Alasan", "Batch"):
        table.add_column(col, no_wrap=col in ("PRR", "NIK", "Kecamatan"))
    n = 0
    for r in rows:
        n += 1
        table.add_row(
            r["prr_id"] or "-",
            shown_nik(r["nik"], role),
            r["nama"],
            r["kode_kecamatan"],
            STATE_LABELS[RecordState(r["state"])],
            coded(r["reason"]) if r["reason"] else "",
            r["batch_id"],
        )
    _out().print(table)
    _out().print(f"{angka(n)} record.")


# --- cetak stock status ----------------------------------------------------------------------

#: The keys of the stock summary (``cetak stock status --json``, ``cetak status --json``).
SUMMARY_KEYS = (
    "on_hand",
    "days_of_cover",
    "reorder_point",
    "open_request",
    "awaiting_destruction",
    "in_transit",
    "daily_consumption",
    "prr_backlog",
    "reorder_due",
    "escalate",
    "usage_days",  # days of data daily_consumption rests on (0: no average yet)
    "usage_basis",
)


def summary_of(figures: dict[str, Any]) -> dict[str, Any]:
    """The CLI's presentation of the stock read model: its keys, one decimal place."""
    summary = {key: figures[key] for key in SUMMARY_KEYS}
    cover = summary["days_of_cover"]
    summary["days_of_cover"] = None if cover is None else round(cover, 1)
    summary["daily_consumption"] = round(summary["daily_consumption"], 1)
    return summary


def _num(n: float | int) -> str:
    from cetak.bahasa import angka

    return angka(round(n))


def table_day(value: Any) -> str:
    """A stored ISO date (``2026-12-02``) as tables show it: ``02-12-2026``."""
    from cetak.bahasa import tanggal_tabel

    if not value:
        return "-"
    try:
        return tanggal_tabel(date.fromisoformat(str(value)[:10]))
    except ValueError:
        return str(value)


def stock_status(json_out: JsonOpt = False) -> None:
    """Stok per lokasi dan lot, hari cakupan, titik pesan ulang."""
    from cli import lean

    def gather(reader: lean.Reader, served: lean.Served) -> tuple[dict[str, Any], str]:
        summary = summary_of(reader.stock_figures(served, served.today()))
        summary["lots"] = reader.stock_by_lot()
        return summary, served.kabupaten

    fast = lean.answer(gather)
    if fast is not None:
        summary, kabupaten = fast
    else:
        from sqlmodel import Session

        from cli.common import context
        from cli.stock import stock_summary
        from inventory import queries

        with context() as (settings, engine, full), Session(engine) as session:
            summary = stock_summary(session, settings, full)
            summary["lots"] = queries.stock_by_lot(session)
            kabupaten = full.kabupaten
    if json_out:
        print_json(summary)
        return
    from rich.table import Table

    from cetak.bahasa import desimal
    from cetak.labels import REQUEST_STATE, label

    table = Table(title=f"Stok blangko — {kabupaten}")
    for col in ("Lokasi", "Lot", "Diterima", "Jumlah", "Di tangan", "Rusak (menunggu musnah)"):
        table.add_column(col, justify="right" if col not in ("Lokasi", "Lot") else "left")
    for r in summary["lots"]:
        table.add_row(
            r["site"],
            r["lot"],
            table_day(r["received_on"]),
            _num(r["received"]),
            _num(r["on_hand"]),
            _num(r["awaiting_destruction"]),
        )
    _out().print(table)
    cover = summary["days_of_cover"]
    _out().print(
        f"Di tangan {_num(summary['on_hand'])}; pemakaian rata-rata "
        + (
            f"{desimal(summary['daily_consumption'])}/hari ({summary['usage_basis']})"
            if summary["usage_days"]
            else f"belum dapat dihitung ({summary['usage_basis']})"
        )
        + "; cukup untuk "
        f"{'-' if cover is None else f'{desimal(cover)} hari'}; titik pesan ulang "
        f"{_num(summary['reorder_point'])}; antrean PRR {_num(summary['prr_backlog'])}."
    )
    if summary["open_request"]:
        r = summary["open_request"]
        _out().print(
            f"Permintaan terbuka: {r['number']} ({label(REQUEST_STATE, r['state'])}, "
            f"{_num(r['quantity'])} keping)."
        )


# --- cetak printers list ---------------------------------------------------------------------


def printers_list(json_out: JsonOpt = False) -> None:
    """Daftar printer: status, cetak hari ini, pita."""
    from cli import lean

    rows = lean.answer(lambda reader, served: reader.printers(served.today()))
    if rows is None:
        from sqlmodel import Session

        from cli.common import context
        from cli.printing import printers_summary

        with context() as (_s, engine, full), Session(engine) as session:
            rows = printers_summary(session, full.today())
    if json_out:
        print_json(rows)
        return
    from rich.table import Table

    from cetak import labels
    from cetak.bahasa import angka

    table = Table(title="Printer kartu")
    for col in ("Nama", "Driver", "Status", "Hari ini", "Batas", "Pita", "Keterangan"):
        table.add_column(col)
    for r in rows:
        table.add_row(
            r["name"],
            r["driver"],
            labels.PRINTER_STATE.get(r["state"], r["state"]),
            _num(r["printed_today"]),
            _num(r["daily_limit"]),
            f"{angka(r['ribbon_percent'])}%" if r["ribbon_percent"] is not None else "-",
            labels.coded(r["reason"]) if r["reason"] else "",
        )
    _out().print(table)


# --- cetak shipments -------------------------------------------------------------------------


def shipments(
    number: Annotated[
        str | None, typer.Argument(help="Nomor kiriman: tampilkan kartunya satu per satu")
    ] = None,
    kecamatan: Annotated[
        str | None, typer.Option("--kecamatan", help="Kode kecamatan, mis. 33.10.05")
    ] = None,
    state: Annotated[
        str | None,
        typer.Option(
            "--state",
            help="Saring menurut status: packed (dikemas), dispatched (dalam pengiriman), "
            "received (diterima)",
        ),
    ] = None,
    limit: Annotated[
        int, typer.Option("--limit", min=1, help="Paling banyak sekian pengiriman")
    ] = 50,
    json_out: JsonOpt = False,
    oleh: ReaderOpt = None,
) -> None:
    """Daftar pengiriman ke kecamatan, atau kartu-kartu satu kiriman."""
    from cli import lean

    def gather(reader: lean.Reader, served: lean.Served) -> list[dict[str, Any]] | None:
        answered, _role = (True, None) if json_out else _lean_role(reader, oleh)
        if not answered or (kecamatan is not None and kecamatan not in served.kecamatan):
            return None  # refused: the full path says why, as before
        return reader.shipments(served, limit=limit, kecamatan=kecamatan, state=state)

    # One shipment's cards: the full path.
    rows = lean.answer(gather) if number is None else None
    if rows is None:
        from cli.distribution import shipments_full

        shipments_full(number, kecamatan, state, limit, json_out, oleh)
        return
    if json_out:
        print_json(rows)
        return
    print_shipments(rows)


def print_shipments(rows: list[dict[str, Any]]) -> None:
    from rich.table import Table

    from cetak.bahasa import angka
    from cetak.labels import SHIPMENT_STATE, label

    table = Table(title="Pengiriman KTP-el")
    for col in ("No. kiriman", "Kecamatan", "Kartu", "Status", "Diterima oleh", "Selisih terbuka"):
        table.add_column(col)
    for r in rows:
        table.add_row(
            r["number"],
            r["kecamatan"],
            angka(r["cards"]),
            label(SHIPMENT_STATE, r["state"]),
            r["received_by"] or "-",
            angka(r["open_discrepancies"]) if r["open_discrepancies"] else "-",
        )
    _out().print(table)
