"""The Typer app: parse options, call a query, hand the result to the one way out.

Each listing's query, filters, columns and fields are declared in `registry`; the functions here
spell out its options for `--help`, and a test keeps the two in step. Errors are not handled
here: Typer's own are turned into the project's, and `boundary.run` makes every one a message.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Annotated, Any, NamedTuple, cast

import typer

from qingpu_cli import __version__
from qingpu_cli.cli import run as boundary
from qingpu_cli.cli.commands import EXAMPLES, LISTINGS, OutputOptions
from qingpu_cli.cli.run import Streams, with_color
from qingpu_cli.errors import ExitStatus, QingpuError, UsageError
from qingpu_cli.library import queries, ratios
from qingpu_cli.render.output import emit, output_format, write_overview, write_record
from qingpu_cli.store.reader import (
    StoreLocation,
    StoreReader,
    cache_directory,
    locate_store,
    readable_quickly,
)
from qingpu_cli.store.vocabulary import (
    CitationStyle,
    ColorChoice,
    FactKind,
    Format,
    OverviewFormat,
    Role,
    Sector,
    Topic,
)

if TYPE_CHECKING:
    from qingpu_cli.store.models import Store


def _columns_of(text: str) -> int:
    """How many terminal columns text takes: a wide (East Asian) character takes two."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


_EXAMPLE_WIDTH = max(_columns_of(example.command) for example in EXAMPLES) + 2
EXIT_STATUS = (
    "Exit status: 0 success (an empty result too), 1 invalid data or unknown id,"
    " 2 usage error, 130 interrupted."
)


def examples_text(width: int) -> list[str]:
    """The examples as lines of at most `width` columns: a command and what it does side by
    side where both fit, else what it does on the line below, so that no example is split."""
    lines = ["Examples:"]
    side_by_side = 2 + _EXAMPLE_WIDTH + max(len(example.what) for example in EXAMPLES) <= width
    for example in EXAMPLES:
        if side_by_side:
            pad = " " * (_EXAMPLE_WIDTH - _columns_of(example.command))
            lines.append(f"  {example.command}{pad}{example.what}")
        else:
            lines.extend((f"  {example.command}", f"      {example.what}"))
    return lines


class QingpuGroup(typer.core.TyperGroup):
    """The root's help: each command's summary whole (wrapped, never cut with "..."), and the
    examples laid out for the terminal's width, never split."""

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        rows = []
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is not None and not command.hidden:
                rows.append((name, command.get_short_help_str(limit=10_000)))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)

    def format_epilog(self, ctx: Any, formatter: Any) -> None:
        width = formatter.width or 80
        formatter.write("\n")
        for line in examples_text(width):
            formatter.write(f"{line}\n")
        formatter.write("\n")
        formatter.write_text(EXIT_STATUS)


app = typer.Typer(
    name="qingpu",
    help="Qingpu New City (青浦新城), Shanghai: facts, partners, industries, figures.\n\n"
    "Each traced to its source.",
    cls=QingpuGroup,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    add_completion=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)


class Invocation(NamedTuple):
    """What every command of one run shares: its streams, and the one reader of its store."""

    streams: Streams
    reader: StoreReader | None


def _invocation(ctx: typer.Context) -> Invocation:
    found = ctx.find_root().obj
    if isinstance(found, Invocation):
        return found
    return Invocation(Streams.of_process(), None)  # completion callbacks run without one


def _location(ctx: typer.Context) -> StoreLocation:
    root = ctx.find_root()
    option = root.params.get("data") if root.params else None
    return locate_store(option)


def _reader(ctx: typer.Context, location: StoreLocation) -> StoreReader:
    """The run's one reader of the store at this location."""
    invocation = _invocation(ctx)
    if invocation.reader is not None and invocation.reader.location == location:
        return invocation.reader
    reader = StoreReader(location, invocation.streams.stdin)
    ctx.find_root().obj = invocation._replace(reader=reader)
    return reader


def _active_store(ctx: typer.Context) -> Store:
    return _reader(ctx, _location(ctx)).load(cache_directory())


def _streams(ctx: typer.Context) -> Streams:
    return _invocation(ctx).streams


