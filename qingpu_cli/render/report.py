"""A fact sheet to share: one self-contained HTML page, for someone who will not open a terminal.

Everything is in the one file: inline CSS and inline SVG, no script but the page's description
as data (schema.org JSON-LD), no font or image fetched from anywhere, so it works offline and
forever; light and dark follow the reader's setting, it reads on a phone and prints on A4. The
first two pages hold what an editor needs; every statement, check and record follows as an
appendix. Jinja2 writes it and escapes every value by default, so a store's `<script>` or `&`
shows as text. Jinja2 is imported for this command alone.

The figures are the library's; this module only arranges them, and writes every name, figure
and verdict by the rules of `render/people.py`, as the screens do.
"""

from __future__ import annotations

import contextlib
import datetime
import functools
import os
import re
from collections.abc import Mapping, Sequence
from typing import IO, TYPE_CHECKING, Any

from markupsafe import Markup, escape

from qingpu_cli import __version__
from qingpu_cli.render import files, people
from qingpu_cli.render.charts import (
    ChartItem,
    ratio_chart_groups,
    round_top,
    series_chart_groups,
)
from qingpu_cli.render.files import write_beside
from qingpu_cli.render.formats import (
    figure_text,
    human_number,
    interval_text,
    person_text,
    significant,
    visible_lines,
)
from qingpu_cli.store.vocabulary import is_web_address

if TYPE_CHECKING:
    from qingpu_cli.store.models import Store

#: A chart's bar is drawn on an axis of this many units, stretched to the width of the page.
SPAN = 1000
#: The least width a rounding band is drawn with, in axis units (1.2% of the axis, some four
#: pixels on a phone): narrower, it would not show beside the line of the stated figure. The
#: bounds themselves are written beside every bar.
MIN_BAND = 12
Row = dict[str, Any]
#: A quantity is drawn over time on the sheet when its statements are of this many periods.
SERIES_PERIODS = 3
#: At most so many key figures on the first page (and cited at its end): a store whose facts
#: cite the article thousands of times still gets a sheet, which counts the rest and says
#: where they are listed.
KEY_FIGURES_ON_SHEET = 12
#: The columns of the statements side by side and of the checks, as the screens name them.
COMPARE_COLUMNS = ("figure", "period", "kind", "source", "verdict")
AUDIT_COLUMNS = ("formula", "bounds", "against", "gap", "verdict")
EVENT_COLUMNS = ("name", "date", "projects")


def _bars(items: Sequence[ChartItem], scale: float) -> list[Row]:
    """Each bar's geometry on an axis of SPAN units: the solid part up to the least value the
    rounding allows, the band up to the greatest, and where the stated value falls; and its
    label, figure and bounds in words, written in HTML beside it so that they keep the page's
    text size at any width."""
    bars = []
    for number, item in enumerate(items):
        low = item.low if item.low is not None else item.value
        high = item.high if item.high is not None else scale
        band = max(MIN_BAND, (high - low) / scale * SPAN)
        start = min(max(0.0, low / scale * SPAN), SPAN - band)
        words = people.unit_words(item.unit)
        suffix = "%" if item.unit == "percent" else (f" {words}" if words else "")
        bars.append(
            {
                "number": number,
                "label": item.label,
                "solid": start,
                "band_x": start,
                "band": band,
                "value_x": min(float(SPAN), max(0.0, item.value / scale * SPAN)),
                "shown": (human_number(item.value) if item.stated else significant(item.value))
                + suffix,
                "bounds": interval_text(
                    item.low,
                    item.high,
                    "percent" if item.unit == "percent" else None,
                    computed=not item.stated,
                )
                or "no bounds",
                "open": item.high is None,
                "aimed": item.aimed,
                "formula": None,
            }
        )
    return bars


def _chart(
    number: int, title: str, description: str, items: Sequence[ChartItem], scale: float
) -> Row:
    """A chart of bars on one axis, its ticks at the start, the middle and the end."""
    return {
        "id": f"chart-{number}",
        "title": title,
        "description": description,
        "span": SPAN,
        "bars": _bars(items, scale),
        "ticks": [human_number(scale * fraction) for fraction in (0, 0.5, 1)],
    }


