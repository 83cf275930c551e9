"""How a print run's printers are dealt into worker processes (pure, no database)."""

from __future__ import annotations

from workflows.print_worker import WORKER_LOST, deal, lost


def test_a_small_run_one_printer_or_one_core_stays_in_the_run_process():
    planned = {"a": [1], "b": [2]}
    assert deal(planned, {"a": 100, "b": 100}, processes=2, min_cards=300) == []
    assert deal({"a": [1, 2]}, {"a": 5000}, processes=2, min_cards=300) == []
    assert deal(planned, {"a": 5000, "b": 5000}, processes=1, min_cards=300) == []


def test_printers_are_dealt_into_groups_of_about_equal_cards_each_printer_once():
    planned = {"a": [1, 2], "b": [3], "c": [4], "d": [5, 6]}
    cards = {"a": 900, "b": 500, "c": 400, "d": 100}
    groups = deal(planned, cards, processes=2, min_cards=300)
    assert len(groups) == 2
    names = sorted(n for g in groups for n, _ in g)
    assert names == ["a", "b", "c", "d"]
    loads = sorted(sum(cards[n] for n, _ in g) for g in groups)
    assert loads == [900, 1000]
    assert all(ids == planned[n] for g in groups for n, ids in g)  # jobs stay in order


def test_never_more_processes_than_printers():
    groups = deal({"a": [1], "b": [2]}, {"a": 500, "b": 500}, processes=8, min_cards=300)
    assert sorted(groups) == [[("a", [1])], [("b", [2])]]


def test_a_group_whose_process_died_is_reported_stopped_not_hidden():
    out = lost([("a", [7, 8]), ("b", [9])])
    assert [(o["printer"], o["job_id"], o["stopped"]) for o in out] == [
        ("a", 7, "worker"),
        ("b", 9, "worker"),
    ]
    assert all(o["reason"] == WORKER_LOST and o["printed"] == 0 for o in out)
