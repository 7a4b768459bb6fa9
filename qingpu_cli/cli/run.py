"""The one run boundary, for the fast path and the app alike: streams in, an exit status out.

A run is handed a `Streams` object (httpie's Environment is the model) instead of reaching for
`sys.stdout`, so a test can give it its own. Below the boundary nothing handles errors: here a
project error becomes one line on stderr and its documented status, a reader that closes the
pipe ends the run quietly, an output that cannot be written is one line and status 1, Ctrl-C is
one line and status 130, and anything unexpected is one line (with its traceback only when
QINGPU_DEBUG is set). A message never stops a run from ending with its own status, even when
stderr itself is closed or full.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
from collections.abc import Callable, Iterator, Mapping
from types import FrameType
from typing import IO, Any, NamedTuple, cast

from qingpu_cli.errors import (
    ExitStatus,
    Interrupted,
    OutputError,
    QingpuError,
    StoreInvalid,
    Terminated,
)


class Streams(NamedTuple):
    """What a run reads and writes, and what kind of screen it writes to."""

    stdin: IO[bytes] | None
    """Standard input as bytes (a store given as `--data -`); None when it is closed."""
    stdout: IO[str]
    stderr: IO[str] | None
    """None when it is closed: messages are then dropped, never the exit status."""
    is_terminal: bool
    color: bool
    pager: bool = True
    """Whether a long screen may go through a pager (`--no-pager` says no)."""

    @classmethod
    def of_process(cls, environ: Mapping[str, str] | None = None) -> Streams:
        """The process's own streams, stdout guarded; colour on a terminal unless NO_COLOR is
        set, or anywhere FORCE_COLOR is."""
        env = os.environ if environ is None else environ
        stdout = cast("IO[str]", sys.stdout)
        is_terminal = _isatty(stdout)
        color = bool(env.get("FORCE_COLOR")) or (is_terminal and not env.get("NO_COLOR"))
        stdin = getattr(sys.stdin, "buffer", None) if sys.stdin is not None else None
        return cls(stdin, guarded(stdout), sys.stderr, is_terminal, color)


def with_color(streams: Streams, choice: str) -> Streams:
    """The streams with colour as `--color` says: auto leaves the streams' own choice."""
    if choice == "always":
        return streams._replace(color=True)
    if choice == "never":
        return streams._replace(color=False)
    return streams


def with_pager(streams: Streams, allowed: bool) -> Streams:
    """The streams with the pager allowed or not (`--no-pager` says not)."""
    return streams._replace(pager=streams.pager and allowed)


def _isatty(stream: IO[str]) -> bool:
    try:
        return stream.isatty()
    except (OSError, ValueError):
        return False


class OutputClosed(Exception):
    """The reader of stdout has gone (`qingpu facts | head -1`): not an error of the user's."""


class _GuardedOutput:
    """stdout, with a closed pipe raised as OutputClosed and any other failure to write as
    OutputError, so that both reach the boundary whoever was writing."""

    def __init__(self, stream: IO[str]) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        try:
            return self._stream.write(text)
        except BrokenPipeError:
            raise OutputClosed from None
        except OSError as error:
            raise OutputError(error) from None

    def flush(self) -> None:
        try:
            self._stream.flush()
        except BrokenPipeError:
            raise OutputClosed from None
        except OSError as error:
            raise OutputError(error) from None

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def guarded(stream: IO[str]) -> IO[str]:
    return stream if isinstance(stream, _GuardedOutput) else cast("IO[str]", _GuardedOutput(stream))


def say(streams: Streams, line: str) -> None:
    """One line on stderr, with control characters shown as escapes; dropped if stderr cannot
    take it, so that the run still ends with its own status."""
    from qingpu_cli.render.formats import visible

    if streams.stderr is None:
        return
    with contextlib.suppress(OSError, ValueError):
        streams.stderr.write(f"qingpu: {visible(line)}\n")
        streams.stderr.flush()


