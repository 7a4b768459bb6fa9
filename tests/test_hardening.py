"""Bad input, hostile data, closed pipes and odd terminals: a message, a status, no traceback."""

from __future__ import annotations

import copy
import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import BUNDLED, BUNDLED_SCHEMA_VERSION, Run, run_cli
from qingpu_cli.cli.commands import COMMANDS as DECLARED
from qingpu_cli.cli.commands import EXAMPLES, LISTINGS
from qingpu_cli.errors import StoreInvalid
from qingpu_cli.store.reader import validate_store_text

Cli = Callable[..., Run]
HOSTILE = "[bold red]loud[/bold red] [/x] \x1b[31mred\x1b[0m \u202egnp.exe\u202c \x07 \x9b2J"


def run_process(
    command: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """A real process and a real pipe: what CliRunner cannot show (closed pipes, encodings)."""
    full_env = {**os.environ, "QINGPU_NO_CACHE": "1", **(env or {})}
    return subprocess.run(
        ["bash", "-c", f"set -o pipefail; {command}"],
        capture_output=True,
        text=True,
        env=full_env,
        timeout=120,
    )


QINGPU = f"{sys.executable} -m qingpu_cli"


@pytest.fixture
def hostile_store(bundled: dict[str, Any], write_store: Callable[[object], Path]) -> Path:
    bundled["facts"][0]["statement"] = HOSTILE
    bundled["partners"][0]["name"] = HOSTILE
    bundled["partners"][0]["aliases"] = ["x" * 5000]
    return write_store(bundled)


@pytest.mark.parametrize("fmt", ["table", "tsv", "csv", "markdown"])
def test_hostile_text_prints_literally_and_visibly(cli: Cli, hostile_store: Path, fmt: str) -> None:
    result = cli("--data", str(hostile_store), "facts", "--format", fmt, env={"COLUMNS": "400"})
    assert result.status == 0
    # Markdown writes its markup characters with a backslash before them, and shows them so
    shown = result.stdout
    if fmt == "markdown":
        shown = re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", shown)
    assert "[bold red]loud[/bold red] [/x]" in shown
    assert "\x1b" not in result.stdout and "\u202e" not in result.stdout
    assert "\\x1b[31mred" in shown and "\\u202e" in shown
    assert "\x07" not in result.stdout and "\x9b" not in result.stdout


def test_hostile_text_in_colour_still_escapes_its_own_codes(cli: Cli, hostile_store: Path) -> None:
    result = cli(
        "--data",
        str(hostile_store),
        "partners",
        "--format",
        "table",
        env={"FORCE_COLOR": "1", "COLUMNS": "300"},
    )
    assert result.status == 0
    assert "\\x1b[31mred" in result.stdout
    assert "[bold red]loud" in result.stdout


def test_hostile_text_survives_json_unchanged(cli: Cli, hostile_store: Path) -> None:
    result = cli("--data", str(hostile_store), "facts", "--json")
    assert result.json()[0]["statement"] == HOSTILE
    shown = cli("--data", str(hostile_store), "show", "new-city-planned-area")
    assert shown.status == 0 and "\x1b" not in shown.stdout


def test_a_long_string_is_never_cut_in_machine_output(cli: Cli, hostile_store: Path) -> None:
    result = cli("--data", str(hostile_store), "partners", "--fields", "aliases")
    assert "x" * 5000 in result.stdout


def big_store(count: int) -> dict[str, Any]:
    store = json.loads(BUNDLED.read_text(encoding="utf-8"))
    template = store["facts"][0]
    store["facts"] = [
        {**copy.deepcopy(template), "id": f"fact-{number}"} for number in range(count)
    ]
    return store


def test_a_store_of_many_megabytes(cli: Cli, write_store: Callable[[object], Path]) -> None:
    store = big_store(20_000)
    path = write_store(store)
    assert path.stat().st_size > 5_000_000
    result = cli("--data", str(path), "validate")
    records = sum(len(value) for value in store.values() if isinstance(value, list))
    assert records > 20_000
    assert result.stdout == f"valid: {records} records (schema version {BUNDLED_SCHEMA_VERSION})\n"


def test_closed_pipe_is_quiet(write_store: Callable[[object], Path]) -> None:
    path = write_store(big_store(3_000))
    for command in (
        f"{QINGPU} --data {path} facts --json | head -c 10",
        f"{QINGPU} --data {path} search a | head -1",
    ):
        result = run_process(command)
        assert result.returncode == 0, result.stderr
        assert result.stderr == ""


OUTPUT_RUNS = ["facts --json", "partners --sector telecom", "overview", "validate", "--version"]


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full on this system")
@pytest.mark.parametrize("args", OUTPUT_RUNS)
def test_a_full_disk_is_one_line_and_status_1(args: str, tmp_path: Path) -> None:
    """Twice: the first run validates through the app, the second may take the fast path."""
    env = {"QINGPU_NO_CACHE": "", "QINGPU_CACHE_DIR": str(tmp_path)}
    for _ in range(2):
        result = run_process(f"{QINGPU} {args} > /dev/full", env)
        assert result.returncode == 1
        assert result.stderr == "qingpu: cannot write to standard output: No space left on device\n"


@pytest.mark.parametrize("args", OUTPUT_RUNS)
def test_a_closed_standard_output_is_one_line_and_status_1(args: str) -> None:
    result = run_process(f"{QINGPU} {args} >&-")
    assert result.returncode == 1
    assert result.stderr == "qingpu: standard output is closed; nothing can be written\n"


@pytest.mark.parametrize(
    "env",
    [{"PYTHONIOENCODING": "ascii"}, {"LC_ALL": "C", "LANG": "C"}],
)
def test_a_narrow_encoding_still_gives_valid_output(env: dict[str, str]) -> None:
    as_json = run_process(f"{QINGPU} search 华为 --json", env)
    assert as_json.returncode == 0, as_json.stderr
    assert "华为" in [row["text"] for row in json.loads(as_json.stdout)]
    tsv = run_process(f"{QINGPU} partners", env)
    assert tsv.returncode == 0, tsv.stderr
    overview = run_process(f"{QINGPU} overview", env)
    assert overview.returncode == 0, overview.stderr


def test_a_20_column_terminal(cli: Cli) -> None:
    for args in (("facts", "--format", "table"), ("overview",), ("ratios", "--chart")):
        result = cli(*args, env={"COLUMNS": "20"})
        assert result.status == 0, result.stderr


def test_no_terminal_at_all() -> None:
    result = run_process(f"{QINGPU} facts < /dev/null > /dev/null")
    assert result.returncode == 0 and result.stderr == ""


def test_an_internal_error_is_one_line(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_: object, **__: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setitem(LISTINGS, "industries", LISTINGS["industries"]._replace(query=broken))
    result = cli("industries")
    assert result.status == 1
    assert result.stderr == (
        "qingpu: internal error: RuntimeError: boom (set QINGPU_DEBUG=1 for the traceback)\n"
    )


def test_ctrl_c_in_the_app_is_one_line_and_status_130(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Typer turns a KeyboardInterrupt into a silent status 130; the boundary's own signal
    handler reaches past it."""
    import qingpu_cli.library.show as shown

    def interrupted(*_: object, **__: object) -> None:
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(5)  # the handler runs at the next instruction, well before this ends

    monkeypatch.setattr(shown, "describe_record", interrupted)
    result = cli("show", "huawei")
    assert (result.status, result.stderr) == (130, "qingpu: interrupted\n")


@pytest.mark.parametrize("command", ["facts --json", "validate"], ids=["fast path", "app"])
def test_ctrl_c_while_waiting_for_a_store_is_one_line_and_status_130(
    command: str, tmp_path: Path
) -> None:
    fifo = tmp_path / "never-written.fifo"
    os.mkfifo(fifo)
    process = subprocess.Popen(
        [*QINGPU.split(), "--data", str(fifo), *command.split()],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "QINGPU_NO_CACHE": "1"},
    )
    time.sleep(1.5)  # started, and blocked opening the FIFO
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=20)
    assert (process.returncode, out, err) == (130, "", "qingpu: interrupted\n")


# Properties: whatever the arguments, whatever the store.

COMMANDS = [*(example.command.split()[1] for example in EXAMPLES), "nonsense"]
WORDS = [
    "--json",
    "--format",
    "--fields",
    *{name for declared in DECLARED.values() for o in declared.every_option for name in o.names},
    "--data",
    "--help",
    "--version",
    "-f",
    "json",
    "csv",
    "tsv",
    "table",
    "ndjson",
    "markdown",
    "telecom",
    "TELECOM",
    "mining",
    "focus",
    "economy",
    "id",
    "id,name",
    "huawei",
    "new-city-gdp-share",
    "gdp-share-per-land-share",
    "",
    "华为",
    "[bold]",
    "-",
    "/nonexistent",
    "--",
    "x" * 300,
]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(command=st.sampled_from(COMMANDS), words=st.lists(st.sampled_from(WORDS), max_size=5))
def test_any_arguments_give_a_documented_status(command: str, words: list[str]) -> None:
    args = [command, *words]
    result = run_cli(*args, input="")
    assert result.status in (0, 1, 2), (args, result.stderr)
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr, args
    if result.status != 0:
        assert result.stderr.startswith("qingpu: "), (args, result.stderr)
    json_asked = "--json" in words and "--help" not in words and "--version" not in words
    if json_asked and result.status == 0 and command not in ("validate", "schema"):
        json.loads(result.stdout)


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=6,
)


@st.composite
def mutated_stores(draw: st.DrawFn) -> str:
    store = json.loads(BUNDLED.read_text(encoding="utf-8"))
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        node: Any = store
        while True:
            keys = list(node) if isinstance(node, dict) else list(range(len(node)))
            if not keys:
                break
            key = draw(st.sampled_from(keys))
            child = node[key]
            if isinstance(child, (dict, list)) and child and draw(st.booleans()):
                node = child
                continue
            action = draw(st.sampled_from(["replace", "delete", "add"]))
            if action == "replace":
                node[key] = draw(JSON_VALUES)
            elif action == "delete":
                del node[key]
            elif isinstance(node, dict):
                node[draw(st.text(min_size=1, max_size=6))] = draw(JSON_VALUES)
            else:
                node.append(draw(JSON_VALUES))
            break
    return json.dumps(store, allow_nan=True)


@settings(max_examples=200, deadline=None)
@given(text=mutated_stores())
def test_the_loader_accepts_or_refuses_with_located_messages(text: str) -> None:
    try:
        validate_store_text(text, "mutated")
    except StoreInvalid as error:
        assert error.problems
        for location, message in error.problems:
            assert isinstance(location, str) and location
            assert isinstance(message, str) and message
