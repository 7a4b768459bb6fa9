"""The closed vocabularies of the store, shared by the models and the command line.

Kept apart from `models` so that the command line can offer and check them (choices, shell
completion) without importing pydantic.
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

SECTORS: tuple[str, ...] = get_args(Sector)
ROLES: tuple[str, ...] = get_args(Role)
TOPICS: tuple[str, ...] = get_args(Topic)
