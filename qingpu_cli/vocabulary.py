"""The closed vocabularies of the store and the command line, shared by the models and the app.

Kept apart from `models` so that the command line can offer and check them (choices, shell
completion) without importing pydantic. Each is a `Literal`: the models validate with it, Typer
builds its choices from it, and the fast path reads its values.
"""

from typing import Literal, get_args

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
