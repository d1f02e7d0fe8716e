"""The frozen values the index engine passes around: marks in, indexes out.

Marks come from the Markdown stage (one per bracketed span or fenced div); indexes are
built once per book and rendered twice, for print (with page numbers) and for EPUB/web
(with links).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from treatypress.config import IndexDef as IndexDef  # re-exported: the index layer names it too
from treatypress.diagnostics import Location

Heading = tuple[str, ...]
"""An entry's path: 1 to 3 levels, e.g. ``("Vilnius", "seized by Poland (1919)")``."""


@dataclass(frozen=True)
class IndexMark:
    """One index mark in the manuscript, as the author wrote it (already validated)."""

    index: str  # which index the mark belongs to, e.g. "general", "people"
    heading: Heading  # the entry and its sub-entries, whitespace collapsed, never empty
    sort: tuple[str | None, ...]  # per level: how it files; None = as the heading is spelled
    anchor: str | None  # id of the mark in the document; None for a cross-reference only
    end_anchor: str | None  # id at the end of a marked passage (fenced div); None for a point
    see: tuple[Heading, ...]  # "see" targets; the entry is a pointer to these
    see_also: tuple[Heading, ...]  # "see also" targets
    location: Location  # where the mark is written, for diagnostics
    section: str = ""  # chapter/section label, used as locator label when there is no PDF


# An index the book declares in its settings (name as in ``index=``, and title): the settings'
# own dataclass, so that the schema's defaults and checks are the only ones
DEFAULT_INDEX_DEFS: tuple[IndexDef, ...] = (IndexDef(),)


@dataclass(frozen=True)
class PageRef:
    """Where an anchor landed in the PDF: physical page number (1-based) and printed folio."""

    number: int  # physical page, 1-based; ranges and merging use this
    label: str  # what is printed on that page, e.g. "23" or "iv"


@dataclass(frozen=True)
class Locator:
    """One marked place of an entry, in document order."""

    anchor: str
    end_anchor: str | None  # set for a marked passage
    location: Location
    section: str = ""


@dataclass(frozen=True)
class CrossRef:
    """A "see" or "see also" target, as it should be printed."""

    target: Heading  # the target's shown spelling (the existing entry's, when it exists)
    resolved: bool  # False when no entry has this heading (a warning was reported)


@dataclass(frozen=True)
class IndexEntry:
    """One entry (or sub-entry) of an index, with its locators and cross-references."""

    heading: str  # the spelling shown: the most frequent one, the first one on a tie
    path: Heading  # the full shown path, from the top-level entry down to this one
    locators: tuple[Locator, ...]  # document order
    see: tuple[CrossRef, ...]
    see_also: tuple[CrossRef, ...]
    subentries: tuple[IndexEntry, ...]  # already sorted


class GroupKind(enum.Enum):
    SYMBOLS = "symbols"  # digits and punctuation, first (Chicago)
    LETTER = "letter"  # a letter of the book's language or of another script


@dataclass(frozen=True)
class LetterGroup:
    """Entries filed under one letter-group heading."""

    label: str  # "L", "Č", "М", or the symbols label
    kind: GroupKind
    entries: tuple[IndexEntry, ...]  # sorted


@dataclass(frozen=True)
class Index:
    """One finished index: ready for either renderer."""

    name: str  # e.g. "general"
    title: str  # e.g. "Index"
    language: str  # BCP 47 tag used for collation, e.g. "en", "lt"
    groups: tuple[LetterGroup, ...]
