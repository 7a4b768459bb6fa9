"""Finding and reading the active store; what a bad file says; the validation cache."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from conftest import BUNDLED, BUNDLED_SCHEMA_VERSION, Run
from qingpu_cli.errors import StoreInvalid, StorePathError, UsageError
from qingpu_cli.store.reader import (
    SMALL_STORE_BYTES,
    StoreLocation,
    StoreReader,
    locate_store,
    read_store_bytes,
    sha256_digest,
)


def test_option_wins_over_environment_which_wins_over_bundled() -> None:
    assert locate_store("a.json", {"QINGPU_DATA": "b.json"}).path == "a.json"
    assert locate_store(None, {"QINGPU_DATA": "b.json"}).path == "b.json"
    assert locate_store(None, {}).path is None
    assert locate_store(None, {"QINGPU_DATA": ""}).path is None


def test_an_empty_data_option_is_refused() -> None:
    with pytest.raises(UsageError, match="--data needs a path"):
        locate_store("", {"QINGPU_DATA": "b.json"})


def test_bundled_store_is_read_from_the_package() -> None:
    assert read_store_bytes(StoreLocation(None)) == BUNDLED.read_bytes()


def test_environment_variable_selects_the_store(
    cli: Callable[..., Run], bundled: dict[str, Any], write_store: Callable[[object], Path]
) -> None:
    removed = {record["id"] for record in [*bundled["partners"][1:], *bundled["agreements"]]}
    bundled["partners"] = bundled["partners"][:1]
    bundled["agreements"] = []
    bundled["facts"] = [
        fact for fact in bundled["facts"] if not removed & {fact["subject"], *fact["related"]}
    ]
    path = write_store(bundled)
    result = cli("partners", "--json", env={"QINGPU_DATA": str(path)})
    assert [row["id"] for row in result.json()] == ["qingpu-district-government"]
    other = cli("--data", str(BUNDLED), "partners", "--json", env={"QINGPU_DATA": str(path)})
    assert len(other.json()) == len(json.loads(BUNDLED.read_text())["partners"])


def test_missing_path(cli: Callable[..., Run], tmp_path: Path) -> None:
    result = cli("--data", str(tmp_path / "absent.json"), "facts")
    assert result.status == 2
    assert result.stderr == f"qingpu: store not found: {tmp_path / 'absent.json'}\n"
    assert result.stdout == ""


def test_directory_path(cli: Callable[..., Run], tmp_path: Path) -> None:
    result = cli("--data", str(tmp_path), "facts")
    assert result.status == 2
    assert "is a directory" in result.stderr and str(tmp_path) in result.stderr


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their permissions")
def test_unreadable_path(cli: Callable[..., Run], write_store: Callable[[object], Path]) -> None:
    path = write_store({})
    path.chmod(0)
    result = cli("--data", str(path), "facts")
    assert result.status == 2
    assert "permission denied" in result.stderr


def test_unreadable_path_even_as_root(
    monkeypatch: pytest.MonkeyPatch, write_store: Callable[[object], Path]
) -> None:
    path = write_store({})
    real_open = open

    def refuse(file: Any, *args: Any, **kwargs: Any) -> Any:
        if str(file) == str(path):
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr("builtins.open", refuse)
    with pytest.raises(StorePathError, match="permission denied"):
        read_store_bytes(StoreLocation(str(path)))


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "(file): Invalid JSON: EOF while parsing a value at line 1 column 0"),
        (b'{"schema_version": 1,\n "facts": [', "line 2 column 11"),
        (b"[1, 2]", "(file): Input should be an object"),
        (b'{"schema_version": 1} trailing', "line 1 column 23"),
        (b"\xff\xfe{}", "(file): not UTF-8: invalid byte at offset 0"),
        (b"[" * 100_000 + b"]" * 100_000, "recursion limit exceeded"),
        (b'{"schema_version": 1' + b"0" * 5000 + b"}", "number out of range"),
    ],
)
def test_malformed_files_get_a_located_message(
    cli: Callable[..., Run], write_store: Callable[[object], Path], content: bytes, expected: str
) -> None:
    path = write_store(content)
    result = cli("--data", str(path), "facts")
    assert result.status == 1
    assert result.stderr.startswith(f"qingpu: invalid store {path}: ")
    assert expected in result.stderr
    assert len(result.stderr.splitlines()) == 1, "one problem, one line"
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


def test_byte_order_mark_is_accepted(
    cli: Callable[..., Run], write_store: Callable[[object], Path]
) -> None:
    path = write_store(b"\xef\xbb\xbf" + BUNDLED.read_bytes())
    result = cli("--data", str(path), "facts", "--json")
    assert result.status == 0
    assert len(result.json()) == len(json.loads(BUNDLED.read_text())["facts"])


def test_standard_input(cli: Callable[..., Run]) -> None:
    result = cli("--data", "-", "events", "--json", input=BUNDLED.read_bytes())
    assert result.status == 0
    assert next(row["id"] for row in result.json()) == "development-and-construction-conference"


def test_fifo(cli: Callable[..., Run], tmp_path: Path) -> None:
    import threading

    fifo = tmp_path / "store.fifo"
    os.mkfifo(fifo)

    def feed() -> None:
        with fifo.open("wb") as pipe:
            pipe.write(BUNDLED.read_bytes())

    writer = threading.Thread(target=feed)
    writer.start()
    result = cli("--data", str(fifo), "sources", "--json")
    writer.join(timeout=10)
    assert result.status == 0
    assert result.json()[0]["id"] == "qingpu-new-city-signing"


def test_invalid_store_lists_every_problem(
    cli: Callable[..., Run], bundled: dict[str, Any], write_store: Callable[[object], Path]
) -> None:
    bundled["facts"][3]["value"] = "lots"
    bundled["partners"][0]["sector"] = "church"
    path = write_store(bundled)
    result = cli("--data", str(path), "facts")
    assert result.status == 1
    lines = result.stderr.splitlines()
    assert lines[0] == f"qingpu: invalid store {path}: 2 problems"
    assert lines[1].startswith("  facts[3].value: ")
    assert lines[2].startswith("  partners[0].sector: ")


# The cache: it may only ever save work, never change an answer.


def markers(cache: Path) -> list[Path]:
    return sorted(cache.glob("valid-*")) if cache.exists() else []


def test_a_validated_store_is_remembered_by_content(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first = StoreReader(StoreLocation(None)).load(cache)
    assert len(markers(cache)) == 1
    assert StoreReader(StoreLocation(None)).load(cache) == first


def test_a_changed_file_is_validated_again(
    tmp_path: Path, bundled: dict[str, Any], write_store: Callable[[object], Path]
) -> None:
    cache = tmp_path / "cache"
    path = write_store(bundled)
    StoreReader(StoreLocation(str(path))).load(cache)
    bundled["facts"][0]["value"] = -1
    path.write_text(json.dumps(bundled), encoding="utf-8")
    with pytest.raises(StoreInvalid):
        StoreReader(StoreLocation(str(path))).load(cache)


@pytest.mark.parametrize("damage", ["corrupt", "empty", "directory", "other-digest"])
def test_a_damaged_cache_falls_back_to_full_validation(
    tmp_path: Path,
    bundled: dict[str, Any],
    write_store: Callable[[object], Path],
    monkeypatch: pytest.MonkeyPatch,
    damage: str,
) -> None:
    cache = tmp_path / "cache"
    path = write_store(bundled)
    expected = StoreReader(StoreLocation(str(path))).load(cache)
    (marker,) = markers(cache)
    if damage == "corrupt":
        marker.write_bytes(b"\x00\xff garbage")
    elif damage == "empty":
        marker.write_text("")
    elif damage == "directory":
        marker.unlink()
        marker.mkdir()
    else:
        marker.write_text("0" * 64)
    calls: list[str] = []
    import qingpu_cli.store.reader as store_module

    original = store_module.validate_store_text

    def counting(text: str, where: str) -> Any:
        calls.append(where)
        return original(text, where)

    monkeypatch.setattr(store_module, "validate_store_text", counting)
    assert StoreReader(StoreLocation(str(path))).load(cache) == expected
    assert calls == [str(path)]


def test_an_unwritable_cache_still_answers(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    assert (
        StoreReader(StoreLocation(None)).load(blocker / "cache")["schema_version"]
        == BUNDLED_SCHEMA_VERSION
    )


def test_cached_and_uncached_runs_answer_the_same(cli: Callable[..., Run], tmp_path: Path) -> None:
    env = {"QINGPU_CACHE_DIR": str(tmp_path / "c")}
    cold = cli("facts", "--json", env=env)
    warm = cli("facts", "--json", env=env)
    uncached = cli("facts", "--json", env={"QINGPU_NO_CACHE": "1"})
    assert cold.stdout == warm.stdout == uncached.stdout
    assert markers(tmp_path / "c")


def console_script() -> str:
    """The installed `qingpu` beside this interpreter, else the same entry point through -m."""
    script = Path(sys.executable).with_name("qingpu")
    return shlex.quote(str(script)) if script.exists() else f"{sys.executable} -m qingpu_cli"


@pytest.mark.parametrize(
    "command",
    [
        "cat {store} | {qingpu} --data /dev/stdin events --json",
        "{qingpu} --data <(cat {store}) events --json",
        "{qingpu} --data - events --json < {store}",
        "mkfifo {tmp}/fifo; (cat {store} > {tmp}/fifo &); {qingpu} --data {tmp}/fifo events --json",
    ],
    ids=["/dev/stdin", "process substitution", "standard input", "named fifo"],
)
def test_a_store_that_can_be_read_once_is_read_once_cold_or_warm(
    command: str, tmp_path: Path, cli: Callable[..., Run]
) -> None:
    """The fast path reads such a store, finds no proof on a cold cache and hands its bytes to
    the app; on a warm cache it answers from them itself. Either way the answer is the app's."""
    expected = cli("events", "--json").stdout
    line = command.format(store=shlex.quote(str(BUNDLED)), qingpu=console_script(), tmp=tmp_path)
    env = {**os.environ, "QINGPU_CACHE_DIR": str(tmp_path / "cold-cache")}
    env.pop("QINGPU_NO_CACHE", None)
    for _ in ("cold", "warm"):
        result = subprocess.run(
            ["bash", "-c", line], capture_output=True, text=True, env=env, timeout=60, check=False
        )
        assert (result.returncode, result.stderr) == (0, "")
        assert result.stdout == expected
        (tmp_path / "fifo").unlink(missing_ok=True)
    assert list((tmp_path / "cold-cache").iterdir()), "the first run proved the store valid"


