"""Stage 5: give every heading an id, number the notes, format the citations, collect index marks.

Gather, then resolve: the whole book is walked in reading order before anything is written, and
every problem found is returned with its place, so one run reports all of them.

Resolving is a list of small named passes over one state (``state.py``), run in the order below,
as markdown-it-py runs its core rules; each pass's docstring says what it decides and why. What
a pass decides about one token is kept on that token (``decisions.py``).
"""

from __future__ import annotations

from collections.abc import Sequence

from ..cache import Cache
from ..config import BookConfig
from ..diagnostics import Diagnostic
from ..markdown import ParsedChapter, typeset_plain
from ..markdown.divs import DIV_CLOSE, DIV_OPEN
from . import checks, citations, floats, headings, index_marks, notes
from .decisions import forget
from .model import Heading, Note, ResolvedBook, ResolvedChapter
from .state import BookPass, ChapterPass, ChapterState, ResolveState, TokenRule
from .walk import reading_order

__all__ = ["Heading", "Note", "ResolvedBook", "ResolvedChapter", "resolve"]


def resolve(
    config: BookConfig, chapters: Sequence[ParsedChapter], cache: Cache | None = None
) -> tuple[ResolvedBook | None, tuple[Diagnostic, ...]]:
    """Resolve a book, or a handout: each call cites as if nothing came before it. ``cache``:
    where formatted citations from an earlier build may be found (see ``cache.py``)."""
    state = ResolveState(config, chapters, cache or Cache(None))
    for run in BOOK_PASSES:
        run(state)
        if state.stopped:
            break
    return state.result(), tuple(state.problems)


def forget_earlier(state: ResolveState) -> None:
    """Decisions on the tokens are this run's only (the same chapters may be resolved twice)."""
    for chapter in state.parsed:
        forget(chapter.tokens)


def each_chapter(state: ResolveState) -> None:
    """Every chapter in reading order, each through all the chapter passes before the next: ids
    are handed out, and problems reported, in the order a reader meets them."""
    for index, parsed in enumerate(state.parsed):
        chapter = ChapterState(parsed, index)
        for run in CHAPTER_PASSES:
            run(state, chapter)


def parser_problems(state: ResolveState, chapter: ChapterState) -> None:
    """What the parser accepted but the book must not (markdown/checks.py) comes first."""
    state.problems.extend(chapter.parsed.problems)


def each_token(state: ResolveState, chapter: ChapterState) -> None:
    """The token rules, for each token in reading order (a note's body where its call is: the
    note numbers and the citations' order, first note or "ibid.", depend on it)."""
    for visit in reading_order(chapter.parsed):
        for rule in _RULES_BY_TYPE.get(visit.token.type, ()):
            rule(state, chapter, visit)


def finish_chapter(state: ResolveState, chapter: ChapterState) -> None:
    """The chapter as the later stages see it; its ids are listed with its index (EPUB links
    name the chapter file that holds an id)."""
    for heading in chapter.headings:
        state.anchor_chapter[heading.id] = chapter.index
    for note in chapter.notes:
        state.anchor_chapter[note.id] = state.anchor_chapter[note.ref_id] = chapter.index
    meta, language = chapter.parsed.source.meta, state.config.book.language
    state.chapters.append(
        ResolvedChapter(
            chapter.parsed,
            chapter.index,
            chapter.id,
            chapter.parsed.source.kind,
            chapter.title,
            typeset_plain(str(meta.get("short_title") or chapter.title), language),
            str(meta.get("lang") or language),
            tuple(chapter.headings),
            tuple(chapter.notes),
        )
    )


# The order is part of the result: see each pass's docstring. A token rule is called only for
# the token types listed with it (as markdown-it's renderer picks a rule by token.type): asking
# every rule about every token made resolving a long chapter twice as slow.
TOKEN_RULES: tuple[tuple[TokenRule, tuple[str, ...]], ...] = (
    (checks.languages, ("span_open", DIV_OPEN)),  # before an index mark on the same span or div
    (notes.footnote_calls, ("footnote_ref",)),
    (notes.citation_calls, ("citation",)),
    (notes.undefined_footnotes, ("text",)),
    (headings.raw_html_ids, ("html_inline", "html_block")),
    (checks.images, ("image",)),
    (index_marks.span_marks, ("span_open",)),
    (index_marks.range_marks, (DIV_OPEN, DIV_CLOSE)),
)
_RULES_BY_TYPE = {
    kind: tuple(rule for rule, kinds in TOKEN_RULES if kind in kinds) for _, kinds in TOKEN_RULES for kind in kinds
}

CHAPTER_PASSES: tuple[ChapterPass, ...] = (
    parser_problems,
    headings.headings,  # before the chapter's other ids: a heading keeps the id its text makes
    headings.chapter_title,
    each_token,
    notes.unused_footnotes,
    finish_chapter,
)

BOOK_PASSES: tuple[BookPass, ...] = (
    forget_earlier,
    each_chapter,
    citations.format_citations,  # stops here without a usable bibliography or style
    notes.in_text_notes,
    citations.attach_citations,
    floats.number_floats,
    index_marks.indexes,
)
