"""Numbers as written: locale digits (Babel), CJK positional numerals (억, 万亿, 兆) and number words."""

from __future__ import annotations

import re
from decimal import Decimal

from babel.numbers import NumberFormatError, get_group_symbol, parse_decimal

_CJK_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|\D")
_BIG_UNIT = 1e4
_SPACES = re.compile(r"[ \u00a0\u202f]")


def parse_digits(text: str, locale: str) -> float:
    """Parse '1,500' / '5,7' / '20.000' / '2801.5' with the article locale's rules, falling back to English
    and then to the shape of the string (a lone separator before exactly three digits groups thousands)."""
    if text.isdigit():
        return float(text)
    group = get_group_symbol(locale)
    if group.isspace():  # "1 500", "1\u00a0500", "1\u202f500" all group thousands in such locales
        text = _SPACES.sub(group, text)
    for loc in (locale, "en"):
        try:
            return float(parse_decimal(text, locale=loc, strict=True))
        except NumberFormatError:
            continue
    head, sep, tail = text.replace(",", ".").rpartition(".")
    if len(tail) == 3 and sep:
        return float((head + tail).replace(".", ""))
    return float(Decimal(head.replace(".", "") + "." + tail)) if sep else float(text)


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
