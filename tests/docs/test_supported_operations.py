"""docs/supported-operations.md is generated from the code: what cfmock decides in it (the operations, their boto3
methods, the text) must match what the generator prints now. The error lists come from the installed botocore's
model, which a newer release may extend, so they are not compared."""

from __future__ import annotations

import difflib
import importlib.util
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "docs" / "supported-operations.md"
SCRIPT = ROOT / "docs" / "supported_operations.py"


def load_generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("supported_operations", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def cfmocks_part(page: str) -> str:
    """The page without the model's error lists: each table row keeps its operation and boto3 method."""
    lines = []
    for line in page.splitlines(keepends=True):
        cells = line.split(" | ")
        if line.startswith("| ") and len(cells) == 3 and not line.startswith("| Operation |"):
            line = " | ".join([*cells[:2], "(modelled errors) |\n"])
        lines.append(line)
    return "".join(lines)


def test_the_committed_page_matches_the_generator() -> None:
    generator = load_generator()
    expected = cfmocks_part(generator.render())
    committed = cfmocks_part(PAGE.read_text(encoding="utf-8")) if PAGE.exists() else ""
    if committed != expected:
        diff = "".join(
            difflib.unified_diff(
                committed.splitlines(keepends=True),
                expected.splitlines(keepends=True),
                "docs/supported-operations.md (committed)",
                "docs/supported_operations.py (generated now)",
            )
        )
        raise AssertionError(
            "docs/supported-operations.md is out of date with the implemented operations or botocore's model.\n"
            f"Regenerate it from the repository root with:\n\n    {generator.REGENERATE}\n\n{diff}"
        )


def test_every_implemented_operation_is_listed() -> None:
    from cfmock.service.registry import implemented_operations

    text = PAGE.read_text(encoding="utf-8")
    for names in implemented_operations().values():
        for name in names:
            assert f"| {name} |" in text


def test_the_error_lists_are_the_models() -> None:
    """Each row's errors are codes the installed model documents for that operation (it may document more)."""
    from cfmock.service.registry import implemented_operations
    from cfmock.wire.model import service_model

    sections = PAGE.read_text(encoding="utf-8").split("\n## ")[1:]  # one per service, in the generator's order
    for section, (service, names) in zip(sections, implemented_operations().items(), strict=True):
        assert f"(`{service}`," in section.splitlines()[0]
        rows = {line.split(" | ")[0][2:]: line for line in section.splitlines() if line.startswith("| ")}
        model = service_model(service)
        for name in names:
            documented = {shape.error_code or shape.name for shape in model.operation_model(name).error_shapes}
            listed = rows[name].split(" | ")[2].removesuffix(" |")
            codes = {item.split(" (")[0] for item in listed.split(", ")} - {"none"}
            assert codes <= documented, (name, codes - documented)
