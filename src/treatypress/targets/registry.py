"""The outputs a build can make, by ``--format`` name, in the order they are built.

Loaded by name on demand, as Sphinx's builder registry does, so that choosing a format never
imports another's dependencies: an EPUB build does not load WeasyPrint or pikepdf.
"""

from __future__ import annotations

from importlib import import_module
from typing import cast

from .base import Target

# name -> "module:class" under treatypress.targets. The print edition's provider comes first:
# the outputs after it may read its layout.
_TARGETS: dict[str, str] = {
    "pdf": "pdfbook:PdfTarget",
    "epub": "epub:EpubTarget",
    "html": "web:WebTarget",
    "handouts": "handouts:HandoutsTarget",
}

FORMATS: tuple[str, ...] = tuple(_TARGETS)


def target(name: str) -> Target:
    module, _, cls = _TARGETS[name].partition(":")
    made = getattr(import_module(f"{__package__}.{module}"), cls)()
    assert made.name == name, f"registry entry {name!r} names {cls}, whose name is {made.name!r}"
    return cast(Target, made)


def print_provider() -> Target:
    """The target that lays out the print edition (made unkept when only others need it)."""
    for name in FORMATS:
        made = target(name)
        if made.provides_print:
            return made
    raise LookupError("no registered target provides the print edition")
