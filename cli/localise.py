"""The command line's own words in Bahasa Indonesia: help pages, usage lines and typed-value
errors (issue 13 item 9).

Typer (0.29) carries its own copy of Click and writes most of its texts in English with no
translation catalogue (Click's gettext calls are gone from it), so ``install`` sets them
once, at import of ``cli.app``, through the points Typer offers:

* ``typer.rich_utils``'s module constants (panel titles, ``[required]``, ``[default: ]``, the
  "Try ... for help" line): Typer's documented way to change them;
* the help formatter class of every context (``Context.formatter_class``): ``Cara pakai:``
  instead of ``Usage:``;
* the help option's text, the ``<int>`` / ``<int range> [x>=1]`` type hints;
* the error panel (``rich_utils.rich_format_error``): the message is rebuilt in Bahasa from
  the exception's kind and fields (and Pydantic's error type for typed values), never by
  translating English sentences, so ``'abc' bukan bilangan bulat`` rather than ``Input
  should be a valid integer``.

``tests/e2e/test_cli_bahasa.py`` checks the result on the real command; a Typer upgrade
that moves these points fails there, not silently.
"""

from __future__ import annotations

import re
from typing import Any

#: Types as staff read them in help pages (``<bilangan>`` rather than ``<int>``).
TYPE_WORDS = {
    "str": "teks",
    "int": "bilangan",
    "float": "angka",
    "bool": "ya/tidak",
    "path": "jalur",
    "Path": "jalur",
    "file": "berkas",
    "directory": "folder",
    "datetime": "tanggal",
    "date": "tanggal",
    "int range": "bilangan",
    "float range": "angka",
    "uuid": "UUID",
}

HELP_OPTION_TEXT = "Tampilkan bantuan ini lalu keluar."
USAGE_PREFIX = "Cara pakai: "
OPTIONS_METAVAR = "[OPSI]"
COMMAND_METAVAR = "PERINTAH [ARG]..."

_installed = False


def describe_range(low: float | None, high: float | None) -> str | None:
    """``minimal 1``, ``maksimal 9``, ``1 sampai 9``: a number option's range in help pages."""
    if low is None and high is None:
        return None
    if high is None:
        return f"minimal {low}"
    if low is None:
        return f"maksimal {high}"
    return f"{low} sampai {high}"


def _type_word(label: str) -> str:
    inner = label[1:-1] if label.startswith("<") and label.endswith(">") else label
    if inner.startswith("list[") and inner.endswith("]"):
        return f"<daftar {TYPE_WORDS.get(inner[5:-1], inner[5:-1])}>"
    if "|" in inner:  # a choice: the words themselves, as typed
        return label
    return f"<{TYPE_WORDS.get(inner, inner)}>"


def _option_hint(exc: Any) -> str:
    hint = getattr(exc, "param_hint", None)
    param = getattr(exc, "param", None)
    if hint is None and param is not None:
        hint = param.get_error_hint()
    if hint is None:
        return ""
    if not isinstance(hint, str):
        hint = " / ".join(repr(x) for x in hint)
    return hint


