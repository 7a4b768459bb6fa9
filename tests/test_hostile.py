"""Hostile stores, pipes, caches and environments, through the console script: every run ends
with a documented status and a one-line message, never hangs, never trusts what it should not."""

from __future__ import annotations

import copy
import json
import os
import pty
import shlex
import stat
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from conftest import BUNDLED, run_cli

QINGPU = [sys.executable, "-m", "qingpu_cli"]
Store = Callable[[object], Path]


def qingpu(
    *args: str,
    env: dict[str, str] | None = None,
    stdin: Any = subprocess.DEVNULL,
    timeout: float = 60,
    cwd: Path | None = None,
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*QINGPU, *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        stdin=stdin,
        timeout=timeout,
        check=False,
        cwd=cwd,
    )


def shell(line: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    command = " ".join(shlex.quote(word) for word in QINGPU)
    return subprocess.run(
        ["bash", "-c", line.replace("@qingpu", command)],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=60,
        check=False,
    )


def one_line(result: subprocess.CompletedProcess[str], status: int) -> str:
    assert result.returncode == status, result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.splitlines()) == 1, result.stderr
    return result.stderr


# Endless and huge input


def test_a_character_device_is_refused_unread() -> None:
    message = one_line(qingpu("--data", "/dev/zero", "facts", timeout=10), 2)
    assert message == "qingpu: store is a device, not a file: /dev/zero\n"


def test_completion_with_an_endless_store_answers_at_once() -> None:
    for device in ("/dev/zero", "-"):
        env = {
            "_QINGPU_COMPLETE": "complete_bash",
            "COMP_WORDS": f"qingpu --data {device} show hua",
            "COMP_CWORD": "4",
        }
        result = qingpu(env=env, stdin=open("/dev/zero", "rb"), timeout=10)  # noqa: SIM115
        assert (result.returncode, result.stdout.strip(), result.stderr) == (0, "", "")


def test_completion_never_waits_on_a_fifo(tmp_path: Path) -> None:
    fifo = tmp_path / "store.fifo"
    os.mkfifo(fifo)
    env = {
        "_QINGPU_COMPLETE": "complete_bash",
        "COMP_WORDS": f"qingpu --data {fifo} show hua",
        "COMP_CWORD": "4",
    }
    result = qingpu(env=env, timeout=10)
    assert (result.returncode, result.stdout.strip()) == (0, "")


def test_a_huge_sparse_file_is_refused_by_its_size(tmp_path: Path) -> None:
    path = tmp_path / "sparse.json"
    with path.open("wb") as file:
        file.truncate(2 << 30)
    message = one_line(qingpu("--data", str(path), "facts", timeout=10), 1)
    assert "2,147,483,648 bytes" in message and "QINGPU_MAX_STORE_BYTES" in message


def test_a_pipe_longer_than_the_limit_is_refused_as_it_comes() -> None:
    result = shell(
        "head -c 5000 /dev/zero | @qingpu --data - facts", env={"QINGPU_MAX_STORE_BYTES": "1000"}
    )
    assert "over 1,000 bytes" in one_line(result, 1)


def test_the_limit_must_be_a_number_of_bytes() -> None:
    message = one_line(qingpu("facts", env={"QINGPU_MAX_STORE_BYTES": "1G"}), 2)
    assert "QINGPU_MAX_STORE_BYTES" in message


# Stores that validate must not hang or crash a command


@pytest.mark.parametrize(
    ("change", "location"),
    [
        (lambda s: s["facts"][0].update(decimals=10_000_000), "facts[0].decimals"),
        (lambda s: s["facts"][0].update(value=1e308), "facts[0].value"),
        (lambda s: s["facts"][1].update(value=10**400), "facts[1].value"),
        (lambda s: s["industries"][0]["scale"].update(magnitude=1e300), "industries[0].scale"),
    ],
    ids=["ten million decimals", "an area beyond the Earth's land", "a huge integer", "scale"],
)
def test_numbers_no_store_can_mean_are_refused_where_they_stand(
    change: Callable[[dict[str, Any]], None],
    location: str,
    bundled: dict[str, Any],
    write_store: Store,
) -> None:
    change(bundled)
    path = write_store(bundled)
    result = qingpu("--data", str(path), "ratios", "--json", timeout=20)
    assert result.returncode == 1 and result.stdout == ""
    assert location in result.stderr and "Traceback" not in result.stderr


# The validity cache


def planted_cache(tmp_path: Path, mode: int = 0o700) -> Path:
    cache = tmp_path / "cache"
    cache.mkdir(mode=mode)
    cache.chmod(mode)
    return cache


def markers(cache: Path) -> list[str]:
    return sorted(entry.name for entry in cache.iterdir())


