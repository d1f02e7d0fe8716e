"""Line-breaking hints for the printed page, added to the text of the print HTML only.

- A number range (``1920–1921``, ``45–47``) must not break after its en dash: it is wrapped in
  ``<span class="nobreak">`` (``white-space: nowrap`` in the print CSS). A word joiner would do
  on the page but would also end up in the PDF outline's titles, which take a heading's text.
- A URL must come out of the PDF exactly as written, so it is never hyphenated (CSS
  ``hyphens: none`` on ``.url``), and it may break after a slash instead: a ``<wbr>`` there,
  which WeasyPrint draws as a zero-width space that a PDF reader does not copy either.
  URLs that the citation stage already made into ``<a class="url">`` links get the same breaks;
  bare URLs in the text are wrapped in ``<span class="url">`` first.

Both work on text nodes only (never inside a tag), and only in the ``<body>``.
"""

from __future__ import annotations

import re

_TAG_OR_TEXT = re.compile(r"(<[^>]*>)")
_RANGE = re.compile(r"\d+–\d+")
_URL = re.compile(r"((?:https?://|doi:|www\.)[^\s<>\"]+[^\s<>\".,;:)\]])")
_BREAK_AFTER = re.compile(r"(?<=/)(?=[^/])")  # after a slash (or //), never between two slashes


def print_text(html: str) -> str:
    """The print HTML with no-break ranges and breakable, unhyphenated URLs."""
    start = max(html.find("<body"), 0)
    head, body = html[:start], html[start:]
    parts = _TAG_OR_TEXT.split(body)
    out: list[str] = []
    in_url = 0  # depth inside an <a class="url">: its text is a URL already
    for part in parts:
        if part.startswith("<"):
            if in_url and part.startswith("<a"):
                in_url += 1
            elif in_url and part.startswith("</a"):
                in_url -= 1
            elif re.match(r'<a\b[^>]*\bclass="[^"]*\burl\b', part):
                in_url = 1
            out.append(part)
            continue
        if in_url:
            out.append(_breaks(part))
            continue
        pieces = _URL.split(part)  # text, url, text, url, ... (the pattern has one group)
        for number, piece in enumerate(pieces):
            out.append(f'<span class="url">{_breaks(piece)}</span>' if number % 2 else _ranges(piece))
    return head + "".join(out)


def _ranges(text: str) -> str:
    return _RANGE.sub(lambda m: f'<span class="nobreak">{m.group()}</span>', text)


def _breaks(url: str) -> str:
    return _BREAK_AFTER.sub("<wbr/>", url)
