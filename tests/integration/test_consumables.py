"""Consumables through the use cases (issue 15): lots received and audited, a roll loaded
once per printer and kind, and a print run that never plans more cards on a printer than
its loaded ribbon can print."""

from __future__ import annotations

import pytest
from pypdf import PdfReader

from application import consumables as cons
from cetak.access import Actor, Role
from cetak.errors import staff_message
from printers.consumables import ConsumableRefused

from factory import ingest, make_row, receive, sim_printer

KASI = Actor("kasi", Role.SUPERVISOR, via="cli")


def test_a_printer_prints_no_more_than_its_ribbon_has_left(
    engine, served, home, tmp_path, run
) -> None:
    ingest(engine, served, home, tmp_path, [make_row() for _ in range(12)])
    receive(engine, served, 50)
    sim_printer(engine, home, "p1")
    cons.receive(
        engine, KASI, lot="RB-1", kind="ribbon", rolls=2, rated_yield=5, unit_price=3_600_000
    )
    cons.load(engine, KASI, "p1", "RB-1")
    with pytest.raises(ConsumableRefused) as info:
        cons.load(engine, KASI, "p1", "RB-1")
    assert "masih memuat ribbon" in staff_message(info.value)
    outcomes = run()
    printed = sum(o.get("printed", 0) for o in outcomes)
    assert printed == 5  # the ribbon's 5 cards, though 12 wait and 50 blanks are there
    state = cons.status(engine, home)
    assert [(r.printer, r.cards_left) for r in state.loaded] == [("p1", 0)]
    # a fresh roll lets it go on
    cons.unload(engine, KASI, "p1", "ribbon")
    cons.load(engine, KASI, "p1", "RB-1")
    printed = sum(o.get("printed", 0) for o in run())
    assert printed == 5
    with pytest.raises(ConsumableRefused) as info:
        cons.unload(engine, KASI, "p1", "film")
    assert "tidak memuat film" in staff_message(info.value)


def test_refused_figures_and_the_memo(engine, served, home) -> None:
    for kw, words in (
        ({"rolls": 0}, "jumlah rol 0"),
        ({"rated_yield": 10**9}, "hasil per rol"),
        ({"kind": "tinta"}, "jenis 'tinta' tidak dikenal"),
    ):
        args = {"lot": "X", "kind": "ribbon", "rolls": 1, "rated_yield": 500, "unit_price": 1}
        args.update(kw)
        with pytest.raises(ConsumableRefused) as info:
            cons.receive(engine, KASI, **args)
        assert words in staff_message(info.value)
    assert cons.status(engine, home).lots == []
    with pytest.raises(cons.NothingToOrder):
        cons.procurement_memo(engine, home)


def test_the_memo_asks_for_what_runs_short(engine, served, home, tmp_path, run) -> None:
    ingest(engine, served, home, tmp_path, [make_row() for _ in range(6)])
    receive(engine, served, 50)
    sim_printer(engine, home, "p1")
    cons.receive(
        engine, KASI, lot="RB-1", kind="ribbon", rolls=1, rated_yield=10, unit_price=3_600_000
    )
    run()  # six cards printed today: the rate the cover is measured by
    state = cons.status(engine, home)
    ribbon = next(c for c in state.covers if c.kind == "ribbon")
    assert ribbon.reorder and ribbon.rolls_to_order > 0
    path = cons.procurement_memo(engine, home)
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(path).pages).split())
    assert "NOTA DINAS" in text and "Pita warna (ribbon)" in text
    assert f"Rp{ribbon.estimated_cost:,}".replace(",", ".") in text


def test_the_daily_check_alerts_once_a_day(engine, served, home, tmp_path, run) -> None:
    ingest(engine, served, home, tmp_path, [make_row() for _ in range(6)])
    receive(engine, served, 50)
    sim_printer(engine, home, "p1")
    cons.receive(
        engine, KASI, lot="RB-1", kind="ribbon", rolls=1, rated_yield=10, unit_price=3_600_000
    )
    run()
    first = cons.check(engine, "flow:reorder", home)
    assert len(first) == 1 and "ajukan" in first[0] and "ke PPK" in first[0]
    assert cons.check(engine, "flow:reorder", home) == []  # once a day


def test_the_reorder_letter_quotes_the_ribbons(engine, served, home, tmp_path) -> None:
    """Central reads that printing waits for blanks, not for ribbons the regency buys."""
    from application.actions import check_reorder
    from inventory.paperwork import produce_pending

    ingest(engine, served, home, tmp_path, [make_row() for _ in range(30)])
    receive(engine, served, 5)
    cons.receive(
        engine, KASI, lot="RB-1", kind="ribbon", rolls=3, rated_yield=500, unit_price=3_600_000
    )
    outcome = check_reorder(engine, "flow:reorder", home)
    assert outcome["request"] is not None
    [letter] = [p for p in produce_pending(engine, home, served) if "SPB" in p.name]
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(letter).pages).split())
    assert "Pita warna (ribbon) (pengadaan daerah) cukup untuk : 1.500 kartu" in text
