"""The code examples of README.md, CONTRIBUTING.md and docs/*.md are extracted from the Markdown and run, so
they cannot rot.

Every ``python``/``sh`` code block is preceded, on the line just above its opening fence, by a marker:

* ``<!-- example: pytest -->``: a pytest module; every test in it must pass.
* ``<!-- example: script -->``: run with ``python``; it must exit with 0.
* ``<!-- example: file NAME -->``: any block, saved as NAME (which may include directories) in the page's working
  directory before anything runs.
* ``<!-- example: shell -->``: run with ``bash -e`` in the page's working directory; it must exit with 0.
* ``<!-- example: output -->``: the expected standard output of the script or shell block just before it.
  A line ``...`` stands for any number of lines; ComputeUtilization figures (machine-dependent) are ignored.
* ``<!-- example: not run (REASON) -->``: shown only.

The examples run in fresh interpreters with no AWS credentials or configuration and with every outgoing
connection refused, as the documentation promises they need none.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PAGES = [ROOT / "README.md", ROOT / "CONTRIBUTING.md", *sorted((ROOT / "docs").glob("*.md"))]
CHECKED_LANGUAGES = {"python", "py", "sh", "bash", "shell", "console"}
MARKER = re.compile(r"^<!-- example: (pytest|script|shell|output|file \S+|not run \(.+\)) -->$")
FENCE = re.compile(r"^```(\S*)\s*$")
QUICKSTART = [
    "pip install -e '.[test]' && python -m cfmock demo     # the main job: a tour of the mock, printed",
    "pip install -e '.[test]' && pytest                    # the whole test suite passes",
]

# Loaded at interpreter start (PYTHONPATH): any connection attempt fails the example.
NO_NETWORK = """
import socket

def _refuse(*args, **kwargs):
    raise OSError(f"a documentation example attempted network access: {args!r}")

