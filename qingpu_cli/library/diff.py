"""What changed from one store to another: records added, removed and changed, field by field,
and what the change does to the verdicts of `compare` and `audit` and the bounds of `ratios`.

Records are matched by kind and id, so the order of records (and of the keys in a record) is no
difference; the order within a list a record holds is, since the first evidence of a fact is
the source `compare` names. A field a store of an earlier version does not have counts as null,
so a store of version 1 is compared with one of version 3 field by field, not as all new. A
fact whose figure, precision or bound changed says whether its interval moved with it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, cast

from qingpu_cli.store.vocabulary import RECORD_FIELDS

if TYPE_CHECKING:
    from qingpu_cli.store.models import Store

Row = dict[str, Any]
Changes = dict[str, list[Any]]

#: The store's own fields, compared as the record of kind `store`.
STORE_FIELDS = ("schema_version", "release")
STORE = "store"
#: A fact's interval, compared beside its own fields (see `compare.interval`).
INTERVAL = "interval"


def _normal(field: str, value: Any) -> Any:
    """A value as a store of the newest version would hold it: evidence of a store of version 1
    names no kind, and is a quote; a source of version 1 has no aliases, none."""
    if field == "evidence" and isinstance(value, list):
        return [{**item, "kind": item.get("kind", "quote")} for item in value]
    if field == "aliases" and value is None:
        return []
    return value


def _changes(
    old: Mapping[str, Any] | None, new: Mapping[str, Any] | None, fields: Iterable[str]
) -> Changes:
    """Each field whose value differs, as [old, new]; a missing record or field is null."""
    found: Changes = {}
    for field in fields:
        before = None if old is None else _normal(field, old.get(field))
        after = None if new is None else _normal(field, new.get(field))
        if before != after:
            found[field] = [before, after]
    return found


def _interval(fact: Mapping[str, Any] | None) -> list[Any] | None:
    """A fact's interval as [low, high] (null: unbounded that way), or null without a figure."""
    from qingpu_cli.library.compare import interval

    if fact is None or fact.get("value") is None:
        return None
    span = interval(fact)
    return [span.low, span.high]


def _by_id(records: Sequence[Mapping[str, Any]]) -> dict[str, Mapping[str, Any]]:
    return {record["id"]: record for record in records}


def _entry(kind: str, record_id: str, changes: Changes) -> Row:
    return {"kind": kind, "id": record_id, "changes": changes}


def record_changes(old: Store, new: Store) -> tuple[list[Row], list[Row], list[Row]]:
    """(added, removed, changed): every record of one store that the other lacks, and every
    record both hold whose fields differ; in the new store's order (the old one's for the
    removed)."""
    before, after = cast("Mapping[str, Any]", old), cast("Mapping[str, Any]", new)
    added: list[Row] = []
    removed: list[Row] = []
    changed: list[Row] = []
    store_changes = _changes(before, after, STORE_FIELDS)
    if store_changes:
        changed.append({"kind": STORE, "id": STORE, "changes": store_changes})
    for kind, fields in RECORD_FIELDS.items():
        old_records = _by_id(before.get(kind, []))
        new_records = _by_id(after.get(kind, []))
        for record_id, record in new_records.items():
            previous = old_records.get(record_id)
            if previous is None:
                added.append(_entry(kind, record_id, _changes(None, record, fields)))
                continue
            if previous == record:
                continue
            changes = _changes(previous, record, fields)
            if kind == "facts" and changes:
                moved = _changes(
                    {INTERVAL: _interval(previous)}, {INTERVAL: _interval(record)}, (INTERVAL,)
                )
                changes.update(moved)
            if changes:
                changed.append(_entry(kind, record_id, changes))
        removed.extend(
            _entry(kind, record_id, _changes(record, None, fields))
            for record_id, record in old_records.items()
            if record_id not in new_records
        )
    return added, removed, changed


def _keyed_changes(
    kind: str,
    old_rows: Iterable[Mapping[str, Any]],
    new_rows: Iterable[Mapping[str, Any]],
    key: str,
    fields: Sequence[str],
) -> list[Row]:
    old_by_key = {row[key]: row for row in old_rows}
    new_by_key = {row[key]: row for row in new_rows}
    found = []
    for name in dict.fromkeys([*new_by_key, *old_by_key]):
        changes = _changes(old_by_key.get(name), new_by_key.get(name), fields)
        if changes:
            found.append({"kind": kind, "id": name, "changes": changes})
    return found


def _touched_quantities(stores: Iterable[Store], entries: Iterable[Mapping[str, Any]]) -> set[str]:
    """The quantities, in either store, of the facts that were added, removed or changed."""
    ids = {entry["id"] for entry in entries if entry["kind"] == "facts"}
    return {
        fact["quantity"]
        for store in stores
        for fact in cast("Mapping[str, Any]", store).get("facts", [])
        if fact["id"] in ids and fact.get("quantity")
    }


def verdict_changes(old: Store, new: Store, facts: Iterable[Mapping[str, Any]]) -> list[Row]:
    """What the change does downstream: each statement whose `compare` verdict changed (asked
    of the quantities the changed facts touch; a verdict depends on its quantity's statements
    alone), each `audit` check whose verdict or computed interval changed, each ratio whose
    value or bounds moved. A statement, check or ratio that only one store gives has null on
    the other side."""
    from qingpu_cli.library.audit import audit
    from qingpu_cli.library.compare import statement_verdicts
    from qingpu_cli.library.ratios import ratio_rows

    touched = _touched_quantities((old, new), facts)
    statements = [
        [
            {"fact": fact, "quantity": quantity, "verdict": verdict}
            for fact, (quantity, verdict) in statement_verdicts(store, touched).items()
        ]
        for store in (old, new)
    ]
    return [
        *_keyed_changes("compare", statements[0], statements[1], "fact", ("quantity", "verdict")),
        *_keyed_changes("audit", audit(old), audit(new), "id", ("verdict", "low", "high")),
        *_keyed_changes("ratios", ratio_rows(old), ratio_rows(new), "id", ("value", "low", "high")),
    ]


def summary(added: Sequence[Row], removed: Sequence[Row], changed: Sequence[Row]) -> Row:
    """For each kind with a difference, how many of its records were added, changed, removed."""
    counts: dict[str, dict[str, int]] = {}
    for name, entries in (("added", added), ("changed", changed), ("removed", removed)):
        for entry in entries:
            tally = counts.setdefault(entry["kind"], {"added": 0, "changed": 0, "removed": 0})
            tally[name] += 1
    order = [STORE, *RECORD_FIELDS]
    return {kind: counts[kind] for kind in order if kind in counts}


def diff(old: Store, new: Store) -> Row:
    """Everything that differs between two stores: `summary`, `added`, `removed`, `changed`
    (each `{kind, id, changes: {field: [old, new]}}`) and `verdicts` (of the same shape, for
    compare, audit and ratios). Empty lists: the stores hold the same data."""
    added, removed, changed = record_changes(old, new)
    return {
        "summary": summary(added, removed, changed),
        "added": added,
        "removed": removed,
        "changed": changed,
        "verdicts": verdict_changes(old, new, [*added, *removed, *changed]),
    }


def differ(found: Mapping[str, Any]) -> bool:
    """Whether a diff found any difference (the verdicts follow from the records)."""
    return bool(found["added"] or found["removed"] or found["changed"] or found["verdicts"])
