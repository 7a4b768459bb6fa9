"""What each command does once its words are read: one function a command, called alike by the
quick parser and by the Typer app, so a command behaves the same whichever read it.

A handler is given a `Call`: the run's streams, the values of its arguments and options by
keyword (already checked by their declarations), and the run's `Session`, which reads the
active store once, on first use. Errors are raised, never printed: the run boundary
(`cli.run`) turns each into its one line and status.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, NamedTuple, cast

from qingpu_cli.cli.commands import COMMANDS, LISTINGS, OUTPUT_OPTIONS, OutputOptions
from qingpu_cli.cli.run import Streams, say
from qingpu_cli.errors import ExitStatus, QingpuError, UsageError

if TYPE_CHECKING:
    from qingpu_cli.store.models import Store
    from qingpu_cli.store.reader import StoreLocation, StoreReader


class Session:
    """What every command of one run shares: the root `--data`, and the one reader of each
    store it reads (a pipe can be read only once)."""

    def __init__(self, streams: Streams, data: str | None) -> None:
        self.streams = streams
        self.data = data
        self._reader: StoreReader | None = None

    def location(self) -> StoreLocation:
        from qingpu_cli.store.reader import locate_store

        return locate_store(self.data)

    def reader(self, location: StoreLocation) -> StoreReader:
        from qingpu_cli.store.reader import StoreReader

        if self._reader is None or self._reader.location != location:
            self._reader = StoreReader(location, self.streams.stdin)
        return self._reader

    def store(self) -> Store:
        """The active store: validated now, or proven valid by an earlier run."""
        from qingpu_cli.store.reader import cache_directory

        return self.reader(self.location()).load(cache_directory())


class Call(NamedTuple):
    command: str
    values: Mapping[str, Any]
    session: Session

    @property
    def streams(self) -> Streams:
        return self.session.streams

    def output(self) -> OutputOptions:
        """The shared output options as given; an option not given keeps its default."""
        given = {
            option.keyword: self.values[option.keyword]
            for option in OUTPUT_OPTIONS
            if self.values.get(option.keyword) is not None
            and self.values.get(option.keyword) is not False
        }
        return OutputOptions(**given)


def _emit(call: Call, highlight: str | None = None) -> list[dict[str, Any]]:
    """A listing's rows, through the one way out for rows."""
    from qingpu_cli.render.output import emit

    listing = LISTINGS[call.command]
    arguments = {item.keyword: call.values.get(item.keyword) for item in listing.filters}
    if listing.argument is not None:
        arguments[listing.argument] = call.values.get(listing.argument) or None
    return emit(listing, call.session.store(), arguments, call.output(), call.streams, highlight)


def listing(call: Call) -> None:
    _emit(call)


def search(call: Call) -> None:
    _emit(call, highlight=call.values["text"])


def audit(call: Call) -> None:
    from qingpu_cli.library.audit import failing

    failed = failing(_emit(call))
    if call.values.get("strict") and failed:
        said = "1 check does not hold" if len(failed) == 1 else f"{len(failed)} checks do not hold"
        raise QingpuError(f"{said}: {', '.join(failed)}")


def ratios(call: Call) -> None:
    if not call.values.get("chart"):
        _emit(call)
        return
    if call.output() != OutputOptions():
        raise UsageError(
            "--chart draws bars; it does not combine with --format, --json, --fields, --limit,"
            " --sort, --no-header, --excel-safe or --wide"
        )
    from qingpu_cli.library import ratios as derived
    from qingpu_cli.library.records import share_labels
    from qingpu_cli.render.screens import write_ratio_chart

    store = call.session.store()
    source = call.values.get("source")
    for note in derived.ratio_notes(store, source):
        say(call.streams, f"note: {note}")
    write_ratio_chart(derived.ratio_rows(store, source), share_labels(store), call.streams)


def compare(call: Call) -> None:
    if not call.values.get("chart"):
        _emit(call)
        return
    quantity = call.values.get("quantity")
    if not quantity:
        raise UsageError(
            "--chart draws one quantity: name it, as in 'qingpu compare QUANTITY --chart'"
        )
    if call.output() != OutputOptions():
        others = ", ".join(option.option for option in OUTPUT_OPTIONS)
        raise UsageError(f"--chart is a picture for a person; it does not combine with {others}")
    from qingpu_cli.render.people import names_of
    from qingpu_cli.render.screens import write_series_chart

    store = call.session.store()
    rows = LISTINGS["compare"].query(store, quantity)
    write_series_chart(rows, call.streams, names_of(store))


def overview(call: Call) -> None:
    from qingpu_cli.render.output import write_overview

    write_overview(call.session.store(), call.output(), call.streams)


def show(call: Call) -> None:
    from qingpu_cli.library.show import show as described
    from qingpu_cli.render.output import output_format, write_record

    chosen = output_format(call.output(), call.streams.is_terminal)
    store = call.session.store()
    write_record(described(store, call.values["record_id"]), chosen, call.streams, store)


def cite(call: Call) -> None:
    from qingpu_cli.library.cite import cited
    from qingpu_cli.render.citations import RENDERERS
    from qingpu_cli.render.formats import visible_lines

    item = cited(call.session.store(), call.values["record_id"])
    style = call.values.get("style") or "text"
    text = RENDERERS[style](item)
    if call.streams.is_terminal:
        import shutil

        from qingpu_cli.render.formats import wrapped

        text = visible_lines(text)
        if style == "text":  # Markdown is left whole: a wrapped line could start a list
            text = wrapped(text, shutil.get_terminal_size((80, 24)).columns)
    call.streams.stdout.write(text)


