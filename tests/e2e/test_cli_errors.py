"""A Cetak error that no command catches reaches staff in Bahasa Indonesia, through the
real CLI entry point in a fresh process (the error roots themselves: tests/unit/test_errors.py)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap


def test_an_unhandled_cetak_error_reaches_staff_in_bahasa_without_a_traceback(tmp_path):
    code = textwrap.dedent(
        """
        import sys
        from cli.app import app
        from inventory.errors import InsufficientStock

        @app.command("uji-galat")
        def boom() -> None:
            raise InsufficientStock("DISDUKCAPIL", 5, 2)

        sys.argv = ["cetak", "uji-galat"]
        from cli import main
        main()
        """
    )
    env = {**os.environ, "CETAK_HOME": str(tmp_path)}
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120
    )
    assert proc.returncode == 1, proc.stderr
    assert "Gagal: stok blangko di DISDUKCAPIL tidak cukup" in proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout
