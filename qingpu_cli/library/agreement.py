"""When figures agree: the one set of rules behind every command that speaks of agreement.

`compare`, `audit`, `show`, the overview's disputed figures, the fact sheet and the SQLite
export all decide with these functions, so that one pair of figures gets one verdict
everywhere. The rules, as the README states them:

- A figure stands for the interval its precision and bound allow. `exact` is the value itself
  (a count of listed things, a figure the source shows to the unit); `rounded` is half a unit
  of its last stated digit either way, holding its low end and not its high end (91 is 90.5 up
  to 91.5, so 91 and 92 only touch and share no value); `lower` ("over X", "above X") is
  everything above X and not X; `upper` everything below X. In a store of version 1 or 2 an
  `exact` or missing bound meant "as stated, to its decimals", and is read so.
- Two figures are comparable only when they are of the same period and the same kind: a
  target is never held against an actual, nor 2019 against an undated figure.
- Comparable figures agree when their intervals share a value; but where they meet only
  because one of them is stated to a single significant digit ("around 1 million" allows
  500,000 up to 1.5 million), the verdict is `too coarse`, naming that figure and its interval.
- Every comparison gives the relative gap between the stated values.

Which statements of a quantity meet is found by sorting their intervals (n log n), never by
holding each against every other.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from fractions import Fraction

from qingpu_cli.store.vocabulary import MAX_SCALED_DECIMALS, SCALES, UNIT_WORDS

#: The schema version whose `exact` means the value itself.
EXACT_IS_A_POINT_FROM = 3

#: Verdict words shared by `compare` and `audit`: figures of another period or kind, and a
#: meeting that rests only on a figure too coarse to test.
NOT_COMPARABLE, TOO_COARSE = "not comparable", "too coarse"

_BELOW, _ABOVE = float("-inf"), float("inf")


class Interval(NamedTuple):
    """From low up to high; None: no bound that way. Low is held unless `low_open` (a lower
    bound, "over X"); high is not held unless low equals it (one exact value)."""

    low: Fraction | None
    high: Fraction | None
    low_open: bool = False

    @property
    def is_point(self) -> bool:
        return self.low is not None and self.low == self.high

    # Keys lead with the nearest float: rounding to a float never reverses an order, so a
    # float that differs decides at once, and the exact value only breaks a tie.

    def start(self) -> tuple[float, Fraction | float, int]:
        """Where it begins, as a key that sorts an open start after a held one."""
        if self.low is None:
            return (_BELOW, _BELOW, 0)
        return (float(self.low), self.low, 1 if self.low_open else 0)

    def end(self) -> tuple[float, Fraction | float, int]:
        """Where it ends, as a key that a start is below exactly when the interval holds it."""
        if self.high is None:
            return (_ABOVE, _ABOVE, 1)
        return (float(self.high), self.high, 1 if self.is_point else 0)

    def contains(self, point: Fraction) -> bool:
        return self.meets(Interval(point, point))

    def meets(self, other: Interval) -> bool:
        """Whether the two share a value. Roundings that only touch share none."""
        return self.start() < other.end() and other.start() < self.end()


@lru_cache(maxsize=1 << 16)
def exact_number(value: float) -> Fraction:
    """The number as written in decimals (91.1 is 911/10, not the float nearest it); stores
    repeat their figures, so each is read once."""
    from fractions import Fraction

    return Fraction(repr(value)) if isinstance(value, float) else Fraction(value)


@lru_cache(maxsize=64)
def half_unit(decimals: int) -> Fraction:
    """Half a unit of the last stated digit: 0.05 for one decimal, 5,000 for ten thousands."""
    from fractions import Fraction

    return Fraction(1, 2) * Fraction(10) ** -decimals


def store_version(store: Mapping[str, Any]) -> int:
    version = store.get("schema_version")
    return version if isinstance(version, int) else EXACT_IS_A_POINT_FROM


def _bound(fact: Mapping[str, Any], version: int) -> str:
    bound = fact.get("bound") or "rounded"
    if bound == "exact" and version < EXACT_IS_A_POINT_FROM:
        return "rounded"
    return str(bound)


def interval(fact: Mapping[str, Any], version: int = EXACT_IS_A_POINT_FROM) -> Interval:
    """What a stated figure allows: the value itself, its rounding, or its bound."""
    return _interval(fact["value"], fact.get("decimals"), _bound(fact, version))


@lru_cache(maxsize=1 << 16)
def _interval(stated: float, decimals: int | None, bound: str) -> Interval:
    value = exact_number(stated)
    if bound == "lower":
        return Interval(value, None, low_open=True)
    if bound == "upper":
        return Interval(None, value)
    if bound == "exact" or decimals is None:
        return Interval(value, value)
    half = half_unit(decimals)
    return Interval(value - half, value + half)


def is_coarse(fact: Mapping[str, Any], version: int = EXACT_IS_A_POINT_FROM) -> bool:
    """Whether a figure is rounded to a single significant digit ("around 1 million", "500
    billion"): its interval is as wide as the figure itself, too wide to test another by."""
    decimals = fact.get("decimals")
    if fact.get("value") is None or decimals is None or _bound(fact, version) != "rounded":
        return False
    return _single_digit(fact["value"], decimals)


@lru_cache(maxsize=1 << 16)
def _single_digit(value: float, decimals: int) -> bool:
    from fractions import Fraction

    digits = abs(exact_number(value)) * Fraction(10) ** int(decimals)
    return bool(digits.denominator == 1 and 1 <= digits <= 9)


def comparison_key(fact: Mapping[str, Any]) -> tuple[Any, Any, Any]:
    """Figures with the same key are of the same period, kind and unit: the only ones held
    against each other (160 ha and 1.6 million m² are never converted into each other: no
    conversion is a fact of a source)."""
    return fact.get("period"), fact.get("kind"), fact.get("unit")


def comparable(one: Mapping[str, Any], other: Mapping[str, Any]) -> bool:
    return comparison_key(one) == comparison_key(other)


def relative_gap(value: Fraction, reference: Fraction) -> Fraction | None:
    """How far a value lies from a reference, in percent of the reference (650,000 against
    1,000,000 is -35); None against a reference of zero."""
    if reference == 0:
        return None
    return (value - reference) / reference * 100


def coarse_figure(fact: Mapping[str, Any], version: int = EXACT_IS_A_POINT_FROM) -> dict[str, Any]:
    """The figure a `too coarse` verdict rests on, and the interval it allows."""
    span = interval(fact, version)
    return {
        "fact": fact["id"],
        "as_stated": fact.get("as_stated"),
        "low": span.low,
        "high": span.high,
    }


def _met(spans: Sequence[Interval], members: Sequence[int]) -> dict[int, int]:
    """For each member whose interval meets another member's, one such other: found by sorting
    the intervals by where they begin. A member meets an earlier one exactly when it begins
    before the furthest end so far, and a later one exactly when the next one begins before
    its own end."""
    starts = {index: spans[index].start() for index in members}
    ends = {index: spans[index].end() for index in members}
    order = sorted(members, key=starts.__getitem__)
    found: dict[int, int] = {}
    furthest: int | None = None
    for position, index in enumerate(order):
        if furthest is not None and starts[index] < ends[furthest]:
            found[index] = furthest
        elif position + 1 < len(order) and starts[order[position + 1]] < ends[index]:
            found[index] = order[position + 1]
        if furthest is None or ends[furthest] < ends[index]:
            furthest = index
    return found


class Judged(NamedTuple):
    """One statement's verdict among the statements of its quantity."""

    verdict: str
    interval: Interval
    """What the statement allows, as the verdict took it."""
    gap: Fraction | None
    """Its value against the comparable value furthest from it, in percent of that value."""
    coarse: dict[str, Any] | None
    """For `too coarse`: the figure too coarse to test and its interval."""


def judge(
    statements: Sequence[Mapping[str, Any]],
    words: tuple[str, str, str],
    version: int = EXACT_IS_A_POINT_FROM,
) -> list[Judged]:
    """Each statement's verdict among statements of one quantity, in `words` (agree, differ,
    single source): `not comparable` where no other is of its period and kind.

    Statements stated alike (one value, precision and bound, of one period, kind and unit)
    allow one interval and meet each other, so each such set is judged once: a store that
    repeats its figures release after release pays for its distinct figures, not its rows."""
    agree, differ, single = words
    if len(statements) == 1:
        return [Judged(single, interval(statements[0], version), None, None)]
    slot_of: dict[tuple[Any, ...], int] = {}
    distinct: list[Mapping[str, Any]] = []
    repeated: list[bool] = []
    slots: list[int] = []
    for fact in statements:
        key = (*comparison_key(fact), fact["value"], fact.get("decimals"), _bound(fact, version))
        slot = slot_of.get(key)
        if slot is None:
            slot = slot_of[key] = len(distinct)
            distinct.append(fact)
            repeated.append(False)
        else:
            repeated[slot] = True
        slots.append(slot)
    once = _judge_distinct(distinct, repeated, (agree, differ), version)
    return [once[slot] for slot in slots]


def _judge_distinct(
    statements: Sequence[Mapping[str, Any]],
    repeated: Sequence[bool],
    words: tuple[str, str],
    version: int,
) -> list[Judged]:
    """The verdicts of distinct statements, each of which may stand for several stated alike
    (`repeated`): one that another states alike agrees with it."""
    agree, differ = words
    spans = [interval(fact, version) for fact in statements]
    values = [exact_number(fact["value"]) for fact in statements]
    coarse = [is_coarse(fact, version) for fact in statements]
    groups: dict[tuple[Any, Any, Any], list[int]] = {}
    for index, fact in enumerate(statements):
        groups.setdefault(comparison_key(fact), []).append(index)
    judged: list[Judged | None] = [None] * len(statements)
    for members in groups.values():
        if len(members) == 1 and not repeated[members[0]]:
            judged[members[0]] = Judged(NOT_COMPARABLE, spans[members[0]], None, None)
            continue
        met = _met(spans, members)
        fine = _met(spans, [index for index in members if not coarse[index]])
        every_at: dict[Fraction, list[int]] = {}
        coarse_at: dict[Fraction, list[int]] = {}
        for index in members:
            every_at.setdefault(values[index], []).append(index)
            if coarse[index]:
                coarse_at.setdefault(values[index], []).append(index)
        least = min(values[index] for index in members)
        most = max(values[index] for index in members)
        gaps: dict[Fraction, Fraction | None] = {}
        for value in every_at:
            far = least if value - least > most - value else most
            gaps[value] = relative_gap(value, far)
        for index in members:
            gap = gaps[values[index]]
            # A coarse figure meeting one of its own stated value rests on no coarseness: each
            # such pair meets at the value itself, so the first one found settles it.
            alike = (every_at if coarse[index] else coarse_at).get(values[index], [])
            robust = (
                repeated[index]
                or index in fine
                or any(other != index and spans[index].meets(spans[other]) for other in alike)
            )
            if robust:
                judged[index] = Judged(agree, spans[index], gap, None)
            elif index in met:
                rests_on = index if coarse[index] else met[index]
                named = coarse_figure(statements[rests_on], version)
                judged[index] = Judged(TOO_COARSE, spans[index], gap, named)
            else:
                judged[index] = Judged(differ, spans[index], gap, None)
    return [item for item in judged if item is not None]


def interval_words(fact: Mapping[str, Any], version: int = EXACT_IS_A_POINT_FROM) -> str:
    """What a figure stands for, in words: `rounded: 545,000 to 555,000`, `rounded: 71.75 to
    71.85 billion yuan` (ends of one scale name it once), `over 100 billion yuan`, `exactly
    40`."""
    span = interval(fact, version)
    if fact.get("unit") == "year":  # a year is named, not counted: never "2,028 year"
        return _years_words(span)
    unit = UNIT_WORDS.get(fact.get("unit") or "", fact.get("unit") or "")
    after = f" {unit}" if unit and unit != "%" else unit
    if span.low is None and span.high is not None:
        return f"under {figure_words(span.high)}{after}"
    if span.high is None and span.low is not None:
        return f"over {figure_words(span.low)}{after}"
    if span.low is None or span.high is None:
        return "any value"
    if span.is_point:
        return f"exactly {figure_words(span.low)}{after}"
    (low_number, low_scale), (high_number, high_scale) = _in_scale(span.low), _in_scale(span.high)
    if low_scale and low_scale == high_scale:  # one scale, as the screens write it
        return f"rounded: {low_number} to {high_number} {low_scale}{after}"
    # ends of two scales are each written as a figure alone: 999,999.5 to 1,000,000.5
    return f"rounded: {figure_words(span.low)} to {figure_words(span.high)}{after}"


def _decimal(value: Fraction) -> str:
    """An exact decimal for a value with a finite one (every interval end here has), with its
    thousands separated; otherwise four significant digits."""
    for places in range(18):
        scaled = value * 10**places
        if scaled.denominator == 1:
            whole, rest = divmod(abs(int(scaled)), 10**places)
            sign = "-" if value < 0 else ""
            fraction = f".{rest:0{places}d}".rstrip("0") if places else ""
            return f"{sign}{whole:,}{fraction.rstrip('.')}"
    return f"{float(value):.4g}"


def _in_scale(value: Fraction) -> tuple[str, str | None]:
    """A number as its digits in the largest scale it reaches, and that scale's word
    (`1.5`, `million`); its digits and None below a million."""
    for scale, word in SCALES:
        if abs(value) >= scale:
            return _decimal(value / scale), word
    return _decimal(value), None


def number_words(value: Fraction) -> str:
    """A number in the words a source uses for large ones: `100 billion`, `1.5 million`."""
    number, scale = _in_scale(value)
    return f"{number} {scale}" if scale else number


def _years_words(span: Interval) -> str:
    def year(value: Fraction) -> str:
        return _decimal(value).replace(",", "")

    if span.low is None:
        return "any value" if span.high is None else f"before {year(span.high)}"
    if span.high is None:
        return f"after {year(span.low)}"
    if span.is_point:
        return f"the year {year(span.low)}"
    return f"rounded: {year(span.low)} to {year(span.high)}"


def figure_words(value: Fraction) -> str:
    """A figure alone, as the screens write it: in a scale's words with at most
    MAX_SCALED_DECIMALS decimals (`1.5 million`), else with its thousands separated
    (`1,271,424`, not `1.271424 million`)."""
    number, scale = _in_scale(value)
    if scale is None:
        return number
    if len(number.partition(".")[2]) > MAX_SCALED_DECIMALS:
        return _decimal(value)
    return f"{number} {scale}"


def percent_words(gap: Fraction) -> str:
    """A gap for a sentence: whole percents, or two significant digits below 10."""
    return f"{float(gap):.2g}" if abs(gap) < 10 else f"{round(gap)}"
