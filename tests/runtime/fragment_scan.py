"""A token-level reading of the fragments in cfmock/runtime/js/modules/, and the check of their declarations.

The fragments are pieces of ONE function body (modules.py wraps them in a strict IIFE), so a top-level
``function``/``class``/``var``/``let``/``const`` of one fragment is visible to all the others. This module
reads, per fragment, those top-level names, the names it declares anywhere else (parameters, locals, catch
bindings) and the names it uses (every identifier that is not a property after ``.`` or a key of an object
literal). A use of another fragment's top-level name is what that fragment needs from it.

A hook (a fragment used only when the scan loaded it) is used behind a ``typeof`` test: the reading records,
for every use, the names that a ``typeof`` earlier in its statement, or in the condition of an ``if`` around it,
tests.

Using a name of another fragment's while also declaring it locally would make this reading ambiguous, so the
check refuses it: fragments keep their shared names distinct from their locals.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources

from cfmock.runtime.modules import Fragment
from cfmock.runtime.tokenizer import Token, tokenize

_DECLARATORS = frozenset({"var", "let", "const"})


@dataclass(frozen=True)
class FragmentNames:
    top_level: frozenset[str]  # names every fragment sees
    local: frozenset[str]  # parameters, nested declarations, catch bindings
    used: frozenset[str]
    # For each use of each name, the names a `typeof` tests before it: earlier in its statement, or in the
    # condition of an `if` whose block holds it.
    guards: Mapping[str, tuple[frozenset[str], ...]]


def fragment_source(name: str) -> str:
    return (resources.files("cfmock.runtime") / "js" / "modules" / f"{name}.js").read_text(encoding="utf-8")


def _inside_braces(tokens: list[Token], index: int) -> bool:
    parent = tokens[index].parent
    while parent != -1:
        if tokens[parent].text == "{":
            return True
        parent = tokens[parent].parent
    return False


def read_names(source: str) -> FragmentNames:
    tokens = tokenize(source)
    top: set[str] = set()
    local: set[str] = set()
    used: set[str] = set()
    guards: dict[str, tuple[frozenset[str], ...]] = {}
    for i, tok in enumerate(tokens):
        nxt = tokens[i + 1] if i + 1 < len(tokens) else None
        prev = tokens[i - 1] if i else None
        if tok.kind == "name" and tok.text in ("function", "class") and nxt is not None and nxt.kind == "name":
            (top if tok.parent == -1 else local).add(nxt.text)
        elif tok.kind == "name" and tok.text in _DECLARATORS:
            # `var` is scoped to the enclosing function, so `for (var i` at the top is shared too; `let`/`const`
            # only when written at the top itself.
            shared = not _inside_braces(tokens, i) and (tok.text == "var" or tok.parent == -1)
            (top if shared else local).update(_declared_by(tokens, i))
        elif tok.text == "(" and _opens_parameters(tokens, i):
            local.update(
                t.text for t in tokens[i + 1 : tok.match] if t.kind == "name" and t.parent == i and t.text != "this"
            )
        elif tok.kind == "name" and tok.text == "catch" and nxt is not None and nxt.text == "(":
            local.add(tokens[i + 2].text)
        if tok.kind != "name" or (prev is not None and prev.text in (".", "?.")):
            continue
        if nxt is not None and nxt.text == ":" and tok.parent != -1 and tokens[tok.parent].bracket == "object":
            continue  # a key of an object literal
        used.add(tok.text)
        guards[tok.text] = (*guards.get(tok.text, ()), _typeof_guards(tokens, i))
    return FragmentNames(frozenset(top), frozenset(local), frozenset(used), guards)


def _typeof_names(tokens: list[Token], start: int, end: int) -> set[str]:
    return {
        tokens[j + 1].text for j in range(start, end) if tokens[j].text == "typeof" and tokens[j + 1].kind == "name"
    }


def _typeof_guards(tokens: list[Token], index: int) -> frozenset[str]:
    """The names tested by `typeof` before ``index`` in its statement or in the conditions of the `if`s around it
    (per statement, not per expression: enough for the short guards the fragments write)."""
    levels = {-1}  # the brackets around the use, and the top level
    parent = tokens[index].parent
    while parent != -1:
        levels.add(parent)
        parent = tokens[parent].parent
    start = index - 1
    while start >= 0:
        tok = tokens[start]
        if (tok.text in (";", "}") and tok.parent in levels) or (tok.text == "{" and start in levels):
            break
        start -= 1
    found = _typeof_names(tokens, start + 1, index)
    for opener in levels - {-1}:
        if tokens[opener].text == "{" and opener > 0 and tokens[opener - 1].text == ")":
            paren = tokens[opener - 1].match
            if paren > 0 and tokens[paren - 1].text == "if":
                found |= _typeof_names(tokens, paren + 1, opener - 1)
    return frozenset(found)


def _opens_parameters(tokens: list[Token], index: int) -> bool:
    """A `function (`, or a `(` whose `)` is followed by `{` or `=>` (a method of a class, an arrow function)."""
    tok = tokens[index]
    if tok.bracket == "params":
        return True
    after = tokens[tok.match + 1] if 0 <= tok.match < len(tokens) - 1 else None
    return tok.bracket == "expr" and after is not None and after.text in ("{", "=>")


def _declared_by(tokens: list[Token], start: int) -> set[str]:
    """The names a `var`/`let`/`const` at ``start`` declares: the first name of each declarator (declarators are
    separated by commas at the statement's own level, which ends at its `;`)."""
    level, names, expect = tokens[start].parent, set(), True
    end = tokens[level].match if level != -1 else len(tokens)  # `for (var …)` ends at its `)`
    for tok in tokens[start + 1 : end]:
        if tok.parent != level:
            continue
        if tok.text == ";":
            break
        if tok.text == ",":
            expect = True
            continue
        if expect and tok.kind == "name":
            names.add(tok.text)
        expect = False
    return names


def closure(table: Mapping[str, Fragment], name: str) -> list[str]:
    """``name`` and every fragment it needs, directly or not (hooks excluded)."""
    found: list[str] = []
    todo = [name]
    while todo:
        current = todo.pop()
        if current not in found and current in table:
            found.append(current)
            todo.extend(table[current].needs)
    return found


def declaration_problems(table: Mapping[str, Fragment], names: Mapping[str, FragmentNames]) -> list[str]:
    """Everything in which ``table`` disagrees with what the fragments' code does; empty when it is right."""
    problems: list[str] = []
    owner: dict[str, str] = {}
    for fragment, read in names.items():
        for name in sorted(read.top_level):
            if name in owner:
                problems.append(f"{name} is a top-level name of both {owner[name]} and {fragment}")
            owner.setdefault(name, fragment)
    order = list(table)
    for fragment, decl in table.items():
        read = names[fragment]
        for dep in (*decl.needs, *decl.hooks):
            if dep not in table:
                problems.append(f"{fragment} declares {dep}, which is no fragment")
        for dep in decl.needs:
            if dep in order and order.index(dep) > order.index(fragment):
                problems.append(f"{fragment} needs {dep}, which is evaluated after it")
        missing = sorted(set(decl.provides) - read.top_level)
        if missing:
            problems.append(f"{fragment} declares it provides {missing}, which it does not define at top level")
        taken = {name: owner[name] for name in read.used if owner.get(name, fragment) != fragment}
        reachable = set(closure(table, fragment))
        for name, provider in sorted(taken.items()):
            if name in read.local:
                problems.append(f"{fragment} declares a local {name}, which is also a top-level name of {provider}")
            if name not in table[provider].provides:
                problems.append(f"{fragment} uses {name} of {provider}, which {provider} does not declare it provides")
            if provider in reachable:
                continue
            if provider in decl.hooks:
                if not all(guard & set(table[provider].provides) for guard in read.guards[name]):
                    problems.append(f"{fragment} uses {name} of its hook {provider} without a typeof test")
                continue
            problems.append(f"{fragment} uses {name} of {provider} but declares neither a need nor a hook on it")
        used_from = set(taken.values())
        for dep in (*decl.needs, *decl.hooks):
            if dep in table and dep not in used_from:
                problems.append(f"{fragment} declares {dep} but uses none of its names")
        for name in sorted(decl.provides):
            users = [other for other in names if other != fragment and name in names[other].used]
            if owner.get(name) == fragment and not users:
                problems.append(f"{fragment} declares it provides {name}, which no other fragment uses")
    problems.extend(_cycles(table))
    return problems


def _cycles(table: Mapping[str, Fragment]) -> list[str]:
    problems: list[str] = []
    for fragment in table:
        stack = [(dep, (fragment, dep)) for dep in table[fragment].needs]
        seen: set[str] = set()
        while stack:
            current, path = stack.pop()
            if current == fragment:
                problems.append("cycle: " + " -> ".join(path))
                break
            if current in seen or current not in table:
                continue
            seen.add(current)
            stack.extend((dep, (*path, dep)) for dep in table[current].needs)
    return problems
