"""Answers for the runs people and scripts make most, without building the Typer app.

Importing Typer and pydantic costs several times a bare interpreter's start-up, more than the
work itself. A listing (`qingpu facts --json`, `qingpu partners --sector telecom` into a pipe)
needs no Typer, and from a store already proven valid no pydantic either; completing an
option's value needs neither. This module reads the listings' declarations in `registry`,
answers exactly those runs through the same query and the same `output.emit` as the app, and
hands everything else (options it does not know or values the app would refuse, help, every
other command) to the app before it has read anything, so the app stays the reference for
every usage message.
"""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Mapping, Sequence
from typing import IO, TYPE_CHECKING, NamedTuple

from .registry import (
    FIELDS_OPTION,
    FORMAT_OPTIONS,
    JSON_OPTION,
    LISTINGS,
    Listing,
    OutputOptions,
    choices_of,
)
from .vocabulary import FORMATS

if TYPE_CHECKING:
    from .boundary import Streams


class Request(NamedTuple):
    """A listing run as the fast path understood it."""

    data: str | None
    listing: Listing
    arguments: dict[str, str]
    options: OutputOptions


def _choice(value: str, choices: tuple[str, ...] | None) -> str | None:
    """The value as the app would take it (a choice in any case, or text that is not blank), or
    None if the app would refuse it."""
    if choices is None:
        return value if value.strip() else None
    folded = {choice.casefold(): choice for choice in choices}
    return folded.get(value.casefold())


def parse(args: Sequence[str]) -> Request | None:
    """The run, when the arguments are plainly a listing's: each option once, with a value the
    app would accept; None for anything else."""
    rest = list(args)
    data = None
    if len(rest) >= 2 and rest[0] == "--data":
        data, rest = rest[1], rest[2:]
    if not rest or rest[0] not in LISTINGS:
        return None
    listing = LISTINGS[rest[0]]
    if listing.argument is not None:
        return None
    filters = {item.option: item for item in listing.filters}
    arguments: dict[str, str] = {}
    fmt: str | None = None
    fields: str | None = None
    as_json = False
    options = rest[1:]
    index = 0
    while index < len(options):
        option = options[index]
        if option == JSON_OPTION and not as_json:
            as_json = True
            index += 1
            continue
        if index + 1 >= len(options):
            return None
        value = options[index + 1]
        if option in FORMAT_OPTIONS and fmt is None:
            fmt = _choice(value, FORMATS)
            if fmt is None:
                return None
        elif option == FIELDS_OPTION and fields is None:
            fields = value
        elif option in filters and filters[option].keyword not in arguments:
            chosen = _choice(value, filters[option].choices)
            if chosen is None:
                return None
            arguments[filters[option].keyword] = chosen
        else:
            return None
        index += 2
    return Request(data, listing, arguments, OutputOptions(fmt, as_json, fields))


def answer(args: Sequence[str], streams: Streams) -> int | None:
    """The exit status of a run answered here, or None to hand the run to the app.

    A run answered here reads its store once: a store proven valid before is parsed, any other
    is validated here, and a store that cannot be read or is invalid is reported from here, in
    the very words the app would use (both raise the errors of `store`)."""
    request = parse(args)
    if request is None:
        return None
    # Imported here rather than above: completion, the most frequent run, needs none of them.
    from .errors import UsageError
    from .output import chosen_fields, emit, output_format
    from .store import StoreReader, cache_directory, locate_store

    try:
        output_format(request.options, streams.is_terminal)
        chosen_fields(request.options.fields, request.listing.fields)
        location = locate_store(request.data)
    except UsageError:
        return None  # the app says what is wrong, with its usage hint
    reader = StoreReader(location, streams.stdin)
    cache = cache_directory()
    store = reader.proven(cache)
    if store is None:
        store = reader.load(cache)
    emit(request.listing, store, request.arguments, request.options, streams)
    return 0


def complete(environ: Mapping[str, str], stdout: IO[str]) -> int | None:
    """Bash completion of an option's value from the vocabulary; None for anything else."""
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
    command = next((word for word in words[1:current] if word in LISTINGS), None)
    if command is None:
        return None
    choices = choices_of(LISTINGS[command], previous)
    if choices is None:
        return None
    for choice in choices:
        if choice.startswith(incomplete.casefold()):
            stdout.write(f"{choice}\n")
    return 0


def main() -> None:
    """The console script: the fast answers first, the app for everything else, all within the
    one run boundary.

    A run is short and its data is JSON, which holds no reference cycles; left on, the cyclic
    collector would walk every record of a large store again and again while it is parsed and
    listed, which costs more than the parsing itself. Memory is freed by reference counting."""
    gc.disable()
    try:
        from .boundary import run

        status = run(_fast_or_app)
    except KeyboardInterrupt:  # before the boundary is in place, while modules are imported
        if sys.stderr is not None:
            sys.stderr.write("qingpu: interrupted\n")
        status = 130
    sys.exit(status)


def _fast_or_app(streams: Streams) -> int:
    args = sys.argv[1:]
    if "_QINGPU_COMPLETE" in os.environ:
        status = complete(os.environ, streams.stdout)
    else:
        status = answer(args, streams)
    if status is None:
        from .cli import run_app

        status = run_app(args, streams)
    return status
