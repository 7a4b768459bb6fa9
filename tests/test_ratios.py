"""Ratios and their bounds: exact with fractions, derived from the store's facts alone."""

from __future__ import annotations

import copy
from fractions import Fraction as F
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qingpu_cli.errors import NotFound
from qingpu_cli.library.ratios import (
    DEFINITIONS,
    Measured,
    bounded,
    derived_ratios,
    describe_ratio,
    measured,
)


def by_id(store: dict[str, Any]) -> dict[str, dict[str, Any]]:
    rows, notes = derived_ratios(store)
    assert notes == []
    return {row["id"]: row for row in rows}


@pytest.mark.parametrize(
    ("ratio_id", "value", "low", "high"),
    [
        ("gdp-share-per-land-share", F(40, 13), F(395, 135), F(405, 125)),
        ("industrial-output-share-per-land-share", F(65, 13), F(645, 135), F(655, 125)),
        ("industrial-output-share-per-gdp-share", F(65, 40), F(645, 405), F(655, 395)),
        ("implied-district-land-area", F(9110, 13), F(91050, 135), F(91150, 125)),
        ("rest-of-district-land-share", F(87), F(865, 10), F(875, 10)),
        ("rest-of-district-gdp-share-per-land-share", F(60, 87), F(595, 875), F(605, 865)),
        (
            "gdp-density-against-rest-of-district",
            F(40 * 87, 13 * 60),
            F(395 * 865, 135 * 605),
            F(405 * 875, 125 * 595),
        ),
    ],
)
def test_exact_values_and_bounds_for_the_bundled_store(
    bundled: dict[str, Any], ratio_id: str, value: F, low: F, high: F
) -> None:
    row = by_id(bundled)[ratio_id]
    assert (row["value"], row["low"], row["high"]) == (value, low, high)


def test_ratios_follow_the_facts_not_the_code(bundled: dict[str, Any]) -> None:
    bundled["facts"][2]["value"] = 26
    assert by_id(bundled)["gdp-share-per-land-share"]["value"] == 2


def test_formula_names_the_facts_it_uses(bundled: dict[str, Any]) -> None:
    for row in by_id(bundled).values():
        for item in row["inputs"]:
            assert item["fact"] in row["formula"]


def test_an_input_another_source_states_is_taken_from_it(bundled: dict[str, Any]) -> None:
    bundled["facts"] = [f for f in bundled["facts"] if f["id"] != "new-city-planned-area"]
    rows, notes = derived_ratios(bundled)
    (row,) = [row for row in rows if row["id"] == "implied-district-land-area"]
    assert (row["inputs"][0]["fact"], row["inputs"][0]["source"]) == (
        "shio-2021-04-02-planned-area",
        "shio-2021-04-02",
    )
    assert notes == []


def test_a_source_chosen_gives_its_inputs_where_it_has_them(bundled: dict[str, Any]) -> None:
    rows, _ = derived_ratios(bundled, "ghzyj-2021-04-01")
    (row,) = [row for row in rows if row["id"] == "gdp-share-per-land-share"]
    assert [item["source"] for item in row["inputs"]] == [
        "ghzyj-2021-04-01",
        "qingpu-new-city-signing",
    ]
    assert row["value"] == F(354, 130)  # 35.4% in 2019 per 13% of the land


def test_missing_inputs_leave_a_ratio_out_with_a_note(bundled: dict[str, Any]) -> None:
    bundled["facts"] = [f for f in bundled["facts"] if f.get("quantity") != "new-city-planned-area"]
    rows, notes = derived_ratios(bundled)
    assert "implied-district-land-area" not in {row["id"] for row in rows}
    assert notes == [
        "ratio implied-district-land-area left out: no value for new-city-planned-area"
    ]
    assert len(rows) == len(DEFINITIONS) - 1


def test_a_store_without_facts_has_no_ratios(bundled: dict[str, Any]) -> None:
    bundled["facts"] = []
    rows, notes = derived_ratios(bundled)
    assert rows == []
    assert len(notes) == len(DEFINITIONS)


