"""Every command has help and a README mention, so none goes undocumented."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import typer

from conftest import ROOT
from qingpu_cli.cli.app import app
from qingpu_cli.cli.commands import COMMANDS as DECLARED
from qingpu_cli.cli.commands import LISTINGS
from qingpu_cli.errors import ExitStatus

README = (ROOT / "README.md").read_text(encoding="utf-8")
COMMANDS = sorted(
    info.name or (info.callback.__name__ if info.callback else "")
    for info in app.registered_commands
)


def test_the_app_has_its_commands() -> None:
    assert sorted(DECLARED) == COMMANDS
    assert set(LISTINGS) <= set(COMMANDS)


@pytest.mark.parametrize("name", COMMANDS)
def test_command_has_help_and_a_readme_mention(name: str) -> None:
    command = typer.main.get_command(app)
    assert isinstance(command, typer.core.TyperGroup)
    sub = command.commands[name]
    assert sub.help and len(sub.help) > 10
    assert f"`qingpu {name}" in README


def test_readme_documents_exit_statuses_and_variables() -> None:
    for status in ExitStatus:
        assert f"| {int(status)} |" in README, status
    for text in ("QINGPU_DATA", "NO_COLOR", "FORCE_COLOR"):
        assert text in README


def _python_examples() -> list[str]:
    section = README.split("## Python", 1)[1].split("\n## ", 1)[0]
    return [block.split("```", 1)[0] for block in section.split("```python\n")[1:]]


@pytest.mark.parametrize("example", _python_examples())
def test_every_python_example_in_the_readme_runs(
    example: str, capsys: pytest.CaptureFixture[str]
) -> None:
    exec(compile(example, "README.md", "exec"), {})
    assert capsys.readouterr().out.strip()


def test_the_readme_has_python_examples() -> None:
    assert len(_python_examples()) >= 2


def test_the_map_names_every_module() -> None:
    import qingpu_cli

    package = Path(qingpu_cli.__file__).parent
    section = README.split("## Where things are", 1)[1].split("\n## ", 1)[0]
    for module in sorted(package.glob("*/*.py")):
        if module.name != "__init__.py":
            assert f"`{module.name}`" in section, module


#: Commands that only read the store: the README's examples of them can be run as they stand.
_READING = frozenset(LISTINGS) | {"show", "search", "cite", "overview", "help"}


def _readme_examples() -> list[list[str]]:
    """Every inline `qingpu COMMAND ARGS` of the README for a command that only reads, with
    no placeholder (ID, TEXT, ...) or alternatives in it."""
    import re
    import shlex

    found = []
    for span in sorted(set(re.findall(r"`(qingpu [^`]+)`", README))):
        words = shlex.split(span)[1:]
        if not words or words[0] not in _READING or (len(words) == 1 and words[0] not in LISTINGS):
            continue
        if any(word.isupper() or "|" in word or "..." in word or "[" in word for word in words):
            continue
        found.append(words)
    return found


@pytest.mark.parametrize("words", _readme_examples(), ids=" ".join)
def test_each_example_in_the_readme_runs(cli: Any, words: list[str]) -> None:
    result = cli(*words)
    assert result.status == 0, result.stderr
