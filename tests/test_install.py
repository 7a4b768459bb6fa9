"""An installed copy finds its bundled store from any directory."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import BUNDLED, BUNDLED_SCHEMA_VERSION, ROOT


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "-q", "-w", str(out)],
        check=True,
        capture_output=True,
    )
    (built,) = out.glob("qingpu-*.whl")
    return built


def test_the_wheel_ships_the_store(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        assert archive.read("qingpu_cli/data/qingpu.json") == BUNDLED.read_bytes()


def test_an_installed_copy_runs_from_any_directory(wheel: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(site)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    script = (
        "import sys; sys.path.insert(0, sys.argv[1]); import qingpu_cli;"
        " assert qingpu_cli.__file__.startswith(sys.argv[1]), qingpu_cli.__file__;"
        " from qingpu_cli.cli.app import main; sys.exit(main(sys.argv[2:]))"
    )
    store = json.loads(BUNDLED.read_text(encoding="utf-8"))
    records = sum(len(value) for value in store.values() if isinstance(value, list))
    for args, expected in (
        (["validate"], f"valid: {records} records (schema version {BUNDLED_SCHEMA_VERSION})\n"),
        (["schema"], '"$defs"'),
        (["cite", "new-city-land-share"], "accounting for 13% of Qingpu's land area"),
        (["--data", str(BUNDLED), "cite", "huawei", "--style", "bibtex"], "@online{"),
        (["export", "--sqlite", "bundled.db"], ""),
        (["--data", str(BUNDLED), "export", "--sqlite", "given.db"], ""),
    ):
        result = subprocess.run(
            [sys.executable, "-c", script, str(site), *args],
            cwd=elsewhere,
            capture_output=True,
            text=True,
            env={"PATH": "/usr/bin:/bin", "QINGPU_NO_CACHE": "1"},
        )
        assert result.returncode == 0, result.stderr
        assert expected in result.stdout
    for name in ("bundled.db", "given.db"):
        assert (elsewhere / name).read_bytes().startswith(b"SQLite format 3\x00")
