"""The Model Context Protocol server: the library's answers as tools and resources.

Each listing the command line declares (`cli.commands.LISTINGS`) is a tool: its filters are the
tool's arguments, with their help and their choices, so a listing declared later is a tool with
no code here. `show` and `cite` take an id. Every answer is structured content (the records of
the JSON contract, with their citations) and a bad argument is a tool error that says what is
wrong and what would do, never an error of the server. Built on the official SDK's `MCPServer`.
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Annotated, Any

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ResourceError, ToolError
from mcp.server.mcpserver.tools import Tool
from mcp_types import ToolAnnotations
from pydantic import Field, WithJsonSchema
from typing_extensions import TypedDict

from qingpu_cli import __version__
from qingpu_cli.assistants.answers import (
    CITE_DESCRIPTION,
    SHOW_DESCRIPTION,
    SOURCE_KEYS,
    Answers,
    listing_description,
)
from qingpu_cli.cli.commands import COMMANDS, LISTINGS, Listing, Option
from qingpu_cli.errors import QingpuError, UsageError
from qingpu_cli.library.api import FactStore, Row
from qingpu_cli.library.held import held_text
from qingpu_cli.render.citations import RENDERERS

NAME = "qingpu"
SOURCE_URI = "qingpu://sources/{source_id}"
SCHEMA_URI = "qingpu://schema"

INSTRUCTIONS = (
    "Facts about Qingpu New City (青浦新城), Shanghai, and Shanghai's five new cities, each traced"
    " to its source. Answer from these tools rather than from memory: find ids with search, read"
    " records with show or a listing (facts, partners...), and quote every figure with the"
    " citation the answer gives (the cite tool writes it in other styles). Where sources give"
    " different figures for one quantity, compare shows them: say so, and give each with its"
    " source. A null is what no source gives: say it is not known, never fill it in."
)

_OPTIONAL = inspect.Parameter.KEYWORD_ONLY
_READ_ONLY = ToolAnnotations(read_only_hint=True, idempotent_hint=True, open_world_hint=False)

_SOURCE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {key: {"type": ["string", "null"]} for key in SOURCE_KEYS},
    "required": list(SOURCE_KEYS),
}
_CITATIONS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "For each record id: the `qingpu cite` text and the sources behind it.",
    "additionalProperties": {
        "type": "object",
        "properties": {
            "text": {"type": "string", "description": "what `qingpu cite ID` writes"},
            "sources": {"type": "array", "items": _SOURCE_SCHEMA},
        },
        "required": ["text", "sources"],
    },
}


def _answer_type(name: str, shape: Mapping[str, dict[str, Any]]) -> Any:
    """A TypedDict whose schema is the given one: the SDK publishes it as the tool's output
    schema and checks an answer's shape against it, while the records' values pass as they are
    (they come from a store already validated)."""
    fields = {
        key: Annotated[Any, WithJsonSchema(schema)]
        for key, schema in shape.items()
        if key != "citations"
    }
    fields["citations"] = Annotated[dict[str, Any], WithJsonSchema(_CITATIONS_SCHEMA)]
    return TypedDict(name, fields)  # type: ignore[operator]


def _row_schema(listing: Listing) -> dict[str, Any]:
    return {
        "type": "object",
        "description": f"A row of `qingpu {listing.name} --json`: the README documents each key.",
        "properties": {field: {} for field in listing.fields},
        "required": list(listing.fields),
    }


def _text(description: str, choices: tuple[str, ...] | None = None, optional: bool = True) -> Any:
    """An argument's type: text, one of the choices (in any case) where there are choices."""
    schema: dict[str, Any] = {"type": "string"}
    if choices:
        schema["enum"] = list(choices)
    text = Annotated[str, WithJsonSchema(schema)]
    return Annotated[text | None if optional else text, Field(description=description)]


