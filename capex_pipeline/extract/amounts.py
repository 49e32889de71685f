"""Amounts in an article: the grammar tried where one can start, each match read into a value, scale and
currency, and the currency of amounts written without one."""

from __future__ import annotations

import bisect
import contextlib
import itertools
import math
import re
from collections.abc import Iterator
from functools import cache
from typing import Any, Final

from babel.core import get_global

from .figures import rounded_from
from .grammar import AMOUNT_GROUPS, Grammar, grammar, letter_cases
from .keywords import fold_case
from .language import detect_language
from .lexicon import Lexicon, alternation, lexicon, territory_currencies
from .mention import Mention
from .names import places
from .numbers import fold_text, parse_cjk, parse_digits, positional
from .spans import Spans
from .wordkeys import ARABIC_FOLD, currency_name, currency_of, lookup, word_key

_URL = re.compile(r"(?:https?://|www\.)\S+")
_MINUS = "-\u2212"  # hyphen-minus and the minus sign; an en dash before a number is a range, not a sign
_YEAR_LIKE = re.compile(r"(?:19|20)\d\d")


class _Reading:
    """What one grammar match says: value, scale, currency (with the mark it was read from) and a note."""

    __slots__ = ("basis", "currency", "end", "mark", "note", "scale", "value")

    def __init__(self, value: float, scale: float, currency: str | None, mark: str | None, basis: str | None,
                 note: str | None, end: int) -> None:
        self.value, self.scale, self.currency, self.mark, self.basis, self.note, self.end = \
            value, scale, currency, mark, basis, note, end


# the parts of an amount that a currency may follow, the last in text order first: their places in `groups()`
_CORE_PARTS: Final = tuple(AMOUNT_GROUPS.index(part) for part in ("scale", "cjk", "num", "word", "lone", "pre"))


def _core_end(match: re.Match[str], parts: tuple[str | Any, ...]) -> int:
    """Where the number and its scale words end (a currency may follow); `parts` is `match.groups()`."""
    for i in _CORE_PARTS:
        if parts[i] is not None:
            return match.end(i + 1)
    return match.end()


def _name_after(lex: Lexicon, run: str | None) -> str | None:
    """The currency name the letters `run` after an amount (its `name` group, or its mark and on) start with:
    the lookup itself, called from here (compiled) rather than through an interpreted method of the lexicon."""
    return currency_name(run, lex.currency_words, lex.name_prefixes, lex.longest_name, lex.inflects) if run else None


def _name_over_mark(g: Grammar, match: re.Match[str]) -> str | None:
    """A currency name that starts with the mark found after the number and goes on ("ரூபாய்" over "ரூ"): the
    whole word is the quote."""
    end = match.end("post")
    if end >= len(match.string) or not match.string[end].isalpha():
        return None
    name = _name_after(g.lex, match.string[match.start("post"):match.start("post") + g.lex.longest_name])
    return name if name and len(name) > len(match["post"]) else None


def _read_amount(g: Grammar, match: re.Match[str], parts: tuple[str | Any, ...], name: str | None) -> _Reading:
    """The reading of `match`, whose `groups()` are `parts`, and the currency name after it."""
    lex = g.lex
    note = None
    pre, first, num, word, lone, cjk, words_of_scale, after, _ = parts
    if lone is not None:
        value = 1.0
    elif word:
        value = lex.number_words[word_key(word)]
    elif cjk:
        value = parse_cjk(num + cjk, lex.cjk_units, lex.locale)
    else:
        value, note = parse_digits(num, lex.locale)
    scale = 1.0
    if cjk and any(lex.cjk_units.get(u, 0) >= 1e4 for u in cjk):
        scale = 1e4  # the positional units already scaled the value; mark it as scaled
    if words_of_scale and (unit := lex.scales.get(words_of_scale)) is not None and \
            not words_of_scale[0].isdigit():  # one scale word as listed, as most are: `positional` of it
        value, scale = value * unit, max(scale, unit)
    elif words_of_scale:
        tokens: list[tuple[float, bool]] = [(value, False)]
        for t in g.tail_token.finditer(match.string, match.start("scale"), match.end("scale")):
            tokens.append((parse_digits(t["n"], lex.locale)[0], False) if t["n"] else (lex.scale_of(t["u"]), True))
        units = [v for v, is_unit in tokens if is_unit]
        if not units:
            raise ValueError(f"no scale word in {words_of_scale!r}")
        value, scale = positional(tokens), max(scale, *units)
    elif first:
        scale = lex.scale_of(first)
        value *= scale
    end = _core_end(match, parts)
    if after and (longer := _name_over_mark(g, match)):
        after, end = longer, match.start("post") + len(longer)
    elif after:
        end = match.end("post")
    elif after := name:
        end = match.start("name") + len(after)
    currency = mark = basis = None
    words = [after, pre]  # a mark before the number wins ("US$5 billion dollars" is USD) ...
    if after and pre and word_key(pre) in lex.ambiguous:
        words = [after]  # ... unless several currencies share it and the name after says which ("¥70 billion yuan")
    for word in words:
        if word:
            # the lexicon's lookups called from here (compiled), not through its methods (interpreted)
            currency, kind = currency_of(word, lex.currency_marks, lex.prefix_words, lex.currency_words, lex.inflects)
            mark, basis = word, f"{kind} {word!r}"
            if lex.currency_factors:  # most languages: no unit counts in tens of another
                value *= lex.factor_of(word)
    return _Reading(value, scale, currency, mark, basis, note, end)


