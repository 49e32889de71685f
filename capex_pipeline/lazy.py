"""Modules that a dependency imports but the pipeline never uses, loaded only when something first touches them."""

from __future__ import annotations

import importlib.abc
import importlib.util
import sys
from collections.abc import Sequence
from importlib.machinery import ModuleSpec, PathFinder
from types import ModuleType

# Great Expectations imports these for expectations the suites do not use (KL divergence, KS tests, JSON
# schemas) and their charts, for markdown in notes and for time zones and help pages no page of ours shows:
# some 80 MB and 0.9 s of every run's start-up, for no gate (jsonschema and the rest: 5 MB of it).
GX_UNUSED = ("scipy.stats", "altair", "jsonschema", "mistune", "tzlocal", "pydoc", "webbrowser")


class _Deferred(importlib.abc.MetaPathFinder):
    """Finds `names` on the path as usual, with a loader that runs the module on its first attribute access."""

    def __init__(self, names: Sequence[str]) -> None:
        self.names = frozenset(names)

    def find_spec(self, name: str, path: Sequence[str] | None, target: ModuleType | None = None) -> ModuleSpec | None:
        if name not in self.names:
            return None
        spec = PathFinder.find_spec(name, path, target)
        if spec is not None and spec.loader is not None and hasattr(spec.loader, "exec_module"):
            spec.loader = importlib.util.LazyLoader(spec.loader)
        return spec


def defer(names: Sequence[str]) -> None:
    """Make the `names` (not imported yet) load lazily: importing one returns a module that runs on first use."""
    if not any(isinstance(f, _Deferred) and f.names >= set(names) for f in sys.meta_path):
        sys.meta_path.insert(0, _Deferred([n for n in names if n not in sys.modules]))
