"""``cetak dashboard``: start the Streamlit dashboard on this installation's data."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Annotated

import typer

from cli.common import context, out


def app_path() -> Path:
    import dashboard

    return Path(dashboard.__file__).parent / "app.py"


def streamlit_command(port: int, address: str) -> list[str]:
    """``streamlit run`` headless, without usage statistics, on ``address:port``."""
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(app_path()),
        "--server.port",
        str(port),
        "--server.address",
        address,
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        "--global.developmentMode",
        "false",
        "--client.toolbarMode",  # no "Deploy" button or developer menu for staff
        "viewer",
    ]


def dashboard(
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="Port HTTP")] = 8501,
    address: Annotated[
        str, typer.Option("--address", help="Alamat yang didengarkan (0.0.0.0: seluruh jaringan)")
    ] = "localhost",
) -> None:
    """Jalankan dasbor (Streamlit) untuk data instalasi ini."""
    with context() as (settings, _engine, served):
        pass  # refuses before Streamlit starts when the database is not initialised
    env = dict(os.environ)
    # The dashboard reads the same settings as this command, whatever the working folder.
    env["CETAK_HOME"] = str(settings.resolved_home)
    env["CETAK_DATABASE_URL"] = settings.url
    env.setdefault("STREAMLIT_BROWSER_GATHER_USAGE_STATS", "false")
    host = "localhost" if address in ("0.0.0.0", "::") else address
    out.print(
        f"Dasbor {served.kabupaten} berjalan di http://{host}:{port} (hentikan dengan Ctrl+C)."
    )
    try:
        code = subprocess.call(streamlit_command(port, address), env=env)
    except KeyboardInterrupt:
        code = 0
    raise typer.Exit(code)
