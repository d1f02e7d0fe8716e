"""Turn the attributes of one bracketed span or fenced div into an :class:`IndexMark`.

Syntax (Pandoc attributes, so Pandoc still reads the file)::

    [Vilnius]{.idx}                          the marked text is the heading
    [the old capital]{idx="Vilnius"}         another heading
    [..]{idx="Vilnius!seized by Poland"}     sub-entries with "!", at most 3 levels
    []{idx="Wilno" see="Vilnius"}            cross-reference; an empty span marks no page
    [..]{idx="Kaunas" seealso="Kovno"}       "see also"; several targets split on ";"
    [..]{idx="Żeligowski" sort="Zeligowski"} sort key of the last level ...
    [..]{idx="A!b" sort="A!bee"}             ... or one per level, split on "!" like idx
    [..]{idx="Piłsudski" index="people"}     which index (default "general")
    ::: {idx="Polish–Soviet War"} ... :::    a fenced div marks a passage (a page range)
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from treatypress.diagnostics import Diagnostic, Location, error, warning
from treatypress.index.model import Heading, IndexMark

MAX_LEVELS = 3  # Chicago: more than two sub-levels is unreadable in print
DEFAULT_INDEX = "general"
_SPACE = re.compile(r"\s+")


_APOSTROPHE = re.compile(r"(?<=\w)'")


def _clean(text: str) -> str:
    # An attribute value is not touched by the text's smart typography: its apostrophes are
    # made typographic here, so "People's" in idx="..." prints as the text's "People’s".
    return _APOSTROPHE.sub("\u2019", _SPACE.sub(" ", text).strip())


def _split_levels(value: str) -> tuple[str, ...]:
    return tuple(_clean(part) for part in value.split("!"))


def _targets(value: str | None) -> tuple[Heading, ...]:
    # ";" separates several targets, as Chicago prints them: "See Vilnius; Kaunas".
    if not value:
        return ()
    return tuple(_split_levels(t) for t in value.split(";") if _clean(t))


def is_index_mark(attrs: Mapping[str, str]) -> bool:
    """Whether these attributes ask for an index entry at all."""
    return "idx" in attrs or "idx" in attrs.get("class", "").split()


def parse_mark(
    attrs: Mapping[str, str],
    text: str,
    anchor: str,
    end_anchor: str | None,
    location: Location,
    *,
    section: str = "",
) -> tuple[IndexMark | None, tuple[Diagnostic, ...]]:
    """The mark these attributes describe, or None (not a mark, or a reported problem).

    ``text`` is the plain text of the span (ignored for a div); ``end_anchor`` is given for a
    fenced div only; ``section`` labels the locator when no PDF page is known (web edition).
    """
    if not is_index_mark(attrs):
        return None, ()
    if "idx" in attrs:
        heading = _split_levels(attrs["idx"])
    elif end_anchor is not None:
        return None, (
            error(
                "index-div-heading",
                'a marked passage needs its heading in idx="…"',
                location,
                hint='write ::: {idx="Heading"} instead of ::: {.idx}',
            ),
        )
    else:
        heading = (_clean(text),)

    if any(not level for level in heading):
        return None, (
            warning(
                "index-empty",
                f"index mark has an empty heading: {'!'.join(heading)!r}",
                location,
                hint='give the span some text or write idx="Heading"',
            ),
        )
    if len(heading) > MAX_LEVELS:
        return None, (
            error(
                "index-too-deep",
                f"index heading {'!'.join(heading)!r} has {len(heading)} levels; at most {MAX_LEVELS} are allowed",
                location,
                hint="fold the deepest levels into their parent",
            ),
        )

    sort: tuple[str | None, ...] = (None,) * len(heading)
    if attrs.get("sort"):
        parts = _split_levels(attrs["sort"])
        if len(parts) == 1:
            sort = sort[:-1] + (parts[0],)
        elif len(parts) == len(heading):
            sort = tuple(p or None for p in parts)
        else:
            return None, (
                error(
                    "index-sort-levels",
                    f"sort key {attrs['sort']!r} has {len(parts)} levels but heading "
                    f"{'!'.join(heading)!r} has {len(heading)}",
                    location,
                    hint="give one sort key (for the last level) or one per level, separated by '!'",
                ),
            )

    see = _targets(attrs.get("see"))
    see_also = _targets(attrs.get("seealso"))
    # A cross-reference written as an empty span points, it does not locate.
    cross_only = (see or see_also) and not _clean(text) and end_anchor is None
    mark = IndexMark(
        index=_clean(attrs.get("index", "")) or DEFAULT_INDEX,
        heading=heading,
        sort=sort,
        anchor=None if cross_only else anchor,
        end_anchor=None if cross_only else end_anchor,
        see=see,
        see_also=see_also,
        location=location,
        section=section,
    )
    return mark, ()
