"""The dashboard through ``streamlit.testing.v1.AppTest``: the login gate, every page for
every role, figures against the database, what each role may see and do, and one action
of each kind performed through the pages leaving its audit row."""

from __future__ import annotations

import inspect
import io
import re
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import Session, select
from streamlit.testing.v1 import AppTest

from application import actions
from cetak.access import Action, Actor, Role, allowed
from cetak.db import make_engine
from cetak.models import Record, utcnow
from cetak.settings import Settings
from dashboard import data
from inventory.models import Lot, ReorderRequest, StockCount
from inventory.queries import totals
from printers.models import Card, Printer

import dashboard_seed
from dashboard_pages import app, audits, button, logged_in, metric, texts
from dashboard_seed import PASSWORD

PAGES = ["ringkasan", "antrian", "stok", "distribusi", "karantina", "audit"]
NIK_RUN = re.compile(r"(?<!\d)\d{16}(?!\d)")


# --- fixtures --------------------------------------------------------------------------------


# --- the login gate --------------------------------------------------------------------------


def test_a_visitor_sees_the_login_form_and_nothing_else(room):
    at = app().run()
    assert not at.exception
    assert [t.label for t in at.text_input] == ["Nama pengguna", "Kata sandi"]
    assert not at.metric and not at.dataframe and not at.sidebar.button
    assert not any(NIK_RUN.search(t) for t in texts(at))
    assert all("Ringkasan" not in t for t in texts(at))
    with pytest.raises(ValueError):
        at.switch_page("pages/ringkasan.py")  # the pages are not even registered


def test_a_wrong_password_is_refused_with_an_indonesian_message_and_audited(room):
    engine, _ = room
    at = app().run()
    at.text_input(key="login_name").input("kasi")
    at.text_input(key="login_password").input("salah-sekali")
    button(at, "Masuk").click().run()
    assert [e.value for e in at.error] == ["Nama pengguna atau kata sandi salah"]
    assert not at.metric
    failed = audits(engine, "login_failed")
    assert [(a.actor, a.ok) for a in failed] == [("kasi", False)]


def test_a_login_opens_the_summary_and_keluar_ends_the_session(room):
    engine, _ = room
    at = app().run()
    at.text_input(key="login_name").input("kasi")
    at.text_input(key="login_password").input(PASSWORD)
    button(at, "Masuk").click().run()
    assert not at.exception
    assert at.title[0].value == "Ringkasan"
    assert at.session_state["actor"] == Actor("kasi", Role.SUPERVISOR)
    assert [a.actor for a in audits(engine, "login")] == ["kasi"]
    at.sidebar.button(key="logout").click().run()
    assert "actor" not in at.session_state
    assert not at.metric and not at.dataframe


def test_an_idle_session_expires_back_to_the_login_form(room):
    at = logged_in(Role.SUPERVISOR)
    at.session_state["last_seen"] = utcnow() - timedelta(minutes=31)
    at.run()
    assert "actor" not in at.session_state
    assert not at.metric and not at.dataframe


def test_repeated_failures_lock_the_account_with_a_message(room):
    at = app().run()
    for _ in range(5):
        at.text_input(key="login_name").input("ops")
        at.text_input(key="login_password").input("bukan-sandinya")
        button(at, "Masuk").click().run()
    assert "dikunci" in at.error[0].value
    at.text_input(key="login_password").input(PASSWORD)
    button(at, "Masuk").click().run()
    assert "dikunci" in at.error[0].value and not at.metric


# --- every page, every role ------------------------------------------------------------------


@pytest.mark.parametrize("role", list(Role))
def test_every_page_renders_for_every_role_without_an_error(room, role):
    at = logged_in(role)
    for page in PAGES:
        at.switch_page(f"pages/{page}.py").run()
        assert not at.exception, (page, [e.value for e in at.exception])
        assert at.title, page
        assert not at.error, (page, [e.value for e in at.error])


