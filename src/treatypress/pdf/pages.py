"""What each laid-out page holds, block by block, read from WeasyPrint's page boxes.

The typography checks and the page-fitting pass both need the same facts: which top-level
blocks of which chapter a page holds, how many body lines each has there, how far down the
text reaches, and where in the manuscript each block was written (the print HTML carries
``data-source`` on each chapter and ``data-line`` on each block).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import weasyprint
from weasyprint.formatting_structure import boxes

FLOAT_TAGS = ("figure",)
HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")


@dataclass(frozen=True)
class BlockOnPage:
    """One top-level block of a chapter (a paragraph, heading, figure, table, list …) on a page."""

    element: Any  # the ElementTree element (the same object on every page it spans)
    top: float  # CSS px from the page's top edge
    bottom: float
    lines: int  # line boxes of this block on this page
    continues: bool  # it began on an earlier page
    text: str = ""  # what its lines print on this page, generated content (note calls) left out

    @property
    def tag(self) -> str:
        return str(self.element.tag)

    @property
    def is_float(self) -> bool:
        """A figure or table: a block that is never split and may be moved, like a LaTeX float."""
        return self.tag in FLOAT_TAGS or (self.tag == "div" and "table" in (self.element.get("class") or "").split())

    @property
    def line(self) -> int:
        return int(self.element.get("data-line") or 0)


@dataclass(frozen=True)
class PageContent:
    number: int  # 1-based physical page
    chapter: Any | None  # the <section> element of the chapter the page's body belongs to
    source: str  # the chapter's manuscript file, "" when unknown
    area_top: float  # top of the page area
    area_bottom: float  # bottom of the page area, or top of the footnote area when there are notes
    blocks: tuple[BlockOnPage, ...]

    @property
    def lines(self) -> int:
        return sum(block.lines for block in self.blocks)

    @property
    def text_bottom(self) -> float:
        return max((block.bottom for block in self.blocks), default=self.area_top)


def page_contents(document: weasyprint.Document, first: int = 1) -> tuple[PageContent, ...]:
    """``first``: the physical number of the document's first page (see ``check_typography``)."""
    seen: set[int] = set()
    pages = []
    for number, page in enumerate(document.pages, first):
        pages.append(_content(number, page, seen))
    return tuple(pages)


def _content(number: int, page: weasyprint.Page, seen: set[int]) -> PageContent:
    page_box = page._page_box
    top = page_box.content_box_y()
    bottom = top + page_box.height
    found: dict[int, list[Any]] = {}  # id(element) -> [element, top, bottom, lines, continues]
    sections: list[Any] = []
    for child in page_box.children:
        if isinstance(child, boxes.FootnoteAreaBox):
            if child.children:
                bottom = child.position_y
        elif not isinstance(child, boxes.MarginBox):
            for block, section, line in _lines(child, None, None):
                sections.append(section)
                key = id(block.element)
                if key not in found:
                    found[key] = [block.element, block.position_y, 0.0, 0, key in seen, ""]
                entry = found[key]
                entry[2] = max(entry[2], line.position_y + line.height)
                entry[3] += 1
                entry[5] += "".join(_printed(line)) + "\n"
    seen.update(found)
    blocks = tuple(sorted((BlockOnPage(*entry) for entry in found.values()), key=lambda b: b.top))
    section = sections[0] if sections else None
    source = str(section.get("data-source") or "") if section is not None else ""
    return PageContent(number, section, source, top, bottom, blocks)


def _printed(box: Any) -> Iterator[str]:
    """The text of a line's boxes that comes from the document, not from CSS ``content``."""
    if "::" in getattr(box, "element_tag", ""):
        return
    if isinstance(box, boxes.TextBox):
        yield str(box.text)
    for child in getattr(box, "children", ()) or ():
        if not child.is_floated():
            yield from _printed(child)


def _is_block_wrapper(element: Any) -> bool:
    """A fenced div (an index range, a class such as keep-with-next) is no block of its own:
    its children are the chapter's blocks. A table's wrapper div is the table."""
    return element.tag == "div" and "table" not in (element.get("class") or "").split()


def _lines(box: Any, block: Any, section: Any) -> Iterator[tuple[Any, Any, Any]]:
    """(top-level block box, chapter section element, line box) for every body line."""
    element = getattr(box, "element", None)
    tag = getattr(box, "element_tag", "")
    if isinstance(box, boxes.BlockBox) and element is not None and "::" not in tag:
        if tag == "section":
            section, block = element, None
        elif block is None and section is not None and not _is_block_wrapper(element):
            block = box
    if isinstance(box, boxes.LineBox):
        if block is not None:
            yield block, section, box
        return
    for child in getattr(box, "children", ()) or ():
        if not child.is_floated():  # page footnotes are floats: they are not body lines
            yield from _lines(child, block, section)
