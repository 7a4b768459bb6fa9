"""The models reject every kind of bad store, each problem with its location."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from qingpu_cli.errors import StoreInvalid
from qingpu_cli.store import models
from qingpu_cli.store.models import SCHEMA_VERSIONS, store_json_schema
from qingpu_cli.store.reader import validate_store_text


def problems_of(store: object) -> list[tuple[str, str]]:
    with pytest.raises(StoreInvalid) as caught:
        validate_store_text(json.dumps(store, ensure_ascii=False), "test")
    return caught.value.problems


def locations(store: object) -> list[str]:
    return [location for location, _ in problems_of(store)]


def test_the_bundled_store_is_valid(bundled: dict[str, Any]) -> None:
    assert validate_store_text(json.dumps(bundled), "test") == bundled


def test_unknown_field(bundled: dict[str, Any]) -> None:
    bundled["facts"][2]["colour"] = "red"
    assert locations(bundled) == ["facts[2].colour"]


def test_unknown_top_level_list(bundled: dict[str, Any]) -> None:
    bundled["rumours"] = []
    assert locations(bundled) == ["rumours"]


def test_wrong_type(bundled: dict[str, Any]) -> None:
    bundled["facts"][1]["value"] = "13"
    assert locations(bundled) == ["facts[1].value"]


def test_wrong_type_is_not_coerced(bundled: dict[str, Any]) -> None:
    bundled["plans"][0]["year"] = "2025"
    assert locations(bundled) == ["plans[0].year"]


@pytest.mark.parametrize("text", ["NaN", "Infinity", "-Infinity", "1e999"])
def test_nan_and_infinities(bundled: dict[str, Any], text: str) -> None:
    raw = json.dumps(bundled).replace('"value": 91.1', f'"value": {text}', 1)
    with pytest.raises(StoreInvalid) as caught:
        validate_store_text(raw, "test")
    assert next(loc for loc, _ in caught.value.problems) == "facts[0].value"


def test_negative_area(bundled: dict[str, Any]) -> None:
    bundled["facts"][0]["value"] = -91.1
    assert locations(bundled) == ["facts[0].value"]


def test_negative_count(bundled: dict[str, Any]) -> None:
    bundled["facts"][4]["value"] = -40
    assert locations(bundled) == ["facts[4].value"]


def test_decimals_beyond_a_float_or_a_rounding_the_value_does_not_have(
    bundled: dict[str, Any],
) -> None:
    bundled["facts"][4]["decimals"] = 18
    assert "facts[4].decimals" in locations(bundled)
    bundled["facts"][4]["decimals"] = -1  # 40 projects may be a count rounded to tens
    validate_store_text(json.dumps(bundled, ensure_ascii=False), "test")
    bundled["facts"][0]["decimals"] = -1  # 91.1 rounded to tens would be 90
    assert locations(bundled) == ["facts[0].value"]


@pytest.mark.parametrize("share", [-1, 100.5, 101])
def test_share_outside_0_to_100(bundled: dict[str, Any], share: float) -> None:
    bundled["facts"][2]["value"] = share
    bundled["facts"][2]["decimals"] = 1
    assert locations(bundled) == ["facts[2].value"]


def test_more_decimals_than_stated(bundled: dict[str, Any]) -> None:
    bundled["facts"][2]["value"] = 40.5
    assert locations(bundled) == ["facts[2].value"]


def test_value_without_unit(bundled: dict[str, Any]) -> None:
    bundled["facts"][0]["unit"] = None
    assert locations(bundled) == ["facts[0]"]


def test_duplicate_ids_anywhere_in_the_store(bundled: dict[str, Any]) -> None:
    bundled["industries"][3]["id"] = "huawei"
    found = problems_of(bundled)
    assert found[0][0] == "industries[3].id"
    assert "partners[4].id" in found[0][1]


def test_evidence_naming_an_unknown_source(bundled: dict[str, Any]) -> None:
    bundled["events"][1]["evidence"][0]["source"] = "rumour-mill"
    assert locations(bundled) == ["events[1].evidence[0].source"]


def test_quote_longer_than_200_characters(bundled: dict[str, Any]) -> None:
    bundled["events"][0]["evidence"][0]["quote"] = "x" * 201
    assert locations(bundled) == ["events[0].evidence[0].quote"]


def test_record_without_evidence(bundled: dict[str, Any]) -> None:
    bundled["partners"][0]["evidence"] = []
    assert locations(bundled) == ["partners[0].evidence"]


def test_sector_outside_the_vocabulary(bundled: dict[str, Any]) -> None:
    bundled["partners"][2]["sector"] = "Telecom"
    assert locations(bundled) == ["partners[2].sector"]


def test_id_that_is_not_kebab_case(bundled: dict[str, Any]) -> None:
    bundled["places"][0]["id"] = "Shang Hai"
    assert "places[0].id" in locations(bundled)


@pytest.mark.parametrize(
    ("kind", "index", "field", "location"),
    [
        ("facts", 0, "subject", "facts[0].subject"),
        ("places", 2, "part_of", "places[2].part_of"),
        ("industries", 0, "plan", "industries[0].plan"),
        ("agreements", 0, "counterpart", "agreements[0].counterpart"),
        ("plans", 0, "subject", "plans[0].subject"),
        ("initiatives", 0, "actor", "initiatives[0].actor"),
    ],
)
def test_reference_to_an_id_that_does_not_exist(
    bundled: dict[str, Any], kind: str, index: int, field: str, location: str
) -> None:
    bundled[kind][index][field] = "no-such-record"
    assert locations(bundled) == [location]


def test_reference_inside_a_list(bundled: dict[str, Any]) -> None:
    bundled["agreements"][0]["parties"][1] = "nobody"
    bundled["industries"][1]["based_on"][0] = "alchemy"
    assert locations(bundled) == ["agreements[0].parties[1]", "industries[1].based_on[0]"]


def test_reference_to_the_wrong_kind_of_record(bundled: dict[str, Any]) -> None:
    bundled["agreements"][1]["parties"] = ["modern-logistics"]
    found = problems_of(bundled)
    assert found == [
        (
            "agreements[1].parties[0]",
            "'modern-logistics' is in industries, expected one of partners",
        )
    ]


def test_share_of_an_unknown_subject(bundled: dict[str, Any]) -> None:
    bundled["facts"][1]["share_of"]["subject"] = "atlantis"
    assert locations(bundled) == ["facts[1].share_of.subject"]


def test_every_problem_is_reported_at_once(bundled: dict[str, Any]) -> None:
    bundled["facts"][0]["value"] = "big"
    bundled["partners"][1]["sector"] = "space"
    bundled["events"][0]["evidence"][0]["source"] = "nowhere"
    bundled["industries"][0]["owner"] = "atlantis"
    assert locations(bundled) == [
        "facts[0].value",
        "partners[1].sector",
        "events[0].evidence[0].source",
        "industries[0].owner",
    ]


def test_missing_list_and_wrong_schema_version(bundled: dict[str, Any]) -> None:
    del bundled["events"]
    bundled["schema_version"] = max(SCHEMA_VERSIONS) + 1
    found = locations(bundled)
    assert found[:2] == ["schema_version", "events"]
    related = [
        f"facts[{index}].related[{number}]"
        for index, fact in enumerate(bundled["facts"])
        for number, target in enumerate(fact["related"])
        if target in {"development-and-construction-conference", "project-signing-2021-05-28"}
    ]
    assert related and found[2:] == related


def test_json_schema_is_generated_from_the_models() -> None:
    schema = store_json_schema()
    assert schema["additionalProperties"] is False
    assert set(schema["required"]) >= {"facts", "partners", "industries", "sources"}
    sector = schema["$defs"]["Partner"]["properties"]["sector"]
    assert sector["enum"] == ["telecom", "finance", "education", "technology", "government"]


def test_an_evidence_kind_of_the_wrong_type_is_one_located_problem(
    bundled: dict[str, Any],
) -> None:
    bundled["facts"][0]["evidence"][0]["kind"] = []
    assert locations(bundled) == ["facts[0].evidence[0].kind"]


def test_an_access_date_and_a_release_date_are_days_of_the_calendar(
    bundled: dict[str, Any],
) -> None:
    bundled["sources"][1]["accessed"] = "2026-02-30"
    bundled["sources"][2]["accessed"] = "26 November 2026"
    bundled["release"]["date"] = "2026-13-01"
    assert sorted(locations(bundled)) == [
        "release.date",
        "sources[1].accessed",
        "sources[2].accessed",
    ]


@pytest.mark.parametrize("version", SCHEMA_VERSIONS)
def test_every_schema_version_loads_without_the_newer_fields(
    bundled: dict[str, Any], version: int
) -> None:
    bundled["schema_version"] = version
    del bundled["release"]
    for source in bundled["sources"]:
        del source["accessed"], source["licence"]
    assert validate_store_text(json.dumps(bundled), "test") == bundled


#: Where the store's every pattern is checked: (the pattern, a path to a value it checks).
PATTERN_PLACES = [
    (models.ID_PATTERN, ("facts", 0, "id")),
    (models.ID_PATTERN, ("facts", 0, "subject")),
    (models.DATE_PATTERN, ("sources", 1, "accessed")),
    (models.DATE_PATTERN, ("release", "date")),
    (models._DATE, ("sources", 1, "date")),
    (models._DATE, ("events", 0, "date")),
]


def test_every_pattern_of_the_store_has_a_place_tried() -> None:
    patterns = {value for value in vars(models).values() if isinstance(value, re.Pattern)}
    assert patterns == {pattern for pattern, _ in PATTERN_PLACES}


@pytest.mark.parametrize("version", SCHEMA_VERSIONS)
@pytest.mark.parametrize(("pattern", "path"), PATTERN_PLACES)
@pytest.mark.parametrize("trailing", ["\n", "\r\n", " "])
def test_a_value_with_a_trailing_newline_matches_no_pattern(
    bundled: dict[str, Any],
    version: int,
    pattern: re.Pattern[str],
    path: tuple[str | int, ...],
    trailing: str,
) -> None:
    bundled["schema_version"] = version
    if version < 3:
        del bundled["release"]
        for source in bundled["sources"]:
            del source["accessed"], source["licence"]
        if path[0] == "release" or path[-1] == "accessed":
            pytest.skip("no such field before version 3")
    *parents, last = path
    holder: Any = bundled
    for step in parents:
        holder = holder[step]
    assert isinstance(holder[last], str) and pattern.fullmatch(holder[last])
    holder[last] += trailing
    where = ".".join(f"[{step}]" if isinstance(step, int) else step for step in path)
    assert where.replace(".[", "[") in locations(bundled)


@pytest.mark.parametrize("version", [True, 3.0, "3"])
def test_a_schema_version_is_a_json_integer(version: object, bundled: dict[str, Any]) -> None:
    """`true` and `3.0` had passed as versions 1 and 3 ("valid: ... (schema version True)")."""
    bundled["schema_version"] = version
    with pytest.raises(StoreInvalid, match="schema_version"):
        validate_store_text(json.dumps(bundled), "(test)")
