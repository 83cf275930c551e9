"""The print scheduler: limits, rests, ribbon, blanks, order, batches, release, properties."""

from __future__ import annotations

import random
from collections import Counter
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from printers.scheduler import (
    REPLACEMENTS,
    Plan,
    PrinterSlot,
    QueuedRecord,
    capacity,
    plan,
    release,
)

WIB = timezone(timedelta(hours=7))
NOW = datetime(2024, 5, 6, 10, 0, tzinfo=WIB)
KLATEN = ["33.10.01", "33.10.02", "33.10.03", "33.10.04", "33.10.05"]  # Prambanan .. Cawas


def printer(
    name: str = "HDP5000-1",
    *,
    state: str = "online",
    daily_limit: int = 300,
    printed_today: int = 0,
    rest_after: int = 100,
    since_rest: int = 0,
    rest_until: datetime | None = None,
    ribbon_left: int | None = None,
    site: str = "DISDUKCAPIL",
) -> PrinterSlot:
    """A Fargo HDP5000 as one office runs it: 300 a day, a rest after 100 cards."""
    return PrinterSlot(
        name,
        state,
        daily_limit,
        printed_today,
        rest_after,
        since_rest,
        rest_until,
        ribbon_left,
        site,
    )


def records(n: int, *, start: int = 1, jenis: str = "BARU", age_min: int = 0) -> list[QueuedRecord]:
    """``n`` records, the first the oldest, kecamatan in rotation."""
    return [
        QueuedRecord(
            record_id=start + i,
            kode_kecamatan=KLATEN[i % len(KLATEN)],
            jenis_permohonan=jenis,
            queued_at=NOW - timedelta(minutes=age_min + n - i),
        )
        for i in range(n)
    ]


def planned(p: Plan, name: str | None = None) -> list[int]:
    return [r for b in p.batches if name is None or b.printer == name for r in b.record_ids]


# --- capacity -------------------------------------------------------------------------------


def test_daily_limit_honoured() -> None:
    p = printer(daily_limit=300, printed_today=280, rest_after=1000)
    assert capacity(p, NOW) == 20
    result = plan(records(100), [p], blanks_on_hand=1000, now=NOW)
    assert len(planned(result)) == 20 and result.unplanned == 80


def test_printer_at_daily_limit_gets_nothing_with_reason() -> None:
    result = plan(records(10), [printer(printed_today=300)], blanks_on_hand=100, now=NOW)
    assert result.batches == ()
    assert result.reasons == {"HDP5000-1": "batas harian 300 tercapai"}


def test_rest_after_n_cards_honoured() -> None:
    p = printer(rest_after=100, since_rest=70)
    assert capacity(p, NOW) == 30
    assert len(planned(plan(records(500), [p], blanks_on_hand=1000, now=NOW))) == 30
    tired = printer(since_rest=100)
    assert capacity(tired, NOW) == 0
    assert plan(records(5), [tired], blanks_on_hand=9, now=NOW).reasons == {
        "HDP5000-1": "harus istirahat setelah 100 kartu"
    }


def test_resting_printer_gets_nothing_until_rest_until() -> None:
    p = printer(state="resting", since_rest=100, rest_until=NOW + timedelta(minutes=30))
    assert capacity(p, NOW) == 0
    result = plan(records(10), [p], blanks_on_hand=100, now=NOW)
    assert result.batches == () and result.reasons == {"HDP5000-1": "istirahat sampai 10.30"}


def test_rested_printer_is_used_again_after_rest_until() -> None:
    rest_until = NOW + timedelta(minutes=30)
    later = rest_until + timedelta(minutes=1)
    for state in ("online", "resting"):  # a stale "resting" state does not block it
        p = printer(state=state, printed_today=100, since_rest=100, rest_until=rest_until)
        assert capacity(p, rest_until) == 100  # since_rest counts as 0 once the rest ends
        assert len(planned(plan(records(150), [p], blanks_on_hand=500, now=later))) == 100


def test_resting_state_without_end_time_gets_nothing() -> None:
    p = printer(state="resting")
    assert capacity(p, NOW) == 0
    assert plan(records(3), [p], blanks_on_hand=9, now=NOW).reasons == {"HDP5000-1": "istirahat"}


