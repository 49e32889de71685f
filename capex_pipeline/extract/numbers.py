"""Numbers as written: locale digits (Babel), CJK positional numerals (억, 万亿, 兆) and number words."""

from __future__ import annotations

import re
from functools import cache

from babel.numbers import NumberFormatError, get_group_symbol, parse_decimal

_CJK_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|\D")
_BIG_UNIT = 1e4
_SPACES = re.compile(r"[ \u00a0\u202f]")
_SEPARATORS = re.compile(r"[.,]")


@cache
def _group_symbol(locale: str) -> str:
    return get_group_symbol(locale)


def parse_digits(text: str, locale: str) -> float:
    """Parse '1,500' / '5,7' / '20.000' / '2801.5' with the article locale's rules, falling back to English
    and then to the shape of the string (a lone separator before exactly three digits groups thousands)."""
    if text.isdigit():
        return float(text)
    group = _group_symbol(locale)
    if group.isspace():  # "1 500", "1\u00a0500", "1\u202f500" all group thousands in such locales
        text = _SPACES.sub(group, text)
    for loc in (locale, "en"):
        try:
            return float(parse_decimal(text, locale=loc, strict=True))
        except NumberFormatError:
            continue
    parts = _SEPARATORS.split(text)
    if len(parts) == 2:  # one separator: a decimal mark unless exactly three digits follow it
        return float(parts[0] + ("" if len(parts[1]) == 3 else ".") + parts[1])
    if all(len(p) == 3 for p in parts[1:]):  # 1.500.000 with any grouping mark
        return float("".join(parts))
    raise ValueError(f"malformed number {text!r}")


def parse_cjk(text: str, units: dict[str, float], locale: str) -> float:
    """Read a CJK positional amount such as '874조7천400억', '6천억', '3.52兆' or '1,500억'."""
    total = section = chunk = 0.0
    current: float | None = None
    for token in _CJK_TOKEN.findall(text.replace(" ", "")):
        unit = units.get(token)
        if unit is None:
            current = parse_digits(token, locale)
        elif unit < _BIG_UNIT:
            section += (current if current is not None else 1.0) * unit
            current = None
        elif current is None and not section and chunk:  # stacked units: 万亿 = 10^4 * 10^8
            total += chunk * (unit - 1)
            chunk *= unit
        else:
            chunk = (section + (current or 0.0)) * unit
            total += chunk
            section, current = 0.0, None
    return total + section + (current or 0.0)
