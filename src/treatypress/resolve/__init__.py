"""Stage 5: give every heading an id, number the notes, format the citations, collect index marks.

Gather, then resolve: the whole book is walked in reading order before anything is written, and
every problem found is returned with its place, so one run reports all of them.
"""

from __future__ import annotations

import html as html_lib
import re
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from markdown_it.token import Token

from ..bibliography import format_citations, load_bibliography, load_style
from ..bibliography.types import FormattedCitations, PlacedCitation
from ..cache import Cache, file_digest
from ..config import BookConfig, language_tag
from ..diagnostics import Diagnostic, Location, error, has_errors
from ..index import IndexDef, IndexMark, build_indexes, is_index_mark, parse_mark
from ..markdown import ParsedChapter, typeset_plain
from ..markdown.divs import DIV_CLOSE, DIV_OPEN, div_attrs
from .labels import IdRegistry, plain_text
from .locate import locate
from .model import Heading, Note, ResolvedBook, ResolvedChapter
from .resources import check_resource
from .walk import Visit, main_tokens, reading_order

_RAW_IDS = re.compile(r'\sid="([^"]+)"')  # raw HTML as the sanitiser wrote it (markdown/rawhtml.py)

__all__ = ["Heading", "Note", "ResolvedBook", "ResolvedChapter", "resolve"]


