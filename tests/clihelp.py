"""Running the real ``cetak`` command line in a subprocess, for CLI contract tests."""

from __future__ import annotations

import subprocess
import sys


def run_cli(*args: str, env: dict[str, str], check: bool = True) -> subprocess.CompletedProcess:
    proc = subprocess.run(
        [sys.executable, "-m", "cetak", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    if check and proc.returncode != 0:
        raise AssertionError(f"cetak {args} failed ({proc.returncode}):\n{proc.stderr}")
    return proc
