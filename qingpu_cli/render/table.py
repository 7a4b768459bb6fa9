"""A listing's table on a terminal, laid out and written without Rich.

Most screens are a table that fits: its layout (each column as wide as its ids and numbers and
its prose at least readable, the rest shared out) and its lines are plain text, written here
with the few escapes of bold and dim a terminal needs, so that a listing does not pay for
importing Rich, which costs a bare interpreter's start-up several times over. Rich, through
`screens`, draws what needs it: the record view where a table cannot fit, `compare`'s groups
around their tables, one record, the charts and the overview.
"""

from __future__ import annotations

import os
import re
import sys
import unicodedata
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from qingpu_cli.cli.run import Streams
from qingpu_cli.render import people
from qingpu_cli.render.formats import display_width, encodes_unicode, person_text, visible

if TYPE_CHECKING:
    from qingpu_cli.cli.commands import Listing
    from qingpu_cli.library.folding import Needle
    from qingpu_cli.store.models import Store

#: A table is drawn whole, so more rows than this are shown one record a block, each printed as
#: it is made: the first lines come at once and no table of 100,000 rows is held in memory.
MAX_TABLE_ROWS = 1_000

#: A value longer than this is shown in the record view: no table lays it out in good time.
MAX_TABLE_VALUE = 10_000

#: Column headers that are not simply the key in words.
_HEADERS = {
    "id": "ID",
    "url": "URL",
    "projects_signed": "Projects",
    "projects": "Projects signed",
    "scale_label": "Scale",
    "formula": "Check",
    "against": "Held against",
    "relative_gap": "Gap",
    "city_name": "City",
    "measure_name": "Measure",
}

#: Prose narrower than this reads as a column of fragments: the record view reads better.
MIN_PROSE_WIDTH = 10
#: How narrow prose may go on a terminal with no room for that: a table still reads better
#: than a block a record, from 60 columns.
MIN_NARROW_PROSE = 8
MIN_LEAD_WIDTH = 20
#: Columns that name their row, which a table keeps at least MIN_LEAD_WIDTH wide.
LEADS = frozenset({"statement", "name", "label", "formula"})
#: Columns whose cells read as one word though they have spaces: a verdict and its mark.
UNBROKEN = frozenset({"verdict", "id"})

#: Columns of short phrases (a figure, an interval, a name) that get their whole width before
#: the prose beside them grows, where that is at most a third of the terminal.
WHOLE_IF_ROOM = frozenset(
    {"figure", "interval", "bounds", "as_stated", "city_name", "measure_name", "period"}
)

_BOLD, _DIM, _MARKED, _RESET = "\x1b[1m", "\x1b[2m", "\x1b[1;7m", "\x1b[0m"


def header(field: str) -> str:
    """A key as a person reads it: `agreement_kinds` is "Agreement kinds"."""
    return _HEADERS.get(field) or field.replace("_", " ").capitalize()


def has_huge_value(rows: Sequence[Mapping[str, Any]], columns: Sequence[str]) -> bool:
    return any(
        len(person_text(row.get(column))) > MAX_TABLE_VALUE for row in rows for column in columns
    )


def cell_text(value: object) -> str:
    """What a cell shows: the value as a person reads it, with control characters escaped."""
    return visible(person_text(value))


#: A date or a month as a word of its own (a list's comma after it), which reads only whole:
#: never "2021-04-" above "02". Inside prose ("dated 2025-07-30)") it breaks as any compound.
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}(?:-[0-9]{2})?[,;]?")


def _unbroken_dates(word: str) -> str:
    """The word made solid where it is a date (its hyphens as digits), for the search of the
    hyphens, dots and slashes a word may break after."""
    return "0" * len(word) if "-" in word and _DATE.fullmatch(word) else word


def _unbreakable(word: str) -> int:
    """How many columns of a word must stand on one line: all of it, but where it holds
    Chinese, which breaks between any two characters, only its longest run of other text."""
    word = _unbroken_dates(word)
    if word.isascii():
        # a compound breaks after its hyphens: "Shanghai-Suzhou-" then "Jiashan"
        return (
            max(len(part) + 1 for part in word.split("-")) - 1
            if "-" in word.strip("-")
            else len(word)
        )
    longest = run = 0
    for char in word:
        wide = unicodedata.east_asian_width(char) in "WF"
        run = 0 if wide else run + 1
        longest = max(longest, 2 if wide else run)
    return longest


