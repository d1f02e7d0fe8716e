"""The values the bibliography stage takes and returns (frozen, documented where declared)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class CiteItem:
    """One work cited inside a citation group, as Pandoc's citation syntax describes it."""

    key: str  # the citation key, without "@" or braces
    prefix: str = ""  # text before the key, e.g. "see"
    suffix: str = ""  # text after the locator, e.g. ", for the treaty text"
    locator: str = ""  # "67–70"; empty when none
    label: str = "page"  # CSL locator label ("page", "chapter", "section", ...)
    suppress_author: bool = False  # written as -@key
    # everything after the key as written (", S. 3, for the treaty"): in a language other than
    # English, Pandoc reads the locator out of it with that language's terms ("S.", "Kap.")
    written_suffix: str = ""
    line: int = 0  # 1-based file line of the "@"; 0 when unknown
    col: int = 0  # 1-based column of the "@" (code points); 0 when unknown


@dataclass(frozen=True)
class Citation:
    """One citation group: ``[see @a, 3; @b]`` or ``@a [p. 3]``."""

    items: tuple[CiteItem, ...]
    author_in_text: bool  # the bare @key form: the author's name is part of the sentence


@dataclass(frozen=True)
class PlacedCitation:
    """A citation and where it sits in the book, in reading order."""

    citation: Citation
    path: str  # "manuscript/02-talks.md", for diagnostics
    note_number: int  # the footnote number it is (note styles) or sits in
    in_note: bool  # True when written inside a footnote


@dataclass(frozen=True)
class BibEntry:
    """One formatted bibliography entry; link targets use ``id="ref-<key>"``."""

    key: str
    html: str  # inline HTML, escaped, no LaTeX


@dataclass(frozen=True)
class FormattedCitations:
    """Everything the resolve stage needs from the bibliography stage."""

    notes: tuple[str, ...]  # one inline-HTML fragment per PlacedCitation, same order
    bibliography: tuple[BibEntry, ...]  # cited + nocite works, in the style's order
    bibliography_title: str  # "Bibliography" / "References", from the style's locale
    # one per PlacedCitation: for ``@key`` in the text with a note style, the author's name that
    # stays in the sentence (the note then omits it, as in Pandoc); "" for every other citation
    in_text: tuple[str, ...] = ()


@dataclass(frozen=True)
class BibRecord:
    """One decoded .bib entry, as CSL-JSON, with where it was written."""

    key: str
    line: int  # 1-based line of the "@type{" in the .bib file
    csl: dict[str, Any] = field(hash=False)  # CSL-JSON item (id = key); treat as read-only
    # biblatex's ``options = {skipbib}``: cite it, never list it (and no warning when the style
    # would leave it out anyway, e.g. an encyclopedia entry in Chicago)
    skip_bib: bool = False


@dataclass(frozen=True)
class Bibliography:
    """The decoded entries the book wants (cited + nocite), and every key the file has."""

    display_path: str  # "references.bib", for diagnostics
    records: dict[str, BibRecord] = field(hash=False)  # wanted keys only; treat as read-only
    all_keys: tuple[str, ...]  # every key in the file, in file order (for suggestions)
    nocite: tuple[str, ...] = ()  # keys to list in the bibliography though never cited
