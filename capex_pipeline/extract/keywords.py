"""Keyword tables found in one pass over an article: Aho-Corasick automata (Rust) instead of one regex scan per
table. The boundaries and the choice among overlapping words are those of `lexicon.alternation`, which stays
the pattern for short windows; a test holds the two to the same answers."""

from __future__ import annotations

import string
from dataclasses import dataclass

import ahocorasick_rs

from .wordkeys import ARABIC_FOLD, is_latin

_LOWER_FIXES = str.maketrans({"\u0130": "i", "\u03c2": "\u03c3"})  # İ lowers to two characters; ς is σ


def fold_case(text: str) -> str:
    """Lower case of the same length, so offsets in the folded text are offsets in the article."""
    lowered = text.lower()
    # İ lowers to two characters, and ς is either written or a final Σ lowered: one search of the lower case
    # (its length tells the other), where looking for each in the text cost two
    if len(lowered) != len(text) or "\u03c2" in lowered:
        lowered = text.translate(_LOWER_FIXES).lower()
    return lowered


def _letter(ch: str) -> bool:  # the regex class [^\W\d_]
    return ch.isalnum() and not ch.isdecimal()


# lexicon.LATIN_LETTER, as a set: tested before every hit of the scan, where a call per hit cost a tenth of it
_LATIN_LETTERS = frozenset(string.ascii_letters) | frozenset(map(chr, range(0xC0, 0x250)))


@dataclass(frozen=True)
class Table:
    """Words of one kind and how they must sit in the text (see `lexicon.alternation`)."""

    words: tuple[str, ...]
    ignore_case: bool = False
    prefix: bool = False  # no end boundary: a word may go on ("invest" in "investments")
    endings: bool = False  # up to five more letters of inflection, then the word ends
    start: bool = True  # a word starting with a Latin letter must not follow one


# per automaton key: its length, its tables, whether it may not follow a Latin letter, whether it is kept as found
Entry = tuple[int, tuple[int, ...], bool, bool]
# and, where it is the lower case of case-sensitive words, those words as written with an entry each (and "", for
# none to check, with the entry of its case-insensitive tables): the key's entry then has no tables, and says
# whether all of those dismiss a hit that follows a Latin letter
Key = tuple[int, tuple[int, ...], bool, bool, tuple[tuple[str, Entry], ...]]
_SIGMA = "\u03a3"  # the one letter whose lower case depends on its neighbours (σ, or ς where a word ends)


class Scanner:
    """All tables of one grammar: scan(text) -> {table: [(start, end), ...]}, leftmost-longest and disjoint
    within each table, as `re.finditer` over the table's alternation gives them."""

    def __init__(self, tables: dict[str, Table]) -> None:
        self.tables = tables
        self.names = list(tables)
        entries: tuple[dict[str, list[int]], dict[str, list[int]]] = ({}, {})
        for i, table in enumerate(tables.values()):
            for word in table.words:
                if word:
                    key = (fold_case(word) if table.ignore_case else word).translate(ARABIC_FOLD)
                    entries[table.ignore_case].setdefault(key, []).append(i)
        specs = self._specs = list(tables.values())
        exact, folded = entries
        # A case-sensitive word is looked for in the lower-cased text too, under its lower case, and kept where
        # the text spells it as written: one automaton, one pass over the article (two cost 1.4x the one). A
        # word with a capital sigma keeps an automaton over the text as written: its lower case in the text
        # depends on the letters around it.
        written: dict[str, list[str]] = {}
        for word in exact:
            if _SIGMA not in word:
                written.setdefault(fold_case(word), []).append(word)
        self._automata: list[tuple[bool, ahocorasick_rs.AhoCorasick, list[Key]]] = []
        for lowered, words in ((False, {w: t for w, t in exact.items() if _SIGMA in w}),
                               (True, {**{k: [] for k in written}, **folded})):
            if words:
                keys = list(words)
                # the contiguous NFA: searched ~30% faster than the default, for a few ms more to build
                automaton = ahocorasick_rs.AhoCorasick(keys, matchkind=ahocorasick_rs.MatchKind.Standard,
                                                       implementation=ahocorasick_rs.Implementation.ContiguousNFA)
                self._automata.append((lowered, automaton, [_key(k, words[k], [
                    (w, _entry(w, exact[w], specs)) for w in written.get(k, ()) if lowered], specs) for k in keys]))

    def scan(self, text: str) -> dict[str, list[tuple[int, int]]]:
        candidates: list[list[tuple[int, int, int]]] = [[] for _ in self.names]
        specs, latin = self._specs, _LATIN_LETTERS
        for folded, automaton, keys in self._automata:
            haystack = fold_case(text) if folded else text
            for key, start, stop in automaton.find_matches_as_indexes(haystack, overlapping=True):
                length, owners, word_start, fixed, written = keys[key]
                if word_start and start and text[start - 1] in latin:
                    continue
                for word, entry in written:  # case-sensitive words: where the text spells one as written
                    if text.startswith(word, start):
                        _keep(entry, specs, text, start, stop, candidates)
                if fixed:  # no boundary left to check: the word is where the automaton found it
                    for i in owners:
                        candidates[i].append((start, -length, stop))
                    continue
                for i in owners:
                    end = _fit(specs[i], text, start, stop)
                    if end is not None:
                        candidates[i].append((start, -length, end))
        return {name: _leftmost_longest(found) for name, found in zip(self.names, candidates, strict=True)}


