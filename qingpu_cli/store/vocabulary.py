"""The closed vocabularies of the store and the command line, shared by the models and the app.

Kept apart from `models` so that the command line can offer and check them (choices, shell
completion) without importing pydantic. Each is a `Literal`: the models validate with it, Typer
builds its choices from it, and the fast path reads its values.
"""

from typing import Literal, NamedTuple, get_args

Sector = Literal["telecom", "finance", "education", "technology", "government"]
Role = Literal["focus", "characteristic", "coordinated"]
Topic = Literal["land", "economy", "projects", "positioning", "plan", "population"]
#: A figure keeps the unit its source states it in: "3,000 mu" stays in mu and "USD 1.4 billion"
#: in US dollars, since a conversion would be a figure no source gives.
Unit = Literal[
    "km2", "percent", "count", "CNY", "CNY per km2", "ha", "m2", "km", "mu", "USD", "year"
]
PlaceKind = Literal[
    "city",
    "district",
    "new city",
    "region",
    "group of new cities",
    "business district",
    "science park",
    "research campus",
    "rail line",
    "station",
    "river",
]
#: Whether a figure is what was, what is aimed at, or what is planned.
FactKind = Literal["actual", "target", "plan"]
#: How a figure is stated: exact (the value itself: a count of listed things, a figure shown to
#: the unit), rounded at its last stated digit, or as a bound ("over", "under": the number
#: itself excluded). The README's precision rules say which a figure is.
Bound = Literal["exact", "rounded", "lower", "upper"]
#: What a citation is: a verbatim quote of a text the project holds, or a reference to a source
#: whose text is not held (its facts stated in the project's own words).
EvidenceKind = Literal["quote", "citation"]
#: How a date is known: from the page, from its address, or (an event's day printed without a
#: year) the day from the text and the year from the address.
DateBasis = Literal[
    "shown on the page", "read from the address", "day from the text, year from the address"
]
InitiativeKind = Literal["hub", "strategic task"]
Relation = Literal["builds", "serves"]
ScaleStatus = Literal["current", "target"]

#: What `qingpu cities` puts side by side (each declared, with what it takes, in `cities`).
CityMeasure = Literal[
    "planned-area",
    "residents-2025",
    "residents-2035",
    "residents",
    "gdp",
    "district-gdp",
    "industrial-output",
    "output",
    "niche-industries",
]

#: The output formats every listing offers; `table` is for people, the rest for scripts.
Format = Literal["table", "tsv", "csv", "json", "ndjson", "markdown"]
#: What the overview, a screen for people, can be: drawn, or written as one JSON object.
OverviewFormat = Literal["table", "json"]

#: How `qingpu cite` writes: for a person (text, markdown) or a reference manager.
CitationStyle = Literal["text", "markdown", "bibtex", "csl-json"]

#: When screens are in colour: on a terminal (unless NO_COLOR), always, or never.
ColorChoice = Literal["auto", "always", "never"]

#: The most digits a number given on the command line or in the environment may have: more
#: than any count of rows or bytes, few enough that reading it costs nothing.
MAX_NUMBER_DIGITS = 18


def ascii_whole_number(text: str, digits: int = MAX_NUMBER_DIGITS) -> int | None:
    """A whole number written in ASCII digits, at most `digits` of them; None for anything else
    (superscript and full-width digits are digits to `str.isdigit`, not to `int`)."""
    given = text.strip()
    if not given or len(given) > digits or not (given.isascii() and given.isdigit()):
        return None
    return int(given)


#: The schemes of the only addresses that are ever made links (the fact sheet, Markdown).
WEB_SCHEMES = ("http", "https")


