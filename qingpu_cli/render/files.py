"""The one safe writer of files: a database, a fact sheet, whatever a command writes to a path.

A command's target is written only where that changes nothing but the target's own directory
entry: a new path, or a regular file (a device, a FIFO, a socket, a directory or a symbolic
link is refused, since writing "to" them would replace or feed something else). `-` and
`/dev/stdout` mean standard output, for the commands that can write there. A file is made
whole beside its target, made durable, given the target's permission bits and renamed over it
in one step; a signal during the write removes it, and one left by a run that was killed is
recognised by its name (the writing process's id) and removed by the next run beside it.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import stat
import tempfile
from collections.abc import Callable, Iterator
from types import FrameType

from qingpu_cli.errors import QingpuError, Terminated, UsageError

#: The names that mean standard output.
STDOUT_TARGETS = ("-", "/dev/stdout")
#: A temporary file's name: hidden, with the id of the process that writes it.
TEMPORARY_PREFIX = ".qingpu-"
_TEMPORARY = re.compile(r"^\.qingpu-(\d+)-[A-Za-z0-9_]+\.[a-z]+$")
#: The signals a run can catch that end it: each removes the temporary file first.
ENDING_SIGNALS = tuple(
    getattr(signal, name)
    for name in ("SIGTERM", "SIGHUP", "SIGQUIT", "SIGUSR1", "SIGUSR2", "SIGALRM")
    if hasattr(signal, name)
)


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


def target_status(target: str, option: str = "") -> os.stat_result | None:
    """The target's status if it is a regular file, None if it is a new path; anything else is
    a usage error naming the option and what the target is. The link itself is looked at,
    never what it points to."""
    named = f"{option} names" if option else "the target is"
    if not target.strip():
        raise UsageError(f"{option or 'the target'} needs a file name")
    try:
        status = os.lstat(target)
    except FileNotFoundError:
        return None
    except NotADirectoryError:
        raise UsageError(f"{named} a path through a file, not a directory: {target}") from None
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise UsageError(f"{named} a path that cannot be used: {target}: {reason}") from None
    if stat.S_ISREG(status.st_mode):
        return status
    raise UsageError(f"{named} {_kind(status.st_mode)}, not a regular file: {target}")


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
    target: str, option: str, replace: bool, recognised: Callable[[bytes], bool], what: str
) -> os.stat_result | None:
    """A target that may be written: a new path, an empty file, a file this command wrote
    before (`recognised` by its first bytes), or any regular file with `--replace`."""
    status = target_status(target, option)
    if status is None or replace or status.st_size == 0:
        return status
    if not recognised(file_start(target, 4096)):
        raise UsageError(f"{target} exists and is not {what}; --replace overwrites it")
    return status


def refuse_store(target: str, store_path: str | None, option: str) -> None:
    """Never write over the store being read, whatever the options."""
    if store_path is None or is_stdout(store_path) or is_stdout(target):
        return
    with contextlib.suppress(OSError):
        if os.path.samefile(target, store_path):
            raise UsageError(f"{option} names the store being read: {target}")


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


def remove_stale_temporaries(directory: str) -> None:
    """Remove the temporary files that runs which were killed left here: this user's regular
    files named as this module names them, by a process that is no longer running."""
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
            if not stat.S_ISREG(status.st_mode) or status.st_uid != os.geteuid():
                continue
            if not _process_alive(int(found.group(1))):
                os.unlink(entry.path)


def _raise_terminated(signum: int, _frame: FrameType | None) -> None:
    raise Terminated(signum)


@contextlib.contextmanager
def _signals_end_the_write() -> Iterator[None]:
    """Every catchable signal that would end the run raises Terminated instead, so that the
    temporary file is removed on the way out and the run ends with one line."""
    previous: dict[int, object] = {}
    try:
        for number in ENDING_SIGNALS:
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


def _mode_for(existing: os.stat_result | None) -> int:
    """The permission bits the new file gets: the replaced file's, else what the user's umask
    gives any new file."""
    if existing is not None:
        return stat.S_IMODE(existing.st_mode)
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def write_beside(target: str, suffix: str, write: Callable[[str], None]) -> None:
    """Make a file whole or not at all: `write` fills a fresh temporary file beside the target
    (`mkstemp`: an unpredictable name, never a planted link, named by this process), which is
    made durable, given the target's permission bits (or the umask's, for a new file) and
    renamed over the target in one step. On any failure or signal the temporary file is
    removed; a file system's refusal is one line naming the target."""
    existing = target_status(target)
    directory = os.path.dirname(os.path.abspath(target))
    remove_stale_temporaries(directory)
    with _signals_end_the_write():
        try:
            descriptor, partial = tempfile.mkstemp(
                prefix=f"{TEMPORARY_PREFIX}{os.getpid()}-", suffix=suffix, dir=directory
            )
        except OSError as error:
            raise QingpuError(f"cannot write beside {target}: {error.strerror}") from None
        os.close(descriptor)
        try:
            write(partial)
            os.chmod(partial, _mode_for(existing))
            if existing is not None and os.geteuid() == 0:
                with contextlib.suppress(OSError):
                    os.chown(partial, existing.st_uid, existing.st_gid)
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
