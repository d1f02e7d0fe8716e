"""Two things WeasyPrint 70's PDF tagging leaves out, added while the tags are written:

* ``/Lang`` on the structure element of every element with a ``lang`` attribute, so a screen
  reader switches voice for ``[Wilno]{lang=pl}`` (PDF/UA-1, 7.2; WeasyPrint writes only the
  document's ``/Lang``);
* footnote bodies tagged ``/Note`` with an ``/ID``, rather than ``/Span`` (PDF/UA-1, 7.9).

WeasyPrint builds the structure tree in ``weasyprint.pdf.tags._build_box_tree``, a recursive
generator that looks itself up by module name; wrapping it for the duration of ``write_pdf``
decorates every element it yields for a box. Checked against WeasyPrint 70.0 (2026-11); if the
function is missing or has another signature, nothing is patched and the PDF is as WeasyPrint
writes it. Worth proposing upstream as a ``lang`` and ``float: footnote`` case in ``tags.py``.
"""

from __future__ import annotations

import contextlib
import inspect
from collections.abc import Iterator
from typing import Any

import pydyf
from weasyprint.formatting_structure import boxes
from weasyprint.pdf import tags

_EXPECTED = ["box", "parent", "pdf", "page_number", "nums", "annotations", "tags"]
_TRANSPARENT = ("html", "body")


@contextlib.contextmanager
def richer_tags() -> Iterator[bool]:
    original = getattr(tags, "_build_box_tree", None)
    if original is None or list(inspect.signature(original).parameters) != _EXPECTED:
        yield False
        return

    def build(box: Any, parent: Any, *args: Any) -> Iterator[Any]:
        for element in original(box, parent, *args):
            _decorate(box, element)
            yield element

    tags._build_box_tree = build
    try:
        yield True
    finally:
        tags._build_box_tree = original


def _decorate(box: Any, element: Any) -> None:
    html = getattr(box, "element", None)
    if html is None or not isinstance(element, pydyf.Dictionary) or isinstance(box, boxes.PageBox):
        return
    if getattr(box, "element_tag", None) in _TRANSPARENT or element.get("P") is None:
        return
    lang = html.get("lang")
    if lang and "Lang" not in element:
        element["Lang"] = pydyf.String(lang)
    if box.element_tag == "span" and "footnote" in (html.get("class") or "").split():
        element["S"] = "/Note"
        element["ID"] = pydyf.String(html.get("id") or "")
