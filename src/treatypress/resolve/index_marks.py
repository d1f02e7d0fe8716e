"""Index marks: ``[text]{.idx}`` spans mark a page, ``::: {idx=...}`` divs a page range.

Each mark gets an anchor (``ix1``, ``ix2`` ... in reading order; a range also ``ix<n>-end``) that
the print layout's pages are read at; the indexes are built once every chapter is resolved.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from itertools import islice

from markdown_it.token import Token

from ..diagnostics import Location
from ..index import IndexDef, build_indexes, is_index_mark, parse_mark
from ..markdown.divs import DIV_CLOSE, DIV_OPEN, div_attrs
from .decisions import decide, decided
from .locate import locate
from .state import ChapterState, ResolveState
from .walk import Visit


def span_marks(state: ResolveState, chapter: ChapterState, visit: Visit) -> None:
    """A bracketed span with ``.idx`` or ``idx=``: its anchor marks the page it lands on."""
    token = visit.token
    attrs = {k: str(v) for k, v in token.attrs.items()}
    if is_index_mark(attrs):
        _mark(state, chapter, token, visit.block, attrs, _span_text(visit), is_range=False)


def range_marks(state: ResolveState, chapter: ChapterState, visit: Visit) -> None:
    """A fenced div with ``idx=`` marks the pages from its start to its end; divs nest, so each
    close is matched with its open."""
    token = visit.token
    if token.type == DIV_OPEN:
        attrs = {k: str(v) for k, v in div_attrs(token).items()}
        anchor = _mark(state, chapter, token, token, attrs, "", is_range=True) if is_index_mark(attrs) else None
        chapter.open_divs.append(anchor)
    elif token.type == DIV_CLOSE and chapter.open_divs:
        anchor = chapter.open_divs.pop()
        if anchor:
            decide(token, replace(decided(token), range_end=f"{anchor}-end"))


def indexes(state: ResolveState) -> None:
    """Collate every mark of the book into the indexes [index] declares."""
    defs = [IndexDef(d.name, d.title) for d in state.config.index.indexes]
    built, found = build_indexes(
        state.marks, state.config.book.language, defs, script_order=state.config.index.script_order
    )
    state.indexes = tuple(built)
    state.problems.extend(found)


def _mark(
    state: ResolveState,
    chapter: ChapterState,
    token: Token,
    block: Token | None,
    attrs: Mapping[str, str],
    text_of_span: str,
    *,
    is_range: bool,
) -> str | None:
    """Record one index mark; its anchor id, or None when the mark was refused."""
    rel = chapter.rel
    anchor = state.ids.reserve(f"ix{len(state.marks) + 1}", Location(rel))
    end_anchor = state.ids.reserve(f"{anchor}-end", Location(rel)) if is_range else None
    needle = str(attrs.get("idx") or text_of_span or "{")
    mark, found = parse_mark(
        attrs, text_of_span, anchor, end_anchor, locate(rel, chapter.text, block, needle), section=chapter.title
    )
    state.problems.extend(found)
    if mark is None:
        return None
    decide(token, replace(decided(token), mark_anchor=anchor))
    state.anchor_chapter[anchor] = chapter.index
    if end_anchor:
        state.anchor_chapter[end_anchor] = chapter.index
    state.marks.append(mark)
    return anchor


def _span_text(visit: Visit) -> str:
    """The plain text inside a bracketed span, for a ``.idx`` mark's heading."""
    children = visit.block.children or [] if visit.block is not None else []
    depth, parts = 0, []
    # from the span's own place: searching for it made a paragraph of many marks quadratic
    for child in islice(children, visit.position + 1, None):
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