def _entry(key: str, tables: list[int], specs: list[Table]) -> Entry:
    """Per key: its length, its tables, whether it may not follow a Latin letter in any of them (most hits of
    short words are inside longer ones: dismissed before any other check), and whether `_fit` keeps it as
    found for every table once that check has passed: no inflection to extend, no end boundary to check, and
    a start check that all tables or none make."""
    owners = [specs[i] for i in tables]
    first_latin = is_latin(key[0]) and key[0].isalnum()
    last_latin = is_latin(key[-1]) and key[-1].isalnum()
    word_start = first_latin and all(t.start for t in owners)
    ends_free = all(not t.endings and (t.prefix or not last_latin) for t in owners)
    fixed = ends_free and (word_start or not first_latin or not any(t.start for t in owners))
    return len(key), tuple(tables), word_start, fixed


def _key(key: str, tables: list[int], written: list[tuple[str, Entry]], specs: list[Table]) -> Key:
    entry = _entry(key, tables, specs)
    if not written:
        return (*entry, ())
    if tables:
        written.append(("", entry))
    return len(key), (), all(e[2] for _, e in written), True, tuple(written)


def _keep(entry: Entry, specs: list[Table], text: str, start: int, stop: int,
          candidates: list[list[tuple[int, int, int]]]) -> None:
    """The hit at [start, stop) of a case-sensitive word, as `scan` keeps a hit of a key."""
    length, owners, word_start, fixed = entry
    if word_start and start and text[start - 1] in _LATIN_LETTERS:
        return
    for i in owners:
        end = stop if fixed else _fit(specs[i], text, start, stop)
        if end is not None:
            candidates[i].append((start, -length, end))


def _fit(table: Table, text: str, start: int, end: int) -> int | None:
    """Where the word at [start, end) ends once its boundaries hold, or None where they do not."""
    # the neighbour first: most words stand beside no Latin letter, and the word's own letter costs a call
    if table.start and start and text[start - 1] in _LATIN_LETTERS and is_latin(first := text[start]) and \
            first.isalnum():
        return None
    if table.endings:
        stop = end
        while stop < len(text) and _letter(text[stop]):
            stop += 1
        return stop if stop - end <= 5 else None
    if not table.prefix and end < len(text) and text[end] in _LATIN_LETTERS and is_latin(last := text[end - 1]) \
            and last.isalnum():
        return None
    return end


def _leftmost_longest(found: list[tuple[int, int, int]]) -> list[tuple[int, int]]:
    if len(found) < 2:  # most tables in most articles: nothing, or one word, to choose among
        return [(start, end) for start, _, end in found]
    spans = []
    reached = 0
    for start, _, end in sorted(found):
        if start >= reached:
            spans.append((start, end))
            reached = end
    return spans
