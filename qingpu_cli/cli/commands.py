"""Every command of the command line, declared once: its arguments, options, choices, help and
example, and for a listing its query, filters, columns and fields.

Both parsers derive from these declarations: the quick parser (`cli.parser`), which answers
every run it can read plainly without building the Typer app, and the Typer app (`cli.app`),
which gives the help, shell completion and every usage message. So does the library's
`FactStore`, which takes a listing's filters as keyword arguments and checks their values by
the same rule (`Option.accept`), and so do the tests' lists of commands, options and choices.

Import-light on purpose (no Typer, Rich or pydantic, nor `ratios` until a ratio is asked for):
completion imports this module on every press of the tab key. For the same reason a listing's
fields are named here rather than read from the models; a test proves that they are the
model's fields followed by what the query derives, in the order the query writes them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import partial
from typing import TYPE_CHECKING, Any, NamedTuple, cast

from qingpu_cli.errors import UsageError, as_typed, did_you_mean
from qingpu_cli.library import listings, lookup
from qingpu_cli.library.records import resolve_source
from qingpu_cli.store.vocabulary import (
    CITATION_STYLES,
    CITY_MEASURES,
    COLOR_CHOICES,
    FACT_KINDS,
    FORMATS,
    MAX_NUMBER_DIGITS,
    OVERVIEW_FORMATS,
    RECORD_FIELDS,
    ROLES,
    SECTORS,
    TOPICS,
    ascii_whole_number,
)

if TYPE_CHECKING:
    from qingpu_cli.store.models import Store

Row = dict[str, Any]

#: What a value of an option or argument is.
TEXT, CHOICE, COUNT, FLAG = "text", "choice", "count", "flag"


class Option(NamedTuple):
    """An option as the command line spells it, and the one rule for its values."""

    option: str
    """Its long name, `--topic`."""
    help: str
    choices: tuple[str, ...] | None = None
    """The values it takes, in any case; None: not a closed set."""
    metavar: str | None = None
    takes: str = TEXT
    """`text` (not blank), `choice`, `count` (a whole number) or `flag` (no value)."""
    short: str | None = None
    name: str | None = None
    """The keyword its value is handed over by, where it is not the long name's."""
    required: bool = False
    blank: bool = False
    """Blank text is let through, for a later check with its own message (`--data ""`)."""
    complete: str | None = None
    """What completes its value beyond its choices: `ids` or `subjects` of the store."""
    default: str | None = None

    @property
    def keyword(self) -> str:
        return self.name or self.option.removeprefix("--").replace("-", "_")

    @property
    def names(self) -> tuple[str, ...]:
        return (self.option, self.short) if self.short else (self.option,)

    @property
    def kind(self) -> str:
        return CHOICE if self.choices is not None else self.takes

    def accept(self, value: str) -> Any:
        """The value as every front end takes it: one of the choices in any case, given back as
        declared; a whole number of ASCII digits; or text that is not blank. Anything else is a
        UsageError that names the option and, for a choice, the closest valid one."""
        reason = self.refusal(value)
        if reason is not None:
            raise UsageError(f"{self.option} {reason}")
        if self.choices is not None:
            return {choice.casefold(): choice for choice in self.choices}[value.casefold()]
        return ascii_whole_number(value) if self.takes == COUNT else value

    def refusal(self, value: str) -> str | None:
        """Why the value is refused, in words that follow the option's name; None: accepted."""
        if self.choices is not None:
            if value.casefold() in {choice.casefold() for choice in self.choices}:
                return None
            return f"takes one of {', '.join(self.choices)}, not {value!r}" + did_you_mean(
                value, self.choices
            )
        if self.takes == COUNT:
            if ascii_whole_number(value) is not None:
                return None
            return (
                f"takes a whole number in ASCII digits (at most {MAX_NUMBER_DIGITS}),"
                f" not {as_typed(value)}"
            )
        if not self.blank and not value.strip():
            return "needs a non-empty value"
        return None


