"""Two renderers of one :class:`Index` as an HTML fragment (escaped, well-formed XHTML).

Print (``render_print``), for the PDF, numbers from where each anchor landed::

    <section class="index" id="index-general">
      <h1 class="index-title">Index</h1>
      <div class="index-group index-group-letter">          (index-group-symbols first)
        <h2 class="index-letter">L</h2>
        <ul class="index-entries">
          <li class="index-entry index-level-1">
            <span class="index-term">Kaunas</span>, <span class="index-locators">12, 15–17</span><span
              class="index-xref index-see-also">. <i>See also</i> Kovno</span>
            <ul class="index-entries index-subentries"> <li class="index-entry index-level-2">…

Linked (``render_linked``), for EPUB 3 and the web, EPUB Indexes 1.0 markup::

    <section epub:type="index" class="index" id="index-general">
      <h1 class="index-title">Index</h1>
      <section epub:type="index-group" class="index-group index-group-letter" id="index-general-g3">
        <h2 class="index-letter">K</h2>
        <ul epub:type="index-entry-list" class="index-entries">
          <li epub:type="index-entry" class="index-entry index-level-1" id="index-general-e7">
            <span epub:type="index-term" class="index-term">Kaunas</span>,
            <a epub:type="index-locator" href="ch1.xhtml#idx-4">12</a>,
            <span epub:type="index-locator-range" class="index-locator-range">
              <a epub:type="index-locator" href="…">15</a>–<a epub:type="index-locator" href="…">17</a></span>
            <a epub:type="index-locator" class="index-locator-more" href="…" title="15–17, mention 2"><sup>2</sup></a>
            <span epub:type="index-xref-related" class="index-xref index-see-also">. <i>See also</i>
              <a epub:type="index-term" href="#index-general-e9">Kovno</a></span>

Each locator shows the printed page number (so a reader can cite it). Several marks in one
printed run (same page, or consecutive pages merged into a range) show the number once; the
first number links to the first mark, a range's end to the mark on its last page, and every
other mark gets a small superscript link numbered 2, 3, … so no place is lost and the text
reads like the printed index. Without a PDF (``pages=None``) locators are labelled with the
mark's section (``IndexMark.section``; else its chapter file's stem), in document order, marks
in the same section collapsed the same way.

CSS hooks: ``.index`` (set ``columns: 2`` here), ``.index-title``, ``.index-group``,
``.index-group-symbols``, ``.index-letter``, ``.index-entries``, ``.index-subentries``,
``.index-entry``, ``.index-level-1..3`` (indent sub-entries with ``padding-left``; hanging
indent with ``text-indent``), ``.index-term``, ``.index-locators``, ``.index-xref``,
``.index-see``, ``.index-see-also``, ``.index-locator-range``, ``.index-locator-more``.
Lists carry no bullets by default: set ``list-style: none`` on ``.index-entries``.
The fragment uses the ``epub:`` prefix: the XHTML ``html`` element must declare
``xmlns:epub="http://www.idpf.org/2007/ops"``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from html import escape
from pathlib import PurePosixPath

from treatypress.index.model import CrossRef, GroupKind, Index, IndexEntry, Locator, PageRef
from treatypress.index.runs import PageRun, page_runs

__all__ = ["render_linked", "render_print"]


def _e(text: str) -> str:
    return escape(text, quote=True)


def _slug(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "-", name).strip("-") or "x"


def _group_class(kind: GroupKind) -> str:
    return "index-group index-group-symbols" if kind is GroupKind.SYMBOLS else "index-group index-group-letter"


def _xref_text(ref: CrossRef) -> str:
    return ": ".join(ref.target)  # a sub-entry as "Vilnius: seized by Poland (1919)"


def _xref_wrap(level: int, word: str, body: str) -> str:
    # Chicago 16.16–16.23: after a main heading ". See X"; after a sub-entry "(see X)".
    if level == 1:
        return f". <i>{word.capitalize()}</i> {body}"
    return f" (<i>{word}</i> {body})"


# --- print ------------------------------------------------------------------------------


def render_print(index: Index, pages: Mapping[str, PageRef], href: Callable[[str], str] | None = None) -> str:
    """The printed index; ``pages[anchor]`` is where each mark's anchor landed in the PDF.

    With ``href`` each page number is also a link to its mark (``href(anchor)``), so a locator
    in the PDF goes to its page; the printed text is the same.

    Raises :class:`~treatypress.index.runs.MissingAnchorError` if an anchor has no page.
    An index without entries renders as "" (leave it out of the book).
    """
    if not index.groups:
        return ""
    out = [f'<section class="index" id="index-{_slug(index.name)}">', f'<h1 class="index-title">{_e(index.title)}</h1>']
    for group in index.groups:
        out.append(f'<div class="{_group_class(group.kind)}">')
        out.append(f'<h2 class="index-letter">{_e(group.label)}</h2>')
        out.extend(_print_entries(group.entries, pages, 1, href))
        out.append("</div>")
    out.append("</section>")
    return "\n".join(out) + "\n"


def _print_run(run: PageRun, href: Callable[[str], str] | None) -> str:
    if href is None:
        return _e(run.label)
    if run.first.number == run.last.number:
        return f'<a href="{_e(href(run.first_anchor))}">{_e(run.first.label)}</a>'
    # kept on one line: a range never breaks after its en dash (print.css: span.nobreak)
    return (
        f'<span class="nobreak"><a href="{_e(href(run.first_anchor))}">{_e(run.first.label)}</a>\u2013'
        f'<a href="{_e(href(run.last_anchor))}">{_e(run.last.label)}</a></span>'
    )


def _print_entries(
    entries: tuple[IndexEntry, ...], pages: Mapping[str, PageRef], level: int, href: Callable[[str], str] | None = None
) -> Iterator[str]:
    extra = " index-subentries" if level > 1 else ""
    yield f'<ul class="index-entries{extra}">'
    for entry in entries:
        parts = [f'<li class="index-entry index-level-{level}"><span class="index-term">{_e(entry.heading)}</span>']
        runs = page_runs(entry.locators, pages)
        if runs:
            numbers = ", ".join(_print_run(run, href) for run in runs)
            parts.append(f', <span class="index-locators">{numbers}</span>')
        for word, refs, cls in (("see", entry.see, "index-see"), ("see also", entry.see_also, "index-see-also")):
            if refs:
                body = "; ".join(_e(_xref_text(r)) for r in refs)
                parts.append(f'<span class="index-xref {cls}">{_xref_wrap(level, word, body)}</span>')
        line = "".join(parts)
        if entry.subentries:
            yield line
            yield from _print_entries(entry.subentries, pages, level + 1, href)
            yield "</li>"
        else:
            yield line + "</li>"
    yield "</ul>"


# --- EPUB / web ---------------------------------------------------------------------------


def render_linked(
    index: Index,
    pages: Mapping[str, PageRef] | None,
    href: Callable[[str], str],
    *,
    body_is_index: bool = False,
) -> str:
    """The linked index (EPUB Indexes 1.0); ``href(anchor)`` gives the link to a mark.

    Cross-references link to entries of this index by ``#id``: keep the fragment in one file.
    An index without entries renders as "" (EPUB Indexes forbids an empty one).

    ``body_is_index=True`` leaves out the ``<section epub:type="index">`` wrapper, for an XHTML
    file whose ``<body epub:type="index">`` is the index. Use it when the OPF declares the file
    with ``properties="index"``: EPUBCheck then requires a file holding only index content to
    carry the type on ``body`` (and one index element only). Without that property EPUBCheck does
    not apply its index rules and the default ``<section>`` form is valid too.
    """
    if not index.groups:
        return ""
    prefix = f"index-{_slug(index.name)}"
    ids = _entry_ids(index, prefix)
    out = [] if body_is_index else [f'<section epub:type="index" role="doc-index" class="index" id="{prefix}">']
    out.append(f'<h1 class="index-title">{_e(index.title)}</h1>')
    for number, group in enumerate(index.groups, 1):
        out.append(f'<section epub:type="index-group" class="{_group_class(group.kind)}" id="{prefix}-g{number}">')
        out.append(f'<h2 class="index-letter">{_e(group.label)}</h2>')
        out.extend(_linked_entries(group.entries, pages, href, ids, 1))
        out.append("</section>")
    if not body_is_index:
        out.append("</section>")
    return "\n".join(out) + "\n"


def _entry_ids(index: Index, prefix: str) -> dict[tuple[str, ...], str]:
    ids: dict[tuple[str, ...], str] = {}

    def walk(entries: tuple[IndexEntry, ...]) -> None:
        for entry in entries:
            ids[entry.path] = f"{prefix}-e{len(ids) + 1}"
            walk(entry.subentries)

    for group in index.groups:
        walk(group.entries)
    return ids


def _section_runs(locators: tuple[Locator, ...]) -> tuple[PageRun, ...]:
    """Without pages: one run per section, in document order (see the module docstring)."""
    by_section: dict[str, list[Locator]] = {}
    for loc in locators:
        label = loc.section or PurePosixPath(loc.location.path).stem
        by_section.setdefault(label, []).append(loc)
    runs = []
    for label, locs in by_section.items():
        ref = PageRef(0, label)
        runs.append(PageRun(ref, ref, locs[0].anchor, locs[0].anchor, tuple(loc.anchor for loc in locs[1:])))
    return tuple(runs)


def _locator(anchor: str, label: str, href: Callable[[str], str]) -> str:
    return f'<a epub:type="index-locator" href="{_e(href(anchor))}">{_e(label)}</a>'


def _linked_run(run: PageRun, href: Callable[[str], str]) -> str:
    if run.first.number == run.last.number:
        text = _locator(run.first_anchor, run.first.label, href)
    else:
        text = (
            '<span epub:type="index-locator-range" class="index-locator-range">'
            f"{_locator(run.first_anchor, run.first.label, href)}\u2013"
            f"{_locator(run.last_anchor, run.last.label, href)}</span>"
        )
    for n, anchor in enumerate(run.others, 2):
        text += (
            f'<a epub:type="index-locator" class="index-locator-more" href="{_e(href(anchor))}"'
            f' title="{_e(run.label)}, mention {n}"><sup>{n}</sup></a>'
        )
    return text


def _linked_xref(ref: CrossRef, ids: Mapping[tuple[str, ...], str]) -> str:
    target = ids.get(ref.target) if ref.resolved else None
    if target is None:
        return f'<span epub:type="index-term">{_e(_xref_text(ref))}</span>'
    return f'<a epub:type="index-term" href="#{target}">{_e(_xref_text(ref))}</a>'


def _linked_entries(
    entries: tuple[IndexEntry, ...],
    pages: Mapping[str, PageRef] | None,
    href: Callable[[str], str],
    ids: Mapping[tuple[str, ...], str],
    level: int,
) -> Iterator[str]:
    extra = " index-subentries" if level > 1 else ""
    yield f'<ul epub:type="index-entry-list" class="index-entries{extra}">'
    for entry in entries:
        parts = [
            f'<li epub:type="index-entry" class="index-entry index-level-{level}" id="{ids[entry.path]}">'
            f'<span epub:type="index-term" class="index-term">{_e(entry.heading)}</span>'
        ]
        runs = page_runs(entry.locators, pages) if pages is not None else _section_runs(entry.locators)
        if runs:
            parts.append(", " + ", ".join(_linked_run(run, href) for run in runs))
        for word, refs, kind, cls in (
            ("see", entry.see, "index-xref-preferred", "index-see"),
            ("see also", entry.see_also, "index-xref-related", "index-see-also"),
        ):
            if refs:
                body = "; ".join(_linked_xref(r, ids) for r in refs)
                parts.append(
                    f'<span epub:type="{kind}" class="index-xref {cls}">{_xref_wrap(level, word, body)}</span>'
                )
        line = "".join(parts)
        if entry.subentries:
            yield line
            yield from _linked_entries(entry.subentries, pages, href, ids, level + 1)
            yield "</li>"
        else:
            yield line + "</li>"
    yield "</ul>"
