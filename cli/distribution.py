"""Distribution commands: dispatch, receive, collect, discrepancies, uncollected cards,
returns and a card's trace (receipts and their printers: ``cli.receipts``). Each command
parses its input, calls its use case (``application.actions``: permission, one transaction
with its audit row, then manifests and receipts after the commit, so a printer fault never
undoes a hand-over) and shows the result."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Annotated, Any

import typer
from rich.table import Table
from sqlmodel import Session

from cetak.access import Actor
from cetak.bahasa import angka, tanggal_waktu
from cetak.labels import (
    CARD_STATE,
    DISCREPANCY_KIND,
    RECORD_STATE,
    SHIPMENT_STATE,
    actor_label,
    coded,
    label,
)
from cli.common import (
    OlehOpt,
    ReaderOpt,
    acting,
    cetak_errors,
    check_text,
    context,
    fail,
    out,
    print_json,
    reader_role,
    shown_nik,
)
from cli.receipts import show_printed

JsonOpt = Annotated[bool, typer.Option("--json", help="Keluaran JSON (untuk alat lain).")]
KecOpt = Annotated[str | None, typer.Option("--kecamatan", help="Kode kecamatan, mis. 33.10.05")]


@contextmanager
def _errors() -> Iterator[None]:
    """Errors said the CLI's one way (``cli.common.cetak_errors``)."""
    with cetak_errors():
        yield


def dispatch(
    kecamatan: KecOpt = None,
    cards: Annotated[
        list[str] | None, typer.Option("--card", help="Kirim kartu ini saja (boleh berulang)")
    ] = None,
    courier: Annotated[str | None, typer.Option("--courier", help="Nama kurir")] = None,
    pack_only: Annotated[
        bool, typer.Option("--pack-only", help="Kemas saja; kirim nanti dengan cetak dispatch")
    ] = False,
    json_out: JsonOpt = False,
    oleh: OlehOpt = None,
) -> None:
    """Kemas KTP-el lolos QC per kecamatan, kirim, dan tulis manifesnya."""
    from application.actions import dispatch_shipments
    from distribution.queries import shipments

    with context() as (settings, engine, _served):
        settings.ensure_dirs()
        officer = acting(engine, settings, oleh)
        with _errors():
            done = dispatch_shipments(
                engine,
                officer,
                settings,
                kecamatan=kecamatan,
                card_refs=cards,
                courier=courier,
                pack_only=pack_only,
            )
        with Session(engine) as session:
            rows = sorted(
                (s for s in shipments(session, limit=10_000) if s["number"] in done.numbers),
                key=lambda s: s["number"],
            )
    if json_out:
        print_json({"shipments": rows})
        return
    if not rows:
        out.print(f"Tidak ada yang dikirim: {done.nothing}.")
        return
    table = Table(title="Pengiriman KTP-el ke kecamatan")
    for col in ("No. kiriman", "Kecamatan", "Kartu", "Status", "Manifes"):
        table.add_column(col, justify="right" if col == "Kartu" else "left")
    for r in rows:
        table.add_row(
            r["number"],
            f"{r['kecamatan']} ({r['kode_kecamatan']})",
            angka(r["cards"]),
            label(SHIPMENT_STATE, r["state"]),
            r["manifest_path"] or "-",
        )
    out.print(table)
    out.print(f"{angka(len(rows))} pengiriman, {angka(sum(r['cards'] for r in rows))} KTP-el.")


