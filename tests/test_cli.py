"""The command line through Typer's CliRunner: every command, filter, format and exit status."""

from __future__ import annotations

import csv
import io
import json
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from conftest import BUNDLED, BUNDLED_SCHEMA_VERSION, Run
from qingpu_cli import __version__
from qingpu_cli.cli.commands import EXAMPLES

Cli = Callable[..., Run]


def bundled_records() -> int:
    """How many records the bundled store holds, every list counted."""
    store = json.loads(BUNDLED.read_text(encoding="utf-8"))
    return sum(len(value) for value in store.values() if isinstance(value, list))


LISTINGS = [
    ("facts",),
    ("partners",),
    ("industries",),
    ("events",),
    ("sources",),
    ("ratios",),
    ("search", "qingpu"),
]


@pytest.mark.parametrize(
    ("args", "golden_name"),
    [
        (("facts", "--json"), "facts.json"),
        (("partners", "--json"), "partners.json"),
        (("industries", "--json"), "industries.json"),
        (("events", "--json"), "events.json"),
        (("sources", "--json"), "sources.json"),
        (("ratios", "--json"), "ratios.json"),
        (("search", "华为", "--json"), "search.json"),
        (("compare", "new-city-planned-area", "--json"), "compare.json"),
        (("audit", "--json"), "audit.json"),
        (("show", "new-city-gdp-share", "--json"), "show.json"),
        (("show", "gdp-share-per-land-share", "--json"), "show-ratio.json"),
        (("overview", "--json"), "overview.json"),
    ],
)
def test_json_output_matches_its_golden_file(
    cli: Cli, golden: Callable[[str, str], None], args: tuple[str, ...], golden_name: str
) -> None:
    result = cli(*args)
    assert result.status == 0, result.stderr
    assert result.stderr == ""
    json.loads(result.stdout)
    golden(golden_name, result.stdout)


def test_no_arguments_prints_the_commands_and_the_help_prints_an_example_of_each(cli: Cli) -> None:
    result = cli()
    assert result.status == 0
    for example in EXAMPLES:
        assert example.command.split()[1] in result.stdout.split()
        assert f"  {example.command}" in cli("--help").stdout


def test_a_mistyped_command_suggests_the_right_one_once(cli: Cli) -> None:
    result = cli("fact")
    assert result.status == 2
    assert result.stderr.count("Did you mean 'facts'?") == 1
    assert len(result.stderr.splitlines()) == 1


def test_version_gives_the_tools_and_the_bundled_datas(cli: Cli, bundled: dict[str, Any]) -> None:
    release = bundled["release"]
    assert cli("--version").stdout.splitlines() == [
        f"qingpu {__version__}",
        f"data release {release['version']} ({release['date']})",
        f"schema version {bundled['schema_version']}",
    ]


def test_partners_in_telecom_is_china_telecom_alone(cli: Cli) -> None:
    result = cli("partners", "--sector", "telecom")
    lines = result.stdout.splitlines()
    assert len(lines) == 2
    assert lines[1].split("\t")[1] == "China Telecom Shanghai Company"


def test_sector_matches_in_any_case(cli: Cli) -> None:
    assert cli("partners", "--sector", "FiNaNcE", "--json").json()[0]["sector"] == "finance"


def test_unknown_sector_lists_the_valid_ones(cli: Cli) -> None:
    result = cli("partners", "--sector", "mining")
    assert result.status == 2
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1
    for sector in ("telecom", "finance", "education", "technology", "government"):
        assert sector in result.stderr


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (
            ("facts", "--topic", "economy", "--limit", "2"),
            ["new-city-gdp-share", "new-city-industrial-output-share"],
        ),
        (
            ("facts", "--subject", "development-action-plan-2025", "--search", "huawei"),
            ["plan-industrial-ecological-chain"],
        ),
        (("industries", "--role", "characteristic"), ["beidou-and-low-altitude-economy"]),
        (("facts", "--search", "no such words"), []),
    ],
)
def test_filters(cli: Cli, args: tuple[str, ...], expected: list[str]) -> None:
    result = cli(*args, "--json")
    assert result.status == 0
    assert [row["id"] for row in result.json()] == expected


