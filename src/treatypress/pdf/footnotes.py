"""Page footnotes that never stray: check the laid-out pages, repair if needed.

WeasyPrint 70 sets ``float: footnote`` notes well most of the time, but not
always (issue 6). Measured on ``benchmarks/stressbook.py`` (8 books of 120
notes, seeds 0-7), the lead's convention (``footnote-policy: line``, widows and
orphans 2) put 12 notes on the page after their call and dropped 2 notes. A
trace of ``report_footnote`` callers ties them to one branch of
``weasyprint/layout/block.py::_linebox_layout`` (line 398), and turning that
branch off leaves none:

* When a line does not fit and orphans/widows forbid breaking just before it
  (the second line of a paragraph at a page end, with ``orphans: 2``),
  WeasyPrint moves the footnotes already placed on the page to the next page
  to make room for the line. Their calls stay behind: the notes stray. This is
  the remedy added for Kozea/WeasyPrint#2432; the misplacement itself is the
  family of #1564, #1924 and #2502.
* The line squeezed in that way skips the code that lays out its own notes, so
  a call on it is never given its note: the note vanishes. That is the short
  note "sharing its paragraph with another" lost in the booklet.

No CSS avoids that path (it depends only on orphans/widows and a page end), so
``render_with_footnote_repair`` does two things:

1. While it renders, it turns that one branch off (``_patched_line_layout``),
   which gives WeasyPrint's earlier behaviour: the paragraph's first line goes
   to the next page with the rest and the page ends a line or two early. It
   costs nothing and is applied only to WeasyPrint 70.0 whose source matches.
2. It checks the pages (``check_footnotes``) and, only if a note strays or
   vanishes anyway, forces a page break before the paragraph that ends the
   call's page and lays the document out again (at most ``max_passes`` more
   times). A book with no problem is laid out once.

Call ``check_footnotes`` after every PDF build: it is what guarantees the
invariant, whatever produced the pages.
"""

from __future__ import annotations

import contextlib
import inspect
import itertools
import logging
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import weasyprint
from weasyprint.formatting_structure import boxes

from ..diagnostics import Diagnostic, warning

__all__ = [
    "HALF_EMPTY_FILL",
    "FootnoteProblem",
    "FootnoteRender",
    "Repair",
    "check_footnotes",
    "layout_patch_warnings",
    "note_ids",
    "render_with_footnote_repair",
]

LOGGER = logging.getLogger(__name__)

#: A page whose body text fills less than this share of the height left above
#: its footnote area is "more than half empty" (see ``check_footnotes``).
HALF_EMPTY_FILL = 0.5

_NOTE_ID = re.compile(r"fn-.+")
_CALL_ANCHOR_PREFIX = "fnref-"


@dataclass(frozen=True)
class FootnoteProblem:
    """One broken footnote guarantee, found on the laid-out pages."""

    #: ``missing``, ``duplicate``, ``stray`` (note not on its call's page),
    #: ``before-call``, ``order``, ``not-below-text`` or ``half-empty-page``.
    kind: str
    #: The note's id, ``fn-<chapter>-<n>``.
    note_id: str
    #: 1-based physical page of the note's call, or None if no call was found.
    call_page: int | None
    #: 1-based physical page where the note starts, or None if it is missing.
    note_page: int | None
    #: A sentence naming the note and the page, for the build's diagnostics.
    message: str


@dataclass(frozen=True)
class Repair:
    """A page break forced before a block to keep a page's notes with it."""

    #: Pass (1-based) whose check asked for this repair.
    layout_pass: int
    #: The ``FootnoteProblem`` that asked for it.
    problem: FootnoteProblem
    #: Tag and id (or tag and text start) of the block given ``break-before: page``.
    block: str


@dataclass(frozen=True)
class FootnoteRender:
    """The result of ``render_with_footnote_repair``."""

    #: The laid-out document to write: ``document.write_pdf(...)``.
    document: weasyprint.Document
    #: Problems left in ``document``; empty when every guarantee holds.
    problems: tuple[FootnoteProblem, ...]
    #: Full layouts made: 1 when nothing strayed.
    layouts: int
    #: Page breaks forced to repair misplaced notes, in the order applied.
    repairs: tuple[Repair, ...] = field(default=())


# --- reading the laid-out pages ------------------------------------------------


