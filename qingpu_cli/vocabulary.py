"""The closed vocabularies of the store and the command line, shared by the models and the app.

Kept apart from `models` so that the command line can offer and check them (choices, shell
completion) without importing pydantic. Each is a `Literal`: the models validate with it, Typer
builds its choices from it, and the fast path reads its values.
"""

from typing import Literal, NamedTuple, get_args

Sector = Literal["telecom", "finance", "education", "technology", "government"]
Role = Literal["focus", "characteristic", "coordinated"]
Topic = Literal["land", "economy", "projects", "positioning", "plan"]
Unit = Literal["km2", "percent", "count", "CNY"]
PlaceKind = Literal["city", "district", "new city", "region"]
InitiativeKind = Literal["hub", "strategic task"]
Relation = Literal["builds", "serves"]
ScaleStatus = Literal["current", "target"]

#: The output formats every listing offers; `table` is for people, the rest for scripts.
Format = Literal["table", "tsv", "csv", "json", "ndjson", "markdown"]
#: What the overview, a screen for people, can be: drawn, or written as one JSON object.
OverviewFormat = Literal["table", "json"]

#: When screens are in colour: on a terminal (unless NO_COLOR), always, or never.
ColorChoice = Literal["auto", "always", "never"]

SECTORS: tuple[str, ...] = get_args(Sector)
ROLES: tuple[str, ...] = get_args(Role)
TOPICS: tuple[str, ...] = get_args(Topic)
FORMATS: tuple[str, ...] = get_args(Format)
COLOR_CHOICES: tuple[str, ...] = get_args(ColorChoice)
OVERVIEW_FORMATS: tuple[str, ...] = get_args(OverviewFormat)


class Reference(NamedTuple):
    """A field that names other records: which kinds it may name (None: any), and how it reads
    from the record that holds it and from the record it names."""

    targets: tuple[str, ...] | None
    reads: str
    reads_back: str


#: Every reference between records. The models check them; `show` follows them both ways.
REFERENCES: dict[tuple[str, str], Reference] = {
    ("places", "part_of"): Reference(("places",), "part of", "place within it"),
    ("initiatives", "actor"): Reference(
        ("places", "partners"), "actor", "initiative it builds or serves"
    ),
    ("facts", "subject"): Reference(None, "about", "fact about it"),
    ("facts", "related"): Reference(None, "names", "fact that names it"),
    ("agreements", "parties"): Reference(("partners",), "party", "agreement it is a party to"),
    ("agreements", "counterpart"): Reference(
        ("partners",), "counterpart", "agreement it is the counterpart of"
    ),
    ("plans", "subject"): Reference(("places",), "plan for", "plan for it"),
    ("industries", "owner"): Reference(("places",), "industry of", "industry of it"),
    ("industries", "plan"): Reference(("plans",), "named in", "industry it names"),
    ("industries", "based_on"): Reference(("industries",), "based on", "industry based on it"),
    ("industries", "coordinated_with"): Reference(
        ("industries",), "coordinated with", "industry coordinated with it"
    ),
}

#: One record of each kind, in words: a search row or a screen names a partner, not partners.
KIND_SINGULAR: dict[str, str] = {
    "sources": "source",
    "places": "place",
    "initiatives": "initiative",
    "facts": "fact",
    "partners": "partner",
    "agreements": "agreement",
    "events": "event",
    "plans": "plan",
    "industries": "industry",
    "ratios": "ratio",
}
