"""Two page faults a typographer sends back, found on the laid-out pages and mended in the
document tree before one more layout.

- **Float gap**: a figure or table did not fit at the foot of a page, so WeasyPrint pushed it
  to the next page and left a hole. As LaTeX's ``[tbp]`` would, the text that follows it fills
  the hole: the figure moves, in the tree, after the block that now reaches across the page
  break (it may pass a section heading, as a LaTeX float does, but stays in its chapter; the
  text should therefore call it by its number, never "below"). When that text cannot make room
  for it (none follows, or the figure would not fit after it either), the figure moves up into
  the page with the hole instead: before the first block beginning there below whose top it
  fits, or to the head of the page, the paragraph running over from the page before being cut
  in two where the page begins.
- **Short page**: a chapter ends with a page of fewer than ``MIN_LINES`` lines. The block ending
  the page before gives that page more lines (a larger ``widows``), or, when it is too short to
  split, moves over whole.

Each mend is an inline ``style``, a moved element or a paragraph cut in two in
``weasyprint.HTML``'s tree, so the next layout sees it; a mend moves the rest of its chapter, so
only the first fault of each chapter is mended at a time. What is still wrong after the last
pass is reported by ``pdf/typography.py``.
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from .pages import HEADINGS, BlockOnPage, PageContent

MIN_LINES = 5  # a page with fewer lines reads as a mistake
GAP_LINES = 3  # a hole taller than this many lines above a pushed float is a float gap
LINE_HEIGHT = 19.3  # CSS px: 10.5pt x 1.38, the body's leading; only used to size holes
NOTE_LINES = 2  # body lines a page note takes from its page, on average, rule and gap included
FLOAT_SPACE = 14.0  # CSS px: the 1em margin a figure keeps from the text below it (print.css)
ORPHANS = 2  # print.css: p { orphans: 2; widows: 2 }
SPLITTABLE = ("p", "li", "dd", "blockquote")
KEEP_FILLED = 0.7  # a paragraph moves over whole only if the page it leaves stays this full
MOVE_WHOLE = 8  # and only a paragraph of at most this many lines
LOGGER = logging.getLogger("treatypress.pagefit")
INVISIBLE = "\u200b\u00ad\u2060"  # zero-width space (a URL's break), soft hyphen, word joiner
HYPHENS = ("\u2010", "-")  # what hyphenation adds at a line's end
TIGHT = "-0.12em"  # word spacing of paragraphs pulled back onto a chapter's last full page


@dataclass(frozen=True)
class Mend:
    """One change made to the tree, and how to take it back."""

    what: str
    chapter: Any  # the chapter's <section> element
    undo: Callable[[], None]


@dataclass(frozen=True)
class PageFault:
    kind: str  # "short-page" or "float-gap"
    page: int  # 1-based physical page
    block: BlockOnPage  # the block to look at: the float, or the page's first block
    source: str  # the chapter's manuscript file
    message: str


def chapter_pages(pages: Sequence[PageContent]) -> list[tuple[PageContent | None, PageContent, PageContent | None]]:
    """(previous, page, next) for each page of a chapter's flow, neighbours in the same chapter."""
    out = []
    for i, page in enumerate(pages):
        if page.chapter is None or "chapter" not in (page.chapter.get("class") or "").split() or not page.blocks:
            continue
        before = pages[i - 1] if i and pages[i - 1].chapter is page.chapter and pages[i - 1].blocks else None
        after = (
            pages[i + 1]
            if i + 1 < len(pages) and pages[i + 1].chapter is page.chapter and pages[i + 1].blocks
            else None
        )
        out.append((before, page, after))
    return out


