"""The extractor's per-article modules compiled with mypyc (`make setup` builds them into the environment, some
1.3x on real text). They are used only while built from exactly the sources beside them, so an edited module
runs as written; without a C compiler, or with CAPEX_NATIVE=0, the extractor is the pure-Python code."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

# the modules that run once per article or per mention; the lexicon and grammar builders run once per language
MODULES = ("amounts", "context", "conversions", "extractor", "figures", "keywords", "mention", "names", "numbers",
           "parties", "spans", "wordkeys", "years")
SOURCES = Path(__file__).parent / "extract"
HOME = Path(sys.prefix) / "capex_native"  # in the environment: built for its Python, gone with it
RECORD = "built.json"


def sources_digest() -> str:
    digest = hashlib.sha256(sys.version.encode())
    for name in MODULES:
        digest.update((SOURCES / f"{name}.py").read_bytes())
    return digest.hexdigest()


def search_path(path: list[str], home: Path = HOME) -> list[str]:
    """The extract package's `__path__`, with the compiled modules' folder first when they match the sources."""
    if os.environ.get("CAPEX_NATIVE", "1") == "0":
        return path
    try:
        built = json.loads((home / RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return path
    if built.get("digest") != sources_digest():
        return path
    runtime = built["runtime"]  # mypyc's shared library, a top-level module every compiled module imports
    if runtime not in sys.modules:
        spec = importlib.util.spec_from_file_location(runtime, home / built["runtime_file"])
        if spec is None or spec.loader is None:
            return path
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        sys.modules[runtime] = module
    return [str(home / "capex_pipeline" / "extract"), *path]


def build(home: Path = HOME) -> None:
    """Compile MODULES into `home` (replaced whole, so a failed build leaves the pure-Python extractor)."""
    from mypyc.build import mypycify
    from setuptools import setup

    root = SOURCES.parent.parent
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "lib"
        cwd = Path.cwd()
        os.chdir(root)  # mypyc names each module by its path from the project's root
        try:
            extensions = mypycify([f"capex_pipeline/extract/{name}.py" for name in MODULES], opt_level="3",
                                  target_dir=str(Path(tmp) / "c"))
            setup(name="capex-native", packages=[], ext_modules=extensions,
                  script_args=["--quiet", "build_ext", "--build-lib", str(out), "--build-temp", str(Path(tmp) / "o")])
        finally:
            os.chdir(cwd)
        runtime_file = next(p.name for p in out.glob("*__mypyc*.so"))
        record = {"digest": sources_digest(), "runtime": runtime_file.split(".")[0], "runtime_file": runtime_file}
        (out / RECORD).write_text(json.dumps(record), encoding="utf-8")
        staged = home.with_name(home.name + ".new")
        shutil.rmtree(staged, ignore_errors=True)
        shutil.copytree(out, staged)
        shutil.rmtree(home, ignore_errors=True)
        staged.rename(home)


if __name__ == "__main__":
    build()
    print(f"capex: compiled extractor built in {HOME}")
