"""Links and citations made from a hostile store: only web addresses become links, Markdown
shows a store's text as text, and BibTeX entries parse whole, each on its own."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from conftest import BUNDLED
from qingpu_cli.library.cite import Citation, Cited

QINGPU = str(Path(sys.executable).with_name("qingpu"))

#: Markup of every kind a citation is written in, and what would break out of a field.
HOSTILE = (
    "}\\ % # & ~ ^ $ _ { @misc{swallowed, title={x}} \n# Injected heading\n"
    "[click](javascript:alert(1)) <b>bold</b> *em* `code` | cell |\n- item\n> quote"
)


def qingpu(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([QINGPU, *args], capture_output=True, text=True, timeout=60, check=False)


def store_with(tmp_path: Path, change: Any) -> Path:
    store = json.loads(BUNDLED.read_text(encoding="utf-8"))
    change(store)
    path = tmp_path / "store.json"
    path.write_text(json.dumps(store, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "address", ["javascript:alert(1)", "data:text/html,<script>x</script>", "JAVASCRIPT:x", "/x"]
)
def test_validation_names_an_address_that_is_no_web_address(address: str, tmp_path: Path) -> None:
    def change(store: dict[str, Any]) -> None:
        store["sources"][0]["url"] = address

    result = qingpu("validate", str(store_with(tmp_path, change)))
    assert result.returncode == 1
    assert "sources[0].url" in result.stderr and "not a web address" in result.stderr


def test_only_web_addresses_are_links_in_the_fact_sheet_and_markdown(
    bundled: dict[str, Any],
) -> None:
    """The sheet and Markdown guard their links themselves, whatever store they are given."""
    from markdown_it import MarkdownIt

    from qingpu_cli.render.citations import as_markdown
    from qingpu_cli.render.report import render, report_data

    addresses = ["javascript:alert(1)", "data:text/html,x", "vbscript:x", "https://example.org/a"]
    for source, address in zip(bundled["sources"], addresses * 3, strict=False):
        source["url"] = address
    page = render(report_data(bundled))
    links = re.findall(r'href="([^"]*)"', page)
    assert links and all(link.startswith(("https://", "http://", "#")) for link in links)
    cited = Cited("x", "x", [Citation(None, source, None) for source in bundled["sources"]])
    tokens = MarkdownIt().parseInline(as_markdown(cited))[0].children or []
    hrefs = [str(token.attrs["href"]) for token in tokens if token.type == "link_open"]
    assert hrefs and all(href.startswith(("https://", "http://")) for href in hrefs)


@pytest.fixture
def hostile_sources(tmp_path: Path) -> Path:
    def change(store: dict[str, Any]) -> None:
        for source in store["sources"]:
            for field in ("title", "publisher", "author", "language"):
                source[field] = f"{source.get(field) or field}{HOSTILE}"
            source["url"] = 'https://example.org/a}b{c\\d%20"e#f&g~h'
        for fact in store["facts"]:
            fact["statement"] += HOSTILE

    return store_with(tmp_path, change)


def cited_ids(path: Path) -> list[str]:
    store = json.loads(path.read_text(encoding="utf-8"))
    return [store["facts"][0]["id"], store["facts"][0]["quantity"], store["sources"][0]["id"]]


def test_markdown_shows_a_store_s_markup_as_text(hostile_sources: Path) -> None:
    from markdown_it import MarkdownIt

    for cited in cited_ids(hostile_sources):
        result = qingpu("--data", str(hostile_sources), "cite", cited, "--style", "markdown")
        assert result.returncode == 0, result.stderr
        tokens = (
            MarkdownIt("commonmark").enable("table").enable("strikethrough").parse(result.stdout)
        )
        kinds = {token.type for token in tokens}
        assert kinds <= {"paragraph_open", "paragraph_close", "inline", "bullet_list_open"} | {
            "bullet_list_close",
            "list_item_open",
            "list_item_close",
        }, kinds
        inline = [child for token in tokens for child in token.children or []]
        marks = {child.type for child in inline}
        assert marks <= {"text", "link_open", "link_close", "softbreak"}, marks
        hrefs = [str(child.attrs["href"]) for child in inline if child.type == "link_open"]
        assert all(href.startswith("https://example.org/") for href in hrefs)
        items = sum(1 for token in tokens if token.type == "list_item_open")
        assert items == len(result.stdout.splitlines()) - 2, "one source a line, none injected"


def bibtex_of(path: Path, cited: str) -> str:
    result = qingpu("--data", str(path), "cite", cited, "--style", "bibtex")
    assert result.returncode == 0, result.stderr
    return result.stdout


#: A backslash in a field starts one of the commands that print a special character.
PRINTING = re.compile(
    r"\\(?:textbackslash|textbraceleft|textbraceright|textasciitilde|textasciicircum)\{\}"
    r"|\\[%#&_$]"
)


def test_bibtex_entries_parse_whole_and_never_swallow_what_follows(
    hostile_sources: Path, tmp_path: Path
) -> None:
    import bibtexparser
    from pybtex.database import parse_string

    for cited in cited_ids(hostile_sources):
        written = bibtex_of(hostile_sources, cited)
        keys = re.findall(r"^@online\{([^,]+),", written, re.MULTILINE)
        assert keys
        bib = tmp_path / "references.bib"
        bib.write_text("@misc{before, title={Before}}\n\n")
        with bib.open("a") as file:
            file.write(written)
            file.write("\n@misc{after, title={After}}\n")
        text = bib.read_text()
        library = bibtexparser.parse_string(text)
        assert library.failed_blocks == []
        assert [entry.key for entry in library.entries] == ["before", *keys, "after"]
        pybtex_entries = parse_string(text, "bibtex").entries
        assert list(pybtex_entries) == ["before", *keys, "after"]
        for key in keys:
            for name, value in pybtex_entries[key].fields.items():
                if name == "url":
                    assert not re.search(r"[\s{}\\\"]", value), value
                    continue
                bare = PRINTING.sub("", value)
                assert not re.search(r"[\\{}%#&~^$_\n]", bare), (name, value)


@pytest.mark.parametrize("listing", ["facts", "sources"])
def test_a_markdown_table_shows_a_store_s_markup_as_text(
    hostile_sources: Path, listing: str
) -> None:
    """`--format markdown` is a table of text: a link, an image, raw HTML, code or emphasis in
    a store is shown as written, each row one row of the table."""
    from markdown_it import MarkdownIt

    result = qingpu("--data", str(hostile_sources), listing, "--format", "markdown")
    assert result.returncode == 0, result.stderr
    parser = MarkdownIt("commonmark").enable("table").enable("strikethrough")
    tokens = parser.parse(result.stdout)
    inline = [child for token in tokens for child in token.children or []]
    assert {child.type for child in inline} <= {"text"}, {child.type for child in inline}
    rows = sum(1 for token in tokens if token.type == "tr_open")
    assert rows == len(result.stdout.splitlines()) - 1, "the header and a row a record"
    shown = " ".join(child.content for child in inline)
    assert "[click](javascript:alert(1)) <b>bold</b> *em* `code` | cell |" in shown
