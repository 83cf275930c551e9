"""A card reported missing at receipt is missing everywhere, and every slip counts the
cards actually handed over (issue 11, item 18).

The complaint: one card of fifteen did not arrive; the kecamatan reported it missing, yet
Distribusi and ``cetak status`` still showed it "Dalam pengiriman" with "Hilang 0", and
the slip serah terima said 15 cards were handed over when 14 arrived.
"""

from __future__ import annotations

import json
import os

import pytest
from sqlmodel import Session, select

from cetak.settings import Settings
from distribution import paper, queries, service
from distribution.models import Receipt

from clihelp import run_cli
from factory import CAWAS, by_kec, pack_and_dispatch, w


def cawas_row(engine, served) -> dict:
    with Session(engine) as s:
        rows = queries.distribution_status(s, today=served.today(), tz=served.timezone)
    return next(r for r in rows if r["kode_kecamatan"] == CAWAS)


def receive_cawas(engine, served, packed, **kw) -> service.Received:
    with w(engine) as s:
        return service.receive(
            s, served, by_kec(packed, CAWAS).number, officer="Sri Wahyuni", actor="op", **kw
        )


def slip_cards(engine, served, number: str) -> int:
    with Session(engine) as s:
        receipt = s.exec(select(Receipt).where(Receipt.reference == number)).one()
        return paper.receipt_doc(s, receipt, served, Settings()).cards


def test_a_card_missing_at_receipt_counts_as_lost_not_in_transit(engine, served, printed):
    packed = pack_and_dispatch(engine, served)
    missing = printed["cards"][0]
    receive_cawas(engine, served, packed, missing=[missing])

    row = cawas_row(engine, served)
    assert row["in_transit"] == 0
    assert row["lost"] == 1 and row["missing"] == 1
    assert row["received"] == 2 and row["open_discrepancies"] == 1
    with Session(engine) as s:
        trace = queries.trace(s, missing)
        cards = queries.shipment_cards(s, by_kec(packed, CAWAS).number)
    assert "hilang" in trace["cards"][0]["place"]
    assert "pengiriman" not in trace["cards"][0]["place"]
    assert [c["place"].startswith("hilang") for c in cards] == [True, False, False]


def test_the_slip_counts_the_cards_that_arrived(engine, served, printed, home):
    packed = pack_and_dispatch(engine, served)
    number = by_kec(packed, CAWAS).number
    receive_cawas(engine, served, packed, missing=[printed["cards"][0]])
    assert slip_cards(engine, served, number) == 2  # three on the manifest, two arrived


def test_a_damaged_card_arrived_and_is_not_in_transit(engine, served, printed, home):
    packed = pack_and_dispatch(engine, served)
    receive_cawas(engine, served, packed, damaged=[printed["cards"][1]])
    row = cawas_row(engine, served)
    assert row["in_transit"] == 0 and row["damaged"] == 1 and row["lost"] == 0
    assert slip_cards(engine, served, by_kec(packed, CAWAS).number) == 3


def test_resolving_the_case_keeps_the_card_counted_once(engine, served, printed):
    packed = pack_and_dispatch(engine, served)
    got = receive_cawas(engine, served, packed, missing=printed["cards"][:2])
    lost_case, found_case = got.cases
    with w(engine) as s:
        service.resolve(s, lost_case, "lost", actor="op")
        service.resolve(s, found_case, "found", actor="op")
    row = cawas_row(engine, served)
    assert (row["in_transit"], row["lost"], row["missing"], row["received"]) == (0, 1, 0, 2)


def test_nothing_arrived_owes_no_slip(engine, served, printed):
    packed = pack_and_dispatch(engine, served)
    got = receive_cawas(engine, served, packed, received=[])
    assert got.received == 0 and len(got.missing) == 3
    with Session(engine) as s:
        number = by_kec(packed, CAWAS).number
        assert s.exec(select(Receipt).where(Receipt.reference == number)).all() == []
    assert cawas_row(engine, served)["lost"] == 3


def test_status_says_hilang_for_a_missing_card(engine, served, printed, home, db_url):
    if not db_url.startswith("sqlite"):
        pytest.skip("the same read model runs on both databases; one CLI run is enough")
    packed = pack_and_dispatch(engine, served)
    receive_cawas(engine, served, packed, missing=[printed["cards"][0]])
    env = dict(os.environ, CETAK_HOME=str(home.resolved_home), CETAK_DATABASE_URL=home.url)
    text = run_cli("status", env=env).stdout
    assert "1 hilang" in " ".join(text.split())
    data = json.loads(run_cli("status", "--json", env=env).stdout)
    cawas = next(r for r in data["distribution"] if r["kode_kecamatan"] == CAWAS)
    assert (cawas["in_transit"], cawas["lost"]) == (0, 1)
