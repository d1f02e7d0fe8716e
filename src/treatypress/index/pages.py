"""Where anchors landed in a WeasyPrint layout: the numbers the printed index uses."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from treatypress.index.model import PageRef


def page_refs_from_document(document: Any, anchors: Iterable[str], labels: Sequence[str]) -> dict[str, PageRef]:
    """``{anchor: PageRef}`` for each wanted anchor found in ``document`` (a WeasyPrint Document).

    ``labels[i]`` is the folio printed on page ``i`` (0-based), e.g. ``"iv"`` or ``"23"``.
    An anchor appears on the first page that has it (WeasyPrint records each id once).
    Anchors not laid out are simply absent; the renderer reports them.
    """
    if len(labels) < len(document.pages):
        raise ValueError(f"{len(document.pages)} pages but only {len(labels)} page labels")
    wanted = set(anchors)
    found: dict[str, PageRef] = {}
    for i, page in enumerate(document.pages):
        for anchor in wanted.intersection(page.anchors):
            found.setdefault(anchor, PageRef(i + 1, labels[i]))
    return found
