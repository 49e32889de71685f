"""Handing back to the system the memory a large step has freed: between its chunks, and before the next step."""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from typing import Any

LARGE = 10_000  # rows: a step or chunk this large leaves enough behind to pay for a collection
_owed = False


@cache
def _libc() -> Any:
    """The C library, when it is glibc (the one with malloc_trim); None elsewhere."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c"))
    except OSError:
        return None
    return libc if hasattr(libc, "malloc_trim") else None


_depth = 0  # open `freeze` calls


def freeze() -> None:
    """Leave every object alive now out of the collector's passes (`gc.freeze`) until the matching `thaw`: a
    collection then walks only what was made since (milliseconds, not the 0.2-0.3 s of the run's whole heap:
    Dagster's, GX's and pandas' some 370k objects), and a forked child's collections no longer write to, and so
    copy, the pages it inherited. Calls nest: only the outermost freezes and thaws (`gc.unfreeze` thaws all)."""
    global _depth
    if not _depth:
        gc.freeze()
    _depth += 1


def thaw() -> None:
    """End a `freeze`. The outermost thaws and collects once: garbage frozen with the heap would otherwise wait
    for a rare full collection (+300 MB after a cold 100k run's extraction)."""
    global _depth
    _depth -= 1
    if not _depth:
        gc.unfreeze()
        gc.collect()


@contextmanager
def frozen() -> Iterator[None]:
    """`freeze` for the block."""
    freeze()
    try:
        yield
    finally:
        thaw()


def release(rows: int) -> None:
    """After a chunk of `rows` rows (when many): collect the garbage its validation left in reference cycles (GX's
    objects and their pandas copies) and give back the C heap's free pages (glibc keeps what DuckDB's reads and
    pandas' copies freed), so that the next chunk starts where this one did (some 60 MB less at a cold 100k
    run's step peak)."""
    if rows >= LARGE:
        _collect()


def large_step(rows: int) -> None:
    """Note that the running step handled `rows` rows: when they are many, the next `settle` releases."""
    global _owed
    _owed = _owed or rows >= LARGE


def settle() -> None:
    """At the start of a step, after a large one: collect the cyclic garbage it left (its frames, held by its
    closures and GX's validation objects until a full collection: some 150-200 MB after a cold 100k run's
    step), then give the C heap's free pages back (glibc keeps what DuckDB's and pandas' buffers freed: some
    100 MB more). Small steps, an incremental run's, owe nothing and pay nothing."""
    global _owed
    if _owed:
        _owed = False
        _collect()


def _collect() -> None:
    gc.collect()
    if (libc := _libc()) is not None:
        libc.malloc_trim(0)
