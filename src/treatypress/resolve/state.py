"""The one state the resolve passes share (markdown-it-py's ``StateCore``, for a book).

Three kinds of pass, each a small function with a docstring saying what it decides and why,
listed in ``__init__.py`` in the order they run:

* a book pass, ``(state) -> None``, over the whole book (format the citations, build indexes);
* a chapter pass, ``(state, chapter) -> None``, run for each chapter in reading order;
* a token rule, ``(state, chapter, visit) -> None``, called for each token of a chapter of the
  types listed with it, in reading order (a note's body where its call is).

Chapters are resolved one after the other, each with all its chapter passes, because the order
in which ids are handed out is the order a reader meets them (an automatic heading id steps
round an id an earlier chapter used) and problems are reported in reading order.

The state is mutable while the passes run and read by nothing else: ``result()`` hands the
frozen :class:`ResolvedBook` on.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from markdown_it.token import Token

from ..bibliography.types import PlacedCitation
from ..cache import Cache
from ..config import BookConfig
from ..diagnostics import Diagnostic, has_errors
from ..index import Index, IndexMark
from ..markdown import ParsedChapter
from .labels import IdRegistry
from .model import CitationHTML, FloatNumber, Heading, Note, ResolvedBook, ResolvedChapter
from .walk import Visit


@dataclass(frozen=True)
class BookCitations:
    """Every citation of the book as the style formats it (``citations.py``)."""

    note_style: bool  # the style puts citations in footnotes
    html: tuple[CitationHTML, ...]  # per placed citation
    # per placed citation, the author's name kept in the sentence ("" when none)
    names: tuple[CitationHTML, ...]
    bibliography: tuple[tuple[str, str], ...]  # (key, html) in the style's order
    bibliography_title: str


@dataclass
class ChapterState:
    """One chapter while its passes run."""

    parsed: ParsedChapter
    index: int  # position in reading order
    headings: list[Heading] = field(default_factory=list)  # headings pass
    id: str = ""  # chapter_title pass: the first heading's id, or one made from the file name
    title: str = ""  # chapter_title pass: as typeset
    notes: list[Note] = field(default_factory=list)  # notes rules, in call order
    open_divs: list[str | None] = field(default_factory=list)  # index_marks: each open div's range anchor

    @property
    def rel(self) -> str:
        return self.parsed.source.rel

    @property
    def text(self) -> str:
        return self.parsed.source.text


@dataclass
class ResolveState:
    """The book while the passes run; each field says which pass fills it, if only one does."""

    config: BookConfig
    parsed: Sequence[ParsedChapter]
    cache: Cache
    ids: IdRegistry = field(default_factory=IdRegistry)  # every element id of the book
    problems: list[Diagnostic] = field(default_factory=list)  # in the order found
    chapters: list[ResolvedChapter] = field(default_factory=list)  # done, in reading order
    placed: list[PlacedCitation] = field(default_factory=list)  # every citation in reading order
    citation_tokens: list[Token] = field(default_factory=list)  # their tokens, in the same order
    calls: list[Token] = field(default_factory=list)  # every token that calls a note
    marks: list[IndexMark] = field(default_factory=list)
    anchor_chapter: dict[str, int] = field(default_factory=dict)  # element id -> chapter index
    floats: dict[str, FloatNumber] = field(default_factory=dict)  # element id -> figure/table number
    citations: BookCitations | None = None  # format_citations pass
    indexes: tuple[Index, ...] = ()  # indexes pass
    stopped: bool = False  # a pass found what leaves nothing to resolve further (no bibliography)

    def result(self) -> ResolvedBook | None:
        if self.stopped or self.citations is None or has_errors(self.problems):
            return None
        cites = self.citations
        return ResolvedBook(
            self.config,
            tuple(self.chapters),
            cites.html,
            tuple(self.marks),
            self.indexes,
            cites.bibliography,
            cites.bibliography_title,
            cites.note_style,
            self.anchor_chapter,
            self.floats,
        )


BookPass = Callable[[ResolveState], None]
ChapterPass = Callable[[ResolveState, ChapterState], None]
TokenRule = Callable[[ResolveState, ChapterState, Visit], None]
