"""The one safe writer of files: a database, a fact sheet, whatever a command writes to a path.

A command's target is written only where that changes nothing but the target's own directory
entry: a new path, or a regular file (a device, a FIFO, a socket, a directory or a symbolic
link is refused, since writing "to" them would replace or feed something else); a directory
that is replaced whole (a data package) is a new path or a real directory, never a link, the
current directory or one that holds it. Every target of a run is checked, against the active
store and against the others, before anything is written. `-` and `/dev/stdout` mean standard
output, for the commands that can write there. A file is made whole beside its target, made
durable, given the target's permission bits and renamed over it in one step; a signal during
the write removes it, and one left by a run that was killed is recognised by its name (the
writing process's id) and removed by the next run beside it.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import stat
import tempfile
from collections.abc import Callable, Iterator, Sequence
from types import FrameType
from typing import NamedTuple

from qingpu_cli.errors import QingpuError, Terminated, UsageError
from qingpu_cli.store.reader import STDIN

#: The names that mean standard output.
STDOUT_TARGETS = ("-", "/dev/stdout")
#: A temporary file's name: hidden, with the id of the process that writes it.
TEMPORARY_PREFIX = ".qingpu-"
_TEMPORARY = re.compile(r"^\.qingpu-(\d+)-[A-Za-z0-9_]+\.[a-z]+$")
#: The signals that do not end a run, or that a handler cannot act on: those that cannot be
#: caught, those whose default is to be ignored, to stop or to continue, the ones Python takes
#: over itself (an interrupt is KeyboardInterrupt, a closed pipe and a file too large are
#: errors of the write), and the faults of the process's own code, after which no handler
#: can run.
_NOT_ENDING = frozenset(
    getattr(signal, name)
    for name in (
        *("SIGKILL", "SIGSTOP", "SIGCHLD", "SIGCONT", "SIGURG", "SIGWINCH"),
        *("SIGTSTP", "SIGTTIN", "SIGTTOU", "SIGINT", "SIGPIPE", "SIGXFSZ"),
        *("SIGSEGV", "SIGBUS", "SIGFPE", "SIGILL"),
    )
    if hasattr(signal, name)
)
#: Every other signal ends a run (the real-time ones included): while a file is written, each
#: is caught, removes the temporary file and exits with one line.
ENDING_SIGNALS: tuple[int, ...] = tuple(sorted(set(signal.valid_signals()) - _NOT_ENDING))


def is_stdout(target: str) -> bool:
    return target in STDOUT_TARGETS


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _entry_status(target: str, named: str) -> os.stat_result | None:
    """The status of the target's own entry (a link itself, never what it points to), None for
    a new path; a path that cannot be looked at is a usage error."""
    try:
        return os.lstat(target)
    except FileNotFoundError:
        return None
    except NotADirectoryError:
        raise UsageError(f"{named} a path through a file, not a directory: {target}") from None
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise UsageError(f"{named} a path that cannot be used: {target}: {reason}") from None


def target_status(target: str, option: str = "") -> os.stat_result | None:
    """The target's status if it is a regular file, None if it is a new path; anything else is
    a usage error naming the option and what the target is. The link itself is looked at,
    never what it points to."""
    named = f"{option} names" if option else "the target is"
    if not target.strip():
        raise UsageError(f"{option or 'the target'} needs a file name")
    status = _entry_status(target, named)
    if status is None or stat.S_ISREG(status.st_mode):
        return status
    raise UsageError(f"{named} {_kind(status.st_mode)}, not a regular file: {target}")


def directory_status(target: str, option: str) -> os.stat_result | None:
    """The status of a directory to replace whole if it is a real one, None if it is a new
    path; a link (even to a directory, even dangling), a file, a device, the current directory
    or a directory that holds it is a usage error naming the option and the path."""
    if not target.strip():
        raise UsageError(f"{option} needs a directory name")
    status = _entry_status(target, f"{option} names")
    if status is None:
        return None
    if not stat.S_ISDIR(status.st_mode):
        kind = "a file" if stat.S_ISREG(status.st_mode) else _kind(status.st_mode)
        raise UsageError(f"{option} names {kind}, not a directory: {target}")
    try:
        here = os.path.realpath(os.getcwd())
    except OSError:  # the current directory was removed: nothing can hold it
        return status
    if _place(target) == here or _inside(here, _place(target)):
        raise UsageError(f"{option} names the current directory or one that holds it: {target}")
    return status


#: A file to recognise by its whole content (JSON) is read to at most this many bytes.
RECOGNISED_BYTES = 16 << 20


def file_start(target: str, size: int) -> bytes:
    """The first bytes of a regular file, read without waiting and without following a link."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        descriptor = os.open(target, flags)
    except OSError:
        return b""
    try:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            return b""
        return os.read(descriptor, size)
    except OSError:
        return b""
    finally:
        os.close(descriptor)


