"""Records in, text out: tables and charts for people, machine formats for scripts.

Machine formats are written by the standard library straight to the stream, never through
Rich, so a long value is never wrapped and a `--json` run never imports Rich. Every string
from a store is data: Rich markup in it is shown as typed, and control or bidirectional
characters are shown as visible escapes wherever a terminal could act on them.
"""

from __future__ import annotations

import csv
import json
import os
import re
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from numbers import Rational
from typing import IO, TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text

#: C0 and C1 controls, DEL, and the bidirectional overrides and isolates.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_CELL_ESCAPES = {"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"}
_CELL_UNSAFE = re.compile("[\\\\\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _escape_char(match: re.Match[str]) -> str:
    char = match.group()
    if char in _CELL_ESCAPES:
        return _CELL_ESCAPES[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str) -> str:
    """Control and bidirectional characters as escapes, so a terminal shows them, not obeys."""
    return _UNSAFE.sub(_escape_char, text)


def cell_text(value: object) -> str:
    """One value as one line of text: lists joined by '; ', numbers as written, null empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Rational) and not isinstance(value, int):
        return format_number(float(value))
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, Mapping):
        return ", ".join(f"{key}={cell_text(item)}" for key, item in value.items())
    if isinstance(value, list):
        return "; ".join(cell_text(item) for item in value)
    return str(value)


def clip(label: str, width: int) -> str:
    """A label cut to fit a chart's margin, marked with `~` so a cut is never mistaken for the
    whole name."""
    return label if len(label) <= width else label[: width - 1] + "~"


def format_number(value: float, digits: int = 4) -> str:
    return f"{float(value):.{digits}g}"


def _json_default(value: object) -> Any:
    if isinstance(value, Rational):
        return float(value)
    raise TypeError(f"{type(value).__name__} is not JSON")


def tolerate_narrow_encodings() -> None:
    """A stdout that cannot encode a character shows it as an escape instead of failing."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")


def silence(stream: IO[str]) -> None:
    """After the reader of a pipe has gone, let the interpreter's final flush go nowhere."""
    try:
        descriptor = stream.fileno()
    except (OSError, ValueError):
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, descriptor)
    os.close(devnull)


def encodes_unicode(stream: IO[str]) -> bool:
    encoding = getattr(stream, "encoding", None) or "utf-8"
    try:
        "\u534e\u202e".encode(encoding)
    except (UnicodeEncodeError, LookupError):
        return False
    return True


#: Rows joined into one write: few enough calls to the stream, never the whole listing at once.
_ROWS_PER_WRITE = 512


def _json_encoder(stream: IO[str], indent: int | None) -> Callable[[object], str]:
    """JSON text for this stream: ASCII escapes where it cannot encode Unicode, and on a
    terminal, escapes for the characters a terminal would act on. The stream is asked once,
    and one encoder serves every record of a write instead of a new one a record."""
    ascii_only = not encodes_unicode(stream)
    escape_unsafe = not ascii_only and stream.isatty()
    encoder = json.JSONEncoder(ensure_ascii=ascii_only, indent=indent, default=_json_default)

    def encode(data: object) -> str:
        text = encoder.encode(data)
        if escape_unsafe:
            text = _UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
        return text

    return encode


def _write_lines(lines: Iterable[str], separator: str, stream: IO[str]) -> None:
    """Lines joined by the separator, written a batch at a time so that a large listing never
    exists twice over as one string and its encoded bytes."""
    batch: list[str] = []
    first = True
    for line in lines:
        batch.append(line)
        if len(batch) == _ROWS_PER_WRITE:
            stream.write(("" if first else separator) + separator.join(batch))
            batch.clear()
            first = False
    if batch:
        stream.write(("" if first else separator) + separator.join(batch))


def write_json(data: object, stream: IO[str]) -> None:
    """An array is written one record a line (the C encoder, fast on large stores), an object
    indented; both are one JSON document."""
    if isinstance(data, list):
        encode = _json_encoder(stream, None)
        stream.write("[\n" if data else "[")
        _write_lines(map(encode, data), ",\n", stream)
        stream.write("\n]\n" if data else "]\n")
        return
    stream.write(_json_encoder(stream, 2)(data))
    stream.write("\n")


