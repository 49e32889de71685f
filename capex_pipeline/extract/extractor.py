"""Find every monetary amount in an article and attach what an analyst needs to trust it."""

from __future__ import annotations

import bisect
import contextlib
import itertools
import math
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, fields
from datetime import date
from typing import Any

from .grammar import Grammar, grammar
from .language import FRONT_MATTER, detect_language
from .lexicon import QUALIFIER_STRENGTH, fold, territory_currencies, word_key
from .names import (
    NOUNS_CAPITALISED,
    VERB_FINAL,
    clean,
    name_after,
    name_before,
    place_names,
    quoted_after,
    subject_before,
)
from .numbers import fold_text, parse_cjk, parse_digits, positional

# A sentence ends at . ! ? before a space (or the end), at 。！？ and at a line break; written to start with
# the mark, so the engine skips to the next one instead of trying every position.
_SENTENCE_END = re.compile(r"[.!?。！？\n](?:(?<=[.!?])(?=[\s\u00a0]|$)|(?<![.!?]))")
_PARAGRAPH_END = re.compile(r"\n")
_LINE = re.compile(r"[^\n]*\S[^\n]*")
_CLOSE_PAREN = re.compile(r"[^()（）\n]*?[)）]")  # the parenthesis closes before the next amount
STATEMENT = "company statement"
PUBLIC = "<public actor>"
PRONOUN = "<the company>"
TITLE_MAX_CHARS = 100
_URL = re.compile(r"(?:https?://|www\.)\S+")
_MINUS = "-\u2212"  # hyphen-minus and the minus sign; an en dash before a number is a range, not a sign
_YEAR_LIKE = re.compile(r"(?:19|20)\d\d")
MAX_SCAN_DISTANCE = 160  # characters: beyond this a keyword says nothing about the amount


@dataclass
class Mention:
    """One monetary mention: the exact quote, its offsets and the fields derived from its context."""

    doc: str
    quote: str
    start: int
    end: int
    value: float
    currency: str | None
    qualifier: str = "exact"
    year: int | None = None
    metric: str = "other"
    company: str | None = None
    source: str | None = None
    usd_stated: float | None = None
    lang: str = "en"
    amount_id: int = 0
    currency_basis: str | None = None
    note: str | None = None
    primary: bool = False  # the figure's main mention: its first in the body (not the front matter or title)
    scale: float = field(default=1.0, repr=False)
    partner: int | None = field(default=None, repr=False)
    mark: str | None = field(default=None, repr=False)
    weak_metric: bool = field(default=False, repr=False)  # the metric came from a generic word or the article

    def to_json(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in _JSON_FIELDS}


_JSON_FIELDS = tuple(f.name for f in fields(Mention) if f.repr)


def _word_before(text: str, pos: int) -> str:
    start = pos
    while start > 0 and text[start - 1].isalpha() and pos - start < 12:
        start -= 1
    return text[start:pos]


class _Spans:
    """Sentence and paragraph index of any offset, by binary search over boundary positions."""

    def __init__(self, text: str, abbreviations: frozenset[str] = frozenset()) -> None:
        self.sentence_ends = [m.end() for m in _SENTENCE_END.finditer(text)
                              if not abbreviations or text[m.start()] != "." or
                              _word_before(text, m.start()).casefold() not in abbreviations]
        self.paragraph_ends = [m.end() for m in _PARAGRAPH_END.finditer(text)]

    def sentence(self, pos: int) -> int:
        return bisect.bisect_right(self.sentence_ends, pos)

    def paragraph(self, pos: int) -> int:
        return bisect.bisect_right(self.paragraph_ends, pos)


@dataclass(frozen=True)
class _Hit:
    start: int
    end: int
    label: str


def _hits(spans: list[tuple[int, int]], text: str, label_of: dict[str, str] | None = None,
          label: str = "") -> list[_Hit]:
    """Keyword spans as hits, labelled by the table's name for the words found (or by one fixed label)."""
    if label_of is None:
        return [_Hit(start, end, label) for start, end in spans]
    return [_Hit(start, end, label_of.get((word := text[start:end]).casefold(), word)) for start, end in spans]


class _Hits:
    """Keyword hits sorted by position, searched by bisection: each mention looks only at the hits within
    reach (MAX_SCAN_DISTANCE), so the work per mention stays bounded however long the article is."""

    __slots__ = ("hits", "longest", "starts")

    def __init__(self, hits: list[_Hit]) -> None:
        self.hits = sorted(hits, key=lambda h: h.start)
        self.starts = [h.start for h in self.hits]
        self.longest = max((h.end - h.start for h in self.hits), default=0)

    def near(self, lo: int, hi: int) -> list[_Hit]:
        """Hits that start in [lo - longest, hi): every hit overlapping [lo, hi)."""
        return self.hits[bisect.bisect_left(self.starts, lo - self.longest):bisect.bisect_left(self.starts, hi)]

    def where(self, keep: Callable[[_Hit], bool]) -> _Hits:
        return _Hits([h for h in self.hits if keep(h)])


