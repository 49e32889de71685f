"""Where things are in an article: the sentence and paragraph of any offset, and keyword hits searched by
bisection within reach of a mention."""

from __future__ import annotations

import bisect
import operator
from collections.abc import Callable
from typing import Final

from .mention import Mention

MAX_SCAN_DISTANCE = 160  # characters: beyond this a keyword says nothing about the amount


def _lowercase_after(text: str, pos: int) -> bool:
    """The word after the spaces at pos starts with a lowercase letter (False in scripts without case) and has
    no capital inside: a name written so ("xAI", "iPhone maker", "eBay") may open a sentence."""
    end = min(len(text), pos + 4)
    while pos < end and text[pos] in " \u00a0\t":
        pos += 1
    if not (pos < end and text[pos].islower()):
        return False
    word_end = pos
    while word_end < len(text) and word_end - pos < 24 and text[word_end].isalnum():
        word_end += 1
    return not any(c.isupper() for c in text[pos:word_end])


def _word_before(text: str, pos: int) -> str:
    start = pos
    while start > 0 and text[start - 1].isalpha() and pos - start < 12:
        start -= 1
    return text[start:pos]


def _ends_sentence(text: str, pos: int, abbreviations: frozenset[str]) -> bool:
    """Whether the . ! or ? at `pos` ends its sentence: a stop does not before a lowercase word or after an
    abbreviation of the language."""
    mark = text[pos]
    if _lowercase_after(text, pos + 1):
        return False
    return mark != "." or not abbreviations or _word_before(text, pos).casefold() not in abbreviations


def _after_each(text: str, mark: str) -> list[int]:
    """The offset after each occurrence of the character `mark`."""
    found, i = [], text.find(mark)
    while i >= 0:
        found.append(i + 1)
        i = text.find(mark, i + 1)
    return found


class Spans:
    """Sentence and paragraph index of any offset, by binary search over boundary positions."""

    def __init__(self, text: str, abbreviations: frozenset[str] = frozenset()) -> None:
        # A sentence ends at a line break, at 。！？ and at . ! ? before a space or the end. In a cased script the
        # next sentence starts with a capital: a stop before a lowercase word is an abbreviation or a typo, not
        # an end. Each mark found by `str.find`: a third of the time of one regex over the text.
        self.paragraph_ends = _after_each(text, "\n")
        ends = [*self.paragraph_ends, *_after_each(text, "。"), *_after_each(text, "！"), *_after_each(text, "？")]
        for mark in ".!?":
            ends += [end for end in _after_each(text, mark)
                     if (end == len(text) or text[end].isspace()) and _ends_sentence(text, end - 1, abbreviations)]
        ends.sort()
        self.sentence_ends = ends

    def sentence(self, pos: int) -> int:
        return bisect.bisect_right(self.sentence_ends, pos)

    def paragraph(self, pos: int) -> int:
        return bisect.bisect_right(self.paragraph_ends, pos)


class Hit:
    """A keyword at [start, end) and what it names; equal, hashed and shown as a frozen dataclass of these three
    fields would be. Written out: a frozen dataclass's `__init__` sets each field through `object.__setattr__`,
    half a microsecond a hit in the compiled extractor, and an article makes dozens."""

    __slots__ = ("end", "label", "start")

    def __init__(self, start: int, end: int, label: str) -> None:
        self.start: Final = start
        self.end: Final = end
        self.label: Final = label

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        assert isinstance(other, Hit)
        return (self.start, self.end, self.label) == (other.start, other.end, other.label)

    def __hash__(self) -> int:
        return hash((self.start, self.end, self.label))

    def __repr__(self) -> str:
        return f"Hit(start={self.start!r}, end={self.end!r}, label={self.label!r})"


def keyword_hits(spans: list[tuple[int, int]], text: str, label_of: dict[str, str] | None = None,
          label: str = "") -> list[Hit]:
    """Keyword spans as hits, labelled by the table's name for the words found (or by one fixed label)."""
    if label_of is None:
        return [Hit(start, end, label) for start, end in spans]
    return [Hit(start, end, label_of.get((word := text[start:end]).casefold(), word)) for start, end in spans]


_START = operator.attrgetter("start")


class Hits:
    """Keyword hits sorted by position, searched by bisection: each mention looks only at the hits within
    reach (MAX_SCAN_DISTANCE), so the work per mention stays bounded however long the article is."""

    __slots__ = ("hits", "longest", "starts")

    def __init__(self, hits: list[Hit]) -> None:
        starts = [h.start for h in hits]
        longest = 0
        ordered = True  # most tables come in text order: no sort, no key call per hit
        for i in range(len(hits)):
            longest = max(longest, hits[i].end - starts[i])
            if i and starts[i] < starts[i - 1]:
                ordered = False
        self.hits = list(hits) if ordered else sorted(hits, key=_START)
        self.starts = starts if ordered else [h.start for h in self.hits]
        self.longest = longest

    def near(self, lo: int, hi: int) -> list[Hit]:
        """Hits that start in [lo - longest, hi): every hit overlapping [lo, hi)."""
        return self.hits[bisect.bisect_left(self.starts, lo - self.longest):bisect.bisect_left(self.starts, hi)]

    def where(self, keep: Callable[[Hit], bool]) -> Hits:
        return Hits([h for h in self.hits if keep(h)])


def nearest(hits: Hits, m: Mention, spans: Spans, *, same: str = "sentence", before: bool = False,
             keep: Callable[[Hit], bool] | None = None) -> Hit | None:
    """The hit closest to the mention in the same sentence (or paragraph); ties go to the one before. With
    `before`, only hits that end before the mention; with `keep`, only hits it accepts."""
    starts = hits.starts
    if not starts:  # most tables have no hit in an article: nothing to bound
        return None
    sentence = same == "sentence"
    ends = spans.sentence_ends if sentence else spans.paragraph_ends
    reach = MAX_SCAN_DISTANCE if sentence else 4 * MAX_SCAN_DISTANCE
    start, end = m.start, m.end
    unit = bisect.bisect_right(ends, start)
    # hits that start in the mention's unit and within reach: the unit's bounds clip the search
    lo = max(start - reach - hits.longest, ends[unit - 1] if unit else 0)
    hi = start if before else end + reach + 1
    if unit < len(ends):
        hi = min(hi, ends[unit])
    best_gap, best_after = reach + 1, False  # (gap, after) compared as ints, no key tuple per hit
    chosen = None
    items = hits.hits
    for k in range(bisect.bisect_left(starts, lo), bisect.bisect_left(starts, hi)):
        hit = items[k]
        after = hit.end > start
        if (before and after) or (start <= hit.start < end) or (keep and not keep(hit)):
            continue
        gap = hit.start - end if after else start - hit.end
        if gap < best_gap or (gap == best_gap and best_after and not after):
            best_gap, best_after, chosen = gap, after, hit
    return chosen
