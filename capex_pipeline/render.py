"""Query results as text: a terminal table, markdown, CSV, JSON or JSON lines. The project's one renderer of
tables (the CLI, the run summary and the Dagster previews use it).

Tables are for reading: US dollar amounts (columns usd_*) in bn or mn with two decimals, other floats without
scientific notation, every column kept, long values wrapped. CSV and JSON are for machines and keep full
precision."""

from __future__ import annotations

import csv
import datetime as dt
import itertools
import json
import math
import re
import textwrap
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from typing import Any, TextIO

FORMATS = ("table", "markdown", "csv", "json", "jsonl")
MIN_COLUMN = 8  # narrower than this, a row reads better as a vertical record
_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]")  # tabs, escape sequences: they would break the layout


def display(value: Any) -> str:
    """One value as a table shows it: NULL, floats readable (20,640,000,000.00; 7.2884), ints as they are
    (years stay 2025), nested values as JSON."""
    if value is None:
        return "NULL"
    if isinstance(value, float):
        if not math.isfinite(value) or value == 0:
            return str(value)
        if abs(value) >= 1000:
            return f"{value:,.2f}"
        if abs(value) >= 1e-4:
            text = f"{value:.4f}".rstrip("0")
            return text + "0" if text.endswith(".") else text  # 7.0 stays visibly a float
        return f"{value:.3g}"
    if isinstance(value, list | dict | tuple):
        return json.dumps(_jsonable(value), ensure_ascii=False)
    return _CONTROL.sub(" ", str(value))


def usd_display(value: Any) -> str | None:
    """A US dollar amount as people read one: '20.64 bn', '350.00 mn' (None for what is not one)."""
    if not isinstance(value, float | int) or isinstance(value, bool) or not math.isfinite(value):
        return None
    if abs(value) >= 1e9:
        return f"{value / 1e9:,.2f} bn"
    return f"{value / 1e6:,.2f} mn" if abs(value) >= 1e6 else None


def _is_usd(column: str) -> bool:  # the marts name their USD amounts usd_* (usd_value, usd_median, usd_stated)
    return column.startswith("usd_")


def _column_display(values: Sequence[Any], column: str = "") -> list[str]:
    """A column's values as a table shows them: USD amounts in bn or mn with two decimals, other floats in one
    format, so their decimal points line up."""
    if _is_usd(column) and any(usd_display(v) for v in values):
        return [usd_display(v) or display(v) for v in values]
    floats = [abs(v) for v in values if isinstance(v, float) and math.isfinite(v) and v != 0]
    if not floats or min(floats) < 1e-4:
        return [display(v) for v in values]
    if max(floats) >= 1000:
        spec = ",.2f"
    else:
        decimals = max(len(f"{v:.4f}".rstrip("0").split(".")[1]) for v in floats)
        spec = f".{max(decimals, 1)}f"
    return [format(v, spec) if isinstance(v, float) and math.isfinite(v) else display(v) for v in values]


def _jsonable(value: Any) -> Any:
    """A value JSON can carry without losing precision (dates as ISO text, decimals as numbers)."""
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None  # JSON has no NaN or infinity
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, bytes | bytearray):
        return value.hex()
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)  # UUID, timedelta, ...


def _csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | dict | tuple):
        return json.dumps(_jsonable(value), ensure_ascii=False)
    return value  # str() of a float is its shortest exact form


