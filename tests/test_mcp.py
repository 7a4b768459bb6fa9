"""The assistants' server through the SDK's in-memory client: every tool with good and bad
arguments, every resource, and what an answer carries to be quoted."""

from __future__ import annotations

import inspect
import json
import os
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

import anyio
import pytest
from mcp import Client, MCPError
from mcp.server.mcpserver import MCPServer
from mcp_types import CallToolResult

import qingpu_cli as qingpu
from conftest import SOURCES, SOURCES_ABSENT, needs_sources
from qingpu_cli.assistants.answers import ids_a_row_cites
from qingpu_cli.assistants.server import SCHEMA_URI, SOURCE_URI, build_server
from qingpu_cli.cli.commands import LISTINGS
from qingpu_cli.library.held import text_directory
from qingpu_cli.render.citations import RENDERERS
from qingpu_cli.store.models import store_json_schema

STORE = qingpu.open_store()
SOURCE_RECORDS = {row["id"]: row for row in STORE.sources()}
HELD = next(row for row in STORE.sources() if row["file"])
#: An argument each listing that needs one is called with.
SAMPLES: dict[str, dict[str, str]] = {"search": {"text": "huawei"}}
T = TypeVar("T")


@pytest.fixture(scope="module")
def server() -> MCPServer[Any]:
    return build_server(STORE, SOURCES)


def connected(server: MCPServer[Any], use: Callable[[Client], Awaitable[T]]) -> T:
    async def session() -> T:
        async with Client(server) as client:
            return await use(client)

    return anyio.run(session)


def call(server: MCPServer[Any], name: str, arguments: dict[str, Any]) -> CallToolResult:
    return connected(server, lambda client: client.call_tool(name, arguments))


def answer(server: MCPServer[Any], name: str, arguments: dict[str, Any]) -> dict[str, Any]:
    result = call(server, name, arguments)
    assert not result.is_error, result.content
    assert isinstance(result.structured_content, dict)
    return result.structured_content


def error(server: MCPServer[Any], name: str, arguments: dict[str, Any]) -> str:
    result = call(server, name, arguments)
    assert result.is_error
    assert result.structured_content is None
    (content,) = result.content
    return str(getattr(content, "text", ""))


def test_the_tools_are_the_declared_listings_show_and_cite(server: MCPServer[Any]) -> None:
    listed = connected(server, lambda client: client.list_tools())
    assert [tool.name for tool in listed.tools] == [*LISTINGS, "show", "cite"]
    for tool in listed.tools:
        assert tool.description and "cite" in tool.description
        assert tool.output_schema is not None and tool.output_schema["type"] == "object"


@pytest.mark.parametrize("name", list(LISTINGS))
def test_a_listing_tools_arguments_are_its_declaration(server: MCPServer[Any], name: str) -> None:
    listing = LISTINGS[name]
    listed = connected(server, lambda client: client.list_tools())
    schema = next(tool for tool in listed.tools if tool.name == name).input_schema
    expected = [item.keyword for item in listing.filters]
    required = []
    if listing.argument is not None:
        expected.insert(0, listing.argument)
        parameter = inspect.signature(listing.query).parameters[listing.argument]
        if parameter.default is inspect.Parameter.empty:
            required.append(listing.argument)
    assert list(schema["properties"]) == expected
    assert schema.get("required", []) == required
    assert schema["additionalProperties"] is False
    for item in listing.filters:
        described = schema["properties"][item.keyword]
        assert item.help in described["description"]
        enums = [option.get("enum") for option in described["anyOf"] if "enum" in option]
        assert enums == ([list(item.choices)] if item.choices else [])


@pytest.mark.parametrize("name", list(LISTINGS))
def test_a_listing_tool_answers_the_listings_records(server: MCPServer[Any], name: str) -> None:
    sample = SAMPLES.get(name, {})
    got = answer(server, name, sample)
    assert got["records"] == STORE.listing(name, **sample)
    assert set(got) == {"records", "citations"}


@pytest.mark.parametrize("name", list(LISTINGS))
def test_every_record_comes_with_its_citation_and_sources(
    server: MCPServer[Any], name: str
) -> None:
    got = answer(server, name, SAMPLES.get(name, {}))
    cited_somewhere = False
    for row in got["records"]:
        for cited in ids_a_row_cites(row):
            cited_somewhere = True
            citation = got["citations"][cited]
            assert citation["text"] == STORE.cite(cited)
            for source in citation["sources"]:
                record = SOURCE_RECORDS[source["id"]]
                for key in ("publisher", "date", "url", "title"):
                    assert source[key] == record[key]
    assert cited_somewhere or not got["records"], name


