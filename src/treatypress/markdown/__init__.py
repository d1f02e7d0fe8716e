"""Stage 3: Markdown to tokens with markdown-it-py, in CommonMark mode plus Pandoc's extensions.

Each syntax is a plugin in its own module (markdown-it-py's habit): footnotes, bracketed spans
and attributes, definition lists, GFM tables come from mdit-py-plugins; heading attributes,
fenced divs, table captions and citations are ours. Block tokens keep ``map`` line numbers of
the whole file (front matter included), so every later message can point at a line.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import icu
from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.attrs import attrs_plugin
from mdit_py_plugins.deflist import deflist_plugin
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.front_matter import front_matter_plugin

from ..diagnostics import Diagnostic, Location, error
from ..manuscript import ChapterSource
from .captions import table_captions_plugin
from .checks import checks_plugin, refusals
from .citations import citations_plugin
from .divs import fenced_divs_plugin
from .headings import heading_attrs_plugin
from .ranges import number_ranges_plugin


@dataclass(frozen=True)
class ParsedChapter:
    """A chapter as markdown-it tokens; what the parser made is read-only from here on (the
    resolve stage adds its decisions in one ``token.meta`` entry: resolve/decisions.py)."""

    source: ChapterSource
    tokens: tuple[Token, ...]
    footnotes: Mapping[int, Mapping[str, Any]]  # the footnote plugin's list: id -> label/count
    unreferenced_footnotes: tuple[str, ...]  # labels defined but never called
    problems: tuple[Diagnostic, ...] = ()  # what the parser accepted but the book must not (checks.py)


@lru_cache(maxsize=8)
def make_parser(language: str) -> MarkdownIt:
    """One parser per book language; quotes follow the language's CLDR delimiters."""
    md = MarkdownIt("commonmark", {"typographer": True, "quotes": _quotes(language)})
    md.enable(["table", "replacements", "smartquotes"])
    md.use(front_matter_plugin)
    md.use(footnote_plugin, inline=True)
    md.use(citations_plugin)
    md.use(attrs_plugin, spans=True)
    md.use(deflist_plugin)
    md.use(fenced_divs_plugin)
    md.use(heading_attrs_plugin)
    md.use(table_captions_plugin)
    md.use(number_ranges_plugin)
    md.use(checks_plugin)
    return md


def _quotes(language: str) -> str:
    data = icu.LocaleData(language.split("-")[0])
    kinds = icu.ULocaleDataDelimiterType
    return "".join(
        data.getDelimiter(k)
        for k in (kinds.QUOTATION_START, kinds.QUOTATION_END, kinds.ALT_QUOTATION_START, kinds.ALT_QUOTATION_END)
    )


def typeset_plain(text: str, language: str) -> str:
    """A plain string (a title from front matter) with the same quotes and dashes as the text."""
    tokens = make_parser(language).parseInline(text)
    return "".join(
        child.content for token in tokens for child in token.children or () if child.type in ("text", "code_inline")
    )


def parse_chapter(source: ChapterSource, language: str) -> ParsedChapter:
    env: dict[str, Any] = {}
    tokens = make_parser(language).parse(source.text, env)
    footnotes = env.get("footnotes", {})
    unused = tuple(label[1:] for label, number in footnotes.get("refs", {}).items() if number < 0)
    lines = source.text.split("\n")
    problems = []
    for refusal in refusals(env):
        line = refusal.line
        if line < 0:  # an inline note's tokens carry no line: the first line that shows the text
            line = next((n for n, text in enumerate(lines) if refusal.needle and refusal.needle in text), -1)
        col = lines[line].find(refusal.needle) + 1 if 0 <= line < len(lines) and refusal.needle else 0
        problems.append(
            error(
                refusal.code,
                refusal.message,
                Location(source.rel, line + 1 if line >= 0 else 0, max(col, 1) if line >= 0 else 0),
                refusal.hint,
            )
        )
    return ParsedChapter(source, tuple(tokens), footnotes.get("list", {}), unused, tuple(problems))
