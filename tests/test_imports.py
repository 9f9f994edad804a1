"""The package's shape: no import circles, and commands do not reach into each other."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.conftest import PROJECT_ROOT

PACKAGE = PROJECT_ROOT / "loader"
# The demo is the load and status verbs in a row, on a synthetic mirror: it runs them.
COMPOSED = {"loader.commands.demo": {"loader.commands.load", "loader.commands.status"}}


def _modules() -> dict[str, Path]:
    """Python modules, and C ones (the scanner, built from its .c: nothing to parse)."""
    modules = {}
    for path in [*PACKAGE.rglob("*.py"), *PACKAGE.rglob("*.c")]:
        parts = (*path.relative_to(PROJECT_ROOT).parent.parts, path.name.split(".")[0])
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        modules[name] = path
    return modules


def import_graph() -> dict[str, set[str]]:
    """module -> the package's modules it imports, anywhere in it (functions and
    TYPE_CHECKING blocks too: a circle there is one a refactor trips over)."""
    modules = _modules()
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        if path.suffix != ".py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                targets = [
                    f"{node.module}.{alias.name}"
                    if f"{node.module}.{alias.name}" in modules
                    else node.module
                    for alias in node.names
                ]
            else:
                continue
            for target in targets:
                while target and target not in modules:
                    target = target.rpartition(".")[0]
                if target and target != name:
                    graph[name].add(target)
    return graph


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        for target in sorted(graph[module]):
            if target not in index:
                visit(target)
                low[module] = min(low[module], low[target])
            elif target in stack:
                low[module] = min(low[module], index[target])
        if low[module] == index[module]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == module:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for module in sorted(graph):
        if module not in index:
            visit(module)
    return found


def test_the_finder_sees_a_circle():
    assert circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert circles({"a": {"b"}, "b": set()}) == []


def test_no_import_circles():
    assert circles(import_graph()) == []


def test_commands_do_not_import_each_other():
    graph = import_graph()
    sideways = {
        module: sorted(
            target
            for target in targets
            if target.startswith("loader.commands.") and target not in COMPOSED.get(module, set())
        )
        for module, targets in graph.items()
        if module.startswith("loader.")
    }
    allowed_importers = {"loader.cli"}
    assert {
        module: targets
        for module, targets in sideways.items()
        if targets and module not in allowed_importers
    } == {}