def test_zero_denominator_never_crashes(bundled: dict[str, Any]) -> None:
    bundled["facts"][1]["value"] = 0
    rows, notes = derived_ratios(bundled)
    kept = {row["id"]: row for row in rows}
    assert "gdp-share-per-land-share" not in kept
    assert "ratio gdp-share-per-land-share left out: it divides by zero" in notes
    assert kept["rest-of-district-land-share"]["value"] == 100


def test_a_denominator_that_can_be_zero_leaves_the_bounds_open() -> None:
    (definition,) = [d for d in DEFINITIONS if d.id == "gdp-share-per-land-share"]
    spanning_zero = Measured(F(1, 10), F(-1, 10), F(3, 10))
    value, low, high = bounded(definition, [measured(40, 0), spanning_zero])
    assert (value, low, high) == (400, None, None)


def test_show_explains_a_ratio_with_evidence(bundled: dict[str, Any]) -> None:
    described = describe_ratio(bundled, "gdp-share-per-land-share")
    assert [item["fact"] for item in described["evidence"]] == [
        "new-city-gdp-share",
        "new-city-land-share",
    ]
    assert described["evidence"][0]["quote"] == "creating 40% of the district's GDP"


def test_show_of_a_ratio_left_out_says_why(bundled: dict[str, Any]) -> None:
    bundled["facts"] = []
    with pytest.raises(NotFound, match="left out"):
        describe_ratio(bundled, "gdp-share-per-land-share")


shares = st.integers(min_value=1, max_value=99)
decimals = st.integers(min_value=0, max_value=3)


@given(share=shares, land=shares, places=decimals)
def test_low_value_high_hold_for_any_inputs(share: int, land: int, places: int) -> None:
    for definition in DEFINITIONS:
        inputs = [measured(share, places, True), measured(land, places, True)][
            : len(definition.inputs)
        ]
        value, low, high = bounded(definition, inputs)
        assert value is not None
        if low is not None and high is not None:
            assert low <= value <= high


@given(share=shares, land=shares, places=st.integers(min_value=0, max_value=2))
def test_more_precise_inputs_give_narrower_bounds(share: int, land: int, places: int) -> None:
    for definition in DEFINITIONS:
        coarse = [measured(share, places, True), measured(land, places, True)]
        fine = [measured(share, places + 1, True), measured(land, places + 1, True)]
        count = len(definition.inputs)
        _, coarse_low, coarse_high = bounded(definition, coarse[:count])
        _, fine_low, fine_high = bounded(definition, fine[:count])
        assert fine_low is not None and fine_high is not None
        if coarse_low is not None and coarse_high is not None:
            assert coarse_low <= fine_low <= fine_high <= coarse_high
            assert fine_high - fine_low < coarse_high - coarse_low


@given(
    gdp=st.fractions(min_value=F(1, 10), max_value=F(99)),
    land=st.fractions(min_value=F(1, 10), max_value=F(99)),
    t=st.fractions(min_value=0, max_value=1),
    u=st.fractions(min_value=0, max_value=1),
)
def test_bounds_contain_every_value_inside_the_box(gdp: F, land: F, t: F, u: F) -> None:
    """Corner evaluation is exact only if no point inside the box escapes the bounds."""
    half = F(1, 2)
    box = [Measured(gdp, gdp - half, gdp + half), Measured(land, land - half, land + half)]
    for definition in DEFINITIONS:
        count = len(definition.inputs)
        _value, low, high = bounded(definition, box[:count])
        if low is None or high is None:
            continue
        inside = [
            box[0].low + t * (box[0].high - box[0].low),
            box[1].low + u * (box[1].high - box[1].low),
        ]
        assert low <= definition.compute(inside[:count]) <= high


def test_a_share_interval_is_clipped_to_0_and_100() -> None:
    assert measured(100, 0, True).high == 100
    assert measured(0, 0, True).low == 0
    assert measured(91.1, 1) == Measured(F(911, 10), F(9105, 100), F(9115, 100))


def test_bundled_store_is_not_changed_by_deriving(bundled: dict[str, Any]) -> None:
    before = copy.deepcopy(bundled)
    derived_ratios(bundled)
    assert bundled == before