def test_the_summary_figures_are_those_of_the_database(room):
    engine, seeded = room
    at = logged_in(Role.VIEWER)
    with Session(engine) as s:
        waiting = s.execute(
            sa.select(sa.func.count()).where(Record.state.in_(["queued", "held", "scheduled"]))
        ).scalar()
        on_hand, _ = totals(s)
        by_state = dict(
            s.execute(sa.select(Card.state, sa.func.count()).group_by(Card.state)).all()
        )
    assert metric(at, "PRR menunggu cetak") == str(waiting) == "5"
    assert metric(at, "Dicetak hari ini") == "10"
    assert metric(at, "Blangko di tangan") == str(on_hand) == "490"
    assert metric(at, "Permintaan blangko terbuka") == seeded.request
    assert metric(at, "KTP-el menunggu diambil") == str(by_state["received"])
    assert metric(at, "Kartu menunggu QC") == str(by_state["printed"]) == "3"
    assert metric(at, "Selisih kiriman terbuka") == "1"
    warnings = " ".join(w.value for w in at.warning)
    assert "fargo-2" in warnings and seeded.request in warnings


def test_the_distribution_page_counts_cards_per_kecamatan(room):
    at = logged_in(Role.VIEWER, "distribusi")
    assert metric(at, "Dalam pengiriman") == "2"  # the card missing at receipt is not
    assert metric(at, "Hilang") == "1"  # ... it is missing (issue 11, item 18)
    assert metric(at, "Di kecamatan") == "2"
    assert metric(at, "Diambil pemohon") == "1"
    table = at.dataframe[0].value
    assert set(table["Kecamatan"]) == {"Cawas", "Klaten Utara"}


# --- what each role sees ---------------------------------------------------------------------

FORMS = {
    "antrian": {Action.PRINTER_STATE: "Simpan status printer", Action.QC: "Simpan hasil QC"},
    "stok": {
        Action.STOCK_RECEIPT: "Simpan penerimaan",
        Action.STOCK_TAKE: "Simpan stok opname",
        Action.REORDER_UPDATE: "Simpan permintaan",
    },
    "distribusi": {
        Action.SHIPMENT_RECEIVE: "Simpan penerimaan kiriman",
        Action.DISCREPANCY_RESOLVE: "Simpan penyelesaian",
        Action.COLLECTION: "Simpan pengambilan",
    },
}


@pytest.mark.parametrize("role", list(Role))
def test_a_role_sees_exactly_the_actions_it_may_do(room, role):
    at = logged_in(role)
    for page, forms in FORMS.items():
        at.switch_page(f"pages/{page}.py").run()
        labels = {b.label for b in at.button}
        for action, label in forms.items():
            assert (label in labels) == allowed(role, action), (role, page, label)


def test_niks_are_whole_only_for_roles_that_check_them(room):
    _, seeded = room
    full = seeded.niks[7]  # a card awaiting QC
    masked = f"{full[:4]}********{full[12:]}"
    for role in Role:
        shown = " ".join(texts(logged_in(role, "antrian")))
        if allowed(role, Action.VIEW_FULL_NIK):
            assert full in shown, role
        else:
            assert full not in shown and masked in shown, role
            assert not NIK_RUN.search(shown), role


def test_the_quarantine_export_is_offered_only_to_roles_that_may_export(room):
    engine, _ = room
    for role in Role:
        at = logged_in(role, "karantina")
        assert metric(at, "Record karantina") == "1"
        offered = [b for b in at.button if b.label == "Unduh CSV untuk pusat"]
        assert bool(offered) == allowed(role, Action.EXPORT_QUARANTINE), role
    with Session(engine) as s:
        nik = s.exec(select(Record.nik).where(Record.state == "quarantined")).one()
        csv_text = data.quarantine_csv(s, show_nik=lambda n: "MASKED:" + n).decode()
    header, row = csv_text.splitlines()
    assert header == "prr_id,batch_id,row_number,reason,reason_detail,nik"
    assert row.endswith(f"MASKED:{nik}") and "BAD_NIK_FORMAT" in row


def test_the_quarantine_export_is_role_checked_audited_and_masks_niks(room):
    from cetak.access import Forbidden
    from cetak.installation import load_installation
    from dashboard import ui

    engine, _ = room
    served, settings = load_installation(engine), Settings()
    with Session(engine) as s:
        nik = s.exec(select(Record.nik).where(Record.state == "quarantined")).one()
    manager = ui.Context(settings, engine, served, Actor("stok", Role.STOCK_MANAGER))
    csv_text = ui.export_quarantine(manager, {"reason": "BAD_NIK_FORMAT"}).decode()
    assert csv_text.splitlines()[1].endswith(",*****")  # a 5-digit NIK, masked whole
    assert nik not in csv_text
    viewer = ui.Context(settings, engine, served, Actor("tamu", Role.VIEWER))
    with pytest.raises(Forbidden):
        ui.export_quarantine(viewer, {})
    rows = audits(engine, "quarantine_export")
    assert [(a.actor, a.ok) for a in rows] == [("stok", True), ("tamu", False)]


