"""What the assistants' tools answer: the library's records, each with the citation to quote.

An assistant that quotes a figure must be able to say where it comes from. So every answer holds
the records exactly as the command line's `--json` writes them, and beside them, for each
record's id, the text `qingpu cite` gives and each source's publisher, date and address. Pure
and import-light: no SDK here, so the answers can be tested and timed on their own.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from qingpu_cli.cli.commands import EXAMPLES, Listing
from qingpu_cli.errors import NotFound
from qingpu_cli.library.api import FactStore, Row
from qingpu_cli.library.cite import cited
from qingpu_cli.render.citations import RENDERERS

#: What an answer says of each source: enough to name it, date it and find it.
SOURCE_KEYS = ("id", "title", "publisher", "author", "date", "url")
#: The keys of a row that name what it cites, the first present: a comparison's row is one
#: source's statement, the fact.
CITED_KEYS = ("id", "fact", "record")

#: Said in every tool's description: how to use what it answers.
CITING = (
    " Each answer holds `citations`: for each record id, the `qingpu cite` text and each"
    " source's publisher, date and address. Quote a figure with its source, as the citation"
    " gives it; where sources give different figures for one quantity (the compare tool shows"
    " them), say so and give each with its source; state no figure that the answer does not"
    " hold, and say when a source names no publisher or date."
)

#: What each listing is for, in words an assistant can act on; a listing without one here is
#: described from its declaration, so that a listing added later gets a usable tool as it is.
PURPOSES: dict[str, str] = {
    "search": "Find records (facts, partners, places, plans, industries, ratios...) by name,"
    " alias (Chinese too) or text. Start here to find the id that show, cite and the filters"
    " take.",
    "facts": "Key figures and statements about Qingpu New City and its district, each with its"
    " value, unit, the figure as the source states it, period, kind (actual, target, plan) and"
    " sources. Narrow with the filters; a filter left out does not narrow.",
    "partners": "Who signed or launched a cooperation with Qingpu, in which sector, with which"
    " agreements and counterparts.",
    "compare": "Each source's figure for a quantity side by side, with a verdict: agree, differ,"
    " not comparable (another period, kind or unit) or single source. Use it before quoting a"
    " figure that several sources give.",
    "audit": "Checks between figures: does the sources' arithmetic hold (holds, does not hold,"
    " cannot tell), with each check's formula, inputs and their sources.",
    "ratios": "Ratios derived from the facts (such as GDP share per land share), with the low and"
    " high bounds the inputs' rounding allows and the source of each input.",
}


def purpose(listing: Listing) -> str:
    """What a listing's tool is for: its own words, or its declaration's (the help's example)."""
    if listing.name in PURPOSES:
        return PURPOSES[listing.name]
    found = [example.what for example in EXAMPLES if example.command.split()[1:2] == [listing.name]]
    what = found[0] if found else listing.title
    return f"{what[:1].upper()}{what[1:]}: the rows `qingpu {listing.name} --json` gives."


def listing_description(listing: Listing) -> str:
    caption = f" {listing.caption}" if listing.caption else ""
    return purpose(listing) + caption + CITING


SHOW_DESCRIPTION = (
    "One record in full by its id, name or vetted alias (Chinese too), or the start of an id: a"
    " fact, partner, place, plan, industry, event, agreement, source or ratio, with its fields,"
    " related records and evidence, and for a fact every source's statement of the same"
    " quantity. The search tool finds ids." + CITING
)
CITE_DESCRIPTION = (
    "A citation to paste for a record, a ratio, a check or a quantity: what is cited and every"
    " source behind it (publisher, title, date or n.d., address, and the verbatim quote where the"
    " source's text is held). Styles: text and markdown for a reader, bibtex and csl-json for"
    " reference managers. Give it with any figure you quote."
)


class Answers:
    """A store's answers for the tools; citations are made once an id, as the store never
    changes while it is served."""

    def __init__(self, store: FactStore) -> None:
        self.store = store
        self._sources = {str(source["id"]): source for source in self.store.data.get("sources", [])}
        self._citations: dict[str, Row | None] = {}

    def citation(self, record_id: str) -> Row | None:
        """The `qingpu cite` text of an id and its sources; None for an id nothing cites."""
        if record_id not in self._citations:
            try:
                item = cited(self.store.data, record_id)
            except NotFound:
                self._citations[record_id] = None
            else:
                sources = dict.fromkeys(str(each.source["id"]) for each in item.citations)
                self._citations[record_id] = {
                    "text": RENDERERS["text"](item),
                    "sources": [self.source(source_id) for source_id in sources],
                }
        return self._citations[record_id]

    def source(self, source_id: str) -> Row:
        record = self._sources.get(source_id, {"id": source_id})
        return {key: record.get(key) for key in SOURCE_KEYS}

    def citations(self, ids: Iterable[str]) -> dict[str, Row]:
        found = {record_id: self.citation(record_id) for record_id in dict.fromkeys(ids)}
        return {record_id: item for record_id, item in found.items() if item is not None}

    def listing(self, name: str, **arguments: str | None) -> Row:
        """A listing's rows as `qingpu NAME --json` gives them, with their citations."""
        rows = self.store.listing(name, **arguments)
        return {"records": rows, "citations": self.citations(cited_ids(rows))}

    def show(self, record_id: str) -> Row:
        shown = self.store.show(record_id)
        return {"record": shown, "citations": self.citations([str(shown["id"])])}

    def cite(self, record_id: str, style: str) -> Row:
        text = self.store.cite(record_id, style)
        found = cited(self.store.data, record_id)
        sources = dict.fromkeys(str(each.source["id"]) for each in found.citations)
        return {
            "id": found.id,
            "style": style,
            "citation": text,
            "sources": [self.source(source_id) for source_id in sources],
        }


def ids_a_row_cites(row: Mapping[str, Any]) -> list[str]:
    """What a row cites: the record it is (the first of `CITED_KEYS` it has), or, for a row
    that gathers statements (a city's measure), each statement's fact."""
    key = next((key for key in CITED_KEYS if isinstance(row.get(key), str)), None)
    if key is not None:
        return [str(row[key])]
    statements = row.get("statements")
    if isinstance(statements, list):
        return [str(item["fact"]) for item in statements if isinstance(item, Mapping)]
    return []


def cited_ids(rows: Iterable[Mapping[str, Any]]) -> list[str]:
    """The ids the rows cite, in order."""
    return [record_id for row in rows for record_id in ids_a_row_cites(row)]