def test_empty_result_is_success_with_an_empty_array(cli: Cli) -> None:
    result = cli("facts", "--search", "zzz", "--json")
    assert (result.status, result.stdout) == (0, "[]\n")


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (("facts", "--search", ""), "'--search'"),
        (("facts", "--subject", " "), "'--subject'"),
        (("search", "  "), "'TEXT'"),
    ],
)
def test_blank_text_to_match_is_a_usage_error(cli: Cli, args: tuple[str, ...], named: str) -> None:
    result = cli(*args)
    assert result.status == 2
    assert result.stderr == (
        f"qingpu: Invalid value for {named}: needs a non-empty value"
        f" (see 'qingpu help {args[0]}')\n"
    )


@pytest.mark.parametrize(
    "args",
    [
        ("--data", "no\nsuch\x1b[31m.json", "facts"),
        ("facts", "--topic", "land\n\x1b[2J"),
        ("show", "x\u202ey\nz"),
    ],
    ids=["path", "option value", "id"],
)
def test_control_characters_in_what_the_user_typed_stay_on_one_visible_line(
    cli: Cli, args: tuple[str, ...]
) -> None:
    result = cli(*args)
    assert result.status in (1, 2)
    assert len(result.stderr.splitlines()) == 1
    assert "\x1b" not in result.stderr and "\u202e" not in result.stderr


def test_an_empty_data_path_is_a_usage_error_not_the_bundled_store(cli: Cli) -> None:
    result = cli("--data", "", "facts", "--json")
    assert (result.status, result.stdout) == (2, "")
    assert result.stderr == "qingpu: --data needs a path ('-' reads standard input)\n"


@pytest.mark.parametrize("listing", LISTINGS)
def test_tsv_is_the_default_off_a_terminal(cli: Cli, listing: tuple[str, ...]) -> None:
    result = cli(*listing)
    assert result.status == 0
    lines = result.stdout.splitlines()
    width = len(lines[0].split("\t"))
    assert width >= 3
    assert all(len(line.split("\t")) == width for line in lines)
    assert "\x1b" not in result.stdout
    assert "─" not in result.stdout


@pytest.mark.parametrize("listing", LISTINGS)
@pytest.mark.parametrize("fmt", ["table", "tsv", "csv", "json", "ndjson", "markdown"])
def test_every_format_on_every_listing(cli: Cli, listing: tuple[str, ...], fmt: str) -> None:
    result = cli(*listing, "--format", fmt)
    assert result.status == 0, result.stderr
    reference = cli(*listing, "--json").json()
    out = result.stdout
    if fmt == "json":
        assert json.loads(out) == reference
    elif fmt == "ndjson":
        assert [json.loads(line) for line in out.splitlines()] == reference
    elif fmt == "csv":
        rows = list(csv.reader(io.StringIO(out)))
        assert len(rows) == len(reference) + 1
    elif fmt == "markdown":
        assert out.splitlines()[1].startswith("| --- |")
        assert len(out.splitlines()) == len(reference) + 2
    elif fmt == "tsv":
        assert len(out.splitlines()) == len(reference) + 1
    else:
        assert out.splitlines()[0].rstrip().endswith(f"({len(reference):,})"), out


def test_fields_keep_only_those_in_that_order(cli: Cli) -> None:
    result = cli("partners", "--fields", "sector,name", "--json")
    assert result.json()[0] == {"sector": "government", "name": "Qingpu District Government"}
    tsv = cli("partners", "--fields", "sector,name").stdout.splitlines()
    assert tsv[0] == "sector\tname"


def test_unknown_field_lists_the_valid_ones(cli: Cli) -> None:
    result = cli("facts", "--fields", "id,colour")
    assert result.status == 2
    assert "colour" in result.stderr and "statement" in result.stderr
    assert len(result.stderr.splitlines()) == 1


def test_json_and_another_format_conflict(cli: Cli) -> None:
    result = cli("facts", "--json", "--format", "csv")
    assert result.status == 2
    assert "--json" in result.stderr and "csv" in result.stderr


def test_show_unknown_id_suggests_close_ones(cli: Cli) -> None:
    result = cli("show", "new-city-gpd-share")
    assert result.status == 1
    assert "did you mean: new-city-gdp-share" in result.stderr


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("Huawei", "huawei"),
        ("HUAWEI", "huawei"),
        ("\u534e\u4e3a", "huawei"),
        ("\u83ef\u70ba", "huawei"),
        ("china-tel", "china-telecom-shanghai"),
        ("Qingpu New Town", "qingpu-new-city"),
        ("gdp-share-per", "gdp-share-per-land-share"),
    ],
)
def test_show_finds_a_record_by_case_name_alias_or_the_start_of_its_id(
    cli: Cli, typed: str, found: str
) -> None:
    result = cli("show", typed, "--json")
    assert result.status == 0, result.stderr
    assert result.json()["id"] == found


