"""The layer table of docs/architecture.md is what the code does: every import in cfmock/, lazy ones included."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from import_graph import import_graph, module_files, third_party_imports, write_package

ARCHITECTURE = Path(__file__).resolve().parents[2] / "docs" / "architecture.md"
BOTOCORE = {"botocore", "boto3", "urllib3", "s3transfer"}
QUICKJS = {"quickjs", "_quickjs"}


@dataclass(frozen=True)
class Layer:
    name: str
    patterns: tuple[str, ...]
    layers: frozenset[str]  # layers it may import
    modules: frozenset[str]  # single modules it may import
    botocore: bool
    quickjs: bool

    def owns(self, module: str) -> bool:
        return any(
            module == pattern.removesuffix(".*") or (pattern.endswith(".*") and module.startswith(pattern[:-1]))
            for pattern in self.patterns
        )


def layers(text: str | None = None) -> list[Layer]:
    text = ARCHITECTURE.read_text(encoding="utf-8") if text is None else text
    section = text.split("\n## Layers\n", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| ") and not line.startswith("| ---")]
    found = []
    for row in rows[1:]:
        name, modules, allowed, botocore, quickjs = (cell.strip() for cell in row.strip("|").split("|"))
        items = [item.strip() for item in allowed.split(",")] if allowed != "(nothing)" else []
        found.append(
            Layer(
                name,
                tuple(re.findall(r"`([^`]+)`", modules)),
                frozenset(item for item in items if not item.startswith("`")),
                frozenset(item.strip("`") for item in items if item.startswith("`")),
                botocore == "yes",
                quickjs == "yes",
            )
        )
    return found


def layer_of(module: str, table: list[Layer]) -> Layer:
    named = [layer for layer in table if module in layer.patterns]  # a module named on its own wins over `.*`
    owners = named or [layer for layer in table if layer.owns(module)]
    assert len(owners) == 1, f"{module} must belong to exactly one layer of docs/architecture.md, not {owners}"
    return owners[0]


def violations(table: list[Layer], root: Path | None = None) -> list[str]:
    modules = module_files() if root is None else module_files(root)
    graph = import_graph() if root is None else import_graph(root)
    names = {layer.name for layer in table}
    for layer in table:
        assert layer.layers <= names, f"{layer.name} names unknown layers: {sorted(layer.layers - names)}"
    found = []
    for module, edges in graph.items():
        layer = layer_of(module, table)
        for target, line in edges.items():
            target_layer = layer_of(target, table)
            allowed = target_layer is layer or target_layer.name in layer.layers or target in layer.modules
            if not allowed:
                found.append(f"{module}:{line} ({layer.name}) imports {target} ({target_layer.name})")
        for name, line in sorted(third_party_imports(module, modules)):
            if (name in BOTOCORE and not layer.botocore) or (name in QUICKJS and not layer.quickjs):
                found.append(f"{module}:{line} ({layer.name}) imports {name}")
    return sorted(found)


def test_every_module_belongs_to_one_layer() -> None:
    table = layers()
    assert [layer.name for layer in table][:2] == ["surface", "activation"]
    for module in module_files():
        layer_of(module, table)


def test_every_import_follows_the_layer_table() -> None:
    found = violations(layers())
    assert not found, "imports the layer table of docs/architecture.md does not allow:\n" + "\n".join(found)


TABLE = """
## Layers

| Layer | Modules | May import | botocore | QuickJS |
| --- | --- | --- | --- | --- |
| top | `cfmock`, `cfmock.service.*` | low, `cfmock.runtime.results` | yes | no |
| low | `cfmock.backend`, `cfmock.runtime.other` | (nothing) | no | no |
| engine | `cfmock.runtime.*` | (nothing) | no | yes |

## Next
"""


def test_a_lazy_import_against_the_table_is_reported(tmp_path: Path) -> None:
    root = write_package(
        tmp_path,
        "cfmock",
        {
            "__init__.py": "",
            "backend.py": "def f():\n    from cfmock.service import handlers\n    import botocore\n",
            "service/__init__.py": "",
            "service/handlers.py": "from cfmock import backend\nfrom cfmock.runtime import results\n",
            "runtime/__init__.py": "",
            "runtime/results.py": "import quickjs\n",
            "runtime/other.py": "from cfmock.runtime import results\n",
        },
    )
    assert violations(layers(TABLE), root) == [
        "cfmock.backend:2 (low) imports cfmock.service.handlers (top)",
        "cfmock.backend:3 (low) imports botocore",
        "cfmock.runtime.other:1 (low) imports cfmock.runtime.results (engine)",  # named alone: not `engine`
    ]


def test_a_module_outside_every_layer_is_reported(tmp_path: Path) -> None:
    root = write_package(tmp_path, "cfmock", {"__init__.py": "", "stray.py": ""})
    with pytest.raises(AssertionError, match=r"cfmock\.stray must belong to exactly one layer"):
        violations(layers(TABLE), root)
