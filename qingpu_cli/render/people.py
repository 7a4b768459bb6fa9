"""What a person reads in a cell of a screen: names where rows hold ids, figures and intervals
in words, verdicts with their marks.

Rows keep their ids and exact numbers for every machine format; a screen reads them through
this module alone, so that a listing, `compare` and `audit` name a record and write a figure
the same way. Standard library only: Rich draws what this gives.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from numbers import Rational
from typing import TYPE_CHECKING, Any, NamedTuple

from qingpu_cli.library.records import all_records, record_name
from qingpu_cli.render.formats import (
    figure_text,
    interval_text,
    person_text,
    unit_words,
    visible,
)

__all__ = ["unit_words"]
from qingpu_cli.store.vocabulary import REFERENCES

if TYPE_CHECKING:
    from qingpu_cli.store.models import Store

Row = Mapping[str, Any]

#: Said in a cell, and by `show`, where a record does not give a field.
NOT_GIVEN = "not given"

#: Each verdict's mark, of `compare` and of `audit`: a mark as well as a word on every screen.
MARKS = {
    "agree": "\u2713",
    "differ": "\u2717",
    "not comparable": "\u2013",
    "single source": "\u00b7",
    "holds": "\u2713",
    "does not hold": "\u2717",
    "cannot tell": "\u2013",
    "too coarse": "\u2248",
}
#: The marks where the terminal cannot show Unicode.
ASCII_MARKS = {"\u2713": "+", "\u2717": "x", "\u2013": "-", "\u00b7": ".", "\u2248": "~"}

#: What the verdicts of `compare` mean, said once under its statements.
COMPARE_LEGEND = (
    ("agree", "the intervals the statements' precision allows meet"),
    ("differ", "they do not"),
    ("too coarse", "they meet only because one is stated to one significant digit"),
    ("not comparable", "another period, kind or unit"),
    ("single source", "no other statement"),
)
AUDIT_LEGEND = (
    ("holds", "the figures can be true together"),
    ("does not hold", "they cannot"),
    ("too coarse", "they meet only because one is stated to one significant digit"),
    ("not comparable", "of different periods, kinds or units"),
    ("cannot tell", "an input is missing or only a bound"),
)

#: The fields whose values are ids of other records (and the events a count is shared with).
REFERENCE_FIELDS = frozenset(
    {field for _, field in REFERENCES} | {"signed_jointly_with", "projects_fact", "agreements"}
)


class Names(NamedTuple):
    """What a person calls each record, and what each fact measures, in words."""

    records: dict[str, str]
    """An id's name: a record's name (or title, statement, kind); a source's publisher and
    date."""
    measures: dict[str, str]
    """A fact's id and what it measures of what: `Qingpu New City, planned area`."""
    units: dict[str, str]
    """A fact's id and its unit, as the store gives it."""


#: A parenthesis after a publisher's name: what it holds is kept item by item (`_noted`).
_PARENTHESIS = re.compile(r" \(([^()]*)\)")


#: The most words a note in a publisher's parentheses may have and stay in its name.
NOTE_WORDS = 2


def _noted(parenthesis: re.Match[str]) -> str:
    """A parenthesis as a column names a publisher by: each note of at most NOTE_WORDS words,
    such as a language, an edition or a site (`(Chinese, zh-tw variant)`, `(shine.cn)`),
    stays; a description of more (`(Shanghai government news site)`) goes."""
    kept = [item.strip() for item in re.split(r"[,;]", parenthesis.group(1))]
    kept = [item for item in kept if item and len(item.split()) <= NOTE_WORDS]
    return f" ({', '.join(kept)})" if kept else ""


def _before_its_page(publisher: str) -> str:
    """A publisher without what follows its first comma or semicolon outside parentheses (its
    site, page or kind): `Evertiq (trade press, evertiq.com), relaying ...` keeps its
    parentheses whole, for `_noted` to read."""
    depth = 0
    for index, char in enumerate(publisher):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth == 0 and publisher.startswith((", ", "; "), index):
            return publisher[:index]
    return publisher


