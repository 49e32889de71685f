"""Modules GX imports for expectations the suites never use load only when touched."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from capex_pipeline import lazy, tables


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


def test_every_suite_over_a_run_s_tables_and_their_failing_pages_never_run_the_deferred_modules(
        seed_run, tmp_path) -> None:
    """Each step's table of a real run validated by its suite, and again with a row the suite refuses, each with
    its Data Docs page: the deferred modules are still not run (absent is fine too: nothing imported them)."""
    _, db = seed_run
    code = textwrap.dedent(f"""
        import sys
        from pathlib import Path
        import duckdb, polars as pl
        from capex_pipeline import data_docs, quality, tables
        with duckdb.connect({str(db)!r}, read_only=True) as con:
            frames = {{s: pl.from_arrow(con.sql(f"SELECT * FROM {{t}}").to_arrow_table())
                      for s, t in tables.STEP_TABLES.items()}}
        failed = 0
        for step, frame in frames.items():
            broken = pl.concat([frame, frame.head(1).with_columns(doc=pl.lit(None, pl.Utf8))])
            for f in (frame, broken):
                v = quality.validate(f, step)
                failed += not v.success or bool(v.failures)
                assert data_docs.build_page(v, Path({str(tmp_path)!r}), "run", step) is not None
        print(failed, sorted(n for n in {list(lazy.GX_UNUSED)!r}
                             if type(sys.modules.get(n)).__name__ not in ("_LazyModule", "NoneType")))
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    failed, loaded = out.stdout.strip().split(" ", 1)
    assert int(failed) >= len(tables.STEP_TABLES) and loaded == "[]", out.stdout


def test_a_deferred_module_runs_on_first_use() -> None:
    code = ("from capex_pipeline import lazy; lazy.defer(['fractions']); import fractions, sys; "
            "lazy_ = type(sys.modules['fractions']).__name__; print(lazy_, fractions.Fraction(1, 2))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["_LazyModule", "1/2"]
