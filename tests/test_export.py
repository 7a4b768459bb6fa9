"""The store as a SQLite database: read back, it is what the listings give; its keys hold; it
is written whole or not at all; it opens in sqlite3 and sqlite-utils."""

from __future__ import annotations

import copy
import json
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import sqlite_utils

from conftest import Run
from qingpu_cli.render.sqlite import export, table_columns
from qingpu_cli.store.models import RECORD_KINDS
from qingpu_cli.store.vocabulary import RECORD_FIELDS

Cli = Callable[..., Run]


def read_back(path: Path) -> dict[str, list[dict[str, Any]]]:
    """Every table's records as the store holds them: JSON columns decoded, evidence attached."""
    connection = sqlite3.connect(path)
    connection.row_factory = sqlite3.Row
    evidence: dict[str, list[dict[str, Any]]] = {}
    for row in connection.execute("SELECT * FROM evidence ORDER BY record, position"):
        item = {"source": row["source"], "quote": row["quote"]}
        if row["kind"] is not None:
            item["kind"] = row["kind"]
        evidence.setdefault(row["record"], []).append(item)
    tables: dict[str, list[dict[str, Any]]] = {}
    for kind, columns in table_columns().items():
        records = []
        for row in connection.execute(f'SELECT * FROM "{kind}" ORDER BY rowid'):
            record = {
                column.name: json.loads(row[column.name])
                if column.json and row[column.name] is not None
                else row[column.name]
                for column in columns
            }
            if "evidence" in RECORD_KINDS[kind].__annotations__:
                record["evidence"] = evidence.get(record["id"], [])
            records.append(record)
        tables[kind] = records
    connection.close()
    return tables


def own_fields(store: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    fields = RECORD_KINDS[kind].__annotations__
    return [{field: record.get(field) for field in fields} for record in store[kind]]


def assert_round_trip(store: dict[str, Any], path: Path) -> None:
    tables = read_back(path)
    for kind in RECORD_KINDS:
        assert tables[kind] == own_fields(store, kind), kind
    connection = sqlite3.connect(path)
    assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
    assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    connection.close()


def test_the_bundled_store_round_trips(cli: Cli, tmp_path: Path, bundled: dict[str, Any]) -> None:
    path = tmp_path / "qingpu.db"
    result = cli("export", "--sqlite", str(path))
    assert result.status == 0 and result.stdout == ""
    assert result.stderr.startswith(f"qingpu: wrote {path}: ")
    assert_round_trip(bundled, path)
    for kind in ("places", "agreements", "plans", "initiatives", "sources"):
        listed = cli(kind, "--json").json()
        own = [{key: row[key] for key in RECORD_FIELDS[kind]} for row in listed]
        assert read_back(path)[kind] == own, kind


def test_a_store_of_ten_thousand_facts_round_trips(tmp_path: Path, bundled: dict[str, Any]) -> None:
    template = bundled["facts"]
    store = copy.deepcopy(bundled)
    store["facts"] = [
        {**copy.deepcopy(template[n % len(template)]), "id": f"fact-{n}"} for n in range(10_000)
    ]
    path = tmp_path / "big.db"
    counts = export(store, str(path))
    assert counts["facts"] == 10_000
    assert_round_trip(store, path)


def test_columns_follow_the_models(tmp_path: Path) -> None:
    columns = {column.name: column for column in table_columns()["facts"]}
    assert (columns["value"].type, columns["decimals"].type, columns["statement"].type) == (
        "REAL",
        "INTEGER",
        "TEXT",
    )
    assert columns["aliases"].json and columns["share_of"].json
    sources = {column.name: column.type for column in table_columns()["sources"]}
    assert sources["translation"] == "INTEGER"


def test_the_view_gives_each_fact_with_its_sources(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "q.db"
    assert cli("export", "--sqlite", str(path)).status == 0
    database = sqlite_utils.Database(path)
    assert "fact_sources" in database.view_names()
    rows = list(
        database.query("select * from fact_sources where fact = 'shio-2021-04-02-planned-area'")
    )
    assert [(row["publisher"], row["date"]) for row in rows] == [
        (
            "Information Office of Shanghai Municipality (Shanghai government news site)",
            "2021-04-02",
        )
    ]
    aliases = list(
        database.query(
            "select value from partners, json_each(partners.aliases) where partners.id = 'huawei'"
        )
    )
    assert aliases == [{"value": "\u534e\u4e3a"}]


def test_a_file_that_is_not_a_database_is_refused_unless_replaced(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("my notes\n")
    result = cli("export", "--sqlite", str(path))
    assert result.status == 2 and "not a SQLite database" in result.stderr
    assert path.read_text() == "my notes\n"
    assert cli("export", "--sqlite", str(path), "--replace").status == 0
    assert path.read_bytes().startswith(b"SQLite format 3\x00")
    assert cli("export", "--sqlite", str(path)).status == 0, "a database is replaced as it is"


def test_a_failure_leaves_no_file(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_: object) -> None:
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr("qingpu_cli.render.sqlite._schema", broken)
    result = cli("export", "--sqlite", str(tmp_path / "q.db"))
    assert result.status == 1 and len(result.stderr.splitlines()) == 1
    assert list(tmp_path.iterdir()) == []


def test_an_unwritable_place_is_one_line(cli: Cli, tmp_path: Path) -> None:
    result = cli("export", "--sqlite", str(tmp_path / "missing" / "q.db"))
    assert result.status == 1 and result.stderr.startswith("qingpu: cannot write beside ")


def test_the_export_gives_the_verdicts_compare_and_audit_give(
    cli: Cli, tmp_path: Path, bundled: dict[str, Any]
) -> None:
    """One set of rules: the database's verdicts are the commands' own, row for row."""
    path = tmp_path / "qingpu.db"
    assert cli("export", "--sqlite", str(path)).status == 0
    connection = sqlite3.connect(path)
    statements = connection.execute("SELECT fact, verdict FROM statements ORDER BY rowid")
    checks = connection.execute("SELECT id, verdict, coarse_fact FROM checks ORDER BY rowid")
    compared = [(row["fact"], row["verdict"]) for row in cli("compare", "--json").json()]
    audited = [
        (row["id"], row["verdict"], (row["coarse"] or {}).get("fact"))
        for row in cli("audit", "--json").json()
    ]
    assert statements.fetchall() == compared
    assert checks.fetchall() == audited
    assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
    connection.close()
