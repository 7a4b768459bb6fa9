"""Citations written out: plain text and Markdown for a person, BibTeX and CSL-JSON for
reference managers.

What a source does not give stays out: no field is filled in, and a source without a date is
"n.d." in the styles a person reads, with the date of the event it reports where the store
knows it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from qingpu_cli.library.cite import Citation, Cited
from qingpu_cli.render.formats import MARKDOWN_SPECIAL, visible
from qingpu_cli.store.vocabulary import is_web_address


def _who(source: Mapping[str, Any]) -> str:
    parts = [source.get("publisher") or "publisher not named"]
    if source.get("author"):
        parts.append(str(source["author"]))
    return ", ".join(parts)


def _when(source: Mapping[str, Any]) -> str:
    """The date, else "n.d." with the date of the event the source reports, and how it is
    known, where the store knows it."""
    if source.get("date"):
        return str(source["date"])
    reports = source.get("reports")
    if not reports:
        return "n.d."
    dated_by = reports.get("dated_by_url") or reports.get("dated_by")
    known = [f"dated by {dated_by}"] if dated_by else []
    known += [str(reports["date_basis"])] if reports.get("date_basis") else []
    how = f", {', '.join(known)}" if known else ""
    event = reports.get("event_name") or reports["event"]
    return f"n.d. (reports the {event} on {reports['date']}{how})"


def _read(source: Mapping[str, Any]) -> list[str]:
    """When the source was read and under what licence, where the store says: a page can
    change after it was read, and whether its text may be reused depends on its licence."""
    said = []
    if source.get("accessed"):
        said.append(f"accessed {source['accessed']}")
    if source.get("licence"):
        said.append(f"licence {source['licence']}")
    return said


def _text_citation(citations: Sequence[Citation]) -> str:
    """One source's entry, with every quote of it that backs the same statement."""
    citation = citations[0]
    source = citation.source
    parts = [_who(source)]
    if source.get("title"):
        parts.append(f"\u201c{source['title']}\u201d")
    parts.append(_when(source))
    if source.get("url"):
        parts.append(str(source["url"]))
    parts.extend(_read(source))
    said = f"{citation.statement} " if citation.statement else ""
    quotes = [f"\u201c{item.quote}\u201d" for item in citations if item.quote]
    quoted = f", quoting {'; '.join(quotes)}" if quotes else ""
    return f"{said}({'; '.join(parts)}{quoted})"


def as_text(item: Cited) -> str:
    """One paragraph a person pastes: what is cited, then each source once for each statement
    it backs, with all of its quotes."""
    entries: dict[tuple[str, str | None], list[Citation]] = {}
    for citation in item.citations:
        key = (str(citation.source["id"]), citation.statement)
        entries.setdefault(key, []).append(citation)
    backing = "; ".join(_text_citation(citations) for citations in entries.values())
    if not backing:
        return f"{item.heading}\n"
    sources = "Sources" if len(_unique_sources(item)) > 1 else "Source"
    heading = item.heading if item.heading.endswith((".", ":", "?", "!")) else f"{item.heading}."
    return f"{heading} {sources}: {backing}.\n"


#: Characters Markdown could read as markup anywhere in a line, escaped with a backslash:
#: emphasis, code, links and images, raw HTML and entities, tables, strike-through, headings.
_MARKDOWN_SPECIAL = re.compile(f"([{re.escape(MARKDOWN_SPECIAL)}])")
#: What could open a block at the start of a line: a list, a quote, a rule, a heading's
#: underline, an ordered list's number.
_MARKDOWN_LINE_START = re.compile(r"^([-+=>]|[0-9]+(?=[.)]))")
_LINE_BREAKS = re.compile(r"[\r\n\v\f\x1c-\x1e\x85\u2028\u2029]+")


def _markdown_escape(text: str) -> str:
    """Text that Markdown shows as written, on one line: a line break in a store's value
    becomes a space (so that it cannot start a heading or a list), markup characters are
    escaped, and so is a start that would open a block."""
    flat = _LINE_BREAKS.sub(" ", text).lstrip()  # four spaces would start a code block
    escaped = _MARKDOWN_SPECIAL.sub(r"\\\1", flat)
    return _MARKDOWN_LINE_START.sub(r"\\\1", escaped)


def _markdown_link(title: str, url: object) -> str:
    """The title linked to its address where that is a web address (http, https), with the
    characters that would end a link's address percent-encoded; any other address is shown as
    text beside the title, never made a link."""
    if not url:
        return title
    if not is_web_address(url):
        return f"{title} ({_markdown_escape(str(url))})"
    address = str(url)
    for char, code in (("\\", "%5C"), ("(", "%28"), (")", "%29"), ("<", "%3C"), (">", "%3E")):
        address = address.replace(char, code)
    return f"[{title}]({address})"


def as_markdown(item: Cited) -> str:
    """The heading, then a line for each source, its title linked to its address."""
    lines = [_markdown_escape(item.heading), ""]
    for citation in item.citations:
        source = citation.source
        title = _markdown_escape(str(source.get("title") or source.get("id")))
        linked = _markdown_link(title, source.get("url"))
        said = f"{_markdown_escape(citation.statement)} \u2014 " if citation.statement else ""
        line = (
            f"- {said}{_markdown_escape(_who(source))}, {linked}, {_markdown_escape(_when(source))}"
        )
        line += "".join(f", {_markdown_escape(part)}" for part in _read(source))
        if citation.quote:
            line += f": \u201c{_markdown_escape(citation.quote)}\u201d"
        lines.append(line)
    return "\n".join(lines) + "\n"


