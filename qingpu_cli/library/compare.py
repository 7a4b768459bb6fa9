"""Every source's statement of one quantity side by side, and whether the sources agree.

Each statement stands for the interval its precision and bound allow: "91" (whole km²) is from
90.5 up to 91.5, "about 450,000" (rounded to ten thousands) from 445,000 up to 455,000, "over
100 billion" from 100 billion up. A rounding interval holds its low end and not its high end,
so two roundings that only touch (91 and 92) are disjoint. Statements are compared only with
those of the same period and kind: a target is never held against an actual, nor 2019 against
an undated figure. Nothing is averaged or dropped.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from fractions import Fraction
from functools import lru_cache
from typing import TYPE_CHECKING, Any, NamedTuple, cast

from qingpu_cli.library.queries import not_found

if TYPE_CHECKING:
    from qingpu_cli.store.models import Store

Row = dict[str, Any]

#: The verdicts, as `compare` writes them.
AGREE, DIFFER, NOT_COMPARABLE, SINGLE = "agree", "differ", "not comparable", "single source"


class Interval(NamedTuple):
    """From low (held) up to high (not held), or one exact value where low equals high; None:
    no bound that way."""

    low: Fraction | None
    high: Fraction | None

    def contains(self, point: Fraction) -> bool:
        if self.low is not None and self.low == self.high:
            return point == self.low
        above = self.low is None or self.low <= point
        return above and (self.high is None or point < self.high)

    def meets(self, other: Interval) -> bool:
        """Whether the two share a value. Roundings that only touch share none."""
        for one, two in ((self, other), (other, self)):
            if one.low is not None and one.low == one.high:
                return two.contains(one.low)
        lows = [low for low in (self.low, other.low) if low is not None]
        highs = [high for high in (self.high, other.high) if high is not None]
        return not lows or not highs or max(lows) < min(highs)


def _exact(value: float) -> Fraction:
    return Fraction(repr(value)) if isinstance(value, float) else Fraction(value)


def interval(fact: Mapping[str, Any]) -> Interval:
    """What a stated figure allows: its rounding (from its stated decimals), or its bound."""
    return _interval(fact["value"], fact["decimals"], fact.get("bound") or "exact")


@lru_cache(maxsize=1 << 16)
def _interval(number: float, decimals: int | None, bound: str) -> Interval:
    """Kept for figures stated alike: exact fractions cost far more to make than to look up."""
    value = _exact(number)
    if bound == "lower":
        return Interval(value, None)
    if bound == "upper":
        return Interval(None, value)
    if decimals is None:
        return Interval(value, value)
    half = Fraction(1, 2) * Fraction(10) ** -decimals
    return Interval(value - half, value + half)


def _statements(store: Store) -> dict[str, list[Mapping[str, Any]]]:
    """The facts with a value, by the quantity they measure, in store order."""
    found: dict[str, list[Mapping[str, Any]]] = {}
    for fact in cast("Mapping[str, Any]", store).get("facts", []):
        if fact.get("quantity") and fact["value"] is not None:
            found.setdefault(fact["quantity"], []).append(fact)
    return found


def verdicts(statements: Sequence[Mapping[str, Any]]) -> list[str]:
    """Each statement's verdict among the statements of its quantity. Statements stated alike
    (the same period, kind, figure, precision and bound) share their verdict, so each is held
    against the others once: a quantity stated thousands of times alike costs what one does."""
    if len(statements) == 1:
        return [SINGLE]
    keys = [
        (fact.get("period"), fact.get("kind"), fact["value"], fact["decimals"], fact.get("bound"))
        for fact in statements
    ]
    alike = Counter(keys)
    spans = {key: interval(fact) for key, fact in zip(keys, statements, strict=True)}
    groups: dict[tuple[Any, Any], list[Any]] = {}
    for key in alike:
        groups.setdefault(key[:2], []).append(key)
    judged: dict[Any, str] = {}
    for key, count in alike.items():
        group = groups[key[:2]]
        if count == 1 and len(group) == 1:
            judged[key] = NOT_COMPARABLE
        elif count > 1 or any(spans[key].meets(spans[other]) for other in group if other != key):
            judged[key] = AGREE  # a statement stated alike always meets it
        else:
            judged[key] = DIFFER
    return [judged[key] for key in keys]


def statement_verdicts(store: Store, quantities: Collection[str]) -> dict[str, tuple[str, str]]:
    """Each statement of these quantities by its fact's id: (quantity, verdict). What a change
    to a store does to `compare` is asked of the quantities it touched alone."""
    if not quantities:
        return {}
    found: dict[str, list[Mapping[str, Any]]] = {}
    for fact in cast("Mapping[str, Any]", store).get("facts", []):
        if fact.get("quantity") in quantities and fact["value"] is not None:
            found.setdefault(fact["quantity"], []).append(fact)
    return {
        fact["id"]: (name, verdict)
        for name, statements in found.items()
        for fact, verdict in zip(statements, verdicts(statements), strict=True)
    }


def compare(store: Store, quantity: str | None = None) -> list[Row]:
    """Every statement of every quantity (or of one), with its source and its verdict."""
    grouped = _statements(store)
    if quantity is not None and quantity not in grouped:
        raise not_found(quantity, list(grouped), "quantity")
    sources = {
        source["id"]: source for source in cast("Mapping[str, Any]", store).get("sources", [])
    }
    rows: list[Row] = []
    for name, statements in grouped.items():
        if quantity is not None and name != quantity:
            continue
        for fact, verdict in zip(statements, verdicts(statements), strict=True):
            source = sources.get(fact["evidence"][0]["source"], {})
            span = interval(fact)
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
                    "verdict": verdict,
                }
            )
    return rows


def disputed(store: Store, facts: Sequence[str]) -> list[str]:
    """Which of these facts another source gives otherwise: a figure of the same quantity
    whose interval does not meet theirs, whatever its period."""
    grouped = _statements(store)
    found = []
    for fact in cast("Mapping[str, Any]", store).get("facts", []):
        if fact["id"] not in facts or not fact.get("quantity"):
            continue
        others = [other for other in grouped.get(fact["quantity"], []) if other is not fact]
        if any(not interval(fact).meets(interval(other)) for other in others):
            found.append(fact["id"])
    return found
