"""Two page faults a typographer sends back, found on the laid-out pages and mended in the
document tree before one more layout.

- **Float gap**: a figure or table did not fit at the foot of a page, so WeasyPrint pushed it
  to the next page and left a hole. As LaTeX's ``[tbp]`` would, the text that follows it fills
  the hole: the figure moves, in the tree, after the block that now reaches across the page
  break (it may pass a section heading, as a LaTeX float does, but stays in its chapter; the
  text should therefore call it by its number, never "below").
- **Short page**: a chapter ends with a page of fewer than ``MIN_LINES`` lines. The block ending
  the page before gives that page more lines (a larger ``widows``), or, when it is too short to
  split, moves over whole.

Each mend is an inline ``style`` or a moved element in ``weasyprint.HTML``'s tree, so the next
layout sees it; what is still wrong afterwards is reported by ``pdf/typography.py``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from .pages import HEADINGS, BlockOnPage, PageContent

MIN_LINES = 5  # a page with fewer lines reads as a mistake
GAP_LINES = 3  # a hole taller than this many lines above a pushed float is a float gap
LINE_HEIGHT = 19.3  # CSS px: 10.5pt x 1.38, the body's leading; only used to size holes
ORPHANS = 2  # print.css: p { orphans: 2; widows: 2 }
SPLITTABLE = ("p", "li", "dd", "blockquote")
KEEP_FILLED = 0.7  # a paragraph moves over whole only if the page it leaves stays this full
MOVE_WHOLE = 8  # and only a paragraph of at most this many lines
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
        after = pages[i + 1] if i + 1 < len(pages) and pages[i + 1].chapter is page.chapter \
            and pages[i + 1].blocks else None
        out.append((before, page, after))
    return out


def find_faults(pages: Sequence[PageContent]) -> list[PageFault]:
    faults: list[PageFault] = []
    last_with_text = max((p.number for p in pages if p.blocks), default=0)
    for before, page, after in chapter_pages(pages):
        figure_page = any(block.is_float for block in page.blocks)  # a figure fills its page
        if after is None and before is not None and page.lines < MIN_LINES and page.number != last_with_text \
                and not figure_page:
            faults.append(PageFault("short-page", page.number, page.blocks[0], page.source,
                                    f"page {page.number} ends its chapter with only {page.lines} "
                                    f"line{'s' if page.lines != 1 else ''}"))
        if after is not None and after.blocks[0].is_float and not after.blocks[0].continues:
            hole = page.area_bottom - page.text_bottom
            if hole > GAP_LINES * LINE_HEIGHT:
                what = "table" if after.blocks[0].tag == "div" else "figure"
                faults.append(PageFault("float-gap", page.number, after.blocks[0], page.source,
                                        f"a {what} did not fit on page {page.number} and left "
                                        f"{hole / LINE_HEIGHT:.0f} lines empty at its foot"))
    return faults


def mend(pages: Sequence[PageContent], faults: Sequence[PageFault], root: Any) -> list[Mend]:
    """Change the tree under ``root`` so the next layout avoids ``faults``; say what was done."""
    parents = {child: parent for parent in root.iter() for child in parent}
    by_number = {page.number: page for page in pages}
    done: list[Mend] = []
    for fault in faults:
        if fault.kind == "float-gap":
            done.extend(_defer_float(by_number, fault, parents))
        else:
            done.extend(_fill_short_page(by_number, fault))
    return done


def _defer_float(pages: dict[int, PageContent], fault: PageFault, parents: dict[Any, Any]) -> list[Mend]:
    page = pages[fault.page]
    float_element = fault.block.element
    hole = page.area_bottom - page.text_bottom
    if parents.get(float_element) is None:
        return []
    target = None
    following_top: float | None = None
    for block in _following(pages, fault.page + 1, page.chapter, float_element):
        if not _inside(block.element, page.chapter, parents):
            break  # the float stays in its chapter
        if block.is_float:
            break  # floats keep their order
        filled = block.bottom - (following_top if following_top is not None else block.top)
        following_top = block.top if following_top is None else following_top
        if block.tag in HEADINGS:
            continue  # a float may pass a heading, as in LaTeX, but never lands right after one
        target = block.element
        if filled >= hole:
            break
    if target is None:
        return []
    origin = parents[float_element]
    position = list(origin).index(float_element)
    origin.remove(float_element)
    # After the target, in the target's own parent: inside an index-range div if it is in one.
    holder = parents[target]
    holder.insert(list(holder).index(target) + 1, float_element)
    parents[float_element] = holder

    def undo() -> None:
        holder.remove(float_element)
        origin.insert(position, float_element)
        parents[float_element] = origin

    return [Mend(f"moved a float after the text that fills page {fault.page}", page.chapter, undo)]


def _following(pages: dict[int, PageContent], start: int, chapter: Any, float_element: Any) -> Iterator[BlockOnPage]:
    """The blocks after the float on its own page. Only these: their heights there are known
    exactly, so the float lands at the foot of that page or the top of the next one, and a
    hole they cannot fill shrinks at each pass instead of moving down the chapter."""
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
    return sum(by_number[f.page].area_bottom - by_number[f.page].text_bottom if f.kind == "float-gap"
               else (MIN_LINES - by_number[f.page].lines) * LINE_HEIGHT for f in faults)


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