def _top(items: Sequence[ChartItem]) -> float:
    return max((item.high if item.high is not None else item.value) for item in items)


def _rounding(share: Mapping[str, Any]) -> tuple[float, float]:
    """The band a share's rounding allows, by the one rule every figure is read by."""
    from qingpu_cli.library.agreement import interval

    span = interval({"value": share["value"], "decimals": share["decimals"], "bound": "rounded"})
    assert span.low is not None and span.high is not None
    return float(span.low), float(span.high)


#: A date in a text: a day, a month, a year or a span of years (`2021-05-28`, `2020-09`,
#: `2021-2025`).
_DATE = re.compile(r"\b\d{4}(?:-\d{4}|(?:-\d{2}){1,2})?\b")


def dated(text: object) -> Markup:
    """Text with each date in it kept on one line: the text escaped first, so that a store's
    markup stays text."""
    return _dated(text if isinstance(text, str) else person_text(text))


@functools.lru_cache(maxsize=4096)
def _dated(text: str) -> Markup:
    """The same few names and periods recur in every row (a source's name and date on each of
    its statements): each is marked up once."""
    return Markup(_DATE.sub(r'<span class="date">\g<0></span>', str(escape(text))))


def _city_cell(statements: Sequence[Mapping[str, Any]]) -> list[str]:
    """One city's figures of one measure, each distinct figure and period once, with how many
    sources give it (the appendix names them), and `differ` marked; a statement without a
    figure in its own words; none where no source gives one."""
    given: dict[tuple[str, str], list[Mapping[str, Any]]] = {}
    for statement in statements:
        figure = figure_text(statement["value"], statement["unit"], statement["bound"])
        given.setdefault((figure or statement["what"], statement["period"] or ""), []).append(
            statement
        )
    cell = []
    for (figure, period), rows in given.items():
        count = len({row["source"] for row in rows})
        text = f"{figure}{f', {period}' if period else ''} ({count} source{'s' * (count != 1)})"
        if any(row.get("verdict") == "differ" for row in rows):
            text += f" {people.mark('differ')}"
        cell.append(text)
    return cell


def _cities_side_by_side(rows: Sequence[Mapping[str, Any]]) -> Row:
    """The new cities as columns and the measures as rows, as an editor compares them."""
    cities = list(dict.fromkeys(row["city_name"] for row in rows))
    measures: dict[str, dict[str, list[str]]] = {}
    for row in rows:
        measures.setdefault(row["measure_name"], {})[row["city_name"]] = _city_cell(
            row["statements"]
        )
    return {
        "cities": cities,
        "rows": [
            {
                "measure": measure,
                "cells": [by_city.get(city, []) for city in cities],
            }
            for measure, by_city in measures.items()
        ],
    }


def _linked_data(data: Mapping[str, Any], sources: Sequence[Mapping[str, Any]]) -> str:
    """The sheet as a schema.org Dataset, in JSON-LD for the page's head: what it is, when it
    was made, by which version, every source it is based on with its address, and the key
    figures it measures. `<`, `>` and `&` are escaped so that no value can close the script
    element."""
    import json

    based_on = []
    for source in sources:
        work: Row = {
            "@type": "CreativeWork",
            "name": source["title"] or people.source_label(source),
        }
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
            "name": figure["measure"],
            "description": figure["statement"],
            "value": float(figure["value"]),
            **({"unitText": figure["unit"]} if figure["unit"] else {}),
        }
        for figure in data["figures"]
    ]
    place = data["place"].get("name", "")
    document: Row = {
        "@context": "https://schema.org",
        "@type": "Dataset",
        "name": f"{place}: a fact sheet",
        "description": f"Key figures of {place}, each traced to its source, with every"
        " source's statement side by side and the checks between them.",
        "dateModified": data["made_iso"],
        "version": __version__,
        "creator": {
            "@type": "SoftwareApplication",
            "name": "qingpu",
            "softwareVersion": __version__,
        },
        "spatialCoverage": {"@type": "Place", "name": place},
        "isBasedOn": based_on,
        "variableMeasured": measured,
    }
    if data["first_date"]:
        document["temporalCoverage"] = f"{data['first_date']}/{data['last_date']}"
    text = json.dumps(document, ensure_ascii=False, indent=1)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _formula(row: Mapping[str, Any]) -> str:
    """A ratio's formula in its own words, without the ids it is computed from."""
    return str(row["formula"]).split(" = ")[0].split(" with ")[0]