def find_faults(pages: Sequence[PageContent]) -> list[PageFault]:
    faults: list[PageFault] = []
    last_with_text = max((p.number for p in pages if p.blocks), default=0)
    for before, page, after in chapter_pages(pages):
        figure_page = any(block.is_float for block in page.blocks)  # a figure fills its page
        if (
            after is None
            and before is not None
            and page.lines < MIN_LINES
            and page.number != last_with_text
            and not figure_page
        ):
            faults.append(
                PageFault(
                    "short-page",
                    page.number,
                    page.blocks[0],
                    page.source,
                    f"page {page.number} ends its chapter with only {page.lines} line{'s' if page.lines != 1 else ''}",
                )
            )
        if after is not None and after.blocks[0].is_float and not after.blocks[0].continues:
            hole = page.area_bottom - page.text_bottom
            if hole > GAP_LINES * LINE_HEIGHT:
                what = "table" if after.blocks[0].tag == "div" else "figure"
                faults.append(
                    PageFault(
                        "float-gap",
                        page.number,
                        after.blocks[0],
                        page.source,
                        f"a {what} did not fit on page {page.number} and left "
                        f"{hole / LINE_HEIGHT:.0f} lines empty at its foot",
                    )
                )
    return faults


def mend(pages: Sequence[PageContent], faults: Sequence[PageFault], root: Any) -> list[Mend]:
    """Change the tree under ``root`` so the next layout avoids ``faults``; say what was done."""
    parents = {child: parent for parent in root.iter() for child in parent}
    by_number = {page.number: page for page in pages}
    done: list[Mend] = []
    mended: set[int] = set()
    for fault in faults:
        chapter = id(by_number[fault.page].chapter)
        if chapter in mended:
            continue  # a mend moves the rest of its chapter: the next fault is seen afresh next pass
        mended.add(chapter)
        if fault.kind == "float-gap":
            mends = _defer_float(by_number, fault, parents)
        else:
            mends = _fill_short_page(by_number, fault)
        LOGGER.debug(
            "%s (%s:%d): %s",
            fault.message,
            fault.source,
            fault.block.line,
            "; ".join(dict.fromkeys(m.what for m in mends)) or "not mended",
        )
        done.extend(mends)
    # One Mend per chapter, taken back in reverse order: a move remembers its place by index,
    # which is only right once the moves made after it are taken back.
    chapters: dict[int, list[Mend]] = {}
    for change in done:
        chapters.setdefault(id(change.chapter), []).append(change)
    return [_together(changes) for changes in chapters.values()]


def _together(changes: list[Mend]) -> Mend:
    def undo() -> None:
        for change in reversed(changes):
            change.undo()

    return Mend("; ".join(dict.fromkeys(c.what for c in changes)), changes[0].chapter, undo)


def _defer_float(pages: dict[int, PageContent], fault: PageFault, parents: dict[Any, Any]) -> list[Mend]:
    """Mend a float gap: move the text after the float up into the hole (the float goes after
    it), or, when that text cannot take the float after it, or there is none (a heading or the
    chapter's end follows), move the float up onto the page with the hole, as LaTeX's ``t``."""
    page, pushed = pages[fault.page], pages[fault.page + 1]
    float_element = fault.block.element
    if parents.get(float_element) is None:
        return []
    hole = page.area_bottom - page.text_bottom
    height = fault.block.bottom - fault.block.top + FLOAT_SPACE
    target = None
    filled = 0.0
    notes = 0
    for block in _following(pages, fault.page + 1, page.chapter, float_element):
        if not _inside(block.element, page.chapter, parents):
            break  # the float stays in its chapter
        if block.is_float:
            break  # floats keep their order
        # the whole block, also what of it runs on to later pages: all of it comes before the float
        filled += sum(
            part.bottom - part.top
            for number in range(fault.page + 1, fault.page + 4)
            if number in pages
            for part in pages[number].blocks
            if part.element is block.element
        )
        notes += sum(1 for element in block.element.iter() if _is_note(element))
        if block.tag in HEADINGS:
            continue  # a float may pass a heading, as in LaTeX, but never lands right after one
        target = block.element
        if filled >= hole:
            break
    # After the move, what the hole does not take of that text stands above the float on its
    # page: if the float then no longer fits there, it would only leave a hole one page on. The
    # notes called in that text come along to the foot of that page: count each as lines.
    room = pushed.area_bottom - pushed.area_top - (1 + NOTE_LINES * notes) * LINE_HEIGHT
    fits_after = target is not None and filled - hole + height <= room
    if not fits_after:
        pulled = _pull_back(pages, fault.page, fault.block, page.chapter, parents)
        if pulled or target is None:
            return pulled
    return [
        _move(
            float_element,
            parents,
            after=target,
            page=fault.page,
            chapter=page.chapter,
            what=f"moved a float after the text that fills page {fault.page}",
        )
    ]


