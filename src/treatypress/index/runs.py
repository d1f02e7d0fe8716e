"""Locators on pages: several marks on one page give one number, consecutive pages a range.

Both renderers use this, so the EPUB shows exactly the numbers the printed index shows.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from treatypress.index.model import Locator, PageRef


class MissingAnchorError(LookupError):
    """An index anchor has no page: the caller did not lay it out or did not look it up (a bug)."""


@dataclass(frozen=True)
class PageRun:
    """Locators printed as one number or one range."""

    first: PageRef
    last: PageRef
    first_anchor: str  # the first mark on the first page: what the first number links to
    last_anchor: str  # a mark (or passage end) on the last page: what a range's end links to
    others: tuple[str, ...]  # every other marked place in the run, in page then document order

    @property
    def label(self) -> str:
        if self.first.number == self.last.number:
            return self.first.label
        return f"{self.first.label}\u2013{self.last.label}"  # en dash (Chicago 6.78)


def _page(pages: Mapping[str, PageRef], anchor: str, locator: Locator) -> PageRef:
    try:
        return pages[anchor]
    except KeyError:
        raise MissingAnchorError(
            f"index anchor {anchor!r} (marked at {locator.location}) has no page; "
            "lay out every mark's anchor and pass its page (PageMap.refs) here"
        ) from None


def _same_style(a: PageRef, b: PageRef) -> bool:
    # Roman front matter and Arabic body pages are adjacent but never one range ("xii–1").
    return a.label.isdigit() == b.label.isdigit()


def page_runs(locators: Sequence[Locator], pages: Mapping[str, PageRef]) -> tuple[PageRun, ...]:
    """The locators as page runs, sorted by page; raises MissingAnchorError on a missing anchor."""
    spans = []
    for order, loc in enumerate(locators):
        start = _page(pages, loc.anchor, loc)
        end_anchor = loc.end_anchor or loc.anchor
        end = _page(pages, end_anchor, loc) if loc.end_anchor else start
        if end.number < start.number:  # cannot happen in a laid-out document; be safe
            end, end_anchor = start, loc.anchor
        spans.append((start.number, order, start, end, loc.anchor, end_anchor))
    spans.sort(key=lambda s: (s[0], s[1]))

    runs: list[PageRun] = []
    current: list[tuple[int, int, PageRef, PageRef, str, str]] = []
    for span in spans:
        if current:
            last_end = max(current, key=lambda s: s[3].number)[3]
            if span[2].number <= last_end.number + 1 and _same_style(last_end, span[2]):
                current.append(span)
                continue
            runs.append(_run(current))
        current = [span]
    if current:
        runs.append(_run(current))
    return tuple(runs)


def _run(spans: list[tuple[int, int, PageRef, PageRef, str, str]]) -> PageRun:
    first = spans[0]
    last_page = max(s[3].number for s in spans)
    last = next(s for s in spans if s[3].number == last_page)
    last_anchor = last[5]
    used = {first[4], last_anchor}
    others = []
    for s in spans:  # where other marks begin; a passage's end is no place to send a reader
        if s[4] not in used:
            used.add(s[4])
            others.append(s[4])
    return PageRun(first[2], last[3], first[4], last_anchor, tuple(others))
