"""Join parts laid out apart into one PDF, as if WeasyPrint had laid the book out at once.

Each part is a PDF that WeasyPrint wrote (``pdf/parts.py``); a link from a part into another
was written by WeasyPrint too, as every link, to a stand-in anchor on the part's first page
(so a tagged part tags it as it tags every link). The join, with pikepdf (qpdf):

* takes the first part's document (its ``/Info``, XMP, ``/ID``, ``/Lang``, ``/MarkInfo``,
  viewer preferences and output intents are the book's: every part was written from the same
  ``<head>``) and appends the other parts' pages;
* draws each part's folio overlay, if it has one, over its pages (a part laid out apart cannot
  know its first folio in time, see ``targets/pdf_parts.py``);
* merges the named destinations, leaving out the stand-ins, so that a link between parts leads
  to its real target; a link whose target is in no part is removed, as WeasyPrint removes it;
* merges the structure trees of tagged parts (below);
* writes the outline from the parts' bookmark trees, and the page labels.

**Tagged parts.** WeasyPrint 70 (``weasyprint/pdf/tags.py``) tags page by page: one
``/Document`` element whose kids are each page's top-level elements in page order (every element
below them is on the same page), a ``/ParentTree`` with one entry per page (key: the page's
index, its ``/StructParents``; value: the element of each marked-content id, by id) and then one
per annotation, numbered on from the page count in the order the pages were tagged (the value:
the ``/Link`` element holding the annotation's ``/OBJR``). Text in the margin boxes (running
heads, folios) is marked and mapped to elements that hang from ``/Document`` without being among
its kids. Joining the parts' trees is therefore: the kids of every part's ``/Document`` on the
kept pages, in order, under the first part's ``/Document``; the parent tree rebuilt with each
page's entry under its index in the book and the annotations numbered on from the book's page
count (each page's ``/StructParents`` and each annotation's ``/StructParent`` set to match);
table header ids (``<object number>-<row>-<column>``) made unique across parts. A folio overlay
is marked content too, mapped like WeasyPrint's folios. The structure of pages a part drops
(the index's placeholder) is left out with them.
"""

from __future__ import annotations

import io
import re
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

import pikepdf

from .pagelabels import LabelRange, set_page_labels
from .parts import Bookmark, CrossLink

#: What a WeasyPrint 70 structure tree root holds; anything else (role or class maps, an ID
#: tree, namespaces) the join does not know how to merge.
_ROOT_KEYS = {"/Type", "/K", "/ParentTree", "/ParentTreeNextKey"}
_TABLE_ID = re.compile(r"(\d+)(-\d+-\d+)")  # weasyprint/pdf/tags.py: f'{element.number}-{i}-{j}'
_SHOWS_TEXT = {"Tj", "TJ", "'", '"'}


class JoinError(Exception):
    """The parts hold something the join cannot merge: the book is laid out in one process."""


@dataclass(frozen=True)
class JoinPart:
    pdf: bytes
    pages: int  # pages taken from the start of ``pdf``
    overlay: bytes | None  # a PDF whose page i is drawn over page i (the folios), or None
    links: tuple[CrossLink, ...]  # links into other parts: their stand-in anchors are not joined


@dataclass
class _Tree:
    """A part's structure tree, as far as the kept pages go (objects of the part's own PDF)."""

    document: pikepdf.Object  # the /Document element
    tops: list[pikepdf.Object]  # its kids on the kept pages, in order
    loose: list[pikepdf.Object]  # elements hanging from /Document that are not its kids (margin boxes)
    pages: list[list[pikepdf.Object]]  # per kept page: the element of each marked-content id
    annotations: list[tuple[pikepdf.Object, pikepdf.Object]]  # (annotation, its element), in key order
    next_key: bool  # the part's root has a /ParentTreeNextKey
    ids: dict[str, str] = field(default_factory=dict)  # table header ids renamed


