"""Both cores for the PDF (issue 12): the book laid out in parts at once and joined must be the
PDF one process lays out: same pages and text (folios, running heads, contents, index), the same
named destinations, links, outline and page labels. Real builds, read back with pdftotext and
pikepdf."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pikepdf
import pytest
from conftest import BOOKS, REPO, build_book


def _texts(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True,
                          text=True).stdout
    return text.split("\f")[:-1]


def _structure(path: Path) -> dict[str, Any]:
    """What a reader's viewer uses besides the page text, with pages as physical indexes."""
    with pikepdf.open(path) as pdf:
        pages = {page.obj.objgen: number for number, page in enumerate(pdf.pages)}

        def where(dest: Any) -> tuple[Any, ...]:
            return (pages.get(dest[0].objgen), *(round(float(v), 2) for v in dest[2:4]))

        names = pdf.Root.Names.Dests.Names
        dests = {str(names[i]): where(names[i + 1]) for i in range(0, len(names), 2)}
        links = sorted((number, tuple(round(float(v), 2) for v in annot.Rect),
                        str(annot.Dest) if "/Dest" in annot else str(annot.A.URI))
                       for number, page in enumerate(pdf.pages) for annot in page.obj.get("/Annots", []))
        outline: list[tuple[int, str, Any]] = []
        with pdf.open_outline() as tree:
            def walk(items: Any, depth: int) -> None:
                for item in items:
                    outline.append((depth, item.title, where(item.destination)))
                    walk(item.children, depth + 1)
            walk(tree.root, 0)
        labels = [page.label for page in pdf.pages]
        boxes = [(tuple(page.mediabox), tuple(page.trimbox)) for page in pdf.pages]
    return {"dests": dests, "links": links, "outline": outline, "labels": labels, "boxes": boxes}


def _pdf(result: Any) -> Path:
    path: Path = next(p for p in result.written if p.suffix == ".pdf" and "imposed" not in p.name)
    return path


@pytest.mark.parametrize("book,variant,jobs", [
    (BOOKS / "minimal", "plain", 2),
    (REPO, "plain", 3),
], ids=["small-book", "default-book-3-parts"])
def test_parts_join_into_the_one_process_pdf(tmp_path: Path, book: Path, variant: str, jobs: int) -> None:
    one = build_book(book, tmp_path / "one", formats=("pdf",), variant=variant, jobs=1, cache=False)
    parts = build_book(book, tmp_path / "parts", formats=("pdf",), variant=variant, jobs=jobs, cache=False)
    assert one.parts == 1 and parts.parts == jobs
    assert not [d for d in parts.diagnostics if d.code.startswith("footnote")]
    one_texts, parts_texts = _texts(_pdf(one)), _texts(_pdf(parts))
    assert len(parts_texts) == len(one_texts)
    for number, (expected, got) in enumerate(zip(one_texts, parts_texts, strict=True), 1):
        assert got == expected, f"page {number} differs"
    expected_structure, got_structure = _structure(_pdf(one)), _structure(_pdf(parts))
    for key, expected_value in expected_structure.items():
        assert got_structure[key] == expected_value, key
    assert got_structure["links"], "the book has internal links to check"
    assert [d.format() for d in parts.diagnostics] == [d.format() for d in one.diagnostics]


def test_parts_are_byte_reproducible(tmp_path: Path) -> None:
    first = build_book(BOOKS / "minimal", tmp_path / "a", formats=("pdf",), variant="plain", jobs=2, cache=False)
    second = build_book(BOOKS / "minimal", tmp_path / "b", formats=("pdf",), variant="plain", jobs=2, cache=False)
    assert first.parts == 2
    assert _pdf(first).read_bytes() == _pdf(second).read_bytes()


@pytest.mark.parametrize("variant", ["accessible", "press"])
def test_what_cannot_be_joined_yet_is_laid_out_in_one_process(tmp_path: Path, variant: str) -> None:
    """The structure tree of a tagged PDF, and the press PDF's output intent and outside crop
    marks, are made for the whole document: these variants fall back to one process."""
    result = build_book(BOOKS / "minimal", tmp_path / "out", formats=("pdf",), variant=variant, jobs=2)
    assert result.parts == 1
    if variant == "accessible":
        with pikepdf.open(_pdf(result)) as pdf:
            assert "/StructTreeRoot" in pdf.Root


def test_an_epub_beside_parts_gets_the_printed_pages_of_the_joined_pdf(tmp_path: Path) -> None:
    build_book(BOOKS / "minimal", tmp_path / "one", formats=("pdf", "epub"), variant="plain", jobs=1)
    parts = build_book(BOOKS / "minimal", tmp_path / "parts", formats=("pdf", "epub"), variant="plain", jobs=2)
    assert parts.parts == 2
    epub = "small-book.epub"
    assert (tmp_path / "one" / epub).read_bytes() == (tmp_path / "parts" / epub).read_bytes()
