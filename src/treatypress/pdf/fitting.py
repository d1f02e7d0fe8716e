"""The print layout loop: lay out with every note on its call's page, then mend the pages.

Footnotes are checked and repaired on each layout (``footnotes.py``); float gaps and short
chapter ends are then mended in the tree (``pagefit.py``) and the book laid out again, as long
as each pass leaves fewer holes. The book laid out whole (``targets/pdf.py``) and each of its
parts laid out apart (``parts.py``) go through this one function, so both get the same pages.
"""

from __future__ import annotations

import logging
from typing import Any

import weasyprint

from .footnotes import FootnoteRender, render_with_footnote_repair
from .pagefit import find_faults, holes, mend
from .pages import page_contents

LOGGER = logging.getLogger("treatypress.pagefit")
FIT_PASSES = 6  # layouts spent at most on mending float gaps and short pages (one fault per chapter a pass)


def fit_pages(
    source: weasyprint.HTML, sheets: list[weasyprint.CSS], expected: list[str], **options: Any
) -> tuple[FootnoteRender, int]:
    """Lay ``source`` out with its notes checked and repaired, then mend float gaps and short
    chapter ends (at most ``FIT_PASSES`` more layouts); the result and the layouts made. The book
    laid out whole and each of its parts (``pdf/parts.py``) go through this same function."""
    result = render_with_footnote_repair(source, sheets, expected=expected, **options)
    layouts = result.layouts
    for _ in range(FIT_PASSES):
        # Float gaps and short chapter ends are mended in the tree, then the book is laid out
        # again: one more layout, only for a book that has such a page.
        pages = page_contents(result.document)
        faults = find_faults(pages)
        done = mend(pages, faults, source.etree_element)
        if not done:
            break
        mended = render_with_footnote_repair(source, sheets, expected=expected, **options)
        layouts += mended.layouts
        if len(mended.problems) > len(result.problems):
            # A mend cost a note its page: take back the mends in that note's chapter, once.
            after = page_contents(mended.document)
            strayed = {after[p.call_page - 1].chapter for p in mended.problems if p.call_page}
            for change in done:
                if change.chapter in strayed or not strayed:
                    change.undo()
            mended = render_with_footnote_repair(source, sheets, expected=expected, **options)
            layouts += mended.layouts
        after = page_contents(mended.document)
        LOGGER.info(
            "page fitting: %d faults, %d mends; after: %d faults, footnote problems %d -> %d",
            len(faults),
            len(done),
            len(find_faults(after)),
            len(result.problems),
            len(mended.problems),
        )
        if len(mended.problems) > len(result.problems) or holes(find_faults(after), after) > holes(faults, pages):
            for change in done:  # the mends made it worse: keep the layout before them
                change.undo()
            break
        result = mended
    return result, layouts
