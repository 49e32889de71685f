"""Numbers as written: digits of any script, locale separators (Babel), and positional units (억, 万亿, 兆,
crore, "2 mld 800 mln", "১ হাজার ১৯৯ কোটি")."""

from __future__ import annotations

import re
import unicodedata
from functools import cache

from babel.numbers import NumberFormatError, get_decimal_symbol, get_group_symbol, parse_decimal

from .wordkeys import ARABIC_FOLD

_CJK_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|\D")
_BIG_UNIT = 1e4
_SPACES = re.compile(r"[ \u00a0\u202f]")
_SEPARATORS = re.compile(r"[.,]")
_SCIENTIFIC = re.compile(r"\d+(?:[.,]\d+)?[eE][+-]?\d{1,3}")
_SIMPLE = re.compile(r"\d+([.,])\d+")
_INDIAN = re.compile(r"\d{1,2}(?:,\d\d)+,\d{3}(?:\.\d+)?")
# Between two digits: the Japanese nakaguro and full-width marks are decimal points or group separators.
# Written to start with the mark itself, so the engine skips to the next one instead of trying every position.
_BETWEEN_DIGITS = re.compile(r"[・．，](?<=\d[・．，])(?=\d)")


def _digit_table() -> dict[int, str]:
    """Every Unicode decimal digit (full-width, Arabic-Indic, Persian, Devanagari, Bengali, Thai ...) to ASCII,
    the Arabic decimal and group marks to '.' and ',', and Arabic-script letter variants folded: one character
    for one, so offsets into the folded text are offsets into the article."""
    table = {cp: str(unicodedata.digit(chr(cp))) for cp in range(0x80, 0x10000)
             if unicodedata.category(chr(cp)) == "Nd" }
    table |= {0x066B: ".", 0x066C: ","}
    table |= {k: v for k, v in ARABIC_FOLD.items()}
    return table


_TABLE = _digit_table()


def fold_text(text: str) -> str:
    """The article as the grammar reads it, of the same length: digits in ASCII, '12・6' as '12.6'."""
    return fold_digits(text)[0]


def _between_digits(text: str) -> str:
    if "・" in text or "．" in text or "，" in text:
        text = _BETWEEN_DIGITS.sub(lambda m: "." if m.group() in "・．" else ",", text)
    return text


# `\d\d*`, not `\d+`: a pattern that opens with a character class is searched by the engine's fast scan for
# that class, where a repeat is tried as a match at every position of the article (1.5x the time)
_DIGIT_RUN = re.compile(r"\d\d*")
_FOLDED_NON_DIGITS = "".join(sorted(chr(cp) for cp in _TABLE if not chr(cp).isdecimal()))  # Arabic marks, letters


def fold_digits(text: str) -> tuple[str, list[int]]:
    """`fold_text`, and where each run of digits starts in it: the same places as in the article, where a digit
    is folded to a digit and nothing else to one. One scan finds both the runs and the digits to fold (the few
    there are, each replaced: `translate` cost more; no replacement is itself a key)."""
    starts: list[int] = []
    if text.isascii():  # no digit to fold, nor a mark or letter
        starts = [m.start() for m in _DIGIT_RUN.finditer(text)]
        return _between_digits(text), starts
    foreign: set[str] = set()
    for m in _DIGIT_RUN.finditer(text):
        starts.append(m.start())
        if not (run := m.group()).isascii():
            foreign.update(run)
    foreign.update(ch for ch in _FOLDED_NON_DIGITS if ch in text)
    for ch in foreign:
        folded = _TABLE.get(ord(ch))  # None for ASCII digits, and for digits beyond the table (above U+FFFF)
        if folded is not None:
            text = text.replace(ch, folded)
    return _between_digits(text), starts


@cache
def _symbols(locale: str) -> tuple[str, str]:
    return get_decimal_symbol(locale), get_group_symbol(locale)


