"""Citations: golden files for each style, BibTeX that a BibTeX parser reads, CSL-JSON with
the schema's field names and types, and nothing a source does not give."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import bibtexparser
import pytest

from conftest import Run, run_cli

Cli = Callable[..., Run]
STYLES = ("text", "markdown", "bibtex", "csl-json")
SUFFIX = {"text": "txt", "markdown": "md", "bibtex": "bib", "csl-json": "json"}

#: The CSL-JSON variables a citation may use, with the JSON type each takes in the CSL data
#: schema (csl-data.json): strings, name lists and date objects.
CSL_STRINGS = {"id", "type", "title", "publisher", "URL", "language", "note", "license"}
CSL_NAMES = {"author"}
CSL_DATES = {"issued", "accessed"}
CSL_TYPES = {"webpage", "article-newspaper", "report", "entry-encyclopedia"}


@pytest.mark.parametrize("style", STYLES)
@pytest.mark.parametrize("record_id", ["new-city-planned-area", "new-city-land-share"])
def test_a_citation_in_each_style_is_its_golden_file(
    golden: Callable[[str, str], None], style: str, record_id: str
) -> None:
    result = run_cli("cite", record_id, "--style", style)
    assert result.status == 0, result.stderr
    golden(f"cite-{record_id}.{SUFFIX[style]}", result.stdout)


@pytest.mark.parametrize(
    "record_id",
    ["new-city-planned-area", "huawei", "gdp-share-per-land-share", "gdp-share-against-2019"],
)
def test_bibtex_parses_with_a_bibtex_parser(record_id: str) -> None:
    text = run_cli("cite", record_id, "--style", "bibtex").stdout
    library = bibtexparser.parse_string(text)
    assert not library.failed_blocks
    assert library.entries
    for entry in library.entries:
        assert entry.entry_type == "online"
        assert "note" in entry.fields_dict


def csl_problems(item: dict[str, Any]) -> list[str]:
    problems = []
    for key, value in item.items():
        if key in CSL_STRINGS:
            ok = isinstance(value, str)
        elif key in CSL_NAMES:
            ok = isinstance(value, list) and all(
                isinstance(name, dict) and set(name) <= {"family", "given", "literal"}
                for name in value
            )
        elif key in CSL_DATES:
            parts = value.get("date-parts") if isinstance(value, dict) else None
            ok = isinstance(parts, list) and all(
                isinstance(part, list) and all(isinstance(n, int) for n in part) for part in parts
            )
        else:
            ok = False
        if not ok:
            problems.append(key)
    if item.get("type") not in CSL_TYPES:
        problems.append("type")
    return problems


@pytest.mark.parametrize("record_id", ["new-city-planned-area", "ghzyj-2021-04-01-residents"])
def test_csl_json_uses_the_schemas_names_and_types(record_id: str) -> None:
    items = json.loads(run_cli("cite", record_id, "--style", "csl-json").stdout)
    assert items
    for item in items:
        assert csl_problems(item) == [], item


def test_nothing_a_source_does_not_give_is_filled_in() -> None:
    (article,) = json.loads(run_cli("cite", "new-city-land-share", "--style", "csl-json").stdout)
    assert not {"author", "publisher", "issued"} & set(article)
    text = run_cli("cite", "new-city-land-share").stdout
    assert "n.d." in text and "publisher not named" in text


def test_a_quantity_cites_every_sources_statement_and_a_ratio_its_inputs() -> None:
    quantity = run_cli("cite", "new-city-planned-area", "--style", "csl-json").json()
    assert [item["id"] for item in quantity] == [
        "qingpu-new-city-signing",
        "shio-2021-04-02",
        "shine-2021-05-28",
        "shine-2021-11-04",
        "shine-2021-07-26",
    ]
    ratio = run_cli("cite", "gdp-share-per-land-share").stdout
    assert ratio.startswith("GDP share per land share") and "new-city-gdp-share" in ratio
    assert "creating 40% of the district's GDP" in ratio


def test_an_unknown_id_is_exit_1_with_the_closest_ids() -> None:
    result = run_cli("cite", "new-city-gpd-share")
    assert result.status == 1
    assert "did you mean" in result.stderr and "new-city-gdp-share" in result.stderr


def _said_read(style: str, text: str, source: dict[str, Any]) -> tuple[bool, bool]:
    """Whether a citation of this source, in this style, gives its access date and licence."""
    accessed, licence = source["accessed"], source.get("licence")
    if style == "csl-json":
        (item,) = json.loads(text)
        day = [int(part) for part in accessed.split("-")]
        return item.get("accessed") == {"date-parts": [day]}, item.get("license") == licence
    if style == "bibtex":
        (entry,) = bibtexparser.parse_string(text).entries
        fields = entry.fields_dict
        note = fields["note"].value
        has_licence = licence is not None and f"Licence: {licence}" in note
        return fields["urldate"].value == accessed, has_licence or (
            licence is None and "Licence" not in note
        )
    has_licence = f"licence {licence}" in text if licence else "licence" not in text
    return f"accessed {accessed}" in text, has_licence


@pytest.mark.parametrize("style", STYLES)
def test_a_citation_gives_when_its_source_was_read_and_its_licence(
    style: str, bundled: dict[str, Any]
) -> None:
    assert any(source.get("licence") for source in bundled["sources"])
    for source in bundled["sources"]:
        assert source["accessed"], source["id"]
        result = run_cli("cite", source["id"], "--style", style)
        assert result.status == 0, result.stderr
        assert _said_read(style, result.stdout, source) == (True, True), (style, source["id"])


def test_a_source_without_an_access_date_is_cited_without_one(
    cli: Cli, bundled: dict[str, Any], write_store: Callable[[object], Any]
) -> None:
    for source in bundled["sources"]:
        source["accessed"] = None
    path = str(write_store(bundled))
    for style in STYLES:
        text = cli("--data", path, "cite", bundled["sources"][0]["id"], "--style", style).stdout
        assert "accessed" not in text and "urldate" not in text


def test_a_text_citation_names_each_source_once_with_all_its_quotes() -> None:
    """A record backed by several quotes of one source cites the source once, quoting each;
    what is cited ends before the sources begin."""
    from qingpu_cli.library.cite import cited
    from qingpu_cli.store.reader import bundled_store

    store: Any = bundled_store()
    records = [
        record["id"]
        for kind in ("partners", "industries", "initiatives")
        for record in store.get(kind, [])
        if len({item["source"] for item in record["evidence"]}) < len(record["evidence"])
    ]
    assert records
    for record_id in records:
        item = cited(store, record_id)
        text = run_cli("cite", record_id).stdout
        for source in {citation.source["id"] for citation in item.citations}:
            title = next(c.source.get("title") for c in item.citations if c.source["id"] == source)
            if title:
                assert text.count(f"\u201c{title}\u201d") == 1, (record_id, source)
        for citation in item.citations:
            assert citation.quote is None or f"\u201c{citation.quote}\u201d" in text
        assert text.startswith(item.heading)
        assert text[: len(item.heading) + 1].rstrip()[-1] in ".:?!", text[:80]


@pytest.mark.parametrize("style", ["text", "markdown"])
def test_an_undated_source_is_placed_by_its_event_in_words(style: str) -> None:
    """An undated source is cited with the event it reports and the address of the source that
    dates it, in words a reader can follow: never their ids."""
    sources = run_cli("sources", "--json").json()
    reporting = [source for source in sources if source["reports"] and not source["date"]]
    assert reporting
    facts = run_cli("facts", "--json").json()
    for source in reporting:
        fact = next(fact for fact in facts if source["id"] in fact["sources"])
        said = run_cli("cite", fact["id"], "--style", style).stdout
        flowing = " ".join(said.replace("\\", "").split())
        reports = source["reports"]
        assert reports["event_name"] in flowing
        assert reports["dated_by_url"] in flowing
        assert reports["event"] not in flowing, "the event by its name, not its id"
        assert f"dated by {reports['dated_by']}" not in flowing
