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
import textwrap
from collections.abc import Mapping, Sequence
from typing import IO, TYPE_CHECKING, Any

from qingpu_cli import __version__
from qingpu_cli.render import files
from qingpu_cli.render.charts import (
    ChartItem,
    ratio_chart_groups,
    round_top,
    series_chart_groups,
)
from qingpu_cli.render.files import write_beside
from qingpu_cli.render.formats import format_number, person_text, visible_lines
from qingpu_cli.store.vocabulary import is_web_address

if TYPE_CHECKING:
    from qingpu_cli.store.models import Store

#: A verdict in words and in a mark: colour is never the only carrier.
MARKS = {
    "agree": "\u2713",
    "differ": "\u2717",
    "not comparable": "\u2260",
    "single source": "\u2022",
    "holds": "\u2713",
    "does not hold": "\u2717",
    "cannot tell": "?",
    "too coarse": "\u2248",
}

#: The charts' geometry, in SVG units: the width, the bar's left edge, the room for the
#: figures after the longest bar, the height a bar and its label take.
WIDTH, LEFT, RIGHT, LINE = 420, 8, 150, 15
#: The characters a label's line holds before it wraps: SVG text does not wrap by itself.
LABEL_CHARACTERS = 60
Row = dict[str, Any]
#: A quantity is drawn over time on the sheet when its statements are of this many periods.
SERIES_PERIODS = 3


def _bars(items: Sequence[ChartItem], scale: float) -> tuple[list[dict[str, Any]], float]:
    """Each bar's geometry: its label's lines, the solid part up to the least value the rounding
    allows, the band up to the greatest, and where the stated value falls; and the height of
    them all."""
    span = WIDTH - LEFT - RIGHT
    bars = []
    y = 26.0
    for item in items:
        low = item.low if item.low is not None else item.value
        high = item.high if item.high is not None else scale
        lines = textwrap.wrap(item.label, LABEL_CHARACTERS, break_on_hyphens=False) or [""]
        top = y + LINE * len(lines)
        bars.append(
            {
                "lines": [{"y": y + LINE * (n + 1) - 3, "text": t} for n, t in enumerate(lines)],
                "y": top,
                "solid": max(0.0, low / scale * span),
                "band_x": LEFT + low / scale * span,
                "band": max(1.5, (high - low) / scale * span),
                "value_x": LEFT + item.value / scale * span,
                "shown": f"{format_number(item.value)}"
                + (
                    f" ({format_number(item.low)}\u2013{format_number(item.high)})"
                    if item.high is not None and item.low is not None
                    else ""
                ),
                "open": item.high is None,
                "aimed": item.aimed,
            }
        )
        y = top + 26
    return bars, y


def _rounding(share: Mapping[str, Any]) -> tuple[float, float]:
    """The band a share's rounding allows, by the one rule every figure is read by."""
    from qingpu_cli.library.agreement import interval

    span = interval({"value": share["value"], "decimals": share["decimals"], "bound": "rounded"})
    assert span.low is not None and span.high is not None
    return float(span.low), float(span.high)


def _chart(
    number: int, title: str, description: str, items: Sequence[ChartItem], scale: float
) -> Row:
    span = WIDTH - LEFT - RIGHT
    ticks = [
        {"x": LEFT + fraction * span, "label": format_number(scale * fraction)}
        for fraction in (0, 0.25, 0.5, 0.75, 1)
    ]
    bars, bottom = _bars(items, scale)
    return {
        "id": f"chart-{number}",
        "title": title,
        "description": description,
        "width": WIDTH,
        "height": bottom + 4,
        "bars": bars,
        "ticks": ticks,
        "axis_y": bottom,
    }


def report_data(store: Store, made: datetime.datetime | None = None) -> Row:
    """Everything the sheet shows, computed before any of it is written."""
    from qingpu_cli.library import audit, cite, cities, compare, listings, ratios, timeline
    from qingpu_cli.library.overview import overview
    from qingpu_cli.library.records import share_labels
    from qingpu_cli.render import citations

    summary = overview(store)
    sources = listings.sources(store)
    dates = sorted(source["date"] for source in sources if source["date"])
    shares = [
        ChartItem(
            f"{share['quantity']} ({share['fact']})",
            float(share["value"]),
            *_rounding(share),
            "percent",
        )
        for share in summary["shares"]
    ]
    rows, _ = ratios.derived_ratios(store)
    groups = ratio_chart_groups(rows, share_labels(store))
    ratio_charts = []
    for number, (title, items) in enumerate(groups, start=2):
        top = max((item.high if item.high is not None else item.value) for item in items)
        scale = 100.0 if items[0].unit == "percent" else round_top(top)
        description = "Each bar runs to the least value its inputs allow, a band to the greatest."
        ratio_charts.append(_chart(number, title, description, items, scale))
    series_charts: list[Row] = []
    statements = compare.compare(store)
    by_quantity: dict[str, list[Row]] = {}
    for row in statements:
        by_quantity.setdefault(row["quantity"], []).append(row)
    for rows_of in by_quantity.values():
        if len({row["period"] for row in rows_of if row["period"]}) < SERIES_PERIODS:
            continue
        for title, items in series_chart_groups(compare.series(rows_of)):
            top = max((item.high if item.high is not None else item.value) for item in items)
            number = len(ratio_charts) + len(series_charts) + 2
            description = (
                "One bar a statement, in order of its period; a target or plan is drawn as an"
                " outline, what was as a filled bar."
            )
            series_charts.append(_chart(number, title, description, items, round_top(top)))
    timeline_rows = [
        row
        for row in timeline.timeline(store)
        if row["when"] is not None and (row["record_kind"] != "fact" or row["value"] is None)
    ]
    sources_of = {fact["id"]: fact["sources"] for fact in listings.facts(store)}
    figures = []
    citer = cite.Citer(store)
    for figure in summary["key_figures"]:
        item = citer.cite(figure["id"])
        figures.append(
            {
                **figure,
                "shown": f"{person_text(figure['value'])} {figure['unit']}",
                "sources": sources_of[figure["id"]],
                "citation": citations.as_text(item).strip(),
                "newest_shown": None
                if figure["newest"] is None
                else f"{person_text(figure['newest']['value'])} {figure['newest']['unit']}"
                f" ({figure['newest']['source']}"
                + (f", {figure['newest']['date']}" if figure["newest"]["date"] else "")
                + ")",
            }
        )
    place = summary.get("place") or {}
    return {
        "place": place,
        "made": (made or datetime.datetime.now(datetime.timezone.utc)).strftime(
            "%Y-%m-%d %H:%M UTC"
        ),
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
        "ratio_charts": ratio_charts,
        "series_charts": series_charts,
        "cities": cities.cities(store, compared=statements),
        "timeline": timeline_rows,
        "ratios": rows,
        "compare": statements,
        "audit": audit.audit(store),
        "partners": listings.partners_in_sector(store),
        "events": listings.events(store),
        "industries": listings.industries(store),
        "sources": sources,
        "disputed": summary.get("disputed", []),
        "article_reports": next(
            (source["reports"] for source in sources if source.get("file")), None
        ),
        "marks": MARKS,
        "number": person_text,
        "web_address": is_web_address,
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