@dataclass(frozen=True)
class _Line:
    """A body line box and the block-level element it belongs to."""

    top: float
    bottom: float
    block: Any  # the ElementTree element of the line's block box
    chapter: Any  # nearest <section> (or root) element, to tell flows apart
    orphans: int = 2  # the block's ``orphans`` and ``widows``: how it may be split
    widows: int = 2


@dataclass
class _PageFacts:
    number: int
    content_top: float
    area_top: float  # top of the footnote area, or the content box's bottom
    lines: list[_Line] = field(default_factory=list)
    calls: list[tuple[str, Any]] = field(default_factory=list)  # (note id, block)
    call_tops: dict[str, float] = field(default_factory=dict)  # note id -> top of its call
    notes: list[tuple[str, float, float]] = field(default_factory=list)  # id, top, bottom
    area_overhead: float = 0.0  # the footnote area's height beyond its notes (rule, padding)


def _element_id(box: Any) -> str:
    element = getattr(box, "element", None)
    if element is None:
        return ""
    return str(element.get("id") or "")


def _walk_body(box: Any, facts: _PageFacts, block: Any, chapter: Any, split: tuple[int, int] = (2, 2)) -> None:
    """Collect line boxes and note calls from a page's body, depth first."""
    if isinstance(box, boxes.BlockContainerBox):
        element = getattr(box, "element", None)
        if element is not None and "::" not in box.element_tag:
            block = element
            split = (int(box.style["orphans"]), int(box.style["widows"]))
            if element.tag == "section":
                chapter = element
    if isinstance(box, boxes.LineBox):
        facts.lines.append(_Line(box.position_y, box.position_y + box.height, block, chapter, *split))
    tag = getattr(box, "element_tag", "")
    if tag.endswith("::footnote-call") and _NOTE_ID.fullmatch(_element_id(box)):
        facts.calls.append((_element_id(box), block))
        facts.call_tops.setdefault(_element_id(box), box.position_y)
    elif tag == "a" and _element_id(box).startswith(_CALL_ANCHOR_PREFIX):
        # The empty anchor right before the call: a second witness that also
        # works if a stylesheet drops the ::footnote-call box.
        ident = "fn-" + _element_id(box)[len(_CALL_ANCHOR_PREFIX) :]
        facts.calls.append((ident, block))
        facts.call_tops.setdefault(ident, box.position_y)
    for child in getattr(box, "children", ()):
        _walk_body(child, facts, block, chapter, split)


def _walk_area(box: Any, facts: _PageFacts) -> None:
    """Collect the outermost note boxes of a footnote area."""
    for child in getattr(box, "children", ()):
        ident = _element_id(child)
        if _NOTE_ID.fullmatch(ident) and "::" not in getattr(child, "element_tag", ""):
            top = child.position_y
            facts.notes.append((ident, top, top + child.margin_height()))
        else:
            _walk_area(child, facts)


def _page_facts(number: int, page: weasyprint.Page) -> _PageFacts:
    # ``Page.anchors`` keeps only each id's first position and no boxes, so the
    # checker reads the page box tree: WeasyPrint 70 puts the body under the
    # root box and the notes under a ``FootnoteAreaBox`` child of the page box.
    page_box = page._page_box
    content_top = page_box.content_box_y()
    facts = _PageFacts(number, content_top, content_top + page_box.height)
    for child in page_box.children:
        if isinstance(child, boxes.FootnoteAreaBox):
            facts.area_top = child.position_y
            _walk_area(child, facts)
            if facts.notes:
                spanned = facts.notes[-1][2] - facts.notes[0][1]
                facts.area_overhead = max(0.0, child.margin_height() - spanned)
        elif not isinstance(child, boxes.MarginBox):
            _walk_body(child, facts, getattr(child, "element", None), getattr(child, "element", None))
    return facts


# --- the checker ---------------------------------------------------------------