def test_the_cache_directory_is_made_private_whatever_the_umask(tmp_path: Path) -> None:
    cache = tmp_path / "new" / "cache"
    result = shell(f"umask 000; QINGPU_CACHE_DIR={cache} @qingpu facts --json >/dev/null")
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE(cache.stat().st_mode) == 0o700
    assert [name for name in markers(cache) if name.startswith("valid-")]


def test_a_cache_others_can_write_to_is_not_used(tmp_path: Path) -> None:
    cache = planted_cache(tmp_path, 0o777)
    result = qingpu("facts", "--json", env={"QINGPU_CACHE_DIR": str(cache)})
    assert result.returncode == 0
    assert markers(cache) == [], "nothing is written to a directory others can write to"


def marker_name(store: Path) -> str:
    import hashlib

    from qingpu_cli import __version__

    return f"valid-{__version__}-{hashlib.sha256(store.read_bytes()).hexdigest()}"


def test_a_planted_link_cannot_make_the_cache_overwrite_a_file(tmp_path: Path) -> None:
    cache = planted_cache(tmp_path)
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    (cache / marker_name(BUNDLED)).symlink_to(victim)
    for pid in range(os.getpid(), os.getpid() + 50):  # the names the old cache wrote through
        (cache / f"{marker_name(BUNDLED)}.{pid}.tmp").symlink_to(victim)
    for _ in range(2):
        result = qingpu("facts", "--json", env={"QINGPU_CACHE_DIR": str(cache)})
        assert result.returncode == 0, result.stderr
    assert victim.read_text() == "precious\n"


@pytest.mark.parametrize("planted", ["fifo", "link to /dev/zero"])
def test_a_planted_marker_neither_hangs_nor_misleads_a_run(
    planted: str, tmp_path: Path, bundled: dict[str, Any], write_store: Store
) -> None:
    cache = planted_cache(tmp_path)
    bundled["facts"][0]["value"] = "not a number"
    store = write_store(bundled)
    marker = cache / marker_name(store)
    if planted == "fifo":
        os.mkfifo(marker)
    else:
        marker.symlink_to("/dev/zero")
    result = qingpu("--data", str(store), "facts", env={"QINGPU_CACHE_DIR": str(cache)}, timeout=10)
    assert result.returncode == 1 and "facts[0].value" in result.stderr


def test_a_marker_that_cannot_be_written_leaves_no_temporary_file(tmp_path: Path) -> None:
    cache = planted_cache(tmp_path)
    (cache / marker_name(BUNDLED)).mkdir()  # the rename into place fails
    result = qingpu("facts", "--json", env={"QINGPU_CACHE_DIR": str(cache)})
    assert result.returncode == 0, result.stderr
    assert markers(cache) == [marker_name(BUNDLED)], "no temporary file is left behind"


@pytest.mark.parametrize(
    ("variable", "value"), [("XDG_CACHE_HOME", "relative/cache"), ("QINGPU_CACHE_DIR", "~/qc")]
)
def test_no_cache_folder_is_made_where_the_run_started(
    variable: str, value: str, tmp_path: Path
) -> None:
    home, work = tmp_path / "home", tmp_path / "work"
    home.mkdir()
    work.mkdir()
    env = {"HOME": str(home), variable: value}
    if variable == "XDG_CACHE_HOME":
        env["QINGPU_CACHE_DIR"] = ""
    result = qingpu("facts", "--json", env=env, cwd=work)
    assert result.returncode == 0, result.stderr
    assert list(work.iterdir()) == []
    if variable == "QINGPU_CACHE_DIR":
        assert (home / "qc").is_dir()


# Exit statuses and messages


@pytest.mark.parametrize("redirect", ["2>&-", "2>/dev/full"])
def test_a_usage_error_is_status_2_even_when_stderr_cannot_be_written(redirect: str) -> None:
    for words in ("nonsense", "facts --topic bogus", "facts --fields colour"):
        assert shell(f"@qingpu {words} {redirect}").returncode == 2, words


def test_a_closed_standard_input_is_a_path_error() -> None:
    message = one_line(shell("@qingpu --data - facts <&-"), 2)
    assert "standard input" in message and "closed" in message


@pytest.mark.parametrize(
    "env",
    [
        {"COMP_WORDS": "qingpu partners --sector ", "COMP_CWORD": "abc"},
        {"COMP_CWORD": "2"},
        {"COMP_WORDS": "qingpu show hua"},
    ],
    ids=["COMP_CWORD not a number", "no COMP_WORDS", "no COMP_CWORD"],
)
def test_a_shell_that_says_nothing_usable_is_offered_nothing(env: dict[str, str]) -> None:
    result = qingpu(env={"_QINGPU_COMPLETE": "complete_bash", **env})
    assert (result.returncode, result.stdout.strip(), result.stderr) == (0, "", "")


