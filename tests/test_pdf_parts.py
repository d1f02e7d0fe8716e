"""Both cores for the PDF (issue 12): the book laid out in parts at once and joined must be the
PDF one process lays out: same pages and text (folios, running heads, contents, index), the same
named destinations, links, outline and page labels, and for a tagged PDF the same structure tree.
Real builds, read back with pdftotext, pikepdf and pdfplumber."""

from __future__ import annotations

import io
import subprocess
from collections import defaultdict
from pathlib import Path
from typing import Any

import pdfplumber
import pikepdf
import pytest
import weasyprint
from conftest import BOOKS, REPO, build_book

from treatypress.pdf.join import JoinPart, join
from treatypress.pdf.pagelabels import LabelRange
from treatypress.pdf.parts import PartLayout, PartSpec, lay_out_part
from treatypress.pdf.tagging import richer_tags


def _texts(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    return text.split("\f")[:-1]


def _structure(path: Path) -> dict[str, Any]:
    """What a reader's viewer uses besides the page text, with pages as physical indexes."""
    with pikepdf.open(path) as pdf:
        pages = {page.obj.objgen: number for number, page in enumerate(pdf.pages)}

        def where(dest: Any) -> tuple[Any, ...]:
            return (pages.get(dest[0].objgen), *(round(float(v), 2) for v in dest[2:4]))

        names = pdf.Root.Names.Dests.Names
        dests = {str(names[i]): where(names[i + 1]) for i in range(0, len(names), 2)}
        links = sorted(
            (
                number,
                tuple(round(float(v), 2) for v in annot.Rect),
                str(annot.Dest) if "/Dest" in annot else str(annot.A.URI),
            )
            for number, page in enumerate(pdf.pages)
            for annot in page.obj.get("/Annots", [])
        )
        outline: list[tuple[int, str, Any]] = []
        with pdf.open_outline() as tree:

            def walk(items: Any, depth: int) -> None:
                for item in items:
                    outline.append((depth, item.title, where(item.destination)))
                    walk(item.children, depth + 1)

            walk(tree.root, 0)
        labels = [page.label for page in pdf.pages]
        boxes = [
            (
                tuple(page.mediabox),
                tuple(page.trimbox),
                tuple(page.obj.get("/BleedBox", ())),
                sorted(str(key) for key in page.obj.Resources.get("/ColorSpace", {})),
            )
            for page in pdf.pages
        ]
        intents = [
            (
                str(intent.S),
                str(intent.OutputConditionIdentifier),
                str(intent.get("/OutputCondition")),
                intent.DestOutputProfile.read_bytes(),
            )
            for intent in pdf.Root.get("/OutputIntents", ())
        ]
        document = (
            pdf.pdf_version,
            [bytes(part) for part in pdf.trailer.ID][:1],
            {str(key): str(value) for key, value in pdf.docinfo.items()},
            pdf.Root.Metadata.read_bytes() if "/Metadata" in pdf.Root else None,
        )
    return {
        "dests": dests,
        "links": links,
        "outline": outline,
        "labels": labels,
        "boxes": boxes,
        "intents": intents,
        "document": document,
    }


def _marked_text(path: Path) -> dict[tuple[int, int], str]:
    """The text of each marked-content id, by (physical page, id), as pdfplumber reads the
    pages (form XObjects included); every character must be marked content or an artifact."""
    found: dict[tuple[int, int], str] = defaultdict(str)
    with pdfplumber.open(path) as pdf:
        for number, page in enumerate(pdf.pages):
            for char in page.chars:
                assert char["mcid"] is not None or char["tag"] == "Artifact", (number, char["text"], char["tag"])
                if char["mcid"] is not None:
                    found[(number, char["mcid"])] += char["text"]
    return found


def _tagged(path: Path) -> dict[str, Any]:
    """A tagged PDF's structure, checked for consistency on the way, as data to compare: the
    tree from the root in order (depth, tag, page, its own text, language, alternate text, note
    id, the headers of a table cell, the targets of its links), the text of the elements that
    hang outside the tree (margin boxes: running heads and folios) per page, and the catalog
    entries PDF/UA asks for."""
    text = _marked_text(path)
    with pikepdf.open(path) as pdf:
        pages = {page.obj.objgen: number for number, page in enumerate(pdf.pages)}
        root = pdf.Root.StructTreeRoot
        assert set(root.keys()) <= {"/Type", "/K", "/ParentTree", "/ParentTreeNextKey"}
        (document,) = root.K if isinstance(root.K, pikepdf.Array) else [root.K]
        assert document.S == "/Document"
        parents = {int(key): value for key, value in pikepdf.NumberTree(root.ParentTree).items()}
        tree: list[tuple[Any, ...]] = []
        in_tree: set[tuple[int, int]] = set()
        headers: dict[str, str] = {}  # a table header's id -> its text
        cells: list[tuple[int, list[str]]] = []

        def walk(element: Any, parent: Any, depth: int) -> str:
            assert element.Type == "/StructElem" and element.P.objgen == parent.objgen
            assert element.objgen not in in_tree
            in_tree.add(element.objgen)
            # no element points at a page the book does not have (only /Document has no page)
            page = pages[element.Pg.objgen] if element.S != "/Document" else None
            position = len(tree)
            tree.append(())
            own, links, inner = [], [], []
            for kid in element.K:
                if isinstance(kid, int):
                    assert page is not None
                    own.append(text.get((page, kid), ""))
                elif kid.get("/Type") == "/OBJR":
                    assert pages[kid.Pg.objgen] == page
                    links.append(str(kid.Obj.get("/Dest", "")) or str(kid.Obj.A.URI))
                else:
                    inner.append(walk(kid, element, depth + 1))
            mine = "".join(own)
            if element.S == "/TH":
                headers[str(element.ID)] = mine + "".join(inner)
            attributes = element.get("/A")
            if isinstance(attributes, pikepdf.Dictionary) and "/Headers" in attributes:
                cells.append((position, [str(h) for h in attributes.Headers]))
            tree[position] = (
                depth,
                str(element.S),
                page,
                mine,
                str(element.get("/Lang", "")),
                str(element.get("/Alt", "")),
                str(element.get("/ID", "")) if element.S == "/Note" else "",
                tuple(links),
            )
            return mine + "".join(inner)

        walk(document, root, 0)
        assert len(headers) == len([e for e in tree if e[1] == "/TH"]), "table header ids are unique"
        cell_headers = [(position, tuple(headers[h] for h in ids)) for position, ids in cells]  # ids resolve

        keys: set[int] = set()
        outside: list[list[str]] = []
        for number, page in enumerate(pdf.pages):
            key = int(page.obj.StructParents)
            assert key not in keys
            keys.add(key)
            loose = []
            for mcid, element in enumerate(parents[key]):
                # each marked-content id of the page is mapped to an element on this page that holds it
                assert pages[element.Pg.objgen] == number and mcid in list(element.K), (number, mcid)
                if element.objgen not in in_tree:
                    loose.append(text.get((number, mcid), ""))
            outside.append(sorted(loose))
            used = {mcid for page_number, mcid in text if page_number == number}
            assert used <= set(range(len(parents[key]))), f"page {number} marks content the parent tree lacks"
            for annotation in page.obj.get("/Annots", ()):
                key = int(annotation.StructParent)
                assert key not in keys
                keys.add(key)
                element = parents[key]
                assert element.S == "/Link" and element.objgen in in_tree
                assert [
                    kid
                    for kid in element.K
                    if isinstance(kid, pikepdf.Dictionary)
                    and kid.get("/Type") == "/OBJR"
                    and kid.Obj.objgen == annotation.objgen
                    and kid.Pg.objgen == page.obj.objgen
                ], "the link's element holds it"
        assert keys == set(parents), "the parent tree has no entry that no page or annotation uses"
        # nothing left over in the file: one tree, no element of a dropped page, no dropped page
        objects = [o for o in pdf.objects if isinstance(o, pikepdf.Dictionary)]
        assert [str(o.Type) for o in objects if o.get("/Type") in ("/StructTreeRoot", "/Pages")] in (
            ["/StructTreeRoot", "/Pages"],
            ["/Pages", "/StructTreeRoot"],
        )
        assert len([o for o in objects if o.get("/S") == "/Document"]) == 1
        assert all(o.Pg.objgen in pages for o in objects if o.get("/Type") == "/StructElem" and "/Pg" in o)
        assert all(o.objgen in pages for o in objects if o.get("/Type") == "/Page")
        if "/ParentTreeNextKey" in root:
            assert int(root.ParentTreeNextKey) > max(keys)
        catalog = (
            str(pdf.Root.Lang),
            bool(pdf.Root.MarkInfo.Marked),
            bool(pdf.Root.ViewerPreferences.DisplayDocTitle),
            pdf.Root.Metadata.read_bytes(),
            {str(k): str(v) for k, v in pdf.docinfo.items()},
        )
        assert catalog[1] and catalog[2] and b'pdfuaid:part="1"' in catalog[3]
    return {"tree": tree, "cells": cell_headers, "outside": outside, "catalog": catalog}


def _pdf(result: Any) -> Path:
    path: Path = next(p for p in result.written if p.suffix == ".pdf" and "imposed" not in p.name)
    return path


@pytest.mark.parametrize(
    "book,variant,jobs,session_build",
    [
        (BOOKS / "minimal", "plain", 2, None),
        (REPO, "plain", 3, None),
        (BOOKS / "minimal", "accessible", 2, "small_book"),
        (REPO, "accessible", 2, "default_book"),
        (BOOKS / "minimal", "press", 2, None),
    ],
    ids=["small-book", "default-book-3-parts", "small-book-tagged", "default-book-tagged", "small-book-press"],
)
def test_parts_join_into_the_one_process_pdf(
    tmp_path: Path, book: Path, variant: str, jobs: int, session_build: str | None, request: pytest.FixtureRequest
) -> None:
    # the session's build of the book with its defaults (tagged, processes chosen from its size)
    # stands for whichever side it is: one build fewer
    session = request.getfixturevalue(session_build).result if session_build else None
    if session is not None and session.parts == 1:
        one = session
    else:
        one = build_book(book, tmp_path / "one", formats=("pdf",), variant=variant, jobs=1, cache=False)
    if session is not None and session.parts == jobs:
        parts = session
    else:
        parts = build_book(book, tmp_path / "parts", formats=("pdf",), variant=variant, jobs=jobs, cache=False)
    assert one.parts == 1 and parts.parts == jobs
    assert not [d for d in parts.diagnostics if d.code.startswith("footnote")]
    one_texts, parts_texts = _texts(_pdf(one)), _texts(_pdf(parts))
    assert len(parts_texts) == len(one_texts)
    assert one.pages == parts.pages == len(one_texts), "the build reports the PDF's own page count"
    for number, (expected, got) in enumerate(zip(one_texts, parts_texts, strict=True), 1):
        assert got == expected, f"page {number} differs"
    expected_structure, got_structure = _structure(_pdf(one)), _structure(_pdf(parts))
    for key, expected_value in expected_structure.items():
        assert got_structure[key] == expected_value, key
    if variant == "press":  # paper has no links; the boxes, marks and output intent are compared above
        assert not got_structure["links"] and got_structure["intents"]
    else:
        assert got_structure["links"], "the book has internal links to check"
    assert [d.format() for d in parts.diagnostics] == [d.format() for d in one.diagnostics]
    if variant == "accessible":
        expected_tags, got_tags = _tagged(_pdf(one)), _tagged(_pdf(parts))
        assert len(got_tags["tree"]) == len(expected_tags["tree"])
        for number, (expected_element, got_element) in enumerate(
            zip(expected_tags["tree"], got_tags["tree"], strict=True)
        ):
            assert got_element == expected_element, f"structure element {number}"
        for key in ("cells", "outside", "catalog"):
            assert got_tags[key] == expected_tags[key], key
        assert [e for e in got_tags["tree"] if e[1] == "/Link" and e[7]], "links tagged in the tree"


_TABLE = (
    "<table><thead><tr><th>Treaty</th><th>Year</th></tr></thead>"
    "<tbody><tr><td>Moscow</td><td>1920</td></tr></tbody></table>"
)
_SECTIONS = [
    f'<section id="a"><h1>One</h1><p>To <a href="#b">two</a>, to <a href="#gone">nowhere</a>.</p>{_TABLE}</section>',
    f'<section id="b"><h1>Two</h1><p>To <a href="#a">one</a>, to <a href="#gone">nowhere</a>.</p>{_TABLE}</section>',
]


_PAGE = "@page { size: A6 } section + section { break-before: page }"


def _html(sections: list[str]) -> str:
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"/><title>Parts</title></head><body>'
        f"{''.join(sections)}</body></html>"
    )


