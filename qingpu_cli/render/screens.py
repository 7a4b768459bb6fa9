"""Screens for people, drawn with Rich: tables, one record, charts and the overview.

Every string from a store is data: Rich markup in it is shown as typed, and control or
bidirectional characters as escapes. Colour follows the run's streams (a terminal, NO_COLOR,
FORCE_COLOR), through one Console factory.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from rich import box
from rich.console import Console
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from qingpu_cli.cli.run import Streams, say
from qingpu_cli.library.folding import Needle
from qingpu_cli.render import people
from qingpu_cli.render.charts import ChartItem, ratio_chart_groups, round_top
from qingpu_cli.render.formats import (
    encodes_unicode,
    figure_text,
    human_number,
    interval_text,
    person_text,
    significant,
    visible,
    visible_data,
)
from qingpu_cli.render.lines import sizes_if_unusable
from qingpu_cli.render.people import NOT_GIVEN
from qingpu_cli.render.table import (
    MAX_TABLE_ROWS,
    MAX_TABLE_VALUE,
    Column,
    has_huge_value,
    header,
    longest_word,
    table_lines,
    widths,
)
from qingpu_cli.store.vocabulary import KIND_SINGULAR, REFERENCES

if TYPE_CHECKING:
    from qingpu_cli.cli.commands import Listing


def make_console(streams: Streams) -> Console:
    """The one Console: it writes to the run's stdout, in colour only where the streams say so,
    and reads no markup from the data."""
    width, height = sizes_if_unusable()
    return Console(
        file=streams.stdout,
        width=width,
        height=height,
        markup=False,
        highlight=False,
        emoji=False,
        soft_wrap=False,
        color_system="auto" if streams.color else None,
        force_terminal=True if streams.color else None,
    )


#: The fields that name other records, whose ids a screen gives with their names.
_REFERENCE_FIELDS = {field for _, field in REFERENCES} | {"subject"}


class Said(NamedTuple):
    """A field's value as a person reads it, escaped, and its style: made into Rich text only
    where Rich lays it out (making a Rich text of ten megabytes costs most of a second)."""

    text: str
    style: str = ""


def in_words(value: object, style: str = "") -> Said:
    return Said(visible(person_text(value)), style)


def literal(value: object, style: str = "") -> Text:
    said = in_words(value, style)
    return Text(said.text, style=said.style)


def _highlighted(value: object, needle: Needle | None) -> Text:
    """A cell with what matched the search marked, found by the same folding as the match."""
    text = literal(value)
    if needle is not None:
        for start, end in needle.spans(text.plain):
            text.stylize("bold reverse", start, end)
    return text


def write_grouped(
    listing: Listing,
    rows: Sequence[Mapping[str, Any]],
    group: str,
    columns: Sequence[str],
    names: people.Names,
    caption: str | None,
    streams: Streams,
) -> None:
    """Rows under one heading in words for each value of the group's field (`compare`: a
    quantity and its unit, its id beside it), a table each; the legend once, at the foot."""
    ascii_only = not encodes_unicode(streams.stdout)
    console = make_console(streams)
    console.print(literal(f"{listing.title} ({len(rows):,})", "bold"))
    groups: dict[object, list[Mapping[str, Any]]] = {}
    for row in rows:
        groups.setdefault(row.get(group), []).append(row)
    for key, members in groups.items():
        console.print()
        heading = literal(people.heading(members, names), "bold")
        heading.append(f" ({visible(person_text(key))})", style="cyan")
        console.print(heading)
        shown = people.person_rows(members, columns, names, ascii_only)
        lines = table_lines(
            shown, columns, console.width, color=streams.color, ascii_only=ascii_only
        )
        if lines is None:
            write_table(shown, columns, streams)
        else:
            streams.stdout.write("\n".join(lines) + "\n")
    if caption:
        console.print()
        console.print(literal(caption, "dim"))


def write_table(
    rows: Sequence[Mapping[str, Any]],
    columns: Sequence[str],
    streams: Streams,
    title: str | None = None,
    highlight: str | None = None,
    caption: str | None = None,
) -> None:
    """Rows as a table that fits the terminal with no id, number or word split, or, where it
    cannot, one record a block. The title gives the count."""
    console = make_console(streams)
    counted = f"{title} ({len(rows):,})" if title else None
    if not rows:
        if counted:
            console.print(literal(counted, "bold"))
        console.print(literal("(no records)", "dim"))
        return
    if not title:
        counted = None
    needle = Needle(highlight) if highlight else None
    many = len(rows) > MAX_TABLE_ROWS
    if many or has_huge_value(rows, columns):
        if many:
            say(
                streams,
                f"note: {len(rows):,} rows are shown one record a block; --format tsv or --json"
                " writes them as a table for other tools",
            )
        from qingpu_cli.render.blocks import write_blocks

        system = console.color_system
        write_blocks(rows, columns, streams, counted, needle, console.width, system, header)
        if caption:
            console.print(literal(caption, "dim"))
        return
    cells = [[_highlighted(row.get(column), needle) for column in columns] for row in rows]
    shape = [Column(field, [row[i].plain for row in cells]) for i, field in enumerate(columns)]
    sizes = widths(shape, console.width - (len(columns) - 1))
    if sizes is None:
        _write_records(console, rows, columns, counted, needle)
        if caption:
            console.print(literal(caption, "dim"))
        return
    table = Table(
        title=literal(counted, "bold") if counted else None,
        caption=literal(caption, "dim") if caption else None,
        box=box.SIMPLE_HEAD,
        show_edge=False,
        title_justify="left",
        caption_justify="left",
        padding=0,
    )
    for column, width in zip(shape, sizes, strict=True):
        table.add_column(Text(column.header, style="bold"), width=width, overflow="fold")
    for row_cells in cells:
        table.add_row(*row_cells)
    console.print(table)


def _write_records(
    console: Console,
    rows: Sequence[Mapping[str, Any]],
    columns: Sequence[str],
    title: str | None,
    needle: Needle | None,
) -> None:
    """One record a block of `Header: value` lines, for a terminal too narrow for the table or a
    listing too long for one. A value with a word too long to stand beside its header goes on
    the lines below it; a word longer than the terminal (an address) is printed whole, for the
    terminal to wrap."""
    if title:
        console.print(literal(title, "bold"))
    label_width = max(max(len(header(column)) for column in columns) + 1, len(f"-- {len(rows)} --"))
    room = max(1, console.width - label_width - 1)
    grid: Table | None = None

    def flush() -> None:
        nonlocal grid
        if grid is not None:
            console.print(grid)
            grid = None

    for number, row in enumerate(rows, start=1):
        if grid is None:
            grid = Table.grid(padding=(0, 1))
            grid.add_column(no_wrap=True, width=label_width)
            grid.add_column(width=room)
        grid.add_row(Text(f"-- {number} --", style="dim"), Text(""))
        for column in columns:
            value = _highlighted(row.get(column), needle)
            if not value.plain:
                value = literal(NOT_GIVEN, "dim")
            if longest_word(value.plain) <= room:
                value.overflow = "fold"  # Chinese, which has no spaces, breaks between characters
                grid.add_row(Text(f"{header(column)}:", style="cyan"), value)
                continue
            flush()
            console.print(Text(f"{header(column)}:", style="cyan"))
            console.print(Text("  ").append_text(value), soft_wrap=True)
            grid = Table.grid(padding=(0, 1))
            grid.add_column(no_wrap=True, width=label_width)
            grid.add_column(width=room)
        if number % _RECORDS_PER_PRINT == 0:
            flush()
    flush()


#: Records printed at a time in the record view: the first come at once, and memory stays small.
_RECORDS_PER_PRINT = 50


def _section(console: Console, title: str) -> None:
    console.print()
    console.print(Text(title, style="bold"))


def write_record(
    described: Mapping[str, Any], streams: Streams, names: people.Names | None = None
) -> None:
    """One record for a person to scan: a heading with its kind, name and id; every field, "not
    given" where the record gives none, the records it names given by name and id, a figure
    with its unit and bound in words and a ratio's inputs and bounds in words; the records
    related to it either way; every source's statement of the same quantity with its verdict
    and mark; its evidence, grouped by source, each source named once."""
    described = visible_data(described)
    console = make_console(streams)
    ascii_only = not encodes_unicode(streams.stdout)
    record = described["record"]
    kind = KIND_SINGULAR.get(described["kind"], described["kind"])
    heading = Text(f"{kind.capitalize()} ", style="bold")
    name = record.get("name") or record.get("label") or record.get("title")
    if isinstance(name, str):
        heading.append(name + " ", style="bold")
    heading.append(f"({described['id']})", style="cyan")
    console.print(heading)
    related = described.get("related", [])
    known = names if names is not None else people.Names({}, {}, {})
    titles = {item["id"]: item["name"] for item in related if item["name"]}

    def named(target: str) -> str:
        title = titles.get(target) or known.records.get(target)
        return f"{title} ({target})" if title and title != target else target

    def shown(field: str, value: object) -> Said:
        if value is None or value == "":
            return in_words(people.NOT_GIVEN, "dim")
        if value == []:
            return in_words("none", "dim")
        targets = value if isinstance(value, list) else [value]
        if field in _REFERENCE_FIELDS and all(isinstance(item, str) for item in targets):
            return in_words("; ".join(named(str(item)) for item in targets))
        if field == "unit" and isinstance(value, str):
            return in_words(people.unit_words(value) or value)
        if field == "share_of" and isinstance(value, Mapping):
            subject = value.get("subject")
            whose = named(subject) if isinstance(subject, str) else people.NOT_GIVEN
            return in_words(f"{value.get('quantity')} of {whose}")
        if isinstance(value, bool):
            return in_words("yes" if value else "no")
        if isinstance(value, Mapping) or (
            isinstance(value, list) and isinstance(value[0], Mapping)
        ):
            return in_words(people.nested_words(field, value, known))
        return in_words(value)

    console.print()
    fields: list[tuple[str, Said]] = []
    skipped = {"id", "evidence", "low", "high"}
    if record.get("value") is not None:
        figure = figure_text(record["value"], record.get("unit"), record.get("bound"))
        fields.append(("Figure", in_words(figure)))
        skipped |= {"value", "unit"}  # the figure says them, as a reader writes them
    if described.get("interval"):
        # What the tool computes with, in words, not the decimals and the bound.
        fields.append(("Stands for", in_words(str(described["interval"]))))
        skipped |= {"decimals", "bound"}
    if "low" in record and "high" in record:
        computed = described["kind"] == "ratios"
        bounds = interval_text(record["low"], record["high"], record.get("unit"), computed)
        fields.append(("Bounds", in_words(bounds or people.NOT_GIVEN)))
    # A link to another record is said once: in the Related section, where there is one.
    listed = {item["id"] for item in related}
    for field, value in record.items():
        targets = value if isinstance(value, list) else [value]
        linked = field in _REFERENCE_FIELDS and all(target in listed for target in targets)
        if field not in skipped and not (related and linked):
            fields.append((header(field), shown(field, value)))
    _write_fields(console, fields, streams)
    partner = described.get("partner")
    if partner and partner["agreements"]:
        _section(console, "Agreements")
        lines = [
            "; ".join(partner["agreement_kinds"]),
            f"with {'; '.join(partner['counterparts'])}",
        ]
        if partner["launched"]:
            lines.append(f"launched {'; '.join(partner['launched'])}")
        for text in lines:
            console.print(Padding(literal(text), (0, 0, 0, 2)))
    if related:
        _section(console, "Related")
        for item in related:
            line = Text(f"{item['relation']}: ", style="dim")
            if item["name"] and item["name"] != item["id"]:
                line.append(visible(item["name"]) + " ")
            line.append(f"({item['id']})", style="cyan")
            console.print(Padding(line, (0, 0, 0, 2)))
    statements = described.get("statements", [])
    if len(statements) > 1:
        about = (
            people.heading(statements, known) if names is not None else statements[0]["quantity"]
        )
        _section(console, f"Every source's statement of {about}")
        for item in statements:
            when = item["period"] or "no period given"
            figure = figure_text(item["value"], item["unit"], item.get("bound"))
            interval = interval_text(item.get("low"), item.get("high"), item["unit"])
            line = Text(f"{figure} ({interval}), {when}, {item['kind']}: ")
            line.append(people.mark(item["verdict"], ascii_only), style="bold")
            source = known.records.get(item["source"], item["source"])
            line.append(f" ({source}{'' if item['date'] else ', n.d.'})", style="dim")
            if item.get("coarse"):
                coarse = item["coarse"]
                said = interval_text(coarse["low"], coarse["high"], item["unit"])
                line.append(f"\n  {coarse['fact']} allows {said}", style="dim")
            console.print(Padding(line, (0, 0, 0, 2)))
    _write_evidence(console, described["evidence"], known)


def _write_fields(console: Console, fields: Sequence[tuple[str, Said]], streams: Streams) -> None:
    """A record's fields beside their headers: a grid, or, where a value is too long for Rich
    to lay out in good time, the same lines written plain, as the record view's blocks are."""
    if any(len(value.text) > MAX_TABLE_VALUE for _, value in fields):
        from qingpu_cli.render.blocks import write_fields

        plain = [(name, value.text, value.style) for name, value in fields]
        write_fields(plain, streams, console.width, console.color_system)
        return
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="cyan", no_wrap=True)
    grid.add_column(overflow="fold")
    for name, value in fields:
        grid.add_row(name, Text(value.text, style=value.style))
    console.print(grid)