def is_web_address(url: object) -> bool:
    """An `http` or `https` address with a host and no space or control character in it:
    anything else (`javascript:`, `data:`, a bare path) is shown as text, never as a link."""
    if not isinstance(url, str):
        return False
    scheme, colon, rest = url.partition(":")
    if not colon or scheme.lower() not in WEB_SCHEMES or not rest.startswith("//"):
        return False
    host = rest[2:].split("/", 1)[0]
    return bool(host) and not any(char.isspace() or not char.isprintable() for char in url)


SECTORS: tuple[str, ...] = get_args(Sector)
ROLES: tuple[str, ...] = get_args(Role)
TOPICS: tuple[str, ...] = get_args(Topic)
FACT_KINDS: tuple[str, ...] = get_args(FactKind)
CITY_MEASURES: tuple[str, ...] = get_args(CityMeasure)
FORMATS: tuple[str, ...] = get_args(Format)
COLOR_CHOICES: tuple[str, ...] = get_args(ColorChoice)
OVERVIEW_FORMATS: tuple[str, ...] = get_args(OverviewFormat)
CITATION_STYLES: tuple[str, ...] = get_args(CitationStyle)


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

#: Each kind of record's own fields, in the models' order: every row of a listing has each of
#: them (null where a store of an earlier version has none), then what the listing derives. A
#: test proves that they are the models' fields.
RECORD_FIELDS: dict[str, tuple[str, ...]] = {
    "sources": (
        *("id", "title", "language", "translation", "original_language", "publisher", "date"),
        *("url", "file", "author", "date_basis", "aliases", "accessed", "licence"),
    ),
    "places": ("id", "name", "aliases", "kind", "part_of", "evidence"),
    "initiatives": ("id", "name", "aliases", "kind", "actor", "relation", "evidence"),
    "facts": (
        *("id", "subject", "topic", "statement", "value", "unit", "decimals", "share_of"),
        *("aliases", "related", "evidence", "quantity", "measure", "period", "kind", "bound"),
        *("as_stated", "note"),
    ),
    "partners": ("id", "name", "aliases", "sector", "evidence", "former_ids", "note"),
    "agreements": ("id", "kind", "parties", "counterpart", "launched", "aliases", "evidence"),
    "events": ("id", "name", "aliases", "date", "evidence", "date_basis", "former_ids"),
    "plans": ("id", "name", "aliases", "year", "subject", "evidence"),
    "industries": (
        *("id", "name", "aliases", "role", "owner", "plan", "scale", "based_on"),
        *("coordinated_with", "evidence"),
    ),
}

#: Licences known well enough to name their title and address: the project's own, and that of
#: Wikipedia's text. A licence not here is named by its identifier alone.
KNOWN_LICENCES: dict[str, tuple[str, str]] = {
    "MIT": ("MIT License", "https://opensource.org/licenses/MIT"),
    "CC-BY-SA-4.0": (
        "Creative Commons Attribution-ShareAlike 4.0 International",
        "https://creativecommons.org/licenses/by-sa/4.0/",
    ),
}


#: A figure's bound in words before it, as the README's precision rules say it ("over X"
#: excludes X); an exact figure needs none.
BOUND_WORDS = {"lower": "over", "upper": "under", "rounded": "about"}

#: Units as a person reads them on a screen, in a sentence or on the fact sheet; the machine
#: formats keep the store's own (`km2`, `percent`, `count`, `CNY`).
UNIT_WORDS = {
    "km2": "km\u00b2",
    "m2": "m\u00b2",
    "percent": "%",
    "CNY": "yuan",
    "CNY per km2": "yuan per km\u00b2",
    "count": "",
    "x": "times",
}

#: The words for large numbers, as sources write them: 41.3 billion, 1.1 trillion.
SCALES = ((10**12, "trillion"), (10**9, "billion"), (10**6, "million"))
#: The most decimals a stated figure is written with in a scale's words (1.271 million): past
#: that it is written out with its thousands separated (1,271,424), on every screen and in the
#: library's words alike. The ends of a rounding keep their scale whatever their digits.
MAX_SCALED_DECIMALS = 3