def _english_sentence(text: str, pos: int, spans: Spans) -> bool:
    i = spans.sentence(pos)
    start = spans.sentence_ends[i - 1] if i else 0
    end = spans.sentence_ends[i] if i < len(spans.sentence_ends) else len(text)
    return detect_language(text[start:end]) == "en"


_SPACE = " \u00a0"  # the grammar's optional space between a mark and its number


class _MarkEdges:
    """The characters a currency mark that may stand before a number (a symbol or code as written, a prefix
    word in any case) can begin or end with, from the words the grammar's `pre` alternation is built of. Most
    numbers follow (past a space) a character no mark ends with: the mark search is skipped there, and so is
    the match of the amount a currency opens where no mark can begin. Each character is judged once per
    grammar, by a class compiled with the alternation's own case rule."""

    __slots__ = ("any_end", "bounded", "ended", "exact", "folded", "folded_pairs", "pairs", "scale_start", "scaled",
                 "seen", "singles", "word_lengths")

    def __init__(self, marks: list[str], words: list[str], any_end: bool, scales: list[str],
                 number_words: list[str]) -> None:
        self.exact = ({m.translate(ARABIC_FOLD)[0] for m in marks}, {m.translate(ARABIC_FOLD)[-1] for m in marks})
        folded = [{w.casefold().translate(ARABIC_FOLD)[i] for w in words} for i in (0, -1)]
        self.folded = tuple(re.compile("[" + "".join(map(re.escape, sorted(f))) + "]", re.IGNORECASE) if f else None
                            for f in folded)
        self.seen: tuple[dict[str, bool], dict[str, bool]] = ({}, {})
        # a mark's last two characters, or its one: most characters some mark ends with end none that the
        # character before them begins ("n" ends "yen", not the "in" of "in 2025")
        exact = [m.translate(ARABIC_FOLD) for m in marks]
        words_folded = [w.casefold().translate(ARABIC_FOLD) for w in words]
        self.pairs = {m[-2:] for m in exact if len(m) >= 2}
        self.singles = {m for m in exact if len(m) == 1}
        folded_ends = sorted({w[-2:] for w in words_folded if w})  # a one-letter word is its own end
        self.folded_pairs = re.compile("|".join(map(re.escape, folded_ends)), re.IGNORECASE) if folded_ends else None
        self.ended: dict[str, bool] = {}
        self.any_end = any_end  # a scale word may follow the mark (the scale-first languages): any letter ends it
        # the characters a scale word can begin with, in the alternation's own case rule (its words casefolded,
        # under a first-character class of either case): most number words the scan finds ("a", "un", "ett")
        # open no amount, and this says so before any pattern is tried (see `word_may_open`)
        firsts = {c for w in scales if w for c in (w[0], *letter_cases(w.casefold().translate(ARABIC_FOLD)[0]))}
        self.scale_start = re.compile("[" + "".join(map(re.escape, sorted(firsts))) + "]", re.IGNORECASE) \
            if firsts else None
        self.scaled: dict[str, bool] = {}
        # as the keyword scan and as the alternation fold them; where both fold every word to one length (all
        # but words with letters such as ß), the words the alternation can match at a hit are the ones the
        # scan's longest word there begins with: none reaches past its end
        self.word_lengths = sorted({n for w in number_words if w
                                    for n in (len(fold_case(w)), len(w.casefold().translate(ARABIC_FOLD)))})
        self.bounded = all(len(fold_case(w)) == len(w.casefold()) for w in number_words)

    def _can(self, edge: int, ch: str) -> bool:
        known = self.seen[edge].get(ch)
        if known is None:
            pattern = self.folded[edge]
            known = ch in self.exact[edge] or (pattern is not None and pattern.match(ch) is not None)
            self.seen[edge][ch] = known
        return known

    def _opens_scale(self, ch: str) -> bool:
        """Whether a scale word can begin with `ch`."""
        known = self.scaled.get(ch)
        if known is None:
            known = self.scaled[ch] = self.scale_start is not None and self.scale_start.match(ch) is not None
        return known

    def word_may_open(self, g: Grammar, text: str, start: int, end: int) -> bool:
        """Whether the number word the keyword scan found at [start, end) can open an amount: a scale word
        follows it or one of the number words it begins with, as the grammar's `word_end` asks; a singular
        scale word or a currency mark begins there ("Milliarde Euro"); or the scale comes first in the
        language, where a number word may close an amount. Else neither the match there nor the mark search
        before it finds one (the number part of an amount a mark ending here opens is this word). Each
        pattern is tried only where a character its words can begin with stands."""
        if self.any_end:
            return True
        size = len(text)
        for length in self.word_lengths:
            pos = start + length
            if pos > end and self.bounded:
                break
            if pos >= size:
                break
            ch = text[pos]
            if ch in _SPACE and pos + 1 < size:
                ch = text[pos + 1]
            if self._opens_scale(ch) and g.scale_after.match(text, pos) is not None:
                return True
        ch = text[start]
        return (self._opens_scale(ch) and g.lone_at.match(text, start) is not None) or \
            (self._can(0, ch) and g.mark_at.match(text, start) is not None)

    def may_start(self, text: str, pos: int) -> bool:
        """Whether a mark can begin at text[pos]."""
        return pos < len(text) and self._can(0, text[pos])

    def _ends(self, text: str, pos: int) -> bool:
        """Whether a mark can end just before text[pos] (pos >= 1): its last character, then its last two."""
        if not self._can(1, text[pos - 1]):
            return False
        tail = text[pos - 2:pos] if pos >= 2 else text[pos - 1:pos]
        known = self.ended.get(tail)
        if known is None:
            folded = self.folded_pairs
            known = tail in self.pairs or tail[-1] in self.singles or \
                (folded is not None and (folded.fullmatch(tail) is not None or folded.fullmatch(tail[-1]) is not None))
            self.ended[tail] = known
        return known

    def may_end(self, text: str, pos: int) -> bool:
        """Whether a mark, and the optional space after it, can end just before text[pos]."""
        if self.any_end:
            return True
        if pos < 1:
            return False
        if self._ends(text, pos):
            return True
        return text[pos - 1] in _SPACE and pos >= 2 and self._ends(text, pos - 1)


