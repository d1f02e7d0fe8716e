"""Booklet imposition: lay the book's pages two to a side on landscape sheets.

``saddle-stitch``: the sides, in order, are (for 16 pages) 16|1, 2|15, 14|3, 4|13, 12|5,
6|11, 10|7, 8|9. Print the file double-sided with "flip on short edge", fold the stack in
the middle and staple on the fold. A page count that is not a multiple of four is padded
with blank pages *after the last page*: the blanks end up as the last leaves of the
booklet (the inside of the back cover included), and no page of the book moves. A book
that wants its last page on the back cover must end with its own blank pages.

``2-up``: consecutive pages side by side, 1|2, 3|4, ..., padded with one blank page to an
even count; for handouts that are cut, not folded.

Library choice: pikepdf. Each book page becomes a form XObject (qpdf's
``as_form_xobject``) placed with one ``cm`` on the sheet, so text, fonts and vector
drawing stay as they are (nothing is rasterised) and each page keeps its own resources
(no renaming of fonts as a content-stream merge would need). The form's ``/BBox`` is the
page's TrimBox, which clips a page with bleed to its trim so neighbours never overlap.
Saving with ``deterministic_id`` derives the ``/ID`` from the content, and qpdf writes
no timestamp, so the same input bytes give the same output bytes.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Literal

import pikepdf

ImposeMode = Literal["saddle-stitch", "2-up"]
SheetName = Literal["A4", "Letter"]

_SHEETS_LANDSCAPE: dict[str, tuple[float, float]] = {
    # Width x height in points, landscape. A4 is 297 x 210 mm, given to 2 decimals as
    # the print shop's preflight reports it.
    "A4": (841.89, 595.28),
    "Letter": (792.0, 612.0),
}


@dataclass(frozen=True)
class Side:
    """One printed side of a sheet: the book pages on its left and right halves."""

    left: int | None
    """0-based index of the book page on the left half, or None for a blank."""
    right: int | None
    """0-based index of the book page on the right half, or None for a blank."""


def impose(
    pdf_bytes: bytes,
    mode: ImposeMode,
    sheet: SheetName = "A4",
) -> bytes:
    """Return a PDF with one landscape ``sheet`` side per page, imposed for ``mode``."""
    if sheet not in _SHEETS_LANDSCAPE:
        raise ValueError(f"unknown sheet {sheet!r}; expected one of {sorted(_SHEETS_LANDSCAPE)}")
    sheet_width, sheet_height = _SHEETS_LANDSCAPE[sheet]
    with pikepdf.open(io.BytesIO(pdf_bytes)) as source, pikepdf.new() as out:
        page_count = len(source.pages)
        if page_count == 0:
            raise ValueError("cannot impose a PDF without pages")
        sides = side_order(page_count, mode)
        forms = [_page_form(out, source.pages[index]) for index in range(page_count)]
        for side in sides:
            out.add_blank_page(page_size=(sheet_width, sheet_height))
            sheet_page = out.pages[-1]
            for index, half in ((side.left, "left"), (side.right, "right")):
                if index is None:
                    continue
                rect = _placement(forms[index], half, sheet_width, sheet_height, at_fold=mode == "saddle-stitch")
                _place(sheet_page, forms[index], pikepdf.Name(f"/Page{index + 1}"), rect)
        _copy_info(source, out)
        buffer = io.BytesIO()
        out.save(buffer, deterministic_id=True)
    return buffer.getvalue()


def side_order(page_count: int, mode: ImposeMode) -> list[Side]:
    """The sides of the imposed PDF, in print order, with blanks as None.

    Kept separate from the PDF work so the order can be tested on its own.
    """
    if mode == "saddle-stitch":
        padded = -(-page_count // 4) * 4
        sides = []
        for i in range(padded // 2):
            outer, inner = padded - 1 - i, i
            # Fronts (even sides) carry the higher page on the left; backs the reverse.
            left, right = (outer, inner) if i % 2 == 0 else (inner, outer)
            sides.append(Side(_or_blank(left, page_count), _or_blank(right, page_count)))
        return sides
    if mode == "2-up":
        padded = page_count + page_count % 2
        return [Side(_or_blank(i, page_count), _or_blank(i + 1, page_count)) for i in range(0, padded, 2)]
    raise ValueError(f"unknown imposition mode {mode!r}; expected 'saddle-stitch' or '2-up'")


def _or_blank(index: int, page_count: int) -> int | None:
    return index if index < page_count else None


def _page_form(out: pikepdf.Pdf, page: pikepdf.Page) -> pikepdf.Object:
    """The page as a form XObject in ``out``, clipped to its TrimBox."""
    form = page.as_form_xobject()
    # qpdf already uses the TrimBox as /BBox; set it anyway, because the clip to the trim
    # is what keeps a page's bleed off its neighbour, and must not hang on that detail.
    form.BBox = pikepdf.Array([float(value) for value in page.trimbox])
    return out.copy_foreign(form)


def _place(sheet_page: pikepdf.Page, form: pikepdf.Object, name: pikepdf.Name, rect: pikepdf.Rectangle) -> None:
    """Draw ``form`` into ``rect`` on ``sheet_page``.

    Not ``Page.add_overlay``: that names the resource with ``Name.random()``, which would
    make every run's bytes differ. We name it after the book page instead.
    """
    sheet_page.add_resource(form, pikepdf.Name.XObject, name)
    placement = sheet_page.calc_form_xobject_placement(form, name, rect)
    sheet_page.contents_add(b"q\n" + placement + b"Q\n")


def _placement(
    form: pikepdf.Object, half: str, sheet_width: float, sheet_height: float, at_fold: bool
) -> pikepdf.Rectangle:
    """Where the page goes: scaled to fit its half, centred vertically.

    For a folded booklet the page sits against the fold, so facing pages meet at the
    spine and the spread as a whole is centred; for 2-up it is centred in its half.
    """
    x0, y0, x1, y1 = (float(value) for value in form.BBox)
    width, height = x1 - x0, y1 - y0
    half_width = sheet_width / 2
    scale = min(half_width / width, sheet_height / height)
    placed_width, placed_height = width * scale, height * scale
    bottom = (sheet_height - placed_height) / 2
    if at_fold:
        left = half_width - placed_width if half == "left" else half_width
    else:
        left = (half_width - placed_width) / 2 + (half_width if half == "right" else 0.0)
    return pikepdf.Rectangle(left, bottom, left + placed_width, bottom + placed_height)


def _copy_info(source: pikepdf.Pdf, out: pikepdf.Pdf) -> None:
    """Carry the document information (title, author ...) over to the imposed file."""
    if "/Info" in source.trailer:
        out.trailer.Info = out.copy_foreign(source.trailer.Info)