class _Checked(Tool):
    """A tool whose arguments are checked first, so that a wrong one is said in one plain line
    naming the argument and what it takes."""

    def argument_problem(self, arguments: Mapping[str, Any]) -> str | None:
        known = self.parameters.get("properties", {})
        for name in arguments:
            if name not in known:
                valid = ", ".join(known) or "none"
                return f"{self.name} takes no argument {name!r}; its arguments: {valid}"
        for name in self.parameters.get("required", []):
            if arguments.get(name) is None:
                return f"{self.name} needs the argument {name!r}"
        for name, value in arguments.items():
            if value is not None and not isinstance(value, str):
                return f"{self.name}: {name} takes text, not {json.dumps(value)}"
        return None

    async def run(
        self, arguments: dict[str, Any], context: Any, convert_result: bool = False
    ) -> Any:
        problem = self.argument_problem(arguments)
        if problem is not None:
            raise ToolError(problem)
        return await super().run(arguments, context, convert_result=convert_result)


def _tool(
    call: Callable[..., Row],
    name: str,
    description: str,
    parameters: list[inspect.Parameter],
    answer: Any,
) -> Tool:
    """A tool from a plain function over the answers: the SDK reads its arguments' schema from
    the signature given, and a project error becomes the tool error an assistant reads."""

    async def tool(**arguments: str | None) -> Row:
        try:
            return call(**arguments)
        except QingpuError as error:
            raise ToolError(error.message) from None

    tool.__signature__ = inspect.Signature(parameters, return_annotation=answer)  # type: ignore[attr-defined]
    tool.__name__ = name
    built = _Checked.from_function(
        tool, name=name, description=description, annotations=_READ_ONLY, structured_output=True
    )
    built.parameters["additionalProperties"] = False
    return built


def _filter_parameter(item: Option) -> inspect.Parameter:
    help_text = item.help
    if item.choices:
        help_text += f" One of: {', '.join(item.choices)}."
    return inspect.Parameter(
        item.keyword, _OPTIONAL, default=None, annotation=_text(help_text, item.choices)
    )


def _argument_parameter(listing: Listing) -> inspect.Parameter | None:
    """A listing's positional argument (search's text), required where its query needs it."""
    if listing.argument is None:
        return None
    query = inspect.signature(listing.query).parameters[listing.argument]
    required = query.default is inspect.Parameter.empty
    declared = [a for a in COMMANDS[listing.name].arguments if a.name == listing.argument]
    described = declared[0].help if declared else f"The {listing.argument}."
    annotation = _text(described, optional=not required)
    default = inspect.Parameter.empty if required else None
    return inspect.Parameter(listing.argument, _OPTIONAL, default=default, annotation=annotation)


def listing_tool(answers: Answers, listing: Listing) -> Tool:
    """A listing as a tool, from its declaration alone."""
    argument = _argument_parameter(listing)
    parameters = [*([argument] if argument else []), *map(_filter_parameter, listing.filters)]

    def call(**arguments: str | None) -> Row:
        given = arguments.get(listing.argument) if listing.argument else None
        if given is not None and not given.strip():
            raise ToolError(f"{listing.argument} needs a non-empty value")
        for item in listing.filters:
            value = arguments.get(item.keyword)
            try:
                arguments[item.keyword] = None if value is None else item.accept(value)
            except UsageError as error:  # said of the tool's argument, not the option
                raise ToolError(error.message.replace(item.option, item.keyword, 1)) from None
        return answers.listing(listing.name, **arguments)

    shape = {"records": {"type": "array", "items": _row_schema(listing)}}
    answer = _answer_type(f"{listing.name.capitalize()}Answer", shape)
    return _tool(call, listing.name, listing_description(listing), parameters, answer)


def _show_tool(answers: Answers) -> Tool:
    parameter = inspect.Parameter(
        "id", _OPTIONAL, annotation=_text("A record or ratio id, name or alias.", optional=False)
    )
    shape = {"record": {"type": "object", "description": "What `qingpu show ID --json` gives."}}
    answer = _answer_type("ShowAnswer", shape)
    return _tool(
        lambda **given: answers.show(given["id"]), "show", SHOW_DESCRIPTION, [parameter], answer
    )


class CiteAnswer(TypedDict):
    id: Annotated[str, Field(description="The id cited, as the store spells it.")]
    style: str
    citation: Annotated[str, Field(description="What `qingpu cite ID --style STYLE` writes.")]
    sources: Annotated[
        list[dict[str, Any]], WithJsonSchema({"type": "array", "items": _SOURCE_SCHEMA})
    ]