def receive(
    shipment: Annotated[str, typer.Argument(help="Nomor kiriman, mis. KRM-3310-20261124-0001")],
    by: Annotated[str, typer.Option("--by", help="Nama petugas kecamatan yang menerima")],
    cards: Annotated[
        list[str] | None, typer.Option("--card", help="Kartu yang diterima (boleh berulang)")
    ] = None,
    all_: Annotated[
        bool, typer.Option("--all", help="Semua kartu diterima, kecuali --missing/--damaged")
    ] = False,
    missing: Annotated[list[str] | None, typer.Option("--missing", help="Kartu tidak ada")] = None,
    damaged: Annotated[list[str] | None, typer.Option("--damaged", help="Kartu rusak")] = None,
    extra: Annotated[
        list[str] | None, typer.Option("--extra", help="Kartu datang tetapi tidak ada di manifes")
    ] = None,
    json_out: JsonOpt = False,
    oleh: OlehOpt = None,
) -> None:
    """Catat penerimaan kiriman di kecamatan, kartu per kartu."""
    from application.actions import receive_shipment

    if all_ == bool(cards):
        fail("sebutkan kartu yang diterima dengan --card, atau --all bila semua diterima", 2)
    check_text(by, "nama penerima (--by)")
    with context() as (settings, engine, served):
        who = acting(engine, settings, oleh)
        with _errors():
            got = receive_shipment(
                engine,
                who,
                shipment,
                officer=by,
                received=None if all_ else cards,
                missing=missing or [],
                damaged=damaged or [],
                extra=extra or [],
                settings=settings,
            )
        receipts = show_printed(got.receipts, quiet=json_out)
    result = {
        "shipment": got.number,
        "received": got.received,
        "missing": list(got.missing),
        "damaged": list(got.damaged),
        "extra": list(got.extra),
        "unconfirmed": list(got.unconfirmed),
        "cases": list(got.cases),
        "receipts": receipts,
    }
    if json_out:
        print_json(result)
        return
    out.print(f"Kiriman {got.number}: {angka(got.received)} KTP-el diterima.")
    if got.unconfirmed:
        out.print(
            f"[yellow]{angka(len(got.unconfirmed))} kartu tidak disebut diterima, dicatat TIDAK ADA:[/] "
            + ", ".join(got.unconfirmed)
        )
    for what, refs in (("tidak ada", got.missing), ("rusak", got.damaged), ("lebih", got.extra)):
        if refs:
            out.print(f"Kartu {what}: {', '.join(refs)}")
    if got.cases:
        out.print(
            f"{angka(len(got.cases))} kasus selisih dibuka (#{', #'.join(map(str, got.cases))}); "
            "selesaikan dengan: cetak discrepancies resolve NOMOR --as ditemukan|hilang|rusak"
        )


def collect(
    nik: Annotated[str, typer.Argument(help="NIK pemohon (16 angka)")],
    by: Annotated[str, typer.Option("--by", help="Nama yang mengambil (pemohon atau kuasanya)")],
    at: Annotated[
        str, typer.Option("--at", help="Tempat penyerahan: kecamatan atau disdukcapil")
    ] = "kecamatan",
    kecamatan: KecOpt = None,
    json_out: JsonOpt = False,
    oleh: OlehOpt = None,
) -> None:
    """Catat penyerahan KTP-el kepada pemohon dan cetak tanda terimanya."""
    # --json keeps the masked NIK it always had; the line for staff shows the NIK as the
    # officer's role may see it, with the card and the resident's name beside it.
    from application.actions import record_collection
    from cetak.privacy import mask_nik

    if at not in ("kecamatan", "disdukcapil"):
        fail(f"--at harus 'kecamatan' atau 'disdukcapil', bukan '{at}'", 2)
    # Invalid UTF-8 in argv arrives as lone surrogates: refused here, never a traceback.
    check_text(by, "nama pengambil (--by)")
    check_text(nik, "NIK")
    with context() as (settings, engine, served):
        settings.ensure_dirs()
        who = acting(engine, settings, oleh)
        with _errors():
            c = record_collection(
                engine, who, nik, by=by, place=at, kecamatan=kecamatan, settings=settings
            )
        place, kec = c.place, c.kode_kecamatan
        receipts = show_printed(c.receipts, quiet=json_out)
        role = str(who.role) if isinstance(who, Actor) else None
        card_ref, nama = _card_and_name(engine, c.card_id, c.record_id)
    result = {
        "nik": mask_nik(nik.strip()),
        "collected_by": by.strip(),
        "place": place,
        "kode_kecamatan": kec,
        "receipts": receipts,
    }
    if json_out:
        print_json(result)
        return
    where = (
        "Disdukcapil" if place == "disdukcapil" else f"Kecamatan {served.kecamatan.get(kec, kec)}"
    )
    shown = shown_nik(nik.strip(), role, ref=card_ref, name=nama)
    out.print(f"KTP-el NIK {shown} diserahkan kepada {by.strip()} di {where}.")


