"""Answers for the runs people and scripts make most, without building the Typer app.

Importing Typer and pydantic costs several times a bare interpreter's start-up, more than the
work itself. A listing (`qingpu facts --json`, `qingpu partners --sector telecom` into a pipe)
or the overview needs no Typer, and from a store already proven valid no pydantic either;
completing an option's value needs neither. This module reads the listings' declarations in
`registry`, answers exactly those runs through the same query and the same `output.emit` as
the app, and hands everything else (options it does not know or values the app would refuse,
help, every other command) to the app before it has read anything, so the app stays the
reference for every usage message.
"""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Mapping, Sequence
from typing import IO, TYPE_CHECKING, NamedTuple

from qingpu_cli.cli.commands import (
    COLOR_OPTION,
    DATA_OPTION,
    FIELDS_OPTION,
    FORMAT_OPTIONS,
    JSON_OPTION,
    LIMIT_OPTION,
    LISTINGS,
    NO_HEADER_OPTION,
    NO_PAGER_OPTION,
    SHARED_FLAGS,
    SHARED_OPTIONS,
    SORT_OPTION,
    WIDE_OPTION,
    Listing,
    OutputOptions,
    choices_of,
)
from qingpu_cli.store.vocabulary import COLOR_CHOICES, FORMATS, OVERVIEW_FORMATS

if TYPE_CHECKING:
    from qingpu_cli.cli.run import Streams


#: The commands the fast path answers besides the listings: the first screen a newcomer runs,
#: and the fact sheet, which the app would take several times longer to start for.
OVERVIEW = "overview"
REPORT = "report"
HTML_OPTION = "--html"


class Request(NamedTuple):
    """A listing run (or the overview, with no listing) as the fast path understood it."""

    data: str | None
    color: str
    listing: Listing | None
    arguments: dict[str, str]
    options: OutputOptions
    pager: bool = True


def _overview_request(data: str | None, color: str, options: list[str]) -> Request | None:
    """`overview` with `--json` or `--format table|json`, each at most once."""
    as_json = JSON_OPTION in options
    rest = [option for option in options if option != JSON_OPTION]
    if options.count(JSON_OPTION) > 1 or len(rest) not in (0, 2):
        return None
    fmt = None
    if rest:
        if rest[0] not in FORMAT_OPTIONS:
            return None
        fmt = _choice(rest[1], OVERVIEW_FORMATS)
        if fmt is None:
            return None
    return Request(data, color, None, {}, OutputOptions(fmt, as_json))


def _report_request(data: str | None, color: str, options: list[str]) -> Request | None:
    """`report --html FILE`, and nothing else."""
    if len(options) != 2 or options[0] != HTML_OPTION or not options[1].strip():
        return None
    return Request(data, color, None, {"html": options[1]}, OutputOptions())


def _choice(value: str, choices: tuple[str, ...] | None) -> str | None:
    """The value as the app would take it (a choice in any case, or text that is not blank), or
    None if the app would refuse it."""
    if choices is None:
        return value if value.strip() else None
    folded = {choice.casefold(): choice for choice in choices}
    return folded.get(value.casefold())


def _root_options(args: list[str]) -> tuple[dict[str, str], list[str]] | None:
    """`--data PATH`, `--color WHEN` and `--no-pager` before the command, each at most once."""
    given: dict[str, str] = {}
    while args[:1] and args[0] in (DATA_OPTION, COLOR_OPTION, NO_PAGER_OPTION):
        if args[0] in given:
            return None
        if args[0] == NO_PAGER_OPTION:
            given[NO_PAGER_OPTION] = ""
            args = args[1:]
            continue
        if len(args) < 2:
            return None
        given[args[0]] = args[1]
        args = args[2:]
    return given, args


