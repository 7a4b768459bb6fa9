"""What an export says about itself: its title, description, licence and sources, and what each
table and column holds, from the models and the store. Datasette's metadata and the Data
Package's descriptor are both made from these.

The store's own licence is the project's (the package's metadata names it); each source's
licence is its record's, where the store knows it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, cast

from qingpu_cli.store.vocabulary import KNOWN_LICENCES

if TYPE_CHECKING:
    from qingpu_cli.store.models import Store

TITLE = "Qingpu New City (青浦新城), Shanghai: facts, partners, industries, figures"

#: What the tables an export adds to the kinds of record hold, and their columns.
DERIVED_TABLES: dict[str, tuple[str, dict[str, str]]] = {
    "evidence": (
        "A row for each citation of a record: the source it cites and the quote where the"
        " source's text is held.",
        {
            "record": "The id of the record cited for.",
            "source": "The id of the source cited.",
            "quote": "A verbatim excerpt of the source; null for a source whose text is not held.",
            "kind": "quote (a verbatim excerpt) or citation (the source, without a quote).",
            "position": "The citation's place among the record's, from 0.",
        },
    ),
    "records": (
        "Every record's id and its kind: the target of the evidence's record key.",
        {"id": "The record's id.", "kind": "The kind of record (the table it is in)."},
    ),
    "meta": (
        "The schema version and the data release of the store.",
        {"key": "What is named.", "value": "Its value."},
    ),
    "fact_sources": (
        "A row for each fact and each of its sources, with the source's publisher, date,"
        " address, access date and licence.",
        {
            "fact": "The fact's id.",
            "source": "The source's id.",
            "value": "The figure, in the unit the column unit names.",
            "accessed": "The day the source was read.",
            "licence": "The licence of the source's text, where known.",
        },
    ),
    "compare": (
        "Every source's statement of a quantity side by side, with the interval its precision"
        " and bound allow and a verdict.",
        {
            "quantity": "What the figure measures.",
            "fact": "The statement's fact.",
            "value": "The figure, in the unit the column unit names.",
            "low": "The least value the statement allows (null: unbounded), in its unit.",
            "high": "The greatest value the statement allows (null: unbounded), in its unit.",
            "source": "The source of the statement.",
            "verdict": "agree: its interval meets another's of the same period and kind; differ:"
            " it meets none; not comparable: the others are of another period, kind or unit; single"
            " source.",
        },
    ),
    "audit": (
        "Checks between figures: the interval a formula computes from stated figures, held"
        " against a stated figure.",
        {
            "formula": "How the figure is computed, and what it is held against.",
            "inputs": "The facts it is computed from, each with its interval (JSON).",
            "low": "The least value computed, in the unit the column unit names.",
            "high": "The greatest value computed, in the unit the column unit names.",
            "against": "The stated figure it is held against, with its interval (JSON).",
            "verdict": "holds: the figures can all be true together; does not hold: they"
            " cannot; cannot tell: an input is missing or only a bound.",
        },
    ),
    "ratios": (
        "Ratios derived from the facts, with the exact bounds the inputs' rounding allows.",
        {
            "formula": "How the ratio is computed.",
            "inputs": "The facts it is computed from, each with its interval (JSON).",
            "value": "The ratio of the stated figures, in the unit the column unit names.",
            "low": "The least value the inputs' rounding allows.",
            "high": "The greatest value the inputs' rounding allows.",
        },
    ),
}
#: What the columns an event's table adds hold.
EVENT_COLUMNS = {
    "projects_signed": "Projects signed at this event alone.",
    "projects_signed_jointly": "A count the source gives for this event and others together:"
    " never add these up.",
    "projects_fact": "The fact that gives the count.",
    "signed_jointly_with": "The other events of a joint count (JSON list).",
}


def project_licence() -> str | None:
    """The licence the project publishes the store under, as its package's metadata names it."""
    from importlib.metadata import PackageNotFoundError, metadata

    try:
        info = metadata("qingpu")
    except PackageNotFoundError:
        return None
    found = info.get_all("License-Expression") or info.get_all("License") or []
    return str(found[0]) if found and found[0] else None


def licence_entry(name: str) -> dict[str, str]:
    """A licence as Data Packages name one: its identifier, and its title and address where
    the licence is a well-known one."""
    entry = {"name": name}
    if name in KNOWN_LICENCES:
        entry["title"], entry["path"] = KNOWN_LICENCES[name]
    return entry


def release_words(store: Store) -> str:
    release = cast("Mapping[str, Any]", store).get("release")
    return f"data release {release['version']} of {release['date']}" if release else ""


def title(store: Store) -> str:
    said = release_words(store)
    return f"{TITLE} ({said})" if said else TITLE


def description(store: Store) -> str:
    data = cast("Mapping[str, Any]", store)
    sources = data.get("sources", [])
    licensed = sorted({source["licence"] for source in sources if source.get("licence")})
    text = (
        f"Records of Qingpu New City from {len(sources)} public sources, each record citing its"
        " sources (table evidence); figures as each source states them, with their precision."
        f" Schema version {data['schema_version']}."
    )
    if licensed:
        text += (
            " Some sources' texts are under their own licences (column sources.licence: "
            + ", ".join(licensed)
            + "); the store quotes only the article it holds."
        )
    return text


def source_words(store: Store) -> str:
    count = len(cast("Mapping[str, Any]", store).get("sources", []))
    return f"{count} public sources: the table sources, with each one's address and access date"


def kind_columns(kind: str) -> dict[str, str]:
    """What each column of a kind's table holds: its model's fields, then what it adds."""
    from qingpu_cli.store.models import field_descriptions

    described = dict(field_descriptions(kind))
    if kind == "events":
        described.update(EVENT_COLUMNS)
    described.pop("evidence", None)
    return described


def datasette_metadata(store: Store, database: str) -> dict[str, Any]:
    """Datasette's metadata for the exported database: the title, description, source and
    licence, and each table's and column's description."""
    from qingpu_cli.store.models import RECORD_KINDS, kind_description

    licence = project_licence()
    about: dict[str, Any] = {
        "title": title(store),
        "description": description(store),
        "source": source_words(store),
    }
    if licence:
        about["license"] = licence
        if licence in KNOWN_LICENCES:
            about["license_url"] = KNOWN_LICENCES[licence][1]
    tables: dict[str, Any] = {
        kind: {"description": kind_description(kind), "columns": kind_columns(kind)}
        for kind in RECORD_KINDS
    }
    for name, (said, columns) in DERIVED_TABLES.items():
        tables[name] = {"description": said, "columns": dict(columns)}
    return {**about, "databases": {database: {**about, "tables": tables}}}
