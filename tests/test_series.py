"""A quantity over time: `compare QUANTITY` as a series, `--chart`, the newest statement beside
each key figure, the audit's checks on the new figures, and the fact sheet's new parts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import html5lib

from conftest import Run
from qingpu_cli.library.audit import CHECKS, VERDICTS, audit
from qingpu_cli.library.compare import compare, series
from qingpu_cli.library.overview import overview
from qingpu_cli.library.timeline import period_start
from qingpu_cli.render import people
from qingpu_cli.render.formats import human_number, interval_text
from qingpu_cli.render.people import names_of
from qingpu_cli.render.report import SERIES_PERIODS, render, report_data

Cli = Callable[..., Run]


def quantities_of_several_periods(store: dict[str, Any]) -> list[str]:
    rows = compare(store)
    return [
        quantity
        for quantity in dict.fromkeys(row["quantity"] for row in rows)
        if len({row["period"] for row in rows if row["quantity"] == quantity}) > 1
    ]


def test_a_series_is_in_order_of_period_each_period_together(bundled: dict[str, Any]) -> None:
    found = quantities_of_several_periods(bundled)
    assert found
    for quantity in found:
        rows = series(compare(bundled, quantity))
        assert sorted(map(str, rows)) == sorted(map(str, compare(bundled, quantity)))
        placed = [period_start(row["period"]) for row in rows]
        known = [start for start in placed if start is not None]
        assert known == sorted(known) and placed[: len(known)] == known, quantity
        periods = [row["period"] for row in rows]
        assert all(
            periods.index(period) + periods.count(period) - 1
            == len(periods) - 1 - periods[::-1].index(period)
            for period in periods
        ), f"{quantity}: a period's statements are apart"


def test_compare_of_one_quantity_is_its_series(cli: Cli, bundled: dict[str, Any]) -> None:
    for quantity in quantities_of_several_periods(bundled):
        expected = [row["fact"] for row in series(compare(bundled, quantity))]
        assert [row["fact"] for row in cli("compare", quantity, "--json").json()] == expected


def test_the_chart_draws_one_axis_a_unit_targets_marked(cli: Cli, bundled: dict[str, Any]) -> None:
    for quantity in quantities_of_several_periods(bundled):
        rows = compare(bundled, quantity)
        drawn = cli("compare", quantity, "--chart", env={"COLUMNS": "80"})
        assert drawn.status == 0, drawn.stderr
        known = names_of(bundled)
        words = " ".join(drawn.stdout.split())  # a long label wraps at a space on a screen
        for unit in {row["unit"] for row in rows}:  # one axis a unit, headed in words
            heading = people.heading([row for row in rows if row["unit"] == unit], known)
            assert " ".join(heading.split()) in words
        for row in rows:  # each statement in words: period, kind, source, verdict, figure
            source = known.records[row["source"]]
            said = f"{row['period'] or 'no period'} [{row['kind']}] {source}"
            interval = interval_text(row["low"], row["high"])
            said += f" \u00b7 {people.mark(row['verdict'])}: {human_number(row['value'])}"
            assert said in words, said
            assert interval in words, said
    assert cli("compare", "--chart").status == 2
    assert cli("compare", "district-gdp", "--chart", "--json").status == 2


def test_each_key_figure_has_its_newest_statement_elsewhere(bundled: dict[str, Any]) -> None:
    summary = overview(bundled)
    facts = {fact["id"]: fact for fact in bundled["facts"]}
    dates = {source["id"]: source["date"] for source in bundled["sources"]}
    article = "qingpu-new-city-signing"
    for figure in summary["key_figures"]:
        quantity = facts[figure["id"]]["quantity"]
        others = [
            fact
            for fact in bundled["facts"]
            if quantity
            and fact["quantity"] == quantity
            and fact["value"] is not None
            and fact["evidence"][0]["source"] != article
        ]
        assert figure["other_sources"] == len({fact["evidence"][0]["source"] for fact in others})
        if figure["newest"] is None:
            assert not any(dates[fact["evidence"][0]["source"]] for fact in others)
            continue
        newest = dates[figure["newest"]["source"]]
        assert all((dates[fact["evidence"][0]["source"]] or "") <= newest for fact in others)


def test_the_land_share_is_checked_against_every_district_area(bundled: dict[str, Any]) -> None:
    rows = {row["id"]: row for row in audit(bundled)}
    areas = [fact["id"] for fact in bundled["facts"] if fact["quantity"] == "district-area"]
    checked = {
        check.inputs[1]
        for check in CHECKS
        if check.against == "new-city-land-share" and check.inputs[0] == "new-city-planned-area"
    }
    assert set(areas) <= checked
    for check in CHECKS:
        assert rows[check.id]["verdict"] in VERDICTS
        if all(name in {fact["id"] for fact in bundled["facts"]} for name in check.inputs):
            assert rows[check.id]["inputs"], check.id


def test_jiadings_areas_are_checked_against_each_other(bundled: dict[str, Any]) -> None:
    areas = {
        fact["id"]
        for fact in bundled["facts"]
        if (fact["quantity"] or "").startswith("jiading-new-city-planned-area")
    }
    named = {
        name
        for check in CHECKS
        if check.id.startswith("jiading-area-")
        for name in (*check.inputs, check.against)
    }
    assert named == areas


def test_the_fact_sheet_has_the_cities_the_dates_and_the_series(bundled: dict[str, Any]) -> None:
    import html
    import re

    from qingpu_cli.library.cities import cities
    from qingpu_cli.render.people import heading, names_of

    data = report_data(bundled)
    page = render(data)
    html5lib.HTMLParser(strict=True).parse(page)
    text = html.unescape(re.sub(r"<[^>]+>", "", page))
    names = names_of(bundled)
    for row in cities(bundled):
        assert row["city_name"] in data["cities"]["cities"] and row["city_name"] in text
        assert row["measure_name"] in text
    assert data["timeline"] and all(row["when"] for row in data["timeline"])
    for row in data["timeline"]:
        assert names.records[row["source"]] in text
    several = [
        quantity
        for quantity in quantities_of_several_periods(bundled)
        if len({row["period"] for row in compare(bundled, quantity) if row["period"]})
        >= SERIES_PERIODS
    ]
    titles = [chart["title"] for chart in data["series_charts"]]
    assert several
    for quantity in several:
        assert heading(compare(bundled, quantity), names) in titles
    assert set(titles) <= set(text.splitlines())
    assert 'class="aimed"' in page, "a target or plan drawn as an outline"
    assert "other sources state it" in text


def test_a_figure_with_no_least_value_is_drawn_with_no_solid_part() -> None:
    """'Nearly 30,000' allows anything under 30,000: its bar is all band, from 0 up to it; 'over
    30,000' is solid up to it and a band from there on."""
    from qingpu_cli.render.charts import ChartItem
    from qingpu_cli.render.screens import _band

    under = _band(ChartItem("under", 30, None, 30, "count", stated=True), 60, 60, False).plain
    over = _band(ChartItem("over", 30, 30, None, "count", stated=True), 60, 60, False).plain
    assert under == "\u2592" * 30 + "\u00b7" * 30
    assert over == "\u2588" * 30 + "\u2592" * 30


def test_the_chart_names_every_output_option_it_does_not_combine_with(cli: Cli) -> None:
    """The refusal is made from the declarations, so an output option added later is named."""
    from qingpu_cli.cli.commands import OUTPUT_OPTIONS

    for option in OUTPUT_OPTIONS:
        words = [option.option] if option.takes == "flag" else [option.option, "x"]
        if option.option == "--format":
            words = ["--format", "json"]
        elif option.option in ("--limit",):
            words = ["--limit", "1"]
        elif option.option in ("--fields", "--sort"):
            words = [option.option, "value"]
        result = cli("compare", "new-city-planned-area", "--chart", *words)
        assert result.status == 2, (option.option, result.stderr)
        for other in OUTPUT_OPTIONS:
            assert other.option in result.stderr