def export(call: Call) -> None:
    from qingpu_cli.render import files
    from qingpu_cli.store.reader import store_file

    sqlite, datapackage = call.values.get("sqlite"), call.values.get("datapackage")
    metadata = call.values.get("metadata")
    if sqlite is None and datapackage is None:
        raise UsageError(
            "export needs --sqlite FILE or --datapackage DIR (see 'qingpu help export')"
        )
    if metadata is not None and sqlite is None:
        raise UsageError("--metadata goes with --sqlite FILE")
    replace = bool(call.values.get("replace"))
    planned: list[files.Planned] = []
    if sqlite is not None:
        from qingpu_cli.render import sqlite as database

        described = database.metadata_target(sqlite, metadata)
        database.check_target(sqlite, replace)
        database.check_metadata_target(described, replace)
        planned += [files.Planned(sqlite, "--sqlite"), files.Planned(described, "--metadata")]
    if datapackage is not None:
        from qingpu_cli.render import datapackage as package

        package.check_target(datapackage)
        planned.append(files.Planned(datapackage, "--datapackage", directory=True))
    files.check_together(planned, store_file(call.session.location()))
    store = call.session.store()
    if sqlite is not None:
        _wrote(call, sqlite, database.export(store, sqlite, replace, metadata))
    if datapackage is not None:
        _wrote(call, datapackage, package.export(store, datapackage))


def _wrote(call: Call, target: str, counts: Mapping[str, int]) -> None:
    written = ", ".join(f"{count} {table}" for table, count in counts.items() if count)
    say(call.streams, f"wrote {target}: {written}")


def diff(call: Call) -> int:
    """Exit status as diff(1) gives it: 0 the same data, 1 they differ, 2 a store that cannot
    be read or is invalid (each such store is reported, as `--data` reports one)."""
    from qingpu_cli.cli.run import report as report_error
    from qingpu_cli.library.diff import diff as changes
    from qingpu_cli.library.diff import differ
    from qingpu_cli.render.changes import write_diff
    from qingpu_cli.store.reader import STDIN, StoreReader, cache_directory, locate_store

    paths = (call.values["old"], call.values["new"])
    if paths.count(STDIN) > 1:
        raise UsageError("only one of OLD and NEW can be standard input ('-')")
    stores, failed = [], False
    for path in paths:
        try:
            reader = StoreReader(locate_store(path), call.streams.stdin)
            stores.append(reader.load(cache_directory()))
        except QingpuError as error:
            report_error(call.streams, error)
            failed = True
    if failed:
        return int(ExitStatus.USAGE)
    found = changes(*stores)
    write_diff(found, call.streams, bool(call.values.get("as_json")))
    return 1 if differ(found) else 0


def report(call: Call) -> None:
    from qingpu_cli.render import files
    from qingpu_cli.render.report import write_report
    from qingpu_cli.store.reader import store_file

    target = call.values["html"]
    files.check_together([files.Planned(target, "--html")], store_file(call.session.location()))
    replace = bool(call.values.get("replace"))
    write_report(call.session.store(), target, call.streams.stdout, replace)


def validate(call: Call) -> None:
    from qingpu_cli.store.reader import cache_directory, locate_store, store_record_count

    path = call.values.get("path")
    if path == "":
        raise UsageError("validate needs a path ('-' reads standard input)")
    location = locate_store(path) if path is not None else call.session.location()
    store = call.session.reader(location).validated(cache_directory())
    version = cast("dict[str, Any]", store)["schema_version"]
    call.streams.stdout.write(
        f"valid: {store_record_count(store)} records (schema version {version})\n"
    )


def schema(call: Call) -> None:
    from qingpu_cli.render.formats import write_json
    from qingpu_cli.store.models import store_json_schema

    write_json(store_json_schema(), call.streams.stdout)


def mcp(call: Call) -> int:
    """The assistants' server, with the optional extra `mcp`; it serves until its input
    closes, so the store it serves cannot be standard input."""
    from qingpu_cli.extras import import_extra
    from qingpu_cli.library.api import FactStore
    from qingpu_cli.store.reader import STDIN

    server = import_extra("qingpu_cli.assistants.server", "mcp", "qingpu mcp")
    location = call.session.location()
    if location.path == STDIN:
        raise UsageError("qingpu mcp reads its requests on standard input; give the store a path")
    store = FactStore(call.session.store(), location.label)
    say(call.streams, f"serving {location.label} over MCP on standard input and output")
    return cast("int", server.run(store, location.path))


def help_of(call: Call) -> None:
    """`qingpu help [COMMAND]`: the Typer app's own help, which only it can give."""
    from qingpu_cli.cli.app import command_help

    call.streams.stdout.write(command_help(call.values.get("command") or None))


#: The handler of each command; a test checks that every declared command has one.
HANDLERS: dict[str, Callable[[Call], int | None]] = {
    **{name: listing for name in LISTINGS},
    "search": search,
    "audit": audit,
    "ratios": ratios,
    "compare": compare,
    "overview": overview,
    "show": show,
    "cite": cite,
    "export": export,
    "report": report,
    "validate": validate,
    "diff": diff,
    "schema": schema,
    "mcp": mcp,
    "help": help_of,
}
assert set(HANDLERS) == set(COMMANDS), set(HANDLERS) ^ set(COMMANDS)


def handle(call: Call) -> int:
    """Run the command's handler: its exit status, 0 unless it says otherwise."""
    status = HANDLERS[call.command](call)
    return 0 if status is None else status
