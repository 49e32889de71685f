"""Progress bars for long commands (tqdm) on the terminal, and nothing at all when stderr is not one (a pipe,
a file, CI): the output of a command never changes with the bar."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")


def bar(items: Iterable[T], *, desc: str, unit: str, total: int | None = None) -> Iterator[T]:
    from tqdm import tqdm

    yield from tqdm(items, desc=desc, unit=unit, total=total, file=sys.stderr, leave=False, mininterval=0.5,
                    disable=not sys.stderr.isatty(), dynamic_ncols=True)


def count_files(paths: Iterable[str | Path]) -> int:
    """How many files the paths name (folders counted one level deep, as the corpus reader reads them)."""
    total = 0
    for raw in paths:
        path = Path(raw)
        total += sum(1 for p in path.iterdir() if p.is_file()) if path.is_dir() else 1
    return total
