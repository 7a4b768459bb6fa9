"""The Typer app: parse options, call a query, hand the result to the renderer.

`main` is the one place where errors become messages and exit statuses.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TextIO, cast

import click
import typer

from . import __version__, queries, ratios, render
from .errors import ExitStatus, OutputError, QingpuError, StoreInvalid, UsageError
from .store import (
    STDIN,
    StoreLocation,
    cache_directory,
    decode_store_text,
    load_store,
    locate_store,
    read_store_bytes,
    store_record_count,
    validate_store_text,
)
from .views import VIEWS
from .vocabulary import FORMATS, ROLES, SECTORS, TOPICS

if TYPE_CHECKING:
    from .models import Store

EXAMPLES = """\b
Examples:
  qingpu overview                      one screen for a newcomer
  qingpu facts --topic economy         key figures and statements
  qingpu partners --sector telecom     who signed what, with whom
  qingpu industries --role focus       industries and clusters
  qingpu events                        signing events and projects signed
  qingpu sources                       where the data comes from
  qingpu show new-city-gdp-share       one record with its evidence
  qingpu search 华为                   search names, aliases and quotes
  qingpu ratios --chart                derived ratios with honest bounds
  qingpu validate my-store.json        check a store; exit 1 lists every problem
  qingpu schema                        the store's JSON Schema
  qingpu facts --json | jq '.[].id'    JSON for scripts