def _tagged_part(root: Path, sections: list[str]) -> PartLayout:
    return lay_out_part(PartSpec(_html(sections), (_PAGE,), root, (), (), 0, "pdf/ua-1", b"urn:test:parts"))


def test_tagged_parts_join_into_one_structure_tree(tmp_path: Path) -> None:
    """Two tagged parts, each with a table (WeasyPrint names a table header after its object
    number, which the parts share), a link into the other part and a link to an anchor no part
    has: joined, they give the structure of the two laid out as one document."""
    document = weasyprint.HTML(string=_html(_SECTIONS)).render(stylesheets=[weasyprint.CSS(string=_PAGE)])
    with richer_tags():  # as build_pdf writes a one-process book
        document.write_pdf(
            tmp_path / "whole.pdf",
            pdf_variant="pdf/ua-1",
            pdf_identifier=b"urn:test:parts",
            custom_metadata=True,
            uncompressed_pdf=False,
        )
    first, second = _tagged_part(tmp_path, _SECTIONS[:1]), _tagged_part(tmp_path, _SECTIONS[1:])
    assert [link.target for link in first.links] == ["b", "gone"]
    assert [link.target for link in second.links] == ["a", "gone"]
    (tmp_path / "joined.pdf").write_bytes(
        join([JoinPart(part.pdf, part.pages, None, part.links) for part in (first, second)], [], [LabelRange(0, "D")])
    )
    expected, got = _tagged(tmp_path / "whole.pdf"), _tagged(tmp_path / "joined.pdf")
    assert got == expected
    assert [entry[7] for entry in got["tree"] if entry[1] == "/Link"] == [("b",), (), ("a",), ()]
    assert len(got["cells"]) == 4 and {header for _, headers in got["cells"] for header in headers} == {
        "Treaty",
        "Year",
    }
    with pikepdf.open(tmp_path / "joined.pdf") as pdf:
        names = pdf.Root.Names.Dests.Names
        assert [str(names[i]) for i in range(0, len(names), 2)] == ["a", "b"]  # no stand-in, nothing for "gone"
    # the parts alone name their headers alike: the join renamed them (``_tagged`` checks they are unique)
    assert set(_header_ids(first.pdf)) == set(_header_ids(second.pdf))


