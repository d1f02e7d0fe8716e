"""The resolve passes on the small test book: each decision is on the token it is about, in
reading order, and problems of different kinds come out in the order a reader meets them.

The render stage reads these decisions with ``decided(token)`` and nothing else, so what is
pinned here is what the HTML of every edition is made from.
"""

from __future__ import annotations

import dataclasses
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import BOOKS
from markdown_it.token import Token

from treatypress.booksettings import load_settings
from treatypress.config import BookConfig
from treatypress.diagnostics import Diagnostic
from treatypress.manuscript import load_manuscript
from treatypress.markdown import ParsedChapter, parse_chapter
from treatypress.markdown.divs import DIV_CLOSE, DIV_OPEN
from treatypress.resolve import ResolvedBook, resolve
from treatypress.resolve.decisions import decided
from treatypress.resolve.walk import main_tokens, reading_order


def _load(root: Path) -> tuple[BookConfig, list[ParsedChapter]]:
    config = load_settings(root).config
    assert config is not None
    manuscript, _ = load_manuscript(config)
    return config, [parse_chapter(c, config.book.language) for c in manuscript.chapters]


def _resolved(config: BookConfig, chapters: list[ParsedChapter]) -> ResolvedBook:
    book, problems = resolve(config, chapters)
    assert book is not None, [p.format() for p in problems]
    return book


def _in_reading_order(chapter: ParsedChapter, kind: str) -> Iterator[Token]:
    return (visit.token for visit in reading_order(chapter) if visit.token.type == kind)


@pytest.fixture(scope="module")
def minimal() -> tuple[BookConfig, list[ParsedChapter]]:
    return _load(BOOKS / "minimal")


def test_each_heading_carries_its_id(minimal: tuple[BookConfig, list[ParsedChapter]]) -> None:
    book = _resolved(*minimal)
    for chapter in book.chapters:
        opened = [t for t in main_tokens(chapter.parsed.tokens) if t.type == "heading_open"]
        assert [decided(t).heading_id for t in opened] == [h.id for h in chapter.headings]
    assert book.chapters[1].headings[0].id == "first"  # {#first} as written


def test_each_call_carries_its_note_numbered_in_reading_order(minimal: tuple[BookConfig, list[ParsedChapter]]) -> None:
    book = _resolved(*minimal)
    assert book.note_style
    first = book.chapters[1]
    calls = [visit.token for visit in reading_order(first.parsed) if decided(visit.token).note is not None]
    assert [decided(t).note for t in calls] == list(first.notes)
    assert [n.number for n in first.notes] == list(range(1, len(first.notes) + 1))
    # a citation in the text makes a note of its own; one inside a written note does not
    assert {t.type for t in calls} == {"footnote_ref", "citation"}
    in_notes = [v.token for v in reading_order(first.parsed) if v.token.type == "citation" and v.in_note is not None]
    assert in_notes and all(decided(t).note is None for t in in_notes)


def test_each_citation_carries_its_text_for_print_and_screen(minimal: tuple[BookConfig, list[ParsedChapter]]) -> None:
    book = _resolved(*minimal)
    for chapter in book.chapters:
        for token in _in_reading_order(chapter.parsed, "citation"):
            cited = decided(token).citation
            assert cited is not None and cited.printed and cited.screen
            note = decided(token).note
            if note is not None:  # the note made from it prints the same text
                assert note.citation is not None
                assert book.citations[note.citation] == cited


def test_index_marks_and_ranges_carry_their_anchors(minimal: tuple[BookConfig, list[ParsedChapter]]) -> None:
    book = _resolved(*minimal)
    anchors = [
        decided(t).mark_anchor
        for c in book.chapters
        for v in reading_order(c.parsed)
        for t in [v.token]
        if t.type in ("span_open", DIV_OPEN) and decided(t).mark_anchor
    ]
    # one anchor per accepted mark, in reading order; a cross-reference ([]{idx=... see=...}) marks
    # no page, so its mark has no anchor to be found by
    assert anchors == [f"ix{n}" for n in range(1, len(book.marks) + 1)]
    assert [m.anchor for m in book.marks] == [a if m.anchor else None for a, m in zip(anchors, book.marks)]
    assert None in [m.anchor for m in book.marks]
    ends = [
        decided(v.token).range_end
        for c in book.chapters
        for v in reading_order(c.parsed)
        if v.token.type == DIV_CLOSE and decided(v.token).range_end
    ]
    assert ends == [m.end_anchor for m in book.marks if m.end_anchor]
    assert ends  # the book has a ::: {idx=...} range


def test_figures_and_tables_carry_their_numbers(minimal: tuple[BookConfig, list[ParsedChapter]]) -> None:
    book = _resolved(*minimal)
    tokens = [
        t
        for c in book.chapters
        for block in main_tokens(c.parsed.tokens)
        for t in [block, *(block.children or ())]
        if decided(t).float_number is not None
    ]
    numbers = [decided(t).float_number for t in tokens]
    assert [(t.type, n.kind, n.number) for t, n in zip(tokens, numbers) if n] == [
        ("image", "figure", 1),
        ("table_open", "table", 1),
    ]
    assert book.floats["fig-box"] == numbers[0]


def test_an_in_text_style_takes_the_citation_notes_back(minimal: tuple[BookConfig, list[ParsedChapter]]) -> None:
    """Resolved again with an in-text style, the same tokens: no citation calls a note any more,
    and the written notes are numbered again without them."""
    config, chapters = minimal
    _resolved(config, chapters)  # first in the note style: citation tokens called notes
    in_text = dataclasses.replace(config, citations=dataclasses.replace(config.citations, style="apa"))
    book = _resolved(in_text, chapters)
    assert not book.note_style
    first = book.chapters[1]
    assert all(n.footnote is not None for n in first.notes)
    assert [n.number for n in first.notes] == list(range(1, len(first.notes) + 1))
    assert all(decided(t).note is None for t in _in_reading_order(first.parsed, "citation"))
    assert [decided(t).note for t in _in_reading_order(first.parsed, "footnote_ref")] == list(first.notes)


MISTAKES = """
A [bad lang]{lang="xx-!!"} span, a [mark]{idx="A!B!C!D"}, a second call.[^n11] and [^nope] here.

<span id="first">raw</span> and ![](figures/missing.png).
"""


def test_problems_come_in_reading_order_whatever_their_kind(tmp_path: Path) -> None:
    root = tmp_path / "book"
    shutil.copytree(BOOKS / "minimal", root)
    with (root / "manuscript" / "01-first.md").open("a", encoding="utf-8") as stream:
        stream.write(MISTAKES)
    _, problems = resolve(*_load(root))

    def where(problem: Diagnostic) -> str:
        return f"{problem.location}: {problem.code}"

    line = len((BOOKS / "minimal" / "manuscript" / "01-first.md").read_text(encoding="utf-8").splitlines()) + 2
    assert [where(p) for p in problems] == [
        f"manuscript/01-first.md:{line}:14: lang-invalid",  # a span's language before its index mark
        f"manuscript/01-first.md:{line}:48: index-too-deep",
        f"manuscript/01-first.md:{line}:1: footnote-reused",
        f"manuscript/01-first.md:{line}:84: footnote-undefined",
        f"manuscript/01-first.md:{line + 2}:7: duplicate-id",  # the heading's {#first} came first
        f"manuscript/01-first.md:{line + 2}:37: figure-no-alt",
        f"manuscript/01-first.md:{line + 2}:37: missing-file",
    ]