def _unique_sources(item: Cited) -> list[tuple[Mapping[str, Any], list[Citation]]]:
    grouped: dict[str, tuple[Mapping[str, Any], list[Citation]]] = {}
    for citation in item.citations:
        key = str(citation.source["id"])
        grouped.setdefault(key, (citation.source, []))[1].append(citation)
    return list(grouped.values())


def _note(item: Cited, citations: Sequence[Citation]) -> str:
    said = [citation.statement or item.heading for citation in citations]
    quoted = [f"\u201c{citation.quote}\u201d" for citation in citations if citation.quote]
    note = "Cited for: " + " / ".join(dict.fromkeys(said))
    return note + (" Quoted: " + " / ".join(quoted) if quoted else "")


#: Each character LaTeX would read as a command, a group, a comment or a parameter, as the
#: command that prints it. Braces are printed by commands, not escaped as `\{`: BibTeX counts
#: every brace, escaped or not, so an escaped one would leave the entry unbalanced.
_BIBTEX_PRINTED = {
    "\\": r"\textbackslash{}",
    "{": r"\textbraceleft{}",
    "}": r"\textbraceright{}",
    "%": r"\%",
    "#": r"\#",
    "&": r"\&",
    "~": r"\textasciitilde{}",
    "_": r"\_",
    "$": r"\$",
    "^": r"\textasciicircum{}",
}
_BIBTEX_SPECIAL = re.compile("[" + re.escape("".join(_BIBTEX_PRINTED)) + "]")
#: What an address keeps out of a BibTeX field: the characters that would unbalance or end it,
#: spaces and controls, percent-encoded (an address is read verbatim, so `%` and `#` stay).
_URL_UNSAFE = re.compile(r'[\\{}\s"<>^`|\x00-\x1f\x7f-\x9f]')


def _bibtex_value(text: str) -> str:
    """A field's text on one line, control and bidirectional characters as visible escapes,
    every character special to LaTeX as the command that prints it: braces always balance,
    so the entry can never run into the entries after it."""
    flat = " ".join(visible(" ".join(text.split())).split())
    return _BIBTEX_SPECIAL.sub(lambda m: _BIBTEX_PRINTED[m.group()], flat)


def _bibtex_url(url: str) -> str:
    """An address for a `url` field, which is read verbatim: what could break the entry is
    percent-encoded, the rest is kept as written."""
    return _URL_UNSAFE.sub(
        lambda m: "".join(f"%{byte:02X}" for byte in m.group().encode("utf-8")), url
    )


def as_bibtex(item: Cited) -> str:
    """An `@online` entry for each source, with the fields the source gives and no other."""
    entries = []
    for source, citations in _unique_sources(item):
        fields: list[tuple[str, str]] = []
        if source.get("title"):
            fields.append(("title", _bibtex_value(str(source["title"]))))
        if source.get("author"):
            fields.append(("author", "{" + _bibtex_value(str(source["author"])) + "}"))
        if source.get("publisher"):
            fields.append(("organization", _bibtex_value(str(source["publisher"]))))
        if source.get("date"):
            fields.append(("date", _bibtex_value(str(source["date"]))))
        if source.get("url"):
            fields.append(("url", _bibtex_url(str(source["url"]))))
        if source.get("accessed"):
            fields.append(("urldate", _bibtex_value(str(source["accessed"]))))
        if source.get("language"):
            fields.append(("language", _bibtex_value(str(source["language"]))))
        licence = f" Licence: {source['licence']}." if source.get("licence") else ""
        fields.append(("note", _bibtex_value(_note(item, citations) + licence)))
        body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
        entries.append(f"@online{{{source['id']},\n{body}\n}}\n")
    return "\n".join(entries)


def _date_parts(date: str) -> list[int] | None:
    parts = date.split("-")
    return [int(part) for part in parts] if all(part.isdigit() for part in parts) else None


def as_csl_json(item: Cited) -> str:
    """A CSL-JSON array, an item for each source, each a web page: reference managers read it."""
    items = []
    for source, citations in _unique_sources(item):
        entry: dict[str, Any] = {"id": source["id"], "type": "webpage"}
        if source.get("title"):
            entry["title"] = source["title"]
        if source.get("author"):
            entry["author"] = [{"literal": source["author"]}]
        if source.get("publisher"):
            entry["publisher"] = source["publisher"]
        parts = _date_parts(str(source.get("date") or ""))
        if parts:
            entry["issued"] = {"date-parts": [parts]}
        if source.get("url"):
            entry["URL"] = source["url"]
        accessed = _date_parts(str(source.get("accessed") or ""))
        if accessed:
            entry["accessed"] = {"date-parts": [accessed]}
        if source.get("licence"):
            entry["license"] = source["licence"]
        if source.get("language"):
            entry["language"] = source["language"]
        entry["note"] = _note(item, citations)
        items.append(entry)
    return json.dumps(items, ensure_ascii=False, indent=2) + "\n"


RENDERERS: dict[str, Callable[[Cited], str]] = {
    "text": as_text,
    "markdown": as_markdown,
    "bibtex": as_bibtex,
    "csl-json": as_csl_json,
}
