"""The console script: every run whose words are plain is read here and answered without
building the Typer app.

Importing Typer and pydantic costs several times a bare interpreter's start-up, more than the
work itself, and Typer builds machinery for every parameter on each run. Every command's
words are declared in `cli.commands`; this module reads a run's arguments by those
declarations alone (each option once, each value accepted by its declaration's rule) and hands
the run to the same handler the app would (`cli.handlers`). Anything it does not read plainly
(a mistyped or repeated option, a value its rule refuses, a missing argument, `--help`,
completion of ids) goes to the Typer app before anything is read, so the app stays the one
voice of every usage message. Completing an option's value from its choices needs neither.
"""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Mapping, Sequence
from typing import IO, TYPE_CHECKING, Any, NamedTuple

from qingpu_cli.cli.commands import (
    COLOR,
    COMMANDS,
    FLAG,
    NO_PAGER,
    ROOT_OPTIONS,
    VERSION,
    Command,
    Option,
)
from qingpu_cli.errors import UsageError

if TYPE_CHECKING:
    from qingpu_cli.cli.run import Streams

#: What asks for help: always the app's to answer.
HELP = ("--help", "-h")


class Parsed(NamedTuple):
    """A run as read from its words: the root options, the command, and its values."""

    root: dict[str, Any]
    command: Command
    values: dict[str, Any]


def _options_by_name(options: Sequence[Option]) -> dict[str, Option]:
    return {name: option for option in options for name in option.names}


_ROOT = _options_by_name(ROOT_OPTIONS)


def _take_options(
    words: list[str], options: Mapping[str, Option], values: dict[str, Any]
) -> list[str] | None:
    """The options among these words put into `values` by keyword, and the positional words
    left; None when a word is not plainly one of them."""
    positional: list[str] = []
    index = 0
    while index < len(words):
        word = words[index]
        index += 1
        if word == "--":
            positional.extend(words[index:])
            break
        if not word.startswith("-") or word == "-":
            positional.append(word)
            continue
        name, has_value, attached = word.partition("=")
        option = options.get(name)
        if option is None or option.keyword in values:
            return None
        if option.takes == FLAG:
            if has_value:
                return None
            values[option.keyword] = True
            continue
        if has_value:
            value = attached
        elif index < len(words):
            value = words[index]
            index += 1
        else:
            return None
        try:
            values[option.keyword] = option.accept(value)
        except UsageError:
            return None
    return positional


def parse(args: Sequence[str]) -> Parsed | None:
    """The run, when its words are plainly a command's; None for anything else."""
    words = list(args)
    if any(word in HELP for word in words):
        return None
    root: dict[str, Any] = {}
    while words and words[0].startswith("-") and words[0] != "-":
        name = words[0].partition("=")[0]
        if name not in _ROOT:
            return None
        split = 2 if _ROOT[name].takes != FLAG and "=" not in words[0] else 1
        if _take_options(words[:split], _ROOT, root) != []:
            return None
        words = words[split:]
    if VERSION.keyword in root or not words or words[0] not in COMMANDS:
        return None
    command = COMMANDS[words[0]]
    values: dict[str, Any] = {}
    positional = _take_options(words[1:], _options_by_name(command.every_option), values)
    if positional is None or len(positional) > len(command.arguments):
        return None
    for argument, word in zip(command.arguments, positional, strict=False):
        try:
            values[argument.name] = argument.accept(word)
        except UsageError:
            return None
    if any(argument.required and argument.name not in values for argument in command.arguments):
        return None
    for option in command.every_option:
        if option.keyword not in values:
            if option.required:
                return None
            if option.default is not None:
                values[option.keyword] = option.default
    return Parsed(root, command, values)


def answer(args: Sequence[str], streams: Streams) -> int | None:
    """The exit status of a run answered here, or None to hand the run to the app."""
    parsed = parse(args)
    if parsed is None:
        return None
    from qingpu_cli.cli.handlers import Call, Session, handle
    from qingpu_cli.cli.run import with_color, with_pager

    color = parsed.root.get(COLOR.keyword) or COLOR.default or "auto"
    shown = with_pager(with_color(streams, color), not parsed.root.get(NO_PAGER.keyword))
    session = Session(shown, parsed.root.get("data"))
    return handle(Call(parsed.command.name, parsed.values, session))


def complete(environ: Mapping[str, str], stdout: IO[str]) -> int | None:
    """Bash completion of an option's value from its declared choices; None for anything else
    (ids are completed by the app, which reads the store)."""
    if environ.get("_QINGPU_COMPLETE") != "complete_bash":
        return None
    try:
        words = environ["COMP_WORDS"].split()
        current = int(environ["COMP_CWORD"])
    except (KeyError, ValueError):
        return 0  # a shell that says nothing usable is offered nothing, not an error
    if environ.get("COMP_WORDS", "").endswith(" "):
        words.append("")
    if current != len(words) - 1 or current < 2:
        return None
    previous, incomplete = words[current - 1], words[current]
    command = next((COMMANDS[word] for word in words[1:current] if word in COMMANDS), None)
    if command is None:
        return None
    option = _options_by_name(command.every_option).get(previous)
    if option is None or option.choices is None:
        return None
    for choice in option.choices:
        if choice.startswith(incomplete.casefold()):
            stdout.write(f"{choice}\n")
    return 0


def main() -> None:
    """The console script: the quick reading first, the app for everything else, all within
    the one run boundary.

    A run is short and its data is JSON, which holds no reference cycles; left on, the cyclic
    collector would walk every record of a large store again and again while it is parsed and
    listed, which costs more than the parsing itself. Memory is freed by reference counting."""
    gc.disable()
    try:
        from qingpu_cli.cli.run import run

        status = run(_quick_or_app)
    except KeyboardInterrupt:  # before the boundary is in place, while modules are imported
        if sys.stderr is not None:
            sys.stderr.write("qingpu: interrupted\n")
        status = 130
    sys.exit(status)


def _quick_or_app(streams: Streams) -> int:
    args = sys.argv[1:]
    if "_QINGPU_COMPLETE" in os.environ:
        status = complete(os.environ, streams.stdout)
    else:
        status = answer(args, streams)
    if status is None:
        from qingpu_cli.cli.app import run_app

        status = run_app(args, streams)
    return status