def test_every_fact_cites_each_of_its_sources(server: MCPServer[Any]) -> None:
    """A fact whose id is its quantity's too is cited as `qingpu cite` cites it: with every
    source's statement of the quantity, so that its own sources are among them."""
    got = answer(server, "facts", {})
    for row in got["records"]:
        named = {source["id"] for source in got["citations"][row["id"]]["sources"]}
        assert set(row["sources"]) <= named


@pytest.mark.parametrize(
    ("name", "keyword", "choices"),
    [
        (name, item.keyword, item.choices)
        for name, listing in LISTINGS.items()
        for item in listing.filters
        if item.choices
    ],
)
def test_a_choice_takes_any_case_and_a_wrong_one_lists_the_valid_ones(
    server: MCPServer[Any], name: str, keyword: str, choices: tuple[str, ...]
) -> None:
    got = answer(server, name, {keyword: choices[0].upper()})
    assert got["records"] == STORE.listing(name, **{keyword: choices[0]})
    message = error(server, name, {keyword: choices[0] + "x"})
    assert keyword in message and "--" not in message
    assert all(choice in message for choice in choices)
    assert f"did you mean {choices[0]}" in message


@pytest.mark.parametrize("name", [*LISTINGS, "show", "cite"])
def test_an_unknown_argument_names_the_valid_ones(server: MCPServer[Any], name: str) -> None:
    listed = connected(server, lambda client: client.list_tools())
    schema = next(tool for tool in listed.tools if tool.name == name).input_schema
    needed = SAMPLES.get(name) or ({"id": "huawei"} if name in ("show", "cite") else {})
    message = error(server, name, {**needed, "nonsense": "x"})
    assert "'nonsense'" in message
    assert all(argument in message for argument in schema["properties"])


@pytest.mark.parametrize(
    ("name", "arguments", "said"),
    [
        ("search", {}, "needs the argument 'text'"),
        ("search", {"text": "  "}, "non-empty"),
        ("search", {"text": 3}, "takes text"),
        ("facts", {"subject": " "}, "non-empty"),
        ("show", {}, "needs the argument 'id'"),
        ("cite", {"id": ["huawei"]}, "takes text"),
    ],
)
def test_a_missing_blank_or_wrong_typed_argument_is_a_tool_error(
    server: MCPServer[Any], name: str, arguments: dict[str, Any], said: str
) -> None:
    assert said in error(server, name, arguments)


def test_show_answers_the_record_with_its_citation(server: MCPServer[Any]) -> None:
    got = answer(server, "show", {"id": "华为"})
    assert got["record"] == STORE.show("华为")
    assert got["citations"][got["record"]["id"]]["text"] == STORE.cite("huawei")


def test_an_unknown_id_gives_the_closest_ids(server: MCPServer[Any]) -> None:
    for name in ("show", "cite"):
        message = error(server, name, {"id": "new-city-gpd-share"})
        assert "new-city-gdp-share" in message


@pytest.mark.parametrize("style", list(RENDERERS))
def test_cite_answers_the_commands_text_in_each_style(server: MCPServer[Any], style: str) -> None:
    got = answer(server, "cite", {"id": "new-city-planned-area", "style": style})
    assert got["citation"] == STORE.cite("new-city-planned-area", style)
    assert got["id"] == "new-city-planned-area" and got["style"] == style
    assert {source["id"] for source in got["sources"]} == {
        row["source"] for row in STORE.compare("new-city-planned-area")
    }


def test_a_wrong_style_lists_the_styles(server: MCPServer[Any]) -> None:
    message = error(server, "cite", {"id": "huawei", "style": "apa"})
    assert all(style in message for style in RENDERERS)


def test_the_server_keeps_serving_after_errors(server: MCPServer[Any]) -> None:
    async def use(client: Client) -> list[bool]:
        results = []
        for name, arguments in (
            ("show", {"id": "zz"}),
            ("facts", {"topic": 5}),
            ("nonexistent", {}),
            ("search", {"text": "huawei"}),
        ):
            results.append((await client.call_tool(name, arguments)).is_error)
        return results

    assert connected(server, use) == [True, True, True, False]


