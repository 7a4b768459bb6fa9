"""The schema of the fact store and its invariants.

Records are TypedDicts validated by pydantic-core straight from JSON bytes: building model
instances for every record would cost several times more on large stores, and the queries only
need plain dictionaries. Checks that span records (unique ids, references, the consistency of a
value with its unit) live in `store_problems`, which reports every problem with its location.

Importing this module imports pydantic, so only the validation path and `qingpu schema` do.
"""

import datetime
import itertools
import math
import re
from collections.abc import Sequence
from functools import cache
from typing import Annotated, Any, Literal

from pydantic import (
    BeforeValidator,
    ConfigDict,
    Field,
    TypeAdapter,
    ValidationError,
    with_config,
)
from typing_extensions import NotRequired, TypedDict

from qingpu_cli.store.vocabulary import (
    REFERENCES,
    Bound,
    DateBasis,
    EvidenceKind,
    FactKind,
    InitiativeKind,
    PlaceKind,
    Relation,
    Role,
    ScaleStatus,
    Sector,
    Topic,
    Unit,
    is_web_address,
)

MAX_QUOTE_LENGTH = 200
#: The store's patterns are written `^...$` for the schema (JSON Schema and pydantic, whose `$`
#: is the end of the text) and checked in Python with `fullmatch` alone: Python's `$` also
#: matches before a final newline, which would let `"2021-04-02\n"` through.
ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

_RECORD_CONFIG = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False)


#: A finite JSON number. Strict float takes whole numbers too, and refuses booleans, strings,
#: NaN, the infinities and integers beyond a float's range, all in pydantic-core: no Python call
#: per number. The data a command uses is the store's own parse, so 13 stays 13 in every output.
Number = Annotated[float, Field(strict=True, allow_inf_nan=False)]
Id = Annotated[
    str,
    Field(
        pattern=ID_PATTERN.pattern,
        description="kebab-case, unique across the store; the handle users type",
    ),
]
Text = Annotated[str, Field(min_length=1)]
DATE_PATTERN = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
#: A calendar date written as ISO 8601 (`2026-12-01`): the pattern here, that the day exists in
#: `store_problems` (JSON has no date type, and strict validation takes no text for a date).
IsoDate = Annotated[str, Field(pattern=DATE_PATTERN.pattern, description="YYYY-MM-DD")]

#: A float carries at most 17 significant decimal digits: no source states more decimals than
#: that, and a bound keeps the exact interval arithmetic of `ratios` small.
MAX_DECIMALS = 17
Decimals = Annotated[int, Field(ge=-MAX_DECIMALS, le=MAX_DECIMALS)]
"""Negative for a figure rounded to tens or more: "about 450,000" is rounded to -4 places."""

#: The largest magnitude each unit can mean, so that no valid store can overflow a computation:
#: no area larger than the Earth's land (148.94 million km2), no amount of money a hundred times
#: the world's yearly output, no count or percentage beyond any the sources could state. The
#: other units of area are the Earth's land in them; a length is at most ten times the world's
#: roads together; a year is at most 9999, as a plan's is.
UNIT_LIMITS: dict[str, float] = {
    "km2": 148_940_000,
    "percent": 1_000_000,
    "count": 1e12,
    "CNY": 1e16,
    "CNY per km2": 1e13,
    "ha": 14_894_000_000,
    "m2": 1.4894e14,
    "mu": 2.2341e11,
    "km": 1e9,
    "USD": 1e16,
    "year": 9999,
}
#: Units whose value cannot be negative: every unit but a percentage (a change can be negative).
NON_NEGATIVE_UNITS = frozenset(UNIT_LIMITS) - {"percent", "CNY per km2"}
#: The same for a magnitude whose unit the source leaves unnamed.
MAX_MAGNITUDE = 1e16


@with_config(_RECORD_CONFIG)
class Evidence(TypedDict):
    source: Id
    quote: Annotated[str, Field(min_length=1, max_length=MAX_QUOTE_LENGTH)] | None
    kind: NotRequired[EvidenceKind]
    """A store of version 1 quotes always; from version 2 every citation says which it is."""


Evidences = Annotated[list[Evidence], Field(min_length=1)]


