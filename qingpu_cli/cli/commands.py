"""Every listing the command line offers, declared once: its query, filters, columns and fields.

The fast path's parser and completion, the one way out for rows (`output.emit`), the help's
examples and the tests all read these declarations. The Typer functions in `cli.py` stay
explicit, since they are the reference a user reads in `--help`; a parity test walks the app
and fails when a command, an option or a choice differs from what is declared here.

Import-light on purpose (no Typer, Rich or pydantic, nor `ratios` until a ratio is asked for):
completion imports this module on every press of the tab key. For the same reason a listing's
fields are named here rather than read from the models; a test proves that they are the
model's fields followed by what the query derives, in the order the query writes them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import partial
from typing import TYPE_CHECKING, Any, NamedTuple, cast

from qingpu_cli.errors import UsageError
from qingpu_cli.library import queries
from qingpu_cli.store.vocabulary import FACT_KINDS, FORMATS, RECORD_FIELDS, ROLES, SECTORS, TOPICS

if TYPE_CHECKING:
    from qingpu_cli.store.models import Store

Row = dict[str, Any]


class Filter(NamedTuple):
    """An option that narrows a listing; its value is handed to the query by keyword."""

    option: str
    help: str
    choices: tuple[str, ...] | None = None
    """The values it takes, in any case; None: any text that is not blank."""
    metavar: str | None = None

    @property
    def keyword(self) -> str:
        return self.option.removeprefix("--").replace("-", "_")

    def accept(self, value: str) -> str:
        """The value as every front end takes it: one of the choices in any case, given back as
        declared, or text that is not blank. Anything else is a UsageError that names the option
        and, for a choice, the closest valid ones."""
        if self.choices is None:
            if not value.strip():
                raise UsageError(f"{self.option} needs a non-empty value")
            return value
        folded = {choice.casefold(): choice for choice in self.choices}
        if value.casefold() in folded:
            return folded[value.casefold()]
        import difflib

        close = difflib.get_close_matches(value.casefold(), list(folded), n=1, cutoff=0.5)
        hint = f"did you mean {folded[close[0]]}? " if close else ""
        raise UsageError(
            f"{self.option} takes one of {', '.join(self.choices)}, not {value!r}"
            + (f" ({hint.strip()})" if hint else "")
        )


class Listing(NamedTuple):
    """A command that writes rows, through the output options every listing shares."""

    name: str
    query: Callable[..., list[Row]]
    filters: tuple[Filter, ...]
    columns: tuple[str, ...]
    """The columns of a table or tsv when `--fields` is not given."""
    title: str
    fields: tuple[str, ...]
    """Every key of a row, in order: what `--fields` accepts and `--json` writes."""
    argument: str | None = None
    """The keyword of a positional argument the query takes (search's text), if any."""
    app_only: tuple[str, ...] = ()
    """Options the Typer app alone answers (`--chart`): the fast path leaves such runs to it."""
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

    def filter(self, option: str) -> Filter:
        for item in self.filters:
            if item.option == option:
                return item
        raise KeyError(f"the {self.name} listing declares no filter {option}")


def _ratio_rows(store: Store, source: str | None = None) -> list[Row]:
    from qingpu_cli.library import ratios

    return ratios.ratio_rows(
        store, None if source is None else queries.resolve_source(store, source)
    )


def _search(store: Store, text: str) -> list[Row]:
    """Search the store and the ratios derived from it."""
    from qingpu_cli.library import ratios

    return queries.search(store, text, ratios.ratios_as_records())


def _compare(store: Store, quantity: str | None = None) -> list[Row]:
    """The statements of every quantity, or of one named as `show` names an id."""
    from qingpu_cli.library import compare

    if quantity is not None:
        facts = cast("Mapping[str, Any]", store).get("facts", [])
        known = list(dict.fromkeys(fact["quantity"] for fact in facts if fact.get("quantity")))
        quantity = queries.resolve_id(quantity, [("facts", {"id": q}) for q in known], "quantity")
    return compare.compare(store, quantity)


def _audit(store: Store) -> list[Row]:
    from qingpu_cli.library import audit

    return audit.audit(store)


def _ratio_notes(store: Store, source: str | None = None) -> list[str]:
    from qingpu_cli.library import ratios

    return ratios.ratio_notes(
        store, None if source is None else queries.resolve_source(store, source)
    )


#: The options every listing shares, as they are spelled on the command line.
FORMAT_OPTIONS = ("--format", "-f")
JSON_OPTION = "--json"
FIELDS_OPTION = "--fields"
LIMIT_OPTION = "--limit"
SORT_OPTION = "--sort"
NO_HEADER_OPTION = "--no-header"
WIDE_OPTION = "--wide"
#: Every option a listing shares with every other, as spelled on the command line.
SHARED_OPTIONS = (*FORMAT_OPTIONS, JSON_OPTION, FIELDS_OPTION, LIMIT_OPTION, SORT_OPTION)
SHARED_FLAGS = (JSON_OPTION, NO_HEADER_OPTION, WIDE_OPTION)
#: The options of the command line itself, before the command.
DATA_OPTION = "--data"
COLOR_OPTION = "--color"
NO_PAGER_OPTION = "--no-pager"


class OutputOptions(NamedTuple):
    """The options every listing shares, as given."""

    fmt: str | None = None
    as_json: bool = False
    fields: str | None = None
    limit: int | None = None
    sort: str | None = None
    no_header: bool = False
    wide: bool = False
    """A table on a terminal with every field, not only the listing's short set."""


LISTINGS: dict[str, Listing] = {
    listing.name: listing
    for listing in (
        Listing(
            "facts",
            queries.facts,
            (
                Filter(
                    "--topic", f"Only facts on this topic: {', '.join(TOPICS)}.", TOPICS, "TOPIC"
                ),
                Filter(
                    "--subject",
                    "Only facts about this record (an id, name or alias).",
                    metavar="ID",
                ),
                Filter("--search", "Only facts whose text contains this.", metavar="TEXT"),
                Filter(
                    "--source",
                    "Only facts that cite this source (an id or its start).",
                    metavar="ID",
                ),
                Filter("--kind", "Only actual figures, targets or plans.", FACT_KINDS),
                Filter(
                    "--period",
                    "Only facts about this period (2021 takes 2021-05-28 too).",
                    metavar="PERIOD",
                ),
            ),
            ("id", "statement", "value", "unit"),
            "Facts",
            (*RECORD_FIELDS["facts"], "sources"),
            screen=("statement", "figure", "period", "kind", "source"),
        ),
        Listing(
            "partners",
            queries.partners_in_sector,
            (
                Filter(
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
                "agreements",
                "agreement_kinds",
                "counterparts",
                "launched",
            ),
            screen=("name", "sector", "agreement_kinds", "counterparts"),
        ),
        Listing(
            "industries",
            queries.industries,
            (Filter("--role", "Only industries with this role.", ROLES),),
            ("id", "name", "role", "scale_label", "scale_status"),
            "Industries",
            (*RECORD_FIELDS["industries"], "scale_label", "scale_status", "plan_name"),
            screen=("name", "role", "scale_label", "scale_status"),
        ),
        Listing(
            "events",
            queries.events,
            (),
            ("id", "name", "date", "projects_signed"),
            "Events",
            (
                *RECORD_FIELDS["events"],
                *("projects_signed", "projects_signed_jointly", "projects_fact"),
                "signed_jointly_with",
            ),
            screen=("name", "date", "projects"),
        ),
        Listing(
            "sources",
            queries.sources,
            (),
            ("id", "title", "publisher", "date", "url"),
            "Sources",
            RECORD_FIELDS["sources"],
            screen=("id", "publisher", "title", "date"),
        ),
        Listing(
            "places",
            partial(queries.records_of, kind="places"),
            (),
            ("id", "name", "kind", "part_of"),
            "Places",
            RECORD_FIELDS["places"],
            screen=("name", "kind", "part_of"),
        ),
        Listing(
            "agreements",
            partial(queries.records_of, kind="agreements"),
            (),
            ("id", "kind", "parties", "counterpart"),
            "Agreements",
            RECORD_FIELDS["agreements"],
            screen=("kind", "parties", "counterpart", "launched"),
        ),
        Listing(
            "plans",
            partial(queries.records_of, kind="plans"),
            (),
            ("id", "name", "year", "subject"),
            "Plans",
            RECORD_FIELDS["plans"],
            screen=("name", "year", "subject"),
        ),
        Listing(
            "initiatives",
            partial(queries.records_of, kind="initiatives"),
            (),
            ("id", "name", "kind", "actor"),
            "Initiatives",
            RECORD_FIELDS["initiatives"],
            screen=("name", "kind", "actor", "relation"),
        ),
        Listing(
            "search",
            _search,
            (),
            ("kind", "id", "name", "matched"),
            "Matches",
            ("kind", "id", "name", "field", "matched", "text"),
            argument="text",
            empty="no record matches {text!r}",
            screen=("kind", "name", "id"),
        ),
        Listing(
            "compare",
            _compare,
            (),
            ("quantity", "value", "unit", "period", "kind", "source", "verdict"),
            "Statements side by side",
            (
                *("quantity", "fact", "value", "unit", "as_stated", "low", "high", "period"),
                *("kind", "bound", "source", "publisher", "date", "verdict"),
            ),
            argument="quantity",
            screen=("as_stated", "interval", "period", "kind", "source", "verdict"),
            group="quantity",
        ),
        Listing(
            "audit",
            _audit,
            (),
            ("id", "low", "high", "unit", "verdict"),
            "Checks between figures",
            (
                *("id", "label", "formula", "inputs", "low", "high", "unit", "against"),
                *("verdict", "note"),
            ),
            app_only=("--strict",),
            screen=("formula", "bounds", "against", "relative_gap", "verdict"),
        ),
        Listing(
            "ratios",
            _ratio_rows,
            (
                Filter(
                    "--source",
                    "Take each input from this source where it gives one (default: the article).",
                    metavar="ID",
                ),
            ),
            ("id", "label", "value", "low", "high", "unit"),
            "Ratios",
            ("id", "label", "formula", "inputs", "value", "low", "high", "unit"),
            app_only=("--chart",),
            notes=_ratio_notes,
            caption="Bounds: the least and greatest values the inputs' rounding allows.",
            screen=("label", "figure", "bounds"),
        ),
    )
}


class Example(NamedTuple):
    command: str
    what: str


#: One example a command, in the order `qingpu --help` lists them.
EXAMPLES: tuple[Example, ...] = (
    Example("qingpu overview", "one screen for a newcomer"),
    Example("qingpu facts --topic economy", "key figures and statements"),
    Example("qingpu partners --sector telecom", "who signed what, with whom"),
    Example("qingpu industries --role focus", "industries and clusters"),
    Example("qingpu events", "signing events and projects signed"),
    Example("qingpu sources", "where the data comes from"),
    Example("qingpu show new-city-gdp-share", "one record with its evidence"),
    Example("qingpu search 华为", "search names, aliases and quotes"),
    Example("qingpu ratios --chart", "derived ratios with honest bounds"),
    Example("qingpu places", "the places the sources name"),
    Example("qingpu agreements", "each agreement and its parties"),
    Example("qingpu plans", "the plans the sources name"),
    Example("qingpu initiatives", "hubs and strategic tasks"),
    Example("qingpu compare new-city-planned-area", "each source's figure, agreeing or not"),
    Example("qingpu audit", "does the sources' arithmetic hold?"),
    Example("qingpu cite new-city-gdp-share", "a citation to paste"),
    Example("qingpu export --sqlite qingpu.db", "the store as SQLite"),
    Example("qingpu report --html sheet.html", "a page to share"),
    Example("qingpu validate my-store.json", "check a store, every problem"),
    Example("qingpu schema", "the store's JSON Schema"),
    Example("qingpu help facts", "the options of one command"),
    Example("qingpu facts --json | jq '.[].id'", "JSON for scripts"),
)


def choices_of(listing: Listing, option: str) -> tuple[str, ...] | None:
    """The values an option of this listing takes, for completion; None: not a closed set."""
    if option in FORMAT_OPTIONS:
        return FORMATS
    found = [item.choices for item in listing.filters if item.option == option]
    return found[0] if found else None
