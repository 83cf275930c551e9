"""The distribution part of ``make demo``, typed as staff would type it.

Dispatches the demo's QC-passed cards, has every kecamatan receive its shipment (the first
one reports a card missing, which opens a discrepancy case), hands some cards to their
residents with a pickup receipt each (to files under $CETAK_HOME/receipts/), and shows
what waits. Each command is echoed before it runs; any failure stops the demo.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys

CETAK = [sys.executable, "-m", "cetak"]
OFFICERS = ["Sri Wahyuni", "Agus Prasetyo", "Dwi Lestari", "Eko Susanto"]


def run(*args: str, show: bool = True) -> str:
    if show:
        shown = " ".join(re.sub(r"^(\d{4})\d{8}(\d{4})$", r"\1********\2", a) for a in args)
        print("$ cetak " + shown, flush=True)  # NIKs stay out of the screen and logs
    proc = subprocess.run([*CETAK, *args], capture_output=not show or "--json" in args, text=True)
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr or "")
        raise SystemExit(f"demo berhenti: cetak {' '.join(args)} gagal ({proc.returncode})")
    return proc.stdout or ""


def main() -> None:
    run("dispatch")
    shipped = json.loads(run("shipments", "--state", "dispatched", "--json", show=False))
    for i, shipment in enumerate(sorted(shipped, key=lambda s: s["number"])):
        officer = OFFICERS[i % len(OFFICERS)]
        if i == 0:
            cards = json.loads(run("shipments", shipment["number"], "--json", show=False))
            run(
                "receive",
                shipment["number"],
                "--all",
                "--missing",
                cards[0]["card_ref"],
                "--by",
                officer,
            )
        else:
            run("receive", shipment["number"], "--all", "--by", officer, show=i < 2)
    print(f"... {len(shipped)} kiriman diterima kecamatan", flush=True)
    run("discrepancies", "list")
    waiting = json.loads(run("records", "--state", "received", "--json", show=False))
    for r in waiting[:12]:
        run("collect", r["nik"], "--by", r["nama"].title(), "--kecamatan", r["kode_kecamatan"])
    run("uncollected")


if __name__ == "__main__":
    main()
