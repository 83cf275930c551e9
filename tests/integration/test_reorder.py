"""The daily reorder check on a real database: requests, letters and alerts, once each.

The situation is Klaten's (DOMAIN.md): 4,000 blanks on the shelf, 600 used a day (570
printed and 30 spoiled) over the last ten days, a backlog of 2,450 PRRs that arrived at
245 a day. By hand, with r = 300 / 6,000 = 0.05, sd = 0, L = R = 7:

    reorder point = ceil(2,450 / 0.95 + 245 x 7)  = ceil(4,293.95) = 4,294  >= 4,000: due
    order up to   = ceil(2,450 / 0.95 + 245 x 14) = ceil(6,008.95) = 6,009
    quantity      = 6,009 - 4,000 = 2,009, in boxes of 100: 2,100
    days of cover = 4,000 / 600 = 6.67 < 7: escalate
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from cetak.db import write_session
from cetak.models import Alert, Record
from cetak.notify import FileNotifier, deliver_pending, raise_alert
from cetak.office import file_name
from cetak.settings import Settings
from intake.service import ingest_one
from inventory import ledger, paperwork, queries, reorder
from inventory.errors import RequestStateError
from inventory.ledger import DEFAULT_SITE
from inventory.models import Lot, ReorderRequest
from inventory.rules import Kind

from factory import BatchSpec, make_row, new_request

ACTOR = "test"
BACKLOG = 2_450
ARRIVALS_PER_DAY = 245
WINDOW = 10


@pytest.fixture
def settings(home: Settings, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """A ten-day usage window (the flows read the same from the environment)."""
    monkeypatch.setenv("CETAK_USAGE_WINDOW_DAYS", str(WINDOW))
    return Settings()


def local_time(served, day: date, hour: int = 12) -> datetime:
    return datetime.combine(day, time(hour), served.zone).astimezone(UTC)


def build_klaten(engine, served, settings: Settings, tmp_path: Path) -> date:
    """Stock, ten days of use and a PRR backlog as described at the top of this file."""
    today = served.today()
    with write_session(engine) as s:
        old_day = today - timedelta(days=WINDOW + 1)
        ledger.receive_stock(
            s,
            lot="LOT-2026-A",
            quantity=6_000,
            actor=ACTOR,
            received_on=old_day,
            at=local_time(served, old_day, 9),
        )
        for k in range(1, WINDOW + 1):
            day = today - timedelta(days=k)
            # One movement per day and kind stands for the day's cards (the sums are what count).
            ledger.post(
                s,
                key=f"history:{day}:printed",
                kind=Kind.CONSUMED,
                site=DEFAULT_SITE,
                lot="LOT-2026-A",
                delta_on_hand=-570,
                actor=ACTOR,
                at=local_time(served, day),
            )
            ledger.post(
                s,
                key=f"history:{day}:spoiled",
                kind=Kind.SPOILED,
                site=DEFAULT_SITE,
                lot="LOT-2026-A",
                delta_on_hand=-30,
                delta_spoiled=30,
                cause="GAGAL_CETAK",
                actor=ACTOR,
                at=local_time(served, day, 15),
            )
        ledger.receive_stock(
            s,
            lot="LOT-2026-B",
            quantity=4_000,
            actor=ACTOR,
            received_on=today,
            reference="470/123/Dukcapil",
        )
    path = BatchSpec(rows=[make_row(seq=i) for i in range(BACKLOG)]).write(tmp_path / "inbox")
    ack = ingest_one(
        engine=engine,
        path=path,
        served=served,
        today=today,
        home_dirs=(settings.archive_dir, settings.rejected_dir, settings.outbox_dir),
    )
    assert ack["queued"] == BACKLOG
    # The PRRs arrived over the window, 245 a day.
    with engine.begin() as conn:
        ids = list(conn.execute(sa.select(Record.id).order_by(Record.id)).scalars())
        for k in range(1, WINDOW + 1):
            chunk = ids[(k - 1) * ARRIVALS_PER_DAY : k * ARRIVALS_PER_DAY]
            arrived = local_time(served, today - timedelta(days=k), 8)
            conn.execute(
                sa.update(Record.__table__)
                .where(Record.__table__.c.id.in_(chunk))
                .values(created_at=arrived)
            )
    return today


def run_check(engine, served, settings: Settings, today: date) -> reorder.CheckResult:
    with write_session(engine) as s:
        return reorder.check(s, settings=settings, served=served, today=today, actor=ACTOR)


def alerts(engine) -> list[tuple[str, str, str]]:
    with engine.connect() as conn:
        rows = conn.execute(sa.select(Alert.key, Alert.kind, Alert.level).order_by(Alert.id))
        return [tuple(r) for r in rows]


def requests(engine) -> list[ReorderRequest]:
    with write_session(engine) as s:
        return list(s.exec(sa.select(ReorderRequest).order_by(ReorderRequest.id)).scalars())


def receive_against(engine, lot: str, quantity: int, ref: str | None):
    """What ``cetak stock receive [--request REF]`` does, in one transaction."""
    with write_session(engine) as s:
        closed = reorder.close_on_receipt(s, ref)
        ledger.receive_stock(
            s,
            lot=lot,
            quantity=quantity,
            actor=ACTOR,
            received_on=date(2026, 11, 24),
            request_id=closed.id if closed else None,
        )
        return closed.number if closed else None


# --- the check -----------------------------------------------------------------------------


def test_klaten_creates_one_draft_request_in_whole_boxes_with_a_reorder_and_escalation_alert(
    engine, served, settings, tmp_path
):
    today = build_klaten(engine, served, settings, tmp_path)
    result = run_check(engine, served, settings, today)

    assert result.facts.on_hand == 4_000
    assert result.facts.daily_consumption == pytest.approx(600)
    assert result.facts.spoilage_rate == pytest.approx(0.05)
    assert result.facts.new_prr_per_day == pytest.approx(ARRIVALS_PER_DAY)
    assert result.facts.prr_backlog == BACKLOG
    assert result.position.reorder_point == 4_294
    assert result.position.order_up_to == 6_009
    assert result.position.days_of_cover == pytest.approx(4_000 / 600)
    assert result.position.reorder_due and result.position.escalate

    assert result.created
    (request,) = requests(engine)
    assert request.state == "DRAFT"
    assert request.quantity == 2_100 and request.quantity % settings.reorder_box == 0
    roman = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"]
    assert request.number == f"470/SPB-001/{roman[today.month - 1]}/{today.year}"
    snapshot = json.loads(request.snapshot_json)
    assert snapshot["facts"]["prr_backlog"] == BACKLOG  # central allocates by PRR backlog
    assert alerts(engine) == [
        (f"reorder:{request.number}", "REORDER", "WARNING"),
        (f"escalate:{request.number}", "REORDER_ESCALATION", "CRITICAL"),
    ]


def test_no_escalation_while_the_stock_outlasts_the_lead_time(
    engine, served, settings, tmp_path, monkeypatch
):
    monkeypatch.setenv("CETAK_LEAD_TIME_DAYS", "6")  # 6.67 days of cover > 6
    settings = Settings()
    today = build_klaten(engine, served, settings, tmp_path)
    result = run_check(engine, served, settings, today)
    # ceil(2,578.95 + 245 x 6) = 4,049 >= 4,000; up to ceil(2,578.95 + 245 x 13) = 5,764.
    assert (result.position.reorder_point, result.position.order_up_to) == (4_049, 5_764)
    assert result.created and result.request.quantity == 1_800
    assert not result.position.escalate
    assert [kind for _, kind, _ in alerts(engine)] == ["REORDER"]


def test_running_the_check_again_creates_no_second_request_and_no_second_alert(
    engine, served, settings, tmp_path
):
    today = build_klaten(engine, served, settings, tmp_path)
    first = run_check(engine, served, settings, today)
    second = run_check(engine, served, settings, today)
    assert first.created and not second.created
    assert second.request.number == first.request.number
    assert len(first.alerts) == 2 and second.alerts == []
    assert len(requests(engine)) == 1 and len(alerts(engine)) == 2

    # Sent and confirmed, the request stays the open one; still nothing new.
    with write_session(engine) as s:
        reorder.mark_sent(s, first.request.number)
        reorder.confirm(s, first.request.number)
    third = run_check(engine, served, settings, today)
    assert not third.created and third.facts.in_transit == 2_100
    assert len(requests(engine)) == 1 and len(alerts(engine)) == 2


def test_a_fresh_installation_without_stock_or_demand_asks_for_nothing(engine, served, settings):
    result = run_check(engine, served, settings, served.today())
    assert result.position.order_quantity == 0
    assert result.request is None and not result.created
    assert requests(engine) == [] and alerts(engine) == []


def test_a_stocked_out_day_is_left_out_of_the_daily_usage(engine, served, settings):
    today = served.today()
    out_day = today - timedelta(days=3)
    with write_session(engine) as s:
        ledger.receive_stock(
            s,
            lot="LOT-A",
            quantity=9_000,
            actor=ACTOR,
            received_on=today - timedelta(days=20),
            at=local_time(served, today - timedelta(days=20)),
        )
        for k in range(1, WINDOW + 1):
            day = today - timedelta(days=k)
            ledger.post(
                s,
                key=f"use:{day}",
                kind=Kind.CONSUMED,
                site=DEFAULT_SITE,
                lot="LOT-A",
                delta_on_hand=-(150 if day == out_day else 600),
                actor=ACTOR,
                at=local_time(served, day, 3),  # 03:00 WIB is the day before in UTC
            )

    def daily() -> float:
        with write_session(engine) as s:
            facts, _ = reorder.position(s, settings=settings, served=served, today=today)
        return facts.daily_consumption

    assert daily() == pytest.approx((9 * 600 + 150) / 10)
    with write_session(engine) as s:
        raise_alert(
            s,
            key=f"stock-out:{out_day}",
            kind=queries.STOCK_OUT,
            level="CRITICAL",
            message="blangko habis",
            at=local_time(served, out_day, 2),
        )
    assert daily() == pytest.approx(600)
    with write_session(engine) as s:
        history, _ = queries.usage_history(s, today=today, window_days=WINDOW, tz=served.timezone)
    assert [h.day for h in history if h.stocked_out] == [out_day]
    assert {h.used for h in history if not h.stocked_out} == {600}


# --- the request's life --------------------------------------------------------------------


def test_confirming_puts_blanks_in_transit_and_the_receipt_closes_the_request(engine, served):
    number = new_request(engine)
    with write_session(engine) as s:
        assert reorder.mark_sent(s, number).state == "SENT"
        assert reorder.mark_sent(s, number).state == "SENT"  # repeated: no harm
        assert reorder.in_transit(s) == 0  # sent, not yet confirmed
        confirmed = reorder.confirm(s, number, quantity=1_800)
        assert (confirmed.state, confirmed.confirmed_quantity) == ("CONFIRMED", 1_800)
        assert reorder.in_transit(s) == 1_800
        with pytest.raises(RequestStateError):
            reorder.mark_sent(s, number)

    assert receive_against(engine, "LOT-2026-12", 1_800, ref=None) == number
    with write_session(engine) as s:
        request = reorder.find(s, number)
        assert request.state == "RECEIVED" and request.closed_at is not None
        assert reorder.in_transit(s) == 0 and reorder.open_request(s) is None
        assert s.get(Lot, "LOT-2026-12").request_id == request.id


def test_receiving_against_a_sent_request_by_number_closes_it(engine, served):
    number = new_request(engine, state="SENT")
    assert receive_against(engine, "LOT-2026-12", 2_000, ref=number) == number
    with write_session(engine) as s:
        assert reorder.find(s, number).state == "RECEIVED"


def test_a_draft_request_is_not_closed_by_a_receipt(engine, served):
    number = new_request(engine)
    assert receive_against(engine, "LOT-X", 10, ref=None) is None  # an unrelated delivery
    with pytest.raises(RequestStateError):
        receive_against(engine, "LOT-Y", 10, ref=number)
    with write_session(engine) as s:
        assert reorder.find(s, number).state == "DRAFT"
        assert s.get(Lot, "LOT-Y") is None  # the refused receipt rolled back whole


@pytest.mark.parametrize("state", ["DRAFT", "SENT", "CONFIRMED"])
def test_an_open_request_can_be_cancelled_once(engine, served, state):
    number = new_request(engine, state=state)
    with write_session(engine) as s:
        cancelled = reorder.cancel(s, number, reason="pusat mengirim tanpa permintaan")
        assert cancelled.state == "CANCELLED" and cancelled.closed_at is not None
    for action in (
        lambda s: reorder.cancel(s, number, reason="lagi"),
        lambda s: reorder.confirm(s, number),
        lambda s: reorder.mark_sent(s, number),
    ):
        with pytest.raises(RequestStateError) as info, write_session(engine) as s:
            action(s)
        assert "CANCELLED" in info.value.message


def test_a_received_request_cannot_be_cancelled(engine, served):
    number = new_request(engine, state="RECEIVED")
    with pytest.raises(RequestStateError) as info, write_session(engine) as s:
        reorder.cancel(s, number, reason="x")
    assert info.value.message == (f"permintaan {number} berstatus RECEIVED; tidak dapat dibatalkan")


# --- documents and alerts after the commit -------------------------------------------------


def test_the_letter_is_written_after_the_commit_exactly_once(engine, served, settings, tmp_path):
    today = build_klaten(engine, served, settings, tmp_path)
    letters = settings.documents_dir / "surat"

    # A check that rolls back leaves no request and so no letter.
    with pytest.raises(RuntimeError), write_session(engine) as s:
        reorder.check(s, settings=settings, served=served, today=today, actor=ACTOR)
        raise RuntimeError("crash before commit")
    assert requests(engine) == []
    assert paperwork.produce_pending(engine, settings, served) == []

    # Committed, then a crash before the document: the row waits without a path.
    result = run_check(engine, served, settings, today)
    (request,) = requests(engine)
    assert request.letter_path is None and not letters.exists()

    (path,) = paperwork.produce_pending(engine, settings, served)
    assert path == letters / f"{file_name(result.request.number)}.pdf"  # 470-SPB-001-XII-2026
    assert requests(engine)[0].letter_path == str(path)
    first = path.read_bytes()
    assert first.startswith(b"%PDF")
    assert paperwork.produce_pending(engine, settings, served) == []

    # A crash after writing the file but before recording it: the same file again.
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE reorderrequest SET letter_path = NULL"))
    assert paperwork.produce_pending(engine, settings, served) == [path]
    assert path.read_bytes() == first
    assert list(letters.iterdir()) == [path]
    assert paperwork.produce_pending(engine, settings, served) == []


def test_a_request_cancelled_before_its_letter_gets_no_letter(engine, served, settings):
    number = new_request(engine)
    with write_session(engine) as s:
        reorder.cancel(s, number, reason="salah hitung")
    assert paperwork.produce_pending(engine, settings, served) == []


def test_alerts_are_delivered_to_files_once_per_key(engine, served, settings, tmp_path):
    today = build_klaten(engine, served, settings, tmp_path)
    number = run_check(engine, served, settings, today).request.number
    safe = number.replace("/", "_")  # a file name holds no slash: 470_SPB-001_XII_2026
    notifier = FileNotifier(settings.alerts_dir)

    assert deliver_pending(engine, notifier) == 2
    files = sorted(p.name for p in settings.alerts_dir.iterdir())
    assert files == [f"escalate_{safe}.json", f"reorder_{safe}.json"]
    sent = json.loads((settings.alerts_dir / f"reorder_{safe}.json").read_text("utf-8"))
    assert (sent["key"], sent["kind"], sent["level"]) == (f"reorder:{number}", "REORDER", "WARNING")
    assert sent["data"]["request"] == number and sent["data"]["on_hand"] == 4_000
    assert "Stok blangko menipis" in sent["message"]
    assert deliver_pending(engine, notifier) == 0

    run_check(engine, served, settings, today)  # re-run: no new alert to deliver
    assert deliver_pending(engine, notifier) == 0

    # A crash after sending, before marking it delivered: sent again to the same file.
    with engine.begin() as conn:
        conn.execute(
            sa.update(Alert.__table__)
            .where(Alert.__table__.c.key == f"reorder:{number}")
            .values(delivered_at=None)
        )
    assert deliver_pending(engine, notifier) == 1
    assert sorted(p.name for p in settings.alerts_dir.iterdir()) == files


# --- the flow ------------------------------------------------------------------------------


@pytest.mark.slow
def test_the_reorder_check_flow_requests_once_and_is_quiet_when_run_again(
    engine, served, settings, tmp_path, prefect_api
):
    from workflows.stock import reorder_check

    build_klaten(engine, served, settings, tmp_path)
    outcome = reorder_check()
    number = outcome["request"]["number"]
    assert outcome["created"] is True
    assert outcome["request"] == {"number": number, "state": "DRAFT", "quantity": 2_100}
    assert outcome["facts"]["on_hand"] == 4_000 and outcome["facts"]["prr_backlog"] == BACKLOG
    assert outcome["position"]["reorder_point"] == 4_294
    assert outcome["position"]["escalate"] is True
    assert outcome["alerts"] == [f"reorder:{number}", f"escalate:{number}"]
    letter = settings.documents_dir / "surat" / f"{file_name(number)}.pdf"
    assert outcome["documents"] == [str(letter)]
    assert Path(outcome["documents"][0]).read_bytes().startswith(b"%PDF")
    assert outcome["delivered"] == 2
    assert len(list(settings.alerts_dir.glob("*.json"))) == 2

    again = reorder_check()
    assert again["created"] is False and again["request"]["number"] == number
    assert (again["alerts"], again["documents"], again["delivered"]) == ([], [], 0)
