"""Checks between figures: the arithmetic of the sources, held against what they state."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from conftest import Run, run_cli
from qingpu_cli.library.agreement import NOT_COMPARABLE, TOO_COARSE, exact_number
from qingpu_cli.library.audit import CHECKS, FAILS, HOLDS, UNKNOWN, audit, failing
from qingpu_cli.library.ratios import DEFINITIONS, Measured, bounded


def _named(row: dict[str, Any]) -> list[str]:
    """The facts a check takes, and the one it is held against, other than the article's."""
    named = [item["fact"] for item in (*row["inputs"], row["against"])]
    return [name for name in named if not name.startswith("new-city-")]


def verdicts(store: dict[str, Any]) -> dict[str, str]:
    return {row["id"]: row["verdict"] for row in audit(store)}


def test_the_bundled_sources_audited(bundled: dict[str, Any]) -> None:
    assert verdicts(bundled) == {
        "land-share-from-english-encyclopedia-area": HOLDS,
        "land-share-from-german-encyclopedia-area": FAILS,
        "gdp-share-against-2019": NOT_COMPARABLE,
        "population-target-2035-against-the-city": TOO_COARSE,
        "land-share-from-chinese-encyclopedia-total-area": HOLDS,
        "land-share-from-chinese-encyclopedia-land-area": FAILS,
        "land-share-from-japanese-encyclopedia-area": HOLDS,
        "land-share-from-german-encyclopedia-2018-area": FAILS,
        "district-land-and-water-against-total": FAILS,
        "jiading-area-159-5-against-about-160": HOLDS,
        "jiading-area-159-5-against-160-after-enlargement": HOLDS,
        "jiading-area-main-urban-area-2013-against-2021": NOT_COMPARABLE,
        "jiading-area-three-clusters-2013-against-2021": NOT_COMPARABLE,
        "gdp-2019-against-share-and-district-gdp": UNKNOWN,
    }


def test_a_checks_interval_is_its_computed_ratios_bounds(bundled: dict[str, Any]) -> None:
    """A check's computed figure is a ratio: the interval `audit` gives is the one the ratio's
    rule bounds it by, over its inputs' intervals; its id, label and unit are the ratio's, and
    its formula is the ratio's with the figure it is held against."""
    rows = {row["id"]: row for row in audit(bundled)}
    bounded_rows = 0
    for check in CHECKS:
        row = rows[check.id]
        ratio = check.computed
        assert (row["id"], row["label"], row["unit"]) == (ratio.id, ratio.label, ratio.unit)
        assert row["formula"] == f"{ratio.formula}, against {check.against}"
        assert all(name in ratio.formula for name in ratio.inputs), check.id
        if row["inputs"] and all(item["low"] is not None for item in row["inputs"]):
            assert [item["fact"] for item in row["inputs"]] == list(ratio.inputs)
            measures = [
                Measured(exact_number(item["value"]), item["low"], item["high"])
                for item in row["inputs"]
            ]
            _, low, high = bounded(ratio, measures)
            assert (row["low"], row["high"]) == (low, high), check.id
            bounded_rows += row["low"] is not None
    assert bounded_rows > 0
    assert not {check.id for check in CHECKS} & {ratio.id for ratio in DEFINITIONS}


def test_a_check_gives_its_formula_inputs_sources_and_exact_interval(
    bundled: dict[str, Any],
) -> None:
    (row,) = [
        row for row in audit(bundled) if row["id"] == "land-share-from-german-encyclopedia-area"
    ]
    assert [item["source"] for item in row["inputs"]] == [
        "qingpu-new-city-signing",
        "wikipedia-de-qingpu",
    ]
    assert row["against"]["fact"] == "new-city-land-share"
    assert row["low"] * 667.85 == pytest.approx(9105)  # 91.05 / 667.85 * 100
    assert "new-city-planned-area" in row["formula"]


def fact(store: dict[str, Any], fact_id: str) -> dict[str, Any]:
    return next(item for item in store["facts"] if item["id"] == fact_id)


def test_roundings_that_only_touch_do_not_hold(bundled: dict[str, Any]) -> None:
    """Of one period, 2019's share as 39.5 (39.45 up to 39.55) meets the article's 40 (39.5 up
    to 40.5); as 39 (38.5 up to 39.5) it only touches it, shares no value and does not hold."""
    store = copy.deepcopy(bundled)
    fact(store, "new-city-gdp-share")["period"] = fact(store, "ghzyj-2021-04-01-gdp-share")[
        "period"
    ]
    fact(store, "ghzyj-2021-04-01-gdp-share")["value"] = 39.5
    assert verdicts(store)["gdp-share-against-2019"] == HOLDS
    fact(store, "ghzyj-2021-04-01-gdp-share").update(value=39, decimals=0)
    assert verdicts(store)["gdp-share-against-2019"] == FAILS


def test_a_bound_or_a_missing_input_cannot_tell(bundled: dict[str, Any]) -> None:
    store = copy.deepcopy(bundled)
    fact(store, "shio-2021-04-02-residents-2035")["bound"] = "lower"
    assert verdicts(store)["population-target-2035-against-the-city"] == UNKNOWN
    store["facts"] = [item for item in store["facts"] if item["id"] != "wikipedia-de-qingpu-area"]
    (row,) = [
        row for row in audit(store) if row["id"] == "land-share-from-german-encyclopedia-area"
    ]
    assert (row["verdict"], row["note"]) == (UNKNOWN, "the store has no wikipedia-de-qingpu-area")


def test_audit_exits_0_whatever_it_finds_and_1_with_strict(
    bundled: dict[str, Any], write_store: Callable[[object], Path]
) -> None:
    found: Run = run_cli("audit", "--json")
    assert found.status == 0 and len(found.json()) == len(CHECKS)
    strict = run_cli("audit", "--strict")
    assert strict.status == 1
    count = len(failing(audit(bundled)))
    said = "1 check does not hold" if count == 1 else f"{count} checks do not hold"
    assert count and strict.stderr.startswith(f"qingpu: {said}: ")
    failed = [row for row in found.json() if row["verdict"] == FAILS]
    fixed = ("land-share-from-german-encyclopedia-area", "gdp-share-against-2019")
    others = {name for row in failed if row["id"] not in fixed for name in _named(row)}
    bundled["facts"] = [item for item in bundled["facts"] if item["id"] not in others]
    for item in bundled["facts"]:
        if item["id"] == "wikipedia-de-qingpu-area":
            item["value"] = 675.1
    assert run_cli("--data", str(write_store(bundled)), "audit", "--strict").status == 0