@with_config(_RECORD_CONFIG)
class Source(TypedDict):
    """A source the store's records cite: a page, an article, a document."""

    id: Id
    title: Text | None
    """The source's own title, where it was captured."""
    language: Text
    """The language the source is written in (an ISO 639-1 code such as `en`)."""
    translation: bool
    """Whether the source is a translation."""
    original_language: Text | None
    """The language of the original, for a translation where it is known."""
    publisher: Text | None
    """Who publishes the source; null where it names none."""
    date: Text | None
    """The source's date of publication; null where it gives none."""
    url: Text | None
    """The source's address."""
    file: Text | None
    """The file that holds the source's text, where the project holds it: only such a source
    can be quoted."""
    author: NotRequired[Text | None]
    """The source's author or reporter, where it names one."""
    date_basis: NotRequired[DateBasis | None]
    """Whether the date is shown on the page or read from its address."""
    aliases: NotRequired[list[Text]]
    accessed: NotRequired[IsoDate | None]
    """The day the source was read for the store: a figure read from a page that may change
    is cited with it. From version 3; null in older stores."""
    licence: NotRequired[Text | None]
    """The licence of the source's text (an SPDX identifier such as `CC-BY-SA-4.0`), only where
    the source states one or it is well known; null: not known, never guessed."""


@with_config(_RECORD_CONFIG)
class Place(TypedDict):
    """A place the sources name: the New City, its district, the city, the region."""

    id: Id
    name: Text
    aliases: list[Text]
    kind: PlaceKind
    """What kind of place it is."""
    part_of: Id | None
    """The place it lies within."""
    evidence: Evidences


@with_config(_RECORD_CONFIG)
class Initiative(TypedDict):
    """A hub or strategic task, and who builds or serves it."""

    id: Id
    name: Text
    aliases: list[Text]
    kind: InitiativeKind
    """What kind of initiative it is."""
    actor: Id
    """The place or partner that builds or serves it."""
    relation: Relation
    """How the actor stands to it."""
    evidence: Evidences


@with_config(_RECORD_CONFIG)
class ShareOf(TypedDict):
    """What a share is a share of."""

    subject: Id
    quantity: Text


@with_config(_RECORD_CONFIG)
class Fact(TypedDict):
    """A figure or statement a source gives, with its precision, period and kind."""

    id: Id
    subject: Id
    """The record the fact is about."""
    topic: Topic
    """What the fact is about, in one word."""
    statement: Text
    """The fact in the project's own words."""
    value: Number | None
    """The figure, in the unit `unit` names; null for a statement without one."""
    unit: Unit | None
    """The unit of the figure."""
    decimals: Decimals | None
    """How many decimals the source states; negative for a figure rounded to tens or more."""
    share_of: ShareOf | None
    """For a share (a percent), what it is a share of."""
    aliases: list[Text]
    related: list[Id]
    """Other records the fact names."""
    evidence: Evidences
    quantity: NotRequired[Id | None]
    """What the figure measures, the same id for every source's statement of it."""
    measure: NotRequired[Text | None]
    """What the figure measures, in words."""
    period: NotRequired[Text | None]
    """The year, date or span the figure refers to; null: the source gives none."""
    kind: NotRequired[FactKind | None]
    """Whether the figure is an actual figure, a target or a plan."""
    bound: NotRequired[Bound | None]
    """Whether the figure is exact, rounded, or a lower or upper bound."""
    as_stated: NotRequired[Text | None]
    """The figure as the source writes it, so that its precision shows."""
    note: NotRequired[Text | None]
    """A plain-words definition or remark, in the project's own words."""


@with_config(_RECORD_CONFIG)
class Partner(TypedDict):
    """An organisation that signed an agreement or launched a cooperation."""

    id: Id
    name: Text
    aliases: list[Text]
    sector: Sector
    """The partner's sector."""
    evidence: Evidences
    former_ids: NotRequired[list[Id]]
    """Ids it had before it was renamed: `show` and `cite` still find it by them."""
    note: NotRequired[Text | None]
    """A plain-words remark, such as whose rendering of the name an alias is."""


@with_config(_RECORD_CONFIG)
class Agreement(TypedDict):
    """An agreement or cooperation, its parties and its counterpart."""

    id: Id
    kind: Text
    """What kind of agreement the source says it is."""
    parties: Annotated[list[Id], Field(min_length=1)]
    """The partners that signed it."""
    counterpart: Id
    """The partner on the other side."""
    launched: Text | None
    """What it launched, where the source says."""
    aliases: list[Text]
    evidence: Evidences


@with_config(_RECORD_CONFIG)
class Event(TypedDict):
    """A signing event or conference."""

    id: Id
    name: Text
    aliases: list[Text]
    date: Text | None
    """The event's date; null where the sources give none."""
    evidence: Evidences
    date_basis: NotRequired[DateBasis | None]
    """How the date is known (from version 3); null: not said, or no date."""
    former_ids: NotRequired[list[Id]]
    """Ids it had before (two records merged into one): `show` and `cite` still find it."""