socket.socket.connect = _refuse
socket.socket.connect_ex = _refuse
socket.create_connection = _refuse
"""


@dataclass
class Block:
    page: Path
    line: int  # of the opening fence, 1-based
    language: str
    marker: str | None
    text: str

    @property
    def where(self) -> str:
        return f"{self.page.relative_to(ROOT)}:{self.line}"


def blocks(page: Path) -> list[Block]:
    lines = page.read_text(encoding="utf-8").splitlines()
    found: list[Block] = []
    i = 0
    while i < len(lines):
        fence = FENCE.match(lines[i])
        if not fence:
            i += 1
            continue
        start = i
        i += 1
        while i < len(lines) and lines[i] != "```":
            i += 1
        assert i < len(lines), f"{page.name}:{start + 1}: code block never closed"
        above = lines[start - 1] if start else ""
        marker = MARKER.match(above)
        found.append(
            Block(page, start + 1, fence.group(1), marker.group(1) if marker else None, "\n".join(lines[start + 1 : i]))
        )
        i += 1
    return found


def page_id(page: Path) -> str:
    return str(page.relative_to(ROOT))


def example_env(tmp_path: Path) -> dict[str, str]:
    site = tmp_path / "_site"
    site.mkdir(exist_ok=True)
    (site / "sitecustomize.py").write_text(NO_NETWORK, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_") and k != "PYTHONPATH"}
    env.update(
        PYTHONPATH=os.pathsep.join([str(site), str(ROOT)]),  # this checkout, whatever cfmock is installed
        AWS_CONFIG_FILE=str(tmp_path / "no-aws-config"),
        AWS_SHARED_CREDENTIALS_FILE=str(tmp_path / "no-aws-credentials"),
        PATH=f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",
    )
    return env


def normalise(output: str) -> str:
    output = re.sub(r"ComputeUtilization: \d+", "ComputeUtilization: N", output)
    output = re.sub(r'"compute_utilization": \d+', '"compute_utilization": N', output)
    return output.strip("\n")


def output_matches(expected: str, actual: str) -> bool:
    pattern = ""
    for line in normalise(textwrap.dedent(expected)).split("\n"):
        pattern += r"(?:[^\n]*\n)*?" if line == "..." else re.escape(line) + "\n"
    return re.fullmatch(pattern, normalise(actual) + "\n") is not None


def run(command: list[str], cwd: Path, env: dict[str, str], what: str) -> str:
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"{what} failed (exit {done.returncode}):\n{done.stdout}\n{done.stderr}"
    return done.stdout


# -- the structure of the pages ---------------------------------------------------------------------------


@pytest.mark.parametrize("page", PAGES, ids=page_id)
def test_every_code_example_is_marked(page: Path) -> None:
    found = blocks(page)
    if page.name == "README.md":
        found = found[1:]  # the Quickstart: checked word for word below (it installs and runs the whole suite)
    unmarked = [b.where for b in found if b.language in CHECKED_LANGUAGES and b.marker is None]
    assert not unmarked, f"code blocks without an '<!-- example: ... -->' marker: {unmarked}"
    text = page.read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(text):
        if line.startswith("<!-- example:"):
            assert MARKER.match(line), f"{page.name}:{number + 1}: unknown marker {line!r}"
            assert number + 1 < len(text) and FENCE.match(text[number + 1]), (
                f"{page.name}:{number + 1}: a marker must be directly above a code block"
            )
    for previous, block in zip(blocks(page), blocks(page)[1:], strict=False):
        if block.marker == "output":
            assert previous.marker in ("script", "shell"), f"{block.where}: output must follow a script or shell"


def anchors(page: Path) -> set[str]:
    """GitHub's anchors for the page's headings, and explicit ``<a id="…"></a>`` anchors (outside code blocks)."""
    found = set()
    in_code = False
    for line in page.read_text(encoding="utf-8").splitlines():
        if line.startswith("```"):
            in_code = not in_code
        elif not in_code and line.startswith("<a id="):
            found.update(re.findall(r'<a id="([^"]+)"></a>', line))
        elif not in_code and line.startswith("#"):
            title = line.lstrip("#").strip().lower()
            found.add(re.sub(r"[^\w\- ]", "", title).replace(" ", "-"))
    return found


@pytest.mark.parametrize("page", PAGES, ids=page_id)
def test_relative_links_resolve(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    broken = []
    for target in re.findall(r"\]\(([^)\s]+)\)", text):
        if re.match(r"[a-z]+:", target):
            continue
        path, _, anchor = target.partition("#")
        linked = (page.parent / path) if path else page
        if not linked.exists() or (anchor and linked.suffix == ".md" and anchor not in anchors(linked)):
            broken.append(target)
    assert not broken, f"links to missing files or headings: {broken}"


def test_readme_opens_with_the_quickstart() -> None:
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    content = [line for line in lines if line.strip()]
    assert content[0].startswith("# ") and content[1] == "## Quickstart", "README must open with the Quickstart"
    first = blocks(ROOT / "README.md")[0]
    assert first.text.splitlines() == QUICKSTART
    assert content[2].startswith("```") and content[3 : 3 + len(QUICKSTART)] == QUICKSTART


# -- running the examples ----------------------------------------------------------------------------------


@pytest.mark.parametrize("page", [p for p in PAGES if any(b.marker for b in blocks(p))], ids=page_id)
def test_examples_run(page: Path, tmp_path: Path) -> None:
    env = example_env(tmp_path)
    workdir = tmp_path / page.stem
    workdir.mkdir()
    page_blocks = blocks(page)
    for block in page_blocks:
        if block.marker and block.marker.startswith("file "):
            target = workdir / block.marker.split(" ", 1)[1]  # may name a subdirectory: cases/NAME.event.json
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(block.text + "\n", encoding="utf-8")

    # Every run is independent (the files above are only read), so they run side by side.
    jobs: dict[int, tuple[list[str], str]] = {}
    modules = []
    for number, block in enumerate(page_blocks):
        if block.marker == "pytest":
            module = workdir / f"test_{page.stem.replace('-', '_')}_{number}.py"
            module.write_text(f"# {block.where}\n{block.text}\n", encoding="utf-8")
            modules.append(module)
        elif block.marker == "script":
            script = workdir / f"example_{number}.py"
            script.write_text(block.text + "\n", encoding="utf-8")
            jobs[number] = ([sys.executable, script.name], block.where)
        elif block.marker == "shell":
            jobs[number] = (["bash", "-e", "-o", "pipefail", "-c", block.text], block.where)
    pytest_command = [sys.executable, "-m", "pytest", "-q", "-rA", "-p", "no:cacheprovider", *[m.name for m in modules]]
    if modules:
        jobs[-1] = (pytest_command, f"the pytest examples of {page_id(page)}")
    with ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 1)) as pool:
        futures = {number: pool.submit(run, command, workdir, env, what) for number, (command, what) in jobs.items()}
        outputs = {number: future.result() for number, future in futures.items()}

    for module in modules:
        assert f"PASSED {module.name}::" in outputs[-1], f"{module.read_text().splitlines()[0]}: no test passed"
    for number, block in enumerate(page_blocks):
        if block.marker == "output":
            stdout = outputs[number - 1]
            assert output_matches(block.text, stdout), f"{block.where}: the output differs:\n{stdout}"