def _pydantic_message(cause: Any) -> str | None:
    """A typed value refused by Pydantic, in Bahasa, from the first error's type."""
    try:
        errors = cause.errors()
    except Exception:  # noqa: BLE001 - not a ValidationError
        return None
    if not errors:
        return None
    first = errors[0]
    kind = str(first.get("type", ""))
    value = first.get("input")
    ctx = first.get("ctx") or {}
    shown = f"'{value}'" if value is not None else "nilai ini"
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return f"{shown} bukan bilangan bulat; ketik angka saja, mis. 100"
    if kind in ("float_parsing", "float_type", "decimal_parsing"):
        return f"{shown} bukan angka; ketik angka, mis. 2 atau 2.5"
    if kind in ("bool_parsing", "bool_type"):
        return f"{shown} bukan ya/tidak"
    if kind in ("date_parsing", "date_from_datetime_parsing", "datetime_parsing", "date_type"):
        return f"{shown} bukan tanggal; tulis TTTT-BB-HH, mis. 2026-12-02"
    if kind == "greater_than_equal":
        return f"{shown} terlalu kecil; paling sedikit {ctx.get('ge')}"
    if kind == "greater_than":
        return f"{shown} terlalu kecil; harus lebih dari {ctx.get('gt')}"
    if kind == "less_than_equal":
        return f"{shown} terlalu besar; paling banyak {ctx.get('le')}"
    if kind == "less_than":
        return f"{shown} terlalu besar; harus kurang dari {ctx.get('lt')}"
    if kind in ("enum", "literal_error"):
        expected = str(ctx.get("expected", "")).replace(" or ", ", ")
        return f"{shown} tidak dikenal; pilihan: {expected}"
    if kind == "value_error":
        text = str(ctx.get("error", ""))
        choices = re.search(r"is not one of (.+?)\.?$", text)
        if choices:
            return f"{shown} tidak dikenal; pilihan: {choices.group(1)}"
        formats = re.search(r"does not match the formats? (.+?)\.?$", text)
        if formats:
            return f"{shown} tidak sesuai bentuk {formats.group(1)}"
    return f"{shown} tidak sah"


_PATH_PROBLEMS = (
    (re.compile(r"^(\w+) (.+) does not exist\.$"), "{what} {name} tidak ditemukan"),
    (re.compile(r"^(\w+) (.+) is a file\.$"), "{what} {name} adalah berkas, bukan folder"),
    (re.compile(r"^(\w+) (.+) is a directory\.$"), "{what} {name} adalah folder, bukan berkas"),
    (re.compile(r"^(\w+) (.+) is not readable\.$"), "{what} {name} tidak dapat dibaca"),
    (re.compile(r"^(\w+) (.+) is not writable\.$"), "{what} {name} tidak dapat ditulisi"),
)
_PATH_WORDS = {"File": "Berkas", "Directory": "Folder", "Path": "Jalur"}


def _value_message(exc: Any) -> str:
    """Why a typed value was refused (the part after ``Nilai untuk '--x' tidak sah:``)."""
    cause = exc.__cause__
    if cause is not None:
        text = _pydantic_message(cause)
        if text is not None:
            return text
    message = str(getattr(exc, "message", "") or "")
    for pattern, template in _PATH_PROBLEMS:
        m = pattern.match(message)
        if m:
            return template.format(what=_PATH_WORDS.get(m.group(1), m.group(1)), name=m.group(2))
    m = re.match(r"^Value (.+) is not a valid (.+)\.$", message)
    if m:
        return f"{m.group(1)} bukan {_type_word(m.group(2))[1:-1]} yang sah"
    if message == "Value must be an iterable.":
        return "harus berupa daftar nilai"
    if re.search(r"[A-Za-z]", message) and not _looks_bahasa(message):
        return "nilai tidak sah"
    return message  # a message of Cetak's own (callbacks raise BadParameter in Bahasa)


_ENGLISH_WORDS = re.compile(r"\b(the|is|not|a|valid|should|must|value|input|does)\b", re.I)


def _looks_bahasa(message: str) -> bool:
    return _ENGLISH_WORDS.search(message) is None


