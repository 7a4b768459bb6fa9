"""Every dated thing in order: signings, openings, starts and ends of works, plan periods,
target years with their targets, and figures by their period.

A period is placed by the first day it is known to start on, written as the source allows:
`2024-11-30`, `2020-09` or `2025`; a span (`2021-2025`) is placed at its start. A period that
cannot be placed (a day with no year printed, "at the time of the briefing") and an event with
no date are listed after the dated things, never guessed into the order.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from qingpu_cli.errors import UsageError, as_typed
from qingpu_cli.library.records import record_ids, records_in

if TYPE_CHECKING:
    from qingpu_cli.store.models import Store

Row = dict[str, Any]

MONTHS = (
    *("January", "February", "March", "April", "May", "June", "July"),
    *("August", "September", "October", "November", "December"),
)
_DAY = re.compile(r"\b(\d{4}-\d{2}-\d{2})\b")
_MONTH = re.compile(r"\b(\d{4}-\d{2})\b(?!-)")
_NAMED_MONTH = re.compile(rf"\b({'|'.join(MONTHS)}) (\d{{4}})\b")
_YEAR = re.compile(r"(?<![\d-])(\d{4})(?![\d])")
_END_OF_YEAR = re.compile(r"\bend of (\d{4})\b")
#: What a list says of a period it could not date: such a period is never placed in the order.
_UNPLACED = re.compile(r"no (?:end )?(?:year|span) printed")


def period_start(period: str | None) -> str | None:
    """Where a period is placed: its first day as precisely as it is given (`2024-11-30`,
    `2020-09`, `2025`), or None where it gives no year, or its year cannot be told."""
    if not period or _UNPLACED.search(period):
        return None
    for pattern in (_DAY, _MONTH):
        if found := pattern.search(period):
            return found.group(1)
    if found := _NAMED_MONTH.search(period):
        return f"{found.group(2)}-{MONTHS.index(found.group(1)) + 1:02d}"
    if found := _END_OF_YEAR.search(period):
        return f"{found.group(1)}-12"
    if found := _YEAR.search(period):
        return found.group(1)
    return None


def year_of(text: str, option: str) -> int:
    """A year as typed for --from or --to; anything else is a usage error that says so."""
    if not re.fullmatch(r"\d{1,4}", text.strip()):
        raise UsageError(f"{option} takes a year such as 2021, not {as_typed(text)}")
    return int(text)


def timeline(
    store: Store,
    from_year: str | None = None,
    to_year: str | None = None,
    subject: str | None = None,
) -> list[Row]:
    """The dated things in order, then those that cannot be placed; with --from or --to only
    the dated things within those years (an unplaced one is in no year)."""
    low = None if from_year is None else year_of(from_year, "--from")
    high = None if to_year is None else year_of(to_year, "--to")
    if subject is not None:
        from qingpu_cli.library.lookup import not_found

        if subject not in record_ids(store):
            raise not_found(subject, record_ids(store))
    sources = {source["id"]: source for source in records_in(store, "sources")}
    rows: list[Row] = []

    def add(record_kind: str, record: Mapping[str, Any], **values: Any) -> None:
        source = sources.get(record["evidence"][0]["source"], {}) if record["evidence"] else {}
        row = {
            "when": period_start(values["period"]),
            "period": values["period"],
            "record_kind": record_kind,
            "record": record["id"],
            "subject": values["subject"],
            "kind": values.get("kind"),
            "what": values["what"],
            "value": values.get("value"),
            "unit": values.get("unit"),
            "as_stated": values.get("as_stated"),
            "source": source.get("id"),
            "publisher": source.get("publisher"),
            "source_date": source.get("date"),
        }
        rows.append(row)

    for event in records_in(store, "events"):
        add("event", event, period=event["date"], subject=None, kind="actual", what=event["name"])
    for plan in records_in(store, "plans"):
        year = plan["year"]
        add(
            "plan",
            plan,
            period=None if year is None else str(year),
            subject=plan["subject"],
            kind="plan",
            what=plan["name"],
        )
    for fact in records_in(store, "facts"):
        if not fact.get("period"):
            continue
        add(
            "fact",
            fact,
            period=fact["period"],
            subject=fact["subject"],
            kind=fact.get("kind"),
            what=fact["statement"],
            value=fact["value"],
            unit=fact["unit"],
            as_stated=fact.get("as_stated"),
        )
    if subject is not None:
        related = {
            fact["id"] for fact in records_in(store, "facts") if subject in fact.get("related", [])
        }
        rows = [row for row in rows if row["subject"] == subject or row["record"] in related]
    dated = sorted((row for row in rows if row["when"] is not None), key=lambda row: row["when"])
    if low is not None or high is not None:
        return [
            row
            for row in dated
            if (low is None or int(row["when"][:4]) >= low)
            and (high is None or int(row["when"][:4]) <= high)
        ]
    return [*dated, *(row for row in rows if row["when"] is None)]
