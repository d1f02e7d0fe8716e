"""The printed book as a reader gets it: contents, footnotes, fonts, outline, labels, metadata."""

from __future__ import annotations

import re
import subprocess
from typing import Any

import pytest
from conftest import Built, page_texts
from pypdf import PdfReader

BOOKS = ["small_book", "default_book"]


def _destination_pages(reader: PdfReader) -> dict[str, int]:
    """Element id -> 0-based page index, from the PDF's named destinations."""
    pages = {page.indirect_reference.idnum: i for i, page in enumerate(reader.pages)}  # type: ignore[union-attr]
    return {name: pages[dest.page.idnum] for name, dest in reader.named_destinations.items()}  # type: ignore[union-attr]


def _contents(texts: list[str]) -> dict[str, str]:
    """Title -> printed page number, read off the contents page."""
    page = next(t for t in texts if t.lstrip().startswith("Contents"))
    entries = {}
    for line in page.splitlines():
        match = re.match(r"\s*(.+?)[\s.]*\.\s[\s.]*([ivxlc]+|\d+)\s*$", line)
        if match:
            entries[match[1].strip()] = match[2]
    return entries


@pytest.mark.parametrize("name", BOOKS)
def test_each_chapter_starts_on_the_page_the_contents_give(name: str, request: pytest.FixtureRequest) -> None:
    built: Built = request.getfixturevalue(name)
    pdf = built.file(".pdf")
    reader = PdfReader(pdf)
    texts = page_texts(pdf)
    contents = _contents(texts)
    labels = reader.page_labels
    chapters = [(title, dest) for title, dest in _chapter_destinations(reader)]
    assert len(contents) >= 3
    for title, dest in chapters:
        if title == "Contents":
            continue
        printed = next(v for k, v in contents.items() if title.startswith(k.rstrip(". ")) or k.startswith(title))
        page = dest  # the outline's destination, as a page index
        assert labels[page] == printed, f"{title}: contents say {printed}, chapter opens on {labels[page]}"
        # the folio printed at the foot of the chapter's opening page is that number too
        assert texts[page].split()[-1] == printed


def _chapter_destinations(reader: PdfReader) -> list[tuple[str, int]]:
    out = []
    for item in reader.outline:
        if isinstance(item, list):
            continue
        page = reader.get_destination_page_number(item)
        assert item.title is not None and page is not None, item
        out.append((item.title, page))
    return out


@pytest.mark.parametrize("name", BOOKS)
def test_every_footnote_is_on_the_page_of_its_call(name: str, request: pytest.FixtureRequest) -> None:
    built: Built = request.getfixturevalue(name)
    reader = PdfReader(built.file(".pdf"))
    destinations = _destination_pages(reader)
    notes = sorted(n for n in destinations if n.startswith("fn-"))
    assert notes, "the book has footnotes"
    texts = page_texts(built.file(".pdf"))
    for note in notes:
        call = destinations[f"fnref-{note[3:]}"]
        assert destinations[note] == call, f"{note}: note on page {destinations[note] + 1}, call on {call + 1}"
        # and the note's number heads a line in the note area of that page
        number = note.rsplit("-", 1)[1]
        assert re.search(rf"^\s*{number}\.\s", texts[call], re.M), f"{note} text not on page {call + 1}"


@pytest.mark.parametrize("name", BOOKS)
def test_every_font_is_embedded(name: str, request: pytest.FixtureRequest) -> None:
    built: Built = request.getfixturevalue(name)
    out = subprocess.run(["pdffonts", str(built.file(".pdf"))], check=True, capture_output=True, text=True).stdout
    rows = out.splitlines()[2:]
    assert rows
    for row in rows:
        assert "Charis" in row
        assert row.split()[-5] == "yes", row  # the "emb" column


def test_page_labels_match_the_printed_folios(small_book: Built) -> None:
    reader = PdfReader(small_book.file(".pdf"))
    labels = reader.page_labels
    texts = page_texts(small_book.file(".pdf"))
    assert labels[0] == "i" and "1" in labels
    assert labels[labels.index("1") - 1].isalpha()  # front matter in roman, body from 1
    for label, text in zip(labels, texts, strict=True):
        words = text.split()
        if words and re.fullmatch(r"[ivxlc]+|\d+", words[-1]):
            assert words[-1] == label


def test_outline_has_chapters_and_sections(small_book: Built) -> None:
    reader = PdfReader(small_book.file(".pdf"))
    titles = [item.title for item in reader.outline if not isinstance(item, list)]
    assert titles[:3] == ["Contents", "Preface", "The First Chapter: Rivers"]
    assert "Bibliography" in titles and "Index" in titles
    nested = [item for item in reader.outline if isinstance(item, list)]
    assert [s.title for s in nested[0]]  # type: ignore[union-attr]  # pypdf: items or nested lists == ["Section 1 of Rivers", "Section 2 of Rivers", "Section 3 of Rivers"]


def test_metadata_and_accessibility(small_book: Built) -> None:
    reader = PdfReader(small_book.file(".pdf"))
    info = reader.metadata
    assert info is not None
    assert info.title == "A Small Test Book: For the treatypress tests"
    assert info.author == "Ada Tester, Ben Checker"
    assert str(info["/Keywords"]) == "test, book"
    assert str(info["/CreationDate"]).startswith("D:20231114221320")  # SOURCE_DATE_EPOCH
    root: Any = reader.trailer["/Root"].get_object()  # a dictionary; pypdf types it as any PdfObject
    assert root["/Lang"] == "en"
    assert root["/MarkInfo"]["/Marked"] == True  # noqa: E712 (a pypdf BooleanObject)
    assert "/StructTreeRoot" in root
    assert root["/ViewerPreferences"]["/DisplayDocTitle"] == True  # noqa: E712


def test_running_heads_and_blank_pages(small_book: Built) -> None:
    texts = page_texts(small_book.file(".pdf"))
    labels = PdfReader(small_book.file(".pdf")).page_labels
    first = labels.index("1")
    for index in range(first, len(texts)):
        lines = [line.strip() for line in texts[index].splitlines() if line.strip()]
        if not lines:
            continue  # a blank page carries neither head nor folio
        if index % 2 == 1 and not lines[0].startswith(("The ", "Bibliography", "Index")):
            assert lines[0] == "A Small Test Book"  # left-hand head: the book's title
    assert any(not t.strip() for t in texts), "a chapter opening on the right leaves a blank page"
