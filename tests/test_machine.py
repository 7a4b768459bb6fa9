"""The machine formats, without the CLI: large listings are written in batches, and
the text must be the same document whatever the number of rows."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qingpu_cli.render import formats as machine

BATCH = machine._ROWS_PER_WRITE
#: Row counts on and around the batch boundaries, where a separator could be lost or doubled.
EDGE_COUNTS = [0, 1, 2, BATCH - 1, BATCH, BATCH + 1, 2 * BATCH, 2 * BATCH + 1, 3 * BATCH + 7]


class Stream(io.StringIO):
    """A text stream that can say it is a terminal, and counts the writes it receives."""

    def __init__(self, tty: bool = False, encoding: str = "utf-8") -> None:
        super().__init__()
        self._tty = tty
        self._encoding = encoding
        self.writes = 0

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return self._encoding

    def isatty(self) -> bool:
        return self._tty

    def write(self, text: str) -> int:
        self.writes += 1
        return super().write(text)


def numbered_rows(count: int) -> list[dict[str, Any]]:
    return [
        {"id": f"fact-{n}", "value": n / 7, "aliases": ["青浦新城", f"{n}"]} for n in range(count)
    ]


def one_record_a_line(rows: list[dict[str, Any]]) -> str:
    """The documented array layout: brackets on their own lines, one record on each line."""
    if not rows:
        return "[]\n"
    return "[\n" + ",\n".join(json.dumps(row, ensure_ascii=False) for row in rows) + "\n]\n"


@pytest.mark.parametrize("count", EDGE_COUNTS)
def test_a_json_array_is_one_record_a_line_across_batches(count: int) -> None:
    rows = numbered_rows(count)
    stream = Stream()
    machine.write_json(rows, stream)
    text = stream.getvalue()
    assert text == one_record_a_line(rows)
    assert json.loads(text) == rows


@pytest.mark.parametrize("count", EDGE_COUNTS)
def test_ndjson_is_one_record_a_line_across_batches(count: int) -> None:
    rows = numbered_rows(count)
    stream = Stream()
    machine.write_ndjson(rows, stream)
    lines = stream.getvalue().splitlines()
    assert [json.loads(line) for line in lines] == rows
    assert stream.getvalue() == "".join(f"{json.dumps(row, ensure_ascii=False)}\n" for row in rows)


def test_a_large_listing_is_written_in_batches_not_one_string_nor_a_write_a_row() -> None:
    rows = numbered_rows(10 * BATCH)
    stream = Stream()
    machine.write_json(rows, stream)
    assert 10 <= stream.writes <= 12


@settings(max_examples=60, deadline=None)
@given(
    rows=st.lists(
        st.dictionaries(st.text(max_size=5), st.one_of(st.text(), st.integers(), st.none())),
        max_size=3 * BATCH,
    )
)
def test_any_rows_round_trip(rows: list[dict[str, Any]]) -> None:
    stream = Stream()
    machine.write_json(rows, stream)
    assert stream.getvalue() == one_record_a_line(rows)


def test_on_a_terminal_every_batch_escapes_controls() -> None:
    rows = [{"text": f"row {n}\x1b[31m\u202e"} for n in range(2 * BATCH + 3)]
    stream = Stream(tty=True)
    machine.write_json(rows, stream)
    text = stream.getvalue()
    assert "\x1b" not in text and "\u202e" not in text
    assert text.count("\\u001b") == len(rows)
    assert json.loads(text) == rows


def test_a_stream_that_cannot_encode_unicode_gets_ascii_escapes() -> None:
    rows = numbered_rows(BATCH + 1)
    stream = Stream(encoding="ascii")
    machine.write_json(rows, stream)
    text = stream.getvalue()
    assert text.isascii()
    assert json.loads(text) == rows


def test_an_object_is_indented() -> None:
    stream = Stream()
    machine.write_json({"valid": True, "records": 35}, stream)
    assert stream.getvalue() == '{\n  "valid": true,\n  "records": 35\n}\n'


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


@given(value=JSON_VALUES, ascii_only=st.booleans())
def test_the_encoder_made_once_writes_what_json_dumps_writes(value: Any, ascii_only: bool) -> None:
    encode = machine._compact_encoder(ascii_only)
    assert encode is not None, "CPython has the C encoder"
    assert encode(value) == json.dumps(value, ensure_ascii=ascii_only)


def test_an_object_on_a_terminal_is_json_with_its_controls_escaped() -> None:
    """`show --json` on a terminal: the layout's line breaks stay line breaks, so the text is
    still the JSON document; what a terminal would act on in a value is escaped."""
    record = {"name": "a\u001b[31m\u202eb", "lines": ["one\ntwo"], "nested": {"n": 1}}
    stream = Stream(tty=True)
    machine.write_json(record, stream)
    text = stream.getvalue()
    assert json.loads(text) == record
    assert "\u001b" not in text and "\u202e" not in text
    assert text.count("\n") > 3  # indented, one key a line
