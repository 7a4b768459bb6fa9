"""Release 3's corrections and the Chinese report of the article's signing, against the store.

Every row of `facts-r3.tsv` whose source is the Chinese report (`z56c-2025-07-30`) is a fact of
the store, and every item of `corrections-r3.tsv` is checked where the store shows it: one
verdict for a pair of figures in every command, the article placed by the date of its signing,
the university by its own name, one occasion counted once.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from conftest import SOURCES, SOURCES_ABSENT, Run, needs_sources
from qingpu_cli.library import agreement
from qingpu_cli.library.audit import audit
from qingpu_cli.library.compare import compare

Cli = Callable[..., Run]
REPORT = "z56c-2025-07-30"


def tsv(name: str) -> list[dict[str, str]]:
    lines = (SOURCES / name).read_text(encoding="utf-8").splitlines()
    names = lines[0].split("\t")
    return [dict(zip(names, line.split("\t"), strict=False)) for line in lines[1:] if line]


def report_rows() -> list[dict[str, str]]:
    """The report's rows of the release's list, read when the tests are collected: none where
    the list is absent outside CI (their test is then skipped as having no cases)."""
    if SOURCES_ABSENT:
        return []
    return [row for row in tsv("facts-r3.tsv") if row["source"] == REPORT]


def by_id(store: dict[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    return {record["id"]: record for record in store[kind]}


def none_for_dash(text: str) -> str | None:
    return None if text == "-" else text


@needs_sources
def test_the_chinese_report_is_a_source_as_listed(bundled: dict[str, Any]) -> None:
    (row,) = [row for row in tsv("sources-r3.tsv") if row["id"] == REPORT]
    source = by_id(bundled, "sources")[REPORT]
    assert (source["url"], source["date"], source["language"]) == (
        row["url"],
        row["date"],
        row["language"],
    )
    assert row["date_basis"].startswith("from the address")
    assert source["date_basis"] == "read from the address"
    assert source["file"] is None, "its text is not held: cited, never quoted"
    assert source["publisher"] is None and source["title"] is None, "the list names neither"


@needs_sources
@pytest.mark.parametrize("row", report_rows(), ids=lambda row: row["what"][:40])
def test_every_statement_of_the_chinese_report_is_a_fact(
    bundled: dict[str, Any], row: dict[str, str]
) -> None:
    """Each row as a fact citing the report: its subject, what it measures, its value and
    unit, the figure as the report writes it, the period as the report gives it (no year
    guessed), its kind; a citation without a quote."""
    cited = [
        fact
        for fact in bundled["facts"]
        if [item["source"] for item in fact["evidence"]] == [REPORT]
        and fact["measure"] == row["what"]
    ]
    assert len(cited) == 1, row["what"]
    (fact,) = cited
    value = none_for_dash(row["value"])
    assert fact["subject"] == row["subject"]
    assert fact["value"] == (None if value is None else float(value))
    assert fact["unit"] == none_for_dash(row["unit"])
    assert fact["as_stated"] == row["as stated"]
    assert fact["period"] == none_for_dash(row["period"])
    assert fact["kind"] == row["kind"]
    assert fact["evidence"] == [{"source": REPORT, "quote": None, "kind": "citation"}]
    assert row["as stated"] not in fact["statement"], "stated in the project's own words"


@needs_sources
def test_the_report_adds_no_other_fact(bundled: dict[str, Any]) -> None:
    cited = [f for f in bundled["facts"] if f["evidence"][0]["source"] == REPORT]
    assert len(cited) == len(report_rows())


# Audit item 1: the 2035 targets, and a verdict that cannot rest on a coarse figure.


def test_the_2035_check_says_its_figure_is_too_coarse(bundled: dict[str, Any]) -> None:
    (row,) = [r for r in audit(bundled) if r["id"] == "population-target-2035-against-the-city"]
    facts = by_id(bundled, "facts")
    coarse = facts[row["against"]["fact"]]
    target = facts[row["inputs"][0]["fact"]]
    assert row["verdict"] == agreement.TOO_COARSE
    span = agreement.interval(coarse)
    assert row["coarse"] == {
        "fact": coarse["id"],
        "as_stated": coarse["as_stated"],
        "low": span.low,
        "high": span.high,
    }
    assert coarse["as_stated"] in row["note"] and agreement.is_coarse(coarse)
    gap = agreement.relative_gap(
        agreement.exact_number(target["value"]), agreement.exact_number(coarse["value"])
    )
    assert row["gap"] == gap and gap is not None and gap < 0
    assert "New City's" in row["label"] and "district's" not in row["label"]


def test_every_check_and_comparison_gives_the_gap(bundled: dict[str, Any]) -> None:
    for row in audit(bundled):
        assert "gap" in row and (row["gap"] is None) == (row["low"] is None), row["id"]
    for row in compare(bundled):
        compared = row["verdict"] not in ("single source", agreement.NOT_COMPARABLE)
        assert (row["gap"] is not None) == compared, row["fact"]


# Audit item 2: one verdict for the GDP share everywhere.


def test_the_gdp_share_is_one_verdict_everywhere(cli: Cli, bundled: dict[str, Any]) -> None:
    import html

    from qingpu_cli.render.people import heading, names_of

    quantity = "new-city-gdp-share"
    compared = cli("compare", quantity, "--json").json()
    (check,) = [
        row for row in cli("audit", "--json").json() if row["id"] == "gdp-share-against-2019"
    ]
    summary = cli("overview", "--json").json()
    shown = cli("show", quantity, "--json").json()
    assert {row["verdict"] for row in compared} == {agreement.NOT_COMPARABLE}
    assert check["verdict"] == agreement.NOT_COMPARABLE
    assert quantity not in summary["disputed"]
    assert {row["verdict"] for row in shown["statements"]} == {agreement.NOT_COMPARABLE}
    sheet = cli("report", "--html", "-").stdout

    def text(markup: str) -> str:
        return html.unescape(re.sub(r"<[^>]+>", "", markup))

    names = names_of(bundled)
    disputed = re.search(r"Disputed:</span> other sources give otherwise for ([^(]*)", sheet)
    assert disputed is None or names.measures[quantity] not in text(disputed.group(1))
    title = heading(compared, names)
    (statements,) = [
        text(section)
        for section in re.findall(r'<section class="quantity">(.*?)</section>', sheet, re.S)
        if text(section).strip().startswith(title)
    ]
    assert statements.count(agreement.NOT_COMPARABLE) == len(compared)
    assert "differ" not in statements
    (row,) = [
        text(row) for row in re.findall(r"<tr>.*?</tr>", sheet, re.S) if check["label"] in text(row)
    ]
    assert agreement.NOT_COMPARABLE in row and "does not hold" not in row


def test_disputed_is_what_compare_calls_differ(bundled: dict[str, Any]) -> None:
    """The overview's disputed figures, by compare's own verdicts: never a figure of another
    period or kind."""
    from qingpu_cli.library.overview import overview

    verdicts = {row["fact"]: row["verdict"] for row in compare(bundled)}
    store = bundled
    facts = by_id(store, "facts")
    facts["new-city-planned-area"]["value"] = 95.1  # apart from every other statement of it
    summary = overview(store)
    assert summary["disputed"] == ["new-city-planned-area"]
    assert verdicts["new-city-gdp-share"] == agreement.NOT_COMPARABLE


# Audit item 3: the university's own name, the old id still found.


@needs_sources
def test_the_university_goes_by_its_own_name(cli: Cli, bundled: dict[str, Any]) -> None:
    (vetted,) = [
        row for row in tsv("glossary-zh-r3.tsv") if row["english"].startswith("University of")
    ]
    (university,) = [p for p in bundled["partners"] if vetted["chinese"] in p["aliases"]]
    assert university["name"] == vetted["english"]
    assert "Shanghai University of Technology" in university["aliases"]
    assert "translation" in university["note"]
    for typed in (vetted["chinese"], *university["former_ids"]):
        shown = cli("show", typed, "--json")
        assert shown.status == 0 and shown.json()["id"] == university["id"], typed
        cited = cli("cite", typed)
        assert cited.status == 0 and cited.stdout.startswith(vetted["english"]), typed
    agreement_parties = {party for a in bundled["agreements"] for party in a["parties"]}
    assert university["id"] in agreement_parties


# Audit item 4: one occasion, dated, its projects counted once.


def test_the_signing_is_one_event_dated_with_its_basis(cli: Cli, bundled: dict[str, Any]) -> None:
    events = cli("events", "--json").json()
    (signing,) = [e for e in events if REPORT in {i["source"] for i in e["evidence"]}]
    assert (signing["date"], signing["date_basis"]) == (
        "2025-07-25",
        "day from the text, year from the address",
    )
    report = by_id(bundled, "sources")[REPORT]
    assert report["date"][:4] == signing["date"][:4], "the year is the address's"
    assert signing["projects_signed"] == 40 and signing["projects_signed_jointly"] is None
    for former in signing["former_ids"]:
        assert cli("show", former, "--json").json()["id"] == signing["id"]
        assert cli("cite", former).status == 0
    assert all(e["projects_signed_jointly"] is None for e in events)


def test_the_overview_adds_no_counts_of_different_occasions(cli: Cli) -> None:
    events = cli("events", "--json").json()
    total = sum(event["projects_signed"] or 0 for event in events)
    screen = " ".join(cli("overview", env={"COLUMNS": "80"}).stdout.split())
    assert f"{total} projects" not in screen
    for event in events:
        if event["projects_signed"]:
            assert f"{event['projects_signed']} projects {event['date']}" in screen


# The article placed by its signing's date; its shares keep no period of their own.


def test_the_article_is_placed_by_the_signing_it_reports(cli: Cli, bundled: dict[str, Any]) -> None:
    (article,) = [s for s in cli("sources", "--json").json() if s["file"]]
    assert article["date"] is None, "the article itself still names no date"
    reports = article["reports"]
    assert (reports["date"], reports["dated_by"]) == ("2025-07-25", REPORT)
    (summarised,) = [s for s in cli("overview", "--json").json()["sources"] if s["file"]]
    assert summarised["reports"] == reports
    cited, sheet = cli("cite", "new-city-gdp-share").stdout, cli("report", "--html", "-").stdout
    assert reports["dated_by_url"] in " ".join(cited.split()), "the citation names it in words"
    assert REPORT in sheet
    for place in (cited, sheet):
        assert reports["date"] in place
        assert "is undated" not in place
    for fact in bundled["facts"]:
        if fact["share_of"] is not None and fact["evidence"][0]["source"] == article["id"]:
            assert fact["period"] is None, fact["id"]


# Audit item 11: the 500 billion yuan, read otherwise by the Chinese account.


def test_the_500_billion_notes_the_chinese_account(bundled: dict[str, Any]) -> None:
    facts = by_id(bundled, "facts")
    for fact_id in ("shio-2021-04-02-projects-investment", "shio-2021-04-02-projects-unveiled"):
        assert "Xinmin" in facts[fact_id]["note"] and "wider batch" in facts[fact_id]["note"]


# Audit item 12: the land share is of the district's total area.


def test_the_land_share_is_read_as_of_the_total_area(bundled: dict[str, Any]) -> None:
    share = by_id(bundled, "facts")["new-city-land-share"]
    assert share["share_of"]["quantity"] == "total area" and "land area" not in share["statement"]
    assert "land area" in share["note"]
    rows = [row for row in audit(bundled) if row["id"].startswith("land-share-from")]
    of_the_total = [row["label"] for row in rows if not row["id"].endswith("-land-area")]
    assert of_the_total and all("total area" in label for label in of_the_total)


# The German encyclopedia read through a mirror.


def test_the_mirror_is_named_as_such(bundled: dict[str, Any]) -> None:
    source = by_id(bundled, "sources")["wikipedia-de-qingpu"]
    assert "mirror" in source["publisher"] and "de.wikipedia.org" not in source["url"]
    (row,) = [r for r in audit(bundled) if r["id"] == "land-share-from-german-encyclopedia-area"]
    assert "mirror" in row["label"]


# Statements that said more than their source.


def test_statements_say_no_more_than_their_source(bundled: dict[str, Any]) -> None:
    facts = by_id(bundled, "facts")
    output = facts["new-city-industrial-output-share"]
    assert "the district's" in output["evidence"][0]["quote"]
    assert "planned" not in facts["shine-2021-11-04-planned-area"]["statement"]
    assert "opening step" not in facts["new-city-first-move"]["note"]
    signed = facts["shine-2021-05-28-projects-signed"]
    assert "occasion" not in signed["statement"] and "occasion" in signed["note"]
    unveiled = facts["shio-2021-04-02-projects-unveiled"]["statement"]
    assert "include" in unveiled


@needs_sources
def test_the_planning_bureau_as_written_and_no_year_guessed(bundled: dict[str, Any]) -> None:
    listed = [row for row in tsv("other-facts.tsv") if row["source"] == "ghzyj-2021-04-01"]
    facts = [f for f in bundled["facts"] if f["evidence"][0]["source"] == "ghzyj-2021-04-01"]
    assert len(listed) == len(facts)
    for row, fact in zip(listed, facts, strict=True):
        assert fact["as_stated"] == row["as stated"].split(" (")[0], fact["id"]
        if row["period"].startswith("current"):
            assert fact["period"] is None and "no year" in fact["note"], fact["id"]
        else:
            assert fact["period"] == row["period"], fact["id"]


# Precision: over excludes its number; round figures are rounded; listed counts exact.


def test_precision_as_the_readme_states_it(cli: Cli, bundled: dict[str, Any]) -> None:
    facts = by_id(bundled, "facts")
    over = facts["shine-2021-05-28-investment"]
    assert not agreement.interval(over).contains(agreement.exact_number(over["value"]))
    shown = " ".join(cli("show", over["id"], "--format", "table").stdout.split())
    assert "over 100 billion yuan" in shown and "Bound" not in shown
    residents = facts["shio-2021-04-02-residents-2035"]
    assert agreement.interval_words(residents) == "rounded: 645,000 to 655,000"
    sheet = cli("report", "--html", "-").stdout
    assert "649,999.5" not in sheet and "650,000.5" not in sheet
    for fact_id in ("projects-signed", "shio-2021-04-02-art-center-theatres"):
        span = agreement.interval(facts[fact_id])
        assert span.is_point, fact_id


def test_a_store_of_version_2_still_loads_and_reads_exact_as_stated(
    cli: Cli, bundled: dict[str, Any], write_store: Callable[[object], Path]
) -> None:
    """Version 3 made `exact` the value itself; a store of version 2 meant "as stated, to its
    decimals", and is read so."""
    bundled["schema_version"] = 2
    for fact in bundled["facts"]:
        if fact["id"] == "new-city-gdp-share":
            fact["bound"] = "exact"
    path = str(write_store(bundled))
    assert cli("--data", path, "validate").stdout.endswith("(schema version 2)\n")
    rows = cli("--data", path, "compare", "new-city-gdp-share", "--json").json()
    (article,) = [row for row in rows if row["fact"] == "new-city-gdp-share"]
    assert (article["low"], article["high"]) == (39.5, 40.5)
