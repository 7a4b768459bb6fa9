"""A fact sheet to share: one self-contained HTML page, for someone who will not open a terminal.

Everything is in the one file: inline CSS and inline SVG, no script, no font or image fetched
from anywhere, so it works offline and forever; light and dark follow the reader's setting, it
reads on a phone and prints on A4. Jinja2 writes it and escapes every value by default, so a
store's `<script>` or `&` shows as text. Jinja2 is imported for this command alone.
"""

from __future__ import annotations

import contextlib
import datetime
import os
from collections.abc import Mapping, Sequence
from typing import IO, TYPE_CHECKING, Any, cast

from qingpu_cli import __version__
from qingpu_cli.render import people
from qingpu_cli.render.charts import ChartItem, ratio_chart_groups, round_top
from qingpu_cli.render.formats import (
    figure_text,
    format_number,
    human_number,
    interval_text,
    person_text,
    significant,
)
from qingpu_cli.render.output import write_beside
from qingpu_cli.render.people import names_of, source_label

if TYPE_CHECKING:
    from qingpu_cli.store.models import Store

#: A chart's bar is drawn on an axis of this many units, stretched to the width of the page.
SPAN = 1000
#: The least width a rounding band is drawn with, in axis units: narrower, it would not show.
MIN_BAND = 6
Row = dict[str, Any]


def _bars(items: Sequence[ChartItem], scale: float) -> list[Row]:
    """Each bar's geometry on an axis of SPAN units: the solid part up to the least value the
    rounding allows, the band up to the greatest, and where the stated value falls."""
    bars = []
    for number, item in enumerate(items):
        low = item.low if item.low is not None else item.value
        high = item.high if item.high is not None else scale
        band = max(MIN_BAND, (high - low) / scale * SPAN)
        start = min(low / scale * SPAN, SPAN - band)
        bounds = (
            interval_text(item.low, item.high, None, computed=not item.stated)
            if item.low is not None and item.high is not None
            else "no upper bound"
        )
        bars.append(
            {
                "number": number,
                "label": item.label,
                "solid": max(0.0, start),
                "band_x": start,
                "band": band,
                "value_x": min(SPAN - 4, max(0.0, item.value / scale * SPAN - 2)),
                "shown": (human_number(item.value) if item.stated else significant(item.value))
                + ("%" if item.unit == "percent" else ""),
                "bounds": bounds,
            }
        )
    return bars


def _chart(
    number: int, title: str, description: str, items: Sequence[ChartItem], scale: float
) -> Row:
    """A chart of bars on one axis."""
    ticks = [format_number(scale * fraction) for fraction in (0, 0.5, 1)]
    return {
        "id": f"chart-{number}",
        "title": title,
        "description": description,
        "span": SPAN,
        "bars": _bars(items, scale),
        "ticks": ticks,
    }


def _newest(statements: Sequence[Mapping[str, Any]]) -> Mapping[str, Any] | None:
    dated = [item for item in statements if item.get("date")]
    return max(dated, key=lambda item: item["date"]) if dated else None


