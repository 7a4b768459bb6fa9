"""`qingpu diff`: what changed between two stores, and the verdicts it changes; the library
without the CLI, then the command's output, exit statuses and errors."""

from __future__ import annotations

import copy
import json
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import ROOT, Run
from qingpu_cli.library.audit import audit
from qingpu_cli.library.compare import compare
from qingpu_cli.library.diff import diff, differ
from qingpu_cli.library.ratios import ratio_rows
from qingpu_cli.store.models import RECORD_KINDS

Cli = Callable[..., Run]
Write = Callable[[object], Path]
VERSION_1 = ROOT / "tests" / "data" / "store-version-1.json"


def version_1() -> dict[str, Any]:
    return json.loads(VERSION_1.read_text(encoding="utf-8"))


def ids(store: dict[str, Any], kind: str) -> set[str]:
    return {record["id"] for record in store[kind]}


def reordered(store: dict[str, Any], seed: int) -> dict[str, Any]:
    """The same data with every kind's records shuffled and every record's keys reversed."""
    shuffled = copy.deepcopy(store)
    chance = random.Random(seed)
    for kind in RECORD_KINDS:
        records = [dict(reversed(list(record.items()))) for record in shuffled[kind]]
        chance.shuffle(records)
        shuffled[kind] = records
    return dict(reversed(list(shuffled.items())))


def test_version_1_against_the_bundled_store_lists_each_kinds_additions(
    bundled: dict[str, Any],
) -> None:
    old = version_1()
    found = diff(old, bundled)
    assert differ(found)
    for kind in RECORD_KINDS:
        added = {entry["id"] for entry in found["added"] if entry["kind"] == kind}
        removed = {entry["id"] for entry in found["removed"] if entry["kind"] == kind}
        assert added == ids(bundled, kind) - ids(old, kind), kind
        assert removed == ids(old, kind) - ids(bundled, kind), kind
        counts = found["summary"].get(kind, {"added": 0, "removed": 0})
        assert (counts["added"], counts["removed"]) == (len(added), len(removed))
    store = next(entry for entry in found["changed"] if entry["kind"] == "store")
    assert store["changes"]["schema_version"] == [old["schema_version"], bundled["schema_version"]]


def test_fields_a_version_1_store_lacks_are_null_not_a_change_of_every_record(
    bundled: dict[str, Any],
) -> None:
    old = version_1()
    changed = {(entry["kind"], entry["id"]) for entry in diff(old, bundled)["changed"]}
    places = ids(old, "places") & ids(bundled, "places")

    def unsaid(place: dict[str, Any]) -> dict[str, Any]:
        """The place as version 1 says it: its evidence without the kind it leaves unsaid."""
        evidence = [{k: v for k, v in item.items() if k != "kind"} for item in place["evidence"]]
        return {**place, "evidence": evidence}

    same = [
        place
        for place in places
        if unsaid(next(p for p in old["places"] if p["id"] == place))
        == unsaid(next(p for p in bundled["places"] if p["id"] == place))
    ]
    assert same  # places whose evidence differs only by the kind version 1 leaves unsaid
    assert not any(("places", place) in changed for place in same)


def test_a_store_against_itself_and_a_reordered_copy_is_no_difference(
    bundled: dict[str, Any],
) -> None:
    for other in (copy.deepcopy(bundled), reordered(bundled, 0)):
        found = diff(bundled, other)
        assert not differ(found)
        assert found == {"summary": {}, "added": [], "removed": [], "changed": [], "verdicts": []}


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(min_value=0, max_value=2**32))
def test_order_alone_is_never_a_difference(seed: int) -> None:
    store = version_1() if seed % 2 else json.loads((ROOT / "data" / "qingpu.json").read_text())
    assert not differ(diff(store, reordered(store, seed)))


