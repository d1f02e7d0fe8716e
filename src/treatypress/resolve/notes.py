"""Notes: numbered per chapter in the order a reader meets their calls.

A note is written by the author (``[^label]``, ``^[inline]``) or, in a note style, made from a
citation in the text; both share one count, so the citations are placed here too, with the
note number citeproc needs for "ibid." and short notes.
"""

from __future__ import annotations

from dataclasses import replace

from markdown_it.token import Token

from ..bibliography.types import PlacedCitation
from ..diagnostics import Location, error
from .decisions import decide, decided
from .locate import locate
from .model import Note
from .state import ChapterState, ResolveState
from .walk import Visit


def footnote_calls(state: ResolveState, chapter: ChapterState, visit: Visit) -> None:
    """A written note's call gets the chapter's next number; a second call of the same note is an
    error (a note is printed once)."""
    token = visit.token
    rel, text = chapter.rel, chapter.text
    label = token.meta.get("label")
    if token.meta.get("subId", 0) > 0:
        called = f"[^{label}]"
        state.problems.append(
            error(
                "footnote-reused",
                f"footnote {called} is called twice",
                locate(rel, text, visit.block, called, token.meta.get("subId", 0)),
                "a note is printed once; write a second note or refer to it in words",
            )
        )
        return
    where = locate(rel, text, visit.block, f"[^{label}]" if label else "^[")
    _call(state, chapter, token, _note(state, chapter, len(chapter.notes) + 1, token.meta["id"], None, where))


def citation_calls(state: ResolveState, chapter: ChapterState, visit: Visit) -> None:
    """Every citation is placed in reading order with its note number (citeproc counts notes
    through the whole book); in the text, not inside a note, it also makes a note of its own,
    which the in_text_notes pass takes back if the style turns out to be an in-text one."""
    token = visit.token
    in_note = visit.in_note is not None
    number = len(chapter.notes) if in_note else len(chapter.notes) + 1
    done = sum(len(c.notes) for c in state.chapters)
    state.placed.append(PlacedCitation(token.meta["citation"], chapter.rel, done + number, in_note))
    state.citation_tokens.append(token)
    if not in_note:
        first_item = token.meta["citation"].items[0]
        where = Location(chapter.rel, first_item.line or 0, first_item.col or 0)
        _call(state, chapter, token, _note(state, chapter, number, None, len(state.placed) - 1, where))


def undefined_footnotes(state: ResolveState, chapter: ChapterState, visit: Visit) -> None:
    """``[^label]`` left as text: the parser found no definition for it."""
    token = visit.token
    if "[^" not in token.content:
        return
    label = token.content[token.content.index("[^") :].split("]")[0] + "]"
    state.problems.append(
        error(
            "footnote-undefined",
            f"footnote {label} has no definition",
            locate(chapter.rel, chapter.text, visit.block, label),
            f"add a line '{label}: the note text' after the paragraph",
        )
    )


def unused_footnotes(state: ResolveState, chapter: ChapterState) -> None:
    """A definition nothing calls would be silently lost: an error at its line."""
    for label in chapter.parsed.unreferenced_footnotes:
        where = Location(chapter.rel)
        for number, line in enumerate(chapter.text.splitlines(), 1):
            if line.startswith(f"[^{label}]:"):
                where = Location(chapter.rel, number, 1)
        state.problems.append(
            error(
                "footnote-unused",
                f"footnote [^{label}] is defined but never called",
                where,
                f"call it with [^{label}] in the text, or delete the definition",
            )
        )


def in_text_notes(state: ResolveState) -> None:
    """In an in-text style citations stay in the sentence: the notes made from them go, and the
    written notes are numbered again without them."""
    assert state.citations is not None  # format_citations ran (or the passes stopped)
    if state.citations.note_style:
        return
    renumbered: dict[tuple[int, int], Note] = {}
    for position, chapter in enumerate(state.chapters):
        kept: list[Note] = []
        for note in chapter.notes:
            if note.footnote is None:
                continue
            number = len(kept) + 1
            new = replace(note, number=number, id=f"fn-{chapter.id}-{number}", ref_id=f"fnref-{chapter.id}-{number}")
            renumbered[(chapter.index, note.number)] = new
            kept.append(new)
        state.chapters[position] = replace(chapter, notes=tuple(kept))
    for token in state.calls:
        old = decided(token).note
        assert old is not None
        decide(
            token,
            replace(decided(token), note=renumbered[(old.chapter, old.number)] if old.footnote is not None else None),
        )


def _note(
    state: ResolveState, chapter: ChapterState, number: int, footnote: int | None, citation: int | None, where: Location
) -> Note:
    note_id = state.ids.reserve(f"fn-{chapter.id}-{number}", Location(chapter.rel))
    ref_id = state.ids.reserve(f"fnref-{chapter.id}-{number}", Location(chapter.rel))
    return Note(chapter.index, number, note_id, ref_id, footnote, citation, where)


def _call(state: ResolveState, chapter: ChapterState, token: Token, note: Note) -> None:
    chapter.notes.append(note)
    decide(token, replace(decided(token), note=note))
    state.calls.append(token)  # the in_text_notes pass may renumber it
