"""Where the print edition put everything: what the e-book and web targets may take from a layout.

Kept apart from ``targets/pdf.py`` so that an EPUB or web build can accept a layout without
importing WeasyPrint: this module imports nothing heavy.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from ..index.model import PageRef


@dataclass(frozen=True)
class PageMap:
    """The printed pages of one layout, by physical index (0-based)."""

    labels: tuple[str, ...]  # the folio printed on each physical page ("" on unnumbered pages)
    anchors: Mapping[str, int]  # element id -> physical page it starts on
    body_start: int  # physical index of arabic page 1

    def refs(self, anchors: Iterable[str]) -> dict[str, PageRef]:
        """``{anchor: PageRef}`` for each wanted anchor that was laid out."""
        return {a: PageRef(self.anchors[a] + 1, self.labels[self.anchors[a]]) for a in anchors if a in self.anchors}


def page_refs(layout: PageMap, anchors: Iterable[str]) -> dict[str, PageRef]:
    return layout.refs(anchors)
