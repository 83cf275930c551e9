"""cetak deploy and cetak worker: the Prefect work pool, deployments and workers."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from cli.common import err, fail, out, print_json


def _load_env_file() -> None:
    """Settings of the environment file reach Prefect too (the process's own win)."""
    from cetak.settings import read_env_file

    for key, value in read_env_file().items():
        os.environ.setdefault(key, value)


def deploy(
    json_out: Annotated[bool, typer.Option("--json", help="Keluaran JSON.")] = False,
) -> None:
    """Daftarkan semua deployment Prefect: pool, antrean, otomasi run mati, jadwal WIB."""
    _load_env_file()
    from application.orchestration import DeployError
    from application.orchestration import deploy as run_deploy
    from cetak.settings import get_settings
    from cli.messages import cli_message

    try:
        result = run_deploy(get_settings())
    except DeployError as exc:
        fail(cli_message(exc))
    if json_out:
        print_json(
            {
                "api_url": result.api_url,
                "work_pool": result.pool,
                "queues": result.queues,
                "automation": result.automation,
                "deployments": result.deployments,
            }
        )
        return
    out.print(f"Server Prefect: {result.api_url}")
    out.print(f"Work pool [bold]{result.pool}[/], antrean: {', '.join(result.queues)}")
    out.print(f"Otomasi: {result.automation}")
    out.print(f"{len(result.deployments)} deployment terdaftar:")
    for name in result.deployments:
        out.print(f"  - {name}")


def worker(
    site: Annotated[
        str | None,
        typer.Option(
            "--site", help="Hanya printer lokasi ini (antrean site-KODE); bawaan: CETAK_SITE."
        ),
    ] = None,
    inbox: Annotated[
        bool,
        typer.Option(
            "--inbox",
            help="Mesin ini membaca inbox dan menjalankan flow kantor (antrean inbox, bawaan); "
            "bawaan: bila CETAK_INBOX_HOST adalah nama mesin ini.",
        ),
    ] = False,
    name: Annotated[str | None, typer.Option("--name", help="Nama worker.")] = None,
) -> None:
    """Jalankan worker Prefect untuk PC atau lokasi ini (berhenti dengan Ctrl+C)."""
    _load_env_file()
    from application.orchestration import inbox_here, worker_command, worker_env, worker_queues
    from cetak.settings import get_settings

    settings = get_settings()
    site = site or settings.site
    inbox = inbox or inbox_here(settings)
    if not os.environ.get("PREFECT_API_URL"):
        fail(
            "PREFECT_API_URL belum diatur: worker butuh server Prefect. Atur di "
            "/etc/cetak/cetak.env atau jalankan cetak serve.",
            2,
        )
    if site:
        from application.orchestration import printer_sites

        known = printer_sites(settings)
        if known and site not in known:
            fail(
                f"lokasi {site} tidak punya printer terdaftar (lokasi berprinter: "
                f"{', '.join(known)}). Tambahkan printer dulu: cetak printers add ... --site {site}",
                2,
            )
    queues = worker_queues(site=site, inbox=inbox) or ["semua antrean"]
    err.print(f"Worker pool {settings.work_pool}: {', '.join(queues)}")
    cmd = worker_command(settings, site=site, inbox=inbox, name=name)
    env = worker_env(settings, site=site)
    # The worker replaces this process: signals from systemd or Ctrl+C reach it directly.
    os.execve(cmd[0], cmd, env)
