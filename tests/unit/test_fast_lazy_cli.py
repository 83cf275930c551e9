"""The lazy command line (issue 16): ``cetak --help`` lists every command by the short help
stated in ``cli.app`` without importing it, so that text must stay the command's own; the
lean read path's constants must stay the stored values of the enums it mirrors; plain typed
values converted without Pydantic must be what Typer's Pydantic coercion gives."""

from __future__ import annotations

import inspect

import pytest
import typer
from typer.testing import CliRunner

from cli import lean
from cli.app import CetakGroup, app
from cli.lazy import _NOT_QUICK, LazyGroup, _quick_value
from cli.reads import RecordsGroup


def _first_paragraph(command) -> str:
    return inspect.cleandoc(command.short_help or command.help or "").split("\n\n")[0]


@pytest.mark.parametrize("group", [CetakGroup, RecordsGroup])
def test_each_stated_short_help_is_the_commands_own(group: type[LazyGroup]):
    root = typer.main.get_command(app)
    parent = root if group is CetakGroup else root.commands["records"]
    for name, spec in group.LAZY.items():
        real = parent.commands[name]  # loads the module, builds the command
        assert spec.help == _first_paragraph(real), name
        for sub, target in spec.fast.items():
            assert real.commands[sub].callback.__wrapped__ is lean_target(target), (name, sub)


def lean_target(target: str):
    import importlib

    module, attr = target.split(":")
    return getattr(importlib.import_module(module), attr)


def test_the_help_page_lists_every_command_in_its_order():
    root = typer.main.get_command(app)
    assert list(root.commands) == [n for n in CetakGroup.ORDER]
    assert set(CetakGroup.ORDER) == set(CetakGroup.LAZY)
    page = CliRunner().invoke(app, ["--help"], env={"COLUMNS": "200"}).output
    for name, spec in CetakGroup.LAZY.items():
        assert f" {name} " in page and spec.help[:40] in page, name


def test_the_lean_paths_stored_values_are_the_enums_values():
    from application.queries import RECORD_FIELDS
    from distribution.models import DiscrepancyState
    from distribution.rules import DiscrepancyKind
    from inventory.loans import IN
    from inventory.queries import STOCK_OUT
    from inventory.reorder import OPEN_STATES
    from inventory.rules import Kind
    from printers.cards import DISTRIBUTION_STATES, CardState

    live = [
        p.value for p in DISTRIBUTION_STATES if p not in (CardState.PASSED, CardState.COLLECTED)
    ]
    assert lean.LIVE_CARD_STATES == tuple(live)
    assert (lean.CARD_DISPATCHED, lean.CARD_RECEIVED, lean.CARD_COLLECTED) == (
        CardState.DISPATCHED.value,
        CardState.RECEIVED.value,
        CardState.COLLECTED.value,
    )
    assert lean.CASE_OPEN == DiscrepancyState.OPEN.value
    assert (lean.OUTCOME_MISSING, lean.OUTCOME_DAMAGED) == (
        DiscrepancyKind.MISSING.value,
        DiscrepancyKind.DAMAGED.value,
    )
    assert lean.USED_KINDS == (Kind.CONSUMED.value, Kind.SPOILED.value)
    assert lean.LOAN_IN == IN and lean.REQUEST_OPEN == OPEN_STATES and lean.STOCK_OUT == STOCK_OUT
    assert lean.RECORD_FIELDS == RECORD_FIELDS


def _params() -> dict[str, typer.core._TyperParameter]:
    root = typer.main.get_command(app)
    records = root.commands["records"]
    shipments = root.commands["shipments"]
    found = {p.name: p for p in records.params if isinstance(p, typer.core._TyperParameter)}
    found.update({f"s_{p.name}": p for p in shipments.params})
    return found


@pytest.mark.parametrize(
    ("param", "value"),
    [
        ("limit", "50"),
        ("limit", "1"),
        ("limit", "007"),
        ("limit", None),
        ("state", "queued"),
        ("state", ""),
        ("state", " spaced "),
        ("oleh", "Kasi"),
        ("json_out", True),
        ("json_out", False),
        ("s_number", "KRM-1"),
        ("s_limit", 50),
    ],
)
def test_a_plain_value_is_converted_as_typer_converts_it(param, value):
    p = _params()[param]
    quick = _quick_value(p, value)
    assert quick is not _NOT_QUICK
    assert quick == p.get_runtime_param().coerce(value, param=p, ctx=None)
    assert type(quick) is type(p.get_runtime_param().coerce(value, param=p, ctx=None))


@pytest.mark.parametrize(
    ("param", "value"), [("limit", "0"), ("limit", "abc"), ("limit", "-3"), ("limit", "1e3")]
)
def test_anything_else_is_left_to_typer(param, value):
    assert _quick_value(_params()[param], value) is _NOT_QUICK
