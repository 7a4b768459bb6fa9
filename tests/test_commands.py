"""The declarations of every command, the Typer app made from them and the quick parser agree.

The app and the quick parser are both derived from `cli.commands`; these tests walk the app's
command tree against every declaration, and give both parsers the same words (drawn from the
declarations) to check that whatever the quick parser reads, the app reads alike.
"""

from __future__ import annotations

from typing import Any

import pytest
import typer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import run_cli
from qingpu_cli.cli import handlers
from qingpu_cli.cli.app import app
from qingpu_cli.cli.commands import (
    COMMANDS,
    EXAMPLES,
    FLAG,
    LISTINGS,
    ROOT_OPTIONS,
    Command,
    Listing,
    Option,
)
from qingpu_cli.cli.parser import parse
from qingpu_cli.render.citations import RENDERERS
from qingpu_cli.store.models import RECORD_KINDS
from qingpu_cli.store.vocabulary import CITATION_STYLES, RECORD_FIELDS

GROUP = typer.main.get_command(app)
assert isinstance(GROUP, typer.core.TyperGroup)
APP_COMMANDS = GROUP.commands
OPTIONS = [(command, option) for command in COMMANDS.values() for option in command.every_option]


def app_options(command: str) -> dict[str, Any]:
    """Each option of an app command by every name it answers to."""
    return {
        name: param
        for param in APP_COMMANDS[command].params
        if param.param_type_name == "option"
        for name in param.opts
    }


def completions(command: str, option: str) -> list[str]:
    param = app_options(command)[option]
    context = typer.Context(APP_COMMANDS[command], info_name=command)
    return [item.value for item in param.shell_complete(context, "")]


def test_the_app_has_every_declared_command_in_order() -> None:
    assert list(APP_COMMANDS) == list(COMMANDS)


def test_every_command_has_a_handler() -> None:
    assert set(handlers.HANDLERS) == set(COMMANDS)


def test_the_root_options_are_the_apps() -> None:
    names = {name for param in GROUP.params for name in getattr(param, "opts", [])}
    assert {name for option in ROOT_OPTIONS for name in option.names} <= names


@pytest.mark.parametrize("command", COMMANDS.values(), ids=list(COMMANDS))
def test_a_commands_options_are_the_apps(command: Command) -> None:
    declared = {name for option in command.every_option for name in option.names}
    assert set(app_options(command.name)) - {"--help", "-h"} == declared


@pytest.mark.parametrize("command", COMMANDS.values(), ids=list(COMMANDS))
def test_a_commands_arguments_are_the_apps(command: Command) -> None:
    params = [p for p in APP_COMMANDS[command.name].params if p.param_type_name == "argument"]
    assert [p.name for p in params] == [argument.name for argument in command.arguments]
    assert [p.required for p in params] == [argument.required for argument in command.arguments]


@pytest.mark.parametrize(
    ("command", "option"), OPTIONS, ids=[f"{c.name} {o.option}" for c, o in OPTIONS]
)
def test_an_option_has_its_declared_help_choices_and_rule(command: Command, option: Option) -> None:
    param = app_options(command.name)[option.option]
    assert param.help == option.help
    assert param.required == option.required
    if option.takes == FLAG:
        assert param.is_flag
        return
    if option.choices is not None:
        assert completions(command.name, option.option) == list(option.choices)
    refused = "no-such-choice" if option.choices is not None else " "
    if not option.blank:
        reason = option.refusal(refused)
        assert reason is not None
        result = run_cli(command.name, option.option, refused)
        assert result.status == 2 and reason in result.stderr, result.stderr


@pytest.mark.parametrize(
    ("listing", "item"),
    [(listing, item) for listing in LISTINGS.values() for item in listing.filters if item.choices],
    ids=lambda value: getattr(value, "name", None) or getattr(value, "option", ""),
)
def test_a_choice_is_taken_in_any_case(listing: Listing, item: Option) -> None:
    for choice in item.choices or ():
        assert run_cli(listing.name, item.option, choice.upper(), "--json").status == 0


def query_rows(listing: Listing, store: dict[str, Any]) -> list[dict[str, Any]]:
    samples: dict[str, str | None] = {"text": "a", "quantity": None}
    arguments = {listing.argument: samples[listing.argument]} if listing.argument else {}
    return listing.query(store, **arguments)