class Argument(NamedTuple):
    """A positional argument of a command."""

    name: str
    """The keyword its value is handed over by."""
    metavar: str
    help: str
    required: bool = True
    blank: bool = False
    complete: str | None = None

    def accept(self, value: str) -> str:
        reason = self.refusal(value)
        if reason is not None:
            raise UsageError(f"{self.metavar} {reason}")
        return value

    def refusal(self, value: str) -> str | None:
        return "needs a non-empty value" if not self.blank and not value.strip() else None


class Listing(NamedTuple):
    """What a command that writes rows does with them: its query, its filters (options whose
    values the query takes by keyword), and how its rows are shown."""

    query: Callable[..., list[Row]]
    filters: tuple[Option, ...]
    columns: tuple[str, ...]
    """The columns of a table or tsv when `--fields` is not given."""
    title: str
    fields: tuple[str, ...]
    """Every key of a row, in order: what `--fields` accepts and `--json` writes."""
    argument: str | None = None
    """The keyword of a positional argument the query takes (search's text), if any."""
    notes: Callable[..., list[str]] | None = None
    """What the query left out and why, said on stderr beside the rows."""
    caption: str | None = None
    """A line under the table that says how to read it."""
    empty: str | None = None
    """Said on stderr when there are no rows, formatted with the arguments."""
    screen: tuple[str, ...] = ()
    """The short set of columns a table on a terminal shows, within 80 columns: names rather
    than ids, figures in words (`render.people` fills the cells it names that are not keys of
    a row: figure, interval, bounds, source, projects). `--wide` shows every field."""
    group: str | None = None
    """On a screen, rows with the same value of this field go under one heading in words."""
    name: str = ""
    """The command's name, filled in from the command that declares it."""


class Example(NamedTuple):
    command: str
    what: str


class Command(NamedTuple):
    """A command: its name, its one-line summary, its example, and what it takes. A listing's
    filters and the output options every listing shares are part of what it takes."""

    name: str
    summary: str
    example: Example
    arguments: tuple[Argument, ...] = ()
    options: tuple[Option, ...] = ()
    """Its own options besides a listing's filters and the shared output options."""
    listing: Listing | None = None
    formats: tuple[Option, ...] = ()
    """The output options it takes when it is no listing (`show`, `overview`)."""

    @property
    def every_option(self) -> tuple[Option, ...]:
        if self.listing is None:
            return (*self.options, *self.formats)
        return (*self.listing.filters, *self.options, *OUTPUT_OPTIONS)


class OutputOptions(NamedTuple):
    """The options every listing shares, as given."""

    fmt: str | None = None
    as_json: bool = False
    fields: str | None = None
    limit: int | None = None
    sort: str | None = None
    no_header: bool = False
    excel_safe: bool = False
    wide: bool = False
    """A table on a terminal with every field, not only the listing's short set."""


FORMAT_HELP = "Output format. Default: table on a terminal, tsv otherwise."
JSON = Option("--json", "Short for --format json.", takes=FLAG, name="as_json")

#: The options every listing shares; their keywords are the fields of `OutputOptions`.
OUTPUT_OPTIONS: tuple[Option, ...] = (
    Option("--format", FORMAT_HELP, FORMATS, short="-f", name="fmt"),
    JSON,
    Option("--fields", "Only these fields, in this order.", metavar="A,B"),
    Option("--limit", "At most N rows.", metavar="N", takes=COUNT),
    Option(
        "--sort",
        "Rows by this field; -FIELD for descending. Rows without it come last.",
        metavar="FIELD",
    ),
    Option("--no-header", "No header line (tsv and csv).", takes=FLAG),
    Option(
        "--excel-safe",
        "csv for spreadsheets: a value starting with = + - or @ gets a leading '.",
        takes=FLAG,
    ),
    Option("--wide", "Every field, not only the short set a screen shows.", takes=FLAG),
)
assert tuple(option.keyword for option in OUTPUT_OPTIONS) == OutputOptions._fields

#: `show`'s formats: a record is one object, or a field and its value a row.
RECORD_FORMATS = (Option("--format", FORMAT_HELP, FORMATS, short="-f", name="fmt"), JSON)