def _write_evidence(
    console: Console, evidence: Sequence[Mapping[str, Any]], names: people.Names
) -> None:
    """Quotes grouped by their source, the source named once above its quotes; a ratio's quote
    says which of its inputs it backs, in words."""
    by_source: dict[str, list[Mapping[str, Any]]] = {}
    for item in evidence:
        by_source.setdefault(item["source"], []).append(item)
    if not by_source:
        return
    _section(console, "Evidence")
    for source, items in by_source.items():
        title = items[0]["source_title"]
        who = names.records.get(source)  # its publisher or site, and its date
        if who is not None and any(
            who == named or who.startswith(f"{named}, ") for named in (title, source) if named
        ):
            who = None  # a source named by its title or id alone says nothing more
        line = Text("From ")
        if title:
            line.append(f"\u201c{visible(title)}\u201d" + (", " if who else " "))
        if who:
            line.append(f"{who} ")
        line.append(f"({source})", style="cyan")
        console.print(Padding(line, (0, 0, 0, 2)))
        for item in items:
            fact = f"{names.measures.get(item['fact'], item['fact'])}: " if item.get("fact") else ""
            if item["quote"] is None:
                cited = literal(f"{fact}cited, not quoted: its text is not held here", "dim")
                console.print(Padding(cited, (0, 0, 0, 4)))
                continue
            quote = literal(f"{fact}\u201c{item['quote']}\u201d", "italic")
            console.print(Padding(quote, (0, 0, 0, 4)))


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


