"""The fact sheet: one self-contained page, every figure on it, every chart a titled SVG, and a
store's markup shown as text."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import html5lib
import pytest

from conftest import Run
from qingpu_cli import __version__
from qingpu_cli.render.formats import human_number
from qingpu_cli.render.people import source_label

Cli = Callable[..., Run]
NAMESPACE = "{http://www.w3.org/1999/xhtml}"
SVG = "{http://www.w3.org/2000/svg}"


def page(cli: Cli, *args: str) -> str:
    result = cli(*args, "report", "--html", "-")
    assert result.status == 0, result.stderr
    return result.stdout


def test_the_page_is_self_contained(cli: Cli) -> None:
    text = page(cli)
    tree = html5lib.parse(text)
    urls = {source["url"] for source in cli("sources", "--json").json() if source["url"]}
    scripts = list(tree.iter(f"{NAMESPACE}script"))
    assert [script.get("type") for script in scripts] == ["application/ld+json"], "data only"
    assert not list(tree.iter(f"{NAMESPACE}img")) and not list(tree.iter(f"{NAMESPACE}link"))
    for element in tree.iter():
        for attribute in ("src", "href"):
            value = element.get(attribute)
            if value is not None:
                assert value.startswith("#") or value in urls, value
    assert "url(" not in text and "@import" not in text


def test_every_figure_is_on_the_page(cli: Cli) -> None:
    tree = html5lib.parse(page(cli))
    words = " ".join(" ".join(element.itertext()) for element in tree.iter(f"{NAMESPACE}body"))
    for fact in cli("facts", "--json").json():
        value = fact["value"]
        if value is not None and fact["quantity"]:
            # every digit the source states, as a reader writes it (41.3 billion, 550,000)
            written = human_number(value)
            assert written in words, (fact["id"], written)
    for source in cli("sources", "--json").json():
        assert source_label(source) in words


def visible_text(text: str) -> str:
    tree = html5lib.parse(text)
    body = tree.find(f"{NAMESPACE}body")
    return " ".join(" ".join(body.itertext()).split())


def test_a_reader_reads_names_not_ids(cli: Cli) -> None:
    words = set(visible_text(page(cli)).replace(",", " ").replace(";", " ").split())
    ids = [row["id"] for row in cli("facts", "--json").json()]
    ids += [row["id"] for row in cli("sources", "--json").json()]
    ids += [row["quantity"] for row in cli("compare", "--json").json()]
    shown = [record_id for record_id in ids if record_id in words or f"({record_id})" in words]
    assert not shown


def test_the_first_pages_are_for_an_editor_and_the_rest_an_appendix(cli: Cli) -> None:
    text = page(cli)
    first, _, appendix = text.partition('<section class="appendix">')
    assert appendix and ".appendix { break-before: page; }" in text
    assert 'id="figures"' in first and 'id="shares"' in first
    assert first.count("<figure") == 1, "the shares chart once, on the first page"
    labels = re.findall(r'<div class="bar-label">([^<]*):', text)
    assert labels and len(labels) == len(set(labels)), "no bar drawn twice"
    for name in ("compare", "audit", "ratios", "partners", "events", "industries", "sources"):
        assert f'id="{name}"' in appendix, name


def test_every_stacked_cell_keeps_its_label_and_dates_never_wrap(cli: Cli) -> None:
    text = page(cli)
    tree = html5lib.parse(text)
    for table in tree.iter(f"{NAMESPACE}table"):
        assert "stack" in (table.get("class") or "")
        for cell in table.iter(f"{NAMESPACE}td"):
            assert cell.get("data-label"), "a stacked cell keeps its label"
    assert "td[data-label]::before { content: attr(data-label)" in text
    assert ".date, td.date { white-space: nowrap; }" in text
    for source in cli("sources", "--json").json():
        if source["date"]:
            assert f'<span class="date">{source["date"]}</span>' in text


def test_in_print_every_link_shows_its_address(cli: Cli) -> None:
    text = page(cli)
    rule = text.split("@media print", 1)[1]
    assert 'a[href^="http"]::after { content: " <" attr(href) ">";' in rule


def test_the_page_carries_a_schema_org_dataset(cli: Cli) -> None:
    import json

    tree = html5lib.parse(page(cli))
    head = tree.find(f"{NAMESPACE}head")
    scripts = [s for s in head.iter(f"{NAMESPACE}script") if s.get("type") == "application/ld+json"]
    assert len(scripts) == 1
    dataset = json.loads(scripts[0].text)
    assert dataset["@context"] == "https://schema.org" and dataset["@type"] == "Dataset"
    for key in ("name", "description", "dateModified", "version", "creator"):
        assert dataset[key], key
    assert dataset["version"] == __version__
    sources = cli("sources", "--json").json()
    addresses = {work.get("url") for work in dataset["isBasedOn"]}
    assert len(dataset["isBasedOn"]) == len(sources)
    assert {source["url"] for source in sources if source["url"]} <= addresses
    figures = cli("overview", "--json").json()["key_figures"]
    assert [item["value"] for item in dataset["variableMeasured"]] == [
        float(figure["value"]) for figure in figures
    ]


def test_the_json_ld_cannot_close_its_script(
    cli: Cli, bundled: dict[str, Any], write_store: Callable[[object], Path]
) -> None:
    bundled["sources"][0]["title"] = "</script><script>alert(1)</script>"
    text = page(cli, "--data", str(write_store(bundled)))
    head = text.split("</head>", 1)[0]
    assert "</script><script>" not in head
    assert head.count("</script>") == 1


def test_every_chart_is_an_svg_with_a_title_and_a_description(cli: Cli) -> None:
    tree = html5lib.parse(page(cli))
    charts = list(tree.iter(f"{SVG}svg"))
    assert len(charts) >= 3
    for chart in charts:
        assert chart.find(f"{SVG}title") is not None and chart.find(f"{SVG}desc") is not None
    assert list(tree.iter(f"{NAMESPACE}th")), "tables have header cells"


def test_a_verdict_is_a_word_and_a_mark_not_a_colour_alone(cli: Cli) -> None:
    text = page(cli)
    assert "\u2717 differ" in text and "\u2713 agree" in text and "\u2717 does not hold" in text


def test_a_hostile_store_shows_its_markup_as_text(
    cli: Cli, bundled: dict[str, Any], write_store: Callable[[object], Path]
) -> None:
    hostile = '<script>alert("x")</script> & "quoted"'
    bundled["partners"][0]["name"] = hostile
    bundled["places"][3]["name"] = hostile
    text = page(cli, "--data", str(write_store(bundled)))
    tree = html5lib.parse(text)
    assert not list(tree.find(f"{NAMESPACE}body").iter(f"{NAMESPACE}script"))
    words = " ".join(tree.find(f"{NAMESPACE}body").itertext())
    assert hostile in words
    assert "&lt;script&gt;" in text


def test_a_file_is_written_whole_and_an_unwritable_one_is_one_line(
    cli: Cli, tmp_path: Path
) -> None:
    target = tmp_path / "sheet.html"
    assert cli("report", "--html", str(target)).status == 0
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    result = cli("report", "--html", str(tmp_path / "missing" / "sheet.html"))
    assert result.status == 1 and len(result.stderr.splitlines()) == 1
    assert sorted(path.name for path in tmp_path.iterdir()) == ["sheet.html"]


def without_the_time(text: str) -> str:
    text = re.sub(r'"dateModified": "[^"]*"', '"dateModified"', text)
    return re.sub(r"\d{4}-\d\d-\d\d \d\d:\d\d UTC", "Made", text)


def test_the_fast_path_writes_the_apps_page(cli: Cli) -> None:
    import io

    from qingpu_cli.cli.parser import answer
    from qingpu_cli.cli.run import Streams

    out = io.StringIO()
    assert answer(["report", "--html", "-"], Streams(None, out, io.StringIO(), False, False)) == 0
    assert without_the_time(out.getvalue()) == without_the_time(page(cli))


@pytest.mark.parametrize("args", [["report"], ["report", "--html"], ["report", "--html", " "]])
def test_a_report_without_a_file_is_a_usage_error(cli: Cli, args: list[str]) -> None:
    result = cli(*args)
    assert result.status == 2 and len(result.stderr.splitlines()) == 1


def test_the_new_cities_stand_side_by_side_where_the_store_gives_their_figures(
    cli: Cli, bundled: dict[str, Any], write_store: Callable[[object], Path]
) -> None:
    assert 'id="cities"' not in page(cli), "shown only where the store has figures for them"
    cities = [place for place in bundled["places"] if place["kind"] == "new city"]
    template = bundled["facts"][0]
    for number, city in enumerate(cities[:2]):
        fact = {**template, "id": f"{city['id']}-area-test", "subject": city["id"]}
        fact["quantity"] = f"{city['id']}-area-test"
        fact["value"] = 10 + number
        bundled["facts"].append(fact)
    text = page(cli, "--data", str(write_store(bundled)))
    first = text.partition('<section class="appendix">')[0]
    assert 'id="cities"' in first
    for city in cities:
        assert city["name"] in first
