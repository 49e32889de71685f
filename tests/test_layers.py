"""One owner per concern: the layers import one way, no module imports itself round a cycle, and only
`capex_pipeline/tables.py` (with the SQL files) names the warehouse's step and quality tables."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from .conftest import REPO

PACKAGES = ("capex_pipeline", "assets", "capex_app")  # bottom to top
FILES = {p: p.relative_to(REPO) for pkg in PACKAGES for p in sorted((REPO / pkg).rglob("*.py"))}


def _module(rel: Path) -> str:
    parts = rel.with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module(rel): path for path, rel in FILES.items()}


def _imports(module: str, path: Path) -> set[str]:
    """Every module `module` imports, at the top or inside a function (a lazy import still ties the layers)."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = ".".join(package.split(".")[:len(package.split(".")) - node.level + 1]) if node.level else ""
            target = ".".join(p for p in (base, node.module) if p)
            found |= {target, *(f"{target}.{a.name}" for a in node.names)}
    return found


GRAPH = {m: _imports(m, p) for m, p in MODULES.items()}


@pytest.mark.parametrize(("layer", "forbidden"), [("capex_pipeline", ("dagster", "assets", "capex_app")),
                                                   ("assets", ("capex_app",))])
def test_layers_import_only_downwards(layer: str, forbidden: tuple[str, ...]) -> None:
    wrong = sorted((m, i) for m, found in GRAPH.items() if m.split(".")[0] == layer for i in found
                   if i.split(".")[0] in forbidden)
    assert wrong == []


def test_no_import_cycles() -> None:
    # Edges to a module's own ancestor packages are left out: Python initialises those first.
    edges = {m: {i for i in found if i in MODULES and i != m and not m.startswith(i + ".")}
             for m, found in GRAPH.items()}
    done: set[str] = set()

    def visit(module: str, path: list[str]) -> None:
        for nxt in sorted(edges[module]):
            assert nxt not in path, " -> ".join([*path[path.index(nxt):], nxt])
            if nxt not in done:
                visit(nxt, [*path, nxt])
        done.add(module)

    for module in sorted(edges):
        visit(module, [module])


TABLE_NAME = re.compile(r"\b(raw|staging|quality)\.[a-z_]+\b")


def test_only_the_tables_module_names_the_tables() -> None:
    named = []
    for path, rel in FILES.items():
        if rel == Path("capex_pipeline/tables.py"):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {id(n.body[0].value) for n in ast.walk(tree)
                      if isinstance(n, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
                      and n.body and isinstance(n.body[0], ast.Expr) and isinstance(n.body[0].value, ast.Constant)}
        named += [(str(rel), node.lineno, node.value) for node in ast.walk(tree)
                  if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
                  and TABLE_NAME.search(node.value)]
    assert named == []
