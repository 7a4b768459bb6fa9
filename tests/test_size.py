"""Output and memory that grow with the store, not with its square, through the console script:
a count shared by many events, and a screen of one value of ten megabytes. Times are measured
in `benchmarks/run.py`, never here."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from qingpu_cli.library.listings import MAX_JOINT_EVENTS

QINGPU = str(Path(sys.executable).with_name("qingpu"))
EVENTS = 2_000


def qingpu(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([QINGPU, *args], capture_output=True, text=True, timeout=120, check=False)


def shared_count(bundled: dict[str, Any], tmp_path: Path) -> Path:
    """Every event of the store counted by one fact, as the article counts its two."""
    event = bundled["events"][0]
    bundled["events"] = [{**event, "id": f"event-{n}", "former_ids": []} for n in range(EVENTS)]
    for fact in bundled["facts"]:
        fact["related"] = []
    counted = next(fact for fact in bundled["facts"] if fact["unit"] == "count")
    counted["related"] = [f"event-{n}" for n in range(EVENTS)]
    path = tmp_path / "shared.json"
    path.write_text(json.dumps(bundled, ensure_ascii=False), encoding="utf-8")
    return path


def test_a_count_shared_by_many_events_is_not_repeated_in_each(
    bundled: dict[str, Any], tmp_path: Path
) -> None:
    path = shared_count(bundled, tmp_path)
    result = qingpu("--data", str(path), "events", "--json")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert len(rows) == EVENTS
    assert all(len(row["signed_jointly_with"]) == MAX_JOINT_EVENTS for row in rows)
    assert {row["signed_jointly_count"] for row in rows} == {EVENTS - 1}
    single = len(json.dumps(rows[0], ensure_ascii=False))
    assert len(result.stdout) < 2 * EVENTS * single, "each event's row is of a bounded size"


def test_the_fact_sheet_of_a_shared_count_grows_with_the_events(
    bundled: dict[str, Any], tmp_path: Path
) -> None:
    path = shared_count(bundled, tmp_path)
    sheet = qingpu("--data", str(path), "report", "--html", "-")
    assert sheet.returncode == 0, sheet.stderr
    assert f"and {EVENTS - 1 - MAX_JOINT_EVENTS} more" in sheet.stdout
    event_rows = sheet.stdout.count('<tr><td data-label="Event">') or 1
    assert len(sheet.stdout) < event_rows * 2_000


def peak_memory_mb(args: list[str]) -> tuple[int, str]:
    """The peak memory of one run of the console script, measured by a process of its own
    (so that no other run of the tests counts), and what it wrote."""
    script = (
        "import resource, subprocess, sys\n"
        f"done = subprocess.run({[QINGPU, *args]!r}, capture_output=True, text=True)\n"
        "assert done.returncode == 0, done.stderr\n"
        "sys.stdout.write(done.stdout)\n"
        "sys.stderr.write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stderr
    return int(done.stderr.strip().splitlines()[-1]), done.stdout


def test_a_screen_of_a_ten_megabyte_value_holds_it_once(
    bundled: dict[str, Any], tmp_path: Path
) -> None:
    words = "alpha beta gamma delta \u9752\u6d66 \u65b0\u57ce "
    statement = "Qingpu " + words * (10_000_000 // len(words))
    bundled["facts"][0]["statement"] = statement
    path = tmp_path / "long.json"
    path.write_text(json.dumps(bundled, ensure_ascii=False), encoding="utf-8")
    machine, _ = peak_memory_mb(["--data", str(path), "search", "gamma", "--format", "tsv"])
    screen, shown = peak_memory_mb(["--data", str(path), "search", "gamma", "--format", "table"])
    assert screen < 3 * machine, f"{screen} MB for the screen, {machine} MB for tsv"
    assert "".join(shown.split()).count("gamma") == statement.count("gamma")


def long_value_store(bundled: dict[str, Any], tmp_path: Path) -> tuple[Path, str]:
    """The bundled store with its first statement longer than a table lays out."""
    from qingpu_cli.render.table import MAX_TABLE_VALUE

    fact = bundled["facts"][0]
    fact["statement"] += " alpha 青浦 gamma" * (MAX_TABLE_VALUE // 10)
    path = tmp_path / "long-value.json"
    path.write_text(json.dumps(bundled, ensure_ascii=False), encoding="utf-8")
    return path, fact["statement"]


def test_show_writes_a_long_value_as_plain_lines_not_through_rich(
    bundled: dict[str, Any], tmp_path: Path, monkeypatch: Any
) -> None:
    import io

    from qingpu_cli.cli.app import main
    from qingpu_cli.cli.run import Streams
    from qingpu_cli.render import screens

    path, statement = long_value_store(bundled, tmp_path)

    def no_grid(*args: object, **kwargs: object) -> object:
        raise AssertionError("a long value went through Rich's grid")

    monkeypatch.setattr(screens.Table, "grid", no_grid)
    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.setenv("QINGPU_PAGER", "cat")
    out = io.StringIO()
    streams = Streams(None, out, io.StringIO(), True, False)
    args = ["--data", str(path), "show", bundled["facts"][0]["id"], "--format", "table"]
    assert main(args, streams) == 0
    assert " ".join(statement.split()) in " ".join(out.getvalue().split())
    assert max(len(line) for line in out.getvalue().splitlines()) <= 80


def test_a_listing_with_a_long_value_is_not_laid_out_as_a_table(
    bundled: dict[str, Any], tmp_path: Path, monkeypatch: Any
) -> None:
    import io

    from qingpu_cli.cli.app import main
    from qingpu_cli.cli.run import Streams
    from qingpu_cli.render import table

    path, statement = long_value_store(bundled, tmp_path)

    def no_table(*args: object, **kwargs: object) -> object:
        raise AssertionError("a long value was laid out as a table")

    monkeypatch.setattr(table, "table_lines", no_table)
    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.setenv("QINGPU_PAGER", "cat")
    for args in (["search", "gamma"], ["facts"]):
        out = io.StringIO()
        streams = Streams(None, out, io.StringIO(), True, False)
        assert main(["--data", str(path), *args, "--format", "table"], streams) == 0, args
        assert " ".join(statement.split()) in " ".join(out.getvalue().split()), args


def test_a_chart_of_many_statements_counts_those_past_its_bars(
    bundled: dict[str, Any], tmp_path: Path
) -> None:
    from qingpu_cli.render.screens import BARS_SHOWN

    template = bundled["facts"][0]
    more = BARS_SHOWN * 3
    bundled["facts"] += [
        {**template, "id": f"more-{n}", "value": 80 + n, "decimals": 0} for n in range(more)
    ]
    path = tmp_path / "many.json"
    path.write_text(json.dumps(bundled, ensure_ascii=False), encoding="utf-8")
    quantity = template["quantity"]
    statements = [fact for fact in bundled["facts"] if fact.get("quantity") == quantity]
    result = qingpu("--data", str(path), "compare", quantity, "--chart")
    assert result.returncode == 0, result.stderr
    said = f"{len(statements) - BARS_SHOWN:,} more: qingpu compare {quantity}"
    assert said in result.stdout
    assert result.stdout.count("no period [") <= BARS_SHOWN


#: Characters of one and two cells and white space of one: what the quick wrap takes.
QUICK_ALPHABET = "ab c-.é\u2014青浦\uff21\u00a0"
#: And what it leaves to the exact wrap: no cells, white space of two cells and of none, a
#: joiner, a character past the first plane.
EXACT_ALPHABET = "\u3000\t\n\u0301\u200d\ufe0f\U0001f600"


@given(
    st.text(alphabet=QUICK_ALPHABET, max_size=80)
    | st.text(alphabet=QUICK_ALPHABET + EXACT_ALPHABET, max_size=80),
    st.integers(min_value=1, max_value=14),
)
def test_text_is_wrapped_quickly_as_it_is_character_by_character(text: str, room: int) -> None:
    """The quick wrap (lines found by the regular expression engine) gives the lines the
    exact one gives, which measures every character."""
    from qingpu_cli.render.blocks import _wrapped_any, wrapped

    assert wrapped(text, room) == _wrapped_any(text, room)


def test_the_quick_wrap_measures_every_character_as_rich_does() -> None:
    """Every character of the first plane that the quick wrap takes is of the width rich gives
    it: two cells if the quick wrap's class of two cells holds it, else one."""
    from rich.cells import get_character_cell_size

    from qingpu_cli.render.blocks import _cell_classes

    classes = _cell_classes()
    assert classes is not None, "the quick wrap found no width table in this rich"
    two, exact = classes
    taken = [chr(code) for code in range(0x10000) if not exact.match(chr(code))]
    assert len(taken) > 0xF000
    wrong = [
        char for char in taken if get_character_cell_size(char) != (2 if two.match(char) else 1)
    ]
    assert not wrong, [hex(ord(char)) for char in wrong[:10]]
    assert all(exact.match(chr(code)) for code in (0x10000, 0x1F600, 0x10FFFF))