#: The options of the command line itself, before the command.
DATA = Option(
    "--data",
    "Read this store instead of the bundled one ('-' for standard input); "
    "default: $QINGPU_DATA, else the bundled store.",
    metavar="PATH",
    blank=True,
)
COLOR = Option(
    "--color",
    "Colour on screens: auto (a terminal, unless NO_COLOR is set), always, never.",
    COLOR_CHOICES,
    default="auto",
)
NO_PAGER = Option(
    "--no-pager",
    "Print long screens directly, not through $QINGPU_PAGER or $PAGER.",
    takes=FLAG,
)
VERSION = Option(
    "--version",
    "Print the tool's version, the bundled data's release and schema version.",
    takes=FLAG,
)
ROOT_OPTIONS: tuple[Option, ...] = (DATA, COLOR, NO_PAGER, VERSION)


def _ratio_rows(store: Store, source: str | None = None) -> list[Row]:
    from qingpu_cli.library import ratios

    return ratios.ratio_rows(store, None if source is None else resolve_source(store, source))


def _search(store: Store, text: str) -> list[Row]:
    """Search the store and the ratios derived from it."""
    from qingpu_cli.library import ratios
    from qingpu_cli.library.search import search

    return search(store, text, ratios.ratios_as_records())


def _compare(store: Store, quantity: str | None = None) -> list[Row]:
    """The statements of every quantity, or of one named as `show` names an id, as a series
    when it is of several periods."""
    from qingpu_cli.library import compare

    if quantity is None:
        return compare.compare(store)
    facts = cast("Mapping[str, Any]", store).get("facts", [])
    known = list(dict.fromkeys(fact["quantity"] for fact in facts if fact.get("quantity")))
    named = lookup.resolve_id(quantity, [("facts", {"id": q}) for q in known], "quantity")
    return compare.series(compare.compare(store, named))


def _cities(store: Store, measure: str | None = None) -> list[Row]:
    from qingpu_cli.library import cities

    return cities.cities(store, measure)


def _timeline(
    store: Store,
    from_year: str | None = None,
    to_year: str | None = None,
    subject: str | None = None,
) -> list[Row]:
    from qingpu_cli.library import timeline

    return timeline.timeline(store, from_year, to_year, subject)


def _audit(store: Store) -> list[Row]:
    from qingpu_cli.library import audit

    return audit.audit(store)


def _ratio_notes(store: Store, source: str | None = None) -> list[str]:
    from qingpu_cli.library import ratios

    return ratios.ratio_notes(store, None if source is None else resolve_source(store, source))


def _plain(kind: str, columns: tuple[str, ...], title: str, screen: tuple[str, ...]) -> Listing:
    """A listing of one kind of record as the store holds it: no filter, no derived field."""
    query = partial(listings.records_of, kind=kind)
    return Listing(query, (), columns, title, RECORD_FIELDS[kind], screen=screen)


