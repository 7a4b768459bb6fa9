"""The whole store as a SQLite database, for SQLite, sqlite-utils, datasette and pandas.

One table for each kind of record, keyed on `id`, whose columns and their types come from the
models (text, integers, reals; a list or an object is JSON text, which SQLite's JSON functions
read); an `evidence` table with a row for each citation, its foreign keys on the record and
on the source; a `records` table naming every id and its kind (the target of the evidence's
record key); a `meta` table with the schema version; a view `fact_sources` that gives each
fact with its sources' publisher and date; and the verdicts of `compare` (`statements`) and of
`audit` (`checks`), decided by the same rules as every other command.

The database is built in a temporary file beside the target and renamed into place, so a
failure leaves no half-written file, and a file that is not a SQLite database is never
overwritten unless asked.
"""

from __future__ import annotations

import json
import os
import sqlite3
import types
import typing
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any, Literal, NamedTuple, cast

import typing_extensions

from qingpu_cli.errors import QingpuError, UsageError
from qingpu_cli.render import files
from qingpu_cli.render.files import write_beside

if TYPE_CHECKING:
    from qingpu_cli.store.models import Store

SQLITE_HEADER = b"SQLite format 3\x00"


class Column(NamedTuple):
    name: str
    type: str
    """TEXT, INTEGER or REAL, as SQLite declares them."""
    json: bool
    """Held as JSON text: a list or an object."""


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
        return "REAL", False
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


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _schema(tables: Mapping[str, list[Column]]) -> Iterator[str]:
    yield "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)"
    yield "CREATE TABLE records (id TEXT PRIMARY KEY, kind TEXT NOT NULL)"
    for kind, columns in tables.items():
        body = ", ".join(f"{_quoted(c.name)} {c.type}" for c in columns if c.name != "id")
        yield (f"CREATE TABLE {_quoted(kind)} (id TEXT PRIMARY KEY REFERENCES records(id), {body})")
    yield (
        "CREATE TABLE evidence (record TEXT NOT NULL REFERENCES records(id),"
        " source TEXT NOT NULL REFERENCES sources(id), quote TEXT, kind TEXT,"
        " position INTEGER NOT NULL, PRIMARY KEY (record, position))"
    )
    yield "CREATE INDEX evidence_source ON evidence(source)"
    yield (
        "CREATE TABLE statements (fact TEXT PRIMARY KEY REFERENCES facts(id), quantity TEXT"
        " NOT NULL, low REAL, high REAL, verdict TEXT NOT NULL, gap REAL, coarse_fact TEXT"
        " REFERENCES facts(id))"
    )
    yield (
        "CREATE TABLE checks (id TEXT PRIMARY KEY, label TEXT NOT NULL, low REAL, high REAL,"
        " verdict TEXT NOT NULL, gap REAL, coarse_fact TEXT REFERENCES facts(id), note TEXT)"
    )
    yield (
        "CREATE VIEW fact_sources AS SELECT facts.id AS fact, facts.statement, facts.value,"
        " facts.unit, facts.period, sources.id AS source, sources.publisher, sources.date,"
        " sources.url FROM facts JOIN evidence ON evidence.record = facts.id"
        " JOIN sources ON sources.id = evidence.source ORDER BY facts.rowid, evidence.position"
    )


def _value(column: Column, value: Any) -> Any:
    if value is None:
        return None
    if column.json:
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, bool):
        return int(value)
    return value


def _is_sqlite(start: bytes) -> bool:
    return start.startswith(SQLITE_HEADER)


#: Files beside a database that SQLite would play into, or read over, whatever is renamed there.
SIDE_FILES = ("-journal", "-wal", "-shm")


def check_target(path: str, replace: bool) -> None:
    """Refuse to overwrite what is not a SQLite database, unless asked to; and refuse, whatever
    is asked, a database in use or with a journal beside it: a reader would play the old
    journal into the new file, or read old rows from the write-ahead log."""
    if files.is_stdout(path):
        raise UsageError("--sqlite writes a file, not standard output: name a file")
    status = files.check_replaceable(path, "--sqlite", replace, _is_sqlite, "a SQLite database")
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


def export(store: Store, path: str, replace: bool = False) -> dict[str, int]:
    """Write the store to a SQLite database at the path; how many rows each table got."""
    check_target(path, replace)
    tables = table_columns()
    counts: dict[str, int] = {}

    def write(partial: str) -> None:
        counts.update(_write(cast("Mapping[str, Any]", store), partial, tables))

    write_beside(path, ".db", write)
    return counts


def _write(
    store: Mapping[str, Any], path: str, tables: Mapping[str, list[Column]]
) -> dict[str, int]:
    counts: dict[str, int] = {}
    connection = sqlite3.connect(path)
    try:
        connection.execute("PRAGMA journal_mode = OFF")
        connection.execute("PRAGMA synchronous = OFF")
        for statement in _schema(tables):
            connection.execute(statement)
        connection.execute(
            "INSERT INTO meta VALUES ('schema_version', ?)", (str(store["schema_version"]),)
        )
        connection.executemany(
            "INSERT INTO records VALUES (?, ?)",
            ((record["id"], kind) for kind in tables for record in store.get(kind, [])),
        )
        for kind, columns in tables.items():
            names = ", ".join(_quoted(column.name) for column in columns)
            marks = ", ".join("?" for _ in columns)
            rows = store.get(kind, [])
            connection.executemany(
                f"INSERT INTO {_quoted(kind)} ({names}) VALUES ({marks})",
                (tuple(_value(c, record.get(c.name)) for c in columns) for record in rows),
            )
            counts[kind] = len(rows)
        evidence = [
            (record["id"], item["source"], item["quote"], item.get("kind"), position)
            for kind in tables
            for record in store.get(kind, [])
            for position, item in enumerate(record.get("evidence", []))
        ]
        connection.executemany("INSERT INTO evidence VALUES (?, ?, ?, ?, ?)", evidence)
        counts["evidence"] = len(evidence)
        counts.update(_write_verdicts(connection, store))
        connection.commit()
    except sqlite3.Error as error:
        raise QingpuError(f"cannot write the database: {error}") from None
    finally:
        connection.close()
    return counts


def _real(value: Any) -> float | None:
    return None if value is None else float(value)


def _write_verdicts(connection: sqlite3.Connection, store: Mapping[str, Any]) -> dict[str, int]:
    """The verdicts of `compare` and `audit`, as those commands give them."""
    from qingpu_cli.library.audit import audit
    from qingpu_cli.library.compare import compare

    typed = cast("Store", store)
    statements = [
        (
            *(row["fact"], row["quantity"], _real(row["low"]), _real(row["high"])),
            *(row["verdict"], _real(row["gap"]), (row["coarse"] or {}).get("fact")),
        )
        for row in compare(typed)
    ]
    connection.executemany("INSERT INTO statements VALUES (?, ?, ?, ?, ?, ?, ?)", statements)
    checks = [
        (
            *(row["id"], row["label"], _real(row["low"]), _real(row["high"]), row["verdict"]),
            *(_real(row["gap"]), (row["coarse"] or {}).get("fact"), row["note"]),
        )
        for row in audit(typed)
    ]
    connection.executemany("INSERT INTO checks VALUES (?, ?, ?, ?, ?, ?, ?, ?)", checks)
    return {"statements": len(statements), "checks": len(checks)}
