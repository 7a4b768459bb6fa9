"""The one screen a newcomer reads first, as data: the place, the key figures of the held
article with what other sources say of each, the shares, events, partners, industries and
sources, so that the overview's screen, its JSON and the fact sheet say the same things.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from qingpu_cli.library import listings
from qingpu_cli.library.listings import events, facts, industries, partners_in_sector
from qingpu_cli.library.records import Row, all_records, records_in, source_ids

if TYPE_CHECKING:
    from qingpu_cli.store.models import Store


def overview(store: Store, compared: Sequence[Row] | None = None) -> Row:
    """What a newcomer reads first: the place and where the data comes from; the key figures
    (those of the source whose text is held, the article the store began with) and which of
    them other sources give otherwise; shares, events, partners, industries. `compared`: the
    store's `compare` rows, where the caller has them already."""
    from qingpu_cli.library.compare import disputed, disputed_among

    held = {source["id"] for source in records_in(store, "sources") if source.get("file")}
    figures = [
        fact
        for fact in facts(store)
        if fact["value"] is not None and any(item["source"] in held for item in fact["evidence"])
    ]
    names = {record["id"]: record.get("name", record["id"]) for _, record in all_records(store)}
    elsewhere = newest_elsewhere(store, held)
    new_city = next(
        (place for place in records_in(store, "places") if place["kind"] == "new city"), None
    )
    return {
        "key_figures": [
            {key: fact[key] for key in ("id", "statement", "value", "unit", "bound")}
            | elsewhere.get(fact.get("quantity") or "", NOTHING_ELSEWHERE)
            for fact in figures
        ],
        "shares": [
            {
                "fact": fact["id"],
                "subject": names.get(fact["subject"], fact["subject"]),
                "quantity": fact["share_of"]["quantity"],
                "of": names.get(fact["share_of"]["subject"], fact["share_of"]["subject"]),
                "value": fact["value"],
                "decimals": fact["decimals"],
            }
            for fact in figures
            if fact["share_of"] is not None
        ],
        "events": [
            {key: event[key] for key in ("id", "name", "date", "date_basis", "projects_signed")}
            | {"projects_signed_jointly": event["projects_signed_jointly"]}
            | {"projects_fact": event["projects_fact"]}
            for event in events(store)
        ],
        "partners": [
            {key: partner[key] for key in ("id", "name", "sector", "agreement_kinds")}
            for partner in partners_in_sector(store)
        ],
        "industries": [
            {key: industry[key] for key in ("id", "name", "role", "scale_label", "scale_status")}
            for industry in industries(store)
        ],
        "place": None
        if new_city is None
        else {
            "id": new_city["id"],
            "name": new_city["name"],
            "aliases": new_city["aliases"],
            "part_of": names.get(new_city["part_of"]) if new_city["part_of"] else None,
        },
        "sources": [
            {
                key: source.get(key)
                for key in ("id", "title", "publisher", "date", "file", "reports")
            }
            for source in listings.sources(store)
        ],
        "disputed": disputed(store, [fact["id"] for fact in figures])
        if compared is None
        else disputed_among(compared, [fact["id"] for fact in figures]),
    }


#: Beside a key figure no other source states.
NOTHING_ELSEWHERE: Row = {"newest": None, "other_sources": 0}


def newest_elsewhere(store: Store, held: set[str]) -> dict[str, Row]:
    """For each quantity, what stands beside a key figure of the article: the newest dated
    statement of it by another source (newest by the source's date, then by the period it is
    of), and how many other sources state it. A statement with neither date nor period is
    counted, not chosen. Worked out once a quantity, whatever the number of key figures."""
    from qingpu_cli.library.timeline import period_start

    dates = {source["id"]: source.get("date") for source in records_in(store, "sources")}
    newest: dict[str, tuple[tuple[str, str], Row]] = {}
    sources_of: dict[str, set[str]] = {}
    for fact in records_in(store, "facts"):
        quantity = fact.get("quantity")
        cited = source_ids(fact)
        if not quantity or fact["value"] is None or not cited or set(cited) & held:
            continue
        sources_of.setdefault(quantity, set()).add(cited[0])
        when = (dates.get(cited[0]) or "", period_start(fact.get("period")) or "")
        if (when[0] or when[1]) and (quantity not in newest or when > newest[quantity][0]):
            newest[quantity] = (when, fact)
    found: dict[str, Row] = {}
    for quantity, sources in sources_of.items():
        chosen = newest[quantity][1] if quantity in newest else None
        found[quantity] = {
            "newest": None
            if chosen is None
            else {
                "fact": chosen["id"],
                "value": chosen["value"],
                "unit": chosen["unit"],
                "bound": chosen.get("bound"),
                "period": chosen.get("period"),
                "source": source_ids(chosen)[0],
                "date": dates.get(source_ids(chosen)[0]),
            },
            "other_sources": len(sources),
        }
    return found
