"""Gather the marks into indexes: merge spellings, resolve cross-references, sort, group.

All problems come back as diagnostics (nothing raises): unknown index, spelling variants,
"see" targets that do not exist, an entry with both "see" and "see also".
"""

from __future__ import annotations

from collections.abc import Sequence

from treatypress.diagnostics import Diagnostic, Location, error, warning
from treatypress.index.collate import Collation, collation, identity_key
from treatypress.index.model import (
    DEFAULT_INDEX_DEFS,
    CrossRef,
    GroupKind,
    Heading,
    Index,
    IndexDef,
    IndexEntry,
    IndexMark,
    LetterGroup,
    Locator,
)

SYMBOLS_LABEL = "Symbols and Numbers"  # Chicago files these first, under such a heading


class _Node:
    """An entry while it is being gathered (mutable; frozen into IndexEntry at the end)."""

    __slots__ = ("children", "first_seen", "locators", "see", "see_also", "sort", "spellings")

    def __init__(self) -> None:
        self.spellings: dict[str, int] = {}  # spelling -> uses, in first-use order
        self.first_seen: dict[str, Location] = {}
        self.sort: str | None = None
        self.locators: list[Locator] = []
        self.see: list[tuple[Heading, Location]] = []
        self.see_also: list[tuple[Heading, Location]] = []
        self.children: dict[bytes, _Node] = {}

    def heading(self) -> str:
        """The most frequent spelling; the first one used on a tie (max keeps the first)."""
        if len(self.spellings) == 1:  # the usual case, and the hot path
            return next(iter(self.spellings))
        return max(self.spellings, key=self.spellings.__getitem__)


def build_indexes(
    marks: Sequence[IndexMark],
    language: str,
    defs: Sequence[IndexDef] = DEFAULT_INDEX_DEFS,
    *,
    script_order: Sequence[str] = (),
    symbols_label: str = SYMBOLS_LABEL,
) -> tuple[tuple[Index, ...], tuple[Diagnostic, ...]]:
    """One :class:`Index` per definition (in the settings' order), with all problems found.

    ``marks`` must be in document order (locators keep it); ``language`` is the book's BCP 47
    language; ``script_order`` (ISO 15924 codes) overrides where other scripts file.
    """
    diagnostics: list[Diagnostic] = []
    roots: dict[str, _Node] = {d.name: _Node() for d in defs}
    for mark in marks:
        root = roots.get(mark.index)
        if root is None:
            known = ", ".join(d.name for d in defs)
            diagnostics.append(
                error(
                    "index-unknown",
                    f"index mark names index {mark.index!r}, which the book does not define (defined: {known})",
                    mark.location,
                    hint="add the index to the book's settings or correct index=",
                )
            )
            continue
        _add(root, mark)

    coll = collation(language, tuple(script_order))
    indexes = []
    for d in defs:
        root = roots[d.name]
        diagnostics.extend(_variants(root, ()))
        diagnostics.extend(_check_cross_refs(root, root, d.name))
        entries = _freeze_children(root, root, (), coll)
        indexes.append(Index(d.name, d.title, language, _group(entries, root, coll, symbols_label)))
    diagnostics.sort(key=lambda diag: diag.location or Location(""))
    return tuple(indexes), tuple(diagnostics)


def _add(root: _Node, mark: IndexMark) -> None:
    node = root
    for level, (text, sort) in enumerate(zip(mark.heading, mark.sort, strict=True)):
        node = node.children.setdefault(identity_key(text), _Node())
        if text in node.spellings:
            node.spellings[text] += 1
        else:
            node.spellings[text] = 1
            node.first_seen[text] = mark.location
        if node.sort is None and sort is not None:
            node.sort = sort
        if level == len(mark.heading) - 1:
            if mark.anchor is not None:
                node.locators.append(Locator(mark.anchor, mark.end_anchor, mark.location, mark.section))
            node.see.extend((t, mark.location) for t in mark.see)
            node.see_also.extend((t, mark.location) for t in mark.see_also)


