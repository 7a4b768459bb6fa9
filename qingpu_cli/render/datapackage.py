"""The whole store as a Frictionless Data Package: `datapackage.json` and a CSV file a resource.

A resource for each kind of record, with its Table Schema from the models (each field's type,
whether it may be null, its allowed values, its description; `id` the primary key; a field
that names one kind of record, or any record through `records`, a foreign key), and the
`evidence` and `records` the keys lead to. A list or an object is JSON text in its cell (Table
Schema's `array` and `object`), null an empty cell. The descriptor names the package, its
title, version (the data release), when it was made, its licence and every source with its
address.

The package is built in a fresh directory beside DIR and renamed into place, so a failure
leaves no half-written package, and a directory that is not a data package is never replaced
unless asked.
"""

from __future__ import annotations

import contextlib
import csv
import datetime
import json
import os
import shutil
import tempfile
import types
import typing
from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal, cast

import typing_extensions

from qingpu_cli.errors import QingpuError, UsageError
from qingpu_cli.render.files import write_beside
from qingpu_cli.store.vocabulary import REFERENCES

if TYPE_CHECKING:
    from qingpu_cli.store.models import Store

DESCRIPTOR = "datapackage.json"
NAME = "qingpu"
#: The resources besides the kinds of record, with their fields: (name, type, description).
EVIDENCE_FIELDS = (
    ("record", "string"),
    ("source", "string"),
    ("quote", "string"),
    ("kind", "string"),
    ("position", "integer"),
)
RECORDS_FIELDS = (("id", "string"), ("kind", "string"))


def _field(name: str, annotation: Any, description: str) -> dict[str, Any]:
    """A Table Schema field for a model's field: its type, and whether it may be null."""
    nullable = False
    while True:
        origin = typing_extensions.get_origin(annotation)
        if origin is typing_extensions.NotRequired:
            nullable = True  # a store of an earlier version has no such field: an empty cell
            annotation = typing.get_args(annotation)[0]
        elif origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            options = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
            nullable = nullable or len(options) < len(typing.get_args(annotation))
            annotation = options[0]
        else:
            break
    field: dict[str, Any] = {"name": name, "description": description}
    constraints: dict[str, Any] = {}
    origin = typing_extensions.get_origin(annotation)
    if origin is Literal:
        values = list(typing.get_args(annotation))
        field["type"] = "integer" if all(isinstance(v, int) for v in values) else "string"
        constraints["enum"] = values
    elif origin is list:
        field["type"] = "array"
    elif origin is dict or typing_extensions.is_typeddict(annotation):
        field["type"] = "object"
    elif annotation is bool:
        field["type"] = "boolean"
    elif annotation is int:
        field["type"] = "integer"
    elif annotation is float:
        field["type"] = "number"
    elif name == "accessed":
        field["type"] = "date"
    else:
        field["type"] = "string"
    if not nullable and name != "id":
        constraints["required"] = True
    if constraints:
        field["constraints"] = constraints
    return field


def _foreign_keys(kind: str) -> list[dict[str, Any]]:
    """The fields of a kind that name one record each: a key on the kind they name, or on
    `records` where they may name any kind."""
    keys = []
    for (holder, field), reference in REFERENCES.items():
        if holder != kind:
            continue
        from qingpu_cli.store.models import RECORD_KINDS

        hint = typing_extensions.get_type_hints(RECORD_KINDS[kind], include_extras=True)[field]
        if "list" in str(hint):
            continue  # a list names several records: Table Schema keys name one
        targets = reference.targets
        target = targets[0] if targets and len(targets) == 1 else "records"
        keys.append(
            {
                "fields": field,
                "reference": {"resource": "" if target == kind else target, "fields": "id"},
            }
        )
    return keys


def resource_schemas() -> dict[str, dict[str, Any]]:
    """Each resource's Table Schema: the kinds of record from their models, then the evidence
    and the records it keys on."""
    from qingpu_cli.render.metadata import DERIVED_TABLES
    from qingpu_cli.store.models import RECORD_KINDS, field_descriptions

    schemas: dict[str, dict[str, Any]] = {}
    for kind, model in RECORD_KINDS.items():
        hints = typing_extensions.get_type_hints(model, include_extras=True)
        described = field_descriptions(kind)
        fields = [
            _field(name, hint, described[name])
            for name, hint in hints.items()
            if name != "evidence"
        ]
        schema: dict[str, Any] = {"fields": fields, "primaryKey": ["id"]}
        if keys := _foreign_keys(kind):
            schema["foreignKeys"] = keys
        schemas[kind] = schema
    for name, columns, key, references in (
        (
            "evidence",
            EVIDENCE_FIELDS,
            ["record", "position"],
            [
                {"fields": "record", "reference": {"resource": "records", "fields": "id"}},
                {"fields": "source", "reference": {"resource": "sources", "fields": "id"}},
            ],
        ),
        ("records", RECORDS_FIELDS, ["id"], []),
    ):
        words = DERIVED_TABLES[name][1]
        listed = [
            {"name": field, "type": kind, "description": words[field]}
            | ({"constraints": {"required": True}} if field not in ("quote", "kind") else {})
            for field, kind in columns
        ]
        schemas[name] = {"fields": listed, "primaryKey": key}
        if references:
            schemas[name]["foreignKeys"] = references
    return schemas


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return str(value) if not isinstance(value, float) else repr(value)