def resolve(config: BookConfig, chapters: Sequence[ParsedChapter], cache: Cache | None = None
            ) -> tuple[ResolvedBook | None, tuple[Diagnostic, ...]]:
    """Resolve a book, or a handout: each call cites as if nothing came before it. ``cache``:
    where formatted citations from an earlier build may be found (see ``cache.py``)."""
    problems: list[Diagnostic] = []
    ids = IdRegistry()
    heading_ids: dict[int, str] = {}
    note_calls: dict[int, Note] = {}
    mark_anchors: dict[int, str] = {}
    marks: list[IndexMark] = []
    placed: list[PlacedCitation] = []
    cite_tokens: list[Token] = []
    anchor_chapter: dict[str, int] = {}
    resolved: list[ResolvedChapter] = []
    for index, chapter in enumerate(chapters):
        rel, text = chapter.source.rel, chapter.source.text
        problems.extend(chapter.problems)
        headings = _headings(chapter, index, ids, heading_ids, problems)
        if not headings:
            # The contents, the running head and the EPUB's navigation all point at the
            # chapter's heading; a chapter without one would get a link to nowhere.
            first = next((t.map[0] + 1 for t in chapter.tokens if t.map and t.type != "front_matter"), 0)
            problems.append(error("chapter-no-heading", "the chapter has no heading" if first else
                                  "the chapter is empty", Location(rel, first, 1 if first else 0),
                                  "start it with '# Title'; a chapter that should not be in the book belongs "
                                  "out of [contents]"))
        chapter_id = headings[0].id if headings else ids.automatic(Path(rel).stem, Location(rel))
        # The heading as typeset wins; front matter titles get the same quotes and dashes.
        language = config.book.language
        title = headings[0].text if headings else typeset_plain(str(chapter.source.meta.get("title") or
                                                                    Path(rel).stem), language)
        notes: list[Note] = []
        div_stack: list[str | None] = []  # anchor of each open fenced div that is an index range
        for visit in reading_order(chapter):
            token = visit.token
            if token.type in ("span_open", DIV_OPEN):
                lang = (div_attrs(token) if token.type == DIV_OPEN else token.attrs).get("lang")
                wrong = language_tag(lang) if lang is not None else None
                if wrong:  # the same check as [book] language and a chapter's front matter lang
                    problems.append(error("lang-invalid", wrong, locate(rel, text, visit.block or token, "lang=")))
            if token.type == "footnote_ref":
                if token.meta.get("subId", 0) > 0:
                    called = f"[^{token.meta.get('label')}]"
                    problems.append(error("footnote-reused", f"footnote {called} is called twice",
                                          locate(rel, text, visit.block, called, token.meta.get("subId", 0)),
                                          "a note is printed once; write a second note or refer to it in words"))
                    continue
                label = token.meta.get("label")
                note = _note(chapter_id, index, len(notes) + 1, token.meta["id"], None, ids, rel,
                             locate(rel, text, visit.block, f"[^{label}]" if label else "^["))
                notes.append(note)
                note_calls[id(token)] = note
            elif token.type == "citation":
                cite_tokens.append(token)
                in_note = visit.in_note is not None
                number = len(notes) if in_note else len(notes) + 1
                placed.append(PlacedCitation(token.meta["citation"], rel, _global_number(resolved, number), in_note))
                if not in_note:
                    first_item = token.meta["citation"].items[0]
                    note = _note(chapter_id, index, number, None, len(placed) - 1, ids, rel,
                                 Location(rel, first_item.line or 0, first_item.col or 0))
                    notes.append(note)
                    note_calls[id(token)] = note
            elif token.type == "text" and "[^" in token.content:
                label = token.content[token.content.index("[^"):].split("]")[0] + "]"
                problems.append(error("footnote-undefined", f"footnote {label} has no definition",
                                      locate(rel, text, visit.block, label),
                                      f"add a line '{label}: the note text' after the paragraph"))
            elif token.type in ("html_inline", "html_block"):
                for raw_id in _RAW_IDS.findall(token.content):  # ids written in raw HTML are ids too
                    _, problem = ids.explicit(html_lib.unescape(raw_id),
                                              locate(rel, text, visit.block or token, f'id="{raw_id}"'))
                    if problem:
                        problems.append(problem)
            elif token.type == "image":
                src = token.attrGet("src") or ""
                if config.pdf.variant == "accessible" and not token.attrGet("alt"):
                    problems.append(error("figure-no-alt", f"the image '{src}' has no alt text",
                                          locate(rel, text, visit.block, str(src)),
                                          'describe it for screen readers: ![Caption](file){alt="..."}'))
                _, problem = check_resource(str(src), (config.root / rel).parent, config.root,
                                            locate(rel, text, visit.block, str(src)))
                if problem:
                    problems.append(problem)
            elif token.type == "span_open" and is_index_mark({k: str(v) for k, v in token.attrs.items()}):
                _mark(token, visit.block, _span_text(visit), False, rel, text, index, ids, mark_anchors,
                      marks, anchor_chapter, problems, section=title)
            elif token.type == DIV_OPEN:
                attrs = div_attrs(token)
                anchor = None
                if is_index_mark({k: str(v) for k, v in attrs.items()}):
                    anchor = _mark(token, token, "", True, rel, text, index, ids, mark_anchors, marks,
                                   anchor_chapter, problems, attrs=attrs, section=title)
                div_stack.append(anchor)
            elif token.type == DIV_CLOSE and div_stack:
                anchor = div_stack.pop()
                if anchor:
                    mark_anchors[id(token)] = f"{anchor}-end"
        problems.extend(_unreferenced_notes(chapter, rel, text))
        for heading in headings:
            anchor_chapter[heading.id] = index
        for note in notes:
            anchor_chapter[note.id] = anchor_chapter[note.ref_id] = index
        resolved.append(ResolvedChapter(chapter, index, chapter_id, chapter.source.kind, title,
                                        typeset_plain(str(chapter.source.meta.get("short_title") or title),
                                                      language),
                                        str(chapter.source.meta.get("lang") or config.book.language),
                                        tuple(headings), tuple(notes)))

    cites = _cached_citations(config, placed, problems, cache or Cache(None))
    if cites is None:
        return None, tuple(problems)
    note_style, html, in_text, bibliography, bib_title = cites
    if not note_style:  # in-text style: citations stay in the sentence, notes are renumbered
        resolved, note_calls = _drop_citation_notes(resolved, note_calls)
    citation_html = {target: {id(tok): html[target][i] for i, tok in enumerate(cite_tokens)} for target in html}
    citation_in_text = {target: {id(tok): in_text[target][i] for i, tok in enumerate(cite_tokens)
                                 if i < len(in_text[target]) and in_text[target][i]} for target in in_text}
    defs = [IndexDef(d.name, d.title) for d in config.index.indexes]
    indexes, found = build_indexes(marks, config.book.language, defs, script_order=config.index.script_order)
    problems.extend(found)
    if has_errors(problems):
        return None, tuple(problems)
    return ResolvedBook(config, tuple(resolved), heading_ids, note_calls, citation_html,
                        {t: tuple(h) for t, h in html.items()}, citation_in_text, mark_anchors, tuple(marks),
                        tuple(indexes), bibliography, bib_title, note_style, anchor_chapter), tuple(problems)


def _global_number(done: list[ResolvedChapter], number: int) -> int:
    """citeproc counts notes through the whole book, for 'ibid.' and back-references."""
    return sum(len(c.notes) for c in done) + number


