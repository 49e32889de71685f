"""Year expressions and the calendar year each names."""

from __future__ import annotations

import bisect
import re
from datetime import date
from typing import Any

from .grammar import Grammar
from .wordkeys import word_key

_YEAR_KINDS = ("abs", "year_rel", "month", "current_period", "nmonth", "quarter")  # how a tie at one place is read
# characters: "Q3 2025", "2025年第三季度" and, after the quarter, a few words ("third quarter of its fiscal year
# 2024") name that year, not their own
_BESIDE_YEAR = 8
_YEAR_AFTER = 28
_NOT_BETWEEN = re.compile(r"[\d.!?。\n,;:，；]")


def year_expressions(text: str, found: dict[str, list[tuple[int, int]]],
                      g: Grammar) -> list[tuple[int, int, str, str]]:
    """Year expressions, disjoint and in text order: (start, end, kind, what names the year or month)."""
    candidates = [(start, 0, start + 4, text[start:start + 4]) for start in explicit_years(text)]
    if g.era_years is not None:  # a Buddhist or Solar Hijri year, as the Gregorian year it mostly falls in
        candidates += [(m.start("eyear"), 0, m.end("eyear"), str(int(m["eyear"]) + g.lex.era_offset))
                       for m in g.era_years.finditer(text)]
    candidates += [(start, _YEAR_KINDS.index(kind), end, text[start:end])
                   for kind in ("year_rel", "month", "current_period") for start, end in found[kind]]
    if g.month_numbers is not None:
        candidates += [(m.start(), 4, m.end(), m["mnum"]) for m in g.month_numbers.finditer(text)]
    if found["quarter"]:
        years = [(start, end) for start, kind, end, _ in candidates if kind == 0]  # in text order
        candidates += [(start, 5, end, text[start:end]) for start, end in found["quarter"]
                       if not _beside_year(text, start, end, years)]
    expressions: list[tuple[int, int, str, str]] = []
    reached = 0
    for start, kind, end, word in sorted(candidates):
        if start < reached:
            continue
        if expressions and _year_span(text, expressions[-1], start, kind, word, g):
            expressions[-1] = (expressions[-1][0], end, "span", word)  # a span of years names its last one
        else:
            expressions.append((start, end, _YEAR_KINDS[kind], word))
        reached = end
    return expressions


def explicit_years(text: str) -> list[int]:
    """Where a year 1950-2099 stands in digits, not inside a longer number ("2025", not "12025", "2025.5" or
    "1,2025"), in text order: found by `str.find` of its first two digits, a fraction of a regex scan's time."""
    found: list[int] = []
    for century in ("19", "20"):
        start = text.find(century)
        while start >= 0:
            if _year_at(text, start, century):
                found.append(start)
            start = text.find(century, start + 2)
    found.sort()
    return found


def _year_at(text: str, start: int, century: str) -> bool:
    """Whether the year starting `century` at `start` is one: its decade and year digits follow (a 1900s year from
    1950), and no digit, or decimal or thousands mark, joins it to a number before or after."""
    n = len(text)
    if start + 4 > n or (start and (_digit(text, start - 1) or text[start - 1] in ".,")):
        return False
    if not (text[start + 2] in "56789" if century == "19" else _digit(text, start + 2)) or not _digit(text, start + 3):
        return False
    if start + 4 == n:
        return True
    return not (_digit(text, start + 4) or (text[start + 4] in ".," and start + 5 < n and _digit(text, start + 5)))


def _digit(text: str, k: int) -> bool:
    """Whether text[k] is a decimal digit of any script (as a regex's \\d): told by its code point in ASCII."""
    code = ord(text[k])
    return 48 <= code <= 57 or (code > 127 and text[k].isdecimal())


def _beside_year(text: str, start: int, end: int, years: list[tuple[int, int]]) -> bool:
    """Whether an explicit year (`years`: sorted spans) stands right before [start, end) or a few words after
    it, nothing but letters and spaces between."""
    i = bisect.bisect_left(years, (start,))
    gaps = ([(years[i - 1][1], start)] if i and years[i - 1][1] <= start else []) + \
        ([(end, years[i][0])] if i < len(years) and years[i][0] >= end else [])
    return any(hi - lo <= (_YEAR_AFTER if lo == end else _BESIDE_YEAR) and not _NOT_BETWEEN.search(text, lo, hi)
               for lo, hi in gaps)


def _year_span(text: str, first: tuple[int, int, str, str], start: int, kind: int, word: str, g: Grammar) -> bool:
    """'2024–2028', 'from 2024 to 2026', 'entre 2025 et 2027': two explicit years, rising, joined as a range."""
    if first[2] != "abs" or _YEAR_KINDS[kind] != "abs" or int(word) <= int(first[3]):
        return False
    gap = text[first[1]:start]
    return bool(g.range_gap.match(gap) or
                (g.range_and.match(gap) and g.range_opener.search(text, max(0, first[0] - 40), first[0])))


def year_of(start: int, end: int, kind: str, word: str, text: str, published: date | None,
             g: Grammar) -> int | None:
    """The calendar year a year expression names: explicit, relative to the publication date, or implied by
    a month, a quarter or a current-period word ("4月19日", "last month", "in April", "the third quarter"): the
    publication year, or the year before where that month or quarter has not begun yet."""
    if kind in ("abs", "span"):
        # a year inside a comparison ("compared with 2023", "2023년 대비", "2025 im Vergleich zu") is its anchor,
        # unless a horizon word stands between ("prevé que hacia 2031"); a span's opener ("from 2023 to 2025")
        # is no comparison
        window = text[max(0, start - 14):start]
        compared = g.year_comparison.search(window) if kind == "abs" else None
        if compared and g.year_horizon.search(window, compared.end()):
            compared = None
        compared = compared or g.year_comparison_after.match(text, end, end + 24)
        return None if compared else int(word)
    if published is None:
        return None
    if kind == "year_rel":
        return published.year + int(_lookup_ci(g.lex.year_words, word))
    month = int(word) if kind == "nmonth" else _lookup_ci(g.lex.months, word) if kind == "month" else \
        3 * int(_lookup_ci(g.lex.quarters, word)) - 2 if kind == "quarter" else 0  # a quarter from its first month
    return published.year - 1 if month > published.month else published.year


def _lookup_ci(table: dict[str, Any], key: str) -> Any:
    return table[word_key(key)]  # the lexicon keys its word tables by word_key
