"""``cetak stock lend|borrow|loan-return|loans``: blanks lent between regencies (issue 15),
added to the ``stock`` group."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from cetak.bahasa import angka
from cli.common import OlehOpt, acting, check_text, context, out, print_json
from cli.stock import stock_app

JsonOpt = Annotated[bool, typer.Option("--json", help="Keluaran JSON (untuk alat lain).")]
SignerOpt = Annotated[
    str | None,
    typer.Option("--their-signer", help="Penanda tangan kabupaten lain: 'Nama|NIP'"),
]


def _done(loan, papers, what: str) -> None:  # type: ignore[no-untyped-def]
    out.print(
        f"{what} {loan.number}: {angka(loan.quantity)} keping, lot {loan.lot_code}"
        + (f", seri {loan.serial_text}" if loan.serial_text else "")
        + f"; {loan.counterpart_name}."
    )
    for path in papers:
        out.print(f"Berita acara serah terima: {path}")


@stock_app.command("lend")
def lend(
    to: Annotated[str, typer.Option("--to", help="Kode kabupaten peminjam, mis. 33.09")],
    quantity: Annotated[int, typer.Option("--quantity", help="Jumlah blangko")],
    ref: Annotated[str, typer.Option("--ref", help="Nomor berita acara serah terima")],
    lot: Annotated[str | None, typer.Option("--lot", help="Lot yang dipinjamkan")] = None,
    to_name: Annotated[str | None, typer.Option("--to-name", help="Nama dinas peminjam")] = None,
    their_signer: SignerOpt = None,
    oleh: OlehOpt = None,
) -> None:
    """Pinjamkan blangko ke Disdukcapil kabupaten lain (dengan berita acara)."""
    from application.loans import lend as run

    check_text(ref, "nomor berita acara")
    with context() as (settings, engine, _served):
        loan, papers = run(
            engine,
            acting(engine, settings, oleh),
            settings,
            to=to,
            quantity=quantity,
            ref=ref,
            lot=lot,
            to_name=to_name,
            their_signer=their_signer,
        )
    _done(loan, papers, "Dipinjamkan")


@stock_app.command("borrow")
def borrow(
    source: Annotated[str, typer.Option("--from", help="Kode kabupaten pemberi pinjaman")],
    quantity: Annotated[int, typer.Option("--quantity", help="Jumlah blangko")],
    ref: Annotated[str, typer.Option("--ref", help="Nomor berita acara serah terima")],
    lot: Annotated[str, typer.Option("--lot", help="Kode lot untuk blangko pinjaman")],
    serial_start: Annotated[
        str | None, typer.Option("--serial-start", help="Nomor seri pertama")
    ] = None,
    source_name: Annotated[
        str | None, typer.Option("--from-name", help="Nama dinas pemberi pinjaman")
    ] = None,
    their_signer: SignerOpt = None,
    oleh: OlehOpt = None,
) -> None:
    """Pinjam blangko dari Disdukcapil kabupaten lain (diterima sebagai lot tersendiri)."""
    from application.loans import borrow as run

    check_text(ref, "nomor berita acara")
    with context() as (settings, engine, _served):
        loan, papers = run(
            engine,
            acting(engine, settings, oleh),
            settings,
            source=source,
            quantity=quantity,
            ref=ref,
            lot=lot,
            serial_start=serial_start,
            source_name=source_name,
            their_signer=their_signer,
        )
    _done(loan, papers, "Dipinjam")


@stock_app.command("loan-return")
def loan_return(
    ref: Annotated[str, typer.Argument(help="Nomor pinjaman")],
    quantity: Annotated[int, typer.Option("--quantity", help="Jumlah yang dikembalikan")],
    lot: Annotated[
        str | None, typer.Option("--lot", help="Kode lot blangko yang diterima kembali")
    ] = None,
    serial_start: Annotated[
        str | None, typer.Option("--serial-start", help="Nomor seri blangko pertama")
    ] = None,
    oleh: OlehOpt = None,
) -> None:
    """Catat pengembalian pinjaman (diterima kembali atau dikembalikan)."""
    from application.loans import settle

    with context() as (settings, engine, _served):
        loan, papers = settle(
            engine,
            acting(engine, settings, oleh),
            settings,
            ref=ref,
            quantity=quantity,
            lot=lot,
            serial_start=serial_start,
        )
    left = loan.quantity - loan.returned
    out.print(
        f"Pinjaman {loan.number}: {angka(quantity)} keping dikembalikan; "
        + ("lunas." if not left else f"sisa {angka(left)} keping.")
    )
    for path in papers:
        out.print(f"Berita acara serah terima: {path}")


@stock_app.command("loans")
def loans_(json_out: JsonOpt = False) -> None:
    """Pinjaman blangko antarkabupaten dan sisanya."""
    from application.loans import all_loans, owed

    with context() as (_s, engine, _served):
        rows = all_loans(engine)
        we_owe, they_owe = owed(engine)
    if json_out:
        print_json(
            {
                "kita_berutang": we_owe,
                "piutang": they_owe,
                "pinjaman": [
                    {
                        "nomor": r.number,
                        "arah": r.direction,
                        "kabupaten": r.counterpart,
                        "nama": r.counterpart_name,
                        "lot": r.lot_code,
                        "jumlah": r.quantity,
                        "kembali": r.returned,
                        "seri": r.serial_text,
                        "tanggal": r.at.isoformat(),
                        "lunas": r.settled_at is not None,
                    }
                    for r in rows
                ],
            }
        )
        return
    table = Table(title="Pinjaman blangko antarkabupaten")
    for column in ("Nomor", "Arah", "Kabupaten", "Lot", "Jumlah", "Kembali", "Sisa"):
        table.add_column(column)
    for r in rows:
        table.add_row(
            r.number,
            "dipinjamkan" if r.direction == "out" else "dipinjam",
            r.counterpart_name,
            r.lot_code,
            angka(r.quantity),
            angka(r.returned),
            angka(r.quantity - r.returned),
        )
    out.print(table)
    out.print(
        f"Blangko yang masih harus dikembalikan: {angka(we_owe)}; piutang: {angka(they_owe)}."
    )
