"""Finding, reading (once) and validating the active store; the cache of proofs of validity.

Every store is validated by the models before its data is used. Validation needs pydantic,
the slowest import of a run, so a store whose exact bytes have been proven valid by this
version of the tool is remembered in the user's cache directory: a marker file named by the
SHA-256 of the bytes and holding that digest. A missing, stale or unreadable marker only means
validating again, and the data itself is always parsed from the store's own bytes, so the cache
can never change an answer.

A run reads its store's bytes once, through one `StoreReader`, whether the fast path or the app
answers: a pipe, `/dev/stdin` or `<(...)` can be read only once, and a large file need not be
read and hashed twice.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from typing import IO, TYPE_CHECKING, Any, NamedTuple, cast

from . import __version__
from .errors import StoreInvalid, StorePathError, UsageError

if TYPE_CHECKING:
    from .models import Store

STDIN = "-"
DATA_ENV = "QINGPU_DATA"
CACHE_ENV = "QINGPU_CACHE_DIR"
NO_CACHE_ENV = "QINGPU_NO_CACHE"
BOM = b"\xef\xbb\xbf"


class StoreLocation(NamedTuple):
    """Where the active store comes from: a path, standard input, or the bundled file."""

    path: str | None

    @property
    def label(self) -> str:
        if self.path is None:
            return "(bundled store)"
        if self.path == STDIN:
            return "(standard input)"
        return self.path


def locate_store(option: str | None, environ: dict[str, str] | None = None) -> StoreLocation:
    """The `--data` option wins over `QINGPU_DATA`, which wins over the bundled store. An empty
    option is refused (`--data "$UNSET"` must not quietly read the bundled store); an empty
    variable counts as unset, as is usual for the environment."""
    if option == "":
        raise UsageError(f"--data needs a path ('{STDIN}' reads standard input)")
    env = os.environ if environ is None else environ
    chosen = option if option else env.get(DATA_ENV) or None
    return StoreLocation(chosen)


def read_store_bytes(location: StoreLocation, stdin: IO[bytes] | None = None) -> bytes:
    if location.path is None:
        return _bundled_bytes()
    if location.path == STDIN:
        if stdin is None:
            raise StorePathError("store is standard input ('--data -'), but it is closed")
        return stdin.read()
    try:
        with open(location.path, "rb") as file:
            return file.read()
    except FileNotFoundError:
        raise StorePathError(f"store not found: {location.path}") from None
    except IsADirectoryError:
        raise StorePathError(f"store is a directory, not a file: {location.path}") from None
    except PermissionError:
        raise StorePathError(
            f"store is not readable (permission denied): {location.path}"
        ) from None
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise StorePathError(f"store cannot be read: {location.path}: {reason}") from None


def _bundled_bytes() -> bytes:
    """The store shipped in the package: read as a plain file where the package is one (the
    usual install, and the faster way), else through importlib.resources (a zipped package)."""
    beside = os.path.join(os.path.dirname(__file__), "data", "qingpu.json")
    if os.path.isfile(beside):
        with open(beside, "rb") as file:
            return file.read()
    from importlib.resources import files

    return files("qingpu_cli").joinpath("data/qingpu.json").read_bytes()


def decode_store_text(raw: bytes, where: str) -> str:
    """UTF-8 with an optional byte-order mark; anything else is named with its byte offset."""
    if raw.startswith(BOM):
        raw = raw[len(BOM) :]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise StoreInvalid(
            where, [("(file)", f"not UTF-8: invalid byte at offset {error.start}")]
        ) from None


def parse_store_text(text: str, where: str) -> Store:
    """Parse text already proven valid; keeps the store's own key order for every output."""
    try:
        return cast("Store", json.loads(text))
    except (ValueError, RecursionError) as error:
        raise StoreInvalid(where, [("(file)", f"cannot be parsed: {error}")]) from None


def validate_store_text(text: str, where: str) -> Store:
    """Full validation by the models: the schema first, then the invariants across records.

    The text is parsed once, by the standard library (which keeps the store's own key order for
    every output), and the models validate the parsed data in strict mode: the same rules as
    validating the JSON text, in about half the time, since the text is not parsed twice. NaN
    and the infinities parse, and are refused where they stand by the models' number type."""
    from pydantic import ValidationError

    from .models import schema_problems, store_adapter, store_problems

    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as error:
        raise StoreInvalid(where, _syntax_problems(text, error)) from None
    try:
        store_adapter().validate_python(data)
    except ValidationError as error:
        problems = _json_worded(text) or schema_problems(error)
        if any(location == "(top level)" for location, _ in problems):
            raise StoreInvalid(where, _json_problems(problems)) from None
        problems.extend(store_problems(data))
        raise StoreInvalid(where, _unique(problems)) from None
    problems = store_problems(data)
    if problems:
        raise StoreInvalid(where, problems)
    return cast("Store", data)