def _pull_back(
    pages: dict[int, PageContent], number: int, moved: BlockOnPage, chapter: Any, parents: dict[Any, Any]
) -> list[Mend]:
    """Move the float ``moved`` up onto page ``number``, before the first block that begins there
    after any other float and below which the float fits: the float then stands in the page's
    text, which runs on past it, instead of leaving the foot of the page empty. When another
    float on that page is in the way (floats keep their order), that one moves up onto the page
    before, and the next pass sees to this one."""
    page = pages.get(number)
    if page is None or page.chapter is not chapter or moved.continues:
        return []
    height = moved.bottom - moved.top + FLOAT_SPACE
    floats = [i for i, block in enumerate(page.blocks) if block.is_float and block.element is not moved.element]
    start = floats[-1] + 1 if floats else 0
    for block in page.blocks[start:]:
        if block.top + height + LINE_HEIGHT > page.area_bottom:
            break  # it would not fit below this block's top, nor below any later one
        if block.continues or block.is_float or block.tag == "h1" or not _inside(block.element, chapter, parents):
            continue
        holder = parents[block.element]
        index = list(holder).index(block.element)
        if index and holder[index - 1].tag in HEADINGS:
            continue  # never between a heading and its text
        return [
            _move(
                moved.element,
                parents,
                before=block.element,
                page=number,
                chapter=chapter,
                what=f"moved a float up into the text of page {number}",
            )
        ]
    first = page.blocks[0] if page.blocks else None
    if (
        not floats
        and first is not None
        and first.continues
        and first.tag == "p"
        and _inside(first.element, chapter, parents)
    ):
        # No paragraph begins high enough on the page: the one running over from the page
        # before is cut in two where the page begins, and the float goes between the halves,
        # at the head of the page, as TeX would put it.
        split = _split_paragraph(pages, first.element, number, parents)
        if split is not None:
            second, undo_split = split
            move = _move(
                moved.element,
                parents,
                before=second,
                page=number,
                chapter=chapter,
                what=f"moved a float up to the head of page {number}",
            )
            return [Mend(move.what, chapter, undo_split), move]
    if floats and number - 1 in pages:
        return _pull_back(pages, number - 1, page.blocks[floats[-1]], chapter, parents)
    return []


