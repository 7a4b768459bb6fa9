"""How a search text meets the store's text: both sides folded the same way.

A person types full-width Latin letters with a Chinese input method, a Chinese name in
traditional characters, `école` composed or decomposed, `strasse` for Straße. Both sides are
normalised (NFKC) and case-folded, and where the search text holds Chinese characters both sides
are also converted to simplified characters by OpenCC, a maintained conversion library, imported
only then. The highlight on a screen is found by the very same folding, so what is marked is
what matched.

What separates words does not count: `low altitude` finds `low-altitude`, and `qingpu` finds
`Qing-pu` (both sides are compared without their spaces, hyphens and punctuation too). A
Chinese name is also found by its pinyin, with or without tone marks or numbers and spaces
(`qingpu xincheng`, `Qīngpǔ Xīnchéng` find 青浦新城), through pypinyin, a maintained converter,
imported only when a Latin search text meets Chinese text.
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
    return normalized(normalized(text).casefold())


#: How much of a long text is normalised at a time.
NORMALIZED_PIECE = 1 << 16


def normalized(text: str, piece: int = NORMALIZED_PIECE) -> str:
    """The text in NFKC, a piece at a time where it is long. Where a text is not normal the
    whole of it is rebuilt, a third of a second for ten megabytes with one `²` at its start;
    in pieces, only the piece that holds it is. A piece ends before a space: no character
    composes with a space or reorders across it, so the pieces normalise as the whole does
    (a property test holds the two alike)."""
    import unicodedata

    if len(text) <= piece or unicodedata.is_normalized("NFKC", text):
        return unicodedata.normalize("NFKC", text)
    pieces = []
    start = 0
    while start < len(text):
        end = text.find(" ", start + piece)
        end = len(text) if end == -1 else end
        part = text[start:end]
        pieces.append(
            part if unicodedata.is_normalized("NFKC", part) else unicodedata.normalize("NFKC", part)
        )
        start = end
    return "".join(pieces)


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


#: What separates words: every character that is not a letter or digit (`str.isalnum`, which
#: is what `\w` matches, but for the underscore).
_SEPARATORS = re.compile(r"[\W_]+")


def compact(text: str) -> str:
    """Text without what separates its words: only its letters and digits. A search compares
    every field of the store this way, so it is one pass of a compiled pattern."""
    return _SEPARATORS.sub("", text)


def _toneless(text: str) -> str:
    """Pinyin as typed without tones: marks dropped (`ǔ` is `u`), tone numbers too (`pu3`)."""
    import unicodedata

    # ü (with or without a tone) is typed v, as pypinyin writes it
    spelled = unicodedata.normalize("NFD", text).replace("u\u0308", "v").replace("U\u0308", "V")
    bare = "".join(char for char in spelled if not unicodedata.combining(char))
    return re.sub("(?<=[a-z])[1-5]", "", bare)


@cache
def pinyin(text: str) -> str:
    """Chinese text as its pinyin without tones, run together: 青浦新城 is `qingpuxincheng`."""
    from pypinyin import Style, lazy_pinyin

    return compact("".join(lazy_pinyin(text, style=Style.NORMAL, v_to_u=False))).lower()


class Needle:
    """A search text, folded once, matched against many texts."""

    def __init__(self, text: str) -> None:
        folded = fold(text)
        self.chinese = _has_chinese(folded)
        self.folded = simplified(folded) if self.chinese else folded
        self.compact = compact(self.folded)
        spoken = compact(_toneless(self.folded)) if not self.chinese else ""
        self.pinyin = spoken if spoken.isascii() and spoken.isalpha() else ""
        """The text as pinyin a Chinese name may be read as; empty: it cannot be pinyin."""

    def _prepared(self, text: str) -> str:
        folded = fold(text)
        return simplified(folded) if self.chinese else folded

    def is_whole(self, text: str) -> bool:
        """Whether the text, folded alike, is the search text itself, not merely holds it."""
        if not self.folded:
            return False
        prepared = self._prepared(text)
        return self.folded == prepared or (bool(self.compact) and self.compact == compact(prepared))

    def found_in(self, text: str) -> bool:
        if not self.folded:
            return False
        prepared = self._prepared(text)
        return self.folded in prepared or (bool(self.compact) and self.compact in compact(prepared))

    def sounds_in(self, text: str) -> bool:
        """Whether the text holds Chinese whose pinyin holds the search text."""
        return bool(self.pinyin) and _has_chinese(text) and self.pinyin in pinyin(text)

    def spans(self, text: str) -> list[tuple[int, int]]:
        """Where in the text (start, end, as indexes of the text itself) the search text is
        found, for a highlight: where it stands as folded, else (for a match that rests on
        what separates words) where it stands with the separators left out on both sides."""
        found = self._folded_spans(text)
        if found or not self.compact or self.compact == self.folded:
            return found
        return self._compact_spans(text)

    def _compact_spans(self, text: str) -> list[tuple[int, int]]:
        """The spans of the search text without its separators, in the text without its own:
        folded a cluster at a time, so that each kept character points back to its origin."""
        import unicodedata

        pieces: list[str] = []
        starts: list[int] = []
        ends: list[int] = []
        start = 0
        for index in range(1, len(text) + 1):
            if index < len(text) and unicodedata.combining(text[index]):
                continue
            piece = compact(self._prepared(text[start:index]))
            pieces.append(piece)
            starts.extend([start] * len(piece))
            ends.extend([index] * len(piece))
            start = index
        folded = "".join(pieces)
        found: list[tuple[int, int]] = []
        at = folded.find(self.compact)
        while at >= 0:
            end = at + len(self.compact)
            found.append((starts[at], ends[end - 1]))
            at = folded.find(self.compact, end)
        return found

    def _folded_spans(self, text: str) -> list[tuple[int, int]]:
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
