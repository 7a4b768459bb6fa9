"""One record, or one ratio, in full: what `show` answers, so that a person reads a record with
everything around it (the names of what it refers to, what refers to it, its evidence beside
each source's title, a figure's interval, every source's statement of its quantity) without
joining the store by hand.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, cast

from qingpu_cli.library.listings import partners_in_sector
from qingpu_cli.library.lookup import resolve_id
from qingpu_cli.library.records import (
    Row,
    all_records,
    find_record,
    record_ids,
    record_name,
    records_in,
)
from qingpu_cli.store.vocabulary import KIND_SINGULAR, REFERENCES

if TYPE_CHECKING:
    from qingpu_cli.store.models import Store


def _reference_fields(kind: str) -> list[str]:
    return [field for (owner, field) in REFERENCES if owner == kind]


def _referenced(record: Mapping[str, Any], field: str) -> list[str]:
    value = record.get(field)
    if isinstance(value, str):
        return [value]
    return [item for item in value if isinstance(item, str)] if isinstance(value, list) else []


def related_records(store: Store, kind: str, record: Mapping[str, Any]) -> list[Row]:
    """The records this one names, and the records that name it, each with how, in words."""
    named = {item["id"]: (other, item) for other, item in all_records(store)}
    found: list[Row] = []

    def add(relation: str, target: str) -> None:
        other, item = named.get(target, ("", {}))
        found.append(
            {
                "relation": relation,
                "kind": KIND_SINGULAR.get(other, other),
                "id": target,
                "name": record_name(item),
            }
        )

    for field in _reference_fields(kind):
        for target in _referenced(record, field):
            add(REFERENCES[kind, field].reads, target)
    for other, item in all_records(store):
        for field in _reference_fields(other):
            if record["id"] in _referenced(item, field):
                add(REFERENCES[other, field].reads_back, item["id"])
    return found


def describe_record(store: Store, typed: str) -> Row:
    """One record in full: found by id, name, alias or the start of its id; the names of the
    records it refers to; the records related to it either way; its evidence beside the title
    of each source."""
    record_id = resolve_id(typed, list(all_records(store)))
    kind, record = find_record(store, record_id)
    titles = {source["id"]: source["title"] for source in records_in(store, "sources")}
    evidence = [
        {
            "source": item["source"],
            "source_title": titles.get(item["source"]),
            "quote": item["quote"],
        }
        for item in record.get("evidence", [])
    ]
    related = related_records(store, kind, record)
    extra = {}
    if kind == "partners":
        row = next(row for row in partners_in_sector(store) if row["id"] == record_id)
        extra = {
            key: row[key] for key in ("agreements", "agreement_kinds", "counterparts", "launched")
        }
    statements = []
    if kind == "facts" and record.get("quantity"):
        from qingpu_cli.library.compare import compare

        statements = compare(store, record["quantity"])
    stands_for = {}
    if kind == "facts" and record.get("value") is not None:
        from qingpu_cli.library.agreement import interval_words, store_version

        version = store_version(cast("Mapping[str, Any]", store))
        stands_for = {"interval": interval_words(record, version)}
    return {
        "kind": kind,
        "id": record_id,
        "record": record,
        "evidence": evidence,
        "related": related,
        **({"partner": extra} if extra else {}),
        **({"statements": statements} if statements else {}),
        **stands_for,
    }


def show(store: Store, typed: str) -> Row:
    """What `qingpu show` gives: a record or a ratio in full, found as `resolve_id` finds it (a
    ratio only where no record has its id)."""
    from qingpu_cli.library import ratios

    every = [*all_records(store), *ratios.ratios_as_records()]
    found = resolve_id(typed, every)
    if found in ratios.RATIO_IDS and found not in record_ids(store):
        return ratios.describe_ratio(store, found)
    return describe_record(store, found)