def _mark_edges(g: Grammar) -> _MarkEdges:
    edges = g.derived.get("mark_edges")
    if not isinstance(edges, _MarkEdges):
        edges = g.derived["mark_edges"] = _MarkEdges(
            [m for m in g.lex.currency_marks if m], [w for w in g.lex.prefix_words if w], bool(g.lex.scale_first),
            [*g.lex.scales, *g.lex.singular_scales], list(g.lex.number_words))
    return edges


def _amount_matches(norm: str, g: Grammar, found: dict[str, list[tuple[int, int]]],
                    digits: list[int]) -> Iterator[tuple[re.Match[str], tuple[str | Any, ...]]]:
    """The grammar's matches as `finditer` gives them, each with its `groups()`, tried only where an amount can
    start: at a run of digits, a number word or a lone scale word (`found` by the keyword scan), or at the
    currency mark just before one. Most of an article is words, and the full grammar at every position cost
    the most."""
    starts = digits  # in order, each once: found by `fold_digits` as it folded the text
    edges = _mark_edges(g)
    if found["number_word"] or found["lone_scale"]:  # merged only where there are any; a start found twice
        # is passed over once a match there reaches past it, or tried again to the same end
        starts += [start for start, end in found["number_word"] if edges.word_may_open(g, norm, start, end)]
        starts += [start for start, _ in found["lone_scale"]]
        starts.sort()
    amount, mark_before, reach = g.amount, g.mark_before, g.pre_reach
    reached = 0
    for start in starts:
        if start < reached:
            continue
        match = None
        if edges.may_end(norm, start) and \
                (pre := mark_before.search(norm, max(reached, start - reach), start + 1)):
            match = amount.match(norm, pre.start())
        if match is None:
            match = amount.match(norm, start)
        if match is not None:
            parts = match.groups()
            if (opened := _opened_after(norm, amount, match, parts, edges)) is not None:
                match, parts = opened
            reached = match.end()
            yield match, parts


