"""Core rules that look at a whole parsed chapter for what markdown-it accepts silently.

CommonMark never fails: an unclosed fenced div is closed at the chapter's end, a second
definition of a footnote label replaces the first, 600 emphasis markers nest 300 levels deep
(and WeasyPrint's layout then runs out of stack), an unclosed ``<!--`` swallows the rest of the
chapter. Each of these is recorded here as a refusal at its line; ``parse_chapter`` turns them
into diagnostics. Raw HTML goes through the policy in ``rawhtml``.
"""

from __future__ import annotations

import re
from collections.abc import MutableMapping
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore

from .rawhtml import Balance, Refusal, sanitise, unclosed

MAX_DEPTH = 32  # elements open inside one another: quotes, lists, emphasis, spans
PARSER_NESTING = 64  # markdown-it stops reading deeper blocks silently: keep it above MAX_DEPTH
LINK_SCHEMES = ("http", "https", "mailto")
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")
_FENCE = re.compile(r"^\s*(:{3,})\s*$")


def checks_plugin(md: MarkdownIt) -> None:
    md.options["maxNesting"] = PARSER_NESTING
    # Let every URL through to a token, so that a file:, javascript: or data: URL is reported
    # at its line (by the link rule below, or by the resolve stage for images) instead of
    # silently staying as text.
    md.validateLink = lambda url: True  # type: ignore[method-assign]
    md.core.ruler.before("footnote_tail", "footnote_definitions", _footnote_definitions)
    md.core.ruler.push("checks", _checks)


def refusals(env: MutableMapping[str, Any]) -> list[Refusal]:
    found = env.setdefault("refusals", [])
    assert isinstance(found, list)
    return found


def _footnote_definitions(state: StateCore) -> None:
    """A label defined twice: the footnote plugin keeps one definition and drops the other."""
    first: dict[str, int] = {}
    tokens = state.tokens
    for position, token in enumerate(tokens):
        if token.type != "footnote_reference_open":
            continue
        label = token.meta["label"]
        line = next((t.map[0] for t in tokens[position + 1 :] if t.map), -1)
        if label in first:
            refusals(state.env).append(
                Refusal(
                    line,
                    f"[^{label}]",
                    "footnote-duplicate",
                    f"footnote [^{label}] is defined twice (first at line {first[label] + 1})",
                    "give each note its own label",
                )
            )
        else:
            first[label] = line


def _checks(state: StateCore) -> None:
    found = refusals(state.env)
    lines = state.src.split("\n")
    chapter = Balance()
    too_deep = False
    closing_lines: set[int] = set()  # fences already closing an outer div
    for token in state.tokens:
        line = token.map[0] if token.map else -1
        if token.type == "html_block":
            chapter.depth = token.level
            token.content = sanitise(token.content, line, chapter, found)
        elif token.type == "container_div_open" and token.map:
            end = token.map[1]
            fence = _FENCE.match(lines[end]) if end < len(lines) and end not in closing_lines else None
            closing_lines.add(end)
            if fence is None or len(fence[1]) < len(token.markup):
                found.append(
                    Refusal(
                        line,
                        token.markup,
                        "div-unclosed",
                        "this fenced div is never closed",
                        f"close it with a line '{token.markup}' where it ends",
                    )
                )
        elif token.type == "inline":
            paragraph = Balance()
            depth = deepest = 0
            for child in token.children or ():
                depth += child.nesting
                deepest = max(deepest, depth)
                if child.type == "html_inline":
                    paragraph.depth = depth
                    child.content = sanitise(child.content, line, paragraph, found)
                elif child.type == "link_open":
                    _check_link(str(child.attrGet("href") or ""), line, found)
            unclosed(paragraph, found)
            if token.level + deepest > MAX_DEPTH and not too_deep:
                too_deep = True
                found.append(
                    Refusal(
                        line,
                        "",
                        "markdown-too-deep",
                        f"the text nests {token.level + deepest} "
                        f"levels deep (quotes, lists, emphasis, spans); at most {MAX_DEPTH} are allowed",
                        "check for unmatched * or _ markers, or flatten the structure",
                    )
                )
        if token.level > MAX_DEPTH and not too_deep:
            too_deep = True
            found.append(
                Refusal(
                    line,
                    "",
                    "markdown-too-deep",
                    f"the text nests more than {MAX_DEPTH} levels deep (quotes, lists, divs)",
                    "flatten the structure",
                )
            )
    unclosed(chapter, found)


def _check_link(href: str, line: int, found: list[Refusal]) -> None:
    scheme = _SCHEME.match(href)
    if scheme and scheme[1].lower() not in LINK_SCHEMES:
        found.append(
            Refusal(
                line,
                f"{scheme[1]}:",
                "link-scheme",
                f"a link to '{href[:60]}' is not allowed",
                "links go to http:, https:, mailto:, a #fragment or a relative address",
            )
        )
