"""The whole store as a SQLite database, for SQLite, sqlite-utils, datasette and pandas.

One table for each kind of record, keyed on `id`, whose columns and their types come from the
models (text, integers, numbers; a list or an object is JSON text, which SQLite's JSON functions
read); events with the project counts the `events` listing gives; an `evidence` table with a
row for each citation, its foreign keys on the record and on the source; a `records` table
naming every id and its kind (the target of the evidence's record key); `compare`, `audit` and
`ratios` as their listings give them, with their verdicts, gaps and intervals (decided by the
same rules as every other command); a `meta` table with
the schema version and the data release; and a view `fact_sources` with a row for each fact and
each of its sources. Beside it, Datasette's metadata (`datasette_metadata`): titles,
descriptions of every table and column, the source and the licence, all from the models and
the store.

The database is built in a temporary file beside the target and renamed into place, so a
failure leaves no half-written file, and a file that is not an earlier export (marked by its
application id) is never overwritten unless asked.
"""

from __future__ import annotations

import json
import os
import sqlite3
import types
import typing
from collections.abc import Iterator, Mapping, Sequence
from fractions import Fraction
from typing import TYPE_CHECKING, Any, Literal, NamedTuple, cast

import typing_extensions

from qingpu_cli.errors import QingpuError, UsageError
from qingpu_cli.render import files
from qingpu_cli.render.files import write_beside

if TYPE_CHECKING:
    from qingpu_cli.store.models import Store

SQLITE_HEADER = b"SQLite format 3\x00"
#: What marks a database as this tool's export, in the header field SQLite keeps for it
#: (`PRAGMA application_id`, four bytes at offset 68): "QGPU". An export replaces an earlier
#: export without `--replace`, never another application's database.
APPLICATION_ID = b"QGPU"
_APPLICATION_ID_AT = 68
_APPLICATION_ID_END = _APPLICATION_ID_AT + len(APPLICATION_ID)


class Column(NamedTuple):
    name: str
    type: str
    """TEXT, INTEGER, REAL or NUMERIC, as SQLite declares them."""
    json: bool
    """Held as JSON text: a list or an object."""
    references: str | None = None
    """The table whose id it names, as a foreign key."""


def _sqlite_type(annotation: Any) -> tuple[str, bool]:
    """The column type of a model's field: its type, under Annotated, NotRequired and None."""
    origin = typing_extensions.get_origin(annotation)
    if origin in (typing.Annotated, typing_extensions.NotRequired):
        return _sqlite_type(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        options = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
        return _sqlite_type(options[0])
    if origin is Literal:
        values = typing.get_args(annotation)
        return ("INTEGER", False) if all(isinstance(v, int) for v in values) else ("TEXT", False)
    if origin in (list, dict) or typing_extensions.is_typeddict(annotation):
        return "TEXT", True
    if annotation is bool or annotation is int:
        return "INTEGER", False
    if annotation is float:
        return "NUMERIC", False  # a JSON number keeps its kind: a count stays an integer
    return "TEXT", False


def table_columns() -> dict[str, list[Column]]:
    """Each kind's columns, from its model: every field but the evidence (a table of its own)."""
    from qingpu_cli.store.models import RECORD_KINDS

    tables: dict[str, list[Column]] = {}
    for kind, model in RECORD_KINDS.items():
        hints = typing_extensions.get_type_hints(model, include_extras=True)
        columns = []
        for name, hint in hints.items():
            if name == "evidence":
                continue
            kind_of, is_json = _sqlite_type(hint)
            columns.append(Column(name, kind_of, is_json))
        tables[kind] = columns
    return tables


#: Columns a kind's table adds to its model's, from its listing: an event's project counts.
DERIVED_COLUMNS: dict[str, list[Column]] = {
    "events": [
        Column("projects_signed", "INTEGER", False),
        Column("projects_signed_jointly", "INTEGER", False),
        Column("projects_fact", "TEXT", False, "facts"),
        Column("signed_jointly_with", "TEXT", True),
    ],
}
#: The derived listings kept as tables: each row's key, and the columns that name records.
LISTING_TABLES: dict[str, tuple[str, dict[str, str]]] = {
    "compare": ("fact", {"fact": "facts", "source": "sources"}),
    "audit": ("id", {}),
    "ratios": ("id", {}),
}
_JSON_FIELDS = ("inputs", "against", "coarse", "signed_jointly_with")
_REAL_FIELDS = ("low", "high", "gap")


def listing_columns() -> dict[str, list[Column]]:
    """The columns of `compare`, `audit` and `ratios`: the fields their listings declare, the
    intervals as reals, the inputs as JSON."""
    from qingpu_cli.cli.commands import LISTINGS

    tables: dict[str, list[Column]] = {}
    for name, (_, references) in LISTING_TABLES.items():
        tables[name] = [
            Column(
                field,
                "REAL"
                if field in _REAL_FIELDS or (field == "value" and name == "ratios")
                else "NUMERIC"
                if field == "value"
                else "TEXT",
                field in _JSON_FIELDS,
                references.get(field),
            )
            for field in LISTINGS[name].fields
        ]
    return tables


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _declared(column: Column) -> str:
    target = f" REFERENCES {_quoted(column.references)}(id)" if column.references else ""
    return f"{_quoted(column.name)} {column.type}{target}"


def _schema(tables: Mapping[str, list[Column]]) -> Iterator[str]:
    yield "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)"
    yield "CREATE TABLE records (id TEXT PRIMARY KEY, kind TEXT NOT NULL)"
    for kind, columns in tables.items():
        every = [*columns, *DERIVED_COLUMNS.get(kind, [])]
        body = ", ".join(_declared(c) for c in every if c.name != "id")
        yield (f"CREATE TABLE {_quoted(kind)} (id TEXT PRIMARY KEY REFERENCES records(id), {body})")
    for name, columns in listing_columns().items():
        key = LISTING_TABLES[name][0]
        body = ", ".join(_declared(c) + (" PRIMARY KEY" if c.name == key else "") for c in columns)
        yield f"CREATE TABLE {_quoted(name)} ({body})"
    yield (
        "CREATE TABLE evidence (record TEXT NOT NULL REFERENCES records(id),"
        " source TEXT NOT NULL REFERENCES sources(id), quote TEXT, kind TEXT,"
        " position INTEGER NOT NULL, PRIMARY KEY (record, position))"
    )
    yield "CREATE INDEX evidence_source ON evidence(source)"
    yield (
        "CREATE VIEW fact_sources AS SELECT facts.id AS fact, facts.statement, facts.value,"
        " facts.unit, facts.period, sources.id AS source, sources.publisher, sources.date,"
        " sources.url, sources.accessed, sources.licence FROM facts"
        " JOIN (SELECT record, source, MIN(position) AS position FROM evidence"
        " GROUP BY record, source) AS cited ON cited.record = facts.id"
        " JOIN sources ON sources.id = cited.source ORDER BY facts.rowid, cited.position"
    )


def _value(column: Column, value: Any) -> Any:
    if value is None:
        return None
    if column.json:
        return json.dumps(value, ensure_ascii=False, default=float)
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, Fraction):
        return float(value)
    return value


