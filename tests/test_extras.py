"""The core install stands without the extras: with the MCP SDK and pandas made impossible to
import, `import qingpu_cli` and every command but `mcp` work, and `mcp` and `FactStore.frame`
each say in one line which extra to install."""

from __future__ import annotations

import json
import shlex
import shutil
import subprocess
import sys
from typing import Any

import pytest

from conftest import BUNDLED, ROOT
from qingpu_cli.cli.commands import EXAMPLES
from qingpu_cli.errors import ExitStatus, MissingExtra
from qingpu_cli.extras import import_extra

#: The top-level modules of the extras: the SDK (and its types), pandas.
BLOCKED = ("mcp", "mcp_types", "pandas")

RUNNER = """
import importlib.abc, io, json, sys
BLOCKED = set(sys.argv[1].split(","))

class Absent(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in BLOCKED:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None

sys.meta_path.insert(0, Absent())
import qingpu_cli
from qingpu_cli.cli.parser import main

results = []
for args in json.loads(sys.argv[2]):
    sys.argv = ["qingpu", *args]
    out, err = io.StringIO(), io.StringIO()
    sys.stdout, sys.stderr = out, err
    try:
        main()
        status = 0
    except SystemExit as done:
        status = done.code
    finally:
        sys.stdout, sys.stderr = sys.__stdout__, sys.__stderr__
    said = {"stdout": out.getvalue(), "stderr": err.getvalue()}
    results.append({"args": args, "status": status, **said})
try:
    qingpu_cli.open_store().frame("facts")
    frame = None
except ImportError as error:
    frame = str(error)
loaded = sorted(name for name in sys.modules if name.split(".")[0] in BLOCKED)
print(json.dumps({"results": results, "frame": frame, "loaded": loaded}))
"""


def _example_arguments() -> list[list[str]]:
    """Each command's example from the help, as arguments (the part before a pipe)."""
    return [shlex.split(example.command.split("|")[0])[1:] for example in EXAMPLES]


@pytest.fixture(scope="module")
def without_extras(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    where = tmp_path_factory.mktemp("no-extras")
    for name in ("my-store.json", "old.json", "new.json"):  # the files the examples name
        shutil.copy(BUNDLED, where / name)
    cache = tmp_path_factory.mktemp("cache")
    result = subprocess.run(
        [sys.executable, "-c", RUNNER, ",".join(BLOCKED), json.dumps(_example_arguments())],
        cwd=where,
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "QINGPU_CACHE_DIR": str(cache), "PYTHONPATH": str(ROOT)},
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    found: dict[str, Any] = json.loads(result.stdout)
    return found


def test_every_command_but_mcp_works_without_the_extras(without_extras: dict[str, Any]) -> None:
    runs = {" ".join(run["args"]): run for run in without_extras["results"]}
    assert len(runs) == len(EXAMPLES)
    for command, run in runs.items():
        if command == "mcp":
            continue
        assert run["status"] == 0, (command, run["stderr"])
        assert run["stdout"] or command.startswith(("export", "report")), command
    assert without_extras["loaded"] == []


def test_mcp_without_its_extra_says_how_to_install_it(without_extras: dict[str, Any]) -> None:
    (run,) = [run for run in without_extras["results"] if run["args"] == ["mcp"]]
    assert run["status"] == ExitStatus.USAGE and run["stdout"] == ""
    assert run["stderr"].count("\n") == 1
    assert "pip install 'qingpu[mcp]'" in run["stderr"]


def test_a_frame_without_pandas_says_how_to_install_it(without_extras: dict[str, Any]) -> None:
    said = without_extras["frame"]
    assert said is not None and "\n" not in said and "pip install 'qingpu[pandas]'" in said


def test_a_missing_extra_is_an_import_error_and_a_usage_error() -> None:
    with pytest.raises(ImportError) as raised:
        import_extra("qingpu_no_such_module", "mcp", "this")
    assert isinstance(raised.value, MissingExtra)
    assert raised.value.status == ExitStatus.USAGE and raised.value.extra == "mcp"


def test_the_extras_are_declared() -> None:
    declared = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    for extra, package in (("mcp", "mcp>=2"), ("pandas", "pandas>=2")):
        assert f'{extra} = ["{package}' in declared
