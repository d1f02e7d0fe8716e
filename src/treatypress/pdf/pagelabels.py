"""PDF page labels: make viewers show the printed folios (i, ii, iii, then 1, 2, ...).

WeasyPrint 70 writes no ``/PageLabels`` (see /work/shared/notes/weasyprint.md), so a viewer
numbers every page 1..n even where the footer prints a roman folio. We add the number tree
afterwards and change nothing else.

Library choice: pypdf, cloning the whole document (``PdfWriter(clone_from=...)``). The clone
copies the complete object graph from the catalog down, so the outline, link annotations,
``/Info``, the XMP ``/Metadata`` stream, ``/Lang``, ``/MarkInfo``, ``/ViewerPreferences``,
``/OutputIntents``, fonts and the tagged-PDF structure (``/StructTreeRoot``, its
``/ParentTree`` and the pages' ``/StructParents``) all survive unchanged (the tests compare
the object graphs before and after). pikepdf (qpdf) preserves the same, but qpdf always
rewrites the second ``/ID`` string when it saves (and adds an ``/ID`` where there was none);
pypdf keeps the input's ``/ID`` byte for byte, adds none, and writes no timestamp, so the
same input bytes give the same output bytes.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    NameObject,
    NumberObject,
    TextStringObject,
)

LabelStyle = Literal["r", "D", "R", "a", "A", ""]
"""PDF numbering styles (ISO 32000-1, 12.4.2); "" means no number, only the prefix."""

_STYLES: tuple[str, ...] = ("r", "D", "R", "a", "A", "")


@dataclass(frozen=True)
class LabelRange:
    """Labels for the pages from ``start_index`` up to the next range's start."""

    start_index: int
    """0-based index of the first physical page this range labels."""
    style: LabelStyle
    """"r" i, ii; "R" I, II; "D" 1, 2; "a" a, b; "A" A, B; "" prefix only."""
    first_number: int = 1
    """Number of the range's first page (``/St``), at least 1."""
    prefix: str = ""
    """Text put before every number of the range (``/P``), e.g. "A-"."""


def add_page_labels(pdf_bytes: bytes, ranges: Sequence[LabelRange]) -> bytes:
    """Return ``pdf_bytes`` with a ``/PageLabels`` tree built from ``ranges``.

    Ranges may come in any order; each runs until the next one starts. Pages before the
    first range get plain decimal labels, as the PDF specification prescribes when no range
    covers a page. An empty ``ranges`` removes nothing and adds nothing: the output then
    equals a plain re-write of the input.
    """
    reader = PdfReader(io.BytesIO(pdf_bytes))
    writer = PdfWriter(clone_from=reader)
    page_count = len(writer.pages)
    ordered = _validated(ranges, page_count)
    if ordered:
        # One flat /Nums array is a valid number tree and is what WeasyPrint-sized books
        # need; writing it ourselves (rather than with set_page_label) keeps exactly the
        # ranges asked for, with no extra default entries.
        nums = ArrayObject()
        for label_range in ordered:
            nums.append(NumberObject(label_range.start_index))
            nums.append(_label_dict(label_range))
        # A direct dictionary in the catalog is valid and avoids pypdf's private _add_object.
        writer.root_object[NameObject("/PageLabels")] = DictionaryObject(
            {NameObject("/Nums"): nums}
        )
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _validated(ranges: Sequence[LabelRange], page_count: int) -> list[LabelRange]:
    """Sort the ranges by start page, refusing overlaps and out-of-document starts."""
    ordered = sorted(ranges, key=lambda label_range: label_range.start_index)
    starts = [label_range.start_index for label_range in ordered]
    if len(set(starts)) != len(starts):
        raise ValueError(f"two page-label ranges start on the same page: {starts}")
    for label_range in ordered:
        if not 0 <= label_range.start_index < page_count:
            raise ValueError(
                f"page-label range starts at page index {label_range.start_index}, "
                f"but the PDF has {page_count} pages (indexes 0..{page_count - 1})"
            )
        if label_range.style not in _STYLES:
            raise ValueError(
                f"page-label range at index {label_range.start_index}: style must be one "
                f"of {_STYLES}, got {label_range.style!r}"
            )
        if label_range.first_number < 1:
            raise ValueError(
                f"page-label range at index {label_range.start_index}: first_number must "
                f"be at least 1, got {label_range.first_number}"
            )
    return ordered


def _label_dict(label_range: LabelRange) -> DictionaryObject:
    """The page-label dictionary (ISO 32000-1, table 159), omitting keys at their default."""
    label = DictionaryObject({NameObject("/Type"): NameObject("/PageLabel")})
    if label_range.style:
        label[NameObject("/S")] = NameObject("/" + label_range.style)
    if label_range.prefix:
        label[NameObject("/P")] = TextStringObject(label_range.prefix)
    if label_range.first_number != 1:
        label[NameObject("/St")] = NumberObject(label_range.first_number)
    return label
