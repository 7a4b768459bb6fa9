"""Statements side by side: intervals from stated precision and bounds, and every verdict."""

from __future__ import annotations

import json
from fractions import Fraction as F
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import Run, run_cli
from qingpu_cli.errors import NotFound
from qingpu_cli.library.agreement import interval_words
from qingpu_cli.library.compare import (
    AGREE,
    DIFFER,
    NOT_COMPARABLE,
    SINGLE,
    TOO_COARSE,
    Interval,
    compare,
    interval,
    judged,
    verdicts,
)
from qingpu_cli.render import people


def stated(
    value: float,
    decimals: int | None = 0,
    bound: str = "rounded",
    period: str | None = None,
    kind: str = "actual",
) -> dict[str, Any]:
    return {
        "id": f"fact-{value}",
        "value": value,
        "decimals": decimals,
        "bound": bound,
        "period": period,
        "kind": kind,
    }


@pytest.mark.parametrize(
    ("fact", "expected"),
    [
        (stated(91), Interval(F(181, 2), F(183, 2))),
        (stated(91.1, 1), Interval(F(1821, 20), F(1823, 20))),
        (stated(450000, -4, "rounded"), Interval(F(445000), F(455000))),
        (stated(100, 0, "lower"), Interval(F(100), None, low_open=True)),
        (stated(40, 0, "exact"), Interval(F(40), F(40))),
        (stated(5, 0, "upper"), Interval(None, F(5))),
        (stated(7, None), Interval(F(7), F(7))),
    ],
)
def test_the_interval_a_statement_allows(fact: dict[str, Any], expected: Interval) -> None:
    assert interval(fact) == expected


def test_a_store_of_version_2_reads_exact_as_stated_to_its_decimals() -> None:
    assert interval(stated(40, 0, "exact"), version=2) == Interval(F(79, 2), F(81, 2))
    assert interval(stated(40, 0, "exact"), version=3) == Interval(F(40), F(40))


def test_over_excludes_its_number() -> None:
    """ "Over 100" is above 100 and not 100 itself; exactly 100 differs from it."""
    over = interval(stated(100, 0, "lower"))
    assert not over.contains(F(100)) and over.contains(F(1001, 10))
    assert verdicts([stated(100, 0, "lower"), stated(100, None, "exact")]) == [DIFFER, DIFFER]
    assert interval_words(stated(10**11, -11, "lower") | {"unit": "CNY"}) == "over 100 billion yuan"


def test_the_interval_in_words() -> None:
    assert interval_words(stated(550000, -4) | {"unit": "count"}) == "rounded: 545,000 to 555,000"
    assert interval_words(stated(40, 0, "exact") | {"unit": "count"}) == "exactly 40"
    assert interval_words(stated(90, 0, "upper") | {"unit": "percent"}) == "under 90%"


def test_a_meeting_that_rests_on_a_coarse_figure_says_so() -> None:
    """ "Around 1 million" allows 500,000 up to 1.5 million: 650,000 meets it only because it is
    stated to one significant digit; the verdict names it, its interval, and the gap."""
    coarse, fine = stated(1000000, -6), stated(650000, -4)
    found = judged([fine, coarse])
    assert [item.verdict for item in found] == [TOO_COARSE, TOO_COARSE]
    assert (
        found[0].coarse
        == found[1].coarse
        == {
            "fact": coarse["id"],
            "as_stated": None,
            "low": F(500000),
            "high": F(1500000),
        }
    )
    assert found[0].gap == F(-35)
    assert verdicts([stated(1000000, -6), stated(1000000, 0)]) == [AGREE, AGREE]
    assert verdicts([fine, coarse, stated(650000, -4)]) == [AGREE, TOO_COARSE, AGREE]


