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
        marks that combine with it), so that each folded character points back to its origin."""
        if not self.folded:
            return []
        import unicodedata

        pieces: list[str] = []
        starts: list[int] = []
        ends: list[int] = []
        start = 0
        for index in range(1, len(text) + 1):
            if index < len(text) and unicodedata.combining(text[index]):
                continue
            piece = self._prepared(text[start:index])
            pieces.append(piece)
            starts.extend([start] * len(piece))
            ends.extend([index] * len(piece))
            start = index
        folded = "".join(pieces)
        found: list[tuple[int, int]] = []
        at = folded.find(self.folded)
        while at >= 0:
            end = at + len(self.folded)
            found.append((starts[at], ends[end - 1]))
            at = folded.find(self.folded, end)
        return found
