"""Which record a person means: an id in any case, a former id, a name or vetted alias, the
start of an id; and, where none is meant, the closest ids to say so with. Apart from the
queries so that every query module (compare, ratios, the timeline) can name an unknown id the
same way without importing the others.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from qingpu_cli.errors import NotFound, closest
from qingpu_cli.library.folding import Needle, fold

#: The most ids a message names: a handful to choose from, never the whole store.
MAX_SUGGESTIONS = 5


def not_found(record_id: str, known: list[str], what: str = "record") -> NotFound:
    """An unknown id, with the closest known ones."""
    close = closest(record_id, known, count=3)
    hint = f"; did you mean: {', '.join(close)}?" if close else "; `qingpu search TEXT` finds ids"
    return NotFound(f"no {what} has the id {record_id!r}{hint}")


def resolve_id(
    typed: str, records: Sequence[tuple[str, Mapping[str, Any]]], what: str = "record"
) -> str:
    """The id a person means: the id itself, in any case; else the record that had it as a
    former id (a renamed record keeps its old id for `show` and `cite`); else the one record
    whose name or
    vetted alias it is (folded as search folds, so `Huawei`, a Chinese name in either script);
    else the one id it starts. Several candidates, or none, is NotFound naming them."""
    ids = [str(record["id"]) for _, record in records]
    if typed in ids:
        return typed
    needle = Needle(typed)
    folded = {fold(record_id): record_id for record_id in ids}
    if needle.folded in folded:
        return folded[needle.folded]
    former = {
        fold(old): str(record["id"])
        for _, record in records
        for old in record.get("former_ids") or ()
        if isinstance(old, str)
    }
    if needle.folded in former:
        return former[needle.folded]
    named = [
        str(record["id"])
        for _, record in records
        if any(
            needle.is_whole(name)
            for name in (record.get("name"), *record.get("aliases", []))
            if isinstance(name, str)
        )
    ]
    if len(set(named)) == 1:
        return named[0]
    started = named or [record_id for record_id in ids if fold(record_id).startswith(needle.folded)]
    if len(started) == 1:
        return started[0]
    if started:
        shown = ", ".join(started[:MAX_SUGGESTIONS])
        more = (
            f" and {len(started) - MAX_SUGGESTIONS:,} more"
            if len(started) > MAX_SUGGESTIONS
            else ""
        )
        raise NotFound(f"{typed!r} could be any of: {shown}{more}; give the whole id")
    raise not_found(typed, ids, what)