def join(parts: Sequence[JoinPart], outline: Sequence[Bookmark], labels: Sequence[LabelRange]) -> bytes:
    """One PDF of ``parts`` in order; ``outline`` pages are physical indexes of the result."""
    out = pikepdf.open(io.BytesIO(parts[0].pdf))
    opened = [out]
    try:
        sources = [out]
        for part in parts[1:]:
            sources.append(pikepdf.open(io.BytesIO(part.pdf)))
            opened.append(sources[-1])
        tagged = "/StructTreeRoot" in out.Root
        if tagged != all("/StructTreeRoot" in source.Root for source in sources):
            raise JoinError("some parts are tagged and some are not")
        trees: list[_Tree] = []
        offset = 0
        for source, part in zip(sources, parts, strict=True):
            if tagged:  # read before any page is dropped or copied
                trees.append(_read_tree(source, part.pages, offset))
            offset += int(source.trailer.Size)
        del out.pages[parts[0].pages :]
        starts = [0]
        for source, part in zip(sources[1:], parts[1:], strict=True):
            starts.append(len(out.pages))
            with warnings.catch_warnings():  # pikepdf's PageCopyWarning: named destinations are merged below
                warnings.simplefilter("ignore", pikepdf.PageCopyWarning)
                out.pages.extend(source.pages[: part.pages])
        kept = {page.obj.objgen for page in out.pages}
        names: dict[str, pikepdf.Object] = {}
        for source, part in zip(sources, parts, strict=True):
            stand_ins = {link.target for link in part.links}
            for name, dest in _dests(out, source):
                page = dest[0]
                # a stand-in, or a dropped page (sentinel, index placeholder): not a destination
                if name not in stand_ins and page is not None and page.objgen in kept:
                    names.setdefault(name, dest)
        marked = _merge_trees(out, sources, trees) if tagged else None
        for book_page in out.pages:  # a link to an anchor no part has: WeasyPrint leaves it out
            annotations = book_page.obj.get("/Annots")
            if annotations is not None:
                book_page.obj.Annots = pikepdf.Array([a for a in annotations if not _dangling(a, names)])
                if not book_page.obj.Annots:
                    del book_page.obj["/Annots"]
        for part, start in zip(parts, starts, strict=True):
            if part.overlay is not None:
                overlay = pikepdf.open(io.BytesIO(part.overlay))
                opened.append(overlay)
                for number in range(part.pages):
                    _overlay(out, start + number, overlay.pages[number], f"/TpFolios{start + number}", marked)
        if marked is not None:
            _write_parent_tree(out, marked, names, any(tree.next_key for tree in trees))
        out.Root.Names = pikepdf.Dictionary(
            Dests=pikepdf.Dictionary(
                Names=pikepdf.Array([item for name in sorted(names) for item in (pikepdf.String(name), names[name])])
            )
        )
        if "/Outlines" in out.Root:
            del out.Root.Outlines
        if outline:
            out.Root.Outlines = _outlines(out, outline, None)[0]
        set_page_labels(out, labels)
        buffer = io.BytesIO()
        out.save(
            buffer,
            deterministic_id=True,
            object_stream_mode=pikepdf.ObjectStreamMode.generate,
            fix_metadata_version=False,
        )
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


def _dangling(annotation: pikepdf.Object, names: dict[str, pikepdf.Object]) -> bool:
    dest = annotation.get("/Dest")
    return isinstance(dest, pikepdf.String) and str(dest) not in names


# --- structure trees ---------------------------------------------------------------------


def _read_tree(pdf: pikepdf.Pdf, kept: int, offset: int) -> _Tree:
    """The structure of ``pdf``'s first ``kept`` pages; table header ids renumbered by ``offset``
    (the object numbers of the parts before: WeasyPrint names a header after its element's)."""
    root = pdf.Root.StructTreeRoot
    unknown = sorted(set(root.keys()) - _ROOT_KEYS)
    if unknown:
        raise JoinError(f"the structure tree root has {', '.join(unknown)}, which the join cannot merge")
    kids = root.K if isinstance(root.K, pikepdf.Array) else pikepdf.Array([root.K])
    if len(kids) != 1 or kids[0].get("/S") != "/Document":
        raise JoinError("the structure tree is not one /Document element")
    document = kids[0]
    numbers = {int(key): value for key, value in pikepdf.NumberTree(root.ParentTree).items()}
    pages = list(pdf.pages[:kept])
    on_kept = {page.obj.objgen for page in pages}
    tops = [kid for kid in _kids(document) if kid.get("/Pg") is not None and kid.Pg.objgen in on_kept]
    tree = _Tree(document, tops, [], [], [], "/ParentTreeNextKey" in root)
    seen: set[tuple[int, int]] = {document.objgen}
    for top in tops:
        _visit(top, seen, tree, offset)
    for page in pages:
        elements = list(numbers[int(page.obj.StructParents)]) if "/StructParents" in page.obj else []
        tree.pages.append(elements)
        for element in elements:
            _climb(element, document, seen, tree, offset)
    annotations = {
        int(a.StructParent): a for page in pages for a in page.obj.get("/Annots", ()) if "/StructParent" in a
    }
    for key in sorted(annotations):
        tree.annotations.append((annotations[key], numbers[key]))
        _climb(numbers[key], document, seen, tree, offset)
    return tree