def _store_for_completion(ctx: typer.Context) -> Store | None:
    """The store, for a tab key, if it can be read at once; None rather than a wait or an error."""
    try:
        location = _location(ctx)
        if not readable_quickly(location):
            return None
        return _reader(ctx, location).load(cache_directory())
    except QingpuError:
        return None


def _complete_ids(ctx: typer.Context, incomplete: str) -> list[str]:
    store = _store_for_completion(ctx)
    known = [*queries.record_ids(store), *ratios.RATIO_IDS] if store is not None else []
    return [record_id for record_id in known if record_id.startswith(incomplete)]


def _complete_subjects(ctx: typer.Context, incomplete: str) -> list[str]:
    """The subjects some fact is about: the only ids `facts --subject` can match."""
    store = _store_for_completion(ctx)
    subjects = queries.fact_subjects(store) if store is not None else []
    return [subject for subject in subjects if subject.startswith(incomplete)]


def non_empty_text(value: str) -> str:
    """Text a filter matches against: blank text would match everything, silently."""
    if not value.strip():
        raise typer.BadParameter("needs a non-empty value")
    return value


def _version(ctx: typer.Context, value: bool) -> None:
    if value:
        _streams(ctx).stdout.write(f"qingpu {__version__}\n")
        raise typer.Exit()


@app.callback(invoke_without_command=True)
def main_options(
    ctx: typer.Context,
    data: Annotated[
        str | None,
        typer.Option(
            "--data",
            metavar="PATH",
            help="Read this store instead of the bundled one ('-' for standard input); "
            "default: $QINGPU_DATA, else the bundled store.",
            show_default=False,
        ),
    ] = None,
    color: Annotated[
        ColorChoice,
        typer.Option(
            "--color",
            case_sensitive=False,
            help="Colour on screens: auto (a terminal, unless NO_COLOR is set), always, never.",
        ),
    ] = "auto",
    no_pager: Annotated[
        bool,
        typer.Option(
            "--no-pager", help="Print long screens directly, not through $QINGPU_PAGER or $PAGER."
        ),
    ] = False,
    version: Annotated[
        bool,
        typer.Option(
            "--version", help="Print the version and exit.", callback=_version, is_eager=True
        ),
    ] = False,
) -> None:
    """Facts, partners, industries and figures of Qingpu New City, each traced to its source."""
    invocation = _invocation(ctx)
    streams = with_color(invocation.streams, color)
    ctx.obj = invocation._replace(streams=streams._replace(pager=streams.pager and not no_pager))
    if ctx.invoked_subcommand is None:
        _streams(ctx).stdout.write(first_screen(ctx))
        raise typer.Exit()


def first_screen(ctx: typer.Context) -> str:
    """What `qingpu` alone prints: one short screen, the usage, the commands by name and where
    to read more; `qingpu --help` has every option and example."""
    import shutil
    import textwrap

    group = ctx.command
    names = group.list_commands(ctx) if isinstance(group, typer.core.TyperGroup) else []
    width = min(shutil.get_terminal_size((80, 24)).columns, 80) - 1
    about = "Qingpu New City (青浦新城), Shanghai: facts, partners, industries, figures."
    lines = [
        "Usage: qingpu [OPTIONS] COMMAND [ARGS]...",
        "",
        *textwrap.wrap(about, width),
        "",
        "Commands:",
        *textwrap.wrap(" ".join(names), width, initial_indent="  ", subsequent_indent="  "),
        "",
        *textwrap.wrap(
            "Start with 'qingpu overview'. 'qingpu help COMMAND' explains one command;"
            " 'qingpu --help' gives every option and an example of each command.",
            width,
        ),
    ]
    return "\n".join(lines) + "\n"


def _terminal_width() -> int:
    import shutil

    return shutil.get_terminal_size((80, 24)).columns


def _example(command: str) -> str:
    """A command's example from the registry, for the foot of its help."""
    found = next(example for example in EXAMPLES if example.command.split()[1] == command)
    return f"Example: {found.command}  ({found.what})"


def _help(listing: str, option: str) -> str:
    return LISTINGS[listing].filter(option).help