def test_offline_and_maintenance_printers_get_nothing_with_reason() -> None:
    printers = [printer("A", state="offline"), printer("B", state="maintenance"), printer("C")]
    result = plan(records(50), printers, blanks_on_hand=100, now=NOW)
    assert {b.printer for b in result.batches} == {"C"}
    assert result.reasons == {"A": "offline", "B": "dalam perawatan"}


def test_busy_printer_still_takes_the_next_job() -> None:
    assert capacity(printer(state="busy"), NOW) == 100


def test_ribbon_limit_honoured() -> None:
    p = printer(ribbon_left=12)
    assert capacity(p, NOW) == 12
    assert len(planned(plan(records(50), [p], blanks_on_hand=100, now=NOW))) == 12
    empty = plan(records(5), [printer(ribbon_left=0)], blanks_on_hand=100, now=NOW)
    assert empty.batches == () and empty.reasons == {"HDP5000-1": "pita habis"}


def test_capacity_is_never_negative() -> None:
    assert capacity(printer(printed_today=400, since_rest=150, ribbon_left=-3), NOW) == 0


# --- blanks ---------------------------------------------------------------------------------


def test_never_more_cards_than_blanks() -> None:
    result = plan(records(500), [printer("A"), printer("B")], blanks_on_hand=37, now=NOW)
    assert len(planned(result)) == 37
    assert result.blanks_left == 0 and result.unplanned == 463


def test_never_more_cards_than_blanks_per_site() -> None:
    printers = [
        printer("DISDUK-1"),
        printer("DISDUK-2"),
        printer("WEDI-1", site="KEC-WEDI"),
        printer("CAWAS-1", site="KEC-CAWAS"),
    ]
    blanks = {"DISDUKCAPIL": 30, "KEC-WEDI": 500}  # Cawas has none
    result = plan(records(1000), printers, blanks_on_hand=blanks, now=NOW)
    per_printer: Counter[str] = Counter()
    for b in result.batches:
        per_printer[b.printer] += len(b.record_ids)
    assert per_printer["DISDUK-1"] + per_printer["DISDUK-2"] == 30
    assert per_printer["DISDUK-1"] == per_printer["DISDUK-2"] == 15  # shared by capacity
    assert per_printer["WEDI-1"] == 100
    assert result.reasons == {"CAWAS-1": "blangko habis di KEC-CAWAS"}
    assert result.blanks_left == 530 - 130


def test_printers_with_nothing_left_to_print_are_told_so() -> None:
    result = plan(records(3), [printer("A"), printer("B"), printer("C")], blanks_on_hand=9, now=NOW)
    assert len(planned(result)) == 3
    # 3 cards over 3 equal printers: one each, nobody idle
    assert result.reasons == {}
    result = plan(records(1), [printer("A"), printer("B")], blanks_on_hand=9, now=NOW)
    assert result.reasons == {"B": "tidak ada antrean tersisa"}


# --- order ----------------------------------------------------------------------------------


def test_oldest_first() -> None:
    queue = records(300)
    random.Random(3).shuffle(queue)
    result = plan(queue, [printer()], blanks_on_hand=1000, now=NOW, replacement_share=0)
    assert sorted(planned(result)) == list(range(1, 101))  # the 100 oldest
    for b in result.batches:  # and each batch prints oldest first
        assert list(b.record_ids) == sorted(b.record_ids)


def test_equal_queue_times_tie_break_by_record_id() -> None:
    same = [QueuedRecord(i, "33.10.01", "BARU", NOW) for i in (9, 3, 7, 1, 5)]
    result = plan(same, [printer(ribbon_left=3)], blanks_on_hand=9, now=NOW)
    assert planned(result) == [1, 3, 5]


def test_replacements_not_starved_by_a_flood_of_baru() -> None:
    baru = records(10_000, age_min=60 * 24 * 30)  # a month old
    rusak = records(50, start=20_000, jenis="RUSAK")  # newer than every BARU
    printers = [printer("A"), printer("B")]  # 200 cards this run
    result = plan(baru + rusak, printers, blanks_on_hand=5000, now=NOW)
    ids = set(planned(result))
    assert len(ids) == 200
    assert {r.record_id for r in rusak} <= ids  # ceil(0.25 * 200) = 50 places reserved
    # the other 150 places go to the oldest BARU
    assert ids - {r.record_id for r in rusak} == set(range(1, 151))


