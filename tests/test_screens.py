"""Screens for people at 60, 80 and 120 columns: nothing cut, no id or word split, every line
within the terminal, whatever the width."""

from __future__ import annotations

import io
import itertools
import os
import re
import shutil
import subprocess
import sys
import unicodedata
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import hypothesis
import pytest
import typer
from hypothesis import given
from hypothesis import strategies as st

from conftest import Run
from qingpu_cli.cli.app import app, main
from qingpu_cli.cli.commands import COMMANDS, EXAMPLES, LISTINGS, ROOT_OPTIONS
from qingpu_cli.cli.run import Streams
from qingpu_cli.render import people
from qingpu_cli.render.formats import (
    figure_text,
    human_number,
    interval_text,
    person_text,
    significant,
    visible,
)
from qingpu_cli.render.pager import DEFAULT_PAGER, paged, pager_command
from qingpu_cli.render.people import Names, names_of
from qingpu_cli.render.table import header, wrap
from qingpu_cli.store.reader import StoreLocation, StoreReader

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


def names() -> Names:
    return names_of(StoreReader(StoreLocation(None)).load(None))


def screen_columns(name: str, rows: list[dict[str, Any]]) -> list[str]:
    listing = LISTINGS[name]
    return people.present(listing.screen, rows)


def rows_of(name: str, bundled: dict[str, Any]) -> list[dict[str, Any]]:
    listing = LISTINGS[name]
    given = {listing.argument: ARGUMENTS[name][0]} if name in ARGUMENTS else {}
    return listing.query(bundled, **given)


@pytest.mark.parametrize("columns", WIDTHS)
@pytest.mark.parametrize("name", list(LISTINGS))
def test_a_listing_loses_no_character_and_splits_no_word(
    cli: Cli, name: str, columns: str, bundled: dict[str, Any]
) -> None:
    args = [name, *ARGUMENTS.get(name, [])]
    shown = screen(cli, columns, *args, "--format", "table")
    rows = rows_of(name, bundled)
    assert rows, name
    tokens = set(shown.split())
    declared = screen_columns(name, rows)
    for row in people.person_rows(rows, declared, names()):
        for column, text in row.items():
            for word in visible(text).split():
                if display_columns(word) > len(word):  # Chinese breaks between any characters
                    assert set(word) <= set(shown), f"{name}.{column}: {word!r} lost"
                    continue
                if word not in tokens and re.search(r"[-./].", word):
                    # a compound breaks after its hyphens (and on a narrow terminal its dots
                    # and slashes): every part is shown whole
                    parts = [part for part in re.split("(?<=[-./])", word) if part]
                    assert all(part in shown for part in parts), f"{name}.{column}: {word!r} lost"
                    continue
                assert word in tokens, f"{name}.{column}: {word!r} lost at {columns} columns"
    for line in shown.splitlines():
        assert fits(line, int(columns)), line


@pytest.mark.parametrize("name", list(LISTINGS))
def test_every_listing_is_a_table_of_its_declared_columns_at_80(
    cli: Cli, name: str, bundled: dict[str, Any]
) -> None:
    listing = LISTINGS[name]
    assert listing.screen, f"{name} declares no short set of columns"
    unknown = [
        column
        for column in listing.screen
        if column not in listing.fields and column not in people.CELLS and column != "verdict"
    ]
    assert not [c for c in unknown if c != "relative_gap"], unknown
    shown = screen(cli, "80", name, *ARGUMENTS.get(name, []), "--format", "table")
    assert "-- 1 --" not in shown, f"{name} fell back to one record a block at 80 columns"
    headers = [header(column) for column in screen_columns(name, rows_of(name, bundled))]
    first = headers[0].split()
    lines = shown.splitlines()
    header_lines = [  # a header is the line above a table's rule
        line
        for line, below in itertools.pairwise(lines)
        if line.split()[: len(first)] == first and set(below.strip()) <= {"\u2500", "-"}
    ]
    assert header_lines, shown
    for line in header_lines:
        assert line.split() == " ".join(headers).split(), line


@pytest.mark.parametrize("name", ["facts", "places", "agreements", "industries", "plans"])
def test_a_screen_names_records_where_rows_hold_their_ids(
    cli: Cli, name: str, bundled: dict[str, Any]
) -> None:
    shown = screen(cli, "80", name, "--format", "table")
    tokens = bare(shown)
    referenced = [
        row[column]
        for row in rows_of(name, bundled)
        for column in LISTINGS[name].screen
        if column in people.REFERENCE_FIELDS and row.get(column)
    ]
    ids = {item for value in referenced for item in (value if isinstance(value, list) else [value])}
    known = names().records
    for record_id in ids:
        assert record_id not in tokens, f"{name} shows the id {record_id}"
        assert set(known[record_id].split()) <= tokens, known[record_id]
    fact_ids = {row["id"] for row in rows_of("facts", bundled)}
    assert not fact_ids & tokens