# --- actions through the pages ---------------------------------------------------------------


def submitted(at: AppTest, label: str) -> AppTest:
    button(at, label).click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    return at


def test_an_operator_takes_a_printer_down_and_up_with_audit_rows(room):
    engine, _ = room
    at = logged_in(Role.OPERATOR, "antrian")
    at.selectbox(key="printer_name").set_value("fargo-1")
    at.radio(key="printer_move").set_value("down")
    at.text_input(key="printer_reason").input("kartu macet")
    submitted(at, "Simpan status printer")
    assert at.success[0].value == "Printer fargo-1 dihentikan untuk perawatan."
    with Session(engine) as s:
        assert s.get(Printer, "fargo-1").state == "maintenance"
    at.selectbox(key="printer_name").set_value("fargo-2")
    at.radio(key="printer_move").set_value("up")
    at.text_input(key="printer_reason").input("ribbon diganti")
    submitted(at, "Simpan status printer")
    with Session(engine) as s:
        assert s.get(Printer, "fargo-2").state == "online"
    assert [(a.actor, a.target) for a in audits(engine, "printer_down")] == [("ops", "fargo-1")]
    assert [(a.actor, a.target) for a in audits(engine, "printer_up")] == [("ops", "fargo-2")]


def test_an_operator_passes_and_rejects_cards_at_qc(room):
    engine, seeded = room
    at = logged_in(Role.OPERATOR, "antrian")
    good, bad = seeded.printed[0], seeded.printed[1]
    at.multiselect(key="qc_cards").set_value([good])
    at.radio(key="qc_verdict").set_value("pass")
    submitted(at, "Simpan hasil QC")
    assert at.success[0].value == "1 kartu lolos QC."
    at.multiselect(key="qc_cards").set_value([bad])
    at.radio(key="qc_verdict").set_value("reject")
    at.selectbox(key="qc_cause").set_value("GAGAL_CETAK")
    submitted(at, "Simpan hasil QC")
    with Session(engine) as s:
        states = dict(
            s.execute(
                sa.select(Card.card_ref, Card.state).where(Card.card_ref.in_([good, bad]))
            ).all()
        )
    assert states == {good: "passed", bad: "spoiled"}
    assert [a.actor for a in audits(engine, "qc_pass")] == ["ops"]
    assert [a.actor for a in audits(engine, "qc_reject")] == ["ops"]
    assert metric(at, "PRR menunggu 0-3 hari") == "6"  # the rejected card's record requeued


def test_a_stock_manager_receives_a_lot_and_counts_stock(room):
    engine, _ = room
    at = logged_in(Role.STOCK_MANAGER, "stok")
    at.text_input(key="receipt_lot").input("BLG-2026-12-A")
    at.number_input(key="receipt_qty").set_value(2000)
    at.text_input(key="receipt_reference").input("B-2301/DUKCAPIL/XII/2026")
    submitted(at, "Simpan penerimaan")
    assert at.success[0].value.startswith("Lot BLG-2026-12-A diterima: 2.000 blangko.")
    assert metric(at, "Blangko di tangan") == "2.490"
    at.selectbox(key="take_lot").set_value("BLG-T-1")
    at.number_input(key="take_counted").set_value(488)
    at.text_input(key="take_reason").input("opname akhir bulan")
    submitted(at, "Simpan stok opname")
    with Session(engine) as s:
        assert s.get(Lot, "BLG-2026-12-A").quantity == 2000
        count = s.exec(select(StockCount)).one()
    assert (count.expected, count.counted, count.difference) == (490, 488, -2)
    assert [a.actor for a in audits(engine, "stock_receipt")] == ["stok"]
    assert [a.actor for a in audits(engine, "stock_take")] == ["stok"]