def _band(item: ChartItem, scale: float, width: int, ascii_only: bool) -> Text:
    """A solid bar up to the least value the inputs allow, a band up to the greatest, then
    the empty rest of the axis: the band is the rounding, not a glitch."""
    solid, band, rest = ("#", "=", ".") if ascii_only else ("\u2588", "\u2592", "\u00b7")
    # No least value ("under X"): nothing is solid; no greatest ("over X"): the band runs on.
    low = item.low if item.low is not None else 0.0 if item.high is not None else item.value
    high = item.high if item.high is not None else scale
    start = min(width, max(0, round(low / scale * width)))
    end = min(width, max(start, round(high / scale * width)))
    if end == start and item.high is not None and end < width:
        end += 1  # a band too narrow to draw still shows
    drawn = Text(solid * start, style="blue" if item.aimed else "green")
    drawn.append(band * (end - start), style="yellow")
    drawn.append(rest * (width - end), style="dim")
    return drawn


def _shown(item: ChartItem) -> str:
    """A bar's figure and bounds in words: a stated figure with every digit, a computed one to
    three significant figures with its bounds rounded outward."""
    value = human_number(item.value) if item.stated else significant(item.value)
    bounds = interval_text(item.low, item.high, None, computed=not item.stated)
    return f"{value} ({bounds})" if bounds and bounds != value else value


