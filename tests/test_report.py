"""The fact sheet: one self-contained page whose first two pages hold what an editor needs (from
the store: the place, the sources, the key figures, the shares, the new cities, the main dates)
and the rest an appendix; every figure on it, names rather than ids, every chart a titled SVG,
a schema.org Dataset in its head, and a store's markup shown as text."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import html5lib
import pytest

from conftest import Run
from qingpu_cli import __version__
from qingpu_cli.render.formats import figure_text, human_number, year_text
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


def visible_text(text: str) -> str:
    text = re.sub(r'<span class="date">([^<]*)</span>', r"\1", text)
    body = html5lib.parse(text).find(f"{NAMESPACE}body")
    return " ".join(" ".join(body.itertext()).split())


def test_every_figure_is_on_the_page(cli: Cli) -> None:
    words = visible_text(page(cli))
    for fact in cli("facts", "--json").json():
        if fact["value"] is not None and fact["quantity"]:
            # every digit the source states, as a reader writes it (41.3 billion, 550,000)
            written = (year_text if fact["unit"] == "year" else human_number)(fact["value"])
            assert written in words, (fact["id"], written)
    for source in cli("sources", "--json").json():
        assert source_label(source) in words


def parts(text: str) -> tuple[str, str]:
    """The two pages for an editor, and the appendix after its page break."""
    first, marker, appendix = text.partition('<section class="appendix">')
    assert marker and appendix
    return first, appendix


def test_the_first_pages_hold_what_an_editor_needs_from_the_store(cli: Cli) -> None:
    text = page(cli)
    first, _ = parts(text)
    words = visible_text(first + "</body>")
    overview = cli("overview", "--json").json()
    sources = cli("sources", "--json").json()
    dates = sorted(source["date"] for source in sources if source["date"])
    assert overview["place"]["name"] in words
    assert f"From {len(sources)} sources, dated {dates[0]} to {dates[-1]}" in words
    facts = {fact["id"]: fact for fact in cli("facts", "--json").json()}
    names = {source["id"]: source_label(source) for source in sources}
    for figure in overview["key_figures"]:
        fact = facts[figure["id"]]
        assert figure["statement"] in words
        assert figure_text(fact["value"], fact["unit"], fact["bound"], fact["measure"]) in words
        for source in fact["sources"]:
            assert names[source] in words
        newest = figure["newest"]
        if newest:
            bound = facts[newest["fact"]]["bound"]
            written = figure_text(newest["value"], newest["unit"], bound, fact["measure"])
            period = f", {newest['period']}" if newest["period"] else ""
            assert f"{written}{period}" in words
            assert names[newest["source"]] in words
    assert words.count("disputed") == len(overview["disputed"])
    assert first.count('<figure class="chart"') == 1, "the shares chart, once"
    for share in overview["shares"]:
        assert f"{share['value']}%" in words
    cities = cli("cities", "--json").json()
    for name in {row["city_name"] for row in cities} | {row["measure_name"] for row in cities}:
        assert name in words
    for row in cli("timeline", "--json").json():
        if row["when"] and (row["record_kind"] != "fact" or row["value"] is None):
            assert row["what"] in words


def test_a_disputed_key_figure_is_marked_on_the_first_page(
    cli: Cli, bundled: dict[str, Any], write_store: Callable[[object], Path]
) -> None:
    # a key figure apart from every other statement of its quantity: compare calls it differ
    figure = cli("overview", "--json").json()["key_figures"][0]
    (fact,) = [fact for fact in bundled["facts"] if fact["id"] == figure["id"]]
    fact["value"] = round(fact["value"] * 1.5, fact["decimals"])
    path = str(write_store(bundled))
    disputed = cli("--data", path, "overview", "--json").json()["disputed"]
    assert disputed == [figure["id"]]
    first, _ = parts(page(cli, "--data", path))
    words = visible_text(first + "</body>")
    (row,) = [row for row in re.findall(r"<tr>.*?</tr>", first, re.S) if fact["statement"] in row]
    assert "\u2717 disputed" in row
    assert words.count("\u2717 disputed") == 1
    measure = cli("--data", path, "compare", fact["quantity"], "--json").json()
    assert measure and any(row["verdict"] == "differ" for row in measure)
    given = re.search(r"\u2717 Disputed: other sources give otherwise for ([^(]*)", words)
    assert given and fact["measure"] in given.group(1)


def test_everything_else_follows_in_the_appendix(cli: Cli) -> None:
    text = page(cli)
    first, appendix = parts(text)
    assert ".appendix { break-before: page; }" in text
    for name in ("compare", "audit", "ratios", "series", "partners", "events", "industries"):
        assert f'id="{name}"' in appendix and f'id="{name}"' not in first, name
    assert 'id="sources"' in appendix and 'id="citations"' in appendix
    words = visible_text("<body>" + appendix)
    statements = cli("compare", "--json").json()
    assert appendix.count('<span class="verdict verdict-') == len(statements)
    assert appendix.count('<section class="quantity">') == len({s["quantity"] for s in statements})
    for row in cli("audit", "--json").json() + cli("ratios", "--json").json():
        assert row["label"] in words
    for kind in ("partners", "events", "industries"):
        for row in cli(kind, "--json").json():
            assert row["name"] in words
    labels = re.findall(r'<div class="bar-label">(.*?): <span', text)
    shares = [row["fact"] for row in cli("overview", "--json").json()["shares"]]
    assert shares and len(labels) > len(shares)
    share_labels = set(labels[: len(shares)])
    assert len(share_labels) == len(shares)
    assert all(labels.count(label) == 1 for label in share_labels), "each share drawn once"


def test_a_reader_reads_names_not_ids(cli: Cli) -> None:
    # the citations are `qingpu cite`'s, which name each record by its id on purpose
    text = page(cli).split('<h2 id="citations">')[0] + "</body>"
    words = set(visible_text(text).replace(",", " ").replace(";", " ").split())
    ids = [row["id"] for row in cli("facts", "--json").json()]
    ids += [row["id"] for row in cli("sources", "--json").json()]
    ids += [row["id"] for row in cli("events", "--json").json()]
    ids += [row["quantity"] for row in cli("compare", "--json").json()]
    ids += [row["city"] for row in cli("cities", "--json").json()]
    assert ids
    shown = {record_id for record_id in ids if record_id in words or f"({record_id})" in words}
    assert not shown


def test_every_stacked_cell_keeps_its_label_and_dates_never_wrap(cli: Cli) -> None:
    text = page(cli)
    tree = html5lib.parse(text)
    tables = list(tree.iter(f"{NAMESPACE}table"))
    assert tables
    for table in tables:
        assert "stack" in (table.get("class") or "")
        for cell in table.iter(f"{NAMESPACE}td"):
            assert cell.get("data-label"), "a stacked cell keeps its label"
    assert "td[data-label]::before { content: attr(data-label)" in text
    assert ".date { white-space: nowrap; }" in text
    for source in cli("sources", "--json").json():
        if source["date"]:
            assert f'<span class="date">{source["date"]}</span>' in text
    assert not re.search(r"(?<![\d>-])\d{4}-\d\d-\d\d(?![\d<])", visible_markup(text)), (
        "a bare date"
    )


def visible_markup(text: str) -> str:
    """The body's text a page shows, less the dates kept on one line (and the charts' titles for
    assistive technology, which are not laid out in lines)."""
    body = text.split("<body>", 1)[1]
    body = re.sub(r'<span class="date">[^<]*</span>|<svg.*?</svg>', "", body, flags=re.S)
    return re.sub(r"<[^>]*>", " ", body.split('<h2 id="citations">')[0])


def test_in_print_every_link_shows_its_address(cli: Cli) -> None:
    text = page(cli)
    rule = text.split("@media print", 1)[1]
    assert 'a[href^="http"]::after { content: " <" attr(href) ">";' in rule


def test_the_page_carries_a_schema_org_dataset(cli: Cli) -> None:
    import json

    head = html5lib.parse(page(cli)).find(f"{NAMESPACE}head")
    scripts = [s for s in head.iter(f"{NAMESPACE}script") if s.get("type") == "application/ld+json"]
    assert len(scripts) == 1
    dataset = json.loads(scripts[0].text)
    assert dataset["@context"] == "https://schema.org" and dataset["@type"] == "Dataset"
    for key in ("name", "description", "dateModified", "version", "creator"):
        assert dataset[key], key
    assert dataset["version"] == __version__
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", dataset["dateModified"])
    sources = cli("sources", "--json").json()
    assert len(dataset["isBasedOn"]) == len(sources)
    assert [work.get("url") for work in dataset["isBasedOn"]] == [s["url"] for s in sources]
    figures = cli("overview", "--json").json()["key_figures"]
    measured = dataset["variableMeasured"]
    assert [item["value"] for item in measured] == [float(f["value"]) for f in figures]
    assert [item["description"] for item in measured] == [f["statement"] for f in figures]
    assert all(item["@type"] == "PropertyValue" and item["name"] for item in measured)


def test_the_json_ld_cannot_close_its_script(
    cli: Cli, bundled: dict[str, Any], write_store: Callable[[object], Path]
) -> None:
    import json

    hostile = "</script><script>alert(1)</script> & <!--"
    bundled["sources"][0]["title"] = hostile
    text = page(cli, "--data", str(write_store(bundled)))
    head = text.split("</head>", 1)[0]
    assert "</script><script>" not in head and "<!--" not in head
    assert head.count("</script>") == 1
    tree = html5lib.parse(text).find(f"{NAMESPACE}head")
    dataset = json.loads(next(tree.iter(f"{NAMESPACE}script")).text)
    assert dataset["isBasedOn"][0]["name"] == hostile


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
    links = [a.get("href") for a in tree.iter(f"{NAMESPACE}a")]
    assert links and all(link.startswith(("http://", "https://")) for link in links)


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