def test_a_stock_manager_moves_a_reorder_request_from_sent_to_received(room):
    engine, seeded = room
    at = logged_in(Role.STOCK_MANAGER, "stok")
    for step in ("sent", "confirmed", "received"):
        at.selectbox(key="reorder_number").set_value(seeded.request)
        at.radio(key="reorder_step").set_value(step)
        submitted(at, "Simpan permintaan")
    with Session(engine) as s:
        request = s.exec(select(ReorderRequest)).one()
    assert request.state == "RECEIVED"
    for name in ("reorder_sent", "reorder_confirmed", "reorder_received"):
        assert [a.actor for a in audits(engine, name)] == ["stok"], name


def test_an_empty_required_field_is_refused_in_the_form_without_calling_the_service(room):
    engine, _ = room
    at = logged_in(Role.OPERATOR, "antrian")
    button(at, "Simpan status printer").click().run()
    assert "tulis alasannya" in at.error[0].value
    assert not audits(engine, "printer_down")


def test_a_service_refusal_is_shown_in_indonesian_not_as_a_traceback(room):
    engine, _ = room
    at = logged_in(Role.STOCK_MANAGER, "stok")
    at.text_input(key="receipt_lot").input("BLG-T-1")  # already received
    button(at, "Simpan penerimaan").click().run()
    assert not at.exception
    assert at.error and at.error[0].value.startswith("Gagal: ")
    assert "Traceback" not in at.error[0].value


needs_distribution_actions = pytest.mark.skipif(
    not hasattr(actions, "receive_shipment"), reason="distribution actions not landed yet"
)


@needs_distribution_actions
def test_an_operator_confirms_a_shipment_resolves_a_case_and_records_a_collection(room):
    engine, seeded = room
    at = logged_in(Role.OPERATOR, "distribusi")
    at.selectbox(key="recv_number").set_value(seeded.shipment)
    at.text_input(key="recv_officer").input("Bambang (Kec. Klaten Utara)")
    submitted(at, "Simpan penerimaan kiriman")
    at.selectbox(key="case_id").set_value(seeded.case_id)
    at.radio(key="case_res").set_value("found")
    submitted(at, "Simpan penyelesaian")
    at.text_input(key="col_nik").input(seeded.collectable_nik)
    at.text_input(key="col_by").input("pemohon sendiri")
    at.radio(key="col_place").set_value("kecamatan")
    submitted(at, "Simpan pengambilan")
    assert metric(at, "Diambil pemohon") == "2"
    for name in ("shipment_receive", "discrepancy_resolve", "collection"):
        rows = audits(engine, name)
        assert [a.actor for a in rows] == ["ops"], name
    # The receipts print at once, as from the CLI, not only at the 14:00 flow.
    from distribution.models import Collection, Receipt, Shipment

    with Session(engine) as s:
        shipment = s.exec(select(Shipment).where(Shipment.number == seeded.shipment)).one()
        collection = s.exec(select(Collection).order_by(Collection.id.desc())).first()
        states = {
            "shipment": s.exec(
                select(Receipt.state).where(Receipt.shipment_id == shipment.id)
            ).all(),
            "collection": s.exec(
                select(Receipt.state).where(Receipt.collection_id == collection.id)
            ).all(),
        }
    assert states == {"shipment": ["printed"], "collection": ["printed"]}, states


# --- cetak dashboard -------------------------------------------------------------------------


def test_cetak_dashboard_starts_streamlit_headless_on_this_installation(room, monkeypatch):
    from typer.testing import CliRunner

    from cli import app as cli
    from cli import dashboard as command

    seen: dict = {}

    def fake_call(args, env):
        seen.update(args=args, env=env)
        return 0

    monkeypatch.setattr(command.subprocess, "call", fake_call)
    result = CliRunner().invoke(cli, ["dashboard", "--port", "8601"])
    assert result.exit_code == 0, result.output
    assert "http://localhost:8601" in result.output
    args = seen["args"]
    assert args[1:4] == ["-m", "streamlit", "run"] and args[4].endswith("dashboard/app.py")
    assert args[args.index("--server.port") + 1] == "8601"
    assert args[args.index("--server.headless") + 1] == "true"
    assert args[args.index("--browser.gatherUsageStats") + 1] == "false"
    assert seen["env"]["CETAK_DATABASE_URL"] == Settings().url


