"""The largest book we lay out, and the located error above it (issue 10).

The whole book is laid out in one WeasyPrint pass, whose time and memory grow faster than the
text (``benchmarks/huge_input.py``; the figures are in the README under *Limits*). A 10 MB chapter
took more than ten minutes and 1.8 GB before anything was reported, so a manuscript above
``MAX_MANUSCRIPT_BYTES`` is refused right after it is read, naming its largest chapter and the
figures, instead of running the machine out of memory. ``TREATYPRESS_NO_SIZE_LIMIT=1`` lifts the
limit (the benchmark uses it to measure beyond it).
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from .diagnostics import Diagnostic, Location, error
from .manuscript import ChapterSource

#: UTF-8 bytes of all chapters together (front matter, body and back matter; not handouts).
MAX_MANUSCRIPT_BYTES = 2_000_000


def check_size(chapters: Sequence[ChapterSource]) -> tuple[Diagnostic, ...]:
    sizes = {chapter.rel: len(chapter.text.encode("utf-8")) for chapter in chapters}
    total = sum(sizes.values())
    if total <= MAX_MANUSCRIPT_BYTES or os.environ.get("TREATYPRESS_NO_SIZE_LIMIT") == "1":
        return ()
    largest = max(sizes, key=sizes.__getitem__)
    return (
        error(
            "manuscript-too-large",
            f"the chapters hold {total / 1e6:.1f} MB of text ({largest}: {sizes[largest] / 1e6:.1f} MB); "
            f"treatypress lays out at most {MAX_MANUSCRIPT_BYTES / 1e6:g} MB (about 1,000 A5 pages) in one book",
            Location(largest),
            "split the work into volumes, one book folder each (time and memory grow faster than the "
            "text: see Limits in the README)",
        ),
    )
