"""The one way out for rows: the output options every listing shares, and the writer they pick.

The fast path and the app both end here, so a listing looks the same whichever answers it.
Machine formats are written by `machine` (standard library only); Rich, through `screens`, is
imported only when a table is drawn.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from numbers import Rational
from typing import TYPE_CHECKING, Any

from qingpu_cli.cli.commands import Listing, OutputOptions
from qingpu_cli.cli.run import Streams, say
from qingpu_cli.errors import UsageError, did_you_mean
from qingpu_cli.render.formats import (
    cell_text,
    select_fields,
    write_csv,
    write_json,
    write_markdown,
    write_ndjson,
    write_tsv,
)

if TYPE_CHECKING:
    from qingpu_cli.store.models import Store

Row = dict[str, Any]


def output_format(options: OutputOptions, is_terminal: bool) -> str:
    """The one rule for choosing a format: --json, else --format, else by the terminal."""
    fmt, as_json = options.fmt, options.as_json
    if as_json and fmt is not None and fmt.lower() != "json":
        raise UsageError(f"--json conflicts with --format {fmt}: choose one")
    if as_json:
        return "json"
    if fmt is not None:
        return fmt.lower()
    return "table" if is_terminal else "tsv"


def chosen_fields(fields: str | None, valid: Sequence[str]) -> list[str] | None:
    """The fields `--fields a,b` names, in that order; an unknown one is a usage error."""
    if fields is None:
        return None
    chosen = [field.strip() for field in fields.split(",") if field.strip()]
    if not chosen:
        raise UsageError("--fields needs at least one field name")
    unknown = [field for field in chosen if field not in valid]
    if unknown:
        raise UsageError(
            f"unknown field {', '.join(unknown)} for --fields{did_you_mean(unknown[0], valid)};"
            f" valid: {', '.join(valid)}"
        )
    repeated = [field for field in dict.fromkeys(chosen) if chosen.count(field) > 1]
    if repeated:
        raise UsageError(f"--fields names {', '.join(repeated)} more than once")
    return chosen


def chosen_order(sort: str | None, valid: Sequence[str]) -> tuple[str, bool] | None:
    """(field, descending) for `--sort FIELD` or `--sort -FIELD`; an unknown field is a usage
    error."""
    if sort is None:
        return None
    field = sort.removeprefix("-")
    if not field:
        raise UsageError("--sort - names no field: give -FIELD for descending, such as -id")
    if field not in valid:
        raise UsageError(
            f"unknown field {field} for --sort{did_you_mean(field, valid)};"
            f" valid: {', '.join(valid)}"
        )
    return field, sort.startswith("-")


def _sort_key(value: object) -> tuple[int, Any]:
    """Numbers before text, each in its own order; a list or object by its text."""
    if isinstance(value, (int, float, Rational)) and not isinstance(value, bool):
        return 0, value
    return 1, cell_text(value).casefold()


def sorted_rows(rows: list[Row], field: str, descending: bool) -> list[Row]:
    """Rows by one field, ascending or descending, with the rows that have no value last."""
    present = [row for row in rows if row.get(field) is not None]
    absent = [row for row in rows if row.get(field) is None]
    present.sort(key=lambda row: _sort_key(row[field]), reverse=descending)
    return present + absent


def check_options(
    options: OutputOptions, fmt: str, valid: Sequence[str]
) -> tuple[str, bool] | None:
    """The shared options that depend on one another, checked before any work is done."""
    if options.no_header and fmt not in ("tsv", "csv"):
        raise UsageError(f"--no-header is for tsv and csv, not {fmt}")
    if options.excel_safe and fmt != "csv":
        raise UsageError(f"--excel-safe is for csv, not {fmt}")
    if options.limit is not None and options.limit < 0:
        raise UsageError("--limit takes a whole number of rows, 0 or more")
    return chosen_order(options.sort, valid)


def emit(
    listing: Listing,
    store: Store,
    arguments: Mapping[str, Any],
    options: OutputOptions,
    streams: Streams,
    highlight: str | None = None,
) -> list[Row]:
    """Every listing ends here: its options are checked before any work, then its query runs,
    what it left out is noted on stderr, and its rows are written in the chosen format. The
    rows written are returned, for a command that judges them (`audit --strict`)."""
    fmt = output_format(options, streams.is_terminal)
    fields = chosen_fields(options.fields, listing.fields)
    order = check_options(options, fmt, listing.fields)
    rows = listing.query(store, **arguments)
    if listing.notes is not None:
        for note in listing.notes(store, **arguments):
            say(streams, f"note: {note}")
    if not rows and listing.empty is not None:
        say(streams, listing.empty.format(**arguments))
    if order is not None:
        rows = sorted_rows(rows, *order)
    if options.limit is not None:
        rows = rows[: options.limit]
    if fmt == "table":
        from qingpu_cli.render.pager import paged
        from qingpu_cli.render.table import write_listing

        with paged(streams) as screen:
            write_listing(listing, rows, store, fields, options.wide, screen, highlight)
        return rows
    columns = fields or (listing.fields if options.wide else listing.columns)
    write_rows(
        rows,
        fmt,
        streams,
        columns,
        listing.title,
        highlight,
        fields,
        listing.caption,
        header=not options.no_header,
        excel_safe=options.excel_safe,
    )
    return rows


def write_rows(
    rows: Sequence[Mapping[str, Any]],
    fmt: str,
    streams: Streams,
    columns: Sequence[str],
    title: str = "",
    highlight: str | None = None,
    fields: Sequence[str] | None = None,
    caption: str | None = None,
    header: bool = True,
    excel_safe: bool = False,
) -> None:
    """Rows in one format: JSON keeps every key of a row unless fields are chosen; the tabular
    formats write the columns."""
    if fields:
        rows = select_fields(rows, fields)
    stream = streams.stdout
    if fmt == "json":
        write_json(list(rows), stream)
    elif fmt == "ndjson":
        write_ndjson(rows, stream)
    elif fmt == "tsv":
        write_tsv(rows, columns, stream, header)
    elif fmt == "csv":
        write_csv(rows, columns, stream, header, excel_safe)
    elif fmt == "markdown":
        write_markdown(rows, columns, stream)
    else:
        from qingpu_cli.render.screens import write_table

        write_table(rows, columns, streams, title or None, highlight, caption)


def write_record(
    described: Mapping[str, Any], fmt: str, streams: Streams, store: Store | None = None
) -> None:
    """One record in full: a JSON object, a field and its value a row, or a screen for people
    (which names the records it links to from the store)."""
    if fmt == "json":
        write_json(described, streams.stdout)
    elif fmt == "ndjson":
        write_ndjson([described], streams.stdout)
    elif fmt == "table":
        from qingpu_cli.render.pager import paged
        from qingpu_cli.render.people import names_of
        from qingpu_cli.render.screens import write_record as draw_record

        names = names_of(store) if store is not None else None
        with paged(streams) as screen:
            draw_record(described, screen, names)
    else:
        # which list the record is of, as `show --json` gives it in `kind`: a fact's own `kind`
        # (target, plan, actual) follows among its fields
        rows = [{"field": "record_kind", "value": described["kind"]}]
        rows += [{"field": key, "value": value} for key, value in described["record"].items()]
        write_rows(rows, fmt, streams, ("field", "value"))


#: Where the overview sends a newcomer next: the listing, the shares drawn, a search, and the
#: help that lists every command (more would not fit one line at 80 columns).
OVERVIEW_HINTS = ("qingpu facts", "qingpu ratios --chart", "qingpu search TEXT", "qingpu help")


def write_overview(store: Store, options: OutputOptions, streams: Streams) -> None:
    """The newcomer's screen, drawn even into a pipe (it is for people), or one JSON object."""
    from qingpu_cli.library.overview import overview

    chosen = output_format(options, is_terminal=True)
    summary = overview(store)
    if chosen == "json":
        write_json(summary, streams.stdout)
    else:
        from qingpu_cli.render.people import names_of
        from qingpu_cli.render.screens import write_overview as draw_overview

        draw_overview(summary, OVERVIEW_HINTS, streams, names_of(store))
