"""The package's import graph has no cycle and its layers import only downwards.

Every module of ``hpo`` is parsed with :mod:`ast`; every import counts, including imports inside
functions and under ``TYPE_CHECKING``, because a type-only import that points upwards is still
a dependency on the higher layer.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from pathlib import Path

import pytest

PACKAGE_DIR = Path(__file__).resolve().parent.parent / "hpo"

# The layers of STYLE.md, lowest first. A module belongs to the layer of its longest listed
# prefix; it may import modules of its own layer group and of lower layers only.
LAYERS: list[tuple[str, ...]] = [
    ("hpo.exceptions", "hpo.logging", "hpo.version", "hpo._keys", "hpo._study_direction"),
    ("hpo.distributions",),
    ("hpo.trial", "hpo._study_protocol"),
    ("hpo._best_trial", "hpo._frozen_study", "hpo._pareto", "hpo._hypervolume"),
    ("hpo.storages",),
    ("hpo.search_space",),
    ("hpo.samplers", "hpo.pruners"),
    ("hpo.study",),
    (
        "hpo.importance",
        "hpo.visualization",
        "hpo.report",
        "hpo.terminator",
        "hpo.cli",
        "hpo._cli",
        "hpo.integration",
        "hpo.artifacts",
        "hpo.dashboard",
    ),
    ("hpo",),
]


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE_DIR.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def all_modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE_DIR.rglob("*.py"))}


def _resolve_relative(importer: str, is_package: bool, level: int, target: str | None) -> str:
    base = importer.split(".")
    if not is_package:
        base.pop()
    for _ in range(level - 1):
        base.pop()
    return ".".join([*base, target] if target else base)


def _known_prefix(name: str, modules: Iterable[str]) -> str | None:
    known = set(modules)
    parts = name.split(".")
    while parts:
        candidate = ".".join(parts)
        if candidate in known:
            return candidate
        parts.pop()
    return None


def imports_of(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """Return the hpo modules that module ``name`` imports anywhere in its source."""
    tree = ast.parse(path.read_text(), filename=str(path))
    is_package = path.name == "__init__.py"
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                target = _known_prefix(alias.name, modules)
                if target is not None:
                    found.add(target)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = _resolve_relative(name, is_package, node.level, node.module)
            else:
                base = node.module or ""
            if base != "hpo" and not base.startswith("hpo."):
                continue
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                if submodule in modules:
                    found.add(submodule)  # ``from hpo.x import y`` where y is a module
                else:
                    target = _known_prefix(base, modules)
                    if target is not None:
                        found.add(target)
    found.discard(name)
    return found


def import_graph() -> dict[str, set[str]]:
    modules = all_modules()
    return {name: imports_of(name, path, modules) for name, path in modules.items()}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """Return one cycle as a path ``[a, b, ..., a]``, or ``None`` if the graph is acyclic."""
    white, grey, black = 0, 1, 2
    color = dict.fromkeys(graph, white)
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        color[node] = grey
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if color.get(nxt, black) == grey:
                return [*stack[stack.index(nxt) :], nxt]
            if color.get(nxt) == white:
                cycle = visit(nxt)
                if cycle is not None:
                    return cycle
        stack.pop()
        color[node] = black
        return None

    for start in sorted(graph):
        if color[start] == white:
            cycle = visit(start)
            if cycle is not None:
                return cycle
    return None


def layer_of(module: str) -> int:
    best_len, best_layer = -1, len(LAYERS)
    for index, prefixes in enumerate(LAYERS):
        for prefix in prefixes:
            if (module == prefix or module.startswith(prefix + ".")) and len(prefix) > best_len:
                best_len, best_layer = len(prefix), index
    return best_layer


# -- the checker itself ------------------------------------------------------------------------


def test_find_cycle_reports_a_cycle_and_accepts_a_dag() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": set()}) is None
    cycle = find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}})
    assert cycle is not None
    assert cycle[0] == cycle[-1]
    assert set(cycle) == {"a", "b", "c"}


def test_imports_are_found_in_functions_type_checking_and_relative_forms(
    tmp_path: Path,
) -> None:
    source = (
        "from typing import TYPE_CHECKING\n"
        "from . import sibling\n"
        "from .. import distributions\n"
        "import hpo.trial._frozen\n"
        "if TYPE_CHECKING:\n"
        "    from hpo.study import Study\n"
        "def f():\n"
        "    from hpo.storages._base import BaseStorage\n"
    )
    path = tmp_path / "mod.py"
    path.write_text(source)
    modules = dict.fromkeys(
        [
            "hpo.pkg.mod",
            "hpo.pkg.sibling",
            "hpo.distributions",
            "hpo.trial",
            "hpo.trial._frozen",
            "hpo.study",
            "hpo.storages._base",
        ],
        path,
    )
    assert imports_of("hpo.pkg.mod", path, modules) == {
        "hpo.pkg.sibling",
        "hpo.distributions",
        "hpo.trial._frozen",
        "hpo.study",
        "hpo.storages._base",
    }


# -- the package -------------------------------------------------------------------------------


def test_every_module_is_parsed() -> None:
    graph = import_graph()
    assert "hpo.study._study" in graph
    assert "hpo.storages._base" in graph["hpo.storages._in_memory"]
    assert len(graph) > 50


def test_import_graph_has_no_cycle() -> None:
    cycle = find_cycle(import_graph())
    if cycle is not None:
        pytest.fail("import cycle: " + " -> ".join(cycle))


def test_layers_import_only_downwards() -> None:
    upward = sorted(
        f"{importer} (layer {layer_of(importer)}) imports {imported} (layer {layer_of(imported)})"
        for importer, targets in import_graph().items()
        for imported in targets
        if layer_of(imported) > layer_of(importer)
    )
    assert not upward, "imports pointing upwards:\n" + "\n".join(upward)


def test_samplers_and_pruners_do_not_import_storages_or_study() -> None:
    forbidden = ("hpo.storages", "hpo.study")
    offending = sorted(
        f"{importer} imports {imported}"
        for importer, targets in import_graph().items()
        if importer.startswith(("hpo.samplers", "hpo.pruners", "hpo.search_space"))
        for imported in targets
        if imported.startswith(forbidden)
    )
    assert not offending, "\n".join(offending)
