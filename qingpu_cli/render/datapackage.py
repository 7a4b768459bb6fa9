"""The whole store as a Frictionless Data Package: `datapackage.json` and a CSV file a resource.

A resource for each kind of record, with its Table Schema from the models (each field's type,
whether it may be null, its allowed values, its description; `id` the primary key; a field
that names one kind of record, or any record through `records`, a foreign key), and the
`evidence` and `records` the keys lead to. A list or an object is JSON text in its cell (Table
Schema's `array` and `object`), null an empty cell. The descriptor names the package, its
title, version (the data release), when it was made, its licence and every source with its
address.

The package is built in a fresh directory beside DIR and renamed into place, so a failure
leaves no half-written package, and only an empty directory or an earlier package (every entry
one of the files its descriptor names) is ever replaced.
"""

from __future__ import annotations

import contextlib
import csv
import datetime
import json
import os
import shutil
import stat
import types
import typing
from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal, cast

import typing_extensions

from qingpu_cli.errors import QingpuError, UsageError
from qingpu_cli.render import files
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


def package_files(path: str) -> set[str] | None:
    """The names of an earlier package's files, as its descriptor lists them (with the
    descriptor), or None where the directory holds no descriptor this tool wrote. The
    descriptor is read without following a link or waiting, to a bound."""
    start = files.file_start(os.path.join(path, DESCRIPTOR), files.RECOGNISED_BYTES)
    try:
        found = json.loads(start)
    except ValueError:
        return None
    if not isinstance(found, dict) or found.get("name") != NAME:
        return None
    resources = found.get("resources")
    if not isinstance(resources, list):
        return None
    names = {DESCRIPTOR}
    for resource in resources:
        named = resource.get("path") if isinstance(resource, dict) else None
        if not isinstance(named, str) or os.path.basename(named) != named or named[:1] in ".":
            return None
        names.add(named)
    return names


def check_target(path: str) -> os.stat_result | None:
    """A package's directory: a new path, an empty directory, or an earlier package whose every
    entry is one of its files (a regular file). Anything else (a link, a file, the current
    directory, a directory holding anything more) is refused, whatever `--replace` says: the
    whole directory is replaced."""
    if files.is_stdout(path):
        raise UsageError("--datapackage writes a directory, not standard output: name one")
    status = files.directory_status(path, "--datapackage")
    if status is None:
        return None
    try:
        entries = sorted(os.listdir(path))
    except OSError as error:
        raise UsageError(f"--datapackage names a directory that cannot be read: {path}") from error
    if not entries:
        return status
    known = package_files(path)
    if known is None:
        raise UsageError(
            f"{path} exists and is not a data package; only an empty directory or an earlier"
            " package is replaced"
        )
    for entry in entries:
        if entry not in known or not stat.S_ISREG(os.lstat(os.path.join(path, entry)).st_mode):
            raise UsageError(
                f"{path} holds {entry!r}, which is not one of its package's files; only an"
                " earlier package is replaced"
            )
    return status


def _earlier(previous: str | None, name: str) -> os.stat_result | None:
    """The status of the file of the earlier package that a new file replaces, if any."""
    if previous is None:
        return None
    try:
        return os.lstat(os.path.join(previous, name))
    except OSError:
        return None


def _write_files(store: Store, directory: str, previous: str | None) -> dict[str, int]:
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

        csv_name = f"{name}.csv"
        like = _earlier(previous, csv_name)
        write_beside(os.path.join(directory, csv_name), ".csv", write_csv, like)
    text = json.dumps(descriptor(store, schemas), ensure_ascii=False, indent=2) + "\n"

    def write_descriptor(partial: str) -> None:
        with open(partial, "w", encoding="utf-8") as file:
            file.write(text)

    like = _earlier(previous, DESCRIPTOR)
    write_beside(os.path.join(directory, DESCRIPTOR), ".json", write_descriptor, like)
    return counts


def export(store: Store, path: str) -> dict[str, int]:
    """Write the store as a data package to the directory at the path; how many rows each
    resource got. Built beside it (in a directory named as the safe writer names its temporary
    files) and renamed: an earlier package is swapped out whole, its files' and its own
    permission bits kept. A signal while it is built removes what was built."""
    existing = check_target(path)
    target = os.path.abspath(path)
    parent = os.path.dirname(target)
    files.remove_stale_temporaries(parent)
    with files.signals_end_the_write():
        building = files.temporary_directory(path, ".datapackage")
        old: str | None = None
        try:
            counts = _write_files(store, building, target if existing is not None else None)
            files.give_permissions(building, existing, 0o777)
            if check_target(path) is not None:  # it may have become something else meanwhile
                old = files.temporary_directory(path, ".old")
                os.replace(target, os.path.join(old, "previous"))
            os.replace(building, target)
        except BaseException as error:
            if old is not None and not os.path.lexists(target):
                with contextlib.suppress(OSError):
                    os.replace(os.path.join(old, "previous"), target)
            shutil.rmtree(building, ignore_errors=True)
            if isinstance(error, OSError):
                raise QingpuError(f"cannot write {path}: {error.strerror}") from None
            raise
        finally:
            if old is not None:
                shutil.rmtree(old, ignore_errors=True)
    return counts