def check_footnotes(document: weasyprint.Document, expected: Sequence[str]) -> tuple[FootnoteProblem, ...]:
    """Check every footnote guarantee on ``document``'s laid-out pages.

    ``expected`` lists the note ids (``fn-…``) in document order (see
    ``note_ids``). Reported, in page order:

    * ``missing``: the note is on no page; ``duplicate``: it starts twice.
    * ``stray``: the note starts on a page after its call's page.
      ``before-call``: it starts before its call's page. WeasyPrint 70 never
      splits a note, but a note that starts on its call's page and continues
      at the top of the next page's footnote area would count as fine.
    * ``order``: a note sits above a note that comes before it in ``expected``.
    * ``not-below-text``: the note's top is above the last body line of its
      page or above the page's content box (a note taller than the page).
    * ``half-empty-page``: page *k*'s body text fills less than
      ``HALF_EMPTY_FILL`` of the height between the top of the content box and
      the top of its footnote area (the bottom of the content box if it has no
      notes), page *k* + 1 continues the same ``<section>`` (so this is not a
      chapter end or a forced break), and the block that opens page *k* + 1
      holds a note call on that page. ``note_id`` is that first call.
    """
    pages = [_page_facts(i, page) for i, page in enumerate(document.pages, start=1)]
    call_page: dict[str, int] = {}
    note_pages: dict[str, list[int]] = {}
    for facts in pages:
        for ident, _ in facts.calls:
            call_page.setdefault(ident, facts.number)
        for ident, _, _ in facts.notes:
            note_pages.setdefault(ident, []).append(facts.number)

    problems: list[FootnoteProblem] = []
    for ident in expected:
        called = call_page.get(ident)
        where = note_pages.get(ident, [])
        if not where:
            problems.append(
                FootnoteProblem(
                    "missing", ident, called, None, f"footnote {ident} (called on page {called}) is on no page"
                )
            )
            continue
        start = where[0]
        continued = all(b == a + 1 for a, b in itertools.pairwise(where))
        if len(where) > 1 and not continued:
            problems.append(
                FootnoteProblem(
                    "duplicate", ident, called, start, f"footnote {ident} appears on pages {', '.join(map(str, where))}"
                )
            )
        if called is not None and start > called:
            problems.append(
                FootnoteProblem(
                    "stray", ident, called, start, f"footnote {ident} is on page {start}, its call on page {called}"
                )
            )
        elif called is not None and start < called:
            problems.append(
                FootnoteProblem(
                    "before-call",
                    ident,
                    called,
                    start,
                    f"footnote {ident} is on page {start}, before its call on page {called}",
                )
            )

    rank = {ident: i for i, ident in enumerate(expected)}
    highest = -1
    previous = ""
    for facts in pages:
        last_text = max((line.bottom for line in facts.lines), default=facts.content_top)
        for ident, top, _ in facts.notes:
            if ident not in rank:
                continue
            if rank[ident] < highest:
                problems.append(
                    FootnoteProblem(
                        "order",
                        ident,
                        call_page.get(ident),
                        facts.number,
                        f"footnote {ident} on page {facts.number} comes after {previous}",
                    )
                )
            elif rank[ident] > highest:
                highest, previous = rank[ident], ident
            if top < facts.content_top - 0.5 or top < last_text - 0.5:
                problems.append(
                    FootnoteProblem(
                        "not-below-text",
                        ident,
                        call_page.get(ident),
                        facts.number,
                        f"footnote {ident} on page {facts.number} is not below the text "
                        "(a note this long should become an endnote)",
                    )
                )

    problems.extend(_half_empty_pages(pages))
    return tuple(sorted(problems, key=lambda p: p.note_page or p.call_page or 0))


def _half_empty_pages(pages: Sequence[_PageFacts]) -> Iterator[FootnoteProblem]:
    for facts, following in itertools.pairwise(pages):
        if not facts.lines or not following.lines:
            continue
        usable = facts.area_top - facts.content_top
        fill = (facts.lines[-1].bottom - facts.content_top) / usable if usable > 0 else 1
        opener = following.lines[0]
        if fill >= HALF_EMPTY_FILL or facts.lines[-1].chapter is not opener.chapter:
            continue
        if not _could_have_started(facts, following):
            continue  # its first lines and their notes need more room than the page had left
        calls = [ident for ident, block in following.calls if block is opener.block]
        if calls:
            yield FootnoteProblem(
                "half-empty-page",
                calls[0],
                following.number,
                following.number,
                f"page {facts.number} is {fill:.0%} full because the paragraph "
                f"holding footnote {calls[0]} moved to page {following.number}",
            )