#: At most so many bars on one axis, so that a chart stays a picture however many statements
#: a quantity has: the rest are counted on one line, with the command that lists them all.
BARS_SHOWN = 50


def write_chart(
    groups: Sequence[tuple[str, Sequence[ChartItem]]],
    streams: Streams,
    shares: bool = True,
    listed_by: str = "qingpu ratios",
) -> None:
    """Labelled bars in groups, each group on one axis of its own, from 0 to a round top (for
    shares, percentages end at 100; a rate over time ends where its own values do); past
    BARS_SHOWN bars on an axis, how many more and `listed_by`, the command that lists them."""
    groups = [(visible(title), items) for title, items in groups]
    console = make_console(streams)
    ascii_only = not encodes_unicode(streams.stdout)
    width = max(20, min(console.width, 80))
    solid, band = ("#", "=") if ascii_only else ("\u2588", "\u2592")
    console.print(
        literal(f"{solid} least value the rounding allows  {band} up to the greatest", "dim"),
        width=width,
    )
    bar_width = width - 4
    for title, items in groups:
        top = max((item.high if item.high is not None else item.value) for item in items)
        scale = 100.0 if shares and items[0].unit == "percent" else round_top(top)
        console.print()
        console.print(Text(title, style="bold"), width=width)
        axis = f"0{human_number(scale / 2).rjust(bar_width // 2)}"
        console.print(Text(f"  {axis}{human_number(scale).rjust(bar_width - len(axis))}", "dim"))
        for item in items[:BARS_SHOWN]:
            label = Padding(literal(f"{item.label}: {_shown(item)}"), (0, 0, 0, 2))
            console.print(label, width=width)
            console.print(Text("  ").append_text(_band(item, scale, bar_width, ascii_only)))
        if len(items) > BARS_SHOWN:
            console.print(_more(len(items) - BARS_SHOWN, None, listed_by), width=width)


