"""``cetak stock ...`` and ``cetak reorder ...``: blank stock for the print room."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import date
from typing import Annotated, Any

import typer
from rich.table import Table
from sqlmodel import Session

from cetak.bahasa import angka
from cetak.labels import CAUSE, PROPOSAL, actor_label, label
from cli.common import (
    OlehOpt,
    acting,
    cetak_errors,
    context,
    fail,
    os_actor,
    out,
    print_json,
)

stock_app = typer.Typer(
    help="Stok blangko KTP-el: terima, opname, pindah, musnahkan, laporan.", no_args_is_help=True
)

JsonOpt = Annotated[bool, typer.Option("--json", help="Keluaran JSON (untuk alat lain).")]
SiteOpt = Annotated[
    str | None, typer.Option("--site", help="Kode lokasi stok (bawaan: Disdukcapil)")
]


def actor() -> str:
    """The OS account (``cli:<login>``); commands that change something use ``acting``."""
    return os_actor()


def _num(n: float | int) -> str:
    """A count for staff: ``1.391`` (``cetak.bahasa``)."""
    return angka(round(n))


def _signed(n: int) -> str:
    """A difference: ``+12``, ``-1.250``, ``0``."""
    return f"+{angka(n)}" if n > 0 else angka(n)


@contextmanager
def _stock_errors() -> Iterator[None]:
    """Errors said the CLI's one way (``cli.common.cetak_errors``): refused input (the codes
    in ``cli.messages.REFUSED``) exits 2, anything else 1."""
    with cetak_errors():
        yield


def _already(what: str, hint: str = "") -> None:
    out.print(f"{what} sudah dicatat sebelumnya; tidak dicatat lagi.{hint}")


def _parse_day(value: str | None, served: Any) -> date:
    if value is None:
        return served.today()
    try:
        return date.fromisoformat(value)
    except ValueError:
        fail(f"tanggal '{value}' tidak valid; gunakan format TTTT-BB-HH", 2)


@stock_app.command("receive")
def receive(
    lot: Annotated[str, typer.Option("--lot", help="Kode lot kiriman pusat")],
    quantity: Annotated[int, typer.Option("--quantity", help="Jumlah blangko")],
    serial_start: Annotated[
        str | None, typer.Option("--serial-start", help="Nomor seri blangko pertama lot ini")
    ] = None,
    reference: Annotated[
        str | None, typer.Option("--reference", help="Nomor surat pengantar")
    ] = None,
    site: SiteOpt = None,
    on: Annotated[str | None, typer.Option("--date", help="Tanggal terima (TTTT-BB-HH)")] = None,
    request: Annotated[
        str | None, typer.Option("--request", help="Permintaan yang dipenuhi")
    ] = None,
    json_out: JsonOpt = False,
    oleh: OlehOpt = None,
) -> None:
    """Terima satu lot blangko dari pusat (satu kode lot hanya sekali)."""
    from application.actions import receive_lot

    with context() as (settings, engine, served), _stock_errors():
        received_on = _parse_day(on, served)  # checked with the lot by the use case
        row, closed = receive_lot(
            engine,
            acting(engine, settings, oleh),
            lot=lot,
            quantity=quantity,
            site=site,
            received_on=received_on,
            reference=reference,
            serial_start=serial_start,
            request=request,
        )
        result = {
            "lot": row.code,
            "quantity": row.quantity,
            "site": row.site_code,
            "closed_request": closed,
        }
    if json_out:
        print_json(result)
        return
    out.print(f"Lot {result['lot']} diterima: {_num(quantity)} blangko di {result['site']}.")
    if result["closed_request"]:
        out.print(f"Permintaan {result['closed_request']} ditutup (sudah diterima).")


#: The figures of ``inventory.figures.stock_figures`` that ``--json`` shows, in this order.
from cli.reads import SUMMARY_KEYS as SUMMARY_KEYS  # noqa: E402 - the summary is shared
from cli.reads import summary_of as summary_of  # noqa: E402


def stock_summary(session: Session, settings: Any, served: Any) -> dict[str, Any]:
    """The ``"stock"`` object of ``cetak status --json`` (read only)."""
    from inventory.figures import stock_figures

    return summary_of(
        stock_figures(session, today=served.today(), settings=settings, served=served)
    )


# `stock status` lives with the other read-only commands (issue 16: answers in 0.3 s).
from cli.reads import stock_status as _stock_status  # noqa: E402

stock_app.command("status")(_stock_status)


@stock_app.command("count")
def count(
    counted: Annotated[int, typer.Option("--counted", help="Jumlah hasil hitung fisik")],
    reason: Annotated[str, typer.Option("--reason", help="Keterangan opname (wajib)")],
    lot: Annotated[
        str | None, typer.Option("--lot", help="Lot yang dihitung (opname per lot, wajib)")
    ] = None,
    site: SiteOpt = None,
    ref: Annotated[
        str | None, typer.Option("--ref", help="Nomor berita acara opname (cegah catat ganda)")
    ] = None,
    json_out: JsonOpt = False,
    oleh: OlehOpt = None,
) -> None:
    """Stok opname satu lot; selisih besar menunggu persetujuan Kepala seksi.

    Selisih sampai batas langsung dibukukan; selisih di atas batas diusulkan dan baru
    dibukukan bila Kepala seksi menyetujuinya (cetak stock approve)."""
    from application.actions import count_stock
    from inventory.rules import check_ref

    if counted < 0:
        fail("jumlah hitung tidak boleh negatif", 2)
    with context() as (settings, engine, _served), _stock_errors():
        ref = check_ref(ref, what="--ref")
        result = count_stock(
            engine,
            acting(engine, settings, oleh),
            counted=counted,
            reason=reason,
            site=site,
            lot=lot,
            ref=ref,
            threshold=settings.stocktake_flag_threshold,
        )
        c, proposal = result.count, result.proposal
        data = {
            "expected": c.expected,
            "counted": c.counted,
            "difference": c.difference,
            "flagged": c.flagged,
            "adjustments": result.adjustments,
            "lot": c.lot_code,
            "site": c.site_code,
            "state": "PROPOSED"
            if proposal is not None and proposal.state == "PROPOSED"
            else (proposal.state if proposal is not None else "BOOKED"),
            "proposal": proposal.id if proposal is not None else None,
            "created": result.created,
        }
        threshold = settings.stocktake_flag_threshold
    if json_out:
        print_json(data)
        return
    if not data["created"]:
        _already(f"Opname lot {data['lot']} ini")
    out.print(
        f"Opname lot {data['lot']}: buku {_num(data['expected'])}, fisik {_num(counted)}, "
        f"selisih {_signed(data['difference'])}."
    )
    if data["proposal"] is not None:
        out.print(
            f"[bold red]Selisih melebihi batas ({_num(threshold)} blangko): belum dibukukan.[/] "
            f"Diusulkan sebagai usulan #{data['proposal']} ({label(PROPOSAL, data['state'])}); "
            "menunggu "
            f"persetujuan Kepala seksi: cetak stock approve {data['proposal']} --oleh NAMA"
        )


def _proposal_dict(p: Any, c: Any) -> dict[str, Any]:
    return {
        "id": p.id,
        "site": p.site_code,
        "lot": p.lot_code,
        "expected": c.expected,
        "counted": c.counted,
        "difference": p.difference,
        "reason": c.reason,
        "state": p.state,
        "proposed_by": p.proposed_by,
        "proposed_at": p.proposed_at.isoformat(),
        "decided_by": p.decided_by,
    }


@stock_app.command("proposals")
def proposals(json_out: JsonOpt = False) -> None:
    """Usulan selisih stok opname yang menunggu persetujuan Kepala seksi."""
    from inventory import operations

    with context() as (_s, engine, _served), Session(engine) as session:
        rows = [_proposal_dict(p, c) for p, c in operations.pending_proposals(session)]
    if json_out:
        print_json(rows)
        return
    if not rows:
        out.print("Tidak ada usulan selisih opname yang menunggu.")
        return
    table = Table(title="Usulan selisih stok opname (menunggu Kepala seksi)")
    for col in ("No.", "Lokasi", "Lot", "Buku", "Fisik", "Selisih", "Keterangan", "Oleh"):
        table.add_column(col)
    for r in rows:
        table.add_row(
            str(r["id"]),
            r["site"],
            r["lot"],
            _num(r["expected"]),
            _num(r["counted"]),
            _signed(r["difference"]),
            r["reason"],
            actor_label(r["proposed_by"]),
        )
    out.print(table)


SupervisorOpt = Annotated[
    str, typer.Option("--oleh", help="Nama pengguna Kepala seksi (peran supervisor) yang memutus")
]


@stock_app.command("approve")
def approve(
    proposal_id: Annotated[int, typer.Argument(help="Nomor usulan (cetak stock proposals)")],
    oleh: SupervisorOpt,
    json_out: JsonOpt = False,
) -> None:
    """Setujui usulan selisih opname: selisihnya dibukukan sekarang (Kepala seksi)."""
    from application import actions

    with context() as (_s, engine, _served), _stock_errors():
        supervisor = replace(actions.named_supervisor(engine, oleh), via="cli")
        done = actions.approve_stock_count(engine, supervisor, proposal_id)
        data = {
            "id": done.proposal.id,
            "state": done.proposal.state,
            "lot": done.proposal.lot_code,
            "site": done.proposal.site_code,
            "difference": done.proposal.difference,
            "adjustments": done.adjustments,
            "approved_by": done.proposal.decided_by,
        }
    if json_out:
        print_json(data)
        return
    out.print(
        f"Usulan #{data['id']} disetujui oleh {actor_label(data['approved_by'])}: selisih "
        f"{_signed(data['difference'])} lot {data['lot']} di {data['site']} dibukukan."
    )


@stock_app.command("reject")
def reject(
    proposal_id: Annotated[int, typer.Argument(help="Nomor usulan (cetak stock proposals)")],
    oleh: SupervisorOpt,
    reason: Annotated[str, typer.Option("--reason", help="Alasan penolakan (wajib)")],
) -> None:
    """Tolak usulan selisih opname: tidak ada yang dibukukan (Kepala seksi)."""
    from application import actions

    with context() as (_s, engine, _served), _stock_errors():
        supervisor = replace(actions.named_supervisor(engine, oleh), via="cli")
        done = actions.reject_stock_count(engine, supervisor, proposal_id, reason=reason)
        number, lot = done.id, done.lot_code
    out.print(f"Usulan #{number} (lot {lot}) ditolak; tidak ada yang dibukukan.")


@stock_app.command("destroy")
def destroy(
    witness: Annotated[
        list[str],
        typer.Option(
            "--witness",
            "--saksi",
            help='Saksi (minimal dua): "Nama" atau "Nama|NIP|Jabatan"',
        ),
    ],
    officer: Annotated[
        list[str] | None,
        typer.Option(
            "--officer",
            help='Petugas pemusnah: "Nama" atau "Nama|NIP|Jabatan" (bawaan: Kepala Seksi)',
        ),
    ] = None,
    place: Annotated[str | None, typer.Option("--place", help="Tempat pemusnahan")] = None,
    method: Annotated[
        str,
        typer.Option("--method", "--cara", help="Cara pemusnahan: dibakar, dipotong, dihancurkan"),
    ] = "dibakar",
    on: Annotated[str | None, typer.Option("--date")] = None,
    ref: Annotated[
        str | None,
        typer.Option("--ref", help="Nomor berita acara (diulang: tidak dimusnahkan lagi)"),
    ] = None,
    oleh: OlehOpt = None,
) -> None:
    """Musnahkan semua blangko rusak yang menunggu, dengan berita acara (PDF)."""
    from application.actions import destroy_spoiled
    from inventory.rules import check_not_future, check_ref

    with context() as (settings, engine, served), _stock_errors():
        held_on = check_not_future(
            _parse_day(on, served), today=served.today(), what="tanggal pemusnahan"
        )
        ref = check_ref(ref, what="--ref")
        done = destroy_spoiled(
            engine,
            acting(engine, settings, oleh),
            settings,
            held_on=held_on,
            witnesses=witness,
            officers=officer,
            place=place,
            ref=ref,
            method=method,
        )
    if done.already:
        _already(f"Pemusnahan berita acara {done.number} ({_num(done.quantity)} blangko)")
        return
    out.print(f"{_num(done.quantity)} blangko rusak dimusnahkan; berita acara {done.number}.")
    for path in done.written:
        out.print(f"  dokumen: {path}")


@stock_app.command("transfer")
def transfer(
    to: Annotated[str, typer.Option("--to", help="Lokasi tujuan")],
    quantity: Annotated[int, typer.Option("--quantity", help="Jumlah blangko")],
    source: Annotated[str | None, typer.Option("--from", help="Lokasi asal")] = None,
    lot: Annotated[str | None, typer.Option("--lot", help="Lot yang dipindahkan")] = None,
    reference: Annotated[str | None, typer.Option("--reference", help="Nomor serah terima")] = None,
    oleh: OlehOpt = None,
) -> None:
    """Pindahkan blangko antarlokasi (mis. ke kecamatan yang mencetak).

    Diulang dengan nomor serah terima yang sama, atau tanpa nomor dengan jumlah, lot dan
    lokasi yang sama pada hari yang sama, tidak memindahkan lagi.
    """
    from application.actions import transfer_stock
    from inventory.rules import check_quantity, check_ref

    with context() as (settings, engine, served), _stock_errors():
        check_quantity(quantity, limit=settings.max_move_quantity)
        reference = check_ref(reference, what="--reference")
        moved = transfer_stock(
            engine,
            acting(engine, settings, oleh),
            to=to,
            quantity=quantity,
            today=served.today(),
            source=source,
            lot=lot,
            reference=reference,
        )
    if moved.already:
        _already(
            f"Pemindahan {_num(quantity)} blangko ke {to}",
            "" if reference else " Bila ini pemindahan lain, beri --reference NOMOR.",
        )
        return
    out.print(
        f"{_num(quantity)} blangko dipindahkan ke {to}: "
        + ", ".join(f"lot {lot_} {_num(n)}" for lot_, n in moved.parts)
    )


@stock_app.command("spoil")
def spoil(
    cause: Annotated[
        str,
        typer.Option(
            "--cause",
            help="Sebab: GAGAL_CETAK (gagal cetak), GAGAL_ENCODE (gagal tulis chip), "
            "RUSAK_FISIK (rusak fisik), PERUBAHAN_DATA (perubahan data)",
        ),
    ],
    reason: Annotated[str, typer.Option("--reason", help="Keterangan kerusakan")],
    quantity: Annotated[int, typer.Option("--quantity", help="Jumlah blangko")] = 1,
    site: SiteOpt = None,
    lot: Annotated[str | None, typer.Option("--lot", help="Lot blangko yang rusak")] = None,
    ref: Annotated[
        str | None,
        typer.Option("--ref", help="Nomor catatan kerusakan (bila ada dua kejadian serupa)"),
    ] = None,
    oleh: OlehOpt = None,
) -> None:
    """Catat blangko rusak di rak (bukan kartu tercetak): menunggu pemusnahan.

    Diulang dengan isi yang sama pada hari yang sama (atau --ref yang sama), tidak
    dicatat lagi.
    """
    from application.actions import spoil_blanks
    from inventory.rules import check_quantity, check_reason, check_ref

    if quantity < 1:
        fail("jumlah harus lebih dari nol", 2)
    with context() as (settings, engine, served), _stock_errors():
        check_quantity(quantity, limit=settings.max_move_quantity)
        reason = check_reason(reason)
        ref = check_ref(ref, what="--ref")
        new = spoil_blanks(
            engine,
            acting(engine, settings, oleh),
            cause=cause,
            reason=reason,
            quantity=quantity,
            today=served.today(),
            site=site,
            lot=lot,
            ref=ref,
        ).new
    if new == 0:
        _already(
            f"{_num(quantity)} blangko rusak ({label(CAUSE, cause).lower()}) ini",
            "" if ref else " Bila ini kejadian lain, beri --ref NOMOR.",
        )
        return
    out.print(
        f"{_num(new)} blangko rusak ({label(CAUSE, cause).lower()}) dicatat; menunggu pemusnahan."
    )


@stock_app.command("return")
def return_(
    lot: Annotated[str, typer.Option("--lot", help="Lot yang dikembalikan")],
    quantity: Annotated[int, typer.Option("--quantity", help="Jumlah blangko")],
    reference: Annotated[str, typer.Option("--reference", help="Nomor surat pengembalian")],
    site: SiteOpt = None,
    oleh: OlehOpt = None,
) -> None:
    """Kembalikan blangko ke pusat (satu surat per lot hanya sekali)."""
    from application.actions import return_stock
    from inventory.rules import check_quantity, check_ref

    with context() as (settings, engine, _served), _stock_errors():
        check_quantity(quantity, limit=settings.max_move_quantity)
        reference = check_ref(reference, what="--reference") or ""
        done = return_stock(
            engine,
            acting(engine, settings, oleh),
            lot=lot,
            quantity=quantity,
            reference=reference,
            site=site,
        )
    if done.earlier is not None:
        _already(f"Pengembalian {_num(done.earlier)} blangko lot {lot} ({reference})")
        if done.earlier != quantity:
            fail(
                f"surat {reference} untuk lot {lot} sudah dicatat dengan jumlah "
                f"{_num(done.earlier)}, bukan {_num(quantity)}",
                2,
            )
        return
    out.print(f"{_num(quantity)} blangko lot {lot} dikembalikan ke pusat ({reference}).")


@stock_app.command("report")
def report(
    month: Annotated[
        str | None, typer.Option("--month", help="Bulan TTTT-BB (bawaan: bulan ini)")
    ] = None,
) -> None:
    """Laporan bulanan penggunaan blangko (PDF) untuk dilaporkan ke atas."""
    from inventory import queries
    from inventory.paperwork import monthly_report

    with context() as (settings, engine, served):
        try:
            first = date.fromisoformat(f"{month}-01") if month else served.today().replace(day=1)
        except ValueError:
            fail(f"bulan '{month}' tidak valid; gunakan TTTT-BB", 2)
        with Session(engine) as session:
            _, awaiting = queries.totals(session)
        settings.ensure_dirs()
        from application.consumables import report_lines

        lines = report_lines(engine, settings)
        path = monthly_report(engine, settings, served, first, awaiting, lines)
    out.print(f"Laporan bulanan ditulis: {path}")


@stock_app.command("sites")
def sites(json_out: JsonOpt = False) -> None:
    """Daftar lokasi stok."""
    from inventory.sites import list_sites

    with context() as (_s, engine, _served), Session(engine) as session:
        rows = [
            {
                "code": s.code,
                "name": s.name,
                "kode_kecamatan": s.kode_kecamatan,
                "default": s.is_default,
            }
            for s in list_sites(session)
        ]
    if json_out:
        print_json(rows)
        return
    for r in rows:
        out.print(f"{r['code']}: {r['name']}{' (bawaan)' if r['default'] else ''}")


@stock_app.command("site-add")
def site_add(
    code: Annotated[str, typer.Argument(help="Kode lokasi, mis. KEC-WEDI")],
    name: Annotated[str, typer.Option("--name", help="Nama lokasi")],
    kecamatan: Annotated[str | None, typer.Option("--kecamatan", help="Kode kecamatan")] = None,
    oleh: OlehOpt = None,
) -> None:
    """Tambah lokasi stok (kantor kecamatan yang mencetak)."""
    from application.actions import add_site

    with context() as (settings, engine, served), _stock_errors():
        who = acting(engine, settings, oleh)
        code = add_site(engine, who, code=code, name=name, kecamatan=kecamatan).code
    out.print(f"Lokasi stok {code} ditambahkan.")
