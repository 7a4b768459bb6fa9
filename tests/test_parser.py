"""The quick parser answers as the app does, byte for byte, and imports nothing heavy."""

from __future__ import annotations

import gc
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import BUNDLED, Run, run_cli
from qingpu_cli.cli import parser as fast
from qingpu_cli.cli.parser import answer, complete
from qingpu_cli.cli.run import Streams, run
from qingpu_cli.errors import StoreInvalid
from qingpu_cli.store.reader import StoreLocation, StoreReader, cache_directory

AGREED = [
    ["facts", "--json"],
    ["facts"],
    ["facts", "--topic", "ECONOMY", "--format", "csv"],
    ["facts", "--subject", "development-action-plan-2025", "--search", "Huawei", "-f", "ndjson"],
    ["facts", "--fields", "id,value", "--json"],
    ["facts", "--format", "table"],
    ["partners", "--sector", "telecom", "--json"],
    ["partners", "--sector", "Finance", "--format", "markdown"],
    ["industries", "--role", "focus", "--format", "json"],
    ["events", "--format", "tsv"],
    ["sources", "--json", "--format", "json"],
    ["facts", "--search", "no such text", "--json"],
    ["facts", "--sort", "-value", "--limit", "3", "--json"],
    ["facts", "--no-header", "-f", "csv", "--sort", "id"],
    ["--color", "never", "partners", "--format", "table"],
    ["--color", "always", "--data", str(BUNDLED), "places", "--format", "table"],
    ["agreements", "--limit", "0"],
    ["facts", "--source", "ghzyj-2021-04-01", "--json"],
    ["facts", "--kind", "TARGET", "--period", "2035", "--format", "csv"],
    ["ratios", "--source", "ghzyj-2021-04-01", "--json"],
    ["ratios"],
    ["audit", "--json"],
    ["overview"],
    ["overview", "--json"],
    ["overview", "-f", "JSON"],
    ["--color", "always", "overview", "--format", "table"],
    ["search", "huawei", "--json"],
    ["search", "华为"],
    ["compare", "new-city-planned-area", "--json"],
    ["compare", "--format=csv"],
    ["show", "huawei", "--json"],
    ["show", "gdp-share-per-land-share", "-f", "tsv"],
    ["cite", "new-city-gdp-share", "--style", "BIBTEX"],
    ["cite", "new-city-gdp-share"],
    ["ratios", "--chart"],
    ["validate"],
    ["schema"],
    [f"--data={BUNDLED}", "validate"],
]


def streams_of(out: io.StringIO, stdin: bytes | None = None, terminal: bool = False) -> Streams:
    return Streams(
        None if stdin is None else io.BytesIO(stdin), out, io.StringIO(), terminal, False
    )


@pytest.fixture
def proven() -> None:
    """The bundled store proven valid in this test's cache, as after any earlier run."""
    StoreReader(StoreLocation(None)).load(cache_directory())


@pytest.mark.parametrize("args", AGREED)
def test_fast_answer_is_the_apps_answer(proven: None, args: list[str]) -> None:
    out = io.StringIO()
    assert answer(args, streams_of(out)) == 0
    reference = run_cli(*args)
    assert reference.status == 0
    assert out.getvalue() == reference.stdout


def test_a_store_on_standard_input_is_answered_from_its_bytes(proven: None) -> None:
    out = io.StringIO()
    args = ["--data", "-", "partners", "--json"]
    assert answer(args, streams_of(out, stdin=BUNDLED.read_bytes())) == 0
    assert out.getvalue() == run_cli(*args, input=BUNDLED.read_bytes()).stdout