def parse_digits(text: str, locale: str) -> tuple[float, str | None]:
    """Parse '1,500' / '5,7' / '20.000' / '2801.5' / '1,00,000' with the locale's rules, else by the shape of
    the string. Returns the value and a note when the reading was a guess (a lone separator before exactly
    three digits that the locale does not use that way)."""
    if text.isdigit():
        return float(text), None
    if _SCIENTIFIC.fullmatch(text):  # "1e9", "2.5E10": read, and noted, since news never writes numbers so
        mantissa, _, exponent = text.lower().partition("e")
        return parse_digits(mantissa, locale)[0] * 10.0 ** int(exponent), "scientific notation"
    decimal, group = _symbols(locale)
    # one mark: the locale's decimal mark, or its group mark before three digits
    if simple := _SIMPLE.fullmatch(text):
        mark = text[simple.start(1)]
        whole, _, frac = text.partition(mark)
        if mark == decimal and mark != group:
            return float(f"{whole}.{frac}"), None
        if mark == group and len(frac) == 3:
            return float(whole + frac), None
    if group.isspace():  # "1 500", "1\u00a0500", "1\u202f500" all group thousands in such locales
        text = _SPACES.sub(group, text)
    if _INDIAN.fullmatch(text):
        return float(text.replace(",", "")), None
    if all(ch.isdigit() or ch in (decimal, group) for ch in text):  # Babel is lenient with foreign marks
        try:
            return float(parse_decimal(text, locale=locale, strict=True)), None
        except NumberFormatError:
            pass
    parts = _SEPARATORS.split(text.replace(group, "") if group.isspace() else text)
    if len(parts) == 2:  # one separator: a decimal mark unless exactly three digits follow it
        if len(parts[1]) != 3:
            return float(f"{parts[0]}.{parts[1]}"), None
        mark = text[len(parts[0])]
        note = None if mark == group else f"'{mark}' before three digits read as a thousands separator"
        return float(parts[0] + parts[1]), note
    marks = set(_SEPARATORS.findall(text))
    if len(marks) == 2:  # "1,234.5" or "1.234,5": the last mark is the decimal one
        last = text.rfind(text[max(text.rfind("."), text.rfind(","))])
        whole, frac = text[:last], text[last + 1:]
        if all(len(p) == 3 for p in _SEPARATORS.split(whole)[1:]):
            return float(_SEPARATORS.sub("", whole) + "." + frac), None
    elif all(len(p) == 3 for p in parts[1:]):  # 1.500.000 with any grouping mark
        return float("".join(parts)), None
    raise ValueError(f"malformed number {text!r}")


def positional(tokens: list[tuple[float, bool]]) -> float:
    """Combine numbers and units read left to right, as CJK and Indian numerals and "2 mld 800 mln" are
    written: (value, is_unit) pairs. A small unit (< 10^4: 千, thousand, हज़ार) multiplies the number before it
    into the current section; a big one multiplies the section; a big unit right after another stacks
    (万亿 = 10^12, lakh crore = 10^12)."""
    total = section = chunk = 0.0
    current: float | None = None
    for value, is_unit in tokens:
        if not is_unit:
            current = value
        elif value < _BIG_UNIT:
            section += (current if current is not None else 1.0) * value
            current = None
        elif current is None and not section and chunk:
            total += chunk * (value - 1)
            chunk *= value
        else:
            chunk = (section + (current or 0.0)) * value
            total += chunk
            section, current = 0.0, None
    return total + section + (current or 0.0)


def parse_cjk(text: str, units: dict[str, float], locale: str) -> float:
    """Read a CJK positional amount such as '874조7천400억', '6천억', '3.52兆', '1,500억' or '33조 8천억'."""
    tokens = []
    for token in _CJK_TOKEN.findall(_SPACES.sub("", text)):
        unit = units.get(token)
        tokens.append((unit, True) if unit is not None else (parse_digits(token, locale)[0], False))
    return positional(tokens)
