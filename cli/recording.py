"""``cetak devices ...``, ``cetak coverage ...`` and ``cetak flashdisk ...``: recording
devices, coverage per kecamatan and flash-disk deliveries (issue 14)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from cetak.bahasa import angka, desimal, tanggal
from cetak.labels import DEVICE_CAUSE, DEVICE_STATE, REPAIR_BY
from cli.common import OlehOpt, acting, check_text, context, fail, out, print_json

JsonOpt = Annotated[bool, typer.Option("--json", help="Keluaran JSON (untuk alat lain).")]
NoteOpt = Annotated[str | None, typer.Option("--note", help="Catatan (bebas)")]

devices_app = typer.Typer(
    help="Alat perekaman KTP-el: rusak, diperbaiki, diganti.", no_args_is_help=True
)
coverage_app = typer.Typer(
    help="Cakupan perekaman dan pencetakan KTP-el per kecamatan.",
    invoke_without_command=True,
)
flashdisk_app = typer.Typer(
    help="Rekaman luring yang dibawa dengan flashdisk dari kecamatan.", no_args_is_help=True
)


def _day(value: str | None, what: str) -> date | None:
    if value is None:
        return None
    from recording.rules import parse_date

    day = parse_date(value)
    if day is None:
        fail(f"{what} '{value}' tidak valid; gunakan format TTTT-BB-HH", 2)
    return day


def _state_text(row: Any) -> str:
    label = DEVICE_STATE.get(row.state, row.state)
    if row.cause:
        label += f" ({DEVICE_CAUSE.get(row.cause, row.cause)})"
    return label


def _device_done(device: Any, what: str) -> None:
    label = DEVICE_STATE.get(device.state, device.state)
    out.print(f"Alat {device.kode} {what}: sekarang {label}.")


def _act(oleh: str | None, call: Any) -> Any:
    with context() as (settings, engine, _served):
        return call(engine, acting(engine, settings, oleh))


# --- devices ---------------------------------------------------------------------------


@devices_app.command("add")
def add(
    kode: Annotated[str, typer.Argument(help="Nomor inventaris alat")],
    place: Annotated[
        str,
        typer.Option(
            "--place",
            help="Tempat alat: kode/nama kecamatan, 'disdukcapil', atau 'jemput-bola[:KODE]'",
        ),
    ],
    year: Annotated[int | None, typer.Option("--year", help="Tahun pengadaan")] = None,
    oleh: OlehOpt = None,
) -> None:
    """Daftarkan alat perekaman (berfungsi)."""
    from application.recording import add_device

    check_text(kode, "nomor inventaris")
    device = _act(oleh, lambda engine, who: add_device(engine, who, kode, place, year))
    _device_done(device, "didaftarkan")


@devices_app.command("broken")
def broken(
    kode: Annotated[str, typer.Argument(help="Nomor inventaris alat")],
    cause: Annotated[
        str,
        typer.Option("--cause", help="Penyebab: " + ", ".join(DEVICE_CAUSE)),
    ],
    note: NoteOpt = None,
    oleh: OlehOpt = None,
) -> None:
    """Catat alat rusak."""
    from application.recording import device_broken

    if note:
        check_text(note, "catatan")
    device = _act(oleh, lambda engine, who: device_broken(engine, who, kode, cause, note))
    _device_done(device, "dicatat rusak")


@devices_app.command("repairing")
def repairing(
    kode: Annotated[str, typer.Argument(help="Nomor inventaris alat")],
    by: Annotated[str, typer.Option("--by", help="Diperbaiki oleh: sendiri, pusat, vendor")],
    reported: Annotated[
        str | None, typer.Option("--reported", help="Tanggal dilaporkan ke pusat (TTTT-BB-HH)")
    ] = None,
    note: NoteOpt = None,
    oleh: OlehOpt = None,
) -> None:
    """Catat alat sedang diperbaiki (dan kapan dilaporkan ke pusat)."""
    from application.recording import device_repairing

    day = _day(reported, "tanggal lapor")
    device = _act(oleh, lambda engine, who: device_repairing(engine, who, kode, by, day, note))
    _device_done(device, "dicatat dalam perbaikan")


@devices_app.command("repaired")
def repaired(
    kode: Annotated[str, typer.Argument(help="Nomor inventaris alat")],
    by: Annotated[
        str | None, typer.Option("--by", help="Diperbaiki oleh: sendiri, pusat, vendor")
    ] = None,
    note: NoteOpt = None,
    oleh: OlehOpt = None,
) -> None:
    """Catat alat sudah berfungsi lagi."""
    from application.recording import device_repaired

    device = _act(oleh, lambda engine, who: device_repaired(engine, who, kode, by, note))
    _device_done(device, "sudah diperbaiki")


@devices_app.command("replaced")
def replaced(
    kode: Annotated[str, typer.Argument(help="Nomor inventaris alat lama")],
    new: Annotated[str, typer.Option("--new", help="Nomor inventaris alat pengganti")],
    year: Annotated[int | None, typer.Option("--year", help="Tahun pengadaan alat baru")] = None,
    note: NoteOpt = None,
    oleh: OlehOpt = None,
) -> None:
    """Catat alat diganti dengan alat baru di tempat yang sama."""
    from application.recording import device_replaced

    check_text(new, "nomor inventaris baru")
    device = _act(oleh, lambda engine, who: device_replaced(engine, who, kode, new, year, note))
    out.print(f"Alat {kode} diganti dengan {device.kode} (berfungsi).")


@devices_app.command("remove")
def remove(
    kode: Annotated[str, typer.Argument(help="Nomor inventaris alat")],
    note: NoteOpt = None,
    oleh: OlehOpt = None,
) -> None:
    """Hapus alat dari daftar (dihapusbukukan); riwayatnya tetap tersimpan."""
    from application.recording import device_removed

    device = _act(oleh, lambda engine, who: device_removed(engine, who, kode, note))
    _device_done(device, "dihapus")


@devices_app.command("list")
def list_(
    json_out: JsonOpt = False,
    all_: Annotated[
        bool, typer.Option("--all", help="Termasuk alat yang sudah diganti atau dihapus")
    ] = False,
) -> None:
    """Daftar alat perekaman dan statusnya."""
    from application.recording import device_rows, kecamatan_devices

    with context() as (_s, engine, served):
        rows = device_rows(engine, include_gone=all_)
        places = kecamatan_devices(engine)
        names = served.kecamatan
    if json_out:
        print_json([r.as_json() for r in rows])
        return
    table = Table(title="Alat perekaman KTP-el")
    for column in ("Alat", "Tempat", "Pengadaan", "Status", "Sejak", "Perbaikan", "Catatan"):
        table.add_column(column)
    for r in rows:
        table.add_row(
            r.kode,
            r.place_label,
            str(r.year or "-"),
            _state_text(r),
            f"{tanggal(r.since, short=True)} ({angka(r.days_in_state)} hari)",
            REPAIR_BY.get(r.repair_by, r.repair_by) if r.repair_by else "-",
            r.note or "-",
        )
    out.print(table)
    for k in places:
        if not k.can_record and k.record_at is not None:
            out.print(f"[bold red]Kec. {k.kecamatan} tidak dapat merekam[/]: {_instead(k, names)}")


def _instead(k: Any, kecamatan: dict[str, str]) -> str:
    alt = k.record_at
    where = "Disdukcapil" if alt.to == "DISDUKCAPIL" else f"Kec. {kecamatan.get(alt.to, alt.to)}"
    km = f" ({desimal(alt.km, 1)} km)" if alt.km is not None else ""
    return f"warga merekam di {where}{km}"


@devices_app.command("distances")
def distances(
    file: Annotated[
        Path, typer.Argument(help="CSV dari,ke,km (kode/nama kecamatan atau DISDUKCAPIL)")
    ],
    oleh: OlehOpt = None,
) -> None:
    """Muat tabel jarak antarkecamatan (menggantikan tabel lama)."""
    from application.recording import import_distances

    done = _act(oleh, lambda engine, who: import_distances(engine, who, file))
    out.print(f"Tabel jarak dimuat dari {done.file}: {angka(done.rows)} baris.")


# --- coverage ----------------------------------------------------------------------------


def _fraction(x: float | None) -> str:
    if x is None:
        return "-"
    return desimal(x * 100, 1) + "%"


@coverage_app.callback()
def coverage(ctx: typer.Context, json_out: JsonOpt = False) -> None:
    """Cakupan per kecamatan: wajib KTP, terekam, PRR, dicetak, diambil, alat."""
    if ctx.invoked_subcommand is not None:
        return
    from application.recording import coverage_rows, coverage_totals

    with context() as (settings, engine, _served):
        rows = coverage_rows(engine, wait_days=settings.recording_wait_days)
    if json_out:
        print_json([r.as_json() for r in rows])
        return
    table = Table(title="Cakupan perekaman dan pencetakan KTP-el")
    for column in (
        "Kecamatan",
        "Wajib KTP",
        "Terekam",
        "Cakupan",
        "PRR",
        "Dicetak",
        "Diambil",
        "Alat (rusak)",
        "Rekam→PRR (median)",
    ):
        table.add_column(column, justify="left" if column == "Kecamatan" else "right")
    for r in rows:
        f = r.funnel
        table.add_row(
            f.kecamatan,
            angka(f.wajib_ktp) if f.wajib_ktp is not None else "-",
            angka(f.terekam),
            _fraction(f.cakupan_rekam),
            angka(f.prr),
            angka(f.dicetak),
            angka(f.diambil),
            f"{f.alat_berfungsi + f.alat_rusak} ({f.alat_rusak})",
            "-" if r.lead.median is None else f"{angka(round(r.lead.median))} hari",
        )
    t = coverage_totals(rows)
    table.add_row(
        "Jumlah",
        angka(t["wajib_ktp"]),
        angka(t["terekam"]),
        _fraction(t["terekam"] / t["wajib_ktp"] if t["wajib_ktp"] else None),
        angka(t["prr"]),
        angka(t["dicetak"]),
        angka(t["diambil"]),
        "",
        "",
        style="bold",
    )
    out.print(table)


@coverage_app.command("import-targets")
def import_targets(
    file: Annotated[Path, typer.Argument(help="CSV kode_kecamatan,semester,wajib_ktp")],
    oleh: OlehOpt = None,
) -> None:
    """Muat wajib KTP per kecamatan dan semester (data kependudukan kabupaten)."""
    from application.recording import import_targets as run

    done = _act(oleh, lambda engine, who: run(engine, who, file))
    out.print(f"Wajib KTP dimuat dari {done.file}: {angka(done.rows)} baris.")


@coverage_app.command("import-recordings")
def import_recordings(
    file: Annotated[Path, typer.Argument(help="CSV kode_kecamatan,tanggal,jumlah_rekam")],
    kumulatif: Annotated[
        bool,
        typer.Option("--kumulatif", help="Angka adalah jumlah terekam sampai tanggal itu"),
    ] = False,
    oleh: OlehOpt = None,
) -> None:
    """Muat laporan perekaman per kecamatan (harian, atau kumulatif)."""
    from application.recording import import_recordings as run

    done = _act(oleh, lambda engine, who: run(engine, who, file, kumulatif=kumulatif))
    kind = "kumulatif" if kumulatif else "harian"
    out.print(f"Laporan perekaman ({kind}) dimuat dari {done.file}: {angka(done.rows)} baris.")


@coverage_app.command("jemput-bola")
def jemput_bola(json_out: JsonOpt = False, limit: int = 10) -> None:
    """Kecamatan yang paling perlu didatangi jemput bola."""
    from application.recording import jemput_bola_ranking

    with context() as (settings, engine, _served):
        ranked = jemput_bola_ranking(engine, wait_days=settings.recording_wait_days)
    if json_out:
        print_json(
            [
                {
                    "kode_kecamatan": r.kode_kecamatan,
                    "kecamatan": r.kecamatan,
                    "skor": r.score,
                    "alasan": list(r.reasons),
                }
                for r in ranked
            ]
        )
        return
    from cetak.labels import JEMPUT_BOLA_REASON

    table = Table(title="Prioritas jemput bola")
    for column in ("No.", "Kecamatan", "Skor", "Alasan"):
        table.add_column(column)
    for i, r in enumerate(ranked[:limit], 1):
        if r.score <= 0:
            break
        reasons = ", ".join(JEMPUT_BOLA_REASON.get(x, x) for x in r.reasons)
        table.add_row(str(i), r.kecamatan, f"{round(r.score * 100)}", reasons)
    out.print(table)


# --- flash-disk deliveries -------------------------------------------------------------


def _delivery_json(d: Any) -> dict[str, Any]:
    return {
        "id": d.id,
        "kode_kecamatan": d.kode_kecamatan,
        "jumlah_rekaman": d.jumlah_rekaman,
        "recorded_from": d.recorded_from.isoformat() if d.recorded_from else None,
        "recorded_to": d.recorded_to.isoformat() if d.recorded_to else None,
        "carried_by": d.carried_by,
        "received_by": d.received_by,
        "received_at": d.received_at.isoformat(),
        "sent_at": d.sent_at.isoformat() if d.sent_at else None,
        "sent_by": d.sent_by,
        "note": d.note,
    }


@flashdisk_app.command("receive")
def flashdisk_receive(
    kecamatan: Annotated[str, typer.Option("--kecamatan", help="Kode atau nama kecamatan asal")],
    jumlah: Annotated[int, typer.Option("--jumlah", help="Jumlah rekaman di flashdisk")],
    dibawa: Annotated[str, typer.Option("--dibawa-oleh", help="Nama yang membawa")],
    diterima: Annotated[str, typer.Option("--diterima-oleh", help="Nama penerima di Disdukcapil")],
    dari: Annotated[str | None, typer.Option("--dari", help="Tanggal rekam pertama")] = None,
    sampai: Annotated[str | None, typer.Option("--sampai", help="Tanggal rekam terakhir")] = None,
    note: NoteOpt = None,
    oleh: OlehOpt = None,
) -> None:
    """Catat flashdisk rekaman dari kecamatan yang diterima Disdukcapil."""
    from application.recording import flashdisk_received

    for value, what in ((dibawa, "nama pembawa"), (diterima, "nama penerima")):
        check_text(value, what)
        if not value.strip():
            fail(f"{what} kosong; tidak ada yang dicatat", 2)
    first, last = _day(dari, "tanggal --dari"), _day(sampai, "tanggal --sampai")
    d = _act(
        oleh,
        lambda engine, who: flashdisk_received(
            engine,
            who,
            kecamatan=kecamatan,
            jumlah=jumlah,
            carried_by=dibawa,
            received_by=diterima,
            recorded_from=first,
            recorded_to=last,
            note=note,
        ),
    )
    out.print(
        f"Flashdisk #{d.id} dicatat: {angka(d.jumlah_rekaman)} rekaman dari {d.kode_kecamatan}, "
        f"dibawa {d.carried_by}, diterima {d.received_by}."
    )


@flashdisk_app.command("sent")
def flashdisk_sent(
    delivery_id: Annotated[int, typer.Argument(help="Nomor catatan flashdisk")],
    oleh: OlehOpt = None,
) -> None:
    """Catat rekaman flashdisk sudah diteruskan ke pusat."""
    from application.recording import flashdisk_sent as run

    d = _act(oleh, lambda engine, who: run(engine, who, delivery_id))
    out.print(f"Flashdisk #{d.id} diteruskan ke pusat.")


@flashdisk_app.command("list")
def flashdisk_list(
    kecamatan: Annotated[
        str | None, typer.Option("--kecamatan", help="Kode kecamatan, mis. 33.10.05")
    ] = None,
    waiting: Annotated[
        bool, typer.Option("--menunggu", help="Hanya yang belum diteruskan ke pusat")
    ] = False,
    json_out: JsonOpt = False,
) -> None:
    """Di mana rekaman flashdisk dari kecamatan sekarang."""
    from application.recording import flashdisk_rows

    with context() as (_s, engine, served):
        rows = flashdisk_rows(engine, kecamatan=kecamatan, waiting_only=waiting)
        names = served.kecamatan
        zone = served.timezone
    if json_out:
        print_json([_delivery_json(d) for d in rows])
        return
    from cetak.clock import local_date

    table = Table(title="Flashdisk rekaman luring")
    for column in ("No.", "Kecamatan", "Rekaman", "Dibawa", "Diterima", "Tanggal", "Ke pusat"):
        table.add_column(column)
    for d in rows:
        table.add_row(
            str(d.id),
            names.get(d.kode_kecamatan, d.kode_kecamatan),
            angka(d.jumlah_rekaman),
            d.carried_by,
            d.received_by,
            tanggal(local_date(d.received_at, zone), short=True),
            tanggal(local_date(d.sent_at, zone), short=True) if d.sent_at else "belum",
        )
    out.print(table)


# --- papers ------------------------------------------------------------------------------


def _paper(make: Any, what: str) -> None:
    with context() as (settings, engine, _served):
        path = make(engine, settings)
    out.print(f"{what}: {path}")


@devices_app.command("letter")
def devices_letter() -> None:
    """Buat surat ke pusat: permohonan perbaikan/penggantian alat yang rusak (PDF)."""
    from application.recording import device_letter

    _paper(device_letter, "Surat permohonan perbaikan alat")


@devices_app.command("notice")
def devices_notice() -> None:
    """Buat pengumuman tempat perekaman bagi kecamatan yang alatnya rusak (PDF)."""
    from application.recording import recording_notice

    _paper(recording_notice, "Pengumuman tempat perekaman")


@coverage_app.command("report")
def coverage_report(
    month: Annotated[
        str | None, typer.Option("--month", help="Bulan laporan TTTT-BB (bawaan: bulan ini)")
    ] = None,
) -> None:
    """Buat laporan cakupan perekaman dan pencetakan KTP-el per kecamatan (PDF)."""
    from application.recording import coverage_report as make

    chosen: date | None = None
    if month is not None:
        try:
            year, mon = (int(x) for x in month.split("-"))
            chosen = date(year, mon, 1)
        except ValueError:
            fail(f"bulan '{month}' tidak valid; gunakan format TTTT-BB, contoh 2026-12", 2)
    with context() as (settings, engine, served):
        when = chosen or served.today().replace(day=1)
        if when > served.today():
            fail(f"bulan {month} belum dimulai; tidak ada laporan yang dibuat", 2)
        path = make(engine, settings, when)
    out.print(f"Laporan cakupan: {path}")