def _split_paragraph(
    pages: dict[int, PageContent], element: Any, number: int, parents: dict[Any, Any]
) -> tuple[Any, Callable[[], None]] | None:
    """Cut the paragraph ``element`` in two where page ``number`` begins, at the last word
    boundary printed on the pages before it; the first half's last line stays justified and the
    second half is not indented. Returns the second half and how to join them again, or None
    when the printed text cannot be matched with the paragraph's own text."""
    printed = "".join(
        block.text for n in sorted(pages) if n < number for block in pages[n].blocks if block.element is element
    )
    wanted = [c for c in printed if not c.isspace() and c not in INVISIBLE]
    slots = _slots(element)
    matched = 0
    cut: tuple[int, int] | None = None
    for index, (_, text) in enumerate(slots):
        for offset, char in enumerate(text):
            if matched == len(wanted):
                break
            if char.isspace() or char in INVISIBLE:
                continue
            while matched < len(wanted) and wanted[matched] != char and wanted[matched] in HYPHENS:
                matched += 1  # a hyphen the line breaking added
            if matched == len(wanted) or wanted[matched] != char:
                LOGGER.debug(
                    "split: printed %r does not match %r at %d",
                    "".join(wanted[matched - 20 : matched + 5]),
                    text[max(offset - 20, 0) : offset + 5],
                    matched,
                )
                return None
            matched += 1
            cut = (index, offset + 1)
    if cut is None or any(c not in HYPHENS for c in wanted[matched:]):
        return None
    index, offset = cut
    text = slots[index][1]
    hyphenated = printed.rstrip().endswith(HYPHENS) and offset == len(text)
    if (offset < len(text) and not text[offset].isspace()) or hyphenated:
        # The page ended in a hyphenated word: cut before that word instead.
        space = max(text.rfind(" ", 0, offset), text.rfind("\n", 0, offset))
        if space < 0:
            return None
        offset = space
    first, second = copy.deepcopy(element), copy.deepcopy(element)
    _keep(first, index, offset, before=True)
    for part in _keep(second, index, offset, before=False):
        part.attrib.pop("id", None)  # an element in both halves keeps its id in the first
    first.set("style", f"{first.get('style') or ''};text-align-last:justify")
    second.set("style", f"{second.get('style') or ''};text-indent:0")
    first.tail = None
    holder = parents[element]
    position = list(holder).index(element)
    holder.remove(element)
    holder.insert(position, second)
    holder.insert(position, first)
    for part in (first, second):
        parents[part] = holder
        parents.update({child: parent for parent in part.iter() for child in parent})

    def undo() -> None:
        holder.remove(first)
        holder.remove(second)
        holder.insert(position, element)

    return second, undo


def _is_note(element: Any) -> bool:
    return "footnote" in (element.get("class") or "").split()


def _slots(element: Any) -> list[tuple[Any, str]]:
    """The text of ``element`` in document order, one slot for each ``text`` and ``tail``
    (a page note is one empty slot: its text is printed at the foot of the page, not here)."""
    out: list[tuple[Any, str]] = [(element, element.text or "")]
    for child in element:
        if _is_note(child):
            out.append((child, ""))
        else:
            out.extend(_slots(child))
        out.append((child, child.tail or ""))
    return out


def _keep(element: Any, index: int, offset: int, *, before: bool) -> list[Any]:
    """Keep in ``element`` (a copy) only its text before, or from, character ``offset`` of slot
    ``index`` (numbered as by ``_slots``); elements wholly on the other side go. Returns the
    elements the cut runs through (``element`` and the inline elements around the cut)."""
    counter = 0
    across = [element]

    def piece(text: str | None, slot: int) -> str | None:
        if slot == index:
            return (text or "")[:offset] if before else (text or "")[offset:]
        return (text if slot < index else None) if before else (text if slot > index else None)

    def visit(node: Any) -> None:
        nonlocal counter
        node.text = piece(node.text, counter)
        counter += 1
        for child in list(node):
            start = counter
            if _is_note(child):
                counter += 1
            else:
                visit(child)
            tail_slot = counter
            counter += 1
            tail = piece(child.tail, tail_slot)
            if (start > index) if before else (tail_slot - 1 < index):
                # wholly on the other side: it goes, but a tail on this side stays
                previous = _previous(node, child)
                node.remove(child)
                if tail:
                    if previous is None:
                        node.text = (node.text or "") + tail
                    else:
                        previous.tail = (previous.tail or "") + tail
            else:
                child.tail = tail
                if start <= index < tail_slot:
                    across.append(child)

    visit(element)
    return across


def _previous(parent: Any, child: Any) -> Any:
    children = list(parent)
    position = children.index(child)
    return children[position - 1] if position else None