def changed_figure(bundled: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The bundled store with its land share (an input of ratios and checks) stated higher."""
    new = copy.deepcopy(bundled)
    fact = next(fact for fact in new["facts"] if fact["id"] == "new-city-land-share")
    fact["value"] += 2
    return fact, new


def test_one_changed_figure_lists_its_field_its_interval_and_the_verdicts_it_changes(
    bundled: dict[str, Any],
) -> None:
    fact, new = changed_figure(bundled)
    found = diff(bundled, new)
    assert (found["added"], found["removed"]) == ([], [])
    (entry,) = found["changed"]
    assert (entry["kind"], entry["id"]) == ("facts", fact["id"])
    assert entry["changes"]["value"] == [fact["value"] - 2, fact["value"]]
    (old_low, _), (new_low, _) = entry["changes"]["interval"]
    assert new_low - old_low == 2
    expected = set()
    for kind, rows, key, fields in (
        ("audit", audit, "id", ("verdict", "low", "high")),
        ("ratios", ratio_rows, "id", ("value", "low", "high")),
        ("compare", compare, "fact", ("verdict",)),
    ):
        before = {row[key]: row for row in rows(bundled)}
        after = {row[key]: row for row in rows(new)}
        expected |= {
            (kind, name)
            for name in after
            if any(before[name][field] != after[name][field] for field in fields)
        }
    assert any(kind == "audit" for kind, _ in expected)
    assert {(item["kind"], item["id"]) for item in found["verdicts"]} == expected
    for item in found["verdicts"]:
        for old, changed in item["changes"].values():
            assert old != changed


def test_a_source_whose_address_and_date_changed(bundled: dict[str, Any]) -> None:
    new = copy.deepcopy(bundled)
    source = new["sources"][1]
    old_url, old_date = source["url"], source["date"]
    source["url"], source["date"] = old_url + "?moved", None
    (entry,) = diff(bundled, new)["changed"]
    assert entry == {
        "kind": "sources",
        "id": source["id"],
        "changes": {"date": [old_date, None], "url": [old_url, source["url"]]},
    }


def test_cli_exit_statuses_as_diff_does(
    cli: Cli, bundled: dict[str, Any], write_store: Write
) -> None:
    same = write_store(bundled)
    assert cli("diff", str(same), str(same)).status == 0
    assert cli("diff", str(same), str(write_store(reordered(bundled, 1)))).status == 0
    _, new = changed_figure(bundled)
    assert cli("diff", str(same), str(write_store(new))).status == 1
    assert cli("diff", str(same), str(same.parent / "missing.json")).status == 2
    assert cli("diff", str(same)).status == 2


def test_cli_json_gives_the_librarys_answer(
    cli: Cli, bundled: dict[str, Any], write_store: Write
) -> None:
    result = cli("diff", str(VERSION_1), str(write_store(bundled)), "--json")
    assert result.status == 1, result.stderr
    given = result.json()
    assert list(given) == ["summary", "added", "removed", "changed", "verdicts"]
    expected = json.loads(json.dumps(diff(version_1(), bundled), default=float))
    assert given == expected
    for key in ("added", "removed", "changed", "verdicts"):
        for entry in given[key]:
            assert set(entry) == {"kind", "id", "changes"}
            assert all(len(pair) == 2 for pair in entry["changes"].values())


def test_cli_reads_standard_input_for_either_side(
    cli: Cli, bundled: dict[str, Any], write_store: Write
) -> None:
    text = json.dumps(bundled)
    path = str(write_store(bundled))
    assert cli("diff", "-", path, input=text).status == 0
    assert cli("diff", path, "-", input=text).status == 0
    both = cli("diff", "-", "-", input=text)
    assert both.status == 2
    assert "standard input" in both.stderr


def test_the_screen_gives_the_summary_first(
    cli: Cli, bundled: dict[str, Any], write_store: Write
) -> None:
    new = copy.deepcopy(bundled)
    new["facts"].pop()
    fact, changed = changed_figure(new)
    result = cli("diff", str(write_store(bundled)), str(write_store(changed)))
    found = diff(bundled, changed)
    lines = result.stdout.splitlines()
    counts = found["summary"]["facts"]
    assert lines[0] == (
        f"facts: {counts['added']} added, {counts['changed']} changed, {counts['removed']} removed"
    )
    assert f"removed fact {bundled['facts'][-1]['id']}" in lines
    assert f"changed fact {fact['id']}" in lines
    assert f"  value: {fact['value'] - 2} -> {fact['value']}" in lines
    same = cli("diff", str(write_store(bundled)), str(write_store(bundled)))
    assert same.stdout == "no differences: the stores hold the same data\n"


def test_each_invalid_store_is_reported_as_data_reports_it(
    cli: Cli, bundled: dict[str, Any], write_store: Write
) -> None:
    broken = copy.deepcopy(bundled)
    broken["facts"][0]["value"] = -5
    broken["partners"][0]["sector"] = "church"
    first, second = write_store(broken), write_store(b"{not json")
    result = cli("diff", str(first), str(second))
    assert result.status == 2
    assert result.stdout == ""
    expected = (
        cli("--data", str(first), "facts").stderr + cli("--data", str(second), "facts").stderr
    )
    assert result.stderr == expected


def test_the_library_gives_what_the_command_does(cli: Cli, write_store: Write) -> None:
    from qingpu_cli import open_store

    new = write_store(json.loads((ROOT / "data" / "qingpu.json").read_text(encoding="utf-8")))
    given = open_store(VERSION_1).diff(open_store(new))
    assert given == cli("diff", str(VERSION_1), str(new), "--json").json()
