"""The consensus chart: reported USD ranges per company and year, as a small SVG written here. Thirty bars, ticks
and labels need no plotting library: importing one cost 0.4-0.9 s and drawing 0.3 s of every run whose
charted groups changed, where this takes milliseconds (and the browser lays out the text)."""

from __future__ import annotations

import base64
import math
import unicodedata
from html import escape
from pathlib import Path

import polars as pl

WIDTH = 770  # px
ROW = 50  # px per company / year / metric
TOP, BOTTOM, RIGHT = 40, 56, 24  # px: title; axis labels and caption; room after the last annotation
FONT = 11  # px, labels and ticks
CHAR = 0.6 * FONT  # an average glyph's width, to leave the labels room (the browser lays them out)
LABEL = 48  # glyph widths a label may take: a longer one is cut, so the bars keep most of the width
BAR, BAR_OPACITY, MEDIAN = "#4c78a8", 0.55, "#e45756"


def consensus_chart(consensus: pl.DataFrame, path: Path) -> Path:
    """Horizontal low-high bars with the median marked, one row per company / year / metric with a USD range,
    written to `path` (an .svg; folders made). The same rows give the same bytes."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(consensus_svg(consensus), encoding="utf-8")
    return path


def consensus_svg(consensus: pl.DataFrame) -> str:
    usd = ("usd_low", "usd_median", "usd_high")  # a row without a finite range has no bar to draw
    rows = consensus.filter(pl.all_horizontal(pl.col(c).is_finite() for c in usd)).sort(
        ["company", "year", "metric"], nulls_last=True)
    records = list(rows.iter_rows(named=True))
    labels = [_clip(f"{r['company']} {r['year'] or 'n/a'} {r['metric']}") for r in records]
    left = 12 + CHAR * max((_width(s) for s in labels), default=0)
    height = TOP + ROW * max(len(records), 2) + BOTTOM
    lows = [r["usd_low"] / 1e9 for r in records]
    highs = [r["usd_high"] / 1e9 for r in records]
    ticks = _ticks(min(lows, default=0.0), max(highs, default=1.0))
    lo, hi = ticks[0], ticks[-1]
    plot_width = WIDTH - left - RIGHT - 110  # the annotation after the highest bar stays inside

    def x(billions: float) -> float:
        return left + (billions - lo) / (hi - lo) * plot_width

    bottom = TOP + ROW * max(len(records), 2)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
           f'viewBox="0 0 {WIDTH} {height}" font-family="DejaVu Sans, Arial, sans-serif">',
           f'<rect width="{WIDTH}" height="{height}" fill="white"/>',
           f'<text x="{WIDTH / 2:.1f}" y="24" font-size="14" text-anchor="middle">'
           'AI spending as reported, by company, year and metric</text>']
    for t in ticks:
        out.append(f'<line x1="{x(t):.1f}" y1="{TOP}" x2="{x(t):.1f}" y2="{bottom}" stroke="#000" '
                   f'stroke-opacity="0.15"/>')
        out.append(f'<text x="{x(t):.1f}" y="{bottom + 16}" font-size="{FONT}" text-anchor="middle">{t:g}</text>')
    out.append(f'<text x="{left + plot_width / 2:.1f}" y="{bottom + 40}" font-size="12" text-anchor="middle">'
               'reported figure, USD billions (bar: low to high, red tick: median)</text>')
    out.append(f'<rect x="{left}" y="{TOP}" width="{plot_width}" height="{bottom - TOP}" fill="none" '
               'stroke="#000"/>')
    for i, (r, label) in enumerate(zip(records, labels, strict=True)):
        y = TOP + ROW * i + ROW / 2
        low, high, median = (x(r[k] / 1e9) for k in ("usd_low", "usd_high", "usd_median"))
        out += [f'<text x="{left - 6:.1f}" y="{y + 4:.1f}" font-size="{FONT}" text-anchor="end">{escape(label)}</text>',
                f'<g stroke="{BAR}" fill="{BAR}" opacity="{BAR_OPACITY}">'
                f'<line x1="{low:.1f}" y1="{y:.1f}" x2="{high:.1f}" y2="{y:.1f}" stroke-width="10"/>'
                f'<circle cx="{low:.1f}" cy="{y:.1f}" r="4"/><circle cx="{high:.1f}" cy="{y:.1f}" r="4"/></g>',
                f'<line x1="{median:.1f}" y1="{y - 12:.1f}" x2="{median:.1f}" y2="{y + 12:.1f}" stroke="{MEDIAN}" '
                'stroke-width="2"/>',
                f'<text x="{high + 9:.1f}" y="{y + 4:.1f}" font-size="{FONT}" fill="#555">'
                f'{r["figures"]} fig., {r["sources"]} src</text>']
    out.append("</svg>")
    return "\n".join(out) + "\n"


def _width(text: str) -> int:
    """Glyph widths of a label in average Latin glyphs: East Asian wide and full-width characters count two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _clip(text: str) -> str:
    """`text` within LABEL glyph widths, an ellipsis ending what was cut."""
    if _width(text) <= LABEL:
        return text
    used = 0
    for i, c in enumerate(text):
        used += _width(c)
        if used > LABEL - 1:
            return text[:i] + "\u2026"
    return text


def _ticks(low: float, high: float, target: int = 6) -> list[float]:
    """Round tick values (1, 2 or 5 times a power of ten apart) from at or below `low` (and 0 for positive
    figures) to at or above `high`."""
    low = min(low, 0.0)
    if high <= low:
        high = low + 1.0
    raw = (high - low) / target
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    first, last = math.floor(low / step), math.ceil(high / step)
    digits = max(0, -math.floor(math.log10(step)))  # the step's own decimals: no float noise, and a step of a
    return [round(k * step, digits) for k in range(first, last + 1)]  # millionth of a cent keeps its ticks apart


MIME = {".svg": "image/svg+xml", ".png": "image/png"}


def markdown_image(path: Path, alt: str) -> str:
    """The image embedded in markdown (a data URI), so the Dagster UI shows it without a file server."""
    return f"![{alt}](data:{MIME[path.suffix]};base64,{base64.b64encode(path.read_bytes()).decode()})"
