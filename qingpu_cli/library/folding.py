"""How a search text meets the store's text: both sides folded the same way.

A person types full-width Latin letters with a Chinese input method, a Chinese name in
traditional characters, `école` composed or decomposed, `strasse` for Straße. Both sides are
normalised (NFKC) and case-folded, and where the search text holds Chinese characters both sides
are also converted to simplified characters by OpenCC, a maintained conversion library, imported
only then. The highlight on a screen is found by the very same folding, so what is marked is
what matched.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Protocol

#: The CJK ideographs (unified, extension A, compatibility): text that holds one is Chinese here.
_CHINESE = "[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]"
_ASCII_RUN = re.compile("[\x00-\x7f]+")


def fold(text: str) -> str:
    """Normalised and case-folded: what two texts are compared as. ASCII needs neither
    normalisation nor the Unicode database (imported only for other text)."""
    if text.isascii():
        return text.lower()
    import unicodedata

    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())


def _has_chinese(text: str) -> bool:
    return not text.isascii() and re.search(_CHINESE, text) is not None


class _Converter(Protocol):
    def convert(self, text: str) -> str: ...


@cache
def _to_simplified() -> _Converter:
    import opencc

    converter: _Converter = opencc.OpenCC("t2s")
    return converter


def simplified(text: str) -> str:
    """Traditional characters as simplified ones; text without Chinese is left as it is."""
    return _to_simplified().convert(text) if _has_chinese(text) else text


class Needle:
    """A search text, folded once, matched against many texts."""

    def __init__(self, text: str) -> None:
        folded = fold(text)
        self.chinese = _has_chinese(folded)
        self.folded = simplified(folded) if self.chinese else folded

    def _prepared(self, text: str) -> str:
        folded = fold(text)
        return simplified(folded) if self.chinese else folded

    def is_whole(self, text: str) -> bool:
        """Whether the text, folded alike, is the search text itself, not merely holds it."""
        return bool(self.folded) and self.folded == self._prepared(text)

    def found_in(self, text: str) -> bool:
        return bool(self.folded) and self.folded in self._prepared(text)

    def spans(self, text: str) -> list[tuple[int, int]]:
        """Where in the text (start, end, as indexes of the text itself) the search text is
        found, for a highlight. The text is folded a cluster at a time (a character and the
        marks that combine with it), so that each folded character points back to its origin;
        a run of ASCII characters, which fold one to one, is folded whole, and a cluster met
        again is not folded again (a value of ten megabytes is marked in a second or two)."""
        if not self.folded:
            return []
        import bisect
        import unicodedata

        distinct = set(text)
        if not any(unicodedata.combining(char) for char in distinct):
            table = {char: self._prepared(char) for char in distinct}
            if all(len(piece) == 1 for piece in table.values()):  # one to one: the usual text
                whole = "".join(map(table.__getitem__, text))
                width = len(self.folded)
                places: list[tuple[int, int]] = []
                at = whole.find(self.folded)
                while at >= 0:
                    places.append((at, at + width))
                    at = whole.find(self.folded, at + width)
                return places
        pieces: list[str] = []
        folded_at: list[int] = []  # where each segment starts in the folded text
        text_at: list[int] = []  # and in the text
        text_end: list[int] = []
        one_to_one: list[bool] = []
        known: dict[str, str] = {}
        size, position, folded_size = len(text), 0, 0
        while position < size:
            run = _ASCII_RUN.match(text, position)
            end = run.end() if run else position
            if end < size and end > position and unicodedata.combining(text[end]):
                end -= 1  # the last character combines with the mark after it
            if end > position:
                piece, alike = text[position:end].lower(), True
            else:
                end = position + 1
                while end < size and unicodedata.combining(text[end]):
                    end += 1
                cluster = text[position:end]
                cached = known.get(cluster)
                if cached is None:
                    cached = known[cluster] = self._prepared(cluster)
                piece = cached
                alike = False
            pieces.append(piece)
            folded_at.append(folded_size)
            text_at.append(position)
            text_end.append(end)
            one_to_one.append(alike)
            folded_size += len(piece)
            position = end
        folded = "".join(pieces)

        def origin(index: int, last: bool) -> int:
            segment = bisect.bisect_right(folded_at, index) - 1
            if one_to_one[segment]:
                return text_at[segment] + index - folded_at[segment] + (1 if last else 0)
            return text_end[segment] if last else text_at[segment]

        found: list[tuple[int, int]] = []
        at = folded.find(self.folded)
        while at >= 0:
            end = at + len(self.folded)
            found.append((origin(at, False), origin(end - 1, True)))
            at = folded.find(self.folded, end)
        return found