def test_show_names_every_candidate_of_an_ambiguous_start(cli: Cli) -> None:
    result = cli("show", "china-")
    assert result.status == 1
    assert "china-telecom-shanghai" in result.stderr
    assert "china-international-import-expo" in result.stderr


def test_show_prints_the_evidence_for_people(cli: Cli) -> None:
    result = cli("show", "huawei", "--format", "table")
    assert "华为" in result.stdout
    assert "Huawei and the Qingpu District Government jointly launched" in result.stdout


def test_search_highlights_on_a_terminal(cli: Cli) -> None:
    result = cli("search", "telecom", "--format", "table", env={"FORCE_COLOR": "1"})
    assert "\x1b[" in result.stdout
    plain = cli("search", "telecom", "--format", "table", env={"NO_COLOR": "1"})
    assert "\x1b[" not in plain.stdout


@pytest.mark.parametrize(("fmt", "delimiter"), [("tsv", "\t"), ("csv", ",")])
def test_ratios_in_tsv_and_csv_keep_every_digit(cli: Cli, fmt: str, delimiter: str) -> None:
    exact = {row["id"]: row for row in cli("ratios", "--json").json()}
    written = cli("ratios", "--format", fmt, "--fields", "id,value,low,high").stdout
    rows = list(csv.DictReader(io.StringIO(written), delimiter=delimiter))
    assert len(rows) == len(exact)
    for row in rows:
        for key in ("value", "low", "high"):
            assert float(row[key]) == exact[row["id"]][key], (row["id"], key)


def test_ratios_table_and_chart(cli: Cli) -> None:
    table = cli("ratios", "--format", "table", env={"COLUMNS": "120"})
    assert "3.08 times" in table.stdout and "3.077" not in table.stdout
    chart = cli("ratios", "--chart")
    assert chart.status == 0
    assert max(len(line) for line in chart.stdout.splitlines()) <= 80
    assert "GDP share of Qingpu District: 40 (39.5 to 40.5)" in chart.stdout
    assert "3.08 (2.92 to 3.24)" in chart.stdout and "3.077" not in chart.stdout
    titles = [line for line in chart.stdout.splitlines() if line and not line[0].isspace()]
    assert titles[1] == "Input shares, percent", "the inputs stand apart from the ratios"
    assert "Ratios (times), up to 1" in titles and "Ratios (times), up to 20" in titles
    assert "\x1b[" not in chart.stdout
    coloured = cli("--color", "always", "ratios", "--chart").stdout
    assert "\x1b[" in coloured and "\u2592" in coloured


def test_ratios_chart_in_ascii_where_blocks_cannot_show(cli: Cli) -> None:
    chart = cli("ratios", "--chart", charset="ascii")
    assert chart.status == 0
    assert chart.stdout.isascii()


def test_ratios_note_missing_inputs_on_stderr(
    cli: Cli, bundled: dict[str, Any], write_store: Callable[[object], Path]
) -> None:
    bundled["facts"] = [f for f in bundled["facts"] if f.get("quantity") != "new-city-planned-area"]
    result = cli("--data", str(write_store(bundled)), "ratios", "--json")
    assert result.status == 0
    assert len(result.json()) == 10
    assert result.stderr == (
        "qingpu: note: ratio implied-district-land-area left out:"
        " no value for new-city-planned-area\n"
    )


def display_columns(line: str) -> int:
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in line)


