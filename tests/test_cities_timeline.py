"""`qingpu cities` and `qingpu timeline`: the five new cities side by side, and every dated
thing in order."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from conftest import Run
from qingpu_cli.library.cities import MEASURES, NOT_GIVEN, cities
from qingpu_cli.library.timeline import period_start, timeline
from qingpu_cli.render.people import mark, names_of, statements_in_words
from qingpu_cli.store.vocabulary import CITY_MEASURES

Cli = Callable[..., Run]


def new_cities(store: dict[str, Any]) -> list[dict[str, Any]]:
    return [place for place in store["places"] if place["kind"] == "new city"]


def test_every_measure_is_declared_once_for_the_command_line() -> None:
    assert tuple(measure.id for measure in MEASURES) == CITY_MEASURES


def test_one_row_a_city_and_measure(bundled: dict[str, Any]) -> None:
    rows = cities(bundled)
    expected = [(city["id"], measure.id) for city in new_cities(bundled) for measure in MEASURES]
    assert [(row["city"], row["measure"]) for row in rows] == expected


def test_a_cell_holds_only_its_citys_figures_of_one_quantity(bundled: dict[str, Any]) -> None:
    facts = {fact["id"]: fact for fact in bundled["facts"]}
    places = {place["id"]: place for place in bundled["places"]}
    for row in cities(bundled):
        measure = next(item for item in MEASURES if item.id == row["measure"])
        city = places[row["city"]]
        expected_subject = city["part_of"] if measure.of_district else city["id"]
        quantities = {facts[item["fact"]]["quantity"] for item in row["statements"]}
        assert len(quantities) <= 1, row
        for item in row["statements"]:
            fact = facts[item["fact"]]
            assert fact["subject"] == expected_subject == row["subject"]
            assert measure.kind in (None, fact["kind"]) and measure.period in (None, fact["period"])
            assert item["source"] == fact["evidence"][0]["source"]
        assert (row["figures"] == NOT_GIVEN) == (not row["statements"])


def test_the_district_gdp_is_never_the_citys(bundled: dict[str, Any]) -> None:
    rows = {(row["city"], row["measure"]): row for row in cities(bundled)}
    for city in new_cities(bundled):
        city_facts = {item["fact"] for item in rows[city["id"], "gdp"]["statements"]}
        district = {item["fact"] for item in rows[city["id"], "district-gdp"]["statements"]}
        assert not city_facts & district


def test_every_figure_of_a_city_on_a_measure_is_in_its_cell(bundled: dict[str, Any]) -> None:
    shown = {item["fact"] for row in cities(bundled) for item in row["statements"]}
    for city in new_cities(bundled):
        for fact in bundled["facts"]:
            quantity = fact.get("quantity") or ""
            if fact["subject"] == city["id"] and quantity.endswith("planned-area"):
                assert fact["id"] in shown, fact["id"]
    assert shown


def test_measure_narrows_to_one(cli: Cli, bundled: dict[str, Any]) -> None:
    for measure in CITY_MEASURES:
        rows = cli("cities", "--measure", measure.upper(), "--json").json()
        assert {row["measure"] for row in rows} == {measure}
        assert len(rows) == len(new_cities(bundled))
    assert cli("cities", "--measure", "area").status == 2


def test_cities_json_is_its_golden_file(cli: Cli, golden: Callable[[str, str], None]) -> None:
    golden("cities.json", cli("cities", "--json").stdout)


def test_timeline_json_is_its_golden_file(cli: Cli, golden: Callable[[str, str], None]) -> None:
    golden("timeline.json", cli("timeline", "--json").stdout)


def test_every_dated_thing_is_in_order_and_the_undated_apart(bundled: dict[str, Any]) -> None:
    rows = timeline(bundled)
    whens = [row["when"] for row in rows]
    dated = [when for when in whens if when is not None]
    assert dated == sorted(dated)
    assert whens[: len(dated)] == dated, "the undated come after every dated thing"
    with_period = [fact["id"] for fact in bundled["facts"] if fact.get("period")]
    listed = [row["record"] for row in rows if row["record_kind"] == "fact"]
    assert sorted(listed) == sorted(with_period)
    events = [event["id"] for event in bundled["events"]]
    assert [row["record"] for row in rows if row["record_kind"] == "event"] != [] or not events
    for row in rows:
        if row["period"] and "no year printed" in row["period"]:
            assert row["when"] is None, row["record"]


def test_an_opening_is_on_its_day(bundled: dict[str, Any]) -> None:
    openings = [fact for fact in bundled["facts"] if (fact["measure"] or "").startswith("opening")]
    assert openings
    rows = {row["record"]: row for row in timeline(bundled)}
    for fact in openings:
        assert rows[fact["id"]]["when"] == fact["period"]


def test_from_and_to_keep_the_dated_things_of_those_years(
    cli: Cli, bundled: dict[str, Any]
) -> None:
    every = timeline(bundled)
    rows = cli("timeline", "--from", "2021", "--to", "2022", "--json").json()
    assert rows == [row for row in every if row["when"] and "2021" <= row["when"][:4] <= "2022"]
    assert cli("timeline", "--from", "twenty").status == 2
    assert cli("timeline", "--subject", "no-such-record").status == 1


def test_subject_keeps_the_things_about_it(cli: Cli, bundled: dict[str, Any]) -> None:
    subject = "shanghai-metro-line-17-west-extension"
    rows = cli("timeline", "--subject", subject, "--json").json()
    facts = {fact["id"]: fact for fact in bundled["facts"]}
    assert rows
    for row in rows:
        fact = facts[row["record"]]
        assert subject in (fact["subject"], *fact["related"])


@given(st.dates(min_value=datetime.date(1000, 1, 1)))
def test_a_day_is_placed_on_that_day(day: datetime.date) -> None:
    assert period_start(day.isoformat()) == day.isoformat()
    assert period_start(f"{day.day} {day.strftime('%B')} (no year printed)") is None
    assert period_start(f"{day.year}-{day.year + 4}") == str(day.year)


def test_a_cell_of_the_five_city_table_is_in_words(bundled: dict[str, Any]) -> None:
    """On a screen each statement names its source and carries its verdict's mark, as every
    other screen does; the JSON keeps the ids."""
    known = names_of(bundled)
    for row in cities(bundled):
        said = statements_in_words(row, known)
        if not row["statements"]:
            assert said == NOT_GIVEN
        for item in row["statements"]:
            assert known.records[item["source"]] in said
            assert f"({item['source']}" not in said and f"; {item['source']})" not in said
            if item["verdict"] is not None:  # a statement with no figure has no verdict
                assert mark(item["verdict"]) in said


def test_a_long_argument_is_cut_in_every_message_as_limit_cuts_it(cli: Cli) -> None:
    from qingpu_cli.errors import SHOWN_CHARACTERS

    typed = "9" * 5000
    shown = f"'{typed[:SHOWN_CHARACTERS]}...'"
    for words in (("facts", "--limit"), ("timeline", "--from"), ("timeline", "--to")):
        result = cli(*words, typed)
        assert result.status == 2 and len(result.stderr.splitlines()) == 1, words
        assert shown in result.stderr and typed[: SHOWN_CHARACTERS + 1] not in result.stderr
    result = cli("facts", env={"QINGPU_MAX_STORE_BYTES": "x" * 5000})
    assert result.status == 2 and f"'{'x' * SHOWN_CHARACTERS}...'" in result.stderr
