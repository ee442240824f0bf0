"""Model constraints botocore does not check client-side -> ``MalformedXML`` (decisions 17).

botocore checks required members, types and minimum lengths; the service checks the rest (max length,
pattern, enum, blob sizes) and answers ``N validation errors detected: Value '…' at '…' failed to satisfy
constraint: …``. Driven by the input shape, so new operations get it for free.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from typing import Any

from cfmock.backend.errors import ServiceError

# AWS patterns use Java regex syntax. Python's `re` lacks \p{..}; the only form the CloudFront model uses
# is a single class of categories and literals, repeated: `([\p{L}\p{Z}\p{N}_.:/=+\-@]*)`.
_CATEGORY_CLASS = re.compile(r"^\(?\[((?:\\p\{[A-Z]\}|\\.|[^\]\\])*)\]\*\)?$")


def compile_pattern(pattern: str) -> Callable[[str], bool]:
    """A full-match predicate for a model pattern (AWS validates the whole value)."""
    match = _CATEGORY_CLASS.match(pattern) if "\\p{" in pattern else None
    if match is not None:
        body = match.group(1)
        categories = set(re.findall(r"\\p\{([A-Z])\}", body))
        literals = set(re.sub(r"\\p\{[A-Z]\}", "", body).replace("\\", ""))
        return lambda value: all(ch in literals or unicodedata.category(ch)[0] in categories for ch in value)
    if "\\p{" in pattern:
        raise ValueError(f"unsupported model pattern {pattern!r}")
    compiled = re.compile(pattern)
    return lambda value: compiled.fullmatch(value) is not None


_PATTERNS: dict[str, Callable[[str], bool]] = {}


def _matches(pattern: str, value: str) -> bool:
    check = _PATTERNS.get(pattern)
    if check is None:
        check = _PATTERNS[pattern] = compile_pattern(pattern)
    return check(value)


_CONSTRAINED: dict[tuple[str, str], bool] = {}
_CONSTRAINT_KEYS = ("min", "max", "pattern", "enum")


def _constrained(shape: Any) -> bool:
    """Whether anything inside ``shape`` carries a constraint (cached: most of a request carries none)."""
    key = (shape.name, shape.type_name)
    found = _CONSTRAINED.get(key)
    if found is None:
        _CONSTRAINED[key] = False  # recursive shapes: assume none while looking
        if shape.type_name == "structure":
            found = any(_constrained(member) for member in shape.members.values())
        elif shape.type_name == "list":
            found = _constrained(shape.member)
        else:
            found = any(k in shape.metadata for k in _CONSTRAINT_KEYS)
        _CONSTRAINED[key] = found
    return found


def _lower_first(name: str) -> str:
    return name[:1].lower() + name[1:]


def _constrained_members(shape: Any) -> list[tuple[str, str]]:
    """The members of a structure that carry a constraint somewhere, with their path segments, in model order:
    the rest of a request is never looked at. Kept on the shape object itself, as botocore keeps its own derived
    attributes: shapes of the same name differ between services (DescribeKeyValueStoreRequest), so a name would
    not do as a key."""
    found: list[tuple[str, str]] | None = shape.__dict__.get("_cfmock_constrained_members")
    if found is None:
        found = [(name, _lower_first(name)) for name, member in shape.members.items() if _constrained(member)]
        shape.__dict__["_cfmock_constrained_members"] = found
    return found


def _violations(shape: Any, value: Any, path: str, out: list[str]) -> None:
    kind = shape.type_name
    if kind == "structure":
        if isinstance(value, Mapping):
            members = shape.members
            for name, segment in _constrained_members(shape):
                item = value.get(name)
                if item is not None:
                    _violations(members[name], item, f"{path}.{segment}" if path else segment, out)
        return
    meta = shape.metadata
    if kind == "list":
        for index, item in enumerate(value):
            _violations(shape.member, item, f"{path}.{index + 1}.member", out)
        return
    shown = value if kind == "string" else "<binary>" if kind == "blob" else value
    if kind in ("string", "blob"):
        size = len(value)
        if "min" in meta and size < meta["min"]:
            out.append(
                f"Value '{shown}' at '{path}' failed to satisfy constraint: "
                f"Member must have length greater than or equal to {meta['min']}"
            )
        if "max" in meta and size > meta["max"]:
            out.append(
                f"Value '{shown}' at '{path}' failed to satisfy constraint: "
                f"Member must have length less than or equal to {meta['max']}"
            )
    if kind == "string" and "pattern" in meta and not _matches(meta["pattern"], value):
        out.append(
            f"Value '{value}' at '{path}' failed to satisfy constraint: "
            f"Member must satisfy regular expression pattern: {meta['pattern']}"
        )
    if kind == "string" and "enum" in meta and value not in meta["enum"]:
        out.append(
            f"Value '{value}' at '{path}' failed to satisfy constraint: "
            f"Member must satisfy value set: [{', '.join(meta['enum'])}]"
        )
    if kind in ("integer", "long"):
        if "min" in meta and value < meta["min"]:
            out.append(
                f"Value '{value}' at '{path}' failed to satisfy constraint: "
                f"Member must have value greater than or equal to {meta['min']}"
            )
        if "max" in meta and value > meta["max"]:
            out.append(
                f"Value '{value}' at '{path}' failed to satisfy constraint: "
                f"Member must have value less than or equal to {meta['max']}"
            )


def check_constraints(operation: Any, params: Mapping[str, Any], error_code: str = "MalformedXML") -> None:
    """Raise ``error_code`` listing every model-constraint violation in ``params``, if any."""
    if operation.input_shape is not None:
        check_shape(operation.input_shape, params, "", error_code)


def check_shape(shape: Any, value: Any, path: str, error_code: str) -> None:
    """Raise ``error_code`` listing every constraint violation of ``value`` against ``shape``, if any."""
    found: list[str] = []
    _violations(shape, value, path, found)
    if found:
        noun = "error" if len(found) == 1 else "errors"
        raise ServiceError(error_code, f"{len(found)} validation {noun} detected: " + "; ".join(found))
