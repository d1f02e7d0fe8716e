"""The two patches to WeasyPrint 70 (``pdf/tagging.py``, ``pdf/footnotes.py``) check the source
they change before changing it. These tests run each guard against the real installed source and
against copies of it edited the way a new WeasyPrint could edit it, and show that a patch that
cannot apply reaches the user as a warning naming what is lost."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pikepdf
import pytest
import weasyprint
from conftest import build_book
from weasyprint.layout import block
from weasyprint.pdf import tags

from treatypress.build import BuildResult
from treatypress.diagnostics import Severity
from treatypress.pdf import footnotes, tagging

TAGS_SOURCE = inspect.getsource(tags._build_box_tree)
LAYOUT_SOURCE = inspect.getsource(block._linebox_layout)


def test_the_installed_weasyprint_is_patched() -> None:
    assert tagging.unpatchable(TAGS_SOURCE) is None and tagging.GAP is None
    assert footnotes.layout_patch_gap(weasyprint.__version__, LAYOUT_SOURCE) is None
    assert footnotes.LAYOUT_PATCH_GAP is None and footnotes.layout_patch_warnings() == ()
    with tagging.richer_tags() as gaps:
        assert gaps == ()


@pytest.mark.parametrize(
    ("edit", "reason"),
    [
        # a new argument: the wrapper would pass the wrong ones on
        (lambda s: s.replace("annotations, tags):", "annotations, tags, artifacts):", 1), "takes (box, parent"),
        # recursion through a local helper: nested elements would go undecorated
        (
            lambda s: s.replace("_build_box_tree(\n", "_walk(\n").replace("_build_box_tree(child", "_walk(child"),
            "no longer calls itself",
        ),
        (lambda s: re.sub(r"\byield( from)?\b", "return", s), "no longer a generator"),
        (lambda s: s.replace("'P': ", "'Parent': "), "parent 'P'"),
        # the link no longer kept on the box: the patch could not tell which element holds it
        (lambda s: s.replace("box.link_annotation", "links.get(box)"), "link_annotation"),
        (lambda s: s.replace("def _build_box_tree(", "def _build_structure_tree("), "has no function"),
        (lambda s: s.replace("tags):", "tags)", 1), "does not parse"),
    ],
)
def test_the_tag_patch_refuses_a_changed_source(edit: object, reason: str) -> None:
    changed = edit(TAGS_SOURCE)  # type: ignore[operator]
    assert changed != TAGS_SOURCE
    gap = tagging.unpatchable(changed)
    assert gap is not None and reason in gap


def test_the_tag_patch_refuses_a_missing_function() -> None:
    assert "missing" in (tagging.unpatchable(None) or "")


def test_the_tag_warning_names_what_the_pdf_loses() -> None:
    found = tagging.gap_warning("a reason")
    assert found.severity is Severity.WARNING and found.code == "pdf-tags-incomplete"
    assert "/Lang" in found.message and "/Note" in found.message and "a reason" in found.message
    assert "70.0" in found.hint


def test_the_footnote_patch_refuses_another_version_or_a_changed_branch() -> None:
    assert "70.1" in (footnotes.layout_patch_gap("70.1", LAYOUT_SOURCE) or "")
    branch = "report = not context.in_column and can_break_now and not could_break_before"
    assert branch in LAYOUT_SOURCE
    changed = LAYOUT_SOURCE.replace(branch, "report = can_break_now and not could_break_before")
    assert "no longer has" in (footnotes.layout_patch_gap("70.0", changed) or "")
    assert "cannot be read" in (footnotes.layout_patch_gap("70.0", None) or "")
    found = footnotes.layout_gap_warning("a reason")
    assert found.severity is Severity.WARNING and found.code == "footnote-workaround-off"
    assert "footnote-misplaced" in found.message and "a reason" in found.message


def _notes_and_langs(pdf_path: Path) -> tuple[int, int]:
    notes = langs = 0
    with pikepdf.open(pdf_path) as pdf:
        stack: list[object] = [pdf.Root.StructTreeRoot]
        seen: set[tuple[int, int]] = set()
        while stack:
            node = stack.pop()
            if isinstance(node, pikepdf.Dictionary):
                if node.is_indirect:
                    if node.objgen in seen:
                        continue
                    seen.add(node.objgen)
                if node.get("/S") == "/Note":
                    notes += 1
                if "/Lang" in node and node.get("/Type") == "/StructElem":
                    langs += 1
                if "/K" in node:
                    stack.append(node.K)
            elif isinstance(node, pikepdf.Array):
                stack.extend(node)
    return notes, langs


BOOK_TOML = """[book]
title = "Tags"
authors = ["Ada Tester"]
language = "en"

[contents]
chapters = ["01-only.md"]
"""
CHAPTER = """# The Only Chapter

The city is [Wilno]{lang=pl} in Polish.[^a]

[^a]: A note, tagged /Note when the patch applies.
"""


def _tiny_book(root: Path) -> Path:
    (root / "manuscript").mkdir(parents=True)
    (root / "manuscript" / "book.toml").write_text(BOOK_TOML, encoding="utf-8")
    (root / "manuscript" / "01-only.md").write_text(CHAPTER, encoding="utf-8")
    return root


def _pdf(result: BuildResult) -> Path:
    (pdf,) = [p for p in result.written if p.suffix == ".pdf"]
    return pdf


def test_a_build_with_an_unpatchable_weasyprint_warns(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """As if the installed WeasyPrint failed both guards (the guards themselves are tested above):
    the build says so, and the PDF is as WeasyPrint writes it."""
    book = _tiny_book(tmp_path / "book")
    patched = build_book(book, tmp_path / "patched", formats=("pdf",))
    notes, langs = _notes_and_langs(_pdf(patched))
    assert not patched.diagnostics and notes == 1 and langs >= 1  # the Polish span, at least
    monkeypatch.setattr(tagging, "GAP", "a changed _build_box_tree")
    monkeypatch.setattr(footnotes, "LAYOUT_PATCH_GAP", "WeasyPrint 70.9 is not the 70.0 it was written for")
    result = build_book(book, tmp_path / "unpatched", formats=("pdf",))
    assert [d.code for d in result.diagnostics] == ["pdf-tags-incomplete", "footnote-workaround-off"]
    assert all(d.severity is Severity.WARNING for d in result.diagnostics)
    assert _notes_and_langs(_pdf(result)) == (0, 0)  # what the warning says is lost is indeed lost
