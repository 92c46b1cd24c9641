"""The layering contract, read from the real import graph of review/ (no exceptions list).

Every import statement of every module counts, at module level or inside a function: a deferred
import is still a dependency. A module may import its own layer or a lower one, never a higher
one, and the top-level modules/packages import each other without cycles. The store only persists
and queries: it imports nothing of its own layer (score, export) or above.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

REVIEW = Path(__file__).resolve().parent.parent / "review"

# Top to bottom. Each name is a top-level module or package of review/ ("review" is the package's
# own __init__: the notebook API, an interface like the CLI).
LAYERS: list[set[str]] = [
    {"review", "__main__", "cli", "app"},  # interfaces: parse input, call the library, present
    # create a project, rescore, re-check a correction, apply corrections, build the demo; repeat a
    # fix elsewhere (propagate) and learn the glossary from the fixes (glossary_learn)
    {"workflow", "apply", "propagate", "glossary_learn", "engines"},
    {"store", "export", "score", "stream", "stream_unit", "stream_run", "calibrate"},  # calibrate: per-check precision from the verdicts
    {"checks", "metrics", "align", "align_cost", "load", "inputs", "sentences", "config"},
    {"catalogue", "mqm", "arabic", "normalize", "schema", "errors", "fileio", "corpus", "diff",
     "demo"},  # data and small utilities
]
# Packages/modules that may import nothing of their own layer (only strictly lower layers).
ONLY_LOWER = {"store"}


def module_name(path: Path, root: Path) -> str:
    parts = path.relative_to(root.parent).with_suffix("").parts
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _trees(root: Path) -> dict[Path, ast.Module]:
    return {path: ast.parse(path.read_text("utf-8"), str(path)) for path in sorted(root.rglob("*.py"))}


def import_graph(root: Path, trees: dict[Path, ast.Module] | None = None) -> dict[str, set[str]]:
    """Module -> the modules of the same package it imports (any import statement, any depth)."""
    trees = _trees(root) if trees is None else trees
    files = {module_name(p, root): p for p in trees}
    package = root.name

    def resolve(name: str) -> str | None:
        # The longest prefix of `name` that is a module of ours ("review.checks.base.catalogue" ->
        # "review.checks.base").
        parts = name.split(".")
        while parts:
            candidate = ".".join(parts)
            if candidate in files:
                return candidate
            parts.pop()
        return None

    graph: dict[str, set[str]] = {}
    for mod, path in files.items():
        is_pkg = path.name == "__init__.py"
        deps: set[str] = set()
        for node in ast.walk(trees[path]):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = mod.split(".") if is_pkg else mod.split(".")[:-1]
                    base = base[: len(base) - (node.level - 1)]
                    target = ".".join(base + ([node.module] if node.module else []))
                else:
                    target = node.module or ""
                # "from a.b import c": a.b.c when c is a module, else a.b (resolve's fallback)
                names = [f"{target}.{alias.name}" for alias in node.names]
            else:
                continue
            for name in names:
                if name == package or name.startswith(package + "."):
                    found = resolve(name)
                    if found and found != mod:
                        deps.add(found)
        graph[mod] = deps
    return graph


def top(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else parts[0]


def top_graph(graph: dict[str, set[str]]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for mod, deps in graph.items():
        out.setdefault(top(mod), set()).update(top(d) for d in deps if top(d) != top(mod))
    return out


def layer_violations(graph: dict[str, set[str]], layers: list[set[str]],
                     only_lower: set[str] = frozenset()) -> list[str]:
    """Every import that goes up a layer (or sideways from an ONLY_LOWER package), and every
    top-level module that no layer places."""
    rank = {name: i for i, layer in enumerate(layers) for name in layer}
    problems = [f"{name}: in no layer of LAYERS" for name in sorted({top(m) for m in graph} - set(rank))]
    for mod, deps in sorted(graph.items()):
        for dep in sorted(deps):
            a, b = top(mod), top(dep)
            if a == b or a not in rank or b not in rank:
                continue
            if rank[b] < rank[a] or (rank[b] == rank[a] and a in only_lower):
                problems.append(f"{mod} imports {dep}: {a} may not import {b}")
    return problems


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one node (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


# --- the contract, on the real code ---------------------------------------------------------------


@pytest.fixture(scope="module")
def trees() -> dict[Path, ast.Module]:
    return _trees(REVIEW)


@pytest.fixture(scope="module")
def graph(trees) -> dict[str, set[str]]:
    return import_graph(REVIEW, trees)


def test_no_upward_imports_and_every_module_placed(graph):
    assert layer_violations(graph, LAYERS, ONLY_LOWER) == []


def test_no_cycles_between_top_level_modules(graph):
    assert cycles(top_graph(graph)) == []


def test_store_imports_only_persistence_helpers(graph):
    store = top_graph(graph)["store"]
    assert store <= LAYERS[-1], store
    assert not store & {"score", "config", "export", "workflow"}


def test_the_graph_is_read_from_the_code(graph):
    # Guards the reader itself: known edges of the real code are seen, at module level and in
    # packages, so an empty graph cannot make the contract pass.
    assert "review.score" in graph["review.workflow"]
    assert "review.catalogue" in graph["review.config"]
    assert "review.checks.base" in graph["review.checks.form"]
    assert sum(len(deps) for deps in graph.values()) > 200


# --- the checker, on synthetic packages -----------------------------------------------------------


def _package(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "review"
    for name, text in {"__init__.py": "", **files}.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def test_checker_reports_an_upward_import_inside_a_function(tmp_path):
    root = _package(tmp_path, {
        "schema.py": "def f():\n    from review.workflow import run\n    return run\n",
        "workflow.py": "from review import schema\n\ndef run():\n    pass\n",
    })
    graph = import_graph(root)
    assert graph["review.schema"] == {"review.workflow"}
    assert layer_violations(graph, LAYERS) == [
        "review.schema imports review.workflow: schema may not import workflow"]


def test_checker_resolves_relative_and_submodule_imports(tmp_path):
    root = _package(tmp_path, {
        "store/__init__.py": "from .tables import T\n",
        "store/tables.py": "from ..score import penalty\n",
        "score.py": "penalty = 1\n",
    })
    graph = import_graph(root)
    assert graph["review.store"] == {"review.store.tables"}
    assert graph["review.store.tables"] == {"review.score"}
    assert layer_violations(graph, LAYERS, ONLY_LOWER) == [
        "review.store.tables imports review.score: store may not import score"]


def test_checker_reports_cycles_and_unplaced_modules(tmp_path):
    root = _package(tmp_path, {
        "checks/__init__.py": "import review.config\n",
        "config.py": "from review.checks import base\n",
        "checks/base.py": "",
        "newthing.py": "",
    })
    graph = import_graph(root)
    assert cycles(top_graph(graph)) == [["checks", "config"]]
    assert layer_violations(graph, LAYERS) == ["newthing: in no layer of LAYERS"]


@pytest.mark.parametrize("layer", range(len(LAYERS)))
def test_layers_do_not_overlap(layer):
    others = set().union(*(l for i, l in enumerate(LAYERS) if i != layer))
    assert not LAYERS[layer] & others


# --- imports at module top; what stays lazy, and why ------------------------------------------------

# Heavy libraries `review --help` must not import (it stays under 0.3 s): the subcommands are
# loaded by name (review.cli.COMMANDS) and the notebook API by name (review._API).
HEAVY = ("polars", "numpy", "pyarrow", "sacrebleu", "langdetect", "streamlit", "translate")


def _imports_in_functions(node: ast.AST, in_function: bool = False):
    for child in ast.iter_child_nodes(node):
        if in_function and isinstance(child, (ast.Import, ast.ImportFrom)):
            yield child
        yield from _imports_in_functions(
            child, in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)))


def test_no_import_inside_functions(trees):
    inner = [f"{path.relative_to(REVIEW.parent)}:{node.lineno}"
             for path, tree in trees.items() for node in _imports_in_functions(tree)]
    assert inner == []


def test_the_function_level_probe_sees_a_deferred_import():
    tree = ast.parse("import os\n\ndef f():\n    def g():\n        import json\n    return g\n")
    assert [n.lineno for n in _imports_in_functions(tree)] == [5]


def test_cli_start_imports_no_heavy_library():
    code = ("import sys, review.cli; "
            "print(' '.join(sorted({m.split('.')[0] for m in sys.modules})))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={**os.environ, "PYTHONPATH": str(REVIEW.parent)}).stdout.split()
    assert "click" in out  # the probe sees what the import loaded
    assert [name for name in HEAVY if name in out] == []
