"""Lending blanks between regencies (issue 15): lent and borrowed as ledger movements with a
berita acara serah terima, given back later, reconciled on both sides, and what the office
owes kept out of its reorder position."""

from __future__ import annotations

import pytest
from pypdf import PdfReader
from sqlmodel import Session

from application import loans
from cetak.access import Actor, Forbidden, Role
from cetak.errors import staff_message
from cetak.settings import Settings
from inventory import ledger
from inventory.loans import LoanRefused
from inventory.queries import totals
from inventory.reconcile import reconcile
from inventory.reorder import position

from factory import receive

KASI = Actor("kasi", Role.SUPERVISOR, via="cli")


def _text(path) -> str:
    return " ".join(" ".join(p.extract_text() for p in PdfReader(path).pages).split())


def _on_hand(engine) -> int:
    with Session(engine) as s:
        return totals(s)[0]


def _clean(engine, served) -> None:
    with Session(engine) as s:
        assert reconcile(s, today=served.today()) == []


def test_lend_and_take_back(engine, served, home) -> None:
    with Session(engine) as s:
        ledger.receive_stock(
            s,
            lot="L1",
            quantity=1000,
            actor="t",
            received_on=served.today(),
            serial_start="KTP0500001",
        )
        s.commit()
    loan, papers = loans.lend(
        engine,
        KASI,
        home,
        to="33.20",
        quantity=200,
        ref="BAST/001/XII/2026",
        their_signer="Drs. Hadi Santoso|196805121990031004",
    )
    assert _on_hand(engine) == 800
    assert loan.serial_text == "KTP0500801-KTP0501000"
    text = _text(papers[0])
    assert "BERITA ACARA SERAH TERIMA PINJAMAN BLANGKO KTP-EL" in text.upper()
    assert "Kabupaten Jepara" in text and "KTP0500801-KTP0501000" in text
    assert "Drs. Hadi Santoso" in text and "196805121990031004" in text
    _clean(engine, served)
    # the borrower gives back in two parts, as lots of their own
    loans.settle(engine, KASI, home, ref="BAST/001/XII/2026", quantity=150, lot="BYL-1")
    with pytest.raises(LoanRefused) as info:
        loans.settle(engine, KASI, home, ref="BAST/001/XII/2026", quantity=100, lot="BYL-2")
    assert "tinggal 50 keping" in staff_message(info.value)
    done, _ = loans.settle(engine, KASI, home, ref="BAST/001/XII/2026", quantity=50, lot="BYL-2")
    assert done.settled_at is not None and _on_hand(engine) == 1000
    assert loans.owed(engine) == (0, 0)
    _clean(engine, served)


def test_borrowed_blanks_are_owed_and_kept_out_of_the_reorder_position(
    engine, served, home
) -> None:
    receive(engine, served, 100)
    loan, _ = loans.borrow(
        engine,
        KASI,
        home,
        source="33.08",
        quantity=300,
        ref="PINJ-7",
        lot="MGL-2026-1",
        serial_start="MGL0000001",
    )
    assert _on_hand(engine) == 400 and loans.owed(engine) == (300, 0)
    settings = Settings(home=home.home, database_url=home.url)
    with Session(engine) as s:
        facts, pos = position(s, settings=settings, served=served, today=served.today())
    assert facts.owed == 300 and pos.position == 100  # only the office's own 100 count
    loans.settle(engine, KASI, home, ref="PINJ-7", quantity=120)
    assert _on_hand(engine) == 280 and loans.owed(engine) == (180, 0)
    _clean(engine, served)


def test_refusals_change_nothing(engine, served, home) -> None:
    receive(engine, served, 50)
    for kw, words in (
        ({"to": "33.10"}, "kabupaten ini sendiri"),
        ({"to": "Boyolali"}, "kode kabupaten 'Boyolali' tidak valid"),
        ({"quantity": 80}, "stok tidak cukup: diminta 80, tersedia 50"),
    ):
        args = {"to": "33.09", "quantity": 10, "ref": "X-1", **kw}
        with pytest.raises(LoanRefused) as info:
            loans.lend(engine, KASI, home, **args)
        assert words in staff_message(info.value)
    with pytest.raises(Forbidden):
        loans.lend(engine, Actor("ani", Role.OPERATOR), home, to="33.09", quantity=1, ref="X")
    assert _on_hand(engine) == 50 and loans.all_loans(engine) == []