@with_config(_RECORD_CONFIG)
class Plan(TypedDict):
    """A plan the sources name."""

    id: Id
    name: Text
    aliases: list[Text]
    year: Annotated[int, Field(ge=0, le=9999)] | None
    """The year of the plan."""
    subject: Id
    """The place the plan is for."""
    evidence: Evidences


@with_config(_RECORD_CONFIG)
class Scale(TypedDict):
    """The scale of an industry as the source labels it."""

    label: Text
    magnitude: Annotated[Number, Field(ge=0, le=MAX_MAGNITUDE)] | None
    unit: Unit | None
    status: ScaleStatus
    aliases: list[Text]


@with_config(_RECORD_CONFIG)
class Industry(TypedDict):
    """An industry or cluster, its role and scale."""

    id: Id
    name: Text
    aliases: list[Text]
    role: Role
    """The industry's role: focus, characteristic or coordinated."""
    owner: Id
    """The place whose industry it is."""
    plan: Id | None
    """The plan that names it."""
    scale: Scale | None
    """Its scale as the source labels it (JSON)."""
    based_on: list[Id]
    """The industries it is based on."""
    coordinated_with: list[Id]
    """The industries it is coordinated with."""
    evidence: Evidences


@with_config(_RECORD_CONFIG)
class Release(TypedDict):
    """The data release a store is: its version and the day it was made, so that a figure can
    be cited with the release it came from and two releases can be told apart."""

    version: Text
    date: IsoDate


#: The schema versions a store may declare; the newest is what the bundled store uses.
SCHEMA_VERSIONS = (1, 2, 3)


def _an_integer(value: Any) -> Any:
    """A version is a JSON integer: a choice of literals takes `true` for 1 and `3.0` for 3,
    even in strict mode, and would report a store of "schema version True" as valid."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"a schema version is an integer, one of {SCHEMA_VERSIONS}")
    return value


SchemaVersion = Annotated[Literal[1, 2, 3], BeforeValidator(_an_integer)]


@with_config(_RECORD_CONFIG)
class Store(TypedDict):
    schema_version: SchemaVersion
    release: NotRequired[Release | None]
    """From version 3; null in older stores."""
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
    if name not in ("schema_version", "release")
}


#: What the fields every kind shares mean; a field's own docstring says the rest.
SHARED_FIELD_DESCRIPTIONS = {
    "id": "The record's id: kebab-case, unique across the store",
    "name": "The record's name",
    "aliases": "Other names, Chinese ones only from vetted glossaries (JSON list)",
    "evidence": "The sources that back the record, with a verbatim quote where the text is held",
}


def _docstrings(model: type[Any]) -> dict[str, str]:
    """Each field's docstring (the string just below it in the class), read from the source:
    the one place the fields are described."""
    import ast
    import inspect
    import textwrap

    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(model)))
    except (OSError, TypeError):
        return {}
    body = tree.body[0].body if tree.body and isinstance(tree.body[0], ast.ClassDef) else []
    found: dict[str, str] = {}
    for field, after in itertools.pairwise(body):
        if (
            isinstance(field, ast.AnnAssign)
            and isinstance(field.target, ast.Name)
            and isinstance(after, ast.Expr)
            and isinstance(after.value, ast.Constant)
            and isinstance(after.value.value, str)
        ):
            found[field.target.id] = " ".join(after.value.value.split())
    return found


@cache
def field_descriptions(kind: str) -> dict[str, str]:
    """What each field of a kind of record means, in words, from the models."""
    model = RECORD_KINDS[kind]
    own = _docstrings(model)
    return {
        field: own.get(field) or SHARED_FIELD_DESCRIPTIONS.get(field, field.replace("_", " "))
        for field in model.__annotations__
    }


def kind_description(kind: str) -> str:
    """What a kind of record is, from its model's docstring."""
    return " ".join((RECORD_KINDS[kind].__doc__ or kind).split())


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


def _record_lists(data: object) -> list[tuple[str, list[Any]]]:
    """Each kind's list of a parsed store, tolerating a store that failed the schema."""
    if not isinstance(data, dict):
        return []
    found = ((kind, data.get(kind)) for kind in RECORD_KINDS)
    return [(kind, items) for kind, items in found if isinstance(items, list)]


