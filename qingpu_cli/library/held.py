"""The text of a source the project holds (the article the store began with), where it is found.

A source record names its text by a file name (`file`); the text itself is not part of the
package. It is looked for in the directory named by QINGPU_SOURCES, else beside the store (the
package's data directory for the bundled store, where a packager may add it). A name that is not
a plain file name is never followed, nor is a link of that name, nor anything but a regular
file read, so a store cannot make the tool read other files or wait on one.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Mapping
from pathlib import Path
from typing import Any, NamedTuple

SOURCES_ENV = "QINGPU_SOURCES"
MAX_TEXT_BYTES = 1 << 20


class HeldText(NamedTuple):
    """A source's text, or None with the reason it cannot be given."""

    text: str | None
    note: str


def text_directory(store_path: str | None, environ: Mapping[str, str] | None = None) -> Path:
    """Where held texts are looked for: QINGPU_SOURCES, else the store's own directory (the
    package's data directory for the bundled store, None as its path)."""
    env = os.environ if environ is None else environ
    given = env.get(SOURCES_ENV)
    if given:
        return Path(os.path.expanduser(given))
    if store_path is None:
        return Path(__file__).parent.parent / "data"
    return Path(os.path.abspath(store_path)).parent


def held_text(source: Mapping[str, Any], directory: Path) -> HeldText:
    """The text of the source, read whole, or why not: the project holds no text of it, or the
    file is not in the directory, is unreadable, too large or not UTF-8."""
    name = source.get("file")
    if not name:
        return HeldText(None, "the project holds no text of this source; cite it, quote nothing")
    if not isinstance(name, str) or os.path.basename(name) != name or name.startswith("."):
        return HeldText(None, f"the file name {name!r} is not a plain file name; not read")
    where = f"{name} in {directory}"
    hint = f" (set {SOURCES_ENV} to the directory that holds it)"
    candidate = directory / name
    # The file itself, never what a link there points to, and never waited on (a named pipe)
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        if os.path.islink(candidate):
            return HeldText(None, f"{where} is a link, which is not followed; not read")
        if not candidate.exists():
            return HeldText(None, f"the text is held as {where}, which is not there{hint}")
        descriptor = os.open(candidate, flags)
        with os.fdopen(descriptor, "rb") as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                return HeldText(None, f"{where} is not a regular file; not read")
            data = handle.read(MAX_TEXT_BYTES + 1)
    except OSError as error:
        return HeldText(None, f"{where} cannot be read: {error.strerror or error}{hint}")
    if len(data) > MAX_TEXT_BYTES:
        return HeldText(None, f"{where} is larger than {MAX_TEXT_BYTES} bytes; not read")
    try:
        return HeldText(data.decode("utf-8"), f"read from {where}")
    except UnicodeDecodeError:
        return HeldText(None, f"{where} is not UTF-8 text; not read")
