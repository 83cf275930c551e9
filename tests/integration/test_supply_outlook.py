"""The backlog outlook under central's real supply (issue 15, item 5), read from the
office's requests and lots on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import Session

from application.supply import outlook
from cetak.settings import Settings
from inventory import ledger
from inventory.models import ReorderRequest

from factory import ingest, make_row


def test_central_answers_are_learned_and_the_backlog_projected(engine, served, home, tmp_path):
    today = served.today()
    sent = datetime.now(UTC) - timedelta(days=30)
    with Session(engine) as s:
        for n, (asked, given, state) in enumerate(
            ((2000, 500, "RECEIVED"), (1000, None, "CANCELLED"), (1500, 300, "CONFIRMED")), 1
        ):
            s.add(
                ReorderRequest(
                    number=f"470/SPB-00{n}/XI/2026",
                    state=state,
                    quantity=asked,
                    confirmed_quantity=given,
                    snapshot_json="{}",
                    actor="t",
                    created_at=sent,
                    sent_at=sent,
                )
            )
        s.commit()
        ledger.receive_stock(
            s,
            lot="L1",
            quantity=500,
            actor="t",
            received_on=today - timedelta(days=10),
            request_id=1,
        )
        s.commit()
    ingest(engine, served, home, tmp_path, [make_row() for _ in range(40)])
    view = outlook(engine, Settings(home=home.home, database_url=home.url), days=30)
    # 800 confirmed of 3,500 asked (the cancelled request is not an answer)
    assert view.learned.delivery_ratio == round(800 / 3500, 4)
    assert view.learned.lead_days == 20
    assert view.backlog == 40 and view.on_hand == 500
    assert len(view.without) == 30 and view.open_request == "470/SPB-003/XI/2026"
    assert view.expected is not None and view.expected[1] == 300  # confirmed: as confirmed
    js = view.as_json()
    assert js["antrean_prr"] == 40 and len(js["dengan_permintaan"]) == 30
