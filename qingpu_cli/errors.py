"""Exit statuses and the project's errors: raised in the core, turned into messages in one place
(`cli/run.py`); and the one rule for the valid names a message suggests."""

from collections.abc import Iterable
from enum import IntEnum


class ExitStatus(IntEnum):
    OK = 0
    BAD_DATA = 1
    USAGE = 2
    INTERRUPTED = 130


class QingpuError(Exception):
    """An error the user can act on: its message is one line, its status documented."""

    status = ExitStatus.BAD_DATA

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class UsageError(QingpuError):
    status = ExitStatus.USAGE


class StorePathError(QingpuError):
    """The store's path is missing, a directory or unreadable."""

    status = ExitStatus.USAGE


class StoreTooLarge(QingpuError):
    """The store is larger than the limit a run reads (QINGPU_MAX_STORE_BYTES)."""


class StoreInvalid(QingpuError):
    """The store is not JSON, or breaks the schema or an invariant; `problems` lists all of them."""

    def __init__(self, where: str, problems: list[tuple[str, str]]) -> None:
        if len(problems) == 1:
            location, problem = problems[0]
            summary = f"{location}: {problem}"
        else:
            summary = f"{len(problems)} problems"
        super().__init__(f"invalid store {where}: {summary}")
        self.where = where
        self.problems = problems


class NotFound(QingpuError):
    """An id that no record has."""


class OutputError(QingpuError):
    """Standard output cannot be written (a full disk, a closed descriptor). The reader of a pipe
    going away is not this: that ends a run quietly."""

    def __init__(self, error: OSError) -> None:
        reason = error.strerror or type(error).__name__
        super().__init__(f"cannot write to standard output: {reason}")


class Interrupted(BaseException):
    """Ctrl-C during a run. Not a KeyboardInterrupt, which Typer turns into a silent status 130:
    raised instead of it so that every path reaches the run boundary and says so."""


class Terminated(BaseException):
    """A signal that ends the run (SIGTERM, SIGHUP) arrived while a file was being written:
    raised so that the temporary file is removed on the way to the boundary, which says so in
    one line and exits with 128 plus the signal's number, as the shell would report it."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


class MissingExtra(QingpuError, ImportError):
    """An optional part of the package whose dependencies are not installed. An ImportError too,
    so that a program may treat it as any missing module; a usage error on the command line."""

    status = ExitStatus.USAGE

    def __init__(self, what: str, extra: str, missing: str | None) -> None:
        absent = f" (no module {missing!r})" if missing else ""
        super().__init__(
            f"{what} needs the optional dependencies of qingpu[{extra}]{absent}:"
            f" pip install 'qingpu[{extra}]'"
        )
        self.extra = extra


def closest(typed: str, valid: Iterable[str], count: int = 1) -> list[str]:
    """The valid names nearest what was typed, in any case: the same rule for a mistyped
    command, choice, field or id, so that each gets the suggestion the others would."""
    import difflib

    folded = {name.casefold(): name for name in valid}
    near = difflib.get_close_matches(typed.casefold(), list(folded), n=count, cutoff=0.5)
    return [folded[name] for name in near]


#: A message repeats at most this many characters of a value as typed.
SHOWN_CHARACTERS = 20


def as_typed(value: str) -> str:
    """A value as a message repeats it, quoted: cut after `SHOWN_CHARACTERS`, so that an
    argument of thousands of characters still gives a line that can be read."""
    shown = value if len(value) <= SHOWN_CHARACTERS else f"{value[:SHOWN_CHARACTERS]}..."
    return repr(shown)


def did_you_mean(typed: str, valid: Iterable[str]) -> str:
    """` (did you mean telecom?)`, or nothing where no valid name is near."""
    near = closest(typed, valid)
    return f" (did you mean {near[0]}?)" if near else ""
