"""The linked index inside a real EPUB 3: EPUBCheck 5 must report 0 errors and 0 warnings,
and every index link must resolve to an id that exists."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from conftest import EpubChecks

from treatypress.diagnostics import Location
from treatypress.index import IndexMark, build_indexes, page_runs, parse_mark, render_linked
from treatypress.index.model import PageRef

CHAPTER = """<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE html>
<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops" lang="en" xml:lang="en">
<head><title>Chapter 1</title></head>
<body><section epub:type="chapter"><h1>Chapter 1</h1>
<p><span id="m1">Vilnius</span> and <span id="m2">Kaunas</span>.</p>
<p>Again <span id="m3">Vilnius</span>, then <span id="m4">Vilnius</span> and <span id="m6">Żeligowski</span>.</p>
<div id="m5"><p>The war.</p><span id="m5-end"></span></div>
</section></body></html>
"""

INDEX = """<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE html>
<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops" lang="en" xml:lang="en">
<head><title>Index</title></head>
<body{body_type}>
{index}</body></html>
"""

NAV = """<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE html>
<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops" lang="en" xml:lang="en">
<head><title>Contents</title></head>
<body>
<nav epub:type="toc" id="toc"><h1>Contents</h1><ol>
<li><a href="ch1.xhtml">Chapter 1</a></li><li><a href="index.xhtml">Index</a></li></ol></nav>
<nav epub:type="landmarks" id="landmarks" hidden=""><h2>Landmarks</h2><ol>
<li><a epub:type="bodymatter" href="ch1.xhtml">Start</a></li>
<li><a epub:type="index" href="index.xhtml">Index</a></li></ol></nav>
</body></html>
"""

OPF = """<?xml version="1.0" encoding="utf-8"?>
<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="uid" xml:lang="en">
<metadata xmlns:dc="http://purl.org/dc/elements/1.1/">
<dc:identifier id="uid">urn:uuid:5c0ffee0-0000-4000-8000-000000000005</dc:identifier>
<dc:title>Index test</dc:title><dc:language>en</dc:language>
<meta property="dcterms:modified">2024-01-01T00:00:00Z</meta>
</metadata>
<manifest>
<item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>
<item id="ch1" href="ch1.xhtml" media-type="application/xhtml+xml"/>
<item id="index" href="index.xhtml" media-type="application/xhtml+xml"{index_props}/>
</manifest>
<spine><itemref idref="ch1"/><itemref idref="index"/></spine>
</package>
"""

CONTAINER = """<?xml version="1.0"?>
<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
<rootfiles><rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/></rootfiles>
</container>
"""


def marks() -> list[IndexMark]:
    specs: list[tuple[dict[str, str], str, str, str | None]] = [
        ({"class": "idx"}, "Vilnius", "m1", None),
        ({"idx": "Kaunas", "seealso": "Vilnius"}, "Kaunas", "m2", None),
        ({"class": "idx"}, "Vilnius", "m3", None),
        ({"idx": "Vilnius!seized by Poland (1919)"}, "Vilnius", "m4", None),
        ({"idx": "Polish–Soviet War"}, "", "m5", "m5-end"),
        ({"idx": "Żeligowski"}, "Żeligowski", "m6", None),
        ({"idx": "Wilno", "see": "Vilnius"}, "", "m7", None),
    ]
    found = []
    for attrs, text, anchor, end in specs:
        mark, problems = parse_mark(attrs, text, anchor, end, Location("ch1.md", 1), section="Chapter 1")
        assert problems == () and mark is not None
        found.append(mark)
    return found


PAGES = {
    "m1": PageRef(3, "3"),
    "m2": PageRef(3, "3"),
    "m3": PageRef(3, "3"),
    "m4": PageRef(4, "4"),
    "m5": PageRef(5, "5"),
    "m5-end": PageRef(7, "7"),
    "m6": PageRef(7, "7"),
}


def write_epub(path: Path, index_xhtml: str, index_props: str = "") -> None:
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/epub+zip", compress_type=zipfile.ZIP_STORED)
        z.writestr("META-INF/container.xml", CONTAINER, compress_type=zipfile.ZIP_DEFLATED)
        z.writestr("OEBPS/content.opf", OPF.format(index_props=index_props), compress_type=zipfile.ZIP_DEFLATED)
        z.writestr("OEBPS/nav.xhtml", NAV, compress_type=zipfile.ZIP_DEFLATED)
        z.writestr("OEBPS/ch1.xhtml", CHAPTER, compress_type=zipfile.ZIP_DEFLATED)
        z.writestr("OEBPS/index.xhtml", index_xhtml, compress_type=zipfile.ZIP_DEFLATED)


CASES = {"print-pages": (PAGES, False), "sections": (None, False), "opf-index-property": (PAGES, True)}


@pytest.fixture(scope="module")
def index_epubs(tmp_path_factory: pytest.TempPathFactory, epubchecks: EpubChecks) -> dict[str, tuple[Path, str, str]]:
    """Each case's EPUB, its index fragment and index page; all three are written first and
    EPUBCheck started on each at once, so the three runs overlap."""
    built = {}
    for name, (pages, declared) in CASES.items():
        (index,), problems = build_indexes(marks(), "en")
        assert problems == ()
        fragment = render_linked(index, pages, lambda anchor: f"ch1.xhtml#{anchor}", body_is_index=declared)
        # declared: the OPF says properties="index", which makes EPUBCheck apply the Indexes rules
        xhtml = INDEX.format(body_type=' epub:type="index"' if declared else "", index=fragment)
        path = tmp_path_factory.mktemp(name) / "book.epub"
        write_epub(path, xhtml, ' properties="index"' if declared else "")
        epubchecks.start(path)
        built[name] = (path, fragment, xhtml)
    return built


@pytest.mark.parametrize("case", list(CASES))
def test_linked_index_passes_epubcheck_and_its_links_resolve(
    case: str, index_epubs: dict[str, tuple[Path, str, str]], epubchecks: EpubChecks
) -> None:
    path, fragment, xhtml = index_epubs[case]
    assert epubchecks.problems(path) == []

    chapter_ids = set(re.findall(r'id="([^"]+)"', CHAPTER))
    index_ids = set(re.findall(r'id="([^"]+)"', xhtml))
    for href in re.findall(r'href="([^"]+)"', fragment):
        file, _, fragment_id = href.partition("#")
        assert fragment_id in (chapter_ids if file == "ch1.xhtml" else index_ids), href


def test_every_mark_has_a_link_and_the_print_numbers_show() -> None:
    (index,), _ = build_indexes(marks(), "en")
    fragment = render_linked(index, PAGES, lambda anchor: f"ch1.xhtml#{anchor}")
    linked = set(re.findall(r'href="ch1\.xhtml#([^"]+)"', fragment))
    assert linked == {"m1", "m2", "m3", "m4", "m5", "m5-end", "m6"}
    vilnius = next(e for g in index.groups for e in g.entries if e.heading == "Vilnius")
    assert [run.label for run in page_runs(vilnius.locators, PAGES)] == ["3"]
