"""Lines of styled text as Rich's Console prints them, written without importing Rich.

A screen drawn in part with Rich must look the same where it is drawn without it: the same
width, the same breaks in a long line, the same escapes for bold, dim and cyan. Importing Rich
costs twice a bare interpreter's start-up, so a screen of plain tables and lines of text
(`compare`'s headings and legend around its tables) is written here. Where only Rich can tell
what it would print (a dumb terminal, Windows, colour under NO_COLOR, a word wider than the
line), these functions give None and Rich draws the screen. Rich's rule for breaking a line is
the same from its version 13.7 on.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable

from qingpu_cli.store.vocabulary import ascii_whole_number

#: Rich's escapes: a span styled within a text in a style has both (bold, and cyan within it).
BOLD, DIM, BOLD_CYAN, RESET = "\x1b[1m", "\x1b[2m", "\x1b[1;36m", "\x1b[0m"

#: A word as Rich's wrapping takes it: with the spaces before it (the first) and after it.
_WORD = re.compile(r"\s*\S+\s*")


def sizes_if_unusable() -> tuple[int | None, int | None]:
    """The terminal's width and height where COLUMNS or LINES is set but is no size (`0`,
    `abc`, `²`, a thousand digits), which Rich would otherwise take at its word or fail on:
    both are then given (Rich reads the variables again unless both are); (None, None)
    leaves the size to Rich."""
    given = [os.environ.get(name) for name in ("COLUMNS", "LINES")]
    usable = [ascii_whole_number(value, 5) if value is not None else None for value in given]
    if all(value is None or number for value, number in zip(given, usable, strict=True)):
        return None, None
    try:  # the terminal itself: shutil would read the same variables again
        columns, lines = os.get_terminal_size(sys.__stdout__.fileno() if sys.__stdout__ else 1)
    except (OSError, ValueError):
        columns, lines = 80, 24
    return usable[0] or columns or 80, usable[1] or lines or 24


def console_width(color: bool) -> int | None:
    """The width `screens.make_console` gives its Console: the size it is given where COLUMNS
    or LINES is no size, else COLUMNS, else the size of the first of standard input, output
    and error that is a terminal, else 80. None where Rich would measure otherwise (Windows, a
    dumb terminal) or style otherwise (colour under NO_COLOR)."""
    if sys.platform == "win32" or os.environ.get("TERM", "").lower() in ("dumb", "unknown"):
        return None
    if color and os.environ.get("NO_COLOR", "") != "":
        return None
    width, _ = sizes_if_unusable()
    if width is not None:
        return width
    columns = os.environ.get("COLUMNS")
    if columns is not None and columns.isdigit():
        return int(columns)
    for descriptor in (0, 1, 2):
        try:
            return os.get_terminal_size(descriptor).columns or 80
        except (AttributeError, ValueError, OSError):
            continue
    return 80


def _cells() -> Callable[[str], int]:
    from rich.cells import cell_len

    return cell_len


def spans(text: str, width: int) -> list[tuple[int, int]] | None:
    """Where each line of the text starts and ends when Rich prints it at this width: each word
    with the spaces after it, a line broken before a word that does not fit, the spaces beyond
    the width at a line's end dropped. None where only Rich can tell: a word wider than the
    width (Rich folds it), a line still too wide."""
    cells = len if text.isascii() else _cells()
    breaks: list[int] = []
    offset = 0
    for word in _WORD.finditer(text):
        length = cells(word.group().rstrip())
        if offset + length <= width:
            offset += cells(word.group())
            continue
        if length > width:
            return None
        if offset:
            breaks.append(word.start())
            offset = cells(word.group())
    found = []
    for start, end in zip([0, *breaks], [*breaks, len(text)], strict=True):
        line = text[start:end]
        if len(line) > width:
            end = start + max(len(line.rstrip()), width)
        if cells(text[start:end]) > width:
            return None
        found.append((start, end))
    return found


def wrapped(text: str, width: int) -> list[str] | None:
    """The lines Rich prints a line of text in at this width (see `spans`)."""
    found = spans(text, width)
    return None if found is None else [text[start:end] for start, end in found]


def styled(text: str, style: str, color: bool) -> str:
    """Text in a style, as Rich writes it in colour: nothing for empty text."""
    return f"{style}{text}{RESET}" if color and text else text


def styled_lines(
    text: str, width: int, style: str, color: bool, rest: tuple[str, str] = ("", "")
) -> list[str] | None:
    """A line of text in one style, and `rest` after it in another, wrapped as Rich wraps them
    together, each line's parts styled."""
    whole = text + rest[0]
    found = spans(whole, width)
    if found is None:
        return None
    cut = len(text)
    return [
        styled(whole[start : min(end, cut)], style, color)
        + styled(whole[max(start, cut) : end], rest[1], color)
        for start, end in found
    ]
