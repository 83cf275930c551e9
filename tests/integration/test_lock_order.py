"""Issue 11, item 15: records are locked in one order, and the reorder check's demand
comes from one snapshot.

Under PostgreSQL, planning locked its batches' records batch after batch (not in id
order) and deadlocked with another transaction; and ``after-run`` counted the demand over
the lead time and over the cycle in separate statements, so a record printed in between
made the cycle's demand smaller than the lead time's (a ValueError in the policy).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from hypothesis import given
from hypothesis import strategies as st
from sqlmodel import Session

from cetak.db import write_session
from cetak.models import Record, utcnow
from intake.service import ingest_one
from inventory import queries, reorder
from printers import planning

from factory import BatchSpec, ingest, make_row, receive, sim_printer

# --- the reorder check's demand --------------------------------------------------------------

_days = st.dates(min_value=date(2026, 1, 1), max_value=date(2027, 12, 31))


@given(
    counts=st.lists(
        st.tuples(st.one_of(st.none(), _days), st.integers(min_value=0, max_value=1_000)),
        max_size=30,
    ),
    today=_days,
    lead=st.floats(min_value=0, max_value=60, allow_nan=False),
    review=st.floats(min_value=-30, max_value=60, allow_nan=False),
)
def test_the_cycle_demand_is_never_less_than_the_lead_time_demand(counts, today, lead, review):
    within_lead, within_cycle = reorder.demand_within(
        counts, today=today, lead=lead, cycle=lead + review
    )
    assert 0 <= within_lead <= within_cycle <= sum(n for _, n in counts)
    assert within_lead >= sum(n for day, n in counts if day is None)  # waiting: always needed


def test_demand_within_counts_held_records_released_by_each_horizon():
    today = date(2026, 11, 24)
    counts = [(None, 5), (today + timedelta(days=3), 2), (today + timedelta(days=10), 4)]
    assert reorder.demand_within(counts, today=today, lead=7, cycle=14) == (7, 11)
    assert reorder.demand_within(counts, today=today, lead=3, cycle=3) == (7, 7)
    assert reorder.demand_within(counts, today=today, lead=0, cycle=2) == (5, 5)


def test_known_demand_reads_both_horizons_in_one_statement_as_the_separate_counts_did(
    engine, served, home, tmp_path
):
    ids = ingest(engine, served, home, tmp_path, [make_row() for _ in range(8)])
    today = served.today()
    with write_session(engine) as s:
        for rid, days in zip(ids[:4], (3, 10, 40, None), strict=True):
            release_on = None if days is None else today + timedelta(days=days)
            s.execute(
                sa.update(Record.__table__)  # type: ignore[attr-defined]
                .where(Record.__table__.c.id == rid)  # type: ignore[attr-defined]
                .values(state="held", release_on=release_on)
            )
        s.execute(
            sa.update(Record.__table__)  # type: ignore[attr-defined]
            .where(Record.__table__.c.id == ids[4])  # type: ignore[attr-defined]
            .values(state="scheduled")
        )
    statements: list[str] = []
    with counting_statements(engine, statements) as s:
        pair = reorder.known_demand(s, today=today, lead=7, cycle=14)
    assert len([q for q in statements if "FROM record" in q]) == 1
    assert pair == (5, 6)  # 4 waiting + held in 3 days; + held in 10 days
    with write_session(engine) as s:
        assert pair == (
            queries.known_demand(s, today=today, days=7),
            queries.known_demand(s, today=today, days=14),
        )


@contextmanager
def counting_statements(engine: sa.Engine, statements: list[str]) -> Iterator[Session]:
    def seen(_conn, _cursor, statement, _params, _context, _many) -> None:
        statements.append(statement)

    sa.event.listen(engine, "before_cursor_execute", seen)
    try:
        with write_session(engine) as s:
            yield s
    finally:
        sa.event.remove(engine, "before_cursor_execute", seen)


# --- record locks in id order (PostgreSQL) -------------------------------------------------


@contextmanager
def record_locks(engine: sa.Engine) -> Iterator[list[int]]:
    """Record ids in the order this engine's transactions first lock them (FOR UPDATE)."""
    order: list[int] = []

    def seen(_conn, _cursor, statement, params, _context, _many) -> None:
        if "FOR UPDATE" not in statement or not re.search(r"FROM record\b", statement):
            return
        names = re.findall(r"%\((\w+)\)s", statement)
        ids = [params[n] for n in names if isinstance(params.get(n), int)]
        order.extend(i for i in ids if i not in order)

    sa.event.listen(engine, "before_cursor_execute", seen)
    try:
        yield order
    finally:
        sa.event.remove(engine, "before_cursor_execute", seen)


def _postgres_only(engine: sa.Engine) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("row locks (FOR UPDATE) are taken on PostgreSQL only")


def test_planning_locks_all_its_records_in_id_order_before_moving_any(
    engine, served, home, tmp_path
):
    _postgres_only(engine)
    # Two kecamatan, their records interleaved: batch by batch is not id order.
    rows = [make_row(kecamatan=("33.10.05", "33.10.06")[i % 2]) for i in range(12)]
    ids = ingest(engine, served, home, tmp_path, rows)
    receive(engine, served, 100)
    sim_printer(engine, home, "sim-1")
    with record_locks(engine) as order, write_session(engine) as s:
        now = utcnow()
        jobs = planning.plan_run(
            s, today=served.today(now), now=now, max_cards=None, actor="t", max_batch=4
        )
    assert len(jobs) >= 2
    assert sorted(order) == ids
    assert order == sorted(order), order


def test_superseding_records_locks_them_in_id_order(engine, served, home, tmp_path):
    _postgres_only(engine)
    first = [make_row() for _ in range(6)]
    ids = ingest(engine, served, home, tmp_path, first)
    # The new data arrives in the reverse order of the records it replaces.
    later = [
        dict(row, prr_id=f"UBAH-{n}", jenis_permohonan="PERUBAHAN_DATA", alamat="PINDAH")
        for n, row in enumerate(reversed(first))
    ]
    spec = BatchSpec(batch_id="PRR-3310-20261122-9001", rows=later)
    with record_locks(engine) as order:
        ack = ingest_one(
            engine=engine,
            path=spec.write(tmp_path / "in" / spec.batch_id),
            served=served,
            home_dirs=(home.archive_dir, home.rejected_dir, home.outbox_dir),
            today=served.today(),
        )
    assert ack["superseded"] == 6, ack
    assert set(ids) <= set(order)
    assert order == sorted(order), order
