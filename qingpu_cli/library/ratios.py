"""Ratios derived from the store's facts, with bounds that say how exact they can be.

The source rounds its shares to whole percents, so 40% means anything from 39.5% to 40.5%.
Each input is taken as the interval its stated decimals allow (clipped to 0-100 for a share),
and each ratio's `low` and `high` are its least and greatest values over that box of inputs.
Every formula here is monotone in each input while its denominators keep their sign, so those
extremes lie at the corners of the box: evaluating the corners with exact fractions gives exact
bounds. A box whose corners would divide by zero has no upper bound (`high` is None).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple, cast

if TYPE_CHECKING:
    from fractions import Fraction

    from qingpu_cli.store.models import Store

Row = dict[str, Any]

LAND_SHARE = "new-city-land-share"
GDP_SHARE = "new-city-gdp-share"
OUTPUT_SHARE = "new-city-industrial-output-share"
PLANNED_AREA = "new-city-planned-area"
#: A whole number, so that naming the ratios (for `search` and `show`) imports no fractions: the
#: formulas take exact fractions, and with them it gives exact fractions.
HUNDRED = 100


class RatioDefinition(NamedTuple):
    id: str
    label: str
    formula: str
    inputs: tuple[str, ...]
    compute: Callable[[Sequence[Fraction]], Fraction]
    unit: str
    denominators: Callable[[Sequence[Fraction]], Sequence[Fraction]]


def _density_against_rest(share: Fraction, land: Fraction) -> Fraction:
    return (share / land) / ((HUNDRED - share) / (HUNDRED - land))


DEFINITIONS: tuple[RatioDefinition, ...] = (
    RatioDefinition(
        "gdp-share-per-land-share",
        "GDP share per land share: the New City's output density against the district average",
        f"GDP share / land share = {GDP_SHARE} / {LAND_SHARE}",
        (GDP_SHARE, LAND_SHARE),
        lambda v: v[0] / v[1],
        "x",
        lambda v: (v[1],),
    ),
    RatioDefinition(
        "industrial-output-share-per-land-share",
        "Industrial output share per land share",
        f"industrial output share / land share = {OUTPUT_SHARE} / {LAND_SHARE}",
        (OUTPUT_SHARE, LAND_SHARE),
        lambda v: v[0] / v[1],
        "x",
        lambda v: (v[1],),
    ),
    RatioDefinition(
        "industrial-output-share-per-gdp-share",
        "Industrial output share per GDP share",
        f"industrial output share / GDP share = {OUTPUT_SHARE} / {GDP_SHARE}",
        (OUTPUT_SHARE, GDP_SHARE),
        lambda v: v[0] / v[1],
        "x",
        lambda v: (v[1],),
    ),
    RatioDefinition(
        "implied-district-land-area",
        "Qingpu District's total area implied by the New City's planned area and its share of it",
        f"planned area / (land share / 100) = {PLANNED_AREA} / ({LAND_SHARE} / 100)",
        (PLANNED_AREA, LAND_SHARE),
        lambda v: v[0] / (v[1] / HUNDRED),
        "km2",
        lambda v: (v[1],),
    ),
    RatioDefinition(
        "rest-of-district-land-share",
        "The rest of the district's share of its land",
        f"100 - land share = 100 - {LAND_SHARE}",
        (LAND_SHARE,),
        lambda v: HUNDRED - v[0],
        "percent",
        lambda v: (),
    ),
    RatioDefinition(
        "rest-of-district-gdp-share",
        "The rest of the district's share of its GDP",
        f"100 - GDP share = 100 - {GDP_SHARE}",
        (GDP_SHARE,),
        lambda v: HUNDRED - v[0],
        "percent",
        lambda v: (),
    ),
    RatioDefinition(
        "rest-of-district-industrial-output-share",
        "The rest of the district's share of its industrial output",
        f"100 - industrial output share = 100 - {OUTPUT_SHARE}",
        (OUTPUT_SHARE,),
        lambda v: HUNDRED - v[0],
        "percent",
        lambda v: (),
    ),
    RatioDefinition(
        "rest-of-district-gdp-share-per-land-share",
        "The rest of the district's GDP share per land share",
        f"(100 - GDP share) / (100 - land share) = (100 - {GDP_SHARE}) / (100 - {LAND_SHARE})",
        (GDP_SHARE, LAND_SHARE),
        lambda v: (HUNDRED - v[0]) / (HUNDRED - v[1]),
        "x",
        lambda v: (HUNDRED - v[1],),
    ),
    RatioDefinition(
        "rest-of-district-industrial-output-share-per-land-share",
        "The rest of the district's industrial output share per land share",
        f"(100 - industrial output share) / (100 - land share)"
        f" = (100 - {OUTPUT_SHARE}) / (100 - {LAND_SHARE})",
        (OUTPUT_SHARE, LAND_SHARE),
        lambda v: (HUNDRED - v[0]) / (HUNDRED - v[1]),
        "x",
        lambda v: (HUNDRED - v[1],),
    ),
    RatioDefinition(
        "gdp-density-against-rest-of-district",
        "GDP density of the New City against the rest of the district",
        f"(GDP share / land share) / ((100 - GDP share) / (100 - land share))"
        f" with {GDP_SHARE}, {LAND_SHARE}",
        (GDP_SHARE, LAND_SHARE),
        lambda v: _density_against_rest(v[0], v[1]),
        "x",
        lambda v: (v[1], HUNDRED - v[0], HUNDRED - v[1]),
    ),
    RatioDefinition(
        "industrial-output-density-against-rest-of-district",
        "Industrial output density of the New City against the rest of the district",
        f"(industrial output share / land share)"
        f" / ((100 - industrial output share) / (100 - land share))"
        f" with {OUTPUT_SHARE}, {LAND_SHARE}",
        (OUTPUT_SHARE, LAND_SHARE),
        lambda v: _density_against_rest(v[0], v[1]),
        "x",
        lambda v: (v[1], HUNDRED - v[0], HUNDRED - v[1]),
    ),
)

RATIO_IDS = tuple(definition.id for definition in DEFINITIONS)


def ratios_as_records() -> list[tuple[str, dict[str, str]]]:
    """Each ratio as search and `show` see a record: its id, label and formula."""
    return [
        ("ratios", {"id": item.id, "name": item.label, "formula": item.formula})
        for item in DEFINITIONS
    ]


class Measured(NamedTuple):
    """A stated number and the interval its stated precision allows."""

    value: Fraction
    low: Fraction
    high: Fraction


def measured(value: float, decimals: int, is_share: bool = False) -> Measured:
    from fractions import Fraction

    from qingpu_cli.library.agreement import exact_number, half_unit

    exact = exact_number(value)
    half = half_unit(decimals)
    low, high = exact - half, exact + half
    if is_share:
        low, high = max(low, Fraction(0)), min(high, Fraction(HUNDRED))
    return Measured(exact, low, high)


def bounded(
    definition: RatioDefinition, inputs: Sequence[Measured]
) -> tuple[Fraction | None, Fraction | None, Fraction | None]:
    """(value, low, high): value None at a zero denominator, bounds None where one can be zero."""
    compute, denominators = definition.compute, definition.denominators
    centre = [item.value for item in inputs]
    value = compute(centre) if all(denominators(centre)) else None
    corners = list(itertools.product(*((item.low, item.high) for item in inputs)))
    signs = [
        {(d > 0) - (d < 0) for d in factor}
        for factor in zip(*(denominators(corner) for corner in corners), strict=True)
    ]
    if any(len(factor) > 1 or 0 in factor for factor in signs):
        return value, None, None
    results = [compute(corner) for corner in corners]
    return value, min(results), max(results)


def _facts_by_id(store: Store) -> dict[str, Mapping[str, Any]]:
    items = cast("Mapping[str, Any]", store).get("facts", [])
    return {fact["id"]: fact for fact in items}


def _prepared(
    definition: RatioDefinition, facts: Mapping[str, Mapping[str, Any]]
) -> tuple[list[Mapping[str, Any]], list[Measured]] | str:
    """The facts a ratio takes and their intervals, or why the ratio is left out."""
    missing = [
        fact_id
        for fact_id in definition.inputs
        if fact_id not in facts or facts[fact_id]["value"] is None
    ]
    if missing:
        return f"no value for {', '.join(missing)}"
    inputs = [facts[fact_id] for fact_id in definition.inputs]
    bounds = [fact["id"] for fact in inputs if fact.get("bound") in ("lower", "upper")]
    if bounds:
        return f"{', '.join(bounds)} is only a bound"
    measures = [
        measured(fact["value"], fact["decimals"], fact["share_of"] is not None) for fact in inputs
    ]
    if not all(definition.denominators([item.value for item in measures])):
        return "it divides by zero"
    return inputs, measures


def _ratio_row(
    definition: RatioDefinition, inputs: Sequence[Mapping[str, Any]], measures: list[Measured]
) -> Row:
    value, low, high = bounded(definition, measures)
    return {
        "id": definition.id,
        "label": definition.label,
        "formula": definition.formula,
        "inputs": [
            {
                "fact": fact["id"],
                "source": fact["evidence"][0]["source"],
                "value": fact["value"],
                "unit": fact["unit"],
                "low": measure.low,
                "high": measure.high,
            }
            for fact, measure in zip(inputs, measures, strict=True)
        ],
        "value": value,
        "low": low,
        "high": high,
        "unit": definition.unit,
    }


def _inputs(store: Store, source: str | None = None) -> dict[str, Mapping[str, Any]]:
    """For each quantity a ratio takes, the one statement it is computed from: the chosen
    source's where it states the quantity, else the one of the source whose text is held (the
    article the store began with), else the first. A store of version 1 names no quantities:
    each fact is its own."""
    sources = cast("Mapping[str, Any]", store).get("sources", [])
    held = {item["id"] for item in sources if item.get("file")}
    if source is not None and source not in {item["id"] for item in sources}:
        from qingpu_cli.library.lookup import not_found

        raise not_found(source, [item["id"] for item in sources], "source")
    chosen: dict[str, Mapping[str, Any]] = {}
    ranks: dict[str, int] = {}
    for fact in cast("Mapping[str, Any]", store).get("facts", []):
        quantity = fact.get("quantity") or fact["id"]
        cited = {item["source"] for item in fact["evidence"]}
        rank = 0 if source in cited else 1 if cited & held else 2
        if quantity not in chosen or rank < ranks[quantity]:
            chosen[quantity], ranks[quantity] = fact, rank
    return chosen


def derived_ratios(store: Store, source: str | None = None) -> tuple[list[Row], list[str]]:
    """The ratios whose inputs the store states, and a note for each one left out. Each input
    is a quantity's statement by the chosen source where it gives one (see `_inputs`)."""
    facts = _inputs(store, source)
    rows: list[Row] = []
    notes: list[str] = []
    for definition in DEFINITIONS:
        prepared = _prepared(definition, facts)
        if isinstance(prepared, str):
            notes.append(f"ratio {definition.id} left out: {prepared}")
        else:
            rows.append(_ratio_row(definition, *prepared))
    return rows, notes


