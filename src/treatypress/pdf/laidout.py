"""How many pages WeasyPrint laid out: a page laid out again (a repagination, a footnote repair,
a page-fitting pass) counts again. Read from WeasyPrint's ``weasyprint.progress`` logger, which
reports each page it lays out ("Step 5 - Creating layout - Page N"), and pages it reuses as
"(up-to-date)"; the benchmark divides by the pages printed."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator

_LAYOUT = "Step 5 - Creating layout - Page %d"


class PageCount(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.pages = 0

    def emit(self, record: logging.LogRecord) -> None:
        if record.msg == _LAYOUT:
            self.pages += 1


@contextlib.contextmanager
def counting_layouts() -> Iterator[PageCount]:
    """Count the pages laid out inside the block; the logger's state is restored after it."""
    logger = logging.getLogger("weasyprint.progress")
    count = PageCount()
    level, propagate = logger.level, logger.propagate
    logger.addHandler(count)
    logger.setLevel(logging.INFO)
    logger.propagate = False  # the progress messages are counted here, not shown
    try:
        yield count
    finally:
        logger.removeHandler(count)
        logger.setLevel(level)
        logger.propagate = propagate