def _is_sqlite(start: bytes) -> bool:
    return start.startswith(SQLITE_HEADER)


def _is_export(start: bytes) -> bool:
    return _is_sqlite(start) and start[_APPLICATION_ID_AT:_APPLICATION_ID_END] == APPLICATION_ID


#: Files beside a database that SQLite would play into, or read over, whatever is renamed there.
SIDE_FILES = ("-journal", "-wal", "-shm")


def check_target(path: str, replace: bool) -> None:
    """Refuse to overwrite what is not an earlier export, unless asked to; and refuse, whatever
    is asked, a database in use or with a journal beside it: a reader would play the old
    journal into the new file, or read old rows from the write-ahead log."""
    if files.is_stdout(path):
        raise UsageError("--sqlite writes a file, not standard output: name a file")
    status = files.check_replaceable(
        path, "--sqlite", replace, _is_export, "an earlier export", _APPLICATION_ID_END
    )
    beside = [path + side for side in SIDE_FILES if os.path.lexists(path + side)]
    if beside:
        raise QingpuError(
            f"{path} has {', '.join(os.path.basename(b) for b in beside)} beside it (a database"
            " in use or not closed cleanly); close it or remove those files first"
        )
    if status is not None and _is_sqlite(files.file_start(path, len(SQLITE_HEADER))):
        if files.opened_elsewhere(path):
            raise QingpuError(f"{path} is open in another process; close it first")
        _refuse_if_locked(path)


def _refuse_if_locked(path: str) -> None:
    """A database another process holds a lock on (a transaction, a reader) is in use."""
    try:
        connection = sqlite3.connect(path, timeout=0, isolation_level=None)
    except sqlite3.Error:
        return
    try:
        connection.execute("BEGIN EXCLUSIVE")
        connection.execute("ROLLBACK")
    except sqlite3.OperationalError as error:
        if "locked" in str(error) or "busy" in str(error):
            raise QingpuError(f"{path} is in use by another process; close it first") from None
    except sqlite3.Error:
        pass
    finally:
        connection.close()


METADATA_SUFFIX = ".metadata.json"


#: The tables whose description marks Datasette metadata as an earlier export's.
_EXPORTED_TABLES = ("facts", "evidence")