def source_label(source: Row) -> str:
    """A source as a reader names it in a column: its publisher (without the page's kind), else
    the site its address is on, else its title or id."""
    publisher = source.get("publisher")
    if isinstance(publisher, str) and publisher:
        return _PARENTHESIS.sub(_noted, _before_its_page(publisher))
    url = source.get("url")
    if isinstance(url, str) and "//" in url:
        host = url.split("//", 1)[1].split("/", 1)[0].split("@")[-1].split(":")[0].lower()
        if host:
            return host.removeprefix("www.")
    title = source.get("title")
    return title if isinstance(title, str) and title else str(source["id"])


def names_of(store: Store) -> Names:
    records: dict[str, str] = {}
    measures: dict[str, str] = {}
    units: dict[str, str] = {}
    for kind, record in all_records(store):
        if kind == "sources":
            date = record.get("date")
            records[record["id"]] = source_label(record) + (f", {date}" if date else "")
            continue
        name = record_name(record)
        if name is not None:
            records[record["id"]] = name
    for kind, record in all_records(store):
        if kind == "facts":
            subject = records.get(record["subject"], record["subject"])
            measure = record.get("measure") or record.get("quantity") or record["id"]
            measures[record["id"]] = f"{subject}, {measure}"
            if record.get("unit"):
                units[record["id"]] = record["unit"]
    # What a screen names records by is the store's text: escaped as every screen escapes it.
    return Names(
        {key: visible(value) for key, value in records.items()},
        {key: visible(value) for key, value in measures.items()},
        units,
    )


def mark(verdict: str, ascii_only: bool = False) -> str:
    """A verdict with its mark before it: `✓ agree`."""
    sign = MARKS.get(verdict)
    if sign is None:
        return verdict
    return f"{ASCII_MARKS[sign] if ascii_only else sign} {verdict}"


def legend(items: Sequence[tuple[str, str]], ascii_only: bool = False) -> str:
    return "; ".join(f"{mark(verdict, ascii_only)}: {meaning}" for verdict, meaning in items) + "."


def legend_of(rows: Sequence[Row], ascii_only: bool = False) -> str | None:
    """The legend of the verdicts these rows carry, said once under them; None: no verdicts."""
    if not any(row.get("verdict") for row in rows):
        return None
    checks = any("formula" in row and "against" in row for row in rows)
    return legend(AUDIT_LEGEND if checks else COMPARE_LEGEND, ascii_only)


def heading(rows: Sequence[Row], names: Names) -> str:
    """What the statements of one quantity in `compare` measure, in words: `Qingpu New City,
    planned area, km²`. Sources word one measure differently ("planned area after its
    enlargement"); the heading takes the words most of them use, the fewest where they tie
    (the most general), so that it never names one statement's narrower sense for all."""
    said: dict[str, int] = {}
    for row in rows:
        fact = row.get("fact")
        if isinstance(fact, str):
            measure = names.measures.get(fact, str(row.get("quantity")))
            said[measure] = said.get(measure, 0) + 1
    measure = min(said, key=lambda words: (-said[words], len(words))) if said else ""
    # a quantity stated in two units (ha and m²) names both: its statements are not converted
    units = dict.fromkeys(unit_words(row.get("unit")) for row in rows)
    words = " or ".join(unit for unit in units if unit)
    return f"{measure}, {words}" if words else measure


def named(value: object, names: Names) -> str:
    """Ids given as names: one, or a list joined by '; '."""
    items = value if isinstance(value, list) else [value]
    return "; ".join(names.records.get(item, item) for item in items if isinstance(item, str))


_FACT_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)+")


