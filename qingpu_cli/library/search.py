"""Finding records by what they say: one row a record whose name, alias, statement or quote
holds a text, the field that names it best first, so that a person who knows a name but not
an id finds the id. How a text is folded to meet another is `folding`'s job.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from qingpu_cli.library.folding import Needle
from qingpu_cli.library.records import Row, all_records, record_name
from qingpu_cli.store.vocabulary import KIND_SINGULAR, REFERENCES

if TYPE_CHECKING:
    from qingpu_cli.store.models import Store


def _strings(value: object, path: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield from _strings(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, f"{path}[{index}]")


#: Fields that hold ids of other records or of a source: searching them would find a record
#: for what it points at, not for what it says.
SEARCH_SKIPPED_FIELDS = {"source", *(field for _, field in REFERENCES)}


def _searched_texts(value: object, leaf: str = "") -> Iterator[str]:
    """Every string `_strings` walks to whose field a search reads (the leaf of its path not
    skipped), without making the paths: what a record is first tested by, as one text."""
    if isinstance(value, str):
        if leaf not in SEARCH_SKIPPED_FIELDS:
            yield value
    elif isinstance(value, (dict, Mapping)):  # a dict, as the store's are, is told at once
        for key, item in value.items():
            yield from _searched_texts(item, str(key))
    elif isinstance(value, list):
        for item in value:
            yield from _searched_texts(item, leaf)


def field_in_words(field: str) -> str:
    """`aliases[0]` is "alias", `evidence[1].quote` is "evidence quote": where a match is."""
    parts = [part.split("[", 1)[0].replace("_", " ") for part in field.split(".")]
    words = " ".join(parts)
    return {"aliases": "alias"}.get(words, words.replace("aliases", "alias"))


def search(
    store: Store, text: str, more: Iterable[tuple[str, Mapping[str, Any]]] = ()
) -> list[Row]:
    """Every record with a name, alias, statement or quote that holds the text, folded as
    `folding` says (any case, full-width or composed forms, traditional or simplified
    characters, what separates words aside; a Chinese name by its pinyin too): one row a
    record, with the field that names it best, those matched by a name or alias first. `more`
    adds records that are not in the store (the ratios)."""
    needle = Needle(text)
    records = [*all_records(store), *more]
    rows = _matching_rows(records, needle.found_in, at_once=not needle.chinese)
    if not rows:
        # Only where nothing holds the text itself is a Chinese name read aloud: the pinyin
        # converter's dictionaries take longer to load than a whole search.
        rows = _matching_rows(records, lambda value: False, needle.sounds_in)
    rows.sort(key=lambda row: _SEARCH_RANK.get(_leaf(row["field"]), 5))
    return rows


def _matching_rows(
    records: Sequence[tuple[str, Mapping[str, Any]]],
    holds: Callable[[str], bool],
    sounds: Callable[[str], bool] | None = None,
    at_once: bool = False,
) -> list[Row]:
    """One row a record with a field the text is in (`holds`), or whose name sounds like it.
    With `at_once`, a record is first tested by its searched texts joined by a character that
    is no letter or digit and that nothing folds into another: a text that none holds alone
    they do not hold together, so most records are passed over in one test, not one a field.
    (Not for a Chinese needle: the conversion to simplified characters reads phrases, and a
    phrase could run across the join.)"""
    rows = []
    for kind, record in records:
        if at_once and not holds("\x00".join(_searched_texts(record))):
            continue
        matches = [
            (field, value)
            for field, value in _strings(record, "")
            if _leaf(field) not in SEARCH_SKIPPED_FIELDS
            and (
                holds(value)
                or (sounds is not None and _leaf(field) in _NAMING_FIELDS and sounds(value))
            )
        ]
        if not matches:
            continue
        field, value = min(matches, key=lambda match: _SEARCH_RANK.get(_leaf(match[0]), 5))
        rows.append(
            {
                "kind": KIND_SINGULAR.get(kind, kind),
                "id": record["id"],
                "name": record_name(record),
                "field": field,
                "matched": field_in_words(field),
                "text": value,
            }
        )
    return rows


#: Which matching field a search row names, and where the row stands among the matches: a
#: record matched by what a person calls it before one matched by a statement or a quote.
_SEARCH_RANK = {"name": 0, "aliases": 1, "title": 2, "label": 2, "statement": 2, "id": 9}


#: The fields a Chinese name may be found in by its pinyin.
_NAMING_FIELDS = ("name", "aliases", "title")


def _leaf(field: str) -> str:
    return field.rsplit(".", 1)[-1].split("[", 1)[0]
