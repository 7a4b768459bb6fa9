"""What every query reads a store by: the records of a kind, a record's own fields, what a
record is called and which sources it cites, the record an id names.

Apart from the listings, search, show and the overview so that each of them (and the renderers
that name records) reads a store the same way without importing the others. Rows are flat
dictionaries whose keys are the JSON contract documented in the README.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any, cast

from qingpu_cli.library.lookup import not_found, resolve_id
from qingpu_cli.store.vocabulary import RECORD_FIELDS

if TYPE_CHECKING:
    from qingpu_cli.store.models import Store


Row = dict[str, Any]


def records_in(store: Store, kind: str) -> list[Row]:
    """The records of one kind, as the store holds them: none where its version has no such
    list."""
    return cast("list[Row]", cast("Mapping[str, Any]", store).get(kind, []))


def own_fields(record: Mapping[str, Any], kind: str) -> Row:
    """A record's own fields, every one of them, in the models' order: a store of an earlier
    version lacks the newer ones, which are null here, so that every row has the same keys. A
    record that already has them in that order, as most do, is copied whole (three times as
    fast, on the path of every large listing)."""
    fields = RECORD_FIELDS[kind]
    if tuple(record) == fields:
        return dict(record)
    return {field: record.get(field) for field in fields}


def all_records(store: Store) -> Iterator[tuple[str, Row]]:
    """Every record with the name of the list that holds it, in store order."""
    for kind, items in cast("Mapping[str, Any]", store).items():
        if isinstance(items, list):
            for record in items:
                yield kind, record


def source_ids(record: Mapping[str, Any]) -> list[str]:
    evidence = record.get("evidence", [])
    if len(evidence) == 1:  # the usual case, on the path of every large listing
        return [evidence[0]["source"]]
    return list(dict.fromkeys(item["source"] for item in evidence))


def record_ids(store: Store) -> list[str]:
    return [record["id"] for _, record in all_records(store)]


def record_name(record: Mapping[str, Any]) -> str | None:
    """What a person calls a record: its name, else its title, statement or kind."""
    for key in ("name", "title", "statement", "kind"):
        if isinstance(record.get(key), str):
            return str(record[key])
    return None


def find_record(store: Store, record_id: str) -> tuple[str, Row]:
    """The record with this id, or NotFound naming the closest ids."""
    for kind, record in all_records(store):
        if record["id"] == record_id:
            return kind, record
    raise not_found(record_id, record_ids(store))


def resolve_source(store: Store, typed: str) -> str:
    """A source's id as `resolve_id` finds it among the sources alone."""
    return resolve_id(typed, [("sources", item) for item in records_in(store, "sources")], "source")


def fact_subjects(store: Store) -> list[str]:
    """The ids that some fact is about, in store order: what `facts --subject` can match."""
    return list(dict.fromkeys(fact["subject"] for fact in records_in(store, "facts")))


def share_labels(store: Store) -> dict[str, str]:
    """Each share's fact id, and what it is a share of in words: `GDP share of Qingpu
    District`."""
    names = {record["id"]: record_name(record) for _, record in all_records(store)}
    return {
        fact["id"]: f"{fact['share_of']['quantity']} share of "
        f"{names.get(fact['share_of']['subject']) or fact['share_of']['subject']}"
        for fact in records_in(store, "facts")
        if fact["share_of"] is not None
    }


def version_lines(store: Store) -> list[str]:
    """What a store says of its own version: its data release (version and date) where it
    names one, and its schema version."""
    data = cast("Mapping[str, Any]", store)
    release = data.get("release")
    named = (
        f"data release {release['version']} ({release['date']})"
        if release
        else "data release not named"
    )
    return [named, f"schema version {data['schema_version']}"]
