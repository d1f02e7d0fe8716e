"""What a build shows while it runs: each stage with its time, pages as WeasyPrint lays them out.

On a terminal the running stage is one line rewritten in place (with the page being laid out,
read from WeasyPrint's own ``weasyprint.progress`` logger); elsewhere (a log, CI) each stage is a
plain line once it is done; ``--quiet`` shows nothing. Problems never go through here: they are
printed by the CLI on their own, so progress output cannot bury them.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Protocol, TextIO, runtime_checkable


@runtime_checkable
class Progress(Protocol):
    """Told by the build when each named stage starts and finishes."""

    def start(self, stage: str) -> None: ...

    def finish(self, stage: str, seconds: float) -> None: ...


class Stages:
    """Times each named stage and tells the progress display (WeasyPrint's "Step N" habit).

    ``build()`` and the targets name their own stages through the one instance a build makes."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.timings: dict[str, float] = {}

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        self.progress.start(name)
        start = time.perf_counter()
        try:
            yield
        finally:
            seconds = time.perf_counter() - start
            self.timings[name] = self.timings.get(name, 0.0) + seconds
            self.progress.finish(name, seconds)


class Started:
    """A plain callable told each stage's name as it starts (the library's older interface)."""

    def __init__(self, callback: Callable[[str], object]) -> None:
        self.callback = callback

    def start(self, stage: str) -> None:
        self.callback(stage)

    def finish(self, stage: str, seconds: float) -> None:
        pass


def as_progress(progress: Progress | Callable[[str], object]) -> Progress:
    return progress if isinstance(progress, Progress) else Started(progress)


class Silent:
    """``--quiet``, tests and the library: nothing is shown."""

    def start(self, stage: str) -> None:
        pass

    def finish(self, stage: str, seconds: float) -> None:
        pass


class StageLines:
    """One line per finished stage (``  layout    3.07 s``); live page counts on a terminal."""

    # WeasyPrint logs every page it lays out; a terminal redraw faster than this is only flicker
    REDRAW = 0.1

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.live = stream.isatty()
        self._stage = ""
        self._drawn = 0.0
        self._handler = _PageHandler(self._page) if self.live else None
        self._level = logging.NOTSET

    def start(self, stage: str) -> None:
        self._stage = stage
        if not self.live:  # a log says what is running too: a stage that hangs is named
            self.stream.write(f"  {stage}\n")
            self.stream.flush()
        else:
            self._draw(f"  {stage} …")
            if self._handler is not None:
                self._level = _LOGGER.level
                _LOGGER.addHandler(self._handler)
                _LOGGER.setLevel(logging.INFO)  # WeasyPrint's page records are INFO

    def finish(self, stage: str, seconds: float) -> None:
        if self._handler is not None:
            _LOGGER.removeHandler(self._handler)
            _LOGGER.setLevel(self._level)
        line = f"  {stage:<11} {seconds:6.2f} s"
        if self.live:
            self._draw(line)
            self.stream.write("\n")
        else:
            self.stream.write(line + "\n")
        self.stream.flush()

    def _page(self, page: int) -> None:
        now = time.monotonic()
        if now - self._drawn >= self.REDRAW:
            self._drawn = now
            self._draw(f"  {self._stage} … page {page}")

    def _draw(self, text: str) -> None:
        # \r and an erase-to-end-of-line: the line is rewritten, never scrolled
        self.stream.write(f"\r\x1b[K{text}")
        self.stream.flush()


_LOGGER = logging.getLogger("weasyprint.progress")


class _PageHandler(logging.Handler):
    """Turns WeasyPrint's "Step 5 - Creating layout - Page N" records into a page number."""

    def __init__(self, on_page: PageCallback) -> None:
        super().__init__(logging.INFO)
        self.on_page = on_page

    def emit(self, record: logging.LogRecord) -> None:
        if "Creating layout - Page" in str(record.msg) and record.args:
            args = record.args if isinstance(record.args, tuple) else (record.args,)
            if isinstance(args[0], int):
                self.on_page(args[0])


class PageCallback(Protocol):
    def __call__(self, page: int) -> None: ...


def plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"
