"""Output and memory that grow with the store, not with its square, through the console script:
a count shared by many events, and a screen of one value of ten megabytes. Times are measured
in `benchmarks/run.py`, never here."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

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