def write_ratio_chart(
    rows: Sequence[Mapping[str, Any]], labels: Mapping[str, str], streams: Streams
) -> None:
    if not rows:
        streams.stdout.write("(no ratios: the store lacks their inputs)\n")
        return
    write_chart(ratio_chart_groups(rows, labels), streams)


def write_series_chart(
    rows: Sequence[Mapping[str, Any]], streams: Streams, names: people.Names | None = None
) -> None:
    """A quantity's values over time, one axis a unit; targets and plans say so in their
    label and are drawn in a bar of their own shade."""
    if not rows:
        streams.stdout.write("(no statement with a value)\n")
        return
    from qingpu_cli.render.charts import series_chart_groups

    listed_by = f"qingpu compare {rows[0]['quantity']}"
    write_chart(series_chart_groups(rows, names), streams, shares=False, listed_by=listed_by)


def _counted(values: Iterable[str]) -> str:
    """`focus 1, coordinated 2`: how many of each value, in the order they first come."""
    counts: dict[str, int] = {}
    for value in values:
        counts[value] = counts.get(value, 0) + 1
    return ", ".join(f"{value} {count}" for value, count in counts.items())


def _data_lines(sources: Sequence[Mapping[str, Any]], disputed: Sequence[str]) -> list[str]:
    """Where the data comes from, in a line (the figures other sources dispute are marked where
    they are shown)."""
    held = [source for source in sources if source.get("file")]
    dates = sorted(source["date"] for source in sources if source["date"])
    if held and len(sources) == 1:
        source = held[0]
        who = f"by {source['publisher']}" if source["publisher"] else "publisher not named"
        lines = [f"Data: one article, {_dated(source)}, {who} (qingpu sources)"]
    else:
        article = _dated(held[0]) if held else "none"
        others = f"{len(sources) - len(held)} more sources"
        span = f", {dates[0]} to {dates[-1]}" if dates else ""
        lines = [f"Data: article ({article}); {others}{span}"]
    return lines


def _dated(source: Mapping[str, Any]) -> str:
    """A source's date, else the date of the event it reports, else "undated"."""
    if source.get("date"):
        return str(source["date"])
    reports = source.get("reports")
    if not reports:
        return "undated"
    return f"signing {reports['date']}"


#: At most so many key figures and shares on the overview (as many as the bundled store
#: has), so that it stays one screen however many facts cite the held article; the rest are
#: counted on one line, with where to list them.
KEY_FIGURES_SHOWN, SHARES_SHOWN = 2, 3


def _more(count: int, held: str | None, listed_by: str | None = None) -> Text:
    where = listed_by or (f"qingpu facts --source {held}" if held else "qingpu overview --json")
    return literal(f"  \u2026 {count:,} more: {where}", "dim")


