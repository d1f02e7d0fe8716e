"""docs/customising.md tells the truth: every variable a built-in layout uses is documented under
that layout, every documented variable is given to it, and every documented class exists."""

from __future__ import annotations

import re
from pathlib import Path

import jinja2
import jinja2.meta
import pytest
from conftest import BOOKS

from treatypress.booksettings import load_settings
from treatypress.manuscript import load_manuscript
from treatypress.markdown import parse_chapter
from treatypress.render import book_context
from treatypress.resolve import resolve
from treatypress.styles import BUILTIN

REPO = Path(__file__).resolve().parents[1]
DOC = (REPO / "docs" / "customising.md").read_text(encoding="utf-8")
LAYOUTS = BUILTIN / "layouts"


def _sections() -> dict[str, str]:
    """The text under each '### `layout`' heading (a heading may name two layouts)."""
    parts = re.split(r"^### (.+)$", DOC, flags=re.MULTILINE)
    found = {}
    for heading, body in zip(parts[1::2], parts[2::2]):
        body = body.split("\n## ")[0]  # a section ends at the next heading of either level
        for name in re.findall(r"`([^`]+\.j2)`", heading):
            found[name] = body
    found["common"] = parts[parts.index("The common variables") + 1]
    return found


SECTIONS = _sections()


def _documented(body: str) -> set[str]:
    return set(re.findall(r"^\| `(\w+)` \|", body, flags=re.MULTILINE))


def _used(layout: Path) -> set[str]:
    source = layout.read_text(encoding="utf-8")
    return set(jinja2.meta.find_undeclared_variables(jinja2.Environment().parse(source)))


@pytest.fixture(scope="module")
def common_variables() -> set[str]:
    """What render.book_context really gives a layout, from a really resolved book."""
    config = load_settings(BOOKS / "minimal").config
    assert config is not None
    manuscript, _ = load_manuscript(config)
    book, _ = resolve(config, [parse_chapter(c, config.book.language) for c in manuscript.chapters])
    assert book is not None
    return set(book_context(book))


def test_the_common_variables_are_those_of_book_context(common_variables: set[str]) -> None:
    assert _documented(SECTIONS["common"]) == common_variables


@pytest.mark.parametrize("layout", sorted(p.relative_to(LAYOUTS).as_posix() for p in LAYOUTS.rglob("*.j2")))
def test_each_layout_is_documented(layout: str, common_variables: set[str]) -> None:
    assert layout in SECTIONS, f"{layout} has no section in docs/customising.md"
    body = SECTIONS[layout]
    gets_common = "Gets the common variables" in body
    available = _documented(body) | (common_variables if gets_common else set())
    used = _used(LAYOUTS / layout)
    assert used <= available, f"{layout} uses undocumented variables: {sorted(used - available)}"
    # every variable documented for the layout alone is one it really uses
    assert _documented(body) <= used, f"documented but unused in {layout}: {sorted(_documented(body) - used)}"


def test_each_documented_class_is_in_the_html_treatypress_writes() -> None:
    table = DOC[DOC.index("## CSS classes") : DOC.index("## Examples")]
    classes = {
        c for row in re.findall(r"^\| (`[^|]+) \|", table, flags=re.MULTILINE) for c in re.findall(r"`([\w-]+)`", row)
    }
    sources = [
        *LAYOUTS.rglob("*.j2"),
        REPO / "src/treatypress/htmlwriter.py",
        REPO / "src/treatypress/index/render.py",
        REPO / "src/treatypress/pagelist.py",
    ]
    text = "\n".join(p.read_text(encoding="utf-8") for p in sources)
    # a class is written literally, or made from a kind ("toc-{{ entry.kind }}", "chapter {{ chapter.kind }}")
    kinds = {"toc-front", "toc-body", "toc-back", "front", "body", "back", "handout"}
    missing = {
        c
        for c in classes - kinds
        if not re.search(rf"class=[\"'][^\"']*\b{re.escape(c)}\b", text)
        and f'"{c}' not in text
        and f' {c}"' not in text
    }
    assert not missing, f"documented classes that treatypress never writes: {sorted(missing)}"
    assert len(classes) > 40
