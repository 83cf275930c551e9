"""Issue 11, item 4: the limits given to a run bound everything that run prints.

``cetak print --max N`` after an interrupted run must not resume all its leftover jobs:
the cards left in the jobs it takes over count against N together with its new jobs;
what is beyond N stays planned for a later run, nothing lost and nothing printed twice.
"""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from sqlmodel import Session, select

from cetak.db import write_session
from cetak.models import utcnow
from printers import jobs, planning, production
from printers.models import PrintJob

from factory import (
    all_cards,
    assert_exactly_once,
    ingest,
    make_row,
    receive,
    record_states,
    sim_printer,
    total,
)


def leftover_jobs(engine, served, *, max_batch: int = 10) -> list[int]:
    """Jobs planned by a run that was interrupted before it printed anything."""
    with write_session(engine) as s:
        now = utcnow()
        return planning.plan_run(
            s, today=served.today(now), now=now, max_cards=None, actor="t", max_batch=max_batch
        )


def unfinished(engine) -> list[PrintJob]:
    with Session(engine) as s:
        return list(s.exec(select(PrintJob).where(PrintJob.state.in_(planning.UNFINISHED))))  # type: ignore[attr-defined]


def test_max_bounds_the_leftover_jobs_of_an_interrupted_run_and_the_rest_stays_planned(
    engine, served, home, tmp_path, run
):
    ids = ingest(engine, served, home, tmp_path, [make_row() for _ in range(30)])
    receive(engine, served, 100)
    sim_printer(engine, home, "sim-1")
    first, *_ = leftover_jobs(engine, served)
    # The first job was running when its worker died: its lease has run out.
    assert jobs.claim(
        engine, first, worker="dead", now=utcnow() - timedelta(hours=1), lease=timedelta(minutes=1)
    )

    outcomes = run(max_cards=3)

    assert total(outcomes, "printed") == 3
    assert len(all_cards(engine)) == 3  # no blank taken beyond the limit either
    states = Counter(record_states(engine)[i] for i in ids)
    assert states == {"printed": 3, "scheduled": 27}, states
    with Session(engine) as s:
        assert sum(planning.cards_left(s, j.id).count for j in unfinished(engine)) == 27

    outcomes = run()  # a later run without a limit finishes them

    assert total(outcomes, "printed") == 27
    assert {record_states(engine)[i] for i in ids} == {"printed"}
    assert unfinished(engine) == []
    assert_exactly_once(engine)


def test_the_leftover_and_the_new_jobs_share_one_limit(engine, served, home, tmp_path, run):
    old = ingest(engine, served, home, tmp_path, [make_row() for _ in range(2)])
    receive(engine, served, 100)
    sim_printer(engine, home, "sim-1")
    leftover_jobs(engine, served)
    new = ingest(engine, served, home, tmp_path, [make_row() for _ in range(10)])

    assert total(run(max_cards=5), "printed") == 5

    states = record_states(engine)
    assert {states[i] for i in old} == {"printed"}  # the leftovers first (the oldest)
    assert Counter(states[i] for i in new) == {"printed": 3, "queued": 7}
    assert total(run(), "printed") == 7
    assert_exactly_once(engine)


def test_a_card_in_flight_is_resumed_within_the_limit_and_the_rest_moves_to_a_later_job(
    engine, served, home, tmp_path, run
):
    ids = ingest(engine, served, home, tmp_path, [make_row() for _ in range(6)])
    receive(engine, served, 100)
    sim_printer(engine, home, "sim-1")
    (job,) = leftover_jobs(engine, served)
    # A worker took the first card's blank and died before it reached the printer.
    assert jobs.claim(engine, job, worker="dead", lease=timedelta(0))
    runner = production._Runner(
        engine, job, served, home.resolved_home, "dead", 0.02, 300.0, timedelta(0)
    )
    assert runner.take_card(ids[0]) is not None

    outcomes = run(max_cards=1)

    assert total(outcomes, "printed") == 1
    states = record_states(engine)
    assert states[ids[0]] == "printed"  # the card in flight, on its own blank
    assert {states[i] for i in ids[1:]} == {"scheduled"}
    later = [j for j in unfinished(engine) if j.id != job]
    assert len(later) == 1 and later[0].planned == 5
    with Session(engine) as s:
        assert planning.cards_left(s, later[0].id).waiting == tuple(ids[1:])
        assert s.get(PrintJob, job).state == "done"

    assert total(run(), "printed") == 5
    assert {record_states(engine)[i] for i in ids} == {"printed"}
    assert_exactly_once(engine)


def test_limits_never_cut_a_job_another_worker_holds(engine, served, home, tmp_path):
    ids = ingest(engine, served, home, tmp_path, [make_row() for _ in range(4)])
    receive(engine, served, 10)
    sim_printer(engine, home, "sim-1")
    (job,) = leftover_jobs(engine, served)
    assert jobs.claim(engine, job, worker="alive", lease=timedelta(hours=1))
    with write_session(engine) as s:
        kept, left = planning.within_limit(s, [job], max_cards=2, now=utcnow())
    assert (kept, left) == ([], 2)  # left whole to its worker
    with Session(engine) as s:
        assert planning.cards_left(s, job).waiting == tuple(ids)
    assert len(unfinished(engine)) == 1
