"""The schema of the fact store and its invariants.

Records are TypedDicts validated by pydantic-core straight from JSON bytes: building model
instances for every record would cost several times more on large stores, and the queries only
need plain dictionaries. Checks that span records (unique ids, references, the consistency of a
value with its unit) live in `store_problems`, which reports every problem with its location.

Importing this module imports pydantic, so only the validation path and `qingpu schema` do.
"""

import math
import re
from collections.abc import Iterator, Mapping, Sequence
from functools import cache
from typing import Annotated, Any, Literal

from pydantic import (
    ConfigDict,
    Field,
    PlainValidator,
    TypeAdapter,
    ValidationError,
    WithJsonSchema,
    with_config,
)
from pydantic_core import PydanticCustomError
from typing_extensions import TypedDict

from .vocabulary import (
    InitiativeKind,
    PlaceKind,
    Relation,
    Role,
    ScaleStatus,
    Sector,
    Topic,
    Unit,
)

MAX_QUOTE_LENGTH = 200
ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

_RECORD_CONFIG = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False)


def _finite_number(value: object) -> float:
    """Keep whole numbers whole (13 stays 13 in every output) while refusing NaN and infinity."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise PydanticCustomError("number_type", "Input should be a number")
    if isinstance(value, float) and not math.isfinite(value):
        raise PydanticCustomError("finite_number", "Input should be a finite number")
    return value


Number = Annotated[float, PlainValidator(_finite_number), WithJsonSchema({"type": "number"})]
Id = Annotated[
    str,
    Field(
        pattern=ID_PATTERN.pattern,
        description="kebab-case, unique across the store; the handle users type",
    ),
]
Text = Annotated[str, Field(min_length=1)]
NonNegativeInt = Annotated[int, Field(ge=0)]


@with_config(_RECORD_CONFIG)
class Evidence(TypedDict):
    source: Id
    quote: Annotated[str, Field(min_length=1, max_length=MAX_QUOTE_LENGTH)]


Evidences = Annotated[list[Evidence], Field(min_length=1)]


@with_config(_RECORD_CONFIG)
class Source(TypedDict):
    id: Id
    title: Text | None
    language: Text
    translation: bool
    original_language: Text | None
    publisher: Text | None
    date: Text | None
    url: Text | None
    file: Text | None


@with_config(_RECORD_CONFIG)
class Place(TypedDict):
    id: Id
    name: Text
    aliases: list[Text]
    kind: PlaceKind
    part_of: Id | None
    evidence: Evidences


@with_config(_RECORD_CONFIG)
class Initiative(TypedDict):
    id: Id
    name: Text
    aliases: list[Text]
    kind: InitiativeKind
    actor: Id
    relation: Relation
    evidence: Evidences


@with_config(_RECORD_CONFIG)
class ShareOf(TypedDict):
    subject: Id
    quantity: Text


@with_config(_RECORD_CONFIG)
class Fact(TypedDict):
    id: Id
    subject: Id
    topic: Topic
    statement: Text
    value: Number | None
    unit: Unit | None
    decimals: NonNegativeInt | None
    share_of: ShareOf | None
    aliases: list[Text]
    related: list[Id]
    evidence: Evidences


@with_config(_RECORD_CONFIG)
class Partner(TypedDict):
    id: Id
    name: Text
    aliases: list[Text]
    sector: Sector
    evidence: Evidences


@with_config(_RECORD_CONFIG)
class Agreement(TypedDict):
    id: Id
    kind: Text
    parties: Annotated[list[Id], Field(min_length=1)]
    counterpart: Id
    launched: Text | None
    aliases: list[Text]
    evidence: Evidences


@with_config(_RECORD_CONFIG)
class Event(TypedDict):
    id: Id
    name: Text
    aliases: list[Text]
    date: Text | None
    evidence: Evidences


@with_config(_RECORD_CONFIG)
class Plan(TypedDict):
    id: Id
    name: Text
    aliases: list[Text]
    year: NonNegativeInt | None
    subject: Id
    evidence: Evidences


@with_config(_RECORD_CONFIG)
class Scale(TypedDict):
    label: Text
    magnitude: Annotated[Number, Field(ge=0)] | None
    unit: Unit | None
    status: ScaleStatus
    aliases: list[Text]


@with_config(_RECORD_CONFIG)
class Industry(TypedDict):
    id: Id
    name: Text
    aliases: list[Text]
    role: Role
    owner: Id
    plan: Id | None
    scale: Scale | None
    based_on: list[Id]
    coordinated_with: list[Id]
    evidence: Evidences


@with_config(_RECORD_CONFIG)
class Store(TypedDict):
    schema_version: Literal[1]
    sources: list[Source]
    places: list[Place]
    initiatives: list[Initiative]
    facts: list[Fact]
    partners: list[Partner]
    agreements: list[Agreement]
    events: list[Event]
    plans: list[Plan]
    industries: list[Industry]


#: The kinds of record, in store order: the key of each list and the TypedDict of its items.
RECORD_KINDS: dict[str, type[Any]] = {
    name: hint.__args__[0]
    for name, hint in Store.__annotations__.items()
    if name != "schema_version"
}

#: Which kinds of record each reference may point at (None: any record).
REFERENCES: dict[tuple[str, str], tuple[str, ...] | None] = {
    ("places", "part_of"): ("places",),
    ("initiatives", "actor"): ("places", "partners"),
    ("facts", "subject"): None,
    ("facts", "related"): None,
    ("agreements", "parties"): ("partners",),
    ("agreements", "counterpart"): ("partners",),
    ("plans", "subject"): ("places",),
    ("industries", "owner"): ("places",),
    ("industries", "plan"): ("plans",),
    ("industries", "based_on"): ("industries",),
    ("industries", "coordinated_with"): ("industries",),
}

Problem = tuple[str, str]
"""A located problem: (location such as `facts[3].value`, message)."""


@cache
def store_adapter() -> TypeAdapter[Store]:
    return TypeAdapter(Store)


def store_json_schema() -> dict[str, Any]:
    schema = store_adapter().json_schema()
    schema["title"] = "qingpu fact store"
    return schema


def format_location(loc: Sequence[str | int]) -> str:
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else part
    return text or "(top level)"


def schema_problems(error: ValidationError) -> list[Problem]:
    return [(format_location(item["loc"]), item["msg"]) for item in error.errors(include_url=False)]


def _records(data: object) -> Iterator[tuple[str, int, Mapping[str, Any]]]:
    """Every record of a parsed store, tolerating a store that failed the schema."""
    if not isinstance(data, Mapping):
        return
    for kind in RECORD_KINDS:
        items = data.get(kind)
        if isinstance(items, list):
            for index, record in enumerate(items):
                if isinstance(record, Mapping):
                    yield kind, index, record


def _referenced_ids(value: object) -> list[tuple[str, str]]:
    """(suffix, id) pairs for a reference field holding one id or a list of ids."""
    if isinstance(value, str):
        return [("", value)]
    if isinstance(value, list):
        return [(f"[{i}]", item) for i, item in enumerate(value) if isinstance(item, str)]
    return []


def _fact_problems(fact: Mapping[str, Any], where: str) -> Iterator[Problem]:
    value, unit, decimals = fact.get("value"), fact.get("unit"), fact.get("decimals")
    if (value is None) != (unit is None) or (value is None) != (decimals is None):
        yield where, "value, unit and decimals are given together or all null"
        return
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return
    if isinstance(decimals, int) and round(value, decimals) != value:
        yield f"{where}.value", f"{value} has more decimals than the {decimals} stated"
    if unit in ("km2", "count", "CNY") and value < 0:
        yield f"{where}.value", f"a {unit} value cannot be negative: {value}"
    if unit == "count" and decimals != 0:
        yield f"{where}.decimals", "a count has 0 decimals"
    if unit == "percent" and fact.get("share_of") is not None and not 0 <= value <= 100:
        yield f"{where}.value", f"a share must lie between 0 and 100 percent: {value}"
    if fact.get("share_of") is not None and unit != "percent":
        yield f"{where}.share_of", "only a percent value is a share of something"


def _reference_problem(
    target: str, allowed: tuple[str, ...] | None, kind_of: Mapping[str, str]
) -> str | None:
    if target not in kind_of:
        return f"unknown id {target!r}"
    if allowed is not None and kind_of[target] not in allowed:
        return f"{target!r} is in {kind_of[target]}, expected one of {' or '.join(allowed)}"
    return None


def store_problems(data: object) -> list[Problem]:
    """Invariants across records: unique ids, known sources, references that resolve."""
    problems: list[Problem] = []
    kind_of: dict[str, str] = {}
    first_at: dict[str, str] = {}
    for kind, index, record in _records(data):
        record_id = record.get("id")
        if not isinstance(record_id, str):
            continue
        where = f"{kind}[{index}].id"
        if record_id in first_at:
            problems.append((where, f"duplicate id {record_id!r}, first at {first_at[record_id]}"))
            continue
        first_at[record_id] = where
        kind_of[record_id] = kind
    references_of = {
        kind: [(field, allowed) for (k, field), allowed in REFERENCES.items() if k == kind]
        for kind in RECORD_KINDS
    }
    for kind, index, record in _records(data):
        where = f"{kind}[{index}]"
        for field, allowed in references_of[kind]:
            for suffix, target in _referenced_ids(record.get(field)):
                problem = _reference_problem(target, allowed, kind_of)
                if problem:
                    problems.append((f"{where}.{field}{suffix}", problem))
        share_of = record.get("share_of") if kind == "facts" else None
        if isinstance(share_of, Mapping) and isinstance(share_of.get("subject"), str):
            problem = _reference_problem(share_of["subject"], None, kind_of)
            if problem:
                problems.append((f"{where}.share_of.subject", problem))
        evidence = record.get("evidence")
        for number, item in enumerate(evidence if isinstance(evidence, list) else []):
            source = item.get("source") if isinstance(item, Mapping) else None
            if isinstance(source, str) and kind_of.get(source) != "sources":
                problems.append(
                    (f"{where}.evidence[{number}].source", f"unknown source {source!r}")
                )
        if kind == "facts":
            problems.extend(_fact_problems(record, where))
    return problems
