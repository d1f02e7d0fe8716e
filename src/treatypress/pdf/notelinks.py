"""Links between a footnote's call and its note in the PDF, both ways.

WeasyPrint makes links only from ``<a href>``; a footnote's call and marker are generated
(``::footnote-call``, ``::footnote-marker``), and wrapping the note in a link would nest the
links a note holds (URLs, DOIs). So after layout each call gets a link to its note's anchor and
each note's marker a link back to the call's anchor, added to the page's links exactly as
WeasyPrint records the links it makes (``Page.links``), before the PDF is written.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any


def link_notes(pages: Iterable[Any], back: Mapping[str, str]) -> int:
    """Add call -> note and note -> call links; ``back`` maps a note's id to its call's id.

    Returns how many links were added (two per note that was laid out).
    """
    from weasyprint.formatting_structure.boxes import TextBox

    added = 0
    for page in pages:
        for box in page._page_box.descendants():
            if isinstance(box, TextBox):  # the call's inline box holds the link, as WeasyPrint does
                continue
            tag = box.element_tag or ""
            element = box.element
            ident = str(element.get("id") or "") if element is not None else ""
            if ident not in back:
                continue
            if tag.endswith("::footnote-call"):
                target = ident
            elif tag.endswith("::footnote-marker"):
                target = back[ident]
            else:
                continue
            x, y, width, height = box.hit_area()
            page.links.append(("internal", target, (x, y, x + width, y + height), box))
            added += 1
    return added
