"""Screens for people at 60, 80 and 120 columns: nothing cut, no id or word split, every line
within the terminal, whatever the width."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from typing import Any

import pytest
import typer

from conftest import Run
from qingpu_cli.cli.app import app
from qingpu_cli.cli.commands import LISTINGS
from qingpu_cli.render.formats import person_text, visible

Cli = Callable[..., Run]
WIDTHS = ["60", "80", "120"]
#: Chinese is set without spaces and breaks between any two characters: its words are found in
#: the screen's text with the line breaks taken out.
CJK = re.compile(r"[\u3400-\u9fff]")
#: The arguments each listing takes on a screen (search needs its text).
ARGUMENTS = {"search": ["qingpu"]}


def display_columns(line: str) -> int:
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in line)


def screen(cli: Cli, columns: str, *args: str) -> str:
    result = cli(*args, env={"COLUMNS": columns})
    assert result.status == 0, result.stderr
    return result.stdout


def words_of(value: object) -> list[str]:
    return visible(person_text(value)).split()


def bare(tokens: str) -> set[str]:
    """The words of a screen without the punctuation a screen sets around them."""
    return {token.strip("();,\u201c\u201d:") for token in tokens.split()}


@pytest.mark.parametrize("columns", WIDTHS)
@pytest.mark.parametrize("name", list(LISTINGS))
def test_a_listing_loses_no_character_and_splits_no_id(
    cli: Cli, name: str, columns: str, bundled: dict[str, Any]
) -> None:
    listing = LISTINGS[name]
    args = [name, *ARGUMENTS.get(name, [])]
    shown = screen(cli, columns, *args, "--format", "table")
    wide = screen(cli, "300", *args, "--format", "table")
    given = {listing.argument: ARGUMENTS[name][0]} if name in ARGUMENTS else {}
    rows = listing.query(bundled, **given)
    assert rows, name
    tokens, wide_tokens = set(shown.split()), set(wide.split())
    joined = "".join(shown.split())
    for row in rows:
        key = row[listing.columns[0]]  # the id, or what stands for it (compare: the quantity)
        if key is not None:  # a timeline's undated things come last, with no date to show
            assert key in tokens, f"{key} is split or missing at {columns} columns"
        for column in listing.columns:
            for word in words_of(row.get(column)):
                if CJK.search(word):
                    assert word in joined, f"{name}.{column}: {word!r} lost at {columns} columns"
                    continue
                assert word in wide_tokens, (column, word)
                assert word in tokens, f"{name}.{column}: {word!r} lost at {columns} columns"
    for line in shown.splitlines():
        assert fits(line, int(columns)), line


def fits(line: str, columns: int) -> bool:
    """Within the terminal, or one word longer than any terminal line (an address), printed
    whole for the terminal to wrap so that it can still be copied."""
    words = line.split()
    return display_columns(line.rstrip()) <= columns or (
        len(words) == 1 and len(words[0]) > columns - 2
    )


@pytest.mark.parametrize("columns", WIDTHS)
@pytest.mark.parametrize(
    "record_id",
    [
        "huawei",
        "qingpu-new-city",
        "projects-signed",
        "gdp-share-per-land-share",
        "ghzyj-2021-04-01-residents",
    ],
)
def test_a_record_shows_every_field_whole(cli: Cli, record_id: str, columns: str) -> None:
    shown = screen(cli, columns, "show", record_id, "--format", "table")
    described = cli("show", record_id, "--json").json()
    tokens = bare(shown)
    assert f"({record_id})" in shown.split()
    # A figure's decimals and bound are shown as what they mean: the interval, in words.
    stands_for = described.get("interval")
    hidden = ("decimals", "bound") if stands_for else ()
    if stands_for:
        assert stands_for in " ".join(shown.split()) and "Decimals" not in tokens
    for field, value in described["record"].items():
        if field in ("evidence", "inputs", "value", "low", "high", *hidden):
            continue
        for word in bare(visible(person_text(value))):
            assert word in tokens, (field, word)
    for item in described["evidence"]:
        if item["quote"] is None:
            assert "cited, not quoted" in shown and "None" not in tokens
            continue
        for word in bare(item["quote"]):
            assert word in tokens, word
    for line in shown.splitlines():
        assert display_columns(line.rstrip()) <= int(columns), line


@pytest.mark.parametrize("columns", WIDTHS)
@pytest.mark.parametrize("args", [("overview",), ("ratios", "--chart")])
def test_the_overview_and_the_chart_stay_within_the_terminal_and_80_columns(
    cli: Cli, args: tuple[str, ...], columns: str
) -> None:
    for line in screen(cli, columns, *args).splitlines():
        assert display_columns(line.rstrip()) <= min(int(columns), 80), line
        if "\u00b7\u00b7" in line or ("\u2588" in line and "least value" not in line):
            assert line.startswith("  "), f"a bar broken across lines: {line!r}"


@pytest.mark.parametrize("args", [(), ("--help",), ("help", "facts"), ("help", "show")])
def test_help_stays_within_80_columns(cli: Cli, args: tuple[str, ...]) -> None:
    for line in screen(cli, "80", *args).splitlines():
        assert display_columns(line.rstrip()) <= 80, line


def test_headers_are_words_while_machine_formats_keep_the_keys(cli: Cli) -> None:
    shown = screen(cli, "120", "partners", "--format", "table")
    assert "Agreement kinds" in shown and "agreement_kinds" not in shown
    assert cli("partners").stdout.splitlines()[0].split("\t")[-1] == "agreement_kinds"


def test_a_table_title_gives_the_count(cli: Cli) -> None:
    assert screen(cli, "120", "partners", "--format", "table").startswith("Partners (6)")


def test_no_command_summary_is_cut_in_the_help(cli: Cli) -> None:
    listed = screen(cli, "80", "--help").split("Commands:")[1].split("Examples:")[0]
    summaries = [line for line in listed.splitlines() if line.strip()]
    assert len(summaries) == len(typer.main.get_command(app).commands)  # type: ignore[attr-defined]
    assert not [line for line in summaries if line.rstrip().endswith("...")]
