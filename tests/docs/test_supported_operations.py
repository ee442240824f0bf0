"""docs/supported-operations.md is generated from the code: it must match what the generator prints now."""

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


def test_the_committed_page_matches_the_generator() -> None:
    generator = load_generator()
    expected = generator.render()
    committed = PAGE.read_text(encoding="utf-8") if PAGE.exists() else ""
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
