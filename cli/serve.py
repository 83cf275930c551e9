"""cetak serve and cetak service: run Cetak as the service of one office PC."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from cli.common import err, fail, out

service_app = typer.Typer(help="Layanan systemd untuk PC kantor.", no_args_is_help=True)

HostOpt = Annotated[
    str,
    typer.Option("--host", help="Alamat yang didengarkan server dan dasbor (0.0.0.0: jaringan)"),
]


def _not_initialised_message() -> str:
    return (
        "basis data Cetak belum disiapkan. Jalankan dulu: cetak init --regency KODE "
        "(contoh: cetak init --regency 33.10)"
    )


def _initialised(settings) -> bool:  # noqa: ANN001 - Settings, imported lazily
    from cetak.db import engine_from_settings
    from cetak.installation import NotInitialised, load_installation

    if settings.database_url is None and not (settings.resolved_home / "cetak.db").exists():
        return False  # do not leave an empty database behind
    engine = engine_from_settings(settings)
    try:
        load_installation(engine)
    except NotInitialised:
        return False
    finally:
        engine.dispose()
    return True


def serve(
    no_dashboard: Annotated[
        bool, typer.Option("--no-dashboard", help="Jangan jalankan dasbor")
    ] = False,
    no_worker: Annotated[
        bool, typer.Option("--no-worker", help="Jangan jalankan worker (dan flow) di PC ini")
    ] = False,
    prefect_port: Annotated[
        int | None,
        typer.Option(
            "--prefect-port",
            min=1,
            max=65535,
            help="Port server Prefect (bawaan: CETAK_PREFECT_PORT, 4200)",
        ),
    ] = None,
    dashboard_port: Annotated[
        int | None,
        typer.Option(
            "--dashboard-port",
            min=1,
            max=65535,
            help="Port dasbor (bawaan: CETAK_DASHBOARD_PORT, 8501)",
        ),
    ] = None,
    host: HostOpt = "127.0.0.1",
) -> None:
    """Jalankan server Prefect, worker dan dasbor bersama di PC ini."""
    from application.serve import (
        ServePlan,
        child_environment,
        port_free,
        run_serve,
        ui_url,
    )
    from cetak.settings import get_settings, read_env_file

    settings = get_settings()
    if not _initialised(settings):
        fail(_not_initialised_message(), 2)
    home = settings.resolved_home
    prefect_port = prefect_port or settings.prefect_port
    dashboard_port = dashboard_port or settings.dashboard_port
    env, remote = child_environment(
        home=home, prefect_port=prefect_port, host=host, file_env=read_env_file()
    )
    plan = ServePlan(
        home=home,
        logs_dir=settings.logs_dir,
        env=env,
        remote=remote,
        host=host,
        prefect_port=prefect_port,
        dashboard_port=dashboard_port,
        worker=not no_worker,
        dashboard=not no_dashboard,
    )
    if remote and no_worker and no_dashboard:
        fail(
            f"tidak ada yang dijalankan: server Prefect ada di {ui_url(plan.api_url)} "
            "dan --no-worker serta --no-dashboard dipilih",
            2,
        )
    wanted = []
    if plan.start_server:
        wanted.append(("server Prefect", prefect_port, "--prefect-port"))
    if plan.dashboard:
        wanted.append(("dasbor", dashboard_port, "--dashboard-port"))
    if plan.start_server and plan.dashboard and prefect_port == dashboard_port:
        fail(f"server Prefect dan dasbor tidak dapat memakai port yang sama ({prefect_port})", 2)
    for what, port, option in wanted:
        if not port_free(host, port):
            fail(
                f"port {port} di {host} sudah dipakai program lain, jadi {what} tidak dapat "
                f"dimulai. Hentikan program itu (mungkin `cetak serve` atau layanan cetak-* "
                f"yang sudah berjalan) atau pilih port lain dengan {option}.",
                2,
            )
    code = run_serve(
        plan,
        say=lambda text: out.print(text, markup=False),
        warn=lambda text: err.print(f"[bold red]Perhatian:[/] {text}"),
    )
    raise typer.Exit(code)


# --------------------------------------------------------------------------- service


def _default_user() -> str:
    import getpass

    return os.environ.get("SUDO_USER") or getpass.getuser()


@service_app.command("install")
def service_install(
    prefix: Annotated[Path, typer.Option("--prefix", help="Folder unit systemd")] = Path(
        "/etc/systemd/system"
    ),
    env_file: Annotated[
        Path | None,
        typer.Option("--env-file", help="Berkas pengaturan (bawaan: /etc/cetak/cetak.env)"),
    ] = None,
    user: Annotated[
        str | None, typer.Option("--user", help="Pengguna Linux yang menjalankan layanan")
    ] = None,
    host: HostOpt = "127.0.0.1",
    force: Annotated[
        bool, typer.Option("--force", help="Timpa unit yang sudah ada dan berbeda")
    ] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Tampilkan unit saja, tanpa menulis apa pun")
    ] = False,
) -> None:
    """Pasang layanan systemd cetak-server, cetak-worker dan cetak-dashboard."""
    import pwd

    from application.serve import (
        UNIT_NAMES,
        UnitConfig,
        bin_dir,
        client_host,
        install_units,
        render_env_example,
        render_units,
    )
    from cetak.settings import DEFAULT_ENV_FILE, Settings, get_settings

    env_file = (env_file or DEFAULT_ENV_FILE).expanduser().absolute()
    # The settings the services will run with: those of that file when it exists already.
    if env_file.is_file():
        settings = Settings(_env_file=env_file)  # type: ignore[call-arg]
    else:
        settings = get_settings()
    prefix = prefix.expanduser().absolute()
    user = user or _default_user()
    try:
        account = pwd.getpwnam(user)
    except KeyError:
        fail(f"pengguna Linux '{user}' tidak ada; buat dulu atau pilih dengan --user", 2)
    bindir = bin_dir()
    for exe in ("cetak", "prefect"):
        if not (bindir / exe).exists():
            fail(f"{bindir / exe} tidak ditemukan; pasang Cetak di venv ini dulu (make install)")
    cfg = UnitConfig(
        bin_dir=bindir,
        home=settings.resolved_home,
        env_file=env_file,
        user=user,
        prefect_port=settings.prefect_port,
        dashboard_port=settings.dashboard_port,
        host=host,
    )
    units = render_units(cfg)
    env_text = render_env_example(
        cfg, print_lease_s=settings.print_lease_s, backup_keep=settings.backup_keep
    )
    if dry_run:
        for name, text in units.items():
            out.print(f"# ---- {prefix / name}", markup=False)
            out.print(text, markup=False)
        if not env_file.exists():
            out.print(f"# ---- {env_file} (contoh, ditulis bila belum ada)", markup=False)
            out.print(env_text, markup=False)
        return
    try:
        result = install_units(
            units,
            prefix,
            force=force,
            env_file=env_file,
            env_text=env_text,
            env_group=account.pw_gid if os.geteuid() == 0 else None,
        )
    except PermissionError as exc:
        fail(
            f"tidak boleh menulis {exc.filename}; jalankan dengan sudo "
            f"(mis. sudo {bindir / 'cetak'} service install)"
        )
    if result.refused:
        names = ", ".join(str(p) for p in result.refused)
        fail(
            f"unit berikut sudah ada dan berbeda: {names}. Tidak ada yang ditulis. "
            "Periksa isinya; untuk menimpa jalankan lagi dengan --force.",
            2,
        )
    for path in result.written:
        out.print(f"Ditulis: {path}", markup=False)
    for path in result.unchanged:
        out.print(f"Tidak berubah: {path}", markup=False)
    if result.env_written:
        out.print(f"Berkas pengaturan contoh ditulis: {env_file} (periksa isinya).", markup=False)
    else:
        out.print(f"Berkas pengaturan {env_file} sudah ada, tidak diubah.", markup=False)
    if not result.written:
        out.print("Layanan sudah terpasang; tidak ada perubahan.")
    services = " ".join(n.removesuffix(".service") for n in UNIT_NAMES)
    shown = "localhost" if host in ("127.0.0.1", "0.0.0.0", "::") else client_host(host)
    steps = ["", "Langkah berikutnya:"]
    try:
        ready = _initialised(settings)
    except Exception:  # noqa: BLE001 - a hint only; a broken database shows in the worker log
        ready = True
    if not ready:
        steps.append(
            f"  sudo -u {user} env CETAK_HOME={cfg.home} {bindir / 'cetak'} init --regency KODE"
        )
    steps += [
        "  sudo systemctl daemon-reload",
        f"  sudo systemctl enable --now {services}",
        "Periksa:",
        f"  systemctl status {services}",
        "  journalctl -u cetak-worker -f",
        f"Prefect UI: http://{shown}:{cfg.prefect_port}   "
        f"Dasbor: http://{shown}:{cfg.dashboard_port}",
    ]
    out.print("\n".join(steps), markup=False)