_COMMANDS: tuple[Command, ...] = (
    Command(
        "overview",
        "One screen for a newcomer: key figures, shares, who and what.",
        Example("qingpu overview", "one screen for a newcomer"),
        formats=(
            Option(
                "--format",
                "table (the default, even into a pipe: this is a screen for people) or json.",
                OVERVIEW_FORMATS,
                short="-f",
                name="fmt",
            ),
            JSON,
        ),
    ),
    Command(
        "facts",
        "Key figures and statements, each with its sources.",
        Example("qingpu facts --topic economy", "key figures and statements"),
        listing=Listing(
            listings.facts,
            (
                Option(
                    "--topic", f"Only facts on this topic: {', '.join(TOPICS)}.", TOPICS, "TOPIC"
                ),
                Option(
                    "--subject",
                    "Only facts about this record (an id, name or alias).",
                    metavar="ID",
                    complete="subjects",
                ),
                Option("--search", "Only facts whose text contains this.", metavar="TEXT"),
                Option(
                    "--source",
                    "Only facts that cite this source (an id or its start).",
                    metavar="ID",
                ),
                Option("--kind", "Only actual figures, targets or plans.", FACT_KINDS),
                Option(
                    "--period",
                    "Only facts about this period: 2021 takes 2021-05-28, 2021-2025 and"
                    " 'end of 2021' too, never 2003 for 20.",
                    metavar="PERIOD",
                ),
            ),
            ("id", "statement", "value", "unit"),
            "Facts",
            (*RECORD_FIELDS["facts"], "sources"),
            screen=("statement", "figure", "period", "source"),
        ),
    ),
    Command(
        "partners",
        "Who signed or launched a cooperation, and with whom.",
        Example("qingpu partners --sector telecom", "who signed what, with whom"),
        listing=Listing(
            listings.partners_in_sector,
            (
                Option(
                    "--sector",
                    f"Only partners in this sector: {', '.join(SECTORS)}.",
                    SECTORS,
                    "SECTOR",
                ),
            ),
            ("id", "name", "sector", "agreement_kinds"),
            "Partners",
            (
                *RECORD_FIELDS["partners"],
                *("agreements", "agreement_kinds", "counterparts", "launched"),
            ),
            screen=("name", "sector", "agreement_kinds", "counterparts"),
        ),
    ),
    Command(
        "industries",
        "Industries and clusters: role, scale and plan.",
        Example("qingpu industries --role focus", "industries and clusters"),
        listing=Listing(
            listings.industries,
            (Option("--role", "Only industries with this role.", ROLES),),
            ("id", "name", "role", "scale_label", "scale_status"),
            "Industries",
            (*RECORD_FIELDS["industries"], "scale_label", "scale_status", "plan_name"),
            screen=("name", "role", "scale_label", "scale_status"),
        ),
    ),
    Command(
        "events",
        "The signing events and the projects signed there.",
        Example("qingpu events", "signing events and projects signed"),
        listing=Listing(
            listings.events,
            (),
            ("id", "name", "date", "projects_signed"),
            "Events",
            (
                *RECORD_FIELDS["events"],
                *("projects_signed", "projects_signed_jointly", "projects_fact"),
                *("signed_jointly_with", "signed_jointly_count"),
            ),
            screen=("name", "date", "projects"),
        ),
    ),
    Command(
        "sources",
        "Where the data comes from, and what is not known about it.",
        Example("qingpu sources", "where the data comes from"),
        listing=Listing(
            listings.sources,
            (),
            ("id", "title", "publisher", "date", "url"),
            "Sources",
            (*RECORD_FIELDS["sources"], "reports"),
            screen=("id", "publisher", "title", "date"),
        ),
    ),
    Command(
        "show",
        "One record in full: its fields, related records and evidence.",
        Example("qingpu show new-city-gdp-share", "one record with its evidence"),
        arguments=(
            Argument(
                "record_id",
                "ID",
                "A record or ratio id, in any case; a name or vetted alias; the start of an id.",
                complete="ids",
            ),
        ),
        formats=RECORD_FORMATS,
    ),
    Command(
        "search",
        "Find records by name, alias (Chinese too) or text.",
        Example("qingpu search 华为", "search names, aliases and quotes"),
        arguments=(Argument("text", "TEXT", "Text to find, in any case; Chinese too."),),
        listing=Listing(
            _search,
            (),
            ("kind", "id", "name", "matched"),
            "Matches",
            ("kind", "id", "name", "field", "matched", "text"),
            argument="text",
            empty="no record matches {text!r}",
            screen=("kind", "name", "id"),
        ),
    ),
    Command(
        "ratios",
        "Ratios derived from the facts, with honest bounds.",
        Example("qingpu ratios --chart", "derived ratios with honest bounds"),
        options=(Option("--chart", "Bars with their bounds.", takes=FLAG),),
        listing=Listing(
            _ratio_rows,
            (
                Option(
                    "--source",
                    "Take each input from this source where it gives one (default: the article).",
                    metavar="ID",
                ),
            ),
            ("id", "label", "value", "low", "high", "unit"),
            "Ratios",
            ("id", "label", "formula", "inputs", "value", "low", "high", "unit"),
            notes=_ratio_notes,
            caption="Bounds: the least and greatest values the inputs' rounding allows.",
            screen=("label", "figure", "bounds"),
        ),
    ),
    Command(
        "places",
        "Places: the New City, its district, the city, the region.",
        Example("qingpu places", "the places the sources name"),
        listing=_plain(
            "places", ("id", "name", "kind", "part_of"), "Places", ("name", "kind", "part_of")
        ),
    ),
    Command(
        "agreements",
        "Agreements, with their parties and counterparts.",
        Example("qingpu agreements", "each agreement and its parties"),
        listing=_plain(
            "agreements",
            ("id", "kind", "parties", "counterpart"),
            "Agreements",
            ("kind", "parties", "counterpart", "launched"),
        ),
    ),
    Command(
        "plans",
        "The plans the sources name, with their year.",
        Example("qingpu plans", "the plans the sources name"),
        listing=_plain(
            "plans", ("id", "name", "year", "subject"), "Plans", ("name", "year", "subject")
        ),
    ),
    Command(
        "initiatives",
        "Hubs and strategic tasks, and who builds or serves them.",
        Example("qingpu initiatives", "hubs and strategic tasks"),
        listing=_plain(
            "initiatives",
            ("id", "name", "kind", "actor"),
            "Initiatives",
            ("name", "kind", "actor", "relation"),
        ),
    ),
    Command(
        "compare",
        "Each source's figure for a quantity, side by side, judged.",
        Example("qingpu compare new-city-planned-area", "each source's figure, agreeing or not"),
        arguments=(
            Argument(
                "quantity",
                "QUANTITY",
                "One quantity's id (as facts list it); default: every quantity.",
                required=False,
            ),
        ),
        options=(
            Option("--chart", "The quantity's values over time, one axis a unit.", takes=FLAG),
        ),
        listing=Listing(
            _compare,
            (),
            ("quantity", "value", "unit", "period", "kind", "source", "verdict"),
            "Statements side by side",
            (
                *("quantity", "fact", "value", "unit", "as_stated", "low", "high", "period"),
                *("kind", "bound", "source", "publisher", "date", "verdict", "gap", "coarse"),
            ),
            argument="quantity",
            screen=("as_stated", "interval", "period", "kind", "source", "verdict"),
            group="quantity",
        ),
    ),
    Command(
        "audit",
        "Checks between figures: does the sources' arithmetic hold?",
        Example("qingpu audit", "does the sources' arithmetic hold?"),
        options=(
            Option("--strict", "Exit 1 when a check does not hold (for scripts).", takes=FLAG),
        ),
        listing=Listing(
            _audit,
            (),
            ("id", "low", "high", "unit", "verdict"),
            "Checks between figures",
            (
                *("id", "label", "formula", "inputs", "low", "high", "unit", "against"),
                *("verdict", "gap", "coarse", "note"),
            ),
            screen=("formula", "bounds", "against", "gap", "verdict"),
        ),
    ),
    Command(
        "cities",
        "The five new cities side by side, one row a city and measure.",
        Example("qingpu cities --measure planned-area", "the five new cities side by side"),
        listing=Listing(
            _cities,
            (Option("--measure", "Only this measure.", CITY_MEASURES),),
            ("city", "measure", "figures"),
            "The five new cities side by side",
            ("city", "city_name", "measure", "measure_name", "subject", "statements", "figures"),
            screen=("city_name", "measure_name", "figures"),
            caption="Each figure with its period, source and compare's verdict; not given: no"
            " source states it. A district's GDP is its own measure, never the city's.",
        ),
    ),
    Command(
        "timeline",
        "Every dated thing in order, each with its source.",
        Example("qingpu timeline --from 2021", "every dated thing, in order"),
        listing=Listing(
            _timeline,
            (
                Option(
                    "--from", "Only things of this year or later.", metavar="YEAR", name="from_year"
                ),
                Option(
                    "--to", "Only things of this year or earlier.", metavar="YEAR", name="to_year"
                ),
                Option(
                    "--subject", "Only things about this record id.", metavar="ID", complete="ids"
                ),
            ),
            ("when", "period", "what", "source"),
            "Timeline",
            (
                *("when", "period", "record_kind", "record", "subject", "kind", "what"),
                *("value", "unit", "as_stated", "source", "publisher", "source_date"),
            ),
            screen=("when", "what", "source"),
            caption="In order of the first day each period is known to start on (its `when`);"
            " things with no year to place them by come last (not with --from or --to).",
        ),
    ),
    Command(
        "cite",
        "A citation to paste: what is cited and every source behind it.",
        Example("qingpu cite new-city-gdp-share", "a citation to paste"),
        arguments=(
            Argument(
                "record_id",
                "ID",
                "What to cite: any id show takes, or a quantity's id from compare.",
                complete="ids",
            ),
        ),
        options=(
            Option(
                "--style",
                "text, markdown, bibtex or csl-json.",
                CITATION_STYLES,
                short="-s",
                default="text",
            ),
        ),
    ),
    Command(
        "export",
        "The whole store as a SQLite database or a Data Package.",
        Example("qingpu export --sqlite qingpu.db", "the store as SQLite"),
        options=(
            Option(
                "--sqlite",
                "Write the whole store to this SQLite database (made beside it, then renamed),"
                " and Datasette's metadata to FILE.metadata.json.",
                metavar="FILE",
            ),
            Option(
                "--metadata",
                "Write Datasette's metadata here instead (with --sqlite).",
                metavar="PATH",
            ),
            Option(
                "--datapackage",
                "Write a Frictionless Data Package to this directory (made beside it, then"
                " renamed).",
                metavar="DIR",
            ),
            Option(
                "--replace",
                "Overwrite FILE even if it is not an earlier export (a DIR is replaced only"
                " if it is empty or an earlier package).",
                takes=FLAG,
            ),
        ),
    ),
    Command(
        "report",
        "A fact sheet to share: one self-contained HTML page.",
        Example("qingpu report --html sheet.html", "a page to share"),
        options=(
            Option(
                "--html",
                "Write the fact sheet to this file ('-' for standard output).",
                metavar="FILE",
                required=True,
            ),
            Option(
                "--replace", "Overwrite FILE even if it is not an earlier fact sheet.", takes=FLAG
            ),
        ),
    ),
    Command(
        "validate",
        "Check a store against the schema and its invariants.",
        Example("qingpu validate my-store.json", "check a store, every problem"),
        arguments=(
            Argument(
                "path",
                "PATH",
                "The store to check, as --data takes it ('-' for standard input); "
                "default: the active store.",
                required=False,
                blank=True,
            ),
        ),
    ),
    Command(
        "diff",
        "What changed between two stores, and which verdicts.",
        Example("qingpu diff old.json new.json", "what changed between two stores"),
        arguments=(
            Argument("old", "OLD", "The older store ('-': standard input)."),
            Argument("new", "NEW", "The newer store ('-': standard input)."),
        ),
        options=(
            Option(
                "--json",
                "added, removed, changed and verdicts as JSON.",
                takes=FLAG,
                name="as_json",
            ),
        ),
    ),
    Command(
        "schema",
        "The store's JSON Schema, generated from the models.",
        Example("qingpu schema", "the store's JSON Schema"),
    ),
    Command(
        "mcp",
        "The facts for an AI assistant: an MCP server on stdio.",
        Example("qingpu mcp", "the facts for an AI assistant (MCP)"),
    ),
    Command(
        "help",
        "The help of one command (or of qingpu itself).",
        Example("qingpu help facts", "the options of one command"),
        arguments=(
            Argument("command", "COMMAND", "The command to explain.", required=False, blank=True),
        ),
    ),
)

#: Every command, by name, in the order `qingpu --help` lists them.
COMMANDS: dict[str, Command] = {
    command.name: (
        command._replace(listing=command.listing._replace(name=command.name))
        if command.listing is not None
        else command
    )
    for command in _COMMANDS
}

#: The commands that write rows, by name: their listings.
LISTINGS: dict[str, Listing] = {
    name: command.listing for name, command in COMMANDS.items() if command.listing is not None
}

#: One example a command, in the order `qingpu --help` lists them, then one for scripts.
EXAMPLES: tuple[Example, ...] = (
    *(command.example for command in COMMANDS.values()),
    Example("qingpu facts --json | jq '.[].id'", "JSON for scripts"),
)


def option_of(command: Command, name: str) -> Option | None:
    """The option of this command that answers to this name (long or short), if any."""
    for option in command.every_option:
        if name in option.names:
            return option
    return None
