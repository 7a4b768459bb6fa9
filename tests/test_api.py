"""The library: each method gives what its command's `--json` writes, and says what is wrong
with the project's own exceptions."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import qingpu_cli as qingpu
from conftest import Run
from qingpu_cli.cli.commands import LISTINGS
from qingpu_cli.render.citations import RENDERERS

STORE = qingpu.open_store()


def _method(name: str) -> Callable[..., Any]:
    method = getattr(STORE, name, None)
    assert callable(method), f"FactStore has no method for the {name} listing"
    return method


@pytest.mark.parametrize("name", list(LISTINGS))
def test_a_listing_has_a_method_with_its_filters_as_keywords(name: str) -> None:
    listing = LISTINGS[name]
    parameters = inspect.signature(_method(name)).parameters
    expected = [item.keyword for item in listing.filters]
    if listing.argument is not None:
        expected.insert(0, listing.argument)
    assert list(parameters) == expected


@pytest.mark.parametrize("name", list(LISTINGS))
def test_a_listing_method_gives_the_commands_json(name: str, cli: Callable[..., Run]) -> None:
    listing = LISTINGS[name]
    sample = {"search": "huawei", "compare": None}
    positional = [sample[name]] if listing.argument is not None else []
    args = [value for value in positional if value is not None]
    assert _method(name)(*positional) == cli(name, *args, "--json").json()


@pytest.mark.parametrize(
    ("name", "option", "value"),
    [
        (name, item.option, item.choices[-1].upper())
        for name, listing in LISTINGS.items()
        for item in listing.filters
        if item.choices
    ],
)
def test_a_choice_filter_is_folded_as_the_command_folds_it(
    name: str, option: str, value: str, cli: Callable[..., Run]
) -> None:
    keyword = option.removeprefix("--").replace("-", "_")
    assert _method(name)(**{keyword: value}) == cli(name, option, value, "--json").json()


def test_a_mistyped_choice_is_a_usage_error_with_the_closest_choice() -> None:
    with pytest.raises(qingpu.UsageError, match="did you mean telecom"):
        STORE.partners(sector="telcom")


@pytest.mark.parametrize("typed", ["华为", "HUAWEI", "gdp-share-per-land-share"])
def test_show_gives_the_commands_json(typed: str, cli: Callable[..., Run]) -> None:
    assert STORE.show(typed) == cli("show", typed, "--json").json()


@pytest.mark.parametrize("style", list(RENDERERS))
def test_cite_gives_the_commands_text(style: str, cli: Callable[..., Run]) -> None:
    assert STORE.cite("new-city-gdp-share", style=style) == (
        cli("cite", "new-city-gdp-share", "--style", style).stdout
    )


def test_overview_gives_the_commands_json(cli: Callable[..., Run]) -> None:
    assert STORE.overview() == cli("overview", "--json").json()


@pytest.mark.parametrize("call", [lambda: STORE.show("no-such-id"), lambda: STORE.cite("zz-none")])
def test_an_unknown_id_is_not_found(call: Callable[[], object]) -> None:
    with pytest.raises(qingpu.NotFound):
        call()


@pytest.mark.parametrize(
    "call",
    [
        lambda: STORE.show(" "),
        lambda: STORE.search(""),
        lambda: STORE.facts(search=" "),
        lambda: STORE.compare(""),
        lambda: STORE.compare(" "),
        lambda: STORE.listing("compare", quantity=""),
    ],
)
def test_blank_text_is_a_usage_error(call: Callable[[], object]) -> None:
    with pytest.raises(qingpu.UsageError):
        call()


def test_an_invalid_store_is_store_invalid_with_every_problem(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text('{"schema_version": 2, "facts": [{"id": 1}]}', encoding="utf-8")
    with pytest.raises(qingpu.StoreInvalid) as raised:
        qingpu.open_store(path, cache=False)
    assert raised.value.problems


def test_a_missing_store_is_a_path_error(tmp_path: Path) -> None:
    with pytest.raises(qingpu.StorePathError):
        qingpu.open_store(tmp_path / "absent.json")


def test_every_public_name_is_exported_and_documented() -> None:
    for name in qingpu.__all__:
        value = getattr(qingpu, name)
        assert value is not None
        if name != "__version__":
            assert inspect.getdoc(value), name
    pinned = {"FactStore", "NotFound", "QingpuError", "StoreInvalid", "StorePathError"}
    assert set(qingpu.__all__) == {*pinned, "UsageError", "__version__", "open_store"}
