"""Data release 3: every source and every figure of `sources-r3.tsv` and `facts-r3.tsv` is in
the bundled store as listed, its new records carry the vetted Chinese names, and search, show
and cite answer for each of them."""

from __future__ import annotations

import re
from typing import Any

import pytest
from test_data import needs_sources, tsv

from conftest import SOURCES
from qingpu_cli.library.api import open_store
from qingpu_cli.library.cite import cited
from qingpu_cli.library.search import search
from qingpu_cli.store.models import UNIT_LIMITS

RELEASE_SOURCES = SOURCES / "sources-r3.tsv"
RELEASE_FACTS = SOURCES / "facts-r3.tsv"
RELEASE_GLOSSARY = SOURCES / "glossary-zh-r3.tsv"
#: The Chinese brief of the article's own signing: its source and its rows come with the
#: corrections to the article's records, and the corrections' test covers them.
CORRECTIONS_SOURCE = "z56c-2025-07-30"
#: Words of a figure as stated that make it a bound: "over 100", "nearly 30,000".
LOWER_WORDS = re.compile(
    r"\b(over|more than|exceed\w*|surpassed|above)\b|逾|超过|between|and 40,000|-100万"
)
UPPER_WORDS = re.compile(r"\b(nearly|less than)\b")
CJK = re.compile(r"[\u3400-\u9fff]")


def listed_sources() -> list[dict[str, str]]:
    return [row for row in tsv(RELEASE_SOURCES) if row["id"] != CORRECTIONS_SOURCE]


def listed_facts() -> list[dict[str, str]]:
    return [row for row in tsv(RELEASE_FACTS) if row["source"] != CORRECTIONS_SOURCE]


def period_as_listed(text: str) -> str | None:
    """The period the store gives for a row: the list's period without its remark on how it was
    read (which goes to the note), except that a day with no year printed says so."""
    if text == "-":
        return None
    head, _, remark = text.partition(" (")
    if "printed" in remark:
        return f"{head} ({remark.rstrip(')').split(';')[0]})"
    return head


def stored_of(store: dict[str, Any], row: dict[str, str]) -> list[dict[str, Any]]:
    return [
        fact
        for fact in store["facts"]
        if fact["evidence"][0]["source"] == row["source"] and fact["measure"] == row["what"]
    ]


def pairs(store: dict[str, Any]) -> list[tuple[dict[str, str], dict[str, Any]]]:
    """Each row with its fact: a source's facts of one measure are in the list's order."""
    seen: dict[tuple[str, str], int] = {}
    found = []
    for row in listed_facts():
        key = (row["source"], row["what"])
        seen[key] = seen.get(key, 0) + 1
        found.append((row, stored_of(store, row)[seen[key] - 1]))
    return found


pytestmark = needs_sources


def test_every_source_of_the_release_is_in_the_store_as_listed(bundled: dict[str, Any]) -> None:
    stored = {source["id"]: source for source in bundled["sources"]}
    for row in listed_sources():
        source = stored[row["id"]]
        assert source["url"] == row["url"], row["id"]
        assert source["language"] == row["language"], row["id"]
        assert source["date"] == (row["date"] if row["date"][:1].isdigit() else None), row["id"]
        title = None if row["title"].startswith("(") else row["title"]
        assert source["title"] == title, row["id"]
        assert row["publisher"].startswith(source["publisher"]), row["id"]
        assert source["author"] is None or source["author"] in row["publisher"], row["id"]
        basis = {
            "shown on the page": "shown on the page",
            "from the address": "read from the address",
        }
        expected = next((v for k, v in basis.items() if row["date_basis"].startswith(k)), None)
        assert source["date_basis"] == expected, row["id"]
        assert source["file"] is None, "no text of theirs is held"


def test_every_row_of_the_release_is_a_fact_of_its_source(bundled: dict[str, Any]) -> None:
    rows = listed_facts()
    seen: dict[tuple[str, str], int] = {}
    for row in rows:
        key = (row["source"], row["what"])
        number = seen.get(key, 0)
        seen[key] = number + 1
        candidates = stored_of(bundled, row)
        assert len(candidates) == sum(
            1 for other in rows if (other["source"], other["what"]) == key
        )
        fact = candidates[number]
        where = fact["id"]
        assert fact["subject"] == row["subject"], where
        assert fact["value"] == (None if row["value"] == "-" else float(row["value"])), where
        assert fact["unit"] == (None if row["unit"] == "-" else row["unit"]), where
        assert fact["period"] == period_as_listed(row["period"]), where
        assert fact["kind"] == row["kind"], where
        assert fact["as_stated"] == row["as stated"], where
        assert fact["evidence"] == [{"source": row["source"], "quote": None, "kind": "citation"}]
    release = {row["source"] for row in rows}
    stored = [fact for fact in bundled["facts"] if fact["evidence"][0]["source"] in release]
    assert len(stored) == len(rows), "no fact of these sources that the list does not give"


