"""Every source's statement of one quantity side by side, and whether the sources agree.

Each statement stands for the interval its precision and bound allow, and statements are held
only against those of the same period and kind, by the rules of `agreement` (which `audit`,
`show`, the overview and the fact sheet use too). Nothing is averaged or dropped.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import TYPE_CHECKING, Any, cast

from qingpu_cli.library.agreement import (
    EXACT_IS_A_POINT_FROM,
    NOT_COMPARABLE,
    TOO_COARSE,
    Interval,
    Judged,
    interval,
    judge,
    store_version,
)
from qingpu_cli.library.lookup import not_found

if TYPE_CHECKING:
    from qingpu_cli.store.models import Store

Row = dict[str, Any]

#: The verdicts, as `compare` writes them.
AGREE, DIFFER, SINGLE = "agree", "differ", "single source"
VERDICTS = (AGREE, DIFFER, NOT_COMPARABLE, TOO_COARSE, SINGLE)

__all__ = ["AGREE", "DIFFER", "NOT_COMPARABLE", "SINGLE", "TOO_COARSE", "Interval", "interval"]


def _statements(store: Store) -> dict[str, list[Mapping[str, Any]]]:
    """The facts with a value, by the quantity they measure, in store order."""
    found: dict[str, list[Mapping[str, Any]]] = {}
    for fact in cast("Mapping[str, Any]", store).get("facts", []):
        if fact.get("quantity") and fact["value"] is not None:
            found.setdefault(fact["quantity"], []).append(fact)
    return found


def judged(
    statements: Sequence[Mapping[str, Any]], version: int = EXACT_IS_A_POINT_FROM
) -> list[Judged]:
    """Each statement's verdict among the statements of its quantity, with its gap and the
    coarse figure a `too coarse` verdict rests on."""
    return judge(statements, (AGREE, DIFFER, SINGLE), version)


def verdicts(
    statements: Sequence[Mapping[str, Any]], version: int = EXACT_IS_A_POINT_FROM
) -> list[str]:
    """Each statement's verdict among the statements of its quantity."""
    return [item.verdict for item in judged(statements, version)]


def statement_verdicts(store: Store, quantities: Collection[str]) -> dict[str, tuple[str, str]]:
    """Each statement of these quantities by its fact's id: (quantity, verdict). What a change
    to a store does to `compare` is asked of the quantities it touched alone."""
    if not quantities:
        return {}
    version = store_version(cast("Mapping[str, Any]", store))
    found: dict[str, list[Mapping[str, Any]]] = {}
    for fact in cast("Mapping[str, Any]", store).get("facts", []):
        if fact.get("quantity") in quantities and fact["value"] is not None:
            found.setdefault(fact["quantity"], []).append(fact)
    return {
        fact["id"]: (name, verdict)
        for name, statements in found.items()
        for fact, verdict in zip(statements, verdicts(statements, version), strict=True)
    }


def compare(store: Store, quantity: str | None = None) -> list[Row]:
    """Every statement of every quantity (or of one), with its source and its verdict."""
    grouped = _statements(store)
    if quantity is not None and quantity not in grouped:
        raise not_found(quantity, list(grouped), "quantity")
    sources = {
        source["id"]: source for source in cast("Mapping[str, Any]", store).get("sources", [])
    }
    version = store_version(cast("Mapping[str, Any]", store))
    rows: list[Row] = []
    for name, statements in grouped.items():
        if quantity is not None and name != quantity:
            continue
        for fact, found in zip(statements, judged(statements, version), strict=True):
            source = sources.get(fact["evidence"][0]["source"], {})
            span = found.interval
            rows.append(
                {
                    "quantity": name,
                    "fact": fact["id"],
                    "value": fact["value"],
                    "unit": fact["unit"],
                    "as_stated": fact.get("as_stated"),
                    "low": span.low,
                    "high": span.high,
                    "period": fact.get("period"),
                    "kind": fact.get("kind"),
                    "bound": fact.get("bound"),
                    "source": source.get("id"),
                    "publisher": source.get("publisher"),
                    "date": source.get("date"),
                    "verdict": found.verdict,
                    "gap": found.gap,
                    "coarse": found.coarse,
                }
            )
    return rows


def disputed(store: Store, facts: Sequence[str]) -> list[str]:
    """Which of these facts another source gives otherwise: those whose verdict in `compare`
    is `differ` (a figure of another period or kind is not comparable, so never disputed)."""
    wanted = set(facts)
    grouped = _statements(store)
    version = store_version(cast("Mapping[str, Any]", store))
    quantities = {
        fact["quantity"]
        for fact in cast("Mapping[str, Any]", store).get("facts", [])
        if fact["id"] in wanted and fact.get("quantity") in grouped
    }
    differing = {
        fact["id"]
        for name in quantities
        for fact, verdict in zip(grouped[name], verdicts(grouped[name], version), strict=True)
        if verdict == DIFFER
    }
    return [fact_id for fact_id in dict.fromkeys(facts) if fact_id in differing]


def disputed_among(rows: Sequence[Row], facts: Sequence[str]) -> list[str]:
    """`disputed`, from `compare`'s rows where the caller has them already (the fact sheet)."""
    differing = {row["fact"] for row in rows if row["verdict"] == DIFFER}
    return [fact_id for fact_id in dict.fromkeys(facts) if fact_id in differing]


def series(rows: Sequence[Row]) -> list[Row]:
    """One quantity's statements as a series when they are of several periods: in order of
    the first day each period is known to start on, each period's statements together (in
    the store's order), and those of no period that a year can be told for after them.
    Statements of one period, or of none, keep the store's order."""
    from qingpu_cli.library.timeline import period_start

    if len({row["period"] for row in rows}) < 2:
        return list(rows)
    starts = {row["period"]: period_start(row["period"]) for row in rows}
    return sorted(
        rows,
        key=lambda row: (
            starts[row["period"]] is None,
            starts[row["period"]] or "",
            row["period"] or "",
        ),
    )
