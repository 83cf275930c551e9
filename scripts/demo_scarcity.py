"""The scarcity part of ``make demo`` (issue 15): IKD activations of the past weeks, the
ribbons the regency bought loaded in the printers, and blanks lent to a neighbour
regency, entered through the same use cases and files staff use (synthetic figures)."""

from __future__ import annotations

import random
from datetime import timedelta

from sqlmodel import Session

from application import consumables, ikd, loans
from cetak.db import engine_from_settings
from cetak.installation import load_installation
from cetak.settings import get_settings
from printers.registry import list_printers

ACTOR = "cli:demo"


def main() -> None:
    settings = get_settings()
    engine = engine_from_settings(settings)
    served = load_installation(engine)
    today = served.today()
    rng = random.Random(2024)
    folder = settings.resolved_home / "impor"
    folder.mkdir(parents=True, exist_ok=True)

    lines = ["tanggal,jumlah_aktivasi"]
    for back in range(40, 0, -1):
        day = today - timedelta(days=back)
        if day.weekday() < 5:
            lines.append(f"{day.isoformat()},{rng.randrange(15, 70)}")
    path = folder / f"ikd-{today:%Y%m%d}.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    ikd.import_file(engine, ACTOR, path)

    consumables.receive(
        engine,
        ACTOR,
        lot="RIBBON-2026-11",
        kind="ribbon",
        rolls=4,  # three go into the printers: the shelf runs low, the memo is due
        rated_yield=500,
        unit_price=3_600_000,
        received_on=today - timedelta(days=20),
        reference="BAST pengadaan 027/PPK/XI/2026",
    )
    consumables.receive(
        engine,
        ACTOR,
        lot="FILM-2026-11",
        kind="film",
        rolls=4,
        rated_yield=1_000,
        unit_price=2_750_000,
        received_on=today - timedelta(days=20),
    )
    with Session(engine) as session:
        names = [p.name for p in list_printers(session)]
    for name in names:
        consumables.load(engine, ACTOR, name, "RIBBON-2026-11")
        consumables.load(engine, ACTOR, name, "FILM-2026-11")

    loan, _papers = loans.lend(
        engine,
        ACTOR,
        settings,
        to="33.20",
        quantity=100,
        ref="BAST/470/PINJ-001/XII/2026",
        their_signer="Drs. Hadi Santoso, M.M.|196805121990031004",
    )
    state = consumables.status(engine, settings)
    ribbon = next(c for c in state.covers if c.kind == "ribbon")
    memo = None
    if ribbon.reorder:
        memo = consumables.procurement_memo(engine, settings)
    print(
        f"... IKD dimuat ({len(lines) - 1} hari); pita cukup {ribbon.cards} kartu; "
        f"{loan.quantity} blangko dipinjamkan ke {loan.counterpart_name}"
        + (f"; nota dinas ke PPK: {memo.name}" if memo else "")
    )


if __name__ == "__main__":
    main()