def quadratic(statements: list[dict[str, Any]]) -> list[str]:
    """The definition, each statement held against every other: what the sort must give."""
    spans = [interval(fact) for fact in statements]
    found = []
    for index, fact in enumerate(statements):
        peers = [
            other
            for other, peer in enumerate(statements)
            if other != index and (peer["period"], peer["kind"]) == (fact["period"], fact["kind"])
        ]
        met = [other for other in peers if spans[index].meets(spans[other])]
        if len(statements) == 1:
            found.append(SINGLE)
        elif not peers:
            found.append(NOT_COMPARABLE)
        elif not met:
            found.append(DIFFER)
        else:
            from qingpu_cli.library.agreement import is_coarse

            fine = [
                other
                for other in met
                if not (is_coarse(fact) or is_coarse(statements[other]))
                or fact["value"] == statements[other]["value"]
            ]
            found.append(AGREE if fine else TOO_COARSE)
    return found


figures = st.builds(
    stated,
    st.integers(0, 40).map(lambda n: n * 5),
    st.sampled_from([-1, 0, 1, None]),
    st.sampled_from(["rounded", "exact", "lower", "upper"]),
    st.sampled_from([None, "2019"]),
)


@given(st.lists(figures, min_size=1, max_size=12))
def test_sorting_the_intervals_gives_what_holding_each_against_every_other_gives(
    statements: list[dict[str, Any]],
) -> None:
    assert verdicts(statements) == quadratic(statements)


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
        (92, AGREE),
        (92, AGREE),
    ]
    assert rows[3]["source"] == "shine-2021-11-04" and rows[3]["date"] == "2021-11-04"
    assert rows[4]["source"] == "shine-2021-07-26" and rows[4]["date"] == "2021-07-26"


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
    assert [item["value"] for item in described["statements"]] == [91.1, 91, 91, 92, 92]
    shown = run_cli("show", "new-city-planned-area", "--format", "table", env={"COLUMNS": "200"})
    (later,) = [item for item in described["statements"] if item["source"] == "shine-2021-11-04"]
    assert (
        "92 km\u00b2 (91.5 to 92.5 km\u00b2), no period given, plan:"
        f" {people.mark(later['verdict'])} (Shanghai Daily (shine.cn), 2021-11-04)"
    ) in shown.stdout


def test_search_finds_the_new_records_by_vetted_chinese_names() -> None:
    rows = run_cli("search", "\u590d\u65e6", "--json").json()
    assert ("partner", "fudan-university") in {(row["kind"], row["id"]) for row in rows}


def test_statements_in_different_units_are_not_comparable(bundled: dict[str, Any]) -> None:
    """No conversion is a fact of a source: 160 ha is never held against 1.6 million m²."""
    rows = compare(bundled)
    units: dict[str, set[str]] = {}
    for row in rows:
        units.setdefault(row["quantity"], set()).add(row["unit"])
    mixed = {quantity for quantity, found in units.items() if len(found) > 1}
    assert mixed, "the bundled store states some quantity in two units"
    for quantity in mixed:
        statements = [row for row in rows if row["quantity"] == quantity]
        for row in statements:
            same = [
                other
                for other in statements
                if other is not row
                and (other["unit"], other["period"], other["kind"])
                == (row["unit"], row["period"], row["kind"])
            ]
            if not same:
                assert row["verdict"] in ("not comparable", "single source"), row


@pytest.mark.parametrize("measure", ["planned-area", "planned-population"])
def test_a_wider_definition_is_its_own_quantity(bundled: dict[str, Any], measure: str) -> None:
    """Jiading's three clusters of 2013 (270 km², 800,000 people or more) include its main
    urban area (122 km², about 500,000): figures of two things, never one differing from the
    other."""
    rows = {row["fact"]: row for row in compare(bundled)}
    wider = rows[f"xinmin-2013-06-28-{measure}-three-clusters"]
    narrower = rows[f"xinmin-2013-06-28-{measure}-main-urban-area"]
    assert wider["quantity"] != narrower["quantity"]
    assert DIFFER not in (wider["verdict"], narrower["verdict"])


def test_disputed_from_compares_rows_is_disputed(bundled: dict[str, Any]) -> None:
    """The fact sheet reads the disputed figures off the rows it has compared: the same ones."""
    from qingpu_cli.library.compare import disputed, disputed_among

    facts = [fact["id"] for fact in bundled["facts"]]
    found = disputed(bundled, facts)
    assert found
    assert disputed_among(compare(bundled), facts) == found
