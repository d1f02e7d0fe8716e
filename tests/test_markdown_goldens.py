"""Each Markdown plugin (``src/treatypress/markdown/*.py``) against its golden files.

An input ``tests/fixtures/markdown/<plugin>/<case>.md`` is parsed as a chapter would be, and what
comes out (HTML, tokens, diagnostics; see ``tests/goldens.py``) must equal ``<case>.out``. After a
deliberate change, ``pytest tests/test_markdown_goldens.py --update-goldens`` rewrites them and
``git diff tests/fixtures/markdown`` shows what changed.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import REPO
from goldens import golden_text

FIXTURES = REPO / "tests" / "fixtures" / "markdown"
PLUGINS = REPO / "src" / "treatypress" / "markdown"
CASES = sorted(FIXTURES.glob("*/*.md"))


@pytest.mark.parametrize("case", CASES, ids=[case.relative_to(FIXTURES).as_posix() for case in CASES])
def test_the_plugin_gives_its_golden_output(case: Path, update_goldens: bool) -> None:
    golden = case.with_suffix(".out")
    got = golden_text(case, REPO)
    if update_goldens:
        golden.write_text(got, encoding="utf-8")
        return
    assert golden.exists(), f"{golden.relative_to(REPO)} is missing: run pytest --update-goldens and review it"
    assert got == golden.read_text(encoding="utf-8")


def test_every_plugin_has_golden_files() -> None:
    plugins = {path.stem for path in PLUGINS.glob("*.py") if path.stem != "__init__"}
    covered = {case.parent.name for case in CASES}
    assert plugins <= covered, f"no tests/fixtures/markdown/<plugin>/*.md for {sorted(plugins - covered)}"
    goldens = {path.with_suffix(".md") for path in FIXTURES.glob("*/*.out")}
    assert goldens <= set(CASES), f"goldens without an input: {sorted(map(str, goldens - set(CASES)))}"