def ratio_rows(store: Store, source: str | None = None) -> list[Row]:
    """The ratios listing: every ratio the store's facts allow."""
    return derived_ratios(store, source)[0]


def ratio_notes(store: Store, source: str | None = None) -> list[str]:
    """Why each ratio the store's facts do not allow is left out; cheaper than the ratios, since
    no bounds are computed."""
    facts = _inputs(store, source)
    reasons = ((definition, _prepared(definition, facts)) for definition in DEFINITIONS)
    return [
        f"ratio {definition.id} left out: {reason}"
        for definition, reason in reasons
        if isinstance(reason, str)
    ]


def describe_ratio(store: Store, ratio_id: str) -> Row:
    """One ratio, how it is computed, and the evidence for each of its inputs."""
    from qingpu_cli.library.lookup import not_found

    rows, notes = derived_ratios(store)
    for row in rows:
        if row["id"] == ratio_id:
            facts = _facts_by_id(store)
            titles = {
                source["id"]: source["title"]
                for source in cast("Mapping[str, Any]", store).get("sources", [])
            }
            evidence = [
                {
                    "fact": item["fact"],
                    "source": quote["source"],
                    "source_title": titles.get(quote["source"]),
                    "quote": quote["quote"],
                }
                for item in row["inputs"]
                for quote in facts[item["fact"]]["evidence"]
            ]
            return {"kind": "ratios", "id": ratio_id, "record": row, "evidence": evidence}
    reason = next((note for note in notes if f" {ratio_id} " in note), None)
    if reason is not None:
        from qingpu_cli.errors import NotFound

        raise NotFound(reason)
    raise not_found(ratio_id, list(RATIO_IDS))