def _card_and_name(engine: Any, card_id: int, record_id: int) -> tuple[str | None, str | None]:
    """The card reference and the resident's name shown beside a masked NIK."""
    from cetak.models import Record
    from printers.models import Card

    with Session(engine) as session:
        card, record = session.get(Card, card_id), session.get(Record, record_id)
    return (card.card_ref if card else None), (record.nama if record else None)


def shipments_full(
    number: str | None,
    kecamatan: str | None,
    state: str | None,
    limit: int,
    json_out: bool,
    oleh: str | None,
) -> None:
    """``cetak shipments`` (``cli.reads.shipments``) through the read models: one shipment's
    cards, and the list whenever the lean path does not answer it."""
    from distribution.queries import shipment_cards, shipments

    with context() as (_s, engine, served), Session(engine) as session:
        role = None if json_out else reader_role(engine, oleh)
        if number is not None:
            cards = shipment_cards(session, number)
            if not cards:
                fail(f"pengiriman '{number}' tidak ditemukan (lihat: cetak shipments)")
        rows = shipments(session, limit=limit, kecamatan=kecamatan, state=state)
    if number is not None:
        if json_out:
            print_json(cards)
            return
        table = Table(title=f"Kiriman {number.upper()}")
        for col in ("Kartu", "NIK", "Nama", "Kel/Desa", "Status", "Keterangan kecamatan"):
            table.add_column(col)
        for c in cards:
            table.add_row(
                c["card_ref"],
                shown_nik(c["nik"], role),
                c["nama"],
                c["kel_desa"],
                label(CARD_STATE, c["state"]),
                label(DISCREPANCY_KIND, c["outcome"]) if c["outcome"] else "-",
            )
        out.print(table)
        return
    if json_out:
        print_json(rows)
        return
    from cli.reads import print_shipments  # one table for the lean and the full path

    print_shipments(rows)


discrepancies_app = typer.Typer(
    help="Kasus selisih pengiriman: kartu tidak ada, rusak, atau lebih.", no_args_is_help=True
)


@discrepancies_app.command("list")
def discrepancies_list(json_out: JsonOpt = False) -> None:
    """Kasus selisih yang masih terbuka, dengan umurnya."""
    from distribution.queries import open_discrepancies

    with context() as (_s, engine, _served), Session(engine) as session:
        rows = open_discrepancies(session)
    if json_out:
        print_json(rows)
        return
    if not rows:
        out.print("Tidak ada kasus selisih terbuka.")
        return
    table = Table(title="Kasus selisih terbuka")
    for col in ("No.", "Kiriman", "Kecamatan", "Kartu", "Jenis", "Umur (hari)"):
        table.add_column(col)
    for r in rows:
        table.add_row(
            f"#{r['id']}",
            r["shipment"],
            r["kecamatan"],
            r["card_ref"],
            r["kind_label"],
            angka(r["age_days"]),
        )
    out.print(table)


#: The words ``discrepancies resolve --as`` accepts: Bahasa, and the stored codes.
RESOLUTION_WORDS = {
    "ditemukan": "found",
    "hilang": "lost",
    "rusak": "damaged",
    "found": "found",
    "lost": "lost",
    "damaged": "damaged",
}


