"""``cs:sort`` done the way Pandoc's citeproc does it, installed over citeproc-py 0.11.1's.

citeproc-py renders every sort key of every item up front and compares the rendered HTML by
code point. Three consequences, each fixed here:

- Keys keep their markup: a work listed under its title sorts as ``<i>Encyclopedia...`` or
  ``['“', 'Lithuania...']`` (a list printed by ``str()``), so works without a personal author
  (the substituted key of CSL 1.0.2 §"Substitute") all sort before "A". Keys are compared as
  plain text: tags dropped, entities decoded, punctuation ignored, as citeproc does.
- Code points put "Čepėnas" and "Łossowski" after "Treadgold"; keys are compared with the
  Unicode Collation Algorithm (ICU, root locale): Č after C, Cyrillic after Latin.
- Speed: the second and later keys matter only between items the first key does not tell
  apart, and a citation of one work needs no sorting; keys are rendered only when compared.
"""

from __future__ import annotations

import html
import re
from functools import cmp_to_key
from typing import Any

import citeproc.model
import icu

_COLLATOR = icu.Collator.createInstance(icu.Locale.getRoot())
_TAG = re.compile(r"<[^>]+>")
_NOT_WORD = re.compile(r"[^\w\s]+")
_MISSING = object()  # a key not rendered yet

SortKey = tuple[int, Any] | None  # (0, number) or (1, ICU collation key); None sorts last


def normalise(value: Any) -> SortKey:
    """A rendered sort key as something comparable; None for an empty key (CSL: sorts last)."""
    if value is None:
        return None
    if isinstance(value, (int, float)):
        return (0, value)
    text = "".join(str(v) for v in value) if isinstance(value, (list, tuple)) else str(value)
    text = _NOT_WORD.sub(" ", html.unescape(_TAG.sub("", text)))
    text = " ".join(text.split())
    if not text:
        return None
    if text.isdigit():
        return (0, int(text))
    return (1, _COLLATOR.getSortKey(text))


def _compare(left: SortKey, right: SortKey) -> int:
    if left is None or right is None:
        return (left is None) - (right is None)  # missing keys last, whatever the direction
    if left[0] != right[0]:
        return left[0] - right[0]  # numbers before text
    return (left[1] > right[1]) - (left[1] < right[1])


def sort(self: Any, items: list[Any], context: Any) -> list[Any]:
    """``cs:sort`` over ``items``; stable (equal items keep their order)."""
    if len(items) < 2:
        return list(items)
    keys = self.findall("cs:key", self.nsmap)
    descending = [k.get("sort", "ascending").lower() == "descending" for k in keys]
    rendered: dict[tuple[int, int], SortKey] = {}

    def key_of(index: int, k: int) -> SortKey:
        found = rendered.get((index, k), _MISSING)
        if found is _MISSING:
            found = rendered[(index, k)] = normalise(keys[k].sort_keys([items[index]], context)[0])
        return found  # type: ignore[return-value]

    def cmp(a: int, b: int) -> int:
        for k in range(len(keys)):
            left, right = key_of(a, k), key_of(b, k)
            result = _compare(left, right)
            if result:
                both = left is not None and right is not None
                return -result if descending[k] and both else result
        return 0

    order = sorted(range(len(items)), key=cmp_to_key(cmp))
    return [items[i] for i in order]


def apply() -> None:
    """Install :func:`sort` as ``citeproc.model.Sort.sort``."""
    citeproc.model.Sort.sort = sort