def test_replacement_share_is_a_floor_not_a_cap() -> None:
    old_hilang = records(80, jenis="HILANG", age_min=10_000)
    baru = records(200, start=1000)
    result = plan(old_hilang + baru, [printer()], blanks_on_hand=500, now=NOW)
    assert set(planned(result)) == set(range(1, 81)) | set(range(1000, 1020))


def test_replacement_share_rounds_up_exactly() -> None:
    baru = records(100, age_min=1000)
    rusak = records(10, start=500, jenis="RUSAK")
    result = plan(
        baru + rusak, [printer(ribbon_left=50)], blanks_on_hand=99, now=NOW, replacement_share=0.14
    )
    # 50 * 0.14 is 7.000000000000001 in floating point: exactly 7 places, not 8
    assert len([r for r in planned(result) if r >= 500]) == 7


# --- batches --------------------------------------------------------------------------------


def test_batches_are_single_kecamatan_and_at_most_max_batch() -> None:
    queue = records(1000)
    kec = {r.record_id: r.kode_kecamatan for r in queue}
    printers = [printer(f"P{i}", rest_after=300) for i in range(3)]
    result = plan(queue, printers, blanks_on_hand=1000, now=NOW, max_batch=40)
    assert len(planned(result)) == 900
    for b in result.batches:
        assert 1 <= len(b.record_ids) <= 40
        assert {kec[r] for r in b.record_ids} == {b.kode_kecamatan}


def test_work_is_spread_by_remaining_capacity() -> None:
    printers = [printer("A"), printer("B", since_rest=50), printer("C", ribbon_left=10)]
    result = plan(records(80), printers, blanks_on_hand=1000, now=NOW)
    load: Counter[str] = Counter()
    for b in result.batches:
        load[b.printer] += len(b.record_ids)
    assert load == {"A": 50, "B": 25, "C": 5}  # 80 of 160 capacity: each printer half full


