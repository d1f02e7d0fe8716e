"""The values the resolve stage hands to the render stage (frozen).

What resolve decided about one token (a heading's id, the note a call calls, a citation's text,
an index mark's anchor, a figure's number) is on that token (``decisions.py``); what is about the
book as a whole (notes per chapter, indexes, bibliography, which chapter holds an id) is here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ..config import BookConfig
from ..diagnostics import Location
from ..index import Index, IndexMark
from ..markdown import ParsedChapter


@dataclass(frozen=True)
class FloatNumber:
    """A figure's or a table's number, in reading order through the whole book (``floats.py``)."""

    kind: str  # "figure" or "table"
    number: int

    @property
    def caption_label(self) -> str:
        return f"{self.kind.capitalize()} {self.number}."

    def reference(self, word: str = "") -> str:
        """What a reference prints: "figure 3", or the author's own word before the number."""
        return f"{word or self.kind} {self.number}"


@dataclass(frozen=True)
class CitationHTML:
    """A citation as formatted, in both forms: print keeps "ibid."; a screen note pops up alone,
    so there it is spelled out."""

    printed: str
    screen: str

    def for_target(self, target: str) -> str:
        """The form for a target: "print", "epub" or "web"."""
        return self.printed if target == "print" else self.screen


@dataclass(frozen=True)
class Heading:
    level: int  # 1 for the chapter title
    id: str  # unique in the whole book
    text: str  # plain text, for the contents, outline and running heads
    chapter: int  # index of the chapter in reading order


@dataclass(frozen=True)
class Note:
    """A footnote as the reader sees it: written by the author, or made from a citation."""

    chapter: int
    number: int  # restarts at 1 in every chapter
    id: str  # "fn-<chapter id>-<n>", the note body
    ref_id: str  # "fnref-<chapter id>-<n>", the call
    footnote: int | None  # the footnote plugin's id, for a written note
    citation: int | None  # index into ResolvedBook.citations, for a note made from a citation
    location: Location | None = None  # where the call is in the chapter, for messages about the note


def note_location(notes: Mapping[str, Note] | tuple[Note, ...], note_id: str, fallback: str) -> Location:
    """Where the note ``note_id`` is called (a laid-out page's problem is blamed on that line)."""
    found = notes.get(note_id) if isinstance(notes, Mapping) else next((n for n in notes if n.id == note_id), None)
    return found.location if found is not None and found.location is not None else Location(fallback)


@dataclass(frozen=True)
class ResolvedChapter:
    parsed: ParsedChapter
    index: int  # position in reading order
    id: str  # the chapter heading's id, also the chapter file's name in the EPUB
    kind: str  # "front", "body", "back" or "handout"
    title: str
    short_title: str  # for the running head
    lang: str  # the chapter's language (front matter ``lang``) or the book's
    headings: tuple[Heading, ...]
    notes: tuple[Note, ...]  # in call order


@dataclass(frozen=True)
class ResolvedBook:
    config: BookConfig
    chapters: tuple[ResolvedChapter, ...]
    citations: tuple[CitationHTML, ...]  # every citation as formatted, in reading order (Note.citation)
    marks: tuple[IndexMark, ...]
    indexes: tuple[Index, ...]
    bibliography: tuple[tuple[str, str], ...]  # (key, html) in the style's order
    bibliography_title: str
    note_style: bool  # citations become footnotes
    anchor_chapter: Mapping[str, int]  # every element id -> chapter index (for EPUB links)
    floats: Mapping[str, FloatNumber]  # element id of a figure or table -> its number (cross-references)