def _nearest(hits: _Hits, m: Mention, spans: _Spans, *, same: str = "sentence", before: bool = False,
             keep: Callable[[_Hit], bool] | None = None) -> _Hit | None:
    """The hit closest to the mention in the same sentence (or paragraph); ties go to the one before. With
    `before`, only hits that end before the mention; with `keep`, only hits it accepts."""
    ends = spans.sentence_ends if same == "sentence" else spans.paragraph_ends
    reach = MAX_SCAN_DISTANCE * (1 if same == "sentence" else 4)
    unit = bisect.bisect_right(ends, m.start)
    # hits that start in the mention's unit and within reach: the unit's bounds clip the search
    lo = max(m.start - reach - hits.longest, ends[unit - 1] if unit else 0)
    hi = m.start if before else m.end + reach + 1
    if unit < len(ends):
        hi = min(hi, ends[unit])
    starts = hits.starts
    best: tuple[int, int] | None = None
    chosen = None
    for k in range(bisect.bisect_left(starts, lo), bisect.bisect_left(starts, hi)):
        hit = hits.hits[k]
        if (before and hit.end > m.start) or (m.start <= hit.start < m.end) or (keep and not keep(hit)):
            continue
        gap = m.start - hit.end if hit.end <= m.start else hit.start - m.end
        key = (gap, 0 if hit.end <= m.start else 1)
        if gap <= reach and (best is None or key < best):
            best, chosen = key, hit
    return chosen


class _Reading:
    """What one grammar match says: value, scale, currency (with the mark it was read from) and a note."""

    __slots__ = ("basis", "currency", "end", "mark", "note", "scale", "value")

    def __init__(self, value: float, scale: float, currency: str | None, mark: str | None, basis: str | None,
                 note: str | None, end: int) -> None:
        self.value, self.scale, self.currency, self.mark, self.basis, self.note, self.end = \
            value, scale, currency, mark, basis, note, end


def _core_end(match: re.Match[str]) -> int:
    """Where the number and its scale words end (a currency may follow)."""
    for group in ("scale", "cjk", "num", "word", "lone", "pre"):  # the last part present, in text order
        if match.start(group) >= 0:
            return match.end(group)
    return match.end()


def _name_after(g: Grammar, match: re.Match[str]) -> str | None:
    """The currency name written after the amount, if the letters there start with one."""
    return g.lex.currency_name(match["name"]) if match["name"] else None


def _read_amount(g: Grammar, match: re.Match[str], name: str | None) -> _Reading:
    lex = g.lex
    note = None
    if match["lone"] is not None:
        value = 1.0
    elif match["word"]:
        value = lex.number_words[word_key(match["word"])]
    elif match["cjk"]:
        value = parse_cjk(match["num"] + match["cjk"], lex.cjk_units, lex.locale)
    else:
        value, note = parse_digits(match["num"], lex.locale)
    scale = 1.0
    if match["cjk"] and any(lex.cjk_units.get(u, 0) >= 1e4 for u in match["cjk"]):
        scale = 1e4  # the positional units already scaled the value; mark it as scaled
    if match["scale"]:
        tokens: list[tuple[float, bool]] = [(value, False)]
        for t in g.tail_token.finditer(match.string, match.start("scale"), match.end("scale")):
            tokens.append((parse_digits(t["n"], lex.locale)[0], False) if t["n"] else (lex.scale_of(t["u"]), True))
        units = [v for v, is_unit in tokens if is_unit]
        if not units:
            raise ValueError(f"no scale word in {match['scale']!r}")
        value, scale = positional(tokens), max(scale, *units)
    end = _core_end(match)
    after = match["post"]
    if after:
        end = match.end("post")
    elif after := name:
        end = match.start("name") + len(after)
    currency = mark = basis = None
    words = [after, match["pre"]]  # a mark before the number wins ("US$5 billion dollars" is USD) ...
    if after and match["pre"] and word_key(match["pre"]) in lex.ambiguous:
        words = [after]  # ... unless several currencies share it and the name after says which ("¥70 billion yuan")
    for word in words:
        if word:
            currency, kind = lex.currency_of(word)
            mark, basis = word, f"{kind} {word!r}"
            value *= lex.factor_of(word)
    return _Reading(value, scale, currency, mark, basis, note, end)


def _english_sentence(text: str, pos: int, spans: _Spans) -> bool:
    i = spans.sentence(pos)
    start = spans.sentence_ends[i - 1] if i else 0
    end = spans.sentence_ends[i] if i < len(spans.sentence_ends) else len(text)
    return detect_language(text[start:end]) == "en"


_DIGITS = re.compile(r"\d+")


def _amount_matches(norm: str, g: Grammar, found: dict[str, list[tuple[int, int]]]) -> Iterator[re.Match[str]]:
    """The grammar's matches as `finditer` gives them, tried only where an amount can start: at a run of
    digits, a number word or a lone scale word (`found` by the keyword scan), or at the currency mark just
    before one. Most of an article is words, and the full grammar at every position cost the most."""
    starts = sorted({m.start() for m in _DIGITS.finditer(norm)}.union(
        (start for start, _ in found["number_word"]), (start for start, _ in found["lone_scale"])))
    reached = 0
    for start in starts:
        if start < reached:
            continue
        match = None
        if pre := g.mark_before.search(norm, max(reached, start - g.pre_reach), start + 1):
            match = g.amount.match(norm, pre.start())
        if match is None:
            match = g.amount.match(norm, start)
        if match is not None:
            reached = match.end()
            yield match


