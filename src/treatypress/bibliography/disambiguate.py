"""CSL 1.0.2 §"Disambiguation", the year-suffix step, for styles that ask for it.

citeproc-py 0.11.1 does no disambiguation. Author-date styles with
``disambiguate-add-year-suffix="true"`` (APA) need it when two works render the same cite, e.g.
two entries of one encyclopedia: "(Juozas Kapočius, 1970–1978a)", "(… 1970–1978b)", as Pandoc
writes them. The other steps (add names, add given names) are not done: they are rarely needed
with the short reference lists of a book, and never by the booklet.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from string import ascii_lowercase


def suffix(n: int) -> str:
    """The n-th year suffix (0-based): a … z, then aa, ab, … (CSL 1.0.2, "year-suffix")."""
    if n < len(ascii_lowercase):
        return ascii_lowercase[n]
    return suffix(n // len(ascii_lowercase) - 1) + ascii_lowercase[n % len(ascii_lowercase)]


def year_suffixes(order: Sequence[str], rendered: Mapping[str, str]) -> dict[str, str]:
    """Works whose cites render alike, each with its suffix, lettered in bibliography ``order``.

    ``rendered`` maps each work to its cite as plain text, without locator or affixes.
    """
    groups: dict[str, list[str]] = {}
    for key in order:
        groups.setdefault(rendered[key], []).append(key)
    return {key: suffix(n) for keys in groups.values() if len(keys) > 1 for n, key in enumerate(keys)}
