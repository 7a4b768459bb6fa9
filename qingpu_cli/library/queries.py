"""Pure functions from a store to records: no printing, no I/O.

Each listing returns a list of flat dictionaries (rows) in a stable key order: the record's own
fields, then the fields a view derives from other records. Rows are what every output format
writes, so their keys are the JSON contract documented in the README.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, cast

from qingpu_cli.library.folding import Needle
from qingpu_cli.library.lookup import not_found, resolve_id
from qingpu_cli.store.vocabulary import KIND_SINGULAR, RECORD_FIELDS, REFERENCES

if TYPE_CHECKING:
    from qingpu_cli.store.models import Store

Row = dict[str, Any]


def _records(store: Store, kind: str) -> list[Row]:
    return cast("list[Row]", cast("Mapping[str, Any]", store).get(kind, []))


def _own(record: Mapping[str, Any], kind: str) -> Row:
    """A record's own fields, every one of them, in the models' order: a store of an earlier
    version lacks the newer ones, which are null here, so that every row has the same keys. A
    record that already has them in that order, as most do, is copied whole (three times as
    fast, on the path of every large listing)."""
    fields = RECORD_FIELDS[kind]
    if tuple(record) == fields:
        return dict(record)
    return {field: record.get(field) for field in fields}


def all_records(store: Store) -> Iterator[tuple[str, Row]]:
    """Every record with the name of the list that holds it, in store order."""
    for kind, items in cast("Mapping[str, Any]", store).items():
        if isinstance(items, list):
            for record in items:
                yield kind, record


def source_ids(record: Mapping[str, Any]) -> list[str]:
    evidence = record.get("evidence", [])
    if len(evidence) == 1:  # the usual case, on the path of every large listing
        return [evidence[0]["source"]]
    return list(dict.fromkeys(item["source"] for item in evidence))


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
    they cite, their kind (actual, target, plan) and their period (`2021` takes `2021-05-28`
    too). A subject or source is taken as `show` takes an id (any case, a name or vetted alias,
    a unique start); one that is none is an error naming the closest ones, not an empty
    answer."""
    if subject is not None:
        subject = resolve_id(subject, list(all_records(store)))
    if source is not None:
        source = resolve_source(store, source)
    needle = Needle(search) if search is not None else None
    if period is not None:  # a period typed in full-width digits is the same period
        import unicodedata

        period = unicodedata.normalize("NFKC", period)
    rows = []
    for fact in _records(store, "facts"):
        if topic is not None and fact["topic"].casefold() != topic.casefold():
            continue
        if subject is not None and fact["subject"] != subject:
            continue
        if source is not None and source not in source_ids(fact):
            continue
        if kind is not None and (fact.get("kind") or "").casefold() != kind.casefold():
            continue
        if period is not None and not str(fact.get("period") or "").startswith(period):
            continue
        if needle is not None and not any(
            needle.found_in(text) for text in (fact["statement"], *fact["aliases"])
        ):
            continue
        row = _own(fact, "facts")
        row["sources"] = source_ids(fact)
        rows.append(row)
    return rows


def partners_in_sector(store: Store, sector: str | None = None) -> list[Row]:
    """Organizations with the agreements they signed or launched, and who was on the other side.

    Each partner's agreements come from an index built in one pass over the agreements, so the
    listing grows with the store rather than with partners times agreements."""
    names: dict[str, str] = {p["id"]: p["name"] for p in _records(store, "partners")}
    agreements_of: dict[str, list[Row]] = {}
    for agreement in _records(store, "agreements"):
        for member in dict.fromkeys([*agreement["parties"], agreement["counterpart"]]):
            agreements_of.setdefault(member, []).append(agreement)
    rows = []
    for partner in _records(store, "partners"):
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
                **_own(partner, "partners"),
                "agreements": [agreement["id"] for agreement in agreements],
                "agreement_kinds": list(dict.fromkeys(a["kind"] for a in agreements)),
                "counterparts": list(dict.fromkeys(counterparts)),
                "launched": [a["launched"] for a in agreements if a["launched"] is not None],
            }
        )
    return rows