@pytest.mark.parametrize(
    "args",
    [
        ["facts", "--help"],
        ["facts", "--search", ""],
        ["facts", "--subject", " "],
        ["partners", "--sector", "mining"],
        ["partners", "--sector"],
        ["facts", "--topic", "land", "--topic", "plan"],
        ["facts", "--limit", "²"],
        ["overview", "--format", "csv"],
        ["overview", "--fields", "id"],
        ["show"],
        ["show", "huawei", "extra"],
        ["--version"],
        ["--install-completion"],
        [],
    ],
)
def test_what_it_cannot_read_plainly_goes_to_the_app(proven: None, args: list[str]) -> None:
    assert answer(args, streams_of(io.StringIO())) is None


@pytest.mark.parametrize(
    "args",
    [
        ["facts", "--fields", "colour"],
        ["facts", "--fields", ","],
        ["--data", "", "facts", "--json"],
        ["facts", "--json", "--format", "csv"],
        ["overview", "--json", "--format", "table"],
        ["audit", "--strict"],
        ["show", "no-such-record"],
        ["export"],
    ],
)
def test_an_error_it_reads_is_the_apps_error(proven: None, args: list[str]) -> None:
    quick = run_quick(args)
    by_app = run_cli(*args)
    assert (quick.status, quick.stdout, quick.stderr) == (
        by_app.status,
        by_app.stdout,
        by_app.stderr,
    )
    assert by_app.status in (1, 2) and by_app.stderr.startswith("qingpu: ")


def run_quick(args: list[str]) -> Run:
    """A run through the run boundary with the quick parser alone (no app to hand over to)."""
    out, err = io.StringIO(), io.StringIO()
    streams = Streams(None, out, err, False, False)

    def body(given: Streams) -> int:
        status = answer(args, given)
        assert status is not None, f"the quick parser hands {args} to the app"
        return status

    status = run(body, streams)
    return Run(status, out.getvalue(), err.getvalue())


def test_a_store_not_yet_proven_is_validated_and_proven_here(tmp_path: Path) -> None:
    out = io.StringIO()
    assert answer(["facts", "--json"], streams_of(out)) == 0
    assert out.getvalue() == run_cli("facts", "--json").stdout
    assert StoreReader(StoreLocation(None)).proven(cache_directory()) is not None


def test_a_changed_store_is_validated_again(proven: None, tmp_path: Path) -> None:
    path = tmp_path / "store.json"
    path.write_bytes(BUNDLED.read_bytes())
    StoreReader(StoreLocation(str(path))).load(cache_directory())
    assert answer(["--data", str(path), "events", "--json"], streams_of(io.StringIO())) == 0
    path.write_text("{}")
    with pytest.raises(StoreInvalid) as raised:
        answer(["--data", str(path), "events", "--json"], streams_of(io.StringIO()))
    reported = run_cli("--data", str(path), "events").stderr
    assert reported.startswith(f"qingpu: {raised.value.message}\n")


@pytest.mark.parametrize(
    "words",
    ["qingpu partners --sector t", "qingpu industries --role ", "qingpu facts --format n"],
)
def test_fast_completion_is_the_apps_completion(words: str) -> None:
    cword = str(len(words.split()) - (0 if words.endswith(" ") else 1))
    env = {"_QINGPU_COMPLETE": "complete_bash", "COMP_WORDS": words, "COMP_CWORD": cword}
    out = io.StringIO()
    assert complete(env, out) == 0
    assert out.getvalue().split() == run_cli(env=env).stdout.split()
    assert out.getvalue()


def test_completion_of_ids_goes_to_the_app() -> None:
    env = {"_QINGPU_COMPLETE": "complete_bash", "COMP_WORDS": "qingpu show hua", "COMP_CWORD": "2"}
    assert complete(env, io.StringIO()) is None


HEAVY = ("pydantic", "rich", "typer", "click")


def imported_modules(args: list[str], cache: Path, **extra_env: str) -> tuple[set[str], str]:
    """Every module a run of `python -m qingpu_cli` imports, and what it printed."""
    env = {**os.environ, "QINGPU_CACHE_DIR": str(cache), **extra_env}
    env.pop("QINGPU_NO_CACHE", None)
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "qingpu_cli", *args],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    modules = {
        line.split("|")[-1].strip()
        for line in result.stderr.splitlines()
        if line.startswith("import time:")
    }
    return modules, result.stdout


