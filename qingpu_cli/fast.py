"""Answers for the runs scripts make most, without building the Typer app.

Importing Typer, Rich and pydantic costs several times a bare interpreter's start-up, more than
the work itself. A listing in a machine format (`qingpu facts --json`, `qingpu partners
--sector telecom` into a pipe) from a store already proven valid needs none of them, nor does
completing an option's value. This module answers exactly those runs with the same queries and
the same renderer as the app, and returns None for anything else (options it does not know,
help, errors, a store not yet proven valid, a table for a terminal), so the app stays the
reference and gives every message.
"""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from typing import IO, TYPE_CHECKING, Any

from . import queries
from .vocabulary import FORMATS, ROLES, SECTORS, TOPICS

if TYPE_CHECKING:
    from .models import Store

#: The formats the fast path writes: every one but the table, which needs Rich.
FAST_FORMATS = tuple(fmt for fmt in FORMATS if fmt != "table")
Query = Callable[["Store", Mapping[str, str]], list[dict[str, Any]]]

#: Each listing the fast path answers: its filter options with their choices (None: free text).
FILTERS: dict[str, dict[str, tuple[str, ...] | None]] = {
    "facts": {"--topic": TOPICS, "--subject": None, "--search": None},
    "partners": {"--sector": SECTORS},
    "industries": {"--role": ROLES},
    "events": {},
    "sources": {},
}

LISTINGS: dict[str, Query] = {
    "facts": lambda store, given: queries.facts(
        store, given.get("--topic"), given.get("--subject"), given.get("--search")
    ),
    "partners": lambda store, given: queries.partners_in_sector(store, given.get("--sector")),
    "industries": lambda store, given: queries.industries(store, given.get("--role")),
    "events": lambda store, given: queries.events(store),
    "sources": lambda store, given: queries.sources(store),
}


def _choice(value: str, choices: tuple[str, ...] | None) -> str | None:
    """The value as the app's case-insensitive choice would take it, or None if it would refuse."""
    if choices is None:
        return value if value.strip() else None
    folded = {choice.casefold(): choice for choice in choices}
    return folded.get(value.casefold())


def parse(args: Sequence[str]) -> tuple[str | None, str, dict[str, str], str | None] | None:
    """(--data, command, filters, format) when the arguments are plainly a fast listing."""
    rest = list(args)
    data = None
    if len(rest) >= 2 and rest[0] == "--data":
        data, rest = rest[1], rest[2:]
    if not rest or rest[0] not in FILTERS:
        return None
    command, options = rest[0], rest[1:]
    allowed = FILTERS[command]
    given: dict[str, str] = {}
    fmt: str | None = None
    as_json = False
    index = 0
    while index < len(options):
        option = options[index]
        if option == "--json" and not as_json:
            as_json = True
            index += 1
            continue
        if index + 1 >= len(options):
            return None
        value = options[index + 1]
        if option in ("--format", "-f") and fmt is None:
            fmt = _choice(value, FAST_FORMATS)
            if fmt is None:
                return None
        elif option in allowed and option not in given:
            chosen = _choice(value, allowed[option])
            if chosen is None:
                return None
            given[option] = chosen
        else:
            return None
        index += 2
    if as_json and fmt not in (None, "json"):
        return None
    return data, command, given, "json" if as_json else fmt


def answer(args: Sequence[str], stdout: IO[str]) -> int | None:
    """The exit status of a run answered here, or None to hand the run to the app."""
    parsed = parse(args)
    if parsed is None:
        return None
    data, command, given, fmt = parsed
    # Imported here rather than above: completion, the most frequent run, needs none of them.
    from . import render
    from .errors import OutputError, QingpuError
    from .store import STDIN, cache_directory, locate_store, proven_store
    from .views import VIEWS

    if fmt is None:
        if stdout.isatty():
            return None
        fmt = "tsv"
    try:
        location = locate_store(data)
    except QingpuError:
        return None  # the app says what is wrong
    if location.path == STDIN:
        return None
    store = proven_store(location, cache_directory())
    if store is None:
        return None
    rows = LISTINGS[command](store, given)
    columns, title = VIEWS[command]
    try:
        render.write_listing(render.Listing(rows, (), columns, title), fmt, stdout)
        stdout.flush()
    except BrokenPipeError:
        render.silence(stdout)
    except OSError as error:
        render.silence(stdout)
        failure = OutputError(error)
        sys.stderr.write(f"qingpu: {failure.message}\n")
        return int(failure.status)
    return 0


def complete(environ: Mapping[str, str], stdout: IO[str]) -> int | None:
    """Bash completion of an option's value from the vocabulary; None for anything else."""
    if environ.get("_QINGPU_COMPLETE") != "complete_bash":
        return None
    words = environ.get("COMP_WORDS", "").split()
    try:
        current = int(environ.get("COMP_CWORD", ""))
    except ValueError:
        return None
    if environ.get("COMP_WORDS", "").endswith(" "):
        words.append("")
    if current != len(words) - 1 or current < 2:
        return None
    previous, incomplete = words[current - 1], words[current]
    command = next((word for word in words[1:current] if word in FILTERS), None)
    if command is None:
        return None
    choices = FORMATS if previous in ("--format", "-f") else FILTERS[command].get(previous)
    if choices is None:
        return None
    for choice in choices:
        if choice.startswith(incomplete.casefold()):
            stdout.write(f"{choice}\n")
    return 0


def main() -> None:
    """The console script: the fast answers first, the app for everything else.

    A run is short and its data is JSON, which holds no reference cycles; left on, the cyclic
    collector would walk every record of a large store again and again while it is parsed and
    listed, which costs more than the parsing itself. Memory is freed by reference counting."""
    gc.disable()
    if sys.stdout is None:  # started with its standard output closed: `qingpu facts >&-`
        from .errors import ExitStatus

        if sys.stderr is not None:
            sys.stderr.write("qingpu: standard output is closed; nothing can be written\n")
        sys.exit(ExitStatus.BAD_DATA)
    try:
        status = _run()
    except KeyboardInterrupt:  # the app reports its own; this covers the fast path and imports
        sys.stderr.write("qingpu: interrupted\n")
        status = 130
    sys.exit(status)


def _run() -> int:
    if "_QINGPU_COMPLETE" in os.environ:
        status = complete(os.environ, sys.stdout)
    else:
        from . import render

        render.tolerate_narrow_encodings()
        status = answer(sys.argv[1:], sys.stdout)
    if status is None:
        from .cli import main as run

        status = run()
    return status