def _note(chapter_id: str, chapter: int, number: int, footnote: int | None, citation: int | None,
          ids: IdRegistry, rel: str, where: Location) -> Note:
    note_id = ids.reserve(f"fn-{chapter_id}-{number}", Location(rel))
    ref_id = ids.reserve(f"fnref-{chapter_id}-{number}", Location(rel))
    return Note(chapter, number, note_id, ref_id, footnote, citation, where)


def _headings(chapter: ParsedChapter, index: int, ids: IdRegistry, heading_ids: dict[int, str],
              problems: list[Diagnostic]) -> list[Heading]:
    rel, text = chapter.source.rel, chapter.source.text
    tokens = main_tokens(chapter.tokens)
    found: list[Heading] = []
    for position, token in enumerate(tokens):
        if token.type != "heading_open":
            continue
        inline = tokens[position + 1]
        label = plain_text(inline)
        where = locate(rel, text, token, "#")
        explicit = token.attrGet("id")
        if explicit:
            element_id, problem = ids.explicit(str(explicit), locate(rel, text, token, f"#{explicit}"))
            if problem:
                problems.append(problem)
        else:
            element_id = ids.automatic(label, where)
        heading_ids[id(token)] = element_id
        found.append(Heading(int(token.tag[1]), element_id, label, index))
    return found


def _span_text(visit: Visit) -> str:
    """The plain text inside a bracketed span, for a ``.idx`` mark's heading."""
    token, block = visit.token, visit.block
    children = block.children or [] if block is not None else []
    # Tokens compare equal by value, so two identical spans would be confused: find by identity.
    start = next(i for i, child in enumerate(children) if child is token)
    depth, parts = 0, []
    for child in children[start + 1:]:
        if child.type == "span_open":
            depth += 1
        elif child.type == "span_close":
            if depth == 0:
                break
            depth -= 1
        elif child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
    return "".join(parts)


def _mark(token: Token, block: Token | None, text_of_span: str, is_range: bool, rel: str, text: str,
          chapter: int, ids: IdRegistry, mark_anchors: dict[int, str], marks: list[IndexMark],
          anchor_chapter: dict[str, int], problems: list[Diagnostic], attrs: dict[str, object] | None = None,
          section: str = "") -> str | None:
    """Record one index mark; returns its anchor id, or None when the mark was refused."""
    attrs = attrs if attrs is not None else dict(token.attrs)
    anchor = ids.reserve(f"ix{len(marks) + 1}", Location(rel))
    end_anchor = ids.reserve(f"{anchor}-end", Location(rel)) if is_range else None
    needle = str(attrs.get("idx") or text_of_span or "{")
    mark, found = parse_mark({k: str(v) for k, v in attrs.items()}, text_of_span, anchor, end_anchor,
                             locate(rel, text, block, needle), section=section)
    problems.extend(found)
    if mark is None:
        return None
    mark_anchors[id(token)] = anchor
    anchor_chapter[anchor] = chapter
    if end_anchor:
        anchor_chapter[end_anchor] = chapter
    marks.append(mark)
    return anchor


def _unreferenced_notes(chapter: ParsedChapter, rel: str, text: str) -> list[Diagnostic]:
    problems = []
    for label in chapter.unreferenced_footnotes:
        where = Location(rel)
        for number, line in enumerate(text.splitlines(), 1):
            if line.startswith(f"[^{label}]:"):
                where = Location(rel, number, 1)
        problems.append(error("footnote-unused", f"footnote [^{label}] is defined but never called", where,
                              f"call it with [^{label}] in the text, or delete the definition"))
    return problems


def _cached_citations(config: BookConfig, placed: list[PlacedCitation], problems: list[Diagnostic], cache: Cache
                      ) -> tuple[bool, dict[str, list[str]], dict[str, list[str]], tuple[tuple[str, str], ...],
                                 str] | None:
    """``_format_citations`` once per distinct input: the citations in order, the settings, and
    the content of the bibliography file and of a ``.csl`` style file inside the book."""
    settings = config.citations
    files = {str(path): file_digest(str(path)) for path in (config.root / settings.bibliography,
                                                             config.root / settings.style)
             if path.suffix in (".bib", ".csl", ".bibtex")}
    key = cache.key("citations", settings, config.book.language, str(config.root), files, placed)
    found = cache.get("citations", key)
    if found is not None:
        cached, reported = found
        problems.extend(reported)
        return cached  # type: ignore[no-any-return]
    diagnostics: list[Diagnostic] = []
    result = _format_citations(config, placed, diagnostics)
    problems.extend(diagnostics)
    cache.put("citations", key, (result, diagnostics), files)
    return result