def test_a_proof_left_by_another_version_is_not_trusted(
    cli: Callable[..., Run],
    tmp_path: Path,
    bundled: dict[str, Any],
    write_store: Callable[[object], Path],
) -> None:
    """Validation grows stricter between versions: 0.1.0 took ten million decimals."""
    import hashlib

    bundled["facts"][0]["decimals"] = 10_000_000
    path = write_store(bundled)
    cache = tmp_path / "cache"
    cache.mkdir(mode=0o700)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    (cache / f"valid-0.1.0-{digest}").write_text(digest, encoding="ascii")
    result = cli("--data", str(path), "ratios", "--json", env={"QINGPU_CACHE_DIR": str(cache)})
    assert result.status == 1 and "facts[0].decimals" in result.stderr


@pytest.mark.parametrize(
    "size", [0, 1, SMALL_STORE_BYTES - 1, SMALL_STORE_BYTES, SMALL_STORE_BYTES + 1]
)
def test_a_store_is_named_by_its_sha256_whichever_module_hashes_it(size: int) -> None:
    """Small stores are hashed by the interpreter's own module, large ones by OpenSSL's: a
    proof left by one is found by the other."""
    import hashlib

    data = os.urandom(size)
    assert sha256_digest(data) == hashlib.sha256(data).hexdigest()