FormatOption = Annotated[
    Format | None,
    typer.Option(
        "--format",
        "-f",
        case_sensitive=False,
        help="Output format. Default: table on a terminal, tsv otherwise.",
        show_default=False,
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Short for --format json.")]
FieldsOption = Annotated[
    str | None,
    typer.Option("--fields", metavar="A,B", help="Only these fields, in this order."),
]
LimitOption = Annotated[
    int | None,
    typer.Option("--limit", metavar="N", min=0, help="At most N rows.", show_default=False),
]
SortOption = Annotated[
    str | None,
    typer.Option(
        "--sort",
        metavar="FIELD",
        parser=non_empty_text,
        help="Rows by this field; -FIELD for descending. Rows without it come last.",
    ),
]
NoHeaderOption = Annotated[bool, typer.Option("--no-header", help="No header line (tsv and csv).")]
WideOption = Annotated[
    bool,
    typer.Option("--wide", help="Every field, not only the short set a screen shows."),
]


def _emit(
    ctx: typer.Context,
    listing: str,
    arguments: dict[str, Any],
    options: OutputOptions,
    highlight: str | None = None,
) -> list[dict[str, Any]]:
    streams = _streams(ctx)
    return emit(LISTINGS[listing], _active_store(ctx), arguments, options, streams, highlight)


@app.command(epilog=_example("overview"))
def overview(
    ctx: typer.Context,
    fmt: Annotated[
        OverviewFormat | None,
        typer.Option(
            "--format",
            "-f",
            case_sensitive=False,
            help="table (the default, even into a pipe: this is a screen for people) or json.",
            show_default=False,
        ),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """One screen for a newcomer: key figures, shares, who and what."""
    write_overview(_active_store(ctx), OutputOptions(fmt, as_json), _streams(ctx))


@app.command(epilog=_example("facts"))
def facts(
    ctx: typer.Context,
    topic: Annotated[
        Topic | None,
        typer.Option(case_sensitive=False, metavar="TOPIC", help=_help("facts", "--topic")),
    ] = None,
    subject: Annotated[
        str | None,
        typer.Option(
            metavar="ID",
            parser=non_empty_text,
            help=_help("facts", "--subject"),
            autocompletion=_complete_subjects,
        ),
    ] = None,
    search: Annotated[
        str | None,
        typer.Option(metavar="TEXT", parser=non_empty_text, help=_help("facts", "--search")),
    ] = None,
    source: Annotated[
        str | None,
        typer.Option(metavar="ID", parser=non_empty_text, help=_help("facts", "--source")),
    ] = None,
    kind: Annotated[
        FactKind | None,
        typer.Option(case_sensitive=False, help=_help("facts", "--kind")),
    ] = None,
    period: Annotated[
        str | None,
        typer.Option(metavar="PERIOD", parser=non_empty_text, help=_help("facts", "--period")),
    ] = None,
    fmt: FormatOption = None,
    as_json: JsonOption = False,
    fields: FieldsOption = None,
    limit: LimitOption = None,
    sort: SortOption = None,
    no_header: NoHeaderOption = False,
    wide: WideOption = False,
) -> None:
    """Key figures and statements, each with its sources."""
    arguments = {
        "topic": topic,
        "subject": subject,
        "search": search,
        "source": source,
        "kind": kind,
        "period": period,
    }
    options = OutputOptions(fmt, as_json, fields, limit, sort, no_header, wide)
    _emit(ctx, "facts", arguments, options)


@app.command(epilog=_example("partners"))
def partners(
    ctx: typer.Context,
    sector: Annotated[
        Sector | None,
        typer.Option(case_sensitive=False, metavar="SECTOR", help=_help("partners", "--sector")),
    ] = None,
    fmt: FormatOption = None,
    as_json: JsonOption = False,
    fields: FieldsOption = None,
    limit: LimitOption = None,
    sort: SortOption = None,
    no_header: NoHeaderOption = False,
    wide: WideOption = False,
) -> None:
    """Who signed or launched a cooperation, and with whom."""
    _emit(
        ctx,
        "partners",
        {"sector": sector},
        OutputOptions(fmt, as_json, fields, limit, sort, no_header, wide),
    )


@app.command(epilog=_example("industries"))
def industries(
    ctx: typer.Context,
    role: Annotated[
        Role | None,
        typer.Option(case_sensitive=False, help=_help("industries", "--role")),
    ] = None,
    fmt: FormatOption = None,
    as_json: JsonOption = False,
    fields: FieldsOption = None,
    limit: LimitOption = None,
    sort: SortOption = None,
    no_header: NoHeaderOption = False,
    wide: WideOption = False,
) -> None:
    """Industries and clusters: role, scale and plan."""
    _emit(
        ctx,
        "industries",
        {"role": role},
        OutputOptions(fmt, as_json, fields, limit, sort, no_header, wide),
    )


def _plain_listing(name: str, summary: str) -> None:
    """Register a listing that takes no filter of its own: only the options every listing
    shares. Its help is as explicit as any other command's."""

    def listing(
        ctx: typer.Context,
        fmt: FormatOption = None,
        as_json: JsonOption = False,
        fields: FieldsOption = None,
        limit: LimitOption = None,
        sort: SortOption = None,
        no_header: NoHeaderOption = False,
        wide: WideOption = False,
    ) -> None:
        _emit(ctx, name, {}, OutputOptions(fmt, as_json, fields, limit, sort, no_header, wide))

    listing.__doc__ = summary
    app.command(name, epilog=_example(name))(listing)


_plain_listing("events", "The signing events and the projects signed there.")
_plain_listing("sources", "Where the data comes from, and what is not known about it.")
_plain_listing("places", "Places: the New City, its district, the city, the region.")
_plain_listing("agreements", "Agreements, with their parties and counterparts.")
_plain_listing("plans", "The plans the sources name, with their year.")
_plain_listing("initiatives", "Hubs and strategic tasks, and who builds or serves them.")


@app.command(epilog=_example("search"))
def search(
    ctx: typer.Context,
    text: Annotated[
        str,
        typer.Argument(
            metavar="TEXT", parser=non_empty_text, help="Text to find, in any case; Chinese too."
        ),
    ],
    fmt: FormatOption = None,
    as_json: JsonOption = False,
    fields: FieldsOption = None,
    limit: LimitOption = None,
    sort: SortOption = None,
    no_header: NoHeaderOption = False,
    wide: WideOption = False,
) -> None:
    """Find records by name, alias (Chinese too) or text."""
    _emit(
        ctx,
        "search",
        {"text": text},
        OutputOptions(fmt, as_json, fields, limit, sort, no_header, wide),
        highlight=text,
    )


@app.command(epilog=_example("compare"))
def compare(
    ctx: typer.Context,
    quantity: Annotated[
        str | None,
        typer.Argument(
            metavar="QUANTITY",
            help="One quantity's id (as facts list it); default: every quantity.",
            show_default=False,
        ),
    ] = None,
    fmt: FormatOption = None,
    as_json: JsonOption = False,
    fields: FieldsOption = None,
    limit: LimitOption = None,
    sort: SortOption = None,
    no_header: NoHeaderOption = False,
    wide: WideOption = False,
) -> None:
    """Each source's figure for a quantity, side by side, judged."""
    options = OutputOptions(fmt, as_json, fields, limit, sort, no_header, wide)
    _emit(ctx, "compare", {"quantity": quantity}, options)


@app.command(epilog=_example("audit"))
def audit(
    ctx: typer.Context,
    strict: Annotated[
        bool, typer.Option("--strict", help="Exit 1 when a check does not hold (for scripts).")
    ] = False,
    fmt: FormatOption = None,
    as_json: JsonOption = False,
    fields: FieldsOption = None,
    limit: LimitOption = None,
    sort: SortOption = None,
    no_header: NoHeaderOption = False,
    wide: WideOption = False,
) -> None:
    """Checks between figures: does the sources' arithmetic hold?"""
    options = OutputOptions(fmt, as_json, fields, limit, sort, no_header, wide)
    from qingpu_cli.library.audit import failing

    failed = failing(_emit(ctx, "audit", {}, options))
    if strict and failed:
        raise QingpuError(f"{len(failed)} checks do not hold: {', '.join(failed)}")


@app.command(epilog=_example("cite"))
def cite(
    ctx: typer.Context,
    record_id: Annotated[
        str,
        typer.Argument(
            metavar="ID",
            help="What to cite: any id show takes, or a quantity's id from compare.",
            autocompletion=_complete_ids,
        ),
    ],
    style: Annotated[
        CitationStyle,
        typer.Option(
            "--style", "-s", case_sensitive=False, help="text, markdown, bibtex or csl-json."
        ),
    ] = "text",
) -> None:
    """A citation to paste: what is cited and every source behind it."""
    from qingpu_cli.library.cite import cited
    from qingpu_cli.render.citations import RENDERERS

    item = cited(_active_store(ctx), record_id)
    streams = _streams(ctx)
    text = RENDERERS[style](item)
    if streams.is_terminal and style in ("text", "markdown"):
        from qingpu_cli.render.formats import wrapped

        text = wrapped(text, _terminal_width())
    streams.stdout.write(text)


@app.command(epilog=_example("export"))
def export(
    ctx: typer.Context,
    sqlite: Annotated[
        str,
        typer.Option(
            "--sqlite",
            metavar="FILE",
            parser=non_empty_text,
            help="Write the whole store to this SQLite database (made beside it, then renamed).",
        ),
    ],
    replace: Annotated[
        bool,
        typer.Option("--replace", help="Overwrite FILE even if it is not a SQLite database."),
    ] = False,
) -> None:
    """The whole store as a SQLite database, to explore."""
    from qingpu_cli.render.sqlite import export as write_database

    counts = write_database(_active_store(ctx), sqlite, replace)
    written = ", ".join(f"{count} {table}" for table, count in counts.items() if count)
    boundary.say(_streams(ctx), f"wrote {sqlite}: {written}")


@app.command(epilog=_example("report"))
def report(
    ctx: typer.Context,
    html: Annotated[
        str,
        typer.Option(
            "--html",
            metavar="FILE",
            parser=non_empty_text,
            help="Write the fact sheet to this file ('-' for standard output).",
        ),
    ],
) -> None:
    """A fact sheet to share: one self-contained HTML page."""
    from qingpu_cli.render.report import write_report

    write_report(_active_store(ctx), html, _streams(ctx).stdout)


@app.command("ratios", epilog=_example("ratios"))
def ratios_command(
    ctx: typer.Context,
    source: Annotated[
        str | None,
        typer.Option(metavar="ID", parser=non_empty_text, help=_help("ratios", "--source")),
    ] = None,
    chart: Annotated[bool, typer.Option("--chart", help="Bars with their bounds.")] = False,
    fmt: FormatOption = None,
    as_json: JsonOption = False,
    fields: FieldsOption = None,
    limit: LimitOption = None,
    sort: SortOption = None,
    no_header: NoHeaderOption = False,
    wide: WideOption = False,
) -> None:
    """Ratios derived from the facts, with honest bounds."""
    options = OutputOptions(fmt, as_json, fields, limit, sort, no_header, wide)
    if not chart:
        _emit(ctx, "ratios", {"source": source}, options)
        return
    if options != OutputOptions():
        raise UsageError(
            "--chart draws bars; it does not combine with --format, --json, --fields, --limit,"
            " --sort, --no-header or --wide"
        )
    from qingpu_cli.render.screens import write_ratio_chart

    store = _active_store(ctx)
    streams = _streams(ctx)
    for note in ratios.ratio_notes(store, source):
        boundary.say(streams, f"note: {note}")
    write_ratio_chart(ratios.ratio_rows(store, source), queries.share_labels(store), streams)


@app.command(epilog=_example("show"))
def show(
    ctx: typer.Context,
    record_id: Annotated[
        str,
        typer.Argument(
            metavar="ID",
            help="A record or ratio id, in any case; a name or vetted alias; the start of an id.",
            autocompletion=_complete_ids,
        ),
    ],
    fmt: FormatOption = None,
    as_json: JsonOption = False,
) -> None:
    """One record in full: its fields, related records and evidence."""
    streams = _streams(ctx)
    chosen = output_format(OutputOptions(fmt, as_json), streams.is_terminal)
    store = _active_store(ctx)
    write_record(queries.show(store, record_id), chosen, streams, store)


@app.command(epilog=_example("validate"))
def validate(
    ctx: typer.Context,
    path: Annotated[
        str | None,
        typer.Argument(
            metavar="PATH",
            help="The store to check, as --data takes it ('-' for standard input); "
            "default: the active store.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Check a store against the schema and its invariants."""
    from qingpu_cli.store.reader import store_record_count

    location = locate_store(path) if path is not None else _location(ctx)
    store = _reader(ctx, location).validated(cache_directory())
    version = cast("dict[str, Any]", store)["schema_version"]
    _streams(ctx).stdout.write(
        f"valid: {store_record_count(store)} records (schema version {version})\n"
    )


@app.command(epilog=_example("schema"))
def schema(ctx: typer.Context) -> None:
    """The store's JSON Schema, generated from the models."""
    from qingpu_cli.render.formats import write_json
    from qingpu_cli.store.models import store_json_schema

    write_json(store_json_schema(), _streams(ctx).stdout)


@app.command("help", epilog=_example("help"))
def help_command(
    ctx: typer.Context,
    command: Annotated[
        str | None,
        typer.Argument(metavar="COMMAND", help="The command to explain.", show_default=False),
    ] = None,
) -> None:
    """The help of one command (or of qingpu itself)."""
    root = ctx.find_root()
    if command is None:
        _streams(ctx).stdout.write(root.get_help() + "\n")
        return
    group = root.command
    found = group.get_command(root, command) if isinstance(group, typer.core.TyperGroup) else None
    if found is None:
        names = (
            ", ".join(group.list_commands(root)) if isinstance(group, typer.core.TyperGroup) else ""
        )
        raise UsageError(f"no command {command!r}; the commands: {names}")
    with typer.Context(found, info_name=command, parent=root) as context:
        _streams(ctx).stdout.write(found.get_help(context) + "\n")


def _command_named(args: Sequence[str], context: object) -> str | None:
    """The command a usage error belongs to: the failing context's, else the first argument
    that names a command (an option missing its value fails before its command's context)."""
    name = getattr(context, "info_name", None)
    commands = {
        info.name or (info.callback.__name__ if info.callback else "")
        for info in app.registered_commands
    }
    if isinstance(name, str) and name in commands:
        return name
    return next((arg for arg in args if arg in commands), None)


def _choice_message(error: Exception, command: str | None, args: Sequence[str]) -> str | None:
    """A mistyped choice in the project's words, with the closest valid one, as every front end
    says it (`Filter.accept`); None where the error is of another kind."""
    param = getattr(error, "param", None)
    options = getattr(param, "opts", None)
    if command not in LISTINGS or not options:
        return None
    declared = [item for item in LISTINGS[command].filters if item.option in options]
    if not declared or declared[0].choices is None:
        return None
    given = list(args)
    for index, arg in enumerate(given):
        value = None
        if arg in options and index + 1 < len(given):
            value = given[index + 1]
        elif arg.split("=", 1)[0] in options and "=" in arg:
            value = arg.split("=", 1)[1]
        if value is not None:
            try:
                declared[0].accept(value)
            except UsageError as refused:
                return refused.message
    return None


def run_app(args: Sequence[str], streams: Streams) -> int:
    """Run the Typer app on these arguments; its own errors become the project's, for the
    boundary to report."""
    try:
        result = app(
            args=list(args),
            prog_name="qingpu",
            standalone_mode=False,
            obj=Invocation(streams, None),
        )
    except typer.Exit as done:
        return done.exit_code
    except typer.Abort:
        raise KeyboardInterrupt from None
    except typer.TyperException as error:
        message = error.format_message().replace("\n", " ")
        if error.exit_code != ExitStatus.USAGE:
            raise QingpuError(message) from None
        context = getattr(error, "ctx", None)
        command = _command_named(args, context)
        message = _choice_message(error, command, args) or message
        where = f"qingpu help {command}" if command else "qingpu --help"
        raise UsageError(f"{message} (see '{where}')") from None
    return result if isinstance(result, int) else int(ExitStatus.OK)


def main(argv: Sequence[str] | None = None, streams: Streams | None = None) -> int:
    """The app alone, within the run boundary (tests and `python -c` call this)."""
    args = list(sys.argv[1:] if argv is None else argv)
    return boundary.run(lambda given: run_app(args, given), streams)


__all__ = ["app", "main", "run_app"]
