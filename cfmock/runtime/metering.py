"""The metering script (``js/metering.js``): which built-ins are metered, with their names and lengths.

Each metered built-in costs every run a wrapper (about 2 us each), so only those the code can reach are
metered: the ones it names, plus ``join`` and ``exec``, which built-ins and conversions call by themselves
(``String(array)``, ``regex.test``). Code that can reach a method without naming it (a computed member call
``o[k](…)``, ``.call``/``.apply``/``Reflect``/``bind``) gets them all. The script is plain statements,
generated once per selection and cached as bytecode like any source.
"""

from __future__ import annotations

import functools
import re
from importlib import resources
from typing import Final

# target variable in metering.js -> "name/length …"; the lengths are the built-ins' own (ECMA-262).
METERED: Final = {
    "S": "indexOf/1 lastIndexOf/1 includes/1 startsWith/1 endsWith/1 search/1 match/1 matchAll/1 replace/2 "
    "replaceAll/2 split/2 slice/2 substring/2 substr/2 trim/0 trimStart/0 trimEnd/0 concat/1 toUpperCase/0 "
    "toLowerCase/0 toLocaleUpperCase/0 toLocaleLowerCase/0 normalize/0 localeCompare/1 padStart/1 padEnd/1 "
    "repeat/1",
    "A": "join/1 indexOf/1 lastIndexOf/1 includes/1 reverse/0 sort/1 fill/1 copyWithin/2 slice/2 splice/2 concat/1",
    "T": "fill/1 indexOf/1 lastIndexOf/1 includes/1 join/1 reverse/0 set/1 slice/2 sort/1 copyWithin/2",
    "R": "exec/1",
    "J": "parse/2 stringify/3",
    "G": "encodeURI/1 encodeURIComponent/1 decodeURI/1 decodeURIComponent/1 escape/1 unescape/1 parseFloat/1 "
    "parseInt/2",
}
# Array methods that run as JavaScript loops over huge (sparse) arrays: `slow` in metering.js.
_SLOW: Final = frozenset({"join", "indexOf", "lastIndexOf", "includes", "reverse", "sort", "copyWithin"})
# The slow versions that call fromIndex (a helper block of its own).
_FROM_INDEX_USERS: Final = frozenset({"indexOf", "includes", "copyWithin"})
_BLOCK_MARK: Final = "  // @"
_END_MARK: Final = "  // @end\n"
_PARAMS: Final = "abcdefgh"
_ALWAYS: Final = frozenset({"join", "exec"})
_INDIRECT: Final = re.compile(r"\]\s*\(|\.\s*(?:call|apply|bind)\b|\bReflect\b|\bFunction\b")
_ALL: Final = frozenset(entry.split("/")[0] for entries in METERED.values() for entry in entries.split())


def for_source(code: str) -> str:
    """The metering script for ``code``: the built-ins it can reach (see the module's docstring)."""
    if _INDIRECT.search(code):
        return metering_script(_ALL)
    return metering_script(_ALWAYS | frozenset(name for name in _ALL if name in code))


@functools.lru_cache(maxsize=64)
def metering_script(names: frozenset[str]) -> str:
    lines: list[str] = []
    for target, entries in METERED.items():
        for entry in entries.split():
            name, length = entry.split("/")
            if name not in names:
                continue
            params = ", ".join(_PARAMS[: int(length)])
            real = f"r_{target}_{name}"
            slow = f", slow.{name}" if target == "A" and name in _SLOW else ""
            lines.append(
                f"var {real} = {target}.{name}; {target}.{name} = "
                f"({{ {name}({params}) {{ return m({real}, this, arguments{slow}); }} }}).{name};"
            )
    wanted = set(_SLOW & names)  # the slow versions of the Array methods the code can reach
    if wanted & _FROM_INDEX_USERS:
        wanted.add("fromIndex")
    head, blocks, tail = _template()
    kept = "".join(code for name, code in blocks if name in wanted)
    return head + kept + tail.replace("  /* METERED */", "\n".join("  " + line for line in lines))


@functools.cache
def _template() -> tuple[str, tuple[tuple[str, str], ...], str]:
    """metering.js split around its ``// @slow NAME`` and ``// @helper NAME`` blocks (up to ``// @end``)."""
    text = resources.files(__package__).joinpath("js/metering.js").read_text(encoding="utf-8")
    first, end = text.index(_BLOCK_MARK), text.index(_END_MARK)
    parts = re.split(r"^  // @(?:slow|helper) (\w+)\n", text[first:end], flags=re.M)
    blocks = tuple(zip(parts[1::2], parts[2::2], strict=True))
    return text[:first], blocks, text[end + len(_END_MARK) :]
