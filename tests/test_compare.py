"""Statements side by side: intervals from stated precision and bounds, and every verdict."""

from __future__ import annotations

import json
from fractions import Fraction as F
from pathlib import Path
from typing import Any

import pytest

from conftest import Run, run_cli
from qingpu_cli.errors import NotFound
from qingpu_cli.library.compare import (
    AGREE,
    DIFFER,
    NOT_COMPARABLE,
    SINGLE,
    Interval,
    compare,
    interval,
    verdicts,
)


def stated(
    value: float,
    decimals: int | None = 0,
    bound: str = "exact",
    period: str | None = None,
    kind: str = "actual",
) -> dict[str, Any]:
    return {"value": value, "decimals": decimals, "bound": bound, "period": period, "kind": kind}


@pytest.mark.parametrize(
    ("fact", "expected"),
    [
        (stated(91), Interval(F(181, 2), F(183, 2))),
        (stated(91.1, 1), Interval(F(1821, 20), F(1823, 20))),
        (stated(450000, -4, "rounded"), Interval(F(445000), F(455000))),
        (stated(100, 0, "lower"), Interval(F(100), None)),
        (stated(5, 0, "upper"), Interval(None, F(5))),
        (stated(7, None), Interval(F(7), F(7))),
    ],
)
def test_the_interval_a_statement_allows(fact: dict[str, Any], expected: Interval) -> None:
    assert interval(fact) == expected


def test_one_statement_is_a_single_source() -> None:
    assert verdicts([stated(91)]) == [SINGLE]


def test_overlapping_roundings_agree_and_the_one_apart_differs() -> None:
    figures = [stated(91.1, 1), stated(91), stated(91), stated(92)]
    assert verdicts(figures) == [AGREE, AGREE, AGREE, DIFFER]


def test_roundings_that_only_touch_differ() -> None:
    """91 allows 90.5 up to 91.5 and 92 from 91.5: they touch at 91.5, which 91 does not hold."""
    assert verdicts([stated(91), stated(92)]) == [DIFFER, DIFFER]


def test_a_lower_bound_agrees_with_what_lies_above_it_and_differs_from_what_lies_below() -> None:
    assert verdicts([stated(100, 0, "lower"), stated(120)]) == [AGREE, AGREE]
    assert verdicts([stated(100, 0, "lower"), stated(80)]) == [DIFFER, DIFFER]


def test_another_period_or_a_target_beside_an_actual_is_not_comparable() -> None:
    assert verdicts([stated(40), stated(35.4, 1, period="2019")]) == [NOT_COMPARABLE] * 2
    assert verdicts([stated(650000, kind="target"), stated(450000)]) == [NOT_COMPARABLE] * 2


def test_the_bundled_sources_on_the_planned_area(bundled: dict[str, Any]) -> None:
    rows = compare(bundled, "new-city-planned-area")
    assert [(row["value"], row["verdict"]) for row in rows] == [
        (91.1, AGREE),
        (91, AGREE),
        (91, AGREE),
        (92, DIFFER),
    ]
    assert rows[3]["source"] == "shine-2021-11-04" and rows[3]["date"] == "2021-11-04"


def test_an_unknown_quantity_names_the_closest(bundled: dict[str, Any]) -> None:
    with pytest.raises(NotFound, match="did you mean: new-city-planned-area"):
        compare(bundled, "new-city-planed-area")


def test_a_store_of_version_1_still_loads_validates_and_lists(tmp_path: Path) -> None:
    """The store as it was before version 2: every command answers from it."""
    old = Path(__file__).parent / "data" / "store-version-1.json"
    store = json.loads(old.read_text(encoding="utf-8"))
    assert store["schema_version"] == 1
    result: Run = run_cli("--data", str(old), "validate")
    assert (result.status, result.stdout) == (0, "valid: 35 records (schema version 1)\n")
    for args in (("facts", "--json"), ("events", "--json"), ("compare", "--json"), ("overview",)):
        assert run_cli("--data", str(old), *args).status == 0, args
    facts = run_cli("--data", str(old), "facts", "--json").json()
    assert facts[0]["quantity"] is None and facts[0]["period"] is None


def test_show_of_a_fact_gives_every_sources_statement_of_its_quantity() -> None:
    described = run_cli("show", "new-city-planned-area", "--json").json()
    assert [item["value"] for item in described["statements"]] == [91.1, 91, 91, 92]
    shown = run_cli("show", "new-city-planned-area", "--format", "table", env={"COLUMNS": "200"})
    assert (
        "92 km\u00b2 (91.5 to 92.5 km\u00b2), no period given, plan: \u2717 differ"
        " (Shanghai Daily (shine.cn), 2021-11-04)"
    ) in shown.stdout


def test_search_finds_the_new_records_by_vetted_chinese_names() -> None:
    rows = run_cli("search", "\u590d\u65e6", "--json").json()
    assert ("partner", "fudan-university") in {(row["kind"], row["id"]) for row in rows}
