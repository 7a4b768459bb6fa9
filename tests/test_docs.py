"""Every command has help and a README mention, so none goes undocumented."""

from __future__ import annotations

import pytest
import typer

from conftest import ROOT
from qingpu_cli.cli.app import app
from qingpu_cli.cli.commands import LISTINGS
from qingpu_cli.errors import ExitStatus

README = (ROOT / "README.md").read_text(encoding="utf-8")
COMMANDS = sorted(
    info.name or (info.callback.__name__ if info.callback else "")
    for info in app.registered_commands
)


def test_the_app_has_its_commands() -> None:
    assert len(COMMANDS) == 22
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