def _find_amounts(text: str, norm: str, doc: str, g: Grammar, spans: _Spans,
                  words: dict[str, list[tuple[int, int]]]) -> list[Mention]:
    english = grammar("en").lex
    found = []
    links = [(m.start(), m.end()) for m in _URL.finditer(norm)]
    link_starts = [start for start, _ in links]
    for match in _amount_matches(norm, g, words):
        i = bisect.bisect_right(link_starts, match.start()) - 1
        if i >= 0 and match.start() < links[i][1]:
            continue  # "…/bytedance-plans-20-billion-capex…": words of a link, not a figure
        name = _name_after(g, match)
        if not (match["pre"] or match["scale"] or match["post"] or match["cjk"] or name) and \
                not g.range_ahead.match(norm, _core_end(match)):
            continue  # a plain number ("in 2025", "30 percent"): the common case, dismissed before parsing
        try:
            r = _read_amount(g, match, name)
        except (ValueError, KeyError, ArithmeticError):
            continue  # malformed number such as "1.2.3": not an amount we can state
        if not (match["pre"] or match["scale"] or r.currency or match["cjk"]) and \
                not g.range_ahead.match(norm, r.end):
            continue
        if not math.isfinite(r.value):
            continue
        start = match.start()
        if start and norm[start - 1] in _MINUS and (start < 2 or not norm[start - 2].isalnum()):
            start, r.value = start - 1, -r.value  # "-$5 billion": the sign is kept (the claims gate refuses it)
            r.note = "negative amount"
        elif r.value == 0:
            r.note = "zero amount"  # kept, for the claims gate to refuse with its reason
        if r.currency is None and r.scale == 1.0 and not g.range_ahead.match(norm, r.end):
            continue  # a bare number is money only as the first end of a range ("15-20 billion yuan")
        if match["lone"] is not None and (r.currency is None or not g.lex.is_singular(
                g.tail_token.match(norm, match.start("scale")).group())):
            continue  # "триллионы долларов", "Milliarden Euro": plural scale words alone are no figure
        if r.mark and len(r.mark) == 1 and r.mark.isascii() and r.mark.isalpha() and r.scale == 1.0:
            continue  # a one-letter symbol (R for rand) only with a scale word: "R5 billion", never "Q3"
        word = match["scale"]
        if word and g.lex.lang != "en" and (short := english.scales.get(word.casefold())) and short != r.scale \
                and _english_sentence(text, match.start(), spans):  # an English sentence: short-scale billion
            r.value, r.scale = r.value / r.scale * short, short
        found.append(Mention(doc=doc, quote=text[start:r.end], start=start, end=r.end,
                             value=r.value, currency=r.currency, lang=g.lex.lang, scale=r.scale,
                             currency_basis=r.basis, note=r.note, mark=r.mark))
    return found


def _resolve_ambiguous(mentions: list[Mention], g: Grammar) -> None:
    """A mark several currencies share (元, kr, Rs, £) is the one the article names unambiguously elsewhere,
    else the one of the language's region, else the most common one; the basis says which."""
    lex = g.lex
    # currencies the article names by a mark of their own; a name that contains a shared mark (港元 holds 元,
    # "norska kronor" holds kr) names another country's unit, not the reading of the bare mark
    named = {m.currency for m in mentions if m.currency and m.mark and word_key(m.mark) not in lex.ambiguous
             and not any(k in word_key(m.mark) for k in lex.ambiguous)}
    for m in mentions:
        candidates = lex.ambiguous.get(word_key(m.mark)) if m.mark else None
        if not candidates or len(candidates) < 2:
            continue
        in_text = [c for c in candidates if c in named]
        if len(in_text) == 1:
            m.currency, why = in_text[0], f"the article names {in_text[0]}"
        elif lex.territory and (local := _territory_currency(lex.territory, candidates)):
            m.currency, why = local, f"region {lex.territory}"
        else:
            m.currency, why = candidates[0], "the most common reading"
            m.note = f"ambiguous currency {m.mark!r} ({', '.join(candidates)})"
        m.currency_basis = f"{m.currency_basis}, shared by {len(candidates)} currencies: {why}"


def _resolve_bare(text: str, mentions: list[Mention], g: Grammar, spans: _Spans) -> list[Mention]:
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
                (k.currency for k in priced if _rounded_from(m.value, k.value)), None)  # a headline's rounding
            m.currency_basis = "the same figure elsewhere in the article"
            if m.currency is None and (earlier := last_currency.get(spans.sentence(m.start))):
                m.currency = earlier
                m.currency_basis = "an earlier amount in the sentence"
        if m.currency:
            kept.append(m)
            last_currency[spans.sentence(m.start)] = m.currency
    return kept


def _pair_conversions(text: str, mentions: list[Mention], g: Grammar) -> None:
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
        if not (inside or g.restatement_gap.match(gap)):
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


def _qualify(text: str, m: Mention, g: Grammar, after_at: int | None = None) -> None:
    """The strongest qualifier written just before the amount or just after it (at `after_at` where a
    parenthesised conversion stands between: "3兆ドル(約450兆円)以上" qualifies the dollars)."""
    found: list[str] = []
    window = text[max(0, m.start - 40):m.start]
    before = g.qualifier_before.search(window)
    if before and g.lex.qualifier_exceptions and \
            any(window.rstrip(" \t\u00a0(（:").endswith(e) for e in g.lex.qualifier_exceptions):
        before = None  # "งบประมาณ" (budget) ends in "ประมาณ" (about) but qualifies nothing
    if before:
        found += [g.qualifier_kind.get(f"before:{w.group().casefold()}", "") for w in
                  g.qualifier_word.finditer(before.group())]
    after = g.qualifier_after.match(text[m.end if after_at is None else after_at:][:16]) if after_at != -1 else None
    if after:
        found += [g.qualifier_kind.get(f"after:{w.group().casefold()}", "") for w in
                  g.qualifier_word.finditer(after.group())]
    for q in found:
        if q and QUALIFIER_STRENGTH[q] > QUALIFIER_STRENGTH[m.qualifier]:
            m.qualifier = q