def error_message(exc: Any) -> str:
    """The Bahasa text of a usage error raised while reading the command line."""
    from typer._click import exceptions as ex

    if isinstance(exc, ex.MissingParameter):
        kind = getattr(exc, "param_type", None) or (
            exc.param.param_type_name if exc.param is not None else "parameter"
        )
        word = {"option": "Opsi", "argument": "Argumen"}.get(kind, "Parameter")
        hint = _option_hint(exc)
        return f"{word} {hint} wajib diisi.".replace("  ", " ")
    if isinstance(exc, ex.BadParameter):
        hint = _option_hint(exc)
        reason = _value_message(exc)
        return f"Nilai untuk {hint} tidak sah: {reason}." if hint else f"Nilai tidak sah: {reason}."
    if isinstance(exc, ex.NoSuchOption):
        text = f"Tidak ada opsi {exc.option_name}."
        if exc.possibilities:
            text += f" (Mungkin maksudnya: {', '.join(sorted(exc.possibilities))})"
        return text
    if isinstance(exc, ex.BadOptionUsage):
        message = exc.message
        if "does not take a value" in message:
            return f"Opsi {exc.option_name} tidak menerima nilai."
        if "requires" in message:
            return f"Opsi {exc.option_name} memerlukan nilai."
        return message
    if isinstance(exc, ex.BadArgumentUsage):
        return "Jumlah nilai argumen tidak sesuai."
    message = str(getattr(exc, "message", exc))
    m = re.match(r"^No such command '(.+?)'\.(?: Did you mean (.+)\?)?$", message)
    if m:
        text = f"Tidak ada perintah '{m.group(1)}'."
        if m.group(2):
            text += f" Mungkin maksudnya: {m.group(2)}?"
        return text
    if message == "Missing command.":
        return "Perintah belum disebut."
    m = re.match(r"^Got unexpected extra argument\(s\) \((.+)\)$", message)
    if m:
        return f"Ada argumen yang tidak dikenal: {m.group(1)}"
    return message


def _rich_format_error(exc: Any) -> None:
    """``typer.rich_utils.rich_format_error`` with Bahasa words (same layout)."""
    from rich.markup import escape
    from rich.panel import Panel
    from typer import rich_utils as ru

    if exc.__class__.__name__ == "NoArgsIsHelpError":
        return
    console = ru._get_rich_console(stderr=True)
    ctx = getattr(exc, "ctx", None)
    if ctx is not None:
        console.print(ru.highlighter(ctx.get_usage()), style=ru.STYLE_USAGE_COMMAND)
    if ctx is not None and ctx.command.get_help_option(ctx) is not None:
        console.print(
            ru.RICH_HELP.format(
                command_path=escape(ctx.command_path), help_option=ctx.help_option_names[0]
            ),
            style=ru.STYLE_ERRORS_SUGGESTION,
        )
    console.print(
        Panel(
            ru.highlighter(error_message(exc)),
            border_style=ru.STYLE_ERRORS_PANEL_BORDER,
            title=ru.ERRORS_PANEL_TITLE,
            title_align=ru.ALIGN_ERRORS_PANEL,
        )
    )


def install() -> None:
    """Put the command line's own words in Bahasa (idempotent; see the module docstring).

    ``typer.rich_utils`` (with rich's Markdown, a fifth of a second) is imported only to
    write a help page or an error: its words are set when it is imported (``_patch_rich``),
    so a command that runs without either never pays for it (issue 16)."""
    global _installed
    if _installed:
        return
    _installed = True
    import sys

    import typer.core as tcore
    from typer._click import core as ccore
    from typer._click import decorators as cdec
    from typer._click.formatting import HelpFormatter

    if "typer.rich_utils" in sys.modules:
        _patch_rich(sys.modules["typer.rich_utils"])
    else:
        sys.meta_path.insert(0, _RichUtilsFinder())

    class BahasaHelpFormatter(HelpFormatter):
        def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
            args = args.replace("[OPTIONS]", OPTIONS_METAVAR).replace(
                "COMMAND [ARGS]...", COMMAND_METAVAR
            )
            super().write_usage(prog, args, USAGE_PREFIX if prefix is None else prefix)

    ccore.Context.formatter_class = BahasaHelpFormatter

    original_help_option = cdec.help_option

    def help_option(param_decls: list[str]) -> Any:
        add = original_help_option(param_decls)

        def decorator(command: Any) -> Any:
            command = add(command)
            command.params[-1].help = HELP_OPTION_TEXT
            return command

        return decorator

    cdec.help_option = help_option
    tcore.describe_number_range = describe_range  # type: ignore[attr-defined,assignment]

    original_display_type = tcore._TyperParameter.display_type

    def display_type(self: Any, ctx: Any) -> str:
        return _type_word(original_display_type(self, ctx))

    original_option_type_rich = tcore.TyperOption.display_type_rich

    def display_type_rich(self: Any, ctx: Any) -> str | None:
        if getattr(self, "is_flag", False):  # a switch takes no value: no type to show
            return None
        return original_option_type_rich(self, ctx)

    tcore._TyperParameter.display_type = display_type  # type: ignore[method-assign]
    tcore.TyperOption.display_type_rich = display_type_rich  # type: ignore[method-assign]


