"""How matched words are looked up in a lexicon's tables: folding, table keys, inflected forms, currency names.
Called for every matched word of every article, so compiled with the extractor (the lexicon is built once per
language in lexicon.py, which keeps these as its own names)."""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from typing import Any

# Arabic-script letters written two ways (Arabic ي/ك, Persian ی/ک): folded so both spellings match
ARABIC_FOLD = str.maketrans({"ي": "ی", "ك": "ک", "ى": "ی"})


def fold(word: str) -> str:
    word = word.casefold()  # the same either side of ARABIC_FOLD, whose letters have no case
    # `translate` looks each character up: only where one of ARABIC_FOLD's letters is
    return word.translate(ARABIC_FOLD) if not word.isascii() and ("ي" in word or "ك" in word or "ى" in word) \
        else word


@lru_cache(maxsize=1 << 16)  # called for every matched word; the same few words recur in every article
def word_key(word: str) -> str:
    """How a word is looked up in the tables: NFC, case- and Arabic-spelling-folded (one-letter Latin kept).
    Text only (a YAML key that loads as a number or a boolean is made text where it is read)."""
    word = unicodedata.normalize("NFC", word)
    return word if len(word) == 1 and word.isascii() else fold(word)  # "B", "M": case-sensitive abbreviations


def is_latin(ch: str) -> bool:
    return ch.isascii() or "\u00c0" <= ch <= "\u024f"


def lookup(table: dict[str, Any], word: str, inflects: bool) -> str:
    """The table key a matched word stands for: itself, or (where nouns inflect) its longest prefix in the
    table ("dolarů" -> "dolar", "miljardin" -> "miljardi")."""
    found = table_key(table, word, inflects)
    if found is None:
        raise KeyError(word)
    return found


def table_key(table: dict[str, Any], word: str, inflects: bool) -> str | None:
    """`lookup`, with None for a word the table has not (currency_name tries several cuts of a run)."""
    key = word_key(word)
    if key in table:
        return key
    if inflects:
        for cut in range(1, 6):
            if len(key) - cut >= 2 and key[-cut:].isalpha() and key[:-cut] in table:
                return key[:-cut]
    return None


def currency_of(word: str, marks: dict[str, str], prefix_words: dict[str, str], names: dict[str, str],
                inflects: bool) -> tuple[str, str]:
    """(ISO code, kind) of a currency word, symbol or code as matched, by a lexicon's marks (symbols and
    codes), words written before the number and currency names: see Lexicon.currency_of."""
    if word in marks:
        code = marks[word]
        return code, "iso code" if word == code else "symbol"
    key = word_key(word)
    if key in prefix_words:
        return prefix_words[key], "name"
    return names[lookup(names, word, inflects)], "name"


def currency_name(run: str, names: dict[str, str], prefixes: dict[str, bool], longest: int,
                  inflects: bool) -> str | None:
    """The longest of `names` (a lexicon's currency words, `prefixes` every beginning of their keys, `longest`
    the longest one's length with an ending) that `run` starts with, or None ("dolarów amerykańskich wydał" ->
    "dolarów amerykańskich", "ดอลลาร์สหรัฐในปี" -> "ดอลลาร์สหรัฐ", "डॉलरची" -> "डॉलर"). Latin words are cut
    between words (an ending on the last word is the lexicon's business); other scripts, where particles and
    postpositions are often glued on, at any character."""
    run = run[:longest]
    key = fold(run)  # the text is Arabic-folded already
    if len(key) == len(run) and unicodedata.is_normalized("NFC", run):  # else every cut is tried
        reach = 0  # how far the run spells the beginning of some name; most words after a number are none
        named = False  # whether a whole name (or the stem of an inflected one) begins the run
        while reach < len(key):
            whole = prefixes.get(key[:reach + 1])
            if whole is None:
                break
            reach += 1
            named = named or whole
        if not named:
            return None
        run = run[:reach + (5 if inflects else 0) + 1]  # an ending, and the character after the name
    # where a name may end: after a Latin letter only at a word's end, after any other character anywhere
    # (tried longest first: the first or second cut is usually the name)
    size = len(run)
    for cut in range(size, 0, -1):
        if cut < size and is_latin(run[cut - 1]) and run[cut - 1].isalpha() and run[cut].isalpha():
            continue
        name = run[:cut]
        if name[-1] in " \u00a0-":
            continue
        if table_key(names, name, inflects) is not None:
            return name
    return None