def _variants(node: _Node, parents: Heading) -> list[Diagnostic]:
    found = []
    for child in node.children.values():
        chosen = child.heading()
        for spelling, where in child.first_seen.items():
            if spelling != chosen:
                found.append(
                    warning(
                        "index-variant",
                        f"index heading {'!'.join(parents + (spelling,))!r} differs only by case or "
                        f"diacritics from {'!'.join(parents + (chosen,))!r} at {child.first_seen[chosen]}; "
                        f"both are filed as {chosen!r}",
                        where,
                        hint="spell the heading the same way everywhere",
                    )
                )
        found.extend(_variants(child, parents + (chosen,)))
    return found


def _find(root: _Node, target: Heading) -> tuple[_Node, Heading] | None:
    node, shown = root, Heading()
    for text in target:
        child = node.children.get(identity_key(text))
        if child is None:
            return None
        node, shown = child, shown + (child.heading(),)
    return node, shown


def _check_cross_refs(node: _Node, root: _Node, index: str) -> list[Diagnostic]:
    found = []
    for child in node.children.values():
        for kind, refs in (("see", child.see), ("see also", child.see_also)):
            for target, where in refs:
                if _find(root, target) is None:
                    found.append(
                        warning(
                            "index-see-missing",
                            f"{kind!r} target {'!'.join(target)!r} of index heading {child.heading()!r} "
                            f"is not a heading in the {index!r} index",
                            where,
                            hint="mark the target somewhere or correct its spelling",
                        )
                    )
        if child.see and child.see_also:
            found.append(
                warning(
                    "index-see-conflict",
                    f"index heading {child.heading()!r} has both 'see' and 'see also'; 'see also' is dropped",
                    child.see_also[0][1],
                    hint="an entry that points elsewhere with 'see' carries nothing else (Chicago 16.16)",
                )
            )
            child.see_also.clear()
        found.extend(_check_cross_refs(child, root, index))
    return found


def _cross_refs(refs: list[tuple[Heading, Location]], root: _Node, coll: Collation) -> tuple[CrossRef, ...]:
    shown: dict[Heading, CrossRef] = {}
    for target, _ in refs:
        found = _find(root, target)
        ref = CrossRef(found[1], True) if found else CrossRef(target, False)
        shown.setdefault(ref.target, ref)
    return tuple(sorted(shown.values(), key=lambda r: [coll.sort_key(t) for t in r.target]))


def _freeze_children(node: _Node, root: _Node, path: Heading, coll: Collation) -> tuple[IndexEntry, ...]:
    entries = []
    for child in node.children.values():
        heading = child.heading()
        entry = IndexEntry(
            heading=heading,
            path=path + (heading,),
            locators=tuple(child.locators),
            see=_cross_refs(child.see, root, coll),
            see_also=_cross_refs(child.see_also, root, coll),
            subentries=_freeze_children(child, root, path + (heading,), coll),
        )
        entries.append(((coll.sort_key(child.sort or heading), coll.sort_key(heading)), entry))
    entries.sort(key=lambda pair: pair[0])
    return tuple(entry for _, entry in entries)


def _group(
    entries: tuple[IndexEntry, ...], root: _Node, coll: Collation, symbols_label: str
) -> tuple[LetterGroup, ...]:
    sorts = {e.heading: root.children[identity_key(e.heading)].sort or e.heading for e in entries}
    buckets = coll.buckets(sorts.values())
    groups: dict[tuple[int, bytes], tuple[str, GroupKind, list[IndexEntry]]] = {}
    for entry in entries:
        bucket = buckets[sorts[entry.heading]]
        label = symbols_label if bucket.symbols else bucket.label
        kind = GroupKind.SYMBOLS if bucket.symbols else GroupKind.LETTER
        groups.setdefault((bucket.order, coll.sort_key(label)), (label, kind, []))[2].append(entry)
    return tuple(LetterGroup(label, kind, tuple(items)) for _, (label, kind, items) in sorted(groups.items()))
