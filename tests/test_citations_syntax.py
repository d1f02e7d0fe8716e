"""Pandoc citation syntax: one fixture per form, with footnotes, spans and front matter on."""

from __future__ import annotations

from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.attrs import attrs_plugin
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.front_matter import front_matter_plugin

from treatypress.bibliography.types import Citation
from treatypress.markdown.citations import citations_plugin


def parser() -> MarkdownIt:
    return (
        MarkdownIt("commonmark")
        .use(front_matter_plugin)
        .use(footnote_plugin, inline=True)
        .use(attrs_plugin, spans=True)
        .use(citations_plugin)
    )


def cites(src: str) -> list[tuple[str, Citation]]:
    env: dict[str, Any] = {}
    found: list[tuple[str, Citation]] = []

    def walk(tokens: list[Token]) -> None:
        for t in tokens:
            if t.type == "citation":
                found.append((t.content, t.meta["citation"]))
            walk(t.children or [])

    walk(parser().parse(src, env))
    for note in env.get("footnotes", {}).get("list", {}).values():
        walk(note.get("tokens") or [])
    return found


def one(src: str) -> Citation:
    ((_content, citation),) = cites(src)
    return citation


def test_simple() -> None:
    c = one("Text [@senn1966].")
    assert not c.author_in_text and [i.key for i in c.items] == ["senn1966"]


def test_page_locator_forms() -> None:
    assert one("[@a, p. 12]").items[0].locator == "12"
    item = one("[@a, 67–70]").items[0]
    assert (item.locator, item.label) == ("67–70", "page")
    item = one("[@a, chap. 3]").items[0]
    assert (item.locator, item.label) == ("3", "chapter")
    item = one("[@a, sec. 2, emphasis mine]").items[0]
    assert (item.locator, item.label, item.suffix) == ("2", "section", ", emphasis mine")


def test_prefixes_and_several_works() -> None:
    c = one("[see @a, 3; also @b, 5–6]")
    assert [(i.prefix, i.key, i.locator) for i in c.items] == [("see", "a", "3"), ("also", "b", "5–6")]


def test_author_in_text_and_suppress() -> None:
    c = one("As @senn1966 [p. 12] says.")
    assert c.author_in_text and c.items[0].locator == "12"
    assert one("[-@senn1966]").items[0].suppress_author
    assert one("@{weird key} wrote").items[0].key == "weird key"


def test_not_citations() -> None:
    assert cites("Mail a@b.com [citation needed] [span]{.sc} [link](http://x) foot[^1]\n\n[^1]: x") == []


def test_inside_footnotes() -> None:
    found = cites("Text.^[See @a, 5.] More.[^n]\n\n[^n]: Also [@b].\n")
    assert {c.items[0].key for _, c in found} == {"a", "b"}


def test_file_positions_count_front_matter() -> None:
    src = "---\ntitle: x\n---\n\nText [see @senn1966, 67–70].\n\n> quoted [@b]\n"
    (_, c1), (_, c2) = cites(src)
    assert (c1.items[0].line, c1.items[0].col) == (5, 11)
    assert (c2.items[0].line, c2.items[0].col) == (7, 11)


LABELS = [  # (as written, CSL locator label, locator) -- Pandoc's en-US terms
    ("bk. 2", "book", "2"),
    ("chap. 3", "chapter", "3"),
    ("chaps. 3–4", "chapter", "3–4"),
    ("ch. 3", "chapter", "3"),
    ("col. 3", "column", "3"),
    ("fig. 4", "figure", "4"),
    ("fol. 5", "folio", "5"),
    ("no. 8", "issue", "8"),
    ("nos. 8–9", "issue", "8–9"),
    ("l. 12", "line", "12"),
    ("ll. 12–14", "line", "12–14"),
    ("n. 7", "note", "7"),
    ("op. 9", "opus", "9"),
    ("p. 3", "page", "3"),
    ("pp. 33–35", "page", "33–35"),
    ("para. 6", "paragraph", "6"),
    ("¶ 4", "paragraph", "4"),
    ("pt. 1", "part", "1"),
    ("sec. 2", "section", "2"),
    ("§ 5", "section", "5"),
    ("v. 3", "verse", "3"),
    ("vol. 2", "volume", "2"),
    ("vols. 1–2", "volume", "1–2"),
    ("{s.v. Vilnius}", "sub-verbo", "Vilnius"),
    ("{iv, vi–xi}", "page", "iv, vi–xi"),
    ("xii", "page", "xii"),
]


def test_every_locator_label() -> None:
    for written, label, locator in LABELS:
        item = one(f"[@a, {written}]").items[0]
        assert (item.label, item.locator, item.suffix) == (label, locator, ""), written


def test_not_a_locator_stays_suffix() -> None:
    item = one("[@a, number 8]").items[0]  # Pandoc: "number" is not a locator term
    assert (item.locator, item.suffix) == ("", ", number 8")


def test_forms_the_booklet_does_not_use() -> None:
    c = one("[see @a, 3; @b]")
    assert [(i.prefix, i.key, i.locator) for i in c.items] == [("see", "a", "3"), ("", "b", "")]
    c = one("[@a; @b; @c]")
    assert [i.key for i in c.items] == ["a", "b", "c"] and not c.author_in_text
    item = one("[-@a, 12]").items[0]
    assert item.suppress_author and item.locator == "12"
    c = one("As @a [p. 3] says.")
    assert c.author_in_text and (c.items[0].locator, c.items[0].label) == ("3", "page")
