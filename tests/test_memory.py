"""The collector's freezing, owned by `memory`: blocks nest, and the outermost one thaws and collects."""

from __future__ import annotations

import gc
import weakref
from pathlib import Path

from capex_pipeline import memory

from .conftest import SEEDS, materialize


class _Node:
    def __init__(self) -> None:
        self.me = self  # a reference cycle: only the collector frees it


def test_frozen_blocks_nest_and_only_the_outermost_thaws_and_collects() -> None:
    assert gc.get_freeze_count() == 0
    cycle = _Node()
    gone = weakref.ref(cycle)
    with memory.frozen():
        outer = gc.get_freeze_count()
        assert outer > 0
        with memory.frozen():
            assert gc.get_freeze_count() == outer  # nothing more frozen by the inner block ...
        assert gc.get_freeze_count() == outer  # ... and its end thaws nothing of the outer one
        del cycle
        gc.collect()
        assert gone() is not None  # frozen garbage: no collection inside the block reaches it
    assert gc.get_freeze_count() == 0
    assert gone() is None  # the outermost end collected it


def test_a_run_leaves_nothing_frozen(tmp_path: Path) -> None:
    result = materialize(tmp_path / "capex.duckdb", SEEDS)
    assert result.success
    assert gc.get_freeze_count() == 0 and memory._depth == 0