def _patch_rich(ru: Any) -> None:
    """Typer's rich help and error words in Bahasa (its module constants, its error panel)."""
    ru.DEPRECATED_STRING = "(usang) "
    ru.DEFAULT_STRING = "[bawaan: {}]"
    ru.ENVVAR_STRING = "[variabel lingkungan: {}]"
    ru.REQUIRED_LONG_STRING = "[wajib]"
    ru.ARGUMENTS_PANEL_TITLE = "Argumen"
    ru.OPTIONS_PANEL_TITLE = "Opsi"
    ru.COMMANDS_PANEL_TITLE = "Perintah"
    ru.ERRORS_PANEL_TITLE = "Kesalahan"
    ru.ABORTED_TEXT = "Dibatalkan."
    ru.RICH_HELP = "Coba [blue]'{command_path} {help_option}'[/] untuk bantuan."
    ru.rich_format_error = _rich_format_error


class _RichUtilsFinder:
    """Finds ``typer.rich_utils`` as Python would, and patches it once it has run."""

    def find_spec(self, name: str, path: Any, target: Any = None) -> Any:
        if name != "typer.rich_utils":
            return None
        import sys
        from importlib.machinery import PathFinder

        sys.meta_path[:] = [f for f in sys.meta_path if not isinstance(f, _RichUtilsFinder)]
        spec = PathFinder.find_spec(name, path, target)
        if spec is None or spec.loader is None:
            return spec
        loader = spec.loader
        run = loader.exec_module

        def exec_module(module: Any) -> None:
            with _deferred_rich_modules():
                run(module)
            _patch_rich(module)

        loader.exec_module = exec_module  # type: ignore[method-assign]
        return spec


#: Modules ``typer.rich_utils`` imports for what Cetak never shows: Markdown help (Cetak's
#: help is rich markup) and pretty tracebacks (``pretty_exceptions_enable=False``). They
#: take longer to import than all the rest of a help page.
_DEFERRED = {"rich.markdown": "Markdown", "rich.traceback": "Traceback"}


def _lazy_class(module: str, name: str) -> type:
    """A stand-in for ``module.name``: calling it or reading an attribute imports the real
    class then."""
    import importlib

    def real() -> Any:
        return getattr(importlib.import_module(module), name)

    class Meta(type):
        def __getattr__(cls, attr: str) -> Any:
            return getattr(real(), attr)

        def __call__(cls, *args: Any, **kwargs: Any) -> Any:
            return real()(*args, **kwargs)

    return Meta(name, (), {"__module__": module})


class _deferred_rich_modules:  # noqa: N801 - a context manager, used as one
    """While ``typer.rich_utils`` runs, ``from rich.markdown import Markdown`` (and the
    traceback) bind stand-ins; the real modules stay unimported, and import as usual for
    whoever asks for them later."""

    def __enter__(self) -> None:
        import sys
        import types

        self.stubs: dict[str, types.ModuleType] = {}
        for module, name in _DEFERRED.items():
            if module in sys.modules:
                continue
            stub = types.ModuleType(module)
            setattr(stub, name, _lazy_class(module, name))
            sys.modules[module] = self.stubs[module] = stub

    def __exit__(self, *exc: object) -> None:
        import sys

        for module, stub in self.stubs.items():
            if sys.modules.get(module) is stub:
                del sys.modules[module]
