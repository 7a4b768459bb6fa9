"""Shared fixtures: the bundled store as data, stores written to tmp_path, and a CLI runner."""

from __future__ import annotations

import copy
import json
import os
import sys
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from qingpu_cli.cli.app import main

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = ROOT / "data" / "qingpu.json"
SOURCES = ROOT.parent / "shared" / "sources"
#: Outside CI a checkout without `../shared` beside it skips the checks against the sources'
#: lists and the held article; in CI (where `CI` is set) the folder must be there, so a missing
#: one fails instead of passing.
SOURCES_ABSENT = not SOURCES.is_dir() and not os.environ.get("CI")
needs_sources = pytest.mark.skipif(
    SOURCES_ABSENT, reason="../shared/sources is absent: the sources cannot be read"
)
GOLDEN = Path(__file__).resolve().parent / "golden"
#: The schema version the bundled store declares, as `validate` reports it.
BUNDLED_SCHEMA_VERSION = json.loads(BUNDLED.read_text(encoding="utf-8"))["schema_version"]


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden", action="store_true", help="rewrite tests/golden from the current output"
    )


@pytest.fixture(autouse=True)
def isolated_environment(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No test reads the user's cache or store, or leaves a cache behind for another test, and
    no terminal size of the shell that runs the tests changes what a table looks like."""
    monkeypatch.setenv("QINGPU_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
    names = ("QINGPU_DATA", "QINGPU_NO_CACHE", "QINGPU_DEBUG", "NO_COLOR", "FORCE_COLOR")
    for name in (*names, "COLUMNS", "LINES"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def bundled() -> dict[str, Any]:
    """A fresh copy of the bundled store's data, free to mutate."""
    return copy.deepcopy(json.loads(BUNDLED.read_text(encoding="utf-8")))


@pytest.fixture
def write_store(tmp_path: Path) -> Callable[[object], Path]:
    counter = iter(range(1_000_000))

    def write(data: object) -> Path:
        path = tmp_path / f"store-{next(counter)}.json"
        if isinstance(data, bytes):
            path.write_bytes(data)
        elif isinstance(data, str):
            path.write_text(data, encoding="utf-8")
        else:
            path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        return path

    return write


@dataclass
class Run:
    status: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        return json.loads(self.stdout)


def run_cli(
    *args: str,
    input: str | bytes | None = None,
    env: Mapping[str, str | None] | None = None,
    charset: str = "utf-8",
) -> Run:
    """Run the whole command line, error handling included, through Typer's CliRunner."""
    runner = CliRunner(charset=charset)
    with runner.isolation(input=input, env=env) as (out, err, _):
        status = main(list(args))
        sys.stdout.flush()
        sys.stderr.flush()
        return Run(status, out.getvalue().decode(charset), err.getvalue().decode(charset))


@pytest.fixture
def cli() -> Callable[..., Run]:
    return run_cli


@pytest.fixture
def golden(request: pytest.FixtureRequest) -> Iterator[Callable[[str, str], None]]:
    update = bool(request.config.getoption("--update-golden"))

    def check(name: str, text: str) -> None:
        path = GOLDEN / name
        if update:
            path.write_text(text, encoding="utf-8")
        assert path.exists(), f"no golden file {path.name}; run pytest --update-golden on purpose"
        assert text == path.read_text(encoding="utf-8"), f"output differs from {path.name}"

    yield check
