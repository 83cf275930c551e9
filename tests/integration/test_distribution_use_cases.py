"""Distribution use cases written once (issue 12): the CLI, the daily flow and the
dashboard's action layer dispatch through ``application.actions.dispatch_shipments`` and
return cards through ``return_cards``; each call leaves one audit row naming its actor, in
the transaction of the change, and writes the manifests after the commit."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import Session, select
from typer.testing import CliRunner

from application import actions
from cetak.access import Actor, Forbidden, Role
from cetak.db import write_session
from cetak.users import AuditEntry, add_user
from distribution.errors import CardNotDispatchable
from distribution.models import Shipment
from printers.models import Card

from factory import BAYAT, CAWAS, w

OPERATOR = Actor("oki", Role.OPERATOR)
VIEWER = Actor("vina", Role.VIEWER)


def audits(engine, *actions_: str) -> list[AuditEntry]:
    with Session(engine) as s:
        rows = s.exec(select(AuditEntry).order_by(AuditEntry.id)).all()
    return [r for r in rows if not actions_ or r.action in actions_]


def shipments(engine) -> dict[str, Shipment]:
    with Session(engine) as s:
        return {sh.number: sh for sh in s.exec(select(Shipment))}


def cli(*args: str) -> object:
    from cli.app import app

    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture
def in_process_flow(engine, monkeypatch):
    from workflows import distribution as flow

    monkeypatch.setattr(flow, "engine_from_settings", lambda _settings: engine)
    return flow


def test_one_dispatch_from_the_cli_the_flow_and_the_dashboard(
    engine, served, home, printed, in_process_flow
):
    cawas = printed["cards"][:3]
    with write_session(engine) as s:
        add_user(s, "budi", "operator", "rahasia-budi-1", actor="test")

    # The dashboard's action layer: a logged-in operator sends one card.
    by_hand = actions.dispatch_shipments(engine, OPERATOR, home, card_refs=[cawas[0]])
    # The CLI: a named officer sends another.
    out = cli("dispatch", "--card", cawas[1], "--oleh", "budi", "--json")
    # The 14:00 flow: everything else that waits in Bayat.
    flowed = in_process_flow.pack_and_dispatch.fn(home, BAYAT)

    rows = audits(engine, "dispatch")
    assert [(r.actor, r.ok) for r in rows] == [
        ("oki", True),
        ("budi", True),
        ("flow:distribution", True),
    ]
    [cli_row] = json.loads(out.output)["shipments"]  # type: ignore[attr-defined]
    assert [r.target for r in rows] == [by_hand.numbers[0], cli_row["number"], flowed[0]["number"]]
    assert json.loads(rows[1].detail_json)["via"] == "cli"
    assert json.loads(rows[2].detail_json)["cards"] == 2
    assert flowed == [{"number": flowed[0]["number"], "kode_kecamatan": BAYAT, "cards": 2}]
    # Every front end got its manifest, written after the commit by the use case itself.
    sent = shipments(engine)
    assert {sh.state for sh in sent.values()} == {"dispatched"}
    assert all(sh.manifest_path and Path(sh.manifest_path).is_file() for sh in sent.values())
    assert by_hand.manifests == (sent[by_hand.numbers[0]].manifest_path,)
    assert cli_row["manifest_path"] == sent[cli_row["number"]].manifest_path
    # The flow's manifest task reports this run's manifests although they exist already.
    assert in_process_flow.write_manifests.fn(home, [flowed[0]["number"]]) == [
        sent[flowed[0]["number"]].manifest_path
    ]
    with Session(engine) as s:
        left = s.exec(select(Card).where(Card.card_ref == cawas[2])).one()
    assert left.state == "passed"


def test_a_refused_dispatch_changes_nothing_and_is_audited(engine, served, home, printed):
    with pytest.raises(Forbidden):
        actions.dispatch_shipments(engine, VIEWER, home, kecamatan=CAWAS)
    assert shipments(engine) == {}
    [row] = audits(engine)
    assert (row.action, row.actor, row.ok, row.target) == (
        "dispatch",
        "vina",
        False,
        CAWAS,
    )


def test_a_refused_card_rolls_back_the_whole_dispatch(engine, served, home, printed):
    with pytest.raises(CardNotDispatchable):
        actions.dispatch_shipments(
            engine, OPERATOR, home, card_refs=[printed["cards"][0], printed["cards"][5]]
        )
    assert shipments(engine) == {} and audits(engine) == []


def test_pack_only_then_the_cli_sends_it_but_the_flow_leaves_it(
    engine, served, home, printed, in_process_flow
):
    packed = actions.dispatch_shipments(engine, OPERATOR, home, kecamatan=CAWAS, pack_only=True)
    assert [r.action for r in audits(engine)] == ["pack"]
    # The flow sends only what it packs itself: Bayat leaves, packed Cawas waits.
    flowed = in_process_flow.pack_and_dispatch.fn(home)
    states = {sh.kode_kecamatan: sh.state for sh in shipments(engine).values()}
    assert [f["kode_kecamatan"] for f in flowed] == [BAYAT]
    assert states == {CAWAS: "packed", BAYAT: "dispatched"}
    # Nothing left to pack: the dispatch still sends the packed shipment, and says why.
    sent = actions.dispatch_shipments(engine, OPERATOR, home)
    assert sent.packed == () and sent.numbers == packed.numbers
    assert sent.nothing is not None and "tidak ada kartu" in sent.nothing
    assert {sh.state for sh in shipments(engine).values()} == {"dispatched"}
    # A dispatch that moves nothing leaves no audit row.
    assert actions.dispatch_shipments(engine, OPERATOR, home).numbers == ()
    assert in_process_flow.pack_and_dispatch.fn(home) == []
    assert [r.action for r in audits(engine)] == ["pack", "dispatch", "dispatch"]


def test_return_cards_is_one_audited_use_case(engine, served, home, printed):
    from factory import pack_and_dispatch

    pack_and_dispatch(engine, served, kecamatan=BAYAT)
    with w(engine) as s:
        s.execute(sa.update(Card).where(Card.state == "dispatched").values(state="received"))
    bayat = printed["cards"][3:5]
    with pytest.raises(Forbidden):
        actions.return_cards(engine, VIEWER, bayat)
    assert actions.return_cards(engine, OPERATOR, bayat) == 2
    rows = audits(engine, "return_cards")
    assert [(r.actor, r.ok) for r in rows] == [("vina", False), ("oki", True)]
    assert json.loads(rows[1].detail_json)["returned"] == 2
    with Session(engine) as s:
        states = {c.state for c in s.exec(select(Card).where(Card.card_ref.in_(bayat)))}  # type: ignore[attr-defined]
    assert states == {"returned"}


def test_uncollected_alerts_once_a_week_per_kecamatan(engine, served, home, printed):
    from datetime import timedelta

    from cetak.models import Alert, utcnow

    from factory import pack_and_dispatch

    pack_and_dispatch(engine, served)
    with w(engine) as s:
        s.execute(
            sa.update(Card)
            .where(Card.state == "dispatched")
            .values(state="received", received_at=utcnow() - timedelta(days=120))
        )
    assert actions.alert_uncollected(engine, home) == 2
    assert actions.alert_uncollected(engine, home) == 0
    with Session(engine) as s:
        alerts = s.exec(select(Alert).order_by(Alert.id)).all()
    assert all(a.delivered_at is not None for a in alerts)
    assert [json.loads(a.data_json)["kode_kecamatan"] for a in alerts] == [BAYAT, CAWAS]


def test_a_failed_manifest_never_undoes_the_dispatch_and_is_caught_up(
    engine, served, home, printed, in_process_flow, monkeypatch
):
    from distribution import paper

    real = paper.write_manifests

    def jammed(*_args, **_kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(paper, "write_manifests", jammed)
    done = actions.dispatch_shipments(engine, OPERATOR, home, kecamatan=CAWAS)
    assert done.manifests == () and len(done.numbers) == 1
    [sent] = shipments(engine).values()
    assert (sent.state, sent.manifest_path) == ("dispatched", None)
    assert [r.action for r in audits(engine)] == ["dispatch"]
    monkeypatch.setattr(paper, "write_manifests", real)
    # The flow's manifest task writes what is still owed.
    [path] = in_process_flow.write_manifests.fn(home, [])
    assert shipments(engine)[sent.number].manifest_path == path


# --- receipts: an after-commit effect of receive and collect ---------------------------------


def receipt_states(engine) -> dict[str, str]:
    from distribution.models import Receipt

    with Session(engine) as s:
        return {r.reference: r.state for r in s.exec(select(Receipt))}


@pytest.fixture
def print_spy(engine, monkeypatch) -> list[set[str]]:
    """Each receipt print records the receipts another connection sees then: the hand-over
    whose receipt it prints must be committed already."""
    from distribution import paper
    from distribution.models import Receipt

    real = paper.print_receipts
    seen: list[set[str]] = []

    def spy(*args, **kwargs):
        with Session(engine) as s:
            seen.append({r.reference for r in s.exec(select(Receipt))})
        return real(*args, **kwargs)

    monkeypatch.setattr(paper, "print_receipts", spy)
    return seen


def test_receive_and_collect_print_their_receipt_after_the_commit_from_any_front_end(
    engine, served, home, printed, print_spy
):
    from factory import by_kec, pack_and_dispatch

    packed = pack_and_dispatch(engine, served)
    cawas, bayat = by_kec(packed, CAWAS).number, by_kec(packed, BAYAT).number

    # The dashboard's action layer: the use case prints the serah terima itself.
    got = actions.receive_shipment(engine, OPERATOR, cawas, officer="Sri", settings=home)
    assert got.received == 3 and got.cases == ()
    assert [(r.kind, r.reference, r.ok) for r in got.receipts] == [("serah_terima", cawas, True)]
    # The CLI: the same effect, only shown.
    out = cli("receive", bayat, "--all", "--by", "Agus", "--json")
    [row] = json.loads(out.stdout)["receipts"]  # type: ignore[attr-defined]
    assert (row["kind"], row["reference"], row["printed"]) == ("serah_terima", bayat, True)

    # A hand-over to a resident, from both front ends.
    done = actions.record_collection(
        engine, OPERATOR, printed["rows"][0]["nik"], by="Budi", settings=home
    )
    assert (done.collected_by, done.place, done.kode_kecamatan) == ("Budi", "kecamatan", CAWAS)
    assert [(r.kind, r.reference, r.ok) for r in done.receipts] == [
        ("tanda_terima", printed["cards"][0], True)
    ]
    taken = json.loads(cli("collect", printed["rows"][3]["nik"], "--by", "Ani", "--json").stdout)  # type: ignore[attr-defined]
    assert [(r["reference"], r["printed"]) for r in taken["receipts"]] == [
        (printed["cards"][3], True)
    ]

    # Each print ran after its change committed, and printed only that change's receipt.
    refs = [cawas, bayat, printed["cards"][0], printed["cards"][3]]
    assert [ref in seen for ref, seen in zip(refs, print_spy, strict=True)] == [True] * 4
    assert receipt_states(engine) == dict.fromkeys(refs, "printed")
    assert [r.action for r in audits(engine)] == ["shipment_receive"] * 2 + ["collection"] * 2


def test_a_failing_receipt_printer_leaves_the_receive_committed_and_the_receipt_owed(
    engine, served, home, printed, monkeypatch, caplog
):
    from distribution import paper

    from factory import by_kec, pack_and_dispatch
    from receipt_samples import closed_port

    packed = pack_and_dispatch(engine, served)
    cawas, bayat = by_kec(packed, CAWAS).number, by_kec(packed, BAYAT).number
    actions.set_receipt_printer(
        engine,
        "cli:test",
        CAWAS,
        kind="network",
        target=f"127.0.0.1:{closed_port()}",
        profile="TM-T88V",
    )
    # The Cawas printer cannot be reached: the receive stands, the receipt is owed.
    got = actions.receive_shipment(engine, OPERATOR, cawas, officer="Sri", settings=home)
    [slip] = got.receipts
    assert not slip.ok and slip.message and "tidak dapat dihubungi" in slip.message
    assert shipments(engine)[cawas].state == "received"

    # The print itself breaks (from the CLI): still committed, the receipt still pending.
    real = paper.print_receipts

    def broken(*_args, **_kwargs):
        raise OSError("printer spool gone")

    monkeypatch.setattr(paper, "print_receipts", broken)
    out = cli("receive", bayat, "--all", "--by", "Agus", "--json")
    assert json.loads(out.stdout)["receipts"] == []  # type: ignore[attr-defined]
    assert shipments(engine)[bayat].state == "received"
    assert "after-commit effect failed: receipt (OSError)" in caplog.text
    assert receipt_states(engine) == {cawas: "failed", bayat: "pending"}
    assert [(r.action, r.ok) for r in audits(engine, "shipment_receive")] == [
        ("shipment_receive", True)
    ] * 2

    # Owed receipts print later (the 14:00 flow, cetak receipts print).
    monkeypatch.setattr(paper, "print_receipts", real)
    actions.set_receipt_printer(
        engine, "cli:test", CAWAS, kind="file", target=str(home.receipts_dir), profile="TM-T88V"
    )
    assert sorted(r.reference for r in actions.print_pending_receipts(engine, home)) == sorted(
        [cawas, bayat]
    )
    assert receipt_states(engine) == {cawas: "printed", bayat: "printed"}