@pytest.mark.parametrize("listing", LISTINGS.values(), ids=list(LISTINGS))
def test_a_listings_fields_are_the_keys_its_query_writes(
    listing: Listing, bundled: dict[str, Any]
) -> None:
    rows = query_rows(listing, bundled)
    assert rows, "the bundled store has rows for every listing"
    for row in rows:
        assert tuple(row) == listing.fields
    assert set(listing.columns) <= set(listing.fields)


@pytest.mark.parametrize("kind", sorted(RECORD_KINDS))
def test_the_fields_of_a_kind_are_its_models_and_its_listing_starts_with_them(kind: str) -> None:
    model_fields = tuple(RECORD_KINDS[kind].__annotations__)
    assert RECORD_FIELDS[kind] == model_fields
    assert LISTINGS[kind].fields[: len(model_fields)] == model_fields


def test_the_citation_styles_are_the_renderers() -> None:
    assert tuple(RENDERERS) == CITATION_STYLES


def test_every_command_has_one_example_in_the_help() -> None:
    commands = [example.command.split()[1] for example in EXAMPLES]
    assert set(commands) == set(APP_COMMANDS)
    listed = run_cli("--help").stdout
    for example in EXAMPLES:
        assert f"  {example.command}" in listed and example.what in listed


# Both parsers given the same words: what the quick parser reads, the app reads alike.


def _words_for(option: Option) -> st.SearchStrategy[list[str]]:
    if option.takes == FLAG:
        return st.just([option.option])
    values: list[str] = [*(option.choices or ()), "x", " ", "7", "-id", "华为"]
    if option.choices:
        values += [choice.upper() for choice in option.choices]
    name = st.sampled_from(option.names)
    value = st.sampled_from(values)
    joined = st.tuples(st.just(option.option), value).map(lambda pair: [f"{pair[0]}={pair[1]}"])
    return st.tuples(name, value).map(list) | joined


@st.composite
def command_lines(draw: st.DrawFn) -> list[str]:
    command = draw(st.sampled_from(list(COMMANDS.values())))
    root = draw(st.sampled_from([[], ["--color", "never"], ["--color", "ALWAYS"], ["--data"]]))
    words = [*root, command.name]
    options = (
        draw(st.lists(st.sampled_from(command.every_option), max_size=4))
        if (command.every_option)
        else []
    )
    for option in options:
        words += draw(_words_for(option))
    for argument in command.arguments:
        if draw(st.booleans()) or argument.required:
            words.append(draw(st.sampled_from(["huawei", " ", "-", "new-city-gdp-share"])))
    return words


def _given(value: object) -> bool:
    return value is not None and value is not False


class Captured(Exception):
    def __init__(self, call: handlers.Call) -> None:
        self.call = call


def _app_reading(words: list[str], monkeypatch: pytest.MonkeyPatch) -> handlers.Call | None:
    """What the app hands its handler for these words, or None where it refuses them."""

    def capture(call: handlers.Call) -> int:
        raise Captured(call)

    monkeypatch.setattr("qingpu_cli.cli.app.handle", capture)
    result: handlers.Call | None = None
    try:
        app(args=words, prog_name="qingpu", standalone_mode=False)
    except Captured as captured:
        result = captured.call
    except (typer.TyperException, typer.Exit):
        result = None
    return result


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(words=command_lines())
def test_what_the_quick_parser_reads_the_app_reads_alike(words: list[str]) -> None:
    with pytest.MonkeyPatch.context() as monkeypatch:
        read = parse(words)
        if read is None:
            return
        by_app = _app_reading(words, monkeypatch)
    assert by_app is not None, f"the app refuses what the quick parser read: {words}"
    given_by_app = {key: value for key, value in by_app.values.items() if _given(value)}
    assert given_by_app == {key: value for key, value in read.values.items() if _given(value)}
    assert by_app.session.data == read.root.get("data")


def test_the_quick_parser_reads_a_plain_run_of_every_command() -> None:
    for command in COMMANDS.values():
        words = [command.name]
        for argument in command.arguments:
            if argument.required:
                words.append("huawei")
        for option in command.every_option:
            if option.required:
                words += [option.option, "target"]
        assert parse(words) is not None, words


@pytest.mark.parametrize("name", list(COMMANDS))
def test_help_of_a_command_is_its_own_help(name: str) -> None:
    assert run_cli("help", name).stdout == run_cli(name, "--help").stdout


def test_help_alone_is_the_help_of_qingpu() -> None:
    assert run_cli("help").stdout == run_cli("--help").stdout