def _json_worded(text: str) -> list[tuple[str, str]]:
    """The schema's problems in the words of JSON ("an object", not "a dictionary"), from the
    models validating the text itself: on an invalid store only, so the cost falls there."""
    from pydantic import ValidationError

    from .models import schema_problems, store_adapter

    try:
        store_adapter().validate_json(text)
    except ValidationError as error:
        return schema_problems(error)
    return []


def _syntax_problems(text: str, error: Exception) -> list[tuple[str, str]]:
    """Where text that is not JSON stops being JSON, in the words of pydantic's parser (line and
    column), or else of the standard library's."""
    problems = [item for item in _json_worded(text) if item[0] == "(top level)"]
    if problems:
        return _json_problems(problems)
    return [("(file)", f"cannot be parsed: {error}")]


def _json_problems(problems: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """A top-level JSON error says where the parser stopped; say it as a file position."""
    return [("(file)" if loc == "(top level)" else loc, message) for loc, message in problems]


def _unique(problems: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return list(dict.fromkeys(problems))


def cache_directory(environ: dict[str, str] | None = None) -> str | None:
    env = os.environ if environ is None else environ
    if env.get(NO_CACHE_ENV):
        return None
    if env.get(CACHE_ENV):
        return env[CACHE_ENV]
    base = env.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "qingpu")


def _marker(directory: str | os.PathLike[str], digest: str) -> str:
    return os.path.join(directory, f"valid-{__version__}-{digest}")


def _proven_valid(directory: str | os.PathLike[str] | None, digest: str) -> bool:
    if directory is None:
        return False
    try:
        with open(_marker(directory, digest), encoding="ascii") as file:
            return file.read() == digest
    except (OSError, UnicodeDecodeError):
        return False


def _remember_valid(directory: str | os.PathLike[str] | None, digest: str) -> None:
    if directory is None:
        return
    marker = _marker(directory, digest)
    partial = f"{marker}.{os.getpid()}.tmp"
    try:
        os.makedirs(directory, exist_ok=True)
        with open(partial, "w", encoding="ascii") as file:
            file.write(digest)
        os.replace(partial, marker)
    except OSError:
        return


class StoreReader:
    """The active store of one run: located once, its bytes read once and hashed once, then
    handed on, so that the fast path can pass a store it could not answer from to the app."""

    def __init__(self, location: StoreLocation, stdin: IO[bytes] | None = None) -> None:
        self.location = location
        self._stdin = stdin
        self._raw: bytes | None = None
        self._digest = ""
        self._store: Store | None = None

    def _bytes(self) -> tuple[bytes, str]:
        if self._raw is None:
            self._raw = read_store_bytes(self.location, self._stdin)
            self._digest = hashlib.sha256(self._raw).hexdigest()
        return self._raw, self._digest

    def _text(self) -> str:
        """The store's text; its bytes are let go, since a large store's bytes need not outlive
        their text while it is parsed."""
        raw, _ = self._bytes()
        self._raw = b""
        return decode_store_text(raw, self.location.label)

    def proven(self, cache_dir: str | os.PathLike[str] | None) -> Store | None:
        """The data only if these exact bytes were proven valid before; None otherwise, with
        the bytes kept for `load`. A store that cannot be read is None too: `load` says why."""
        if self._store is not None:
            return self._store
        try:
            if not _proven_valid(cache_dir, self._bytes()[1]):
                return None
            self._store = parse_store_text(self._text(), self.location.label)
        except (StoreInvalid, StorePathError):
            return None
        return self._store

    def load(self, cache_dir: str | os.PathLike[str] | None) -> Store:
        """The data, validated now or proven valid before for these exact bytes."""
        if self._store is None:
            digest = self._bytes()[1]
            text = self._text()
            if _proven_valid(cache_dir, digest):
                self._store = parse_store_text(text, self.location.label)
            else:
                self._store = validate_store_text(text, self.location.label)
                _remember_valid(cache_dir, digest)
        return self._store

    def validated(self, cache_dir: str | os.PathLike[str] | None) -> Store:
        """The data validated in full now, whatever the cache says (`qingpu validate`)."""
        digest = self._bytes()[1]
        self._store = validate_store_text(self._text(), self.location.label)
        _remember_valid(cache_dir, digest)
        return self._store


def load_store(location: StoreLocation, cache_dir: str | os.PathLike[str] | None) -> Store:
    """The store at this location, validated now or proven valid before."""
    return StoreReader(location, getattr(sys.stdin, "buffer", None)).load(cache_dir)


def store_record_count(store: Store) -> int:
    return sum(
        len(value) for value in cast("dict[str, Any]", store).values() if isinstance(value, list)
    )