@discrepancies_app.command("resolve")
def discrepancies_resolve(
    case: Annotated[int, typer.Argument(help="Nomor kasus")],
    as_: Annotated[
        str,
        typer.Option(
            "--as",
            help="ditemukan (found), hilang (lost) atau rusak (damaged)",
        ),
    ],
    note: Annotated[str | None, typer.Option("--note", help="Keterangan")] = None,
    json_out: JsonOpt = False,
    oleh: OlehOpt = None,
) -> None:
    """Selesaikan kasus selisih: hilang/rusak membatalkan kartu dan mengantrekan cetak ulang."""
    from application.actions import resolve_discrepancy
    from distribution.rules import RESOLUTION_LABELS

    resolution = RESOLUTION_WORDS.get(as_.strip().lower())
    if resolution is None:
        fail(
            f"--as '{as_}' tidak dikenal; pilih salah satu: ditemukan, hilang, rusak "
            "(atau kodenya: found, lost, damaged). Tidak ada yang diubah.",
            2,
        )
    with context() as (settings, engine, _served):
        who = acting(engine, settings, oleh)
        with _errors():
            d = resolve_discrepancy(engine, who, case, resolution, note)
            result = {
                "id": d.id,
                "card_ref": d.card_ref,
                "kind": d.kind,
                "resolution": d.resolution,
            }
    if json_out:
        print_json(result)
        return
    word = RESOLUTION_LABELS[result["resolution"]]
    extra = "; cetak ulang diantrekan" if result["resolution"] in ("lost", "damaged") else ""
    out.print(f"Kasus #{case} ({result['card_ref']}) selesai: {word}{extra}.")


def uncollected(
    kecamatan: KecOpt = None,
    jemput_bola: Annotated[
        bool, typer.Option("--jemput-bola", help="Daftar jemput bola (lansia)")
    ] = False,
    return_list: Annotated[
        bool, typer.Option("--return-list", help="Daftar kartu untuk ditarik")
    ] = False,
    pdf: Annotated[
        bool, typer.Option("--pdf", help="Tulis laporan PDF untuk ditandatangani kepala seksi")
    ] = False,
    json_out: JsonOpt = False,
    oleh: ReaderOpt = None,
) -> None:
    """KTP-el yang belum diambil: umur tunggu per kecamatan, jemput bola, daftar tarik."""
    from distribution import queries

    with context() as (settings, engine, served), Session(engine) as session:
        role = None if json_out else reader_role(engine, oleh)
        today, tz = served.today(), served.timezone
        ages = queries.uncollected_ages(session, today=today, tz=tz, kecamatan=kecamatan)
        visit = (
            queries.jemput_bola(
                session, today=today, tz=tz, min_age=settings.jemput_bola_age, kecamatan=kecamatan
            )
            if jemput_bola or json_out
            else []
        )
        back = (
            queries.return_list(
                session, today=today, tz=tz, days=settings.return_after_days, kecamatan=kecamatan
            )
            if return_list or json_out
            else []
        )
    if pdf:
        from application.recording import jemput_bola_lines
        from distribution.paper import uncollected_report

        ranked = jemput_bola_lines(engine, wait_days=settings.recording_wait_days)
        path = uncollected_report(engine, settings, served, ranked)
        if not json_out:
            out.print(f"Laporan ditulis: {path}")
    if json_out:
        print_json({"by_kecamatan": ages, "jemput_bola": visit, "return_list": back})
        return
    table = Table(title="KTP-el belum diambil, per kecamatan")
    for col in ("Kecamatan", "Menunggu", "> 30 hari", "> 60 hari", "> 90 hari"):
        table.add_column(col, justify="left" if col == "Kecamatan" else "right")
    for r in ages:
        table.add_row(
            r["kecamatan"], *(angka(r[k]) for k in ("waiting", "over_30", "over_60", "over_90"))
        )
    out.print(table)
    for title, rows in (
        (f"Jemput bola: pemohon {settings.jemput_bola_age} tahun ke atas", visit),
        (f"Tarik ke Disdukcapil: menunggu lebih dari {settings.return_after_days} hari", back),
    ):
        if not rows:
            continue
        t = Table(title=title)
        for col in ("Kartu", "NIK", "Nama", "Umur", "Alamat", "Kel/Desa", "Kecamatan", "Hari"):
            t.add_column(col)
        for r in rows:
            t.add_row(
                r["card_ref"],
                shown_nik(r["nik"], role),
                r["nama"],
                str(r["umur"] or "-"),
                r["alamat"],
                r["kel_desa"],
                r["kecamatan"],
                angka(r["days"]),
            )
        out.print(t)