def _rows(store: Mapping[str, Any], name: str, fields: Sequence[str]) -> Iterator[list[str]]:
    from qingpu_cli.store.models import RECORD_KINDS

    if name == "evidence":
        for kind in RECORD_KINDS:
            for record in store.get(kind, []):
                for position, item in enumerate(record.get("evidence", [])):
                    row = (record["id"], item["source"], item["quote"], item.get("kind"), position)
                    yield [_cell(value) for value in row]
    elif name == "records":
        for kind in RECORD_KINDS:
            for record in store.get(kind, []):
                yield [record["id"], kind]
    else:
        for record in store.get(name, []):
            yield [_cell(record.get(field)) for field in fields]


def descriptor(store: Store, schemas: Mapping[str, dict[str, Any]]) -> dict[str, Any]:
    """The package's `datapackage.json`: who, what, which release, under what licence, from
    which sources, and each resource with its schema."""
    from qingpu_cli.render import metadata
    from qingpu_cli.store.models import RECORD_KINDS, kind_description

    data = cast("Mapping[str, Any]", store)
    package: dict[str, Any] = {
        "profile": "tabular-data-package",
        "name": NAME,
        "title": metadata.title(store),
        "description": metadata.description(store),
    }
    release = data.get("release")
    if release:
        package["version"] = str(release["version"])
    now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    package["created"] = now.isoformat().replace("+00:00", "Z")
    licence = metadata.project_licence()
    if licence:
        package["licenses"] = [metadata.licence_entry(licence)]
    package["sources"] = [
        {"title": source.get("title") or source.get("publisher") or source["id"]}
        | ({"path": source["url"]} if source.get("url") else {})
        for source in data.get("sources", [])
    ]
    described = {kind: kind_description(kind) for kind in RECORD_KINDS}
    described |= {name: metadata.DERIVED_TABLES[name][0] for name in ("evidence", "records")}
    package["resources"] = [
        {
            "name": name,
            "path": f"{name}.csv",
            "profile": "tabular-data-resource",
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "description": described[name],
            "schema": schema,
        }
        for name, schema in schemas.items()
    ]
    return package


def is_data_package(path: str) -> bool:
    return os.path.isfile(os.path.join(path, DESCRIPTOR))


def check_target(path: str, replace: bool) -> None:
    """Refuse a file, and a directory that holds anything but a data package unless asked."""
    if os.path.exists(path) and not os.path.isdir(path):
        raise UsageError(f"--datapackage names a file, not a directory: {path}")
    if os.path.isdir(path) and not replace and os.listdir(path) and not is_data_package(path):
        raise UsageError(f"{path} exists and is not a data package; --replace overwrites it")


def _write_files(store: Store, directory: str) -> dict[str, int]:
    schemas = resource_schemas()
    counts: dict[str, int] = {}
    for name, schema in schemas.items():
        fields = [field["name"] for field in schema["fields"]]

        def write_csv(partial: str, name: str = name, fields: list[str] = fields) -> None:
            with open(partial, "w", encoding="utf-8", newline="") as file:
                writer = csv.writer(file)
                writer.writerow(fields)
                rows = 0
                for row in _rows(cast("Mapping[str, Any]", store), name, fields):
                    writer.writerow(row)
                    rows += 1
            counts[name] = rows

        write_beside(os.path.join(directory, f"{name}.csv"), ".csv", write_csv)
    text = json.dumps(descriptor(store, schemas), ensure_ascii=False, indent=2) + "\n"

    def write_descriptor(partial: str) -> None:
        with open(partial, "w", encoding="utf-8") as file:
            file.write(text)

    write_beside(os.path.join(directory, DESCRIPTOR), ".json", write_descriptor)
    return counts


def export(store: Store, path: str, replace: bool = False) -> dict[str, int]:
    """Write the store as a data package to the directory at the path; how many rows each
    resource got. Built beside it and renamed: an existing package is swapped out whole."""
    check_target(path, replace)
    target = os.path.abspath(path)
    parent = os.path.dirname(target)
    try:
        building = tempfile.mkdtemp(prefix=".qingpu-", suffix=".datapackage", dir=parent)
    except OSError as error:
        raise QingpuError(f"cannot write beside {path}: {error.strerror}") from None
    old: str | None = None
    try:
        counts = _write_files(store, building)
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(building, 0o777 & ~mask)
        if os.path.isdir(target):
            old = tempfile.mkdtemp(prefix=".qingpu-", suffix=".old", dir=parent)
            os.replace(target, os.path.join(old, "previous"))
        os.replace(building, target)
    except OSError as error:
        if old is not None and not os.path.exists(target):
            with contextlib.suppress(OSError):
                os.replace(os.path.join(old, "previous"), target)
        shutil.rmtree(building, ignore_errors=True)
        raise QingpuError(f"cannot write {path}: {error.strerror}") from None
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise
    finally:
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    return counts
