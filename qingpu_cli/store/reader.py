"""Finding, reading (once) and validating the active store; the cache of proofs of validity.

Every store is validated by the models before its data is used. Validation needs pydantic,
the slowest import of a run, so a store whose exact bytes have been proven valid by this
version of the tool is remembered in the user's cache directory: a marker file named by the
SHA-256 of the bytes and holding that digest. A missing, stale or unreadable marker only means
validating again, and the data itself is always parsed from the store's own bytes, so the cache
can never change an answer.

A run reads its store's bytes once, through one `StoreReader`, whichever path answers (the
fast path reads a store only for a run it then answers itself): a pipe, `/dev/stdin` or `<(...)`
can be read only once, and a large file need not be read and hashed twice.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import stat
from collections.abc import Iterable, Iterator, Mapping
from typing import IO, TYPE_CHECKING, Any, NamedTuple, cast

from qingpu_cli import __version__
from qingpu_cli.errors import StoreInvalid, StorePathError, StoreTooLarge, UsageError, as_typed
from qingpu_cli.store.vocabulary import MAX_NUMBER_DIGITS, ascii_whole_number

if TYPE_CHECKING:
    from qingpu_cli.store.models import Store

STDIN = "-"
DATA_ENV = "QINGPU_DATA"
CACHE_ENV = "QINGPU_CACHE_DIR"
NO_CACHE_ENV = "QINGPU_NO_CACHE"
MAX_BYTES_ENV = "QINGPU_MAX_STORE_BYTES"
DEFAULT_MAX_BYTES = 1 << 30
_CHUNK = 1 << 20
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


def store_size_limit(environ: Mapping[str, str] | None = None) -> int:
    """The largest store a run reads, in bytes: 1 GiB unless QINGPU_MAX_STORE_BYTES says."""
    env = os.environ if environ is None else environ
    given = env.get(MAX_BYTES_ENV, "").strip()
    if not given:
        return DEFAULT_MAX_BYTES
    number = ascii_whole_number(given)
    if not number:
        raise UsageError(
            f"{MAX_BYTES_ENV} must be a whole number of bytes above 0 (ASCII digits, at most"
            f" {MAX_NUMBER_DIGITS}), not {as_typed(given)}"
        )
    return number


def _too_large(label: str, size: str, limit: int) -> StoreTooLarge:
    return StoreTooLarge(
        f"store is too large: {label} has {size} bytes, more than the limit of {limit:,}"
        f" (set {MAX_BYTES_ENV} to read it)"
    )


def _read_bounded(file: IO[bytes], label: str, limit: int) -> bytes:
    """All of a file, refused before it is read whole when it is larger than the limit: by its
    size where it has one (a regular file), else as soon as more than the limit has come (a
    pipe). A character or block device (`/dev/zero`, a disk) is refused unread."""
    try:
        mode = os.fstat(file.fileno()).st_mode
    except (OSError, AttributeError, io.UnsupportedOperation):
        mode = None  # a stream with no descriptor: read it as a pipe
    if mode is not None and (stat.S_ISCHR(mode) or stat.S_ISBLK(mode)):
        raise StorePathError(f"store is a device, not a file: {label}")
    if mode is not None and stat.S_ISREG(mode):
        size = os.fstat(file.fileno()).st_size
        if size > limit:
            raise _too_large(label, f"{size:,}", limit)
        if size == 0:
            return _joined_within(_chunks_waiting(file, label), label, limit)
        data = file.read()
        if len(data) > limit:  # it grew since
            raise _too_large(label, f"over {limit:,}", limit)
        return data
    return _joined_within(iter(lambda: file.read(_CHUNK), b""), label, limit)


def _joined_within(chunks: Iterable[bytes], label: str, limit: int) -> bytes:
    """The chunks of a file with no size to go by, refused as soon as more than the limit has
    come."""
    taken: list[bytes] = []
    total = 0
    for chunk in chunks:
        total += len(chunk)
        if total > limit:
            raise _too_large(label, f"over {limit:,}", limit)
        taken.append(chunk)
    return b"".join(taken)


#: How long a store that says it is empty (a file of `/proc`) may take to give each chunk.
READ_WAIT_SECONDS = 0.5


def _chunks_waiting(file: IO[bytes], label: str) -> Iterator[bytes]:
    """A regular file of size 0 is empty or is made as it is read (`/proc`): one that has
    nothing to give for half a second before its end (`/proc/kmsg` gives the kernel's
    messages, then waits for the next) is refused rather than waited on."""
    import select

    descriptor = file.fileno()
    given = False
    while True:
        try:
            ready, _, _ = select.select([descriptor], [], [], READ_WAIT_SECONDS)
        except (OSError, ValueError):  # a file select cannot wait on: read it as it is
            yield file.read()
            return
        if not ready:
            raise StorePathError(
                f"store cannot be read: {label} gave nothing within {READ_WAIT_SECONDS:g} s"
                f"{' more' if given else ''} and did not end (a file that waits, such as"
                " /proc/kmsg)"
            )
        chunk = os.read(descriptor, _CHUNK)
        if not chunk:
            return
        given = True
        yield chunk


def read_store_bytes(
    location: StoreLocation, stdin: IO[bytes] | None = None, limit: int | None = None
) -> bytes:
    bound = store_size_limit() if limit is None else limit
    if location.path is None:
        data = _bundled_bytes()
        if len(data) > bound:
            raise _too_large(location.label, f"{len(data):,}", bound)
        return data
    if location.path == STDIN:
        if stdin is None:
            raise StorePathError("store is standard input ('--data -'), but it is closed")
        return _read_bounded(stdin, location.label, bound)
    try:
        with open(location.path, "rb") as file:
            return _read_bounded(file, location.label, bound)
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


#: Completion reads a store only if it is this small: a key press must answer at once.
QUICK_BYTES = 16 << 20


def readable_quickly(location: StoreLocation) -> bool:
    """Whether a store can be read without waiting: the bundled one, or a regular file of a few
    megabytes. Standard input, a pipe, a device or a large file is not (asked without opening
    it, which on a FIFO would wait for a writer)."""
    if location.path is None:
        return True
    if location.path == STDIN:
        return False
    try:
        status = os.stat(location.path)
    except OSError:
        return False
    return stat.S_ISREG(status.st_mode) and status.st_size <= QUICK_BYTES


def _bundled_path() -> str:
    return os.path.join(os.path.dirname(os.path.dirname(__file__)), "data", "qingpu.json")


def store_file(location: StoreLocation) -> str | None:
    """The file a store is read from, which nothing may write over: its path, the bundled file
    where no path is given, or `-` for standard input (a file redirected to it is the store)."""
    if location.path is None:
        return _bundled_path()
    return location.path


def _bundled_bytes() -> bytes:
    """The store shipped in the package: read as a plain file where the package is one (the
    usual install, and the faster way), else through importlib.resources (a zipped package)."""
    beside = _bundled_path()
    if os.path.isfile(beside):
        with open(beside, "rb") as file:
            return file.read()
    from importlib.resources import files

    return files("qingpu_cli").joinpath("data/qingpu.json").read_bytes()


def bundled_store() -> Store:
    """The bundled store's data, parsed without validation: it is the package's own file,
    which the tests validate."""
    return parse_store_text(decode_store_text(_bundled_bytes(), "(bundled store)"), "(bundled)")


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

    from qingpu_cli.store.models import schema_problems, store_adapter, store_problems

    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as error:
        raise StoreInvalid(where, _syntax_problems(text, error)) from None
    unreadable = _lone_surrogates(text) or _vanishing_numbers(text)
    if unreadable:
        raise StoreInvalid(where, unreadable)
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


def _position(text: str, offset: int) -> str:
    line = text.count("\n", 0, offset) + 1
    return f"line {line} column {offset - (text.rfind(chr(10), 0, offset) + 1) + 1}"


#: A `\\u` escape of half of a UTF-16 pair with no other half beside it (an even number of
#: backslashes before it: an odd one would make the escape itself text).
_LONE_SURROGATE = (
    r"(?<!\\)(?:\\\\)*(\\u[dD][89abAB][0-9a-fA-F]{2}(?!\\u[dD][c-fC-F][0-9a-fA-F]{2})"
    r"|(?<!\\u[dD][89abAB][0-9a-fA-F]{2})\\u[dD][c-fC-F][0-9a-fA-F]{2})"
)


def _lone_surrogates(text: str) -> list[tuple[str, str]]:
    """Escapes of half a UTF-16 pair, which JSON parsers read differently (Python keeps it, and
    then no UTF-8 output can write it): each is named where it stands."""
    if "\\u" not in text:
        return []
    return [
        (
            "(file)",
            f"{_position(text, found.start(1))}: {found.group(1)} is half of a UTF-16 pair"
            " (a lone surrogate), not a character",
        )
        for found in re.finditer(_LONE_SURROGATE, text)
    ][:20]


#: A number whose exponent could make it too small for a float: three digits or more, led by
#: its letter (a pattern that starts with a literal is searched for at the string search's
#: speed, where one led by a digit class walks a 65 MB store in most of a second). Compiled
#: where they are needed, on validating: a store proven valid needs neither.
_EXPONENTS = (r"e-[0-9]{3}", r"E-[0-9]{3}")


def _may_hold_a_small_number(text: str) -> bool:
    """Whether the text may hold a number written too small for a float: an exponent of three
    digits after a digit, or a fraction of 300 zeros."""
    if "." + "0" * 300 in text:
        return True
    return any(
        found.start() and text[found.start() - 1] in "0123456789"
        for pattern in _EXPONENTS
        for found in re.finditer(pattern, text)
    )


def _vanishing_numbers(text: str) -> list[tuple[str, str]]:
    """A number that is not zero as written but too small for a float, which would read as 0:
    named with the place it stands in the store. The text is parsed a second time only when
    it may have a number written that small."""
    if not _may_hold_a_small_number(text):
        return []
    found: list[tuple[str, str]] = []

    class Vanished(float):
        written = ""

    def parse_float(written: str) -> float:
        number = float(written)
        if number == 0 and any(
            digit in written.split("e")[0].split("E")[0] for digit in "123456789"
        ):
            marked = Vanished(number)
            marked.written = written
            return marked
        return number

    def walk(value: object, path: str) -> None:
        if isinstance(value, Vanished):
            shown = value.written if len(value.written) <= 30 else f"{value.written[:30]}..."
            found.append(
                (
                    path or "(top level)",
                    f"{shown} is too small for a number here: it would read as 0",
                )
            )
        elif isinstance(value, dict):
            for key, item in value.items():
                walk(item, f"{path}.{key}" if path else str(key))
        elif isinstance(value, list):
            for index, item in enumerate(value):
                walk(item, f"{path}[{index}]")

    walk(json.loads(text, parse_float=parse_float), "")
    return found


def _json_worded(text: str) -> list[tuple[str, str]]:
    """The schema's problems in the words of JSON ("an object", not "a dictionary"), from the
    models validating the text itself: on an invalid store only, so the cost falls there."""
    from pydantic import ValidationError

    from qingpu_cli.store.models import schema_problems, store_adapter

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


def cache_directory(environ: Mapping[str, str] | None = None) -> str | None:
    """Where proofs of validity are kept, or None for none: QINGPU_CACHE_DIR (a leading `~` is
    the home directory), else $XDG_CACHE_HOME/qingpu, else ~/.cache/qingpu. A relative path is
    not used (the XDG rule), so that no run makes cache folders wherever it was started."""
    env = os.environ if environ is None else environ
    if env.get(NO_CACHE_ENV):
        return None
    given = env.get(CACHE_ENV)
    if given:
        chosen = _at_home(given)
        return chosen if chosen and os.path.isabs(chosen) and _usable_path(chosen) else None
    base = env.get("XDG_CACHE_HOME", "")
    if not os.path.isabs(base):
        base = _at_home(os.path.join("~", ".cache")) or ""
    chosen = os.path.join(base, "qingpu")
    return chosen if os.path.isabs(base) and _usable_path(chosen) else None


def _at_home(path: str) -> str | None:
    """A path with its leading `~` made the home directory; None where the home directory does
    not exist (a run never makes a cache under a home that is not there)."""
    if not path.startswith("~"):
        return path
    home = os.path.expanduser(path.split(os.sep, 1)[0])
    return os.path.expanduser(path) if os.path.isdir(home) else None


#: A path longer than this, or deeper, is not one any system call takes whole (PATH_MAX is
#: 4,096 bytes on Linux): such a cache directory is skipped, not walked.
_MAX_PATH_BYTES = 4000
_MAX_PATH_DEPTH = 256


def _usable_path(path: str) -> bool:
    return len(os.fsencode(path)) <= _MAX_PATH_BYTES and path.count(os.sep) <= _MAX_PATH_DEPTH


#: Longer than any marker's content; a marker is never read further.
_MARKER_BYTES = 128
_NO_FOLLOW = getattr(os, "O_NOFOLLOW", 0)
_NO_BLOCK = getattr(os, "O_NONBLOCK", 0)


def _marker(directory: str | os.PathLike[str], digest: str) -> str:
    return os.path.join(directory, f"valid-{__version__}-{digest}")


def _owned_privately(status: os.stat_result) -> bool:
    """Owned by this user and writable by no one else: what a cache must be to be trusted."""
    getuid = getattr(os, "getuid", None)
    owner_ok = getuid is None or status.st_uid == getuid()
    return owner_ok and not status.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def trusted_directory(directory: str | os.PathLike[str]) -> bool:
    try:
        status = os.stat(directory)
    except OSError:
        return False
    return stat.S_ISDIR(status.st_mode) and _owned_privately(status)


def _proven_valid(directory: str | os.PathLike[str] | None, digest: str) -> bool:
    """Whether a marker proves these bytes valid. The marker is opened without following a
    link and without waiting (a FIFO planted there cannot hang a run), must be a regular file
    of this user's, and is read to a small fixed size."""
    if directory is None or not trusted_directory(directory):
        return False
    try:
        descriptor = os.open(_marker(directory, digest), os.O_RDONLY | _NO_FOLLOW | _NO_BLOCK)
    except OSError:
        return False
    try:
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode) or not _owned_privately(status):
            return False
        return os.read(descriptor, _MARKER_BYTES) == digest.encode("ascii")
    except OSError:
        return False
    finally:
        os.close(descriptor)


