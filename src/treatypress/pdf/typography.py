"""Checks on the laid-out pages that a reader's eye would catch: lines running into the margin
and headings stranded at the foot of a page. Both read WeasyPrint's page boxes, so they see
exactly what is printed, and cost a walk over the boxes (milliseconds)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import weasyprint
from weasyprint.formatting_structure import boxes

TOLERANCE = 0.5  # CSS px (0.375 pt): rounding in justified lines is not an overfull line
HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")


@dataclass(frozen=True)
class TypographyProblem:
    kind: str  # "overfull-line" or "stranded-heading"
    page: int  # 1-based physical page
    text: str  # the start of the line or the heading
    message: str


def check_typography(document: weasyprint.Document, first: int = 1) -> tuple[TypographyProblem, ...]:
    """``first``: the physical number of the document's first page (a part of a book laid out
    apart starts further on)."""
    problems: list[TypographyProblem] = []
    for number, page in enumerate(document.pages, first):
        root = page._page_box
        problems.extend(_overfull(root, number))
        last = _last_block(root)
        if last is not None and last.element_tag in HEADINGS and last.element_tag != "h1":
            text = _text(last)[:60]
            problems.append(TypographyProblem("stranded-heading", number, text,
                                              f"heading '{text}' is the last thing on page {number}"))
    return tuple(problems)


def _overfull(box: Any, page: int, container: Any = None) -> Iterator[TypographyProblem]:
    if isinstance(box, boxes.LineBox) and container is not None:
        # A line box is only as wide as its content; the measure is its block's content width.
        limit = container.content_box_x() + container.width + TOLERANCE
        # An absolutely positioned child (the contents' page number in its gutter) is placed on
        # purpose outside the line; it is not part of the line's text.
        right = max((child.position_x + child.margin_width() for child in box.children
                     if not child.is_absolutely_positioned()), default=0)
        if right > limit:
            text = _text(box)[:60]
            yield TypographyProblem("overfull-line", page, text, f"line '{text}' on page {page} runs "
                                    f"{(right - limit + TOLERANCE) * 0.75:.1f} pt into the margin")
        return
    if isinstance(box, boxes.BlockContainerBox):
        container = box
    for child in getattr(box, "children", ()) or ():
        if not isinstance(child, boxes.MarginBox):
            yield from _overfull(child, page, container)


def _last_block(page_box: Any) -> Any | None:
    """The last in-flow block of the page's body that holds text (not the footnote area)."""
    last = None

    def walk(box: Any) -> None:
        nonlocal last
        for child in getattr(box, "children", ()) or ():
            if isinstance(child, (boxes.MarginBox, boxes.FootnoteAreaBox)) or child.is_floated():
                continue
            if isinstance(child, boxes.BlockBox) and child.element_tag in HEADINGS + ("p", "li", "figure",
                                                                                     "table", "dt", "dd"):
                if _text(child).strip():
                    last = child
                continue
            if isinstance(child, boxes.ParentBox):
                walk(child)

    walk(page_box)
    return last


def _text(box: Any) -> str:
    if isinstance(box, boxes.TextBox):
        return str(box.text)
    return "".join(_text(child) for child in getattr(box, "children", ()) or ())
