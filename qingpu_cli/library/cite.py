"""What a citation cites: a figure, a ratio, a check or any record, and the sources behind it.

A citation names what is cited (a fact's statement, a ratio's formula) and, for each source,
the source's record and the verbatim quote where the source's text is held here. How it is
written (text, Markdown, BibTeX, CSL-JSON) is `render.citations`' job.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, NamedTuple

from qingpu_cli.library import listings, lookup
from qingpu_cli.library.records import all_records, find_record, record_name, records_in

if TYPE_CHECKING:
    from qingpu_cli.store.models import Store


class Citation(NamedTuple):
    """One source's backing for what is cited: the statement it backs and its quote, if held."""

    statement: str | None
    source: Mapping[str, Any]
    quote: str | None


class Cited(NamedTuple):
    id: str
    heading: str
    citations: list[Citation]


def _backing(
    fact: Mapping[str, Any], sources: Mapping[str, Mapping[str, Any]], statement: bool = True
) -> list[Citation]:
    said = fact.get("statement") if statement else None
    return [
        Citation(said, sources.get(item["source"], {"id": item["source"]}), item["quote"])
        for item in fact.get("evidence", [])
    ]


def cited(store: Store, typed: str) -> Cited:
    """What an id names (any id `show` takes, or a quantity's id from `compare`), with the
    citations that back it. An id that is a fact's and a quantity's both (the article's
    `new-city-planned-area`) cites the quantity: every source's statement of it."""
    return Citer(store).cite(typed)


class Citer:
    """The indexes a citation is found with, built once for a store: the fact sheet cites
    every key figure, and building them for each would make it quadratic in the facts."""

    def __init__(self, store: Store) -> None:
        from qingpu_cli.library import audit, ratios

        self.store = store
        self.sources = {source["id"]: source for source in listings.sources(store)}
        self.facts = {fact["id"]: fact for fact in records_in(store, "facts")}
        self.quantities: dict[str, list[Mapping[str, Any]]] = {}
        for fact in self.facts.values():
            if fact.get("quantity"):
                self.quantities.setdefault(fact["quantity"], []).append(fact)
        self.checks = {check.id: check for check in audit.CHECKS}
        self.every = [
            *all_records(store),
            *ratios.ratios_as_records(),
            *(("checks", {"id": check.id, "name": check.label}) for check in audit.CHECKS),
            *(("quantities", {"id": name}) for name in self.quantities if name not in self.facts),
        ]
        self.ids = {str(record["id"]) for _, record in self.every}
        self._names: dict[str, str | None] | None = None

    def _name(self, record_id: str) -> str | None:
        if self._names is None:
            self._names = {
                record["id"]: record_name(record) for _, record in all_records(self.store)
            }
        return self._names.get(record_id)

    def cite_statement(self, fact_id: str) -> Cited:
        """One fact as its own sources state it, never its quantity's other statements: what
        the fact sheet cites a key figure by (the appendix shows the others)."""
        fact = self.facts[fact_id]
        return Cited(fact_id, fact["statement"], _backing(fact, self.sources, statement=False))

    def cite(self, typed: str) -> Cited:
        from qingpu_cli.library import ratios

        store, sources, facts, quantities = self.store, self.sources, self.facts, self.quantities
        found = typed if typed in self.ids else lookup.resolve_id(typed, self.every)
        if found in quantities and (found not in facts or len(quantities[found]) > 1):
            statements = quantities[found]
            subject = self._name(statements[0]["subject"]) or statements[0]["subject"]
            heading = f"{subject}, {statements[0].get('measure') or found} ({found}):"
            return Cited(found, heading, [c for f in statements for c in _backing(f, sources)])
        if found in facts:
            return self.cite_statement(found)
        if found in ratios.RATIO_IDS:
            described = ratios.describe_ratio(store, found)["record"]
            heading = f"{described['label']}: {described['formula']}"
            inputs = [facts[item["fact"]] for item in described["inputs"]]
            return Cited(found, heading, [c for f in inputs for c in _backing(f, sources)])
        if found in self.checks:
            check = self.checks[found]
            named = [facts[name] for name in (*check.inputs, check.against) if name in facts]
            heading = f"{check.label}: {check.formula}"
            return Cited(found, heading, [c for f in named for c in _backing(f, sources)])
        kind, record = find_record(store, found)
        if kind == "sources":
            source = sources.get(found, record)
            return Cited(found, record_name(record) or found, [Citation(None, source, None)])
        heading = record_name(record) or found
        return Cited(found, heading, _backing(record, sources, statement=False))