Exit status: 0 success (an empty result too), 1 invalid data or unknown id, 2 usage error.
"""

app = typer.Typer(
    name="qingpu",
    help="Facts, partners, industries and figures of Qingpu New City (青浦新城), "
    "each traced to its source.",
    epilog=EXAMPLES,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _complete_ids(ctx: click.Context, incomplete: str) -> list[str]:
    try:
        store = load_store(_location(ctx), cache_directory())
    except QingpuError:
        return []
    known = [*queries.record_ids(store), *ratios.RATIO_IDS]
    return [record_id for record_id in known if record_id.startswith(incomplete)]


def _location(ctx: click.Context) -> StoreLocation:
    root = ctx.find_root()
    option = root.params.get("data") if root.params else None
    return locate_store(option)


def _active_store(ctx: click.Context) -> Store:
    return load_store(_location(ctx), cache_directory())


def _version(value: bool) -> None:
    if value:
        sys.stdout.write(f"qingpu {__version__}\n")
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
    version: Annotated[
        bool,
        typer.Option(
            "--version", help="Print the version and exit.", callback=_version, is_eager=True
        ),
    ] = False,
) -> None:
    """Facts, partners, industries and figures of Qingpu New City, each traced to its source."""
    if ctx.invoked_subcommand is None:
        sys.stdout.write(ctx.get_help() + "\n")
        raise typer.Exit()


FormatOption = Annotated[
    str | None,
    typer.Option(
        "--format",
        "-f",
        click_type=click.Choice(FORMATS, case_sensitive=False),
        help="Output format. Default: table on a terminal, tsv otherwise.",
        show_default=False,
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Short for --format json.")]
FieldsOption = Annotated[
    str | None,
    typer.Option("--fields", metavar="A,B", help="Only these fields, in this order."),
]


def output_format(fmt: str | None, as_json: bool, stream: Any = None) -> str:
    """The one rule for choosing a format: --json, else --format, else by the terminal."""
    if as_json and fmt is not None and fmt.lower() != "json":
        raise UsageError(f"--json conflicts with --format {fmt}: choose one")
    if as_json:
        return "json"
    if fmt is not None:
        return fmt.lower()
    out = stream if stream is not None else sys.stdout
    return "table" if out.isatty() else "tsv"


def chosen_fields(fields: str | None, valid: Sequence[str]) -> list[str] | None:
    if fields is None:
        return None
    chosen = [field.strip() for field in fields.split(",") if field.strip()]
    if not chosen:
        raise UsageError("--fields needs at least one field name")
    unknown = [field for field in chosen if field not in valid]
    if unknown:
        raise UsageError(
            f"unknown field {', '.join(unknown)} for --fields; valid: {', '.join(valid)}"
        )
    return chosen


def record_fields(kind: str) -> tuple[str, ...]:
    """A listing's fields: the model's own, then what the listing derives."""
    from .models import RECORD_KINDS

    return (*RECORD_KINDS[kind].__annotations__, *queries.DERIVED_FIELDS[kind])


def emit(
    view: str,
    rows: list[dict[str, Any]],
    fmt: str | None,
    as_json: bool,
    fields: str | None,
    *,
    field_names: tuple[str, ...] | None = None,
    highlight: str | None = None,
) -> None:
    """Every listing command ends here: one set of output options, one renderer. A listing of
    records has its record kind's fields, looked up (through the models) only for `--fields`;
    other listings name theirs."""
    chosen_format = output_format(fmt, as_json)
    valid = (field_names or record_fields(view)) if fields is not None else ()
    columns, title = VIEWS[view]
    listing = render.Listing(rows, valid, columns, title, highlight)
    render.write_listing(listing, chosen_format, sys.stdout, chosen_fields(fields, valid))


@app.command()
def facts(
    ctx: typer.Context,
    topic: Annotated[
        str | None,
        typer.Option(
            click_type=click.Choice(TOPICS, case_sensitive=False), help="Only facts on this topic."
        ),
    ] = None,
    subject: Annotated[
        str | None,
        typer.Option(
            metavar="ID", help="Only facts about this record id.", autocompletion=_complete_ids
        ),
    ] = None,
    search: Annotated[
        str | None, typer.Option(metavar="TEXT", help="Only facts whose text contains this.")
    ] = None,
    fmt: FormatOption = None,
    as_json: JsonOption = False,
    fields: FieldsOption = None,
) -> None:
    """Key figures and statements: qingpu facts --topic economy"""
    queries.require_text(subject, "--subject")
    queries.require_text(search, "--search")
    rows = queries.facts(_active_store(ctx), topic, subject, search)
    emit("facts", rows, fmt, as_json, fields)


@app.command()
def partners(
    ctx: typer.Context,
    sector: Annotated[
        str | None,
        typer.Option(
            click_type=click.Choice(SECTORS, case_sensitive=False),
            help="Only partners in this sector.",
        ),
    ] = None,
    fmt: FormatOption = None,
    as_json: JsonOption = False,
    fields: FieldsOption = None,
) -> None:
    """Who signed an agreement or launched a cooperation: qingpu partners --sector telecom"""
    rows = queries.partners_in_sector(_active_store(ctx), sector)
    emit("partners", rows, fmt, as_json, fields)


@app.command()
def industries(
    ctx: typer.Context,
    role: Annotated[
        str | None,
        typer.Option(
            click_type=click.Choice(ROLES, case_sensitive=False),
            help="Only industries with this role.",
        ),
    ] = None,
    fmt: FormatOption = None,
    as_json: JsonOption = False,
    fields: FieldsOption = None,
) -> None:
    """Industries and clusters with role, scale and plan: qingpu industries --role focus"""
    rows = queries.industries(_active_store(ctx), role)
    emit("industries", rows, fmt, as_json, fields)


@app.command()
def events(
    ctx: typer.Context,
    fmt: FormatOption = None,
    as_json: JsonOption = False,
    fields: FieldsOption = None,
) -> None:
    """The signing events and the projects signed there: qingpu events"""
    rows = queries.events(_active_store(ctx))
    emit("events", rows, fmt, as_json, fields)


@app.command()
def sources(
    ctx: typer.Context,
    fmt: FormatOption = None,
    as_json: JsonOption = False,
    fields: FieldsOption = None,
) -> None:
    """The sources, with what is and is not known about them: qingpu sources"""
    rows = queries.sources(_active_store(ctx))
    emit("sources", rows, fmt, as_json, fields)


@app.command()
def search(
    ctx: typer.Context,
    text: Annotated[str, typer.Argument(help="Text to find, in any case; Chinese too.")],
    fmt: FormatOption = None,
    as_json: JsonOption = False,
    fields: FieldsOption = None,
) -> None:
    """Search names, aliases, statements and quotes: qingpu search 华为"""
    rows = queries.search(_active_store(ctx), text)
    emit(
        "search", rows, fmt, as_json, fields, field_names=queries.SEARCH_ROW_FIELDS, highlight=text
    )


@app.command("ratios")
def ratios_command(
    ctx: typer.Context,
    chart: Annotated[bool, typer.Option("--chart", help="Bars with their bounds.")] = False,
    fmt: FormatOption = None,
    as_json: JsonOption = False,
    fields: FieldsOption = None,
) -> None:
    """Ratios derived from the facts, with bounds from their precision: qingpu ratios --chart"""
    rows, notes = ratios.derived_ratios(_active_store(ctx))
    for note in notes:
        sys.stderr.write(f"qingpu: note: {note}\n")
    if chart:
        if fmt is not None or as_json:
            raise UsageError("--chart draws bars; it does not combine with --format or --json")
        render.write_ratio_chart(rows, sys.stdout)
        return
    emit("ratios", rows, fmt, as_json, fields, field_names=ratios.RATIO_FIELDS)


@app.command()
def show(
    ctx: typer.Context,
    record_id: Annotated[
        str,
        typer.Argument(metavar="ID", help="A record or ratio id.", autocompletion=_complete_ids),
    ],
    fmt: FormatOption = None,
    as_json: JsonOption = False,
) -> None:
    """One record in full, with its evidence: qingpu show huawei"""
    store = _active_store(ctx)
    if record_id in ratios.RATIO_IDS and record_id not in queries.record_ids(store):
        described = ratios.describe_ratio(store, record_id)
    else:
        described = queries.describe_record(store, record_id)
    render.write_record(described, output_format(fmt, as_json), sys.stdout)


@app.command()
def overview(
    ctx: typer.Context,
    fmt: FormatOption = None,
    as_json: JsonOption = False,
) -> None:
    """One screen for a newcomer: figures, shares, events, partners, industries: qingpu overview"""
    chosen = output_format(fmt, as_json, stream=_TerminalLike())
    if chosen not in ("table", "json"):
        raise UsageError(f"overview is drawn as a table or written as json, not {chosen}")
    summary = queries.overview(_active_store(ctx))
    if chosen == "json":
        render.write_json(summary, sys.stdout)
    else:
        render.write_overview(summary, OVERVIEW_HINTS, sys.stdout)


OVERVIEW_HINTS = (
    "qingpu facts",
    "qingpu partners",
    "qingpu industries",
    "qingpu ratios --chart",
    "qingpu show ID",
    "qingpu search TEXT",
    "qingpu --help",
)


class _TerminalLike:
    """Overview is one screen for people: its default is the drawing even into a pipe."""

    def isatty(self) -> bool:
        return True


@app.command()
def validate(
    ctx: typer.Context,
    path: Annotated[
        Path | None,
        typer.Argument(help="The store to check; default: the active store.", show_default=False),
    ] = None,
) -> None:
    """Check a store against the schema and its invariants: qingpu validate my-store.json"""
    location = StoreLocation(str(path)) if path is not None else _location(ctx)
    text = decode_store_text(read_store_bytes(location), location.label)
    store = validate_store_text(text, location.label)
    sys.stdout.write(f"valid: {store_record_count(store)} records\n")


@app.command()
def schema() -> None:
    """The store's JSON Schema, generated from the models: qingpu schema > qingpu.schema.json"""
    from .models import store_json_schema

    render.write_json(store_json_schema(), sys.stdout)