def _header_ids(data: bytes) -> list[str]:
    with pikepdf.open(io.BytesIO(data)) as pdf:
        return [str(e.ID) for e in pdf.objects if isinstance(e, pikepdf.Dictionary) and e.get("/S") == "/TH"]


@pytest.mark.parametrize("variant,jobs", [("plain", 2), ("accessible", 2), ("press", 2), ("press", 1)])
def test_parts_are_byte_reproducible(tmp_path: Path, variant: str, jobs: int) -> None:
    """(The press PDF in one process too: WeasyPrint writes a random PDF/X document id, which
    ``pdf/press.py`` replaces.)"""
    first = build_book(BOOKS / "minimal", tmp_path / "a", formats=("pdf",), variant=variant, jobs=jobs, cache=False)
    second = build_book(BOOKS / "minimal", tmp_path / "b", formats=("pdf",), variant=variant, jobs=jobs, cache=False)
    assert first.parts == jobs
    assert _pdf(first).read_bytes() == _pdf(second).read_bytes()
    check = subprocess.run(["qpdf", "--check", str(_pdf(first))], capture_output=True, text=True)
    assert check.returncode == 0 and "No syntax or stream encoding errors" in check.stdout, check.stdout


def test_an_epub_beside_parts_gets_the_printed_pages_of_the_joined_pdf(tmp_path: Path) -> None:
    build_book(BOOKS / "minimal", tmp_path / "one", formats=("pdf", "epub"), variant="plain", jobs=1)
    parts = build_book(BOOKS / "minimal", tmp_path / "parts", formats=("pdf", "epub"), variant="plain", jobs=2)
    assert parts.parts == 2
    epub = "small-book.epub"
    assert (tmp_path / "one" / epub).read_bytes() == (tmp_path / "parts" / epub).read_bytes()