def _could_have_started(facts: _PageFacts, following: _PageFacts) -> bool:
    """Whether the block opening ``following`` had room to start at the foot of ``facts``.

    The least of it that could start there is its first ``orphans`` lines (the whole of it
    when it is too short to split) with the notes called on those lines, which must sit on the
    same page, plus the footnote rule and padding if the page had no notes yet. A page left
    half empty because a long note could not have fitted is the honest layout (the note stays
    with its call), not a misplacement.
    """
    opener = following.lines[0]
    lines = [line for line in following.lines if line.block is opener.block]
    if len(lines) >= opener.orphans + opener.widows:
        lines = lines[: max(opener.orphans, 1)]
    top, bottom = lines[0].top, lines[-1].bottom
    called = {
        ident
        for ident, block in following.calls
        if block is opener.block and top - 0.5 <= following.call_tops.get(ident, top) <= bottom + 0.5
    }
    need = bottom - top + sum(end - start for ident, start, end in following.notes if ident in called)
    if called and not facts.notes:
        need += following.area_overhead
    return need <= facts.area_top - facts.lines[-1].bottom + 0.5


def note_ids(html: weasyprint.HTML) -> tuple[str, ...]:
    """The ids of the document's ``span.footnote`` notes, in document order."""
    return tuple(
        str(element.get("id"))
        for element in html.etree_element.iter()
        if "footnote" in str(element.get("class") or "").split() and _NOTE_ID.fullmatch(str(element.get("id") or ""))
    )


# --- the WeasyPrint 70 workaround ----------------------------------------------

# Workaround, 2026-11 (WeasyPrint 70.0): Kozea/WeasyPrint#2432's remedy moves the
# page's notes away from their calls and skips the squeezed line's own notes.
# Remove when WeasyPrint keeps notes with their calls there (see #1564, #2502).
_REPORT_BRANCH = "report = not context.in_column and can_break_now and not could_break_before"


def layout_patch_gap(version: str, source: str | None) -> str | None:
    """Why the workaround cannot be applied to WeasyPrint ``version`` whose
    ``_linebox_layout`` has ``source`` (None: unreadable), or None if it can."""
    if version != "70.0":
        return f"WeasyPrint {version} is not the 70.0 it was written for"
    if source is None:
        return "the source of weasyprint.layout.block._linebox_layout cannot be read"
    if source.count(_REPORT_BRANCH) != 1:
        return "weasyprint.layout.block._linebox_layout no longer has the one branch it turns off"
    return None


def _line_layout_source() -> str | None:
    from weasyprint.layout import block

    try:
        return inspect.getsource(block._linebox_layout)
    except (AttributeError, OSError, TypeError):
        return None


#: Why the workaround is not in force with the installed WeasyPrint, or None; the build warns.
LAYOUT_PATCH_GAP = layout_patch_gap(weasyprint.__version__, _line_layout_source())


def layout_patch_warnings() -> tuple[Diagnostic, ...]:
    """What a PDF build reports about the workaround: nothing when it is in force."""
    return () if LAYOUT_PATCH_GAP is None else (layout_gap_warning(LAYOUT_PATCH_GAP),)


def layout_gap_warning(gap: str) -> Diagnostic:
    """The warning when the workaround is not in force, for reason ``gap``: the notes are still
    checked (a misplaced one is an error), but more of them stray, so more layouts are made."""
    return warning(
        "footnote-workaround-off",
        f"the workaround for WeasyPrint's footnote placement is not applied ({gap}): notes it moves "
        "off their call's page cost extra layouts, or fail the build as footnote-misplaced",
        hint="install the WeasyPrint version in constraints.txt (70.0), or update "
        "treatypress/pdf/footnotes.py for this one",
    )


def _compile_patched_line_layout() -> Any | None:
    from weasyprint.layout import block

    source = _line_layout_source()
    if LAYOUT_PATCH_GAP is not None or source is None:
        return None
    namespace = dict(vars(block))
    code = compile(source.replace(_REPORT_BRANCH, "report = False"), block.__file__, "exec")
    exec(code, namespace)  # WeasyPrint's own source, one line changed
    return namespace["_linebox_layout"]


_PATCHED_LINE_LAYOUT = _compile_patched_line_layout()


