"""``cetak documents ...``: the papers Cetak produced (berita acara, letters, monthly
reports, manifests, carrier sheets, receipts, alerts), read from the database so that
any machine of the installation can list and fetch them, whichever machine wrote them."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from cetak.bahasa import angka, desimal
from cli.common import context, fail, out, print_json

JsonOpt = Annotated[bool, typer.Option("--json", help="Keluaran JSON (untuk alat lain).")]

documents_app = typer.Typer(
    help="Dokumen yang tersimpan di basis data (PDF, struk, peringatan): daftar dan unduh.",
    no_args_is_help=True,
)


def _size(n: int) -> str:
    if n < 1024:
        return f"{angka(n)} B"
    if n < 1024 * 1024:
        return f"{desimal(n / 1024)} KB"
    return f"{desimal(n / 1024 / 1024)} MB"


@documents_app.command("list")
def documents_list(
    kind: Annotated[
        str | None,
        typer.Option(
            "--kind",
            help="Jenis dokumen: berita-acara, surat, laporan-bulanan, manifes, "
            "belum-diambil, pengantar, struk, peringatan.",
        ),
    ] = None,
    limit: Annotated[
        int, typer.Option("--limit", min=1, max=10_000, help="Paling banyak sekian dokumen.")
    ] = 100,
    json_out: JsonOpt = False,
) -> None:
    """Dokumen tersimpan, terbaru dulu (tanpa isinya)."""
    from cetak import storage

    if kind is not None and kind not in storage.KINDS:
        fail(
            f"jenis dokumen {kind!r} tidak dikenal. Pilih salah satu: " + ", ".join(storage.KINDS),
            2,
        )
    with context() as (_settings, engine, served):
        docs = storage.list_documents(engine, kind=kind, limit=limit)
    if json_out:
        print_json([d.as_json() for d in docs])
        return
    if not docs:
        out.print("Belum ada dokumen tersimpan" + (f" berjenis {kind}." if kind else "."))
        return
    for d in docs:
        out.print(
            f"{d.name}  [{d.kind}]  {_size(d.size)}  "
            f"{served.now(d.created_at):%d/%m/%Y %H:%M}  dari {d.host}"
        )


def _resolve(engine: object, name: str, home: Path) -> str:
    """The stored name meant by ``name``: an exact name, a path (maybe recorded on
    another machine), or a file name that only one stored document has."""
    from cetak import storage

    if Path(name).is_absolute():
        name = storage.name_for(name, home)
    if storage.info(engine, name) is not None:  # type: ignore[arg-type]
        return name
    if "/" not in name:
        same = storage.list_documents(engine, ending="/" + name, limit=10)  # type: ignore[arg-type]
        if len(same) == 1:
            return same[0].name
        if len(same) > 1:
            fail(
                f"ada beberapa dokumen bernama {name}: "
                + ", ".join(d.name for d in same)
                + ". Sebutkan nama lengkapnya.",
                2,
            )
    return name


@documents_app.command("get")
def documents_get(
    name: Annotated[
        str,
        typer.Argument(
            help="Nama dokumen seperti pada 'cetak documents list' "
            "(contoh: documents/manifes/KRM-3310-20261124-0001.pdf), atau nama berkasnya."
        ),
    ],
    out_path: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            help="Simpan ke berkas ini ('-': ke keluaran standar). "
            "Tanpa --out: ke folder ini dengan nama berkasnya.",
        ),
    ] = None,
) -> None:
    """Ambil satu dokumen dari basis data (atau, untuk dokumen lama, dari $CETAK_HOME)."""
    from cetak import storage

    with context() as (settings, engine, _served):
        home = settings.resolved_home
        stored = _resolve(engine, name, home)
        data = storage.read(engine, stored, home=home)
    if data is None:
        fail(
            f"dokumen {name} tidak ditemukan di basis data maupun di {home}. "
            "Lihat daftarnya dengan: cetak documents list",
            2,
        )
    if out_path is not None and str(out_path) == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    target = out_path or Path.cwd() / stored.rsplit("/", 1)[-1]
    if target.is_dir():
        target = target / stored.rsplit("/", 1)[-1]
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    except OSError as exc:
        fail(f"tidak dapat menulis {target}: {exc.strerror or exc}. Periksa folder dan izinnya.")
    out.print(f"Dokumen {stored} disimpan ke {target} ({_size(len(data))}).")