def _after_aside(text: str, mentions: list[Mention], i: int) -> int | None:
    """Where to read the words after mention i: past the parenthesis that holds its stated conversion
    ("4兆ドル(約590兆円)を突破" exceeds the dollars); -1 for that conversion, which the words do not qualify
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


_YEAR_KINDS = ("abs", "year_rel", "month", "current_period", "nmonth")  # the order a tie at one place is read


def _year_expressions(text: str, found: dict[str, list[tuple[int, int]]],
                      g: Grammar) -> list[tuple[int, int, str, str]]:
    """Year expressions, disjoint and in text order: (start, end, kind, what names the year or month)."""
    candidates = [(m.start(), 0, m.end(), m.group()) for m in g.years.finditer(text)]
    candidates += [(start, _YEAR_KINDS.index(kind), end, text[start:end])
                   for kind in ("year_rel", "month", "current_period") for start, end in found[kind]]
    if g.month_numbers is not None:
        candidates += [(m.start(), 4, m.end(), m["mnum"]) for m in g.month_numbers.finditer(text)]
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


def _year_span(text: str, first: tuple[int, int, str, str], start: int, kind: int, word: str, g: Grammar) -> bool:
    """'2024–2028', 'from 2024 to 2026', 'entre 2025 et 2027': two explicit years, rising, joined as a range."""
    if first[2] != "abs" or _YEAR_KINDS[kind] != "abs" or int(word) <= int(first[3]):
        return False
    gap = text[first[1]:start]
    return bool(g.range_gap.match(gap) or
                (g.range_and.match(gap) and g.range_opener.search(text, max(0, first[0] - 40), first[0])))


def _year_of(start: int, end: int, kind: str, word: str, text: str, published: date | None,
             g: Grammar) -> int | None:
    """The calendar year a year expression names: explicit, relative to the publication date, or implied by
    a month or a current-period word ("4月19日", "last month", "in April")."""
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
    month = int(word) if kind == "nmonth" else _lookup_ci(g.lex.months, word) if kind == "month" else 0
    return published.year - 1 if month > published.month else published.year


def _lookup_ci(table: dict[str, Any], key: str) -> Any:
    return table[word_key(key)]  # the lexicon keys its word tables by word_key


def _named(hit: _Hit) -> bool:
    return hit.label != "other"


# A parenthesis after an amount ("3800亿元(约合701亿新元)"), or the rest of the one it stands in.
_PHRASE_PAREN = re.compile(r"[ \u00a0]*[(（][^()（）\n]{0,40}[)）]|[^()（）\n]{0,12}[)）]")
# Where a clause ends: punctuation that sets clauses apart (a comma between digits is a decimal one).
_CLAUSE_MARK = re.compile(r"[;:()，、；：（）–—]|,(?!\d)")


def _clause(text: str, m: Mention, spans: _Spans) -> tuple[int, int]:
    """The amount's own clause: from the clause mark before it to the one after it, inside its sentence and
    within MAX_SCAN_DISTANCE."""
    lo, hi = _bounds(spans, m.start, len(text))
    lo, hi = max(lo, m.start - MAX_SCAN_DISTANCE), min(hi, m.end + MAX_SCAN_DISTANCE)
    before = [c.end() for c in _CLAUSE_MARK.finditer(text, lo, m.start)]
    after = _CLAUSE_MARK.search(text, m.end, hi)
    return (before[-1] if before else lo), (after.start() if after else hi)


def _clause_metric(text: str, m: Mention, strong: _Hits, spans: _Spans) -> str | None:
    """The keyword nearest the amount in its own clause, whatever it names: "the market could reach $1
    billion", "raise GDP by €5 billion", "annual taxes of ¥360 million" are not the data centre the sentence
    is about."""
    if not strong.near(m.start - MAX_SCAN_DISTANCE, m.end + MAX_SCAN_DISTANCE):
        return None
    lo, hi = _clause(text, m, spans)
    best: tuple[int, str] | None = None
    for hit in strong.near(lo, hi):
        if hit.start >= lo and hit.end <= hi and not (m.start <= hit.start < m.end):
            gap = m.start - hit.end if hit.end <= m.start else hit.start - m.end
            if best is None or gap < best[0]:
                best = (gap, hit.label)
    return best[1] if best else None


def _metric(m: Mention, strong: _Hits, weak: _Hits, spans: _Spans, dominant: str | None, text: str = "") -> str:
    """The keyword in the amount's own clause, then a sentence keyword, then a paragraph keyword (a specific word
    beats a generic one nearer), then a weak (generic investment) word in the sentence, then the article's
    dominant metric; "other" only wins where no named metric is near, or in the amount's clause."""
    if text and (label := _clause_metric(text, m, strong, spans)):
        return label
    end = m.end  # its stated conversion is part of the phrase: "X (Y), for Z"
    if text and (paren := _PHRASE_PAREN.match(text, m.end)):
        m.end = paren.end()
    try:
        for hits, same in ((strong, "sentence"), (strong, "paragraph"), (weak, "sentence")):
            hit = _nearest(hits, m, spans, same=same, keep=_named) or _nearest(hits, m, spans, same=same)
            if hit:
                m.weak_metric = hits is weak
                return hit.label
    finally:
        m.end = end
    m.weak_metric = True
    return dominant or "other"


