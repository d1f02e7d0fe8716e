"""Citations: formatted once the whole book has placed them, then attached to their tokens.

citeproc needs every citation of the book in order (first note in full, later ones short, "ibid."
for the same work twice running), so formatting is a book pass after the chapters; one Pandoc
run formats them for print and for screens, and the result is cached by its inputs.
"""

from __future__ import annotations

import re
from dataclasses import replace

from ..bibliography import format_citations as format_placed
from ..bibliography import load_bibliography, load_style
from ..bibliography.types import FormattedCitations, PlacedCitation
from ..cache import Cache, file_digest
from ..config import BookConfig
from ..diagnostics import Diagnostic, Location, error, has_errors
from .decisions import decide, decided
from .model import CitationHTML
from .state import BookCitations, ResolveState


def format_citations(state: ResolveState) -> None:
    """Format every placed citation and the bibliography; without a usable bibliography or
    style there is nothing more to resolve (the problems say why)."""
    state.citations = _cached_citations(state.config, state.placed, state.problems, state.cache)
    if state.citations is None:
        state.stopped = True


def attach_citations(state: ResolveState) -> None:
    """Each citation token gets its text as formatted, for print and for screens, and the
    author's name that stays in the sentence for an @key citation in a note style."""
    assert state.citations is not None
    for token, html, name in zip(state.citation_tokens, state.citations.html, state.citations.names, strict=True):
        decide(token, replace(decided(token), citation=html, name_in_text=name))


def _cached_citations(
    config: BookConfig, placed: list[PlacedCitation], problems: list[Diagnostic], cache: Cache
) -> BookCitations | None:
    """``_format`` once per distinct input: the citations in order, the settings, and
    the content of the bibliography file and of a ``.csl`` style file inside the book."""
    settings = config.citations
    files = {
        str(path): file_digest(str(path))
        for path in (config.root / settings.bibliography, config.root / settings.style)
        if path.suffix in (".bib", ".csl", ".bibtex")
    }
    key = cache.key("citations", settings, config.book.language, str(config.root), files, placed)
    found = cache.get("citations", key)
    if found is not None:
        cached, reported = found
        problems.extend(reported)
        return cached  # type: ignore[no-any-return]
    diagnostics: list[Diagnostic] = []
    result = _format(config, placed, diagnostics)
    problems.extend(diagnostics)
    cache.put("citations", key, (result, diagnostics), files)
    return result


def _format(config: BookConfig, placed: list[PlacedCitation], problems: list[Diagnostic]) -> BookCitations | None:
    """Format every citation as printed, and for screens, where ibid. is spelled out."""
    settings = config.citations
    bib_path = config.root / settings.bibliography
    wanted = {item.key for p in placed for item in p.citation.items} | set(settings.nocite)
    if not wanted:
        return BookCitations(True, (), (), (), "")
    if not bib_path.is_file():
        first = placed[0].citation.items[0] if placed else None
        missing = error(
            "bib-missing",
            f"the book cites works but the bibliography {settings.bibliography!r} is not a file",
            Location(placed[0].path, first.line, first.col) if first else None,
            "add the BibTeX file, or set [citations] bibliography in book.toml",
        )
        # with no citation in the text (only nocite keys), the settings are where to look
        problems.extend(_at_setting(config, "citations.bibliography", (missing,)))
        return None
    # the wanted keys (cited + nocite) are decoded; handing over only the cited ones left nocite works out
    bib, found = load_bibliography(
        bib_path, settings.bibliography, wanted, nocite=settings.nocite, locale=config.book.language
    )
    problems.extend(found)
    style, found = load_style(settings.style, config.root, config.book.language)
    problems.extend(_at_setting(config, "citations.style", found))
    if style is None or has_errors(found):
        return None
    printed, screen, found = format_placed(bib, style, placed)  # one Pandoc run for both
    # What Pandoc says without a place: a failed run is the style's (a malformed .csl), a warning
    # is about the works it read (the bibliography file); never a message without a file
    problems.extend(_at_setting(config, "citations.style", tuple(d for d in found if d.code == "citeproc-failed")))
    problems.extend(
        replace(d, location=Location(settings.bibliography)) if d.location is None else d
        for d in found
        if d.code != "citeproc-failed"
    )
    if not settings.link:  # Pandoc's link-citations: false
        screen = unlinked(screen)
    # one Pandoc run gives both forms of every citation, in the order placed
    html = tuple(
        CitationHTML(_no_break_locators(p), _no_break_locators(s))
        for p, s in zip(printed.notes, screen.notes, strict=True)
    )
    names = tuple(CitationHTML(_nth(printed.in_text, i), _nth(screen.in_text, i)) for i in range(len(html)))
    bibliography = tuple((entry.key, entry.html) for entry in printed.bibliography)
    title = settings.bibliography_title or printed.bibliography_title
    return BookCitations(style.is_note_style, html, names, bibliography, title)


def _at_setting(config: BookConfig, key: str, found: tuple[Diagnostic, ...]) -> list[Diagnostic]:
    """A problem the citation stage finds with a setting (an unknown style) is shown at the
    setting's line in book.toml (or at its flag), not at the file as a whole."""
    where = config.where(key)
    return [
        replace(d, location=where)
        if d.location is None or (d.location.path.endswith("book.toml") and not d.location.line)
        else d
        for d in found
    ]


_CITE_LINK = re.compile(r'<a class="cite" href="#ref-[^"]*">(.*?)</a>', re.S)


def unlinked(done: FormattedCitations) -> FormattedCitations:
    """Screen citations without their links to the bibliography (``[citations] link = false``,
    Pandoc's ``link-citations: false``)."""
    return replace(
        done,
        notes=tuple(_CITE_LINK.sub(r"\1", n) for n in done.notes),
        in_text=tuple(_CITE_LINK.sub(r"\1", t) for t in done.in_text),
    )


def _nth(names: tuple[str, ...], i: int) -> str:
    """Only an @key citation has a name kept in the sentence; the list may stop before the end."""
    return names[i] if i < len(names) else ""


_LOCATOR = re.compile(r"\b(pp?|chap|sec|vol|no|nos|fig|n|para|pt|col|ch)\. (?=[\dIVXLCivxlc])")


def _no_break_locators(html: str) -> str:
    """ "p. 12", "vol. 3": a no-break space keeps the label with its number (Chicago 10.42)."""
    return _LOCATOR.sub("\\1.\u00a0", html)