def _cite_tool(answers: Answers) -> Tool:
    styles = tuple(RENDERERS)
    parameters = [
        inspect.Parameter(
            "id",
            _OPTIONAL,
            annotation=_text(
                "What to cite: any id show takes, or a quantity's id.", optional=False
            ),
        ),
        inspect.Parameter(
            "style",
            _OPTIONAL,
            default="text",
            annotation=Annotated[
                Annotated[str, WithJsonSchema({"type": "string", "enum": list(styles)})],
                Field(description=f"One of: {', '.join(styles)}."),
            ],
        ),
    ]

    def call(**given: str | None) -> Row:
        return answers.cite(str(given["id"]), given.get("style") or "text")

    return _tool(call, "cite", CITE_DESCRIPTION, parameters, CiteAnswer)


def tools(answers: Answers) -> list[Tool]:
    """Every tool: one a listing, in their declared order, then show and cite."""
    listed = [listing_tool(answers, listing) for listing in LISTINGS.values()]
    return [*listed, _show_tool(answers), _cite_tool(answers)]


def source_resource(answers: Answers, source_id: str, text_directory: Path) -> str:
    """What is known of a source, as JSON: its record, the citation of it, and its text where
    the project holds it and it can be read here (else why not)."""
    found = next(
        (row for row in answers.store.sources() if row["id"] == source_id),
        None,
    )
    if found is None:
        from qingpu_cli.library.lookup import not_found

        known = [str(row["id"]) for row in answers.store.sources()]
        raise ResourceError(not_found(source_id, known, "source").message)
    held = held_text(found, text_directory)
    cited_by = [str(fact["id"]) for fact in answers.store.facts(source=source_id)]
    return json.dumps(
        {
            "record": found,
            "citation": answers.store.cite(source_id),
            "facts": cited_by,
            "text": held.text,
            "text_note": held.note,
        },
        ensure_ascii=False,
        indent=2,
    )


def build_server(store: FactStore, text_directory: Path) -> MCPServer[Any]:
    """The server over one store, read and validated before: tools and resources."""
    answers = Answers(store)
    server: MCPServer[Any] = MCPServer(
        NAME,
        title="Qingpu New City facts",
        instructions=INSTRUCTIONS,
        version=__version__,
        tools=tools(answers),
        log_level="WARNING",
    )
    for source in store.sources():
        source_id = str(source["id"])
        uri = SOURCE_URI.format(source_id=source_id)

        server.resource(
            uri,
            name=source_id,
            title=str(source.get("title") or source_id),
            description="What is known of this source: its record, its citation, the facts that"
            " cite it" + (", and its text where it is readable here" if source.get("file") else ""),
            mime_type="application/json",
        )(_reader(answers, source_id, text_directory))

    @server.resource(
        SOURCE_URI,
        name="source",
        description="What is known of a source by its id (the sources listing gives them).",
        mime_type="application/json",
    )
    def any_source(source_id: str) -> str:
        return source_resource(answers, source_id, text_directory)

    @server.resource(
        SCHEMA_URI,
        name="schema",
        title="The store's JSON Schema",
        description="The JSON Schema of the fact store, as `qingpu schema` writes it.",
        mime_type="application/schema+json",
    )
    def schema() -> str:
        from qingpu_cli.store.models import store_json_schema

        return json.dumps(store_json_schema(), ensure_ascii=False, indent=2)

    del any_source, schema
    return server


def _reader(answers: Answers, source_id: str, text_directory: Path) -> Callable[[], str]:
    """A listed source's reader: a static resource's takes no parameters, so its id is bound."""

    def read() -> str:
        return source_resource(answers, source_id, text_directory)

    return read


def run(store: FactStore, store_path: str | None) -> int:
    """Serve the store over standard input and output; the exit status when it ends."""
    from qingpu_cli.assistants.stdio import serve
    from qingpu_cli.library.held import text_directory

    return serve(build_server(store, text_directory(store_path)))
