"""Files the console script writes: only a new path or a regular file is ever written, nothing
beside it is left stale, and a signal or a kill leaves no temporary file for long."""

from __future__ import annotations

import os
import signal
import sqlite3
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import BUNDLED

QINGPU = str(Path(sys.executable).with_name("qingpu"))

#: Each command that writes a file, as the option that names it.
WRITERS = {"export": "--sqlite", "report": "--html"}


def qingpu(
    *args: str, cwd: Path | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [QINGPU, *args],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=timeout,
        check=False,
        cwd=cwd,
    )


def one_line(result: subprocess.CompletedProcess[str], status: int) -> str:
    assert result.returncode == status, result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.splitlines()) == 1, result.stderr
    return result.stderr


def write(command: str, target: str | Path, *more: str) -> subprocess.CompletedProcess[str]:
    return qingpu(command, WRITERS[command], str(target), *more, timeout=20)


@pytest.fixture
def null_device(tmp_path: Path) -> Path:
    """A character device of its own, made where writing over it harms nothing else."""
    path = tmp_path / "null"
    try:
        os.mknod(path, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    except PermissionError:
        pytest.skip("making a device node needs root, as CI runs")
    return path


@pytest.mark.parametrize("command", WRITERS)
def test_a_device_is_never_replaced(command: str, null_device: Path) -> None:
    message = one_line(write(command, null_device), 2)
    assert "device" in message
    assert stat.S_ISCHR(null_device.lstat().st_mode)


@pytest.mark.parametrize("command", WRITERS)
def test_a_named_pipe_is_never_replaced_nor_waited_on(command: str, tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    assert "named pipe" in one_line(write(command, fifo), 2)
    assert stat.S_ISFIFO(fifo.lstat().st_mode)


@pytest.mark.parametrize("command", WRITERS)
def test_a_symbolic_link_is_never_replaced(command: str, tmp_path: Path) -> None:
    kept = tmp_path / "kept.txt"
    kept.write_text("kept\n")
    link = tmp_path / "link"
    link.symlink_to(kept)
    assert "symbolic link" in one_line(write(command, link, "--replace"), 2)
    assert link.is_symlink() and kept.read_text() == "kept\n"


@pytest.mark.parametrize("command", WRITERS)
def test_a_directory_is_a_usage_error(command: str, tmp_path: Path) -> None:
    assert "directory" in one_line(write(command, tmp_path), 2)


@pytest.mark.parametrize("target", ["-", "/dev/stdout"])
def test_the_fact_sheet_goes_to_standard_output(target: str) -> None:
    result = write("report", target)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("<!DOCTYPE html>")
    assert Path("/dev/stdout").is_symlink() or not Path("/dev/stdout").is_file()


@pytest.mark.parametrize("target", ["-", "/dev/stdout"])
def test_a_database_is_not_written_to_standard_output(target: str) -> None:
    result = write("export", target)
    assert "standard output" in one_line(result, 2)
    assert result.stdout == ""


def test_the_fact_sheet_replaces_only_an_earlier_fact_sheet(tmp_path: Path) -> None:
    notes = tmp_path / "notes.html"
    notes.write_text("<p>my notes</p>\n")
    assert "--replace" in one_line(write("report", notes), 2)
    assert notes.read_text() == "<p>my notes</p>\n"
    sheet = tmp_path / "sheet.html"
    for _ in range(2):
        assert write("report", sheet).returncode == 0
    assert write("report", notes, "--replace").returncode == 0
    assert notes.read_text().startswith("<!DOCTYPE html>")


@pytest.mark.parametrize("command", WRITERS)
def test_the_active_store_is_never_written_over(command: str, tmp_path: Path) -> None:
    store = tmp_path / "mine.json"
    store.write_bytes(BUNDLED.read_bytes())
    args = ("--data", str(store), command, WRITERS[command], str(store), "--replace")
    assert "store being read" in one_line(qingpu(*args), 2)
    assert store.read_bytes() == BUNDLED.read_bytes()


@pytest.mark.parametrize("command", WRITERS)
@pytest.mark.parametrize("how", ["--data -", "QINGPU_DATA=-"])
def test_a_store_redirected_to_standard_input_is_never_written_over(
    command: str, how: str, tmp_path: Path
) -> None:
    store = tmp_path / "mine.json"
    store.write_bytes(BUNDLED.read_bytes())
    given = ["--data", "-"] if how == "--data -" else []
    env = {**os.environ, "QINGPU_DATA": "-"} if how != "--data -" else None
    with store.open("rb") as stdin:
        result = subprocess.run(
            [QINGPU, *given, command, WRITERS[command], str(store), "--replace"],
            stdin=stdin,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
            env=env,
        )
    assert "store being read" in one_line(result, 2)
    assert store.read_bytes() == BUNDLED.read_bytes()


@pytest.mark.parametrize("command", WRITERS)
def test_a_replaced_file_keeps_its_permission_bits(command: str, tmp_path: Path) -> None:
    target = tmp_path / "private"
    assert write(command, target).returncode == 0
    target.chmod(0o600)
    assert write(command, target).returncode == 0
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def database(path: Path) -> Path:
    result = write("export", path)
    assert result.returncode == 0, result.stderr
    return path


@pytest.mark.parametrize("side", ["-journal", "-wal", "-shm"])
def test_a_database_with_a_journal_beside_it_is_refused(side: str, tmp_path: Path) -> None:
    target = database(tmp_path / "q.db")
    before = target.read_bytes()
    Path(f"{target}{side}").write_bytes(b"old journal")
    assert side in one_line(write("export", target), 1)
    assert target.read_bytes() == before


@pytest.mark.parametrize("hold", ["open", "in a transaction", "in WAL mode"])
def test_a_database_another_process_holds_is_refused(hold: str, tmp_path: Path) -> None:
    target = database(tmp_path / "q.db")
    statements = {
        "open": "",
        "in a transaction": "c.execute('BEGIN IMMEDIATE')",
        "in WAL mode": "c.execute('PRAGMA journal_mode=WAL')",
    }[hold]
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sqlite3, sys\n"
            f"c = sqlite3.connect({str(target)!r}, isolation_level=None)\n"
            f"c.execute('select count(*) from facts').fetchall()\n{statements}\n"
            "print('ready', flush=True)\nsys.stdin.readline()\n",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "ready\n"
        one_line(write("export", target), 1)
    finally:
        holder.communicate("\n", timeout=10)
    database(target)
    with sqlite3.connect(target) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)


@pytest.fixture(scope="module")
def large_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store large enough that its export is still writing when a signal comes."""
    import json

    count = 60_000
    store = json.loads(BUNDLED.read_text(encoding="utf-8"))
    templates = store["facts"]
    store["facts"] = [
        {**templates[number % len(templates)], "id": f"fact-{number}"} for number in range(count)
    ]
    path = tmp_path_factory.mktemp("large") / "large.json"
    path.write_text(json.dumps(store, ensure_ascii=False), encoding="utf-8")
    return path


def temporaries(directory: Path) -> list[str]:
    return sorted(entry.name for entry in directory.iterdir() if entry.name.startswith("."))


#: What each kind of export writes into the directory `out`.
EXPORTS = {"database": ("--sqlite", "q.db"), "package": ("--datapackage", "pkg")}


def start_export(store: Path, out: Path, kind: str = "database") -> subprocess.Popen[str]:
    """An export of a large store, returned once its temporary file has appeared."""
    option, name = EXPORTS[kind]
    process = subprocess.Popen(
        [QINGPU, "--data", str(store), "export", option, str(out / name)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while not temporaries(out) and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    assert temporaries(out), "the export wrote its temporary file"
    return process


def _signal(name: str) -> int:
    if name.startswith("SIGRTMIN+"):
        return int(signal.SIGRTMIN) + int(name.removeprefix("SIGRTMIN+"))
    return int(getattr(signal, name))


#: Signals sent to a real export: the usual two, and ones a first version let through (a
#: profiler's, a CPU limit's, a real-time one with no name of its own).
SENT = ["SIGTERM", "SIGHUP", "SIGPROF", "SIGXCPU", "SIGRTMIN+3"]


@pytest.mark.parametrize("kind", EXPORTS)
@pytest.mark.parametrize("name", SENT)
def test_a_signal_during_an_export_removes_its_temporary_file(
    name: str, kind: str, tmp_path: Path, large_store: Path
) -> None:
    if not hasattr(signal, name.split("+")[0]):
        pytest.skip(f"{name} is not a signal here")
    out = tmp_path / "out"
    out.mkdir()
    process = start_export(large_store, out, kind)
    process.send_signal(_signal(name))
    _, stderr = process.communicate(timeout=30)
    assert process.returncode == 128 + _signal(name), stderr
    assert len(stderr.splitlines()) == 1 and name in stderr
    assert list(out.iterdir()) == []


def test_every_signal_that_ends_a_run_is_caught_while_a_file_is_written() -> None:
    """Each signal whose default would end the process, sent while a file is written, becomes
    the one line and status that remove the temporary file: none is left to its default."""
    from qingpu_cli.errors import Terminated
    from qingpu_cli.render.files import ENDING_SIGNALS, signals_end_the_write

    assert {_signal(name) for name in SENT} <= set(ENDING_SIGNALS)
    left_to_default = [n for n in ENDING_SIGNALS if signal.getsignal(n) is signal.SIG_DFL]
    assert len(left_to_default) > len(SENT)
    for number in left_to_default:
        with pytest.raises(Terminated) as ended, signals_end_the_write():
            os.kill(os.getpid(), number)
            time.sleep(0.01)  # the handler runs at the next bytecode
        assert ended.value.signum == number


def test_a_signal_the_caller_ignores_stays_ignored(tmp_path: Path, large_store: Path) -> None:
    """`trap '' PROF` (as `nohup` does for SIGHUP): the export goes on to its end."""
    out = tmp_path / "out"
    out.mkdir()
    option, name = EXPORTS["database"]
    process = subprocess.Popen(
        [QINGPU, "--data", str(large_store), "export", option, str(out / name)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=lambda: signal.signal(signal.SIGPROF, signal.SIG_IGN),
    )
    deadline = time.monotonic() + 60
    while not temporaries(out) and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    process.send_signal(signal.SIGPROF)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 0, stderr
    assert (out / name).exists() and temporaries(out) == []


def test_a_handler_installed_before_the_run_is_left_in_place(tmp_path: Path) -> None:
    """faulthandler's own handler of SIGABRT: the write neither takes it over nor fails when
    it gives it back (a first version ended in an internal error)."""
    result = subprocess.run(
        [QINGPU, "export", "--sqlite", str(tmp_path / "q.db")],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={**os.environ, "PYTHONFAULTHANDLER": "1"},
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "q.db.metadata.json").exists()


@pytest.mark.parametrize("kind", EXPORTS)
def test_a_temporary_file_left_by_a_kill_is_removed_by_the_next_run(
    kind: str, tmp_path: Path, large_store: Path
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    process = start_export(large_store, out, kind)
    process.kill()
    process.wait(timeout=30)
    assert temporaries(out), "a kill leaves it"
    assert write("report", out / "sheet.html").returncode == 0
    assert temporaries(out) == []
    assert qingpu("export", "--datapackage", str(out / "pkg")).returncode == 0
    assert temporaries(out) == []
