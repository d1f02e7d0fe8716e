"""treatypress: Markdown and BibTeX in, a typeset PDF booklet, an EPUB and a web edition out.

``treatypress.cite(items, citations, style, *, notes=None, locale=None)`` formats CSL-JSON
citations with Pandoc's citeproc (see the README); it is imported on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["Cited", "cite"]

if TYPE_CHECKING:
    from treatypress.bibliography.engine import Cited, cite


def __getattr__(name: str) -> Any:
    if name in __all__:
        from treatypress.bibliography import engine

        return getattr(engine, name)
    raise AttributeError(f"module 'treatypress' has no attribute {name!r}")