def report_data(store: Store, made: datetime.datetime | None = None) -> Row:
    """Everything the sheet shows, computed before any of it is written."""
    from qingpu_cli.library import audit, cite, cities, compare, listings, ratios, timeline
    from qingpu_cli.library.overview import overview
    from qingpu_cli.library.records import share_labels
    from qingpu_cli.render import citations

    names = people.names_of(store)
    statements = compare.compare(store)
    summary = overview(store, statements)
    sources = listings.sources(store)
    dates = sorted(source["date"] for source in sources if source["date"])
    labels = share_labels(store)
    shares = [
        ChartItem(
            labels.get(share["fact"], share["quantity"]),
            float(share["value"]),
            *_rounding(share),
            "percent",
            stated=True,
        )
        for share in summary["shares"]
    ]
    rows, _ = ratios.derived_ratios(store)
    formulas = {row["label"]: _formula(row) for row in rows}
    ratio_charts: list[Row] = []
    for title, items in ratio_chart_groups(rows, labels):
        if shares and all(item.stated for item in items):
            continue  # the input shares: the shares chart of the first page shows them, once
        scale = 100.0 if items[0].unit == "percent" else round_top(_top(items))
        description = "Each bar runs to the least value its inputs allow, a band to the greatest."
        chart = _chart(len(ratio_charts) + 2, title, description, items, scale)
        for bar in chart["bars"]:
            bar["formula"] = formulas.get(bar["label"])
        ratio_charts.append(chart)
    by_quantity: dict[str, list[Row]] = {}
    for row in statements:
        by_quantity.setdefault(row["quantity"], []).append(row)
    series_charts: list[Row] = []
    for rows_of in by_quantity.values():
        if len({row["period"] for row in rows_of if row["period"]}) < SERIES_PERIODS:
            continue
        for title, items in series_chart_groups(compare.series(rows_of), names):
            description = (
                "One bar a statement, in order of its period; a target or plan is drawn as an"
                " outline, what was as a filled bar."
            )
            number = len(ratio_charts) + len(series_charts) + 2
            series_charts.append(_chart(number, title, description, items, round_top(_top(items))))
    main_dates = [
        {**row, "source_name": names.records.get(row["source"], row["source"])}
        for row in timeline.timeline(store)
        if row["when"] is not None and (row["record_kind"] != "fact" or row["value"] is None)
    ]
    facts = {fact["id"]: fact for fact in listings.facts(store)}
    disputed = set(summary.get("disputed", []))
    figures = []
    citer = cite.Citer(store)
    for figure in summary["key_figures"][:KEY_FIGURES_ON_SHEET]:
        fact = facts[figure["id"]]
        newest = figure["newest"]
        figures.append(
            {
                **figure,
                "measure": names.measures.get(figure["id"], figure["statement"]),
                "shown": figure_text(fact["value"], fact["unit"], fact["bound"], fact["measure"]),
                "sources": people.named(fact["sources"], names),
                "newest_shown": None
                if newest is None
                else figure_text(newest["value"], newest["unit"], newest["bound"], fact["measure"])
                + (f", {newest['period']}" if newest["period"] else ""),
                "newest_source": None
                if newest is None
                else names.records.get(newest["source"], newest["source"]),
                "disputed": figure["id"] in disputed,
                "citation": citations.as_text(citer.cite_statement(figure["id"])).strip(),
            }
        )
    checks = audit.audit(store)
    place = summary.get("place") or {}
    made_at = made or datetime.datetime.now(datetime.timezone.utc)
    data: Row = {
        "place": place,
        "made": made_at.strftime("%Y-%m-%d %H:%M UTC"),
        "made_iso": made_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "version": __version__,
        "source_count": len(sources),
        "first_date": dates[0] if dates else None,
        "last_date": dates[-1] if dates else None,
        "figures": figures,
        "more_figures": len(summary["key_figures"]) - len(figures),
        "held_source": next((source["id"] for source in sources if source.get("file")), None),
        "share_chart": _chart(
            1,
            f"Shares of {shares_of(summary)} held by {place.get('name', '')}",
            "The bar runs to the least value the source's rounding allows; the band shows the"
            " range up to the greatest; the mark is the stated figure.",
            shares,
            100.0,
        )
        if shares
        else None,
        "cities": _cities_side_by_side(cities.cities(store, compared=statements)),
        "timeline": main_dates,
        "ratio_charts": ratio_charts,
        "series_charts": series_charts,
        "compare": [
            {
                "heading": people.heading(group, names),
                "statements": [
                    {
                        **cells,
                        "class": str(row["verdict"]).replace(" ", "-"),
                        "coarse": None
                        if not row.get("coarse")
                        else f"{names.measures.get(row['coarse']['fact'], row['coarse']['fact'])}"
                        f" allows {interval_text(row['coarse']['low'], row['coarse']['high'])}",
                    }
                    for row, cells in zip(
                        group, people.person_rows(group, COMPARE_COLUMNS, names), strict=True
                    )
                ],
            }
            for group in by_quantity.values()
        ],
        "audit": [
            {
                **cells,
                "label": row["label"],
                "note": people.named_in_text(row["note"], names) if row.get("note") else None,
                "class": str(row["verdict"]).replace(" ", "-"),
            }
            for row, cells in zip(
                checks,
                people.person_rows(checks, AUDIT_COLUMNS, names),
                strict=True,
            )
        ],
        "partners": [
            {**partner, "with": people.named(partner["counterparts"], names)}
            for partner in listings.partners_in_sector(store)
        ],
        "events": people.person_rows(listings.events(store), EVENT_COLUMNS, names),
        "industries": listings.industries(store),
        "sources": [{**source, "label": people.source_label(source)} for source in sources],
        "disputed": [names.measures.get(fact, fact) for fact in sorted(disputed)],
        "article_reports": _reported(
            next((source["reports"] for source in sources if source.get("file")), None), names
        ),
        "legend": people.legend(people.COMPARE_LEGEND),
        "audit_legend": people.legend(people.AUDIT_LEGEND),
        "dated": dated,
        "web_address": is_web_address,
    }
    data["linked_data"] = Markup(_linked_data(data, sources))
    return data


