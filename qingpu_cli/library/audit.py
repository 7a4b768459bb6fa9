"""Checks between figures: does the arithmetic of the sources hold?

Each check computes a figure from others (the New City's share of the district's land from its
planned area and the district's area, say) over the exact intervals its inputs' precision
allows, as `ratios` does, and holds the result against a figure a source states. It holds when
the two can be true together (some value the inputs allow is one the stated figure allows);
it does not hold when they cannot; it cannot tell when the store lacks an input or an input is
only a bound.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple, cast

from qingpu_cli.library.agreement import (
    NOT_COMPARABLE,
    TOO_COARSE,
    Interval,
    coarse_figure,
    comparable,
    exact_number,
    interval,
    is_coarse,
    number_words,
    percent_words,
    relative_gap,
    store_version,
)
from qingpu_cli.library.ratios import Measured, RatioDefinition, bounded

if TYPE_CHECKING:
    from fractions import Fraction

    from qingpu_cli.store.models import Store

Row = dict[str, Any]
HOLDS, FAILS, UNKNOWN = "holds", "does not hold", "cannot tell"
#: Every verdict a check can give.
VERDICTS = (HOLDS, FAILS, UNKNOWN, NOT_COMPARABLE, TOO_COARSE)
#: A whole number: the checks are declared without importing fractions (`cite` names them);
#: their formulas take exact fractions, and with them it gives exact fractions.
HUNDRED = 100


class Check(NamedTuple):
    """A figure computed from others, held against a figure a source states. The computed
    figure is a ratio, declared as `ratios` declares one (inputs, computation, denominators,
    unit), so that a check's bounds and a ratio's are worked out by the one rule."""

    computed: RatioDefinition
    against: str
    """The stated figure the computed one is held against."""

    @property
    def id(self) -> str:
        return self.computed.id

    @property
    def label(self) -> str:
        return self.computed.label

    @property
    def formula(self) -> str:
        """The computation, and the figure it is held against."""
        return f"{self.computed.formula}, against {self.against}"

    @property
    def inputs(self) -> tuple[str, ...]:
        """The facts the figure is computed from, in the order its computation takes them."""
        return self.computed.inputs

    @property
    def unit(self) -> str:
        return self.computed.unit


def _share(values: Sequence[Fraction]) -> Fraction:
    return values[0] / values[1] * HUNDRED


def _identity(values: Sequence[Fraction]) -> Fraction:
    return values[0]


def _share_of(check_id: str, label: str, part: str, whole: str) -> RatioDefinition:
    """A part over a whole, in percent: its formula names the two facts it is computed from."""
    return RatioDefinition(
        check_id, label, f"{part} / {whole} * 100", (part, whole), _share, "percent", _whole
    )


def _whole(values: Sequence[Fraction]) -> Sequence[Fraction]:
    return (values[1],)


def _as_given(check_id: str, label: str, given: str, unit: str) -> RatioDefinition:
    """One figure as its source states it, to hold against another."""
    return RatioDefinition(check_id, label, given, (given,), _identity, unit, _no_denominator)


def _no_denominator(values: Sequence[Fraction]) -> Sequence[Fraction]:
    return ()


def _land_share_check(name: str, label: str, district_area: str) -> Check:
    """The article's land share, against its planned area over one source's district area."""
    return Check(
        _share_of(f"land-share-from-{name}", label, "new-city-planned-area", district_area),
        "new-city-land-share",
    )


CHECKS: tuple[Check, ...] = (
    _land_share_check(
        "english-encyclopedia-area",
        "The article's 13% share of the district's area, against its planned area over the"
        " district's total area as the English encyclopedia gives it",
        "wikipedia-en-qingpu-area",
    ),
    _land_share_check(
        "german-encyclopedia-area",
        "The article's 13% share of the district's area, against its planned area over the"
        " district's total area as the German encyclopedia gives it (read through a mirror)",
        "wikipedia-de-qingpu-area",
    ),
    *(
        _land_share_check(
            name,
            f"The article's 13% share of the district's area, against its planned area over the"
            f" district's {what}",
            fact,
        )
        for name, what, fact in (
            (
                "chinese-encyclopedia-total-area",
                "total area as the Chinese encyclopedia gives it",
                "wikipedia-zh-qingpu-area",
            ),
            (
                "chinese-encyclopedia-land-area",
                "land alone (without its water) as the Chinese encyclopedia gives it",
                "wikipedia-zh-qingpu-land-area",
            ),
            (
                "japanese-encyclopedia-area",
                "total area as the Japanese encyclopedia gives it",
                "wikipedia-ja-qingpu-area",
            ),
            (
                "german-encyclopedia-2018-area",
                "total area as the German encyclopedia's 2018 revision gives it",
                "wikipedia-de-qingpu-2018-area",
            ),
        )
    ),
    Check(
        RatioDefinition(
            "district-land-and-water-against-total",
            "The Chinese encyclopedia's land and water areas of the district added up, against"
            " the total area it gives",
            "wikipedia-zh-qingpu-land-area + wikipedia-zh-qingpu-water-area",
            ("wikipedia-zh-qingpu-land-area", "wikipedia-zh-qingpu-water-area"),
            lambda v: v[0] + v[1],
            "km2",
            _no_denominator,
        ),
        "wikipedia-zh-qingpu-area",
    ),
    *(
        Check(
            _as_given(f"jiading-area-{name}", f"Jiading New City's {what}", given, "km2"),
            against,
        )
        for name, what, given, against in (
            (
                "159-5-against-about-160",
                "159.5 km² of 2021, against the about 160 km² of another 2021 report",
                "chinadaily-2021-09-16-jiading-planned-area",
                "shine-2021-03-30-planned-area",
            ),
            (
                "159-5-against-160-after-enlargement",
                "159.5 km² after its enlargement to the north, against the 160 km² after its"
                " enlargement of January 2021",
                "chinadaily-2021-09-16-jiading-planned-area",
                "shine-2021-01-26-planned-area",
            ),
            (
                "main-urban-area-2013-against-2021",
                "main urban area of 2013 (122 km²), against its area after the 2021"
                " enlargement: an enlargement, so not the same figure",
                "xinmin-2013-06-28-planned-area-main-urban-area",
                "shine-2021-01-26-planned-area",
            ),
            (
                "three-clusters-2013-against-2021",
                "three clusters of 2013 together (270 km²), against its area of 2021: a wider"
                " definition, so not the same figure",
                "xinmin-2013-06-28-planned-area-three-clusters",
                "shine-2021-01-26-planned-area",
            ),
        )
    ),
    Check(
        _as_given(
            "gdp-share-against-2019",
            "The article's GDP share (no year given), against the planning bureau's share for 2019",
            "ghzyj-2021-04-01-gdp-share",
            "percent",
        ),
        "new-city-gdp-share",
    ),
    Check(
        _as_given(
            "population-target-2035-against-the-city",
            "The New City's 2035 target of permanent residents, against the city's guideline of"
            " around a million for each new city",
            "shio-2021-04-02-residents-2035",
            "count",
        ),
        "shine-2021-03-02-each-residents-2035",
    ),
    Check(
        _share_of(
            "gdp-2019-against-share-and-district-gdp",
            "The New City's 2019 GDP over the district's 2019 GDP, against its 2019 share",
            "ghzyj-2021-04-01-gdp",
            "district-gdp-2019",
        ),
        "ghzyj-2021-04-01-gdp-share",
    ),
)


def _measured(fact: Mapping[str, Any], version: int) -> Measured | None:
    """The interval a figure allows, as `ratios` takes it; None for an open bound."""
    span = interval(fact, version)
    if span.low is None or span.high is None:
        return None
    return Measured(exact_number(fact["value"]), span.low, span.high)


def _comparable(check: Check, facts: Mapping[str, Mapping[str, Any]]) -> bool:
    """A check's figures are comparable when they are all of one period, and a figure held
    directly against another (a check of one input) is of the same kind."""
    named = [facts[name] for name in (*check.inputs, check.against)]
    if len({fact.get("period") for fact in named}) > 1:
        return False
    return len(check.inputs) > 1 or comparable(named[0], named[-1])


def _coarse(
    check: Check, facts: Mapping[str, Mapping[str, Any]], version: int
) -> Mapping[str, Any] | None:
    """The figure of the check stated to a single significant digit, if one is."""
    for name in (check.against, *check.inputs):
        if is_coarse(facts[name], version):
            return facts[name]
    return None


def _citation(fact: Mapping[str, Any], measure: Measured | None) -> Row:
    return {
        "fact": fact["id"],
        "source": fact["evidence"][0]["source"],
        "value": fact["value"],
        "unit": fact["unit"],
        "period": fact.get("period"),
        "low": None if measure is None else measure.low,
        "high": None if measure is None else measure.high,
    }


def audit(store: Store) -> list[Row]:
    """Every check, with its formula, inputs, the exact interval it computes, the figure it is
    held against and its verdict. A check whose inputs the store lacks cannot tell."""
    facts = {fact["id"]: fact for fact in cast("Mapping[str, Any]", store).get("facts", [])}
    version = store_version(cast("Mapping[str, Any]", store))
    rows: list[Row] = []
    for check in CHECKS:
        missing = [name for name in (*check.inputs, check.against) if name not in facts]
        row: Row = {
            "id": check.id,
            "label": check.label,
            "formula": check.formula,
            "inputs": [],
            "low": None,
            "high": None,
            "unit": check.unit,
            "against": None,
            "verdict": UNKNOWN,
            "gap": None,
            "coarse": None,
            "note": None,
        }
        if missing:
            row["note"] = f"the store has no {', '.join(missing)}"
            rows.append(row)
            continue
        measures = [_measured(facts[name], version) for name in check.inputs]
        row["inputs"] = [
            _citation(facts[name], measure)
            for name, measure in zip(check.inputs, measures, strict=True)
        ]
        target = facts[check.against]
        stated = interval(target, version)
        row["against"] = _citation(target, _measured(target, version)) | {
            "low": stated.low,
            "high": stated.high,
        }
        known = [measure for measure in measures if measure is not None]
        if len(known) < len(measures):
            row["note"] = "an input is only a bound"
            rows.append(row)
            continue
        value, low, high = bounded(check.computed, known)
        row["low"], row["high"] = low, high
        stated_value = exact_number(target["value"])
        if value is not None:
            row["gap"] = relative_gap(value, stated_value)
        named = (*check.inputs, check.against)
        periods = list(dict.fromkeys(facts[name].get("period") for name in named))
        if len(periods) > 1:
            row["note"] = "the figures are of different periods: " + ", ".join(
                str(period) if period else "none given" for period in periods
            )
        if not _comparable(check, facts):
            row["verdict"] = NOT_COMPARABLE
        elif low is not None and high is not None:
            meets = Interval(low, high).meets(stated)
            coarse = _coarse(check, facts, version) if meets else None
            if coarse is not None and value != stated_value:
                row["verdict"], row["coarse"] = TOO_COARSE, coarse_figure(coarse, version)
                row["note"] = _coarse_note(row["coarse"], row["gap"])
            else:
                row["verdict"] = HOLDS if meets else FAILS
        rows.append(row)
    return rows


def _coarse_note(coarse: Mapping[str, Any], gap: Fraction | None) -> str:
    """Why a verdict is `too coarse`, in words: the figure, its interval, the gap."""
    said = f" ({coarse['as_stated']})" if coarse["as_stated"] else ""
    apart = ""
    if gap:
        side = "below" if gap < 0 else "above"
        apart = f"; the computed value is {percent_words(abs(gap))}% {side} the stated one"
    return (
        f"{coarse['fact']}{said} is stated to one significant digit: it allows"
        f" {number_words(coarse['low'])} up to {number_words(coarse['high'])}, too wide to"
        f" test the other{apart}"
    )


def failing(rows: Sequence[Mapping[str, Any]]) -> list[str]:
    return [row["id"] for row in rows if row["verdict"] == FAILS]
