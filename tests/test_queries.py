"""Queries are pure: a store in, rows out, without the command line."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pypinyin import Style, lazy_pinyin

from qingpu_cli.errors import NotFound
from qingpu_cli.library import listings, records
from qingpu_cli.library.folding import Needle
from qingpu_cli.library.overview import overview
from qingpu_cli.library.search import field_in_words, search
from qingpu_cli.library.show import describe_record


def ids(rows: list[dict[str, Any]]) -> list[str]:
    return [row["id"] for row in rows]


def test_facts_keep_store_order_and_add_their_sources(bundled: dict[str, Any]) -> None:
    rows = listings.facts(bundled)
    assert ids(rows) == ids(bundled["facts"])
    assert all(row["sources"] == records.source_ids(row) for row in rows)
    assert rows[0]["sources"] == ["qingpu-new-city-signing"]


def test_facts_by_topic_subject_and_text(bundled: dict[str, Any]) -> None:
    assert ids(listings.facts(bundled, topic="ECONOMY"))[:2] == [
        "new-city-gdp-share",
        "new-city-industrial-output-share",
    ]
    assert {row["topic"] for row in listings.facts(bundled, topic="economy")} == {"economy"}
    about_plan = [f for f in bundled["facts"] if f["subject"] == "development-action-plan-2025"]
    assert len(listings.facts(bundled, subject="development-action-plan-2025")) == len(about_plan)
    assert ids(listings.facts(bundled, search="gdp"))[0] == "new-city-gdp-share"
    assert ids(listings.facts(bundled, search="规模以上工业总产值")) == [
        "new-city-industrial-output-share"
    ]
    assert listings.facts(bundled, topic="land", search="gdp") == []


def test_partners_in_sector_telecom_is_china_telecom_alone(bundled: dict[str, Any]) -> None:
    (row,) = listings.partners_in_sector(bundled, "Telecom")
    assert row["name"] == "China Telecom Shanghai Company"
    assert row["agreement_kinds"] == ["strategic cooperation framework agreement"]
    assert row["counterparts"] == ["Qingpu District Government"]
    assert row["launched"] == []


def test_huawei_launched_the_joint_innovation_center(bundled: dict[str, Any]) -> None:
    (row,) = listings.partners_in_sector(bundled, "technology")
    assert row["launched"] == ["Yangtze River Delta AI+ Joint Innovation Center"]


def test_the_government_is_counterpart_to_every_partner(bundled: dict[str, Any]) -> None:
    (row,) = listings.partners_in_sector(bundled, "government")
    assert row["counterparts"] == [
        "University of Shanghai for Science and Technology",
        "China Telecom Shanghai Company",
        "Bank of Communications Shanghai Branch",
        "Huawei",
    ]


def test_industries_by_role(bundled: dict[str, Any]) -> None:
    (focus,) = listings.industries(bundled, "focus")
    assert focus["scale_label"] == "100 billion-level industrial cluster"
    assert focus["plan_name"] == "2025 Qingpu New Town Development Action Plan"
    assert ids(listings.industries(bundled, "coordinated")) == [
        "high-end-equipment-manufacturing",
        "modern-logistics",
    ]


def test_each_occasion_counts_its_own_projects(bundled: dict[str, Any]) -> None:
    """The article's conference and series are one occasion, which signed its 40 projects; the
    2021 signing is another occasion with its own 43: no count is shared between events."""
    rows = listings.events(bundled)
    counted = {fact["id"]: fact["value"] for fact in bundled["facts"]}
    assert [row["projects_signed"] for row in rows] == [counted[r["projects_fact"]] for r in rows]
    assert [row["projects_signed_jointly"] for row in rows] == [None] * len(rows)
    assert all(row["signed_jointly_with"] == [] for row in rows)


@pytest.mark.parametrize(
    ("text", "kind", "record_id"),
    [
        ("华为", "partner", "huawei"),
        ("beidou", "industry", "beidou-and-low-altitude-economy"),
        ("低空经济", "industry", "beidou-and-low-altitude-economy"),
        ("潮涌浦江", "event", "development-and-construction-conference"),
        ("上海理工大学", "partner", "usst"),
        ("青浦新城", "place", "qingpu-new-city"),
        ("NEW TOWN", "place", "qingpu-new-city"),
    ],
)
def test_search_finds_names_aliases_and_quotes(
    bundled: dict[str, Any], text: str, kind: str, record_id: str
) -> None:
    hits = search(bundled, text)
    assert (kind, record_id) in {(hit["kind"], hit["id"]) for hit in hits}
    assert all(Needle(text).found_in(hit["text"]) for hit in hits)
    assert len({hit["id"] for hit in hits}) == len(hits), "one row a record"


def test_search_skips_references_to_other_records(bundled: dict[str, Any]) -> None:
    hits = search(bundled, "qingpu-new-city-signing")
    assert [hit["id"] for hit in hits] == ["qingpu-new-city-signing"]
    assert hits[0]["field"] in ("id", "file")


def test_search_names_the_field_a_person_knows_in_words(bundled: dict[str, Any]) -> None:
    (hit,) = [row for row in search(bundled, "\u534e\u4e3a") if row["kind"] == "partner"]
    assert (hit["kind"], hit["name"], hit["field"], hit["matched"]) == (
        "partner",
        "Huawei",
        "aliases[0]",
        "alias",
    )
    assert field_in_words("evidence[1].quote") == "evidence quote"


def test_show_finds_any_record_with_its_evidence(bundled: dict[str, Any]) -> None:
    described = describe_record(bundled, "huawei")
    assert described["kind"] == "partners"
    assert described["evidence"][0]["source_title"].startswith("Shanghai Qingpu New Town")


def test_unknown_id_suggests_the_closest(bundled: dict[str, Any]) -> None:
    with pytest.raises(NotFound, match="did you mean: huawei"):
        describe_record(bundled, "huawai")


def test_overview_holds_the_shares(bundled: dict[str, Any]) -> None:
    summary = overview(bundled)
    assert [(s["quantity"], s["value"]) for s in summary["shares"]] == [
        ("total area", 13),
        ("GDP", 40),
        ("total industrial output value above designated size", 65),
    ]
    from qingpu_cli.library.compare import DIFFER, compare

    verdict = {row["fact"]: row["verdict"] for row in compare(bundled)}
    assert summary["disputed"] == [
        figure["id"] for figure in summary["key_figures"] if verdict.get(figure["id"]) == DIFFER
    ]
    assert summary["shares"][0]["of"] == "Qingpu District"


def test_a_row_has_the_models_fields_in_the_models_order_whatever_the_store(
    bundled: dict[str, Any],
) -> None:
    fact = bundled["facts"][0]
    reordered = dict(reversed(list(fact.items())))
    older = {key: value for key, value in fact.items() if key not in ("quantity", "note")}
    for record in (fact, reordered, older):
        row = records.own_fields(record, "facts")
        assert tuple(row) == tuple(fact)
        assert {key: value for key, value in row.items() if value is not None} == {
            key: value for key, value in record.items() if value is not None
        }


def _named_records(store: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [(kind, r) for kind, items in store.items() if isinstance(items, list) for r in items]


def test_search_ignores_what_separates_words(bundled: dict[str, Any]) -> None:
    hyphenated = [r for _, r in _named_records(bundled) if "-" in str(r.get("name") or "")]
    assert hyphenated
    for record in hyphenated:
        spaced = record["name"].replace("-", " ")
        assert record["id"] in [row["id"] for row in search(bundled, spaced)]


@pytest.mark.parametrize("style", [Style.NORMAL, Style.TONE, Style.TONE3])
def test_search_finds_a_chinese_name_by_its_pinyin(bundled: dict[str, Any], style: Style) -> None:
    named = [
        (record, alias)
        for _, record in _named_records(bundled)
        for alias in record.get("aliases", [])
        if all("\u4e00" <= char <= "\u9fff" for char in alias)
    ]
    assert named
    for record, alias in named:
        typed = " ".join(lazy_pinyin(alias, style=style))
        assert record["id"] in [row["id"] for row in search(bundled, typed)], typed


def test_search_ranks_names_and_aliases_first(bundled: dict[str, Any]) -> None:
    rows = search(bundled, "qingpu")
    naming = [row["field"].split("[")[0] in ("name", "aliases") for row in rows]
    assert any(naming) and not all(naming)
    assert naming == sorted(naming, reverse=True)


def test_compact_keeps_exactly_the_letters_and_digits_of_every_character() -> None:
    """Words are compared without what separates them: every code point `str.isalnum` calls a
    letter or digit is kept, in order, and no other."""
    import sys

    from qingpu_cli.library.folding import compact

    every = "".join(map(chr, range(sys.maxunicode + 1)))
    assert compact(every) == "".join(filter(str.isalnum, every))
    assert compact("low-altitude_économie 2035") == "lowaltitudeéconomie2035"


def test_a_record_passed_over_at_once_is_one_no_field_of_which_holds_the_text(
    bundled: dict[str, Any],
) -> None:
    """Search tests a record by its texts joined before testing them one by one: the rows are
    those of testing every field, for names, ids, parts of statements and quotes, with their
    separators, in other cases, full-width."""
    from qingpu_cli.library.ratios import ratios_as_records
    from qingpu_cli.library.records import all_records
    from qingpu_cli.library.search import _matching_rows

    records = [*all_records(bundled), *ratios_as_records()]
    texts = {
        "qingpu",
        "Low-Altitude",
        "\uff31\uff29\uff2e\uff27",
        "new city",
        "km",
        "2021",
        "-",
        "\xe9",
    }
    for _, record in records[::3]:
        for value in (record.get("name"), record.get("statement"), record["id"]):
            if isinstance(value, str):
                texts |= {value, value[: len(value) // 2].upper(), value[len(value) // 3 :]}
    for text in sorted(texts):
        needle = Needle(text)
        if needle.chinese:  # a Chinese needle is tested field by field (see `_matching_rows`)
            continue
        joined = _matching_rows(records, needle.found_in, at_once=True)
        assert joined == _matching_rows(records, needle.found_in), text


@given(
    st.text(
        alphabet="a e\u0301\u00b2\uff21\u1100\u1161\u11a8\u0308 \u00a8\ufb01\u3000", max_size=60
    ),
    st.integers(min_value=1, max_value=8),
)
def test_a_long_text_is_normalised_in_pieces_as_it_is_whole(text: str, piece: int) -> None:
    """Pieces that end before a space normalise as the whole text does: combining marks,
    Hangul jamo, compatibility characters and spaces that decompose around the cuts."""
    import unicodedata

    from qingpu_cli.library.folding import normalized

    assert normalized(text, piece) == unicodedata.normalize("NFKC", text)


def test_a_period_is_found_whole_within_a_period_never_inside_a_longer_number(
    bundled: dict[str, Any],
) -> None:
    """`--period 2021` takes 2021-05-28 and "since February 2021"; `20` is no period's part."""
    periods = [
        "2021",
        "2021-05-28",
        "2021-2025",
        "since February 2021",
        "end of 2021",
        "2020-2021",
        "12021",
        "2003",
        "2035",
        "20",
    ]
    template = bundled["facts"][0]
    bundled["facts"] = [
        {**template, "id": f"fact-{number}", "period": period}
        for number, period in enumerate(periods)
    ]

    def found(typed: str) -> list[str]:
        return [row["period"] for row in listings.facts(bundled, period=typed)]

    assert found("2021") == periods[:6]
    assert found("20") == ["20"]
    assert found("END OF 2021") == ["end of 2021"]
    assert found("2021-05") == ["2021-05-28"]
    full_width = "".join(chr(ord(digit) + 0xFEE0) for digit in "2021")
    assert found(full_width) == found("2021")
    assert found("\u00b2\u2070\u00b2\u00b9") == [], "superscripts are not digits"
    assert found("2021.*") == [], "a period is text, not a pattern"