def return_cards(
    cards: Annotated[list[str], typer.Argument(help="Kartu yang ditarik kembali ke Disdukcapil")],
    oleh: OlehOpt = None,
) -> None:
    """Catat KTP-el yang lama tidak diambil dan sudah kembali di Disdukcapil."""
    from application.actions import return_cards as return_use_case

    with context() as (settings, engine, _served):
        who = acting(engine, settings, oleh)
        with _errors():
            n = return_use_case(engine, who, cards)
    out.print(f"{angka(n)} KTP-el kembali di Disdukcapil; dapat diambil di loket Disdukcapil.")


def trace(
    ref: Annotated[str, typer.Argument(help="NIK, PRR id, atau referensi kartu")],
    json_out: JsonOpt = False,
    oleh: ReaderOpt = None,
) -> None:
    """Jejak satu KTP-el dari PRR sampai ke tangan pemohon."""
    from distribution.queries import trace as trace_query
    from printers.cards import label as card_label

    with context() as (_s, engine, served), Session(engine) as session:
        role = None if json_out else reader_role(engine, oleh)
        found = trace_query(session, ref)
        if found is not None:  # the cards' own histories, after the record's
            from printers.cards import history

            found["card_events"] = history(session, [c["card_ref"] for c in found["cards"]])
    if found is None:
        fail("tidak ditemukan: bukan NIK, PRR id, atau referensi kartu yang dikenal", 1)
    if json_out:
        print_json(found)
        return
    refs = [c["card_ref"] for c in found["cards"]]
    out.print(
        f"PRR {found['prr_id']} · NIK {shown_nik(found['nik'], role, ref=refs[-1] if refs else None)}"
        f" · {found['nama']} · {found['state_label']}"
    )

    def local(at: str) -> str:
        return tanggal_waktu(datetime.fromisoformat(at), served.timezone)

    def state(value: str | None) -> str:
        return label(RECORD_STATE, value) if value else "-"

    for e in found["events"]:
        out.print(
            f"  {local(e['at'])}  {state(e['from']):>24} → {state(e['to']):<24} "
            f"{actor_label(e['actor'])}  {coded(e['reason']) if e['reason'] else ''}"
        )
    for c in found["cards"]:
        out.print(
            f"  kartu {c['card_ref']} (cetakan ke-{c['attempt']}): {c['place']}"
            + (f", kiriman {c['shipment']}" if c["shipment"] else "")
        )
    if found["collection"]:
        col = found["collection"]
        out.print(f"  diambil {local(col['at'])} oleh {col['by']} di {col['place']}")
    if found["card_events"]:
        out.print("  riwayat kartu:")
    for e in found["card_events"]:
        out.print(
            f"  {local(e['at'])}  {e['card_ref']}  {card_label(e['from']):>22} → "
            f"{card_label(e['to']):<22} {actor_label(e['actor'])}  {coded(e['reason']) if e['reason'] else ''}"
        )


def distribution_summary(session: Session, served: Any) -> list[dict[str, Any]]:
    from distribution.queries import distribution_status

    return distribution_status(session, today=served.today(), tz=served.timezone)