def check_replaceable(
    target: str,
    option: str,
    replace: bool,
    recognised: Callable[[bytes], bool],
    what: str,
    size: int = 4096,
) -> os.stat_result | None:
    """A target that may be written: a new path, an empty file, a file this command wrote
    before (`recognised` by its first `size` bytes), or any regular file with `--replace`. The
    file is looked at before it is read, and read without following a link or waiting."""
    status = target_status(target, option)
    if status is None or replace or status.st_size == 0:
        return status
    if not recognised(file_start(target, size)):
        raise UsageError(f"{target} exists and is not {what}; --replace overwrites it")
    return status


class Planned(NamedTuple):
    """A path one run will write, the option that names it, and whether it is a directory that
    is replaced whole (everything inside it goes)."""

    path: str
    option: str
    directory: bool = False


def _place(path: str) -> str:
    """Where a path's own entry is, with the links of the directories above it followed: two
    names of one entry give one place, whether or not it exists yet."""
    absolute = os.path.abspath(path)
    return os.path.join(os.path.realpath(os.path.dirname(absolute)), os.path.basename(absolute))


def _inside(inner: str, outer: str) -> bool:
    return inner.startswith(outer.rstrip(os.sep) + os.sep)


def _same(first: str, second: str) -> bool:
    if _place(first) == _place(second):
        return True
    try:
        return os.path.samefile(first, second)
    except OSError:
        return False


def _is_standard_input(path: str) -> bool:
    """Whether the path is the file standard input reads (`--data - < mine.json`)."""
    try:
        given, named = os.fstat(0), os.stat(path)
    except (OSError, ValueError):
        return False
    return stat.S_ISREG(given.st_mode) and (given.st_dev, given.st_ino) == (
        named.st_dev,
        named.st_ino,
    )


def _standard_input_path() -> str | None:
    """The path of the regular file redirected to standard input, where the system says
    (Linux's /proc): a directory that holds it is not to be replaced either."""
    try:
        if not stat.S_ISREG(os.fstat(0).st_mode):
            return None
        path = os.readlink("/proc/self/fd/0")
    except (OSError, ValueError):
        return None
    return path if os.path.isabs(path) and _is_standard_input(path) else None


def refuse_store(target: Planned, store_path: str | None) -> None:
    """Never write over the store being read (the bundled one too), whatever the options, nor
    replace a directory that holds it."""
    if store_path is None or is_stdout(target.path):
        return
    if store_path == STDIN:  # the store is standard input: a file redirected to it is the store
        if _is_standard_input(target.path):
            raise UsageError(
                f"{target.option} names the store being read (standard input): {target.path}"
            )
        store_path = _standard_input_path()
        if store_path is None:
            return
    if _same(target.path, store_path):
        raise UsageError(f"{target.option} names the store being read: {target.path}")
    if target.directory and any(
        _inside(held, _place(target.path))
        for held in (_place(store_path), os.path.realpath(store_path))
    ):
        raise UsageError(
            f"{target.option} names a directory that holds the store being read: {target.path}"
        )


def check_together(targets: Sequence[Planned], store_path: str | None) -> None:
    """What every target of one run must be before anything is written: none is the active
    store or holds it, no two name the same entry, and none is inside a directory that another
    replaces whole."""
    for target in targets:
        if not os.path.isabs(target.path) and not is_stdout(target.path):
            try:
                os.getcwd()
            except OSError:
                raise UsageError(
                    f"{target.option} names a path in the current directory, which was removed:"
                    f" {target.path}"
                ) from None
        refuse_store(target, store_path)
    for number, first in enumerate(targets):
        for second in targets[number + 1 :]:
            if _same(first.path, second.path):
                raise UsageError(
                    f"{first.option} and {second.option} name the same path: {second.path}"
                )
            for outer, inner in ((first, second), (second, first)):
                if outer.directory and _inside(_place(inner.path), _place(outer.path)):
                    raise UsageError(
                        f"{inner.option} names a path inside the {outer.option} directory,"
                        f" which is replaced whole: {inner.path}"
                    )


def opened_elsewhere(path: str) -> bool:
    """Whether another process holds this file open, as far as `/proc` shows (Linux; where it
    cannot be read, a lock is the only sign)."""
    try:
        wanted = os.stat(path)
        processes = [name for name in os.listdir("/proc") if name.isdecimal()]
    except OSError:
        return False
    own = str(os.getpid())
    for pid in processes:
        if pid == own:
            continue
        try:
            descriptors = os.listdir(f"/proc/{pid}/fd")
        except OSError:
            continue
        for descriptor in descriptors:
            with contextlib.suppress(OSError):
                found = os.stat(f"/proc/{pid}/fd/{descriptor}")
                if (found.st_dev, found.st_ino) == (wanted.st_dev, wanted.st_ino):
                    return True
    return False


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


