"""A fast start for the query commands (``roles``, ``count``, ``diff``) and ``scrape``:
plain argument lists are parsed here and the command function is called directly, without
building Typer's runtime parameters (Typer 0.29 builds a Pydantic ``TypeAdapter`` per option,
and importing Pydantic for that is a large part of a query's start-up).

Only the regular shapes are taken: ``[--db X] [--config X] [-v] COMMAND [--option value |
--option=value | --flag | word]...`` with options the command declares (words only where it
takes a list of arguments), each single-valued option at most once, counts as plain digits, no
value that starts with ``-``. Anything else (help, a typo, a missing required option, a bad
number) returns None and the full Typer path runs, so its messages and exit codes stay the only
ones. The options are read from the same ``Annotated[..., typer.Option(...)]`` declarations
Typer uses, so the two cannot drift apart.
"""

from __future__ import annotations

import importlib
import inspect
import os
import sys
import typing
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

# command -> the module that defines it (the function has the command's name)
FAST_COMMANDS = {
    "scrape": "tracker.cli_roles",
    "roles": "tracker.cli_roles",
    "count": "tracker.cli_roles",
    "diff": "tracker.cli_roles",
}


@dataclass(frozen=True)
class _Opt:
    param: str  # the Python parameter name
    kind: str  # "flag" | "many" | "int" | "str"


def _kind(annotation: Any, info: Any) -> str | None:
    """How an option's value is read, or None if this fast path does not handle its type."""
    plain = {  # attribute -> the value that leaves Click's handling of the value plain
        "callback": None, "parser": None, "envvar": None, "default_factory": None,
        "is_eager": False, "count": False, "prompt": False, "expose_value": True,
        "is_flag": None, "flag_value": None, "max": None,
    }  # fmt: skip
    if any(getattr(info, k, v) != v for k, v in plain.items()) or info.min not in (None, 0):
        return None
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    optional = type(None) in typing.get_args(annotation)
    base = args[0] if optional and len(args) == 1 else annotation
    if base is bool and not optional:
        return "flag"
    if base is str:
        return "str"
    if base is int and not optional:
        return "int"
    if typing.get_origin(base) is list and typing.get_args(base) == (str,):
        return "many"
    return None


WORDS = ""  # the options key of a command's positional words (one ``list[str] | None``)


def _options(func: Callable[..., Any]) -> tuple[dict[str, _Opt], set[str]] | None:
    """``{"--country": _Opt(...)}`` and the required parameters, from the Typer declarations;
    None when some parameter is not a plain option (or a list of words) this parser handles."""
    import typer.models

    options: dict[str, _Opt] = {}
    required: set[str] = set()
    for name, param in inspect.signature(func, eval_str=True).parameters.items():
        annotation = param.annotation
        if typing.get_origin(annotation) is not typing.Annotated:
            return None
        base, *extras = typing.get_args(annotation)
        infos = [e for e in extras if isinstance(e, typer.models.ParameterInfo)]
        if len(infos) != 1:
            return None
        info = infos[0]
        kind = _kind(base, info)
        if isinstance(info, typer.models.ArgumentInfo):
            if kind != "many" or param.default is not None or WORDS in options:
                return None
            options[WORDS] = _Opt(name, "many")
            continue
        if not isinstance(info, typer.models.OptionInfo):
            return None
        decls = [info.default, *(info.param_decls or ())] if isinstance(info.default, str) else []
        if kind is None or not decls or any("/" in d or not d.startswith("-") for d in decls):
            return None
        if param.default is inspect.Parameter.empty:
            required.add(name)
        for decl in decls:
            options[decl] = _Opt(name, kind)
    return options, required


def _parse(
    args: Sequence[str], options: dict[str, _Opt], required: set[str], stop_at_word: bool
) -> tuple[dict[str, Any], int] | None:
    """Parsed keyword arguments and the index where parsing stopped (at the first word when
    ``stop_at_word``), or None for anything irregular."""
    values: dict[str, Any] = {}
    i = 0
    while i < len(args):
        arg = args[i]
        if arg in ("-", "--"):
            return None
        if not arg.startswith("-"):
            if stop_at_word:
                break
            if WORDS not in options:
                return None
            values.setdefault(options[WORDS].param, []).append(arg)
            i += 1
            continue
        name, eq, inline = arg.partition("=")
        opt = options.get(name)
        if opt is None:
            return None
        if opt.kind == "flag":
            if eq or opt.param in values:
                return None
            values[opt.param] = True
            i += 1
            continue
        if eq:
            value = inline
            i += 1
        else:
            if i + 1 >= len(args):
                return None
            value = args[i + 1]
            i += 2
        if value.startswith("-"):
            return None
        if opt.kind == "many":
            values.setdefault(opt.param, []).append(value)
            continue
        if opt.param in values:
            return None
        if opt.kind == "int":
            if not (value.isascii() and value.isdigit()):
                return None
            values[opt.param] = int(value)
        else:
            values[opt.param] = value
    if not required <= values.keys():
        return None
    return values, i


def run_fast(argv: Sequence[str]) -> int | None:
    """Run a query command from ``argv`` (without the program name) and return its exit code,
    or None (nothing run, nothing printed) when the full command line must handle it."""
    if not any(word in FAST_COMMANDS for word in argv):
        return None
    if any(k.startswith("_") and k.endswith("_COMPLETE") for k in os.environ):
        return None  # a shell-completion request: Click answers it
    from tracker import cli_common

    spec = _options(cli_common.main_options)
    if spec is None:
        return None
    parsed = _parse(argv, *spec, stop_at_word=True)
    if parsed is None:
        return None
    global_values, at = parsed
    if at >= len(argv) or argv[at] not in FAST_COMMANDS:
        return None
    command = argv[at]
    func = getattr(importlib.import_module(FAST_COMMANDS[command]), command)
    spec = _options(func)
    if spec is None:
        return None
    parsed = _parse(argv[at + 1 :], *spec, stop_at_word=False)
    if parsed is None:
        return None
    return _invoke(cli_common.main_options, global_values, func, parsed[0])


def _invoke(
    callback: Callable[..., Any],
    global_values: dict[str, Any],
    func: Callable[..., Any],
    values: dict[str, Any],
) -> int:
    """Call the app callback then the command, with the outcomes Typer's (Click's) main gives
    them under ``standalone_mode=False``: Exit -> its code, Ctrl-C -> 130, end of input ->
    Abort, a closed pipe -> quiet exit 1."""
    import errno

    import typer

    try:
        try:
            callback(**global_values)
            func(**values)
        except EOFError as exc:
            typer.echo(err=True)
            raise typer.Abort() from exc
        except KeyboardInterrupt as exc:  # Ctrl-C: one line, as the full command line says it
            typer.echo("interrupted", err=True)
            raise typer.Exit(130) from exc
        except OSError as exc:
            if exc.errno != errno.EPIPE:
                raise
            _pacify_pipes()
            sys.exit(1)
    except typer.Exit as exc:
        return int(exc.exit_code)
    return 0


def _pacify_pipes() -> None:
    """What Click does on a closed pipe: later flushes of stdout/stderr ignore EPIPE."""
    try:
        utils = importlib.import_module("typer._click.utils")  # Typer >= 0.29 vendors Click
    except ImportError:
        utils = importlib.import_module("click.utils")
    sys.stdout = utils.PacifyFlushWrapper(sys.stdout)
    sys.stderr = utils.PacifyFlushWrapper(sys.stderr)
