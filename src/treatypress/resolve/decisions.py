"""What the resolve stage decided about one token, kept on the token it is about.

Why on the token: the render stage meets each token once, with the token in hand; a decision
stored beside it needs no table to look it up in, and cannot outlive or miss its token (tables
keyed by ``id(token)`` held only while every token stayed alive, and told a reader of the
render stage nothing about which pass made the number). markdown-it-py's own plugins carry what
they found in ``token.meta`` the same way (the footnote plugin's ``id`` and ``label``, our
citation plugin's ``Citation``); resolve adds one entry, a frozen :class:`Decided` under one
key, written by :func:`decide` and read by :func:`decided`, so both ends are type-checked.
Stable keys (chapter and token position) were the other choice; but markdown-it's renderer hands
a rule only the inline run it is in and an index into it, so every rule would have had to work
out where that run sits in the chapter before it could look anything up.

The parser's own fields are never changed: a ``ParsedChapter`` still reads as parsed.
"""

from __future__ import annotations

from dataclasses import dataclass

from markdown_it.token import Token

from .model import CitationHTML, FloatNumber, Note

KEY = "treatypress"  # the one entry resolve adds to token.meta


@dataclass(frozen=True)
class Decided:
    """Each field is set by the pass module its comment names, on the tokens it names; "" or None
    on every other token."""

    heading_id: str = ""  # headings: heading_open -> its element id, unique in the book
    mark_anchor: str = ""  # index_marks: span_open / div open of an index mark -> its anchor id
    range_end: str = ""  # index_marks: div close of an index range -> the anchor id of its end
    note: Note | None = None  # notes: footnote_ref or citation -> the note it calls
    citation: CitationHTML | None = None  # citations: citation -> the citation as formatted in the text
    # citations: for an @key citation in a note style ("Senn¹ put it sharply"), the author's
    # name that stays in the sentence before the call
    name_in_text: CitationHTML | None = None
    float_number: FloatNumber | None = None  # floats: a figure's image or a table_open -> its number


NOTHING = Decided()  # what a token no pass decided about reads as


def decided(token: Token) -> Decided:
    found = token.meta.get(KEY)
    return found if isinstance(found, Decided) else NOTHING


def decide(token: Token, decision: Decided) -> None:
    """Attach ``decision`` (usually ``replace(decided(token), field=...)``: passes add fields)."""
    token.meta[KEY] = decision


def forget(tokens: tuple[Token, ...] | list[Token]) -> None:
    """Drop what an earlier resolve of the same tokens decided (the same parsed chapters resolved
    twice, with other settings): a pass adds to a token's record and must not add to a stale one."""
    for token in tokens:
        token.meta.pop(KEY, None)
        if token.children:
            forget(token.children)
