"""Handouts are resolved with the book (so ``check`` sees their problems), each on its own, by
the same passes (``resolve()`` on a book of one chapter).

A handout cites as if nothing came before it (its first citation of a work is a full note even
if the book cited the work before). It reports what is wrong in it: the bibliography file's own
problems (uncited entries, missing fields) were already reported by the book.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..config import BookConfig, check_value
from ..diagnostics import Diagnostic, Location, error
from ..markdown import ParsedChapter
from .model import ResolvedBook


@dataclass(frozen=True)
class ResolvedHandout:
    book: ResolvedBook  # the handout resolved as a book of one chapter
    paper: str  # "A4" or "Letter": its front matter's, else [handouts] paper


def resolve_handouts(
    config: BookConfig, handouts: Sequence[ParsedChapter]
) -> tuple[tuple[ResolvedHandout, ...], tuple[Diagnostic, ...]]:
    from . import resolve  # the book's resolver, for a book of one chapter

    resolved: list[ResolvedHandout] = []
    problems: list[Diagnostic] = []
    for handout in handouts:
        book, found = resolve(config, [handout])
        problems.extend(_own_problems(found, config.citations.bibliography))
        source = handout.source
        paper = str(source.meta.get("paper") or config.handouts.paper)
        wrong = check_value("handouts.paper", paper)
        if wrong:  # the same check, and the same words, as [handouts] paper and --paper
            line = next((n for n, text in enumerate(source.text.split("\n"), 1) if text.startswith("paper:")), 2)
            problems.append(error("handout-paper", f"paper: {wrong}", Location(source.rel, line, 1)))
        elif book is not None:
            resolved.append(ResolvedHandout(book, paper))
    return tuple(resolved), tuple(problems)


def _own_problems(problems: tuple[Diagnostic, ...], bibliography: str) -> tuple[Diagnostic, ...]:
    # A handout cites few works, so "never cited" says nothing about it; every other problem of
    # the .bib file counts (an entry only a handout cites is decoded only for it): the build
    # drops the ones the book itself reported already, which are the same diagnostics.
    return tuple(p for p in problems if p.code != "bib-uncited")
