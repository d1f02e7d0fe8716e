"""The fields of one BibTeX block, as BibTeX reads them: ``name = {..} # "..." # macro # 12``.

bibtexparser 2.1's splitter refuses valid files (a ``"`` inside braces inside a quoted value,
as in ``remark = "{... "optional" ...}"``), so the few blocks a build decodes are read here:
braces nest, a quoted value ends at a ``"`` outside braces, bare words are macro names or
numbers. Each field keeps its line, for located messages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class RawField:
    name: str  # lower-case
    value: str  # the value as written, e.g. '{A} # macro # "b"'
    line: int  # 0-based line of the name within the block


class BlockSyntaxError(Exception):
    """The block is not ``@type{key, name = value, ...}``; ``line`` is 0-based in the block."""

    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.line = line


_NAME = re.compile(r"\s*([^\s=,{}\"#%()]+)\s*")
_BARE = re.compile(r"[^\s,#{}\"()]+")


def read_fields(text: str, *, has_key: bool = True) -> list[RawField]:
    """The fields of ``@type{key, ...}`` (or, with ``has_key`` false, of ``@string{...}``)."""
    opening = re.match(r"\s*@\s*\w+\s*([{(])", text)
    if not opening:
        raise BlockSyntaxError("not a BibTeX block", 0)
    closing = "}" if opening.group(1) == "{" else ")"
    pos = opening.end()
    if has_key:
        comma = text.find(",", pos)
        if comma < 0:
            raise BlockSyntaxError("no comma after the citation key", 0)
        pos = comma + 1
    fields: list[RawField] = []
    while True:
        pos = _skip(text, pos)
        if pos >= len(text):
            raise BlockSyntaxError(f"the block never closes with '{closing}'", text.count("\n"))
        if text[pos] == closing:
            return fields
        name = _NAME.match(text, pos)
        if not name or name.end() >= len(text) or text[name.end()] != "=":
            raise BlockSyntaxError("expected 'name = value'", text.count("\n", 0, pos))
        line = text.count("\n", 0, name.start(1))
        value_start = name.end() + 1
        pos = _value_end(text, value_start)
        fields.append(RawField(name.group(1).lower(), text[value_start:pos].strip(), line))
        pos = _skip(text, pos)
        if pos < len(text) and text[pos] == ",":
            pos += 1
        elif pos < len(text) and text[pos] != closing:
            raise BlockSyntaxError(
                f"expected ',' or '{closing}' after the value of '{name.group(1)}'", text.count("\n", 0, pos)
            )


def _skip(text: str, pos: int) -> int:
    while pos < len(text) and text[pos].isspace():
        pos += 1
    return pos


def _value_end(text: str, pos: int) -> int:
    """The end of a value: its parts joined by '#'."""
    while True:
        pos = _skip(text, pos)
        if pos >= len(text):
            raise BlockSyntaxError("a value is cut off", text.count("\n"))
        char = text[pos]
        if char == "{":
            pos = _braced_end(text, pos)
        elif char == '"':
            pos = _quoted_end(text, pos)
        else:
            bare = _BARE.match(text, pos)
            if not bare:
                raise BlockSyntaxError("a field has no value", text.count("\n", 0, pos))
            pos = bare.end()
        after = _skip(text, pos)
        if after < len(text) and text[after] == "#":
            pos = after + 1
            continue
        return pos


def _braced_end(text: str, pos: int) -> int:
    depth = 0
    for i in range(pos, len(text)):
        char = text[i]
        if char == "\\":
            continue
        if char == "{" and text[i - 1] != "\\":
            depth += 1
        elif char == "}" and text[i - 1] != "\\":
            depth -= 1
            if depth == 0:
                return i + 1
    raise BlockSyntaxError("unbalanced braces in a value", text.count("\n", 0, pos))


def _quoted_end(text: str, pos: int) -> int:
    depth = 0
    for i in range(pos + 1, len(text)):
        char = text[i]
        escaped = text[i - 1] == "\\"
        if char == "{" and not escaped:
            depth += 1
        elif char == "}" and not escaped:
            depth -= 1
        elif char == '"' and depth == 0:
            return i + 1
    raise BlockSyntaxError("a quoted value never closes", text.count("\n", 0, pos))
