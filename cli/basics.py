"""``cetak init``, ``ingest``, ``requeue`` and ``demo-feed`` (loaded when one of them runs,
``cli.app``)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cli.common import OlehOpt, err, fail, out, print_json
from cli.reads import JsonOpt


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
    from cli.messages import cli_message

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
    from rich.table import Table

    from cetak.bahasa import angka
    from cetak.labels import QUARANTINE_REASON, label

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


def requeue(
    prr_ids: Annotated[list[str], typer.Argument(help="PRR yang perlu perhatian")],
    reason: Annotated[str, typer.Option("--reason", help="Apa yang sudah diperiksa/diperbaiki")],
    oleh: OlehOpt = None,
) -> None:
    """Kembalikan record 'perlu perhatian' ke antrean cetak setelah diperiksa operator."""
    from application.actions import requeue_records
    from cetak.lifecycle import IllegalTransition
    from cli.common import acting, context

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
    from cetak.bahasa import angka
    from cetak.regions import RegionDataError, load_regency
    from cli.messages import cli_message
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