def test_a_json_run_on_a_proven_store_imports_nothing_heavy(tmp_path: Path) -> None:
    first, _ = imported_modules(["facts", "--json"], tmp_path)
    assert "pydantic" in first, "the first run validates the store"
    for args in (["facts", "--json"], ["partners", "--sector", "telecom", "--json"], ["events"]):
        modules, _ = imported_modules(args, tmp_path)
        assert not {m for m in modules if m.split(".")[0] in HEAVY}, args
        assert not modules & {"qingpu_cli.library.cite", "qingpu_cli.render.sqlite", "sqlite3"}, (
            args
        )
        assert not modules & {"qingpu_cli.render.report", "jinja2"}, args
    for args in (
        ["show", "huawei", "--json"],
        ["search", "huawei", "--json"],
        ["compare", "--json"],
        ["audit", "--json"],
        ["ratios", "--json"],
        ["overview", "--json"],
    ):
        modules, _ = imported_modules(args, tmp_path)
        assert not {m for m in modules if m.split(".")[0] in HEAVY}, args
        assert not modules & {"qingpu_cli.render.sqlite", "sqlite3", "jinja2"}, args
    cited, _ = imported_modules(["cite", "new-city-gdp-share"], tmp_path)
    assert not {m for m in cited if m.split(".")[0] in HEAVY}


def test_a_record_is_shown_found_and_cited_without_the_slow_modules(tmp_path: Path) -> None:
    """On the bundled store, proven valid: no OpenSSL for its digest, no fractions to name the
    ratios and checks, no csv for JSON, no shutil for the size of a terminal; `compare` on a
    screen that fits, no Rich."""
    imported_modules(["facts", "--json"], tmp_path)  # the store proven valid
    slow = {"hashlib", "_hashlib", "fractions", "csv", "shutil"}
    for args in (
        ["show", "huawei", "--json"],
        ["search", "huawei", "--json"],
        ["cite", "new-city-gdp-share"],
    ):
        modules, _ = imported_modules(args, tmp_path)
        assert not modules & slow, args
    shown, _ = imported_modules(
        ["compare", "--format", "table"], tmp_path, COLUMNS="80", TERM="xterm"
    )
    assert not shown & {"rich.console", "rich.table", "shutil", "hashlib"}


def test_completion_imports_neither_the_app_nor_the_store_machinery(tmp_path: Path) -> None:
    modules, printed = imported_modules(
        [],
        tmp_path,
        _QINGPU_COMPLETE="complete_bash",
        COMP_WORDS="qingpu partners --sector ",
        COMP_CWORD="3",
    )
    assert printed.split() == ["telecom", "finance", "education", "technology", "government"]
    assert "qingpu_cli.cli.parser" in modules
    assert not {m for m in modules if m.split(".")[0] in HEAVY}
    assert not modules & {"qingpu_cli.store.reader", "qingpu_cli.render", "hashlib", "json", "csv"}


def test_an_interrupt_on_the_fast_path_is_one_line_and_status_130(
    proven: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def interrupted(*_: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("qingpu_cli.store.reader.StoreReader.load", interrupted)
    monkeypatch.setattr(sys, "argv", ["qingpu", "facts", "--json"])
    try:
        with pytest.raises(SystemExit) as done:
            fast.main()
    finally:
        gc.enable()  # the console script turns the collector off for its short run
    assert done.value.code == 130
    assert capsys.readouterr().err == "qingpu: interrupted\n"


def test_the_chinese_conversion_is_loaded_only_for_a_chinese_search(tmp_path: Path) -> None:
    plain, printed = imported_modules(["search", "huawei", "--json"], tmp_path)
    assert "huawei" in printed and "opencc" not in plain
    chinese, printed = imported_modules(["search", "\u83ef\u70ba", "--json"], tmp_path)
    assert "huawei" in printed and "opencc" in chinese