def _is_metadata(start: bytes) -> bool:
    """Datasette metadata of an earlier export: a database described with this tool's tables,
    not any file with `databases` in it."""
    try:
        found = json.loads(start)
    except ValueError:
        return False
    databases = found.get("databases") if isinstance(found, dict) else None
    return isinstance(databases, dict) and any(
        isinstance(about, dict)
        and isinstance(about.get("tables"), dict)
        and all(table in about["tables"] for table in _EXPORTED_TABLES)
        for about in databases.values()
    )


def metadata_target(path: str, metadata: str | None) -> str:
    """Where Datasette's metadata goes: `--metadata`, else beside the database."""
    return metadata or path + METADATA_SUFFIX


def check_metadata_target(path: str, replace: bool) -> None:
    """Refuse what is not a regular file or a new path, and what is not an earlier export's
    Datasette metadata unless asked to: looked at before it is read, and read whole (to a
    bound) without following a link or waiting."""
    if files.is_stdout(path):
        raise UsageError("--metadata writes a file, not standard output: name a file")
    files.check_replaceable(
        path,
        "--metadata",
        replace,
        _is_metadata,
        "an earlier export's Datasette metadata",
        files.RECOGNISED_BYTES,
    )


def export(
    store: Store, path: str, replace: bool = False, metadata: str | None = None
) -> dict[str, int]:
    """Write the store to a SQLite database at the path, and Datasette's metadata beside it
    (at `metadata`, or the path with `.metadata.json`); how many rows each table got. Each file
    is written whole or not at all, the database first."""
    from qingpu_cli.render.metadata import datasette_metadata

    described = metadata_target(path, metadata)
    check_target(path, replace)
    check_metadata_target(described, replace)
    tables = table_columns()
    counts: dict[str, int] = {}

    def write(partial: str) -> None:
        counts.update(_write(cast("Mapping[str, Any]", store), partial, tables))

    write_beside(path, ".db", write)
    database = os.path.splitext(os.path.basename(path))[0]
    text = json.dumps(datasette_metadata(store, database), ensure_ascii=False, indent=2) + "\n"

    def write_metadata(partial: str) -> None:
        with open(partial, "w", encoding="utf-8") as file:
            file.write(text)

    write_beside(described, ".json", write_metadata)
    return counts


def _listing_rows(name: str, store: Store) -> Sequence[Mapping[str, Any]]:
    from qingpu_cli.cli.commands import LISTINGS

    return LISTINGS[name].query(store)


def _insert(
    connection: sqlite3.Connection,
    table: str,
    columns: Sequence[Column],
    rows: Sequence[Mapping[str, Any]],
) -> None:
    names = ", ".join(_quoted(column.name) for column in columns)
    marks = ", ".join("?" for _ in columns)
    connection.executemany(
        f"INSERT INTO {_quoted(table)} ({names}) VALUES ({marks})",
        (tuple(_value(c, row.get(c.name)) for c in columns) for row in rows),
    )


def _write(
    store: Mapping[str, Any], path: str, tables: Mapping[str, list[Column]]
) -> dict[str, int]:
    counts: dict[str, int] = {}
    connection = sqlite3.connect(path)
    try:
        connection.execute("PRAGMA journal_mode = OFF")
        connection.execute("PRAGMA synchronous = OFF")
        connection.execute(f"PRAGMA application_id = {int.from_bytes(APPLICATION_ID, 'big')}")
        for statement in _schema(tables):
            connection.execute(statement)
        release = store.get("release") or {}
        meta = {
            "schema_version": str(store["schema_version"]),
            "release_version": release.get("version"),
            "release_date": release.get("date"),
        }
        connection.executemany("INSERT INTO meta VALUES (?, ?)", meta.items())
        connection.executemany(
            "INSERT INTO records VALUES (?, ?)",
            ((record["id"], kind) for kind in tables for record in store.get(kind, [])),
        )
        for kind, columns in tables.items():
            rows: Sequence[Mapping[str, Any]] = store.get(kind, [])
            if kind in DERIVED_COLUMNS:
                rows = _listing_rows(kind, cast("Store", store))
            _insert(connection, kind, [*columns, *DERIVED_COLUMNS.get(kind, [])], rows)
            counts[kind] = len(rows)
        for name, columns in listing_columns().items():
            rows = _listing_rows(name, cast("Store", store))
            _insert(connection, name, columns, rows)
            counts[name] = len(rows)
        evidence = [
            (record["id"], item["source"], item["quote"], item.get("kind"), position)
            for kind in tables
            for record in store.get(kind, [])
            for position, item in enumerate(record.get("evidence", []))
        ]
        connection.executemany("INSERT INTO evidence VALUES (?, ?, ?, ?, ?)", evidence)
        counts["evidence"] = len(evidence)
        connection.commit()
    except sqlite3.Error as error:
        raise QingpuError(f"cannot write the database: {error}") from None
    finally:
        connection.close()
    return counts
