"""Command groups that import a command's module only when that command runs (issue 16).

Importing every command module (and with them SQLAlchemy, sqlmodel, Prefect's helpers,
reportlab ...) took a second before ``cetak`` could say anything. A ``LazyGroup`` knows its
commands by name, module and short help (``Lazy``), so that:

* running ``cetak X`` imports X's module alone;
* ``cetak --help`` lists every command from the short help stated here, importing none;
* a group with commands that must answer fast (``Lazy.fast``: ``stock status``,
  ``printers list``) is built, when one of those is what runs, from that command alone,
  without the module of the rest of the group;
* anything that walks ``group.commands`` (the help tests, completion) still finds every
  command: iterating the mapping loads them all.

``tests/unit/test_fast_lazy_cli.py`` checks that each short help stated here is the first
paragraph of the command's own help, so the help page reads as before.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterator, MutableMapping
from typing import Any

import typer
from typer._click import Command, Context
from typer.core import TyperCommand, TyperGroup
from typer.models import CommandInfo, TyperInfo


class Lazy:
    """Where a command lives: ``"module:attribute"`` (a function, or a ``typer.Typer`` for a
    group), its short help (the first paragraph of its help), modules to import with it
    (they add commands to the group), and a group's fast commands (name -> target)."""

    __slots__ = ("target", "help", "imports", "fast")

    def __init__(
        self,
        target: str,
        help: str,  # noqa: A002 - the word Typer and Click use
        imports: tuple[str, ...] = (),
        fast: dict[str, str] | None = None,
    ) -> None:
        self.target = target
        self.help = help
        self.imports = imports
        self.fast = fast or {}


def _load(target: str) -> Any:
    module, attr = target.split(":")
    return getattr(importlib.import_module(module), attr)


def build(name: str, obj: Any, markup: Any) -> Command:
    """The Click command Typer makes of ``obj`` (a function or a ``Typer``) under ``name``."""
    if isinstance(obj, typer.Typer):
        return typer.main.get_group_from_info(
            TyperInfo(obj, name=name),
            pretty_exceptions_short=obj.pretty_exceptions_short,
            suggest_commands=obj.suggest_commands,
            rich_markup_mode=markup,
        )
    return typer.main.get_command_from_info(
        CommandInfo(name=name, callback=obj), pretty_exceptions_short=True, rich_markup_mode=markup
    )


class LazyCommands(MutableMapping[str, Command]):
    """A group's commands: the ones built already, and the lazy ones, built on first use.

    Iteration follows ``order`` (names not in it come last, as added) and builds every
    command: a caller that reads them all gets them all."""

    def __init__(
        self, built: dict[str, Command], lazy: dict[str, Lazy], order: tuple[str, ...], markup: Any
    ) -> None:
        self.built = dict(built)
        self.lazy = lazy
        self.order = order
        self.markup = markup

    def names(self) -> list[str]:
        known = [n for n in self.order if n in self.built or n in self.lazy]
        return known + [n for n in (*self.built, *self.lazy) if n not in known]

    def loaded(self, name: str) -> bool:
        return name in self.built

    def __getitem__(self, name: str) -> Command:
        if name not in self.built:
            spec = self.lazy.get(name)
            if spec is None:
                raise KeyError(name)
            for module in spec.imports:
                importlib.import_module(module)
            self.built[name] = build(name, _load(spec.target), self.markup)
        return self.built[name]

    def __setitem__(self, name: str, command: Command) -> None:
        self.built[name] = command

    def __delitem__(self, name: str) -> None:
        self.built.pop(name, None)
        self.lazy = {k: v for k, v in self.lazy.items() if k != name}

    def __iter__(self) -> Iterator[str]:
        return iter(self.names())

    def __len__(self) -> int:
        return len(self.names())

    def __contains__(self, name: object) -> bool:
        return name in self.built or name in self.lazy


