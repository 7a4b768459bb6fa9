"""The listings that join records: each kind of record as a list of rows, with the fields a
person needs from the records it refers to (a partner's agreements, an event's count of
projects, the event a source reports), so that no reader joins them again.

Each listing returns a list of flat dictionaries (rows) in a stable key order: the record's own
fields, then the fields a view derives from other records. Rows are what every output format
writes, so their keys are the JSON contract documented in the README. A filter is a keyword of
its listing's function, declared once in `cli/commands.py`.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from qingpu_cli.library.folding import Needle
from qingpu_cli.library.lookup import resolve_id
from qingpu_cli.library.records import (
    Row,
    all_records,
    own_fields,
    records_in,
    resolve_source,
    source_ids,
)

if TYPE_CHECKING:
    from qingpu_cli.store.models import Store


#: Full-width forms, as a Chinese input method types them (U+FF01 to U+FF5E), as the ASCII
#: they stand for: full-width 2019 is 2019. Superscripts and other digits are not digits here.
_FULL_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}


def period_pattern(typed: str) -> re.Pattern[str]:
    """What `--period` finds: the period typed (in any case, full-width or not) anywhere in a
    fact's period but inside a longer number: `2021` takes `2021`, `2021-05-28`, `2021-2025`
    and `end of 2021`; `20` takes none of 2003, 2020 and 2035."""
    return re.compile(
        rf"(?<![0-9]){re.escape(typed.translate(_FULL_WIDTH))}(?![0-9])", re.IGNORECASE
    )


def facts(
    store: Store,
    topic: str | None = None,
    subject: str | None = None,
    search: str | None = None,
    source: str | None = None,
    kind: str | None = None,
    period: str | None = None,
) -> list[Row]:
    """Key figures and statements, optionally narrowed by topic, subject id, text, the source
    they cite, their kind (actual, target, plan) and their period (`period_pattern`: `2021`
    takes `2021-05-28` too). A subject or source is taken as `show` takes an id (any case, a
    name or vetted alias, a unique start); one that is none is an error naming the closest
    ones, not an empty answer."""
    if subject is not None:
        subject = resolve_id(subject, list(all_records(store)))
    if source is not None:
        source = resolve_source(store, source)
    needle = Needle(search) if search is not None else None
    within = None if period is None else period_pattern(period)
    rows = []
    for fact in records_in(store, "facts"):
        if topic is not None and fact["topic"].casefold() != topic.casefold():
            continue
        if subject is not None and fact["subject"] != subject:
            continue
        if source is not None and source not in source_ids(fact):
            continue
        if kind is not None and (fact.get("kind") or "").casefold() != kind.casefold():
            continue
        if within is not None and not within.search(str(fact.get("period") or "")):
            continue
        if needle is not None and not any(
            needle.found_in(text) for text in (fact["statement"], *fact["aliases"])
        ):
            continue
        row = own_fields(fact, "facts")
        row["sources"] = source_ids(fact)
        rows.append(row)
    return rows


def partners_in_sector(store: Store, sector: str | None = None) -> list[Row]:
    """Organizations with the agreements they signed or launched, and who was on the other side.

    Each partner's agreements come from an index built in one pass over the agreements, so the
    listing grows with the store rather than with partners times agreements."""
    names: dict[str, str] = {p["id"]: p["name"] for p in records_in(store, "partners")}
    agreements_of: dict[str, list[Row]] = {}
    for agreement in records_in(store, "agreements"):
        for member in dict.fromkeys([*agreement["parties"], agreement["counterpart"]]):
            agreements_of.setdefault(member, []).append(agreement)
    rows = []
    for partner in records_in(store, "partners"):
        if sector is not None and partner["sector"] != sector.casefold():
            continue
        agreements = agreements_of.get(partner["id"], [])
        counterparts: list[str] = []
        for agreement in agreements:
            if partner["id"] == agreement["counterpart"]:
                counterparts.extend(names.get(party, party) for party in agreement["parties"])
            else:
                counterpart: str = agreement["counterpart"]
                counterparts.append(names.get(counterpart, counterpart))
        rows.append(
            {
                **own_fields(partner, "partners"),
                "agreements": [agreement["id"] for agreement in agreements],
                "agreement_kinds": list(dict.fromkeys(a["kind"] for a in agreements)),
                "counterparts": list(dict.fromkeys(counterparts)),
                "launched": [a["launched"] for a in agreements if a["launched"] is not None],
            }
        )
    return rows


def industries(store: Store, role: str | None = None) -> list[Row]:
    """Industries and clusters with their role, scale and the plan that names them."""
    plans = {plan["id"]: plan["name"] for plan in records_in(store, "plans")}
    rows = []
    for industry in records_in(store, "industries"):
        if role is not None and industry["role"] != role.casefold():
            continue
        scale = industry["scale"]
        rows.append(
            {
                **own_fields(industry, "industries"),
                "scale_label": scale["label"] if scale is not None else None,
                "scale_status": scale["status"] if scale is not None else None,
                "plan_name": plans.get(industry["plan"]) if industry["plan"] else None,
            }
        )
    return rows


def events(store: Store) -> list[Row]:
    """Signing events with the count of projects signed there. A count the source gives for
    several events together is `projects_signed_jointly`, never `projects_signed`, so that
    adding up `projects_signed` counts no project twice.

    The first count fact that names each event is found in one pass over the facts. Each
    event names at most `MAX_JOINT_EVENTS` of the others that share its count, and says how
    many there are: a count shared by 10,000 events does not make every event list every
    other (the fact, `projects_fact`, names them all once)."""
    from collections import Counter

    count_fact: dict[str, Row] = {}
    named: dict[str, Counter[str]] = {}
    for counted in records_in(store, "facts"):
        if counted["unit"] == "count":
            for target in counted["related"]:
                count_fact.setdefault(target, counted)
    rows = []
    for event in records_in(store, "events"):
        fact = count_fact.get(event["id"])
        related: list[str] = fact["related"] if fact else []
        if fact is not None and fact["id"] not in named:
            named[fact["id"]] = Counter(related)
        own = named[fact["id"]][event["id"]] if fact is not None else 0
        first = related[: MAX_JOINT_EVENTS + own]
        others = [other for other in first if other != event["id"]][:MAX_JOINT_EVENTS]
        rows.append(
            {
                **own_fields(event, "events"),
                "projects_signed": fact["value"] if fact and not others else None,
                "projects_signed_jointly": fact["value"] if fact and others else None,
                "projects_fact": fact["id"] if fact else None,
                "signed_jointly_with": others,
                "signed_jointly_count": len(related) - own,
            }
        )
    return rows


#: The most other events an event's row names as sharing its count of projects.
MAX_JOINT_EVENTS = 10


def records_of(store: Store, kind: str) -> list[Row]:
    """Every record of one kind, as the store holds it: the listings that join nothing."""
    return [own_fields(record, kind) for record in records_in(store, kind)]


def reported_events(store: Store) -> dict[str, Row]:
    """For each source that backs a dated event, the first such event: its id and name, date,
    how the date is known and the source it is known from (a source with a date of its own),
    with that source's address. So an undated article is placed by the signing it reports, not
    called undated, and a citation names the event and the dating source in words."""
    dated = {source["id"]: source for source in records_in(store, "sources") if source.get("date")}
    found: dict[str, Row] = {}
    for event in records_in(store, "events"):
        if not event.get("date"):
            continue
        cited = source_ids(event)
        dated_by = next((source for source in cited if source in dated), None)
        for source in cited:
            found.setdefault(
                source,
                {
                    "event": event["id"],
                    "event_name": event.get("name"),
                    "date": event["date"],
                    "date_basis": event.get("date_basis"),
                    "dated_by": dated_by,
                    "dated_by_url": None if dated_by is None else dated[dated_by].get("url"),
                },
            )
    return found


def sources(store: Store) -> list[Row]:
    """The sources, each with `reports`: the dated event it backs, if any."""
    reported = reported_events(store)
    return [row | {"reports": reported.get(row["id"])} for row in records_of(store, "sources")]
