"""Checks that decide nothing but refuse what a build could not honour: a language tag no
reader understands, an image that is missing, outside the book, or without the alt text an
accessible PDF needs."""

from __future__ import annotations

from ..config import language_tag
from ..diagnostics import error
from ..markdown.divs import DIV_OPEN, div_attrs
from .locate import locate
from .resources import check_resource
from .state import ChapterState, ResolveState
from .walk import Visit


def languages(state: ResolveState, chapter: ChapterState, visit: Visit) -> None:
    """``lang=`` on a span or div gets the same check as [book] language and front matter lang."""
    token = visit.token
    lang = (div_attrs(token) if token.type == DIV_OPEN else token.attrs).get("lang")
    wrong = language_tag(lang) if lang is not None else None
    if wrong:
        state.problems.append(
            error("lang-invalid", wrong, locate(chapter.rel, chapter.text, visit.block or token, "lang="))
        )


def images(state: ResolveState, chapter: ChapterState, visit: Visit) -> None:
    """An image is a file inside the book folder (or a small data: image); in the accessible
    variant it must say what it shows."""
    token = visit.token
    config, rel, text = state.config, chapter.rel, chapter.text
    src = token.attrGet("src") or ""
    if config.pdf.variant == "accessible" and not token.attrGet("alt"):
        state.problems.append(
            error(
                "figure-no-alt",
                f"the image '{src}' has no alt text",
                locate(rel, text, visit.block, str(src)),
                'describe it for screen readers: ![Caption](file){alt="..."}',
            )
        )
    _, problem = check_resource(
        str(src), (config.root / rel).parent, config.root, locate(rel, text, visit.block, str(src))
    )
    if problem:
        state.problems.append(problem)
