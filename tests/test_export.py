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
        "NUMERIC",
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
    assert result.status == 2 and "not an earlier export" in result.stderr
    assert path.read_text() == "my notes\n"
    assert cli("export", "--sqlite", str(path), "--replace").status == 0
    assert path.read_bytes().startswith(b"SQLite format 3\x00")
    assert cli("export", "--sqlite", str(path)).status == 0, "an export is replaced as it is"


def test_another_applications_database_is_refused_unless_replaced(cli: Cli, tmp_path: Path) -> None:
    """A SQLite database this tool did not write is someone's data: only `--replace` replaces
    it, as `--help` says."""
    path = tmp_path / "precious.db"
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE bank (account)")
    connection.commit()
    connection.close()
    before = path.read_bytes()
    result = cli("export", "--sqlite", str(path))
    assert result.status == 2 and "not an earlier export" in result.stderr
    assert path.read_bytes() == before
    assert cli("export", "--sqlite", str(path), "--replace").status == 0
    tables = sqlite3.connect(path).execute("SELECT name FROM sqlite_master").fetchall()
    assert ("bank",) not in tables


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
    statements = connection.execute("SELECT fact, verdict FROM compare ORDER BY rowid")
    checks = connection.execute(
        "SELECT id, verdict, json_extract(coarse, '$.fact') FROM audit ORDER BY rowid"
    )
    compared = [(row["fact"], row["verdict"]) for row in cli("compare", "--json").json()]
    audited = [
        (row["id"], row["verdict"], (row["coarse"] or {}).get("fact"))
        for row in cli("audit", "--json").json()
    ]
    assert statements.fetchall() == compared
    assert checks.fetchall() == audited
    assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
    connection.close()


def exported(cli: Cli, tmp_path: Path, *options: str) -> Path:
    path = tmp_path / "qingpu.db"
    result = cli("export", "--sqlite", str(path), *options)
    assert result.status == 0, result.stderr
    return path


def test_fact_sources_has_a_row_for_each_fact_and_source(
    cli: Cli, tmp_path: Path, bundled: dict[str, Any]
) -> None:
    pairs = [(fact["id"], item["source"]) for fact in bundled["facts"] for item in fact["evidence"]]
    assert len(set(pairs)) < len(pairs), "a fact quotes one source twice"
    connection = sqlite3.connect(exported(cli, tmp_path))
    rows = connection.execute("SELECT fact, source FROM fact_sources").fetchall()
    assert rows == list(dict.fromkeys(pairs))


def test_counts_are_integers_and_events_carry_their_project_counts(
    cli: Cli, tmp_path: Path, bundled: dict[str, Any]
) -> None:
    connection = sqlite3.connect(exported(cli, tmp_path))
    kinds = connection.execute(
        "SELECT DISTINCT typeof(value) FROM facts WHERE unit = 'count'"
    ).fetchall()
    assert kinds == [("integer",)]
    connection.row_factory = sqlite3.Row
    fields = ("id", "projects_signed", "projects_signed_jointly", "projects_fact")
    events = [
        {field: row[field] for field in fields}
        for row in connection.execute("SELECT * FROM events ORDER BY rowid")
    ]
    listed = [{field: row[field] for field in fields} for row in cli("events", "--json").json()]
    assert events == listed
    assert any(row["projects_signed"] or row["projects_signed_jointly"] for row in events)


@pytest.mark.parametrize("listing", ["compare", "audit", "ratios"])
def test_compare_audit_and_ratios_are_tables_as_their_listings_give_them(
    cli: Cli, tmp_path: Path, listing: str
) -> None:
    from qingpu_cli.render.sqlite import listing_columns

    connection = sqlite3.connect(exported(cli, tmp_path))
    connection.row_factory = sqlite3.Row
    columns = listing_columns()[listing]
    rows = [
        {
            column.name: json.loads(row[column.name])
            if column.json and row[column.name] is not None
            else row[column.name]
            for column in columns
        }
        for row in connection.execute(f'SELECT * FROM "{listing}" ORDER BY rowid')
    ]
    assert rows == cli(listing, "--json").json()
    assert rows and all(row.get("verdict") or listing == "ratios" for row in rows)


def test_datasette_metadata_describes_every_table_and_column(
    cli: Cli, tmp_path: Path, bundled: dict[str, Any]
) -> None:
    path = exported(cli, tmp_path)
    metadata = json.loads(Path(f"{path}.metadata.json").read_text(encoding="utf-8"))
    release = bundled["release"]
    assert release["version"] in metadata["title"] and release["date"] in metadata["title"]
    assert metadata["license"] and metadata["source"] and metadata["description"]
    (database,) = metadata["databases"].values()
    connection = sqlite3.connect(path)
    names = [
        name
        for (name,) in connection.execute(
            "SELECT name FROM sqlite_master WHERE type IN ('table', 'view')"
        )
    ]
    assert sorted(database["tables"]) == sorted(names)
    for kind in RECORD_KINDS:
        table = database["tables"][kind]
        assert table["description"]
        columns = [row[1] for row in connection.execute(f'PRAGMA table_info("{kind}")')]
        assert sorted(table["columns"]) == sorted(columns), kind
        assert all(table["columns"].values())


def test_metadata_goes_where_asked_and_is_never_written_over_something_else(
    cli: Cli, tmp_path: Path
) -> None:
    chosen = tmp_path / "datasette.json"
    exported(cli, tmp_path, "--metadata", str(chosen))
    assert "databases" in json.loads(chosen.read_text(encoding="utf-8"))
    assert not (tmp_path / "qingpu.db.metadata.json").exists()
    exported(cli, tmp_path, "--metadata", str(chosen))  # an earlier one is replaced
    notes = tmp_path / "notes.json"
    others = '{"title": "mine", "databases": {"mine": {"tables": {"bank": {}}}}}\n'
    for text in ("my notes\n", others):  # another's Datasette metadata is someone's too
        notes.write_text(text)
        result = cli("export", "--sqlite", str(tmp_path / "q.db"), "--metadata", str(notes))
        assert result.status == 2 and "not an earlier export's" in result.stderr
        assert notes.read_text() == text
        assert not (tmp_path / "q.db").exists()


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def test_datasette_serves_the_database_with_its_metadata(cli: Cli, tmp_path: Path) -> None:
    import html
    import subprocess
    import sys
    import time
    import urllib.request

    path = exported(cli, tmp_path)
    metadata = Path(f"{path}.metadata.json")
    port = _free_port()
    command = [sys.executable, "-m", "datasette", "serve", str(path), "-m", str(metadata)]
    server = subprocess.Popen(
        [*command, "-h", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        served = None
        deadline = time.monotonic() + 60
        while served is None and time.monotonic() < deadline and server.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/-/metadata.json") as answer:
                    served = json.load(answer)
            except OSError:
                time.sleep(0.2)
        assert served == json.loads(metadata.read_text(encoding="utf-8")), server.poll()
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/qingpu/fact_sources") as page:
            shown = html.unescape(page.read().decode("utf-8"))
        assert served["databases"]["qingpu"]["tables"]["fact_sources"]["description"] in shown
    finally:
        server.terminate()
        server.wait(timeout=30)
        assert server.stderr is not None
        server.stderr.close()
