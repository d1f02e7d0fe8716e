"""Golden files: what one Markdown input parses to, written as text a reviewer can read.

A fixture ``tests/fixtures/markdown/<plugin>/<case>.md`` has its golden ``<case>.out`` beside it:
the HTML markdown-it-py renders, the token tree (type, tag, attributes, line map, markup, info,
meta, content), and the diagnostics ``parse_chapter`` reports, each with its file:line:col.
``pytest --update-goldens`` rewrites the goldens from the code; review them with ``git diff``
(markdown-it-py's fixture files and Standard Ebooks' ``golden/`` trees work the same way).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from markdown_it.token import Token

from treatypress.manuscript import ChapterSource
from treatypress.markdown import make_parser, parse_chapter

LANGUAGE = "en"


def golden_text(source: Path, root: Path) -> str:
    """The golden text for the Markdown file ``source`` (named relative to ``root``)."""
    text = source.read_text(encoding="utf-8")
    parsed = parse_chapter(ChapterSource(source.relative_to(root).as_posix(), "body", text), LANGUAGE)
    html = make_parser(LANGUAGE).renderer.render(list(parsed.tokens), make_parser(LANGUAGE).options, {})
    parts = ["## html", html.rstrip("\n"), "", "## tokens", *_tokens(parsed.tokens, 0), "", "## diagnostics"]
    parts.extend(problem.format() for problem in parsed.problems)
    if not parsed.problems:
        parts.append("(none)")
    return "\n".join(parts) + "\n"


def _tokens(tokens: Sequence[Token], depth: int) -> Iterator[str]:
    pad = "  " * depth
    for token in tokens:
        head = [token.type]
        if token.tag and token.tag not in token.type:
            head.append(f"<{token.tag}>")
        if token.attrs:
            head.append("{" + " ".join(f"{name}={value!r}" for name, value in token.attrs.items()) + "}")
        if token.map:
            head.append(f"lines {token.map[0] + 1}-{token.map[1]}")
        if token.markup and token.type != "text":
            head.append(f"markup={token.markup!r}")
        if token.info:
            head.append(f"info={token.info!r}")
        if token.content and not token.children:
            head.append(repr(token.content))
        yield pad + " ".join(head)
        for key, value in token.meta.items():
            if isinstance(value, Token):
                yield f"{pad}  meta.{key}:"
                yield from _tokens([value], depth + 2)
            else:
                yield f"{pad}  meta.{key} = {_value(value)}"
        if token.children:
            yield from _tokens(token.children, depth + 1)


def _value(value: Any) -> str:
    """A meta value; dataclasses (a citation) with only the fields that differ from the default."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        shown = []
        for field in dataclasses.fields(value):
            item = getattr(value, field.name)
            if field.default is not dataclasses.MISSING and item == field.default:
                continue
            shown.append(f"{field.name}={_value(item)}")
        return f"{type(value).__name__}({', '.join(shown)})"
    if isinstance(value, tuple | list):
        inner = ", ".join(_value(item) for item in value)
        return f"({inner})" if isinstance(value, tuple) else f"[{inner}]"
    return repr(value)