def _fact_problems(fact: dict[str, Any]) -> list[Problem]:
    """What is wrong with a fact's value against its unit and decimals, each problem as (the
    field it is at, such as `.value`, message); most facts have none."""
    value, unit, decimals = fact.get("value"), fact.get("unit"), fact.get("decimals")
    if (value is None) != (unit is None) or (value is None) != (decimals is None):
        return [("", "value, unit and decimals are given together or all null")]
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return []
    if isinstance(value, float) and not math.isfinite(value):
        return []  # not a finite number: the schema's one problem
    if not isinstance(unit, str):
        return []  # a unit that is no text: the schema's one problem
    found: list[Problem] = []
    if isinstance(decimals, int) and round(value, decimals) != value:
        found.append((".value", f"{value} has more decimals than the {decimals} stated"))
    if unit in NON_NEGATIVE_UNITS and value < 0:
        found.append((".value", f"a {unit} value cannot be negative: {value}"))
    limit = UNIT_LIMITS.get(unit) if isinstance(unit, str) else None
    if limit is not None and abs(value) > limit:
        found.append((".value", f"{value} {unit} is beyond what a {unit} value can be: {limit:g}"))
    if unit in ("count", "year") and isinstance(decimals, int) and decimals > 0:
        found.append((".decimals", f"a {unit} has no decimals (0, or fewer where it is rounded)"))
    if unit == "percent" and fact.get("share_of") is not None and not 0 <= value <= 100:
        found.append((".value", f"a share must lie between 0 and 100 percent: {value}"))
    if fact.get("share_of") is not None and unit != "percent":
        found.append((".share_of", "only a percent value is a share of something"))
    return found


_DATE = re.compile(r"^([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?$")


def date_problem(text: object) -> str | None:
    """What keeps a date from being a real one: `2021`, `2021-05` or `2021-05-28`, in ASCII
    digits, a month and a day the calendar has."""
    if not isinstance(text, str):
        return None
    found = _DATE.fullmatch(text)
    if found is None:
        return f"{text[:40]!r} is no date: write YYYY, YYYY-MM or YYYY-MM-DD in ASCII digits"
    year, month, day = (int(part) if part else 1 for part in found.groups())
    try:
        datetime.date(year, month, day)
    except ValueError:
        return f"{text!r} is no date the calendar has"
    return None


def _own_field_problems(kind: str, record: dict[str, Any]) -> list[Problem]:
    """A source's address that is no web address, a date that is no real date, a period with
    digits that are not ASCII: each as (the field it is at, message)."""
    found: list[Problem] = []
    if kind == "sources":
        url = record.get("url")
        if isinstance(url, str) and not is_web_address(url):
            found.append((".url", f"{url[:40]!r} is not a web address (http or https)"))
    if kind in ("sources", "events") and (problem := date_problem(record.get("date"))):
        found.append((".date", problem))
    period = record.get("period") if kind == "facts" else None
    if (
        isinstance(period, str)
        and not period.isascii()
        and any(char.isdigit() and not char.isascii() for char in period)
    ):
        found.append((".period", f"{period!r} has digits that are not ASCII: write 0-9"))
    return found


def _citation_problem(item: dict[str, Any], source: str, held: set[str]) -> str | None:
    """A quote must be of a source whose text the project holds (so that it can be checked),
    and a citation of any other source carries no quote: its text is not ours to copy. Called
    for the evidence that `store_problems` did not accept at a glance."""
    kind = item.get("kind", "quote")
    quote = item.get("quote")
    if kind == "quote" and quote is None:
        return "a quote needs its text (or kind citation, with no quote)"
    if kind == "quote" and source not in held:
        return f"{source!r} has no text held here: cite it (kind citation) without a quote"
    if kind == "citation" and quote is not None:
        return "a citation carries no quote; only a source whose text is held is quoted"
    return None


def _former_id_problems(
    lists: list[tuple[str, list[Any]]], placed: dict[str, tuple[str, int]]
) -> list[Problem]:
    """A former id names one record only: no record has it as its id, and no other had it."""
    problems: list[Problem] = []
    former: dict[str, str] = {}
    for kind in ("partners", "events"):
        items = dict(lists).get(kind, [])
        for index, record in enumerate(items):
            ids = record.get("former_ids") if type(record) is dict else None
            for number, old in enumerate(ids if type(ids) is list else ()):
                if type(old) is not str:
                    continue
                where = f"{kind}[{index}].former_ids[{number}]"
                if old in placed:
                    problems.append((where, f"{old!r} is the id of a record"))
                elif old in former:
                    problems.append((where, f"{old!r} is a former id of {former[old]!r} too"))
                else:
                    former[old] = str(record.get("id"))
    return problems