def longest_word(text: str) -> int:
    return max((_unbreakable(word) for word in text.split()), default=0)


#: Where a long word of Latin letters may break on a narrow terminal: after these marks.
_WORD_BREAKS = re.compile(r"(?<=[-./])")


def _longest_part(text: str) -> int:
    """The widest piece of the text's words once they break after hyphens, dots and slashes."""
    return max(
        (
            _unbreakable(part)
            for word in text.split()
            for part in (_WORD_BREAKS.split(_unbroken_dates(word)) if word.isascii() else [word])
        ),
        default=0,
    )


class Column:
    """How wide a column must be so that no word of it is split, and would like to be."""

    def __init__(self, field: str, texts: Sequence[str]) -> None:
        self.field = field
        self.header = header(field)
        words = max(longest_word(self.header), *(longest_word(text) for text in texts))
        longest = max((display_width(text) for text in texts), default=0)
        self.widest = max(len(self.header), longest)
        breakable = (" " in text or longest_word(text) < display_width(text) for text in texts)
        self.atomic = field in UNBROKEN or not any(breakable)
        """Ids, numbers, units: as wide as the widest, so never wrapped (the header may be)."""
        self.least = max(words, longest if self.atomic else min(longest, MIN_PROSE_WIDTH))
        if field in LEADS and not self.atomic:
            # the column that names the row: narrower, the record view reads better
            self.least = max(self.least, min(self.widest, MIN_LEAD_WIDTH))
        parts = max((_longest_part(text) for text in (self.header, *texts)), default=0)
        if field in UNBROKEN:  # an id breaks after a hyphen, a verdict between its words
            self.narrowest = parts
        else:
            self.narrowest = (
                self.least if self.atomic else max(parts, min(self.least, MIN_NARROW_PROSE))
            )
        """How narrow it may go where a terminal has no room for its least width: prose whose
        long words break after their hyphens, dots and slashes (`chinadaily.` / `com.cn`), ids
        after their hyphens, a verdict between its mark and words."""


