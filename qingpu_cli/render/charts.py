"""Which figures share a chart's axis, for the screens and the fact sheet alike: pure data.

The input shares stand apart from the ratios derived from them, on the 0-100% axis; the ratios
are grouped by unit and power of ten, so that a ratio of 0.4 and one of 12 are never drawn
against one length; each group's axis ends at a round number at or above its largest bound.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from qingpu_cli.render.formats import format_number, unit_words

if TYPE_CHECKING:
    from qingpu_cli.render.people import Names


class ChartItem(NamedTuple):
    """One bar: what it measures, its value and the bounds its inputs' rounding allows."""

    label: str
    value: float
    low: float | None
    high: float | None
    unit: str
    aimed: bool = False
    """A target or a plan, drawn apart from what was."""
    stated: bool = False
    """A figure as a source states it (shown with every digit), not one computed from others
    (shown to three significant figures)."""


def _scale_of(item: ChartItem) -> tuple[str, int]:
    """Items that share an axis: the same unit, and for ratios the same power of ten, so that a
    ratio of 0.4 and one of 12 are never drawn against one length."""
    if item.unit == "percent":
        return item.unit, 2
    top = item.high if item.high is not None else item.value
    return item.unit, math.floor(math.log10(top)) + 1 if top > 0 else 0


def round_top(top: float) -> float:
    """The axis's end: the next of 1, 2 or 5 times a power of ten at or above the top."""
    if top <= 0:
        return 1.0
    power = 10.0 ** math.floor(math.log10(top))
    return float(next(step * power for step in (1, 2, 5, 10) if step * power >= top))


def ratio_chart_groups(
    rows: Sequence[Mapping[str, Any]], labels: Mapping[str, str]
) -> list[tuple[str, list[ChartItem]]]:
    """The input shares first, on the 0-100% axis, apart from the ratios derived from them;
    then the ratios, one group for each unit and power of ten."""
    inputs: dict[str, ChartItem] = {}
    for row in rows:
        for item in row["inputs"]:
            if item["unit"] == "percent" and item["fact"] not in inputs:
                inputs[item["fact"]] = ChartItem(
                    labels.get(item["fact"], item["fact"]),
                    float(item["value"]),
                    float(item["low"]),
                    float(item["high"]),
                    "percent",
                    stated=True,
                )
    groups: list[tuple[str, list[ChartItem]]] = []
    if inputs:
        groups.append(("Input shares, percent", list(inputs.values())))
    derived: dict[tuple[str, int], list[ChartItem]] = {}
    for row in rows:
        item = ChartItem(
            row["label"],
            float(row["value"]),
            None if row["low"] is None else float(row["low"]),
            None if row["high"] is None else float(row["high"]),
            row["unit"],
        )
        derived.setdefault(_scale_of(item), []).append(item)
    for (unit, _), items in sorted(derived.items(), key=lambda pair: (pair[0][0] != "x", pair[0])):
        name = {"x": "Ratios (times)", "percent": "Derived shares, percent"}.get(
            unit, f"Derived figures, {unit_words(unit)}"
        )
        if unit == "x":
            top = max((item.high if item.high is not None else item.value) for item in items)
            name += f", up to {format_number(round_top(top))}"
        groups.append((name, items))
    return groups


def series_chart_groups(
    rows: Sequence[Mapping[str, Any]], names: Names | None = None
) -> list[tuple[str, list[ChartItem]]]:
    """A quantity's statements over time (`compare`'s rows, in the series' order), one axis a
    unit; each bar is a statement as its source gives it, labelled with its period, whether it
    is a target or plan or what was, its source and its verdict. With the store's `names`, the
    title and the sources are in words."""
    from qingpu_cli.render.people import heading, mark

    groups: dict[str, list[Mapping[str, Any]]] = {}
    for row in rows:
        groups.setdefault(row["unit"], []).append(row)
    found: list[tuple[str, list[ChartItem]]] = []
    for unit, members in groups.items():
        items = []
        for row in members:
            source = names.records.get(row["source"], row["source"]) if names else row["source"]
            verdict = f" \u00b7 {mark(row['verdict'])}" if row.get("verdict") else ""
            label = f"{row['period'] or 'no period'} [{row['kind'] or 'kind not given'}] {source}"
            items.append(
                ChartItem(
                    label + verdict,
                    float(row["value"]),
                    None if row["low"] is None else float(row["low"]),
                    None if row["high"] is None else float(row["high"]),
                    row["unit"],
                    aimed=row["kind"] in ("target", "plan"),
                    stated=True,
                )
            )
        title = heading(members, names) if names else f"{members[0]['quantity']}, {unit}"
        found.append((title, items))
    return found