def select_fields(rows: Sequence[Mapping[str, Any]], fields: Sequence[str]) -> list[dict[str, Any]]:
    return [{field: row.get(field) for field in fields} for row in rows]


def _safe_cell(value: object) -> str:
    return _CELL_UNSAFE.sub(_escape_char, cell_text(value))


def write_ndjson(rows: Iterable[Mapping[str, Any]], stream: IO[str]) -> None:
    encode = _json_encoder(stream, None)
    _write_lines((f"{encode(row)}\n" for row in rows), "", stream)


def write_tsv(rows: Sequence[Mapping[str, Any]], columns: Sequence[str], stream: IO[str]) -> None:
    stream.write("\t".join(columns) + "\n")
    for row in rows:
        stream.write("\t".join(_safe_cell(row.get(column)) for column in columns) + "\n")


def write_csv(rows: Sequence[Mapping[str, Any]], columns: Sequence[str], stream: IO[str]) -> None:
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([visible(cell_text(row.get(column))) for column in columns])


def write_markdown(
    rows: Sequence[Mapping[str, Any]], columns: Sequence[str], stream: IO[str]
) -> None:
    def cell(value: object) -> str:
        return _safe_cell(value).replace("|", "\\|")

    stream.write("| " + " | ".join(columns) + " |\n")
    stream.write("|" + "|".join(" --- " for _ in columns) + "|\n")
    for row in rows:
        stream.write("| " + " | ".join(cell(row.get(column)) for column in columns) + " |\n")


def make_console(stream: IO[str], width: int | None = None) -> Console:
    """The one Console: colour follows the terminal, NO_COLOR and FORCE_COLOR; no markup."""
    from rich.console import Console

    return Console(
        file=stream, markup=False, highlight=False, emoji=False, width=width, soft_wrap=False
    )


def literal(value: object, style: str = "") -> Text:
    from rich.text import Text

    return Text(visible(cell_text(value)), style=style)


#: Below this many characters a column, a table is unreadable: rows are shown one field a line.
MIN_COLUMN_WIDTH = 12

#: Cells up to this long (ids, sectors, numbers) are never wrapped in a table; longer text wraps.
SHORT_CELL = 24


def _highlighted(value: object, needle: str | None) -> Text:
    text = literal(value)
    if needle:
        text.highlight_regex(re.compile(re.escape(visible(needle)), re.IGNORECASE), "bold reverse")
    return text