class LazyGroup(TyperGroup):
    """A Typer group whose commands in ``LAZY`` load on use; ``ORDER`` is the order of the
    help page (built commands not named there follow)."""

    LAZY: dict[str, Lazy] = {}
    ORDER: tuple[str, ...] = ()

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.commands = LazyCommands(
            dict(self.commands), dict(self.LAZY), self.ORDER, self.rich_markup_mode
        )
        self._stubs = False

    @property
    def lazy(self) -> LazyCommands:
        assert isinstance(self.commands, LazyCommands)
        return self.commands

    def list_commands(self, ctx: Context) -> list[str]:
        return self.lazy.names()

    def get_command(self, ctx: Context, cmd_name: str) -> Command | None:
        if cmd_name not in self.lazy:
            return None
        if self._stubs and not self.lazy.loaded(cmd_name):
            # The help page lists the command by its short help: nothing imported.
            return TyperCommand(name=cmd_name, help=self.lazy.lazy[cmd_name].help)
        return self.lazy[cmd_name]

    def format_help(self, ctx: Context, formatter: Any) -> None:
        self._stubs = True
        try:
            super().format_help(ctx, formatter)
        finally:
            self._stubs = False

    def resolve_command(
        self, ctx: Context, args: list[str]
    ) -> tuple[str | None, Command | None, list[str]]:
        name = args[0] if args else None
        spec = self.lazy.lazy.get(name) if name is not None else None
        if (
            name is not None
            and spec is not None
            and not self.lazy.loaded(name)
            and len(args) > 1
            and args[1] in spec.fast
        ):
            # ``cetak stock status``: the group with that one command, not the whole module.
            sub = args[1]
            thin = TyperGroup(
                name=name,
                commands={sub: build(sub, _load(spec.fast[sub]), self.rich_markup_mode)},
                help=spec.help,
                no_args_is_help=True,
                rich_markup_mode=self.rich_markup_mode,
            )
            return name, thin, args[1:]
        return super().resolve_command(ctx, args)


# --- typed values without Pydantic ------------------------------------------------------------

_NOT_QUICK = object()
_DIGITS = re.compile(r"[0-9]{1,18}")


def _quick_value(param: Any, value: Any) -> Any:
    """The value Typer's Pydantic coercion would give, for the plain cases only (no value, a
    flag, text, a whole number in its range); ``_NOT_QUICK`` for anything else."""
    desc = param.type_descriptor
    info = desc.parameter_info
    if desc.file_annotation is not None or getattr(info, "parser", None) is not None:
        return _NOT_QUICK
    if getattr(info, "click_type", None) is not None:
        return _NOT_QUICK
    multi = param.multiple or param.nargs == -1
    if value is None:  # as ``RuntimeParam.coerce``: nothing to convert
        return () if multi else None
    if multi:
        return _NOT_QUICK
    annotation = desc.annotation
    if annotation is bool and isinstance(value, bool):
        return value
    if annotation is str and type(value) is str:
        try:
            value.encode("utf-8")  # lone surrogates: Pydantic's to judge
        except UnicodeEncodeError:
            return _NOT_QUICK
        return value
    if annotation is int and type(value) in (str, int):
        if type(value) is str and not _DIGITS.fullmatch(value):
            return _NOT_QUICK
        number = int(value)
        if getattr(info, "clamp", False) or getattr(info, "min_open", False):
            return _NOT_QUICK
        if getattr(info, "max_open", False):
            return _NOT_QUICK
        if info.min is not None and number < info.min:
            return _NOT_QUICK  # refused: Pydantic's message, in Bahasa (cli.localise)
        if info.max is not None and number > info.max:
            return _NOT_QUICK
        return number
    return _NOT_QUICK


def install_quick_coercion() -> None:
    """Typer (0.29) converts every typed value through a Pydantic ``TypeAdapter``; importing
    Pydantic and building the adapters costs a read-only command a third of its time budget,
    even for ``--help``'s unset flag. Plain values (``_quick_value``) are converted here to
    exactly what the adapter returns; everything else, and every refusal, still goes through
    Typer (idempotent)."""
    from typer import core as tcore
    from typer._click.exceptions import MissingParameter

    original = tcore._TyperParameter.process_value
    if getattr(original, "_cetak_quick", False):
        return

    def process_value(self: Any, ctx: Any, value: Any) -> Any:
        quick = _quick_value(self, value)
        if quick is _NOT_QUICK:
            return original(self, ctx, value)
        if self.required and self.value_is_missing(quick):
            raise MissingParameter(ctx=ctx, param=self)
        if self.callback is not None:
            quick = self.callback(ctx, self, quick)
        return quick

    process_value._cetak_quick = True  # type: ignore[attr-defined]
    tcore._TyperParameter.process_value = process_value  # type: ignore[method-assign]
