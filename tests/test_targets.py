"""What a run that writes files may write: every target (a database, its Datasette metadata, a
data package, a fact sheet) is checked against the active store (the bundled one too) and
against the others before anything is written; a package directory is replaced only where it
is an earlier package; a replaced file or directory keeps its permission bits."""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Callable
from pathlib import Path

import pytest
from test_writing import qingpu

from conftest import BUNDLED, Run
from qingpu_cli.render.datapackage import DESCRIPTOR

Cli = Callable[..., Run]


def one_line(result: Run, status: int) -> str:
    assert result.status == status, result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.splitlines()) == 1, result.stderr
    return result.stderr


def store_copy(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(BUNDLED.read_bytes())
    return path


def package(cli: Cli, path: Path) -> Path:
    """An earlier package, as this tool writes it."""
    result = cli("export", "--datapackage", str(path))
    assert result.status == 0, result.stderr
    return path


def listing(directory: Path) -> dict[str, bytes | None]:
    """Every entry under a directory with its bytes (None for a directory or a link)."""
    found: dict[str, bytes | None] = {}
    for path in sorted(directory.rglob("*")):
        plain = path.is_file() and not path.is_symlink()
        found[str(path.relative_to(directory))] = path.read_bytes() if plain else None
    return found


# The Datasette metadata follows the rules of every written file


def test_metadata_that_names_the_active_store_is_refused(cli: Cli, tmp_path: Path) -> None:
    store = store_copy(tmp_path / "mine.json")
    database = tmp_path / "b.db"
    args = ("--data", str(store), "export", "--sqlite", str(database), "--metadata", str(store))
    assert "store being read" in one_line(cli(*args, "--replace"), 2)
    assert store.read_bytes() == BUNDLED.read_bytes()
    assert not database.exists()


@pytest.mark.parametrize("given", [False, True], ids=["beside the database", "--metadata"])
@pytest.mark.parametrize("planted", ["a link to /dev/zero", "a named pipe", "a directory"])
def test_a_metadata_target_is_looked_at_before_it_is_read(
    tmp_path: Path, planted: str, given: bool
) -> None:
    """In a process of its own, with a time limit: a metadata file read before it is looked at
    would wait on the pipe, or read /dev/zero until memory runs out."""
    database = tmp_path / "x.db"
    target = tmp_path / "x.db.metadata.json"
    if planted == "a named pipe":
        os.mkfifo(target)
    elif planted == "a directory":
        target.mkdir()
    else:
        target.symlink_to("/dev/zero")
    more = ("--metadata", str(target)) if given else ()
    for replace in ((), ("--replace",)):
        result = qingpu("export", "--sqlite", str(database), *more, *replace, timeout=20)
        assert result.returncode == 2 and len(result.stderr.splitlines()) == 1, result.stderr
    assert sorted(os.listdir(tmp_path)) == ["x.db.metadata.json"], "nothing was written"
    assert target.is_symlink() == (planted == "a link to /dev/zero")


# The bundled store is the active store when no --data is given


@pytest.fixture
def bundled_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the bundled store where the package reads it from, so that a test that tries
    to write over the bundled store can only harm a copy."""
    import qingpu_cli.store.reader as reader

    package_dir = tmp_path / "site" / "qingpu_cli"
    monkeypatch.setattr(reader, "__file__", str(package_dir / "store" / "reader.py"))
    return store_copy(package_dir / "data" / "qingpu.json")


@pytest.mark.parametrize("option", ["--html", "--sqlite", "--metadata"])
def test_the_bundled_store_is_never_written_over(
    cli: Cli, bundled_file: Path, tmp_path: Path, option: str
) -> None:
    command = "report" if option == "--html" else "export"
    more = ("--sqlite", str(tmp_path / "q.db")) if option == "--metadata" else ()
    result = cli(command, *more, option, str(bundled_file), "--replace")
    assert "store being read" in one_line(result, 2)
    assert bundled_file.read_bytes() == BUNDLED.read_bytes()
    assert not (tmp_path / "q.db").exists()


# A package directory


def test_a_package_directory_that_holds_the_store_is_refused(cli: Cli, tmp_path: Path) -> None:
    mine = tmp_path / "pkg"
    store = store_copy(mine / "store.json")
    for replace in ((), ("--replace",)):
        args = ("--data", str(store), "export", "--datapackage", str(mine), *replace)
        one_line(cli(*args), 2)
    assert store.read_bytes() == BUNDLED.read_bytes()
    earlier = package(cli, tmp_path / "earlier")
    inside = store_copy(earlier / "store.json")
    one_line(cli("--data", str(inside), "export", "--datapackage", str(earlier)), 2)
    assert inside.read_bytes() == BUNDLED.read_bytes()


def test_a_store_named_as_a_package_file_is_still_the_store(cli: Cli, tmp_path: Path) -> None:
    earlier = package(cli, tmp_path / "earlier")
    named = earlier / "facts.csv"
    named.write_bytes(BUNDLED.read_bytes())
    result = cli("--data", str(named), "export", "--datapackage", str(earlier), "--replace")
    assert "store being read" in one_line(result, 2)
    assert named.read_bytes() == BUNDLED.read_bytes()


@pytest.mark.parametrize("given", [".", "..", "../.."])
def test_the_current_directory_and_those_above_it_are_never_replaced(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, given: str
) -> None:
    work = tmp_path / "a" / "b" / "sub"
    store = store_copy(work / "s.json")
    before = listing(tmp_path)
    monkeypatch.chdir(work)
    assert "current directory" in one_line(
        cli("--data", "s.json", "export", "--datapackage", given, "--replace"), 2
    )
    assert listing(tmp_path) == before and store.exists()


def test_only_an_empty_directory_or_an_earlier_package_is_replaced(
    cli: Cli, tmp_path: Path
) -> None:
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("my notes\n")
    for replace in ((), ("--replace",)):
        assert "not a data package" in one_line(
            cli("export", "--datapackage", str(mine), *replace), 2
        )
    assert (mine / "notes.txt").read_text() == "my notes\n"
    empty = tmp_path / "empty"
    empty.mkdir()
    package(cli, empty)
    earlier = package(cli, empty)
    (earlier / "notes.txt").write_text("mine\n")
    assert "notes.txt" in one_line(cli("export", "--datapackage", str(earlier), "--replace"), 2)
    (earlier / "notes.txt").unlink()
    (earlier / "facts.csv").unlink()
    (earlier / "facts.csv").mkdir()
    one_line(cli("export", "--datapackage", str(earlier), "--replace"), 2)
    assert (earlier / "facts.csv").is_dir()
    a_file = tmp_path / "file"
    a_file.write_text("x\n")
    assert "a file, not a directory" in one_line(
        cli("export", "--datapackage", str(a_file), "--replace"), 2
    )
    assert a_file.read_text() == "x\n"
    assert sorted(os.listdir(tmp_path)) == ["empty", "file", "mine"], "nothing is left beside"


def test_a_descriptor_that_names_a_path_outside_is_no_earlier_package(
    cli: Cli, tmp_path: Path
) -> None:
    earlier = package(cli, tmp_path / "earlier")
    descriptor = json.loads((earlier / DESCRIPTOR).read_text(encoding="utf-8"))
    descriptor["resources"][0]["path"] = "../elsewhere.csv"
    (earlier / DESCRIPTOR).write_text(json.dumps(descriptor), encoding="utf-8")
    assert "not a data package" in one_line(cli("export", "--datapackage", str(earlier)), 2)


@pytest.mark.parametrize("link", ["to a directory", "dangling"])
def test_a_link_is_never_replaced_by_a_package(cli: Cli, tmp_path: Path, link: str) -> None:
    real = tmp_path / "real"
    if link == "to a directory":
        package(cli, real)
    path = tmp_path / "link"
    path.symlink_to(real)
    before = listing(tmp_path)
    for replace in ((), ("--replace",)):
        assert "symbolic link" in one_line(cli("export", "--datapackage", str(path), *replace), 2)
    assert path.is_symlink() and listing(tmp_path) == before


def test_a_replaced_package_keeps_its_permission_bits(cli: Cli, tmp_path: Path) -> None:
    earlier = package(cli, tmp_path / "pkg")
    earlier.chmod(0o700)
    (earlier / "facts.csv").chmod(0o600)
    (earlier / DESCRIPTOR).chmod(0o640)
    others = {
        name: stat.S_IMODE((earlier / name).stat().st_mode)
        for name in os.listdir(earlier)
        if name not in ("facts.csv", DESCRIPTOR)
    }
    package(cli, earlier)
    assert stat.S_IMODE(earlier.stat().st_mode) == 0o700
    assert stat.S_IMODE((earlier / "facts.csv").stat().st_mode) == 0o600
    assert stat.S_IMODE((earlier / DESCRIPTOR).stat().st_mode) == 0o640
    assert {name: stat.S_IMODE((earlier / name).stat().st_mode) for name in others} == others


# Every target of one run, before anything is written


@pytest.mark.parametrize(
    "words",
    [
        "--sqlite {d}/c.db --metadata {d}/c.db",
        "--sqlite {d}/e.db --metadata /dev/null --replace",
        "--sqlite {d}/P --datapackage {d}/P",
        "--sqlite {d}/P --datapackage {d}/P --replace",
        "--sqlite {d}/pkg/x.db --datapackage {d}/pkg",
        "--sqlite {d}/q.db --metadata {d}/pkg/q.json --datapackage {d}/pkg",
        "--sqlite {d}/pkg --datapackage {d}/pkg --replace",
    ],
)
def test_the_targets_of_one_run_are_checked_together(cli: Cli, tmp_path: Path, words: str) -> None:
    package(cli, tmp_path / "pkg")
    before = listing(tmp_path)
    one_line(cli("export", *words.format(d=tmp_path).split()), 2)
    assert listing(tmp_path) == before, "nothing was written"


# Minor promises of a written file


def test_a_replaced_file_keeps_its_setuid_and_setgid_bits(cli: Cli, tmp_path: Path) -> None:
    target = tmp_path / "q.db"
    assert cli("export", "--sqlite", str(target)).status == 0
    target.chmod(0o6755)
    assert cli("export", "--sqlite", str(target)).status == 0
    assert stat.S_IMODE(target.stat().st_mode) == 0o6755


def test_the_size_limit_applies_to_the_bundled_store(cli: Cli) -> None:
    result = cli("facts", env={"QINGPU_MAX_STORE_BYTES": "100"})
    message = one_line(result, 1)
    assert "(bundled store)" in message and "too large" in message
    assert cli("facts", env={"QINGPU_MAX_STORE_BYTES": str(BUNDLED.stat().st_size)}).status == 0


@pytest.mark.parametrize("variable", ["", "QINGPU_CACHE_DIR"])
def test_no_cache_is_made_under_a_home_that_does_not_exist(
    cli: Cli, tmp_path: Path, variable: str
) -> None:
    home = tmp_path / "nonexistent"
    env = {"HOME": str(home), "XDG_CACHE_HOME": None, "QINGPU_CACHE_DIR": None}
    if variable:
        env[variable] = "~/cache"
    assert cli("facts", "--json", env=env).status == 0
    assert not home.exists()


def test_a_removed_current_directory_is_one_line(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    gone = tmp_path / "gone"
    gone.mkdir()
    monkeypatch.chdir(gone)
    gone.rmdir()
    for words in (("export", "--datapackage", "pkg"), ("report", "--html", "x.html")):
        assert "was removed" in one_line(cli(*words), 2)
    result = cli("export", "--datapackage", str(tmp_path / "pkg"))
    assert result.status == 0, result.stderr


@pytest.mark.parametrize("option", ["--sqlite", "--datapackage"])
def test_export_never_writes_to_standard_output(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, option: str
) -> None:
    """`-` is standard output for the fact sheet; export writes files and directories only, and
    says so rather than making a file or directory named `-`."""
    monkeypatch.chdir(tmp_path)
    result = cli("export", option, "-")
    assert "standard output" in one_line(result, 2)
    assert list(tmp_path.iterdir()) == []