def test_precision_and_bounds_follow_the_figure_as_stated(bundled: dict[str, Any]) -> None:
    """ "Over X" is a lower bound and "nearly X" an upper one; a figure with no value has no
    precision; a count or a year has no decimals; every value's unit is one the store bounds."""
    for row, fact in pairs(bundled):
        if fact["value"] is None:
            assert (fact["decimals"], fact["bound"]) == (None, None)
            continue
        assert fact["unit"] in UNIT_LIMITS, fact["id"]
        assert fact["quantity"], fact["id"]
        if UPPER_WORDS.search(row["as stated"]):
            assert fact["bound"] == "upper", fact["id"]
        elif LOWER_WORDS.search(row["as stated"]):
            assert fact["bound"] == "lower", fact["id"]
        if fact["unit"] in ("count", "year"):
            assert fact["decimals"] <= 0, fact["id"]


def test_statements_are_ours_not_the_figure_as_stated(bundled: dict[str, Any]) -> None:
    for row, fact in pairs(bundled):
        assert fact["statement"] != row["as stated"], fact["id"]
        assert not CJK.search(fact["statement"]), fact["id"]
        words = row["as stated"].split()
        for start in range(len(words) - 7):
            assert " ".join(words[start : start + 8]) not in fact["statement"], fact["id"]


def vetted_rows() -> list[dict[str, str]]:
    """The glossary's names seen at a source of this release (not only at the one the
    corrections add)."""
    return [
        row
        for row in tsv(RELEASE_GLOSSARY)
        if any(
            url.strip() and CORRECTIONS_SOURCE.split("-")[0] not in url
            for url in row["chinese seen at"].split(" ; ")
        )
    ]


def test_each_new_record_carries_its_vetted_chinese_name(bundled: dict[str, Any]) -> None:
    records = [record for kind in ("places", "initiatives") for record in bundled[kind]]
    checked = 0
    for row in vetted_rows():
        english = row["english"].split(" (")[0]
        named = [record for record in records if record["name"] == english]
        if named:
            assert row["chinese"] in named[0]["aliases"], english
            checked += 1
    assert checked == len({row["english"].split(" (")[0] for row in vetted_rows()})
    assert "华为练秋湖研发中心" not in str(bundled), "not vetted"


def new_records(store: dict[str, Any]) -> list[dict[str, Any]]:
    """The records whose evidence is only of this release's sources."""
    release = {row["id"] for row in listed_sources()}
    return [
        record
        for kind in ("places", "initiatives")
        for record in store[kind]
        if {item["source"] for item in record["evidence"]} <= release
    ]


def test_search_finds_every_new_record_by_each_name(bundled: dict[str, Any]) -> None:
    found = new_records(bundled)
    assert found
    for record in found:
        for name in (record["name"], *record["aliases"]):
            assert record["id"] in {row["id"] for row in search(bundled, name)}, name


def test_show_of_a_new_city_lists_its_figures(bundled: dict[str, Any]) -> None:
    store = open_store()
    for place in bundled["places"]:
        if place["kind"] != "new city":
            continue
        figures = {fact["id"] for fact in bundled["facts"] if fact["subject"] == place["id"]}
        shown = store.show(place["id"])
        listed = {item["id"] for item in shown["related"] if item["kind"] == "fact"}
        assert figures and figures <= listed, place["id"]


@pytest.mark.parametrize("row_number", range(len(listed_facts()) if RELEASE_FACTS.exists() else 0))
def test_cite_works_on_every_new_fact(bundled: dict[str, Any], row_number: int) -> None:
    row, fact = pairs(bundled)[row_number]
    text = open_store().cite(fact["id"])
    source = next(item for item in bundled["sources"] if item["id"] == row["source"])
    assert fact["statement"] in text and source["url"] in text, fact["id"]
    assert cited(bundled, fact["id"]) is not None
