"""The registry of listings agrees with the Typer app and with the queries it names.

The app's commands are written out for `--help`; the registry declares the same listings for the
fast path and completion. These tests walk the app's command tree and fail when a command, an
option, a choice, a help text or a field differs between the two.
"""

from __future__ import annotations

from typing import Any

import pytest
import typer

from conftest import run_cli
from qingpu_cli.cli.app import app
from qingpu_cli.cli.commands import (
    COLOR_OPTION,
    DATA_OPTION,
    EXAMPLES,
    LISTINGS,
    SHARED_FLAGS,
    SHARED_OPTIONS,
    Filter,
    Listing,
)
from qingpu_cli.store.models import RECORD_KINDS
from qingpu_cli.store.vocabulary import FORMATS, OVERVIEW_FORMATS, RECORD_FIELDS

GROUP = typer.main.get_command(app)
assert isinstance(GROUP, typer.core.TyperGroup)
APP_COMMANDS = GROUP.commands
SHARED = {*SHARED_OPTIONS, *SHARED_FLAGS}
FILTERS = [(listing, item) for listing in LISTINGS.values() for item in listing.filters]


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


def test_every_listing_is_a_command_of_the_app() -> None:
    assert set(LISTINGS) <= set(APP_COMMANDS)


def test_the_root_options_are_the_apps() -> None:
    names = {name for param in GROUP.params for name in getattr(param, "opts", [])}
    assert {DATA_OPTION, COLOR_OPTION} <= names


@pytest.mark.parametrize("listing", LISTINGS.values(), ids=list(LISTINGS))
def test_a_listings_options_are_the_apps(listing: Listing) -> None:
    declared = {item.option for item in listing.filters} | set(listing.app_only)
    assert set(app_options(listing.name)) == declared | SHARED


@pytest.mark.parametrize("listing", LISTINGS.values(), ids=list(LISTINGS))
def test_a_listings_argument_is_the_apps(listing: Listing) -> None:
    arguments = [
        p.name for p in APP_COMMANDS[listing.name].params if p.param_type_name == "argument"
    ]
    assert arguments == ([listing.argument] if listing.argument else [])


@pytest.mark.parametrize(
    ("listing", "item"), FILTERS, ids=[f"{lst.name} {item.option}" for lst, item in FILTERS]
)
def test_a_filter_has_the_apps_choices_help_and_metavar(listing: Listing, item: Filter) -> None:
    param = app_options(listing.name)[item.option]
    assert param.help == item.help
    if item.choices is None:
        assert param.metavar == item.metavar
        result = run_cli(listing.name, item.option, " ")
        assert result.status == 2 and "non-empty" in result.stderr
    else:
        assert completions(listing.name, item.option) == list(item.choices)
        for choice in item.choices:
            assert run_cli(listing.name, item.option, choice.upper(), "--json").status == 0


@pytest.mark.parametrize("listing", LISTINGS.values(), ids=list(LISTINGS))
def test_the_format_option_offers_every_format(listing: Listing) -> None:
    assert completions(listing.name, "--format") == list(FORMATS)


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


def test_every_command_has_one_example_in_the_help() -> None:
    commands = [example.command.split()[1] for example in EXAMPLES]
    assert set(commands) == set(APP_COMMANDS)
    listed = run_cli("--help").stdout
    for example in EXAMPLES:
        assert f"  {example.command}" in listed and example.what in listed


def test_the_fast_overview_takes_the_formats_the_app_takes() -> None:
    assert completions("overview", "--format") == list(OVERVIEW_FORMATS)