def _source(m: Mention, attributed: _Hits, sources: _Hits, cues: _Hits, spans: _Spans,
            companies: frozenset[str] = frozenset()) -> str | None:
    """An outlet named with an attribution marker ("according to Reuters") beats the nearest statement or
    attribution word with a speaker (the spender itself: "company statement"; another party by name: "said
    Jane Roe", "según Acme"), which beats an outlet named without one (a dateline); the sentence first, then
    the paragraph."""
    def spoken(c: _Hit) -> bool:  # another company's statement is no source for this spender's figure
        return bool(c.label) and (m.company is not None if c.label == PRONOUN else
                                  c.label == m.company or c.label not in companies)

    def told_next(c: _Hit) -> bool:  # across sentences, a party speaks for the sentence before ("This, X said")
        return spoken(c) and (c.label in (m.company, PRONOUN) or spans.sentence(c.start) == spans.sentence(m.start) + 1)

    for same in ("sentence", "paragraph"):
        if hit := _nearest(attributed, m, spans, same=same):
            return hit.label
        if hit := _nearest(cues, m, spans, same=same, keep=spoken if same == "sentence" else told_next):
            return STATEMENT if hit.label in (m.company, PRONOUN) else hit.label
        if same == "sentence" and (hit := _nearest(sources, m, spans)):
            return hit.label
    return None


def _bounds(spans: _Spans, pos: int, n: int) -> tuple[int, int]:
    """The start and end of the sentence holding `pos`."""
    i = spans.sentence(pos)
    return (spans.sentence_ends[i - 1] if i else 0), (spans.sentence_ends[i] if i < len(spans.sentence_ends) else n)


def _sentence_initial(text: str, lo: int, start: int) -> bool:
    return not text[lo:start].strip(" \t\n\u00a0\"“„«‘'([-–—•*#")


def _occurrences(text: str, name: str, limit: int) -> Iterator[int]:
    """Where the article writes `name` as a whole word (at most `limit` places): a plain search, no regex to
    compile per name."""
    start, found = text.find(name), 0
    while start >= 0 and found < limit:
        end = start + len(name)
        if not (start and _letter(text[start - 1])) and not (end < len(text) and _letter(text[end])):
            found += 1
            yield start
        start = text.find(name, start + 1)


def _letter(ch: str) -> bool:
    return ch.isalpha()


def _seen_inside(text: str, name: str) -> bool:
    """Whether the article writes the word capitalised after a lowercase word too, so that its capital is no
    mere sentence start (a few occurrences looked at)."""
    for start in _occurrences(text, name, 8):
        before = text[max(0, start - 3):start].rstrip(" \u00a0,;:")
        if before and before[-1].isalpha() and before[-1].islower():
            return True
    return False


def _name_ok(text: str, span: tuple[int, int], lo: int, g: Grammar, *, acronym: bool = False) -> str | None:
    """The name at `span` when it can name a party: no sentence-initial determiner, no common word capitalised
    only because a sentence starts with it, no country (CLDR), public body, month, or short acronym (AI, EU)
    unless a company noun or legal form stands beside it (`acronym`)."""
    start, end = span
    words = clean(text[start:end]).split()
    initial = _sentence_initial(text, lo, start)
    # a leading article, company noun ("Skupina Acme") or sentence-initial word never capitalised elsewhere
    # ("Według Acme") is not part of the name
    while len(words) > 1 and (fold(words[0]) in g.not_names or words[0].casefold() in g.lex.determiners or
                              fold(words[0]) in place_names(g.lex.lang) or
                              (initial and not _seen_inside(text, words[0]))):
        words, initial = words[1:], False
    name = " ".join(words)
    if len(name) < 2 or (not acronym and name.isupper() and len(name) <= 3 and name.isascii()) or \
            any(word_key(w) in g.lex.scales or word_key(w) in g.lex.currency_words for w in words):
        return None  # an acronym such as AI or EU, or the words of an amount ("Milliarden US-Dollar")
    key = fold(name)
    if key in place_names(g.lex.lang) or key in g.not_names or word_key(name) in g.lex.months:
        return None
    if len(words) == 1 and ((initial and not _seen_inside(text, name)) or
                            (g.lex.lang in NOUNS_CAPITALISED and name[1:].islower())):
        return None  # German capitalises every noun: one such word alone is no name
    return name


def _full_name(text: str, name: str) -> str:
    """A person named once in full and later by one name ("Jane Roe" ... "Roe said"): the full name, from the
    first occurrence that has a capitalised word beside it."""
    if " " in name:
        return name
    for start in _occurrences(text, name, 8):
        end = start + len(name)
        if (after := name_after(text, end, end + 40)) and after[0] == end + 1:
            return f"{name} {text[after[0]:after[1]].split()[0]}"
        if before := name_before(text, start, max(0, start - 40), gap=" "):
            first = text[before[0]:before[1]].split()[-1]  # the word before, not sentence-initial itself
            if not _sentence_initial(text, max(0, text.rfind(".", 0, start) + 1), start - len(first) - 1):
                return f"{first} {name}"
    return name