def _linked_data(data: Mapping[str, Any], store: Store) -> str:
    """The sheet as a schema.org Dataset, in JSON-LD for the page's head: what it is, when it
    was made, by which version, the sources it is based on with their addresses, and the key
    figures it measures. `<` is escaped so that no value can close the script element."""
    import json

    from qingpu_cli.library import queries

    based_on = []
    for source in queries.sources(store):
        work: Row = {"@type": "CreativeWork", "name": source["title"] or source_label(source)}
        if source["url"]:
            work["url"] = source["url"]
        if source["date"]:
            work["datePublished"] = source["date"]
        if source["publisher"]:
            work["publisher"] = {"@type": "Organization", "name": source["publisher"]}
        based_on.append(work)
    measured = [
        {
            "@type": "PropertyValue",
            "name": figure["statement"],
            "value": float(figure["value"]),
            **({"unitText": figure["unit"]} if figure["unit"] else {}),
        }
        for figure in data["figures"]
    ]
    place = data["place"].get("name", "")
    document = {
        "@context": "https://schema.org",
        "@type": "Dataset",
        "name": f"{place}: a fact sheet",
        "description": f"Key figures of {place}, each traced to its source, with every source's"
        " statement side by side and the checks between them.",
        "dateModified": data["made_iso"],
        "version": __version__,
        "creator": {
            "@type": "SoftwareApplication",
            "name": "qingpu",
            "softwareVersion": __version__,
        },
        "isBasedOn": based_on,
        "variableMeasured": measured,
    }
    text = json.dumps(document, ensure_ascii=False, indent=1)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def report_data(store: Store, made: datetime.datetime | None = None) -> Row:
    """Everything the sheet shows, computed before any of it is written."""
    from markupsafe import Markup

    from qingpu_cli.library import audit, cite, compare, queries, ratios
    from qingpu_cli.render import citations

    names = names_of(store)
    summary = queries.overview(store)
    sources = queries.sources(store)
    dates = sorted(source["date"] for source in sources if source["date"])
    labels = queries.share_labels(store)
    shares = [
        ChartItem(
            labels.get(share["fact"], share["quantity"]),
            float(share["value"]),
            float(share["value"]) - 0.5 * 10 ** -share["decimals"],
            float(share["value"]) + 0.5 * 10 ** -share["decimals"],
            "percent",
            stated=True,
        )
        for share in summary["shares"]
    ]
    rows, _ = ratios.derived_ratios(store)
    groups = ratio_chart_groups(rows, labels)
    ratio_charts = []
    for number, (title, items) in enumerate(groups, start=2):
        if title.startswith("Input shares") and shares:
            continue  # the shares chart on the first page shows them, once
        top = max((item.high if item.high is not None else item.value) for item in items)
        scale = 100.0 if items[0].unit == "percent" else round_top(top)
        description = "Each bar runs to the least value its inputs allow, a band to the greatest."
        ratio_charts.append(_chart(number, title, description, items, scale))
    statements = compare.compare(store)
    by_quantity: dict[str, list[Row]] = {}
    for statement in statements:
        by_quantity.setdefault(statement["quantity"], []).append(statement)
    facts = {fact["id"]: fact for fact in queries.facts(store)}
    disputed = set(summary.get("disputed", []))
    figures = []
    for figure in summary["key_figures"]:
        fact = facts[figure["id"]]
        item = cite.cited(store, figure["id"])
        newest = _newest(by_quantity.get(fact.get("quantity") or "", []))
        figures.append(
            {
                **figure,
                "shown": figure_text(fact["value"], fact["unit"], fact["bound"], fact["measure"]),
                "sources": [names.records.get(source, source) for source in fact["sources"]],
                "newest": None
                if newest is None
                else {
                    "self": newest["fact"] == figure["id"],
                    "shown": figure_text(newest["value"], newest["unit"], newest.get("bound")),
                    "source": names.records.get(newest["source"], newest["source"]),
                },
                "disputed": figure["id"] in disputed,
                "citation": citations.as_text(item).strip(),
            }
        )
    place = summary.get("place") or {}
    made_at = made or datetime.datetime.now(datetime.timezone.utc)
    cities = _new_cities(store, names)
    data: Row = {
        "place": place,
        "made": made_at.strftime("%Y-%m-%d %H:%M UTC"),
        "made_iso": made_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "version": __version__,
        "source_count": len(sources),
        "first_date": dates[0] if dates else None,
        "last_date": dates[-1] if dates else None,
        "figures": figures,
        "share_chart": _chart(
            1,
            f"Shares of {shares_of(summary)} held by {place.get('name', '')}",
            "Each bar runs to the least value the source's rounding allows; the band shows the"
            " range up to the greatest; the mark is the stated figure.",
            shares,
            100.0,
        )
        if shares
        else None,
        "cities": cities,
        "timeline": _timeline(store),
        "ratio_charts": ratio_charts,
        "ratios": rows,
        "compare": [
            {
                "heading": people.heading(group[0], names),
                "statements": people.person_rows(group, COMPARE_COLUMNS, names),
            }
            for group in by_quantity.values()
        ],
        "audit": people.person_rows(audit.audit(store), AUDIT_COLUMNS, names),
        "partners": queries.partners_in_sector(store),
        "events": people.person_rows(queries.events(store), ("name", "date", "projects"), names),
        "industries": queries.industries(store),
        "sources": [{**source, "label": source_label(source)} for source in sources],
        "disputed": [names.measures.get(fact, fact) for fact in summary.get("disputed", [])],
        "legend": people.legend(people.COMPARE_LEGEND),
        "audit_legend": people.legend(people.AUDIT_LEGEND),
        "number": person_text,
    }
    data["linked_data"] = Markup(_linked_data(data, store))
    return data