def _opened_after(norm: str, amount: re.Pattern[str], match: re.Match[str], parts: tuple[str | Any, ...],
                  edges: _MarkEdges) -> tuple[re.Match[str], tuple[str | Any, ...]] | None:
    """The amount a plain number's currency opens, where that currency is written first and a scaled number
    follows ("By 2030 $5 billion", "mwaka 2025 dola bilioni 3"): the currency is that amount's, the number no
    figure. A bare number after it leaves the currency to the number before ("300 EUR 2025"). With its
    `groups()`, as `parts` are the match's."""
    _, _, _, _, _, cjk, scale, post, name = parts
    if scale or cjk or not (post or name):
        return None
    at = match.start("post") if post else match.start("name")
    if not edges.may_start(norm, at):  # the amount opened must begin with its mark
        return None
    opened = amount.match(norm, at)
    if opened is None:
        return None
    opened_parts = opened.groups()
    pre, first, num, _, _, cjk, scale, _, _ = opened_parts
    return (opened, opened_parts) if pre and num and (scale or first or cjk) else None


def find_amounts(text: str, norm: str, doc: str, g: Grammar, spans: Spans,
                  words: dict[str, list[tuple[int, int]]], digits: list[int]) -> list[Mention]:
    """The amounts of an article; `digits`, where each run of digits in `norm` starts, as `fold_digits` gives
    it (taken over: the list is extended)."""
    english = grammar("en").lex
    lex, range_ahead = g.lex, g.range_ahead
    found = []
    links = [(m.start(), m.end()) for m in _URL.finditer(norm)] if words["link"] else []  # "://" or "www." in it
    link_starts = [start for start, _ in links]
    for match, parts in _amount_matches(norm, g, words, digits):
        start = match.start()
        if links and (i := bisect.bisect_right(link_starts, start) - 1) >= 0 and start < links[i][1]:
            continue  # "…/bytedance-plans-20-billion-capex…": words of a link, not a figure
        pre, _, _, word, lone, cjk, scale, post, run = parts
        name = _name_after(lex, run)
        if not (pre or scale or post or cjk or name) and not range_ahead.match(norm, _core_end(match, parts)):
            continue  # a plain number ("in 2025", "30 percent"): the common case, dismissed before parsing
        try:
            r = _read_amount(g, match, parts, name)
        except (ValueError, KeyError, ArithmeticError):
            continue  # malformed number such as "1.2.3": not an amount we can state
        if not (pre or scale or r.currency or cjk) and not range_ahead.match(norm, r.end):
            continue
        if not math.isfinite(r.value):
            continue
        if word and 0 < (half := lex.number_words[word_key(word)] or 0) < 1 and \
                (whole := g.whole_before.search(norm, max(0, start - 30), start)):
            # "två och en halv miljard": the whole number before "and" is part of the figure
            count = int(whole["n"]) if whole["n"] else lex.number_words[word_key(whole["w"])]
            if count is None:
                continue  # "several and a half"
            start, r.value = whole.start(), r.value * (count + half) / half
        if start and norm[start - 1] in _MINUS and (start < 2 or not norm[start - 2].isalnum()):
            start, r.value = start - 1, -r.value  # "-$5 billion": the sign is kept (the claims gate refuses it)
            r.note = "negative amount"
        elif r.value == 0:
            r.note = "zero amount"  # kept, for the claims gate to refuse with its reason
        if r.currency is None and r.scale == 1.0 and not range_ahead.match(norm, r.end):
            continue  # a bare number is money only as the first end of a range ("15-20 billion yuan")
        if lone is not None and (r.currency is None or (alone := g.tail_token.match(
                norm, match.start("scale"))) is None or not lex.is_singular(alone.group())):
            continue  # "триллионы долларов", "Milliarden Euro": plural scale words alone are no figure
        if r.mark and r.scale == 1.0 and ((len(r.mark) == 1 and r.mark.isascii() and r.mark.isalpha())
                                          or word_key(r.mark) in lex.scaled_marks):
            continue  # a one-letter symbol (R for rand) only with a scale word: "R5 billion", never "Q3"; so a
            # mark that is also an abbreviation: "NIS 3 billion", never the "NIS 2" directive
        if scale and lex.lang != "en" and (short := english.scales.get(scale.casefold())) and short != r.scale \
                and _english_sentence(text, match.start(), spans):  # an English sentence: short-scale billion
            r.value, r.scale = r.value / r.scale * short, short
        found.append(Mention(doc=doc, quote=text[start:r.end], start=start, end=r.end,
                             value=r.value, currency=r.currency, lang=lex.lang, scale=r.scale,
                             currency_basis=r.basis, note=r.note, mark=r.mark))
    return found