def report(streams: Streams, error: QingpuError) -> int:
    """One line naming the problem and where it is; several problems of a store follow it, one a
    line."""
    say(streams, error.message)
    if isinstance(error, StoreInvalid) and len(error.problems) > 1 and streams.stderr is not None:
        from qingpu_cli.render.formats import visible

        with contextlib.suppress(OSError, ValueError):
            for location, message in error.problems:
                streams.stderr.write(f"  {visible(location)}: {visible(message)}\n")
            streams.stderr.flush()
    return int(error.status)


def tolerate_narrow_encodings() -> None:
    """A stdout that cannot encode a character shows it as an escape instead of failing."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")


def silence(stream: IO[str]) -> None:
    """After the reader of a pipe has gone, let the interpreter's final flush go nowhere."""
    try:
        descriptor = stream.fileno()
    except (OSError, ValueError, AttributeError):
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, descriptor)
    os.close(devnull)


def signal_name(number: int) -> str:
    """A signal's name as bash's `kill -l` gives it: `SIGTERM`; a real-time signal but the
    first and last by the nearer of the two, `SIGRTMIN+3`, `SIGRTMAX-2`."""
    try:
        return signal.Signals(number).name
    except ValueError:
        first, last = getattr(signal, "SIGRTMIN", None), getattr(signal, "SIGRTMAX", None)
        if first is None or last is None or not first < number < last:
            return f"signal {number}"
        if number - first <= (last - first) // 2:
            return f"SIGRTMIN+{number - first}"
        return f"SIGRTMAX-{last - number}"


def _raise_interrupted(_signum: int, _frame: FrameType | None) -> None:
    raise Interrupted


@contextlib.contextmanager
def _interrupts_reach_the_boundary() -> Iterator[None]:
    """Ctrl-C raises Interrupted for the length of the run (in the main thread, where signals
    are delivered), so that no library on the way turns it into a silent exit."""
    try:
        previous = signal.signal(signal.SIGINT, _raise_interrupted)
    except ValueError:  # not the main thread: signals are not delivered here
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def run(body: Callable[[Streams], int], streams: Streams | None = None) -> int:
    """Run the body and turn whatever it raises into a message and an exit status."""
    if streams is None:
        if sys.stdout is None:  # started with its standard output closed: `qingpu facts >&-`
            if sys.stderr is not None:
                with contextlib.suppress(OSError, ValueError):
                    sys.stderr.write("qingpu: standard output is closed; nothing can be written\n")
            return int(ExitStatus.BAD_DATA)
        tolerate_narrow_encodings()
        streams = Streams.of_process()
    else:
        streams = streams._replace(stdout=guarded(streams.stdout))
    try:
        with _interrupts_reach_the_boundary():
            status = body(streams)
            streams.stdout.flush()
        return status
    except OutputClosed:
        silence(streams.stdout)
        return int(ExitStatus.OK)
    except BrokenPipeError:  # written past the guard, such as help printed by Typer
        silence(cast("IO[str]", sys.stdout))
        return int(ExitStatus.OK)
    except OutputError as error:
        silence(streams.stdout)
        return report(streams, error)
    except QingpuError as error:
        return report(streams, error)
    except (Interrupted, KeyboardInterrupt):
        say(streams, "interrupted")
        return int(ExitStatus.INTERRUPTED)
    except Terminated as ended:
        name = signal_name(ended.signum)
        say(streams, f"stopped by {name}; the file being written was removed")
        return 128 + ended.signum
    except SystemExit as done:
        return done.code if isinstance(done.code, int) else int(ExitStatus.OK)
    except MemoryError:
        say(streams, "out of memory: the store or the answer is larger than this machine can hold")
        return int(ExitStatus.BAD_DATA)
    except Exception as error:
        if os.environ.get("QINGPU_DEBUG"):
            raise
        name = type(error).__name__
        say(streams, f"internal error: {name}: {error} (set QINGPU_DEBUG=1 for the traceback)")
        return int(ExitStatus.BAD_DATA)
