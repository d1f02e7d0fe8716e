"""En dashes in number ranges: ``1918-1921`` and ``pp. 67-70`` become ``1918–1921``, ``67–70``.

Only a single hyphen between two short numbers is a range; ``0-300-10586-X`` (an ISBN) or a
date like ``2006-10-24`` keeps its hyphens, and code is never touched.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore

_RANGE = re.compile(r"(?<![\d\-–/])(\d{1,4})-(\d{1,4})(?![\d\-–/])")


def number_ranges_plugin(md: MarkdownIt) -> None:
    md.core.ruler.after("inline", "number_ranges", _ranges)


def _ranges(state: StateCore) -> None:
    for token in state.tokens:
        for child in token.children or ():
            if child.type == "text" and "-" in child.content:
                child.content = _RANGE.sub("\\1\u2013\\2", child.content)
