"""Every citation of a decision or of a section of the research notes resolves to text in this repository.

The code and tests cite ``decisions N`` (docs/decisions.md) and ``api.md §N`` / ``runtime.md §N``
(docs/spec/api.md, docs/spec/runtime.md). Lists and ranges are read whole: ``decisions 1–9, 11``,
``api.md §4, §5``, ``runtime.md §3.1–3.3``; a ``§N`` on its own belongs to the note last named before it.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DECISIONS = ROOT / "docs" / "decisions.md"
NOTES = {"api.md": ROOT / "docs" / "spec" / "api.md", "runtime.md": ROOT / "docs" / "spec" / "runtime.md"}
CITING = [
    *sorted((ROOT / "cfmock").rglob("*.py")),
    *sorted((ROOT / "cfmock").rglob("*.js")),
    *sorted((ROOT / "tests").rglob("*.py")),
    *sorted((ROOT / "docs").glob("*.md")),
    *sorted((ROOT / "docs").glob("*.py")),
    *sorted((ROOT / "benchmarks").rglob("*.py")),
    *sorted(ROOT.glob("*.md")),
]
CITING.remove(Path(__file__).resolve())  # its own examples cite missing entries on purpose

_NUMBER = r"\d+(?:\s*[–-]\s*\d+)?"
DECISION_CITATION = re.compile(rf"\bdecisions?(?:\.md)?\s+({_NUMBER}(?:\s*(?:,|and)\s*{_NUMBER})*)")
_SECTION = r"\d+(?:\.\d+)*(?:\s*[–-]\s*\d+(?:\.\d+)*)?"
# A note's name, another document's (RFC 9112 §2.2 is not ours), or a section mark.
SECTION_MARK = re.compile(rf"\b(?P<note>api\.md|runtime\.md)\b|\b(?P<other>RFC\s*\d+)|§\s*(?P<section>{_SECTION})")
HEADING = re.compile(r"^#{2,4}\s+(\d+(?:\.\d+)*)\.?\s", re.M)
DECISION_HEADING = re.compile(r'^<a id="decision-(\d+)"></a>\n### (\d+)\. \S', re.M)


def decision_numbers() -> set[int]:
    found = DECISION_HEADING.findall(DECISIONS.read_text(encoding="utf-8"))
    assert all(anchor == number for anchor, number in found)
    return {int(number) for _, number in found}


def sections(note: str) -> set[str]:
    return set(HEADING.findall(NOTES[note].read_text(encoding="utf-8")))


def _items(listing: str, item: str) -> list[str]:
    return re.findall(item, listing.replace("§", ""))


def decision_citations(text: str) -> list[int]:
    cited: list[int] = []
    for match in DECISION_CITATION.finditer(text):
        for item in _items(match.group(1), _NUMBER):
            first, _, last = re.sub(r"\s", "", item).replace("–", "-").partition("-")
            cited.extend(range(int(first), int(last or first) + 1))
    return cited


def section_citations(text: str) -> list[tuple[str, str]]:
    """Every ``§N`` with the note it belongs to: the last document named before it, if that is a note."""
    cited: list[tuple[str, str]] = []
    note: str | None = None
    for match in SECTION_MARK.finditer(text):
        if not match.group("section"):
            note = match.group("note")  # None after another document's name
            continue
        if note is None:
            continue
        first, _, last = re.sub(r"\s", "", match.group("section")).replace("–", "-").partition("-")
        if last and "." not in first + last:  # §1–4: every section in between
            cited.extend((note, str(n)) for n in range(int(first), int(last) + 1))
        else:
            cited.extend((note, end) for end in (first, last) if end)
    return cited


def test_the_decisions_are_numbered_1_to_47_each_with_its_evidence() -> None:
    text = DECISIONS.read_text(encoding="utf-8")
    assert decision_numbers() == set(range(1, 48))
    entries = re.split(r'^<a id="decision-\d+"></a>\n', text, flags=re.M)[1:]
    assert len(entries) == 47
    for entry in entries:
        assert "\n*Evidence:* " in entry, entry.splitlines()[0]


@pytest.mark.parametrize("path", CITING, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_citation_resolves(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    known = decision_numbers()
    missing = sorted({n for n in decision_citations(text) if n not in known})
    assert not missing, f"{path.name} cites decisions that docs/decisions.md does not have: {missing}"
    notes = {note: sections(note) for note in NOTES}
    unknown = sorted({(note, s) for note, s in section_citations(text) if s not in notes[note]})
    assert not unknown, f"{path.name} cites sections that docs/spec does not have: {unknown}"
    outside = [line for line in text.splitlines() if "/work/shared" in line]
    assert not outside, f"{path.name} points at the specification outside the repository: {outside}"


def test_the_citation_reader_reads_lists_and_ranges() -> None:
    assert decision_citations("(decisions 1–9, 11, 18) and decision 39's rule; decisions.md 24, 31") == [
        *range(1, 10),
        11,
        18,
        39,
        24,
        31,
    ]
    assert section_citations("api.md §4, (§5.2) and runtime.md §3.1–3.3; api.md §1–3") == [
        ("api.md", "4"),
        ("api.md", "5.2"),
        ("runtime.md", "3.1"),
        ("runtime.md", "3.3"),
        ("api.md", "1"),
        ("api.md", "2"),
        ("api.md", "3"),
    ]


def test_a_citation_of_a_missing_decision_or_section_is_caught() -> None:
    assert 48 not in decision_numbers() and 48 in decision_citations("see decisions 47, 48")
    assert "4.11" not in sections("api.md") and ("api.md", "4.11") in section_citations("api.md §4.11")
    assert section_citations("api.md §4.1; RFC 9112 §2.2; runtime.md §9.9") == [
        ("api.md", "4.1"),
        ("runtime.md", "9.9"),
    ]


def test_known_differences_link_each_row_to_its_decision() -> None:
    text = (ROOT / "docs" / "known-differences.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| (\S.*?) \| .* \|$", text, flags=re.M)
    numbered = [cell for cell in rows if cell not in ("#", "---")]
    assert numbered, "no rows found"
    for cell in numbered:
        link = re.fullmatch(r"\[(\d+)\]\(decisions\.md#decision-(\d+)\)", cell)
        assert link and link.group(1) == link.group(2), f"row {cell!r} does not link to its decision"
        assert int(link.group(1)) in decision_numbers()