def _window_words(text: str, spans: _Spans, g: Grammar, sentences: set[int]) -> dict[str, list[tuple[int, int]]]:
    """Company nouns, legal forms and attribution words in the sentences with an amount; the rest of the article
    is not read for them."""
    n = len(text)
    out: dict[str, list[tuple[int, int]]] = {"company_noun": [], "legal_form": [], "attribution": []}
    if g.window_keywords is None:
        return out
    # those sentences only, joined into one text for one scan; each hit mapped back to its place in the article
    starts: list[int] = []  # where each sentence starts in the joined text
    places: list[int] = []  # and in the article
    pieces: list[str] = []
    reached = 0
    for i in sorted(sentences):
        lo = spans.sentence_ends[i - 1] if i else 0
        hi = spans.sentence_ends[i] if i < len(spans.sentence_ends) else n
        starts.append(reached)
        places.append(lo)
        pieces.append(text[lo:hi])
        reached += hi - lo + 1
    for kind, found in g.window_keywords.scan("\n".join(pieces)).items():
        for a, b in found:
            k = bisect.bisect_right(starts, a) - 1
            start = places[k] + a - starts[k]
            out[kind].append((start, start + b - a))
    return out


def _discovered_companies(text: str, found: dict[str, list[tuple[int, int]]], spans: _Spans, g: Grammar,
                          sentences: set[int], known: list[_Hit]) -> list[_Hit]:
    """Companies the tables do not list, named beside a company noun or legal form or as the subject of an
    investment word in a sentence with an amount; returned as hits at every place the article names them."""
    names: dict[str, None] = {}
    n = len(text)

    def add(span: tuple[int, int] | None, lo: int, acronym: bool) -> None:
        if span and (name := _name_ok(text, span, lo, g, acronym=acronym)):
            names[name] = None

    apposition = r"[\s\u00a0]*,[\s\u00a0]*(?:[^\W\d_]{1,3}[\s\u00a0]+)?"  # "Acme, a company", "Acme, gruppo"
    for kind, before_gap, typed in (("company_noun", apposition, True), ("legal_form", r",?[\s\u00a0]*", True),
                                    ("weak_metric", r"[\s\u00a0]+", False)):
        for start, end in found[kind]:
            if not typed and spans.sentence(start) not in sentences:
                continue
            lo, hi = _bounds(spans, start, n)
            if kind == "company_noun":  # "the AI company Acme", "la empresa española Acme", "شركة "أكمي""
                add(_noun_then_name(text, end, hi) or quoted_after(text, end, hi), lo, True)
            add(name_before(text, start, lo, gap=before_gap), lo, typed)
    if not names:
        return []
    labels = {fold(h.label) for h in known} | {fold(text[h.start:h.end]) for h in known}
    hits = []
    for name in names:
        if fold(name) in labels:
            continue
        hits += [_Hit(start, start + len(name), name) for start in _occurrences(text, name, 50)]
    return hits


def _noun_then_name(text: str, pos: int, hi: int) -> tuple[int, int] | None:
    """The name right after a company noun, or after one descriptive word ("la empresa española Acme"); a short
    function word between ("the group in Berlin") leaves no name."""
    span = name_after(text, pos, hi, skip=1)
    if span is None:
        return None
    between = text[pos:span[0]].split()
    return span if not between or len(between[0]) >= 4 else None


def _speaker_name(text: str, start: int, end: int, spans: _Spans, g: Grammar, parties: _Hits) -> str:
    """Who a speech or attribution word attributes to by structure: the name right before it ("Roe said",
    "Roe'ya göre") or just after it ("said Jane Roe", "according to Jane Roe", "oznámil to premiér Jan Novák");
    a listed outlet or company there keeps its table name; '' when nobody is named."""
    lo, hi = _bounds(spans, start, len(text))
    spans_ = [name_before(text, start, lo)]
    if fold(text[start:end]) not in g.postpositions:
        spans_.append(name_after(text, end, hi, skip=3))
    if g.lex.lang in VERB_FINAL:  # the subject opens the clause the verb closes: "…, diyen Roe, … söyledi"
        spans_.append(subject_before(text, lo, start))
    for span in spans_:
        if span is None:
            continue
        if listed := next((h for h in parties.near(span[0], span[1]) if h.start < span[1] and h.end > span[0]),
                          None):
            return listed.label
        if name := _name_ok(text, span, lo, g):
            return _full_name(text, name)
    return ""


def _statement_cues(found: dict[str, list[tuple[int, int]]], text: str, spans: _Spans, companies: list[_Hit],
                    g: Grammar, paragraphs: set[int], sentences: set[int], parties: _Hits) -> list[_Hit]:
    """Statement and attribution words in paragraphs with an amount, labelled with who speaks: the company
    named (or referred to as "the company") before the verb in its sentence, or just after it ("a déclaré
    Google"), else the party the sentence structure names beside it; unlabelled when nobody is."""
    speakers = _Hits(companies + _hits(found["company_pronoun"], text, label=PRONOUN))
    cues = []
    for start, end in found["statement_cue"]:
        if spans.paragraph(start) not in paragraphs:
            continue
        sentence = spans.sentence(start)
        first = spans.sentence_ends[sentence - 1] if sentence else 0
        before = next((h for h in reversed(speakers.near(first, start))
                       if h.end <= start and h.start >= first), None)  # the last speaker before the verb
        last = spans.sentence_ends[sentence] if sentence < len(spans.sentence_ends) else len(text)
        after = next((h for h in speakers.near(end, end + 41) if end <= h.start  # "the company" of the next
                      and (h.label != PRONOUN or h.start < last)), None)  # sentence is that sentence's subject
        speaker = before or after
        label = speaker.label if speaker else \
            _speaker_name(text, start, end, spans, g, parties) if sentence in sentences else ""
        cues.append(_Hit(start, end, label))
    # an attribution word ("according to", "laut", "podle") names its party right beside it, or nobody
    cues += [_Hit(start, end, _speaker_name(text, start, end, spans, g, parties))
             for start, end in found["attribution"]]
    return cues


