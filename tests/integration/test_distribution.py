"""Distribution at the service level, on SQLite and PostgreSQL: cards printed through the
real print path are packed, dispatched, received card by card, resolved, collected and
traced from PRR to hand; receipts print after the commit and survive a dead printer."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from pypdf import PdfReader
from sqlmodel import Session, select

from cetak.db import write_session
from cetak.lifecycle import RecordState
from cetak.models import Record, RecordEvent, utcnow
from distribution import handover, paper, queries, service
from distribution.errors import (
    AlreadyCollected,
    BadNik,
    BadReceipt,
    CardInOtherShipment,
    CardNotDispatchable,
    CardNotReady,
    CaseClosed,
    NikNotFound,
    NothingToDispatch,
    ResolutionRefused,
    ShipmentAlreadyReceived,
    ShipmentNotDispatched,
    UnknownCardRef,
    UnknownKecamatan,
)
from distribution.models import Collection, Discrepancy, Receipt, Shipment
from inventory import paperwork
from inventory.models import Movement
from inventory.queries import totals
from printers import qc
from printers.models import Card

from factory import (
    BAYAT,
    CAWAS,
    by_kec,
    make_row,
    pack_and_dispatch,
    w,
)


def card(engine, ref: str) -> Card:
    with Session(engine) as s:
        return s.exec(select(Card).where(Card.card_ref == ref)).one()


def rstate(engine, record_id: int) -> str:
    with Session(engine) as s:
        return s.get(Record, record_id).state


def test_passed_cards_are_packed_one_shipment_per_kecamatan_and_dispatched(engine, served, printed):
    with w(engine) as s:
        packed = service.pack(s, served, actor="op")
    assert [(p.kode_kecamatan, p.cards) for p in packed] == [(BAYAT, 2), (CAWAS, 3)]
    day = served.today().strftime("%Y%m%d")
    assert [p.number for p in packed] == [f"KRM-3310-{day}-0001", f"KRM-3310-{day}-0002"]
    assert card(engine, printed["cards"][0]).state == "packed"
    assert rstate(engine, printed["ids"][0]) == RecordState.PACKED
    # The printed-but-not-QC'd Wedi card stays home.
    assert card(engine, printed["cards"][5]).state == "printed"
    with w(engine) as s:
        shipped = service.dispatch(s, actor="op", courier="Bambang")
    assert {x.state for x in shipped} == {"dispatched"}
    assert card(engine, printed["cards"][0]).state == "dispatched"
    assert rstate(engine, printed["ids"][0]) == RecordState.DISPATCHED
    with w(engine) as s, pytest.raises(NothingToDispatch):
        service.pack(s, served, actor="op")
    # Manifests are written once, after the commit.
    paths = paper.write_manifests(engine, home_settings(), served)
    assert len(paths) == 2 and all(p.read_bytes().startswith(b"%PDF") for p in paths)
    cawas = next(p for p in paths if p.stem == by_kec(packed, CAWAS).number)
    text = "".join(page.extract_text() for page in PdfReader(cawas).pages)
    nik = printed["rows"][0]["nik"]
    assert by_kec(packed, CAWAS).number in text and "Cawas" in text
    assert f"{nik[:4]}********{nik[12:]}" in text and nik not in text
    assert "BUDI SANTOSO" in text and "TAMBAKBOYO" in text and "tiga" in text.lower()
    assert paper.write_manifests(engine, home_settings(), served) == []


def home_settings():
    from cetak.settings import Settings

    return Settings()


def test_dispatch_refuses_cards_that_failed_or_skipped_qc_and_unknown_places(
    engine, served, printed
):
    with w(engine) as s, pytest.raises(CardNotDispatchable) as exc:
        service.pack(s, served, actor="op", card_refs=[printed["cards"][0], printed["cards"][5]])
    assert f"{printed['cards'][5]} belum melalui QC" in exc.value.message
    assert card(engine, printed["cards"][0]).state == "passed"  # nothing half-done
    with w(engine) as s, pytest.raises(UnknownCardRef):
        service.pack(s, served, actor="op", card_refs=["K-NOPE"])
    with w(engine) as s, pytest.raises(UnknownKecamatan):
        service.pack(s, served, actor="op", kecamatan="33.10.99")
    with w(engine) as s:
        [only] = service.pack(s, served, actor="op", kecamatan=CAWAS)
    assert only.cards == 3
    with w(engine) as s, pytest.raises(CardNotDispatchable) as exc:
        service.pack(s, served, actor="op", card_refs=[printed["cards"][0]])
    assert "sudah dikemas" in exc.value.message


def test_a_rejected_card_cannot_be_dispatched(engine, served, printed):
    ref = printed["cards"][5]
    with w(engine) as s:
        qc.reject_cards(s, [ref], actor="qc")
    with w(engine) as s, pytest.raises(CardNotDispatchable) as exc:
        service.pack(s, served, actor="op", card_refs=[ref])
    assert "rusak / ditolak QC" in exc.value.message


def test_receipt_is_per_card_and_discrepancies_open_cases(engine, served, printed):
    packed = pack_and_dispatch(engine, served)
    cawas = by_kec(packed, CAWAS)
    c1, c2, c3 = printed["cards"][:3]
    with w(engine) as s:
        got = service.receive(
            s,
            served,
            cawas.number,
            officer="Sri Wahyuni",
            actor="op",
            received=[c1],
            damaged=[c2],
            extra=["K-STRANGER"],
        )
    # c3 was never confirmed: a count is not a proof, it is missing.
    assert got.received == 1 and got.missing == (c3,) and got.unconfirmed == (c3,)
    assert got.damaged == (c2,) and got.extra == ("K-STRANGER",) and len(got.cases) == 3
    assert card(engine, c1).state == "received" and card(engine, c1).received_at is not None
    assert rstate(engine, printed["ids"][0]) == RecordState.RECEIVED
    assert card(engine, c3).state == "dispatched"
    with Session(engine) as s:
        assert (
            s.exec(select(Shipment).where(Shipment.number == cawas.number)).one().state
            == "received"
        )
        assert s.exec(select(Receipt)).one().kind == "serah_terima"
    cases = queries.open_discrepancies(engine_session(engine))
    assert {(c["card_ref"], c["kind"]) for c in cases} == {
        (c2, "damaged"),
        (c3, "missing"),
        ("K-STRANGER", "extra"),
    }
    with w(engine) as s, pytest.raises(ShipmentAlreadyReceived) as exc:
        service.receive(s, served, cawas.number, officer="Sri", actor="op")
    assert "sudah diterima" in exc.value.message


def engine_session(engine) -> Session:
    return Session(engine)


def test_receive_refuses_cards_of_another_shipment_and_undispatched_shipments(
    engine, served, printed
):
    with w(engine) as s:
        packed = service.pack(s, served, actor="op")
    cawas, bayat = by_kec(packed, CAWAS), by_kec(packed, BAYAT)
    with w(engine) as s, pytest.raises(ShipmentNotDispatched):
        service.receive(s, served, cawas.number, officer="Sri", actor="op")
    with w(engine) as s:
        service.dispatch(s, actor="op")
    with w(engine) as s, pytest.raises(CardInOtherShipment) as exc:
        service.receive(
            s,
            served,
            cawas.number,
            officer="Sri",
            actor="op",
            received=[printed["cards"][0], printed["cards"][3]],
        )
    assert f"{printed['cards'][3]} ada di pengiriman {bayat.number}" in exc.value.message
    with w(engine) as s, pytest.raises(BadReceipt):
        service.receive(
            s,
            served,
            cawas.number,
            officer="Sri",
            actor="op",
            received=None,
            missing=[printed["cards"][0]],
            damaged=[printed["cards"][0]],
        )
    with w(engine) as s, pytest.raises(BadReceipt):
        service.receive(s, served, cawas.number, officer=" ", actor="op")
    # Nothing of the refused attempts stuck.
    assert card(engine, printed["cards"][0]).state == "dispatched"
    with Session(engine) as s:
        assert s.exec(select(Discrepancy)).all() == []


def test_resolving_cases_found_lost_damaged(engine, served, printed):
    packed = pack_and_dispatch(engine, served)
    c1, c2, c3 = printed["cards"][:3]
    r1, r2, r3 = printed["ids"][:3]
    with w(engine) as s:
        got = service.receive(
            s,
            served,
            by_kec(packed, CAWAS).number,
            officer="Sri",
            actor="op",
            received=None,
            missing=[c1, c2],
            damaged=[c3],
        )
    case = dict(zip([c1, c2, c3], got.cases, strict=True))
    on_hand_before = totals(Session(engine))
    with w(engine) as s:
        service.resolve(s, case[c1], "found", actor="op", note="terselip di kardus")
    assert card(engine, c1).state == "received" and rstate(engine, r1) == RecordState.RECEIVED
    with w(engine) as s:
        service.resolve(s, case[c2], "lost", actor="kasi")
    assert card(engine, c2).state == "lost"
    assert rstate(engine, r2) == RecordState.QUEUED  # reprint queued
    with Session(engine) as s:
        lost = s.exec(select(Movement).where(Movement.kind == "LOST")).one()
        assert lost.card_ref == c2 and lost.delta_on_hand == 0
    with w(engine) as s:
        service.resolve(s, case[c3], "damaged", actor="kasi")
    assert card(engine, c3).state == "spoiled" and rstate(engine, r3) == RecordState.QUEUED
    with Session(engine) as s:
        spoiled = s.exec(
            select(Movement).where(Movement.card_ref == c3, Movement.kind == "SPOILED")
        ).one()
        assert spoiled.cause == "RUSAK_FISIK"
    # Blanks: one more awaiting destruction, on hand unchanged (the damaged card was a blank
    # consumed once, now counted as spoiled instead).
    on_hand, awaiting = totals(Session(engine))
    assert on_hand == on_hand_before[0] and awaiting == on_hand_before[1] + 1
    assert queries.open_discrepancies(Session(engine)) == []
    with Session(engine) as s:  # the month's report names the lost card
        [month] = paperwork.monthly_lots(s, served, served.today())
    assert month.lost == 1
    with w(engine) as s, pytest.raises(CaseClosed):
        service.resolve(s, case[c2], "found", actor="op")


def test_an_extra_card_case_is_only_closed_as_found(engine, served, printed):
    packed = pack_and_dispatch(engine, served)
    with w(engine) as s:
        got = service.receive(
            s, served, by_kec(packed, CAWAS).number, officer="Sri", actor="op", extra=["K-X"]
        )
    [case] = got.cases
    with w(engine) as s, pytest.raises(ResolutionRefused):
        service.resolve(s, case, "lost", actor="op")
    with w(engine) as s, pytest.raises(ResolutionRefused):
        service.resolve(s, case, "burnt", actor="op")
    with w(engine) as s:
        service.resolve(s, case, "found", actor="op", note="dikembalikan ke kurir")
    with Session(engine) as s:
        assert s.get(Discrepancy, case).resolution == "found"


def receive_all(engine, served, printed):
    packed = pack_and_dispatch(engine, served)
    with w(engine) as s:
        for p in packed:
            service.receive(s, served, p.number, officer="Sri", actor="op")
    return packed


def test_collection_checks_the_nik_and_the_place_and_happens_once(engine, served, printed):
    receive_all(engine, served, printed)
    nik = printed["rows"][0]["nik"]
    with w(engine) as s, pytest.raises(CardNotReady) as exc:
        handover.collect(s, served, nik, by="Budi", officer="op", place="disdukcapil")
    assert "menunggu di Kecamatan Cawas" in exc.value.message
    with w(engine) as s, pytest.raises(CardNotReady) as exc:
        handover.collect(s, served, nik, by="Budi", officer="op", kecamatan=BAYAT)
    assert "bukan di Kecamatan Bayat" in exc.value.message
    with w(engine) as s:
        got = handover.collect(s, served, nik, by="Budi Santoso", officer="op", kecamatan=CAWAS)
    assert got.place == "kecamatan" and got.collected_by == "Budi Santoso"
    assert card(engine, printed["cards"][0]).state == "collected"
    assert rstate(engine, printed["ids"][0]) == RecordState.COLLECTED
    with w(engine) as s, pytest.raises(AlreadyCollected) as exc:
        handover.collect(s, served, nik, by="Budi", officer="op")
    assert "sudah diambil" in exc.value.message and "Budi Santoso" in exc.value.message
    assert nik not in exc.value.message  # the NIK is masked in messages
    with w(engine) as s, pytest.raises(BadNik):
        handover.collect(s, served, "12345", by="Budi", officer="op")
    with w(engine) as s, pytest.raises(NikNotFound):
        handover.collect(s, served, make_row()["nik"], by="Budi", officer="op")
    # The Wedi resident's card is printed but not through QC: not collectable anywhere.
    with w(engine) as s, pytest.raises(CardNotReady):
        handover.collect(
            s, served, printed["rows"][5]["nik"], by="X", officer="op", place="disdukcapil"
        )
    with Session(engine) as s:
        assert len(s.exec(select(Collection)).all()) == 1
        kinds = sorted(r.kind for r in s.exec(select(Receipt)))
        assert kinds == ["serah_terima", "serah_terima", "tanda_terima"]


def test_collect_at_the_disdukcapil_counter_and_returned_cards(engine, served, printed):
    # A card never sent out is handed over at the counter.
    with w(engine) as s:
        got = handover.collect(
            s, served, printed["rows"][3]["nik"], by="Wati", officer="op", place="disdukcapil"
        )
    assert got.place == "disdukcapil"
    receive_all(engine, served, printed)
    with w(engine) as s:
        assert handover.return_cards(s, [printed["cards"][1]], actor="op") == 1
    assert card(engine, printed["cards"][1]).state == "returned"
    assert rstate(engine, printed["ids"][1]) == RecordState.READY
    with w(engine) as s, pytest.raises(CardNotReady):
        handover.collect(s, served, printed["rows"][1]["nik"], by="X", officer="op")
    with w(engine) as s:
        handover.collect(
            s, served, printed["rows"][1]["nik"], by="X", officer="op", place="disdukcapil"
        )
    with w(engine) as s, pytest.raises(NothingToDispatch):
        service.pack(s, served, actor="op")  # a returned card is not sent out again by itself


def test_status_uncollected_jemput_bola_and_trace(engine, served, printed):
    receive_all(engine, served, printed)
    with write_session(engine) as s:  # the Bayat cards arrived 95 days ago
        s.execute(
            sa.update(Card)
            .where(Card.card_ref.in_(printed["cards"][3:5]))
            .values(received_at=utcnow() - timedelta(days=95))
        )
    with w(engine) as s:
        handover.collect(s, served, printed["rows"][0]["nik"], by="Budi", officer="op")
    today = served.today()
    with Session(engine) as s:
        status = {r["kode_kecamatan"]: r for r in queries.distribution_status(s, today=today)}
        ages = {r["kode_kecamatan"]: r for r in queries.uncollected_ages(s, today=today)}
        jb = queries.jemput_bola(s, today=today)
        back = queries.return_list(s, today=today, days=90)
        t = queries.trace(s, printed["rows"][0]["nik"])
        t_card = queries.trace(s, printed["cards"][0])
    assert status[CAWAS]["collected"] == 1 and status[CAWAS]["received"] == 2
    assert status[BAYAT]["received"] == 2 and status[BAYAT]["oldest_uncollected_days"] == 95
    assert ages[BAYAT] == {**ages[BAYAT], "waiting": 2, "over_30": 2, "over_60": 2, "over_90": 2}
    assert ages[CAWAS]["over_30"] == 0
    # Bayat residents were born in 1950: 76, visit them.
    assert {r["card_ref"] for r in jb} == set(printed["cards"][3:5])
    assert all(r["umur"] >= 65 and "*" in r["nik"] for r in jb)
    assert {r["card_ref"] for r in back} == set(printed["cards"][3:5])
    assert t == t_card
    assert [e["to"] for e in t["events"]] == [
        "queued",
        "scheduled",
        "printed",
        "ready",
        "packed",
        "dispatched",
        "received",
        "collected",
    ]
    assert t["collection"]["by"] == "Budi" and t["cards"][0]["shipment"].startswith("KRM-3310-")
    assert "*" in t["nik"]
    # The same lists as a report the section head signs.
    pdf = paper.uncollected_report(engine, home_settings(), served)
    text = " ".join(page.extract_text() for page in PdfReader(pdf).pages)
    assert "LAPORAN KTP-EL BELUM DIAMBIL" in text and "Bayat" in text
    bayat = printed["rows"][3]["nik"]
    assert f"{bayat[:4]}********{bayat[12:]}" in text and bayat not in text
    assert "Daftar jemput bola: pemohon berusia 65 tahun ke atas" in text
    assert "Mengetahui," in text and "Disiapkan oleh," in text


def test_receipts_print_after_the_commit_and_a_dead_printer_keeps_the_handover(
    engine, served, printed, home
):
    receive_all(engine, served, printed)
    with w(engine) as s:
        paper.set_printer(
            s, CAWAS, kind="network", target="127.0.0.1:1", profile="TM-T88V", actor="op"
        )
        handover.collect(s, served, printed["rows"][0]["nik"], by="Budi", officer="cli:sri")
    results = paper.print_receipts(engine, home, served)
    by_ref = {r.reference: r for r in results}
    assert not by_ref[printed["cards"][0]].ok
    assert "tidak dapat dihubungi" in by_ref[printed["cards"][0]].message
    # The hand-over stands; the Bayat slip went to the default file folder.
    assert card(engine, printed["cards"][0]).state == "collected"
    bayat_slip = [r for r in results if r.kind == "serah_terima" and r.ok]
    assert bayat_slip and (home.receipts_dir).is_dir()
    assert any(p.suffix == ".bin" for p in home.receipts_dir.iterdir())
    # Fix the printer (a file this time) and retry: only the failed ones print.
    with w(engine) as s:
        paper.set_printer(
            s, CAWAS, kind="file", target=str(home.receipts_dir), profile="TM-T88V", actor="op"
        )
    again = paper.print_receipts(engine, home, served)
    assert {r.reference for r in again} == {r.reference for r in results if not r.ok}
    assert all(r.ok for r in again)
    slip = (home.receipts_dir / f"{printed['cards'][0]}.bin").read_bytes()
    assert b"TANDA TERIMA" in slip and printed["rows"][0]["nik"].encode() not in slip
    with Session(engine) as s:
        assert {r.state for r in s.exec(select(Receipt))} == {"printed"}


def test_every_card_is_accounted_for(engine, served, printed):
    """Blanks consumed = cards passed/shipped/held + lost; spoiled ones are in the ledger."""
    packed = pack_and_dispatch(engine, served)
    with w(engine) as s:
        got = service.receive(
            s,
            served,
            by_kec(packed, CAWAS).number,
            officer="Sri",
            actor="op",
            missing=[printed["cards"][0]],
        )
        service.resolve(s, got.cases[0], "lost", actor="op")
    with Session(engine) as s:
        consumed = s.execute(
            sa.select(sa.func.sum(Movement.delta_on_hand)).where(Movement.kind == "CONSUMED")
        ).scalar_one()
        cards = dict(s.execute(sa.select(Card.state, sa.func.count()).group_by(Card.state)).all())
        events = s.exec(select(RecordEvent).where(RecordEvent.record_id == printed["ids"][0])).all()
    good = sum(n for st, n in cards.items() if st not in ("spoiled", "void"))
    assert -consumed == good  # every consumed blank is a card somewhere, lost ones included
    assert cards["lost"] == 1
    assert events[-1].to_state == "queued" and "hilang" in events[-1].reason


def test_the_daily_distribution_flow_packs_once_and_writes_manifests(
    engine, served, printed, home, prefect_api
):
    from workflows.distribution import distribution

    first = distribution()
    assert sorted((s["kode_kecamatan"], s["cards"]) for s in first["shipments"]) == [
        (BAYAT, 2),
        (CAWAS, 3),
    ]
    assert len(first["manifests"]) == 2
    second = distribution()  # a rerun (or a retried task) packs nothing twice
    assert second["shipments"] == [] and second["manifests"] == []
    with Session(engine) as s:
        assert {sh.state for sh in s.exec(select(Shipment))} == {"dispatched"}
        # Cards that waited too long raise one alert per kecamatan and week.
        s.execute(
            sa.update(Card)
            .where(Card.state == "dispatched")
            .values(state="received", received_at=utcnow() - timedelta(days=120))
        )
        s.commit()
    assert distribution()["alerts"] == 2
    assert distribution()["alerts"] == 0