COMPARE_COLUMNS = ("figure", "as_stated", "interval", "period", "kind", "source", "verdict")
AUDIT_COLUMNS = ("formula", "bounds", "against", "verdict")


def _new_cities(store: Store, names: people.Names) -> list[Row]:
    """The new cities side by side, each with the figures the store gives about it; none
    where the store gives figures for fewer than two of them."""
    records = cast("Mapping[str, Any]", store)
    cities = [place for place in records.get("places", []) if place.get("kind") == "new city"]
    rows = []
    for city in cities:
        figures = [
            f"{fact.get('measure') or fact['statement']}: "
            + figure_text(fact["value"], fact["unit"], fact.get("bound"), fact.get("measure"))
            + (f" ({fact['period']})" if fact.get("period") else "")
            for fact in records.get("facts", [])
            if fact["subject"] == city["id"] and fact.get("value") is not None
        ]
        rows.append({"name": city["name"], "aliases": city.get("aliases", []), "figures": figures})
    return rows if sum(1 for row in rows if row["figures"]) >= 2 else []


def _timeline(store: Store) -> list[Row]:
    """The timeline's dated entries, in order, where the store holds a timeline."""
    from qingpu_cli.library.queries import record_name

    entries = cast("Mapping[str, Any]", store).get("timeline", [])
    dated = [entry for entry in entries if isinstance(entry, Mapping) and entry.get("date")]
    return [
        {"date": entry["date"], "text": record_name(entry) or entry.get("id", "")}
        for entry in sorted(dated, key=lambda entry: str(entry["date"]))
    ]


def shares_of(summary: Mapping[str, Any]) -> str:
    shares = summary["shares"]
    return str(shares[0]["of"]) if shares else ""


def render(data: Mapping[str, Any]) -> str:
    """The page, from the template beside this module, every value escaped. The compiled
    template is kept in the user's private cache directory (where proofs of validity are), so
    that a later run skips compiling it; Jinja2 checks it against the template's text."""
    from jinja2 import Environment, FileSystemBytecodeCache, FileSystemLoader, StrictUndefined

    from qingpu_cli.store.reader import cache_directory, trusted_directory

    bytecode = None
    directory = cache_directory()
    if directory is not None:
        templates = os.path.join(directory, "templates")
        with contextlib.suppress(OSError):
            os.makedirs(templates, mode=0o700, exist_ok=True)
        if trusted_directory(templates):
            bytecode = FileSystemBytecodeCache(templates)
    environment = Environment(
        loader=FileSystemLoader(os.path.dirname(__file__)),
        bytecode_cache=bytecode,
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
    )
    return environment.get_template("report.html.j2").render(**data)


def write_report(store: Store, target: str, stdout: IO[str]) -> None:
    """The page, to standard output (`-`) or to a file written beside the target and renamed
    into place, so that a failure leaves no partial file."""
    page = render(report_data(store))
    if target == "-":
        stdout.write(page)
        return

    def write(partial: str) -> None:
        with open(partial, "w", encoding="utf-8") as file:
            file.write(page)

    write_beside(target, ".html", write)
