"""Long screens through a pager, as git and gh do: `QINGPU_PAGER`, else `PAGER`, else
`less -FRX` (which prints a screen that fits and keeps colour). A pipe, `--no-pager`, an empty
pager or `cat` print directly; a pager that cannot be started or fails leaves the text to be
printed, so that nothing is lost.
"""

from __future__ import annotations

import contextlib
import io
import os
from collections.abc import Iterator, Mapping

from qingpu_cli.cli.run import Streams

DEFAULT_PAGER = "less -FRX"


def pager_command(environ: Mapping[str, str]) -> list[str] | None:
    """The pager to run, as words; None: print directly."""
    import shlex

    given = environ.get("QINGPU_PAGER")
    if given is None:
        given = environ.get("PAGER", DEFAULT_PAGER)
    try:
        words = shlex.split(given)
    except ValueError:
        return None
    if not words or words == ["cat"]:
        return None
    return words


def through_pager(command: list[str], text: str, environ: Mapping[str, str]) -> bool:
    """Whether the pager took the text: False where it could not be started or ended in
    failure, so that the caller prints it instead. A reader who quits early is no failure."""
    import subprocess

    env = dict(environ)
    env.setdefault("LESSCHARSET", "utf-8")
    try:
        pager = subprocess.Popen(command, stdin=subprocess.PIPE, env=env)
    except OSError:
        return False
    assert pager.stdin is not None
    with contextlib.suppress(BrokenPipeError, OSError):
        pager.stdin.write(text.encode("utf-8", "backslashreplace"))
    with contextlib.suppress(BrokenPipeError, OSError):
        pager.stdin.close()
    while True:
        try:
            status = pager.wait()
            break
        except KeyboardInterrupt:  # the pager has the terminal: Ctrl-C is its to answer
            continue
    return status == 0


@contextlib.contextmanager
def paged(streams: Streams, environ: Mapping[str, str] | None = None) -> Iterator[Streams]:
    """Streams whose stdout is gathered while a screen is drawn, then shown: through the pager
    when the screen is longer than the terminal, else printed."""
    env = os.environ if environ is None else environ
    command = pager_command(env) if streams.is_terminal and streams.pager else None
    if command is None:
        yield streams
        return
    buffer = io.StringIO()
    yield streams._replace(stdout=buffer)
    text = buffer.getvalue()
    from qingpu_cli.render.table import terminal_size

    height = terminal_size()[1]
    if text.count("\n") < height or not through_pager(command, text, env):
        streams.stdout.write(text)
