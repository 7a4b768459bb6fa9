"""DataFrames: every listing as a frame of the same records, with numbers, dates and lists kept
as what they are."""

from __future__ import annotations

import datetime
import math
from typing import Any

import pandas as pd
import pytest

import qingpu_cli as qingpu
from qingpu_cli.cli.commands import LISTINGS

STORE = qingpu.open_store()
SAMPLES: dict[str, dict[str, str]] = {"search": {"text": "huawei"}}


def _cell(value: Any) -> Any:
    """A frame's cell as the record holds it: missing is None, a date its ISO text."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    return value


@pytest.mark.parametrize("name", list(LISTINGS))
def test_a_frame_holds_the_listings_records(name: str) -> None:
    rows = STORE.listing(name, **SAMPLES.get(name, {}))
    frame = STORE.frame(name, **SAMPLES.get(name, {}))
    assert list(frame.columns) == list(LISTINGS[name].fields)
    assert len(frame) == len(rows)
    for index, row in enumerate(rows):
        assert {key: _cell(value) for key, value in frame.iloc[index].items()} == row


@pytest.mark.parametrize("name", list(LISTINGS))
def test_numbers_are_numbers_and_full_dates_are_dates(name: str) -> None:
    rows = STORE.listing(name, **SAMPLES.get(name, {}))
    frame = STORE.frame(name, **SAMPLES.get(name, {}))
    for field in LISTINGS[name].fields:
        present = [row[field] for row in rows if row[field] is not None]
        if not present:
            continue
        if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in present):
            assert pd.api.types.is_numeric_dtype(frame[field]), field
        elif all(isinstance(v, str) for v in present) and all(_is_date(value) for value in present):
            assert pd.api.types.is_datetime64_any_dtype(frame[field]), field
        elif any(isinstance(v, list) for v in present):
            assert all(isinstance(cell, list) for cell in frame[field] if cell is not None), field


def _is_date(text: str) -> bool:
    try:
        return len(text) == 10 and bool(datetime.date.fromisoformat(text))
    except ValueError:
        return False


def test_a_column_of_years_and_days_stays_text() -> None:
    frame = STORE.frame("facts")
    periods = {value for value in frame["period"] if isinstance(value, str)}
    assert any(len(value) == 4 for value in periods) and any(len(value) == 10 for value in periods)
    assert not pd.api.types.is_datetime64_any_dtype(frame["period"])


def test_filters_narrow_the_frame_as_the_listing() -> None:
    frame = STORE.frame("facts", topic="ECONOMY")
    assert list(frame["id"]) == [row["id"] for row in STORE.facts(topic="economy")]


def test_an_empty_listing_is_a_frame_with_its_columns() -> None:
    frame = STORE.frame("search", text="no record says this, surely")
    assert frame.empty and list(frame.columns) == list(LISTINGS["search"].fields)


def test_a_bad_filter_is_the_listings_usage_error() -> None:
    with pytest.raises(qingpu.UsageError, match="did you mean telecom"):
        STORE.frame("partners", sector="telcom")