def write_overview(
    summary: Mapping[str, Any],
    hints: Sequence[str],
    streams: Streams,
    names: people.Names | None = None,
) -> None:
    """The newcomer's first screen, within 80 by 24: the place and where the data comes from,
    the key figures in words, what each measures, and whether other sources dispute it, the
    shares as bars on a 0-100% scale, one line each for events, partners and industries, and
    where to go next."""
    summary = visible_data(summary)
    known = names if names is not None else people.Names({}, {}, {})
    disputed = set(summary.get("disputed", []))
    mark = people.mark("differ", not encodes_unicode(streams.stdout)).split()[0]
    console = make_console(streams)
    ascii_only = not encodes_unicode(streams.stdout)
    width = min(console.width, 80)

    def say_line(text: Text) -> None:
        console.print(text, width=width)

    place = summary.get("place")
    if place is not None:
        heading = Text(place["name"], style="bold")
        if place["aliases"]:
            heading.append(f" ({', '.join(place['aliases'])})", style="bold")
        if place["part_of"]:
            heading.append(f", in {place['part_of']}")
        say_line(heading)
    for data_line in _data_lines(summary.get("sources", []), summary.get("disputed", [])):
        title, _, text = data_line.replace("\u2717", mark).partition(" ")
        console.print(_hanging(title, text, "dim"), width=width)
    held = next((item["id"] for item in summary.get("sources", []) if item.get("file")), None)
    every_share = summary["shares"]
    shared = {share["fact"] for share in every_share}
    every_figure = [figure for figure in summary["key_figures"] if figure["id"] not in shared]
    figures, shares = every_figure[:KEY_FIGURES_SHOWN], every_share[:SHARES_SHOWN]
    if figures:
        console.print()
        heading = Text("Key figures", style="bold")
        if disputed:
            heading.append(f"  {mark} disputed: other sources differ (qingpu compare)", "dim")
        say_line(heading)
        grid = Table.grid(padding=(0, 2))
        grid.add_column(no_wrap=True)
        grid.add_column()
        for figure in figures:
            about = known.measures.get(figure["id"], "")
            measure = about.split(", ", 1)[-1] if about else None
            shown = figure_text(figure["value"], figure["unit"], figure["bound"], measure)
            place = summary.get("place") or {}
            # the place the screen is about goes without saying: its figure's measure alone
            own = about.startswith(f"{place.get('name')}, ") and measure is not None
            what = literal(measure if own and measure else about or figure["statement"])
            if figure["id"] in disputed:
                what.append(f" {mark} disputed", style="bold")
            newest = figure.get("newest")
            if newest:  # the newest dated statement of the quantity by another source
                said = figure_text(newest["value"], newest["unit"], newest["bound"], measure)
                when = newest.get("date") or newest.get("period") or "n.d."
                others = figure.get("other_sources", 0)
                sources = f"{others} other source{'' if others == 1 else 's'}"
                what.append(f"; newest {said} ({when}), {sources}", style="dim")
            grid.add_row(literal(shown), what)
        console.print(Padding(grid, (0, 0, 0, 2)), width=width)
    if shares:
        console.print()
        first = shares[0]
        say_line(Text(f"Shares of {first['of']} held by {first['subject']}", style="bold"))
        bar_width = max(10, width - 7)
        half = bar_width // 2
        say_line(Text("  0%" + "50%".rjust(half - 1) + "100%".rjust(bar_width - half + 1), "dim"))
        for share in shares:
            label = literal(share["quantity"])
            if share["fact"] in disputed:
                label.append(f" {mark} disputed", style="bold")
            console.print(Padding(label, (0, 0, 0, 2)), width=width)
            line = Text("  ")
            line.append(bar(share["value"] / 100, bar_width, ascii_only), style="green")
            line.append(f" {person_text(share['value']):>3}%")
            say_line(line)
    hidden = len(every_figure) - len(figures) + len(every_share) - len(shares)
    if hidden:
        say_line(_more(hidden, held))
    console.print()
    events = summary["events"]
    if events:
        # Each occasion's count on its own, a count shared by events once: counts of different
        # occasions are never added.
        counted = {
            event["projects_fact"]: event
            for event in reversed(events)
            if event["projects_signed"] or event["projects_signed_jointly"]
        }
        counts = [
            f"{event['projects_signed'] or event['projects_signed_jointly']} projects"
            f" {event['date'] or '(no date)'}"
            for event in reversed(counted.values())
        ]
        text = f"{len(events)} signing events" + (f": {', '.join(counts)}" if counts else "")
        console.print(_hanging("Events", text, width=_SUMMARY_TITLE), width=width)
    partners = summary["partners"]
    if partners:
        sectors = _counted(partner["sector"] for partner in partners)
        console.print(_hanging("Partners", sectors, width=_SUMMARY_TITLE), width=width)
    found = summary["industries"]
    if found:
        roles = _counted(industry["role"] for industry in found)
        scales = _counted(item["scale_status"] for item in found if item["scale_status"])
        text = roles + (f"; scale {scales}" if scales else "")
        console.print(_hanging("Industries", text, width=_SUMMARY_TITLE), width=width)
    console.print()
    console.print(_hanging("Next:", " \u00b7 ".join(hints), "dim"), width=width)


#: The width of the overview's summary titles (Events, Partners, Industries), so their texts
#: start in one column.
_SUMMARY_TITLE = len("Industries") + 1


def _hanging(title: str, text: str, style: str = "", width: int = 0) -> Table:
    """A line led by its title, wrapping under its text rather than under the title (at 60
    columns the overview's summaries take two lines)."""
    line = Table.grid(padding=(0, 1))
    line.add_column(no_wrap=True, min_width=width, style=style or "bold")
    line.add_column(style=style)
    line.add_row(literal(title), literal(text))
    return line
