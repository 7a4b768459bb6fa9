"""Numbers and other input through the console script: digits a person would not type, paths no
system call takes, files that never end, blank ids, numbers JSON can write but a float cannot
hold. Each is one accurate line and its documented status, never an internal error or a wait."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import BUNDLED
from qingpu_cli.library.lookup import MAX_SUGGESTIONS
from qingpu_cli.render.formats import FORMULA_STARTS

QINGPU = str(Path(sys.executable).with_name("qingpu"))
Store = Callable[[object], Path]

#: Digits `str.isdigit` takes and `int` refuses, or a person would not mean as a count.
ODD_NUMBERS = {
    "superscript": "\u00b2",
    "full-width": "\uff11",
    "five thousand digits": "9" * 5_000,
    "negative": "-1",
}


def qingpu(
    *args: str, env: dict[str, str] | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [QINGPU, *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        stdin=subprocess.DEVNULL,
        timeout=timeout,
        check=False,
    )


def one_line(result: subprocess.CompletedProcess[str], status: int) -> str:
    assert result.returncode == status, result.stderr
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    assert len(result.stderr.splitlines()) == 1, result.stderr
    return result.stderr


@pytest.mark.parametrize("number", ODD_NUMBERS.values(), ids=ODD_NUMBERS.keys())
@pytest.mark.parametrize("fmt", ["--json", "table"])
def test_limit_takes_ascii_digits_of_a_bounded_length(number: str, fmt: str) -> None:
    args = ["--json"] if fmt == "--json" else ["--format", "table"]
    assert "--limit" in one_line(qingpu("facts", "--limit", number, *args), 2)


@pytest.mark.parametrize("number", ODD_NUMBERS.values(), ids=ODD_NUMBERS.keys())
def test_the_store_size_limit_takes_ascii_digits(number: str) -> None:
    message = one_line(qingpu("facts", env={"QINGPU_MAX_STORE_BYTES": number}), 2)
    assert "QINGPU_MAX_STORE_BYTES" in message and len(message) < 200


@pytest.mark.parametrize("variable", ["COLUMNS", "LINES"])
@pytest.mark.parametrize("number", ODD_NUMBERS.values(), ids=ODD_NUMBERS.keys())
def test_a_terminal_size_that_is_no_number_is_ignored(variable: str, number: str) -> None:
    for args in (["facts", "--format", "table"], ["overview"], ["show", "huawei"]):
        result = qingpu(*args, env={variable: number})
        assert (result.returncode, result.stderr) == (0, ""), args
        assert "Qingpu" in result.stdout or "huawei" in result.stdout


def test_a_cache_directory_too_deep_for_any_system_call_is_skipped(tmp_path: Path) -> None:
    deep = str(tmp_path) + "/d" * 2_100
    for args in (["facts", "--json"], ["report", "--html", "-"]):
        result = qingpu(*args, env={"QINGPU_CACHE_DIR": deep})
        assert (result.returncode, result.stderr) == (0, ""), args
    assert not (tmp_path / "d").exists()


def test_a_file_that_blocks_is_refused_at_once() -> None:
    if not os.access("/proc/kmsg", os.R_OK):
        pytest.skip("/proc/kmsg cannot be read here (CI runs as root)")
    message = one_line(qingpu("--data", "/proc/kmsg", "facts", timeout=10), 2)
    assert "/proc/kmsg" in message and "nothing" in message


def test_a_file_that_gives_a_little_and_then_blocks_is_refused_at_once() -> None:
    """/proc/kmsg with a kernel message waiting gives the message, then waits for the next."""
    if not os.access("/proc/kmsg", os.R_OK) or not os.access("/dev/kmsg", os.W_OK):
        pytest.skip("the kernel's messages cannot be read and written here (CI runs as root)")
    Path("/dev/kmsg").write_text("qingpu: a test of a store that waits\n", encoding="utf-8")
    message = one_line(qingpu("--data", "/proc/kmsg", "facts", timeout=10), 2)
    assert "/proc/kmsg" in message and "nothing within" in message


@pytest.mark.parametrize("command", ["show", "cite", "compare"])
@pytest.mark.parametrize("blank", ["", " "])
def test_a_blank_id_is_a_usage_error(command: str, blank: str) -> None:
    assert "non-empty" in one_line(qingpu(command, blank), 2)


def test_validate_of_a_blank_path_names_validate() -> None:
    assert "validate" in one_line(qingpu("validate", ""), 2)


def test_sort_by_a_bare_minus_names_the_problem() -> None:
    message = one_line(qingpu("facts", "--sort", "-"), 2)
    assert "--sort" in message and "no field" in message


def test_no_message_lists_more_than_a_handful_of_ids(
    bundled: dict[str, Any], write_store: Store
) -> None:
    template = bundled["facts"][0]
    bundled["facts"] = [{**template, "id": f"same-start-{n}"} for n in range(500)]
    message = one_line(qingpu("--data", str(write_store(bundled)), "show", "same"), 1)
    assert message.count("same-start-") == MAX_SUGGESTIONS
    assert f"{500 - MAX_SUGGESTIONS:,} more" in message


def test_a_period_in_full_width_digits_is_that_period() -> None:
    def ids(period: str) -> list[str]:
        result = qingpu("facts", "--period", period, "--json")
        assert result.returncode == 0, result.stderr
        return [row["id"] for row in json.loads(result.stdout)]

    assert ids("\uff12\uff10\uff11\uff19") == ids("2019") != []


def variant(text: str, old: str, new: str) -> str:
    assert old in text
    return text.replace(old, new, 1)


def first_value() -> str:
    store = json.loads(BUNDLED.read_text(encoding="utf-8"))
    return f'"value": {json.dumps(store["facts"][0]["value"])},'


@pytest.mark.parametrize(
    ("name", "change", "expected"),
    [
        ("a NaN", lambda t: variant(t, first_value(), '"value": NaN,'), "finite number"),
        ("1e-400", lambda t: variant(t, first_value(), '"value": 1e-400,'), "read as 0"),
        (
            "a lone surrogate",
            lambda t: variant(t, '"statement": "', '"statement": "\\ud800'),
            "lone surrogate",
        ),
        ("a date of no calendar", lambda t: variant(t, '"2021-04-02"', '"2021-\u00b2"'), "no date"),
        (
            "a date of 5,000 digits",
            lambda t: variant(t, '"2021-04-02"', '"' + "2" * 5_000 + '"'),
            "no date",
        ),
        ("February 30", lambda t: variant(t, '"2021-04-02"', '"2021-02-30"'), "calendar"),
        (
            "a full-width period",
            lambda t: variant(t, '"period": "2019"', '"period": "\uff12\uff10\uff11\uff19"'),
            "ASCII",
        ),
    ],
)
def test_numbers_and_text_no_store_can_mean_are_one_accurate_message(
    name: str, change: Callable[[str], str], expected: str, write_store: Store
) -> None:
    path = write_store(change(BUNDLED.read_text(encoding="utf-8")))
    for args in (["facts", "--json"], ["cite", "shio-2021-04-02", "--style", "csl-json"]):
        message = one_line(qingpu("--data", str(path), *args), 1)
        assert expected in message, name
        assert len(message) < 300


def test_csv_writes_values_as_they_are_and_a_spreadsheet_copy_on_request(
    bundled: dict[str, Any], write_store: Store
) -> None:
    names = [f"{start}SUM(A1)" for start in FORMULA_STARTS]
    for partner, name in zip(bundled["partners"], names, strict=False):
        partner["name"] = name
    path = write_store(bundled)
    args = ("--data", str(path), "partners", "--fields", "name", "--format", "csv")
    plain = qingpu(*args)
    assert [row[0] for row in csv.reader(io.StringIO(plain.stdout))][1:5] == names
    safe = qingpu(*args, "--excel-safe")
    assert [row[0] for row in csv.reader(io.StringIO(safe.stdout))][1:5] == [
        f"'{name}" for name in names
    ]
    assert "csv" in one_line(qingpu("partners", "--format", "tsv", "--excel-safe"), 2)


@given(
    st.text(alphabet='0123456789eE-.x "', max_size=40),
    st.sampled_from(["", "1e-400", "2E-308", "0." + "0" * 300 + "1", "shine-2021", "1e-10"]),
)
def test_a_store_is_parsed_again_exactly_when_it_may_hold_a_number_too_small(
    around: str, number: str
) -> None:
    """The quick look for a number too small for a float finds what the pattern that defines
    it finds: a digit, then an exponent of three digits; or a fraction of 300 zeros."""
    import re

    from qingpu_cli.store.reader import _may_hold_a_small_number

    text = around[:20] + number + around[20:]
    defined = re.search(r"[0-9][eE]-[0-9]{3}|\.0{300}", text) is not None
    assert _may_hold_a_small_number(text) == defined