def _width(text: str) -> int:
    """Terminal columns taken by `text` (CJK characters take two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _wrap(text: str, width: int) -> list[str]:
    """`text` cut into lines of at most `width` terminal columns, at spaces when there are any."""
    lines: list[str] = []
    for paragraph in text.split("\n") or [""]:
        words = textwrap.wrap(paragraph, width, break_long_words=False) if _width(paragraph) == len(paragraph) \
            else [paragraph]
        for word in words or [""]:
            line = ""
            for ch in word:
                if _width(line + ch) > width:
                    lines.append(line)
                    line = ""
                line += ch
            lines.append(line)
    return lines


def _pad(text: str, width: int, right: bool) -> str:
    gap = " " * (width - _width(text))
    return gap + text if right else text + gap


def _fit(natural: list[int], width: int) -> list[int] | None:
    """Column widths within `width` terminal columns, narrowing the widest first; None when they cannot fit."""
    budget = width - (3 * len(natural) + 1)  # "│ " + " │ " ... + " │"
    widths = list(natural)
    while sum(widths) > budget:
        widest = max(range(len(widths)), key=widths.__getitem__)
        if widths[widest] <= MIN_COLUMN:
            return None
        widths[widest] -= 1
    return widths


def table(columns: Sequence[str], rows: Sequence[Sequence[Any]], *, width: int = 160,
          footer: str | None = None) -> str:
    """A boxed terminal table with every column; long values wrap. When even narrow columns do not fit in
    `width`, each row is printed as a vertical record instead (psql's expanded display)."""
    columns_text = [_column_display([row[i] for row in rows], columns[i]) for i in range(len(columns))]
    cells = [list(row) for row in zip(*columns_text, strict=True)] if rows else []
    numeric = [all(isinstance(row[i], int | float | Decimal) and not isinstance(row[i], bool)
                   for row in rows if row[i] is not None) and any(row[i] is not None for row in rows)
               for i in range(len(columns))]
    natural = [max([_width(c), *(max(map(_width, row[i].split("\n"))) for row in cells)])
               for i, c in enumerate(columns)]
    widths = _fit(natural, width)
    lines = _grid(columns, cells, widths, numeric) if widths is not None else _records(columns, cells, width)
    if footer:
        lines.append(footer)
    return "\n".join(lines)


def _grid(columns: Sequence[str], cells: list[list[str]], widths: list[int], numeric: list[bool]) -> list[str]:
    def rule(left: str, mid: str, right: str) -> str:
        return left + mid.join("─" * (w + 2) for w in widths) + right

    def line(values: Sequence[str], align: Sequence[bool]) -> list[str]:
        wrapped = [_wrap(v, w) for v, w in zip(values, widths, strict=True)]
        return ["│ " + " │ ".join(_pad(col[i] if i < len(col) else "", w, right)
                                  for col, w, right in zip(wrapped, widths, align, strict=True)) + " │"
                for i in range(max((len(col) for col in wrapped), default=1))]

    out = [rule("┌", "┬", "┐"), *line(columns, [False] * len(columns)), rule("├", "┼", "┤")]
    for row in cells:
        out += line(row, numeric)
    out.append(rule("└", "┴", "┘"))
    return out


def _records(columns: Sequence[str], cells: list[list[str]], width: int) -> list[str]:
    label = max(map(_width, columns), default=0)
    room = max(width - label - 3, MIN_COLUMN)
    out: list[str] = []
    for n, row in enumerate(cells, 1):
        out.append(f"-[ row {n} ]" + "-" * max(width - len(f"-[ row {n} ]"), 0))
        for name, value in zip(columns, row, strict=True):
            for i, part in enumerate(_wrap(value, room)):
                out.append(f"{_pad(name if i == 0 else '', label, False)} │ {part}")
    return out


def markdown_lines(columns: Sequence[str], rows: Iterable[Sequence[Any]], *,
                   max_cell: int | None = None) -> Iterator[str]:
    """A GitHub markdown table, line by line (cells longer than `max_cell` end in …)."""
    def cell(value: Any, column: str) -> str:
        text = ((_is_usd(column) and usd_display(value)) or display(value)).replace("\n", " ")
        if max_cell is not None and len(text) > max_cell:
            text = text[:max_cell - 1] + "…"
        return text.replace("|", "\\|")  # escaped after cutting, so no escape is cut in half

    yield "| " + " | ".join(columns) + " |"
    yield "|" + "---|" * len(columns)
    for row in rows:
        yield "| " + " | ".join(cell(v, c) for v, c in zip(row, columns, strict=True)) + " |"


def markdown_table(columns: Sequence[str], rows: Iterable[Sequence[Any]], *, max_cell: int | None = None) -> str:
    return "\n".join(markdown_lines(columns, rows, max_cell=max_cell))


def write(fmt: str, columns: Sequence[str], rows: Iterable[Sequence[Any]], out: TextIO, *, width: int = 160,
          max_rows: int = 50) -> None:
    """Stream `rows` to `out` in `fmt`; only the table format stops at `max_rows` (0: no limit), and it still
    counts the rest."""
    rows = iter(rows)
    if fmt == "table":
        shown = list(rows if max_rows <= 0 else itertools.islice(rows, max_rows))
        total = len(shown) + sum(1 for _ in rows)
        footer = f"{total} row{'s' * (total != 1)}" + \
            (f" ({len(shown)} shown; --max-rows 0 shows all)" if total > len(shown) else "")
        out.write(table(columns, shown, width=width, footer=footer) + "\n")
    elif fmt == "markdown":
        for line in markdown_lines(columns, rows):
            out.write(line + "\n")
    elif fmt == "csv":
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows([_csv_cell(v) for v in row] for row in rows)
    elif fmt in ("json", "jsonl"):
        objects = (json.dumps({c: _jsonable(v) for c, v in zip(columns, row, strict=True)}, ensure_ascii=False)
                   for row in rows)
        if fmt == "jsonl":
            for obj in objects:
                out.write(obj + "\n")
        else:
            out.write("[")
            for i, obj in enumerate(objects):
                out.write(("," if i else "") + "\n" + obj)
            out.write("\n]\n")
    else:
        raise ValueError(f"unknown format {fmt!r}; one of {', '.join(FORMATS)}")
