"""The record view of a large result: one record a block of `Header: value` lines, written as
plain lines (with the styles' escape codes where colour is on) rather than drawn by Rich.

Rich lays out every cell of every block, which for 100,000 rows, or one value of ten megabytes,
takes minutes and gigabytes. The blocks need no layout but wrapping at spaces, so they are
written a batch of lines at a time, in time and memory linear in what is shown.
"""

from __future__ import annotations

import bisect
import functools
import importlib
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any, NamedTuple

from rich.cells import cell_len, get_character_cell_size

from qingpu_cli.cli.run import Streams
from qingpu_cli.library.folding import Needle
from qingpu_cli.render.formats import person_text, visible

#: Lines written at a time: the first come at once, and memory stays small.
_LINES_PER_WRITE = 2048
Paint = Callable[[str, str], str]


def _painter(color_system: str | None) -> Paint:
    """A function that wraps text in a style's escape codes, or leaves it be without colour."""
    if not color_system:
        return lambda text, style: text
    from rich.color import ColorSystem
    from rich.style import Style

    system = {
        "standard": ColorSystem.STANDARD,
        "256": ColorSystem.EIGHT_BIT,
        "truecolor": ColorSystem.TRUECOLOR,
        "windows": ColorSystem.WINDOWS,
    }.get(color_system, ColorSystem.STANDARD)
    styles = {name: Style.parse(name) for name in ("bold", "dim", "cyan", "bold reverse")}
    return lambda text, style: styles[style].render(text, color_system=system) if text else text


_SPACE = re.compile(r"\s+")
_LAST_SPACE = re.compile(r"\s+(?=\S*$)")


def _fitting(text: str, start: int, room: int) -> int:
    """How many characters from `start` fill at most `room` cells."""
    count = min(room, len(text) - start)
    window = text[start : start + count]
    if window.isascii():
        return count
    excess = cell_len(window) - room
    while excess > 0:  # give back characters from the end, each by its own width
        count -= 1
        excess -= get_character_cell_size(text[start + count])
    return count


#: Where the quick wrap stands for a two-cell character: its first cell, then its second.
_TWO_CELLS = "\x02\x03"
_SECOND_CELL = _TWO_CELLS[1]


def _class(ranges: Sequence[tuple[int, int]]) -> str:
    """A regular expression's class of the code points in the ranges (of the first plane)."""
    return "[" + "".join(f"\\u{low:04x}-\\u{high:04x}" for low, high in ranges) + "]"


#: The controls, of no cells: C0, DEL and C1. An ASCII text with none is a character a cell.
_CONTROLS = ((0x00, 0x1F), (0x7F, 0x9F))
_CONTROL = re.compile(_class(_CONTROLS))


class CellClasses(NamedTuple):
    two_cells: re.Pattern[str]
    """A character of two cells (the quick wrap writes it as two)."""
    exact_only: re.Pattern[str]
    """A character only the exact wrap measures rightly."""


@functools.cache
def _cell_classes() -> CellClasses | None:
    """The characters of two cells, and those `wrapped` leaves to the exact way, made from the
    table rich measures by (a test holds them to `get_character_cell_size` over every code
    point); None where this rich keeps its table elsewhere, and every text goes the exact way.

    The exact way takes the characters of no cells (controls, combining marks, joiners), the
    white space of two cells (the quick way breaks lines at white space of one cell) and
    every plane past the first: with those in it, a class is a list of ranges tried in turn,
    not a lookup table, and ten times slower."""
    widths: Sequence[tuple[int, int, int]]
    try:
        widths = importlib.import_module("rich._unicode_data").load("auto").widths
    except (ImportError, AttributeError):
        try:  # rich before 14, where the controls' width is -1
            widths = importlib.import_module("rich._cell_widths").CELL_WIDTHS
        except (ImportError, AttributeError):
            return None
    plane = [(low, min(high, 0xFFFF), width) for low, high, width in widths if low <= 0xFFFF]
    two = re.compile(_class([(low, high) for low, high, width in plane if width == 2]))
    no_cells = [(low, high) for low, high, width in plane if width in (0, -1)]
    white = (code for code in range(0x3001) if chr(code).isspace())  # none comes later
    wide_spaces = [(code, code) for code in white if two.match(chr(code))]
    exact = _class([*_CONTROLS, *wide_spaces, *no_cells])
    return CellClasses(two, re.compile(f"{exact}|[\\U00010000-\\U0010ffff]"))


@functools.cache
def _line_pattern(room: int) -> re.Pattern[str]:
    """One line of at most `room` cells, from a word to the end of a word, where a cell is a
    character; or, where no line can start, the word too wide for the room (group 1)."""
    line = rf"\S(?:.{{0,{room - 2}}}\S)?" if room >= 2 else r"\S"
    return re.compile(rf"{line}(?=\s|\Z)|(\S)", re.DOTALL)