# Search


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("\uff48\uff55\uff41\uff57\uff45\uff49", "huawei"),  # full-width, as an input method types
        ("\u83ef\u70ba", "huawei"),  # traditional characters
        ("\u4e2d\u570b\u96fb\u4fe1", "china-telecom-shanghai"),  # traditional characters
        ("QINGPU NEW CITY", "qingpu-new-city"),
    ],
)
def test_search_finds_what_a_person_types(typed: str, found: str) -> None:
    result = qingpu("search", typed, "--json")
    assert result.returncode == 0, result.stderr
    assert found in {row["id"] for row in json.loads(result.stdout)}


def test_search_finds_a_decomposed_accent_and_highlights_what_it_matched(
    bundled: dict[str, Any], write_store: Store
) -> None:
    bundled["partners"][0]["name"] = "E\u0301cole Stra\u00dfe"
    path = write_store(bundled)
    for typed in ("\u00e9cole", "strasse"):
        result = qingpu("--data", str(path), "search", typed, "--json")
        assert [row["matched"] for row in json.loads(result.stdout)] == ["name"], typed
    screen = qingpu(
        "--data", str(path), "search", "strasse", "--format", "table", env={"FORCE_COLOR": "1"}
    )
    assert "\x1b[1;7mStra\u00dfe" in screen.stdout or "\x1b[7;1mStra\u00dfe" in screen.stdout


# Formats


def test_csv_tells_a_newline_from_a_backslash_and_n(
    bundled: dict[str, Any], write_store: Store
) -> None:
    bundled["partners"][0]["name"] = "two\nlines"
    bundled["partners"][1]["name"] = "two\\nlines"
    path = write_store(bundled)
    result = qingpu("--data", str(path), "partners", "--format", "csv", "--fields", "name")
    names = result.stdout.splitlines()[1:3]
    assert names[0] != names[1]
    assert names == ["two\\nlines", "two\\\\nlines"]


def test_negative_zero_is_written_as_zero(bundled: dict[str, Any], write_store: Store) -> None:
    bundled["facts"][1]["value"] = -0.0
    path = write_store(bundled)
    result = qingpu("--data", str(path), "facts", "--fields", "value", "--format", "tsv")
    assert result.stdout.splitlines()[2] == "0.0"


@pytest.mark.parametrize(
    "args",
    [["facts", "--fields", "id,id"], ["ratios", "--chart", "--fields", "bogus"]],
    ids=["a field twice", "chart with fields"],
)
def test_options_that_cannot_all_be_honoured_are_usage_errors(args: list[str]) -> None:
    one_line(qingpu(*args), 2)


def on_a_terminal(args: list[str], env: dict[str, str]) -> str:
    """What a run prints on a pseudo-terminal."""
    leader, follower = pty.openpty()
    process = subprocess.Popen(
        [*QINGPU, *args],
        stdout=follower,
        stderr=follower,
        stdin=subprocess.DEVNULL,
        env={**os.environ, "QINGPU_PAGER": "", **env},
    )
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    process.wait(timeout=30)
    os.close(leader)
    return b"".join(chunks).decode("utf-8", "replace")


@pytest.mark.parametrize("columns", ["0", "abc"])
def test_a_columns_that_is_no_width_still_shows_the_table(columns: str) -> None:
    shown = on_a_terminal(["partners"], {"COLUMNS": columns})
    assert "Huawei" in shown


# Large listings


def test_a_table_of_very_many_rows_is_shown_a_record_a_block(
    bundled: dict[str, Any], write_store: Store
) -> None:
    template = bundled["facts"][0]
    bundled["facts"] = [
        {**copy.deepcopy(template), "id": f"fact-{number}"} for number in range(1_500)
    ]
    path = write_store(bundled)
    result = qingpu("--data", str(path), "facts", "--format", "table")
    assert result.returncode == 0
    assert "1,500 rows" in result.stderr and "--format tsv" in result.stderr
    assert "-- 1500 --" in result.stdout


def test_the_joins_are_those_of_the_naive_listing(bundled: dict[str, Any]) -> None:
    """Partners and events are joined through indexes; the answer is the scan's answer."""
    from qingpu_cli.library import listings

    for partner in listings.partners_in_sector(bundled):
        scanned = [
            a["id"]
            for a in bundled["agreements"]
            if partner["id"] in a["parties"] or partner["id"] == a["counterpart"]
        ]
        assert partner["agreements"] == scanned
    assert run_cli("partners", "--json").json() == listings.partners_in_sector(bundled)
