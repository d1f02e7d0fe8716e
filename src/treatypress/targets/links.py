"""Long URLs on screens: a break opportunity after each slash, so a URL wraps at a slash and
never gains a hyphen (the CSS keeps ``hyphens: none`` on ``a.url``). The citation stage writes
URLs and DOIs as ``<a class="url" href="...">``; print breaks them with its own CSS."""

from __future__ import annotations

import re
from collections.abc import Callable

_URL_LINK = re.compile(r'(<a\b[^>]*\bclass="(?:[^"]*\s)?url(?:\s[^"]*)?"[^>]*>)([^<]*)(</a>)')
_AFTER_SLASH = re.compile(r"(?<!/)(/+)(?=[^/])")


def break_urls(html: str) -> str:
    """``<a class="url">https://a.org/b/c</a>`` -> ``https://<wbr/>a.org/<wbr/>b/<wbr/>c``."""
    return _URL_LINK.sub(lambda m: m[1] + _AFTER_SLASH.sub(r"\1<wbr/>", m[2]) + m[3], html)


_TOKEN = re.compile(r"<[^>]*>|[^<]+")
# A URL runs to the next space or markup; a final full stop, comma, semicolon, colon or closing
# bracket is the sentence's, not the URL's (as in CSL's own output, "…/4976.").
_BARE_URL = re.compile(r"\bhttps?://[^\s<>\"]+?(?=[.,;:)\]]*(?:\s|$))")


def link_urls(html: str) -> str:
    """Make every bare ``http(s)://`` URL in the text a link, ``<a class="url" href="…">``.

    The citation stage links the URLs and DOIs it writes; this catches any it leaves as text (and
    URLs an author typed), so every edition gets a live link. Text inside an external link is
    kept; a URL inside an internal link (a note's citation linking to its bibliography entry)
    splits that link around it, since links cannot nest.
    """
    out: list[str] = []
    inside: str | None = None  # the open <a> tag, if any
    for token in _TOKEN.findall(html):
        if token.startswith("<"):
            if re.match(r"<a\b", token):
                inside = token
            elif token.startswith("</a"):
                inside = None
            out.append(token)
        elif inside is None:
            out.append(_BARE_URL.sub(lambda m: f'<a class="url" href="{m[0]}">{m[0]}</a>', token))
        elif not _EXTERNAL.search(inside) and _BARE_URL.search(token):
            again = re.sub(r'\sid="[^"]*"', "", inside)  # the reopened part must not repeat the id
            out.append(_BARE_URL.sub(_reopening(again), token))
        else:
            out.append(token)
    # a reopened link holding only the sentence's last full stop is no link
    return _EMPTY_LINK.sub(r"\1", "".join(out))


def _reopening(tag: str) -> Callable[[re.Match[str]], str]:
    """A URL inside an internal link: close the link, link the URL, open the link again."""
    return lambda m: f'</a><a class="url" href="{m[0]}">{m[0]}</a>{tag}'


_EXTERNAL = re.compile(r'\shref="(?:[a-z]+:|//)')
_EMPTY_LINK = re.compile(
    r'<a\b(?![^>]*\sid=)(?![^>]*\shref="(?:[a-z]+:|//))[^>]*\shref="[^"]*"[^>]*>'
    r"([\s.,;:)\]]*)</a>"
)


def live_links(html: str) -> str:
    """Bare URLs linked, and every URL link breakable after its slashes."""
    return break_urls(link_urls(html))