def _report(error: QingpuError) -> int:
    """One line naming the problem and where it is; several problems of a store follow it, one a
    line. Escaped, since a path or a store's text may hold control characters."""
    sys.stderr.write(f"qingpu: {render.visible(error.message)}\n")
    if isinstance(error, StoreInvalid) and len(error.problems) > 1:
        for location, message in error.problems:
            sys.stderr.write(f"  {render.visible(location)}: {render.visible(message)}\n")
    return int(error.status)


def _usage(error: click.UsageError) -> int:
    message = render.visible(error.format_message().replace("\n", " "))
    command = error.ctx.command_path if error.ctx is not None else "qingpu"
    sys.stderr.write(f"qingpu: {message} (see '{command} --help')\n")
    return int(ExitStatus.USAGE)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the app; the one place where errors become a message on stderr and an exit status."""
    args = list(sys.argv[1:] if argv is None else argv)
    render.tolerate_narrow_encodings()
    stdout = sys.stdout
    sys.stdout = cast("TextIO", _GuardedOutput(stdout))
    try:
        try:
            result = app(args=args, prog_name="qingpu", standalone_mode=False)
        finally:
            sys.stdout.flush()
    except _OutputClosed:
        render.silence(stdout)
        return int(ExitStatus.OK)
    except OutputError as error:
        render.silence(stdout)
        return _report(error)
    except QingpuError as error:
        return _report(error)
    except click.UsageError as error:
        return _usage(error)
    except click.exceptions.Exit as done:
        return int(done.exit_code)
    except click.ClickException as error:
        sys.stderr.write(f"qingpu: {render.visible(error.format_message())}\n")
        return int(ExitStatus.USAGE)
    except click.exceptions.Abort:
        sys.stderr.write("qingpu: aborted\n")
        return 130
    except SystemExit as done:
        return done.code if isinstance(done.code, int) else int(ExitStatus.OK)
    except KeyboardInterrupt:
        sys.stderr.write("qingpu: interrupted\n")
        return 130
    except Exception as error:
        if os.environ.get("QINGPU_DEBUG"):
            raise
        sys.stderr.write(
            f"qingpu: internal error: {type(error).__name__}: {render.visible(str(error))}"
            " (set QINGPU_DEBUG=1 for the traceback)\n"
        )
        return int(ExitStatus.BAD_DATA)
    finally:
        sys.stdout = stdout
    return result if isinstance(result, int) else int(ExitStatus.OK)


class _OutputClosed(Exception):
    """The reader of stdout has gone (`qingpu facts | head -1`): not an error of the user's."""


class _GuardedOutput:
    """stdout, with a closed pipe raised as _OutputClosed (click would turn it into status 1)
    and any other failure to write as OutputError."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        try:
            return self._stream.write(text)
        except BrokenPipeError:
            raise _OutputClosed from None
        except OSError as error:
            raise OutputError(error) from None

    def flush(self) -> None:
        try:
            self._stream.flush()
        except BrokenPipeError:
            raise _OutputClosed from None
        except OSError as error:
            raise OutputError(error) from None

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


__all__ = ["STDIN", "app", "main"]