def formula_words(row: Row, names: Names) -> str:
    """A check's formula in words: each fact it reads as what it measures, with its source; the
    figure it is held against is a column of its own."""
    formula = str(row.get("formula") or "").split(", against ")[0]
    sources = {item["fact"]: item.get("source") for item in row.get("inputs") or []}

    def word(match: re.Match[str]) -> str:
        fact = match.group()
        if fact not in names.measures:
            return f"{fact} (not in the store)"
        source = sources.get(fact)
        given = f" ({names.records.get(source, source)})" if isinstance(source, str) else ""
        return f"{names.measures[fact]}{given}"

    text = _FACT_ID.sub(word, formula)
    return text.replace(" * ", " \u00d7 ").replace(" / ", " \u00f7 ")


def named_in_text(text: str, names: Names) -> str:
    """A library's remark with each fact it names by id given as what the fact measures, as a
    reader reads it: `shine-2021-03-02-each-residents-2035 (around 1 million)` becomes `Each new
    city, permanent residents (around 1 million)`."""
    return _FACT_ID.sub(lambda match: names.measures.get(match.group(), match.group()), text)


def _against(row: Row, names: Names) -> str:
    against = row.get("against")
    if not isinstance(against, Mapping):
        return ""
    figure = figure_text(against.get("value"), against.get("unit")) or NOT_GIVEN
    source = against.get("source")
    return f"{figure} ({names.records.get(source, source)})" if isinstance(source, str) else figure


def _projects(row: Row, names: Names) -> str:
    if row.get("projects_signed") is not None:
        return person_text(row["projects_signed"])
    if row.get("projects_signed_jointly") is not None:
        listed = row.get("signed_jointly_with") or []
        others = named(listed, names)
        more = (row.get("signed_jointly_count") or 0) - len(listed)
        others += f" and {more} more" if others and more > 0 else ""
        return f"{row['projects_signed_jointly']}, together with {others}" if others else "together"
    return NOT_GIVEN


def _figure(row: Row, names: Names) -> str:
    return figure_text(row.get("value"), row.get("unit"), row.get("bound"), row.get("measure"))


#: The cells a screen computes from a row rather than reads from one key of it.
CELLS: dict[str, Callable[[Row, Names], str]] = {
    "figure": _figure,
    # the unit is said once, in the heading a screen gives the statements of one quantity (a
    # year's is needed to write it as a year)
    "interval": lambda row, _: interval_text(
        row.get("low"), row.get("high"), "year" if row.get("unit") == "year" else None
    ),
    "bounds": lambda row, _: interval_text(
        row.get("low"), row.get("high"), row.get("unit"), computed=True
    ),
    "source": lambda row, names: named(row.get("source", row.get("sources")) or [], names),
    "sources": lambda row, names: named(row.get("sources") or [], names),
    "formula": formula_words,
    "against": _against,
    "projects": _projects,
}


#: What an empty cell of these columns says, as the citations and the fact sheet say it.
_EMPTY = {"date": "n.d.", "title": NOT_GIVEN, "publisher": "not named"}


def statements_in_words(row: Row, names: Names, ascii_only: bool = False) -> str:
    """A cell of the five-city table: each statement's figure in words, with its period, its
    source by name and its verdict's mark."""
    statements = row.get("statements")
    if not isinstance(statements, list):
        return person_text(row.get("figures"))
    return "; ".join(_statement_words(item, names, ascii_only) for item in statements) or NOT_GIVEN


def _statement_words(item: Mapping[str, Any], names: Names, ascii_only: bool = False) -> str:
    if item.get("value") is None:
        figure = person_text(item.get("what"))
    else:
        figure = figure_text(item["value"], item.get("unit"), item.get("bound"))
    about = [str(item["period"])] if item.get("period") else []
    if item.get("source"):
        about.append(names.records.get(item["source"], str(item["source"])))
    if isinstance(item.get("verdict"), str):
        about.append(mark(item["verdict"], ascii_only))
    return f"{figure} ({'; '.join(about)})" if about else figure


