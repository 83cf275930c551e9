"""``cetak office ...``: the office profile its papers carry (issue 13): the letterhead (kop
surat), the signers, who signs which document, and the classification codes of numbers.

    cetak office show [--json]
    cetak office set --pemerintah "Pemerintah Kabupaten Klaten" --dinas "Dinas ..." \\
        --alamat "Jl. Pemuda No. 294, Klaten 57424" --telepon "(0272) 321046" \\
        --email disdukcapil@klatenkab.go.id --laman disdukcapil.klatenkab.go.id --logo logo.png
    cetak office signer set kepala_dinas --nama "Drs. Jaka Purnama, M.Si." \\
        --nip "19690214 199003 1 005" --pangkat "Pembina Utama Muda, IV/c"
    cetak office signs berita_acara_pemusnahan --signer kepala_seksi --mengetahui kepala_dinas
    cetak office klasifikasi BAP 470
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from cli.common import OlehOpt, acting, cetak_errors, check_text, context, out, print_json

JsonOpt = Annotated[bool, typer.Option("--json", help="Keluaran JSON (untuk alat lain).")]

office_app = typer.Typer(
    help="Pengaturan kantor: kop surat, penandatangan, penomoran dokumen.", no_args_is_help=True
)
signer_app = typer.Typer(help="Penandatangan dokumen (nama, NIP, pangkat, jabatan).")
office_app.add_typer(signer_app, name="signer")


def _text(value: str | None, what: str) -> str | None:
    return None if value is None else check_text(value, what)


@office_app.command("show")
def show(json_out: JsonOpt = False) -> None:
    """Tampilkan kop surat, penandatangan, siapa menandatangani apa, dan kode klasifikasi."""
    from application.office import show as load
    from cetak.office import DOCUMENT_LABELS, LETTERHEAD_FIELDS, NUMBERED, ROLES, SIGNER_FIELDS

    with context() as (_s, engine, _served):
        profile = load(engine)
    data = profile.as_json()
    if json_out:
        print_json(data)
        return
    kop = Table(title="Kop surat")
    kop.add_column("Kolom")
    kop.add_column("Isi")
    for name, label in LETTERHEAD_FIELDS.items():
        kop.add_row(label, profile.get(name) or "[dim](belum diisi)[/]")
    kop.add_row("logo", "ada" if profile.logo else "[dim](belum diisi)[/]")
    out.print(kop)
    signers = Table(title="Penandatangan")
    signers.add_column("Peran")
    for name in SIGNER_FIELDS:
        signers.add_column(name.capitalize())
    for role, label in ROLES.items():
        s = profile.signer(role)
        signers.add_row(
            f"{label} ({role})",
            *((getattr(s, f) or "[dim]-[/]") for f in SIGNER_FIELDS),
        )
    out.print(signers)
    docs = Table(title="Penandatanganan dokumen")
    for column in ("Dokumen", "Ditandatangani", "Mengetahui"):
        docs.add_column(column)
    for doc, label in DOCUMENT_LABELS.items():
        knows = profile.knows(doc)
        docs.add_row(
            f"{label} ({doc})",
            ROLES[profile.signs(doc).role],
            ROLES[knows.role] if knows else "-",
        )
    out.print(docs)
    codes = ", ".join(f"{kind}: {profile.klasifikasi(kind)}" for kind in NUMBERED)
    out.print(f"Kode klasifikasi nomor: {codes}")
    missing = profile.missing()
    if missing:
        out.print(
            "[yellow]Belum diisi:[/] "
            + ", ".join(missing)
            + " (dokumen mencetak garis titik-titik)"
        )


@office_app.command("set")
def set_(
    pemerintah: Annotated[
        str | None, typer.Option("--pemerintah", help='"Pemerintah Kabupaten Klaten"')
    ] = None,
    dinas: Annotated[
        str | None,
        typer.Option("--dinas", help='Baris kedua kop: "Dinas Kependudukan dan Pencatatan Sipil"'),
    ] = None,
    alamat: Annotated[str | None, typer.Option("--alamat", help="Alamat kantor")] = None,
    telepon: Annotated[str | None, typer.Option("--telepon", help='"(0272) 321046"')] = None,
    email: Annotated[str | None, typer.Option("--email")] = None,
    laman: Annotated[str | None, typer.Option("--laman", help="Alamat situs web")] = None,
    kota: Annotated[
        str | None, typer.Option("--kota", help='Tempat penandatanganan ("Klaten")')
    ] = None,
    logo: Annotated[
        Path | None, typer.Option("--logo", help="Berkas logo PNG/JPEG (disalin, tidak dipindah)")
    ] = None,
    oleh: OlehOpt = None,
) -> None:
    """Atur kop surat (kolom yang tidak disebut tidak berubah; "" mengosongkan)."""
    from application.office import set_letterhead

    fields = {
        "pemerintah": _text(pemerintah, "--pemerintah"),
        "dinas": _text(dinas, "--dinas"),
        "alamat": _text(alamat, "--alamat"),
        "telepon": _text(telepon, "--telepon"),
        "email": _text(email, "--email"),
        "laman": _text(laman, "--laman"),
        "kota": _text(kota, "--kota"),
    }
    with context() as (settings, engine, _served), cetak_errors():
        changed = set_letterhead(
            engine, acting(engine, settings, oleh), settings, fields, logo=logo
        )
    _said(changed.keys, "Kop surat")


@signer_app.command("set")
def signer_set(
    role: Annotated[str, typer.Argument(help="kepala_seksi, kepala_bidang atau kepala_dinas")],
    nama: Annotated[str | None, typer.Option("--nama", help="Nama lengkap dengan gelar")] = None,
    nip: Annotated[str | None, typer.Option("--nip", help="NIP, 18 angka")] = None,
    pangkat: Annotated[
        str | None, typer.Option("--pangkat", help='Pangkat/golongan ("Pembina, IV/a")')
    ] = None,
    jabatan: Annotated[str | None, typer.Option("--jabatan", help="Jabatan lengkap")] = None,
    oleh: OlehOpt = None,
) -> None:
    """Atur penandatangan (kolom yang tidak disebut tidak berubah)."""
    from application.office import set_signer

    with context() as (settings, engine, _served), cetak_errors():
        changed = set_signer(
            engine,
            acting(engine, settings, oleh),
            role,
            nama=_text(nama, "--nama"),
            nip=_text(nip, "--nip"),
            pangkat=_text(pangkat, "--pangkat"),
            jabatan=_text(jabatan, "--jabatan"),
        )
    _said(changed.keys, f"Penandatangan {role}")


@office_app.command("signs")
def signs(
    document: Annotated[
        str,
        typer.Argument(
            help="berita_acara_pemusnahan, surat_permohonan_blangko atau laporan_bulanan"
        ),
    ],
    signer: Annotated[
        str | None, typer.Option("--signer", help="Peran yang menandatangani")
    ] = None,
    mengetahui: Annotated[
        str | None, typer.Option("--mengetahui", help='Peran yang mengetahui ("-": tidak ada)')
    ] = None,
    oleh: OlehOpt = None,
) -> None:
    """Atur siapa menandatangani dokumen dan siapa yang mengetahui."""
    from application.office import set_signing

    with context() as (settings, engine, _served), cetak_errors():
        changed = set_signing(
            engine,
            acting(engine, settings, oleh),
            document,
            signer=signer,
            acknowledger=mengetahui,
        )
    _said(changed.keys, f"Penandatanganan {document}")


@office_app.command("klasifikasi")
def klasifikasi(
    kind: Annotated[str, typer.Argument(help="BAP (berita acara) atau SPB (surat permohonan)")],
    code: Annotated[str, typer.Argument(help="Kode klasifikasi arsip, mis. 470")],
    oleh: OlehOpt = None,
) -> None:
    """Atur kode klasifikasi nomor dokumen (470/BAP-001/XII/2026)."""
    from application.office import set_klasifikasi

    with context() as (settings, engine, _served), cetak_errors():
        changed = set_klasifikasi(engine, acting(engine, settings, oleh), kind, code)
    _said(changed.keys, f"Kode klasifikasi {kind}")


def _said(keys: list[str], what: str) -> None:
    if not keys:
        out.print(f"{what}: tidak ada yang diubah (sebutkan kolom yang diatur).")
        return
    out.print(f"{what} disimpan: {', '.join(keys)}.")
