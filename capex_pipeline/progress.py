"""Progress bars for long work (tqdm) on the terminal, and nothing at all when stderr is not one (a pipe, a
file, CI, a run launched from the UI): the output of a command never changes with the bar."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator
from functools import cache
from pathlib import Path
from typing import TextIO, TypeVar

T = TypeVar("T")
TERMINAL_FD_ENV = "CAPEX_PROGRESS_FD"  # set by `capex run`: Dagster redirects a step's stderr to its logs


def keep_terminal() -> None:
    """Before Dagster runs steps in this process: keep a copy of stderr, if it is a terminal, for the bars."""
    if sys.stderr.isatty() and TERMINAL_FD_ENV not in os.environ:
        os.environ[TERMINAL_FD_ENV] = str(os.dup(sys.stderr.fileno()))


@cache
def _terminal() -> TextIO | None:
    kept = os.environ.get(TERMINAL_FD_ENV)
    if kept is not None:
        try:
            return os.fdopen(int(kept), "w", closefd=False)
        except (OSError, ValueError):
            return None
    return sys.stderr if sys.stderr.isatty() else None


def visible() -> bool:
    """Whether bars are shown: without a terminal, work done only for them (counting files) can be skipped."""
    return _terminal() is not None


def bar(items: Iterable[T], *, desc: str, unit: str, total: int | None = None) -> Iterator[T]:
    from tqdm import tqdm

    yield from tqdm(items, desc=desc, unit=unit, total=total, file=_terminal(), leave=False, mininterval=0.5,
                    disable=_terminal() is None, dynamic_ncols=True)


class Bar:
    """A bar advanced by hand, for work that arrives in batches."""

    def __init__(self, *, desc: str, unit: str, total: int | None = None) -> None:
        from tqdm import tqdm

        self._bar = tqdm(desc=desc, unit=unit, total=total, file=_terminal(), leave=False, mininterval=0.5,
                         disable=_terminal() is None)

    def __call__(self, n: int) -> None:
        self._bar.update(n)

    def close(self) -> None:
        self._bar.close()


def count_files(paths: Iterable[str | Path]) -> int:
    """How many files the paths name (folders counted one level deep, as the corpus reader reads them)."""
    total = 0
    for raw in paths:
        if Path(raw).is_dir():
            with os.scandir(raw) as entries:  # the directory's own type data: no stat per file
                total += sum(1 for e in entries if e.is_file())
        else:
            total += 1
    return total