#: The suffixes of the temporary directories a package is built in and set aside in.
TEMPORARY_DIRECTORIES = (".datapackage", ".old")


def remove_stale_temporaries(directory: str) -> None:
    """Remove the temporary files that runs which were killed left here: this user's regular
    files (and the directories a package is built or set aside in) named as this module names
    them, by a process that is no longer running."""
    try:
        entries = list(os.scandir(directory))
    except OSError:
        return
    for entry in entries:
        found = _TEMPORARY.match(entry.name)
        if found is None or int(found.group(1)) == os.getpid():
            continue
        with contextlib.suppress(OSError):
            status = entry.stat(follow_symlinks=False)
            folder = stat.S_ISDIR(status.st_mode) and entry.name.endswith(TEMPORARY_DIRECTORIES)
            if not (stat.S_ISREG(status.st_mode) or folder) or status.st_uid != os.geteuid():
                continue
            if not _process_alive(int(found.group(1))):
                if folder:
                    shutil.rmtree(entry.path)
                else:
                    os.unlink(entry.path)


def _raise_terminated(signum: int, _frame: FrameType | None) -> None:
    raise Terminated(signum)


@contextlib.contextmanager
def signals_end_the_write() -> Iterator[None]:
    """Every catchable signal that would end the run (left to its default) raises Terminated
    instead, so that the temporary file is removed on the way out and the run ends with one
    line."""
    previous: dict[int, object] = {}
    try:
        for number in ENDING_SIGNALS:
            # only a signal left to its default: one the caller ignores (`nohup`, `trap ''`)
            # or handles (a profiler's SIGPROF, faulthandler's SIGABRT) stays theirs
            if signal.getsignal(number) is signal.SIG_DFL:
                previous[number] = signal.signal(number, _raise_terminated)
    except ValueError:  # not the main thread: signals are not delivered here
        pass
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)  # type: ignore[arg-type]


def _durable(path: str) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _sync_directory(directory: str) -> None:
    with contextlib.suppress(OSError):
        descriptor = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


def give_permissions(path: str, existing: os.stat_result | None, new: int = 0o666) -> None:
    """Give a new file or directory the permission bits of the one it replaces (and, for root,
    its owner: first, since a change of owner clears the setuid and setgid bits), else what the
    user's umask gives anything new (`new`: 0o666 for a file, 0o777 for a directory)."""
    if existing is None:
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(path, new & ~mask)
        return
    if os.geteuid() == 0:
        with contextlib.suppress(OSError):
            os.chown(path, existing.st_uid, existing.st_gid)
    os.chmod(path, stat.S_IMODE(existing.st_mode))


def temporary_directory(target: str, suffix: str) -> str:
    """A fresh private directory beside the target, named as the temporary files are (so that
    one left by a killed run is removed by the next); refused in one line where it cannot be
    made."""
    parent = os.path.dirname(os.path.abspath(target))
    try:
        return tempfile.mkdtemp(
            prefix=f"{TEMPORARY_PREFIX}{os.getpid()}-", suffix=suffix, dir=parent
        )
    except OSError as error:
        raise QingpuError(f"cannot write beside {target}: {error.strerror}") from None


def write_beside(
    target: str,
    suffix: str,
    write: Callable[[str], None],
    like: os.stat_result | None = None,
) -> None:
    """Make a file whole or not at all: `write` fills a fresh temporary file beside the target
    (`mkstemp`: an unpredictable name, never a planted link, named by this process), which is
    made durable, given the target's permission bits (or those of `like`, the file it stands
    for, or the umask's, for a new file) and renamed over the target in one step. On any
    failure or signal the temporary file is removed; a file system's refusal is one line naming
    the target."""
    existing = target_status(target) or like
    directory = os.path.dirname(os.path.abspath(target))
    remove_stale_temporaries(directory)
    with signals_end_the_write():
        try:
            descriptor, partial = tempfile.mkstemp(
                prefix=f"{TEMPORARY_PREFIX}{os.getpid()}-", suffix=suffix, dir=directory
            )
        except OSError as error:
            raise QingpuError(f"cannot write beside {target}: {error.strerror}") from None
        os.close(descriptor)
        try:
            write(partial)
            give_permissions(partial, existing)
            _durable(partial)
            target_status(target)  # it may have become something else meanwhile
            os.replace(partial, target)
            _sync_directory(directory)
        except OSError as error:
            with contextlib.suppress(OSError):
                os.unlink(partial)
            raise QingpuError(f"cannot write {target}: {error.strerror}") from None
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(partial)
            raise