def input_words(item: Mapping[str, Any], names: Names) -> str:
    """A ratio's or check's input as a reader says it: what it measures, its figure, the
    interval its rounding allows, and its source."""
    fact = item.get("fact")
    what = names.measures.get(fact, fact) if isinstance(fact, str) else NOT_GIVEN
    figure = figure_text(item.get("value"), item.get("unit")) or NOT_GIVEN
    interval = interval_text(item.get("low"), item.get("high"), item.get("unit"))
    source = item.get("source")
    given = names.records.get(source, source) if isinstance(source, str) else NOT_GIVEN
    return f"{what}: {figure} ({interval}), from {given}"


def _evidence_words(item: Mapping[str, Any], names: Names) -> str:
    source = str(item.get("source"))
    name = names.records.get(source, source)
    quote = item.get("quote")
    return f"{name}: \u201c{quote}\u201d" if quote else f"{name} (cited, not quoted)"


def _reports_words(item: Mapping[str, Any], names: Names) -> str:
    event = str(item.get("event"))
    said = f"{names.records.get(event, event)}, {item.get('date') or 'n.d.'}"
    dated_by = item.get("dated_by")
    if isinstance(dated_by, str):
        said += f" (dated by {names.records.get(dated_by, dated_by)})"
    return said


def nested_words(field: str, value: object, names: Names) -> str:
    """A field that holds records of its own (a fact's evidence and share, a ratio's inputs,
    an industry's scale, what a source reports) in words, never as `key=value` pairs."""
    items = value if isinstance(value, list) else [value]
    records = [item for item in items if isinstance(item, Mapping)]
    if len(records) < len(items):
        return person_text(value)
    said: list[str] = []
    for item in records:
        if field == "inputs":
            said.append(input_words(item, names))
        elif field == "evidence":
            said.append(_evidence_words(item, names))
        elif field == "share_of":
            subject = str(item.get("subject"))
            said.append(f"{item.get('quantity')} of {names.records.get(subject, subject)}")
        elif field == "scale":
            status = f" ({item['status']})" if item.get("status") else ""
            said.append(f"{person_text(item.get('label'))}{status}")
        elif field == "reports":
            said.append(_reports_words(item, names))
        elif field == "statements":
            said.append(_statement_words(item, names))
        elif field == "coarse":  # the figure too coarse to test by, and what it allows
            fact = str(item.get("fact"))
            allows = interval_text(item.get("low"), item.get("high"))
            said.append(f"{names.measures.get(fact, fact)}: {item.get('as_stated')} ({allows})")
        else:
            said.append(person_text(item))
    return "; ".join(said)


def cell(column: str, row: Row, names: Names, ascii_only: bool = False) -> str:
    """One cell as a person reads it: empty where the row gives nothing, but a date "n.d.", a
    publisher "not named" and a title "not given", as the citations and the sheet say."""
    if column == "verdict":
        verdict = row.get("verdict")
        return mark(verdict, ascii_only) if isinstance(verdict, str) else ""
    if column == "figures" and "statements" in row:
        return statements_in_words(row, names, ascii_only)
    if column in CELLS:
        return CELLS[column](row, names)
    value = row.get(column)
    if value is None or value == "":
        return _EMPTY.get(column, "")
    if value == []:
        return "none"
    if column in REFERENCE_FIELDS:
        return named(value, names)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Mapping) or (isinstance(value, list) and isinstance(value[0], Mapping)):
        return nested_words(column, value, names)
    if column == "unit" and isinstance(value, str):
        return unit_words(value) or "count"
    if column == "gap" and isinstance(value, (int, float, Rational)):
        return f"{float(value):+.1f}%"  # the relative gap between the stated values
    return person_text(value)


def present(columns: Sequence[str], rows: Sequence[Row]) -> list[str]:
    """The declared columns a screen can fill: a field no row has (one a newer library adds) is
    left out rather than shown empty."""
    return [
        column
        for column in columns
        if column in CELLS or column == "verdict" or any(column in row for row in rows)
    ]


def person_rows(
    rows: Sequence[Row], columns: Sequence[str], names: Names, ascii_only: bool = False
) -> list[dict[str, str]]:
    return [{column: cell(column, row, names, ascii_only) for column in columns} for row in rows]