def _move(
    element: Any, parents: dict[Any, Any], *, page: int, chapter: Any, what: str, after: Any = None, before: Any = None
) -> Mend:
    """Move ``element`` in the tree right after ``after`` or right before ``before``, in that
    block's own parent (inside an index-range div if it is in one)."""
    origin = parents[element]
    position = list(origin).index(element)
    origin.remove(element)
    anchor = after if after is not None else before
    holder = parents[anchor]
    holder.insert(list(holder).index(anchor) + (1 if after is not None else 0), element)
    parents[element] = holder

    def undo() -> None:
        holder.remove(element)
        origin.insert(position, element)
        parents[element] = origin

    return Mend(what, chapter, undo)


def _following(pages: dict[int, PageContent], start: int, chapter: Any, float_element: Any) -> Iterator[BlockOnPage]:
    """The blocks that begin after the float on its own page. Only these: their heights are known
    (with what of the last one runs on to later pages), so the float lands at the foot of that
    page or the top of the next one, and a hole they cannot fill shrinks at each pass instead of
    moving down the chapter."""
    page = pages.get(start)
    if page is None or page.chapter is not chapter:
        return
    seen_float = False
    for block in page.blocks:
        if block.element is float_element:
            seen_float = True
        elif seen_float:
            yield block


def holes(faults: Sequence[PageFault], pages: Sequence[PageContent]) -> float:
    """How bad the faults are, for telling whether a mend made the pages better: the height the
    float gaps leave empty, plus the lines a short page lacks (in the same px)."""
    by_number = {page.number: page for page in pages}
    return sum(
        by_number[f.page].area_bottom - by_number[f.page].text_bottom
        if f.kind == "float-gap"
        else (MIN_LINES - by_number[f.page].lines) * LINE_HEIGHT
        for f in faults
    )


def _inside(element: Any, ancestor: Any, parents: dict[Any, Any]) -> bool:
    while element is not None:
        if element is ancestor:
            return True
        element = parents.get(element)
    return False


def _fill_short_page(pages: dict[int, PageContent], fault: PageFault) -> list[Mend]:
    page, before = pages[fault.page], pages[fault.page - 1]
    need = MIN_LINES - page.lines
    last = before.blocks[-1]
    if last.tag not in SPLITTABLE:
        return _tighten(before, page, fault)
    element = last.element
    carried = page.blocks[0].lines if page.blocks[0].element is element else 0
    total = last.lines + carried
    widows = carried + need
    old = element.get("style")
    style = old or ""

    def undo() -> None:
        if old is None:
            element.attrib.pop("style", None)
        else:
            element.set("style", old)

    # A paragraph that began on an earlier page can give all but one of its lines here.
    if carried and (total - widows >= ORPHANS if not last.continues else last.lines - need >= 1):
        element.set("style", f"{style};widows:{widows}")
        return [Mend(f"gave page {fault.page} {need} more lines of the paragraph before it", page.chapter, undo)]
    usable = before.area_bottom - before.area_top
    left = (last.top - before.area_top) / usable if usable > 0 else 0.0
    if last.lines <= MOVE_WHOLE and not last.continues and left >= KEEP_FILLED:
        element.set("style", f"{style};break-before:page")
        return [Mend(f"moved a short paragraph to page {fault.page}", page.chapter, undo)]
    return _tighten(before, page, fault)


def _tighten(before: PageContent, page: PageContent, fault: PageFault) -> list[Mend]:
    """The other way round, as a typesetter would: set the paragraphs of the last two pages a
    little tighter, so that some lose their short last line and the chapter's end moves back
    onto the page before (or the short page gains nothing and the pass is dropped)."""
    mends: list[Mend] = []
    for block in (*before.blocks, *page.blocks):
        if block.tag != "p" or block.lines < 3:
            continue
        element = block.element
        old = element.get("style")

        def undo(element: Any = element, old: str | None = old) -> None:
            if old is None:
                element.attrib.pop("style", None)
            else:
                element.set("style", old)

        element.set("style", f"{old or ''};word-spacing:{TIGHT}")
        mends.append(Mend(f"set the paragraphs before page {fault.page} tighter", page.chapter, undo))
    return mends
