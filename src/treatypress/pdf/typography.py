"""Checks on the laid-out pages that a reader's eye would catch: lines running into the margin,
headings stranded at the foot of a page, chapters ending on a page of a line or two, and holes
left above a figure or table that did not fit. They read WeasyPrint's page boxes, so they see
exactly what is printed, and cost a walk over the boxes (milliseconds). Each problem names the
manuscript file and line of the block to look at (the print HTML carries them)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import weasyprint
from weasyprint.formatting_structure import boxes

from .pagefit import find_faults
from .pages import page_contents

TOLERANCE = 0.5  # CSS px (0.375 pt): rounding in justified lines is not an overfull line
HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")


@dataclass(frozen=True)
class TypographyProblem:
    kind: str  # "overfull-line", "stranded-heading", "short-page" or "float-gap"
    page: int  # 1-based physical page
    text: str  # the start of the line or the heading
    message: str
    source: str = ""  # the manuscript file of the block to look at ("" when not known)
    line: int = 0  # its line there (0 when not known)


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
            problems.append(
                TypographyProblem(
                    "stranded-heading",
                    number,
                    text,
                    f"heading '{text}' is the last thing on page {number}",
                    *_where(root, last.element),
                )
            )
    for fault in find_faults(page_contents(document, first)):
        text = " ".join("".join(fault.block.element.itertext()).split())[:60]
        problems.append(TypographyProblem(fault.kind, fault.page, text, fault.message, fault.source, fault.block.line))
    return tuple(sorted(problems, key=lambda p: p.page))


def _where(root: Any, element: Any) -> tuple[str, int]:
    """The manuscript file and line of ``element`` on the page under ``root``."""
    source = ""
    for box in _descendants(root):
        found = getattr(box, "element", None)
        if found is not None and found.tag == "section" and found.get("data-source"):
            source = str(found.get("data-source"))
        if found is element:
            break
    return source, int(element.get("data-line") or 0)


def _descendants(box: Any) -> Iterator[Any]:
    yield box
    for child in getattr(box, "children", ()) or ():
        yield from _descendants(child)


def _overfull(
    box: Any, page: int, container: Any = None, source: str = "", line: int = 0
) -> Iterator[TypographyProblem]:
    if isinstance(box, boxes.LineBox) and container is not None:
        # A line box is only as wide as its content; the measure is its block's content width.
        limit = container.content_box_x() + container.width + TOLERANCE
        # An absolutely positioned child (the contents' page number in its gutter) is placed on
        # purpose outside the line; it is not part of the line's text.
        right = max(
            (child.position_x + child.margin_width() for child in box.children if not child.is_absolutely_positioned()),
            default=0,
        )
        if right > limit:
            text = _text(box)[:60]
            yield TypographyProblem(
                "overfull-line",
                page,
                text,
                f"line '{text}' on page {page} runs {(right - limit + TOLERANCE) * 0.75:.1f} pt into the margin",
                source,
                line,
            )
        return
    if isinstance(box, boxes.BlockContainerBox):
        container = box
    element = getattr(box, "element", None)
    if element is not None and "::" not in getattr(box, "element_tag", ""):
        source = str(element.get("data-source") or source)
        line = int(element.get("data-line") or line)
    for child in getattr(box, "children", ()) or ():
        if not isinstance(child, boxes.MarginBox):
            yield from _overfull(child, page, container, source, line)


def _last_block(page_box: Any) -> Any | None:
    """The last in-flow block of the page's body that holds text (not the footnote area)."""
    last = None

    def walk(box: Any) -> None:
        nonlocal last
        for child in getattr(box, "children", ()) or ():
            if isinstance(child, (boxes.MarginBox, boxes.FootnoteAreaBox)) or child.is_floated():
                continue
            if isinstance(child, boxes.BlockBox) and child.element_tag in HEADINGS + (
                "p",
                "li",
                "figure",
                "table",
                "dt",
                "dd",
            ):
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