@contextlib.contextmanager
def _patched_line_layout(enabled: bool) -> Iterator[bool]:
    """Use the patched ``_linebox_layout`` while the block is running.

    Not thread-safe: it swaps a module global of ``weasyprint.layout.block``.
    Yields whether the patch is in force.
    """
    from weasyprint.layout import block

    if not enabled or _PATCHED_LINE_LAYOUT is None:
        yield False
        return
    original = block._linebox_layout
    block._linebox_layout = _PATCHED_LINE_LAYOUT
    try:
        yield True
    finally:
        block._linebox_layout = original


# --- render, check, repair -----------------------------------------------------


def _repair_target(document: weasyprint.Document, problem: FootnoteProblem) -> Any | None:
    """The block to push to the next page so the problem's notes can stay.

    A note strays or vanishes when the page ends inside a block whose lines
    WeasyPrint squeezed in by moving notes away; pushing that block (the one
    holding the page's last line) to the next page gives the notes room. For a
    half-empty page, the cure is the other way round and is not attempted here.
    """
    if problem.kind not in ("stray", "missing") or problem.call_page is None:
        return None
    facts = _page_facts(problem.call_page, document.pages[problem.call_page - 1])
    if not facts.lines:
        return None
    last = facts.lines[-1]
    before = (
        _page_facts(problem.call_page - 1, document.pages[problem.call_page - 2]) if problem.call_page > 1 else None
    )
    target = last.block
    if before is not None and any(line.block is target for line in before.lines):
        # The block began on an earlier page; a forced break would not move
        # the squeezed lines. Push the block holding the note's call instead.
        holders = [block for ident, block in facts.calls if ident == problem.note_id]
        if not holders:
            return None
        target = holders[0]
    # Never trade a stray note for a page left more than half empty.
    first_top = next(line.top for line in facts.lines if line.block is target)
    usable = facts.area_top - facts.content_top
    if usable <= 0 or (first_top - facts.content_top) / usable < HALF_EMPTY_FILL:
        return None
    return target


def _describe(element: Any) -> str:
    ident = element.get("id")
    if ident:
        return f"<{element.tag} id={ident}>"
    text = " ".join("".join(element.itertext()).split())[:40]
    return f"<{element.tag}> {text!r}"


def render_with_footnote_repair(
    html: weasyprint.HTML,
    stylesheets: Sequence[weasyprint.CSS] = (),
    *,
    expected: Sequence[str] | None = None,
    max_passes: int = 2,
    patch_layout: bool = True,
    **render_options: Any,
) -> FootnoteRender:
    """Render ``html`` so that every footnote is on its call's page, and check it.

    The document is laid out once, with WeasyPrint 70's faulty branch patched
    out (``patch_layout``), and checked. Only if a note strays or vanishes is a
    page break forced before the block ending the call's page (an inline
    ``break-before: page``) and the whole document laid out again, up to
    ``max_passes`` times; each extra pass costs one full layout. The ``style``
    attributes changed for a repair are restored before returning, so ``html``
    is left as it was. ``expected`` defaults to ``note_ids(html)``.
    Remaining problems are returned, not raised: the build reports them.
    """
    wanted = tuple(expected) if expected is not None else note_ids(html)
    changed: dict[Any, str | None] = {}
    repairs: list[Repair] = []
    try:
        with _patched_line_layout(patch_layout):
            layouts = 1
            document = html.render(stylesheets=list(stylesheets), **render_options)
            problems = check_footnotes(document, wanted)
            for layout_pass in range(1, max_passes + 1):
                targets = []
                for problem in problems:
                    target = _repair_target(document, problem)
                    if target is not None and target not in changed and target not in targets:
                        targets.append(target)
                        repairs.append(Repair(layout_pass, problem, _describe(target)))
                if not targets:
                    break
                for target in targets:
                    changed[target] = target.get("style")
                    target.set("style", f"{target.get('style') or ''};break-before:page")
                LOGGER.info(
                    "footnotes: %d misplaced, forcing %d page breaks, laying out again", len(problems), len(targets)
                )
                layouts += 1
                document = html.render(stylesheets=list(stylesheets), **render_options)
                problems = check_footnotes(document, wanted)
    finally:
        for element, style in changed.items():
            if style is None:
                element.attrib.pop("style", None)
            else:
                element.set("style", style)
    return FootnoteRender(document, problems, layouts, tuple(repairs))