def _pronoun_company(m: Mention, pronouns: _Hits, spenders: _Hits, spans: _Spans) -> str | None:
    """"The company", "la empresa", "společnost" in the amount's sentence: the last company named before it."""
    hit = _nearest(pronouns, m, spans)
    if hit is None:
        return None
    i = bisect.bisect_left(spenders.starts, hit.start) - 1
    return spenders.hits[i].label if i >= 0 and hit.start - spenders.hits[i].end < 3000 else None


def _headline(text: str) -> tuple[int, int] | None:
    """The title line's span: the first line after any front matter, when it is short and more follows."""
    body = FRONT_MATTER.match(text)
    lines = itertools.islice(_LINE.finditer(text, body.end() if body else 0), 2)
    first, second = next(lines, None), next(lines, None)
    if first is None or second is None or first.end() - first.start() > TITLE_MAX_CHARS:
        return None
    return first.span()


def _body_start(text: str) -> int:
    """Where the article's body starts: after its front matter and its title."""
    title = _headline(text)
    body = FRONT_MATTER.match(text)
    return title[1] if title else body.end() if body else 0


def _headline_source(text: str, sources: list[_Hit]) -> str | None:
    """A source named in the headline covers the whole article (inverted pyramid); used for amounts with no
    attribution of their own."""
    title = _headline(text)
    if title and (hit := next((h for h in sources if title[0] <= h.start < title[1]), None)):
        return hit.label
    return None


def _enrich(text: str, mentions: list[Mention], g: Grammar, spans: _Spans, published: date | None,
            found: dict[str, list[tuple[int, int]]]) -> None:
    starts, ends = [m.start for m in mentions], [m.end for m in mentions]

    def inside_money(pos: int) -> bool:  # mentions are sorted and disjoint
        i = bisect.bisect_right(starts, pos) - 1
        return i >= 0 and pos < ends[i]

    years = _Hits([_Hit(start, end, str(y)) for start, end, kind, word in _year_expressions(text, found, g)
                   if not inside_money(start) and (y := _year_of(start, end, kind, word, text, published, g))
                   is not None])
    strong_list = _hits(found["metric"], text, g.metric_of)
    strong, weak = _Hits(strong_list), _Hits(_hits(found["weak_metric"], text, g.metric_of))
    counted = Counter(h.label for h in strong_list if h.label != "other").most_common(1)
    dominant = counted[0][0] if counted else None
    companies = _hits(found["company"], text, g.company_of)
    sentences = {spans.sentence(m.start) for m in mentions}
    near = sentences | {i + 1 for i in sentences}  # a party speaks for its own sentence or the one before
    found = found | _window_words(text, spans, g, sentences)
    companies += _discovered_companies(text, found, spans, g, sentences, companies)
    spender_list = [h for h in companies if h.label.casefold() not in g.suppliers]
    spenders = _Hits(spender_list)
    actors = _Hits(spender_list + _hits(found["public_actor"], text, label=PUBLIC))
    pronouns = _Hits(_hits(found["company_pronoun"], text, label=PRONOUN))
    source_list = _hits(found["source"], text, g.source_of)
    attributed = _Hits([h for h in source_list if g.attribution.search(text[max(0, h.start - 30):h.end + 30])])
    sources = _Hits([h for h in source_list if h.label not in g.attributed_only])
    cues = _Hits(_statement_cues(found, text, spans, companies, g, {spans.paragraph(m.start) for m in mentions}, near,
                                 _Hits(source_list + companies)))
    fallback_source = _headline_source(text, source_list)
    company_labels = frozenset(h.label for h in companies)
    top = Counter(h.label for h in spender_list).most_common(2)
    # the article's main spender, where one company clearly dominates it
    main_company = top[0][0] if top and (top[0][1] >= 3 or (len(top) == 1 and top[0][1] >= 2)) and \
        (len(top) == 1 or top[0][1] > top[1][1]) else None
    for i, m in enumerate(mentions):
        _qualify(text, m, g, _after_aside(text, mentions, i))
        if hit := _nearest(years, m, spans):
            m.year = int(hit.label)
        m.metric = _metric(m, strong, weak, spans, dominant, text)
        # the actor in the sentence, else the company "the company" there stands for, else the actor named last
        # before it in the paragraph (a government there makes it a public figure), else the article's main one
        hit = _nearest(actors, m, spans)
        company = _pronoun_company(m, pronouns, spenders, spans) if hit is None else None
        hit = hit or (None if company else _nearest(actors, m, spans, same="paragraph", before=True))
        m.company = (None if hit.label == PUBLIC else hit.label) if hit else company or main_company
        m.source = _source(m, attributed, sources, cues, spans, company_labels) or fallback_source
    previous: Mention | None = None
    for m in mentions:  # else the year of the paragraph's previous amount, else a year named before it there
        if m.year is None:
            if previous and previous.year and spans.paragraph(previous.start) == spans.paragraph(m.start):
                m.year = previous.year
            elif hit := _nearest(years, m, spans, same="paragraph", before=True):
                m.year = int(hit.label)
        previous = m