def resolve_ambiguous(text: str, mentions: list[Mention], g: Grammar) -> None:
    """A mark several currencies share (元, kr, Rs, ¥) is the one the article names unambiguously elsewhere,
    else the one of the only country among theirs the article names ("Rs 500 crore" in a story on India),
    else the one of the language's region, else the most common one; the basis says which. A country named in
    another language's press ("Norge" in a Swedish story, "台湾" in a mainland one) is a place the story
    mentions, not where its money is counted: it overrides the language's own region only where the article's
    language is an official one there ("Kenya" in a Swahili story)."""
    lex = g.lex
    shared = [m for m in mentions if m.mark and len(lex.ambiguous.get(word_key(m.mark)) or ()) >= 2]
    if not shared:  # most articles: nothing to resolve, and no need to know what else they name
        return
    # currencies the article names by a mark of their own; a name that contains a shared mark (港元 holds 元,
    # "norska kronor" holds kr) names another country's unit, not the reading of the bare mark
    named = {m.currency for m in mentions if m.currency and m.mark and word_key(m.mark) not in lex.ambiguous
             and not any(k in word_key(m.mark) for k in lex.ambiguous)}
    regions: dict[tuple[str, ...], set[str]] = {}  # the candidates' countries the article names, read once
    for m in shared:
        candidates = lex.ambiguous[word_key(m.mark)]
        in_text = [c for c in candidates if c in named]
        if len(in_text) == 1:
            m.currency, why = in_text[0], f"the article names {in_text[0]}"
        elif len(placed := _named_places(text, g, tuple(candidates), regions)) == 1 and \
                (not (lex.territory and _territory_currency(lex.territory, candidates))
                 or any(_official_in(region, lex.locale) for region in next(iter(placed.values())))):
            (m.currency, where), = placed.items()
            why = f"the article names region {', '.join(sorted(where))}"
        elif lex.territory and (local := _territory_currency(lex.territory, candidates)):
            m.currency, why = local, f"region {lex.territory}"
        else:
            m.currency, why = candidates[0], "the most common reading"
            m.note = f"ambiguous currency {m.mark!r} ({', '.join(candidates)})"
        m.currency_basis = f"{m.currency_basis}, shared by {len(candidates)} currencies: {why}"