def wrapped(text: str, room: int) -> list[tuple[int, int]] | None:
    """Where each line of the text starts and ends when wrapped at spaces into `room` cells;
    None when a word is wider than the room (it is then printed whole, below its header).

    The regular expression engine finds the lines, in a copy of the text where each cell is
    one character (each character of two cells becomes two), so Python does a step a line,
    not a character: a value of ten megabytes, a fifth Chinese, is wrapped in about a third
    of a second. A text with characters that only the exact way measures rightly goes that
    way (`_wrapped_any`), and a test holds the two to the same lines."""
    if text.isascii() and not _CONTROL.search(text):
        cells = text
    else:
        classes = _cell_classes()
        if classes is None or classes.exact_only.search(text):
            return _wrapped_any(text, room)
        cells = classes.two_cells.sub(_TWO_CELLS, text)
    lines: list[tuple[int, int]] = []
    seconds = 0  # second cells before the line: the white space between lines has none
    count = cells.count
    for line in _line_pattern(room).finditer(cells):
        if line.lastindex:
            return None
        start, end = line.span()
        inside = count(_SECOND_CELL, start, end)
        lines.append((start - seconds, end - seconds - inside))
        seconds += inside
    return lines or [(0, 0)]


def _wrapped_any(text: str, room: int) -> list[tuple[int, int]] | None:
    """`wrapped` of any text: white space of every kind, characters of two cells."""
    lines: list[tuple[int, int]] = []
    size = len(text)
    leading = _SPACE.match(text)
    at = leading.end() if leading else 0
    while at < size:
        count = _fitting(text, at, room)
        end = at + count
        if end < size and not text[end].isspace():  # inside a word: break at the last space
            space = _LAST_SPACE.search(text, at, end)
            if space is None:
                return None
            end = space.start()
        line_end = end
        while line_end > at and text[line_end - 1].isspace():
            line_end -= 1
        lines.append((at, line_end))
        gap = _SPACE.match(text, end)
        at = gap.end() if gap else end
    return lines or [(0, 0)]


def _marked(text: str, start: int, end: int, spans: Sequence[tuple[int, int]], paint: Paint) -> str:
    """Part of a value with what the search matched in it marked."""
    if not spans:
        return text[start:end]
    parts = []
    at = start
    index = max(0, bisect.bisect_right(spans, (start, start)) - 1)
    while index < len(spans) and spans[index][0] < end:
        low, high = max(spans[index][0], at), min(spans[index][1], end)
        index += 1
        if high <= low:
            continue
        parts.append(text[at:low])
        parts.append(paint(text[low:high], "bold reverse"))
        at = high
    parts.append(text[at:end])
    return "".join(parts)


def field_lines(
    lead: str,
    label: str,
    indent: str,
    text: str,
    room: int,
    spans: Sequence[tuple[int, int]],
    paint: Paint,
) -> list[str]:
    """A field's lines: its value wrapped at spaces into the room beside its label (`lead`,
    padded), or, with a word too wide for the room, the label alone and the value whole below."""
    parts = wrapped(text, room)
    if parts is None:
        return [label, "  " + _marked(text, 0, len(text), spans, paint)]
    if spans:
        lines = [indent + _marked(text, start, end, spans, paint) for start, end in parts]
    else:  # a step a line: a value of ten megabytes is 170,000 of them
        lines = [indent + text[start:end] for start, end in parts]
    lines[0] = lead + lines[0][len(indent) :]
    return lines


def write_fields(
    fields: Sequence[tuple[str, str, str]], streams: Streams, width: int, color_system: str | None
) -> None:
    """One record's fields as `Header  value` lines, each (header, value, and a style for a
    short value such as "not given"), written as the blocks are: for a record with a value too
    long for Rich to lay out in good time."""
    paint = _painter(color_system)
    label_width = max(len(name) for name, _, _ in fields) + 2
    room = max(1, width - label_width)
    indent = " " * label_width
    lines: list[str] = []
    for name, text, style in fields:
        label = paint(name, "cyan")
        lead = label + " " * (label_width - len(name))
        if style:  # a short word in its style: "not given", "none"
            lines.append(lead + paint(text, style))
        else:
            lines += field_lines(lead, label, indent, text, room, [], paint)
        if len(lines) >= _LINES_PER_WRITE:
            streams.stdout.write("\n".join(lines) + "\n")
            lines.clear()
    if lines:
        streams.stdout.write("\n".join(lines) + "\n")


def write_blocks(
    rows: Sequence[Mapping[str, Any]],
    columns: Sequence[str],
    streams: Streams,
    title: str | None,
    needle: Needle | None,
    width: int,
    color_system: str | None,
    header: Callable[[str], str],
) -> None:
    """Each row a block: a numbered line, then a line a field, its value wrapped at spaces
    beside its header; a value with a word too wide for the room goes whole below it."""
    paint = _painter(color_system)
    out = streams.stdout
    lines: list[str] = []
    if title:
        lines.append(paint(visible(title), "bold"))
    label_width = max(max(len(header(column)) for column in columns) + 1, len(f"-- {len(rows)} --"))
    room = max(1, width - label_width - 1)
    labels = {column: paint(f"{header(column)}:", "cyan") for column in columns}
    pads = {column: " " * (label_width - len(header(column))) for column in columns}
    indent = " " * (label_width + 1)
    for number, row in enumerate(rows, start=1):
        lines.append(paint(f"-- {number} --", "dim"))
        for column in columns:
            text = visible(person_text(row.get(column)))
            spans = needle.spans(text) if needle is not None and color_system else []
            lead = labels[column] + pads[column]
            lines += field_lines(lead, labels[column], indent, text, room, spans, paint)
        if len(lines) >= _LINES_PER_WRITE:
            out.write("\n".join(lines) + "\n")
            lines.clear()
    if lines:
        out.write("\n".join(lines) + "\n")