def write_table(
    rows: Sequence[Mapping[str, Any]],
    columns: Sequence[str],
    stream: IO[str],
    title: str | None = None,
    highlight: str | None = None,
) -> None:
    from rich import box
    from rich.table import Table

    console = make_console(stream)
    if not rows:
        console.print(literal("(no records)", "dim"))
        return
    if console.width < MIN_COLUMN_WIDTH * len(columns):
        _write_records_vertically(console, rows, columns, title, highlight)
        return
    table = Table(
        title=literal(title) if title else None,
        box=box.SIMPLE_HEAD,
        title_justify="left",
        padding=(0, 1),
        pad_edge=False,
        collapse_padding=True,
    )
    cells = [[_highlighted(row.get(column), highlight) for column in columns] for row in rows]
    for index, column in enumerate(columns):
        longest = max(len(column), *(len(row[index]) for row in cells))
        if longest <= SHORT_CELL:
            table.add_column(column, overflow="fold")
        else:
            table.add_column(column, overflow="fold", ratio=1, min_width=SHORT_CELL // 2)
    for row_cells in cells:
        table.add_row(*row_cells)
    console.print(table)


def _write_records_vertically(
    console: Console,
    rows: Sequence[Mapping[str, Any]],
    columns: Sequence[str],
    title: str | None,
    highlight: str | None,
) -> None:
    """For a narrow terminal: each record as a block of `field: value` lines."""
    if title:
        console.print(literal(title, "bold"))
    for number, row in enumerate(rows, start=1):
        console.print(literal(f"-- {number} --", "dim"))
        for column in columns:
            line = literal(f"{column}: ", "cyan")
            line.append_text(_highlighted(row.get(column), highlight))
            console.print(line, overflow="fold")


class Listing(NamedTuple):
    """What a listing command hands to the renderer: rows, all their fields, default columns."""

    rows: list[dict[str, Any]]
    fields: tuple[str, ...]
    columns: tuple[str, ...]
    title: str
    highlight: str | None = None


def write_listing(
    listing: Listing, fmt: str, stream: IO[str], fields: Sequence[str] | None = None
) -> None:
    """One way out for every listing: the chosen format, with all fields or the chosen ones."""
    rows: Sequence[Mapping[str, Any]] = listing.rows
    if fields:
        rows = select_fields(rows, fields)
    columns = tuple(fields) if fields else listing.columns
    if fmt == "json":
        write_json(list(rows), stream)
    elif fmt == "ndjson":
        write_ndjson(rows, stream)
    elif fmt == "tsv":
        write_tsv(rows, columns, stream)
    elif fmt == "csv":
        write_csv(rows, columns, stream)
    elif fmt == "markdown":
        write_markdown(rows, columns, stream)
    else:
        write_table(rows, columns, stream, listing.title, listing.highlight)


def _key_value_rows(record: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [{"field": key, "value": value} for key, value in record.items()]


def write_record(described: Mapping[str, Any], fmt: str, stream: IO[str]) -> None:
    """One record in full: a JSON object, or its fields then its evidence for people."""
    if fmt in ("json", "ndjson"):
        if fmt == "json":
            write_json(described, stream)
        else:
            write_ndjson([described], stream)
        return
    record = described["record"]
    field_rows = _key_value_rows({"kind": described["kind"], **record})
    evidence = described["evidence"]
    if fmt in ("tsv", "csv", "markdown"):
        listing = Listing(field_rows, ("field", "value"), ("field", "value"), "")
        write_listing(listing, fmt, stream)
        return
    console = make_console(stream)
    from rich.table import Table

    table = Table(
        title=literal(f"{described['kind']}: {described['id']}", "bold"),
        show_header=False,
        box=None,
        title_justify="left",
        padding=(0, 1),
    )
    table.add_column("field", style="cyan", no_wrap=True)
    table.add_column("value", overflow="fold")
    for row in field_rows:
        if row["field"] != "evidence":
            table.add_row(literal(row["field"]), literal(row["value"]))
    console.print(table)
    for item in evidence:
        console.print(literal(f"  \u201c{item['quote']}\u201d", "italic"))
        source = item["source_title"] or item["source"]
        console.print(literal(f"    source: {item['source']} ({source})", "dim"))


def bar(fraction: float, width: int, ascii_only: bool) -> str:
    """A horizontal bar of `width` cells filled to `fraction`, in eighths where blocks show."""
    fraction = min(max(fraction, 0.0), 1.0)
    if ascii_only:
        filled = round(fraction * width)
        return "#" * filled + "." * (width - filled)
    eighths = round(fraction * width * 8)
    full, rest = divmod(eighths, 8)
    partial = " \u258f\u258e\u258d\u258c\u258b\u258a\u2589"[rest] if rest else ""
    return ("\u2588" * full + partial).ljust(width, "\u00b7")


def bounded_bar(
    value: float, low: float | None, high: float | None, scale: float, width: int, ascii_only: bool
) -> str:
    """A bar to the value, with the span from low to high marked after it."""
    cells = list(bar(value / scale if scale else 0.0, width, ascii_only))
    if low is not None and high is not None and scale:
        start = min(width - 1, max(0, int(low / scale * width)))
        end = min(width - 1, max(start, int(high / scale * width)))
        marker = "|" if ascii_only else "\u2502"
        cells[start] = marker if start != end else cells[start]
        cells[end] = marker
    return "".join(cells)


def chart_lines(
    items: Sequence[tuple[str, float, float | None, float | None, str]],
    ascii_only: bool,
    total_width: int = 80,
) -> list[str]:
    """Labelled bars sharing one scale: (label, value, low, high, shown value) for each."""
    if not items:
        return []
    label_width = min(max(len(label) for label, *_ in items), 34)
    shown_width = max(len(shown) for *_, shown in items)
    width = max(8, total_width - label_width - shown_width - 4)
    scale = max(max(high if high is not None else value, value) for _, value, _, high, _ in items)
    lines = []
    for label, value, low, high, shown in items:
        name = clip(label, label_width)
        drawn = bounded_bar(value, low, high, scale, width, ascii_only)
        lines.append(f"{name.ljust(label_width)}  {drawn}  {shown.rjust(shown_width)}")
    return lines


def write_lines(lines: Iterable[str], stream: IO[str]) -> None:
    for line in lines:
        stream.write(visible(line) + "\n")


def terminal_width(stream: IO[str], limit: int = 80) -> int:
    import shutil

    width = shutil.get_terminal_size((limit, 24)).columns if stream.isatty() else limit
    return max(20, min(width, limit))


def _bounds_text(value: object, low: object, high: object) -> str:
    if low is None or high is None:
        return f"{cell_text(value)} (unbounded)"
    return f"{cell_text(value)} ({cell_text(low)}-{cell_text(high)})"


def ratio_chart_lines(rows: Sequence[Mapping[str, Any]], width: int, ascii_only: bool) -> list[str]:
    """Bars grouped by unit, one scale a group: shares out of 100, ratios out of the largest."""
    groups: dict[str, list[tuple[str, Any, Any, Any]]] = {}
    seen_inputs: set[str] = set()
    for row in rows:
        for item in row["inputs"]:
            if item["unit"] == "percent" and item["fact"] not in seen_inputs:
                seen_inputs.add(item["fact"])
                groups.setdefault("percent", []).append(
                    (item["fact"], item["value"], item["low"], item["high"])
                )
    for row in rows:
        groups.setdefault(row["unit"], []).append(
            (row["id"], row["value"], row["low"], row["high"])
        )
    lines: list[str] = []
    for unit, items in groups.items():
        scale = (
            100.0
            if unit == "percent"
            else max(float(high if high is not None else value) for _, value, _, high in items)
        )
        lines.append(f"{unit} (bar: value; marks: low and high)")
        for label, value, low, high in items:
            shown = _bounds_text(value, low, high)
            room = max(1, width - len(shown) - 3)
            name = clip(label, room)
            lines.append(f"  {name.ljust(room)} {shown}")
            drawn = bounded_bar(
                float(value),
                None if low is None else float(low),
                None if high is None else float(high),
                scale,
                width - 2,
                ascii_only,
            )
            lines.append(f"  {drawn}")
        lines.append("")
    return lines


def write_ratio_chart(rows: Sequence[Mapping[str, Any]], stream: IO[str]) -> None:
    if not rows:
        stream.write("(no ratios: the store lacks their inputs)\n")
        return
    ascii_only = not encodes_unicode(stream)
    write_lines(ratio_chart_lines(rows, terminal_width(stream), ascii_only), stream)


def write_overview(summary: Mapping[str, Any], hints: Sequence[str], stream: IO[str]) -> None:
    """The newcomer's screen: figures, a chart of the shares, then who and what, then where next."""
    from rich import box
    from rich.table import Table

    console = make_console(stream)
    ascii_only = not encodes_unicode(stream)
    width = min(console.width, 80)
    console.print(literal("Key figures", "bold"))
    for figure in summary["key_figures"]:
        shown = f"{cell_text(figure['value'])} {figure['unit']}"
        console.print(literal(f"  {shown:>14}  {figure['statement']}"))
    if summary["shares"]:
        console.print()
        first = summary["shares"][0]
        console.print(literal(f"Shares of {first['of']} held by {first['subject']}", "bold"))
        label_width = max(len(share["quantity"]) for share in summary["shares"])
        label_width = min(label_width, max(8, width // 3))
        bar_width = max(8, width - label_width - 10)
        for share in summary["shares"]:
            label = clip(share["quantity"], label_width).ljust(label_width)
            drawn = bar(share["value"] / 100, bar_width, ascii_only)
            console.print(literal(f"  {label} {drawn} {cell_text(share['value']):>4}%"))
    sections = (
        ("Events", summary["events"], ("name", "date", "projects_signed")),
        ("Partners", summary["partners"], ("name", "sector", "agreement_kinds")),
        ("Industries", summary["industries"], ("name", "role", "scale_label")),
    )
    for title, rows, columns in sections:
        if not rows:
            continue
        console.print()
        table = Table(title=literal(title, "bold"), box=box.SIMPLE_HEAD, title_justify="left")
        for column in columns:
            table.add_column(column, overflow="fold")
        for row in rows:
            table.add_row(*(literal(row[column]) for column in columns))
        console.print(table)
    console.print(literal("More: " + " | ".join(hints), "dim"))