def test_wide_shows_every_field(cli: Cli) -> None:
    shown = screen(cli, "80", "partners", "--wide", "--format", "table")
    for field in LISTINGS["partners"].fields:
        assert f"{header(field)}:" in shown, field
    tsv = cli("partners", "--wide").stdout.splitlines()[0].split("\t")
    assert tsv == list(LISTINGS["partners"].fields)


def test_compare_is_grouped_by_quantity_with_a_heading_in_words(cli: Cli) -> None:
    statements = cli("compare", "--json").json()
    shown = screen(cli, "80", "compare", "--format", "table")
    quantities = list(dict.fromkeys(row["quantity"] for row in statements))
    flat = " ".join(shown.split())
    known = names()
    places = []
    for quantity in quantities:
        members = [row for row in statements if row["quantity"] == quantity]
        said = [known.measures[row["fact"]] for row in members]
        assert f" {people.heading(members, known)} ({quantity})" in flat, quantity
        # the words most of its statements use, and of those the most general
        most = max(said.count(words) for words in said)
        common = [words for words in said if said.count(words) == most]
        assert people.heading(members, known).startswith(min(common, key=len))
        places.append(flat.index(f"({quantity})"))
    assert places == sorted(places)
    for quantity in quantities:  # the id is said once, in its heading, not on every row
        assert shown.count(f"({quantity})") == 1 and f" {quantity} " not in shown, quantity
    legend = people.legend(people.COMPARE_LEGEND)
    assert " ".join(shown.split()).count(legend) == 1


@pytest.mark.parametrize("columns", WIDTHS)
@pytest.mark.parametrize(
    ("command", "items"), [("compare", people.COMPARE_LEGEND), ("audit", people.AUDIT_LEGEND)]
)
def test_the_legend_is_said_once_at_every_width(
    cli: Cli, command: str, items: Any, columns: str
) -> None:
    shown = " ".join(screen(cli, columns, command, "--format", "table").split())
    assert shown.count(people.legend(items)) == 1


@pytest.mark.parametrize("command", ["compare", "audit"])
def test_every_verdict_carries_its_mark(cli: Cli, command: str) -> None:
    rows = cli(command, "--json").json()
    shown = " ".join(screen(cli, "300", command, "--format", "table").split())
    for verdict in {row["verdict"] for row in rows}:
        assert f"{people.MARKS[verdict]} {verdict}" in shown, verdict
    plain = cli(command, "--format", "table", charset="ascii", env={"COLUMNS": "300"}).stdout
    plain = " ".join(plain.split())
    for verdict in {row["verdict"] for row in rows}:
        assert f"{people.ASCII_MARKS[people.MARKS[verdict]]} {verdict}" in plain, verdict


def test_audit_holds_each_check_against_a_figure_and_its_source(cli: Cli) -> None:
    checks = cli("audit", "--json").json()
    shown = " ".join(screen(cli, "300", "audit", "--format", "table").split())
    known = names()
    for check in checks:
        if check["against"] is None:
            continue
        assert known.records[check["against"]["source"]] in shown
        for item in check["inputs"]:
            assert known.measures[item["fact"]] in shown
    assert "÷" in shown and "wikipedia-en-qingpu-area" not in shown


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
        if field in ("evidence", "inputs", "value", "low", "high", "unit", *hidden):
            continue
        if value == [] and field in people.REFERENCE_FIELDS and described.get("related"):
            continue  # what a record links to is said once, in its Related section
        if value in (None, "", []):
            assert f"{header(field)} {'none' if value == [] else people.NOT_GIVEN}" in " ".join(
                shown.split()
            ), field
            continue
        for word in bare(visible(person_text(value))):
            assert word in tokens, (field, word)
    flat = "".join(shown.split())
    for item in described.get("related", []):  # each link said once, in the Related section
        assert flat.count(f"({item['id']})") == 1, item
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