def test_overview_fits_a_newcomers_80_by_24_terminal(cli: Cli) -> None:
    result = cli("overview", env={"COLUMNS": "80"})
    assert result.status == 0
    lines = result.stdout.splitlines()
    assert len(lines) <= 23, "one line is left for the prompt"
    assert max(display_columns(line) for line in lines) <= 80
    assert lines[0].startswith("Qingpu New City") and "\u9752\u6d66\u65b0\u57ce" in lines[0]
    summary = cli("overview", "--json").json()
    (article,) = [source for source in summary["sources"] if source["file"]]
    assert article["reports"]["date"] in lines[1] and "undated" not in lines[1]
    for figure in summary["key_figures"]:
        assert figure["id"] not in result.stdout, "names, not ids"
    flowing = " ".join(result.stdout.split())
    shown = [*summary["key_figures"], *({"id": share["fact"]} for share in summary["shares"])]
    for figure in shown:
        if figure["id"] in summary["disputed"]:
            assert flowing.count("\u2717 disputed") >= len(summary["disputed"]) + 1
    assert "0%" in result.stdout and "100%" in result.stdout and "\u2588" in result.stdout
    for title in ("Events", "Partners", "Industries"):
        assert sum(line.startswith(title) for line in lines) == 1, title
    assert "target 1" in result.stdout and "current 2" in result.stdout
    assert "qingpu ratios --chart" in result.stdout


def test_overview_states_a_key_figure_as_show_does(cli: Cli) -> None:
    """The overview's key figure and `show`'s Figure are one figure in the same words: "about
    91.1 km²", never "91.1 km²" on one screen and "about 91.1 km²" on the other."""
    from qingpu_cli.render.screens import KEY_FIGURES_SHOWN

    overview = " ".join(cli("overview", env={"COLUMNS": "120"}).stdout.split())
    summary = cli("overview", "--json").json()
    shares = {share["fact"] for share in summary["shares"]}
    figures = [figure for figure in summary["key_figures"] if figure["id"] not in shares]
    assert figures
    for figure in figures[:KEY_FIGURES_SHOWN]:
        shown = cli("show", figure["id"], "--format", "table", env={"COLUMNS": "120"}).stdout
        (line,) = [line for line in shown.splitlines() if line.startswith("Figure ")]
        words = " ".join(line.split()[1:])
        assert f" {words} " in f" {overview} ", (words, figure["bound"])


def test_overview_lines_wrap_under_their_text_not_their_title(cli: Cli) -> None:
    lines = cli("overview", env={"COLUMNS": "60"}).stdout.splitlines()
    titled = 0
    for index, line in enumerate(lines):
        for title in ("Events ", "Partners ", "Industries ", "Next: ", "Data: "):
            if line.startswith(title):
                titled += 1
                text_column = len(line) - len(line[len(title) :].lstrip())
                follow = lines[index + 1] if index + 1 < len(lines) else ""
                if follow and not follow.startswith(("Events ", "Partners ", "Industries ")):
                    assert follow[:text_column].strip() == "", (line, follow)
    assert titled == 5


@pytest.mark.parametrize("columns", ["60", "80", "120"])
def test_overview_cuts_no_share_label(cli: Cli, columns: str) -> None:
    flowing = " ".join(cli("overview", env={"COLUMNS": columns}).stdout.split())
    for share in cli("overview", "--json").json()["shares"]:
        assert f" {share['quantity']} " in flowing


def test_validate_the_active_and_a_named_store(
    cli: Cli, bundled: dict[str, Any], write_store: Callable[[object], Path]
) -> None:
    assert (
        cli("validate").stdout
        == f"valid: {bundled_records()} records (schema version {BUNDLED_SCHEMA_VERSION})\n"
    )
    bundled["facts"][0]["value"] = -5
    bundled["partners"][0]["sector"] = "church"
    result = cli("validate", str(write_store(bundled)))
    assert result.status == 1
    assert result.stdout == ""
    assert [line.split(":")[0].strip() for line in result.stderr.splitlines()[1:]] == [
        "partners[0].sector",
        "facts[0].value",
    ]


def test_validate_finds_its_store_as_data_does(cli: Cli, bundled: dict[str, Any]) -> None:
    assert (
        cli("validate", "").stderr == "qingpu: validate needs a path ('-' reads standard input)\n"
    )
    assert cli("validate", "").status == 2
    result = cli("validate", "-", input=json.dumps(bundled))
    assert (result.status, result.stdout) == (
        0,
        f"valid: {bundled_records()} records (schema version {BUNDLED_SCHEMA_VERSION})\n",
    )


def test_validate_a_missing_path(cli: Cli) -> None:
    result = cli("validate", "/nonexistent/store.json")
    assert result.status == 2
    assert result.stderr == "qingpu: store not found: /nonexistent/store.json\n"


