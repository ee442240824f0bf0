"""No module of cfmock imports, at any depth and including lazy imports, a module that imports it."""

from __future__ import annotations

from pathlib import Path

from import_graph import cycles, import_graph, write_package


def _chain(graph: dict[str, dict[str, int]], group: list[str]) -> str:
    members = set(group)
    return "\n".join(
        f"  {source} -> {target} (line {line})"
        for source in group
        for target, line in graph[source].items()
        if target in members
    )


def test_cfmock_has_no_import_cycle() -> None:
    graph = import_graph()
    found = cycles(graph)
    assert not found, "modules that import their importers:\n" + "\n\n".join(_chain(graph, g) for g in found)


def test_the_graph_covers_every_module_and_sees_lazy_imports() -> None:
    graph = import_graph()
    assert "cfmock" in graph and "cfmock.service.registry" in graph
    # interception imports the service layer only inside a function, to keep `import cfmock` light.
    assert "cfmock.service.registry" in graph["cfmock.interception"]


def test_a_lazy_import_inside_a_function_closes_a_cycle(tmp_path: Path) -> None:
    pkg = write_package(
        tmp_path,
        "pkg",
        {
            "__init__.py": "",
            "table.py": "def load():\n    from pkg.sub import handlers\n",
            "sub/__init__.py": "",
            "sub/handlers.py": "from ..table import load\n",
        },
    )
    assert cycles(import_graph(pkg)) == [["pkg.sub.handlers", "pkg.table"]]


def test_import_module_with_a_literal_name_and_type_checking_imports_are_edges(tmp_path: Path) -> None:
    pkg = write_package(
        tmp_path,
        "pkg",
        {
            "__init__.py": "",
            "a.py": "import importlib\ndef f():\n    return importlib.import_module('pkg.b')\n",
            "b.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from pkg import a\n",
            "c.py": "import pkg.a.missing_attribute_path\nfrom pkg import b as _b\n",
        },
    )
    graph = import_graph(pkg)
    assert graph["pkg.a"] == {"pkg.b": 3}
    assert graph["pkg.c"] == {"pkg.a": 1, "pkg.b": 2}
    assert cycles(graph) == [["pkg.a", "pkg.b"]]


def test_a_package_importing_its_own_submodules_is_not_a_cycle(tmp_path: Path) -> None:
    pkg = write_package(tmp_path, "pkg", {"__init__.py": "from .a import x\n", "a.py": "x = 1\n"})
    assert import_graph(pkg) == {"pkg": {"pkg.a": 1}, "pkg.a": {}}
    assert cycles(import_graph(pkg)) == []