def _kids(element: pikepdf.Object) -> Iterator[pikepdf.Object]:
    """The structure elements among ``element``'s kids (not marked-content ids nor object references)."""
    kids = element.get("/K")
    if kids is None:
        return
    for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
        if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") != "/OBJR" and "/S" in kid:
            yield kid


def _visit(element: pikepdf.Object, seen: set[tuple[int, int]], tree: _Tree, offset: int) -> None:
    stack = [element]
    while stack:
        current = stack.pop()
        if current.objgen in seen:
            continue
        seen.add(current.objgen)
        _rename_table_ids(current, tree, offset)
        stack.extend(_kids(current))


def _climb(
    element: pikepdf.Object, document: pikepdf.Object, seen: set[tuple[int, int]], tree: _Tree, offset: int
) -> None:
    """Up from an element mapped in the parent tree to the first one already seen; an element
    whose parent is /Document but that is not one of its kids is loose (a margin box)."""
    while element.objgen not in seen:
        _visit(element, seen, tree, offset)
        parent = element.P
        if parent.objgen == document.objgen:
            tree.loose.append(element)
            return
        element = parent


def _rename_table_ids(element: pikepdf.Object, tree: _Tree, offset: int) -> None:
    """Header ids unique in the book: in each part, WeasyPrint numbers them by its own objects."""
    if not offset:
        return
    if element.get("/S") == "/TH" and isinstance(element.get("/ID"), pikepdf.String):
        element.ID = pikepdf.String(_renamed(str(element.ID), tree, offset))
    attributes = element.get("/A")
    if isinstance(attributes, pikepdf.Dictionary) and isinstance(attributes.get("/Headers"), pikepdf.Array):
        attributes.Headers = pikepdf.Array(
            [pikepdf.String(_renamed(str(header), tree, offset)) for header in attributes.Headers]
        )


def _renamed(ident: str, tree: _Tree, offset: int) -> str:
    if ident not in tree.ids:
        match = _TABLE_ID.fullmatch(ident)
        tree.ids[ident] = f"{int(match.group(1)) + offset}{match.group(2)}" if match else ident
    return tree.ids[ident]


@dataclass
class _Marked:
    """The joined structure, in the output PDF, before its parent tree is written."""

    document: pikepdf.Object
    pages: list[list[pikepdf.Object]]  # per page of the book: the element of each marked-content id
    annotations: list[tuple[pikepdf.Object, pikepdf.Object]]


def _merge_trees(out: pikepdf.Pdf, sources: Sequence[pikepdf.Pdf], trees: Sequence[_Tree]) -> _Marked:
    """Every part's kept structure under the first part's /Document (``out``'s), whose pages
    have already been copied."""
    first = trees[0]
    document = first.document
    tops = list(first.tops)
    marked = _Marked(document, [list(elements) for elements in first.pages], list(first.annotations))
    for source, tree in zip(sources[1:], trees[1:], strict=True):
        hanging = tree.tops + tree.loose
        for element in hanging:  # else copying an element copies the part's whole tree with it
            del element["/P"]
        page_lengths = [len(elements) for elements in tree.pages]
        bundle = pikepdf.Array(
            [*hanging, *(e for elements in tree.pages for e in elements), *(e for _, e in tree.annotations)]
        )
        copied = list(out.copy_foreign(source.make_indirect(bundle)))
        for element in copied[: len(hanging)]:
            element.P = document
        tops.extend(copied[: len(tree.tops)])
        rest = copied[len(hanging) :]
        for length in page_lengths:
            marked.pages.append(rest[:length])
            rest = rest[length:]
        # the annotations came with their pages (qpdf maps each foreign object once)
        marked.annotations.extend(zip((out.copy_foreign(a) for a, _ in tree.annotations), rest, strict=True))
    document.K = pikepdf.Array(tops)
    return marked