def parse(args: Sequence[str]) -> Request | None:
    """The run, when the arguments are plainly a listing's: each option once, with a value the
    app would accept; None for anything else."""
    found = _root_options(list(args))
    if found is None:
        return None
    root, rest = found
    color = _choice(root.get(COLOR_OPTION, "auto"), COLOR_CHOICES)
    if color is None or not rest:
        return None
    request = _request(root, color, rest)
    if request is None:
        return None
    return request._replace(pager=NO_PAGER_OPTION not in root)


def _request(root: dict[str, str], color: str, rest: list[str]) -> Request | None:
    if rest[0] == OVERVIEW:
        return _overview_request(root.get(DATA_OPTION), color, rest[1:])
    if rest[0] == REPORT:
        return _report_request(root.get(DATA_OPTION), color, rest[1:])
    if rest[0] not in LISTINGS:
        return None
    listing = LISTINGS[rest[0]]
    if listing.argument is not None:
        return None
    filters = {item.option: item for item in listing.filters}
    arguments: dict[str, str] = {}
    values: dict[str, str] = {}
    flags: set[str] = set()
    options = rest[1:]
    index = 0
    while index < len(options):
        option = options[index]
        if option in SHARED_FLAGS and option not in flags:
            flags.add(option)
            index += 1
            continue
        if index + 1 >= len(options):
            return None
        value = options[index + 1]
        name = FORMAT_OPTIONS[0] if option in FORMAT_OPTIONS else option
        if name in SHARED_OPTIONS and name not in values:
            values[name] = value
        elif option in filters and filters[option].keyword not in arguments:
            chosen = _choice(value, filters[option].choices)
            if chosen is None:
                return None
            arguments[filters[option].keyword] = chosen
        else:
            return None
        index += 2
    fmt = values.get(FORMAT_OPTIONS[0])
    if fmt is not None and (fmt := _choice(fmt, FORMATS)) is None:
        return None
    limit = values.get(LIMIT_OPTION)
    if limit is not None and not limit.isdigit():
        return None
    sort = values.get(SORT_OPTION)
    if sort is not None and not sort.strip():
        return None
    output = OutputOptions(
        fmt,
        JSON_OPTION in flags,
        values.get(FIELDS_OPTION),
        None if limit is None else int(limit),
        sort,
        NO_HEADER_OPTION in flags,
        WIDE_OPTION in flags,
    )
    return Request(root.get(DATA_OPTION), color, listing, arguments, output)


def answer(args: Sequence[str], streams: Streams) -> int | None:
    """The exit status of a run answered here, or None to hand the run to the app.

    A run answered here reads its store once: a store proven valid before is parsed, any other
    is validated here, and a store that cannot be read or is invalid is reported from here, in
    the very words the app would use (both raise the errors of `store`)."""
    request = parse(args)
    if request is None:
        return None
    # Imported here rather than above: completion, the most frequent run, needs none of them.
    from qingpu_cli.cli.run import with_color
    from qingpu_cli.errors import UsageError
    from qingpu_cli.render.output import (
        check_options,
        chosen_fields,
        emit,
        output_format,
        write_overview,
    )
    from qingpu_cli.store.reader import StoreReader, cache_directory, locate_store

    streams = with_color(streams, request.color)._replace(pager=streams.pager and request.pager)
    listing = request.listing
    try:
        fmt = output_format(request.options, streams.is_terminal)
        if listing is not None:
            chosen_fields(request.options.fields, listing.fields)
            check_options(request.options, fmt, listing.fields)
        location = locate_store(request.data)
    except UsageError:
        return None  # the app says what is wrong, with its usage hint
    reader = StoreReader(location, streams.stdin)
    cache = cache_directory()
    store = reader.proven(cache)
    if store is None:
        store = reader.load(cache)
    if "html" in request.arguments:
        from qingpu_cli.render.report import write_report

        write_report(store, request.arguments["html"], streams.stdout)
    elif listing is None:
        write_overview(store, request.options, streams)
    else:
        emit(listing, store, request.arguments, request.options, streams)
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
        from qingpu_cli.cli.run import run

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
        from qingpu_cli.cli.app import run_app

        status = run_app(args, streams)
    return status
