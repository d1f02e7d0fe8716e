"""Join parts laid out apart into one PDF, as if WeasyPrint had laid the book out at once.

Each part is a PDF that WeasyPrint wrote (``pdf/parts.py``). The join, with pikepdf (qpdf):

* takes the first part's document (its ``/Info``, XMP, ``/ID``, viewer preferences and output
  intents are the book's: every part was written from the same ``<head>``) and appends the
  other parts' pages;
* draws each part's folio overlay, if it has one, over its pages (a part laid out apart cannot
  know its first folio in time, see ``targets/pdf.py``);
* merges the named destinations (WeasyPrint's internal links point at names, so a link that
  stays inside its part still works) and adds back the links WeasyPrint dropped because their
  target was in another part, exactly as WeasyPrint writes a link annotation;
* writes the outline from the parts' bookmark trees, and the page labels.

Only untagged PDFs are joined: a tagged part's structure tree, parent tree and link structure
elements would have to be merged too, so the accessible variant is laid out in one process.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

import pikepdf

from .pagelabels import LabelRange, set_page_labels
from .parts import Bookmark, CrossLink


@dataclass(frozen=True)
class JoinPart:
    pdf: bytes
    pages: int  # pages taken from the start of ``pdf``
    overlay: bytes | None  # a PDF whose page i is drawn over page i (the folios), or None
    links: tuple[CrossLink, ...]  # links into other parts, pages counted within this part


def join(parts: Sequence[JoinPart], outline: Sequence[Bookmark], labels: Sequence[LabelRange]) -> bytes:
    """One PDF of ``parts`` in order; ``outline`` pages are physical indexes of the result."""
    out = pikepdf.open(io.BytesIO(parts[0].pdf))
    opened = [out]
    try:
        del out.pages[parts[0].pages:]
        starts = [0]
        for part in parts[1:]:
            starts.append(len(out.pages))
            source = pikepdf.open(io.BytesIO(part.pdf))
            opened.append(source)
            out.pages.extend(source.pages[:part.pages])
        kept = {page.obj.objgen for page in out.pages}
        names: dict[str, pikepdf.Object] = {}
        for source in opened:
            for name, dest in _dests(out, source):
                page = dest[0]
                if page is not None and page.objgen in kept:  # a dropped page (sentinel, index placeholder)
                    names.setdefault(name, dest)
        for part, start in zip(parts, starts, strict=True):
            if part.overlay is not None:
                overlay = pikepdf.open(io.BytesIO(part.overlay))
                opened.append(overlay)
                for number in range(part.pages):
                    _overlay(out, out.pages[start + number], overlay.pages[number], f"/TpFolios{start + number}")
            for link in part.links:
                if link.target in names:  # one layout drops a link to a missing anchor too
                    _add_link(out, out.pages[start + link.page], link)
        out.Root.Names = pikepdf.Dictionary(Dests=pikepdf.Dictionary(Names=pikepdf.Array(
            [item for name in sorted(names) for item in (pikepdf.String(name), names[name])])))
        if "/Outlines" in out.Root:
            del out.Root.Outlines
        if outline:
            out.Root.Outlines = _outlines(out, outline, None)[0]
        set_page_labels(out, labels)
        buffer = io.BytesIO()
        out.save(buffer, deterministic_id=True, object_stream_mode=pikepdf.ObjectStreamMode.generate,
                 fix_metadata_version=False)
        return buffer.getvalue()
    finally:
        for pdf in reversed(opened):
            pdf.close()


def _dests(out: pikepdf.Pdf, source: pikepdf.Pdf) -> list[tuple[str, pikepdf.Object]]:
    """The named destinations of ``source``, their pages mapped to the pages copied into ``out``
    (qpdf remembers which foreign page became which)."""
    names = source.Root.get("/Names")
    dests = names.get("/Dests") if names is not None else None
    if dests is None:
        return []
    # copy_foreign takes only indirect objects: WeasyPrint writes the name array inline
    array = dests.Names if source is out else out.copy_foreign(source.make_indirect(dests.Names))
    return [(str(array[i]), array[i + 1]) for i in range(0, len(array), 2)]


def _overlay(out: pikepdf.Pdf, page: pikepdf.Page, folios: pikepdf.Page, name: str) -> None:
    """Draw ``folios`` over ``page``: both pages have the same boxes and coordinates, so the form
    is drawn in place. (pikepdf's ``add_overlay`` names the form at random: not reproducible.)
    ``name`` is unique in the book: WeasyPrint gives all pages one resource dictionary."""
    form = out.copy_foreign(folios.as_form_xobject())
    page.add_resource(form, pikepdf.Name.XObject, pikepdf.Name(name))
    # the page's own content leaves its transformation in place: draw the folios outside it
    page.contents_add(out.make_stream(b"q\n"), prepend=True)
    page.contents_add(out.make_stream(f"\nQ\nq {name} Do Q\n".encode()), prepend=False)


def _add_link(out: pikepdf.Pdf, page: pikepdf.Page, link: CrossLink) -> None:
    annotation = out.make_indirect(pikepdf.Dictionary(
        Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Link, Rect=pikepdf.Array(list(link.rect)),
        BS=pikepdf.Dictionary(W=0), Dest=pikepdf.String(link.target)))
    if "/Annots" not in page.obj:
        page.obj.Annots = pikepdf.Array()
    page.obj.Annots.append(annotation)


def _outlines(out: pikepdf.Pdf, marks: Sequence[Bookmark], parent: pikepdf.Object | None
              ) -> tuple[pikepdf.Object, int]:
    """WeasyPrint's ``add_outlines`` (weasyprint/pdf/anchors.py), written with pikepdf."""
    count = len(marks)
    items: list[pikepdf.Object] = []
    for mark in marks:
        item: pikepdf.Object = out.make_indirect(pikepdf.Dictionary(
            Title=pikepdf.String(mark.label),
            Dest=pikepdf.Array([out.pages[mark.page].obj, pikepdf.Name.XYZ, mark.x, mark.y, 0])))
        children, children_count = _outlines(out, mark.children, item) if mark.children else (None, 0)
        item.Count = children_count if mark.open else -children_count
        if mark.open:
            count += children_count
        if items:
            item.Prev = items[-1]
            items[-1].Next = item
        if children is not None:
            item.First = children.First
            item.Last = children.Last
        if parent is not None:
            item.Parent = parent
        items.append(item)
    root: pikepdf.Object = out.make_indirect(pikepdf.Dictionary(Count=count, First=items[0], Last=items[-1]))
    if parent is None:
        for item in items:
            item.Parent = root
    return root, count
