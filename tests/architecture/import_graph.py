"""cfmock's import graph, read from the source (every ``import`` statement, at any depth, lazy ones included).

An edge ``a -> b`` means module ``a`` has a statement that imports module ``b``: ``import b``, ``from b import
name`` (``b.name`` when that is itself a module), relative forms, and ``importlib.import_module("b")`` with a
literal name. Imports under ``if TYPE_CHECKING:`` count as well: they are dependencies even if not run.
A package's ``__init__`` is the node of the package itself; importing ``a.b`` is not counted as importing ``a``.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE_ROOT = Path(__file__).resolve().parents[2] / "cfmock"


def module_files(root: Path = PACKAGE_ROOT) -> dict[str, Path]:
    """Every module of the package by dotted name (``cfmock.runtime`` for ``cfmock/runtime/__init__.py``)."""
    modules: dict[str, Path] = {}
    for path in sorted(root.rglob("*.py")):
        parts = list(path.relative_to(root.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        modules[".".join(parts)] = path
    return modules


def _is_package(name: str, modules: dict[str, Path]) -> bool:
    return modules[name].name == "__init__.py"


def _absolute(module: str, level: int, target: str | None, modules: dict[str, Path]) -> str:
    if level == 0:
        return target or ""
    base = module.split(".")
    if not _is_package(module, modules):
        base.pop()
    base = base[: len(base) - (level - 1)]
    return ".".join(base + ([target] if target else []))


def imports_of(module: str, modules: dict[str, Path]) -> set[tuple[str, int]]:
    """The package modules ``module`` imports, each with the line of the statement."""
    tree = ast.parse(modules[module].read_text(encoding="utf-8"), str(modules[module]))
    found: set[tuple[str, int]] = set()

    def add(name: str, line: int) -> None:
        # The longest prefix that is a package module: `import a.b.c` of a module a.b imports a.b.
        parts = name.split(".")
        while parts and ".".join(parts) not in modules:
            parts.pop()
        if parts:
            found.add((".".join(parts), line))

    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                add(alias.name, node.lineno)
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(module, node.level, node.module, modules)
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                add(submodule if submodule in modules else base, node.lineno)
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute | ast.Name)
            and (node.func.attr if isinstance(node.func, ast.Attribute) else node.func.id) == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            add(node.args[0].value, node.lineno)
    return {(target, line) for target, line in found if target != module}


def import_graph(root: Path = PACKAGE_ROOT) -> dict[str, dict[str, int]]:
    """module -> {imported module -> first line importing it}."""
    modules = module_files(root)
    graph: dict[str, dict[str, int]] = {}
    for module in modules:
        edges: dict[str, int] = {}
        for target, line in sorted(imports_of(module, modules)):
            edges.setdefault(target, line)
        graph[module] = edges
    return graph


def cycles(graph: dict[str, dict[str, int]]) -> list[list[str]]:
    """Every strongly connected group of more than one module (Tarjan), each as a sorted list."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, {}):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(groups)


def third_party_imports(module: str, modules: dict[str, Path]) -> set[tuple[str, int]]:
    """The top-level names of modules outside the package that ``module`` imports, with their lines."""
    tree = ast.parse(modules[module].read_text(encoding="utf-8"), str(modules[module]))
    found: set[tuple[str, int]] = set()
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        found.update((name.split(".")[0], node.lineno) for name in names if name.split(".")[0] != "cfmock")
    return found


def write_package(root: Path, name: str, files: dict[str, str]) -> Path:
    """A package ``name`` under ``root`` made of ``files`` (relative path -> text), for the checks' own tests."""
    for relative, text in files.items():
        path = root / name / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root / name
