"""The compiled extractor: the same output as the Python code, and used only when built from these sources."""

from __future__ import annotations

import copy
import json
import os
import pickle
import subprocess
import sys
from pathlib import Path

import pytest

from capex_pipeline import native

ROOT = Path(__file__).resolve().parents[1]


def _extract(folder: Path, **env: str) -> str:
    out = subprocess.run([sys.executable, "-m", "capex_app.cli", "extract", str(folder), "--jsonl"], cwd=ROOT,
                         capture_output=True, text=True, check=True, env={**os.environ, **env})
    return out.stdout


def _module_file(**env: str) -> str:
    code = "import capex_pipeline.extract.context as c; print(c.__file__)"
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True,
                          env={**os.environ, **env}).stdout.strip()


def test_the_setup_built_the_compiled_extractor_and_a_run_uses_it() -> None:
    assert (native.HOME / native.RECORD).is_file(), "make setup did not build it (see .venv/capex_native.log)"
    assert _module_file().endswith(".so")
    assert _module_file(CAPEX_NATIVE="0").endswith("context.py")


@pytest.mark.parametrize("folder", ["evaluation/dev/articles", "capex_pipeline/seeds"])
def test_compiled_and_python_extractors_write_the_same_mentions(folder: str) -> None:
    compiled, python = _extract(ROOT / folder), _extract(ROOT / folder, CAPEX_NATIVE="0")
    assert compiled.count("\n") > 10
    assert compiled == python


def test_a_build_of_other_sources_is_not_used(tmp_path: Path) -> None:
    (tmp_path / native.RECORD).write_text(json.dumps({"digest": "0" * 64, "runtime": "x", "runtime_file": "x.so"}))
    assert native.search_path(["src"], tmp_path) == ["src"]
    assert native.search_path(["src"], tmp_path / "missing") == ["src"]
    (tmp_path / native.RECORD).write_text("{not json")
    assert native.search_path(["src"], tmp_path) == ["src"]


def test_an_edited_module_changes_the_digest_the_build_is_checked_against(tmp_path: Path, monkeypatch) -> None:
    for name in native.MODULES:
        (tmp_path / f"{name}.py").write_bytes((native.SOURCES / f"{name}.py").read_bytes())
    monkeypatch.setattr(native, "SOURCES", tmp_path)
    before = native.sources_digest()
    with (tmp_path / "spans.py").open("a") as f:
        f.write("\n# edited\n")
    assert native.sources_digest() != before


def test_a_mention_prints_every_field_of_its_repr_in_order() -> None:
    from dataclasses import fields

    from capex_pipeline.extract.mention import Mention

    mention = Mention(doc="a.txt", quote="$5 billion", start=3, end=13, value=5e9, currency="USD", year=2025,
                      company="Acme", note="n", primary=True)
    shown = [f.name for f in fields(Mention) if f.repr]
    assert list(mention.to_json()) == shown
    assert mention.to_json() == {name: getattr(mention, name) for name in shown}


def test_a_mention_takes_the_parameters_a_dataclass_would_generate() -> None:
    from dataclasses import fields

    from capex_pipeline.extract.mention import Mention

    declared = fields(Mention)
    # every field a distinct value of its type, given positionally in field order (compiled or not)
    values = ["a.txt", "$5 billion", 3, 13, 5e9, "USD", "approx", 2025, "capex", "Acme", "Reuters", 6e9, "de", 7,
              "symbol", "n", True, 1e9, 2, "$", True, True]
    assert len(values) == len(declared)
    assert [getattr(Mention(*values), f.name) for f in declared] == values
    bare = Mention("a.txt", "$5 billion", 3, 13, 5e9, "USD")
    assert [getattr(bare, f.name) for f in declared[6:]] == [f.default for f in declared[6:]]
    assert Mention("a.txt", "$5 billion", 3, 13, 5e9, "USD", aggregate=True).aggregate is True
    whole = Mention(*values)
    for twin in (copy.copy(whole), copy.deepcopy(whole), pickle.loads(pickle.dumps(whole))):
        assert [getattr(twin, f.name) for f in declared] == values