def _format_citations(config: BookConfig, placed: list[PlacedCitation], problems: list[Diagnostic]
                      ) -> tuple[bool, dict[str, list[str]], dict[str, list[str]], tuple[tuple[str, str], ...],
                                 str] | None:
    """Format every citation as printed, and for screens, where ibid. is spelled out."""
    settings = config.citations
    bib_path = config.root / settings.bibliography
    wanted = {item.key for p in placed for item in p.citation.items} | set(settings.nocite)
    if not wanted:
        return True, {"print": [], "screen": []}, {"print": [], "screen": []}, (), ""
    if not bib_path.is_file():
        first = placed[0].citation.items[0] if placed else None
        missing = error("bib-missing", f"the book cites works but the bibliography {settings.bibliography!r} "
                        "is not a file", Location(placed[0].path, first.line, first.col) if first else None,
                        "add the BibTeX file, or set [citations] bibliography in book.toml")
        # with no citation in the text (only nocite keys), the settings are where to look
        problems.extend(_at_setting(config, "citations.bibliography", (missing,)))
        return None
    # the wanted keys (cited + nocite) are decoded; handing over only the cited ones left nocite works out
    bib, found = load_bibliography(bib_path, settings.bibliography, wanted, nocite=settings.nocite,
                                   locale=config.book.language)
    problems.extend(found)
    style, found = load_style(settings.style, config.root, config.book.language)
    problems.extend(_at_setting(config, "citations.style", found))
    if style is None or has_errors(found):
        return None
    printed, screen, found = format_citations(bib, style, placed)  # one Pandoc run for both
    # What Pandoc says without a place: a failed run is the style's (a malformed .csl), a warning
    # is about the works it read (the bibliography file); never a message without a file
    problems.extend(_at_setting(config, "citations.style", tuple(d for d in found if d.code == "citeproc-failed")))
    problems.extend(replace(d, location=Location(settings.bibliography)) if d.location is None else d
                    for d in found if d.code != "citeproc-failed")
    if not settings.link:  # Pandoc's link-citations: false
        screen = unlinked(screen)
    html = {target: [_no_break_locators(note) for note in done.notes]
            for target, done in (("print", printed), ("screen", screen))}
    in_text = {"print": list(printed.in_text), "screen": list(screen.in_text)}
    bibliography = tuple((entry.key, entry.html) for entry in printed.bibliography)
    title = settings.bibliography_title or printed.bibliography_title
    return style.is_note_style, html, in_text, bibliography, title


def _at_setting(config: BookConfig, key: str, found: tuple[Diagnostic, ...]) -> list[Diagnostic]:
    """A problem the citation stage finds with a setting (an unknown style) is shown at the
    setting's line in book.toml (or at its flag), not at the file as a whole."""
    where = config.where(key)
    return [replace(d, location=where) if d.location is None or (d.location.path.endswith("book.toml")
                                                                 and not d.location.line) else d for d in found]


_CITE_LINK = re.compile(r'<a class="cite" href="#ref-[^"]*">(.*?)</a>', re.S)


def unlinked(done: FormattedCitations) -> FormattedCitations:
    """Screen citations without their links to the bibliography (``[citations] link = false``,
    Pandoc's ``link-citations: false``)."""
    return replace(done, notes=tuple(_CITE_LINK.sub(r"\1", n) for n in done.notes),
                   in_text=tuple(_CITE_LINK.sub(r"\1", t) for t in done.in_text))


_LOCATOR = re.compile(r"\b(pp?|chap|sec|vol|no|nos|fig|n|para|pt|col|ch)\. (?=[\dIVXLCivxlc])")


def _no_break_locators(html: str) -> str:
    """"p. 12", "vol. 3": a no-break space keeps the label with its number (Chicago 10.42)."""
    return _LOCATOR.sub("\\1.\u00a0", html)


def _drop_citation_notes(chapters: list[ResolvedChapter], calls: dict[int, Note]
                         ) -> tuple[list[ResolvedChapter], dict[int, Note]]:
    renumbered: dict[tuple[int, int], Note] = {}
    out = []
    for chapter in chapters:
        kept: list[Note] = []
        for note in chapter.notes:
            if note.footnote is None:
                continue
            number = len(kept) + 1
            new = replace(note, number=number, id=f"fn-{chapter.id}-{number}", ref_id=f"fnref-{chapter.id}-{number}")
            renumbered[(chapter.index, note.number)] = new
            kept.append(new)
        out.append(replace(chapter, notes=tuple(kept)))
    new_calls = {key: renumbered[(n.chapter, n.number)] for key, n in calls.items() if n.footnote is not None}
    return out, new_calls