def widths(columns: Sequence[Column], room: int) -> list[int] | None:
    """Each column's width within the room, or None when not even the least widths fit. What
    is left goes first to the headers of ids and numbers, so that they read on one line, then
    to figures and intervals, so that they do too where there is room, then to prose, in
    proportion to how much more each would like."""
    sizes = [column.least for column in columns]
    if sum(sizes) > room:  # a narrow terminal: long words break after their hyphens and dots
        sizes = [column.narrowest for column in columns]
    spare = room - sum(sizes)
    if spare < 0:
        return None
    made_whole = 0  # what the short phrases took: at most half the room, so prose still reads
    for kind in ("atomic", "whole if room"):
        for index, column in enumerate(columns):
            whole = column.field in WHOLE_IF_ROOM and column.widest <= room // 3
            if kind != "atomic" and whole:
                whole = made_whole + column.widest <= room // 2
                made_whole += column.widest if whole else 0
            if column.atomic if kind == "atomic" else whole:
                grown = min(column.widest - sizes[index], spare)
                sizes[index] += grown
                spare -= grown
    wants = [max(0, column.widest - size) for column, size in zip(columns, sizes, strict=True)]
    total = sum(wants)
    if total <= spare:
        return [size + want for size, want in zip(sizes, wants, strict=True)]
    shares = [want * spare // total for want in wants]
    left = spare - sum(shares)
    for index in sorted(range(len(columns)), key=lambda i: wants[i] - shares[i], reverse=True):
        if left <= 0:
            break
        shares[index] += 1
        left -= 1
    return [size + share for size, share in zip(sizes, shares, strict=True)]


#: Marks that close what comes before them: a line never starts with one.
_CLOSING = frozenset(",.;:!?)]}\u3001\u3002\uff0c\uff09\u300d\u300f")


def _breaks_at(word: str, cut: int) -> bool:
    """Whether Chinese text may break before its character at `cut`: between any two, but
    never inside a number or a word of Latin letters (规划面积12 | 2平方公里 splits 122; 129.27
    stays whole), nor before a mark that closes what precedes it."""
    before, after = word[cut - 1], word[cut]
    if after in _CLOSING:
        return False
    if before.isascii() and after.isascii() and before.isalnum() and after.isalnum():
        return False
    return not (before in ".," and cut > 1 and word[cut - 2].isdigit() and after.isdigit())


def _fold(word: str, width: int) -> tuple[str, str]:
    """The longest start of a word that fits the width, and the rest (Chinese breaks between
    any two characters, but not inside a number)."""
    taken = 0
    for index, char in enumerate(word):
        taken += display_width(char)
        if taken > width:
            if word.isascii():
                solid = _unbroken_dates(word)
                cut = max(solid.rfind(mark, 0, index) for mark in "-./") + 1
            else:
                cut = index
                while cut > 0 and not _breaks_at(word, cut):
                    cut -= 1
            at = cut if cut > 0 else max(index, 1)
            return word[:at], word[at:]
    return word, ""


def wrap(text: str, width: int) -> list[str]:
    """Text in lines of at most `width` columns, broken at spaces; a word longer than a line
    is folded."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        while display_width(word) > width:
            if line:
                lines.append(line)
                line = ""
            head, word = _fold(word, width)
            lines.append(head)
        if not word:
            continue
        if not line:
            line = word
        elif display_width(line) + 1 + display_width(word) <= width:
            line = f"{line} {word}"
        else:
            lines.append(line)
            line = word
    if line or not lines:
        lines.append(line)
    return lines


def terminal_size() -> tuple[int, int]:
    """The terminal's columns and lines: COLUMNS and LINES where each is a size, else the
    terminal's own, else 80 by 24; as `shutil.get_terminal_size` gives them, without importing
    shutil and the compression modules it imports, which a screen does not need."""
    sizes = []
    for name in ("COLUMNS", "LINES"):
        try:
            sizes.append(int(os.environ[name]))
        except (KeyError, ValueError):
            sizes.append(0)
    columns, lines = sizes
    if columns <= 0 or lines <= 0:
        stdout = sys.__stdout__
        try:
            size = os.get_terminal_size(stdout.fileno()) if stdout else os.terminal_size((80, 24))
        except (AttributeError, ValueError, OSError):  # closed, detached, not a terminal
            size = os.terminal_size((80, 24))
        columns = columns if columns > 0 else size.columns or 80
        lines = lines if lines > 0 else size.lines or 24
    return columns, lines


def terminal_width() -> int:
    """The terminal's width: COLUMNS where it is a width, else the terminal's own, else 80."""
    return max(1, terminal_size()[0])


def table_lines(
    rows: Sequence[Mapping[str, Any]],
    columns: Sequence[str],
    width: int,
    title: str | None = None,
    caption: str | None = None,
    needle: Needle | None = None,
    color: bool = False,
    ascii_only: bool = False,
) -> list[str] | None:
    """The lines of a table that fits the width with no id, number or word split; None where
    it cannot fit."""
    texts = [[cell_text(row.get(column)) for column in columns] for row in rows]
    shape = [Column(field, [row[i] for row in texts]) for i, field in enumerate(columns)]
    sizes = widths(shape, width - (len(columns) - 1))
    if sizes is None:
        return None

    def styled(text: str, style: str) -> str:
        return f"{style}{text}{_RESET}" if color and text else text

    def marked(text: str) -> str:
        if not color or needle is None:
            return text
        spans = needle.spans(text)
        for start, end in reversed(spans):
            text = text[:start] + _MARKED + text[start:end] + _RESET + text[end:]
        return text

    def joined(cells_of_row: Sequence[list[str]], style: str = "", mark: bool = False) -> list[str]:
        height = max(len(lines) for lines in cells_of_row)
        out = []
        for number in range(height):
            parts = []
            for lines, size in zip(cells_of_row, sizes, strict=True):
                text = lines[number] if number < len(lines) else ""
                pad = " " * (size - display_width(text))
                shown = marked(text) if mark else styled(text, style)
                parts.append(shown + pad)
            out.append(" ".join(parts).rstrip())
        return out

    total = sum(sizes) + len(sizes) - 1
    lines = [styled(title, _BOLD)] if title else []
    lines += joined(
        [wrap(column.header, size) for column, size in zip(shape, sizes, strict=True)], _BOLD
    )
    lines.append(("-" if ascii_only else "\u2500") * total)
    for row in texts:
        lines += joined(
            [wrap(text, size) for text, size in zip(row, sizes, strict=True)], mark=True
        )
    if caption:
        lines += [styled(line, _DIM) for line in wrap(visible(caption), max(total, 20))]
    return lines


def write_listing(
    listing: Listing,
    rows: Sequence[Mapping[str, Any]],
    store: Store,
    fields: Sequence[str] | None,
    wide: bool,
    streams: Streams,
    highlight: str | None = None,
) -> None:
    """A listing on a terminal: its short columns (every field with `--wide`, the chosen ones
    with `--fields`), each cell as a person reads it, drawn here as plain lines where a table
    fits; grouped under headings in words where the listing says so; the verdicts' legend once,
    at the foot. What does not fit as a table goes to the record view."""
    if not rows and listing.empty is not None:
        return  # the listing has said so on stderr, once
    names = people.names_of(store)
    ascii_only = not encodes_unicode(streams.stdout)
    chosen = fields or (listing.fields if wide else listing.screen or listing.columns)
    columns = people.present(chosen, rows)
    caption = people.legend_of(rows, ascii_only) or listing.caption
    group = listing.group if listing.group and not fields and not wide else None
    shown = people.person_rows(rows, columns, names, ascii_only)
    huge = has_huge_value(shown, columns)
    if group is None and rows and len(rows) <= MAX_TABLE_ROWS and not huge:
        from qingpu_cli.library.folding import Needle

        needle = Needle(highlight) if highlight else None
        title = f"{listing.title} ({len(rows):,})"
        lines = table_lines(
            shown, columns, terminal_width(), title, caption, needle, streams.color, ascii_only
        )
        if lines is not None:
            streams.stdout.write("\n".join(lines) + "\n")
            return
    if group is not None and rows:
        grouped = grouped_lines(listing, rows, group, columns, names, caption, streams)
        if grouped is not None:
            streams.stdout.write("\n".join(grouped) + "\n")
            return
    from qingpu_cli.render.screens import write_grouped, write_table

    if group is None or not rows or huge:
        write_table(shown, columns, streams, listing.title, highlight, caption)
        return
    write_grouped(listing, rows, group, columns, names, caption, streams)


def grouped_lines(
    listing: Listing,
    rows: Sequence[Mapping[str, Any]],
    group: str,
    columns: Sequence[str],
    names: people.Names,
    caption: str | None,
    streams: Streams,
) -> list[str] | None:
    """Rows under a heading for each value of the group's field, as `screens.write_grouped`
    draws them with Rich, line for line and escape for escape, but without importing it; None
    where only Rich can tell how (`lines` says where) or a group's table does not fit."""
    from qingpu_cli.render import lines

    width = lines.console_width(streams.color)
    if width is None:
        return None
    color = streams.color
    ascii_only = not encodes_unicode(streams.stdout)
    title = lines.styled_lines(
        cell_text(f"{listing.title} ({len(rows):,})"), width, lines.BOLD, color
    )
    legend = lines.styled_lines(cell_text(caption), width, lines.DIM, color) if caption else []
    if title is None or legend is None:
        return None
    out = title
    groups: dict[object, list[Mapping[str, Any]]] = {}
    for row in rows:
        groups.setdefault(row.get(group), []).append(row)
    for key, members in groups.items():
        heading = lines.styled_lines(
            cell_text(people.heading(members, names)),
            width,
            lines.BOLD,
            color,
            (f" ({cell_text(key)})", lines.BOLD_CYAN),
        )
        if heading is None:
            return None
        shown = people.person_rows(members, columns, names, ascii_only)
        table = table_lines(shown, columns, width, color=color, ascii_only=ascii_only)
        if table is None:
            return None
        out += ["", *heading, *table]
    return [*out, "", *legend] if legend else out
