"""Shanghai's five new cities side by side, one row a city and measure.

A measure is what a cell holds: the statements of one quantity about the city (or, for a
district's figure, about the district the city is part of), narrowed to a kind and a period
where the measure names them. A quantity is recognised by its stem: `planned-area` is the
quantity `jiading-new-city-planned-area` of Jiading New City and `new-city-planned-area` of the
store's first city. Measures that count different things (a new city's GDP, its district's
GDP, its industrial output) are different measures, never one column. Every statement of a
cell keeps its source, period and `compare` verdict; nothing is averaged or picked.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from qingpu_cli.library.records import records_in
from qingpu_cli.store.vocabulary import BOUND_WORDS, SCALES

if TYPE_CHECKING:
    from qingpu_cli.store.models import Store

Row = dict[str, Any]
NOT_GIVEN = "not given"


class Measure(NamedTuple):
    id: str
    name: str
    stem: str
    """The end of the quantity id, after the subject's id (or `new-city-`, `district-`)."""
    of_district: bool = False
    """The figure is about the district the city is part of, not the city."""
    kind: str | None = None
    period: str | None = None


MEASURES: tuple[Measure, ...] = (
    Measure("planned-area", "planned area", "planned-area"),
    Measure(
        "residents-2025",
        "permanent residents, 2025 target",
        "permanent-residents",
        False,
        "target",
        "2025",
    ),
    Measure(
        "residents-2035",
        "permanent residents, 2035 target",
        "permanent-residents",
        False,
        "target",
        "2035",
    ),
    Measure("residents", "permanent residents, counted", "permanent-residents", False, "actual"),
    Measure("gdp", "GDP of the new city", "gdp"),
    Measure("district-gdp", "GDP of its district", "gdp", of_district=True),
    Measure("industrial-output", "industrial output of the new city", "industrial-output"),
    Measure("output", "total output of the new city", "output"),
    Measure("niche-industries", "industries of the 2021-2025 plans", "niche-industries"),
)


def _stem(quantity: str, subject: str) -> str:
    for prefix in (f"{subject}-", "new-city-", "district-"):
        if quantity.startswith(prefix):
            return quantity.removeprefix(prefix)
    return quantity


def amount(value: float) -> str:
    """A figure as a person reads it: 360 billion, 1.4 million, 6.6, 1,400 (every stated
    digit kept; a larger number in words, not converted)."""
    for size, word in SCALES:
        if abs(value) >= size:
            return f"{value / size:,.12g} {word}"
    return f"{value:,.12g}"


def _figure(statement: Row) -> str:
    """One statement in words for a cell: the figure with its bound and unit (or, for a
    statement with no figure, the statement), its period, source and verdict."""
    if statement["value"] is None:
        said = statement["what"]
    else:
        words = BOUND_WORDS.get(statement["bound"] or "")
        mark = f"{words} " if words else ""
        unit = "" if statement["unit"] == "count" else f" {statement['unit']}"
        said = f"{mark}{amount(statement['value'])}{unit}"
    when = statement["period"] or "no period given"
    verdict = f"; {statement['verdict']}" if statement["verdict"] else ""
    return f"{said} ({when}; {statement['source']}{verdict})"


def cities(
    store: Store, measure: str | None = None, compared: Sequence[Row] | None = None
) -> list[Row]:
    """For each new city, each measure (or the one asked for): every statement the sources give,
    or `not given`. `compared`: the store's `compare` rows, where the caller has them already."""
    from qingpu_cli.library.compare import compare

    rows_compared = compare(store) if compared is None else compared
    verdict_of = {row["fact"]: row["verdict"] for row in rows_compared}
    sources = {source["id"]: source for source in records_in(store, "sources")}
    places = records_in(store, "places")
    chosen = [item for item in MEASURES if measure is None or item.id == measure]
    by_stem: dict[tuple[str, str], list[Row]] = {}
    for fact in records_in(store, "facts"):
        if fact.get("quantity"):
            stem = _stem(fact["quantity"], fact["subject"])
            by_stem.setdefault((fact["subject"], stem), []).append(fact)
    rows: list[Row] = []
    for city in (place for place in places if place["kind"] == "new city"):
        district = next(
            (
                place["id"]
                for place in places
                if place["id"] == city["part_of"] and place["kind"] == "district"
            ),
            None,
        )
        for item in chosen:
            subject = district if item.of_district else city["id"]
            statements = []
            for fact in by_stem.get((subject, item.stem), []) if subject else []:
                if item.kind is not None and fact.get("kind") != item.kind:
                    continue
                if item.period is not None and fact.get("period") != item.period:
                    continue
                source = sources.get(fact["evidence"][0]["source"], {})
                statements.append(
                    {
                        "fact": fact["id"],
                        "what": fact["statement"],
                        "value": fact["value"],
                        "unit": fact["unit"],
                        "as_stated": fact.get("as_stated"),
                        "period": fact.get("period"),
                        "kind": fact.get("kind"),
                        "bound": fact.get("bound"),
                        "source": source.get("id"),
                        "date": source.get("date"),
                        "verdict": verdict_of.get(fact["id"]),
                    }
                )
            rows.append(
                {
                    "city": city["id"],
                    "city_name": city["name"],
                    "measure": item.id,
                    "measure_name": item.name,
                    "subject": subject,
                    "statements": statements,
                    "figures": "; ".join(_figure(s) for s in statements) or NOT_GIVEN,
                }
            )
    return rows