def test_the_overview_stays_one_screen_however_many_facts_cite_the_article(
    cli: Cli, bundled: dict[str, Any], write_store: Callable[[object], Path]
) -> None:
    """A store whose every figure is repeated cites the article thousands of times: the
    screen shows the first key figures and shares and counts the rest, with where to list them."""
    from qingpu_cli.render.screens import KEY_FIGURES_SHOWN, SHARES_SHOWN

    held = next(source["id"] for source in bundled["sources"] if source.get("file"))
    cited = [fact for fact in bundled["facts"] if fact["evidence"][0]["source"] == held]
    copies = 10 * (KEY_FIGURES_SHOWN + SHARES_SHOWN)
    store = dict(bundled)
    store["facts"] = bundled["facts"] + [
        {**fact, "id": f"{fact['id']}-copy-{number}"} for number in range(copies) for fact in cited
    ]
    summary = cli("--data", str(write_store(store)), "overview", "--json").json()
    shares = len(summary["shares"])
    figures = len(summary["key_figures"]) - shares
    shown = cli(
        "--data", str(write_store(store)), "overview", "--format", "table", env={"COLUMNS": "80"}
    ).stdout
    assert len(shown.splitlines()) <= 24
    hidden = figures - KEY_FIGURES_SHOWN + shares - SHARES_SHOWN
    assert f"\u2026 {hidden:,} more: qingpu facts --source {held}" in shown