def _day_problem(value: object) -> str | None:
    """A day of the right shape (`YYYY-MM-DD`) that the calendar has not; the shape itself is
    the schema's to report."""
    if not isinstance(value, str) or not DATE_PATTERN.fullmatch(value):
        return None
    return date_problem(value)


def _dated_problems(data: object) -> list[Problem]:
    """The release's date and each source's access date, as days that exist."""
    if not isinstance(data, dict):
        return []
    found: list[Problem] = []
    release = data.get("release")
    if isinstance(release, dict) and (problem := _day_problem(release.get("date"))):
        found.append(("release.date", problem))
    sources = data.get("sources")
    for index, source in enumerate(sources if isinstance(sources, list) else ()):
        if isinstance(source, dict) and (problem := _day_problem(source.get("accessed"))):
            found.append((f"sources[{index}].accessed", problem))
    return found


def store_problems(data: object) -> list[Problem]:
    """Invariants across records: unique ids, known sources, references that resolve.

    It runs on every validation of a store, so it walks each list once with plain loops and
    builds a location's text only for a problem found there (100,000 facts take a fraction of
    a second)."""
    problems: list[Problem] = _dated_problems(data)
    lists = _record_lists(data)
    placed: dict[str, tuple[str, int]] = {}
    held: set[str] = set()
    for kind, items in lists:
        for index, record in enumerate(items):
            record_id = record.get("id") if isinstance(record, dict) else None
            if not isinstance(record_id, str):
                continue
            if record_id in placed:
                first_kind, first_index = placed[record_id]
                problems.append(
                    (
                        f"{kind}[{index}].id",
                        f"duplicate id {record_id!r}, first at {first_kind}[{first_index}].id",
                    )
                )
                continue
            placed[record_id] = (kind, index)
            if kind == "sources" and record.get("file"):
                held.add(record_id)

    problems.extend(_former_id_problems(lists, placed))
    kind_of = {record_id: kind for record_id, (kind, _) in placed.items()}

    def unresolved(target: str, allowed: tuple[str, ...] | None) -> str | None:
        found = kind_of.get(target)
        if found is None:
            return f"unknown id {target!r}"
        if allowed is not None and found not in allowed:
            return f"{target!r} is in {found}, expected one of {' or '.join(allowed)}"
        return None

    for kind, items in lists:
        references = [(field, ref.targets) for (k, field), ref in REFERENCES.items() if k == kind]
        is_fact = kind == "facts"
        own_fields = kind in ("sources", "events", "facts")
        for index, record in enumerate(items):
            if type(record) is not dict:
                continue
            for field, allowed in references:
                value = record.get(field)
                if type(value) is str:
                    if problem := unresolved(value, allowed):
                        problems.append((f"{kind}[{index}].{field}", problem))
                elif type(value) is list:
                    for number, target in enumerate(value):
                        if type(target) is str and (problem := unresolved(target, allowed)):
                            problems.append((f"{kind}[{index}].{field}[{number}]", problem))
            share_of = record.get("share_of") if is_fact else None
            subject = share_of.get("subject") if type(share_of) is dict else None
            if type(subject) is str and (problem := unresolved(subject, None)):
                problems.append((f"{kind}[{index}].share_of.subject", problem))
            evidence = record.get("evidence")
            for number, item in enumerate(evidence if type(evidence) is list else ()):
                source = item.get("source") if type(item) is dict else None
                if type(source) is str and kind_of.get(source) != "sources":
                    where = f"{kind}[{index}].evidence[{number}].source"
                    problems.append((where, f"unknown source {source!r}"))
                elif type(source) is str:
                    cited, quote = item.get("kind", "quote"), item.get("quote")
                    if cited == "citation" and quote is None:
                        continue
                    if cited == "quote" and quote is not None and source in held:
                        continue
                    problem = _citation_problem(item, source, held)
                    if problem:  # an unknown kind is the schema's to report
                        problems.append((f"{kind}[{index}].evidence[{number}]", problem))
            if is_fact and (found := _fact_problems(record)):
                problems.extend((f"{kind}[{index}]{field}", text) for field, text in found)
            if own_fields and (found := _own_field_problems(kind, record)):
                problems.extend((f"{kind}[{index}]{field}", text) for field, text in found)
    return problems