def _reported(reports: Mapping[str, Any] | None, names: people.Names) -> Row | None:
    """The event the undated article reports, its names in words."""
    if reports is None:
        return None
    dated_by = reports.get("dated_by")
    return {
        **reports,
        "event": names.records.get(reports["event"], reports["event"]),
        "dated_by": names.records.get(dated_by, dated_by) if dated_by else None,
    }


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


#: What the first bytes of a fact sheet hold: a page this command wrote may be written over.
FACT_SHEET_MARKS = (b'<meta name="generator" content="qingpu', b": a fact sheet</title>")


def _is_fact_sheet(start: bytes) -> bool:
    return any(mark in start for mark in FACT_SHEET_MARKS)


def write_report(store: Store, target: str, stdout: IO[str], replace: bool = False) -> None:
    """The page, to standard output (`-`, `/dev/stdout`) or to a file written beside the target
    and renamed into place, so that a failure leaves no partial file. A file that is not an
    earlier fact sheet is written over only with `replace`."""
    if not files.is_stdout(target):
        files.check_replaceable(target, "--html", replace, _is_fact_sheet, "a fact sheet")
    page = render(report_data(store))
    if files.is_stdout(target):
        stdout.write(visible_lines(page) if stdout.isatty() else page)
        return

    def write(partial: str) -> None:
        with open(partial, "w", encoding="utf-8") as file:
            file.write(page)

    write_beside(target, ".html", write)
