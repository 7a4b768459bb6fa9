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
    assert not list(tree.iter(f"{NAMESPACE}script"))
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
        if value is not None:
            # every digit the source states, with thousands separated in a large number
            written = f"{value:,}" if abs(value) >= 10_000 else repr(value)
            assert written in words, (fact["id"], written)
    for source in cli("sources", "--json").json():
        assert source["id"] in words


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
    assert not list(tree.iter(f"{NAMESPACE}script"))
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
    return re.sub(r"Made \d{4}-\d\d-\d\d \d\d:\d\d UTC", "Made", text)


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
