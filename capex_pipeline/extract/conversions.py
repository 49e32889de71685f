"""The article's own stated conversions, and the qualifier words around an amount and its conversion."""

from __future__ import annotations

import itertools
import re

from .grammar import Grammar
from .lexicon import QUALIFIER_STRENGTH
from .mention import Mention
from .wordkeys import ARABIC_FOLD

_CLOSE_PAREN = re.compile(r"[^()（）\n]*?[)）]")  # the parenthesis closes before the next amount
_APPOSITION_END = re.compile(r"[ \u00a0]*(?:[,;:.!?，、；。]|$)", re.MULTILINE)  # "X, about Y," not "X, about Y more"


def pair_conversions(text: str, mentions: list[Mention], g: Grammar) -> None:
    """The article's own USD figure for a non-USD amount, from the amount next to it in the other currency:
    in parentheses ("150 billion yuan ($20.64 billion)", "3兆ドル(約450兆円、推計)") or after a connector
    ("20 milliards de dirhams, soit 2 milliards de dollars"). Two ranges restate end by end
    ("от $500 млн до $900 млн, т.е. 40-70 млрд руб."). Only neighbours pair: never across a sentence, so
    never across a translation."""
    for i, (a, b) in enumerate(itertools.pairwise(mentions)):
        if a.partner is not None or b.partner is not None or a.currency == b.currency:
            continue
        gap = text[a.end:b.start]
        after = mentions[i + 2].start if i + 2 < len(mentions) else len(text)
        inside = g.conversion_gap.match(gap) and _CLOSE_PAREN.match(text, b.end, min(after, b.end + 40))
        restated = None if inside else g.restatement_gap.match(gap)
        if not (inside or restated) or (restated and restated["apposition"] and not _APPOSITION_END.match(text, b.end)):
            continue
        if a.qualifier == "max" and b.qualifier == "min" and i and i + 2 < len(mentions) and \
                mentions[i - 1].qualifier == "min" and mentions[i - 1].partner is None and \
                mentions[i + 2].qualifier == "max":
            _link(mentions, i - 1, i + 1)  # two ranges: low with low, high with high
            _link(mentions, i, i + 2)
        else:
            _link(mentions, i, i + 1)


def _link(mentions: list[Mention], i: int, j: int) -> None:
    a, b = mentions[i], mentions[j]
    a.partner, b.partner = j, i
    if a.currency == "USD" and b.currency != "USD":
        b.usd_stated = a.value
    elif b.currency == "USD" and a.currency != "USD":
        a.usd_stated = b.value


class _QualifierEnds:
    """Whether a character can end a qualifier word or a determiner before an amount, in any case the
    `qualifier_before` pattern accepts: the characters its words end with, as one class with the pattern's case
    rule, each character judged once. Most amounts follow a word that cannot: the pattern, tried at each of
    the window's 40 characters, is then not searched."""

    __slots__ = ("always", "pattern", "seen")

    def __init__(self, words: list[str]) -> None:
        ends = sorted({w.casefold().translate(ARABIC_FOLD)[-1] for w in words if w})
        self.pattern = re.compile("[" + "".join(map(re.escape, ends)) + "]", re.IGNORECASE) if ends else None
        self.seen: dict[str, bool] = {}
        # a word that itself ends in the tail's characters would be cut by `may_end`: then every window is tried
        self.always = any(ch.isspace() or ch in _QUALIFIER_TAIL for ch in ends)

    def may_end(self, window: str) -> bool:
        """Whether the window can end in a qualifier, then only spaces, "(" or ":" (the pattern's tail)."""
        if self.always:
            return True
        i = len(window)
        while i and (window[i - 1].isspace() or window[i - 1] in _QUALIFIER_TAIL):
            i -= 1
        if not i or self.pattern is None:
            return False
        ch = window[i - 1]
        known = self.seen.get(ch)
        if known is None:
            known = self.seen[ch] = self.pattern.match(ch) is not None
        return known


_QUALIFIER_TAIL = "\u00a0(（:"  # with whitespace: what may stand between a qualifier and its amount


def _qualifier_ends(g: Grammar) -> _QualifierEnds:
    ends = g.derived.get("qualifier_ends")
    if not isinstance(ends, _QualifierEnds):
        words = [w for ws in g.lex.qualifiers.values() for w in ws] + list(g.lex.determiners)
        ends = g.derived["qualifier_ends"] = _QualifierEnds(words)
    return ends


def qualify(text: str, m: Mention, g: Grammar, after_at: int | None = None) -> None:
    """The strongest qualifier written just before the amount or just after it (at `after_at` where a
    parenthesised conversion stands between: "3兆ドル(約450兆円)以上" qualifies the dollars)."""
    found: list[str] = []
    window = text[max(0, m.start - 40):m.start]
    before = g.qualifier_before.search(window) if _qualifier_ends(g).may_end(window) else None
    if before and g.lex.qualifier_exceptions and \
            any(window.rstrip(" \t\u00a0(（:").endswith(e) for e in g.lex.qualifier_exceptions):
        before = None  # "งบประมาณ" (budget) ends in "ประมาณ" (about) but qualifies nothing
    if before:
        found += [g.qualifier_kind.get(f"before:{w.group().casefold()}", "") for w in
                  g.qualifier_word.finditer(before.group())]
    at = m.end if after_at is None else after_at
    after = g.qualifier_after.match(text[at:at + 16]) if at >= 0 else None  # the pattern is anchored with ^
    if after:
        found += [g.qualifier_kind.get(f"after:{w.group().casefold()}", "") for w in
                  g.qualifier_word.finditer(after.group())]
    for q in found:
        if q and QUALIFIER_STRENGTH[q] > QUALIFIER_STRENGTH[m.qualifier]:
            m.qualifier = q


def after_aside(text: str, mentions: list[Mention], i: int) -> int | None:
    """Where to read the words after mention i: past the parenthesis that holds its stated conversion
    ("5兆ドル(約700兆円)を突破" exceeds the dollars); -1 for that conversion, which the words do not qualify
    (it keeps its own "約"); None for the text right after the amount."""
    m = mentions[i]
    if m.partner is None:
        return None
    inner, outer = (mentions[m.partner], m) if m.partner > i else (m, mentions[m.partner])
    close = _CLOSE_PAREN.match(text, inner.end, inner.end + 40)
    gap = text[outer.end:inner.start]
    if close is None or not ("(" in gap or "（" in gap):  # a conversion after a connector ("soit") is no aside
        return None
    return close.end() if m is outer else -1
