"""``cetak users ...``: staff accounts for the dashboard (run by whoever administers the
server; every change is audited with the officer named by ``--oleh`` / ``CETAK_USER``, who
must then be allowed to manage users, or else the shell user)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Annotated, Any

import typer
from rich.table import Table
from sqlmodel import Session

from cetak.access import ROLE_LABELS, Role
from cetak.bahasa import tanggal_waktu
from cli.common import (
    OlehOpt,
    acting,
    cetak_errors,
    check_text,
    context,
    fail,
    out,
    print_json,
)
from cli.stock import JsonOpt

users_app = typer.Typer(
    help="Pengguna dasbor: tambah, daftar, ganti kata sandi, buka kunci, nonaktifkan.",
    no_args_is_help=True,
)

NameArg = Annotated[str, typer.Argument(help="Nama pengguna (huruf kecil)")]
StdinOpt = Annotated[
    bool,
    typer.Option("--password-stdin", help="Baca kata sandi dari satu baris masukan standar"),
]


@contextmanager
def _user_errors() -> Iterator[None]:
    """Errors said the CLI's one way (``cli.common.cetak_errors``); a refused user exits 2."""
    with cetak_errors():
        yield


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        line = sys.stdin.readline()
        password = line.rstrip("\r\n")
        if not password:
            fail("tidak ada kata sandi di masukan standar", 2)
        return password
    # Asked twice here rather than with click's confirmation, whose messages are English.
    password: str = typer.prompt("Kata sandi", hide_input=True)
    again: str = typer.prompt("Ulangi kata sandi", hide_input=True)
    if password != again:
        fail("kedua kata sandi tidak sama; tidak ada yang diubah", 2)
    return password


def _role_choices() -> str:
    """The codes ``--role`` takes, each with what it means: ``operator (Operator cetak)``."""
    return ", ".join(f"{r.value} ({ROLE_LABELS[r]})" for r in Role)


def _manager(engine: Any, settings: Any, oleh: str | None) -> Any:
    """Who manages users. The first user of an installation without any active user may be
    added by the shell user even when ``CETAK_REQUIRE_OFFICER`` is true."""
    from sqlmodel import select

    from cetak.users import User

    with Session(engine) as session:
        nobody = session.exec(select(User.id).where(User.active == True)).first() is None  # noqa: E712
    return acting(engine, settings, oleh, bootstrap=nobody)


FullNameOpt = Annotated[
    str | None,
    typer.Option(
        "--full-name",
        "--nama-lengkap",
        help="Nama lengkap petugas, dicetak pada tanda terima dan dokumen",
    ),
]


@users_app.command("add")
def add(
    name: NameArg,
    role: Annotated[str, typer.Option("--role", help=f"Peran: {_role_choices()}")],
    password_stdin: StdinOpt = False,
    full_name: FullNameOpt = None,
    oleh: OlehOpt = None,
) -> None:
    """Tambah pengguna dasbor dengan peran dan kata sandinya."""
    from application.actions import add_user

    if role not in {r.value for r in Role}:
        fail(f"peran '{role}' tidak dikenal; pilihan: {_role_choices()}", 2)
    if full_name is not None:
        check_text(full_name, "nama lengkap (--full-name)")
    with context() as (settings, engine, _served):
        who = _manager(engine, settings, oleh)
        password = _read_password(password_stdin)
        with _user_errors():
            key = add_user(engine, who, name, role, password, full_name=full_name).name
    out.print(f"Pengguna {key} ditambahkan sebagai {ROLE_LABELS[Role(role)]}.")