def test_schema_is_json_schema(cli: Cli) -> None:
    schema = cli("schema").json()
    assert schema["title"] == "qingpu fact store"
    assert "Fact" in schema["$defs"]


@pytest.mark.parametrize(
    "args",
    [("nonsense",), ("facts", "--colour"), ("industries", "--role", "leading"), ("show",)],
)
def test_misuse_is_a_one_line_usage_error(cli: Cli, args: tuple[str, ...]) -> None:
    result = cli(*args)
    assert result.status == 2
    assert len(result.stderr.splitlines()) == 1
    assert result.stderr.startswith("qingpu: ")
    assert result.stdout == ""


@pytest.mark.parametrize(
    ("words", "current", "offered"),
    [
        ("qingpu partners --sector t", "3", ["telecom", "technology"]),
        ("qingpu show hua", "2", ["huawei-lianqiu-lake-rd-centre", "huawei"]),
    ],
    ids=["sectors", "ids"],
)
def test_completion_offers(cli: Cli, words: str, current: str, offered: list[str]) -> None:
    env = {"_QINGPU_COMPLETE": "complete_bash", "COMP_WORDS": words, "COMP_CWORD": current}
    assert cli(env=env).stdout.split() == offered


def test_sort_puts_rows_without_the_field_last_either_way(cli: Cli) -> None:
    for order in ("value", "-value"):
        values = [row["value"] for row in cli("facts", "--sort", order, "--json").json()]
        numbers = [value for value in values if value is not None]
        assert numbers == sorted(numbers, reverse=order.startswith("-"))
        assert values == numbers + [None] * (len(values) - len(numbers))


def test_limit_keeps_the_first_rows_after_sorting(cli: Cli) -> None:
    every = cli("facts", "--sort", "-value", "--json").json()
    assert cli("facts", "--sort", "-value", "--limit", "2", "--json").json() == every[:2]
    assert cli("facts", "--limit", "0", "--json").stdout == "[]\n"


@pytest.mark.parametrize(
    "args",
    [
        ("facts", "--sort", "colour"),
        ("facts", "--limit", "-1"),
        ("facts", "--limit", "many"),
        ("facts", "--no-header", "--json"),
        ("--color", "sometimes", "facts"),
    ],
)
def test_shared_options_refuse_what_they_cannot_do(cli: Cli, args: tuple[str, ...]) -> None:
    result = cli(*args)
    assert result.status == 2 and len(result.stderr.splitlines()) == 1, result.stderr


def test_no_header_leaves_only_the_rows(cli: Cli) -> None:
    with_header = cli("partners", "--format", "tsv").stdout.splitlines()
    assert cli("partners", "--format", "tsv", "--no-header").stdout.splitlines() == with_header[1:]


def test_color_always_and_never(cli: Cli) -> None:
    assert "\x1b[" in cli("--color", "always", "partners", "--format", "table").stdout
    forced = cli("--color", "never", "partners", "--format", "table", env={"FORCE_COLOR": "1"})
    assert "\x1b[" not in forced.stdout


def test_search_says_when_nothing_matches(cli: Cli) -> None:
    result = cli("search", "zzzz", "--json")
    assert (result.status, result.stdout) == (0, "[]\n")
    assert result.stderr == "qingpu: no record matches 'zzzz'\n"


def test_search_finds_ratios_too(cli: Cli) -> None:
    rows = cli("search", "density", "--json").json()
    assert "ratio" in {row["kind"] for row in rows}
    assert "gdp-density-against-rest-of-district" in {row["id"] for row in rows}


@pytest.mark.parametrize("fmt", ["tsv", "csv"])
def test_show_in_rows_keeps_the_records_list_and_its_own_kind_apart(cli: Cli, fmt: str) -> None:
    """A fact has a `kind` of its own (target, plan, actual): the rows of `show` name the list
    the record is of as `record_kind`, as `show --json` gives it, and keep every field."""
    fact = next(row for row in cli("facts", "--json").json() if row["kind"])
    described = cli("show", fact["id"], "--json").json()
    lines = cli("show", fact["id"], "--format", fmt).stdout.splitlines()
    separator = "\t" if fmt == "tsv" else ","
    fields = [line.split(separator, 1)[0] for line in lines[1:]]
    assert fields == ["record_kind", *described["record"]]
    assert lines[1].split(separator, 1)[1] == described["kind"]
