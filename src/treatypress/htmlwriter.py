"""Tokens to HTML for one target, using the resolve stage's decisions.

The three targets differ only in a few places, all here: how a note is written (a float in
print, a noteref and an ``aside`` on screens), which attributes an element may carry (EPUB is
XHTML and checked by EPUBCheck), and where images live.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any

from markdown_it.common.utils import escapeHtml
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token

from .markdown.divs import DIV_CLOSE, DIV_OPEN, div_attrs
from .resolve import Note, ResolvedBook, ResolvedChapter
from .resolve.decisions import decided
from .resolve.floats import figure_image
from .resolve.walk import footnote_bodies, main_tokens

TARGETS = ("print", "epub", "web")
_PUNCTUATION = re.compile(r"[.,;:!?]+")
# Attributes that mean something in HTML; index and other tool attributes are not written.
_KEPT = ("id", "class", "lang", "dir", "title")


@dataclass(frozen=True)
class WriterContext:
    book: ResolvedBook
    target: str  # "print", "epub" or "web"
    asset_url: Callable[[Path], str]  # a file in the book folder -> its URL in this target
    href: Callable[[str], str]  # an element id -> a link to it in this target


class _Renderer(RendererHTML):
    def __init__(self, context: WriterContext, chapter: ResolvedChapter) -> None:
        super().__init__()
        self.ctx = context
        self.chapter = chapter
        self.bodies = footnote_bodies(chapter.parsed.tokens)
        for name in (
            "heading_open",
            "footnote_ref",
            "citation",
            "span_open",
            "span_close",
            "image",
            "paragraph_open",
            "paragraph_close",
            "table_open",
            "table_close",
            "softbreak",
            "link_open",
            "text",
            DIV_OPEN,
            DIV_CLOSE,
        ):
            self.rules[name] = getattr(self, "_" + name.replace("container_", ""))

    # --- inline runs ----------------------------------------------------------------------
    def renderInline(self, tokens: Sequence[Token], options: Any, env: Any) -> str:
        """Pandoc's rule for note citations: the call swallows the space before it and goes after
        the punctuation that follows ("recognised [@a]." -> "recognised.¹")."""
        out: list[str] = []
        moved: dict[int, int] = {}  # position of a text token -> how much punctuation went before the call
        env["after_call"] = False
        for position, token in enumerate(tokens):
            author_in_text = token.type == "citation" and token.meta["citation"].author_in_text
            if token.type == "citation" and decided(token).note is not None and not author_in_text:
                out = ["".join(out).rstrip()]
                following = tokens[position + 1] if position + 1 < len(tokens) else None
                if following is not None and following.type == "text":
                    punctuation = _PUNCTUATION.match(following.content)
                    if punctuation:
                        out.append(escape(punctuation.group(), quote=False))
                        moved[position + 1] = punctuation.end()
            if position in moved:
                rest = token.content[moved[position] :]
                out.append(escape(rest, quote=False))
                if not rest:
                    continue  # the punctuation went before the call: the next call still follows it
            elif token.type in self.rules:
                out.append(self.rules[token.type](tokens, position, options, env))
            else:
                out.append(self.renderToken(tokens, position, options, env))
            # Two calls side by side would read as one number ("34"): the second gets a comma.
            env["after_call"] = decided(token).note is not None
        return "".join(out)

    def _softbreak(self, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
        # A newline beside a floated note became a forced line break in WeasyPrint 70's print
        # layout (seen 2026-11 in the booklet); a space is what a soft break means anyway.
        return " "

    # --- headings, spans, divs -------------------------------------------------------------
    def _heading_open(self, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
        token = tokens[idx]
        element_id = decided(token).heading_id
        return f"<{token.tag}{self._attrs(token.attrs, element_id)}{self._line(token)}>"

    def _line(self, token: Token) -> str:
        """In print, a block says where it was written, so a warning about the page it landed
        on can name the manuscript line (pdf/typography.py)."""
        if self.ctx.target != "print" or not token.map:
            return ""
        return f' data-line="{token.map[0] + 1}"'

    def _span_open(self, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
        token = tokens[idx]
        anchor = decided(token).mark_anchor
        attrs = dict(token.attrs)
        if anchor and "id" in attrs:  # the span keeps its own id; the mark gets an empty anchor
            return f'<span id="{anchor}"></span><span{self._attrs(attrs)}>'
        return f"<span{self._attrs(attrs, anchor)}>"

    def _span_close(self, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
        return "</span>"

    def _div_open(self, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
        token = tokens[idx]
        return f"<div{self._attrs(div_attrs(token), decided(token).mark_anchor)}>\n"

    def _div_close(self, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
        end = decided(tokens[idx]).range_end
        return (f'<span class="range-end" id="{end}"></span>' if end else "") + "</div>\n"

    def _attrs(self, attrs: dict[str, Any], element_id: str = "") -> str:
        out: dict[str, str] = {}
        if element_id:
            out["id"] = element_id
        for key in _KEPT:
            if key in attrs and key not in out:
                value = str(attrs[key])
                if key == "class":
                    value = " ".join(c for c in value.split() if c != "idx")
                if value:
                    out[key] = value
        if self.ctx.target == "epub" and "lang" in out:
            out["xml:lang"] = out["lang"]
        return "".join(f' {k}="{escape(v)}"' for k, v in out.items())

    # --- notes and citations ---------------------------------------------------------------
    def _footnote_ref(self, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
        note = decided(tokens[idx]).note
        return self._call(note, options, env) if note else ""

    def _citation(self, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
        found = decided(tokens[idx])
        if found.note:
            # "@senn1962 put it sharply": the name stays in the sentence, the note follows it
            name = found.name_in_text.for_target(self.ctx.target) if found.name_in_text else ""
            return name + self._call(found.note, options, env)
        return found.citation.for_target(self.ctx.target) if found.citation else ""

    def _call(self, note: Note, options: Any, env: Any) -> str:
        follows = env.get("after_call", False)
        if self.ctx.target == "print":
            body = self.note_body(note, options, env, inline=True)
            css = "footnote follows" if follows else "footnote"
            return f'<a class="fn-call" id="{note.ref_id}"></a><span class="{css}" id="{note.id}">{body}</span>'
        epub = ' epub:type="noteref"' if self.ctx.target == "epub" else ""
        comma = '<span class="noteref-sep">,</span>' if follows else ""
        return (
            f'{comma}<a class="noteref" id="{note.ref_id}" href="{self.ctx.href(note.id)}"{epub} '
            f'role="doc-noteref">{note.number}</a>'
        )

    def note_body(self, note: Note, options: Any, env: Any, *, inline: bool) -> str:
        """A note's text: paragraphs as ``<br>``-joined runs in print (a float cannot hold blocks,
        WeasyPrint#1833), as ``<p>`` on screens."""
        if note.citation is not None:
            html = self.ctx.book.citations[note.citation].for_target(self.ctx.target)
            return html if inline else f"<p>{html}</p>"
        blocks = self.bodies.get(note.footnote or 0, [])
        if not inline:
            return self.render(blocks, options, env)
        # A soft line break inside a floated note came out as a hard one in WeasyPrint 70: a space.
        runs = [
            self.renderInline(b.children or [], options, env).replace("\n", " ") for b in blocks if b.type == "inline"
        ]
        return "<br/>".join(runs)

    # --- figures, images, tables -----------------------------------------------------------
    # --- cross-references to figures and tables -------------------------------------------
    def _link_open(self, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
        """``[](#fig-x)`` prints "figure 3", ``[Figure](#fig-x)`` "Figure 3" (resolve/floats.py)."""
        href = str(tokens[idx].attrGet("href") or "")
        number = self.ctx.book.floats.get(href[1:]) if href.startswith("#") else None
        if number is None:
            return self.renderToken(tokens, idx, options, env)
        following = tokens[idx + 1 : idx + 3]
        word = ""
        if (
            following
            and following[0].type == "text"
            and len(following) > 1
            and following[1].type == "link_close"
            and len(following[0].content.split()) == 1
        ):
            word = following[0].content
            # the word is printed here: the text rule, called next for the token after this one
            # in the same run, writes nothing for it
            env["xref_word"] = idx + 1
        elif not following or following[0].type != "link_close":
            return self.renderToken(tokens, idx, options, env)  # a link with its own text stays as written
        return f'<a class="xref" href="{escape(self.ctx.href(href[1:]))}">{escape(number.reference(word), quote=False)}'

    def _text(self, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
        if env.get("xref_word") == idx:
            del env["xref_word"]
            return ""
        return escapeHtml(tokens[idx].content)

    def _label(self, token: Token) -> str:
        number = decided(token).float_number
        return f'<span class="float-label">{number.caption_label}</span> ' if number else ""

    def _paragraph_open(self, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
        image = figure_image(tokens, idx)
        if image is None:
            if self.ctx.target == "print" and not tokens[idx].attrs and not tokens[idx].hidden:
                return f"<p{self._line(tokens[idx])}>"
            return self.renderToken(tokens, idx, options, env)
        figure_id = image.attrGet("id")
        attr = f' id="{escape(str(figure_id))}"' if figure_id else ""
        env["figure"] = True
        return f"<figure{attr}{self._line(tokens[idx])}>"

    def _paragraph_close(self, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
        if env.pop("figure", False):
            return "</figure>\n"
        return self.renderToken(tokens, idx, options, env)

    def _image(self, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
        token = tokens[idx]
        src = str(token.attrGet("src") or "")
        path = (self.ctx.book.config.root / self.chapter.parsed.source.rel).parent / src
        caption = self.renderInline(token.children or [], options, env)
        alt = str(token.attrGet("alt") or self.renderInlineAsText(token.children or [], options, env))
        # a data: image (checked in the resolve stage) stays in the page; a file is packaged
        url = src if src.lower().startswith("data:") else self.ctx.asset_url(path.resolve())
        img = f'<img src="{escape(url)}" alt="{escape(alt)}"/>'
        if env.get("figure"):
            return f"{img}<figcaption>{self._label(token)}{caption}</figcaption>"
        return img

    def _table_open(self, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
        # The wrapper keeps a caption with its table across a page break: WeasyPrint applies
        # break-inside to the table grid, not to the box that holds the caption.
        caption = tokens[idx].meta.get("caption")
        ident = tokens[idx].meta.get("id")
        line = (f' id="{escape(str(ident))}"' if ident else "") + self._line(tokens[idx])
        if caption is None:
            return f'<div class="table"{line}>\n<table>\n'
        return (
            f'<div class="table"{line}>\n<table>\n<caption>{self._label(tokens[idx])}'
            f"{self.renderInline(caption.children or [], options, env)}</caption>\n"
        )

    def _table_close(self, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
        return "</table>\n</div>\n"


@dataclass(frozen=True)
class ChapterHTML:
    body: str  # the chapter's content
    notes: tuple[tuple[Note, str], ...]  # (note, body html) for screens; empty in print


def write_chapter(context: WriterContext, chapter: ResolvedChapter) -> ChapterHTML:
    renderer = _Renderer(context, chapter)
    options = _options()
    env: dict[str, Any] = {}
    body = renderer.render(main_tokens(chapter.parsed.tokens), options, env)
    if context.target == "print":
        return ChapterHTML(body, ())
    notes = tuple((note, renderer.note_body(note, options, env, inline=False)) for note in chapter.notes)
    return ChapterHTML(body, notes)


def _options() -> Any:
    from markdown_it.utils import OptionsDict

    return OptionsDict(
        {
            "xhtmlOut": True,
            "breaks": False,
            "langPrefix": "language-",
            "html": False,
            "typographer": True,
            "linkify": False,
            "quotes": "“”‘’",
            "highlight": None,
            "maxNesting": 100,
        }
    )