@users_app.command("list")
def list_(json_out: JsonOpt = False) -> None:
    """Daftar pengguna dasbor (tanpa kata sandi)."""
    from cetak.users import list_users

    with context() as (_s, engine, served), Session(engine) as session:
        rows = [
            {
                "name": u.name,
                "role": u.role,
                "full_name": u.full_name,
                "active": u.active,
                "locked_until": u.locked_until.isoformat() if u.locked_until else None,
                "created_at": u.created_at.isoformat(),
                "last_login_at": u.last_login_at.isoformat() if u.last_login_at else None,
            }
            for u in list_users(session)
        ]
    if json_out:
        print_json(rows)
        return
    if not rows:
        out.print("Belum ada pengguna. Tambahkan dengan: cetak users add NAMA --role PERAN")
        return
    now = datetime.now(UTC)
    table = Table(title="Pengguna dasbor")
    for col in ("Nama", "Nama lengkap", "Peran", "Aktif", "Terakhir masuk"):
        table.add_column(col)
    for r in rows:
        try:
            label = ROLE_LABELS[Role(r["role"])]
        except ValueError:
            label = r["role"]
        state = "ya" if r["active"] else "tidak"
        if r["locked_until"] and datetime.fromisoformat(r["locked_until"]) > now:
            state += " (masuk diperlambat; buka: cetak users unlock NAMA)"
        last = r["last_login_at"]
        shown = tanggal_waktu(datetime.fromisoformat(last), served.timezone) if last else "-"
        table.add_row(r["name"], r["full_name"] or "-", label, state, shown)
    out.print(table)


@users_app.command("passwd")
def passwd(name: NameArg, password_stdin: StdinOpt = False, oleh: OlehOpt = None) -> None:
    """Ganti kata sandi pengguna (juga membuka kunci akun)."""
    from application.actions import set_user_password
    from cetak.users import get_user

    with context() as (settings, engine, _served):
        who = _manager(engine, settings, oleh)
        with _user_errors(), Session(engine) as session:
            get_user(session, name)  # say "not found" before asking for a password
        password = _read_password(password_stdin)
        with _user_errors():
            key = set_user_password(engine, who, name, password).name
    out.print(f"Kata sandi {key} diganti.")


def _set_active(name: str, active: bool, oleh: str | None) -> str:
    from application.actions import set_user_active

    with context() as (settings, engine, _served):
        who = _manager(engine, settings, oleh)
        with _user_errors():
            return str(set_user_active(engine, who, name, active).name)


@users_app.command("disable")
def disable(name: NameArg, oleh: OlehOpt = None) -> None:
    """Nonaktifkan pengguna: tidak dapat masuk lagi, sesinya berakhir."""
    out.print(f"Pengguna {_set_active(name, False, oleh)} dinonaktifkan.")


@users_app.command("enable")
def enable(name: NameArg, oleh: OlehOpt = None) -> None:
    """Aktifkan kembali pengguna."""
    out.print(f"Pengguna {_set_active(name, True, oleh)} diaktifkan kembali.")


@users_app.command("full-name")
def full_name_(
    name: NameArg,
    full_name: Annotated[str, typer.Argument(help='Nama lengkap; kosong ("") menghapusnya')],
    oleh: OlehOpt = None,
) -> None:
    """Atur nama lengkap pengguna (dicetak pada tanda terima dan dokumen)."""
    from application.actions import set_user_full_name

    check_text(full_name, "nama lengkap")
    with context() as (settings, engine, _served):
        who = _manager(engine, settings, oleh)
        with _user_errors():
            user = set_user_full_name(engine, who, name, full_name.strip() or None)
            key, shown = user.name, user.full_name
    out.print(f"Nama lengkap {key}: {shown or '(tidak ada)'}.")


@users_app.command("unlock")
def unlock(name: NameArg, oleh: OlehOpt = None) -> None:
    """Buka kunci masuk pengguna setelah terlalu banyak percobaan yang gagal."""
    from application.actions import unlock_user

    with context() as (settings, engine, _served):
        who = _manager(engine, settings, oleh)
        with _user_errors():
            key = unlock_user(engine, who, name).name
    out.print(f"Kunci masuk {key} dibuka; pengguna dapat masuk lagi.")