def _write_parent_tree(out: pikepdf.Pdf, marked: _Marked, names: dict[str, pikepdf.Object], next_key: bool) -> None:
    """The parent tree as WeasyPrint writes it: pages by index, then the annotations."""
    nums: list[int | pikepdf.Object] = []  # one pikepdf.Array at the end: extending one is slow
    for number, (page, elements) in enumerate(zip(out.pages, marked.pages, strict=True)):
        page.obj.StructParents = number
        nums.extend([number, pikepdf.Array(elements)])
    key = len(out.pages)
    for annotation, element in marked.annotations:
        if _dangling(annotation, names):  # removed from its page: its element keeps the link's text
            element.K = pikepdf.Array(
                [
                    kid
                    for kid in element.K
                    if not (isinstance(kid, pikepdf.Dictionary) and kid.get("/Obj") == annotation)
                ]
            )
            continue
        annotation.StructParent = key
        nums.extend([key, element])
        key += 1
    root = out.Root.StructTreeRoot
    root.ParentTree = out.make_indirect(pikepdf.Dictionary(Nums=pikepdf.Array(nums)))
    if next_key:
        root.ParentTreeNextKey = key


# --- folios, links, outline --------------------------------------------------------------


def _overlay(out: pikepdf.Pdf, number: int, folios: pikepdf.Page, name: str, marked: _Marked | None) -> None:
    """Draw ``folios`` over page ``number``: both pages have the same boxes and coordinates, so
    the form is drawn in place. (pikepdf's ``add_overlay`` names the form at random: not
    reproducible.) ``name`` is unique in the book: WeasyPrint gives all pages one resource
    dictionary. In a tagged book the folio is marked and mapped as WeasyPrint maps the text of a
    margin box: a /Span in a /NonStruct hanging from /Document; a page without a folio is an
    artifact."""
    page = out.pages[number]
    form = out.copy_foreign(folios.as_form_xobject())
    page.add_resource(form, pikepdf.Name.XObject, pikepdf.Name(name))
    draw = f"q {name} Do Q"
    if marked is not None:
        if any(str(op.operator) in _SHOWS_TEXT for op in pikepdf.parse_content_stream(folios.obj)):
            elements = marked.pages[number]
            box = out.make_indirect(
                pikepdf.Dictionary(
                    Type=pikepdf.Name.StructElem,
                    S=pikepdf.Name.NonStruct,
                    K=pikepdf.Array(),
                    Pg=page.obj,
                    P=marked.document,
                )
            )
            text = out.make_indirect(
                pikepdf.Dictionary(
                    Type=pikepdf.Name.StructElem,
                    S=pikepdf.Name.Span,
                    K=pikepdf.Array([len(elements)]),
                    Pg=page.obj,
                    P=box,
                )
            )
            box.K.append(text)
            draw = f"/Span <</MCID {len(elements)}>> BDC {draw} EMC"
            elements.append(text)
        else:
            draw = f"/Artifact BMC {draw} EMC"
    # the page's own content leaves its transformation in place: draw the folios outside it
    page.contents_add(out.make_stream(b"q\n"), prepend=True)
    page.contents_add(out.make_stream(f"\nQ\n{draw}\n".encode()), prepend=False)


def _outlines(out: pikepdf.Pdf, marks: Sequence[Bookmark], parent: pikepdf.Object | None) -> tuple[pikepdf.Object, int]:
    """WeasyPrint's ``add_outlines`` (weasyprint/pdf/anchors.py), written with pikepdf."""
    count = len(marks)
    items: list[pikepdf.Object] = []
    for mark in marks:
        item: pikepdf.Object = out.make_indirect(
            pikepdf.Dictionary(
                Title=pikepdf.String(mark.label),
                Dest=pikepdf.Array([out.pages[mark.page].obj, pikepdf.Name.XYZ, mark.x, mark.y, 0]),
            )
        )
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