def test_cetak_dashboard_refuses_an_uninitialised_database_in_indonesian(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from cli import app as cli

    monkeypatch.setenv("CETAK_HOME", str(tmp_path / "kosong"))
    monkeypatch.delenv("CETAK_DATABASE_URL", raising=False)
    result = CliRunner().invoke(cli, ["dashboard"])
    assert result.exit_code == 1
    assert "belum disiapkan" in result.output


# --- the read model on both databases --------------------------------------------------------


def test_the_read_model_answers_the_same_on_sqlite_and_postgresql(engine, home, tmp_path):
    seeded = dashboard_seed.seed(engine, home, tmp_path)
    served = seeded.served
    today, tz = served.today(), served.timezone
    with Session(engine) as s:
        waiting = data.waiting_prr(s, today=today, tz=tz)
        assert waiting["total"] == 5 and waiting["by_age"]["0-3 hari"] == 5
        assert waiting["oldest_days"] == 0
        queue = data.queue_by_kecamatan(s, today=today, tz=tz, kecamatan=served.kecamatan)
        assert sum(r["jumlah"] for r in queue) == 5
        assert data.printed_today(s, today=today, tz=tz) == {"printed": 10, "spoiled": 1}
        flow = data.daily_flow(s, today=today, days=7, tz=tz)
        assert flow[-1] == {"tanggal": today, "prr_masuk": 14, "kartu_dicetak": 10}
        fargo = {p["name"]: p for p in data.printers(s, today=today, tz=tz)}["fargo-1"]
        assert (fargo["blanks_window"], fargo["spoiled_window"]) == (10, 1)
        assert data.spoilage(s, today=today, tz=tz) == [
            {"printer": "fargo-1", "cause": "RUSAK_FISIK", "jumlah": 1}
        ]
        assert [c["card_ref"] for c in data.awaiting_qc(s)] == seeded.printed
        stock = data.stock_figures(s, today=today, settings=home, served=served)
        assert stock["on_hand"] == 490 and stock["awaiting_destruction"] == 1
        history = data.on_hand_history(s, today=today, days=3, tz=tz)
        assert [h["stok"] for h in history] == [0, 0, 490]
        consumed = data.ledger(s, first=today, last=today, tz=tz, kind="CONSUMED")
        assert sum(r["delta_on_hand"] for r in consumed) == -9  # the rejected card's reversed
        assert data.awaiting_destruction(s)["total"] == 1
        assert data.quarantine(s, reason="BAD_NIK_FORMAT")["total"] == 1
        assert data.quarantine_reasons(s) == [{"reason": "BAD_NIK_FORMAT", "jumlah": 1}]
        leads = {r["tahap"]: r for r in data.lead_times(s, today=today, days=90, tz=tz)}
        assert leads["PRR → cetak"]["jumlah"] == 9 and leads["PRR → cetak"]["median"] == 0
        assert leads["Cetak → diambil"]["jumlah"] == 1
        assert leads["Perekaman → PRR"]["jumlah"] == 14  # not the quarantined row
        assert len(data.audit(s, first=today, last=today, tz=tz)) == 4  # four users added
        assert data.open_discrepancy_count(s) == 1


def test_blanks_awaiting_destruction_are_the_stock_services_list_oldest_first(
    engine, home, tmp_path
):
    """The dashboard's short walk (newest first, stopped at the balance cache's count, ties
    of one timestamp sorted by id) finds the rows ``inventory.operations`` finds."""
    from cetak.db import write_session
    from inventory import ledger, operations
    from inventory.rules import Cause

    dashboard_seed.seed(engine, home, tmp_path)
    same = utcnow()
    with write_session(engine) as s:
        for i, cause in enumerate([Cause.RUSAK_FISIK, Cause.GAGAL_CETAK, Cause.RUSAK_FISIK]):
            ledger.spoil_blank(s, cause=cause, actor="stok", key=f"shelf:{i}", at=same)
        ledger.spoil_blank(s, cause=Cause.RUSAK_FISIK, actor="stok", key="shelf:later")
    with Session(engine) as s:
        want = [(m.card_ref, m.lot_code, m.cause) for m in operations.awaiting_destruction(s)]
        got = data.awaiting_destruction(s)
    assert got["total"] == len(want) == 5
    assert [(r["card_ref"], r["lot"], r["cause"]) for r in got["rows"]] == want
    assert sum(g["jumlah"] for g in got["groups"]) == 5


def test_percentiles_are_read_from_a_histogram_by_nearest_rank():
    assert data.percentile([], 0.5) is None
    assert data.percentile([(3, 1)], 0.9) == 3
    hist = [(1, 5), (2, 3), (10, 2)]  # ten values: 1x5, 2x3, 10x2
    assert data.percentile(hist, 0.5) == 1
    assert data.percentile(hist, 0.6) == 2
    assert data.percentile(hist, 0.9) == 10


# --- speed -----------------------------------------------------------------------------------


@pytest.mark.slow
def test_every_page_renders_within_two_seconds_on_a_year_of_klaten_history(
    sqlite_url, tmp_path, monkeypatch
):
    import time

    import streamlit as st

    monkeypatch.setenv("CETAK_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("CETAK_DATABASE_URL", sqlite_url)
    settings = Settings()
    settings.ensure_dirs()
    engine = make_engine(sqlite_url)
    seeded = dashboard_seed.seed(engine, settings, tmp_path)
    dashboard_seed.bulk_history(engine, seeded.served, records=150_000)
    with engine.connect() as conn:
        conn.exec_driver_sql("ANALYZE")
    engine.dispose()
    at = logged_in(Role.SUPERVISOR)
    slow = {}
    for page in PAGES:
        st.cache_data.clear()  # every page reads the database, not the cache
        started = time.perf_counter()
        at.switch_page(f"pages/{page}.py").run()
        elapsed = time.perf_counter() - started
        assert not at.exception, (page, [e.value for e in at.exception])
        if elapsed >= 2.0:
            slow[page] = round(elapsed, 2)
    assert not slow, slow


# --- PostgreSQL --------------------------------------------------------------------------


@pytest.mark.postgres
def test_every_page_renders_on_postgresql_with_the_database_figures(
    pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """The read model's SQL (local days, day differences, windows) on the other backend."""
    settings = Settings(home=tmp_path / "home", database_url=pg_url)
    settings.ensure_dirs()
    engine = make_engine(pg_url)
    dashboard_seed.seed(engine, settings, tmp_path)
    monkeypatch.setenv("CETAK_HOME", str(settings.home))
    monkeypatch.setenv("CETAK_DATABASE_URL", pg_url)
    for page in PAGES:
        logged_in(Role.SUPERVISOR, page)  # asserts no exception on the page
    at = logged_in(Role.SUPERVISOR, "stok")
    with Session(engine) as s:
        on_hand, _ = totals(s)
    assert metric(at, "Blangko di tangan") == f"{on_hand:,}".replace(",", ".")
    engine.dispose()


def test_an_operator_requeues_a_record_that_needed_attention(room):
    engine, _ = room
    with engine.begin() as conn:  # a record whose card failed three times
        prr = conn.execute(
            sa.select(Record.prr_id).where(Record.state == "queued").limit(1)
        ).scalar_one()
        conn.execute(sa.update(Record).where(Record.prr_id == prr).values(state="needs_attention"))
    viewer = logged_in(Role.VIEWER, "antrian")
    assert not [f for f in viewer.multiselect if f.key == "requeue_ids"]
    at = logged_in(Role.OPERATOR, "antrian")
    at.multiselect(key="requeue_ids").set_value([prr])
    at.text_input(key="requeue_reason").input("foto diperiksa, printer dibersihkan")
    submitted(at, "Antrekan ulang")
    assert at.success[0].value == "1 record kembali ke antrean cetak."
    with Session(engine) as s:
        assert s.exec(select(Record.state).where(Record.prr_id == prr)).one() == "queued"
    [row] = audits(engine, "requeue")
    assert (row.actor, row.target, row.ok) == ("ops", prr, True)


# --- read at a glance (issue 13, items 8-12) -------------------------------------------------

#: What a section head must never read: codes, English, levels, roles, US numbers.
RAW = re.compile(
    r"\b(WARNING|CRITICAL|supervisor|stock_manager|operator_|Ribbon|wrong_password|"
    r"BAD_NIK_FORMAT|DUPLICATE_NIK_IN_BATCH|dispatched|needs_attention|login_failed)\b"
)
US_THOUSANDS = re.compile(r"(?<![\d.,])\d{1,3},\d{3}(?![\d,])")


def _raise_an_alert_and_a_failed_login(engine: sa.Engine) -> None:
    from cetak.db import write_session
    from cetak.models import Alert
    from cetak.users import LoginError, authenticate

    with write_session(engine) as s:
        s.add(
            Alert(
                key="test:alert",
                kind="REORDER",
                level="WARNING",
                message="Stok blangko di bawah titik pesan ulang: " + "kirim permintaan. " * 8,
            )
        )
    with pytest.raises(LoginError):
        authenticate(engine, "kasi", "salah-sekali", client="localhost")


def test_no_page_shows_raw_codes_english_levels_or_us_numbers(room):
    engine, _ = room
    _raise_an_alert_and_a_failed_login(engine)
    at = logged_in(Role.SUPERVISOR)
    for page in PAGES:
        at.switch_page(f"pages/{page}.py").run()
        assert not at.exception, (page, [e.value for e in at.exception])
        shown = "\n".join(texts(at))
        assert not RAW.findall(shown), (page, RAW.findall(shown))
        assert not US_THOUSANDS.findall(shown), (page, US_THOUSANDS.findall(shown))
    at.switch_page("pages/ringkasan.py").run()
    alerts = [w.value for w in at.warning if "Peringatan" in w.value]
    assert alerts and alerts[0].rstrip().endswith("kirim permintaan.")  # whole, not cut off
    at.switch_page("pages/audit.py").run()
    trail = at.dataframe[0].value
    failed = trail[trail["Tindakan"] == "gagal masuk"]
    assert "alasan: kata sandi salah" in failed["Rincian"].iloc[0]
    assert set(trail["Peran"]) <= {
        "Kepala seksi",
        "Operator cetak",
        "Pengelola stok",
        "Pemantau",
        "-",
    }


def test_the_quarantine_shows_names_kecamatan_names_and_words(room):
    at = logged_in(Role.VIEWER, "karantina")
    table = at.table[0].value.reset_index()
    assert list(table.columns) == ["PRR", "Nama", "NIK", "Kecamatan", "Alasan", "Rincian"]
    assert set(table["Kecamatan"]) == {"Cawas"}
    assert set(table["Alasan"]) == {"Format NIK salah"}
    assert table["Nama"].iloc[0] not in ("", "-")


def test_every_table_has_an_excel_download_masked_for_the_role(room):
    from openpyxl import load_workbook

    _, seeded = room
    full = seeded.niks[7]  # a card awaiting QC
    at = logged_in(Role.VIEWER)
    for page in PAGES:
        at.switch_page(f"pages/{page}.py").run()
        offered = [b for b in at.button if b.label == "Unduh Excel (.xlsx)"]
        assert len(offered) >= 1, page
    at.switch_page("pages/antrian.py").run()
    button_ = [b for b in at.button if b.key == "xlsx_menunggu_qc"][0]
    button_.click().run()
    raw, name, mime, _ = at.session_state["_unduh_xlsx_menunggu_qc"]
    assert name.startswith("menunggu-qc-") and name.endswith(".xlsx") and mime == ui_mime()
    ws = load_workbook(io.BytesIO(raw)).active
    cells = [[c.value for c in row] for row in ws.iter_rows()]
    assert cells[0] == ["Kartu", "PRR", "Nama", "NIK", "Printer", "Dicetak"]
    niks = {row[3] for row in cells[1:]}
    assert full not in niks and f"{full[:4]}********{full[12:]}" in niks
    exported = audits(room[0], "table_export")
    assert [(a.actor, a.target) for a in exported] == [("tamu", "Menunggu QC")]


def ui_mime() -> str:
    from dashboard import ui

    return ui.XLSX_MIME


def test_the_ledger_shows_a_running_balance(room):
    engine, _ = room
    from cetak.installation import load_installation

    served = load_installation(engine)
    with Session(engine) as s:
        rows = data.ledger(
            s, first=served.today() - timedelta(days=6), last=served.today(), tz=served.timezone
        )
        on_hand, _ = totals(s)
        only_lot = data.ledger(
            s, first=served.today(), last=served.today(), tz=served.timezone, lot="BLG-T-1"
        )
        consumed = data.ledger(
            s, first=served.today(), last=served.today(), tz=served.timezone, kind="CONSUMED"
        )
    assert rows[0]["saldo"] == on_hand == 490
    for newer, older in zip(rows, rows[1:], strict=False):
        assert older["saldo"] == newer["saldo"] - newer["delta_on_hand"]
    assert rows[-1]["saldo"] - rows[-1]["delta_on_hand"] == 0  # nothing before the seed
    assert [r["saldo"] for r in only_lot] == [r["saldo"] for r in rows]
    by_id = {(r["at"], r["card_ref"]): r["saldo"] for r in rows}
    assert all(by_id[(r["at"], r["card_ref"])] == r["saldo"] for r in consumed)
    at = logged_in(Role.VIEWER, "stok")
    ledger_table = [d.value for d in at.dataframe if "Saldo di tangan" in d.value.columns][0]
    assert ledger_table["Saldo di tangan"].iloc[0] == "490"


def test_an_operator_starts_a_print_run_through_the_use_case(room, monkeypatch):
    from application import orchestration
    from dashboard import printing

    engine, _ = room
    calls = []

    def fake_run(engine_, actor, *, max_cards=None, site=None):
        calls.append((actor.name, max_cards))
        return {
            "printed": 3,
            "spoiled": 1,
            "requeued": 0,
            "needs_attention": 0,
            "stock_out": False,
            "jobs": [{"printer": "fargo-1", "stopped": None, "reason": None}],
        }

    monkeypatch.setattr(orchestration, "run_print", fake_run)
    for role in Role:
        at = logged_in(role, "antrian")
        offered = any(b.label == "Mulai pencetakan" for b in at.button)
        assert offered == allowed(role, Action.PRINTER_STATE), role
    at = logged_in(Role.OPERATOR, "antrian")
    at.number_input(key="run_max").set_value(5)
    button(at, "Mulai pencetakan").click().run()
    printing.wait(30)
    at.run()
    try:
        assert calls == [("ops", 5)]
        outcome = [s.value for s in at.success]
        assert any("Pencetakan selesai: tercetak 3 kartu, rusak 1" in s for s in outcome), outcome
    finally:
        printing.forget()


def test_a_print_run_is_refused_to_a_role_that_may_not_and_audited(room):
    from application.orchestration import run_print
    from cetak.access import Forbidden

    engine, _ = room
    with pytest.raises(Forbidden):
        run_print(engine, Actor("tamu", Role.VIEWER))
    rows = audits(engine, "print_run")
    assert [(a.actor, a.ok) for a in rows] == [("tamu", False)]


def test_a_stock_manager_makes_the_berita_acara_pemusnahan(room):
    from inventory.models import DestructionReport

    engine, _ = room
    at = logged_in(Role.STOCK_MANAGER, "stok")
    assert metric(at, "Rusak menunggu dimusnahkan") == "1"
    at.text_area(key="bap_witnesses").input("Sri Lestari\nBudi Santoso")
    with_method = "method" in inspect.signature(actions.destroy_spoiled).parameters
    if with_method:
        at.radio(key="bap_method").set_value("dipotong")
    submitted(at, "Buat berita acara pemusnahan")
    assert "1 blangko rusak dimusnahkan; berita acara" in at.success[0].value
    with Session(engine) as s:
        report = s.exec(select(DestructionReport)).one()
    assert report.quantity == 1 and "Sri Lestari" in report.witnesses_json
    if with_method:
        assert "dipotong" in (report.details_json or "")
    assert [a.actor for a in audits(engine, "stock_destroy")] == ["stok"]
    assert metric(at, "Rusak menunggu dimusnahkan") == "0"
    assert any(b.key == f"ba_{report.number}" for b in at.button)  # its PDF, to download
    viewer = logged_in(Role.VIEWER, "stok")
    assert not any(b.label == "Buat berita acara pemusnahan" for b in viewer.button)


def test_the_daily_report_downloads_from_the_summary(room):
    at = logged_in(Role.VIEWER)
    button(at, "Unduh laporan harian (PDF)").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    raw, name, mime, _ = at.session_state["_unduh_daily_report"]
    assert raw.startswith(b"%PDF") and name.startswith("laporan-harian-")
