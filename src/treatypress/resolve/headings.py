"""Element ids: every heading's, the chapter's own, and those written in raw HTML.

Ids must be unique in the whole book (the web edition is one page): see ``labels.py`` for how
they are made and what a repeated one is.
"""

from __future__ import annotations

import html
import re
from dataclasses import replace
from pathlib import Path

from ..diagnostics import Location, error
from ..markdown import typeset_plain
from .decisions import decide, decided
from .labels import plain_text
from .locate import locate
from .model import Heading
from .state import ChapterState, ResolveState
from .walk import Visit, main_tokens

_RAW_IDS = re.compile(r'\sid="([^"]+)"')  # raw HTML as the sanitiser wrote it (markdown/rawhtml.py)


def headings(state: ResolveState, chapter: ChapterState) -> None:
    """Each heading's id, ``{#id}`` as written or made from its text, before the chapter's
    other ids: the contents and the running heads point at them."""
    rel, text = chapter.rel, chapter.text
    tokens = main_tokens(chapter.parsed.tokens)
    for position, token in enumerate(tokens):
        if token.type != "heading_open":
            continue
        label = plain_text(tokens[position + 1])
        explicit = token.attrGet("id")
        if explicit:
            element_id, problem = state.ids.explicit(str(explicit), locate(rel, text, token, f"#{explicit}"))
            if problem:
                state.problems.append(problem)
        else:
            element_id = state.ids.automatic(label, locate(rel, text, token, "#"))
        decide(token, replace(decided(token), heading_id=element_id))
        chapter.headings.append(Heading(int(token.tag[1]), element_id, label, chapter.index))


def chapter_title(state: ResolveState, chapter: ChapterState) -> None:
    """The chapter's id and title come from its first heading. A chapter without one is an error:
    the contents, the running head and the EPUB's navigation would point at nothing."""
    rel = chapter.rel
    language = state.config.book.language
    if chapter.headings:
        chapter.id, chapter.title = chapter.headings[0].id, chapter.headings[0].text
        return
    first = next((t.map[0] + 1 for t in chapter.parsed.tokens if t.map and t.type != "front_matter"), 0)
    state.problems.append(
        error(
            "chapter-no-heading",
            "the chapter has no heading" if first else "the chapter is empty",
            Location(rel, first, 1 if first else 0),
            "start it with '# Title'; a chapter that should not be in the book belongs out of [contents]",
        )
    )
    chapter.id = state.ids.automatic(Path(rel).stem, Location(rel))
    # front matter titles get the same quotes and dashes as a heading typeset in the text
    chapter.title = typeset_plain(str(chapter.parsed.source.meta.get("title") or Path(rel).stem), language)


def raw_html_ids(state: ResolveState, chapter: ChapterState, visit: Visit) -> None:
    """Ids written in raw HTML are ids too: one that repeats another is an error."""
    token = visit.token
    for raw_id in _RAW_IDS.findall(token.content):
        _, problem = state.ids.explicit(
            html.unescape(raw_id), locate(chapter.rel, chapter.text, visit.block or token, f'id="{raw_id}"')
        )
        if problem:
            state.problems.append(problem)