def help_screen(columns: str, *args: str) -> str:
    """Help as a terminal of this width gets it: in a process of its own, since the test
    runner fixes the width of help to 80 columns."""
    env = {**os.environ, "COLUMNS": columns}
    done = subprocess.run(
        [sys.executable, "-m", "qingpu_cli", *args], capture_output=True, text=True, env=env
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.parametrize("columns", WIDTHS)
@pytest.mark.parametrize(
    "args", [(), ("--help",), *(("help", name) for name in ("facts", "partners", "show", "cite"))]
)
def test_help_stays_within_the_terminal(args: tuple[str, ...], columns: str) -> None:
    for line in help_screen(columns, *args).splitlines():
        assert display_columns(line.rstrip()) <= int(columns), line


@pytest.mark.parametrize("columns", WIDTHS)
def test_no_summary_is_cut_and_no_example_split(columns: str) -> None:
    shown = help_screen(columns, "--help")
    lines = [line.strip() for line in shown.splitlines()]
    assert not [line for line in lines if line.endswith("...") and "COMMAND" not in line]
    flat = " ".join(shown.split())
    for command in typer.main.get_command(app).commands.values():  # type: ignore[attr-defined]
        assert " ".join(command.help.split()) in flat, command.name
    for example in EXAMPLES:
        assert any(line.startswith(example.command) for line in lines), example.command
        assert " ".join(example.what.split()) in flat


def test_qingpu_alone_is_one_short_screen(cli: Cli) -> None:
    shown = screen(
        cli,
        "80",
    )
    assert len(shown.splitlines()) <= 24
    for name in typer.main.get_command(app).commands:  # type: ignore[attr-defined]
        assert name in shown.split()
    assert "qingpu help COMMAND" in shown


@pytest.mark.parametrize(
    "args", [("facts", "--topic"), ("partners", "--sector", "x"), ("facts", "--bogus")]
)
def test_a_usage_error_points_at_its_commands_help(cli: Cli, args: tuple[str, ...]) -> None:
    result = cli(*args)
    assert result.status == 2
    assert result.stderr.rstrip().endswith(f"(see 'qingpu help {args[0]}')"), result.stderr


@pytest.mark.parametrize(
    ("listing", "option"),
    [(lst, item.option) for lst in LISTINGS.values() for item in lst.filters if item.choices],
)
def test_a_mistyped_choice_gets_the_closest_valid_one(listing: Any, option: str, cli: Cli) -> None:
    choice = next(item for item in listing.filters if item.option == option).choices[-1]
    result = cli(listing.name, option, choice[:-1] + "q")
    assert result.status == 2
    assert f"did you mean {choice}?" in result.stderr and "Value error" not in result.stderr


def test_an_option_that_takes_an_id_takes_what_show_takes(
    cli: Cli, bundled: dict[str, Any]
) -> None:
    for fact in bundled["facts"]:
        subject = next(
            (
                r
                for kind in bundled
                if isinstance(bundled[kind], list)
                for r in bundled[kind]
                if r.get("id") == fact["subject"] and r.get("aliases")
            ),
            None,
        )
        if subject is None:
            continue
        by_alias = cli("facts", "--subject", subject["aliases"][-1], "--json").json()
        assert by_alias == cli("facts", "--subject", subject["id"], "--json").json()
        assert by_alias
        return
    pytest.fail("no fact is about a record with an alias")


def test_an_unknown_source_or_quantity_gets_the_closest_ones(
    cli: Cli, bundled: dict[str, Any]
) -> None:
    source = bundled["sources"][1]["id"]
    result = cli("facts", "--source", source + "x")
    assert result.status == 1 and source in result.stderr
    quantity = bundled["facts"][0]["quantity"]
    result = cli("compare", quantity[:-1] + "x")
    assert result.status == 1 and f"did you mean: {quantity}" in result.stderr


@pytest.mark.parametrize("name", list(COMMANDS))
def test_help_of_a_mistyped_command_gets_the_closest_one(cli: Cli, name: str) -> None:
    result = cli("help", name + "q")
    assert result.status == 2 and f"(did you mean {name}?)" in result.stderr


@pytest.mark.parametrize("option", [spelling for item in ROOT_OPTIONS for spelling in item.names])
def test_an_option_of_qingpu_given_after_the_command_says_where_it_goes(
    cli: Cli, option: str
) -> None:
    result = cli("facts", option)
    assert result.status == 2
    assert f"{option} is an option of qingpu itself: it goes before the command" in result.stderr
    assert f"'qingpu {option}" in result.stderr and " facts ...'" in result.stderr


@pytest.mark.parametrize("option", ["--fields", "--sort"])
def test_an_unknown_field_gets_the_closest_one(cli: Cli, option: str) -> None:
    field = LISTINGS["facts"].fields[-2]
    result = cli("facts", option, field[:-1])
    assert result.status == 2 and f"(did you mean {field}?)" in result.stderr


def test_no_match_is_said_once(cli: Cli) -> None:
    result = cli("search", "zzzzqqqq", "--format", "table")
    assert result.stdout == ""
    assert result.stderr.count("zzzzqqqq") == 1


def test_headers_are_words_while_machine_formats_keep_the_keys(cli: Cli) -> None:
    shown = screen(cli, "120", "partners", "--format", "table")
    assert "Agreement kinds" in shown and "agreement_kinds" not in shown
    assert cli("partners").stdout.splitlines()[0].split("\t")[-1] == "agreement_kinds"


def test_a_table_title_gives_the_count(cli: Cli) -> None:
    assert screen(cli, "120", "partners", "--format", "table").startswith("Partners (6)")


# The pager


def fake_pager(tmp_path: Path, status: int = 0) -> tuple[str, Path]:
    """A pager that keeps what it is given in a file, and ends with this status."""
    kept = tmp_path / "paged.txt"
    script = tmp_path / "pager.sh"
    script.write_text(f"#!/bin/sh\ncat > {kept}\nexit {status}\n", encoding="utf-8")
    script.chmod(0o755)
    return str(script), kept


def long_screen() -> str:
    lines = shutil.get_terminal_size((80, 24)).lines
    return "".join(f"line {number}\n" for number in range(lines * 2))


def show_paged(
    text: str, environ: dict[str, str], terminal: bool = True, pager: bool = True
) -> str:
    out = io.StringIO()
    streams = Streams(None, out, io.StringIO(), terminal, False, pager)
    with paged(streams, environ) as screen_streams:
        screen_streams.stdout.write(text)
    return out.getvalue()


def test_the_pager_is_qingpu_pager_then_pager_then_less() -> None:
    assert pager_command({}) == DEFAULT_PAGER.split()
    assert pager_command({"PAGER": "more -s"}) == ["more", "-s"]
    assert pager_command({"PAGER": "more", "QINGPU_PAGER": "most"}) == ["most"]
    assert pager_command({"PAGER": "more", "QINGPU_PAGER": ""}) is None
    assert pager_command({"PAGER": "cat"}) is None


def test_a_long_screen_goes_through_the_pager(tmp_path: Path) -> None:
    command, kept = fake_pager(tmp_path)
    text = long_screen()
    assert show_paged(text, {"QINGPU_PAGER": command}) == ""
    assert kept.read_text(encoding="utf-8") == text


@pytest.mark.parametrize("terminal,pager", [(False, True), (True, False)])
def test_a_pipe_and_no_pager_print_directly(tmp_path: Path, terminal: bool, pager: bool) -> None:
    command, kept = fake_pager(tmp_path)
    text = long_screen()
    assert show_paged(text, {"QINGPU_PAGER": command}, terminal, pager) == text
    assert not kept.exists()


def test_a_short_screen_is_printed(tmp_path: Path) -> None:
    command, kept = fake_pager(tmp_path)
    assert show_paged("one line\n", {"QINGPU_PAGER": command}) == "one line\n"
    assert not kept.exists()


def test_a_missing_or_failing_pager_falls_back_to_printing(tmp_path: Path) -> None:
    text = long_screen()
    assert show_paged(text, {"QINGPU_PAGER": str(tmp_path / "no-such-pager")}) == text
    command, _ = fake_pager(tmp_path, status=3)
    assert show_paged(text, {"QINGPU_PAGER": command}) == text


def test_no_pager_is_a_root_option(cli: Cli) -> None:
    plain = cli("facts", "--format", "table").stdout
    assert cli("--no-pager", "facts", "--format", "table").stdout == plain
    assert cli("--no-pager", "facts", "--json").json() == cli("facts", "--json").json()


# Numbers as a reader writes them


@pytest.mark.parametrize(
    ("value", "unit", "bound", "words"),
    [
        (41_300_000_000, "CNY", "rounded", "about 41.3 billion yuan"),
        (1_100_000_000_000, "CNY", None, "1.1 trillion yuan"),
        (100_000_000_000, "CNY", "lower", "over 100 billion yuan"),
        (550_000, "count", None, "550,000"),
        (1_271_424, "count", None, "1,271,424"),
        (91.1, "km2", None, "91.1 km\u00b2"),
        (40, "percent", None, "40%"),
        (2028, "year", "exact", "2028"),
    ],
)
def test_a_figure_reads_as_a_person_writes_it(
    value: float, unit: str, bound: str | None, words: str
) -> None:
    assert figure_text(value, unit, bound) == words


def test_a_year_is_named_not_counted(cli: Cli, bundled: dict[str, Any]) -> None:
    """A figure in years reads as the year on every screen: never with a thousands separator."""
    from qingpu_cli.library.agreement import interval_words

    years = [fact for fact in bundled["facts"] if fact["unit"] == "year"]
    assert years
    for fact in years:
        year = str(int(fact["value"]))
        assert interval_words(fact) == f"the year {year}"
        assert interval_text(fact["value"], fact["value"], "year") == year
        for args in (("show", fact["id"]), ("compare", fact["quantity"]), ("facts",)):
            shown = screen(cli, "100", *args, "--format", "table")
            assert f"{year[0]},{year[1:]}" not in shown, args


@pytest.mark.parametrize(
    ("low", "high", "unit", "words"),
    [
        (5_370_500_000, 5_371_500_000, "CNY", "5.3705 to 5.3715 billion yuan"),
        (71_750_000_000, 71_850_000_000, "CNY", "71.75 to 71.85 billion yuan"),
        (545_000, 555_000, "count", "545,000 to 555,000"),
        (900_000, 1_100_000, "count", "900,000 to 1.1 million"),
    ],
)
def test_an_interval_of_large_numbers_reads_in_one_scale(
    low: float, high: float, unit: str, words: str
) -> None:
    assert interval_text(float(low), float(high), unit) == words


@given(st.integers(min_value=0, max_value=10**15))
def test_a_number_at_human_scale_keeps_every_digit(value: int) -> None:
    text = human_number(value)
    scale = {"million": 10**6, "billion": 10**9, "trillion": 10**12}
    number, _, word = text.partition(" ")
    assert Decimal(number.replace(",", "")) * scale.get(word, 1) == value


def test_a_computed_ratio_has_three_significant_figures(cli: Cli) -> None:
    rows = cli("ratios", "--json").json()
    shown = " ".join(screen(cli, "300", "ratios", "--format", "table").split())
    for row in rows:
        unit = {"x": " times", "percent": "%"}.get(row["unit"], f" {row['unit']}")
        assert f"{significant(row['value'])}{unit}".replace("km2", "km\u00b2") in shown
    assert "3.0769" not in shown and " x " not in shown


# One record, and a citation


def test_show_gives_a_ratios_inputs_and_bounds_in_words(cli: Cli) -> None:
    ratio = cli("ratios", "--json").json()[0]
    shown = " ".join(screen(cli, "80", "show", ratio["id"], "--format", "table").split())
    known = names()
    assert "fact=" not in shown and "source=" not in shown
    for item in ratio["inputs"]:
        assert known.measures[item["fact"]] in shown
        assert known.records[item["source"]] in shown
    low, high = ratio["low"], ratio["high"]
    assert f"Bounds {interval_text(low, high, None, computed=True)}" in shown


def test_show_marks_every_sources_verdict(cli: Cli) -> None:
    statements = cli("compare", "new-city-planned-area", "--json").json()
    shown = " ".join(screen(cli, "120", "show", "new-city-planned-area", "-f", "table").split())
    for item in statements:
        assert f"{people.mark(item['verdict'])} ({names().records[item['source']]}" in shown


@pytest.mark.parametrize("columns", WIDTHS)
def test_cite_on_a_terminal_wraps_at_spaces(
    columns: str, monkeypatch: pytest.MonkeyPatch, cli: Cli
) -> None:
    monkeypatch.setenv("COLUMNS", columns)
    out = io.StringIO()
    status = main(["cite", "new-city-gdp-share"], Streams(None, out, io.StringIO(), True, False))
    assert status == 0
    piped = cli("cite", "new-city-gdp-share").stdout
    assert out.getvalue().split() == piped.split()
    for line in out.getvalue().splitlines():
        assert display_columns(line) < int(columns) or len(line.split()) == 1, line


def test_a_source_is_named_with_its_parentheses_whole(bundled: dict[str, Any]) -> None:
    """A publisher is named without its page or site after a comma, but a comma inside its
    parentheses ("Evertiq (trade press, evertiq.com)") never cuts it in two."""
    for source in bundled["sources"]:
        label = people.source_label(source)
        assert label.count("(") == label.count(")"), (source["id"], label)
        if source.get("publisher"):
            assert source["publisher"].startswith(label.split(" (")[0]), (source["id"], label)


def test_publishers_of_one_name_apart_by_a_note_stay_apart(bundled: dict[str, Any]) -> None:
    """Wikipedia in Chinese, English, German and Japanese are four publishers, and a column
    names them so: a short note in parentheses (a language, a site) is kept; the Chinese
    edition had been named "Wikipedia" alone."""
    by_note: dict[str, set[str]] = {}
    for source in bundled["sources"]:
        publisher = source.get("publisher") or ""
        name, _, rest = publisher.partition(" (")
        note = re.split(r"[,;]", rest.split(")")[0])[0].strip()
        if rest and len(note.split()) <= people.NOTE_WORDS:
            by_note.setdefault(name, set()).add(note)
    apart = {name: notes for name, notes in by_note.items() if len(notes) > 1}
    assert apart, "the bundled store has publishers apart by a note"
    for name, notes in apart.items():
        labels = {
            people.source_label(source)
            for source in bundled["sources"]
            if (source.get("publisher") or "").startswith(f"{name} (")
        }
        assert len(labels) >= len(notes), (name, labels)
        assert all(label != name for label in labels), (name, labels)


@pytest.mark.parametrize(
    ("publisher", "named"),
    [
        ("Xinhua (English edition)", "Xinhua (English edition)"),
        ("Wikipedia (Chinese; zh.wikipedia.org), article", "Wikipedia (Chinese, zh.wikipedia.org)"),
        ("Office (the city's government news site)", "Office"),
    ],
)
def test_a_publisher_keeps_its_short_notes(publisher: str, named: str) -> None:
    assert people.source_label({"id": "x", "publisher": publisher}) == named


@given(
    st.lists(
        st.tuples(
            st.text(alphabet="青浦新城规划面积平方公里", min_size=1, max_size=6),
            st.from_regex(r"[0-9]{1,4}(\.[0-9]{1,2})?", fullmatch=True),
        ),
        min_size=1,
        max_size=6,
    ),
    st.integers(min_value=8, max_value=20),
)
def test_chinese_breaks_between_characters_but_never_inside_a_number(
    parts: list[tuple[str, str]], width: int
) -> None:
    text = "".join(words + number for words, number in parts)
    lines = wrap(text, width)
    assert "".join(lines) == text
    for number in re.findall(r"[0-9]+(?:\.[0-9]+)?", text):
        if len(number) <= width:
            assert any(number in line for line in lines), (number, lines)


@pytest.mark.parametrize("name", ["audit", "compare"])
def test_a_gap_reads_as_a_percentage(cli: Cli, name: str) -> None:
    """The relative gap a screen shows is a percentage to one decimal, as the library computes
    it exactly."""
    rows = cli(name, "--json").json()
    shown = " ".join(screen(cli, "120", name, "--wide", "--format", "table").split())
    gaps = [row["gap"] for row in rows if row.get("gap") is not None]
    assert gaps
    for gap in gaps:
        assert f"{gap:+.1f}%" in shown, gap


@pytest.mark.parametrize("name", list(LISTINGS))
def test_a_wide_screen_says_nested_records_in_words(cli: Cli, name: str) -> None:
    """Evidence, a share, a ratio's inputs, a scale and what a source reports read as words,
    never as the `key=value` pairs of a machine."""
    shown = screen(cli, "100", name, *ARGUMENTS.get(name, []), "--wide", "--format", "table")
    said = "\n".join(line for line in shown.splitlines() if "://" not in line)  # not an address
    assert not re.search(r"\b[a-z_]{3,}=", said), re.search(r".*\b[a-z_]{3,}=.*", said)
    assert "Translation: true" not in shown and "Translation: false" not in shown


@pytest.mark.parametrize("name", list(LISTINGS))
def test_every_listing_is_a_table_at_60_columns(
    cli: Cli, name: str, bundled: dict[str, Any]
) -> None:
    """The record view is for terminals under 60 columns: at 60 a long word breaks after its
    hyphens and dots, an id after its hyphens and a verdict between its words, rather than the
    listing turning into blocks."""
    shown = screen(cli, "60", name, *ARGUMENTS.get(name, []), "--format", "table")
    assert "-- 1 --" not in shown, name
    for line in shown.splitlines():
        assert fits(line, 60), line


def test_a_date_of_its_own_is_never_broken_at_60_columns(cli: Cli) -> None:
    """A date in a column of dates reads only whole at 60 columns: never "2021-04-" above "02"
    (inside prose it breaks as any compound word)."""
    dates = {source["date"] for source in cli("sources", "--json").json() if source["date"]}
    assert dates
    words = {word.strip(",;") for word in screen(cli, "60", "sources", "--format", "table").split()}
    assert not dates - words, sorted(dates - words)[:5]


def _drawn_both_ways(
    bundled: dict[str, Any], quantity: str | None, color: bool, encoding: str
) -> tuple[str, list[str] | None]:
    """`compare`'s grouped screen as Rich draws it, and the lines written without Rich."""
    from qingpu_cli.render.screens import write_grouped
    from qingpu_cli.render.table import grouped_lines

    listing = LISTINGS["compare"]
    rows = listing.query(bundled, **({} if quantity is None else {"quantity": quantity}))
    names = names_of(bundled)
    columns = people.present(listing.screen or listing.columns, rows)
    caption = people.legend_of(rows, encoding == "ascii") or listing.caption
    assert listing.group is not None
    drawn = []
    for _ in range(2):
        raw = io.BytesIO()
        stdout = io.TextIOWrapper(raw, encoding=encoding, errors="backslashreplace", newline="")
        drawn.append((raw, stdout, Streams(None, stdout, None, True, color)))
    (raw, stdout, streams), (_, _, plain) = drawn
    write_grouped(listing, rows, listing.group, columns, names, caption, streams)
    stdout.flush()
    lines = grouped_lines(listing, rows, listing.group, columns, names, caption, plain)
    if lines is None:
        return raw.getvalue().decode(encoding), None
    written = "\n".join(lines).encode(encoding, "backslashreplace").decode(encoding)
    return raw.getvalue().decode(encoding), written.split("\n")


@pytest.mark.parametrize("columns", ["40", "60", "79", "80", "120", "200"])
@pytest.mark.parametrize("color", [False, True])
@pytest.mark.parametrize("encoding", ["utf-8", "ascii"])
def test_compare_drawn_without_rich_is_what_rich_draws(
    bundled: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
    columns: str,
    color: bool,
    encoding: str,
) -> None:
    """The grouped screen is written without Rich wherever that gives Rich's very bytes (its
    width, its breaks of the title and legend, its escapes); where it cannot, Rich draws it."""
    monkeypatch.setenv("COLUMNS", columns)
    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.delenv("NO_COLOR", raising=False)
    for quantity in (None, "new-city-planned-area"):
        drawn, lines = _drawn_both_ways(bundled, quantity, color, encoding)
        if lines is not None:
            assert "\n".join(lines) + "\n" == drawn, (columns, quantity)
        elif int(columns) >= 80:
            pytest.fail(f"compare {quantity} at {columns} columns needed Rich")


@pytest.mark.parametrize(
    "environment",
    [{"TERM": "dumb"}, {"NO_COLOR": "1"}, {"COLUMNS": "abc"}, {"COLUMNS": "0", "LINES": "x"}],
)
def test_compare_without_rich_leaves_to_rich_what_only_rich_can_tell(
    bundled: dict[str, Any], monkeypatch: pytest.MonkeyPatch, environment: dict[str, str]
) -> None:
    """A dumb terminal, or colour under NO_COLOR, is left to Rich; a COLUMNS that is no width
    is measured as `screens` measures it for Rich."""
    from qingpu_cli.render.lines import console_width
    from qingpu_cli.render.screens import make_console

    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.delenv("NO_COLOR", raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    drawn, lines = _drawn_both_ways(bundled, None, True, "utf-8")
    width = console_width(True)
    if "TERM" in environment or "NO_COLOR" in environment:
        assert width is None and lines is None
    else:
        streams = Streams(None, io.StringIO(), None, True, True)
        assert width == make_console(streams).width
        assert lines is None or "\n".join(lines) + "\n" == drawn


@pytest.mark.parametrize("width", [1, 5, 20, 37, 80])
def test_text_is_wrapped_as_rich_wraps_it(width: int) -> None:
    from rich.console import Console
    from rich.text import Text

    from qingpu_cli.render.lines import wrapped

    texts = [
        people.legend(people.COMPARE_LEGEND),
        people.legend(people.AUDIT_LEGEND),
        "a  b   c " * 12,
        "青浦新城 Qingpu New City, planned area, km² (new-city-planned-area)",
        "",
    ]
    for text in texts:
        lines = wrapped(text, width)
        if lines is None:
            continue
        console = Console(file=io.StringIO(), width=width, color_system=None, highlight=False)
        console.print(Text(text))
        assert "\n".join(lines) + "\n" == console.file.getvalue(), (width, text)  # type: ignore[attr-defined]


@pytest.mark.parametrize("columns", [None, "0", "-5", "abc", " 90 ", "120", "²"])
@pytest.mark.parametrize("lines", [None, "0", "30", "x"])
def test_the_terminals_size_is_what_shutil_gives(
    monkeypatch: pytest.MonkeyPatch, columns: str | None, lines: str | None
) -> None:
    from qingpu_cli.render.table import terminal_size, terminal_width

    for name, value in (("COLUMNS", columns), ("LINES", lines)):
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    assert terminal_size() == tuple(shutil.get_terminal_size((80, 24)))
    assert terminal_width() == max(1, shutil.get_terminal_size((80, 24)).columns)


_STANDS_FOR_LEADS = ("rounded: ", "exactly ", "the year ")


@given(
    st.integers(min_value=1, max_value=10**13),
    st.integers(min_value=-9, max_value=3),
    st.sampled_from([None, "rounded", "exact", "lower", "upper"]),
    st.sampled_from(["yuan", "km2", "percent", "count", "year", None]),
)
# a rounding whose ends are of two scales: 999,999.5 to 1,000,000.5
@hypothesis.example(10**6, 0, "rounded", "yuan")
@hypothesis.example(10**6, -3, "rounded", None)
@hypothesis.example(10**9, -5, "rounded", "yuan")
@hypothesis.example(10**12, -9, None, "yuan")
def test_what_a_figure_stands_for_reads_as_the_screens_write_its_interval(
    digits: int, decimals: int, bound: str | None, unit: str | None
) -> None:
    """`show`'s "Stands for" (the library's `interval_words`, also JSON `interval`) and the
    interval the screens write beside a statement are one interval in the same words:
    "rounded: 71.75 to 71.85 billion yuan" beside "71.75 to 71.85 billion yuan", never
    "71.75 billion to 71.85 billion"."""
    from qingpu_cli.library.agreement import interval, interval_words
    from qingpu_cli.render.formats import interval_text

    value = float(Decimal(digits).scaleb(-max(decimals, 0)))
    fact = {"value": value, "decimals": decimals, "bound": bound, "unit": unit}
    span = interval(fact)
    words = interval_words(fact)
    for lead in _STANDS_FOR_LEADS:
        words = words.removeprefix(lead)
    if words != "any value":
        assert words == interval_text(span.low, span.high, unit)


def test_show_names_the_source_of_each_quote_not_only_its_id(
    cli: Cli, bundled: dict[str, Any]
) -> None:
    """A source with no title was headed by its id alone ("From (z56c-2025-07-30)"): every
    evidence heading names its publisher or site, as the source columns do."""
    sources = {source["id"]: source for source in bundled["sources"]}
    untitled = {key for key, source in sources.items() if not source.get("title")}
    record = next(
        fact
        for fact in bundled["facts"]
        if any(item["source"] in untitled for item in fact["evidence"])
    )
    shown = " ".join(screen(cli, "120", "show", record["id"], "--format", "table").split())
    for item in record["evidence"]:
        label = people.source_label(sources[item["source"]])
        assert f"{label}" in shown.split("Evidence", 1)[1], (item["source"], label)


def test_an_evidence_heading_names_a_source_by_its_title_once(
    cli: Cli, bundled: dict[str, Any], write_store: Callable[[object], Path]
) -> None:
    """A source with a title and neither publisher nor address is named by its title: the
    heading gives it once, not as the title and again as the name."""
    source = next(source for source in bundled["sources"] if source.get("file"))
    source["publisher"] = source["url"] = None
    fact = next(f for f in bundled["facts"] if f["evidence"][0]["source"] == source["id"])
    path = write_store(bundled)
    shown = " ".join(
        cli(
            "--data", str(path), "show", fact["id"], "--format", "table", env={"COLUMNS": "200"}
        ).stdout.split()
    )
    title = " ".join(source["title"].split())
    assert shown.split("Evidence", 1)[1].count(title) == 1, shown