def _remember_valid(directory: str | os.PathLike[str] | None, digest: str) -> None:
    """Leave a marker for these bytes. The directory is made private (0700); one that is not
    this user's, or that others can write to, is left alone. The marker is written to a fresh
    temporary file beside it (mkstemp: an unpredictable name, never a planted link) and renamed
    into place; a failure leaves nothing behind."""
    if directory is None:
        return
    import tempfile

    try:
        os.makedirs(directory, mode=0o700, exist_ok=True)
    except OSError:
        return
    if not trusted_directory(directory):
        return
    try:
        descriptor, partial = tempfile.mkstemp(prefix=".valid-", suffix=".tmp", dir=directory)
    except OSError:
        return
    try:
        with os.fdopen(descriptor, "w", encoding="ascii") as file:
            file.write(digest)
        os.replace(partial, _marker(directory, digest))
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(partial)


#: A store smaller than this is hashed by the interpreter's own SHA-256 module, which loads at
#: once; a larger one by OpenSSL's, through hashlib, which hashes several times faster but takes
#: longer to load than hashing a small store takes. Both give the same digest.
SMALL_STORE_BYTES = 1 << 19


def sha256_digest(data: bytes) -> str:
    """The SHA-256 of a store's bytes, in hexadecimal: what a proof of validity is named by."""
    if len(data) < SMALL_STORE_BYTES:
        for name in ("_sha2", "_sha256"):  # Python 3.12 and later; 3.10 and 3.11
            try:
                module = __import__(name)
            except ImportError:
                continue
            return str(module.sha256(data).hexdigest())
    import hashlib

    return hashlib.sha256(data).hexdigest()


class StoreReader:
    """The active store of one run: located once, its bytes read once and hashed once, then
    let go once decoded; what it loads, it keeps for the rest of the run."""

    def __init__(self, location: StoreLocation, stdin: IO[bytes] | None = None) -> None:
        self.location = location
        self._stdin = stdin
        self._raw: bytes | None = None
        self._digest = ""
        self._store: Store | None = None
        self._failed: StorePathError | None = None

    def _bytes(self) -> tuple[bytes, str]:
        if self._failed is not None:  # a store that could not be read is not read twice
            raise self._failed
        if self._raw is None:
            try:
                self._raw = read_store_bytes(self.location, self._stdin)
            except StorePathError as error:
                self._failed = error
                raise
            self._digest = sha256_digest(self._raw)
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


def store_record_count(store: Store) -> int:
    return sum(
        len(value) for value in cast("dict[str, Any]", store).values() if isinstance(value, list)
    )
