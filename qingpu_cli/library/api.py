"""The library's front door: a validated store and one method for each thing the tool answers.

A notebook, a script or the assistants' server calls these methods instead of running the
command line, and gets the very records the command line's `--json` writes (numbers computed
exactly are given as floats, as JSON gives them). Each listing's filters are the keyword
arguments of its method, checked as the command line checks them.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from fractions import Fraction
from typing import TYPE_CHECKING, Any, cast

from qingpu_cli.errors import UsageError

if TYPE_CHECKING:
    import pandas

    from qingpu_cli.store.models import Store

Row = dict[str, Any]


def json_values(value: Any) -> Any:
    """A query's result as its JSON gives it: an exact fraction becomes a float, and tuples
    become lists; everything else is already what JSON holds."""
    if isinstance(value, Fraction):
        return float(value)
    if isinstance(value, Mapping):
        return {key: json_values(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_values(item) for item in value]
    return value


class FactStore:
    """A fact store, validated once when opened; every method is a pure query over it."""

    def __init__(self, data: Store, origin: str) -> None:
        self.data = data
        """The store as its JSON holds it (after validation)."""
        self.origin = origin
        """Where it was read from, as messages name it: a path or `(bundled store)`."""

    def __repr__(self) -> str:
        return f"FactStore({self.origin!r})"

    def listing(self, name: str, **filters: str | None) -> list[Row]:
        """The rows of a listing by its command's name (`facts`, `partners`...), with its
        filters by keyword; an unknown listing or filter, or a value the command would refuse,
        is a UsageError."""
        from qingpu_cli.cli.commands import COMMANDS, LISTINGS

        if name not in LISTINGS:
            raise UsageError(f"no listing {name!r}; the listings: {', '.join(LISTINGS)}")
        listing = LISTINGS[name]
        declared = {item.keyword: item for item in listing.filters}
        positional = {item.name: item for item in COMMANDS[name].arguments}
        arguments: dict[str, str] = {}
        for keyword, value in filters.items():
            if keyword == listing.argument:
                if value is not None:
                    arguments[keyword] = positional[keyword].accept(value)
                continue
            if keyword not in declared:
                valid = ", ".join(declared) or "none"
                raise UsageError(f"{name} takes no filter {keyword!r}; its filters: {valid}")
            if value is not None:
                arguments[keyword] = declared[keyword].accept(value)
        rows = listing.query(self.data, **arguments)
        return cast("list[Row]", json_values(rows))

    def facts(
        self,
        *,
        topic: str | None = None,
        subject: str | None = None,
        search: str | None = None,
        source: str | None = None,
        kind: str | None = None,
        period: str | None = None,
    ) -> list[Row]:
        """`qingpu facts --json`, with the same filters."""
        return self.listing(
            "facts",
            topic=topic,
            subject=subject,
            search=search,
            source=source,
            kind=kind,
            period=period,
        )

    def partners(self, *, sector: str | None = None) -> list[Row]:
        """`qingpu partners --json`."""
        return self.listing("partners", sector=sector)

    def industries(self, *, role: str | None = None) -> list[Row]:
        """`qingpu industries --json`."""
        return self.listing("industries", role=role)

    def events(self) -> list[Row]:
        """`qingpu events --json`."""
        return self.listing("events")

    def sources(self) -> list[Row]:
        """`qingpu sources --json`."""
        return self.listing("sources")

    def places(self) -> list[Row]:
        """`qingpu places --json`."""
        return self.listing("places")

    def agreements(self) -> list[Row]:
        """`qingpu agreements --json`."""
        return self.listing("agreements")

    def plans(self) -> list[Row]:
        """`qingpu plans --json`."""
        return self.listing("plans")

    def initiatives(self) -> list[Row]:
        """`qingpu initiatives --json`."""
        return self.listing("initiatives")

    def search(self, text: str) -> list[Row]:
        """`qingpu search TEXT --json`: blank text is a UsageError, as on the command line."""
        if not text.strip():
            raise UsageError("search needs a non-empty text")
        return self.listing("search", text=text)

    def compare(self, quantity: str | None = None) -> list[Row]:
        """`qingpu compare [QUANTITY] --json`: a blank quantity is a UsageError, as a blank id
        is to `show`."""
        return self.listing("compare", quantity=None if quantity is None else _given(quantity))

    def cities(self, *, measure: str | None = None) -> list[Row]:
        """`qingpu cities --json`: one row a new city and measure."""
        return self.listing("cities", measure=measure)

    def timeline(
        self,
        *,
        from_year: str | None = None,
        to_year: str | None = None,
        subject: str | None = None,
    ) -> list[Row]:
        """`qingpu timeline --json`; `from_year` and `to_year` are `--from` and `--to`."""
        return self.listing("timeline", from_year=from_year, to_year=to_year, subject=subject)

    def audit(self) -> list[Row]:
        """`qingpu audit --json`."""
        return self.listing("audit")

    def ratios(self, *, source: str | None = None) -> list[Row]:
        """`qingpu ratios --json`."""
        return self.listing("ratios", source=source)

    def show(self, record_id: str) -> Row:
        """`qingpu show ID --json`: any id in any case, a name, a vetted alias or the start of
        an id; an unknown one is NotFound naming the closest ids."""
        from qingpu_cli.library.show import show

        return cast("Row", json_values(show(self.data, _given(record_id))))

    def cite(self, record_id: str, style: str = "text") -> str:
        """`qingpu cite ID --style STYLE`: the citation as text to paste."""
        from qingpu_cli.library.cite import cited
        from qingpu_cli.render.citations import RENDERERS

        if style not in RENDERERS:
            raise UsageError(f"style takes one of {', '.join(RENDERERS)}, not {style!r}")
        return RENDERERS[style](cited(self.data, _given(record_id)))

    def diff(self, newer: FactStore) -> Row:
        """`qingpu diff THIS NEWER --json`: what changed from this store to the newer one."""
        from qingpu_cli.library.diff import diff

        return cast("Row", json_values(diff(self.data, newer.data)))

    def frame(self, name: str, **filters: str | None) -> pandas.DataFrame:
        """A listing's rows (any listing, compare, audit and ratios too) as a pandas DataFrame:
        its fields as columns, numbers as numbers, full dates as dates, lists as lists. Needs
        the extra `qingpu[pandas]`: without it, MissingExtra (an ImportError) says so."""
        from qingpu_cli.cli.commands import LISTINGS
        from qingpu_cli.render.frames import as_frame

        rows = self.listing(name, **filters)
        return as_frame(rows, LISTINGS[name].fields)

    def overview(self) -> Row:
        """`qingpu overview --json`."""
        from qingpu_cli.library.overview import overview

        return cast("Row", json_values(overview(self.data)))


def _given(record_id: str) -> str:
    if not record_id.strip():
        raise UsageError("an id is needed; `qingpu search TEXT` finds ids")
    return record_id


def open_store(path: str | os.PathLike[str] | None = None, *, cache: bool = True) -> FactStore:
    """The bundled store, or the store at `path`, read once and validated in full (or proven
    valid by an earlier run, through the same cache of proofs the command line keeps, unless
    `cache` is false). A store that cannot be read is StorePathError or StoreTooLarge; one that
    is not valid is StoreInvalid, whose `problems` lists every problem with its location."""
    from qingpu_cli.store.reader import StoreLocation, StoreReader, cache_directory

    location = StoreLocation(None if path is None else os.fspath(path))
    if location.path == "":
        raise UsageError("open_store needs a path, or None for the bundled store")
    reader = StoreReader(location)
    data = reader.load(cache_directory() if cache else None)
    return FactStore(data, location.label)
