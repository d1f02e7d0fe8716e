"""Long URLs on screens: a break opportunity after each slash, so a URL wraps at a slash and
never gains a hyphen (the CSS keeps ``hyphens: none`` on ``a.url``). The citation stage writes
URLs and DOIs as ``<a class="url" href="...">``; print breaks them with its own CSS."""

from __future__ import annotations

import re

_URL_LINK = re.compile(r'(<a\b[^>]*\bclass="(?:[^"]*\s)?url(?:\s[^"]*)?"[^>]*>)([^<]*)(</a>)')
_AFTER_SLASH = re.compile(r"(?<!/)(/+)(?=[^/])")


def break_urls(html: str) -> str:
    """``<a class="url">https://a.org/b/c</a>`` -> ``https://<wbr/>a.org/<wbr/>b/<wbr/>c``."""
    return _URL_LINK.sub(lambda m: m[1] + _AFTER_SLASH.sub(r"\1<wbr/>", m[2]) + m[3], html)
