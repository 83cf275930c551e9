"""Top-level commands: init, ingest, records, status, demo-feed."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from sqlmodel import Session

from cetak.bahasa import angka
from cetak.labels import QUARANTINE_REASON, coded, label
from cetak.lifecycle import STATE_LABELS, RecordState
from cli.common import (
    OlehOpt,
    ReaderOpt,
    acting,
    context,
    err,
    fail,
    out,
    print_json,
    reader_role,
    shown_nik,
)
from cli.localise import install as _bahasa_cli
from cli.messages import cli_message

_bahasa_cli()  # help pages, usage lines and typed-value errors in Bahasa (cli.localise)

app = typer.Typer(
    name="cetak",
    help="Cetak: mesin produksi cetak KTP-el dan stok blangko Disdukcapil.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

JsonOpt = Annotated[bool, typer.Option("--json", help="Keluaran JSON (untuk alat lain).")]


@app.callback()
def _global_options(
    verbose: Annotated[
        bool,
        typer.Option(
            "--verbose",
            "-v",
            help="Tampilkan juga catatan teknis Prefect (baris log dan tautan) di terminal.",
        ),
    ] = False,
) -> None:
    """Cetak: mesin produksi cetak KTP-el dan stok blangko Disdukcapil."""
    from cli import common

    common.VERBOSE = verbose


from cli.printing import print_command, printers_app, qc_app  # noqa: E402
from cli.reorder import reorder_app  # noqa: E402
from cli.stock import stock_app  # noqa: E402
from cli.users import users_app  # noqa: E402

app.add_typer(stock_app, name="stock")
app.add_typer(printers_app, name="printers")
app.add_typer(qc_app, name="qc")
app.command("print")(print_command)
app.add_typer(reorder_app, name="reorder")

from cli import distribution as _dist  # noqa: E402
from cli.receipts import receipts_app  # noqa: E402

app.command("dispatch")(_dist.dispatch)
app.command("receive")(_dist.receive)
app.command("collect")(_dist.collect)
app.command("shipments")(_dist.shipments_cmd)
app.command("uncollected")(_dist.uncollected)
app.command("return-cards")(_dist.return_cards)
app.command("trace")(_dist.trace)
app.add_typer(_dist.discrepancies_app, name="discrepancies")
app.add_typer(receipts_app, name="receipts")
app.add_typer(users_app, name="users")

from cli.dashboard import dashboard as _dashboard  # noqa: E402

app.command("dashboard")(_dashboard)

# Running as a service (issue 10).
from cli import backup as _backup  # noqa: E402
from cli import deploy as _deploy  # noqa: E402
from cli import doctor as _doctor  # noqa: E402
from cli import serve as _serve  # noqa: E402

app.command("backup")(_backup.backup)
app.command("restore")(_backup.restore)
app.command("doctor")(_doctor.doctor)
app.command("serve")(_serve.serve)
app.add_typer(_serve.service_app, name="service")
app.command("deploy")(_deploy.deploy)
app.command("worker")(_deploy.worker)

from cli.documents import documents_app  # noqa: E402

app.add_typer(documents_app, name="documents")

from cli.reports import report_app  # noqa: E402

app.add_typer(report_app, name="report")

# Recording devices and coverage (issue 14).
from cli.recording import coverage_app, devices_app, flashdisk_app  # noqa: E402

app.add_typer(devices_app, name="devices")
app.add_typer(coverage_app, name="coverage")
app.add_typer(flashdisk_app, name="flashdisk")

# Rationing when blanks are short (issue 15).
from cli.ration import ration_app  # noqa: E402

app.add_typer(ration_app, name="ration")

from cli.ikd import ikd_app  # noqa: E402

app.add_typer(ikd_app, name="ikd")

from cli.consumables import consumables_app  # noqa: E402

app.add_typer(consumables_app, name="consumables")

from cli import loans as _loans  # noqa: E402,F401  (adds lend/borrow/loan-return/loans to stock)
from cli import supply as _supply  # noqa: E402,F401  (adds outlook to stock)

# The office profile: letterhead, signers, numbering (issue 13).
from cli.office import office_app  # noqa: E402

app.add_typer(office_app, name="office")

# Every actor audited (issue 11).
from cli.audit import audit as _audit  # noqa: E402

app.command("audit")(_audit)


@app.command()
def init(
    regency: Annotated[str, typer.Option("--regency", help="Kode kabupaten, mis. 33.10")],
    kecamatan_file: Annotated[
        Path | None,
        typer.Option("--kecamatan-file", help="CSV kecamatan untuk kabupaten di luar data bawaan"),
    ] = None,
) -> None:
    """Siapkan atau perbarui basis data untuk kabupaten ini (aman diulang)."""
    from application.installation import initialise
    from cetak.db import engine_from_settings
    from cetak.installation import RegencyChangeRefused
    from cetak.regions import RegionDataError, load_regency
    from cetak.settings import get_settings

    try:
        data = load_regency(regency, kecamatan_file)
    except RegionDataError as exc:
        fail(cli_message(exc), 2)
    settings = get_settings()
    settings.ensure_dirs()
    try:
        served, changed = initialise(engine_from_settings(settings), data)
    except RegencyChangeRefused as exc:
        fail(
            f"instalasi ini sudah melayani {exc.current} dan sudah berisi data; "
            f"tidak dapat dialihkan ke {exc.wanted}"
        )
    what = "siap" if changed else "sudah siap, tidak ada perubahan"
    out.print(
        f"Instalasi {what}: {served.kabupaten} ({served.kode_wilayah}), "
        f"{served.provinsi}, {len(served.kecamatan)} kecamatan, zona {served.timezone}."
    )
    from application.installation import office_warnings

    missing = office_warnings(engine_from_settings(settings))
    if missing:  # issue 13: a warning, not a failure
        out.print(
            "[yellow]Peringatan:[/] kop surat dan penandatangan belum lengkap ("
            + ", ".join(missing)
            + "); dokumen mencetak garis titik-titik. Isi dengan: cetak office set ..., "
            "cetak office signer set PERAN --nama --nip (lihat cetak office show)."
        )


@app.command()
def ingest(
    paths: Annotated[
        list[Path], typer.Argument(help="Folder batch, .zip batch, atau folder inbox")
    ],
    json_out: JsonOpt = False,
    oleh: OlehOpt = None,
) -> None:
    """Terima batch PRR dari pusat dan tulis ACK ke outbox."""
    missing = [p for p in paths if not p.exists()]
    if missing:
        fail(f"jalur tidak ditemukan: {', '.join(str(p) for p in missing)}", 2)
    from cli.ingest import run_ingest

    acks = run_ingest([str(p.resolve()) for p in paths], show_progress=not json_out, oleh=oleh)
    if json_out:
        print_json(acks)
        return
    _print_acks(acks)


def _print_acks(acks: list[dict]) -> None:
    if not acks:
        out.print("Tidak ada batch untuk diproses.")
        return
    table = Table(title="Hasil penerimaan batch PRR")
    for col in ("Batch", "Status", "Antre", "Ditahan", "Duplikat", "Digantikan", "Karantina"):
        table.add_column(col, justify="left" if col in ("Batch", "Status") else "right")
    for ack in acks:
        status = "DITERIMA" if ack["status"] == "ACCEPTED" else "[red]DITOLAK[/]"
        quarantined = sum(ack["quarantined"].values())
        table.add_row(
            ack["batch_id"],
            status,
            angka(ack["queued"]),
            angka(ack["held"]),
            angka(ack["duplicate"]),
            angka(ack["superseded"]),
            angka(quarantined),
        )
    out.print(table)
    for ack in acks:
        if ack["reason"]:
            out.print(f"[red]{ack['batch_id']} ditolak:[/] {ack['reason']}")
        for code, n in ack["quarantined"].items():
            out.print(
                f"  {ack['batch_id']}: karantina, {label(QUARANTINE_REASON, code)}: {angka(n)}"
                f" [dim]({code})[/]"
            )


records_app = typer.Typer(
    help="Daftar record PRR; tandai permohonan mendesak (flag, unflag).",
    invoke_without_command=True,
)
app.add_typer(records_app, name="records")
# Urgent flags for rationing (issue 15): `cetak records flag|unflag NIK`.
from cli import ration as _ration  # noqa: E402

records_app.command("flag")(_ration.flag)
records_app.command("unflag")(_ration.unflag)


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
    from application.queries import iter_records

    if state is not None and state not in {s.value for s in RecordState}:
        fail(
            f"status '{state}' tidak dikenal; pilihan: {', '.join(s.value for s in RecordState)}", 2
        )
    with context() as (_, engine, served), Session(engine) as session:
        role = None if json_out else reader_role(engine, oleh)
        rows = iter_records(session, state=state, kecamatan=kecamatan, batch_id=batch, limit=limit)
        if json_out:
            print_json(list(rows))
            return
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
        out.print(table)
        out.print(f"{angka(n)} record.")


@app.command()
def requeue(
    prr_ids: Annotated[list[str], typer.Argument(help="PRR yang perlu perhatian")],
    reason: Annotated[str, typer.Option("--reason", help="Apa yang sudah diperiksa/diperbaiki")],
    oleh: OlehOpt = None,
) -> None:
    """Kembalikan record 'perlu perhatian' ke antrean cetak setelah diperiksa operator."""
    from application.actions import requeue_records
    from cetak.lifecycle import IllegalTransition

    with context() as (settings, engine, _served):
        who = acting(engine, settings, oleh)
        try:
            n = requeue_records(engine, who, prr_ids, reason)
        except LookupError as exc:
            fail(f"PRR tidak ditemukan: {exc}", 2)
        except IllegalTransition as exc:
            fail(
                f"hanya record 'perlu perhatian' yang dapat diantrekan ulang (ada yang {exc.from_state})"
            )
    out.print(f"{n} record kembali ke antrean cetak.")


@app.command()
def status(json_out: JsonOpt = False) -> None:
    """Ringkasan: jumlah record per status."""
    from application.queries import card_counts, state_counts
    from cli.distribution import distribution_summary
    from cli.printing import printers_summary
    from cli.stock import stock_summary

    with context() as (settings, engine, served), Session(engine) as session:
        counts = state_counts(session)
        stock = stock_summary(session, settings, served)
        printers = printers_summary(session, served.today())
        cards = card_counts(session)
        distribution = distribution_summary(session, served)
    if json_out:
        print_json(
            {
                "kode_wilayah": served.kode_wilayah,
                "records": counts,
                "stock": stock,
                "printers": printers,
                "cards": cards,
                "distribution": distribution,
            }
        )
        return
    table = Table(title=f"Status record PRR — {served.kabupaten} ({served.kode_wilayah})")
    table.add_column("Status")
    table.add_column("Kode")
    table.add_column("Jumlah", justify="right")
    for state, n in counts.items():
        table.add_row(STATE_LABELS[RecordState(state)], f"[dim]{state}[/]", angka(n))
    out.print(table)
    if distribution:
        total = {
            k: sum(r[k] for r in distribution)
            for k in distribution[0]
            if k in ("packed", "in_transit", "received", "collected", "lost", "open_discrepancies")
        }
        oldest = max((r["oldest_uncollected_days"] or 0) for r in distribution)
        out.print(
            f"Distribusi: {angka(total['packed'])} dikemas, "
            f"{angka(total['in_transit'])} dalam pengiriman, "
            f"{angka(total['received'])} menunggu di kecamatan (terlama {angka(oldest)} hari), "
            f"{angka(total['collected'])} diambil, {angka(total['lost'])} hilang, "
            f"{angka(total['open_discrepancies'])} kasus selisih terbuka."
        )


@app.command("demo-feed")
def demo_feed(
    regency: Annotated[str, typer.Option("--regency", help="Kode kabupaten, mis. 33.10")] = "33.10",
    records: Annotated[int, typer.Option("--records", min=1, help="Jumlah record")] = 1000,
    out_dir: Annotated[Path, typer.Option("--out", help="Folder tujuan")] = Path("var/inbox"),
    seed: Annotated[
        int, typer.Option("--seed", help="Benih acak (hasil sama untuk benih sama)")
    ] = 0,
    batch_size: Annotated[int, typer.Option("--batch-size", min=1, help="Record per batch")] = 250,
) -> None:
    """Buat batch PRR sintetis (data rekaan) untuk demo dan uji."""
    from cetak.regions import RegionDataError, load_regency
    from demo.feed import generate_feed

    try:
        data = load_regency(regency)
    except RegionDataError as exc:
        fail(cli_message(exc), 2)
    out_dir.mkdir(parents=True, exist_ok=True)
    batches = generate_feed(
        regency=data, records=records, out=out_dir, seed=seed, batch_size=batch_size
    )
    err.print(
        f"{angka(len(batches))} batch sintetis ({angka(records)} record) ditulis ke {out_dir}."
    )
