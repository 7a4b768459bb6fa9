"""How each listing is shown to people: its default columns and its title.

Shared by the Typer app and the fast path, so both print the very same thing.
"""

from typing import NamedTuple


class View(NamedTuple):
    columns: tuple[str, ...]
    title: str


VIEWS: dict[str, View] = {
    "facts": View(("id", "subject", "statement", "value", "unit", "sources"), "Facts"),
    "partners": View(
        ("id", "name", "sector", "agreement_kinds", "counterparts", "launched"), "Partners"
    ),
    "industries": View(("id", "name", "role", "scale_label", "owner", "plan_name"), "Industries"),
    "events": View(("id", "name", "date", "projects_signed", "signed_jointly_with"), "Events"),
    "sources": View(
        ("id", "title", "language", "translation", "publisher", "date", "url"),
        "Sources (empty: not given by the source)",
    ),
    "search": View(("kind", "id", "field", "text"), "Matches"),
    "ratios": View(
        ("id", "value", "low", "high", "unit", "formula"),
        "Ratios (low-high: the bounds the inputs' rounding allows)",
    ),
}
