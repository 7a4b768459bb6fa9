"""`qingpu export --datapackage DIR`: a Frictionless Data Package that frictionless validates,
whose schemas are the models' and whose CSV files hold the store; written whole or not at all."""

from __future__ import annotations

import csv
import datetime
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import typing_extensions

from conftest import Run
from qingpu_cli.store.models import RECORD_KINDS
from qingpu_cli.store.vocabulary import REFERENCES

Cli = Callable[..., Run]
FRICTIONLESS = str(Path(sys.executable).parent / "frictionless")


def exported(cli: Cli, tmp_path: Path, *options: str) -> Path:
    target = tmp_path / "package"
    result = cli("export", "--datapackage", str(target), *options)
    assert result.status == 0, result.stderr
    return target


def validate(package: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [FRICTIONLESS, "validate", str(package / "datapackage.json")],
        capture_output=True,
        text=True,
        cwd=package,
        timeout=300,
        check=False,
    )


def test_frictionless_validates_the_package(cli: Cli, tmp_path: Path) -> None:
    checked = validate(exported(cli, tmp_path))
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_frictionless_validates_a_version_1_stores_package(cli: Cli, tmp_path: Path) -> None:
    from conftest import ROOT

    store = ROOT / "tests" / "data" / "store-version-1.json"
    target = tmp_path / "package"
    assert cli("--data", str(store), "export", "--datapackage", str(target)).status == 0
    checked = validate(target)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_frictionless_checks_its_foreign_keys(cli: Cli, tmp_path: Path) -> None:
    package = exported(cli, tmp_path)
    evidence = package / "evidence.csv"
    with evidence.open(encoding="utf-8", newline="") as file:
        rows = list(csv.reader(file))
    rows[1][1] = "no-such-source"
    with evidence.open("w", encoding="utf-8", newline="") as file:
        csv.writer(file).writerows(rows)
    assert validate(package).returncode != 0


def test_the_descriptor_names_the_release_licence_sources_and_resources(
    cli: Cli, tmp_path: Path, bundled: dict[str, Any]
) -> None:
    descriptor = json.loads((exported(cli, tmp_path) / "datapackage.json").read_text("utf-8"))
    assert descriptor["name"] and descriptor["title"]
    assert descriptor["version"] == bundled["release"]["version"]
    created = datetime.datetime.fromisoformat(descriptor["created"].replace("Z", "+00:00"))
    assert abs(datetime.datetime.now(datetime.timezone.utc) - created).total_seconds() < 600
    assert descriptor["licenses"][0]["name"] and descriptor["licenses"][0]["path"]
    assert [source.get("path") for source in descriptor["sources"]] == [
        source["url"] for source in bundled["sources"]
    ]
    resources = {resource["name"]: resource for resource in descriptor["resources"]}
    assert set(RECORD_KINDS) <= set(resources)
    for kind, model in RECORD_KINDS.items():
        schema = resources[kind]["schema"]
        fields = [name for name in model.__annotations__ if name != "evidence"]
        assert [field["name"] for field in schema["fields"]] == fields
        assert all(field["description"] for field in schema["fields"])
        assert schema["primaryKey"] == ["id"]
        keyed = {key["fields"] for key in schema.get("foreignKeys", [])}
        hints = typing_extensions.get_type_hints(model)
        single = {
            field
            for (holder, field) in REFERENCES
            if holder == kind and "list" not in str(hints[field])
        }
        assert keyed == single, kind


def test_each_csv_holds_its_kinds_records(
    cli: Cli, tmp_path: Path, bundled: dict[str, Any]
) -> None:
    package = exported(cli, tmp_path)
    for kind in RECORD_KINDS:
        with (package / f"{kind}.csv").open(encoding="utf-8", newline="") as file:
            rows = list(csv.DictReader(file))
        assert [row["id"] for row in rows] == [record["id"] for record in bundled[kind]]
        for row, record in zip(rows, bundled[kind], strict=True):
            for field, cell in row.items():
                value = record.get(field)
                if isinstance(value, (list, dict)):
                    assert json.loads(cell) == value, (kind, field)
                elif isinstance(value, bool):
                    assert cell == str(value).lower()
                elif isinstance(value, (int, float)):
                    assert float(cell) == value
                else:
                    assert cell == ("" if value is None else value), (kind, field)
    with (package / "evidence.csv").open(encoding="utf-8", newline="") as file:
        citations = sum(1 for _ in csv.DictReader(file))
    assert citations == sum(
        len(record.get("evidence", [])) for kind in RECORD_KINDS for record in bundled[kind]
    )


def test_a_failure_leaves_nothing(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("qingpu_cli.render.datapackage._write_files", broken)
    result = cli("export", "--datapackage", str(tmp_path / "package"))
    assert result.status == 1 and result.stderr.splitlines() == [
        f"qingpu: cannot write {tmp_path / 'package'}: No space left on device"
    ]
    assert list(tmp_path.iterdir()) == []


def test_export_needs_a_target(cli: Cli) -> None:
    result = cli("export")
    assert result.status == 2 and "--sqlite FILE or --datapackage DIR" in result.stderr