def industries(store: Store, role: str | None = None) -> list[Row]:
    """Industries and clusters with their role, scale and the plan that names them."""
    plans = {plan["id"]: plan["name"] for plan in _records(store, "plans")}
    rows = []
    for industry in _records(store, "industries"):
        if role is not None and industry["role"] != role.casefold():
            continue
        scale = industry["scale"]
        rows.append(
            {
                **_own(industry, "industries"),
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
    for counted in _records(store, "facts"):
        if counted["unit"] == "count":
            for target in counted["related"]:
                count_fact.setdefault(target, counted)
    rows = []
    for event in _records(store, "events"):
        fact = count_fact.get(event["id"])
        related: list[str] = fact["related"] if fact else []
        if fact is not None and fact["id"] not in named:
            named[fact["id"]] = Counter(related)
        own = named[fact["id"]][event["id"]] if fact is not None else 0
        first = related[: MAX_JOINT_EVENTS + own]
        others = [other for other in first if other != event["id"]][:MAX_JOINT_EVENTS]
        rows.append(
            {
                **_own(event, "events"),
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
    return [_own(record, kind) for record in _records(store, kind)]


def reported_events(store: Store) -> dict[str, Row]:
    """For each source that backs a dated event, the first such event: its id, date, how the
    date is known and the source it is known from (a source with a date of its own). So an
    undated article is placed by the signing it reports, not called undated."""
    dated = {source["id"]: source for source in _records(store, "sources") if source.get("date")}
    found: dict[str, Row] = {}
    for event in _records(store, "events"):
        if not event.get("date"):
            continue
        cited = source_ids(event)
        dated_by = next((source for source in cited if source in dated), None)
        for source in cited:
            found.setdefault(
                source,
                {
                    "event": event["id"],
                    "date": event["date"],
                    "date_basis": event.get("date_basis"),
                    "dated_by": dated_by,
                },
            )
    return found


def sources(store: Store) -> list[Row]:
    """The sources, each with `reports`: the dated event it backs, if any."""
    reported = reported_events(store)
    return [row | {"reports": reported.get(row["id"])} for row in records_of(store, "sources")]


def _strings(value: object, path: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield from _strings(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, f"{path}[{index}]")


#: Fields that hold ids of other records or of a source: searching them would find a record
#: for what it points at, not for what it says.
SEARCH_SKIPPED_FIELDS = {"source", *(field for _, field in REFERENCES)}


def field_in_words(field: str) -> str:
    """`aliases[0]` is "alias", `evidence[1].quote` is "evidence quote": where a match is."""
    parts = [part.split("[", 1)[0].replace("_", " ") for part in field.split(".")]
    words = " ".join(parts)
    return {"aliases": "alias"}.get(words, words.replace("aliases", "alias"))


def search(
    store: Store, text: str, more: Iterable[tuple[str, Mapping[str, Any]]] = ()
) -> list[Row]:
    """Every record with a name, alias, statement or quote that holds the text, folded as
    `folding` says (any case, full-width or composed forms, traditional or simplified
    characters, what separates words aside; a Chinese name by its pinyin too): one row a
    record, with the field that names it best, those matched by a name or alias first. `more`
    adds records that are not in the store (the ratios)."""
    needle = Needle(text)
    records = [*all_records(store), *more]
    rows = _matching_rows(records, needle.found_in)
    if not rows:
        # Only where nothing holds the text itself is a Chinese name read aloud: the pinyin
        # converter's dictionaries take longer to load than a whole search.
        rows = _matching_rows(records, lambda value: False, needle.sounds_in)
    rows.sort(key=lambda row: _SEARCH_RANK.get(_leaf(row["field"]), 5))
    return rows


def _matching_rows(
    records: Sequence[tuple[str, Mapping[str, Any]]],
    holds: Callable[[str], bool],
    sounds: Callable[[str], bool] | None = None,
) -> list[Row]:
    """One row a record with a field the text is in (`holds`), or whose name sounds like it."""
    rows = []
    for kind, record in records:
        matches = [
            (field, value)
            for field, value in _strings(record, "")
            if _leaf(field) not in SEARCH_SKIPPED_FIELDS
            and (
                holds(value)
                or (sounds is not None and _leaf(field) in _NAMING_FIELDS and sounds(value))
            )
        ]
        if not matches:
            continue
        field, value = min(matches, key=lambda match: _SEARCH_RANK.get(_leaf(match[0]), 5))
        rows.append(
            {
                "kind": KIND_SINGULAR.get(kind, kind),
                "id": record["id"],
                "name": record_name(record),
                "field": field,
                "matched": field_in_words(field),
                "text": value,
            }
        )
    return rows


#: Which matching field a search row names, and where the row stands among the matches: a
#: record matched by what a person calls it before one matched by a statement or a quote.
_SEARCH_RANK = {"name": 0, "aliases": 1, "title": 2, "label": 2, "statement": 2, "id": 9}
#: The fields a Chinese name may be found in by its pinyin.
_NAMING_FIELDS = ("name", "aliases", "title")


def _leaf(field: str) -> str:
    return field.rsplit(".", 1)[-1].split("[", 1)[0]


def share_labels(store: Store) -> dict[str, str]:
    """Each share's fact id, and what it is a share of in words: `GDP share of Qingpu
    District`."""
    names = {record["id"]: record_name(record) for _, record in all_records(store)}
    return {
        fact["id"]: f"{fact['share_of']['quantity']} share of "
        f"{names.get(fact['share_of']['subject']) or fact['share_of']['subject']}"
        for fact in _records(store, "facts")
        if fact["share_of"] is not None
    }


def record_ids(store: Store) -> list[str]:
    return [record["id"] for _, record in all_records(store)]


def fact_subjects(store: Store) -> list[str]:
    """The ids that some fact is about, in store order: what `facts --subject` can match."""
    return list(dict.fromkeys(fact["subject"] for fact in _records(store, "facts")))


def find_record(store: Store, record_id: str) -> tuple[str, Row]:
    """The record with this id, or NotFound naming the closest ids."""
    for kind, record in all_records(store):
        if record["id"] == record_id:
            return kind, record
    raise not_found(record_id, record_ids(store))


def resolve_source(store: Store, typed: str) -> str:
    """A source's id as `resolve_id` finds it among the sources alone."""
    return resolve_id(typed, [("sources", item) for item in _records(store, "sources")], "source")


def _reference_fields(kind: str) -> list[str]:
    return [field for (owner, field) in REFERENCES if owner == kind]


def _referenced(record: Mapping[str, Any], field: str) -> list[str]:
    value = record.get(field)
    if isinstance(value, str):
        return [value]
    return [item for item in value if isinstance(item, str)] if isinstance(value, list) else []


def related_records(store: Store, kind: str, record: Mapping[str, Any]) -> list[Row]:
    """The records this one names, and the records that name it, each with how, in words."""
    named = {item["id"]: (other, item) for other, item in all_records(store)}
    found: list[Row] = []

    def add(relation: str, target: str) -> None:
        other, item = named.get(target, ("", {}))
        found.append(
            {
                "relation": relation,
                "kind": KIND_SINGULAR.get(other, other),
                "id": target,
                "name": record_name(item),
            }
        )

    for field in _reference_fields(kind):
        for target in _referenced(record, field):
            add(REFERENCES[kind, field].reads, target)
    for other, item in all_records(store):
        for field in _reference_fields(other):
            if record["id"] in _referenced(item, field):
                add(REFERENCES[other, field].reads_back, item["id"])
    return found


def record_name(record: Mapping[str, Any]) -> str | None:
    """What a person calls a record: its name, else its title, statement or kind."""
    for key in ("name", "title", "statement", "kind"):
        if isinstance(record.get(key), str):
            return str(record[key])
    return None


def describe_record(store: Store, typed: str) -> Row:
    """One record in full: found by id, name, alias or the start of its id; the names of the
    records it refers to; the records related to it either way; its evidence beside the title
    of each source."""
    record_id = resolve_id(typed, list(all_records(store)))
    kind, record = find_record(store, record_id)
    titles = {source["id"]: source["title"] for source in _records(store, "sources")}
    evidence = [
        {
            "source": item["source"],
            "source_title": titles.get(item["source"]),
            "quote": item["quote"],
        }
        for item in record.get("evidence", [])
    ]
    related = related_records(store, kind, record)
    extra = {}
    if kind == "partners":
        row = next(row for row in partners_in_sector(store) if row["id"] == record_id)
        extra = {
            key: row[key] for key in ("agreements", "agreement_kinds", "counterparts", "launched")
        }
    statements = []
    if kind == "facts" and record.get("quantity"):
        from qingpu_cli.library.compare import compare

        statements = compare(store, record["quantity"])
    stands_for = {}
    if kind == "facts" and record.get("value") is not None:
        from qingpu_cli.library.agreement import interval_words, store_version

        version = store_version(cast("Mapping[str, Any]", store))
        stands_for = {"interval": interval_words(record, version)}
    return {
        "kind": kind,
        "id": record_id,
        "record": record,
        "evidence": evidence,
        "related": related,
        **({"partner": extra} if extra else {}),
        **({"statements": statements} if statements else {}),
        **stands_for,
    }


def show(store: Store, typed: str) -> Row:
    """What `qingpu show` gives: a record or a ratio in full, found as `resolve_id` finds it (a
    ratio only where no record has its id)."""
    from qingpu_cli.library import ratios

    every = [*all_records(store), *ratios.ratios_as_records()]
    found = resolve_id(typed, every)
    if found in ratios.RATIO_IDS and found not in record_ids(store):
        return ratios.describe_ratio(store, found)
    return describe_record(store, found)


def overview(store: Store) -> Row:
    """What a newcomer reads first: the place and where the data comes from; the key figures
    (those of the source whose text is held, the article the store began with) and which of
    them other sources give otherwise; shares, events, partners, industries."""
    from qingpu_cli.library.compare import disputed

    held = {source["id"] for source in _records(store, "sources") if source.get("file")}
    figures = [
        fact
        for fact in facts(store)
        if fact["value"] is not None and any(item["source"] in held for item in fact["evidence"])
    ]
    names = {record["id"]: record.get("name", record["id"]) for _, record in all_records(store)}
    elsewhere = newest_elsewhere(store, held)
    new_city = next(
        (place for place in _records(store, "places") if place["kind"] == "new city"), None
    )
    return {
        "key_figures": [
            {key: fact[key] for key in ("id", "statement", "value", "unit")}
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
            for source in sources(store)
        ],
        "disputed": disputed(store, [fact["id"] for fact in figures]),
    }


#: Beside a key figure no other source states.
NOTHING_ELSEWHERE: Row = {"newest": None, "other_sources": 0}


def newest_elsewhere(store: Store, held: set[str]) -> dict[str, Row]:
    """For each quantity, what stands beside a key figure of the article: the newest dated
    statement of it by another source (newest by the source's date, then by the period it is
    of), and how many other sources state it. A statement with neither date nor period is
    counted, not chosen. Worked out once a quantity, whatever the number of key figures."""
    from qingpu_cli.library.timeline import period_start

    dates = {source["id"]: source.get("date") for source in _records(store, "sources")}
    newest: dict[str, tuple[tuple[str, str], Row]] = {}
    sources_of: dict[str, set[str]] = {}
    for fact in _records(store, "facts"):
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
                "period": chosen.get("period"),
                "source": source_ids(chosen)[0],
                "date": dates.get(source_ids(chosen)[0]),
            },
            "other_sources": len(sources),
        }
    return found


def version_lines(store: Store) -> list[str]:
    """What a store says of its own version: its data release (version and date) where it
    names one, and its schema version."""
    data = cast("Mapping[str, Any]", store)
    release = data.get("release")
    named = (
        f"data release {release['version']} ({release['date']})"
        if release
        else "data release not named"
    )
    return [named, f"schema version {data['schema_version']}"]
