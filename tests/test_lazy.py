"""Modules GX imports for expectations the suites never use load only when touched."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from capex_pipeline import lazy


def test_a_validated_gate_and_its_page_never_run_the_deferred_modules(tmp_path) -> None:
    code = textwrap.dedent(f"""
        import sys
        from pathlib import Path
        import polars as pl
        from capex_pipeline import data_docs, quality
        v = quality.validate(pl.DataFrame({{"doc": ["a.txt"]}}), "raw_articles")
        assert data_docs.build_page(v, Path({str(tmp_path)!r}), "run", "raw_articles") is not None
        print(sorted(n for n in {list(lazy.GX_UNUSED)!r} if type(sys.modules[n]).__name__ != "_LazyModule"))
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_a_deferred_module_runs_on_first_use() -> None:
    code = ("from capex_pipeline import lazy; lazy.defer(['fractions']); import fractions, sys; "
            "lazy_ = type(sys.modules['fractions']).__name__; print(lazy_, fractions.Fraction(1, 2))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["_LazyModule", "1/2"]