def test_a_kecamatan_stays_on_few_printers() -> None:
    queue = [
        QueuedRecord(i, KLATEN[i // 120], "BARU", NOW - timedelta(hours=1000 - i))
        for i in range(600)
    ]
    printers = [printer(f"P{i}") for i in range(4)]
    result = plan(queue, printers, blanks_on_hand=1000, now=NOW)
    spread = {k: {b.printer for b in result.batches if b.kode_kecamatan == k} for k in KLATEN}
    assert all(len(v) <= 2 for v in spread.values())
    pairs = sum(len(v) for v in spread.values())
    assert pairs <= 4 + 4 - 1  # printers + kecamatan planned - 1


# --- failure and release --------------------------------------------------------------------


def test_release_returns_exactly_the_failed_printers_records() -> None:
    printers = [printer("A"), printer("B"), printer("C")]
    queue = records(240)
    first = plan(queue, printers, blanks_on_hand=1000, now=NOW)
    back = release(first, "B")
    assert back == planned(first, "B") and len(back) == 80
    assert set(back).isdisjoint(planned(first, "A") + planned(first, "C"))
    assert release(first, "no-such-printer") == []

    # B jams; its cards go back to the pool and are rescheduled on A and C
    left = [r for r in queue if r.record_id in set(back)]
    after = [
        printer("A", printed_today=80, since_rest=80),
        printer("B", state="offline"),
        printer("C", printed_today=80, since_rest=80, rest_until=NOW),
    ]
    second = plan(left, after, blanks_on_hand=1000 - 160, now=NOW)
    assert sorted(planned(second)) == sorted(back)  # 20 more fit on A, 100 on rested C
    assert not planned(second, "B") and second.reasons["B"] == "offline"


def test_release_leaves_out_cards_already_printed() -> None:
    result = plan(records(30), [printer()], blanks_on_hand=100, now=NOW, max_batch=10)
    ids = planned(result)
    assert release(result, "HDP5000-1", printed=ids[:7]) == ids[7:]


def test_bad_arguments_are_refused() -> None:
    with pytest.raises(ValueError):
        plan(records(2), [printer("A"), printer("A")], blanks_on_hand=5, now=NOW)
    with pytest.raises(ValueError):
        plan(records(2) + records(1), [printer()], blanks_on_hand=5, now=NOW)
    with pytest.raises(ValueError):
        plan(records(2), [printer()], blanks_on_hand=5, now=NOW, max_batch=0)
    with pytest.raises(ValueError):
        plan(records(2), [printer()], blanks_on_hand=5, now=NOW, replacement_share=1.5)


def test_plans_100k_records_over_20_printers() -> None:
    """Size check only (timing is reported by hand: machines are noisy)."""
    rng = random.Random(7)
    kinds = ["BARU"] * 7 + ["PERUBAHAN_DATA", "RUSAK", "HILANG"]
    queue = [
        QueuedRecord(
            i, rng.choice(KLATEN), rng.choice(kinds), NOW - timedelta(minutes=rng.randrange(10**5))
        )
        for i in range(100_000)
    ]
    printers = [printer(f"P{i:02d}", printed_today=rng.randrange(100)) for i in range(20)]
    result = plan(queue, printers, blanks_on_hand=4000, now=NOW)
    assert len(set(planned(result))) == 2000 and result.unplanned == 98_000


# --- properties -----------------------------------------------------------------------------

SITES = ["DISDUKCAPIL", "KEC-WEDI"]


def expected_capacity(p: PrinterSlot, now: datetime) -> int:
    """An independent statement of the capacity rule."""
    if p.rest_until is not None and p.rest_until > now:
        return 0
    rest_over = p.rest_until is not None  # and not after now, see above
    if p.state not in ("online", "busy") and not (p.state == "resting" and rest_over):
        return 0
    since = 0 if p.rest_until is not None else p.since_rest
    limits = [p.daily_limit - p.printed_today, p.rest_after - since]
    limits += [p.ribbon_left] if p.ribbon_left is not None else []
    return max(0, min(limits))


printer_st = st.builds(
    PrinterSlot,
    name=st.sampled_from(["A", "B", "C", "D", "E", "F"]),
    state=st.sampled_from(["online", "online", "busy", "resting", "offline", "maintenance"]),
    daily_limit=st.integers(0, 60),
    printed_today=st.integers(0, 60),
    rest_after=st.integers(0, 40),
    since_rest=st.integers(0, 40),
    rest_until=st.none() | st.integers(-30, 30).map(lambda m: NOW + timedelta(minutes=m)),
    ribbon_left=st.none() | st.integers(-1, 50),
    site=st.sampled_from(SITES),
)


@st.composite
def queues(draw: st.DrawFn) -> list[QueuedRecord]:
    ids = draw(st.lists(st.integers(1, 10_000), unique=True, max_size=150))
    return [
        QueuedRecord(
            rid,
            draw(st.sampled_from(KLATEN[:3])),
            draw(st.sampled_from(["BARU", "PERUBAHAN_DATA", "RUSAK", "HILANG"])),
            NOW - timedelta(minutes=draw(st.integers(0, 20))),  # many equal times
        )
        for rid in ids
    ]


scenario = dict(
    queue=queues(),
    printers=st.lists(printer_st, max_size=6, unique_by=lambda p: p.name),
    blanks=st.integers(-5, 200) | st.dictionaries(st.sampled_from(SITES), st.integers(0, 120)),
    share=st.integers(0, 100).map(lambda k: k / 100),
    max_batch=st.integers(1, 15),
)


@settings(max_examples=300, deadline=None)
@given(**scenario)
def test_property_plan_respects_every_limit(
    queue: list[QueuedRecord],
    printers: list[PrinterSlot],
    blanks: int | dict[str, int],
    share: float,
    max_batch: int,
) -> None:
    result = plan(
        queue,
        printers,
        blanks_on_hand=blanks,
        now=NOW,
        replacement_share=share,
        max_batch=max_batch,
    )
    by_id = {r.record_id: r for r in queue}
    ids = planned(result)
    assert len(ids) == len(set(ids)), "a record planned twice"
    assert set(ids) <= set(by_id)

    slots = {p.name: p for p in printers}
    load = Counter({p.name: 0 for p in printers})
    for b in result.batches:
        assert 1 <= len(b.record_ids) <= max_batch
        assert {by_id[r].kode_kecamatan for r in b.record_ids} == {b.kode_kecamatan}
        load[b.printer] += len(b.record_ids)
    for name, n in load.items():
        assert n <= expected_capacity(slots[name], NOW)
        assert (n == 0) == (name in result.reasons)

    if isinstance(blanks, int):
        stock = {None: max(0, blanks)}
        site_load = {None: len(ids)}
    else:
        stock = dict(blanks)
        site_load = Counter()
        for name, n in load.items():
            site_load[slots[name].site] += n
    for site, n in site_load.items():
        assert n <= stock.get(site, 0)
    usable = Counter()
    for p in printers:
        usable[p.site if not isinstance(blanks, int) else None] += expected_capacity(p, NOW)
    assert len(ids) == min(len(queue), sum(min(c, stock.get(s, 0)) for s, c in usable.items()))
    assert result.unplanned == len(queue) - len(ids)
    assert result.blanks_left == sum(stock.values()) - len(ids)

    # order: oldest first, with the replacements' reserved share
    def age(rid: int) -> tuple[datetime, int]:
        return by_id[rid].queued_at, rid

    for b in result.batches:  # each batch prints oldest first
        assert list(b.record_ids) == sorted(b.record_ids, key=age)
    is_repl = {rid: by_id[rid].jenis_permohonan in REPLACEMENTS for rid in by_id}
    waiting = sum(is_repl.values())
    got = sum(is_repl[r] for r in ids)
    percent = round(share * 100)
    assert got >= min(waiting, -(-len(ids) * percent // 100))  # ceil, in exact integers
    chosen = set(ids)
    left = [r for r in by_id if r not in chosen]
    if left:
        youngest_left = min(left, key=age)
        assert all(age(r) < age(youngest_left) for r in ids if not is_repl[r])
        repl_left = [r for r in left if is_repl[r]]
        if repl_left:
            assert all(age(r) < age(min(repl_left, key=age)) for r in ids if is_repl[r])


@settings(max_examples=150, deadline=None)
@given(**scenario, seed=st.integers(0, 2**32))
def test_property_plan_is_deterministic(
    queue: list[QueuedRecord],
    printers: list[PrinterSlot],
    blanks: int | dict[str, int],
    share: float,
    max_batch: int,
    seed: int,
) -> None:
    kw = dict(blanks_on_hand=blanks, now=NOW, replacement_share=share, max_batch=max_batch)
    first = plan(queue, printers, **kw)  # type: ignore[arg-type]
    assert plan(queue, printers, **kw) == first  # type: ignore[arg-type]
    rng = random.Random(seed)
    shuffled_q, shuffled_p = queue[:], printers[:]
    rng.shuffle(shuffled_q)
    rng.shuffle(shuffled_p)
    assert plan(shuffled_q, shuffled_p, **kw) == first  # type: ignore[arg-type]


@settings(max_examples=150, deadline=None)
@given(**scenario)
def test_property_released_cards_are_replanned_on_other_printers(
    queue: list[QueuedRecord],
    printers: list[PrinterSlot],
    blanks: int | dict[str, int],
    share: float,
    max_batch: int,
) -> None:
    result = plan(
        queue,
        printers,
        blanks_on_hand=blanks,
        now=NOW,
        replacement_share=share,
        max_batch=max_batch,
    )
    for failed in printers:
        back = release(result, failed.name)
        assert back == planned(result, failed.name)
        pool = [r for r in queue if r.record_id in set(back)]
        rest = [p if p is not failed else printer(p.name, state="offline") for p in printers]
        again = plan(pool, rest, blanks_on_hand=blanks, now=NOW, max_batch=max_batch)
        assert not planned(again, failed.name)
        assert set(planned(again)) <= set(back)
        if back and isinstance(blanks, int):  # enough blanks: placed elsewhere if any capacity
            others = sum(expected_capacity(p, NOW) for p in rest)
            assert len(planned(again)) == min(len(back), others, max(0, blanks))
