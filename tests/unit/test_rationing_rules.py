"""Rationing when blanks are short (issue 15, item 1): the policy's order, the default
(Ditjen's list), policy files, and the property that no class starves beyond the bound and
no plan holds more cards than blanks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from printers.rationing import (
    DEFAULT_POLICY,
    JENIS,
    RationRecord,
    is_short,
    order,
    parse_policy,
    per_class,
    select,
    wait_bound,
)
from printers.scheduler import PrinterSlot, QueuedRecord, plan

NOW = datetime(2026, 12, 3, 8, 0, tzinfo=UTC)


def rec(
    i: int, jenis: str, days_ago: float, *, urgent: bool = False, age: int = 30
) -> RationRecord:
    return RationRecord(i, jenis, NOW - timedelta(days=days_ago), urgent, age)


def test_the_default_follows_ditjens_list() -> None:
    queue = [
        rec(1, "PERUBAHAN_DATA", 10),
        rec(2, "HILANG", 5),
        rec(3, "BARU", 1),
        rec(4, "RUSAK", 9),
        rec(5, "PERUBAHAN_DATA", 2, urgent=True),
        rec(6, "BARU", 3),
    ]
    assert [r.record_id for r in order(queue, DEFAULT_POLICY, NOW)] == [5, 6, 3, 4, 2, 1]


def test_ageing_lifts_a_record_one_class_per_period() -> None:
    a = DEFAULT_POLICY.ageing_days
    old_change = rec(1, "PERUBAHAN_DATA", 2 * a)  # rank 3 - 2 = 1: with the first cards
    new_first = rec(2, "BARU", 1)
    older_first = rec(3, "BARU", 2 * a + 1)
    assert DEFAULT_POLICY.effective_rank(old_change, NOW) == 1
    assert [
        r.record_id for r in order([new_first, old_change, older_first], DEFAULT_POLICY, NOW)
    ] == [
        3,
        1,
        2,
    ]


def test_300_blanks_for_1000_records_follow_the_policy_exactly() -> None:
    """Hand-computed: 20 urgent, 400 first cards, 300 replacements, 280 changes of data,
    all younger than one ageing period: the 300 blanks go to the 20 urgent records and the
    280 oldest first cards; no change of data is printed."""
    queue: list[QueuedRecord] = []
    i = 0
    for jenis, count in (("BARU", 400), ("RUSAK", 150), ("HILANG", 150), ("PERUBAHAN_DATA", 280)):
        for _k in range(count):
            i += 1
            queue.append(
                QueuedRecord(
                    i, "33.10.05", jenis, NOW - timedelta(days=20, minutes=i), urgent=False
                )
            )
    for _k in range(20):
        i += 1
        queue.append(
            QueuedRecord(i, "33.10.04", "PERUBAHAN_DATA", NOW - timedelta(days=1), urgent=True)
        )
    printers = [PrinterSlot(f"p{n}", "online", 500, 0, 500, 0, None, None) for n in (1, 2)]
    result = plan(queue, printers, blanks_on_hand=300, now=NOW, ration=DEFAULT_POLICY)
    planned = {rid for b in result.batches for rid in b.record_ids}
    assert len(planned) == 300 and result.unplanned == 700 and result.blanks_left == 0
    urgent = set(range(981, 1001))
    first_cards = {q.record_id for q in queue if q.jenis_permohonan == "BARU"}
    # the oldest first cards: queued_at goes back by id, so the highest ids are the oldest
    oldest_first = set(sorted(first_cards, reverse=True)[:280])
    assert planned == urgent | oldest_first
    # without rationing the plan is oldest first with the replacement share: the older
    # changes of data are printed and first cards wait
    plain = plan(queue, printers, blanks_on_hand=300, now=NOW)
    kinds = {
        q.jenis_permohonan
        for q in queue
        if q.record_id in {rid for b in plain.batches for rid in b.record_ids}
    }
    assert kinds == {"HILANG", "PERUBAHAN_DATA"}


def test_with_plenty_the_plan_is_unchanged() -> None:
    assert not is_short(blanks=600, in_transit=0, waiting=600)
    assert is_short(blanks=300, in_transit=200, waiting=1000)
    queue = [
        QueuedRecord(i, "33.10.05", JENIS[i % 4], NOW - timedelta(hours=i)) for i in range(1, 50)
    ]
    printers = [PrinterSlot("p1", "online", 500, 0, 500, 0, None, None)]
    a = plan(queue, printers, blanks_on_hand=1000, now=NOW)
    b = plan(queue, printers, blanks_on_hand=1000, now=NOW, ration=DEFAULT_POLICY)
    assert a == b


def test_per_class_figures_and_projection() -> None:
    queue = [rec(1, "BARU", 3), rec(2, "BARU", 1), rec(3, "PERUBAHAN_DATA", 12)]
    rows = {c.kode: c for c in per_class(queue, DEFAULT_POLICY, NOW, supply_per_day=1)}
    assert rows["baru"].waiting == 2 and rows["baru"].oldest_days == 3
    assert rows["baru"].served_by == (NOW + timedelta(days=2)).date()
    assert rows["perubahan"].served_by == (NOW + timedelta(days=3)).date()
    assert rows["mendesak"].waiting == 0 and rows["mendesak"].served_by is None


def test_a_policy_file_is_checked() -> None:
    good = {
        "penuaan_hari": 14,
        "kelas": [
            {"kode": "mendesak", "nama": "Mendesak", "mendesak": True},
            {"kode": "pemula", "nama": "Pemula 17 tahun", "jenis": ["BARU"], "usia_maks": 17},
            {"kode": "lain", "nama": "Lainnya"},
        ],
    }
    policy, problems = parse_policy(good)
    assert problems == [] and policy is not None and policy.ageing_days == 14
    assert policy.rank(rec(1, "BARU", 0, age=17)) == 1
    assert policy.rank(rec(1, "BARU", 0, age=18)) == 2
    # a class every record of which an earlier class already takes: unreachable
    shadowed = {
        "penuaan_hari": 30,
        "kelas": [{"kode": "semua", "nama": "Semua"}, {"kode": "baru", "jenis": ["BARU"]}],
    }
    assert parse_policy(shadowed) == (None, [("unreachable_class", "baru")])
    # a kind no class takes
    partial = {"penuaan_hari": 30, "kelas": [{"kode": "baru", "jenis": ["BARU"]}]}
    policy, problems = parse_policy(partial)
    assert policy is None and problems[0][0] == "unclassified"
    bad = {"penuaan_hari": 0, "kelas": [{"kode": "x", "jenis": ["LAMA"]}], "warna": 1}
    codes = {code for code, _ in parse_policy(bad)[1]}
    assert codes == {"unknown_key", "bad_ageing", "unknown_jenis"}


_record = st.tuples(st.sampled_from(JENIS), st.booleans(), st.integers(min_value=15, max_value=80))


@settings(max_examples=60, deadline=None)
@given(
    arrivals=st.lists(st.lists(_record, max_size=6), min_size=5, max_size=40),
    supply=st.integers(min_value=1, max_value=6),
    ageing=st.integers(min_value=1, max_value=10),
)
def test_no_class_starves_beyond_the_bound_and_no_plan_exceeds_the_blanks(
    arrivals, supply, ageing
) -> None:
    """Day after day, records arrive and ``supply`` blanks are printed by the policy: every
    record is served within ``wait_bound`` of its arrival (counting those queued before it),
    and a plan never holds more records than blanks."""
    policy = DEFAULT_POLICY.__class__(DEFAULT_POLICY.classes, ageing)
    waiting: list[tuple[RationRecord, int, int]] = []  # record, arrival day, bound
    next_id = 0
    day = 0
    for day in range(len(arrivals) + 400):
        now = NOW + timedelta(days=day)
        for jenis, urgent, age in arrivals[day] if day < len(arrivals) else []:
            next_id += 1
            r = RationRecord(next_id, jenis, now, urgent, age)
            bound = wait_bound(policy.rank(r), ageing, len(waiting), supply)
            waiting.append((r, day, bound))
        chosen = select([w[0] for w in waiting], supply, policy, now)
        assert len(chosen) == min(supply, len(waiting))  # never more than the day's blanks
        served = {r.record_id for r in chosen}
        for r, arrived, bound in waiting:
            if r.record_id in served:
                assert day - arrived <= bound, (r, day - arrived, bound)
        waiting = [w for w in waiting if w[0].record_id not in served]
        if day >= len(arrivals) and not waiting:
            break
    assert not waiting


@pytest.mark.parametrize("n", [0, -3])
def test_nothing_selected_without_blanks(n: int) -> None:
    assert select([rec(1, "BARU", 1)], n, DEFAULT_POLICY, NOW) == []
