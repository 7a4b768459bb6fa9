"""Machine formats for scripts, and the escaping every output shares: standard library only.

JSON, NDJSON, TSV, CSV and Markdown are written straight to the stream, never through Rich, so a
long value is never wrapped and a `--json` run imports nothing heavy (the fast path imports this
module). Every string from a store is data: control and bidirectional characters are shown as
visible escapes wherever a terminal could act on them.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from numbers import Rational
from typing import IO, Any

from qingpu_cli.store.vocabulary import BOUND_WORDS, MAX_SCALED_DECIMALS, SCALES, UNIT_WORDS

#: What a terminal acts on, as a character class's ranges: the C0 controls but the line break,
#: the line break, C1 controls and DEL, and the bidirectional overrides and isolates.
_CONTROLS, _LINE_BREAK = "\\x00-\\x09\\x0b-\\x1f", "\\x0a"
_OTHERS = "\\x7f-\\x9f\\u061c\\u200e\\u200f\\u202a-\\u202e\\u2066-\\u2069"
_UNSAFE = re.compile(f"[{_CONTROLS}{_LINE_BREAK}{_OTHERS}]")
_CELL_ESCAPES = {"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"}
#: What JSON text may hold raw that a terminal would act on: the same, but a line break, which
#: in encoded JSON is layout (a string's own line breaks are escaped by the encoder).
_JSON_UNSAFE = re.compile(f"[{_CONTROLS}{_OTHERS}]")
#: A cell's: the same and the backslash, which its escapes begin with.
_CELL_UNSAFE = re.compile(f"[\\\\{_CONTROLS}{_LINE_BREAK}{_OTHERS}]")
#: What Markdown reads as markup (emphasis, code, links, images, raw HTML, entities, table
#: cells, headings, strikethrough): written with a backslash before it, Markdown shows it as
#: text. Markdown citations and Markdown tables escape by this one declaration.
MARKDOWN_SPECIAL = "\\`*_[](){}<>|!#~&"
#: A Markdown cell's: a cell's escapes, and a backslash before each character of markup.
_MARKDOWN_CELL_UNSAFE = re.compile(
    f"[{_CONTROLS}{_LINE_BREAK}{_OTHERS}]|[{re.escape(MARKDOWN_SPECIAL)}]"
)


def _escape_char(match: re.Match[str]) -> str:
    char = match.group()
    if char in _CELL_ESCAPES:
        return _CELL_ESCAPES[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str) -> str:
    """Control and bidirectional characters as escapes, so a terminal shows them, not obeys."""
    if len(text) < _LONG_TEXT:
        return _UNSAFE.sub(_escape_char, text)
    return _visible_long(text)


#: A text this long is escaped once however many parts of a screen show it (a fact's name and
#: its statement are one text): a scan of ten megabytes takes a twentieth of a second.
_LONG_TEXT = 1 << 16


@functools.lru_cache(maxsize=4)
def _visible_long(text: str) -> str:
    return _UNSAFE.sub(_escape_char, text)


def visible_lines(text: str) -> str:
    """Text of several lines for a terminal: each line as `visible` shows it, the line breaks
    kept (a citation, a screen's text)."""
    return "\n".join(visible(line) for line in text.split("\n"))


def visible_data(value: Any) -> Any:
    """Every string in a screen's data as `visible` shows it, the rest as it is: applied where
    a screen is handed its data, so that no part of it can reach a terminal raw."""
    if isinstance(value, str):
        return visible(value)
    if isinstance(value, Mapping):
        return {key: visible_data(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)) and not hasattr(value, "_fields"):
        return [visible_data(item) for item in value]
    return value


def cell_text(value: object) -> str:
    """One value as one line of text: lists joined by '; ', numbers as written (a computed
    ratio with every digit of its float), null empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Rational) and not isinstance(value, int):
        return repr(float(value))
    if isinstance(value, (int, float)):
        return repr(value + 0.0) if value == 0 and isinstance(value, float) else repr(value)
    if isinstance(value, Mapping):
        return ", ".join(f"{key}={cell_text(item)}" for key, item in value.items())
    if isinstance(value, list):
        return "; ".join(cell_text(item) for item in value)
    return str(value)


def person_text(value: object) -> str:
    """A value as a person reads it, on a screen or the fact sheet: as the machine formats write
    it (a stated figure keeps every digit it was stated with), but a computed ratio rounded to
    four significant digits and a large number with its thousands separated."""
    if isinstance(value, Rational) and not isinstance(value, int):
        return format_number(float(value))
    if isinstance(value, (int, float)) and not isinstance(value, bool) and abs(value) >= 10_000:
        return format_number(value)
    if isinstance(value, list) and any(isinstance(item, Rational) for item in value):
        return "; ".join(person_text(item) for item in value)
    return cell_text(value)


def format_number(value: float, digits: int = 4) -> str:
    """A number for a person: four significant digits, but a large one with its thousands
    separated and its tenths kept (`649,999.5`), never in exponent form."""
    number = float(value)
    if abs(number) >= 10_000:
        return f"{number:,.1f}".removesuffix(".0")
    return f"{number:.{digits}g}"


def unit_words(unit: str | None) -> str:
    return "" if unit is None else UNIT_WORDS.get(unit, unit)


def human_number(value: object) -> str:
    """A stated number as a reader writes it, with every digit it was stated with: 41.3 billion,
    1.1 trillion, 3.6 million; below a million, or where the scale would need more than three
    decimals, the number with its thousands separated (550,000; 1,271,424). A computed ratio
    to three significant figures."""
    if isinstance(value, bool) or not isinstance(value, (int, float, Rational)):
        return person_text(value)
    if isinstance(value, Rational) and not isinstance(value, int):
        return significant(float(value))
    return _stated_number(value)


@functools.lru_cache(maxsize=1 << 14)
def _stated_number(value: float) -> str:
    """`human_number` of a stated figure: stores repeat their figures, so each is written once."""
    from decimal import Decimal

    exact = Decimal(repr(value))
    for size, word in SCALES:
        if abs(exact) >= size:
            shown = (exact / size).normalize()
            exponent = shown.as_tuple().exponent
            if isinstance(exponent, int) and exponent >= -MAX_SCALED_DECIMALS:
                return f"{shown:f} {word}"
            break
    if exact == exact.to_integral_value():
        return f"{int(exact):,}"
    return f"{exact:,f}"


def significant(number: float, digits: int = 3) -> str:
    """A computed number to three significant figures, trailing zeros kept (0.690, 5.00), never
    in exponent form: what the tool computes with, not a false precision."""
    if number == 0:
        return "0"
    if abs(number) >= 10 ** (digits + 1):
        return format_number(number)
    return f"{number:#.{digits}g}".removesuffix(".")


def count_noun(measure: str | None) -> str:
    """What a count counts, from its measure, when the measure starts with it (`projects signed`
    counts projects, `seats in the music hall` seats); otherwise nothing, and the statement
    beside it says."""
    words = (measure or "").split()
    if len(words) > 1 and words[0].endswith("s") and words[1] != "and":
        return words[0]
    return words[0] if len(words) == 1 and words[0].endswith("s") else ""


def year_text(value: object) -> str:
    """A year as it is written: its digits alone (the end of a rounded year, 2027.5, with its
    half)."""
    if isinstance(value, bool) or not isinstance(value, (Rational, float)):
        return person_text(value)
    number = float(value)
    return str(int(number)) if number.is_integer() else repr(number)


def figure_text(
    value: object, unit: str | None, bound: str | None = None, measure: str | None = None
) -> str:
    """A figure with its unit in words and its bound in words: `over 100 billion yuan`,
    `91.1 km²`, `40%`, `1,700 seats`; a computed ratio `3.08 times`. Empty where no figure is
    given."""
    if value is None:
        return ""
    if unit == "year":  # a year is named, not counted: 2028, never "2,028 year"
        return f"{BOUND_WORDS.get(bound or '', '')} {year_text(value)}".strip()
    number = human_number(value)
    if unit == "percent":
        text = f"{number}%"
    elif unit == "count":
        text = f"{number} {count_noun(measure)}".strip()
    else:
        text = f"{number} {unit_words(unit)}".strip()
    prefix = BOUND_WORDS.get(bound or "")
    return f"{prefix} {text}" if prefix else text


def _outward(low: float, high: float) -> tuple[str, str]:
    """A computed interval at three significant figures, or as many more as it takes for it to
    be at most twice as wide as computed, each end rounded outward so that the interval shown
    holds the one computed."""
    from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

    widest = max(abs(low), abs(high)) or 1.0
    magnitude = Decimal(repr(widest)).adjusted()
    for digits in range(3, 8):
        step = Decimal(1).scaleb(magnitude - digits + 1)
        shown_low = Decimal(repr(low)).quantize(step, rounding=ROUND_FLOOR)
        shown_high = Decimal(repr(high)).quantize(step, rounding=ROUND_CEILING)
        if low == high or (shown_high - shown_low) <= 2 * Decimal(repr(high - low)):
            break
    exponent = step.as_tuple().exponent
    places = max(0, -exponent) if isinstance(exponent, int) else 0
    return f"{shown_low:,.{places}f}", f"{shown_high:,.{places}f}"


def interval_text(
    low: object, high: object, unit: str | None = None, computed: bool = False
) -> str:
    """The least and greatest values a figure allows, in words: `90.5 to 91.5 km²`, `over 100
    billion yuan` where there is no upper bound, `under 5%` where there is no lower one. A
    computed interval is shown as `_outward` rounds it."""
    words = unit_words(unit) if unit != "x" else ""  # a ratio's unit goes with its figure
    suffix = "%" if unit == "percent" else (f" {words}" if words else "")
    if not computed:  # a stated figure's interval: every digit of its bounds
        low, high = (float(end) if isinstance(end, Rational) else end for end in (low, high))
    if low is None and high is None:
        return ""
    if unit == "year":
        return _years(low, high)
    if high is None:
        return f"over {human_number(low)}{suffix}"
    if low is None:
        return f"under {human_number(high)}{suffix}"
    numbers = (int, float, Rational)
    if computed and isinstance(low, numbers) and isinstance(high, numbers):
        shown_low, shown_high = _outward(float(low), float(high))
    else:
        scaled = _in_one_scale(low, high)
        if scaled is not None:
            return f"{scaled}{suffix}"
        shown_low, shown_high = human_number(low), human_number(high)
    if shown_low == shown_high:
        return f"{shown_low}{suffix}"
    return f"{shown_low} to {shown_high}{suffix}"


def _in_one_scale(low: object, high: object) -> str | None:
    """Two large ends in the words of one scale, every digit kept: `5.3705 to 5.3715 billion`
    (a rounding's ends need a digit more than the figure, which `human_number` would write out
    as 5,370,500,000); None where they are not both of one scale."""
    from decimal import Decimal

    if not all(isinstance(end, (int, float)) and not isinstance(end, bool) for end in (low, high)):
        return None
    ends = [Decimal(repr(end)) for end in (low, high)]
    for size, word in SCALES:
        if all(abs(end) >= size for end in ends):
            if any(abs(end) >= size * 1000 for end in ends) or low == high:
                return None
            first, second = (f"{(end / size).normalize():f}" for end in ends)
            return f"{first} to {second} {word}"
    return None


def _years(low: object, high: object) -> str:
    if high is None:
        return f"after {year_text(low)}"
    if low is None:
        return f"before {year_text(high)}"
    if low == high:
        return year_text(low)
    return f"{year_text(low)} to {year_text(high)}"


def display_width(text: str) -> int:
    """How many terminal columns text takes: a wide (East Asian) character takes two."""
    if text.isascii():
        return len(text)
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def wrapped(text: str, width: int) -> str:
    """Text for a terminal of this width, each line broken at spaces only, its width counted
    in terminal columns (a Chinese character takes two): a word or an address longer than a
    line stands whole on its own line, for the terminal to show and a reader to copy."""
    room = max(width - 1, 20)
    lines: list[str] = []
    for line in text.split("\n"):
        current: list[str] = []
        used = 0
        for word in line.split(" "):
            size = display_width(word)
            if current and used + 1 + size > room:
                lines.append(" ".join(current))
                current, used = [], 0
            current.append(word)
            used += size + (1 if len(current) > 1 else 0)
        lines.append(" ".join(current))
    return "\n".join(lines)


def _json_default(value: object) -> Any:
    if isinstance(value, Rational):
        return float(value)
    raise TypeError(f"{type(value).__name__} is not JSON")


def encodes_unicode(stream: IO[str]) -> bool:
    encoding = getattr(stream, "encoding", None) or "utf-8"
    try:
        "\u534e\u202e".encode(encoding)
    except (UnicodeEncodeError, LookupError):
        return False
    return True


#: Rows joined into one write: few enough calls to the stream, never the whole listing at once.
_ROWS_PER_WRITE = 512


def _compact_encoder(ascii_only: bool) -> Callable[[object], str] | None:
    """The standard library's C encoder, made once for a whole write: `JSONEncoder.encode` makes
    a new one for every record it is given, which on 100,000 records costs a fifth of the
    encoding. None where the interpreter has no C encoder."""
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:
        return None
    escape = json.encoder.encode_basestring_ascii if ascii_only else json.encoder.encode_basestring
    try:
        chunks = make(None, _json_default, escape, None, ": ", ", ", False, False, True)
    except TypeError:  # another interpreter's signature: the documented encoder will do
        return None

    def encode(data: object) -> str:
        return "".join(chunks(data, 0))

    return encode


def _json_encoder(stream: IO[str], indent: int | None) -> Callable[[object], str]:
    """JSON text for this stream: ASCII escapes where it cannot encode Unicode, and on a
    terminal, escapes for the characters a terminal would act on. The stream is asked once,
    and one encoder serves every record of a write instead of a new one a record."""
    ascii_only = not encodes_unicode(stream)
    escape_unsafe = not ascii_only and stream.isatty()
    encoder = json.JSONEncoder(ensure_ascii=ascii_only, indent=indent, default=_json_default)
    compact = _compact_encoder(ascii_only) if indent is None else None
    encode_plain = compact or encoder.encode

    def encode(data: object) -> str:
        text = encode_plain(data)
        if escape_unsafe:
            text = _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
        return text

    return encode


def write_json_sections(data: Mapping[str, object], stream: IO[str]) -> None:
    """An object whose lists are written one item a line, as `write_json` writes an array: one
    JSON document however many items it holds, at the C encoder's speed."""
    encode = _json_encoder(stream, None)
    stream.write("{")
    for number, (key, value) in enumerate(data.items()):
        stream.write(("\n" if number == 0 else ",\n") + encode(key) + ": ")
        if isinstance(value, list) and value:
            stream.write("[\n")
            _write_lines(map(encode, value), ",\n", stream)
            stream.write("\n]")
        else:
            stream.write(encode(value))
    stream.write("\n}\n")


def _write_lines(lines: Iterable[str], separator: str, stream: IO[str]) -> None:
    """Lines joined by the separator, written a batch at a time so that a large listing never
    exists twice over as one string and its encoded bytes."""
    batch: list[str] = []
    first = True
    for line in lines:
        batch.append(line)
        if len(batch) == _ROWS_PER_WRITE:
            stream.write(("" if first else separator) + separator.join(batch))
            batch.clear()
            first = False
    if batch:
        stream.write(("" if first else separator) + separator.join(batch))


def write_json(data: object, stream: IO[str]) -> None:
    """An array is written one record a line (the C encoder, fast on large stores), an object
    indented; both are one JSON document."""
    if isinstance(data, list):
        encode = _json_encoder(stream, None)
        stream.write("[\n" if data else "[")
        _write_lines(map(encode, data), ",\n", stream)
        stream.write("\n]\n" if data else "]\n")
        return
    stream.write(_json_encoder(stream, 2)(data))
    stream.write("\n")


def select_fields(rows: Sequence[Mapping[str, Any]], fields: Sequence[str]) -> list[dict[str, Any]]:
    return [{field: row.get(field) for field in fields} for row in rows]


def _safe_cell(value: object) -> str:
    return _CELL_UNSAFE.sub(_escape_char, cell_text(value))


def write_ndjson(rows: Iterable[Mapping[str, Any]], stream: IO[str]) -> None:
    encode = _json_encoder(stream, None)
    _write_lines((f"{encode(row)}\n" for row in rows), "", stream)


def write_tsv(
    rows: Sequence[Mapping[str, Any]], columns: Sequence[str], stream: IO[str], header: bool = True
) -> None:
    if header:
        stream.write("\t".join(columns) + "\n")
    for row in rows:
        stream.write("\t".join(_safe_cell(row.get(column)) for column in columns) + "\n")


#: What a spreadsheet reads as the start of a formula.
FORMULA_STARTS = ("=", "+", "-", "@")


def _spreadsheet_cell(value: object) -> str:
    """A cell a spreadsheet shows as text: a value it would run as a formula gets a `'`."""
    text = _safe_cell(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def write_csv(
    rows: Sequence[Mapping[str, Any]],
    columns: Sequence[str],
    stream: IO[str],
    header: bool = True,
    excel_safe: bool = False,
) -> None:
    """Values as they are, so that csv round-trips like every format; with `excel_safe`, a copy
    for spreadsheets, where a value starting with = + - or @ would be run as a formula."""
    import csv

    writer = csv.writer(stream, lineterminator="\n")
    cell = _spreadsheet_cell if excel_safe else _safe_cell
    if header:
        writer.writerow(columns)
    for row in rows:
        writer.writerow([cell(row.get(column)) for column in columns])


def _markdown_escape_char(match: re.Match[str]) -> str:
    char = match.group()
    return "\\" + char if char in MARKDOWN_SPECIAL else _escape_char(match)


def write_markdown(
    rows: Sequence[Mapping[str, Any]], columns: Sequence[str], stream: IO[str]
) -> None:
    """A table whose cells show a store's text as text: every character of Markdown's markup
    has a backslash before it (in CommonMark a link, an image or raw HTML in a store is never
    made live; a renderer that links bare addresses still links a bare web address),
    and tabs, line breaks and controls are written as in a tsv cell, so the table reads back
    to the same values."""

    def cell(value: object) -> str:
        return _MARKDOWN_CELL_UNSAFE.sub(_markdown_escape_char, cell_text(value))

    stream.write("| " + " | ".join(columns) + " |\n")
    stream.write("|" + "|".join(" --- " for _ in columns) + "|\n")
    for row in rows:
        stream.write("| " + " | ".join(cell(row.get(column)) for column in columns) + " |\n")