def resolve_bare(text: str, mentions: list[Mention], g: Grammar, spans: Spans) -> list[Mention]:
    """Give a currency to amounts written without one, from a range partner, the same figure elsewhere in the
    article, or an earlier amount in the same sentence ("20 milliards d'euros, dont 15 milliards");
    amounts that stay without a currency are not money (tokens, users) and are dropped."""
    for a, b in itertools.pairwise(mentions):
        currency = a.currency or b.currency
        gap = text[a.end:b.start]
        joined = g.range_gap.match(gap) or \
            (g.range_and.match(gap) and g.range_opener.search(text, max(0, a.start - 40), a.start))
        if a.scale == 1.0 and a.currency is None and _YEAR_LIKE.fullmatch(a.quote):
            continue  # "entre 2024 y 2030": years, not the low end of a range
        if currency and b.currency in (None, currency) and joined:
            if a.scale == 1.0 and b.scale != 1.0:  # "$30 to $70 billion"
                a.value, a.scale = a.value * b.scale, b.scale
            if a.currency is None and b.mark:  # "700 تا 1000 میلیارد تومان": the unit's factor too
                a.value *= g.lex.factor_of(b.mark)
            for x in (a, b):
                if x.currency is None:
                    x.currency_basis = "the other end of its range"
            a.currency = b.currency = currency  # "600억∼650억 달러", "$64-72 billion"
            a.qualifier, b.qualifier = "min", "max"
    mentions = [m for m in mentions if m.currency or m.scale != 1.0]  # unscaled bare numbers need a range
    known = {(round(m.value, 6)): m.currency for m in mentions if m.currency}
    priced = [m for m in mentions if m.currency]
    kept = []
    last_currency: dict[int, str] = {}  # sentence -> currency of its latest amount that has one
    for m in mentions:
        if m.currency is None:
            if g.non_money_after.match(text[m.end:m.end + 24]) or m.scale < 1e6:
                continue  # "13 ezer munkahely", "5 mil personas": thousands without a currency are counts
            m.currency = known.get(round(m.value, 6)) or next(
                (k.currency for k in priced if rounded_from(m.value, k.value)), None)  # a headline's rounding
            m.currency_basis = "the same figure elsewhere in the article"
            if m.currency is None and (earlier := last_currency.get(spans.sentence(m.start))):
                m.currency = earlier
                m.currency_basis = "an earlier amount in the sentence"
        if m.currency:
            kept.append(m)
            last_currency[spans.sentence(m.start)] = m.currency
    return kept


@cache
def _place_pattern(lang: str, candidates: tuple[str, ...]) -> tuple[re.Pattern[str], dict[str, str]] | None:
    """The names (CLDR, in the language or English) of the countries whose currency is one of `candidates`."""
    table = {name: region for name, region in places(lang).items() if territory_currencies(region) & set(candidates)}
    return (re.compile(alternation(table, ignore_case=True, endings=lexicon(lang).inflects)), table) if table else None


def _named_places(text: str, g: Grammar, candidates: tuple[str, ...],
                  seen: dict[tuple[str, ...], set[str]]) -> dict[str, set[str]]:
    """Candidate -> the regions of it the article names."""
    if candidates not in seen:
        seen[candidates] = set()
        if places := _place_pattern(g.lex.lang, candidates):
            pattern, table = places
            for match in pattern.finditer(text):
                with contextlib.suppress(KeyError):
                    seen[candidates].add(table[lookup(table, match.group(), g.lex.inflects)])
    out: dict[str, set[str]] = {}
    for region in seen[candidates]:
        for c in candidates:
            if c in territory_currencies(region):
                out.setdefault(c, set()).add(region)
    return out


@cache
def _official_in(region: str, locale: str) -> bool:
    """Whether the language of `locale` ("sw", "zh_Hant") is an official one of `region` (CLDR)."""
    status = (get_global("territory_languages").get(region) or {}).get(locale) or {}
    return status.get("official_status") in ("official", "de_facto_official")


def _territory_currency(territory: str, candidates: list[str]) -> str | None:
    local = territory_currencies(territory)
    return next((c for c in candidates if c in local), None)


def malformed_amounts(text: str, *, lang: str | None = "en") -> list[tuple[int, int, str]]:
    """Money-like numbers that cannot be read ("$1.2.3 billion"): (start, end, quote), for a clear refusal."""
    g = grammar(lang or "en")
    norm = fold_text(text)
    found = []
    for match in g.malformed.finditer(norm):
        try:
            parse_digits(match.group(), g.lex.locale)
            continue
        except (ValueError, ArithmeticError):
            pass
        start, end = match.start(), match.end()
        if pre := g.mark_before.search(norm, max(0, start - 12), start + 1):
            start = pre.start()
        after = g.amount.match("1" + norm[end:end + 80])  # the words after it, read as if after a plain 1
        with contextlib.suppress(ValueError, KeyError, ArithmeticError):
            name = _name_after(g.lex, after["name"]) if after else None
            if after and ((reading := _read_amount(g, after, after.groups(), name)).currency or after["scale"]):
                end += reading.end - 1
        if (start, end) != match.span():
            found.append((start, end, text[start:end]))
    return found