def _read(server: MCPServer[Any], uri: str) -> str:
    async def use(client: Client) -> str:
        result = await client.read_resource(uri)
        (content,) = result.contents
        return str(getattr(content, "text", ""))

    return connected(server, use)


def test_the_resources_are_each_source_and_the_schema(server: MCPServer[Any]) -> None:
    listed = connected(server, lambda client: client.list_resources())
    expected = [SOURCE_URI.format(source_id=row["id"]) for row in STORE.sources()]
    assert [str(resource.uri) for resource in listed.resources] == [*expected, SCHEMA_URI]
    templates = connected(server, lambda client: client.list_resource_templates())
    assert [item.uri_template for item in templates.resource_templates] == [SOURCE_URI]


@pytest.mark.parametrize("source_id", list(SOURCE_RECORDS))
def test_a_source_resource_says_what_is_known_of_it(server: MCPServer[Any], source_id: str) -> None:
    got = json.loads(_read(server, SOURCE_URI.format(source_id=source_id)))
    assert got["record"] == SOURCE_RECORDS[source_id]
    assert got["citation"] == STORE.cite(source_id)
    assert got["facts"] == [row["id"] for row in STORE.facts(source=source_id)]
    if SOURCE_RECORDS[source_id]["file"]:
        if SOURCES_ABSENT:
            pytest.skip("../shared/sources is absent: the held text cannot be read")
        assert got["text"] == (SOURCES / str(HELD["file"])).read_text(encoding="utf-8")
    else:
        assert got["text"] is None and "holds no text" in got["text_note"]


def test_the_held_text_where_it_cannot_be_read_is_said(tmp_path: Path) -> None:
    elsewhere = build_server(STORE, tmp_path)
    got = json.loads(_read(elsewhere, SOURCE_URI.format(source_id=HELD["id"])))
    assert got["text"] is None
    assert str(HELD["file"]) in got["text_note"] and "QINGPU_SOURCES" in got["text_note"]


@needs_sources
def test_the_held_text_is_found_through_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QINGPU_SOURCES", str(SOURCES))
    found = build_server(STORE, text_directory(None))
    got = json.loads(_read(found, SOURCE_URI.format(source_id=HELD["id"])))
    assert got["text"] == (SOURCES / str(HELD["file"])).read_text(encoding="utf-8")


def test_a_file_name_with_a_path_is_not_followed(
    bundled: dict[str, Any], write_store: Callable[[object], Path], tmp_path: Path
) -> None:
    (tmp_path / "secret.txt").write_text("not for the assistant", encoding="utf-8")
    held = next(source for source in bundled["sources"] if source["file"])
    held["file"] = "../" + tmp_path.name + "/secret.txt"
    store = qingpu.open_store(write_store(bundled), cache=False)
    got = json.loads(_read(build_server(store, SOURCES), SOURCE_URI.format(source_id=held["id"])))
    assert got["text"] is None and "not a plain file name" in got["text_note"]


def test_an_unknown_source_gives_the_closest_ids(server: MCPServer[Any]) -> None:
    async def use(client: Client) -> str:
        try:
            await client.read_resource(SOURCE_URI.format(source_id="shio-2021"))
        except MCPError as refused:
            return refused.error.message
        return ""

    assert "did you mean: shio-2021-04-02" in connected(server, use)


def test_the_schema_resource_is_the_stores_schema(server: MCPServer[Any]) -> None:
    assert json.loads(_read(server, SCHEMA_URI)) == store_json_schema()


@pytest.mark.parametrize("kind", ["link", "fifo"])
def test_a_held_text_that_is_a_link_or_a_pipe_is_neither_followed_nor_waited_on(
    tmp_path: Path, kind: str
) -> None:
    """A link of the held text's name in the texts' directory would read any file (the
    system's passwords); a named pipe would hang the server. Neither is read."""
    secret = tmp_path / "secret.txt"
    secret.write_text("not for the assistant", encoding="utf-8")
    texts = tmp_path / "texts"
    texts.mkdir()
    planted = texts / str(HELD["file"])
    if kind == "link":
        planted.symlink_to(secret)
    else:
        os.mkfifo(planted)
    got = json.loads(_read(build_server(STORE, texts), SOURCE_URI.format(source_id=HELD["id"])))
    assert got["text"] is None
    assert "not read" in got["text_note"] and "assistant" not in json.dumps(got)