def _same_amount(a: Mention, b: Mention) -> bool:
    """Equal within 0.5%, or one is the other rounded for a headline (3.5兆 for 3.52兆)."""
    return a.currency == b.currency and _rounded_from(a.value, b.value)


def _rounded_from(a: float, b: float) -> bool:
    if math.isclose(a, b, rel_tol=0.005):
        return True
    lo, hi = sorted((a, b))
    digits = len(f"{lo:.15g}".rstrip("0").replace(".", "").lstrip("0"))
    return digits >= 2 and math.isclose(float(f"{hi:.{digits}g}"), lo, rel_tol=1e-9)


def _consolidate(mentions: list[Mention], body_start: int = 0) -> None:
    """All quotes of one amount share its fields (strongest qualifier); an amount and its stated conversion
    describe one spending, so they also share year, metric, company and source. Each amount's primary mention
    is its first in the body (from `body_start`), else its first."""
    for i, m in enumerate(mentions):
        if m.partner is not None and m.partner < i and m.qualifier == "exact" and \
                mentions[m.partner].qualifier == "approx":
            m.qualifier = "approx"  # the conversion of an approximate figure is approximate (a bound is not)
    groups: list[list[Mention]] = []
    buckets: dict[tuple[str | None, int], list[int]] = {}
    for m in mentions:  # candidates share the currency and lie within a few percent: neighbouring log buckets
        bucket = int(math.log10(m.value) * 40) if m.value > 0 else 0
        near = sorted(i for b in (bucket - 1, bucket, bucket + 1) for i in buckets.get((m.currency, b), ()))
        found = next((i for i in near if _same_amount(groups[i][0], m)), None)
        if found is None:
            buckets.setdefault((m.currency, bucket), []).append(len(groups))
            groups.append([m])
        else:
            groups[found].append(m)
    for gid, group in enumerate(groups):
        next((m for m in group if m.start >= body_start), group[0]).primary = True
        qualifier = max((m.qualifier for m in group), key=lambda q: QUALIFIER_STRENGTH[q])
        usd_stated = next((m.usd_stated for m in group if m.usd_stated is not None), None)
        for m in group:
            m.amount_id, m.qualifier, m.usd_stated = gid, qualifier, usd_stated
    clusters = _clusters(mentions, len(groups))
    for cluster in clusters:
        # a figure any quote ties to capex is a capex figure; else the most common named metric
        # (a specific keyword beside one quote outweighs a generic investment word beside another)
        metrics = [m.metric for m in cluster if m.metric != "other" and not m.weak_metric] or \
            [m.metric for m in cluster if m.metric != "other"]
        metric = "capex" if "capex" in metrics else _mode(metrics) or "other"
        year, company = _mode(m.year for m in cluster), _mode(m.company for m in cluster)
        # an outlet that reported the figure is more specific than "company statement"
        source = _mode(m.source for m in cluster if m.source != STATEMENT) or _mode(m.source for m in cluster)
        for m in cluster:
            m.year, m.metric, m.company, m.source = year, metric, company, source


def _clusters(mentions: list[Mention], n_groups: int) -> list[list[Mention]]:
    """Amount groups joined through stated-conversion links (union-find over amount ids)."""
    parent = list(range(n_groups))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for m in mentions:
        if m.partner is not None:
            parent[root(m.amount_id)] = root(mentions[m.partner].amount_id)
    clusters: dict[int, list[Mention]] = {}
    for m in mentions:
        clusters.setdefault(root(m.amount_id), []).append(m)
    return list(clusters.values())


def _mode(values: Any) -> Any:
    """The most common value that is not None (the first seen on a tie), or None; a Counter costs more on
    the handful of values a figure has."""
    counts: dict[Any, int] = {}
    for v in values:
        if v is not None:
            counts[v] = counts.get(v, 0) + 1
    return max(counts, key=counts.__getitem__) if counts else None


def _territory_currency(territory: str, candidates: list[str]) -> str | None:
    local = territory_currencies(territory)
    return next((c for c in candidates if c in local), None)


def extract(text: str, *, doc: str = "", lang: str | None = "en", published: date | None = None) -> list[Mention]:
    """Every monetary mention in `text`, in order, with text[start:end] == quote."""
    g = grammar(lang or "en")
    norm = fold_text(text)
    spans = _Spans(norm, g.abbreviations)
    words = g.keywords.scan(norm)
    found = _find_amounts(text, norm, doc, g, spans, words)
    _resolve_ambiguous(found, g)
    mentions = _resolve_bare(norm, found, g, spans)
    if not mentions:
        return mentions
    _pair_conversions(norm, mentions, g)
    _enrich(norm, mentions, g, spans, published, words)
    _consolidate(mentions, _body_start(norm))
    return mentions


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
            if after and ((reading := _read_amount(g, after, _name_after(g, after))).currency or after["scale"]):
                end += reading.end - 1
        if (start, end) != match.span():
            found.append((start, end, text[start:end]))
    return found
